/* test-engine-fetch.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "engine-error.h"
#include "engine-fetch.h"
#include "pigeon-test-async.h"
#include "pigeon-test-dovecot.h"
#include "pigeon-test-files.h"
#include "pop3-error.h"
#include "store-database-private.h"
#include "store-error.h"
#include "store-test-sync.h"

/* The fetch against a real Dovecot over TLS: every policy leaves on the
 * server exactly what it says, messages arrive byte for byte and once,
 * and a fetch stopped part-way loses and duplicates nothing. */

static PigeonTestDovecot *shared_dovecot;

typedef struct
{
  PigeonTestDovecot *dovecot;
  char              *dir;
  char              *path;
  StoreDatabase     *db;
  StoreAccount      *account;
  GPtrArray         *seeded; /* of GBytes, every message ever seeded */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  StoreAccount      *account = store_account_new ();

  if (shared_dovecot == NULL)
    {
      shared_dovecot = pigeon_test_dovecot_new (&error);
      g_assert_no_error (error);
    }
  pigeon_test_dovecot_reset (shared_dovecot, NULL, &error);
  g_assert_no_error (error);
  fixture->dovecot = shared_dovecot;

  fixture->dir = g_dir_make_tmp ("pigeon-fetch-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "pigeon.db", NULL);
  fixture->db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);

  account->name = g_strdup ("work");
  account->email = g_strdup ("alice@example.org");
  account->host = g_strdup ("127.0.0.1");
  account->port = pigeon_test_dovecot_get_tls_port (fixture->dovecot);
  account->user_name =
      g_strdup (pigeon_test_dovecot_get_user (fixture->dovecot));
  account->ca_file =
      g_strdup (pigeon_test_dovecot_get_cert (fixture->dovecot)->cert_path);
  account->id = store_test_save_account (fixture->db, account, &error);
  g_assert_no_error (error);
  fixture->account =
      store_database_get_account (fixture->db, account->id, &error);
  g_assert_no_error (error);
  store_account_free (account);

  fixture->seeded =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->db);
  pigeon_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  store_account_free (fixture->account);
  g_ptr_array_unref (fixture->seeded);
}

/* Saves changed settings and reads the account back. */
static void
update_account (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  store_test_save_account (fixture->db, fixture->account, &error);
  g_assert_no_error (error);
}

/* Delivers @count messages, CRLF already, with a line that travels
 * dot-stuffed; every third is bigger than 4 KiB. */
static void
seed (Fixture *fixture, guint count)
{
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;
  guint              first = fixture->seeded->len + 1;

  for (guint i = 0; i < count; i++)
    {
      guint            n = first + i;
      g_autofree char *filler =
          n % 3 == 0 ? g_strnfill (4200, 'x') : g_strdup ("");
      g_autofree char *text =
          g_strdup_printf ("From: Sender %u <sender%u@example.org>\r\n"
                           "To: alice@example.org\r\n"
                           "Subject: message %u\r\n"
                           "Date: Tue, 1 Aug 2023 10:%02u:%02u +0000\r\n"
                           "Message-ID: <n%u@example.org>\r\n"
                           "\r\n"
                           "Body of message %u.\r\n"
                           ".a line that needs dot-stuffing\r\n"
                           "%s\r\n",
                           n, n, n, (n / 60) % 60, n % 60, n, n, filler);
      GBytes *bytes = g_bytes_new (text, strlen (text));

      g_ptr_array_add (messages, g_bytes_ref (bytes));
      g_ptr_array_add (fixture->seeded, bytes);
    }

  g_assert_true (pigeon_test_dovecot_seed_messages (fixture->dovecot, NULL,
                                                    messages, &error));
  g_assert_no_error (error);
}

static guint
count_files (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  guint            count = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    count++;
  return count;
}

/* The messages the server holds. */
static guint
on_server (Fixture *fixture)
{
  const char *maildir =
      pigeon_test_dovecot_get_maildir (fixture->dovecot, NULL);
  g_autofree char *cur = g_build_filename (maildir, "cur", NULL);
  g_autofree char *new = g_build_filename (maildir, "new", NULL);

  return count_files (cur) + count_files (new);
}

static EngineFetch *
fetch (Fixture *fixture, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  EngineFetch             *job =
      engine_fetch_new (fixture->db, fixture->account,
                        pigeon_test_dovecot_get_password (fixture->dovecot));

  engine_fetch_set_timeout (job, 20);
  engine_fetch_run_async (job, cancellable, pigeon_test_store_result_cb,
                          &result);
  engine_fetch_run_finish (job, pigeon_test_wait_for (&result), error);
  return job;
}

static void
fetch_ok (Fixture *fixture,
          guint    expect_stored,
          guint    expect_kept,
          guint    expect_deleted)
{
  g_autoptr (GError)      error = NULL;
  g_autoptr (EngineFetch) job = fetch (fixture, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, expect_stored);
  g_assert_cmpuint (engine_fetch_get_kept (job), ==, expect_kept);
  g_assert_cmpuint (engine_fetch_get_deleted (job), ==, expect_deleted);
  g_assert_cmpint (engine_fetch_get_phase (job), ==, ENGINE_FETCH_PHASE_DONE);
}

static gint64
sql_int (Fixture *fixture, const char *sql)
{
  return store_test_sql_int (fixture->path, sql);
}

static void
sql_exec (Fixture *fixture, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Every seeded message is in the store exactly once, byte for byte. */
static void
assert_each_stored_once (Fixture *fixture)
{
  g_autoptr (GHashTable) stored = g_hash_table_new_full (
      g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  StoreView             view = { .kind = STORE_VIEW_FOLDER,
                                 .folder_id = fixture->account->inbox_id };
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError)    error = NULL;

  rows = store_database_list (fixture->db, &view, 0, 100000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, fixture->seeded->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = rows->pdata[i];
      GBytes *raw = store_database_get_raw (fixture->db, row->id, &error);

      g_assert_no_error (error);
      g_assert_false (g_hash_table_contains (stored, raw));
      g_hash_table_add (stored, raw);
    }
  for (guint i = 0; i < fixture->seeded->len; i++)
    g_assert_true (g_hash_table_contains (stored, fixture->seeded->pdata[i]));
}

static void
test_delete_after_download (Fixture *fixture, gconstpointer user_data)
{
  seed (fixture, 450);
  fetch_ok (fixture, 450, 0, 450);
  g_assert_cmpuint (on_server (fixture), ==, 0);
  assert_each_stored_once (fixture);
  /* The deleted copies' rows went with them. */
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM uidl_ledger"), ==,
                   0);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages "
                                     "WHERE is_read = 0"),
                   ==, 450);
  g_assert_cmpint (sql_int (fixture, "SELECT last_fetch > 0 FROM accounts"), ==,
                   1);

  seed (fixture, 3);
  fetch_ok (fixture, 3, 0, 3);
  g_assert_cmpuint (on_server (fixture), ==, 0);
  assert_each_stored_once (fixture);
}

static void
test_keep_forever (Fixture *fixture, gconstpointer user_data)
{
  fixture->account->keep_on_server = TRUE;
  update_account (fixture);

  seed (fixture, 5);
  fetch_ok (fixture, 5, 5, 0);
  fetch_ok (fixture, 0, 5, 0);
  seed (fixture, 2);
  fetch_ok (fixture, 2, 7, 0);
  g_assert_cmpuint (on_server (fixture), ==, 7);
  assert_each_stored_once (fixture);
}

static void
test_keep_n_days (Fixture *fixture, gconstpointer user_data)
{
  fixture->account->keep_on_server = TRUE;
  fixture->account->delete_after_days = 7;
  update_account (fixture);

  seed (fixture, 3);
  fetch_ok (fixture, 3, 3, 0);

  /* Two copies were first seen eight days ago, one six. */
  sql_exec (fixture, "UPDATE uidl_ledger SET first_seen = strftime('%s') - "
                     "8 * 86400 WHERE id IN (SELECT id FROM uidl_ledger "
                     "ORDER BY id LIMIT 2)");
  sql_exec (fixture, "UPDATE uidl_ledger SET first_seen = strftime('%s') - "
                     "6 * 86400 WHERE id = (SELECT max (id) FROM uidl_ledger)");
  fetch_ok (fixture, 0, 1, 2);
  g_assert_cmpuint (on_server (fixture), ==, 1);
  /* Expiry on the server leaves the local copies alone. */
  assert_each_stored_once (fixture);
}

static void
test_delete_when_deleted_locally (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GArray)    trashed = NULL;
  g_autoptr (GArray)    deleted = NULL;
  g_autoptr (GError)    error = NULL;
  StoreView             view = { .kind = STORE_VIEW_FOLDER,
                                 .folder_id = fixture->account->inbox_id };
  gint64                id;

  fixture->account->keep_on_server = TRUE;
  fixture->account->delete_when_deleted_locally = TRUE;
  update_account (fixture);

  seed (fixture, 4);
  fetch_ok (fixture, 4, 4, 0);

  rows = store_database_list (fixture->db, &view, 0, 10, &error);
  g_assert_no_error (error);
  id = ((StoreMessageRow *) rows->pdata[0])->id;
  trashed = store_test_ids (1, &id);
  id = ((StoreMessageRow *) rows->pdata[1])->id;
  deleted = store_test_ids (1, &id);
  g_assert_true (store_test_trash (fixture->db, trashed, &error));
  g_assert_true (store_test_delete (fixture->db, deleted, &error));
  g_assert_no_error (error);

  fetch_ok (fixture, 0, 2, 2);
  g_assert_cmpuint (on_server (fixture), ==, 2);
  /* Deleted here and gone there: never downloaded again. */
  fetch_ok (fixture, 0, 2, 0);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages"), ==, 3);
}

static void
test_size_limit (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gint64             partial_id;
  g_autoptr (GBytes) raw = NULL;
  const char        *text;

  fixture->account->size_limit = 4; /* KiB: message 3 is over it */
  update_account (fixture);

  seed (fixture, 3);
  /* 1 and 2 whole, and deleted; 3 headers only, left on the server. */
  fetch_ok (fixture, 3, 1, 2);
  g_assert_cmpuint (on_server (fixture), ==, 1);

  partial_id = sql_int (fixture, "SELECT id FROM messages WHERE status & 4");
  g_assert_cmpint (partial_id, >, 0);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages "
                                     "WHERE status & 4"),
                   ==, 1);
  raw = store_database_get_raw (fixture->db, partial_id, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (raw, NULL);
  g_assert_nonnull (g_strstr_len (text, (gssize) g_bytes_get_size (raw),
                                  "Subject: message 3\r\n"));
  g_assert_null (g_strstr_len (text, (gssize) g_bytes_get_size (raw),
                               "Body of message 3"));

  /* The next fetch neither downloads it again nor deletes it. */
  fetch_ok (fixture, 0, 1, 0);
  g_assert_cmpuint (on_server (fixture), ==, 1);
}

static gboolean
found_by (Fixture *fixture, const char *query, gint64 id)
{
  g_autoptr (GError)    error = NULL;
  g_autoptr (GPtrArray) rows =
      store_test_search (fixture->db, query, 100, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    if (((StoreMessageRow *) rows->pdata[i])->id == id)
      return TRUE;
  return FALSE;
}

static gint64
fetch_headers_only (Fixture *fixture)
{
  fixture->account->size_limit = 4; /* KiB: message 3 is over it */
  update_account (fixture);
  seed (fixture, 3);
  fetch_ok (fixture, 3, 1, 2);
  return sql_int (fixture, "SELECT id FROM messages WHERE status & 4");
}

static EngineFetch *
fetch_rest (Fixture *fixture, gint64 id, GError **error)
{
  g_autoptr (GArray)       ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GAsyncResult) result = NULL;
  EngineFetch             *job =
      engine_fetch_new (fixture->db, fixture->account,
                        pigeon_test_dovecot_get_password (fixture->dovecot));

  g_array_append_val (ids, id);
  engine_fetch_set_complete (job, ids);
  engine_fetch_run_async (job, NULL, pigeon_test_store_result_cb, &result);
  engine_fetch_run_finish (job, pigeon_test_wait_for (&result), error);
  return job;
}

/* "Download the rest": the headers-only copy becomes the whole message,
 * byte for byte, keeps its flags and folder, and is found by its body;
 * the server copy then goes as the policy says (delete after download). */
static void
test_download_rest (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError)      error = NULL;
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GArray)      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray)   attachments = NULL;
  gint64                  id = fetch_headers_only (fixture);

  g_array_append_val (ids, id);
  g_assert_true (store_test_set_flags (
      fixture->db, ids, STORE_FLAG_READ | STORE_FLAG_FLAGGED,
      STORE_FLAG_READ | STORE_FLAG_FLAGGED, &error));
  g_assert_no_error (error);
  g_assert_false (found_by (fixture, "body:body", id));

  job = fetch_rest (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (engine_fetch_get_completed (job), ==, 1);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, 0);
  g_assert_cmpuint (engine_fetch_get_deleted (job), ==, 1);
  g_assert_cmpuint (on_server (fixture), ==, 0);

  assert_each_stored_once (fixture);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages "
                                     "WHERE status & 4"),
                   ==, 0);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages "
                                     "WHERE is_read AND is_flagged"),
                   ==, 1);
  g_assert_true (found_by (fixture, "body:body", id));
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM uidl_ledger"), ==,
                   0);
}

/* As a message deleted on the server by another client. */
static void
empty_dir (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char      *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
}

/* The server lost the rest: a clear error, nothing changed here. */
static void
test_rest_gone (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError)      error = NULL;
  g_autoptr (EngineFetch) job = NULL;
  gint64                  id = fetch_headers_only (fixture);
  const char             *maildir =
      pigeon_test_dovecot_get_maildir (fixture->dovecot, NULL);
  g_autofree char *cur = g_build_filename (maildir, "cur", NULL);
  g_autofree char *new = g_build_filename (maildir, "new", NULL);

  empty_dir (cur);
  empty_dir (new);

  job = fetch_rest (fixture, id, &error);
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_ON_SERVER);
  g_assert_true (g_str_has_prefix (error->message, "work: the server no "
                                                   "longer has the rest"));
  g_assert_cmpuint (engine_fetch_get_completed (job), ==, 0);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages "
                                     "WHERE status & 4"),
                   ==, 1);
}

static void
cancel_after_250 (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  if (engine_fetch_get_messages_done (ENGINE_FETCH (object)) >= 250)
    g_cancellable_cancel (user_data);
}

/* Stopped part-way, nothing is deleted on the server and nothing is
 * stored twice when the next fetch finishes the job. */
static void
test_cancel_midway (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (EngineFetch)  job = NULL;
  g_autoptr (GError)       error = NULL;
  guint                    first;

  seed (fixture, 600);
  job = engine_fetch_new (fixture->db, fixture->account,
                          pigeon_test_dovecot_get_password (fixture->dovecot));
  g_signal_connect (job, "notify::messages-done", G_CALLBACK (cancel_after_250),
                    cancellable);
  engine_fetch_run_async (job, cancellable, pigeon_test_store_result_cb,
                          &result);
  g_assert_false (
      engine_fetch_run_finish (job, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  first = engine_fetch_get_stored (job);
  g_assert_cmpuint (first, >=, 200);
  g_assert_cmpuint (first, <, 600);
  g_assert_cmpuint (on_server (fixture), ==, 600);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages"), ==,
                   first);

  fetch_ok (fixture, 600 - first, 0, 600);
  g_assert_cmpuint (on_server (fixture), ==, 0);
  assert_each_stored_once (fixture);
}

static void
set_max_pages (Fixture *fixture, guint pages)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;

  _store_database_set_max_page_count (fixture->db, pages, NULL,
                                      pigeon_test_store_result_cb, &result);
  g_assert_true (_store_database_set_max_page_count_finish (
      fixture->db, pigeon_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

/* The disk fills up mid-fetch: the fetch stops with a clear error,
 * deletes nothing on the server, leaves no message without its ledger
 * row; with room again the next fetch completes, without duplicates. */
static void
test_full_disk (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;
  gint64                  pages;

  seed (fixture, 900);
  /* Free pages count too: the migrations leave some (003 drops a table). */
  pages = sql_int (fixture, "PRAGMA page_count") -
          sql_int (fixture, "PRAGMA freelist_count");
  /* Room for about 400 KB, the first chunk or so of the 1.5 MB. */
  set_max_pages (
      fixture,
      (guint) (pages + 400 * 1024 / sql_int (fixture, "PRAGMA page_size")));

  job = fetch (fixture, NULL, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  /* Several accounts fetch at once: the error names its account. */
  g_assert_true (g_str_has_prefix (error->message, "work: "));
  g_assert_cmpuint (on_server (fixture), ==, 900);
  g_assert_cmpuint (engine_fetch_get_stored (job), <, 900);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages"), ==,
                   engine_fetch_get_stored (job));
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM uidl_ledger"), ==,
                   engine_fetch_get_stored (job));

  set_max_pages (fixture, G_MAXINT);
  fetch_ok (fixture, 900 - engine_fetch_get_stored (job), 0, 900);
  g_assert_cmpuint (on_server (fixture), ==, 0);
  assert_each_stored_once (fixture);
}

static void
test_wrong_password (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (EngineFetch)  job =
      engine_fetch_new (fixture->db, fixture->account, "not the password");
  g_autoptr (GError) error = NULL;

  seed (fixture, 2);
  engine_fetch_run_async (job, NULL, pigeon_test_store_result_cb, &result);
  g_assert_false (
      engine_fetch_run_finish (job, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_AUTH_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "work: "));
  g_assert_cmpuint (on_server (fixture), ==, 2);
  g_assert_cmpint (sql_int (fixture, "SELECT count(*) FROM messages"), ==, 0);
}

/* Two fetches of one account never run at once. */
static void
test_busy (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GAsyncResult) first_result = NULL;
  g_autoptr (GAsyncResult) second_result = NULL;
  const char *password = pigeon_test_dovecot_get_password (fixture->dovecot);
  g_autoptr (EngineFetch) first =
      engine_fetch_new (fixture->db, fixture->account, password);
  g_autoptr (EngineFetch) second =
      engine_fetch_new (fixture->db, fixture->account, password);
  g_autoptr (GError) error = NULL;

  seed (fixture, 3);
  engine_fetch_run_async (first, NULL, pigeon_test_store_result_cb,
                          &first_result);
  engine_fetch_run_async (second, NULL, pigeon_test_store_result_cb,
                          &second_result);
  g_assert_false (engine_fetch_run_finish (
      second, pigeon_test_wait_for (&second_result), &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (engine_fetch_run_finish (
      first, pigeon_test_wait_for (&first_result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (engine_fetch_get_stored (first), ==, 3);

  /* Free again once the first is done. */
  fetch_ok (fixture, 0, 0, 0);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine/fetch/delete-after-download", test_delete_after_download);
  ADD ("/engine/fetch/keep-forever", test_keep_forever);
  ADD ("/engine/fetch/keep-n-days", test_keep_n_days);
  ADD ("/engine/fetch/delete-when-deleted-locally",
       test_delete_when_deleted_locally);
  ADD ("/engine/fetch/size-limit", test_size_limit);
  ADD ("/engine/fetch/download-rest", test_download_rest);
  ADD ("/engine/fetch/rest-gone", test_rest_gone);
  ADD ("/engine/fetch/cancel-midway", test_cancel_midway);
  ADD ("/engine/fetch/full-disk", test_full_disk);
  ADD ("/engine/fetch/wrong-password", test_wrong_password);
  ADD ("/engine/fetch/busy", test_busy);

  status = g_test_run ();
  g_clear_pointer (&shared_dovecot, pigeon_test_dovecot_free);
  return status;
}
