/* store-folders.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-folders.h"

#include "store-database-private.h"
#include "store-error.h"
#include "store-folders-private.h"
#include "store-messages-private.h"

#define STORE_NAME_MAX_CHARS 200

/* "ACCOUNT/Inbox" for an account's folder, the bare name for a local
 * one: the names pigeon-cli and in: use. */
#define FULL_NAME_SQL                                                          \
  "CASE WHEN f.account_id IS NULL THEN f.name ELSE a.name || '/' || f.name "   \
  "END"

typedef struct
{
  gint64 id;
  char  *name;
} FolderData;

static void
folder_data_free (FolderData *data)
{
  g_free (data->name);
  g_free (data);
}

void
store_folder_free (StoreFolder *folder)
{
  if (folder == NULL)
    return;

  g_free (folder->name);
  g_free (folder->full_name);
  g_free (folder);
}

/* Names become parts of paths ("ACCOUNT/Inbox"), command-line arguments
 * and search terms (in:NAME): no slash, no leading '@' (the virtual
 * views), no control characters, no blank names. */
gboolean
_store_check_name (const char *kind, const char *name, GError **error)
{
  const char *p;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "A %s name must be valid UTF-8", kind);
      return FALSE;
    }

  for (p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == '/')
        {
          g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                       "A %s name cannot contain “/” or control characters",
                       kind);
          return FALSE;
        }
    }

  if (*name == '\0' || g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (
          g_utf8_get_char (g_utf8_find_prev_char (name, name + strlen (name)))))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "A %s name cannot be empty or begin or end with a space",
                   kind);
      return FALSE;
    }

  if (*name == '@')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "A %s name cannot begin with “@”", kind);
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > STORE_NAME_MAX_CHARS)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "A %s name can have at most %d characters", kind,
                   STORE_NAME_MAX_CHARS);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_folder_name (const char *name, GError **error)
{
  if (!_store_check_name ("folder", name, error))
    return FALSE;

  /* The built-in names stay unambiguous: Trash and Archive exist (the
   * unique index refuses them), and in:Inbox means every Inbox. */
  if (g_ascii_strcasecmp (name, "Inbox") == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_EXISTS,
                   "“Inbox” is the name of each account's own folder");
      return FALSE;
    }

  return TRUE;
}

static StoreFolder *
folder_from_statement (sqlite3_stmt *stmt)
{
  StoreFolder *folder = g_new0 (StoreFolder, 1);

  folder->id = sqlite3_column_int64 (stmt, 0);
  folder->account_id = sqlite3_column_int64 (stmt, 1);
  folder->role = (StoreFolderRole) sqlite3_column_int (stmt, 2);
  folder->name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  folder->full_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  folder->total = (guint64) sqlite3_column_int64 (stmt, 5);
  folder->unread = (guint64) sqlite3_column_int64 (stmt, 6);
  return folder;
}

static GPtrArray *
query_folders (StoreDatabase *self, const char *full_name, GError **error)
{
  StoreConnection      *conn = _store_database_get_reader (self);
  g_autoptr (GPtrArray) folders = NULL;
  sqlite3_stmt         *stmt;
  int                   rc;

  /* Inboxes by account, then Archive, Trash and the user's folders by
   * name: the order of a sidebar. */
  stmt = _store_connection_prepare (
      conn,
      "SELECT f.id, f.account_id, f.role, f.name, " FULL_NAME_SQL ", "
      "(SELECT count(*) FROM messages m WHERE m.folder_id = f.id), "
      "(SELECT count(*) FROM messages m WHERE m.folder_id = f.id "
      "AND m.is_read = 0) "
      "FROM folders f LEFT JOIN accounts a ON a.id = f.account_id "
      "WHERE ?1 IS NULL OR " FULL_NAME_SQL " = ?1 COLLATE NOCASE "
      "ORDER BY f.account_id IS NULL, a.name COLLATE NOCASE, "
      "CASE f.role WHEN 3 THEN 0 WHEN 2 THEN 1 ELSE 2 END, "
      "f.name COLLATE NOCASE",
      error);
  if (stmt == NULL)
    return NULL;

  if (full_name != NULL)
    sqlite3_bind_text (stmt, 1, full_name, -1, SQLITE_TRANSIENT);

  folders = g_ptr_array_new_with_free_func ((GDestroyNotify) store_folder_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (folders, folder_from_statement (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return g_steal_pointer (&folders);
}

/**
 * store_database_list_folders:
 *
 * Returns: (transfer full) (element-type StoreFolder): every folder with
 *   its message and unread counts, in sidebar order, or %NULL with @error
 */
GPtrArray *
store_database_list_folders (StoreDatabase *self, GError **error)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  return query_folders (self, NULL, error);
}

/**
 * store_database_find_folder:
 * @full_name: "ACCOUNT/Inbox", "Trash", "Archive" or a local folder's
 *   name, in any case
 *
 * Returns: (transfer full): the folder, or %NULL with
 *   %STORE_ERROR_NOT_FOUND
 */
StoreFolder *
store_database_find_folder (StoreDatabase *self,
                            const char    *full_name,
                            GError       **error)
{
  g_autoptr (GPtrArray) folders = NULL;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);
  g_return_val_if_fail (full_name != NULL, NULL);

  folders = query_folders (self, full_name, error);
  if (folders == NULL)
    return NULL;

  if (folders->len == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   "There is no folder “%s”", full_name);
      return NULL;
    }

  return g_ptr_array_steal_index (folders, 0);
}

gint64
_store_insert_folder (StoreConnection *conn,
                      gint64           account_id,
                      int              role,
                      const char      *name,
                      GError         **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "INSERT INTO folders (account_id, role, name) VALUES (?, ?, ?)",
      error);
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return -1;

  if (account_id > 0)
    sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int (stmt, 2, role);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
  if (!_store_connection_step_done (conn, stmt, &local_error))
    {
      if (g_error_matches (local_error, STORE_ERROR, STORE_ERROR_EXISTS))
        g_set_error (error, STORE_ERROR, STORE_ERROR_EXISTS,
                     "There is a folder “%s” already", name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }

  return sqlite3_last_insert_rowid (_store_connection_get_db (conn));
}

static gint64
create_folder_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  FolderData *data = user_data;

  return _store_insert_folder (conn, 0, STORE_ROLE_USER, data->name, error);
}

/**
 * store_database_create_folder_async:
 * @name: the new local folder's name
 *
 * Finish with store_database_create_folder_finish().
 */
void
store_database_create_folder_async (StoreDatabase      *self,
                                    const char         *name,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  FolderData *data;
  GError     *error = NULL;

  g_return_if_fail (STORE_IS_DATABASE (self));

  if (!check_folder_name (name, &error))
    {
      g_task_report_error (self, callback, user_data,
                           store_database_create_folder_async, error);
      return;
    }

  data = g_new0 (FolderData, 1);
  data->name = g_strdup (name);
  _store_database_run_change (
      self, store_database_create_folder_async, create_folder_change, data,
      (GDestroyNotify) folder_data_free, cancellable, callback, user_data);
}

/**
 * store_database_create_folder_finish:
 *
 * Returns: the new folder's id, or -1 with %STORE_ERROR_INVALID (a name
 *   that cannot be a folder's) or %STORE_ERROR_EXISTS
 */
gint64
store_database_create_folder_finish (StoreDatabase *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static gint64
rename_folder_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  FolderData        *data = user_data;
  g_autoptr (GError) local_error = NULL;
  int                role = _store_folder_role (conn, data->id, error);
  sqlite3_stmt      *stmt;

  if (role < 0)
    return -1;

  if (role != STORE_ROLE_USER)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "Inbox, Trash and Archive cannot be renamed");
      return -1;
    }

  stmt = _store_connection_prepare (
      conn, "UPDATE folders SET name = ? WHERE id = ?", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, data->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, data->id);
  if (!_store_connection_step_done (conn, stmt, &local_error))
    {
      if (g_error_matches (local_error, STORE_ERROR, STORE_ERROR_EXISTS))
        g_set_error (error, STORE_ERROR, STORE_ERROR_EXISTS,
                     "There is a folder “%s” already", data->name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }

  return 0;
}

/**
 * store_database_rename_folder_async:
 *
 * Renames a local folder of the user's. Finish with
 * store_database_change_finish().
 */
void
store_database_rename_folder_async (StoreDatabase      *self,
                                    gint64              folder_id,
                                    const char         *name,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  FolderData *data;
  GError     *error = NULL;

  g_return_if_fail (STORE_IS_DATABASE (self));

  if (!check_folder_name (name, &error))
    {
      g_task_report_error (self, callback, user_data,
                           store_database_rename_folder_async, error);
      return;
    }

  data = g_new0 (FolderData, 1);
  data->id = folder_id;
  data->name = g_strdup (name);
  _store_database_run_change (
      self, store_database_rename_folder_async, rename_folder_change, data,
      (GDestroyNotify) folder_data_free, cancellable, callback, user_data);
}

GArray *
_store_folder_message_ids (StoreConnection *conn,
                           const char      *sql,
                           gint64           id,
                           GError         **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt      *stmt = _store_connection_prepare (conn, sql, error);
  int                rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 message = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, message);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

static gboolean
delete_folder_row (StoreConnection *conn, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "DELETE FROM folders WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  return _store_connection_step_done (conn, stmt, error);
}

/* A deleted folder's messages go to Trash, not away: deleting a folder
 * must never be the way mail is lost by a slip. */
static gint64
delete_folder_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  FolderData        *data = user_data;
  g_autoptr (GArray) ids = NULL;
  int                role = _store_folder_role (conn, data->id, error);
  gint64             trash;

  if (role < 0)
    return -1;

  if (role != STORE_ROLE_USER)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "Inbox, Trash and Archive cannot be deleted");
      return -1;
    }

  trash = _store_folder_id_for_role (conn, STORE_ROLE_TRASH, error);
  ids = _store_folder_message_ids (
      conn, "SELECT id FROM messages WHERE folder_id = ?", data->id, error);
  if (trash < 0 || ids == NULL)
    return -1;

  if (!_store_move_messages (conn, ids, trash, error) ||
      !delete_folder_row (conn, data->id, error))
    return -1;

  return 0;
}

/**
 * store_database_delete_folder_async:
 *
 * Deletes a local folder of the user's; its messages move to Trash.
 * Finish with store_database_change_finish().
 */
void
store_database_delete_folder_async (StoreDatabase      *self,
                                    gint64              folder_id,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  FolderData *data;

  g_return_if_fail (STORE_IS_DATABASE (self));

  data = g_new0 (FolderData, 1);
  data->id = folder_id;
  _store_database_run_change (
      self, store_database_delete_folder_async, delete_folder_change, data,
      (GDestroyNotify) folder_data_free, cancellable, callback, user_data);
}
