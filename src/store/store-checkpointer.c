/* store-checkpointer.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-checkpointer.h"

#include <string.h>

/* A commit appends the pages it changed to the WAL file; a checkpoint
 * copies them into the database file and syncs it, and only then can the
 * WAL start again from its beginning. SQLite runs it by default in the
 * commit that takes the WAL past 1,000 pages, on the committing thread:
 * in the writer, every 16 MB stored (about 800 messages) it read the
 * pages back, wrote them again and waited for the disk, while the parsers
 * and the indexer waited for the writer. At 100,000 messages the writer
 * was the slowest part of an import (bench/store) and a third of its time
 * went to checkpoints: without them it stored 3,550 messages/s instead of
 * 2,750. Here a thread of their own runs them beside the writer.
 *
 * The checkpoints are PASSIVE: they take no lock the writer or a reader
 * waits for, and copy what was committed when they began. The WAL starts
 * again from its beginning only when a checkpoint has copied all of it
 * before the writer's next transaction, which a writer storing batch
 * after batch seldom leaves time for: the WAL grows, and a commit that
 * takes it past MOST_PAGES checkpoints in the writer, as SQLite would
 * have, to copy the little the thread has not and let the WAL start
 * again. So a long import keeps up to 256 MB of WAL beside the file,
 * which it keeps while the file is open (WAL_KEPT_BYTES) and deletes at
 * the close. A bound of 64 MB made the writer wait for that last
 * checkpoint four times as often: 100,000 messages stored at 1,900
 * messages/s instead of 3,100 (bench/store). Durability is the commits'
 * business (synchronous=FULL on a durable commit syncs the WAL); a
 * checkpoint only moves committed pages, so one that fails loses nothing
 * and the next one copies them. */

/* The WAL size at which a checkpoint is asked for: SQLite's own. */
#define WANTED_PAGES 1000

/* ... and the size at which the writer runs one itself: 256 MB with the
 * store's 16 KiB pages. */
#define MOST_PAGES 16000

/* The WAL keeps this size when it starts again from its beginning (a
 * little more than MOST_PAGES of the files' 16 KiB pages): pages the
 * kernel already holds are rewritten for a tenth of what new ones cost.
 * Cut back to 64 MB at every start, the store's writer and checkpoints
 * spent 3 s more in the kernel per 100,000 messages (bench/store, 3,300
 * -> 3,470 messages/s). */
#define WAL_KEPT_BYTES ((gint64) (MOST_PAGES + WANTED_PAGES) * 16384)

struct _StoreCheckpointer
{
  /* owned, constant */
  char    *path;
  GThread *thread;

  /* read by the writer's hook, set by tests before they write */
  gint wanted_pages;
  gint most_pages;

  /* guarded by lock */
  GMutex   lock;
  GCond    cond;
  gboolean wanted;
  gboolean paused;
  gboolean quit;

  /* checkpointer thread only */
  StoreConnection *conn;
};

/* Opens the connection at the first checkpoint, when the writer has long
 * created the file and turned WAL on. A failure is left to the next
 * request: the pages stay in the WAL, committed. */
static void
checkpoint (StoreCheckpointer *self)
{
  GError *error = NULL;
  int     rc;

  if (self->conn == NULL)
    {
      /* Never created here: a store moved aside while open would leave
       * an empty file in its place, and SQLite deletes a WAL beside an
       * empty database, the writer's commits with it. A connection
       * learns that the file is in WAL mode, and opens the WAL, at its
       * first read: until then a checkpoint does nothing. */
      self->conn =
          _store_connection_open (self->path, STORE_OPEN_READ_WRITE, &error);
      if (self->conn == NULL ||
          !_store_connection_exec (
              self->conn, "SELECT count(*) FROM sqlite_master", &error))
        {
          g_debug ("No checkpoint of %s: %s", self->path, error->message);
          g_clear_pointer (&self->conn, _store_connection_free);
          g_clear_error (&error);
          return;
        }
    }

  rc = sqlite3_wal_checkpoint_v2 (_store_connection_get_db (self->conn), "main",
                                  SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  /* BUSY: the writer runs one itself just now. */
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    g_debug ("The checkpoint of %s failed: %s", self->path,
             sqlite3_errmsg (_store_connection_get_db (self->conn)));
}

static gpointer
checkpointer_thread (gpointer data)
{
  StoreCheckpointer *self = data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      while (!self->quit && (!self->wanted || self->paused))
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        break;
      self->wanted = FALSE;
      g_mutex_unlock (&self->lock);
      checkpoint (self);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&self->conn, _store_connection_free);
  return NULL;
}

StoreCheckpointer *
_store_checkpointer_new (const char *path, const char *thread_name)
{
  StoreCheckpointer *self = g_new0 (StoreCheckpointer, 1);

  self->path = g_strdup (path);
  self->wanted_pages = WANTED_PAGES;
  self->most_pages = MOST_PAGES;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  /* 15 bytes at most: Linux refuses longer thread names. */
  g_assert (strlen (thread_name) <= 15);
  self->thread = g_thread_new (thread_name, checkpointer_thread, self);
  return self;
}

void
_store_checkpointer_free (StoreCheckpointer *self)
{
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->path);
  g_free (self);
}

/* After each commit of the writer, with the WAL's size in pages. */
static int
wal_hook_cb (gpointer data, sqlite3 *db, const char *schema, int pages)
{
  StoreCheckpointer *self = data;

  if (pages >= g_atomic_int_get (&self->most_pages))
    {
      sqlite3_wal_checkpoint_v2 (db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                 NULL);
      return SQLITE_OK;
    }

  if (pages >= g_atomic_int_get (&self->wanted_pages))
    {
      g_mutex_lock (&self->lock);
      self->wanted = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  return SQLITE_OK;
}

void
_store_checkpointer_attach (StoreCheckpointer *self, StoreConnection *writer)
{
  g_autofree char *limit = g_strdup_printf (
      "PRAGMA journal_size_limit = %" G_GINT64_FORMAT, WAL_KEPT_BYTES);

  /* Replaces SQLite's automatic checkpoint, itself a WAL hook. */
  sqlite3_wal_hook (_store_connection_get_db (writer), wal_hook_cb, self);
  /* A failure leaves SQLite's default: a WAL that is never cut back. */
  _store_connection_exec (writer, limit, NULL);
}

void
_store_checkpointer_set_pages (StoreCheckpointer *self,
                               guint              wanted,
                               guint              most)
{
  g_atomic_int_set (&self->wanted_pages, (gint) wanted);
  g_atomic_int_set (&self->most_pages, (gint) most);
}

void
_store_checkpointer_set_paused (StoreCheckpointer *self, gboolean paused)
{
  g_mutex_lock (&self->lock);
  self->paused = paused;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}
