/* store-messages.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-messages.h"

#include "store-database-private.h"
#include "store-error.h"
#include "store-index-private.h"
#include "store-messages-private.h"

/* The message key: the date in seconds above 20 bits of sequence, so a
 * million messages may share one second and the key still sorts by date
 * (DESIGN.md "Store"). Dates are clamped into what 63 bits can hold. */
#define KEY_SEQUENCE_BITS 20
#define KEY_SEQUENCE_MASK ((G_GINT64_CONSTANT (1) << KEY_SEQUENCE_BITS) - 1)
#define KEY_MAX_DATE ((G_GINT64_CONSTANT (1) << (62 - KEY_SEQUENCE_BITS)) - 1)

typedef struct
{
  gint64     folder_id;
  gint64     account_id;
  GPtrArray *messages;
  gboolean   durable;
  gboolean   skip_copies; /* store_database_import_async() */
} InsertData;

typedef struct
{
  GArray    *ids;
  gint64     folder_id;
  StoreFlags mask;
  StoreFlags values;
} ChangeData;

static void
insert_data_free (InsertData *data)
{
  g_ptr_array_unref (data->messages);
  g_free (data);
}

static void
change_data_free (ChangeData *data)
{
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data);
}

StoreNewMessage *
store_new_message_new (void)
{
  StoreNewMessage *message = g_new0 (StoreNewMessage, 1);

  message->attachments =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_attachment_free);
  return message;
}

void
store_new_message_free (StoreNewMessage *message)
{
  if (message == NULL)
    return;

  g_clear_pointer (&message->raw, g_bytes_unref);
  g_free (message->message_id);
  g_free (message->in_reply_to);
  g_strfreev (message->references);
  g_free (message->from_name);
  g_free (message->from_address);
  g_free (message->recipients);
  g_free (message->subject);
  g_free (message->preview);
  g_free (message->body_text);
  g_clear_pointer (&message->attachments, g_ptr_array_unref);
  g_free (message->uidl);
  g_free (message);
}

StoreAttachment *
store_attachment_new (void)
{
  return g_new0 (StoreAttachment, 1);
}

void
store_attachment_free (StoreAttachment *attachment)
{
  if (attachment == NULL)
    return;

  g_free (attachment->filename);
  g_free (attachment->save_name);
  g_free (attachment->content_type);
  g_free (attachment->content_id);
  g_free (attachment);
}

void
store_message_row_free (StoreMessageRow *row)
{
  if (row == NULL)
    return;

  g_free (row->message_id);
  g_free (row->from_name);
  g_free (row->from_address);
  g_free (row->recipients);
  g_free (row->subject);
  g_free (row->preview);
  g_free (row->snippet);
  g_free (row->sort_sender);
  g_free (row->sort_subject);
  g_free (row);
}

static char *
column_strdup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Reads STORE_MESSAGE_ROW_COLUMNS, starting at @first. */
StoreMessageRow *
_store_message_row_from_statement (sqlite3_stmt *stmt, int first)
{
  StoreMessageRow *row = g_new0 (StoreMessageRow, 1);
  int              c = first;

  row->id = sqlite3_column_int64 (stmt, c++);
  row->folder_id = sqlite3_column_int64 (stmt, c++);
  row->account_id = sqlite3_column_int64 (stmt, c++);
  row->thread_id = sqlite3_column_int64 (stmt, c++);
  row->date = sqlite3_column_int64 (stmt, c++);
  row->status = sqlite3_column_int (stmt, c++);
  row->is_read = sqlite3_column_int (stmt, c++) != 0;
  row->is_flagged = sqlite3_column_int (stmt, c++) != 0;
  row->has_attachment = sqlite3_column_int (stmt, c++) != 0;
  row->size = sqlite3_column_int64 (stmt, c++);
  row->message_id = column_strdup (stmt, c++);
  row->from_name = column_strdup (stmt, c++);
  row->from_address = column_strdup (stmt, c++);
  row->recipients = column_strdup (stmt, c++);
  row->subject = column_strdup (stmt, c++);
  row->preview = column_strdup (stmt, c++);
  row->sort_sender = column_strdup (stmt, c++);
  row->sort_subject = column_strdup (stmt, c++);

  return row;
}

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

/* Sorting by subject groups a thread: "Re: Re: AW: Plans" sorts as
 * "plans". Case is folded, not collated: a locale-dependent order would
 * make the index wrong whenever the locale changes. */
static char *
make_sort_subject (const char *subject)
{
  static const char *const prefixes[] = { "re:", "fwd:", "fw:",   "aw:", "wg:",
                                          "sv:", "vs:",  "antw:", "tr:" };
  const char              *p = nonnull (subject);
  gboolean                 stripped = TRUE;

  while (stripped)
    {
      stripped = FALSE;
      while (g_ascii_isspace (*p))
        p++;
      for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
        {
          gsize len = strlen (prefixes[i]);

          if (g_ascii_strncasecmp (p, prefixes[i], len) == 0)
            {
              p += len;
              stripped = TRUE;
              break;
            }
        }
    }

  return g_utf8_casefold (p, -1);
}

static char *
make_sort_sender (const StoreNewMessage *message)
{
  const char *name = message->from_name;

  if (name == NULL || *name == '\0')
    name = nonnull (message->from_address);
  return g_utf8_casefold (name, -1);
}

static gboolean
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  return sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC) == SQLITE_OK;
}

/* The role of a folder (STORE_ROLE_*), or -1 with STORE_ERROR_NOT_FOUND
 * or the SQLite failure. */
int
_store_folder_role (StoreConnection *conn, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "SELECT role FROM folders WHERE id = ?", error);
  int role = -1;
  int rc;

  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    role = sqlite3_column_int (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 "There is no folder %" G_GINT64_FORMAT, folder_id);
  else
    _store_connection_set_error (conn, rc, error);
  sqlite3_reset (stmt);
  return role;
}

static gboolean
folder_roles (StoreConnection *conn,
              gint64           folder_id,
              gboolean        *in_inbox,
              gboolean        *in_trash,
              GError         **error)
{
  int role = _store_folder_role (conn, folder_id, error);

  *in_inbox = role == STORE_ROLE_INBOX;
  *in_trash = role == STORE_ROLE_TRASH;
  return role >= 0;
}

static gint64
allocate_key (StoreConnection *conn, gint64 date, GError **error)
{
  /* A key whose removal the indexer has not yet applied is skipped as if
   * taken (sql/003-separate-index.sql): until then a search could match
   * the deleted message's words and show the new message. */
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "SELECT max(id) FROM ("
      "SELECT max(id) AS id FROM messages WHERE id BETWEEN ?1 AND ?2 "
      "UNION ALL SELECT max(message_id) FROM index_log "
      "WHERE op = 2 AND message_id BETWEEN ?1 AND ?2)",
      error);
  gint64 base;
  int    rc;

  if (stmt == NULL)
    return -1;

  date = CLAMP (date, 0, KEY_MAX_DATE);
  for (;; date = MIN (date + 1, KEY_MAX_DATE))
    {
      base = date << KEY_SEQUENCE_BITS;
      sqlite3_bind_int64 (stmt, 1, base);
      sqlite3_bind_int64 (stmt, 2, base | KEY_SEQUENCE_MASK);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          _store_connection_set_error (conn, rc, error);
          return -1;
        }

      if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        {
          sqlite3_reset (stmt);
          return base;
        }

      if ((sqlite3_column_int64 (stmt, 0) & KEY_SEQUENCE_MASK) <
          KEY_SEQUENCE_MASK)
        {
          gint64 key = sqlite3_column_int64 (stmt, 0) + 1;

          sqlite3_reset (stmt);
          return key;
        }

      /* A million messages in this second: the next second's keys. */
      sqlite3_reset (stmt);
    }
}

/* A thread id for a message that starts a thread: its key, unless a
 * thread already has that id. A key comes back once a message of the
 * same second is deleted (allocate_key), while its replies, and the ids
 * remembered for replies still to come, keep it as their thread: an
 * unrelated message would join them. Then an id below zero, which no
 * key can be. */
static gboolean
new_thread_id (StoreConnection *conn,
               gint64           key,
               gint64          *out_thread,
               GError         **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM messages WHERE thread_id = ?1) "
      "OR EXISTS (SELECT 1 FROM thread_ids WHERE thread_id = ?1) "
      "THEN min(0, coalesce((SELECT min(thread_id) FROM messages), 0), "
      "coalesce((SELECT min(thread_id) FROM thread_ids), 0)) - 1 "
      "ELSE ?1 END",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _store_connection_set_error (conn, rc, error);
      return FALSE;
    }
  *out_thread = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

/* The thread a new message joins: the lowest thread any of its ids (its
 * own, In-Reply-To, References) already belongs to; threads it bridges
 * are merged into that one. With none known it starts its own. */
static gboolean
resolve_thread (StoreConnection       *conn,
                gint64                 key,
                const StoreNewMessage *message,
                gint64                *out_thread,
                GError               **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GArray)    found = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt         *lookup = NULL;
  sqlite3_stmt         *remember = NULL;
  gint64                thread;

  if (!new_thread_id (conn, key, &thread, error))
    return FALSE;

  if (message->message_id != NULL && *message->message_id != '\0')
    g_ptr_array_add (ids, message->message_id);
  if (message->in_reply_to != NULL && *message->in_reply_to != '\0')
    g_ptr_array_add (ids, message->in_reply_to);
  for (guint i = 0; message->references != NULL && message->references[i]; i++)
    if (*message->references[i] != '\0')
      g_ptr_array_add (ids, message->references[i]);

  *out_thread = thread;
  if (ids->len == 0)
    return TRUE;

  lookup = _store_connection_prepare (
      conn, "SELECT thread_id FROM thread_ids WHERE message_id = ?", error);
  if (lookup == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      bind_text (lookup, 1, ids->pdata[i]);
      if (sqlite3_step (lookup) == SQLITE_ROW)
        {
          gint64 t = sqlite3_column_int64 (lookup, 0);

          g_array_append_val (found, t);
          thread = MIN (thread, t);
        }
      sqlite3_reset (lookup);
    }

  for (guint i = 0; i < found->len; i++)
    {
      gint64        other = g_array_index (found, gint64, i);
      sqlite3_stmt *stmt;

      if (other == thread)
        continue;

      stmt = _store_connection_prepare (
          conn, "UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2",
          error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, other);
      if (!_store_connection_step_done (conn, stmt, error))
        return FALSE;

      stmt = _store_connection_prepare (
          conn, "UPDATE thread_ids SET thread_id = ?1 WHERE thread_id = ?2",
          error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, other);
      if (!_store_connection_step_done (conn, stmt, error))
        return FALSE;
    }

  remember = _store_connection_prepare (
      conn,
      "INSERT INTO thread_ids (message_id, thread_id) VALUES (?, ?) "
      "ON CONFLICT (message_id) DO UPDATE SET thread_id = excluded.thread_id",
      error);
  if (remember == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      bind_text (remember, 1, ids->pdata[i]);
      sqlite3_bind_int64 (remember, 2, thread);
      if (!_store_connection_step_done (conn, remember, error))
        return FALSE;
    }

  *out_thread = thread;
  return TRUE;
}

static char *
join_attachment_names (const StoreNewMessage *message)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < message->attachments->len; i++)
    {
      const StoreAttachment *attachment = message->attachments->pdata[i];
      const char *name = attachment->filename != NULL ? attachment->filename
                                                      : attachment->save_name;

      if (name == NULL)
        continue;
      if (names->len > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, name);
    }

  return g_string_free (names, FALSE);
}

static gboolean
insert_attachments (StoreConnection       *conn,
                    gint64                 key,
                    const StoreNewMessage *message,
                    GError               **error)
{
  sqlite3_stmt *stmt;

  if (message->attachments->len == 0)
    return TRUE;

  stmt = _store_connection_prepare (
      conn,
      "INSERT INTO attachments (message_id, position, filename, save_name, "
      "content_type, size, is_inline, content_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < message->attachments->len; i++)
    {
      const StoreAttachment *attachment = message->attachments->pdata[i];

      sqlite3_bind_int64 (stmt, 1, key);
      sqlite3_bind_int (stmt, 2, (int) i);
      bind_text (stmt, 3, attachment->filename);
      bind_text (stmt, 4, nonnull (attachment->save_name));
      bind_text (stmt, 5,
                 attachment->content_type != NULL ? attachment->content_type
                                                  : "application/octet-stream");
      sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) attachment->size);
      sqlite3_bind_int (stmt, 7, attachment->is_inline);
      bind_text (stmt, 8, attachment->content_id);
      if (!_store_connection_step_done (conn, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* The size column: the raw message's length. An import looks copies up
 * by it (folder_has_copy()), so it is computed here only. */
static sqlite3_int64
raw_size (const StoreNewMessage *message)
{
  return message->raw != NULL ? (sqlite3_int64) g_bytes_get_size (message->raw)
                              : 0;
}

/* What the list's attachment mark shows: a part that is not inline. */
static gboolean
has_attachment (const StoreNewMessage *message)
{
  for (guint i = 0; i < message->attachments->len; i++)
    if (!((const StoreAttachment *) message->attachments->pdata[i])->is_inline)
      return TRUE;
  return FALSE;
}

static gboolean
insert_row (StoreConnection       *conn,
            gint64                 key,
            gint64                 body_id,
            gint64                 thread,
            const InsertData      *data,
            gboolean               in_inbox,
            gboolean               in_trash,
            const StoreNewMessage *message,
            GError               **error)
{
  g_autofree char *sort_sender = make_sort_sender (message);
  g_autofree char *sort_subject = make_sort_subject (message->subject);
  sqlite3_stmt    *stmt = _store_connection_prepare (
         conn,
         "INSERT INTO messages (id, folder_id, account_id, in_inbox, "
            "in_trash, date, received, is_read, is_flagged, has_attachment, "
            "status, thread_id, message_id, from_name, from_address, "
            "recipients, subject, preview, size, sort_sender, sort_subject, "
            "body_id) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
            "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
         error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 22, body_id);
  sqlite3_bind_int64 (stmt, 2, data->folder_id);
  if (data->account_id > 0)
    sqlite3_bind_int64 (stmt, 3, data->account_id);
  sqlite3_bind_int (stmt, 4, in_inbox);
  sqlite3_bind_int (stmt, 5, in_trash);
  sqlite3_bind_int64 (stmt, 6, message->date);
  sqlite3_bind_int64 (stmt, 7, message->received);
  sqlite3_bind_int (stmt, 8, message->is_read != FALSE);
  sqlite3_bind_int (stmt, 9, message->is_flagged != FALSE);
  sqlite3_bind_int (stmt, 10, has_attachment (message));
  sqlite3_bind_int (stmt, 11, (int) message->status);
  sqlite3_bind_int64 (stmt, 12, thread);
  bind_text (stmt, 13, message->message_id);
  bind_text (stmt, 14, nonnull (message->from_name));
  bind_text (stmt, 15, nonnull (message->from_address));
  bind_text (stmt, 16, nonnull (message->recipients));
  bind_text (stmt, 17, nonnull (message->subject));
  bind_text (stmt, 18, nonnull (message->preview));
  sqlite3_bind_int64 (stmt, 19, raw_size (message));
  bind_text (stmt, 20, sort_sender);
  bind_text (stmt, 21, sort_subject);

  return _store_connection_step_done (conn, stmt, error);
}

/* A zero-length message is mail too (DESIGN.md): an empty blob, never
 * NULL. */
static void
bind_raw (sqlite3_stmt *stmt, int index, const StoreNewMessage *message)
{
  gsize         size = 0;
  gconstpointer bytes = NULL;

  if (message->raw != NULL)
    bytes = g_bytes_get_data (message->raw, &size);
  sqlite3_bind_blob64 (stmt, index, bytes != NULL ? bytes : "", size,
                       SQLITE_STATIC);
}

/* Returns the new body's id, or -1. */
static gint64
insert_body (StoreConnection       *conn,
             const StoreNewMessage *message,
             GError               **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "INSERT INTO message_bodies (raw) VALUES (?)", error);

  if (stmt == NULL)
    return -1;

  bind_raw (stmt, 1, message);
  if (!_store_connection_step_done (conn, stmt, error))
    return -1;

  return sqlite3_last_insert_rowid (_store_connection_get_db (conn));
}

/* Logged with the message; the indexer thread indexes it after the
 * commit (store-index.c). */
static gboolean
insert_index (StoreConnection       *conn,
              gint64                 key,
              const StoreNewMessage *message,
              GError               **error)
{
  g_autofree char *sender = g_strconcat (nonnull (message->from_name), " ",
                                         nonnull (message->from_address), NULL);
  g_autofree char *attachments = join_attachment_names (message);

  return _store_index_log_insert (conn, key, nonnull (message->subject), sender,
                                  nonnull (message->recipients),
                                  nonnull (message->body_text), attachments,
                                  error);
}

static gboolean
insert_ledger_row (StoreConnection       *conn,
                   gint64                 key,
                   const InsertData      *data,
                   const StoreNewMessage *message,
                   GError               **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "INSERT INTO uidl_ledger (account_id, uidl, message_id, first_seen) "
      "VALUES (?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, data->account_id);
  bind_text (stmt, 2, message->uidl);
  sqlite3_bind_int64 (stmt, 3, key);
  sqlite3_bind_int64 (stmt, 4, message->received);
  return _store_connection_step_done (conn, stmt, error);
}

static gint64
insert_one (StoreConnection       *conn,
            const InsertData      *data,
            gboolean               in_inbox,
            gboolean               in_trash,
            const StoreNewMessage *message,
            GError               **error)
{
  gint64 key = allocate_key (conn, message->date, error);
  gint64 body_id;
  gint64 thread;

  if (key < 0)
    return -1;

  if (!resolve_thread (conn, key, message, &thread, error))
    return -1;

  body_id = insert_body (conn, message, error);
  if (body_id < 0)
    return -1;

  if (!insert_row (conn, key, body_id, thread, data, in_inbox, in_trash,
                   message, error) ||
      !insert_attachments (conn, key, message, error) ||
      !insert_index (conn, key, message, error))
    return -1;

  if (message->uidl != NULL &&
      !insert_ledger_row (conn, key, data, message, error))
    return -1;

  return key;
}

/* Whether @folder_id already holds @message byte for byte. Candidates
 * are found by Message-ID, size and date (sql/004-import-copies.sql);
 * only their bytes are compared. */
static gboolean
folder_has_copy (StoreConnection       *conn,
                 gint64                 folder_id,
                 const StoreNewMessage *message,
                 gboolean              *out_found,
                 GError               **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  *out_found = FALSE;
  if (message->message_id == NULL || *message->message_id == '\0')
    return TRUE;

  stmt = _store_connection_prepare (
      conn,
      "SELECT 1 FROM messages m JOIN message_bodies b ON b.id = m.body_id "
      "WHERE m.message_id = ? AND m.folder_id = ? AND m.size = ? "
      "AND m.date = ? AND b.raw = ? LIMIT 1",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message->message_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, folder_id);
  sqlite3_bind_int64 (stmt, 3, raw_size (message));
  sqlite3_bind_int64 (stmt, 4, message->date);
  bind_raw (stmt, 5, message);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc == SQLITE_ROW)
    *out_found = TRUE;
  else if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* All of a batch or none of it, ledger rows included (DESIGN.md
 * invariant 2). */
static void
insert_job (StoreConnection *conn, StoreJob *job)
{
  InsertData        *data = _store_job_get_data (job);
  g_autoptr (GArray) ids =
      g_array_sized_new (FALSE, FALSE, sizeof (gint64), data->messages->len);
  gboolean in_inbox = FALSE;
  gboolean in_trash = FALSE;
  GError  *error = NULL;

  if (!_store_connection_begin (conn, data->durable, &error))
    {
      _store_job_return_error (job, error);
      return;
    }

  if (!folder_roles (conn, data->folder_id, &in_inbox, &in_trash, &error))
    goto failed;

  for (guint i = 0; i < data->messages->len; i++)
    {
      const StoreNewMessage *message = data->messages->pdata[i];
      gint64                 key;

      if (message->uidl != NULL && data->account_id <= 0)
        {
          g_set_error (&error, STORE_ERROR, STORE_ERROR_INVALID,
                       "A message with a UIDL needs an account");
          goto failed;
        }

      if (data->skip_copies)
        {
          gboolean found;

          if (!folder_has_copy (conn, data->folder_id, message, &found, &error))
            goto failed;
          if (found)
            continue;
        }

      key = insert_one (conn, data, in_inbox, in_trash, message, &error);
      if (key < 0)
        goto failed;
      g_array_append_val (ids, key);
    }

  if (!_store_connection_commit (conn, &error))
    {
      _store_job_return_error (job, error);
      return;
    }

  _store_job_return_pointer (job, g_steal_pointer (&ids),
                             (GDestroyNotify) g_array_unref);
  return;

failed:
  _store_connection_rollback (conn);
  _store_job_return_error (job, error);
}

static void
start_insert (StoreDatabase      *self,
              gint64              folder_id,
              gint64              account_id,
              GPtrArray          *messages,
              gboolean            durable,
              gboolean            skip_copies,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  InsertData *data = g_new0 (InsertData, 1);
  GTask      *task = g_task_new (self, cancellable, callback, user_data);

  data->folder_id = folder_id;
  data->account_id = account_id;
  data->messages = g_ptr_array_ref (messages);
  data->durable = durable;
  data->skip_copies = skip_copies;
  g_task_set_source_tag (task, store_database_insert_async);
  g_task_set_task_data (task, data, (GDestroyNotify) insert_data_free);
  _store_database_run_write (self, task, insert_job);
}

/**
 * store_database_insert_async:
 * @self: a #StoreDatabase
 * @folder_id: the folder the messages go to
 * @account_id: the account they came from, or 0 (imported mail)
 * @messages: (element-type StoreNewMessage): the batch; taken by reference
 *   and not to be changed until the operation finishes
 * @durable: sync the commit to the disk before finishing (the engine asks
 *   for this before it deletes anything on the server)
 * @cancellable: (nullable): a #GCancellable; once the batch has started
 *   it is stored whole
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Stores a batch of messages, with their raw bytes, attachments, index
 * entries and, for those with a UIDL, their ledger rows, in one
 * transaction.
 */
void
store_database_insert_async (StoreDatabase      *self,
                             gint64              folder_id,
                             gint64              account_id,
                             GPtrArray          *messages,
                             gboolean            durable,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (messages != NULL);

  start_insert (self, folder_id, account_id, messages, durable, FALSE,
                cancellable, callback, user_data);
}

/**
 * store_database_import_async:
 * @self: a #StoreDatabase
 * @folder_id: the folder the messages go to
 * @messages: (element-type StoreNewMessage): the batch, as for
 *   store_database_insert_async(); none may have a UIDL
 * @cancellable: (nullable): a #GCancellable
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Stores a batch of imported mail as store_database_insert_async() does,
 * but leaves out each message @folder_id already holds byte for byte
 * (same Message-ID, same bytes), this batch's own included: importing a
 * file again, after a failure part-way or by mistake, brings in only
 * what is missing. Finish with store_database_insert_finish(); the ids
 * are those of the messages stored, so the difference in length from
 * @messages is what was left out.
 */
void
store_database_import_async (StoreDatabase      *self,
                             gint64              folder_id,
                             GPtrArray          *messages,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (messages != NULL);

  start_insert (self, folder_id, 0, messages, FALSE, TRUE, cancellable,
                callback, user_data);
}

/**
 * store_database_insert_finish:
 *
 * Returns: (transfer full) (element-type gint64): the new messages' ids in
 *   the batch's order, or %NULL with %STORE_ERROR_FULL (nothing of the
 *   batch was stored), %STORE_ERROR_NOT_FOUND (no such folder),
 *   %STORE_ERROR_CORRUPT or %STORE_ERROR_FAILED
 */
GArray *
store_database_insert_finish (StoreDatabase *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
step_each_id (StoreConnection *conn,
              sqlite3_stmt    *stmt,
              int              id_index,
              GArray          *ids,
              GError         **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      sqlite3_bind_int64 (stmt, id_index, id);
      if (!_store_connection_step_done (conn, stmt, error))
        return FALSE;

      if (sqlite3_changes (_store_connection_get_db (conn)) == 0)
        {
          g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                       "There is no message %" G_GINT64_FORMAT, id);
          return FALSE;
        }
    }

  return TRUE;
}

static gint64
set_flags (StoreConnection *conn, gpointer user_data, GError **error)
{
  ChangeData   *data = user_data;
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "UPDATE messages SET "
      "is_read = CASE WHEN ?1 & 1 THEN ?2 & 1 ELSE is_read END, "
      "is_flagged = CASE WHEN ?1 & 2 THEN (?2 & 2) >> 1 ELSE is_flagged END "
      "WHERE id = ?3",
      error);

  if (stmt == NULL)
    return -1;

  sqlite3_bind_int (stmt, 1, (int) data->mask);
  sqlite3_bind_int (stmt, 2, (int) data->values);
  return step_each_id (conn, stmt, 3, data->ids, error) ? 0 : -1;
}

gboolean
_store_move_messages (StoreConnection *conn,
                      GArray          *ids,
                      gint64           folder_id,
                      GError         **error)
{
  gboolean      in_inbox;
  gboolean      in_trash;
  sqlite3_stmt *stmt;

  if (!folder_roles (conn, folder_id, &in_inbox, &in_trash, error))
    return FALSE;

  stmt = _store_connection_prepare (
      conn,
      "UPDATE messages SET folder_id = ?1, in_inbox = ?2, in_trash = ?3 "
      "WHERE id = ?4",
      error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int (stmt, 2, in_inbox);
  sqlite3_bind_int (stmt, 3, in_trash);
  return step_each_id (conn, stmt, 4, ids, error);
}

gint64
_store_folder_id_for_role (StoreConnection *conn, int role, GError **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "SELECT id FROM folders WHERE account_id IS NULL AND role = ?",
      error);
  gint64 id = -1;

  if (stmt == NULL)
    return -1;

  sqlite3_bind_int (stmt, 1, role);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    g_set_error (error, STORE_ERROR, STORE_ERROR_CORRUPT,
                 "The mail store has no folder of role %d", role);
  sqlite3_reset (stmt);
  return id;
}

/* Deleting a message keeps its ledger row (the key turns NULL) so that
 * it is never downloaded again (DESIGN.md invariant 5), and keeps its ids
 * in thread_ids so that replies still find its thread. */
gboolean
_store_delete_messages (StoreConnection *conn, GArray *ids, GError **error)
{
  sqlite3_stmt *remove = _store_connection_prepare (
      conn, "DELETE FROM messages WHERE id = ?", error);

  if (remove == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    if (!_store_index_log_delete (conn, g_array_index (ids, gint64, i), error))
      return FALSE;

  return step_each_id (conn, remove, 1, ids, error);
}

static gint64
move_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  ChangeData *data = user_data;

  return _store_move_messages (conn, data->ids, data->folder_id, error) ? 0
                                                                        : -1;
}

static gint64
trash_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  ChangeData *data = user_data;
  gint64      trash = _store_folder_id_for_role (conn, STORE_ROLE_TRASH, error);

  if (trash < 0)
    return -1;
  return _store_move_messages (conn, data->ids, trash, error) ? 0 : -1;
}

static gint64
delete_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  ChangeData *data = user_data;

  return _store_delete_messages (conn, data->ids, error) ? 0 : -1;
}

static gint64
empty_trash_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt      *stmt = _store_connection_prepare (
           conn, "SELECT id FROM messages WHERE in_trash = 1", error);
  int rc;

  if (stmt == NULL)
    return -1;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return -1;
    }

  /* One by one, so that each removal is logged for the index. */
  return _store_delete_messages (conn, ids, error) ? 0 : -1;
}

/* --- completing a message downloaded as headers only ---------------- */

typedef struct
{
  GArray    *ids;
  GPtrArray *messages;
} CompleteData;

static void
complete_data_free (CompleteData *data)
{
  g_array_unref (data->ids);
  g_ptr_array_unref (data->messages);
  g_free (data);
}

static gboolean
replace_body (StoreConnection       *conn,
              gint64                 body_id,
              const StoreNewMessage *message,
              GError               **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "UPDATE message_bodies SET raw = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;

  bind_raw (stmt, 1, message);
  sqlite3_bind_int64 (stmt, 2, body_id);
  return _store_connection_step_done (conn, stmt, error);
}

/* The headers were there already, so the list columns that come from
 * them stay; what the body brings is replaced. */
static gboolean
replace_summary (StoreConnection       *conn,
                 gint64                 key,
                 StoreMessageStatus     status,
                 const StoreNewMessage *message,
                 GError               **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn,
      "UPDATE messages SET status = ?, has_attachment = ?, preview = ?, "
      "size = ? WHERE id = ?",
      error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, (int) status);
  sqlite3_bind_int (stmt, 2, has_attachment (message));
  bind_text (stmt, 3, nonnull (message->preview));
  sqlite3_bind_int64 (stmt, 4, raw_size (message));
  sqlite3_bind_int64 (stmt, 5, key);
  return _store_connection_step_done (conn, stmt, error);
}

static gboolean
delete_attachments (StoreConnection *conn, gint64 key, GError **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "DELETE FROM attachments WHERE message_id = ?", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, key);
  return _store_connection_step_done (conn, stmt, error);
}

/* Returns 1 when completed, 0 when there was nothing to complete (the
 * message was deleted meanwhile, or completed already), -1 on error. */
static int
complete_one (StoreConnection       *conn,
              gint64                 key,
              const StoreNewMessage *message,
              GError               **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (
      conn, "SELECT body_id, status FROM messages WHERE id = ?", error);
  gint64             body_id;
  StoreMessageStatus status;
  int                rc;

  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return 0;
    }
  if (rc != SQLITE_ROW)
    {
      _store_connection_set_error (conn, rc, error);
      sqlite3_reset (stmt);
      return -1;
    }
  body_id = sqlite3_column_int64 (stmt, 0);
  status = (StoreMessageStatus) sqlite3_column_int (stmt, 1);
  sqlite3_reset (stmt);
  if ((status & STORE_MESSAGE_STATUS_PARTIAL) == 0)
    return 0;

  /* The whole message decides whether it is readable; the date fallback
   * came from the headers, which have not changed. */
  status = (status & STORE_MESSAGE_STATUS_DATE_FALLBACK) |
           (message->status & STORE_MESSAGE_STATUS_UNREADABLE);

  /* The index entry is logged again: the indexer replaces the one made
   * from the headers alone. */
  if (!replace_body (conn, body_id, message, error) ||
      !replace_summary (conn, key, status, message, error) ||
      !delete_attachments (conn, key, error) ||
      !insert_attachments (conn, key, message, error) ||
      !insert_index (conn, key, message, error))
    return -1;

  return 1;
}

static gint64
complete_change (StoreConnection *conn, gpointer user_data, GError **error)
{
  CompleteData *data = user_data;
  gint64        completed = 0;

  for (guint i = 0; i < data->ids->len; i++)
    {
      int done = complete_one (conn, g_array_index (data->ids, gint64, i),
                               data->messages->pdata[i], error);

      if (done < 0)
        return -1;
      completed += done;
    }
  return completed;
}

/**
 * store_database_complete_async:
 * @ids: (element-type gint64): messages stored with
 *   %STORE_MESSAGE_STATUS_PARTIAL
 * @messages: (element-type StoreNewMessage): the whole of each, parsed, in
 *   the order of @ids
 *
 * Replaces the headers-only copies with the whole messages, in one
 * durable transaction: raw bytes, attachments, preview and index; folder,
 * flags, thread and ledger row stay. A message deleted meanwhile, or no
 * longer partial, is left as it is. Finish with
 * store_database_complete_finish().
 */
void
store_database_complete_async (StoreDatabase      *self,
                               GArray             *ids,
                               GPtrArray          *messages,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  CompleteData *data;

  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ids != NULL && messages != NULL);
  g_return_if_fail (ids->len == messages->len);

  data = g_new0 (CompleteData, 1);
  data->ids = g_array_ref (ids);
  data->messages = g_ptr_array_ref (messages);
  _store_database_run_durable_change (
      self, store_database_complete_async, complete_change, data,
      (GDestroyNotify) complete_data_free, cancellable, callback, user_data);
}

/**
 * store_database_complete_finish:
 *
 * Returns: how many messages were completed (those deleted meanwhile or
 *   whole already are not counted), or -1 with a #StoreError; nothing of
 *   a failed change is kept
 */
gint64
store_database_complete_finish (StoreDatabase *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

typedef struct
{
  StoreChangeFunc func;
  gpointer        data;
  GDestroyNotify  destroy;
  gboolean        durable;
} ChangeJob;

static void
change_job_free (ChangeJob *job)
{
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job);
}

static void
change_job (StoreConnection *conn, StoreJob *store_job)
{
  ChangeJob *job = _store_job_get_data (store_job);
  GError    *error = NULL;
  gint64     result;

  if (!_store_connection_begin (conn, job->durable, &error))
    {
      _store_job_return_error (store_job, error);
      return;
    }

  result = job->func (conn, job->data, &error);
  if (result < 0)
    {
      _store_connection_rollback (conn);
      _store_job_return_error (store_job, error);
      return;
    }

  if (!_store_connection_commit (conn, &error))
    {
      _store_job_return_error (store_job, error);
      return;
    }

  _store_job_return_int (store_job, result);
}

static void
run_change (StoreDatabase      *self,
            gpointer            source_tag,
            StoreChangeFunc     func,
            gpointer            data,
            GDestroyNotify      destroy,
            gboolean            durable,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  GTask     *task = g_task_new (self, cancellable, callback, user_data);
  ChangeJob *job = g_new0 (ChangeJob, 1);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  job->durable = durable;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) change_job_free);
  _store_database_run_write (self, task, change_job);
}

/**
 * _store_database_run_change:
 *
 * Queues @func on the writer, in a transaction of its own; the caller
 * finishes it with store_database_change_finish().
 */
void
_store_database_run_change (StoreDatabase      *self,
                            gpointer            source_tag,
                            StoreChangeFunc     func,
                            gpointer            data,
                            GDestroyNotify      destroy,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  run_change (self, source_tag, func, data, destroy, FALSE, cancellable,
              callback, user_data);
}

/**
 * _store_database_run_durable_change:
 *
 * As _store_database_run_change(), with the commit synced to the disk
 * (and with it every earlier commit) before the change finishes.
 */
void
_store_database_run_durable_change (StoreDatabase      *self,
                                    gpointer            source_tag,
                                    StoreChangeFunc     func,
                                    gpointer            data,
                                    GDestroyNotify      destroy,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  run_change (self, source_tag, func, data, destroy, TRUE, cancellable,
              callback, user_data);
}

static ChangeData *
change_data_new (GArray *ids)
{
  ChangeData *data = g_new0 (ChangeData, 1);

  data->ids = ids != NULL ? g_array_ref (ids)
                          : g_array_new (FALSE, FALSE, sizeof (gint64));
  return data;
}

/**
 * store_database_set_flags_async:
 * @ids: (element-type gint64): the messages
 * @mask: the flags to change
 * @values: their new values (bits outside @mask are ignored)
 *
 * Sets or clears read and flagged. Unknown ids fail the whole change
 * with %STORE_ERROR_NOT_FOUND; finish with store_database_change_finish().
 */
void
store_database_set_flags_async (StoreDatabase      *self,
                                GArray             *ids,
                                StoreFlags          mask,
                                StoreFlags          values,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  ChangeData *data;

  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ids != NULL);

  data = change_data_new (ids);
  data->mask = mask;
  data->values = values;
  _store_database_run_change (self, store_database_set_flags_async, set_flags,
                              data, (GDestroyNotify) change_data_free,
                              cancellable, callback, user_data);
}

/**
 * store_database_move_async:
 * @ids: (element-type gint64): the messages
 * @folder_id: where they go
 *
 * Moves messages; the search index needs no change. Finish with
 * store_database_change_finish().
 */
void
store_database_move_async (StoreDatabase      *self,
                           GArray             *ids,
                           gint64              folder_id,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  ChangeData *data;

  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ids != NULL);

  data = change_data_new (ids);
  data->folder_id = folder_id;
  _store_database_run_change (self, store_database_move_async, move_change,
                              data, (GDestroyNotify) change_data_free,
                              cancellable, callback, user_data);
}

/**
 * store_database_trash_async:
 *
 * Moves messages to Trash. Finish with store_database_change_finish().
 */
void
store_database_trash_async (StoreDatabase      *self,
                            GArray             *ids,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ids != NULL);

  _store_database_run_change (
      self, store_database_trash_async, trash_change, change_data_new (ids),
      (GDestroyNotify) change_data_free, cancellable, callback, user_data);
}

/**
 * store_database_delete_async:
 *
 * Deletes messages for good: row, raw bytes, attachments and index entry.
 * Their ledger rows stay, so the server's copies are not downloaded
 * again. Finish with store_database_change_finish().
 */
void
store_database_delete_async (StoreDatabase      *self,
                             GArray             *ids,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (ids != NULL);

  _store_database_run_change (
      self, store_database_delete_async, delete_change, change_data_new (ids),
      (GDestroyNotify) change_data_free, cancellable, callback, user_data);
}

/**
 * store_database_empty_trash_async:
 *
 * Deletes every message in Trash for good. Finish with
 * store_database_change_finish().
 */
void
store_database_empty_trash_async (StoreDatabase      *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_return_if_fail (STORE_IS_DATABASE (self));

  _store_database_run_change (self, store_database_empty_trash_async,
                              empty_trash_change, change_data_new (NULL),
                              (GDestroyNotify) change_data_free, cancellable,
                              callback, user_data);
}

/**
 * store_database_change_finish:
 *
 * Finishes any change: flags, moves, deletes, folders, accounts.
 *
 * Returns: %TRUE, or %FALSE with %STORE_ERROR_NOT_FOUND,
 *   %STORE_ERROR_EXISTS, %STORE_ERROR_INVALID, %STORE_ERROR_FULL or
 *   %STORE_ERROR_FAILED; nothing of a failed change is kept
 */
gboolean
store_database_change_finish (StoreDatabase *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}
