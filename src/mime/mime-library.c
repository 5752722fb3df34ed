/* mime-library.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mime-library.h"

#include <gmime/gmime.h>

/**
 * mime_library_init:
 *
 * Initialises GMime once for the whole process. Safe to call from any
 * thread, any number of times: the MIME parsing pool and the engine both
 * call it before they parse.
 */
void
mime_library_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      g_mime_init ();
      g_once_init_leave (&initialised, 1);
    }
}

/**
 * mime_library_version:
 *
 * Returns: (transfer full): the version of the GMime library Pigeon runs
 *   with, as "MAJOR.MINOR.MICRO" (for `--version` and bug reports).
 */
char *
mime_library_version (void)
{
  return g_strdup_printf ("%u.%u.%u", gmime_major_version, gmime_minor_version,
                          gmime_micro_version);
}
