/* mime-library.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mime-library.h"

#include <gmime/gmime.h>
#include <iconv.h>

/* Converters held open for the whole process. glibc unloads a gconv
 * module when its last converter closes, and GMime opens and closes one
 * for nearly every header it decodes: without these, dlopen()/dlclose()
 * took a third of the time of a summary. */
static const char *const pinned_charsets[] = {
  "ISO-8859-1", "ISO-8859-2", "ISO-8859-15", "WINDOWS-1252", "WINDOWS-1251",
  "KOI8-R",     "SHIFT_JIS",  "EUC-JP",      "ISO-2022-JP",  "GB18030",
  "BIG5",       "EUC-KR",     "UTF-16",
};
static iconv_t pinned[G_N_ELEMENTS (pinned_charsets)];

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
      for (gsize i = 0; i < G_N_ELEMENTS (pinned_charsets); i++)
        pinned[i] = iconv_open ("UTF-8", pinned_charsets[i]);
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
