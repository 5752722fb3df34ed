/* engine-export.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-export.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "engine-mbox.h"
#include "store-messages.h"

/* Messages per round: list a page, read its bytes on the store's reader
 * thread, write them on a pool thread. */
#define CHUNK_MESSAGES 200

typedef struct
{
  StoreDatabase     *db;
  StoreView          view;
  EngineExportFormat format;
  char              *path;
  EngineProgressFunc progress;
  gpointer           progress_data;

  GOutputStream   *mbox;    /* ENGINE_EXPORT_MBOX, once created */
  StoreMessageRow *last;    /* of the previous chunk */
  GPtrArray       *rows;    /* this chunk */
  GPtrArray       *raws;    /* this chunk's bytes, NULL if deleted since */
  guint            written; /* ... and how many were written */
  guint64          exported;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->db);
  g_free (data->path);
  g_clear_object (&data->mbox);
  g_clear_pointer (&data->last, store_message_row_free);
  g_clear_pointer (&data->rows, g_ptr_array_unref);
  g_clear_pointer (&data->raws, g_ptr_array_unref);
  g_free (data);
}

/* The destination must not exist (an mbox) or hold no file of the same
 * name (.eml): an export never writes over anything. */
static gboolean
open_destination (ExportData *data, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile)             file = g_file_new_for_path (data->path);
  g_autoptr (GFileOutputStream) stream = NULL;

  if (data->format == ENGINE_EXPORT_EML)
    {
      if (g_mkdir_with_parents (data->path, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot create the folder %s: %s", data->path,
                       g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (stream == NULL)
    {
      g_prefix_error (error, "Cannot create %s: ", data->path);
      return FALSE;
    }

  /* Whole disk blocks at a time, not one write per line. */
  data->mbox = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream),
                                                   1024 * 1024);
  return TRUE;
}

static gboolean
write_eml (ExportData            *data,
           const StoreMessageRow *row,
           GBytes                *raw,
           GCancellable          *cancellable,
           GError               **error)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".eml", row->id);
  g_autofree char *path = g_build_filename (data->path, name, NULL);
  g_autoptr (GFile)             file = g_file_new_for_path (path);
  g_autoptr (GFileOutputStream) stream = NULL;
  gsize                         length = 0;
  gconstpointer                 bytes = g_bytes_get_data (raw, &length);

  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (stream == NULL)
    {
      g_prefix_error (error, "Cannot create %s: ", path);
      return FALSE;
    }

  return g_output_stream_write_all (G_OUTPUT_STREAM (stream), bytes, length,
                                    NULL, cancellable, error) &&
         g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error);
}

static void
write_chunk_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError     *error = NULL;

  data->written = 0;
  for (guint i = 0; i < data->rows->len; i++)
    {
      const StoreMessageRow *row = data->rows->pdata[i];
      GBytes                *raw = data->raws->pdata[i];
      gboolean               ok;

      /* deleted while the export ran */
      if (raw == NULL)
        continue;
      if (data->format == ENGINE_EXPORT_MBOX)
        ok = engine_mbox_write_message (data->mbox, raw, row->from_address,
                                        row->date, cancellable, &error);
      else
        ok = write_eml (data, row, raw, cancellable, &error);

      if (!ok)
        {
          g_task_return_error (task, error);
          return;
        }
      data->written++;
    }

  g_task_return_boolean (task, TRUE);
}

static void next_chunk (GTask *task);

static void
fail (GTask *task, GError *error)
{
  ExportData *data = g_task_get_task_data (task);

  /* A half-written mbox is not an export: it goes. */
  if (data->mbox != NULL)
    {
      g_output_stream_close (data->mbox, NULL, NULL);
      g_unlink (data->path);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
write_chunk_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask      *task = user_data;
  ExportData *data = g_task_get_task_data (task);
  GError     *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (task, error);
      return;
    }

  data->exported += data->written;
  if (data->progress != NULL)
    data->progress (data->exported, data->progress_data);

  g_clear_pointer (&data->last, store_message_row_free);
  data->last = g_ptr_array_steal_index (data->rows, data->rows->len - 1);
  g_clear_pointer (&data->rows, g_ptr_array_unref);
  g_clear_pointer (&data->raws, g_ptr_array_unref);
  next_chunk (task);
}

static void
read_raw_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  GTask      *task = user_data;
  ExportData *data = g_task_get_task_data (task);
  GTask      *write;
  GError     *error = NULL;

  data->raws = store_database_read_raw_finish (data->db, result, &error);
  if (data->raws == NULL)
    {
      fail (task, error);
      return;
    }

  write =
      g_task_new (NULL, g_task_get_cancellable (task), write_chunk_cb, task);
  g_task_set_task_data (write, data, NULL);
  g_task_run_in_thread (write, write_chunk_thread);
  g_object_unref (write);
}

static void
next_chunk (GTask *task)
{
  ExportData        *data = g_task_get_task_data (task);
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      if (data->mbox != NULL)
        {
          g_output_stream_close (data->mbox, NULL, NULL);
          g_unlink (data->path);
        }
      g_object_unref (task);
      return;
    }

  /* Oldest first, as mail programs write mbox files. */
  if (data->last == NULL)
    data->rows =
        store_database_list (data->db, &data->view, 0, CHUNK_MESSAGES, &error);
  else
    data->rows = store_database_list_after (data->db, &data->view, data->last,
                                            CHUNK_MESSAGES, &error);
  if (data->rows == NULL)
    {
      fail (task, error);
      return;
    }

  if (data->rows->len == 0)
    {
      if (data->mbox != NULL &&
          !g_output_stream_close (data->mbox, NULL, &error))
        {
          fail (task, error);
          return;
        }
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), data->rows->len);
  for (guint i = 0; i < data->rows->len; i++)
    g_array_append_val (ids, ((StoreMessageRow *) data->rows->pdata[i])->id);

  store_database_read_raw_async (data->db, ids, g_task_get_cancellable (task),
                                 read_raw_cb, task);
}

/**
 * engine_export_async:
 * @db: the store
 * @folder_id: the folder to export
 * @format: an mboxrd file, or one .eml file per message
 * @path: the mbox file to create, or the directory for the .eml files
 * @progress: (nullable): told the count of written messages after each
 *   chunk
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Writes a folder's messages, oldest first, each byte for byte as stored
 * (an mbox adds the line end a message may lack). Nothing existing is
 * overwritten; a failed mbox export removes its partial file. Must be
 * called on the thread that opened @db (it reads list pages there).
 */
void
engine_export_async (StoreDatabase      *db,
                     gint64              folder_id,
                     EngineExportFormat  format,
                     const char         *path,
                     EngineProgressFunc  progress,
                     gpointer            progress_data,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  GTask      *task;
  ExportData *data;
  GError     *error = NULL;

  g_return_if_fail (STORE_IS_DATABASE (db));
  g_return_if_fail (path != NULL);

  data = g_new0 (ExportData, 1);
  data->db = g_object_ref (db);
  data->view.kind = STORE_VIEW_FOLDER;
  data->view.folder_id = folder_id;
  data->view.sort = STORE_SORT_DATE;
  data->view.reversed = TRUE;
  data->format = format;
  data->path = g_strdup (path);
  data->progress = progress;
  data->progress_data = progress_data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, engine_export_async);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);

  if (!open_destination (data, cancellable, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  next_chunk (task);
}

/**
 * engine_export_finish:
 * @out_exported: (out) (optional): how many messages were written
 *
 * Returns: %TRUE, or %FALSE with a #GIOError (%G_IO_ERROR_EXISTS when the
 *   destination is there already, a full disk, cancelled) or a #StoreError
 */
gboolean
engine_export_finish (GAsyncResult *result,
                      guint64      *out_exported,
                      GError      **error)
{
  ExportData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (out_exported != NULL)
    *out_exported = data->exported;
  return g_task_propagate_boolean (G_TASK (result), error);
}
