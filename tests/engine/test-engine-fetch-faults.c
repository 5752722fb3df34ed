/* test-engine-fetch-faults.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "engine-error.h"
#include "engine-fetch.h"
#include "pigeon-fault-server.h"
#include "pigeon-test-async.h"
#include "pigeon-test-cert.h"
#include "pigeon-test-files.h"
#include "pop3-error.h"
#include "store-test-sync.h"
#include "store-test-vfs.h"

/* The fetch against servers that do what Dovecot does not: response
 * codes, no UIDL, duplicate UIDLs, drops mid-message, withheld STLS and a
 * changed certificate. Each checks what reached the store and which
 * commands reached the server: no DELE without a stored message, no QUIT
 * after a failure, no password where it must not go. */

#define WAIT_MS 10000
#define USER "jo"
#define PASSWORD "secret-123"

typedef struct
{
  char          *dir;
  char          *path;
  StoreDatabase *db;
  StoreAccount  *account;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError)       error = NULL;
  g_autoptr (StoreAccount) account = store_account_new ();

  fixture->dir = g_dir_make_tmp ("pigeon-fetch-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "pigeon.db", NULL);
  fixture->db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);

  account->name = g_strdup ("odd");
  account->email = g_strdup ("jo@example.org");
  account->host = g_strdup ("127.0.0.1");
  g_free (account->security);
  account->security = g_strdup ("none");
  account->allow_insecure_auth = TRUE;
  g_free (account->auth);
  account->auth = g_strdup ("user");
  account->user_name = g_strdup (USER);
  account->id = store_test_save_account (fixture->db, account, &error);
  g_assert_no_error (error);
  fixture->account =
      store_database_get_account (fixture->db, account->id, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->db);
  pigeon_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  store_account_free (fixture->account);
}

static void
save (Fixture *fixture)
{
  g_autoptr (GError)       error = NULL;
  g_autoptr (StoreAccount) stored = NULL;

  store_test_save_account (fixture->db, fixture->account, &error);
  g_assert_no_error (error);
  /* Read back what a fetch would read (the fetch state included). */
  stored =
      store_database_get_account (fixture->db, fixture->account->id, &error);
  g_assert_no_error (error);
  store_account_free (fixture->account);
  fixture->account = g_steal_pointer (&stored);
}

/* The server expects @command and answers a bare "+OK". */
static void
script_ok (PigeonFaultServer *server, const char *command)
{
  pigeon_fault_server_expect (server, command);
  pigeon_fault_server_send (server, "+OK\r\n");
}

/* Greeting, CAPA with @capa (NULL-ended), USER and PASS accepted. */
static void
script_login (PigeonFaultServer *server, const char *const *capa)
{
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capav (server, capa);
  script_ok (server, "USER " USER);
  pigeon_fault_server_expect (server, "PASS " PASSWORD);
  pigeon_fault_server_send (server, "+OK logged in\r\n");
}

/* Greeting, CAPA refused (a plain RFC 1939 server), USER and PASS
 * accepted. */
static void
script_login_without_capa (PigeonFaultServer *server)
{
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send (server, "-ERR what is CAPA\r\n");
  script_ok (server, "USER " USER);
  script_ok (server, "PASS " PASSWORD);
}

static const char *const capa_uidl[] = { "USER", "UIDL", "TOP", "RESP-CODES",
                                         NULL };

/* Message 2's reply, of which only the first 30 bytes are sent before
 * the connection drops. */
#define MESSAGE_TWO_CUT_SHORT                                                  \
  "+OK\r\nSubject: two\r\n\r\nsecond message, cut short\r\n.\r\n"

/* Logged in, then LIST and UIDL of two messages, u-one and u-two, of
 * @size_one and @size_two octets. */
static void
script_two_listed (PigeonFaultServer *server,
                   const char        *size_one,
                   const char        *size_two)
{
  g_autofree char *one = g_strconcat ("1 ", size_one, NULL);
  g_autofree char *two = g_strconcat ("2 ", size_two, NULL);

  script_login (server, capa_uidl);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", one, two, NULL);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send_multiline (server, "+OK", "1 u-one", "2 u-two",
                                      NULL);
}

/* Logged in, then LIST and UIDL of one message, u-one, of 40 octets. */
static void
script_one_listed (PigeonFaultServer *server)
{
  script_login (server, capa_uidl);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 40", NULL);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send_multiline (server, "+OK", "1 u-one", NULL);
}

/* ... and that message retrieved. */
static void
script_one_retrieved (PigeonFaultServer *server)
{
  script_one_listed (server);
  pigeon_fault_server_expect (server, "RETR 1");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: one", "",
                                      "first", NULL);
}

/* @rest: (nullable): messages whose rest to download */
static EngineFetch *
run_fetch_with_rest (Fixture           *fixture,
                     PigeonFaultServer *server,
                     GArray            *rest,
                     GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       start_error = NULL;
  EngineFetch             *job;

  g_assert_true (pigeon_fault_server_start (server, &start_error));
  g_assert_no_error (start_error);
  fixture->account->port = pigeon_fault_server_get_port (server);
  job = engine_fetch_new (fixture->db, fixture->account, PASSWORD);
  engine_fetch_set_timeout (job, 10);
  engine_fetch_set_complete (job, rest);
  engine_fetch_run_async (job, NULL, pigeon_test_store_result_cb, &result);
  engine_fetch_run_finish (job, pigeon_test_wait_for (&result), error);
  return job;
}

static EngineFetch *
run_fetch (Fixture *fixture, PigeonFaultServer *server, GError **error)
{
  return run_fetch_with_rest (fixture, server, NULL, error);
}

static void
assert_script_done (PigeonFaultServer *server)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

static gint64
count (Fixture *fixture, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return store_test_sql_int (fixture->path, sql);
}

/* A server's -ERR at PASS: the code decides what the user reads, and
 * the fetch stops there without QUIT. */
static void
fail_at_pass (Fixture    *fixture,
              const char *reply,
              int         code,
              const char *user_words)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capav (server, capa_uidl);
  script_ok (server, "USER " USER);
  pigeon_fault_server_expect (server, "PASS " PASSWORD);
  pigeon_fault_server_send (server, reply);

  job = run_fetch (fixture, server, &error);
  g_assert_error (error, POP3_ERROR, code);
  if (strstr (error->message, user_words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, user_words);
  /* The server's own words stay. */
  g_assert_nonnull (strstr (error->message, "server words"));
  g_assert_true (g_str_has_prefix (error->message, "odd: "));
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "QUIT"));
  g_assert_cmpint (count (fixture, "messages"), ==, 0);
}

static void
test_in_use (Fixture *fixture, gconstpointer user_data)
{
  fail_at_pass (fixture, "-ERR [IN-USE] server words\r\n",
                POP3_ERROR_MAILBOX_IN_USE, "in use by another client");
}

static void
test_sys_temp (Fixture *fixture, gconstpointer user_data)
{
  fail_at_pass (fixture, "-ERR [SYS/TEMP] server words\r\n",
                POP3_ERROR_SYS_TEMP, "passing fault");
}

static void
test_auth (Fixture *fixture, gconstpointer user_data)
{
  fail_at_pass (fixture, "-ERR [AUTH] server words\r\n", POP3_ERROR_AUTH_FAILED,
                "refused the user name or password");
}

static void
test_bad_password_without_code (Fixture *fixture, gconstpointer user_data)
{
  fail_at_pass (fixture, "-ERR server words\r\n", POP3_ERROR_AUTH_FAILED,
                "refused the user name or password");
}

/* [LOGIN-DELAY]: no login before the server allows it, not even a
 * connection; with no delay announced, five minutes. */
static void
test_login_delay (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (EngineFetch)  again = NULL;
  g_autoptr (GError)       error = NULL;
  g_autoptr (StoreAccount) stored = NULL;
  gint64                   before = g_get_real_time () / G_USEC_PER_SEC;

  fail_at_pass (fixture, "-ERR [LOGIN-DELAY] server words\r\n",
                POP3_ERROR_LOGIN_DELAY, "allows no login yet");

  stored =
      store_database_get_account (fixture->db, fixture->account->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->login_not_before, >=, before + 300);
  g_assert_cmpint (stored->login_not_before, <=, before + 300 + 60);

  /* Port 1 on loopback: nothing listens, so a connection would fail
   * with another error. */
  stored->port = 1;
  again = engine_fetch_new (fixture->db, stored, PASSWORD);
  engine_fetch_run_async (again, NULL, pigeon_test_store_result_cb, &result);
  g_assert_false (
      engine_fetch_run_finish (again, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_TOO_SOON);
  g_assert_true (g_str_has_prefix (error->message, "odd: the server allows "
                                                   "the next login at "));
}

static void
script_empty_listing (PigeonFaultServer *server)
{
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", NULL);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send_multiline (server, "+OK", NULL);
  pigeon_fault_server_expect (server, "QUIT");
  pigeon_fault_server_send (server, "+OK bye\r\n");
}

/* CAPA's LOGIN-DELAY is remembered after a good fetch. */
static void
test_login_delay_announced (Fixture *fixture, gconstpointer user_data)
{
  const char *const capa[] = { "USER", "UIDL", "LOGIN-DELAY 900", NULL };
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch)  job = NULL;
  g_autoptr (GError)       error = NULL;
  g_autoptr (StoreAccount) stored = NULL;
  gint64                   before = g_get_real_time () / G_USEC_PER_SEC;

  script_login (server, capa);
  script_empty_listing (server);
  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  assert_script_done (server);

  stored =
      store_database_get_account (fixture->db, fixture->account->id, &error);
  g_assert_cmpint (stored->login_not_before, >=, before + 900);
  g_assert_cmpint (stored->login_not_before, <=, before + 900 + 60);
  g_assert_cmpint (stored->last_fetch, >=, before);
}

/* Without UIDL, copies cannot be kept: refused before any download. */
static void
test_no_uidl_keep_refused (Fixture *fixture, gconstpointer user_data)
{
  const char *const             capa[] = { "USER", "TOP", NULL };
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  fixture->account->keep_on_server = TRUE;
  save (fixture);
  script_login (server, capa);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 40", NULL);

  job = run_fetch (fixture, server, &error);
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_NO_UIDL);
  g_assert_nonnull (strstr (error->message, "keep copies"));
  g_assert_true (g_str_has_prefix (error->message, "odd: the server cannot "));
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "RETR"));
  g_assert_cmpint (count (fixture, "messages"), ==, 0);
}

/* The rest of a message is asked for from a server that no longer has
 * UIDL: refused before any download, saying why. */
static void
test_no_uidl_rest_refused (Fixture *fixture, gconstpointer user_data)
{
  const char *const             capa[] = { "USER", "TOP", NULL };
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;
  g_autoptr (GArray)      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64                  id = 42;

  script_login (server, capa);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 40", NULL);
  g_array_append_val (ids, id);
  job = run_fetch_with_rest (fixture, server, ids, &error);
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_NO_UIDL);
  g_assert_nonnull (strstr (error->message, "has no UIDL now"));
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "RETR"));
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "DELE"));
}

/* Without UIDL, delete-after-download still works: each message is on
 * the disk before its DELE. A server without CAPA at all is tried with
 * UIDL, and its -ERR means "no UIDL". */
static void
test_no_uidl_delete_after_download (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  script_login_without_capa (server);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 40", "2 41", NULL);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send (server, "-ERR no such command\r\n");
  pigeon_fault_server_expect (server, "RETR 1");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: one", "",
                                      "first", NULL);
  pigeon_fault_server_expect (server, "RETR 2");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: two", "",
                                      "second", NULL);
  script_ok (server, "DELE 1");
  script_ok (server, "DELE 2");
  script_ok (server, "QUIT");

  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  assert_script_done (server);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, 2);
  g_assert_cmpuint (engine_fetch_get_deleted (job), ==, 2);
  g_assert_cmpint (count (fixture, "messages"), ==, 2);
  g_assert_cmpint (count (fixture, "uidl_ledger"), ==, 0);
}

/* Two copies under one UIDL (DESIGN.md invariant 9): both downloaded,
 * each with its row, and both deleted, each because it has a row. */
static void
test_duplicate_uidls (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  script_login (server, capa_uidl);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 40", "2 60", NULL);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send_multiline (server, "+OK", "1 same", "2 same", NULL);
  pigeon_fault_server_expect (server, "RETR 1");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: list copy", "",
                                      "hello", NULL);
  pigeon_fault_server_expect (server, "RETR 2");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: cc copy", "",
                                      "hello again", NULL);
  script_ok (server, "DELE 1");
  script_ok (server, "DELE 2");
  script_ok (server, "QUIT");

  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  assert_script_done (server);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, 2);
  g_assert_cmpuint (engine_fetch_get_deleted (job), ==, 2);
  g_assert_cmpint (count (fixture, "messages"), ==, 2);
  g_assert_cmpint (count (fixture, "uidl_ledger"), ==, 0);
}

/* The connection drops in the middle of message 2: message 1 is stored,
 * nothing is deleted, no QUIT; the next fetch gets message 2 only. */
static void
test_drop_mid_message (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (PigeonFaultServer) second =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (EngineFetch) again = NULL;
  g_autoptr (GError)      error = NULL;

  script_two_listed (server, "40", "50");
  pigeon_fault_server_expect (server, "RETR 1");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: one", "",
                                      "first", NULL);
  pigeon_fault_server_expect (server, "RETR 2");
  pigeon_fault_server_send_partial_then_close (server, MESSAGE_TWO_CUT_SHORT,
                                               30);

  job = run_fetch (fixture, server, &error);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);
  assert_script_done (server);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, 1);
  g_assert_cmpint (count (fixture, "messages"), ==, 1);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "DELE"));

  script_two_listed (second, "40", "50");
  pigeon_fault_server_expect (second, "RETR 2");
  pigeon_fault_server_send_multiline (second, "+OK", "Subject: two", "",
                                      "second", NULL);
  /* Delete after download: both are on the disk now. */
  script_ok (second, "DELE 1");
  script_ok (second, "DELE 2");
  script_ok (second, "QUIT");
  again = run_fetch (fixture, second, &error);
  g_assert_no_error (error);
  assert_script_done (second);
  g_assert_cmpuint (engine_fetch_get_stored (again), ==, 1);
  g_assert_cmpint (count (fixture, "messages"), ==, 2);
  g_assert_cmpint (count (fixture, "uidl_ledger"), ==, 0);
}

/* The rest of two headers-only messages is asked for and the connection
 * drops inside the second: the first is completed, the second stays
 * headers only, and the fetch ends with the error (it hung once: the
 * store was handed more ids than messages). */
static void
test_rest_cut_short (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (PigeonFaultServer) second =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (EngineFetch) again = NULL;
  g_autoptr (GError)      error = NULL;
  g_autoptr (GArray)      ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  fixture->account->size_limit = 1; /* KiB */
  save (fixture);
  script_two_listed (server, "5000", "5000");
  pigeon_fault_server_expect (server, "TOP 1 0");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: one", "", NULL);
  pigeon_fault_server_expect (server, "TOP 2 0");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: two", "", NULL);
  script_ok (server, "QUIT");
  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  assert_script_done (server);
  g_assert_cmpint (count (fixture, "messages WHERE status & 4"), ==, 2);

  script_two_listed (second, "5000", "5000");
  pigeon_fault_server_expect (second, "RETR 1");
  pigeon_fault_server_send_multiline (second, "+OK", "Subject: one", "",
                                      "first, whole", NULL);
  pigeon_fault_server_expect (second, "RETR 2");
  pigeon_fault_server_send_partial_then_close (second, MESSAGE_TWO_CUT_SHORT,
                                               30);

  for (gint64 id = 1; id <= 2; id++)
    {
      g_autofree char *sql = g_strdup_printf (
          "SELECT message_id FROM uidl_ledger WHERE uidl = 'u-%s'",
          id == 1 ? "one" : "two");
      gint64 message = store_test_sql_int (fixture->path, sql);

      g_array_append_val (ids, message);
    }
  again = run_fetch_with_rest (fixture, second, ids, &error);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CONNECTION_CLOSED);
  assert_script_done (second);
  g_assert_cmpuint (engine_fetch_get_completed (again), ==, 1);
  g_assert_cmpint (count (fixture, "messages WHERE status & 4"), ==, 1);
  g_assert_cmpint (count (fixture, "messages"), ==, 2);
  g_assert_false (pigeon_fault_server_received_has_prefix (second, "DELE"));
}

/* The fetch tells the user that the server cannot send headers only,
 * and both messages of 5000 octets are stored whole. */
static void
assert_fetched_whole (Fixture *fixture, PigeonFaultServer *server)
{
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  g_test_expect_message ("pigeon-engine", G_LOG_LEVEL_MESSAGE,
                         "odd: the server cannot send headers only*");
  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  assert_script_done (server);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, 2);
  g_assert_cmpint (count (fixture, "messages"), ==, 2);
  g_assert_cmpint (count (fixture, "messages WHERE status & 4"), ==, 0);
  /* Progress counts them whole, and reaches its total. */
  g_assert_cmpuint (engine_fetch_get_bytes_total (job), ==, 10000);
  g_assert_cmpuint (engine_fetch_get_bytes_done (job), ==, 10000);
}

/* Logged in, LIST and UIDL of two messages of 5000 octets, to an account
 * that keeps copies and takes 1 KiB whole. */
static void
script_two_over_limit (Fixture *fixture, PigeonFaultServer *server)
{
  fixture->account->size_limit = 1; /* KiB */
  fixture->account->keep_on_server = TRUE;
  save (fixture);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 5000", "2 5000", NULL);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send_multiline (server, "+OK", "1 u-one", "2 u-two",
                                      NULL);
}

/* RETR of both, then QUIT. */
static void
script_two_retrieved (PigeonFaultServer *server)
{
  pigeon_fault_server_expect (server, "RETR 1");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: one", "",
                                      "first", NULL);
  pigeon_fault_server_expect (server, "RETR 2");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: two", "",
                                      "second", NULL);
  script_ok (server, "QUIT");
}

/* A server whose CAPA has no TOP: messages over the size limit come
 * whole, and no TOP is tried. */
static void
test_size_limit_without_top (Fixture *fixture, gconstpointer user_data)
{
  const char *const             capa[] = { "USER", "UIDL", NULL };
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);

  script_login (server, capa);
  script_two_over_limit (fixture, server);
  script_two_retrieved (server);

  assert_fetched_whole (fixture, server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "TOP"));
}

/* A server without CAPA is asked for TOP; its -ERR means it has none,
 * and the messages are asked for again, whole, on the same connection:
 * a size limit never keeps mail on the server for good. */
static void
test_size_limit_top_refused (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);

  script_login_without_capa (server);
  script_two_over_limit (fixture, server);
  pigeon_fault_server_expect (server, "TOP 1 0");
  pigeon_fault_server_send (server, "-ERR no such command\r\n");
  script_two_retrieved (server);

  assert_fetched_whole (fixture, server);
}

/* A server that has answered TOP and then refuses one has lost that
 * message: the fetch stops there, as for RETR, and nothing is fetched
 * whole past the user's size limit. The refusal comes first in a later
 * chunk (the engine asks for 200 messages at a time), where nothing of
 * its own chunk has come yet. */
static void
test_size_limit_top_fails_later (Fixture *fixture, gconstpointer user_data)
{
  const guint                   total = 201;
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;
  g_autoptr (GString)     list = g_string_new ("+OK\r\n");
  g_autoptr (GString)     uidl = g_string_new ("+OK\r\n");

  fixture->account->size_limit = 1; /* KiB */
  fixture->account->keep_on_server = TRUE;
  save (fixture);
  for (guint i = 1; i <= total; i++)
    {
      g_string_append_printf (list, "%u 5000\r\n", i);
      g_string_append_printf (uidl, "%u u-%u\r\n", i, i);
    }
  g_string_append (list, ".\r\n");
  g_string_append (uidl, ".\r\n");

  script_login (server, capa_uidl);
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send (server, list->str);
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send (server, uidl->str);
  for (guint i = 1; i < total; i++)
    {
      g_autofree char *top = g_strdup_printf ("TOP %u 0", i);

      pigeon_fault_server_expect (server, top);
      pigeon_fault_server_send_multiline (server, "+OK", "Subject: early", "",
                                          NULL);
    }
  pigeon_fault_server_expect (server, "TOP 201 0");
  pigeon_fault_server_send (server, "-ERR no such message\r\n");

  job = run_fetch (fixture, server, &error);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_SERVER);
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "RETR"));
  g_assert_cmpint (count (fixture, "messages WHERE status & 4"), ==, total - 1);
  /* Headers are not what the bytes of progress count. */
  g_assert_cmpuint (engine_fetch_get_messages_done (job), ==, total - 1);
  g_assert_cmpuint (engine_fetch_get_messages_total (job), ==, total);
  g_assert_cmpuint (engine_fetch_get_bytes_total (job), ==, 0);
  g_assert_cmpuint (engine_fetch_get_bytes_done (job), ==, 0);
}

typedef struct
{
  EngineFetchPhase phase;
  guint            delay_ms; /* after the phase began */
  GCancellable    *cancellable;
} CancelAt;

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancels from the main loop once the fetch is in the phase asked for,
 * as a user's click would, not from within the fetch's own call. */
static void
phase_cb (EngineFetch *job, GParamSpec *pspec, gpointer user_data)
{
  CancelAt *at = user_data;

  if (engine_fetch_get_phase (job) == at->phase)
    g_timeout_add_full (G_PRIORITY_DEFAULT, at->delay_ms, cancel_cb,
                        g_object_ref (at->cancellable), g_object_unref);
}

/* Runs a fetch against @server that is cancelled @delay_ms into
 * @phase. */
static EngineFetch *
run_fetch_cancelled_in (Fixture           *fixture,
                        PigeonFaultServer *server,
                        EngineFetchPhase   phase,
                        guint              delay_ms,
                        GError           **error)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       start_error = NULL;
  CancelAt                 at = { phase, delay_ms, cancellable };
  EngineFetch             *job;

  g_assert_true (pigeon_fault_server_start (server, &start_error));
  g_assert_no_error (start_error);
  fixture->account->port = pigeon_fault_server_get_port (server);
  job = engine_fetch_new (fixture->db, fixture->account, PASSWORD);
  engine_fetch_set_timeout (job, 10);
  g_signal_connect (job, "notify::phase", G_CALLBACK (phase_cb), &at);
  engine_fetch_run_async (job, cancellable, pigeon_test_store_result_cb,
                          &result);
  engine_fetch_run_finish (job, pigeon_test_wait_for (&result), error);
  g_signal_handlers_disconnect_by_data (job, &at);
  return job;
}

/* Cancelled while logging in (the server is slow to answer CAPA):
 * nothing stored, no password sent, no QUIT. */
static void
test_cancel_while_connecting (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_stall (server, 2000);

  job = run_fetch_cancelled_in (fixture, server, ENGINE_FETCH_PHASE_CONNECTING,
                                300, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "USER"));
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "QUIT"));
  g_assert_cmpint (count (fixture, "messages"), ==, 0);
}

/* Cancelled while deleting what was stored: the connection drops without
 * QUIT, so the server deletes nothing (RFC 1939 §6); the message stays
 * stored once, its ledger row with it, and the next fetch deletes it
 * without downloading it again. */
static void
test_cancel_while_deleting (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (PigeonFaultServer) again =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (EngineFetch) second = NULL;
  g_autoptr (GError)      error = NULL;

  script_one_retrieved (server);
  pigeon_fault_server_expect (server, "DELE 1");
  pigeon_fault_server_stall (server, 2000);

  job = run_fetch_cancelled_in (fixture, server, ENGINE_FETCH_PHASE_CLEANING,
                                300, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "QUIT"));
  g_assert_cmpint (count (fixture, "messages"), ==, 1);
  g_assert_cmpint (count (fixture, "uidl_ledger WHERE uidl = 'u-one'"), ==, 1);
  g_clear_error (&error);

  script_one_listed (again);
  script_ok (again, "DELE 1");
  script_ok (again, "QUIT");
  second = run_fetch (fixture, again, &error);
  g_assert_no_error (error);
  assert_script_done (again);
  g_assert_false (pigeon_fault_server_received_has_prefix (again, "RETR"));
  g_assert_cmpuint (engine_fetch_get_deleted (second), ==, 1);
  g_assert_cmpint (count (fixture, "messages"), ==, 1);
}

static void
snapshot_wal_syncs (gpointer server, gpointer data)
{
  *(guint *) data = store_test_vfs_wal_syncs ();
}

/* The message is on the disk for sure before its DELE (DESIGN.md, the
 * no-loss contract): when the DELE reaches the server, the store's WAL
 * has been synced since the fetch began, which commits at the store's
 * usual synchronous=NORMAL never do. Without that, a power cut just
 * after the DELE could take the only copy. */
static void
test_durable_before_dele (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;
  guint                   before;
  guint                   at_dele = 0;

  script_one_retrieved (server);
  pigeon_fault_server_expect (server, "DELE 1");
  pigeon_fault_server_call (server, snapshot_wal_syncs, &at_dele);
  pigeon_fault_server_send (server, "+OK\r\n");
  script_ok (server, "QUIT");

  before = store_test_vfs_wal_syncs ();
  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  assert_script_done (server);
  g_assert_cmpuint (engine_fetch_get_deleted (job), ==, 1);
  g_assert_cmpuint (at_dele, >, before);
}

/* DESIGN.md invariant 4 over POP3: a message no MIME parser can read is
 * stored all the same, byte for byte, marked unreadable, and only then
 * deleted from the server. */
static void
test_unreadable_message_stored (Fixture *fixture, gconstpointer user_data)
{
  static const guint8           junk[] = { 0xff, 0xfe, 0x00, 'A',  0x00, '\r',
                                           '\n', 0x80, 0x1b, '\r', '\n' };
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (GByteArray)  reply = g_byte_array_new ();
  g_autoptr (GBytes)      raw = NULL;
  g_autoptr (GBytes)      sent = NULL;
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;
  gint64                  id;

  g_byte_array_append (reply, (const guint8 *) "+OK\r\n", 5);
  g_byte_array_append (reply, junk, sizeof junk);
  g_byte_array_append (reply, (const guint8 *) ".\r\n", 3);
  script_one_listed (server);
  pigeon_fault_server_expect (server, "RETR 1");
  sent = g_bytes_new (reply->data, reply->len);
  pigeon_fault_server_send_bytes (server, sent);
  script_ok (server, "DELE 1");
  script_ok (server, "QUIT");

  job = run_fetch (fixture, server, &error);
  g_assert_no_error (error);
  assert_script_done (server);
  g_assert_cmpuint (engine_fetch_get_stored (job), ==, 1);
  g_assert_cmpint (count (fixture, "messages WHERE status & 2 AND subject = "
                                   "'(unreadable message)'"),
                   ==, 1);

  id = store_test_sql_int (fixture->path, "SELECT id FROM messages");
  raw = store_database_get_raw (fixture->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), junk,
                   sizeof junk);
}

/* QUIT unanswered: whether the server deleted is unknown, so the rows
 * stay (marked), and the next listing decides. */
static void
test_quit_unanswered (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  script_one_retrieved (server);
  script_ok (server, "DELE 1");
  pigeon_fault_server_expect (server, "QUIT");
  pigeon_fault_server_close (server);

  job = run_fetch (fixture, server, &error);
  g_assert_nonnull (error);
  assert_script_done (server);
  g_assert_cmpint (count (fixture, "messages"), ==, 1);
  g_assert_cmpint (
      store_test_sql_int (fixture->path,
                          "SELECT count(*) FROM uidl_ledger "
                          "WHERE pending_delete = 1 AND uidl = 'u-one'"),
      ==, 1);
}

/* A STARTTLS account on a server that offers no STLS sends no password
 * (DESIGN.md invariant 8). */
static void
test_stls_withheld (Fixture *fixture, gconstpointer user_data)
{
  const char *const             capa[] = { "USER", "UIDL", "SASL PLAIN", NULL };
  g_autoptr (PigeonFaultServer) server =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  g_autoptr (EngineFetch) job = NULL;
  g_autoptr (GError)      error = NULL;

  g_free (fixture->account->security);
  fixture->account->security = g_strdup ("starttls");
  fixture->account->allow_insecure_auth = FALSE;
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capav (server, capa);

  job = run_fetch (fixture, server, &error);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_TLS_REQUIRED);
  assert_script_done (server);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "USER"));
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "AUTH"));
}

/* A pinned account whose server shows another certificate: refused,
 * and nothing is sent over the connection (DESIGN.md invariant 7). */
static void
test_changed_certificate (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PigeonTestCert)    pinned = NULL;
  g_autoptr (PigeonTestCert)    presented = NULL;
  g_autoptr (PigeonFaultServer) server = NULL;
  g_autoptr (EngineFetch)       job = NULL;
  g_autoptr (GError)            error = NULL;
  const GPtrArray              *received;

  pinned = pigeon_test_cert_new ("localhost", &error);
  g_assert_no_error (error);
  presented = pigeon_test_cert_new ("localhost", &error);
  g_assert_no_error (error);
  server = pigeon_fault_server_new (presented->tls,
                                    PIGEON_FAULT_SERVER_IMPLICIT_TLS);
  pigeon_fault_server_send_greeting (server, NULL);

  g_free (fixture->account->security);
  fixture->account->security = g_strdup ("tls");
  fixture->account->pinned_certificate = g_strdup (pinned->sha256);
  job = run_fetch (fixture, server, &error);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED);
  g_assert_nonnull (strstr (error->message, presented->sha256));
  pigeon_fault_server_wait (server, WAIT_MS, NULL);
  received = pigeon_fault_server_get_received (server);
  g_assert_cmpuint (received->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  store_test_vfs_install ();

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine/fetch-faults/in-use", test_in_use);
  ADD ("/engine/fetch-faults/durable-before-dele", test_durable_before_dele);
  ADD ("/engine/fetch-faults/sys-temp", test_sys_temp);
  ADD ("/engine/fetch-faults/auth", test_auth);
  ADD ("/engine/fetch-faults/bad-password", test_bad_password_without_code);
  ADD ("/engine/fetch-faults/login-delay", test_login_delay);
  ADD ("/engine/fetch-faults/login-delay-announced",
       test_login_delay_announced);
  ADD ("/engine/fetch-faults/no-uidl-keep-refused", test_no_uidl_keep_refused);
  ADD ("/engine/fetch-faults/no-uidl-rest-refused", test_no_uidl_rest_refused);
  ADD ("/engine/fetch-faults/no-uidl-delete-after-download",
       test_no_uidl_delete_after_download);
  ADD ("/engine/fetch-faults/duplicate-uidls", test_duplicate_uidls);
  ADD ("/engine/fetch-faults/drop-mid-message", test_drop_mid_message);
  ADD ("/engine/fetch-faults/rest-cut-short", test_rest_cut_short);
  ADD ("/engine/fetch-faults/size-limit-without-top",
       test_size_limit_without_top);
  ADD ("/engine/fetch-faults/size-limit-top-refused",
       test_size_limit_top_refused);
  ADD ("/engine/fetch-faults/size-limit-top-fails-later",
       test_size_limit_top_fails_later);
  ADD ("/engine/fetch-faults/cancel-while-connecting",
       test_cancel_while_connecting);
  ADD ("/engine/fetch-faults/cancel-while-deleting",
       test_cancel_while_deleting);
  ADD ("/engine/fetch-faults/unreadable-message-stored",
       test_unreadable_message_stored);
  ADD ("/engine/fetch-faults/quit-unanswered", test_quit_unanswered);
  ADD ("/engine/fetch-faults/stls-withheld", test_stls_withheld);
  ADD ("/engine/fetch-faults/changed-certificate", test_changed_certificate);

  return g_test_run ();
}
