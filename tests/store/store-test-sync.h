/* store-test-sync.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store-database.h"
#include "store-folders.h"
#include "store-messages.h"

G_BEGIN_DECLS

/* Blocking forms of the store's async calls, for tests and benchmarks:
 * each runs the thread-default main context until its operation ends. */
StoreDatabase *store_test_open (const char *path, GError **error);
void           store_test_make_dir (char **dir, char **path);
StoreDatabase *store_test_create (char **dir, char **path);
void           store_test_destroy (StoreDatabase **db, char **dir, char **path);
GArray        *store_test_insert (StoreDatabase *db,
                                  gint64         folder_id,
                                  gint64         account_id,
                                  GPtrArray     *messages,
                                  GError       **error);
gboolean       store_test_set_flags (StoreDatabase *db,
                                     GArray        *ids,
                                     StoreFlags     mask,
                                     StoreFlags     values,
                                     GError       **error);
gboolean       store_test_move (StoreDatabase *db,
                                GArray        *ids,
                                gint64         folder_id,
                                GError       **error);
gboolean store_test_trash (StoreDatabase *db, GArray *ids, GError **error);
gboolean store_test_delete (StoreDatabase *db, GArray *ids, GError **error);
gboolean store_test_empty_trash (StoreDatabase *db, GError **error);
gint64
store_test_create_folder (StoreDatabase *db, const char *name, GError **error);
gboolean store_test_rename_folder (StoreDatabase *db,
                                   gint64         folder_id,
                                   const char    *name,
                                   GError       **error);
gboolean
store_test_delete_folder (StoreDatabase *db, gint64 folder_id, GError **error);
gint64
store_test_add_account (StoreDatabase *db, const char *name, GError **error);
gboolean store_test_remove_account (StoreDatabase *db,
                                    gint64         account_id,
                                    gboolean       keep_mail,
                                    GError       **error);
gint64   store_test_save_account (StoreDatabase      *db,
                                  const StoreAccount *account,
                                  GError            **error);
gboolean store_test_set_fetch_state (StoreDatabase *db,
                                     gint64         account_id,
                                     gint64         last_fetch,
                                     gint64         login_not_before,
                                     GError       **error);
gboolean store_test_mark_for_server_delete (StoreDatabase *db,
                                            GArray        *ledger_ids,
                                            GError       **error);
gboolean store_test_forget_ledger (StoreDatabase *db,
                                   GArray        *ledger_ids,
                                   GError       **error);
/* store_test_search() waits for the index to catch up first;
 * store_test_search_now() searches the index as it is. */
GPtrArray *store_test_search (StoreDatabase *db,
                              const char    *query,
                              guint          limit,
                              GError       **error);
GPtrArray *store_test_search_now (StoreDatabase *db,
                                  const char    *query,
                                  guint          limit,
                                  GError       **error);
gboolean   store_test_flush_index (StoreDatabase *db, GError **error);
gint64     store_test_index_count (StoreDatabase *db);

/* A message with the given fields and raw bytes that say the same. */
StoreNewMessage *store_test_message (gint64      date,
                                     const char *from_name,
                                     const char *subject,
                                     const char *body);
GArray          *store_test_ids (guint n, const gint64 *values);
/* Runs @sql on the file at @path, read-only: the first column of the
 * first row, or of every row. */
gint64  store_test_sql_int (const char *path, const char *sql);
GArray *store_test_sql_ints (const char *path, const char *sql);
/* The store's and the index file's pages (store-database.c). */
#define STORE_TEST_PAGE_SIZE 16384
/* Fills page @page (from 1; never the header page) of the closed file
 * at @path with garbage. */
void   store_test_overwrite_page (const char *path, gint64 page);
gint64 store_test_folder_id (StoreDatabase *db, const char *full_name);

G_END_DECLS
