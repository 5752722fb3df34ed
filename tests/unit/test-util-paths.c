/* test-util-paths.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "util-paths.h"

static void
test_override (void)
{
  g_autofree char *dir = NULL;

  g_setenv ("PIGEON_DATA_DIR", "/tmp/pigeon-override", TRUE);
  dir = util_paths_get_data_dir ();
  g_assert_cmpstr (dir, ==, "/tmp/pigeon-override");
}

static void
test_empty_override_is_ignored (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;

  g_setenv ("PIGEON_DATA_DIR", "", TRUE);
  dir = util_paths_get_data_dir ();
  expected = g_build_filename (g_get_user_data_dir (), "pigeon", NULL);
  g_assert_cmpstr (dir, ==, expected);
}

static void
test_xdg_default (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;

  g_unsetenv ("PIGEON_DATA_DIR");
  dir = util_paths_get_data_dir ();
  expected = g_build_filename (g_get_user_data_dir (), "pigeon", NULL);
  g_assert_cmpstr (dir, ==, expected);
  g_assert_true (g_str_has_suffix (dir, "/pigeon"));
}

int
main (int argc, char *argv[])
{
  /* G_TEST_OPTION_ISOLATE_DIRS points XDG_DATA_HOME at a scratch dir. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/util/paths/override", test_override);
  g_test_add_func ("/util/paths/empty-override",
                   test_empty_override_is_ignored);
  g_test_add_func ("/util/paths/xdg-default", test_xdg_default);

  return g_test_run ();
}
