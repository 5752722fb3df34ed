/* test-store-library.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "store-error.h"
#include "store-library.h"

static void
test_check (void)
{
  g_autoptr (GError) error = NULL;

  /* Debian's SQLite has FTS5 and thread safety: the check must pass here,
   * and on a SQLite without them it is the only thing between the user and
   * a store that fails on its first search. */
  g_assert_true (store_library_check (&error));
  g_assert_no_error (error);
}

static void
test_version (void)
{
  g_autofree char *version = store_library_version ();
  g_auto (GStrv) parts = g_strsplit (version, ".", -1);

  g_assert_cmpuint (g_strv_length (parts), >=, 3);
  g_assert_cmpint (atoi (parts[0]), ==, 3);
  g_assert_cmpint (atoi (parts[1]), >=, 40);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/library/check", test_check);
  g_test_add_func ("/store/library/version", test_version);

  return g_test_run ();
}
