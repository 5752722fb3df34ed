/* test-store-accounts.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "pigeon-test-files.h"
#include "store-error.h"
#include "store-test-sync.h"

typedef struct
{
  char          *dir;
  char          *path;
  StoreDatabase *db;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  fixture->db = store_test_create (&fixture->dir, &fixture->path);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  store_test_destroy (&fixture->db, &fixture->dir, &fixture->path);
}

/* Every setting away from its default, so that a column read or written
 * in the wrong place shows. */
static StoreAccount *
make_account (const char *name)
{
  StoreAccount *account = store_account_new ();

  account->name = g_strdup (name);
  account->email = g_strdup_printf ("%s@example.org", name);
  account->host = g_strdup ("pop.example.org");
  account->port = 1110;
  g_free (account->security);
  account->security = g_strdup ("starttls");
  account->user_name = g_strdup ("jo.user");
  g_free (account->auth);
  account->auth = g_strdup ("cram-md5");
  account->allow_insecure_auth = TRUE;
  account->pinned_certificate = g_strdup ("AB:CD:EF");
  account->ca_file = g_strdup ("/etc/ssl/local-ca.pem");
  account->check_interval = 25;
  account->enabled = FALSE;
  account->keep_on_server = TRUE;
  account->delete_after_days = 14;
  account->delete_when_deleted_locally = TRUE;
  account->size_limit = 2048;
  account->login_not_before = 1700000000;
  account->last_fetch = 1690000000;
  return account;
}

static void
assert_same_settings (const StoreAccount *a, const StoreAccount *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->email, ==, b->email);
  g_assert_cmpstr (a->host, ==, b->host);
  g_assert_cmpuint (a->port, ==, b->port);
  g_assert_cmpstr (a->security, ==, b->security);
  g_assert_cmpstr (a->user_name, ==, b->user_name);
  g_assert_cmpstr (a->auth, ==, b->auth);
  g_assert_cmpint (a->allow_insecure_auth, ==, b->allow_insecure_auth);
  g_assert_cmpstr (a->pinned_certificate, ==, b->pinned_certificate);
  g_assert_cmpstr (a->ca_file, ==, b->ca_file);
  g_assert_cmpuint (a->check_interval, ==, b->check_interval);
  g_assert_cmpint (a->enabled, ==, b->enabled);
  g_assert_cmpint (a->keep_on_server, ==, b->keep_on_server);
  g_assert_cmpuint (a->delete_after_days, ==, b->delete_after_days);
  g_assert_cmpint (a->delete_when_deleted_locally, ==,
                   b->delete_when_deleted_locally);
  g_assert_cmpuint (a->size_limit, ==, b->size_limit);
  g_assert_cmpint (a->login_not_before, ==, b->login_not_before);
  g_assert_cmpint (a->last_fetch, ==, b->last_fetch);
}

static void
test_save_and_read_back (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreAccount) work = make_account ("work");
  g_autoptr (StoreAccount) by_name = NULL;
  g_autoptr (StoreAccount) by_id = NULL;
  g_autoptr (StoreAccount) other = NULL;
  g_autoptr (StoreAccount) defaults = NULL;
  GError                  *error = NULL;
  gint64                   id;
  gint64                   home;

  id = store_test_save_account (fixture->db, work, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  by_name = store_database_find_account (fixture->db, "WORK", &error);
  g_assert_no_error (error);
  by_id = store_database_get_account (fixture->db, id, &error);
  g_assert_no_error (error);
  assert_same_settings (work, by_name);
  assert_same_settings (work, by_id);
  g_assert_cmpint (by_name->id, ==, id);
  g_assert_cmpint (by_name->inbox_id, ==,
                   store_test_folder_id (fixture->db, "work/Inbox"));
  g_assert_true (g_uuid_string_is_valid (by_name->uuid));
  g_assert_cmpstr (by_name->uuid, ==, by_id->uuid);

  /* A new account gets the defaults and a uuid of its own. */
  home = store_test_add_account (fixture->db, "home", &error);
  g_assert_no_error (error);
  other = store_database_get_account (fixture->db, home, &error);
  g_assert_no_error (error);
  defaults = store_account_new ();
  g_assert_cmpuint (other->port, ==, 995);
  g_assert_cmpstr (other->security, ==, "tls");
  g_assert_cmpstr (other->auth, ==, "automatic");
  g_assert_cmpuint (other->check_interval, ==, defaults->check_interval);
  g_assert_true (other->enabled);
  g_assert_false (other->keep_on_server);
  g_assert_null (other->pinned_certificate);
  g_assert_true (g_uuid_string_is_valid (other->uuid));
  g_assert_cmpstr (other->uuid, !=, by_name->uuid);
}

static void
test_update (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreAccount) work = make_account ("work");
  g_autoptr (StoreAccount) stored = NULL;
  g_autoptr (StoreAccount) again = NULL;
  g_autoptr (StoreAccount) gone = NULL;
  g_autofree char         *uuid = NULL;
  GError                  *error = NULL;

  work->id = store_test_save_account (fixture->db, work, &error);
  g_assert_no_error (error);
  g_assert_cmpint (store_test_add_account (fixture->db, "home", &error), >, 0);
  g_assert_no_error (error);
  stored = store_database_get_account (fixture->db, work->id, &error);
  uuid = g_strdup (stored->uuid);

  /* Renamed, with other settings: the uuid (the keyring's key) stays. */
  g_free (stored->name);
  stored->name = g_strdup ("office");
  stored->port = 995;
  g_free (stored->security);
  stored->security = g_strdup ("tls");
  g_clear_pointer (&stored->pinned_certificate, g_free);
  stored->keep_on_server = FALSE;
  g_assert_cmpint (store_test_save_account (fixture->db, stored, &error), ==,
                   work->id);
  g_assert_no_error (error);
  again = store_database_get_account (fixture->db, work->id, &error);
  g_assert_no_error (error);
  assert_same_settings (stored, again);
  g_assert_cmpstr (again->uuid, ==, uuid);
  g_assert_cmpint (store_test_folder_id (fixture->db, "office/Inbox"), ==,
                   again->inbox_id);

  /* Another account's name, in any case, is taken. */
  g_free (stored->name);
  stored->name = g_strdup ("HOME");
  g_assert_cmpint (store_test_save_account (fixture->db, stored, &error), ==,
                   -1);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);

  g_free (stored->name);
  stored->name = g_strdup ("a/b");
  g_assert_cmpint (store_test_save_account (fixture->db, stored, &error), ==,
                   -1);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* An account removed meanwhile is not brought back by a save. */
  g_assert_true (
      store_test_remove_account (fixture->db, work->id, FALSE, &error));
  g_free (stored->name);
  stored->name = g_strdup ("office");
  g_assert_cmpint (store_test_save_account (fixture->db, stored, &error), ==,
                   -1);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  gone = store_database_get_account (fixture->db, work->id, &error);
  g_assert_null (gone);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_fetch_state (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreAccount) work = make_account ("work");
  g_autoptr (StoreAccount) after = NULL;
  g_autoptr (StoreAccount) later = NULL;
  GError                  *error = NULL;

  work->id = store_test_save_account (fixture->db, work, &error);
  g_assert_no_error (error);

  g_assert_true (store_test_set_fetch_state (fixture->db, work->id, 1695000000,
                                             1695000600, &error));
  g_assert_no_error (error);
  after = store_database_get_account (fixture->db, work->id, &error);
  g_assert_cmpint (after->last_fetch, ==, 1695000000);
  g_assert_cmpint (after->login_not_before, ==, 1695000600);
  /* The settings a user edits are left alone. */
  after->last_fetch = work->last_fetch;
  after->login_not_before = work->login_not_before;
  assert_same_settings (work, after);

  /* 0 keeps the last complete fetch; a fetch never moves it back. */
  g_assert_true (
      store_test_set_fetch_state (fixture->db, work->id, 0, 0, &error));
  g_assert_true (store_test_set_fetch_state (fixture->db, work->id, 1600000000,
                                             0, &error));
  g_assert_no_error (error);
  later = store_database_get_account (fixture->db, work->id, &error);
  g_assert_cmpint (later->last_fetch, ==, 1695000000);
  g_assert_cmpint (later->login_not_before, ==, 0);

  g_assert_false (store_test_set_fetch_state (fixture->db, 9999, 1, 0, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static StoreNewMessage *
message_with_uidl (gint64 date, const char *subject, const char *uidl)
{
  StoreNewMessage *message = store_test_message (date, "Ann", subject, "hi");

  message->uidl = g_strdup (uidl);
  return message;
}

static const StoreLedgerEntry *
entry_for (GPtrArray *ledger, gint64 message_id)
{
  for (guint i = 0; i < ledger->len; i++)
    {
      const StoreLedgerEntry *entry = ledger->pdata[i];

      if (entry->message_id == message_id)
        return entry;
    }
  return NULL;
}

static void
test_ledger (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GPtrArray) other_batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GPtrArray)   ledger = NULL;
  g_autoptr (GPtrArray)   after = NULL;
  g_autoptr (GPtrArray)   forgotten = NULL;
  g_autoptr (GPtrArray)   other_ledger = NULL;
  g_autoptr (GArray)      ids = NULL;
  g_autoptr (GArray)      marked = NULL;
  g_autoptr (GArray)      forget = NULL;
  g_autoptr (GArray)      other_ids = NULL;
  g_autoptr (GArray)      trashed = NULL;
  g_autoptr (GArray)      deleted = NULL;
  const StoreLedgerEntry *entry;
  GError                 *error = NULL;
  gint64                  work;
  gint64                  home;
  gint64                  a, b, c, d;

  work = store_test_add_account (fixture->db, "work", &error);
  home = store_test_add_account (fixture->db, "home", &error);
  g_assert_no_error (error);

  g_ptr_array_add (batch, message_with_uidl (1700000000, "one", "u-1"));
  g_ptr_array_add (batch, message_with_uidl (1700000100, "two", "u-2"));
  /* Two copies under one UIDL (DESIGN.md invariant 9). */
  g_ptr_array_add (batch, message_with_uidl (1700000200, "three", "u-3"));
  g_ptr_array_add (batch, message_with_uidl (1700000300, "three", "u-3"));
  ids = store_test_insert (fixture->db,
                           store_test_folder_id (fixture->db, "work/Inbox"),
                           work, batch, &error);
  g_assert_no_error (error);
  a = g_array_index (ids, gint64, 0);
  b = g_array_index (ids, gint64, 1);
  c = g_array_index (ids, gint64, 2);
  d = g_array_index (ids, gint64, 3);

  g_ptr_array_add (other_batch, message_with_uidl (1700000000, "mine", "u-1"));
  other_ids = store_test_insert (
      fixture->db, store_test_folder_id (fixture->db, "home/Inbox"), home,
      other_batch, &error);
  g_assert_no_error (error);

  ledger = store_database_list_ledger (fixture->db, work, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ledger->len, ==, 4);
  entry = entry_for (ledger, c);
  g_assert_cmpstr (entry->uidl, ==, "u-3");
  g_assert_cmpstr (entry_for (ledger, d)->uidl, ==, "u-3");
  g_assert_cmpint (entry->first_seen, ==, 1700000200 + 60);
  g_assert_false (entry->in_trash);
  g_assert_false (entry->pending_delete);

  /* One to Trash, one deleted for good: both keep their ledger row, so
   * the server copy is never downloaded again (invariant 5). */
  trashed = store_test_ids (1, &a);
  deleted = store_test_ids (1, &b);
  g_assert_true (store_test_trash (fixture->db, trashed, &error));
  g_assert_true (store_test_delete (fixture->db, deleted, &error));
  g_assert_no_error (error);
  after = store_database_list_ledger (fixture->db, work, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 4);
  g_assert_true (entry_for (after, a)->in_trash);
  g_assert_null (entry_for (after, b));
  entry = entry_for (after, 0);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->uidl, ==, "u-2");

  marked = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (marked, entry_for (after, a)->id);
  g_array_append_val (marked, entry_for (after, c)->id);
  g_assert_true (
      store_test_mark_for_server_delete (fixture->db, marked, &error));
  g_assert_no_error (error);

  forget = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (forget, entry_for (after, c)->id);
  g_assert_true (store_test_forget_ledger (fixture->db, forget, &error));
  g_assert_no_error (error);

  forgotten = store_database_list_ledger (fixture->db, work, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (forgotten->len, ==, 3);
  g_assert_null (entry_for (forgotten, c));
  g_assert_true (entry_for (forgotten, a)->pending_delete);
  g_assert_false (entry_for (forgotten, d)->pending_delete);
  /* Forgetting the row leaves the message. */
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM messages"), ==,
      4);

  /* Ledgers are per account, even for the same UIDL. */
  other_ledger = store_database_list_ledger (fixture->db, home, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other_ledger->len, ==, 1);
  g_assert_false (
      ((StoreLedgerEntry *) other_ledger->pdata[0])->pending_delete);

  /* Removing an account takes its ledger with it. */
  g_assert_true (store_test_remove_account (fixture->db, work, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM uidl_ledger"),
      ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/accounts/save-and-read-back", test_save_and_read_back);
  ADD ("/store/accounts/update", test_update);
  ADD ("/store/accounts/fetch-state", test_fetch_state);
  ADD ("/store/accounts/ledger", test_ledger);

  return g_test_run ();
}
