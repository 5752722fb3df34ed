/* pigeon-test-files.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-test-files.h"

#include <glib/gstdio.h>

/* Removes a test's scratch directory and everything in it. Symbolic
 * links are removed, never followed. */
void
pigeon_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char      *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pigeon_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
