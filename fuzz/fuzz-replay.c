/* fuzz-replay.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

/* Runs a fuzz target once on every file of the corpus directories given,
 * without libFuzzer: the corpus replay test of the unit suite, in any
 * build (gcc, sanitizers or not). */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* g_ptr_array_sort () passes pointers to the elements. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static guint
replay_path (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char   *contents = NULL;
  gsize              length;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir)      dir = g_dir_open (path, 0, &error);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char           *name;
      guint                 count = 0;

      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        count += replay_path (g_ptr_array_index (names, i));
      return count;
    }

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int argc, char *argv[])
{
  guint count = 0;

  for (int i = 1; i < argc; i++)
    count += replay_path (argv[i]);

  if (count == 0)
    {
      g_printerr ("fuzz-replay: no corpus files in the paths given\n");
      return 1;
    }

  g_print ("%u corpus files replayed\n", count);
  return 0;
}
