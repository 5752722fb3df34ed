/* store-database.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store-checkpointer.h"
#include "store-database-private.h"
#include "store-error.h"
#include "store-index-private.h"
#include "store-library-private.h"
#include "store-sql-resources.h"
#include "util-paths.h"

#define STORE_SQL_PATH "/io/github/pigeon_mail/Pigeon/store/sql"
#define STORE_FILE_NAME "pigeon.db"
#define INDEX_SUFFIX "-index.db"

typedef enum
{
  JOB_RESULT_NONE,
  JOB_RESULT_POINTER,
  JOB_RESULT_INT,
  JOB_RESULT_ERROR,
} JobResultKind;

struct _StoreJob
{
  StoreJobFunc   func; /* NULL: the worker quits */
  GTask         *task;
  JobResultKind  kind;
  gpointer       pointer;
  GDestroyNotify destroy;
  gint64         value;
  GError        *error;
};

typedef StoreConnection *(*StoreWorkerOpenFunc) (StoreDatabase *self,
                                                 GError       **error);

/* A thread that owns one connection and runs jobs from its queue in
 * order (STYLE.md H6: a connection never changes thread). */
typedef struct
{
  GThread            *thread;
  GAsyncQueue        *queue;
  StoreDatabase      *database; /* borrowed: the database outlives it */
  StoreWorkerOpenFunc open_func;
} StoreWorker;

struct _StoreDatabase
{
  GObject parent_instance;

  /* owned */
  char         *path;
  StoreWorker  *writer;
  StoreWorker  *reader;
  StoreIndexer *indexer;
  /* a read or write of the store's file met a damaged page: atomic */
  gint               damaged;
  StoreCheckpointer *checkpointer;
  StoreConnection   *caller_reader;
  int                lock_fd;
  guint              schema_version;
};

G_DEFINE_FINAL_TYPE (StoreDatabase, store_database, G_TYPE_OBJECT)

gpointer
_store_job_get_data (StoreJob *job)
{
  return g_task_get_task_data (job->task);
}

GCancellable *
_store_job_get_cancellable (StoreJob *job)
{
  return g_task_get_cancellable (job->task);
}

void
_store_job_return_pointer (StoreJob      *job,
                           gpointer       result,
                           GDestroyNotify destroy)
{
  g_assert (job->kind == JOB_RESULT_NONE);
  job->kind = JOB_RESULT_POINTER;
  job->pointer = result;
  job->destroy = destroy;
}

void
_store_job_return_int (StoreJob *job, gint64 result)
{
  g_assert (job->kind == JOB_RESULT_NONE);
  job->kind = JOB_RESULT_INT;
  job->value = result;
}

void
_store_job_return_error (StoreJob *job, GError *error)
{
  g_assert (job->kind == JOB_RESULT_NONE);
  job->kind = JOB_RESULT_ERROR;
  job->error = error;
}

static gboolean
complete_job_cb (gpointer data)
{
  StoreJob *job = data;

  switch (job->kind)
    {
    case JOB_RESULT_POINTER:
      g_task_return_pointer (job->task, job->pointer, job->destroy);
      break;
    case JOB_RESULT_INT:
      g_task_return_int (job->task, (gssize) job->value);
      break;
    case JOB_RESULT_ERROR:
      g_task_return_error (job->task, job->error);
      break;
    case JOB_RESULT_NONE:
    default:
      g_assert_not_reached ();
    }

  g_object_unref (job->task);
  g_free (job);
  return G_SOURCE_REMOVE;
}

/* The result goes to the task, and the worker's reference with it, on
 * the thread that made the task. Were the task returned or released
 * here, the last reference to the database could be dropped on its own
 * worker thread (which then would have to join itself), or after the
 * caller saw the result (so a store the caller closed would stay open a
 * moment longer, lock and all). */
static void
complete_job_in_task_context (StoreJob *job)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, complete_job_cb, job, NULL);
  g_source_attach (source, g_task_get_context (job->task));
  g_source_unref (source);
}

static gpointer
store_worker_thread (gpointer data)
{
  StoreWorker                *worker = data;
  g_autoptr (StoreConnection) conn = NULL;

  for (;;)
    {
      StoreJob     *job = g_async_queue_pop (worker->queue);
      GCancellable *cancellable;
      GError       *error = NULL;

      if (job->func == NULL)
        {
          g_free (job);
          break;
        }

      if (conn == NULL)
        conn = worker->open_func (worker->database, &error);

      cancellable = g_task_get_cancellable (job->task);
      if (conn == NULL)
        _store_job_return_error (job, error);
      else if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        _store_job_return_error (job, error);
      else
        job->func (conn, job);

      complete_job_in_task_context (job);
    }

  return NULL;
}

static StoreWorker *
store_worker_new (StoreDatabase      *database,
                  const char         *name,
                  StoreWorkerOpenFunc open_func)
{
  StoreWorker *worker = g_new0 (StoreWorker, 1);

  worker->queue = g_async_queue_new ();
  worker->database = database;
  worker->open_func = open_func;
  worker->thread = g_thread_new (name, store_worker_thread, worker);

  return worker;
}

/* Lets the jobs already queued finish, then stops the thread: a write
 * that was accepted is never dropped. */
static void
store_worker_free (StoreWorker *worker)
{
  g_async_queue_push (worker->queue, g_new0 (StoreJob, 1));
  g_thread_join (worker->thread);
  g_async_queue_unref (worker->queue);
  g_free (worker);
}

static void
store_worker_push (StoreWorker *worker, GTask *task, StoreJobFunc func)
{
  StoreJob *job = g_new0 (StoreJob, 1);

  job->func = func;
  job->task = task;
  g_async_queue_push (worker->queue, job);
}

/* The migrations are registered on first use: the generated constructor
 * is left out (meson.build says why). */
static GResource *
sql_resource (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      _store_sql_register_resource ();
      g_once_init_leave (&registered, 1);
    }

  return _store_sql_get_resource ();
}

/* qsort() passes pointers to the elements: char **, not char *. */
static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Migration file names, sorted: sql/001-initial.sql, ... */
static GStrv
list_migrations (void)
{
  g_auto (GStrv) names =
      g_resource_enumerate_children (sql_resource (), STORE_SQL_PATH, 0, NULL);

  g_assert (names != NULL);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return g_steal_pointer (&names);
}

/**
 * store_database_get_latest_schema_version:
 *
 * Returns: the schema version this binary migrates a store up to.
 */
guint
store_database_get_latest_schema_version (void)
{
  g_auto (GStrv) names = list_migrations ();

  return g_strv_length (names);
}

static guint
read_user_version (StoreConnection *conn, GError **error)
{
  sqlite3_stmt *stmt =
      _store_connection_prepare (conn, "PRAGMA user_version", error);
  int   rc;
  guint version;

  if (stmt == NULL)
    return G_MAXUINT;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _store_connection_set_error (conn, rc, error);
      sqlite3_reset (stmt);
      return G_MAXUINT;
    }

  version = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

/* One write transaction per step (STYLE.md H8; IMMEDIATE is EXCLUSIVE in
 * WAL mode): a crash between
 * steps leaves a store at an earlier version, never between two. */
static gboolean
migrate (StoreConnection *conn, guint from_version, GError **error)
{
  g_auto (GStrv) names = list_migrations ();
  guint latest = g_strv_length (names);

  for (guint version = from_version + 1; version <= latest; version++)
    {
      g_autofree char *path =
          g_strdup_printf ("%s/%s", STORE_SQL_PATH, names[version - 1]);
      g_autoptr (GBytes) script =
          g_resource_lookup_data (sql_resource (), path, 0, NULL);
      g_autofree char *sql = NULL;
      g_autofree char *set_version = NULL;

      g_assert (script != NULL);
      g_assert (g_ascii_strtoull (names[version - 1], NULL, 10) == version);

      sql = g_strndup (g_bytes_get_data (script, NULL),
                       g_bytes_get_size (script));
      set_version = g_strdup_printf ("PRAGMA user_version = %u", version);

      if (!_store_connection_begin (conn, TRUE, error))
        return FALSE;

      if (!_store_connection_exec (conn, sql, error) ||
          !_store_connection_exec (conn, set_version, error) ||
          !_store_connection_commit (conn, error))
        {
          _store_connection_rollback (conn);
          g_prefix_error (error,
                          "Cannot upgrade the mail store to version "
                          "%u: ",
                          version);
          return FALSE;
        }
    }

  return TRUE;
}

/* A second writer in another process would not corrupt the store (SQLite
 * locks), but two fetches of one account would race on the server: one
 * process writes. The lock goes when the process does, however it ends. */
static gboolean
take_writer_lock (StoreDatabase *self, GError **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);
  g_autofree char *pid = NULL;
  int              fd;

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "Cannot open the lock file %s: %s", lock_path,
                   g_strerror (saved_errno));
      return FALSE;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      char    holder[32] = { 0 };
      ssize_t n = pread (fd, holder, sizeof holder - 1, 0);

      if (n > 0)
        g_strchomp (holder);
      g_set_error (error, STORE_ERROR, STORE_ERROR_LOCKED,
                   "The mail store %s is open in another Pigeon "
                   "(process %s)",
                   self->path, n > 0 ? holder : "unknown");
      close (fd);
      return FALSE;
    }

  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (fd, 0) != 0 ||
      pwrite (fd, pid, strlen (pid), 0) != (ssize_t) strlen (pid))
    g_debug ("Cannot record the process id in %s", lock_path);

  self->lock_fd = fd;
  return TRUE;
}

/* Runs on the writer thread. Reads the version before anything is
 * written, so that a newer or damaged store is left byte for byte as
 * it was. */
static StoreConnection *
open_writer (StoreDatabase *self, GError **error)
{
  g_autoptr (StoreConnection) conn = NULL;
  guint latest = store_database_get_latest_schema_version ();
  guint version;

  if (self->lock_fd < 0 && !take_writer_lock (self, error))
    return NULL;

  conn = _store_connection_open (self->path, STORE_OPEN_CREATE, error);
  if (conn == NULL)
    return NULL;

  version = read_user_version (conn, error);
  if (version == G_MAXUINT)
    return NULL;

  if (version > latest)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NEWER_SCHEMA,
                   "The mail store %s was written by a newer Pigeon "
                   "(schema %u; this one knows up to %u); it was left "
                   "as it is",
                   self->path, version, latest);
      return NULL;
    }

  /* 16 KiB pages: a raw message is a chain of overflow pages, and at 4 KiB
   * the page overhead made storing the bytes cost as much as indexing
   * them (bench/store: ingest 1,960 -> 2,550 messages/s, same size on
   * disk, same search times). Takes effect only when the file is new. */
  if (!_store_connection_exec (conn,
                               "PRAGMA page_size = 16384;"
                               "PRAGMA journal_mode = WAL;"
                               "PRAGMA synchronous = NORMAL;"
                               /* 32 MB: at 100,000 messages a 2 MB cache
                                * made ingest 16% slower (bench/store) */
                               "PRAGMA cache_size = -32768",
                               error))
    return NULL;

  if (!migrate (conn, version, error))
    return NULL;

  _store_indexer_attach_writer (self->indexer, conn);
  _store_checkpointer_attach (self->checkpointer, conn);
  _store_connection_share_damage (conn, &self->damaged);
  self->schema_version = latest;
  return g_steal_pointer (&conn);
}

/* Searches read the index file through the reader thread's connection:
 * it is attached as "idx" (store-search.c). A reader that has attached a
 * file since set aside as damaged (store-index.c) attaches the new one. */
gboolean
_store_database_attach_index (StoreDatabase   *self,
                              StoreConnection *conn,
                              GError         **error)
{
  guint         index_file = _store_indexer_get_index_file (self->indexer);
  sqlite3_stmt *stmt;
  int           rc;

  if (_store_connection_get_index_file (conn) == index_file)
    return TRUE;
  if (_store_connection_get_index_file (conn) != 0 &&
      !_store_connection_exec (conn, "DETACH DATABASE idx", error))
    return FALSE;
  _store_connection_set_index_file (conn, 0);

  stmt =
      _store_connection_prepare_once (conn, "ATTACH DATABASE ? AS idx", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, _store_indexer_get_path (self->indexer), -1,
                     SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _store_connection_set_error (conn, rc, error);
      return FALSE;
    }

  _store_connection_set_index_file (conn, index_file);
  return TRUE;
}

static StoreConnection *
open_reader (StoreDatabase *self, GError **error)
{
  g_autoptr (StoreConnection) conn =
      _store_connection_open (self->path, STORE_OPEN_READ_ONLY, error);

  if (conn == NULL || !_store_database_attach_index (self, conn, error))
    return NULL;

  return g_steal_pointer (&conn);
}

static void
store_database_finalize (GObject *object)
{
  StoreDatabase *self = (StoreDatabase *) object;

  g_clear_pointer (&self->caller_reader, _store_connection_free);
  g_clear_pointer (&self->reader, store_worker_free);
  /* The writer stops first: its last commits hand their entries to the
   * indexer, which applies them before it stops (unless a test paused it
   * to play a killed process). The log rows they leave are trimmed at the
   * next open. */
  if (self->indexer != NULL)
    _store_indexer_abandon_if_paused (self->indexer);
  g_clear_pointer (&self->writer, store_worker_free);
  g_clear_pointer (&self->checkpointer, _store_checkpointer_free);
  g_clear_pointer (&self->indexer, _store_indexer_free);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self->path);

  G_OBJECT_CLASS (store_database_parent_class)->finalize (object);
}

static void
store_database_class_init (StoreDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = store_database_finalize;
}

static void
store_database_init (StoreDatabase *self)
{
  self->lock_fd = -1;
}

void
_store_database_run_write (StoreDatabase *self, GTask *task, StoreJobFunc func)
{
  store_worker_push (self->writer, task, func);
}

void
_store_database_run_read (StoreDatabase *self, GTask *task, StoreJobFunc func)
{
  if (self->reader == NULL)
    self->reader = store_worker_new (self, "store-reader", open_reader);

  store_worker_push (self->reader, task, func);
}

/* Set before store_database_open_finish() hands the store out. */
StoreConnection *
_store_database_get_reader (StoreDatabase *self)
{
  g_assert (self->caller_reader != NULL);
  return self->caller_reader;
}

/**
 * store_database_get_default_path:
 *
 * Returns: (transfer full): where the store lives: pigeon.db in
 *   `PIGEON_DATA_DIR`, else in `$XDG_DATA_HOME/pigeon`
 */
char *
store_database_get_default_path (void)
{
  g_autofree char *dir = util_paths_get_data_dir ();

  return g_build_filename (dir, STORE_FILE_NAME, NULL);
}

/* pigeon.db -> pigeon-index.db, beside it; any other name gets the
 * suffix. */
static char *
make_index_path (const char *path)
{
  if (g_str_has_suffix (path, ".db"))
    {
      g_autofree char *stem = g_strndup (path, strlen (path) - 3);

      return g_strconcat (stem, INDEX_SUFFIX, NULL);
    }
  return g_strconcat (path, INDEX_SUFFIX, NULL);
}

static void
open_writer_job (StoreConnection *conn, StoreJob *job)
{
  _store_job_return_int (job, 1);
}

static void
store_database_open_index_cb (GObject      *source_object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  StoreDatabase    *self = STORE_DATABASE (source_object);
  GError           *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The caller's own read connection, opened on the caller's thread, after
   * the writer has created and migrated the file. */
  self->caller_reader =
      _store_connection_open (self->path, STORE_OPEN_READ_ONLY, &error);
  /* It reads only the store's file, and does not even attach the index
   * file (whose damage is the index's business): only the reader
   * thread's searches read that. */
  if (self->caller_reader != NULL)
    _store_connection_share_damage (self->caller_reader, &self->damaged);
  if (self->caller_reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
store_database_open_cb (GObject      *source_object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  StoreDatabase    *self = STORE_DATABASE (source_object);
  GCancellable     *cancellable;
  GError           *error = NULL;

  if (g_task_propagate_int (G_TASK (result), &error) < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The index file after the store: its log is read from the store as
   * migrated. */
  cancellable = g_task_get_cancellable (task);
  _store_indexer_start (self->indexer, g_task_new (self, cancellable,
                                                   store_database_open_index_cb,
                                                   g_steal_pointer (&task)));
}

/**
 * store_database_open_async:
 * @path: the database file (see store_database_get_default_path()); its
 *   directory is created when missing
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Opens the store for writing, creating or upgrading it. The thread that
 * calls this may afterwards read list pages synchronously.
 */
void
store_database_open_async (const char         *path,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (StoreDatabase) self = NULL;
  g_autoptr (GTask)         task = NULL;
  g_autoptr (GTask)         open_task = NULL;
  g_autofree char          *dir = NULL;
  g_autofree char          *index_path = NULL;

  g_return_if_fail (path != NULL);

  _store_library_init ();

  self = g_object_new (STORE_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);
  index_path = make_index_path (path);
  self->indexer = _store_indexer_new (path, index_path);
  self->checkpointer = _store_checkpointer_new (path, "wal-checkpoint");

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, store_database_open_async);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, STORE_ERROR, STORE_ERROR_FAILED,
                               "Cannot create the folder %s: %s", dir,
                               g_strerror (saved_errno));
      return;
    }

  self->writer = store_worker_new (self, "store-writer", open_writer);
  open_task = g_task_new (self, cancellable, store_database_open_cb,
                          g_steal_pointer (&task));
  _store_database_run_write (self, g_steal_pointer (&open_task),
                             open_writer_job);
}

/**
 * store_database_open_finish:
 *
 * Returns: (transfer full): the store, or %NULL with %STORE_ERROR_LOCKED
 *   (another process writes it), %STORE_ERROR_NEWER_SCHEMA,
 *   %STORE_ERROR_CORRUPT or %STORE_ERROR_FAILED
 */
StoreDatabase *
store_database_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
store_database_get_path (StoreDatabase *self)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  return self->path;
}

guint
store_database_get_schema_version (StoreDatabase *self)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), 0);

  return self->schema_version;
}

static void
set_max_page_count_job (StoreConnection *conn, StoreJob *job)
{
  g_autofree char *sql =
      g_strdup_printf ("PRAGMA max_page_count = %u",
                       GPOINTER_TO_UINT (_store_job_get_data (job)));
  GError *error = NULL;

  if (_store_connection_exec (conn, sql, &error))
    _store_job_return_int (job, 0);
  else
    _store_job_return_error (job, error);
}

void
_store_database_set_max_page_count (StoreDatabase      *self,
                                    guint               pages,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_task_data (task, GUINT_TO_POINTER (pages), NULL);
  _store_database_run_write (self, task, set_max_page_count_job);
}

gboolean
_store_database_set_max_page_count_finish (StoreDatabase *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

/**
 * store_database_get_index_path:
 *
 * Returns: (transfer none): the search index's file, beside the store's
 *   (pigeon-index.db beside pigeon.db); it belongs to the store and goes
 *   with it
 */
const char *
store_database_get_index_path (StoreDatabase *self)
{
  g_return_val_if_fail (STORE_IS_DATABASE (self), NULL);

  return _store_indexer_get_path (self->indexer);
}

/* On the writer: every change queued before this one has been committed
 * and handed to the indexer, so waiting for the indexer here waits for
 * all of them. The empty transaction after it trims the log rows the
 * indexer applied (the writer's begin hook does). */
static void
flush_index_job (StoreConnection *conn, StoreJob *job)
{
  StoreDatabase *self = g_task_get_source_object (job->task);
  GError        *error = NULL;

  if (!_store_indexer_wait (self->indexer, &error) ||
      !_store_connection_begin (conn, FALSE, &error) ||
      !_store_connection_commit (conn, &error))
    {
      _store_job_return_error (job, error);
      return;
    }

  _store_job_return_int (job, 0);
}

/**
 * store_database_flush_index_async:
 * @self: a #StoreDatabase
 * @cancellable: (nullable): a #GCancellable
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Waits until the search index holds every change made before this call.
 * The index follows the store on a thread of its own, a batch or two
 * behind; searches see a message once it is indexed, and never see a
 * deleted one. Tests, benchmarks and `pigeon-cli search` use this; the
 * window searches as the user types, and need not.
 */
void
store_database_flush_index_async (StoreDatabase      *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (STORE_IS_DATABASE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, store_database_flush_index_async);
  _store_database_run_write (self, task, flush_index_job);
}

/**
 * store_database_flush_index_finish:
 *
 * Returns: %TRUE, or %FALSE with the error that stopped the indexer (a
 *   #StoreError: %STORE_ERROR_FULL, %STORE_ERROR_CORRUPT or
 *   %STORE_ERROR_FAILED); what it did not apply stays logged in the store
 *   and is applied at the next open
 */
gboolean
store_database_flush_index_finish (StoreDatabase *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

void
_store_database_set_index_paused (StoreDatabase *self, gboolean paused)
{
  _store_indexer_set_paused (self->indexer, paused);
}

void
_store_database_check_index_damage (StoreDatabase *self)
{
  _store_indexer_check_damage (self->indexer);
}

void
_store_database_set_index_retry_seconds (StoreDatabase *self, guint seconds)
{
  _store_indexer_set_retry_seconds (self->indexer, seconds);
}

void
_store_database_set_checkpoint_pages (StoreDatabase *self,
                                      guint          wanted,
                                      guint          most)
{
  _store_checkpointer_set_pages (self->checkpointer, wanted, most);
}

void
_store_database_set_checkpoint_paused (StoreDatabase *self, gboolean paused)
{
  _store_checkpointer_set_paused (self->checkpointer, paused);
}
