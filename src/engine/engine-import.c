/* engine-import.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-import.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "engine-mail-source.h"
#include "engine-maildir.h"
#include "engine-mbox.h"
#include "engine-message.h"
#include "store-folders.h"
#include "store-messages.h"

/* A batch is one store transaction: big enough that commits are not the
 * cost, small enough that memory stays bounded by it, not by the file. */
#define BATCH_MESSAGES 500
#define BATCH_BYTES (32 * 1024 * 1024)

/* Files asked of the disk ahead of the one read (prefetch_files() says
 * why). */
#define PREFETCH_FILES 64

/* The import is a pipeline of two stages that overlap: a pool thread
 * reads and parses batch N+1 while the store's writer thread stores batch
 * N. Only one parse runs at a time, so the source (an mbox reader, a file
 * list) is used by one thread at a time. */
typedef struct
{
  StoreDatabase     *db;
  gint64             folder_id;
  char              *path;
  EngineProgressFunc progress;
  gpointer           progress_data;

  /* the source, opened by the first parse */
  gboolean             opened;
  EngineMailSourceKind kind;
  EngineMboxReader    *mbox;
  GPtrArray           *files; /* of EngineMaildirEntry */
  guint                next_file;
  guint                prefetched; /* files before this one were asked for */
  /* the open files asked for: file i's at i % PREFETCH_FILES */
  int      prefetch_fds[PREFETCH_FILES];
  gboolean source_done;

  GPtrArray *ready; /* parsed, waiting for the store */
  /* Maildir mail marked trashed ('T'): to the local Trash, not back to
   * where the user deleted it from */
  gint64     trash_id;
  GPtrArray *parsed_trashed; /* by the parse in hand */
  GPtrArray *ready_trashed;
  gboolean   parsing;
  guint      storing; /* messages in the batch being stored, or 0 */
  GError    *error;
  guint64    imported;
  guint64    skipped;  /* already in the folder */
  guint64    vanished; /* deleted from the source as it was read */
} ImportData;

static void
import_data_free (ImportData *data)
{
  /* The files asked for and not read (an error, a cancel). */
  for (guint i = data->next_file; i < data->prefetched; i++)
    if (data->prefetch_fds[i % PREFETCH_FILES] >= 0)
      close (data->prefetch_fds[i % PREFETCH_FILES]);
  g_clear_object (&data->db);
  g_free (data->path);
  g_clear_pointer (&data->mbox, engine_mbox_reader_free);
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_clear_pointer (&data->ready, g_ptr_array_unref);
  g_clear_pointer (&data->parsed_trashed, g_ptr_array_unref);
  g_clear_pointer (&data->ready_trashed, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static gboolean
open_source (ImportData *data, GCancellable *cancellable, GError **error)
{
  if (!engine_mail_source_detect (data->path, &data->kind, error))
    return FALSE;

  switch (data->kind)
    {
    case ENGINE_MAIL_SOURCE_MBOX:
      {
        g_autoptr (GFile)            file = g_file_new_for_path (data->path);
        g_autoptr (GFileInputStream) stream =
            g_file_read (file, cancellable, error);

        if (stream == NULL)
          return FALSE;
        data->mbox = engine_mbox_reader_new (G_INPUT_STREAM (stream));
        return TRUE;
      }

    case ENGINE_MAIL_SOURCE_MAILDIR:
      data->files = engine_maildir_list (data->path, cancellable, error);
      return data->files != NULL;

    case ENGINE_MAIL_SOURCE_EML_DIR:
      data->files = engine_mail_source_list_eml (data->path, error);
      return data->files != NULL;

    case ENGINE_MAIL_SOURCE_EML:
    default:
      {
        EngineMaildirEntry *entry = g_new0 (EngineMaildirEntry, 1);

        entry->path = g_strdup (data->path);
        entry->flags = ENGINE_MAILDIR_FLAG_SEEN;
        data->files = g_ptr_array_new_with_free_func (
            (GDestroyNotify) engine_maildir_entry_free);
        g_ptr_array_add (data->files, entry);
        return TRUE;
      }
    }
}

/* A Maildir being imported is seldom in the page cache (a backup, an old
 * mail client's folders, or pages the kernel has reclaimed since), and
 * each file read alone waited for the disk while the parsers and the
 * store waited for it. The kernel is asked to read the next files ahead,
 * so the disk works while the messages before them are parsed: 100,000
 * messages from a cold Maildir imported at 2,970 messages/s against 2,410
 * without (store-bench, ext4). The files stay open for their read, which
 * saves opening each twice. A file that cannot be opened here is left to
 * the read, which reports it. */
static void
prefetch_files (ImportData *data)
{
  guint until = MIN (data->next_file + PREFETCH_FILES, data->files->len);

  for (data->prefetched = MAX (data->prefetched, data->next_file);
       data->prefetched < until; data->prefetched++)
    {
      EngineMaildirEntry *entry = data->files->pdata[data->prefetched];
      int                 fd = open (entry->path, O_RDONLY | O_CLOEXEC);

      if (fd >= 0)
        posix_fadvise (fd, 0, 0, POSIX_FADV_WILLNEED);
      data->prefetch_fds[data->prefetched % PREFETCH_FILES] = fd;
    }
}

static StoreNewMessage *
read_next_file (ImportData   *data,
                gboolean     *out_trashed,
                GCancellable *cancellable,
                GError      **error)
{
  EngineMaildirEntry *entry;
  g_autoptr (GBytes)  raw = NULL;
  StoreNewMessage    *message;
  gint64              mtime = 0;
  int                 fd;

  g_autoptr (EngineMaildirEntry) moved = NULL;

  for (;;)
    {
      GError *read_error = NULL;

      if (data->next_file >= data->files->len)
        return NULL;

      prefetch_files (data);
      fd = data->prefetch_fds[data->next_file % PREFETCH_FILES];
      entry = data->files->pdata[data->next_file++];
      /* Read, not mapped: unmapping costs a TLB shootdown on every core,
       * per message. */
      raw = engine_mail_source_read_file (fd, entry->path, &mtime, &read_error);
      if (raw != NULL)
        break;
      if (data->kind != ENGINE_MAIL_SOURCE_MAILDIR ||
          !g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, read_error);
          return NULL;
        }

      /* Another program (a mail client, a sync tool) works in the
       * Maildir: it renamed the file to change its flags, or moved it
       * from new/ to cur/, or deleted it. */
      g_clear_error (&read_error);
      moved = engine_maildir_find_moved (data->path, entry->path);
      if (moved != NULL)
        {
          entry = moved;
          raw = engine_mail_source_read_file (-1, entry->path, &mtime, error);
          if (raw == NULL)
            return NULL;
          break;
        }
      g_debug ("%s went away while it was imported: deleted", entry->path);
      data->vanished++;
    }

  message = engine_message_new (
      raw, mtime > 0 ? mtime : g_get_real_time () / G_USEC_PER_SEC);

  if (data->kind == ENGINE_MAIL_SOURCE_MAILDIR)
    {
      message->is_read = (entry->flags & ENGINE_MAILDIR_FLAG_SEEN) != 0;
      message->is_flagged = (entry->flags & ENGINE_MAILDIR_FLAG_FLAGGED) != 0;
      *out_trashed = (entry->flags & ENGINE_MAILDIR_FLAG_TRASHED) != 0;
    }
  else
    /* A saved .eml is mail the user has seen. */
    message->is_read = TRUE;

  return message;
}

/* The next message of the source, NULL at its end or on @error;
 * @out_trashed: whether the user had deleted it (Maildir 'T'). */
static StoreNewMessage *
read_next (ImportData   *data,
           gboolean     *out_trashed,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr (GBytes) raw = NULL;
  StoreNewMessage   *message;
  gint64             envelope_time = 0;

  *out_trashed = FALSE;
  if (data->mbox == NULL)
    return read_next_file (data, out_trashed, cancellable, error);

  raw =
      engine_mbox_reader_next (data->mbox, &envelope_time, cancellable, error);
  if (raw == NULL)
    return NULL;

  message = engine_message_new (raw, envelope_time > 0
                                         ? envelope_time
                                         : g_get_real_time () / G_USEC_PER_SEC);
  engine_message_read_status_headers (message);
  return message;
}

static void
parse_batch_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ImportData           *data = task_data;
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  gsize   bytes = 0;
  GError *error = NULL;

  data->parsed_trashed =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  if (!data->opened)
    {
      data->opened = TRUE;
      if (!open_source (data, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  while (batch->len + data->parsed_trashed->len < BATCH_MESSAGES &&
         bytes < BATCH_BYTES)
    {
      StoreNewMessage *message;
      gboolean         trashed;

      if (g_task_return_error_if_cancelled (task))
        return;

      message = read_next (data, &trashed, cancellable, &error);
      if (message == NULL)
        {
          if (error != NULL)
            {
              g_task_return_error (task, error);
              return;
            }
          data->source_done = TRUE;
          break;
        }

      bytes += g_bytes_get_size (message->raw);
      if (trashed)
        g_ptr_array_add (data->parsed_trashed, message);
      else
        g_ptr_array_add (batch, message);
    }

  g_task_return_pointer (task, g_steal_pointer (&batch),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void advance (GTask *task);

static void
parse_batch_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ImportData       *data = g_task_get_task_data (task);
  GError           *error = NULL;

  data->parsing = FALSE;
  data->ready_trashed = g_steal_pointer (&data->parsed_trashed);
  data->ready = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->ready == NULL && data->error == NULL)
    data->error = error;
  else if (error != NULL)
    g_error_free (error);

  advance (g_steal_pointer (&task));
}

static void
store_batch_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask)  task = user_data;
  ImportData        *data = g_task_get_task_data (task);
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;

  ids = store_database_insert_finish (data->db, result, &error);
  if (ids == NULL)
    {
      if (data->error == NULL)
        data->error = error;
      else
        g_error_free (error);
    }
  else
    {
      data->imported += ids->len;
      data->skipped += data->storing - ids->len;
      if (data->progress != NULL)
        data->progress (data->imported + data->skipped, data->progress_data);
    }
  data->storing = 0;

  advance (g_steal_pointer (&task));
}

/* Hands the messages in *@ready to the store, for @folder_id. */
static void
store_ready (GTask *task, GPtrArray **ready, gint64 folder_id)
{
  ImportData           *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) batch = g_steal_pointer (ready);

  if (batch->len == 0)
    return;
  data->storing = batch->len;
  store_database_import_async (data->db, folder_id, batch, NULL, store_batch_cb,
                               g_object_ref (task));
}

/* Moves the pipeline on after either stage finished: stores a parsed
 * batch when the store is free, starts the next parse when none runs,
 * and ends the import when both are idle and there is nothing left (or
 * an error stopped it; what was stored stays stored). */
static void
advance (GTask *task)
{
  ImportData   *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->error == NULL && !data->storing && data->ready_trashed != NULL)
    store_ready (task, &data->ready_trashed, data->trash_id);
  if (data->error == NULL && !data->storing && data->ready != NULL)
    store_ready (task, &data->ready, data->folder_id);

  if (data->error == NULL && !data->parsing && data->ready == NULL &&
      data->ready_trashed == NULL && !data->source_done)
    {
      GTask *parse =
          g_task_new (NULL, cancellable, parse_batch_cb, g_object_ref (task));

      data->parsing = TRUE;
      g_task_set_task_data (parse, data, NULL);
      g_task_run_in_thread (parse, parse_batch_thread);
      g_object_unref (parse);
    }

  if (!data->parsing && !data->storing &&
      (data->error != NULL || (data->source_done && data->ready == NULL &&
                               data->ready_trashed == NULL)))
    {
      if (data->error != NULL)
        g_task_return_error (task, g_steal_pointer (&data->error));
      else
        g_task_return_boolean (task, TRUE);
    }

  g_object_unref (task);
}

/* The local Trash, or @folder_id if the store cannot find it. */
static gint64
local_trash_id (StoreDatabase *db, gint64 folder_id)
{
  g_autoptr (StoreFolder) trash =
      store_database_find_folder (db, "Trash", NULL);

  return trash != NULL ? trash->id : folder_id;
}

/**
 * engine_import_async:
 * @db: the store
 * @path: an mbox file (mboxrd or mboxo, as Thunderbird's local folders
 *   are), a Maildir, a directory of .eml files, or one .eml file
 * @folder_id: the folder the messages go to
 * @progress: (nullable): told after each batch how many messages were
 *   dealt with: stored, or left out as already in the folder
 * @progress_data: data for @progress
 * @cancellable: (nullable): stops the import after the batch in hand;
 *   what was stored stays
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Imports mail, byte for byte, with read and flagged states where the
 * source keeps them (Maildir flags, mbox Status headers). Maildir mail
 * the user had deleted (flag 'T', not yet expunged) goes to the local
 * Trash.
 */
void
engine_import_async (StoreDatabase      *db,
                     const char         *path,
                     gint64              folder_id,
                     EngineProgressFunc  progress,
                     gpointer            progress_data,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  GTask      *task;
  ImportData *data;

  g_return_if_fail (STORE_IS_DATABASE (db));
  g_return_if_fail (path != NULL);

  data = g_new0 (ImportData, 1);
  data->db = g_object_ref (db);
  data->path = g_strdup (path);
  data->folder_id = folder_id;
  data->trash_id = local_trash_id (db, folder_id);
  data->progress = progress;
  data->progress_data = progress_data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, engine_import_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  advance (task);
}

/**
 * engine_import_finish:
 * @out_imported: (out) (optional): how many messages were stored, also
 *   when the import failed part-way
 * @out_skipped: (out) (optional): how many were left out because the
 *   folder held them already, byte for byte (store_database_import_async()),
 *   or because another program deleted them from the Maildir meanwhile (a
 *   message it only renamed is found and imported)
 *
 * Returns: %TRUE, or %FALSE with %ENGINE_ERROR_NOT_MAIL (the path is not
 *   mail), a #GIOError (unreadable file, cancelled) or a #StoreError
 */
gboolean
engine_import_finish (GAsyncResult *result,
                      guint64      *out_imported,
                      guint64      *out_skipped,
                      GError      **error)
{
  ImportData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (out_imported != NULL)
    *out_imported = data->imported;
  if (out_skipped != NULL)
    *out_skipped = data->skipped + data->vanished;
  return g_task_propagate_boolean (G_TASK (result), error);
}
