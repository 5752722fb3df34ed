/* store-connection.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-connection.h"

#include "store-error.h"

/* A reader waits this long for a checkpoint or a writer's lock before it
 * reports the store busy; in WAL mode that only happens around recovery. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct _StoreConnection
{
  sqlite3 *db;
  /* owned: SQL text -> sqlite3_stmt, finalized with the connection */
  GHashTable *statements;
  /* the open transaction asked for a durable commit */
  gboolean durable;
  /* borrowed: set by the connection's owner, may be NULL */
  const StoreConnectionHooks *hooks;
  gpointer                    hook_data;
  /* which index file is attached as "idx" (store-database.c), 0: none */
  guint index_file;
  /* borrowed: the store's flag that one of its files was found damaged,
   * shared by the connections that read only the store's own file */
  gint *damaged;
};

static void
restore_synchronous (StoreConnection *conn)
{
  if (conn->durable)
    sqlite3_exec (conn->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  conn->durable = FALSE;
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

/**
 * _store_connection_set_error:
 * @conn: the connection the failure happened on
 * @rc: the SQLite result code
 * @error: return location
 *
 * Maps a SQLite failure to the #StoreError the user should see. A full
 * disk and a damaged file get their own codes because the callers report
 * them differently; anything else keeps SQLite's own words.
 */
void
_store_connection_set_error (StoreConnection *conn, int rc, GError **error)
{
  const char *detail = conn != NULL && conn->db != NULL
                           ? sqlite3_errmsg (conn->db)
                           : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, STORE_ERROR, STORE_ERROR_FULL,
                   "The disk is full: nothing of this change was stored");
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      if (conn != NULL && conn->damaged != NULL)
        g_atomic_int_set (conn->damaged, TRUE);
      g_set_error (error, STORE_ERROR, STORE_ERROR_CORRUPT,
                   "The mail store is damaged (%s); it was left as it is",
                   detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, STORE_ERROR, STORE_ERROR_LOCKED,
                   "The mail store is busy: %s", detail);
      break;

    case SQLITE_CONSTRAINT:
      g_set_error (error, STORE_ERROR, STORE_ERROR_EXISTS, "%s", detail);
      break;

    default:
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "%s", detail);
      break;
    }
}

/**
 * _store_connection_open:
 * @path: the database file
 * @mode: read only, read and write an existing file, or create it too
 * @error: return location
 *
 * Opens a connection with foreign keys enforced. Nothing is written: the
 * caller checks the schema version before it changes anything.
 *
 * Returns: (transfer full): the connection, or %NULL
 */
StoreConnection *
_store_connection_open (const char *path, StoreOpenMode mode, GError **error)
{
  g_autoptr (StoreConnection) conn = g_new0 (StoreConnection, 1);
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc;

  switch (mode)
    {
    case STORE_OPEN_READ_ONLY:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case STORE_OPEN_READ_WRITE:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case STORE_OPEN_CREATE:
    default:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    }
  conn->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);

  rc = sqlite3_open_v2 (path, &conn->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "Cannot open the mail store %s: %s", path,
                   conn->db != NULL ? sqlite3_errmsg (conn->db)
                                    : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_busy_timeout (conn->db, STORE_BUSY_TIMEOUT_MS);
  if (!_store_connection_exec (conn, "PRAGMA foreign_keys = ON", error))
    return NULL;

  return g_steal_pointer (&conn);
}

void
_store_connection_free (StoreConnection *conn)
{
  if (conn == NULL)
    return;

  g_clear_pointer (&conn->statements, g_hash_table_unref);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

sqlite3 *
_store_connection_get_db (StoreConnection *conn)
{
  return conn->db;
}

/**
 * _store_connection_set_hooks:
 * @hooks: (nullable): functions called around each transaction; they must
 *   outlive @conn or be unset first
 * @data: passed to @hooks
 */
void
_store_connection_set_hooks (StoreConnection            *conn,
                             const StoreConnectionHooks *hooks,
                             gpointer                    data)
{
  conn->hooks = hooks;
  conn->hook_data = data;
}

gpointer
_store_connection_get_hook_data (StoreConnection *conn)
{
  return conn->hook_data;
}

void
_store_connection_share_damage (StoreConnection *conn, gint *damaged)
{
  conn->damaged = damaged;
}

guint
_store_connection_get_index_file (StoreConnection *conn)
{
  return conn->index_file;
}

void
_store_connection_set_index_file (StoreConnection *conn, guint index_file)
{
  conn->index_file = index_file;
}

/**
 * _store_connection_prepare:
 * @conn: a connection
 * @sql: a statement from a bounded set (literals, or texts built from a
 *   few options): each distinct text stays prepared as long as @conn
 * @error: return location
 *
 * Returns: (transfer none): the cached statement, reset and with its
 *   bindings cleared, or %NULL
 */
sqlite3_stmt *
_store_connection_prepare (StoreConnection *conn,
                           const char      *sql,
                           GError         **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->statements, sql);
  int           rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                           NULL);
  if (rc != SQLITE_OK)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  g_hash_table_insert (conn->statements, g_strdup (sql), stmt);
  return stmt;
}

/**
 * _store_connection_prepare_once:
 *
 * Prepares a statement that is not cached, for texts that vary without
 * bound (a search). Free it with sqlite3_finalize().
 *
 * Returns: (transfer full): the statement, or %NULL
 */
sqlite3_stmt *
_store_connection_prepare_once (StoreConnection *conn,
                                const char      *sql,
                                GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc = sqlite3_prepare_v2 (conn->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return stmt;
}

/**
 * _store_connection_exec:
 *
 * Runs one or more statements that return no rows.
 */
gboolean
_store_connection_exec (StoreConnection *conn, const char *sql, GError **error)
{
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _store_connection_set_error (conn, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * _store_connection_step_done:
 *
 * Steps a statement that returns no rows (an INSERT, UPDATE or DELETE)
 * and resets it, so that it holds no lock afterwards.
 */
gboolean
_store_connection_step_done (StoreConnection *conn,
                             sqlite3_stmt    *stmt,
                             GError         **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _store_connection_set_error (conn, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * _store_connection_begin:
 * @durable: the commit that ends this transaction is synced to the disk
 *   before it returns (DESIGN.md invariant 1: the engine deletes on the
 *   server only after such a commit)
 *
 * IMMEDIATE: the write lock is taken at BEGIN, so a transaction never
 * fails half-way because another connection started writing first. In WAL
 * mode synchronous=NORMAL may lose the last commits on power loss (never
 * corrupts); FULL syncs the log at the commit. SQLite lets the level
 * change only outside a transaction, so it is set here and reset by
 * _store_connection_commit().
 */
gboolean
_store_connection_begin (StoreConnection *conn,
                         gboolean         durable,
                         GError         **error)
{
  /* A durable commit is what lets the engine delete mail from a server
   * (DESIGN.md invariant 2): not into a file known to be damaged, whose
   * mail might not all be read back. That mail stays on the server. */
  if (durable && conn->damaged != NULL && g_atomic_int_get (conn->damaged))
    {
      g_set_error_literal (
          error, STORE_ERROR, STORE_ERROR_CORRUPT,
          "The mail store was found damaged, so nothing is marked for "
          "deletion from a server: the mail stays on the server. Restore "
          "the store from a backup, or start again with a new one");
      return FALSE;
    }

  if (durable &&
      !_store_connection_exec (conn, "PRAGMA synchronous = FULL", error))
    return FALSE;

  if (!_store_connection_exec (conn, "BEGIN IMMEDIATE", error))
    {
      if (durable)
        _store_connection_exec (conn, "PRAGMA synchronous = NORMAL", NULL);
      return FALSE;
    }

  conn->durable = durable;
  if (conn->hooks != NULL && !conn->hooks->begin (conn, conn->hook_data, error))
    {
      _store_connection_rollback (conn);
      return FALSE;
    }

  return TRUE;
}

/**
 * _store_connection_commit:
 *
 * Commits the transaction _store_connection_begin() opened; on failure it
 * is rolled back.
 */
gboolean
_store_connection_commit (StoreConnection *conn, GError **error)
{
  gboolean ok = _store_connection_exec (conn, "COMMIT", error);

  if (!ok)
    {
      _store_connection_rollback (conn);
      return FALSE;
    }

  restore_synchronous (conn);
  if (conn->hooks != NULL)
    conn->hooks->committed (conn, conn->hook_data);
  return TRUE;
}

void
_store_connection_rollback (StoreConnection *conn)
{
  if (!sqlite3_get_autocommit (conn->db))
    sqlite3_exec (conn->db, "ROLLBACK", NULL, NULL, NULL);
  restore_synchronous (conn);
  if (conn->hooks != NULL)
    conn->hooks->rolled_back (conn, conn->hook_data);
}
