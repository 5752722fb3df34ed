/* store-checkpointer.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "store-connection.h"

G_BEGIN_DECLS

/* Copies a WAL file's committed pages back into its database file on a
 * thread of its own, so that the thread that writes (the store's writer)
 * never does it between two transactions (store-checkpointer.c says
 * why). */
typedef struct _StoreCheckpointer StoreCheckpointer;

StoreCheckpointer *_store_checkpointer_new (const char *path,
                                            const char *thread_name);
/* Stops the thread; the last connection to close checkpoints the rest. */
void _store_checkpointer_free (StoreCheckpointer *self);

/* On @writer's thread: its commits call for checkpoints from then on,
 * instead of running SQLite's automatic one themselves, and its WAL
 * keeps its size when it starts again. */
void _store_checkpointer_attach (StoreCheckpointer *self,
                                 StoreConnection   *writer);

/* Tests only: the WAL size, in pages, at which a checkpoint is asked for,
 * and the size at which the writer checkpoints itself; and a paused
 * checkpointer, which runs none. */
void _store_checkpointer_set_pages (StoreCheckpointer *self,
                                    guint              wanted,
                                    guint              most);
void _store_checkpointer_set_paused (StoreCheckpointer *self, gboolean paused);

G_END_DECLS
