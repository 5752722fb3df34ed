/* test-engine-library.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-library.h"

static void
test_init_is_repeatable (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (engine_library_init (&error));
  g_assert_no_error (error);
  g_assert_true (engine_library_init (&error));
  g_assert_no_error (error);
}

static void
test_describe_versions (void)
{
  g_autofree char   *line = engine_library_describe_versions ();
  g_autoptr (GRegex) pattern = NULL;

  pattern =
      g_regex_new ("^GLib 2\\.[0-9]+\\.[0-9]+, GMime 3\\.[0-9]+\\.[0-9]+, "
                   "SQLite 3\\.[0-9]+\\.[0-9]+$",
                   0, 0, NULL);
  g_assert_true (g_regex_match (pattern, line, 0, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/library/init", test_init_is_repeatable);
  g_test_add_func ("/engine/library/versions", test_describe_versions);

  return g_test_run ();
}
