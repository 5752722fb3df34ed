/* test-engine-account-keyring.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-account.h"
#include "engine-error.h"
#include "engine-secret.h"
#include "pigeon-test-async.h"
#include "pigeon-test-files.h"
#include "store-error.h"
#include "store-test-sync.h"

/* Adding and removing accounts with their passwords, against a real
 * GNOME Keyring (run under tests/with-keyring.sh, as test-engine-secret
 * is). */

typedef struct
{
  char          *dir;
  char          *path;
  StoreDatabase *db;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  GError *error = NULL;

  fixture->dir = g_dir_make_tmp ("pigeon-account-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "pigeon.db", NULL);
  fixture->db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->db);
  pigeon_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static StoreAccount *
new_account (const char *name, const char *user)
{
  StoreAccount *account = store_account_new ();

  account->name = g_strdup (name);
  account->email = g_strdup_printf ("%s@example.org", user);
  account->host = g_strdup ("pop.example.org");
  account->user_name = g_strdup (user);
  return account;
}

static gint64
add (Fixture            *fixture,
     const StoreAccount *account,
     const char         *password,
     GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_account_add_async (fixture->db, account, password, NULL,
                            pigeon_test_store_result_cb, &result);
  return engine_account_add_finish (pigeon_test_wait_for (&result), error);
}

static gboolean
remove_account (Fixture            *fixture,
                const StoreAccount *account,
                gboolean            keep_mail,
                GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_account_remove_async (fixture->db, account, keep_mail, NULL,
                               pigeon_test_store_result_cb, &result);
  return engine_account_remove_finish (pigeon_test_wait_for (&result), error);
}

static char *
lookup (const char *uuid)
{
  g_autoptr (GAsyncResult) result = NULL;
  GError                  *error = NULL;
  char                    *password;

  engine_secret_lookup_async (uuid, NULL, pigeon_test_store_result_cb, &result);
  password =
      engine_secret_lookup_finish (pigeon_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return password;
}

/* Pigeon's keyring items for @user, as secret-tool (not our code) sees
 * them. */
static guint
items_for_user (const char *user)
{
  g_autofree char *secret_tool = g_find_program_in_path ("secret-tool");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char      *argv[] = { secret_tool,
                              "search",
                              "--all",
                              "xdg:schema",
                              "io.github.pigeon_mail.Pigeon",
                              "user",
                              user,
                              NULL };
  GError          *error = NULL;
  guint            count = 0;

  g_assert_nonnull (secret_tool);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                &err, NULL, &error);
  g_assert_no_error (error);
  for (const char *p = out; p != NULL && (p = strstr (p, "[/")) != NULL; p++)
    count++;
  return count;
}

static void
test_add_keeps_password (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreAccount) account = new_account ("work", "ann");
  g_autoptr (StoreAccount) stored = NULL;
  GError                  *error = NULL;
  char                    *password;
  gint64                   id;

  id = add (fixture, account, "pässwörd 1", &error);
  g_assert_no_error (error);
  stored = store_database_get_account (fixture->db, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (stored->uuid));

  password = lookup (stored->uuid);
  g_assert_cmpstr (password, ==, "pässwörd 1");
  engine_secret_free (password);
  g_assert_cmpuint (items_for_user ("ann"), ==, 1);

  /* Never in the store (DESIGN.md invariant 6). */
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM accounts WHERE "
                                       "instr (user_name || host || email || "
                                       "uuid, 'pässwörd') > 0"),
                   ==, 0);
}

/* An account that cannot be stored leaves no password behind, and an
 * invalid one never reaches the keyring. */
static void
test_failed_add_leaves_nothing (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreAccount) first = new_account ("work", "bob");
  g_autoptr (StoreAccount) same_name = new_account ("WORK", "carol");
  g_autoptr (StoreAccount) invalid = new_account ("other", "dave");
  GError                  *error = NULL;

  g_assert_cmpint (add (fixture, first, "one", &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (add (fixture, same_name, "two", &error), ==, -1);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (items_for_user ("carol"), ==, 0);

  g_free (invalid->host);
  invalid->host = g_strdup ("no such host");
  g_assert_cmpint (add (fixture, invalid, "three", &error), ==, -1);
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_INVALID_ACCOUNT);
  g_clear_error (&error);
  g_assert_cmpuint (items_for_user ("dave"), ==, 0);
  g_assert_cmpuint (items_for_user ("bob"), ==, 1);
}

static void
test_remove_clears_password (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreAccount) account = new_account ("work", "erin");
  g_autoptr (StoreAccount) stored = NULL;
  g_autoptr (StoreAccount) gone = NULL;
  g_autoptr (GPtrArray)    batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;
  gint64             id;

  id = add (fixture, account, "secret", &error);
  g_assert_no_error (error);
  stored = store_database_get_account (fixture->db, id, &error);
  g_ptr_array_add (batch, store_test_message (1700000000, "Ann", "kept",
                                              "a message to keep"));
  ids = store_test_insert (fixture->db, stored->inbox_id, id, batch, &error);
  g_assert_no_error (error);

  /* Keeping its mail: to Archive. */
  g_assert_true (remove_account (fixture, stored, TRUE, &error));
  g_assert_no_error (error);
  g_assert_null (lookup (stored->uuid));
  g_assert_cmpuint (items_for_user ("erin"), ==, 0);
  gone = store_database_get_account (fixture->db, id, &error);
  g_assert_null (gone);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM messages m JOIN "
                                       "folders f ON f.id = m.folder_id "
                                       "WHERE f.role = 3"),
                   ==, 1);
}

/* An account added without a password (given at each fetch) is removed
 * even where no Secret Service runs. */
static void
test_remove_without_keyring (Fixture *fixture, gconstpointer user_data)
{
  if (g_test_subprocess ())
    {
      g_autoptr (StoreAccount) account = new_account ("work", "fay");
      g_autoptr (StoreAccount) stored = NULL;
      GError                  *error = NULL;
      gint64                   id;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/pigeon-test-bus", TRUE);
      id = add (fixture, account, NULL, &error);
      g_assert_no_error (error);
      stored = store_database_get_account (fixture->db, id, &error);
      g_assert_true (remove_account (fixture, stored, FALSE, &error));
      g_assert_no_error (error);
      g_assert_cmpint (
          store_test_sql_int (fixture->path, "SELECT count(*) FROM accounts"),
          ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine/account-keyring/add-keeps-password", test_add_keeps_password);
  ADD ("/engine/account-keyring/failed-add-leaves-nothing",
       test_failed_add_leaves_nothing);
  ADD ("/engine/account-keyring/remove-clears-password",
       test_remove_clears_password);
  ADD ("/engine/account-keyring/remove-without-keyring",
       test_remove_without_keyring);

  return g_test_run ();
}
