/* fuzz-store-search.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pigeon-test-files.h"
#include "store-error.h"
#include "store-search.h"
#include "store-test-sync.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The whole search path, parser, compiler, SQLite and FTS5, on a small
 * real store: whatever is typed, the answer is results or a
 * STORE_ERROR_QUERY, never an SQL or FTS5 error leaking through. */

static StoreDatabase *store;
static char          *store_dir;

static void
remove_store (void)
{
  g_clear_object (&store);
  pigeon_test_remove_tree (store_dir);
  g_free (store_dir);
}

static void
make_store (void)
{
  static const char *const subjects[] = { "Quarterly report",
                                          "Re: lunch at the café",
                                          "Résumé \"draft\" v2",
                                          "NEAR(a b) AND {subject}: OR -x*" };
  g_autoptr (GPtrArray)    batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autofree char *path = NULL;
  GError          *error = NULL;
  gint64           account;

  store_dir = g_dir_make_tmp ("pigeon-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "pigeon.db", NULL);
  store = store_test_open (path, &error);
  g_assert_no_error (error);
  account = store_test_add_account (store, "home", &error);
  g_assert_no_error (error);
  store_test_create_folder (store, "Receipts", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    g_ptr_array_add (batch,
                     store_test_message (1600000000 + i * 86400, "Zoë Example",
                                         subjects[i], subjects[i]));
  g_array_unref (store_test_insert (store,
                                    store_test_folder_id (store, "home/Inbox"),
                                    account, batch, &error));
  g_assert_no_error (error);

  atexit (remove_store);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char      *query = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  GError               *error = NULL;

  if (store == NULL)
    make_store ();

  /* A search field holds no NUL: what follows one is not typed. */
  query = g_strndup ((const char *) data, size);
  rows = store_test_search (store, query, 10, &error);
  if (rows == NULL)
    {
      g_assert_error (error, STORE_ERROR, STORE_ERROR_QUERY);
      g_assert (error->message[0] != '\0');
      g_error_free (error);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, <=, 10);
  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = rows->pdata[i];

      g_assert (row->snippet == NULL ||
                g_utf8_validate (row->snippet, -1, NULL));
    }

  return 0;
}
