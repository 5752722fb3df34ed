/* store-database.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define STORE_TYPE_DATABASE (store_database_get_type ())

G_DECLARE_FINAL_TYPE (StoreDatabase, store_database, STORE, DATABASE, GObject)

char *store_database_get_default_path (void);

void           store_database_open_async (const char         *path,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
StoreDatabase *store_database_open_finish (GAsyncResult *result,
                                           GError      **error);

const char *store_database_get_path (StoreDatabase *self);
const char *store_database_get_index_path (StoreDatabase *self);
guint       store_database_get_schema_version (StoreDatabase *self);
guint       store_database_get_latest_schema_version (void);

void     store_database_flush_index_async (StoreDatabase      *self,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
gboolean store_database_flush_index_finish (StoreDatabase *self,
                                            GAsyncResult  *result,
                                            GError       **error);

G_END_DECLS
