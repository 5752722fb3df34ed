/* store-database-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store-connection.h"
#include "store-database.h"

G_BEGIN_DECLS

/* A job runs on a worker thread with that thread's connection. It reads
 * its input with _store_job_get_data() and sets exactly one result; the
 * worker hands the result to the task on the task's own thread. */
typedef struct _StoreJob StoreJob;
typedef void (*StoreJobFunc) (StoreConnection *conn, StoreJob *job);

gpointer      _store_job_get_data (StoreJob *job);
GCancellable *_store_job_get_cancellable (StoreJob *job);
void          _store_job_return_pointer (StoreJob      *job,
                                         gpointer       result,
                                         GDestroyNotify destroy);
void          _store_job_return_int (StoreJob *job, gint64 result);
void          _store_job_return_error (StoreJob *job, GError *error);

/* Writes go to the one writer thread, in order (DESIGN.md "Threads"). */
void
_store_database_run_write (StoreDatabase *self, GTask *task, StoreJobFunc func);
/* Searches go to a reader thread, so a long write never delays them. */
void
_store_database_run_read (StoreDatabase *self, GTask *task, StoreJobFunc func);
/* The read connection of the thread that opened the store, for the
 * short synchronous page reads a virtualized list needs. */
StoreConnection *_store_database_get_reader (StoreDatabase *self);

/* Tests only: makes the writer's disk "full" after @pages pages. */
void     _store_database_set_max_page_count (StoreDatabase      *self,
                                             guint               pages,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
gboolean _store_database_set_max_page_count_finish (StoreDatabase *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* Attaches the index file as "idx" to a reader, or the new one if the
 * file it has was set aside since. */
gboolean _store_database_attach_index (StoreDatabase   *self,
                                       StoreConnection *conn,
                                       GError         **error);

/* A search met a damaged page (store-index-private.h). */
void _store_database_check_index_damage (StoreDatabase *self);

/* Tests only: a paused indexer applies nothing (store-index-private.h);
 * at most two batches may be stored while it is paused. */
void _store_database_set_index_paused (StoreDatabase *self, gboolean paused);
/* Tests only: how long a failed indexer waits before it tries again. */
void _store_database_set_index_retry_seconds (StoreDatabase *self,
                                              guint          seconds);

/* Tests only: when the store's WAL is checkpointed (store-checkpointer.h),
 * and a paused checkpointer. */
void _store_database_set_checkpoint_pages (StoreDatabase *self,
                                           guint          wanted,
                                           guint          most);
void _store_database_set_checkpoint_paused (StoreDatabase *self,
                                            gboolean       paused);

G_END_DECLS
