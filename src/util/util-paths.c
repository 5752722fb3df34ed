/* util-paths.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "util-paths.h"

/**
 * util_paths_get_data_dir:
 *
 * Where Pigeon keeps its mail store: `$PIGEON_DATA_DIR` when it is set and
 * not empty (tests and scripts point it at a scratch directory), else
 * `$XDG_DATA_HOME/pigeon`. The directory is not created here; the store
 * creates it when it opens.
 *
 * Returns: (transfer full): an absolute path, or a path relative to the
 *   current directory when `PIGEON_DATA_DIR` is relative.
 */
char *
util_paths_get_data_dir (void)
{
  const char *override = g_getenv ("PIGEON_DATA_DIR");

  if (override != NULL && override[0] != '\0')
    return g_strdup (override);

  return g_build_filename (g_get_user_data_dir (), "pigeon", NULL);
}
