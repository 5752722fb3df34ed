/* store-library.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean store_library_check (GError **error);
char    *store_library_version (void);

G_END_DECLS
