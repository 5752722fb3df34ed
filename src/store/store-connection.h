/* store-connection.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* One SQLite connection and its prepared statements. A connection belongs
 * to the thread that opened it (DESIGN.md "Threads") and is never handed
 * to another; nothing here locks. */
typedef struct _StoreConnection StoreConnection;

/* Called around the transactions _store_connection_begin() opens, on the
 * connection's thread: the writer's index log (store-index.c) folds its
 * work into the transaction and hands its entries on after the commit. */
typedef struct
{
  /* after BEGIN; a failure fails the BEGIN */
  gboolean (*begin) (StoreConnection *conn, gpointer data, GError **error);
  /* after a COMMIT that succeeded */
  void (*committed) (StoreConnection *conn, gpointer data);
  /* after a ROLLBACK, or a COMMIT that failed */
  void (*rolled_back) (StoreConnection *conn, gpointer data);
} StoreConnectionHooks;

typedef enum
{
  STORE_OPEN_READ_ONLY,
  STORE_OPEN_READ_WRITE, /* the file must exist */
  STORE_OPEN_CREATE,     /* read and write, created when missing */
} StoreOpenMode;

StoreConnection *
_store_connection_open (const char *path, StoreOpenMode mode, GError **error);
void     _store_connection_free (StoreConnection *conn);
sqlite3 *_store_connection_get_db (StoreConnection *conn);
void     _store_connection_set_hooks (StoreConnection            *conn,
                                      const StoreConnectionHooks *hooks,
                                      gpointer                    data);
gpointer _store_connection_get_hook_data (StoreConnection *conn);
/* A SQLite CORRUPT error on @conn sets *@damaged; while it is set,
 * durable transactions are refused (_store_connection_begin()). */
void _store_connection_share_damage (StoreConnection *conn, gint *damaged);
/* Which index file a reader has attached: store-database.c says. */
guint _store_connection_get_index_file (StoreConnection *conn);
void _store_connection_set_index_file (StoreConnection *conn, guint index_file);

sqlite3_stmt *_store_connection_prepare (StoreConnection *conn,
                                         const char      *sql,
                                         GError         **error);
sqlite3_stmt *_store_connection_prepare_once (StoreConnection *conn,
                                              const char      *sql,
                                              GError         **error);
gboolean
_store_connection_exec (StoreConnection *conn, const char *sql, GError **error);
gboolean _store_connection_step_done (StoreConnection *conn,
                                      sqlite3_stmt    *stmt,
                                      GError         **error);

gboolean _store_connection_begin (StoreConnection *conn,
                                  gboolean         durable,
                                  GError         **error);
gboolean _store_connection_commit (StoreConnection *conn, GError **error);
void     _store_connection_rollback (StoreConnection *conn);

void
_store_connection_set_error (StoreConnection *conn, int rc, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreConnection, _store_connection_free)

G_END_DECLS
