/* mime-library.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  mime_library_init (void);
char *mime_library_version (void);

G_END_DECLS
