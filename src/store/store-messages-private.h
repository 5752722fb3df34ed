/* store-messages-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store-connection.h"
#include "store-database.h"
#include "store-messages.h"

G_BEGIN_DECLS

/* Folder roles, as the schema stores them (sql/001-initial.sql). */
#define STORE_ROLE_USER 0
#define STORE_ROLE_INBOX 1
#define STORE_ROLE_TRASH 2
#define STORE_ROLE_ARCHIVE 3

/* Returns -1 with @error set, else a result for the finish function (a
 * new row's id, or 0). */
typedef gint64 (*StoreChangeFunc) (StoreConnection *conn,
                                   gpointer         data,
                                   GError         **error);

void _store_database_run_change (StoreDatabase      *self,
                                 gpointer            source_tag,
                                 StoreChangeFunc     func,
                                 gpointer            data,
                                 GDestroyNotify      destroy,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);

void _store_database_run_durable_change (StoreDatabase      *self,
                                         gpointer            source_tag,
                                         StoreChangeFunc     func,
                                         gpointer            data,
                                         GDestroyNotify      destroy,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);

StoreMessageRow *_store_message_row_from_statement (sqlite3_stmt *stmt,
                                                    int           first);
/* The columns of a StoreMessageRow, each after @table (say "m." for a
 * join, or ""), in the order _store_message_row_from_statement() reads. */
#define STORE_MESSAGE_ROW_COLUMNS(table)                                       \
  table "id, " table "folder_id, " table "account_id, " table                  \
        "thread_id, " table "date, " table "status, " table "is_read, " table  \
        "is_flagged, " table "has_attachment, " table "size, " table           \
        "message_id, " table "from_name, " table "from_address, " table        \
        "recipients, " table "subject, " table "preview, " table               \
        "sort_sender, " table "sort_subject"
#define STORE_MESSAGE_ROW_N_COLUMNS 18

gboolean _store_move_messages (StoreConnection *conn,
                               GArray          *ids,
                               gint64           folder_id,
                               GError         **error);
gboolean
_store_delete_messages (StoreConnection *conn, GArray *ids, GError **error);
int
_store_folder_role (StoreConnection *conn, gint64 folder_id, GError **error);
gint64
_store_folder_id_for_role (StoreConnection *conn, int role, GError **error);

G_END_DECLS
