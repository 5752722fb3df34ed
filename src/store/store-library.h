/* store-library.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * StoreBodyTextFunc:
 * @raw: a stored message's bytes
 *
 * Returns: (transfer full): the text the search index holds for the
 *   message's body, as the engine gave it when the message was stored
 */
typedef char *(*StoreBodyTextFunc) (GBytes *raw);

gboolean store_library_check (GError **error);
char    *store_library_version (void);
void     store_library_set_body_text_func (StoreBodyTextFunc func);

G_END_DECLS
