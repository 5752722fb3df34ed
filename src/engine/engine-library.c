/* engine-library.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-library.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "engine-message.h"
#include "mime-library.h"
#include "store-library.h"
#include "store-messages.h"

/* What the search index holds of a message's body, for a store that
 * builds a lost index again (store-library.h). On the store's indexer
 * thread: parsing shares nothing between messages. */
static char *
body_text_of (GBytes *raw)
{
  g_autoptr (StoreNewMessage) message = engine_message_new (raw, 0);

  return g_steal_pointer (&message->body_text);
}

/**
 * engine_library_init:
 * @error: return location for a #STORE_ERROR
 *
 * Prepares the libraries below the engine, once per process: GMime is
 * initialised, the SQLite library is checked for what the store needs,
 * the store learns how to read a message's body text (to build a lost
 * search index again), and glibc's malloc is held to two arenas.
 * Both front ends (the window and pigeon-cli) call this first and refuse to
 * start with its error's message when it fails.
 *
 * Returns: %TRUE when Pigeon can run.
 */
gboolean
engine_library_init (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

#ifdef M_ARENA_MAX
  /* glibc gives each thread that allocates its own arena, up to 8 per
   * core, and rarely returns their memory: the fetch's parser pool, the
   * store's writer and the indexer each grew one, 40 MB of peak RSS over
   * 100,000 messages (issue #4) for no speed gained on two cores. */
  mallopt (M_ARENA_MAX, 2);
#endif
  mime_library_init ();
  store_library_set_body_text_func (body_text_of);
  return store_library_check (error);
}

/**
 * engine_library_describe_versions:
 *
 * Returns: (transfer full): one line naming the run-time versions of the
 *   libraries mail passes through, for `--version` and bug reports:
 *   "GLib 2.74.6, GMime 3.2.13, SQLite 3.40.1".
 */
char *
engine_library_describe_versions (void)
{
  g_autofree char *gmime = mime_library_version ();
  g_autofree char *sqlite = store_library_version ();

  return g_strdup_printf ("GLib %u.%u.%u, GMime %s, SQLite %s",
                          glib_major_version, glib_minor_version,
                          glib_micro_version, gmime, sqlite);
}
