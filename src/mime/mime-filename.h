/* mime-filename.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest name mime_sanitize_filename() returns, in bytes (NAME_MAX). */
#define MIME_FILENAME_MAX_LENGTH 255

char *mime_sanitize_filename (const char *name);

G_END_DECLS
