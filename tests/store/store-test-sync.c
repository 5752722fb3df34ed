/* store-test-sync.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-test-sync.h"

#include <sqlite3.h>
#include <stdio.h>

#include "pigeon-test-async.h"
#include "pigeon-test-files.h"
#include "store-search.h"

StoreDatabase *
store_test_open (const char *path, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  store_database_open_async (path, NULL, pigeon_test_store_result_cb, &result);
  return store_database_open_finish (pigeon_test_wait_for (&result), error);
}

/* A directory of its own for a store: @path is pigeon.db in it. */
void
store_test_make_dir (char **dir, char **path)
{
  GError *error = NULL;

  *dir = g_dir_make_tmp ("pigeon-store-XXXXXX", &error);
  g_assert_no_error (error);
  *path = g_build_filename (*dir, "pigeon.db", NULL);
}

/* A new store, opened, in a directory of its own. */
StoreDatabase *
store_test_create (char **dir, char **path)
{
  GError        *error = NULL;
  StoreDatabase *db;

  store_test_make_dir (dir, path);
  db = store_test_open (*path, &error);
  g_assert_no_error (error);
  return db;
}

/* Closes the store and removes its directory with all it holds. */
void
store_test_destroy (StoreDatabase **db, char **dir, char **path)
{
  g_clear_object (db);
  pigeon_test_remove_tree (*dir);
  g_clear_pointer (dir, g_free);
  g_clear_pointer (path, g_free);
}

GArray *
store_test_insert (StoreDatabase *db,
                   gint64         folder_id,
                   gint64         account_id,
                   GPtrArray     *messages,
                   GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  store_database_insert_async (db, folder_id, account_id, messages, TRUE, NULL,
                               pigeon_test_store_result_cb, &result);
  return store_database_insert_finish (db, pigeon_test_wait_for (&result),
                                       error);
}

#define WAIT_CHANGE(db, call)                                                  \
  G_STMT_START                                                                 \
  {                                                                            \
    g_autoptr (GAsyncResult) result = NULL;                                    \
    call;                                                                      \
    return store_database_change_finish (db, pigeon_test_wait_for (&result),   \
                                         error);                               \
  }                                                                            \
  G_STMT_END

gboolean
store_test_set_flags (StoreDatabase *db,
                      GArray        *ids,
                      StoreFlags     mask,
                      StoreFlags     values,
                      GError       **error)
{
  WAIT_CHANGE (db, store_database_set_flags_async (db, ids, mask, values, NULL,
                                                   pigeon_test_store_result_cb,
                                                   &result));
}

gboolean
store_test_move (StoreDatabase *db,
                 GArray        *ids,
                 gint64         folder_id,
                 GError       **error)
{
  WAIT_CHANGE (db, store_database_move_async (db, ids, folder_id, NULL,
                                              pigeon_test_store_result_cb,
                                              &result));
}

gboolean
store_test_trash (StoreDatabase *db, GArray *ids, GError **error)
{
  WAIT_CHANGE (db, store_database_trash_async (
                       db, ids, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_delete (StoreDatabase *db, GArray *ids, GError **error)
{
  WAIT_CHANGE (db, store_database_delete_async (
                       db, ids, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_empty_trash (StoreDatabase *db, GError **error)
{
  WAIT_CHANGE (db, store_database_empty_trash_async (
                       db, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_rename_folder (StoreDatabase *db,
                          gint64         folder_id,
                          const char    *name,
                          GError       **error)
{
  WAIT_CHANGE (
      db, store_database_rename_folder_async (
              db, folder_id, name, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_delete_folder (StoreDatabase *db, gint64 folder_id, GError **error)
{
  WAIT_CHANGE (db,
               store_database_delete_folder_async (
                   db, folder_id, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_remove_account (StoreDatabase *db,
                           gint64         account_id,
                           gboolean       keep_mail,
                           GError       **error)
{
  WAIT_CHANGE (db, store_database_remove_account_async (
                       db, account_id, keep_mail, NULL,
                       pigeon_test_store_result_cb, &result));
}

gint64
store_test_create_folder (StoreDatabase *db, const char *name, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  store_database_create_folder_async (db, name, NULL,
                                      pigeon_test_store_result_cb, &result);
  return store_database_create_folder_finish (
      db, pigeon_test_wait_for (&result), error);
}

gint64
store_test_add_account (StoreDatabase *db, const char *name, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char         *email = g_strdup_printf ("%s@example.org", name);

  store_database_add_account_async (db, name, email, NULL,
                                    pigeon_test_store_result_cb, &result);
  return store_database_add_account_finish (db, pigeon_test_wait_for (&result),
                                            error);
}

gint64
store_test_save_account (StoreDatabase      *db,
                         const StoreAccount *account,
                         GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  store_database_save_account_async (db, account, NULL,
                                     pigeon_test_store_result_cb, &result);
  return store_database_save_account_finish (db, pigeon_test_wait_for (&result),
                                             error);
}

gboolean
store_test_set_fetch_state (StoreDatabase *db,
                            gint64         account_id,
                            gint64         last_fetch,
                            gint64         login_not_before,
                            GError       **error)
{
  WAIT_CHANGE (db, store_database_set_fetch_state_async (
                       db, account_id, last_fetch, login_not_before, NULL,
                       pigeon_test_store_result_cb, &result));
}

gboolean
store_test_mark_for_server_delete (StoreDatabase *db,
                                   GArray        *ledger_ids,
                                   GError       **error)
{
  WAIT_CHANGE (db,
               store_database_mark_for_server_delete_async (
                   db, ledger_ids, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_forget_ledger (StoreDatabase *db, GArray *ledger_ids, GError **error)
{
  WAIT_CHANGE (db,
               store_database_forget_ledger_async (
                   db, ledger_ids, NULL, pigeon_test_store_result_cb, &result));
}

gboolean
store_test_flush_index (StoreDatabase *db, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  store_database_flush_index_async (db, NULL, pigeon_test_store_result_cb,
                                    &result);
  return store_database_flush_index_finish (db, pigeon_test_wait_for (&result),
                                            error);
}

/* Waits for the index first, so that a search sees every change made
 * before it, as it did when the index was written with the message. */
GPtrArray *
store_test_search (StoreDatabase *db,
                   const char    *query,
                   guint          limit,
                   GError       **error)
{
  if (!store_test_flush_index (db, error))
    return NULL;

  return store_test_search_now (db, query, limit, error);
}

GPtrArray *
store_test_search_now (StoreDatabase *db,
                       const char    *query,
                       guint          limit,
                       GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  store_database_search_async (db, query, 0, limit, NULL,
                               pigeon_test_store_result_cb, &result);
  return store_database_search_finish (db, pigeon_test_wait_for (&result),
                                       error);
}

StoreNewMessage *
store_test_message (gint64      date,
                    const char *from_name,
                    const char *subject,
                    const char *body)
{
  StoreNewMessage *message = store_new_message_new ();
  g_autofree char *address = g_strdup_printf (
      "%s@example.com", from_name != NULL ? from_name : "nobody");
  g_autofree char *raw = NULL;

  for (char *p = address; *p != '@'; p++)
    if (*p == ' ')
      *p = '.';

  raw = g_strdup_printf ("From: %s <%s>\r\nSubject: %s\r\n\r\n%s\r\n",
                         from_name != NULL ? from_name : "", address,
                         subject != NULL ? subject : "",
                         body != NULL ? body : "");
  message->raw = g_bytes_new (raw, strlen (raw));
  message->date = date;
  message->received = date + 60;
  message->from_name = g_strdup (from_name);
  message->from_address = g_strdup (address);
  message->recipients = g_strdup ("Alice <alice@example.org>");
  message->subject = g_strdup (subject);
  message->body_text = g_strdup (body);
  message->preview = g_strndup (body != NULL ? body : "", 200);
  return message;
}

/* An array of @n ids, for the calls that take one. */
GArray *
store_test_ids (guint n, const gint64 *values)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  g_array_append_vals (ids, values, n);
  return ids;
}

/* The id of a folder that must exist. */
gint64
store_test_folder_id (StoreDatabase *db, const char *full_name)
{
  g_autoptr (StoreFolder) folder = NULL;
  GError                 *error = NULL;

  folder = store_database_find_folder (db, full_name, &error);
  g_assert_no_error (error);
  return folder->id;
}

/* Runs @sql on a private read-only connection to the store at @path and
 * returns the first column of its first row: what is really on disk. */
/* The number of messages in the index, once it has caught up. */
gint64
store_test_index_count (StoreDatabase *db)
{
  GError *error = NULL;

  g_assert_true (store_test_flush_index (db, &error));
  g_assert_no_error (error);
  return store_test_sql_int (store_database_get_index_path (db),
                             "SELECT count(*) FROM messages_fts");
}

GArray *
store_test_sql_ints (const char *path, const char *sql)
{
  GArray       *values = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int           rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 value = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (values, value);
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return values;
}

gint64
store_test_sql_int (const char *path, const char *sql)
{
  g_autoptr (GArray) values = store_test_sql_ints (path, sql);

  g_assert_cmpuint (values->len, >=, 1);
  return g_array_index (values, gint64, 0);
}

void
store_test_overwrite_page (const char *path, gint64 page)
{
  g_autofree char *garbage = g_strnfill (STORE_TEST_PAGE_SIZE, 'x');
  FILE            *file = fopen (path, "r+b");

  g_assert_nonnull (file);
  g_assert_cmpint (page, >, 1);
  g_assert_cmpint (fseek (file, (page - 1) * STORE_TEST_PAGE_SIZE, SEEK_SET),
                   ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, STORE_TEST_PAGE_SIZE, file), ==,
                    STORE_TEST_PAGE_SIZE);
  g_assert_cmpint (fclose (file), ==, 0);
}
