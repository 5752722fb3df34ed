/* store-index-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-connection.h"

G_BEGIN_DECLS

/* The full-text index lives in a file of its own, written by a thread of
 * its own (the indexer), beside the writer thread that stores messages:
 * the two write two files in parallel. The writer logs each index change
 * in the store's index_log table, in the transaction that makes it, and
 * hands the entries to the indexer in memory after the commit; the
 * indexer applies them in log order, one transaction per batch, and the
 * writer trims the log rows it applied in a later transaction. */
typedef struct _StoreIndexer StoreIndexer;

StoreIndexer *_store_indexer_new (const char *store_path,
                                  const char *index_path);
void          _store_indexer_free (StoreIndexer *self);
const char   *_store_indexer_get_path (StoreIndexer *self);
/* Counts the index files made at that path: a damaged one set aside while
 * the store is open is replaced by a new one, which readers attach. */
guint _store_indexer_get_index_file (StoreIndexer *self);

/* On the writer thread, once the store is migrated: the writer's
 * transactions log and trim through @writer's hooks from then on. */
void _store_indexer_attach_writer (StoreIndexer *self, StoreConnection *writer);

/* Starts the indexer thread. It opens (or creates) the index file and
 * returns @task (a boolean) on the task's context, then applies what the
 * log holds beyond the index before it takes new batches. */
void _store_indexer_start (StoreIndexer *self, GTask *task);

/* Blocks until every batch handed over so far is applied. Returns %FALSE
 * with the indexer's first failure, if it had one. Not while paused. */
gboolean _store_indexer_wait (StoreIndexer *self, GError **error);

/* Tests only: a paused indexer applies nothing; closing the store while it
 * is paused drops what it holds, as a killed process would. */
void _store_indexer_set_paused (StoreIndexer *self, gboolean paused);
/* A search met a damaged page, of the store's file or of the index
 * file: the indexer checks the index file, and builds it again if the
 * damage is there. */
void _store_indexer_check_damage (StoreIndexer *self);

/* Tests only: how long the indexer waits after a failure before it tries
 * the log again (RETRY_SECONDS). */
void _store_indexer_set_retry_seconds (StoreIndexer *self, guint seconds);
/* Called before the writer stops: when paused, the indexer gives up. */
void _store_indexer_abandon_if_paused (StoreIndexer *self);

/* Writer thread, inside a transaction: log a message's texts to index, or
 * the removal of a message from the index. */
gboolean _store_index_log_insert (StoreConnection *writer,
                                  gint64           message_id,
                                  const char      *subject,
                                  const char      *sender,
                                  const char      *recipients,
                                  const char      *body,
                                  const char      *attachments,
                                  GError         **error);
gboolean _store_index_log_delete (StoreConnection *writer,
                                  gint64           message_id,
                                  GError         **error);

G_END_DECLS
