/* store-index.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "store-checkpointer.h"
#include "store-error.h"
#include "store-index-private.h"
#include "store-library-private.h"
#include "store-messages.h"

/* Batches handed to the indexer and not yet applied. The writer waits
 * after a commit while this many are queued, or while their texts take
 * MAX_QUEUED_BYTES, so memory stays bounded (issue #5). The indexer is
 * the slowest stage, and it works in bursts (a commit writes out a
 * segment): with two batches queued, the writer and the parser waited
 * through each burst and a core stood idle. Twelve let them run ahead
 * meanwhile: 100,000 messages imported 14-16% faster, in less memory.
 * An import's batch of 500 texts is about 1 MB. */
#define MAX_QUEUED 12
#define MAX_QUEUED_BYTES (24 * 1024 * 1024)

/* The indexer keeps its transaction open while batches keep coming, up
 * to this many entries, and commits when its queue is empty. FTS5 writes
 * a segment per commit (or per 16 MB of pending terms); a commit per
 * batch of 500 made small segments that automerge then rewrote again
 * and again. */
#define MAX_TRANSACTION_ENTRIES 5000

/* Rows of index_log read per transaction when the log is replayed. */
#define REPLAY_CHUNK 500

/* After a failure other than a damaged file (a full disk), how long the
 * indexer waits before it tries the log again. */
#define RETRY_SECONDS 30

/* The index file's own version, in its user_version. */
#define INDEX_SCHEMA_VERSION 1

#define OP_INSERT 1
#define OP_DELETE 2

typedef struct
{
  gint64 seq;
  gint64 message_id;
  int    op;
  char  *subject;
  char  *sender;
  char  *recipients;
  char  *body;
  char  *attachments;
} IndexEntry;

typedef enum
{
  ITEM_BATCH,
  ITEM_CHECK, /* a search met a damaged page: maybe of this file */
  ITEM_QUIT,
} ItemKind;

typedef struct
{
  ItemKind kind;
  GArray  *entries;    /* IndexEntry */
  gsize    text_bytes; /* of the entries' texts */
} IndexItem;

struct _StoreIndexer
{
  /* owned, constant */
  char *store_path;
  char *index_path;

  GThread     *thread;
  GAsyncQueue *queue; /* IndexItem */
  GTask       *open_task;

  /* guarded by lock */
  GMutex   lock;
  GCond    cond;
  guint    queued;       /* batches handed over and not yet applied */
  gsize    queued_bytes; /* ... and the size of their texts */
  guint    in_flight;    /* ... and not yet committed; the replay is one */
  gint64   acked_seq;    /* the highest seq the index file holds */
  gboolean paused;
  gboolean abandoned;
  gboolean rebuilding; /* the writer leaves its batches to the log */
  gboolean stopping;   /* the store is closing: a rebuild gives up */
  gboolean check_queued;
  gboolean checked_clean; /* no damage found, nothing written since */
  guint    index_file;    /* counts the files made: 1 at open */
  guint    retry_seconds;
  GError  *failure;

  /* indexer thread only */
  StoreConnection   *conn;
  StoreCheckpointer *checkpointer;  /* of the index file, while it is open */
  gint64             committed_seq; /* what the index file holds */
  gint64             applied_seq;   /* ... and the open transaction */
  gboolean           in_transaction;
  gboolean           rebuild; /* the file was lost: build it from the store */
  guint              transaction_entries;
  guint              unsettled;   /* batches taken since the last commit */
  gint64             failed_time; /* of the last failure or retry */

  /* writer thread only */
  GArray *pending;      /* IndexEntry: logged in the open transaction */
  gint64  trimmed_seq;  /* index_log holds no row up to this seq */
  gint64  trimming_seq; /* ... once the open transaction commits */
};

/* The index file's schema: the table the store's schema 001 had, with the
 * same settings (sql/001-initial.sql says why), and the seq it holds. */
static const char index_schema[] =
    "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
    "  subject, sender, recipients, body, attachments,"
    "  tokenize = 'unicode61 remove_diacritics 2',"
    "  prefix = '3',"
    "  columnsize = 0"
    ");"
    "INSERT INTO messages_fts (messages_fts, rank) "
    "  VALUES ('hashsize', 16777216);"
    "INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16);"
    "CREATE TABLE index_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 0),"
    "  applied_seq INTEGER NOT NULL"
    ");"
    "INSERT INTO index_state (id, applied_seq) VALUES (0, 0);"
    "PRAGMA user_version = " G_STRINGIFY (INDEX_SCHEMA_VERSION);

static void
index_entry_clear (gpointer data)
{
  IndexEntry *entry = data;

  g_free (entry->subject);
  g_free (entry->sender);
  g_free (entry->recipients);
  g_free (entry->body);
  g_free (entry->attachments);
}

static GArray *
entries_new (void)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (IndexEntry));

  g_array_set_clear_func (entries, index_entry_clear);
  return entries;
}

static void
index_item_free (gpointer data)
{
  IndexItem *item = data;

  g_clear_pointer (&item->entries, g_array_unref);
  g_free (item);
}

StoreIndexer *
_store_indexer_new (const char *store_path, const char *index_path)
{
  StoreIndexer *self = g_new0 (StoreIndexer, 1);

  self->store_path = g_strdup (store_path);
  self->index_path = g_strdup (index_path);
  self->queue = g_async_queue_new_full (index_item_free);
  self->pending = entries_new ();
  self->retry_seconds = RETRY_SECONDS;
  self->index_file = 1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  return self;
}

const char *
_store_indexer_get_path (StoreIndexer *self)
{
  return self->index_path;
}

guint
_store_indexer_get_index_file (StoreIndexer *self)
{
  guint index_file;

  g_mutex_lock (&self->lock);
  index_file = self->index_file;
  g_mutex_unlock (&self->lock);
  return index_file;
}

void
_store_indexer_check_damage (StoreIndexer *self)
{
  IndexItem *check;

  g_mutex_lock (&self->lock);
  if (self->thread == NULL || self->stopping || self->check_queued ||
      self->checked_clean)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->check_queued = TRUE;
  self->in_flight++; /* waiting for the index waits for the check too */
  g_mutex_unlock (&self->lock);

  check = g_new0 (IndexItem, 1);
  check->kind = ITEM_CHECK;
  g_async_queue_push (self->queue, check);
}

/* Lets the batches already handed over be applied (unless the indexer
 * was abandoned), then stops the thread. */
void
_store_indexer_free (StoreIndexer *self)
{
  if (self->thread != NULL)
    {
      IndexItem *quit = g_new0 (IndexItem, 1);

      quit->kind = ITEM_QUIT;
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_mutex_unlock (&self->lock);
      g_async_queue_push (self->queue, quit);
      g_thread_join (self->thread);
    }

  g_clear_object (&self->open_task);
  g_async_queue_unref (self->queue);
  g_array_unref (self->pending);
  g_clear_error (&self->failure);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->store_path);
  g_free (self->index_path);
  g_free (self);
}

void
_store_indexer_set_retry_seconds (StoreIndexer *self, guint seconds)
{
  g_mutex_lock (&self->lock);
  self->retry_seconds = seconds;
  g_mutex_unlock (&self->lock);
}

void
_store_indexer_set_paused (StoreIndexer *self, gboolean paused)
{
  g_mutex_lock (&self->lock);
  self->paused = paused;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
_store_indexer_abandon_if_paused (StoreIndexer *self)
{
  g_mutex_lock (&self->lock);
  if (self->paused)
    self->abandoned = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
_store_indexer_wait (StoreIndexer *self, GError **error)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  while (self->in_flight > 0 && !self->abandoned)
    g_cond_wait (&self->cond, &self->lock);
  ok = self->failure == NULL;
  if (!ok)
    g_propagate_error (error, g_error_copy (self->failure));
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Writer side. */

static gboolean
writer_begin_cb (StoreConnection *conn, gpointer data, GError **error)
{
  StoreIndexer *self = data;
  gint64        acked;
  sqlite3_stmt *stmt;

  g_mutex_lock (&self->lock);
  acked = self->acked_seq;
  g_mutex_unlock (&self->lock);

  self->trimming_seq = self->trimmed_seq;
  if (acked <= self->trimmed_seq)
    return TRUE;

  /* Trimmed in the transaction that was opened anyway, never in a commit
   * of its own. */
  stmt = _store_connection_prepare (
      conn, "DELETE FROM index_log WHERE seq <= ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, acked);
  if (!_store_connection_step_done (conn, stmt, error))
    return FALSE;

  self->trimming_seq = acked;
  return TRUE;
}

static gsize
entries_text_bytes (GArray *entries)
{
  gsize bytes = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      const IndexEntry *entry = &g_array_index (entries, IndexEntry, i);
      const char *texts[] = { entry->subject, entry->sender, entry->recipients,
                              entry->body, entry->attachments };

      for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
        bytes += texts[t] != NULL ? strlen (texts[t]) : 0;
    }
  return bytes;
}

static void
writer_committed_cb (StoreConnection *conn, gpointer data)
{
  StoreIndexer *self = data;
  IndexItem    *item;

  self->trimmed_seq = self->trimming_seq;
  if (self->pending->len == 0)
    return;

  item = g_new0 (IndexItem, 1);
  item->kind = ITEM_BATCH;
  item->entries = g_steal_pointer (&self->pending);
  item->text_bytes = entries_text_bytes (item->entries);
  self->pending = entries_new ();

  g_mutex_lock (&self->lock);
  if (self->rebuilding)
    {
      /* A rebuild takes no batches for as long as it runs: the writer
       * goes on, and the replay after the rebuild reads these entries
       * back from the log (they are committed there). */
      g_mutex_unlock (&self->lock);
      index_item_free (item);
      return;
    }
  while ((self->queued >= MAX_QUEUED ||
          (self->queued > 0 && self->queued_bytes >= MAX_QUEUED_BYTES)) &&
         !self->abandoned)
    g_cond_wait (&self->cond, &self->lock);
  self->queued++;
  self->queued_bytes += item->text_bytes;
  self->in_flight++;
  g_mutex_unlock (&self->lock);

  g_async_queue_push (self->queue, item);
}

static void
writer_rolled_back_cb (StoreConnection *conn, gpointer data)
{
  StoreIndexer *self = data;

  self->trimming_seq = self->trimmed_seq;
  g_array_set_size (self->pending, 0);
}

static const StoreConnectionHooks writer_hooks = {
  .begin = writer_begin_cb,
  .committed = writer_committed_cb,
  .rolled_back = writer_rolled_back_cb,
};

void
_store_indexer_attach_writer (StoreIndexer *self, StoreConnection *writer)
{
  _store_connection_set_hooks (writer, &writer_hooks, self);
}

static gboolean
log_entry (StoreConnection *writer, IndexEntry *entry, GError **error)
{
  StoreIndexer *self = _store_connection_get_hook_data (writer);
  sqlite3_stmt *stmt = _store_connection_prepare (
      writer,
      "INSERT INTO index_log (message_id, op, subject, sender, recipients, "
      "body, attachments) VALUES (?, ?, ?, ?, ?, ?, ?)",
      error);

  g_assert (self != NULL);

  if (stmt == NULL)
    {
      index_entry_clear (entry);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, entry->message_id);
  sqlite3_bind_int (stmt, 2, entry->op);
  sqlite3_bind_text (stmt, 3, entry->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, entry->sender, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, entry->recipients, -1, SQLITE_STATIC);
  /* The body text, most of what a message is found by, is not logged:
   * the indexer takes it from @pending, and a replay (after a crash)
   * reads it again from the stored message (fill_body_texts()). Logged,
   * each body text went into the WAL, then into the store file, then was
   * deleted again: an import of 100,000 messages (store-bench) ran at
   * 3,130-3,250 messages/s with it and at 3,430-3,460 without. Logs
   * written before hold their texts, and are replayed with them. */
  sqlite3_bind_null (stmt, 6);
  sqlite3_bind_text (stmt, 7, entry->attachments, -1, SQLITE_STATIC);
  if (!_store_connection_step_done (writer, stmt, error))
    {
      index_entry_clear (entry);
      return FALSE;
    }

  entry->seq = sqlite3_last_insert_rowid (_store_connection_get_db (writer));
  g_array_append_vals (self->pending, entry, 1);
  return TRUE;
}

/**
 * _store_index_log_insert:
 * @writer: the writer's connection, in a transaction
 * @message_id: the message's key, the index's rowid
 *
 * Logs the texts a new message is found by (all but the body text,
 * log_entry() says why); they are copied. Once the transaction commits
 * they go to the indexer, the body text with them.
 *
 * Returns: %TRUE, or %FALSE with a #StoreError
 */
gboolean
_store_index_log_insert (StoreConnection *writer,
                         gint64           message_id,
                         const char      *subject,
                         const char      *sender,
                         const char      *recipients,
                         const char      *body,
                         const char      *attachments,
                         GError         **error)
{
  IndexEntry entry = {
    .message_id = message_id,
    .op = OP_INSERT,
    .subject = g_strdup (subject),
    .sender = g_strdup (sender),
    .recipients = g_strdup (recipients),
    .body = g_strdup (body),
    .attachments = g_strdup (attachments),
  };

  return log_entry (writer, &entry, error);
}

/**
 * _store_index_log_delete:
 * @writer: the writer's connection, in the transaction that deletes the
 *   message
 *
 * Returns: %TRUE, or %FALSE with a #StoreError
 */
gboolean
_store_index_log_delete (StoreConnection *writer,
                         gint64           message_id,
                         GError         **error)
{
  IndexEntry entry = { .message_id = message_id, .op = OP_DELETE };

  return log_entry (writer, &entry, error);
}

/* Indexer side. */

/* Records the first failure; store_database_flush_index_finish()
 * reports it. */
static void
fail (StoreIndexer *self, GError *error)
{
  g_mutex_lock (&self->lock);
  if (self->failure == NULL)
    self->failure = g_steal_pointer (&error);
  g_mutex_unlock (&self->lock);
  g_clear_error (&error);
}

/* @text as the index may hold it, or NULL when it may as it is. The
 * snippet marks (STORE_MATCH_START and _END) must not come from a
 * message, or it could fake its own highlights: MIME takes control
 * characters out of what it decodes (_mime_normalize_text()), but an
 * attachment's name stays as its sender wrote it, and a store may hold
 * text from before. In @one_line text (the names of attachments) every
 * control character goes. Each becomes a space: one byte for one, never
 * part of a UTF-8 sequence. */
static char *
index_safe_text (const char *text, gboolean one_line)
{
  char *safe = NULL;

  for (gsize i = 0; text[i] != '\0'; i++)
    {
      guchar   c = (guchar) text[i];
      gboolean unsafe = c == STORE_MATCH_START[0] || c == STORE_MATCH_END[0] ||
                        (one_line && (c < 0x20 || c == 0x7f));

      if (!unsafe)
        continue;
      if (safe == NULL)
        safe = g_strdup (text);
      safe[i] = ' ';
    }
  return safe;
}

static gboolean
bind_entry_texts (sqlite3_stmt *stmt, const IndexEntry *entry)
{
  /* the names of attachments last */
  const char *texts[] = { entry->subject, entry->sender, entry->recipients,
                          entry->body, entry->attachments };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      const char      *text = texts[i] != NULL ? texts[i] : "";
      g_autofree char *safe =
          index_safe_text (text, i == G_N_ELEMENTS (texts) - 1);

      if (sqlite3_bind_text (stmt, (int) i + 2, safe != NULL ? safe : text, -1,
                             safe != NULL ? SQLITE_TRANSIENT : SQLITE_STATIC) !=
          SQLITE_OK)
        return FALSE;
    }
  return TRUE;
}

static void
rollback_transaction (StoreIndexer *self)
{
  _store_connection_rollback (self->conn);
  self->in_transaction = FALSE;
  self->transaction_entries = 0;
  self->applied_seq = self->committed_seq;
}

/* In the open transaction. */
static gboolean
apply_one (StoreIndexer *self, const IndexEntry *entry, GError **error)
{
  sqlite3_stmt *stmt;

  g_assert (entry->op == OP_INSERT || entry->op == OP_DELETE);

  /* OR REPLACE: a key freed by a delete may come back on a new message
   * once that delete is applied (allocate_key), and a message completed
   * with its rest (store_database_complete_async()) is indexed again. */
  stmt = _store_connection_prepare (
      self->conn,
      entry->op == OP_INSERT
          ? "INSERT OR REPLACE INTO messages_fts (rowid, subject, sender, "
            "recipients, body, attachments) VALUES (?, ?, ?, ?, ?, ?)"
          : "DELETE FROM messages_fts WHERE rowid = ?",
      error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, entry->message_id);
  if (entry->op == OP_INSERT && !bind_entry_texts (stmt, entry))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "Cannot bind the texts of message %" G_GINT64_FORMAT,
                   entry->message_id);
      return FALSE;
    }
  if (!_store_connection_step_done (self->conn, stmt, error))
    return FALSE;
  self->transaction_entries++;
  return TRUE;
}

/* By key, and in log order for one key (a message indexed, completed
 * and deleted keeps that order). */
static int
compare_by_key (gconstpointer a, gconstpointer b)
{
  const IndexEntry *x = *(const IndexEntry *const *) a;
  const IndexEntry *y = *(const IndexEntry *const *) b;

  if (x->message_id != y->message_id)
    return x->message_id < y->message_id ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Applies @entries in the open transaction (begun when none is). Entries
 * at or below the seq applied are skipped: the replay at open may already
 * have read them from the log. On failure the whole transaction is rolled
 * back.
 *
 * They are applied in key order, not in log order: keys follow the
 * messages' dates (store-messages.c allocate_key), which a mailbox does
 * not keep to, and FTS5 writes out its pending terms as a new segment
 * whenever a rowid comes lower than the one before (or the same again,
 * as when a message is completed in the batch that stored it). In log
 * order a batch
 * of mail from ten years made a segment every few messages, and merging
 * them doubled the indexer's time. Only the order within a key matters
 * to the result, and that stays. */
static gboolean
apply_entries (StoreIndexer *self, GArray *entries, GError **error)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (entries->len);
  gint64                last_seq = self->applied_seq;

  for (guint i = 0; i < entries->len; i++)
    {
      IndexEntry *entry = &g_array_index (entries, IndexEntry, i);

      if (entry->seq <= self->applied_seq)
        continue;
      g_ptr_array_add (sorted, entry);
      last_seq = MAX (last_seq, entry->seq);
    }
  g_ptr_array_sort (sorted, compare_by_key);

  if (!self->in_transaction)
    {
      if (!_store_connection_begin (self->conn, FALSE, error))
        return FALSE;
      self->in_transaction = TRUE;
    }

  for (guint i = 0; i < sorted->len; i++)
    if (!apply_one (self, g_ptr_array_index (sorted, i), error))
      {
        rollback_transaction (self);
        return FALSE;
      }
  self->applied_seq = last_seq;

  return TRUE;
}

/* Commits the open transaction with the highest seq it applied; only
 * then may the writer trim those log rows. */
static gboolean
commit_transaction (StoreIndexer *self, GError **error)
{
  sqlite3_stmt *stmt;

  if (!self->in_transaction)
    return TRUE;

  if (self->applied_seq == self->committed_seq)
    {
      rollback_transaction (self);
      return TRUE;
    }

  stmt = _store_connection_prepare (
      self->conn, "UPDATE index_state SET applied_seq = ? WHERE id = 0", error);
  if (stmt == NULL)
    {
      rollback_transaction (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, self->applied_seq);
  if (!_store_connection_step_done (self->conn, stmt, error) ||
      !_store_connection_commit (self->conn, error))
    {
      rollback_transaction (self);
      return FALSE;
    }

  self->in_transaction = FALSE;
  self->transaction_entries = 0;
  self->committed_seq = self->applied_seq;
  g_mutex_lock (&self->lock);
  self->acked_seq = self->committed_seq;
  self->checked_clean = FALSE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gint64
query_int (StoreConnection *conn, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = _store_connection_prepare (conn, sql, error);
  gint64        value = -1;
  int           rc;

  if (stmt == NULL)
    return -1;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else
    _store_connection_set_error (conn, rc, error);
  sqlite3_reset (stmt);
  return value;
}

/* The first log entry the store still holds, or the next one to come
 * when the log is empty; -1 on error. Entries before it were trimmed once
 * an index file held them. */
static gint64
first_logged_seq (StoreConnection *store, GError **error)
{
  return query_int (store,
                    "SELECT coalesce ((SELECT min (seq) FROM index_log), "
                    "(SELECT seq + 1 FROM sqlite_sequence "
                    "WHERE name = 'index_log'), 1)",
                    error);
}

/* Opens the index file, creating its schema in a new one. */
static gboolean
open_index_file (StoreIndexer *self, GError **error)
{
  gint64 version;

  self->conn =
      _store_connection_open (self->index_path, STORE_OPEN_CREATE, error);
  if (self->conn == NULL)
    return FALSE;

  version = query_int (self->conn, "PRAGMA user_version", error);
  if (version < 0)
    return FALSE;
  if (version > INDEX_SCHEMA_VERSION)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NEWER_SCHEMA,
                   "The search index was written by a newer Pigeon; it "
                   "was left as it is");
      return FALSE;
    }

  /* As the store's own file (store-database.c open_writer says why). */
  if (!_store_connection_exec (self->conn,
                               "PRAGMA page_size = 16384;"
                               "PRAGMA journal_mode = WAL;"
                               "PRAGMA synchronous = NORMAL",
                               error))
    return FALSE;

  if (version == 0)
    {
      if (!_store_connection_begin (self->conn, FALSE, error))
        return FALSE;
      if (!_store_connection_exec (self->conn, index_schema, error) ||
          !_store_connection_commit (self->conn, error))
        {
          _store_connection_rollback (self->conn);
          return FALSE;
        }
    }

  self->committed_seq = query_int (
      self->conn, "SELECT applied_seq FROM index_state WHERE id = 0", error);
  return self->committed_seq >= 0;
}

/* A damaged index file holds nothing that is not in the store: it is
 * kept aside, for a bug report, and a new one is built. Returns FALSE
 * when it cannot be moved. */
static gboolean
set_damaged_index_aside (StoreIndexer *self, GError **error)
{
  g_autofree char *aside = g_strconcat (self->index_path, ".damaged", NULL);
  const char      *suffixes[] = { "-wal", "-shm" };

  g_clear_pointer (&self->conn, _store_connection_free);
  if (g_rename (self->index_path, aside) != 0)
    {
      int errsv = errno;

      g_set_error (error, STORE_ERROR, STORE_ERROR_CORRUPT,
                   "The search index is damaged and cannot be moved aside "
                   "to build a new one: %s",
                   g_strerror (errsv));
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (self->index_path, suffixes[i], NULL);

      g_remove (path);
    }
  g_message ("The search index %s was damaged; it was moved to %s",
             self->index_path, aside);
  return TRUE;
}

static gboolean
open_index (StoreIndexer *self, StoreConnection **store_out, GError **error)
{
  g_autoptr (StoreConnection) store = NULL;
  g_autoptr (GError)          damage = NULL;
  gboolean exists = g_file_test (self->index_path, G_FILE_TEST_EXISTS);
  gint64   first_seq;
  gint64   last_seq;

  store =
      _store_connection_open (self->store_path, STORE_OPEN_READ_ONLY, error);
  if (store == NULL)
    return FALSE;

  if (exists && !open_index_file (self, &damage))
    {
      if (!g_error_matches (damage, STORE_ERROR, STORE_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&damage));
          return FALSE;
        }
      if (!set_damaged_index_aside (self, error))
        return FALSE;
      exists = FALSE;
    }

  if (!exists && !open_index_file (self, error))
    return FALSE;

  /* The log can bring the index up to date only from where the index
   * stands; entries trimmed since (the file was lost, or a rebuild was
   * killed, or an older copy came back from a backup) are gone, and the
   * index is built again from the messages. A new store, or one just
   * upgraded, still logs everything from seq 1. An index ahead of the
   * log belongs to a newer store than this one (only pigeon.db came back
   * from a backup): its seqs would hide the store's next entries. */
  first_seq = first_logged_seq (store, error);
  last_seq = first_seq < 0 ? -1
                           : query_int (store,
                                        "SELECT coalesce ((SELECT seq FROM "
                                        "sqlite_sequence WHERE name = "
                                        "'index_log'), 0)",
                                        error);
  if (last_seq < 0)
    return FALSE;
  self->rebuild =
      self->committed_seq + 1 < first_seq || self->committed_seq > last_seq;
  self->applied_seq = self->committed_seq;

  /* The log rows the index already holds are trimmed by the writer's
   * next transaction. An index to be rebuilt holds none that count: the
   * log stays as it is until the rebuild commits (an index ahead of the
   * log would otherwise have the store's next entries trimmed). */
  g_mutex_lock (&self->lock);
  self->acked_seq = self->rebuild ? first_seq - 1 : self->committed_seq;
  self->rebuilding = self->rebuild;
  g_mutex_unlock (&self->lock);

  *store_out = g_steal_pointer (&store);
  return TRUE;
}

static char *
column_strdup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* The body text of the raw message in @column, by the engine's
 * @body_text (NULL when there is none). */
static char *
column_body_text (sqlite3_stmt *stmt, int column, StoreBodyTextFunc body_text)
{
  g_autoptr (GBytes) raw = NULL;

  if (body_text == NULL)
    return NULL;
  raw = g_bytes_new (sqlite3_column_blob (stmt, column),
                     (gsize) sqlite3_column_bytes (stmt, column));
  return body_text (raw);
}

/* The texts of each stored message, as store-messages.c insert_index()
 * logs them: list columns and attachment names from their tables, the
 * body text from the engine (store_library_set_body_text_func()). */
#define REBUILD_QUERY                                                          \
  "SELECT m.id, m.subject, m.from_name || ' ' || m.from_address, "             \
  "m.recipients, b.raw, "                                                      \
  "(SELECT group_concat (name, ' ') FROM (SELECT coalesce (a.filename, "       \
  "a.save_name) AS name FROM attachments a WHERE a.message_id = m.id AND "     \
  "name IS NOT NULL ORDER BY a.position)) "                                    \
  "FROM messages m JOIN message_bodies b ON b.id = m.body_id"

static gboolean
stopping (StoreIndexer *self)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  stop = self->stopping;
  g_mutex_unlock (&self->lock);
  return stop;
}

/* The index file is behind the log's trimmed entries (lost, killed while
 * being rebuilt, or an older copy restored): it is built again from the
 * messages as they are in one snapshot of the store, then holds the log
 * up to that snapshot's last seq, and the replay applies what came after.
 * Searches find less until it is done; nothing in the store changes. */
static gboolean
rebuild (StoreIndexer *self, StoreConnection *store, GError **error)
{
  StoreBodyTextFunc body_text = _store_library_get_body_text_func ();
  sqlite3_stmt     *stmt;
  gint64            snapshot_seq;
  guint             count = 0;
  int               rc;

  g_message ("The search index %s was missing or behind; it is being built "
             "again from the mail store",
             self->index_path);
  /* until it commits: a retry after a failure builds it again too */
  self->rebuild = TRUE;

  /* A read transaction: the snapshot. */
  if (!_store_connection_exec (store, "BEGIN", error))
    return FALSE;
  snapshot_seq = query_int (store,
                            "SELECT coalesce ((SELECT seq FROM sqlite_sequence "
                            "WHERE name = 'index_log'), 0)",
                            error);
  stmt = snapshot_seq < 0
             ? NULL
             : _store_connection_prepare (store, REBUILD_QUERY, error);
  if (stmt == NULL || !_store_connection_begin (self->conn, FALSE, error))
    {
      _store_connection_exec (store, "ROLLBACK", NULL);
      return FALSE;
    }
  self->in_transaction = TRUE;
  /* What an old or half-built file holds goes, in the same transaction:
   * a rebuild killed midway leaves the index as it was, still behind the
   * log, and the next open starts it again. */
  if (!_store_connection_exec (self->conn, "DELETE FROM messages_fts", error))
    {
      sqlite3_reset (stmt);
      _store_connection_exec (store, "ROLLBACK", NULL);
      rollback_transaction (self);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IndexEntry entry = {
        .message_id = sqlite3_column_int64 (stmt, 0),
        .op = OP_INSERT,
        .subject = column_strdup (stmt, 1),
        .sender = column_strdup (stmt, 2),
        .recipients = column_strdup (stmt, 3),
        .body = column_body_text (stmt, 4, body_text),
        .attachments = column_strdup (stmt, 5),
      };
      gboolean applied = apply_one (self, &entry, error);

      index_entry_clear (&entry);
      if (!applied)
        break;
      if (++count % 256 == 0 && stopping (self))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The store closed while its search index was "
                               "being built again");
          break;
        }
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _store_connection_set_error (store, rc, error);
  sqlite3_reset (stmt);
  _store_connection_exec (store, "ROLLBACK", NULL); /* the snapshot ends */

  if (rc != SQLITE_DONE)
    {
      rollback_transaction (self);
      return FALSE;
    }

  self->applied_seq = snapshot_seq;
  if (!commit_transaction (self, error))
    return FALSE;
  self->rebuild = FALSE;
  g_message ("The search index %s holds %u messages again", self->index_path,
             count);
  return TRUE;
}

/* Gives the inserts of @entries logged without their body text
 * (log_entry() says why) the text of the message as stored. A message
 * deleted since has none: its removal follows in the log. */
static gboolean
fill_body_texts (StoreConnection *store, GArray *entries, GError **error)
{
  StoreBodyTextFunc body_text = _store_library_get_body_text_func ();

  if (body_text == NULL)
    return TRUE;

  for (guint i = 0; i < entries->len; i++)
    {
      IndexEntry   *entry = &g_array_index (entries, IndexEntry, i);
      sqlite3_stmt *stmt;
      int           rc;

      if (entry->op != OP_INSERT || entry->body != NULL)
        continue;

      stmt = _store_connection_prepare (
          store,
          "SELECT b.raw FROM messages m JOIN message_bodies b "
          "ON b.id = m.body_id WHERE m.id = ?",
          error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry->message_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        entry->body = column_body_text (stmt, 0, body_text);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          _store_connection_set_error (store, rc, error);
          return FALSE;
        }
    }
  return TRUE;
}

/* Applies what the log holds beyond the index: the batches a killed
 * process had not applied, or a whole upgraded store. */
static gboolean
replay (StoreIndexer *self, StoreConnection *store, GError **error)
{
  for (;;)
    {
      g_autoptr (GArray) entries = entries_new ();
      sqlite3_stmt      *stmt = _store_connection_prepare (
               store,
               "SELECT seq, message_id, op, subject, sender, recipients, body, "
                    "attachments FROM index_log WHERE seq > ? ORDER BY seq "
                    "LIMIT " G_STRINGIFY (REPLAY_CHUNK),
               error);
      int rc;

      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, self->applied_seq);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          IndexEntry entry = {
            .seq = sqlite3_column_int64 (stmt, 0),
            .message_id = sqlite3_column_int64 (stmt, 1),
            .op = sqlite3_column_int (stmt, 2),
            .subject = column_strdup (stmt, 3),
            .sender = column_strdup (stmt, 4),
            .recipients = column_strdup (stmt, 5),
            .body = column_strdup (stmt, 6),
            .attachments = column_strdup (stmt, 7),
          };

          g_array_append_val (entries, entry);
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          _store_connection_set_error (store, rc, error);
          return FALSE;
        }

      if (entries->len == 0)
        return commit_transaction (self, error);

      if (!fill_body_texts (store, entries, error) ||
          !apply_entries (self, entries, error))
        return FALSE;
      if (self->transaction_entries >= MAX_TRANSACTION_ENTRIES &&
          !commit_transaction (self, error))
        return FALSE;
    }
}

typedef struct
{
  GTask  *task;
  GError *error;
} Completion;

/* Returned on the task's own thread: store-database.c
 * complete_job_in_task_context() says why. */
static gboolean
complete_cb (gpointer data)
{
  Completion *completion = data;

  if (completion->error != NULL)
    g_task_return_error (completion->task, completion->error);
  else
    g_task_return_boolean (completion->task, TRUE);
  g_object_unref (completion->task);
  g_free (completion);
  return G_SOURCE_REMOVE;
}

static void
complete_in_task_context (GTask *task, GError *error)
{
  Completion *completion = g_new0 (Completion, 1);
  GSource    *source = g_idle_source_new ();

  completion->task = task;
  completion->error = error;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, complete_cb, completion, NULL);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* The index file's checkpoints, as the store's (store-checkpointer.c):
 * run by the indexer, each waited for the disk while the writer's
 * batches piled up behind it, and with it the parsing, both cores idle.
 * A rebuild and a replay are bulk writes too. */
static void
start_checkpointer (StoreIndexer *self)
{
  self->checkpointer =
      _store_checkpointer_new (self->index_path, "index-checkpt");
  _store_checkpointer_attach (self->checkpointer, self->conn);
}

/* Builds the index file again from the store, as at open (open_index()):
 * a damaged one set aside first (@set_aside), else the one there reopened
 * (a rebuild that failed, on a full disk say). The writer leaves its
 * batches to the log meanwhile; the replay then applies them, and the
 * batches queued before are skipped as applied (apply_entries()). */
static gboolean
rebuild_from_store (StoreIndexer *self, gboolean set_aside, GError **error)
{
  g_autoptr (StoreConnection) store = NULL;
  gboolean                    ok = TRUE;

  self->rebuild = TRUE;
  g_mutex_lock (&self->lock);
  self->rebuilding = TRUE;
  g_mutex_unlock (&self->lock);

  if (self->in_transaction)
    rollback_transaction (self);
  /* its connection has the file open too */
  g_clear_pointer (&self->checkpointer, _store_checkpointer_free);
  if (set_aside)
    ok = set_damaged_index_aside (self, error);
  else
    g_clear_pointer (&self->conn, _store_connection_free);
  ok = ok && open_index_file (self, error);
  if (ok)
    {
      g_mutex_lock (&self->lock);
      if (set_aside)
        self->index_file++; /* the readers attach the new one */
      self->checked_clean = FALSE;
      g_mutex_unlock (&self->lock);
      start_checkpointer (self);
      self->applied_seq = self->committed_seq;
      store = _store_connection_open (self->store_path, STORE_OPEN_READ_ONLY,
                                      error);
      ok = store != NULL && rebuild (self, store, error);
    }

  g_mutex_lock (&self->lock);
  self->rebuilding = FALSE;
  g_mutex_unlock (&self->lock);
  return ok && replay (self, store, error);
}

/* Whether the index file itself is damaged, after a CORRUPT error that
 * may also have come from the store's file (the replay reads its log and
 * its messages): its pages (quick_check), then FTS5's own structure,
 * which quick_check does not see into. */
static gboolean
index_file_damaged (StoreIndexer *self)
{
  sqlite3_stmt *stmt;
  gboolean      damaged;
  GError       *error = NULL;
  int           rc;

  if (self->conn == NULL)
    return FALSE;
  if (self->in_transaction)
    rollback_transaction (self);

  stmt = _store_connection_prepare_once (self->conn, "PRAGMA quick_check (1)",
                                         &error);
  if (stmt == NULL)
    {
      damaged = g_error_matches (error, STORE_ERROR, STORE_ERROR_CORRUPT);
      g_clear_error (&error);
      return damaged;
    }
  rc = sqlite3_step (stmt);
  damaged = (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ||
            (rc == SQLITE_ROW &&
             strcmp ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0);
  sqlite3_finalize (stmt);
  if (damaged)
    return TRUE;

  if (!_store_connection_exec (self->conn,
                               "INSERT INTO messages_fts (messages_fts) "
                               "VALUES ('integrity-check')",
                               &error))
    {
      damaged = g_error_matches (error, STORE_ERROR, STORE_ERROR_CORRUPT);
      g_clear_error (&error);
    }
  return damaged;
}

/* Whether RETRY_SECONDS have passed since the last failure or retry. */
static gboolean
retry_due (StoreIndexer *self)
{
  guint seconds;

  g_mutex_lock (&self->lock);
  seconds = self->retry_seconds;
  g_mutex_unlock (&self->lock);
  return g_get_monotonic_time () >=
         self->failed_time + (gint64) seconds * G_USEC_PER_SEC;
}

/* After a failure the batches are skipped, and stay in the log; this
 * applies the log again, at most every RETRY_SECONDS (a disk that stays
 * full). Returns whether the index is up to date again. */
static gboolean
retry_from_log (StoreIndexer *self)
{
  g_autoptr (StoreConnection) store = NULL;
  GError                     *error = NULL;

  if ((self->conn == NULL && !self->rebuild) || !retry_due (self))
    return FALSE;
  self->failed_time = g_get_monotonic_time ();

  /* a rebuild that failed: the log alone no longer holds what the index
   * lacks */
  if (self->rebuild)
    {
      if (!rebuild_from_store (self, FALSE, &error))
        {
          g_debug ("The search index %s is still not built again: %s",
                   self->index_path, error->message);
          g_clear_error (&error);
          return FALSE;
        }
    }
  else if ((store = _store_connection_open (
                self->store_path, STORE_OPEN_READ_ONLY, &error)) == NULL ||
           !replay (self, store, &error))
    {
      g_debug ("The search index %s is still not up to date: %s",
               self->index_path, error->message);
      g_clear_error (&error);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  g_clear_error (&self->failure);
  g_mutex_unlock (&self->lock);
  g_message ("The search index %s is up to date again", self->index_path);
  return TRUE;
}

/* Sets the damaged index file aside and builds a new one; a success
 * clears any earlier failure. */
static gboolean
rebuild_damaged (StoreIndexer *self, GError **error)
{
  if (!rebuild_from_store (self, TRUE, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  g_clear_error (&self->failure);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* Says what failed, and leaves the log to a later retry. */
static void
record_failure (StoreIndexer *self, const char *what, GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The search index %s %s: %s", self->index_path, what,
               error->message);
  self->failed_time = g_get_monotonic_time ();
  fail (self, error);
}

/* A damaged index file holds nothing the store does not: it is built
 * again at once. Any other failure is recorded, and retried from the log
 * (retry_from_log()). */
static void
index_failed (StoreIndexer *self, const char *what, GError *error)
{
  if (g_error_matches (error, STORE_ERROR, STORE_ERROR_CORRUPT) &&
      index_file_damaged (self))
    {
      g_message ("The search index %s is damaged (%s); it is built again "
                 "from the mail store",
                 self->index_path, error->message);
      g_clear_error (&error);
      if (rebuild_damaged (self, &error))
        return;
    }
  record_failure (self, what, error);
}

/* Commits what is applied, and tells waiters that the batches taken
 * since the last commit are done with (in the index, or failed). */
static void
settle (StoreIndexer *self)
{
  GError *error = NULL;

  if (!commit_transaction (self, &error))
    index_failed (self, "was not updated", error);

  g_mutex_lock (&self->lock);
  g_assert (self->in_flight >= self->unsettled);
  self->in_flight -= self->unsettled;
  self->unsettled = 0;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Checks the index file after a search met a damaged page, and builds it
 * again if the damage is there; else it is the store's, which is left as
 * it is. The checks read the whole file, seconds at 100,000 messages:
 * once for all the searches queued meanwhile, and not again while the
 * file stays as it was checked (checked_clean, until the next commit). */
static void
check_damage (StoreIndexer *self)
{
  gboolean damaged;
  GError  *error = NULL;

  g_mutex_lock (&self->lock);
  self->check_queued = FALSE;
  g_mutex_unlock (&self->lock);
  if (self->conn == NULL)
    return;

  settle (self);
  damaged = index_file_damaged (self);
  g_mutex_lock (&self->lock);
  self->checked_clean = !damaged;
  g_mutex_unlock (&self->lock);
  if (!damaged)
    {
      g_debug ("The search index %s was checked: no damage", self->index_path);
      return;
    }
  g_message ("The search index %s is damaged; it is built again from the "
             "mail store",
             self->index_path);
  if (!rebuild_damaged (self, &error))
    record_failure (self, "could not be built again", error);
}

/* Takes the next item; when none is waiting, first commits. */
static IndexItem *
next_item (StoreIndexer *self)
{
  IndexItem *item = NULL;

  if (self->in_transaction || self->unsettled > 0)
    item = g_async_queue_try_pop (self->queue);
  if (item == NULL)
    {
      settle (self);
      item = g_async_queue_pop (self->queue);
    }
  return item;
}

/* A paused indexer commits what it applied, then waits. Returns whether
 * the batch in hand is to be dropped: abandoned, or after a failure (what
 * follows stays in the log and is applied, in order, at the next open). */
static gboolean
wait_while_paused (StoreIndexer *self)
{
  gboolean paused;
  gboolean abandoned;
  gboolean skip;

  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);
  if (paused)
    settle (self);

  g_mutex_lock (&self->lock);
  while (self->paused && !self->abandoned)
    g_cond_wait (&self->cond, &self->lock);
  abandoned = self->abandoned;
  skip = abandoned || self->failure != NULL;
  g_mutex_unlock (&self->lock);
  if (skip && !abandoned && retry_from_log (self))
    skip = FALSE;
  return skip;
}

static gpointer
indexer_thread (gpointer data)
{
  StoreIndexer               *self = data;
  g_autoptr (StoreConnection) store = NULL;
  GError                     *error = NULL;
  gboolean                    opened;

  opened = open_index (self, &store, &error);
  if (!opened)
    g_prefix_error (&error, "%s: ", self->index_path);
  else
    {
      start_checkpointer (self);
    }
  complete_in_task_context (g_steal_pointer (&self->open_task),
                            opened ? NULL : g_error_copy (error));
  if (!opened)
    {
      /* Nothing will be applied: the store's open fails with @error. */
      fail (self, error);
      error = NULL;
    }
  else
    {
      gboolean ok = !self->rebuild || rebuild (self, store, &error);

      /* From here the writer queues its batches again; the replay reads
       * back those it left to the log meanwhile. */
      g_mutex_lock (&self->lock);
      self->rebuilding = FALSE;
      g_mutex_unlock (&self->lock);
      if (ok)
        ok = replay (self, store, &error);
      if (!ok)
        {
          index_failed (self, "was not brought up to date", error);
          error = NULL;
        }
    }
  g_clear_pointer (&store, _store_connection_free);
  self->unsettled = 1; /* the replay */
  settle (self);

  for (;;)
    {
      IndexItem *item = next_item (self);
      gboolean   skip;
      gsize      text_bytes;

      if (item->kind == ITEM_CHECK)
        {
          index_item_free (item);
          check_damage (self);
          self->unsettled++; /* the check */
          settle (self);
          continue;
        }

      if (item->kind == ITEM_QUIT)
        {
          index_item_free (item);
          settle (self);
          break;
        }

      skip = wait_while_paused (self);
      self->unsettled++;
      if (!skip && !apply_entries (self, item->entries, &error))
        {
          index_failed (self, "was not updated", error);
          error = NULL;
        }
      text_bytes = item->text_bytes;
      index_item_free (item);

      g_mutex_lock (&self->lock);
      self->queued--;
      self->queued_bytes -= text_bytes;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);

      if (self->transaction_entries >= MAX_TRANSACTION_ENTRIES)
        settle (self);
    }

  /* The checkpointer's connection closes last: it copies what is left
   * and deletes the WAL. */
  g_clear_pointer (&self->conn, _store_connection_free);
  g_clear_pointer (&self->checkpointer, _store_checkpointer_free);
  return NULL;
}

void
_store_indexer_start (StoreIndexer *self, GTask *task)
{
  g_assert (self->thread == NULL);

  self->open_task = task;
  self->in_flight = 1; /* the replay: waiting waits for it too */
  /* Names of up to 15 bytes: Linux refuses longer ones, and top and perf
   * then show only the process's name. */
  self->thread = g_thread_new ("store-indexer", indexer_thread, self);
}
