/* store-test-vfs.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An SQLite VFS over the default one that counts what reaches the disk
 * for sure: a test installs it before it opens a store, then asks how
 * often a WAL file was synced. A commit with synchronous=FULL syncs the
 * WAL; one with NORMAL does not. */
void  store_test_vfs_install (void);
guint store_test_vfs_wal_syncs (void);
/* Counts syncs of any file made on threads named @name, from 0. */
void  store_test_vfs_watch_thread (const char *name);
guint store_test_vfs_thread_syncs (void);
/* Writes made on threads named @thread_name fail as on a full disk, until
 * called again with NULL. */
void store_test_vfs_fail_writes (const char *thread_name);

G_END_DECLS
