/* store-library.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-library.h"

#include <sqlite3.h>

#include "store-error.h"
#include "store-library-private.h"

/* Pigeon's search is FTS5 and its store is shared between threads (one
 * writer thread, readers elsewhere): a SQLite built without either cannot
 * hold mail, so say so once at start-up rather than on the first query. */
#define STORE_MIN_SQLITE_VERSION_NUMBER 3040000

static StoreBodyTextFunc body_text_func;

/**
 * _store_library_init:
 *
 * Configures SQLite for the store once, before the first connection opens
 * (SQLite takes configuration only then; later calls change nothing).
 * Without memory statistics: by default every allocation takes one
 * process-wide mutex to count it, which made the writer and the indexer
 * (store-index.c) take turns.
 */
void
_store_library_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        g_debug ("SQLite was initialized before the store: memory "
                 "statistics stay on");
      g_once_init_leave (&done, 1);
    }
}

/**
 * store_library_check:
 * @error: return location for a #STORE_ERROR_MISSING_FEATURE error
 *
 * Checks that the SQLite library linked at run time can hold a Pigeon
 * store: version 3.40 or newer, thread-safe, with FTS5.
 *
 * Returns: %TRUE when it can.
 */
gboolean
store_library_check (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _store_library_init ();

  if (sqlite3_libversion_number () < STORE_MIN_SQLITE_VERSION_NUMBER)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_MISSING_FEATURE,
                   "SQLite %s is too old: Pigeon needs 3.40 or newer",
                   sqlite3_libversion ());
      return FALSE;
    }

  if (sqlite3_threadsafe () == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_MISSING_FEATURE,
                   "SQLite %s was built without thread safety",
                   sqlite3_libversion ());
      return FALSE;
    }

  if (!sqlite3_compileoption_used ("ENABLE_FTS5"))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_MISSING_FEATURE,
                   "SQLite %s was built without FTS5 full-text search",
                   sqlite3_libversion ());
      return FALSE;
    }

  return TRUE;
}

/**
 * store_library_version:
 *
 * Returns: (transfer full): the run-time SQLite version, "3.40.1" say.
 */
char *
store_library_version (void)
{
  return g_strdup (sqlite3_libversion ());
}

/**
 * store_library_set_body_text_func:
 * @func: turns a stored message's bytes into its body text
 *
 * The store cannot read MIME (src/mime does): this is how it gets the
 * body text when it must rebuild a lost search index from the messages
 * it holds. Set once, before a store is opened; without it a rebuilt
 * index lacks the body texts.
 */
void
store_library_set_body_text_func (StoreBodyTextFunc func)
{
  body_text_func = func;
}

StoreBodyTextFunc
_store_library_get_body_text_func (void)
{
  return body_text_func;
}
