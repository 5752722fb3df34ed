/* store-test-vfs.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-test-vfs.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>

/* Every call goes on to the default VFS and its files; only xSync is
 * counted on the way (of WAL files, and on a watched thread), and writes
 * on a thread made to fail fail. */

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real; /* in the same allocation, after this struct */
  gboolean      is_wal;
} CountingFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs  counting_vfs;
static gint         wal_syncs;
static char         watched_thread[16]; /* guarded by watch_lock */
static guint        watched_syncs;      /* ... */
static GMutex       watch_lock;
static char         failing_thread[16]; /* guarded by watch_lock */

static sqlite3_file *
real_of (sqlite3_file *file)
{
  return ((CountingFile *) file)->real;
}

static int
counting_close (sqlite3_file *file)
{
  return real_of (file)->pMethods->xClose (real_of (file));
}

static int
counting_read (sqlite3_file *file, void *buf, int n, sqlite3_int64 offset)
{
  return real_of (file)->pMethods->xRead (real_of (file), buf, n, offset);
}

static gboolean
on_thread (const char *watched)
{
  char name[16] = "";

  prctl (PR_GET_NAME, name); /* 16 bytes */
  return watched[0] != '\0' && strcmp (name, watched) == 0;
}

static int
counting_write (sqlite3_file *file,
                const void   *buf,
                int           n,
                sqlite3_int64 offset)
{
  gboolean fail;

  g_mutex_lock (&watch_lock);
  fail = on_thread (failing_thread);
  g_mutex_unlock (&watch_lock);
  if (fail)
    return SQLITE_FULL;
  return real_of (file)->pMethods->xWrite (real_of (file), buf, n, offset);
}

static int
counting_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  return real_of (file)->pMethods->xTruncate (real_of (file), size);
}

/* Counts a sync made on a thread named as the watched one. */
static void
count_thread_sync (void)
{
  g_mutex_lock (&watch_lock);
  if (on_thread (watched_thread))
    watched_syncs++;
  g_mutex_unlock (&watch_lock);
}

static int
counting_sync (sqlite3_file *file, int flags)
{
  if (((CountingFile *) file)->is_wal)
    g_atomic_int_inc (&wal_syncs);
  count_thread_sync ();
  return real_of (file)->pMethods->xSync (real_of (file), flags);
}

static int
counting_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return real_of (file)->pMethods->xFileSize (real_of (file), size);
}

static int
counting_lock (sqlite3_file *file, int lock)
{
  return real_of (file)->pMethods->xLock (real_of (file), lock);
}

static int
counting_unlock (sqlite3_file *file, int lock)
{
  return real_of (file)->pMethods->xUnlock (real_of (file), lock);
}

static int
counting_check_reserved_lock (sqlite3_file *file, int *out)
{
  return real_of (file)->pMethods->xCheckReservedLock (real_of (file), out);
}

static int
counting_file_control (sqlite3_file *file, int op, void *arg)
{
  return real_of (file)->pMethods->xFileControl (real_of (file), op, arg);
}

static int
counting_sector_size (sqlite3_file *file)
{
  return real_of (file)->pMethods->xSectorSize (real_of (file));
}

static int
counting_device_characteristics (sqlite3_file *file)
{
  return real_of (file)->pMethods->xDeviceCharacteristics (real_of (file));
}

static int
counting_shm_map (
    sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
  return real_of (file)->pMethods->xShmMap (real_of (file), region, size,
                                            extend, out);
}

static int
counting_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  return real_of (file)->pMethods->xShmLock (real_of (file), offset, n, flags);
}

static void
counting_shm_barrier (sqlite3_file *file)
{
  real_of (file)->pMethods->xShmBarrier (real_of (file));
}

static int
counting_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return real_of (file)->pMethods->xShmUnmap (real_of (file), delete_flag);
}

static int
counting_fetch (sqlite3_file *file, sqlite3_int64 offset, int n, void **out)
{
  return real_of (file)->pMethods->xFetch (real_of (file), offset, n, out);
}

static int
counting_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  return real_of (file)->pMethods->xUnfetch (real_of (file), offset, page);
}

static const sqlite3_io_methods counting_methods = {
  .iVersion = 3,
  .xClose = counting_close,
  .xRead = counting_read,
  .xWrite = counting_write,
  .xTruncate = counting_truncate,
  .xSync = counting_sync,
  .xFileSize = counting_file_size,
  .xLock = counting_lock,
  .xUnlock = counting_unlock,
  .xCheckReservedLock = counting_check_reserved_lock,
  .xFileControl = counting_file_control,
  .xSectorSize = counting_sector_size,
  .xDeviceCharacteristics = counting_device_characteristics,
  .xShmMap = counting_shm_map,
  .xShmLock = counting_shm_lock,
  .xShmBarrier = counting_shm_barrier,
  .xShmUnmap = counting_shm_unmap,
  .xFetch = counting_fetch,
  .xUnfetch = counting_unfetch,
};

static int
counting_open (sqlite3_vfs  *vfs,
               const char   *name,
               sqlite3_file *file,
               int           flags,
               int          *out_flags)
{
  CountingFile *self = (CountingFile *) file;
  int           rc;

  self->real = (sqlite3_file *) (self + 1);
  memset (self->real, 0, (gsize) real_vfs->szOsFile);
  self->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  rc = real_vfs->xOpen (real_vfs, name, self->real, flags, out_flags);
  /* SQLite closes a file only if it has methods, so a failed open must
   * leave none. */
  self->base.pMethods = self->real->pMethods != NULL ? &counting_methods : NULL;
  return rc;
}

static int
counting_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
counting_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
counting_full_pathname (sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n, out);
}

static int
counting_randomness (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xRandomness (real_vfs, n, out);
}

static int
counting_sleep (sqlite3_vfs *vfs, int microseconds)
{
  return real_vfs->xSleep (real_vfs, microseconds);
}

static int
counting_current_time (sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
counting_get_last_error (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xGetLastError (real_vfs, n, out);
}

static int
counting_current_time_int64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

void
store_test_vfs_install (void)
{
  if (real_vfs != NULL)
    return;
  real_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (real_vfs);
  g_assert_cmpint (real_vfs->iVersion, >=, 2);

  /* Version 2: no system-call overrides, which nothing here needs, and
   * no loading of extensions. */
  counting_vfs = (sqlite3_vfs){
    .iVersion = 2,
    .szOsFile = (int) sizeof (CountingFile) + real_vfs->szOsFile,
    .mxPathname = real_vfs->mxPathname,
    .zName = "pigeon-test-counting",
    .xOpen = counting_open,
    .xDelete = counting_delete,
    .xAccess = counting_access,
    .xFullPathname = counting_full_pathname,
    .xRandomness = counting_randomness,
    .xSleep = counting_sleep,
    .xCurrentTime = counting_current_time,
    .xGetLastError = counting_get_last_error,
    .xCurrentTimeInt64 = counting_current_time_int64,
  };
  g_assert_cmpint (sqlite3_vfs_register (&counting_vfs, 1), ==, SQLITE_OK);
}

guint
store_test_vfs_wal_syncs (void)
{
  return (guint) g_atomic_int_get (&wal_syncs);
}

void
store_test_vfs_watch_thread (const char *name)
{
  g_mutex_lock (&watch_lock);
  g_strlcpy (watched_thread, name, sizeof watched_thread);
  watched_syncs = 0;
  g_mutex_unlock (&watch_lock);
}

guint
store_test_vfs_thread_syncs (void)
{
  guint syncs;

  g_mutex_lock (&watch_lock);
  syncs = watched_syncs;
  g_mutex_unlock (&watch_lock);
  return syncs;
}

void
store_test_vfs_fail_writes (const char *thread_name)
{
  g_mutex_lock (&watch_lock);
  g_strlcpy (failing_thread, thread_name != NULL ? thread_name : "",
             sizeof failing_thread);
  g_mutex_unlock (&watch_lock);
}
