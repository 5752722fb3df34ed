/* engine-library.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean engine_library_init (GError **error);
char    *engine_library_describe_versions (void);

G_END_DECLS
