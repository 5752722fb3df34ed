/* store-search.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-database.h"
#include "store-messages.h"

G_BEGIN_DECLS

void       store_database_search_async (StoreDatabase      *self,
                                        const char         *query,
                                        gint64              before_id,
                                        guint               limit,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
GPtrArray *store_database_search_finish (StoreDatabase *self,
                                         GAsyncResult  *result,
                                         GError       **error);

G_END_DECLS
