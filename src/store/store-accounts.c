/* store-accounts.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-accounts.h"

#include "store-database-private.h"
#include "store-error.h"
#include "store-folders-private.h"
#include "store-messages-private.h"

/* In the order account_from_statement() reads them. */
#define ACCOUNT_COLUMNS                                                        \
  "a.id, a.uuid, a.name, a.email, f.id, a.host, a.port, a.security, "          \
  "a.user_name, a.auth, a.allow_insecure_auth, a.pinned_certificate, "         \
  "a.ca_file, a.check_interval, a.enabled, a.keep_on_server, "                 \
  "a.delete_after_days, a.delete_when_deleted_locally, a.size_limit, "         \
  "a.login_not_before, a.last_fetch"

typedef struct
{
  StoreAccount *account;
  gint64        id;
  gboolean      keep_mail;
  gint64        last_fetch;
  gint64        login_not_before;
  GArray       *ids;
} AccountData;

static void
account_data_free (AccountData *data)
{
  g_clear_pointer (&data->account, store_account_free);
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data);
}

/**
 * store_account_new:
 *
 * Returns: (transfer full): an account not stored yet, with the defaults
 *   a new account gets: TLS on port 995, automatic authentication, a
 *   check every 10 minutes, enabled, mail deleted from the server after
 *   download
 */
StoreAccount *
store_account_new (void)
{
  StoreAccount *account = g_new0 (StoreAccount, 1);

  account->port = 995;
  account->security = g_strdup ("tls");
  account->auth = g_strdup ("automatic");
  account->check_interval = 10;
  account->enabled = TRUE;
  return account;
}

/**
 * store_account_copy:
 *
 * Returns: (transfer full): a deep copy of @account
 */
StoreAccount *
store_account_copy (const StoreAccount *account)
{
  StoreAccount *copy = g_memdup2 (account, sizeof *account);

  copy->uuid = g_strdup (account->uuid);
  copy->name = g_strdup (account->name);
  copy->email = g_strdup (account->email);
  copy->host = g_strdup (account->host);
  copy->security = g_strdup (account->security);
  copy->user_name = g_strdup (account->user_name);
  copy->auth = g_strdup (account->auth);
  copy->pinned_certificate = g_strdup (account->pinned_certificate);
  copy->ca_file = g_strdup (account->ca_file);
  return copy;
}

void
store_account_free (StoreAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->uuid);
  g_free (account->name);
  g_free (account->email);
  g_free (account->host);
  g_free (account->security);
  g_free (account->user_name);
  g_free (account->auth);
  g_free (account->pinned_certificate);
  g_free (account->ca_file);
  g_free (account);
}

void
store_ledger_entry_free (StoreLedgerEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->uidl);
  g_free (entry);
}

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}

static StoreAccount *
account_from_statement (sqlite3_stmt *stmt)
{
  StoreAccount *account = g_new0 (StoreAccount, 1);

  account->id = sqlite3_column_int64 (stmt, 0);
  account->uuid = column_text (stmt, 1);
  account->name = column_text (stmt, 2);
  account->email = column_text (stmt, 3);
  account->inbox_id = sqlite3_column_int64 (stmt, 4);
  account->host = column_text (stmt, 5);
  account->port = (guint16) sqlite3_column_int (stmt, 6);
  account->security = column_text (stmt, 7);
  account->user_name = column_text (stmt, 8);
  account->auth = column_text (stmt, 9);
  account->allow_insecure_auth = sqlite3_column_int (stmt, 10) != 0;
  account->pinned_certificate = column_text (stmt, 11);
  account->ca_file = column_text (stmt, 12);
  account->check_interval = (guint) sqlite3_column_int (stmt, 13);
  account->enabled = sqlite3_column_int (stmt, 14) != 0;
  account->keep_on_server = sqlite3_column_int (stmt, 15) != 0;
  account->delete_after_days = (guint) sqlite3_column_int (stmt, 16);
  account->delete_when_deleted_locally = sqlite3_column_int (stmt, 17) != 0;
  account->size_limit = (guint) sqlite3_column_int (stmt, 18);
  account->login_not_before = sqlite3_column_int64 (stmt, 19);
  account->last_fetch = sqlite3_column_int64 (stmt, 20);
  return account;
}

/* By name (any case) when @name is set, else by id when @id > 0, else
 * all of them, by name. */
static GPtrArray *
query_accounts (StoreDatabase *self,
                const char    *name,
                gint64         id,
                GError       **error)
{
  StoreConnection      *conn = _store_database_get_reader (self);
  g_autoptr (GPtrArray) accounts = NULL;
  sqlite3_stmt         *stmt;
  int                   rc;

  stmt = _store_connection_prepare (
      conn,
      "SELECT " ACCOUNT_COLUMNS " FROM accounts a "
      "JOIN folders f ON f.account_id = a.id AND f.role = 1 "
      "WHERE (?1 IS NULL OR a.name = ?1) AND (?2 = 0 OR a.id = ?2) "
      "ORDER BY a.name",
      error);
  if (stmt == NULL)
    return NULL;

  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);

  accounts =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_statement (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return g_steal_pointer (&accounts);
}

/**
 * store_database_list_accounts:
 *
 * Returns: (transfer full) (element-type StoreAccount): the accounts by
 *   name, or %NULL with @error set
 */
GPtrArray *
store_database_list_accounts (StoreDatabase *self, GError **error)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  return query_accounts (self, NULL, 0, error);
}

static StoreAccount *
find_one (StoreDatabase *self, const char *name, gint64 id, GError **error)
{
  g_autoptr (GPtrArray) accounts = query_accounts (self, name, id, error);

  if (accounts == NULL)
    return NULL;

  if (accounts->len == 0)
    {
      if (name != NULL)
        g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                     "There is no account “%s”", name);
      else
        g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                     "There is no account %" G_GINT64_FORMAT, id);
      return NULL;
    }

  return g_ptr_array_steal_index (accounts, 0);
}

/**
 * store_database_find_account:
 *
 * Returns: (transfer full): the account called @name (any case), or %NULL
 *   with %STORE_ERROR_NOT_FOUND
 */
StoreAccount *
store_database_find_account (StoreDatabase *self,
                             const char    *name,
                             GError       **error)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_one (self, name, 0, error);
}

/**
 * store_database_get_account:
 *
 * Returns: (transfer full): the account with the id @account_id, or
 *   %NULL with %STORE_ERROR_NOT_FOUND
 */
StoreAccount *
store_database_get_account (StoreDatabase *self,
                            gint64         account_id,
                            GError       **error)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);
  g_return_val_if_fail (account_id > 0, NULL);

  return find_one (self, NULL, account_id, error);
}

static void
bind_nullable_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text != NULL && *text != '\0')
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Binds every setting, ?1 to ?18, in the order of the INSERT and UPDATE
 * statements of save_account_change(). */
static void
bind_settings (sqlite3_stmt *stmt, const StoreAccount *account)
{
  sqlite3_bind_text (stmt, 1, account->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account->email != NULL ? account->email : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, account->host != NULL ? account->host : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, account->port);
  sqlite3_bind_text (stmt, 5,
                     account->security != NULL ? account->security : "tls", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6,
                     account->user_name != NULL ? account->user_name : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7,
                     account->auth != NULL ? account->auth : "automatic", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 8, account->allow_insecure_auth);
  bind_nullable_text (stmt, 9, account->pinned_certificate);
  bind_nullable_text (stmt, 10, account->ca_file);
  sqlite3_bind_int (stmt, 11, (int) account->check_interval);
  sqlite3_bind_int (stmt, 12, account->enabled);
  sqlite3_bind_int (stmt, 13, account->keep_on_server);
  sqlite3_bind_int (stmt, 14, (int) account->delete_after_days);
  sqlite3_bind_int (stmt, 15, account->delete_when_deleted_locally);
  sqlite3_bind_int (stmt, 16, (int) account->size_limit);
  sqlite3_bind_int64 (stmt, 17, account->login_not_before);
  sqlite3_bind_int64 (stmt, 18, account->last_fetch);
}

/* Steps a statement that changes the account @id: none changed means the
 * account is gone. */
static gboolean
step_account_change (StoreConnection *conn,
                     sqlite3_stmt    *stmt,
                     gint64           id,
                     GError         **error)
{
  if (!_store_connection_step_done (conn, stmt, error))
    return FALSE;

  if (sqlite3_changes (_store_connection_get_db (conn)) == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   "There is no account %" G_GINT64_FORMAT, id);
      return FALSE;
    }
  return TRUE;
}

static gint64
save_account_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  AccountData        *data = user_data;
  const StoreAccount *account = data->account;
  g_autoptr (GError)  local_error = NULL;
  g_autofree char    *uuid = NULL;
  sqlite3_stmt       *stmt;
  gint64              account_id = account->id;

  if (account_id == 0)
    stmt = _store_connection_prepare (
        conn,
        "INSERT INTO accounts (name, email, host, port, security, user_name, "
        "auth, allow_insecure_auth, pinned_certificate, ca_file, "
        "check_interval, enabled, keep_on_server, delete_after_days, "
        "delete_when_deleted_locally, size_limit, login_not_before, "
        "last_fetch, uuid, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        error);
  else
    stmt = _store_connection_prepare (
        conn,
        "UPDATE accounts SET name = ?1, email = ?2, host = ?3, port = ?4, "
        "security = ?5, user_name = ?6, auth = ?7, allow_insecure_auth = ?8, "
        "pinned_certificate = ?9, ca_file = ?10, check_interval = ?11, "
        "enabled = ?12, keep_on_server = ?13, delete_after_days = ?14, "
        "delete_when_deleted_locally = ?15, size_limit = ?16, "
        "login_not_before = ?17, last_fetch = ?18 WHERE id = ?19",
        error);
  if (stmt == NULL)
    return -1;

  bind_settings (stmt, account);
  if (account_id == 0)
    {
      uuid = account->uuid != NULL ? g_strdup (account->uuid)
                                   : g_uuid_string_random ();
      sqlite3_bind_text (stmt, 19, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 20, g_get_real_time () / G_USEC_PER_SEC);
    }
  else
    sqlite3_bind_int64 (stmt, 19, account_id);

  if (!_store_connection_step_done (conn, stmt, &local_error))
    {
      if (g_error_matches (local_error, STORE_ERROR, STORE_ERROR_EXISTS))
        g_set_error (error, STORE_ERROR, STORE_ERROR_EXISTS,
                     "There is an account “%s” already", account->name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }

  if (account_id != 0)
    {
      if (sqlite3_changes (_store_connection_get_db (conn)) == 0)
        {
          g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                       "There is no account %" G_GINT64_FORMAT, account_id);
          return -1;
        }
      return account_id;
    }

  account_id = sqlite3_last_insert_rowid (_store_connection_get_db (conn));
  if (_store_insert_folder (conn, account_id, STORE_ROLE_INBOX, "Inbox",
                            error) < 0)
    return -1;

  return account_id;
}

/**
 * store_database_save_account_async:
 * @account: an account; a new one (id 0) is added with its Inbox and a
 *   new uuid unless it has one, a stored one has every setting replaced
 *
 * Finish with store_database_save_account_finish().
 */
void
store_database_save_account_async (StoreDatabase      *self,
                                   const StoreAccount *account,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  AccountData *data;
  GError      *error = NULL;

  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (account != NULL);

  if (!_store_check_name ("account", account->name, &error))
    {
      g_task_report_error (self, callback, user_data,
                           store_database_save_account_async, error);
      return;
    }

  data = g_new0 (AccountData, 1);
  data->account = store_account_copy (account);
  _store_database_run_change (
      self, store_database_save_account_async, save_account_change, data,
      (GDestroyNotify) account_data_free, cancellable, callback, user_data);
}

/**
 * store_database_save_account_finish:
 *
 * Returns: the account's id, or -1 with %STORE_ERROR_INVALID (a bad
 *   name), %STORE_ERROR_EXISTS (the name is taken) or
 *   %STORE_ERROR_NOT_FOUND (a stored account that is gone)
 */
gint64
store_database_save_account_finish (StoreDatabase *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * store_database_add_account_async:
 * @name: the account's name, unique in any case
 * @email: (nullable): its address
 *
 * Adds an account with the settings of store_account_new(), and its
 * Inbox. Finish with store_database_add_account_finish().
 */
void
store_database_add_account_async (StoreDatabase      *self,
                                  const char         *name,
                                  const char         *email,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr (StoreAccount) account = store_account_new ();

  account->name = g_strdup (name);
  account->email = g_strdup (email);
  store_database_save_account_async (self, account, cancellable, callback,
                                     user_data);
}

/**
 * store_database_add_account_finish:
 *
 * Returns: the new account's id, or -1 with %STORE_ERROR_INVALID or
 *   %STORE_ERROR_EXISTS
 */
gint64
store_database_add_account_finish (StoreDatabase *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return store_database_save_account_finish (self, result, error);
}

static gint64
remove_account_change (StoreConnection *conn,
                       gpointer         user_data,
                       GError         **error)
{
  AccountData       *data = user_data;
  g_autoptr (GArray) ids = NULL;
  sqlite3_stmt      *stmt;

  ids = _store_folder_message_ids (
      conn,
      "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id "
      "WHERE f.account_id = ?",
      data->id, error);
  if (ids == NULL)
    return -1;

  if (data->keep_mail)
    {
      gint64 archive =
          _store_folder_id_for_role (conn, STORE_ROLE_ARCHIVE, error);

      if (archive < 0 || !_store_move_messages (conn, ids, archive, error))
        return -1;
    }
  else if (!_store_delete_messages (conn, ids, error))
    return -1;

  stmt = _store_connection_prepare (conn, "DELETE FROM accounts WHERE id = ?",
                                    error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, data->id);
  return step_account_change (conn, stmt, data->id, error) ? 0 : -1;
}

/**
 * store_database_remove_account_async:
 * @keep_mail: move the account's mail to Archive rather than delete it
 *
 * Removes an account, its Inbox and its UIDL ledger. Finish with
 * store_database_change_finish().
 */
void
store_database_remove_account_async (StoreDatabase      *self,
                                     gint64              account_id,
                                     gboolean            keep_mail,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  AccountData *data;

  g_return_if_fail (STORE_IS_DATABASE (self));

  data = g_new0 (AccountData, 1);
  data->id = account_id;
  data->keep_mail = keep_mail;
  _store_database_run_change (
      self, store_database_remove_account_async, remove_account_change, data,
      (GDestroyNotify) account_data_free, cancellable, callback, user_data);
}

static gint64
fetch_state_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  AccountData  *data = user_data;
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "UPDATE accounts SET last_fetch = max (last_fetch, ?), "
      "login_not_before = ? WHERE id = ?",
      error);

  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, data->last_fetch);
  sqlite3_bind_int64 (stmt, 2, data->login_not_before);
  sqlite3_bind_int64 (stmt, 3, data->id);
  return step_account_change (conn, stmt, data->id, error) ? 0 : -1;
}

/**
 * store_database_set_fetch_state_async:
 * @last_fetch: when a fetch last completed (Unix time), or 0 to keep the
 *   one stored
 * @login_not_before: no login before this time (Unix time; 0: any time)
 *
 * Records what a fetch learnt, without touching the settings a user may
 * be editing. Finish with store_database_change_finish().
 */
void
store_database_set_fetch_state_async (StoreDatabase      *self,
                                      gint64              account_id,
                                      gint64              last_fetch,
                                      gint64              login_not_before,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  AccountData *data;

  g_return_if_fail (STORE_IS_DATABASE (self));

  data = g_new0 (AccountData, 1);
  data->id = account_id;
  data->last_fetch = last_fetch;
  data->login_not_before = login_not_before;
  _store_database_run_change (
      self, store_database_set_fetch_state_async, fetch_state_change, data,
      (GDestroyNotify) account_data_free, cancellable, callback, user_data);
}

/**
 * store_database_list_ledger:
 *
 * Reads the account's UIDL ledger: one entry per downloaded copy that
 * the server may still hold, oldest first.
 *
 * Returns: (transfer full) (element-type StoreLedgerEntry): the entries,
 *   or %NULL with @error set
 */
GPtrArray *
store_database_list_ledger (StoreDatabase *self,
                            gint64         account_id,
                            GError       **error)
{
  StoreConnection      *conn;
  g_autoptr (GPtrArray) entries = NULL;
  sqlite3_stmt         *stmt;
  int                   rc;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  conn = _store_database_get_reader (self);
  stmt = _store_connection_prepare (
      conn,
      "SELECT l.id, l.uidl, l.message_id, m.in_trash, l.first_seen, "
      "l.pending_delete, m.status FROM uidl_ledger l "
      "LEFT JOIN messages m ON m.id = l.message_id "
      "WHERE l.account_id = ? ORDER BY l.id",
      error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_ledger_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StoreLedgerEntry *entry = g_new0 (StoreLedgerEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->uidl = column_text (stmt, 1);
      entry->message_id = sqlite3_column_int64 (stmt, 2);
      entry->in_trash = sqlite3_column_int (stmt, 3) != 0;
      entry->first_seen = sqlite3_column_int64 (stmt, 4);
      entry->pending_delete = sqlite3_column_int (stmt, 5) != 0;
      entry->partial =
          (sqlite3_column_int (stmt, 6) & STORE_MESSAGE_STATUS_PARTIAL) != 0;
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

static gint64
update_ledger_change (StoreConnection *conn,
                      const char      *sql,
                      GArray          *ids,
                      GError         **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (conn, sql, error);

  if (stmt == NULL)
    return -1;

  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      if (!_store_connection_step_done (conn, stmt, error))
        return -1;
    }

  return 0;
}

static gint64
mark_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  AccountData *data = user_data;

  return update_ledger_change (
      conn, "UPDATE uidl_ledger SET pending_delete = 1 WHERE id = ?", data->ids,
      error);
}

static gint64
forget_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  AccountData *data = user_data;

  return update_ledger_change (conn, "DELETE FROM uidl_ledger WHERE id = ?",
                               data->ids, error);
}

static AccountData *
ledger_data_new (GArray *ledger_ids)
{
  AccountData *data = g_new0 (AccountData, 1);

  data->ids = g_array_ref (ledger_ids);
  return data;
}

/**
 * store_database_mark_for_server_delete_async:
 * @ledger_ids: (element-type gint64): ledger entries
 *
 * Marks copies that the engine is about to delete on the server, in a
 * durable commit: it is the point after which every message stored
 * before is on the disk, so that a DELE can follow (DESIGN.md invariant
 * 1). Finish with store_database_change_finish().
 */
void
store_database_mark_for_server_delete_async (StoreDatabase      *self,
                                             GArray             *ledger_ids,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ledger_ids != NULL);

  _store_database_run_durable_change (
      self, store_database_mark_for_server_delete_async, mark_change,
      ledger_data_new (ledger_ids), (GDestroyNotify) account_data_free,
      cancellable, callback, user_data);
}

/**
 * store_database_forget_ledger_async:
 * @ledger_ids: (element-type gint64): ledger entries
 *
 * Removes entries of copies the server no longer holds: deleted there
 * after a QUIT it acknowledged, or gone from its listing. Finish with
 * store_database_change_finish().
 */
void
store_database_forget_ledger_async (StoreDatabase      *self,
                                    GArray             *ledger_ids,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ledger_ids != NULL);

  _store_database_run_change (self, store_database_forget_ledger_async,
                              forget_change, ledger_data_new (ledger_ids),
                              (GDestroyNotify) account_data_free, cancellable,
                              callback, user_data);
}
