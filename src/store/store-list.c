/* store-list.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-database-private.h"
#include "store-error.h"
#include "store-messages-private.h"
#include "store-messages.h"

/* The reads a virtualized message list makes while it scrolls. They are
 * synchronous, on the read connection of the thread that opened the store
 * (a GListModel must hand out rows at once), and each is a walk of one
 * index: a page costs the same at offset 0 and at offset 90,000
 * (bench/store measures it). */

static const char *
view_condition (const StoreView *view)
{
  switch (view->kind)
    {
    case STORE_VIEW_FOLDER:
      return "folder_id = ?1";
    case STORE_VIEW_ALL_INBOXES:
      return "in_inbox = 1";
    case STORE_VIEW_UNREAD:
      return "is_read = 0 AND in_trash = 0";
    case STORE_VIEW_FLAGGED:
      return "is_flagged = 1 AND in_trash = 0";
    default:
      g_assert_not_reached ();
    }
}

static char *
where_clause (const StoreView *view)
{
  GString *where = g_string_new (view_condition (view));

  if (view->filter & STORE_FILTER_UNREAD)
    g_string_append (where, " AND is_read = 0");
  if (view->filter & STORE_FILTER_FLAGGED)
    g_string_append (where, " AND is_flagged = 1");
  return g_string_free (where, FALSE);
}

/* Date: newest first. Sender and subject: A to Z, then oldest first, in
 * one direction so that a keyset comparison works on both columns. */
static const char *
sort_column (const StoreView *view)
{
  switch (view->sort)
    {
    case STORE_SORT_SENDER:
      return "sort_sender";
    case STORE_SORT_SUBJECT:
      return "sort_subject";
    case STORE_SORT_DATE:
    default:
      return NULL;
    }
}

static gboolean
view_is_descending (const StoreView *view)
{
  gboolean descending = view->sort == STORE_SORT_DATE;

  return view->reversed ? !descending : descending;
}

static char *
order_clause (const StoreView *view)
{
  const char *column = sort_column (view);
  const char *direction = view_is_descending (view) ? "DESC" : "ASC";

  if (column == NULL)
    return g_strdup_printf ("id %s", direction);
  return g_strdup_printf ("%s %s, id %s", column, direction, direction);
}

static GPtrArray *
collect_rows (StoreConnection *conn, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_message_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, _store_message_row_from_statement (stmt, 0));

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/**
 * store_database_count:
 * @self: a #StoreDatabase
 * @view: what to count
 * @error: return location
 *
 * Returns: the number of messages in @view; on error 0 with @error set
 */
guint64
store_database_count (StoreDatabase   *self,
                      const StoreView *view,
                      GError         **error)
{
  StoreConnection *conn;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;
  guint64          count = 0;
  int              rc;

  g_return_val_if_fail (STORE_IS_DATABASE (self), 0);
  g_return_val_if_fail (view != NULL, 0);

  conn = _store_database_get_reader (self);
  where = where_clause (view);
  sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE %s", where);
  stmt = _store_connection_prepare (conn, sql, error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, view->folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = (guint64) sqlite3_column_int64 (stmt, 0);
  else
    _store_connection_set_error (conn, rc, error);
  sqlite3_reset (stmt);

  return count;
}

/**
 * store_database_list:
 * @self: a #StoreDatabase
 * @view: what to list, in which order
 * @offset: rows to skip
 * @limit: rows to return at most
 * @error: return location
 *
 * The inner query skips @offset entries of the view's index without
 * reading a single message row; only the page itself is read.
 *
 * Returns: (transfer full) (element-type StoreMessageRow): the page
 *   (maybe empty), or %NULL with @error set
 */
GPtrArray *
store_database_list (StoreDatabase   *self,
                     const StoreView *view,
                     guint            offset,
                     guint            limit,
                     GError         **error)
{
  StoreConnection *conn;
  g_autofree char *where = NULL;
  g_autofree char *order = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);
  g_return_val_if_fail (view != NULL, NULL);

  conn = _store_database_get_reader (self);
  where = where_clause (view);
  order = order_clause (view);
  sql = g_strdup_printf ("SELECT %s FROM messages WHERE id IN "
                         "(SELECT id FROM messages WHERE %s ORDER BY %s "
                         "LIMIT ?2 OFFSET ?3) ORDER BY %s",
                         STORE_MESSAGE_ROW_COLUMNS (""), where, order, order);
  stmt = _store_connection_prepare (conn, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, view->folder_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  return collect_rows (conn, stmt, error);
}

/**
 * store_database_list_after:
 * @self: a #StoreDatabase
 * @view: what to list, in which order
 * @last: the last row of the previous page, as this view listed it
 * @limit: rows to return at most
 * @error: return location
 *
 * The next page after @last (keyset paging): unlike an offset, it stays
 * right while messages arrive or go.
 *
 * Returns: (transfer full) (element-type StoreMessageRow): the page, or
 *   %NULL with @error set
 */
GPtrArray *
store_database_list_after (StoreDatabase         *self,
                           const StoreView       *view,
                           const StoreMessageRow *last,
                           guint                  limit,
                           GError               **error)
{
  StoreConnection *conn;
  g_autofree char *where = NULL;
  g_autofree char *order = NULL;
  g_autofree char *sql = NULL;
  const char      *column = sort_column (view);
  const char      *compare = view_is_descending (view) ? "<" : ">";
  sqlite3_stmt    *stmt;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);
  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (last != NULL, NULL);

  conn = _store_database_get_reader (self);
  where = where_clause (view);
  order = order_clause (view);
  if (column == NULL)
    sql =
        g_strdup_printf ("SELECT %s FROM messages WHERE %s AND id %s ?3 "
                         "ORDER BY %s LIMIT ?2",
                         STORE_MESSAGE_ROW_COLUMNS (""), where, compare, order);
  else
    sql = g_strdup_printf ("SELECT %s FROM messages WHERE %s AND "
                           "(%s, id) %s (?4, ?3) ORDER BY %s LIMIT ?2",
                           STORE_MESSAGE_ROW_COLUMNS (""), where, column,
                           compare, order);
  stmt = _store_connection_prepare (conn, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, view->folder_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, last->id);
  if (column != NULL)
    sqlite3_bind_text (stmt, 4,
                       view->sort == STORE_SORT_SENDER ? last->sort_sender
                                                       : last->sort_subject,
                       -1, SQLITE_TRANSIENT);
  return collect_rows (conn, stmt, error);
}

/**
 * store_database_get_message:
 *
 * Returns: (transfer full): the message's row, or %NULL with
 *   %STORE_ERROR_NOT_FOUND
 */
StoreMessageRow *
store_database_get_message (StoreDatabase *self, gint64 id, GError **error)
{
  StoreConnection      *conn;
  g_autofree char      *sql = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  sqlite3_stmt         *stmt;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  conn = _store_database_get_reader (self);
  sql = g_strdup_printf ("SELECT %s FROM messages WHERE id = ?",
                         STORE_MESSAGE_ROW_COLUMNS (""));
  stmt = _store_connection_prepare (conn, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rows = collect_rows (conn, stmt, error);
  if (rows == NULL)
    return NULL;

  if (rows->len == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   "There is no message %" G_GINT64_FORMAT, id);
      return NULL;
    }

  return g_ptr_array_steal_index (rows, 0);
}

/* The bytes of one message, read on @conn's thread. */
static GBytes *
select_raw (StoreConnection *conn, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "SELECT b.raw FROM messages m JOIN message_bodies b ON b.id = m.body_id "
      "WHERE m.id = ?",
      error);
  GBytes *raw = NULL;
  int     rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    raw = g_bytes_new (sqlite3_column_blob (stmt, 0),
                       (gsize) sqlite3_column_bytes (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "There is no message %" G_GINT64_FORMAT, id);
  else
    _store_connection_set_error (conn, rc, error);
  sqlite3_reset (stmt);

  return raw;
}

/**
 * store_database_get_raw:
 *
 * Returns: (transfer full): the message's bytes exactly as received
 *   (DESIGN.md invariant 3), or %NULL with %STORE_ERROR_NOT_FOUND
 */
GBytes *
store_database_get_raw (StoreDatabase *self, gint64 id, GError **error)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  return select_raw (_store_database_get_reader (self), id, error);
}

/**
 * store_database_get_attachments:
 *
 * Returns: (transfer full) (element-type StoreAttachment): the message's
 *   attachments in message order (maybe none), or %NULL with @error set
 */
GPtrArray *
store_database_get_attachments (StoreDatabase *self, gint64 id, GError **error)
{
  StoreConnection      *conn;
  g_autoptr (GPtrArray) attachments = NULL;
  sqlite3_stmt         *stmt;
  int                   rc;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  conn = _store_database_get_reader (self);
  stmt = _store_connection_prepare (
      conn,
      "SELECT filename, save_name, content_type, size, is_inline, content_id "
      "FROM attachments WHERE message_id = ? ORDER BY position",
      error);
  if (stmt == NULL)
    return NULL;

  attachments =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_attachment_free);
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StoreAttachment *attachment = store_attachment_new ();

      attachment->filename =
          g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      attachment->save_name =
          g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      attachment->content_type =
          g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      attachment->size = (guint64) sqlite3_column_int64 (stmt, 3);
      attachment->is_inline = sqlite3_column_int (stmt, 4) != 0;
      attachment->content_id =
          g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (attachments, attachment);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return NULL;
    }

  return g_steal_pointer (&attachments);
}

/**
 * store_database_get_thread:
 *
 * Returns: (transfer full) (element-type StoreMessageRow): the thread's
 *   messages, oldest first, or %NULL with @error set
 */
GPtrArray *
store_database_get_thread (StoreDatabase *self,
                           gint64         thread_id,
                           GError       **error)
{
  StoreConnection *conn;
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;

  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  conn = _store_database_get_reader (self);
  sql = g_strdup_printf ("SELECT %s FROM messages WHERE thread_id = ? "
                         "ORDER BY id",
                         STORE_MESSAGE_ROW_COLUMNS (""));
  stmt = _store_connection_prepare (conn, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, thread_id);
  return collect_rows (conn, stmt, error);
}

static void
unref_bytes_if_any (gpointer bytes)
{
  if (bytes != NULL)
    g_bytes_unref (bytes);
}

static void
read_raw_job (StoreConnection *conn, StoreJob *job)
{
  GArray               *ids = _store_job_get_data (job);
  g_autoptr (GPtrArray) raws =
      g_ptr_array_new_with_free_func (unref_bytes_if_any);
  GError *error = NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      GBytes *raw = select_raw (conn, g_array_index (ids, gint64, i), &error);

      /* deleted since the ids were listed: an export goes on without it */
      if (raw == NULL &&
          !g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
        {
          _store_job_return_error (job, error);
          return;
        }
      g_clear_error (&error);
      g_ptr_array_add (raws, raw);
    }

  _store_job_return_pointer (job, g_steal_pointer (&raws),
                             (GDestroyNotify) g_ptr_array_unref);
}

/**
 * store_database_read_raw_async:
 * @ids: (element-type gint64): the messages
 *
 * Reads the raw bytes of many messages on the reader thread, for an
 * export: a large read never holds up the thread that called.
 */
void
store_database_read_raw_async (StoreDatabase      *self,
                               GArray             *ids,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, store_database_read_raw_async);
  g_task_set_task_data (task, g_array_ref (ids),
                        (GDestroyNotify) g_array_unref);
  _store_database_run_read (self, task, read_raw_job);
}

/**
 * store_database_read_raw_finish:
 *
 * Returns: (transfer full) (element-type GBytes): the bytes in the order
 *   of the ids, %NULL in the place of a message deleted since its id was
 *   listed; or %NULL with an error
 */
GPtrArray *
store_database_read_raw_finish (StoreDatabase *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
