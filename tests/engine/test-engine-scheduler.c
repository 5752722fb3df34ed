/* test-engine-scheduler.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-account.h"
#include "engine-error.h"
#include "engine-scheduler.h"
#include "pigeon-test-async.h"
#include "pigeon-test-dovecot.h"
#include "pigeon-test-files.h"
#include "pop3-error.h"
#include "store-test-sync.h"

/* The scheduler with a real Dovecot and passwords in a real GNOME Keyring
 * (run under tests/with-keyring.sh): at start, at each interval, when
 * the network comes back, never twice at once, one failure never
 * holding up another account. */

#define WAIT_USEC (20 * G_USEC_PER_SEC)

static PigeonTestDovecot *shared_dovecot;

typedef struct
{
  gint64  account_id;
  guint   stored; /* by the fetch, if there was one */
  GError *error;
} Check;

typedef struct
{
  PigeonTestDovecot *dovecot;
  char              *dir;
  char              *path;
  StoreDatabase     *db;
  EngineScheduler   *scheduler;
  GArray            *checks; /* of Check, in order */
  guint              seeded;
} Fixture;

static void
check_clear (Check *check)
{
  g_clear_error (&check->error);
}

static void
account_checked_cb (EngineScheduler *scheduler,
                    gint64           account_id,
                    EngineFetch     *fetch,
                    const GError    *error,
                    gpointer         user_data)
{
  Fixture *fixture = user_data;
  Check    check = { .account_id = account_id };

  check.stored = fetch != NULL ? engine_fetch_get_stored (fetch) : 0;
  check.error = error != NULL ? g_error_copy (error) : NULL;
  g_array_append_val (fixture->checks, check);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (shared_dovecot == NULL)
    {
      shared_dovecot = pigeon_test_dovecot_new (&error);
      g_assert_no_error (error);
    }
  pigeon_test_dovecot_reset (shared_dovecot, NULL, &error);
  g_assert_no_error (error);
  fixture->dovecot = shared_dovecot;

  fixture->dir = g_dir_make_tmp ("pigeon-scheduler-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "pigeon.db", NULL);
  fixture->db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);

  fixture->checks = g_array_new (FALSE, FALSE, sizeof (Check));
  g_array_set_clear_func (fixture->checks, (GDestroyNotify) check_clear);
  fixture->scheduler = engine_scheduler_new (fixture->db, NULL);
  engine_scheduler_set_minute_seconds (fixture->scheduler, 1);
  g_signal_connect (fixture->scheduler, "account-checked",
                    G_CALLBACK (account_checked_cb), fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->db);
  pigeon_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_array_unref (fixture->checks);
}

/* An account of the test Dovecot (or, with @port, of a port where
 * nothing listens), with @password in the keyring unless NULL. */
static gint64
add_account (Fixture    *fixture,
             const char *name,
             guint16     port,
             guint       interval,
             gboolean    enabled,
             const char *password)
{
  g_autoptr (StoreAccount) account = store_account_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;
  gint64                   id;

  account->name = g_strdup (name);
  account->email = g_strdup ("alice@example.org");
  account->host = g_strdup ("127.0.0.1");
  account->port =
      port != 0 ? port : pigeon_test_dovecot_get_tls_port (fixture->dovecot);
  account->user_name =
      g_strdup (pigeon_test_dovecot_get_user (fixture->dovecot));
  account->ca_file =
      g_strdup (pigeon_test_dovecot_get_cert (fixture->dovecot)->cert_path);
  account->check_interval = interval;
  account->enabled = enabled;
  engine_account_add_async (fixture->db, account, password, NULL,
                            pigeon_test_store_result_cb, &result);
  id = engine_account_add_finish (pigeon_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return id;
}

static void
seed (Fixture *fixture, guint count)
{
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < count; i++)
    {
      char *text = g_strdup_printf ("From: a@example.org\r\nSubject: s%u\r\n"
                                    "\r\nbody %u\r\n",
                                    fixture->seeded, fixture->seeded);

      fixture->seeded++;
      g_ptr_array_add (messages, g_bytes_new_take (text, strlen (text)));
    }
  g_assert_true (pigeon_test_dovecot_seed_messages (fixture->dovecot, NULL,
                                                    messages, &error));
  g_assert_no_error (error);
}

/* Runs the main context until @count checks were reported, bounded. */
static void
wait_for_checks (Fixture *fixture, guint count)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_USEC;

  while (fixture->checks->len < count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) ? (void) 0 : g_usleep (1000);
  g_assert_cmpuint (fixture->checks->len, >=, count);
}

/* Runs the main context for @ms, to see that nothing more happens. */
static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) ? (void) 0 : g_usleep (1000);
}

static const Check *
check_of (Fixture *fixture, gint64 account_id)
{
  for (guint i = 0; i < fixture->checks->len; i++)
    {
      const Check *check = &g_array_index (fixture->checks, Check, i);

      if (check->account_id == account_id)
        return check;
    }
  return NULL;
}

/* At start every enabled account is checked; a server that is down or a
 * missing password holds up no other account. */
static void
test_start_checks_each_account (Fixture *fixture, gconstpointer user_data)
{
  const char *password = pigeon_test_dovecot_get_password (fixture->dovecot);
  gint64      good, down, disabled, no_password;

  seed (fixture, 3);
  good = add_account (fixture, "good", 0, 0, TRUE, password);
  down = add_account (fixture, "down", 1, 0, TRUE, password);
  disabled = add_account (fixture, "disabled", 0, 0, FALSE, password);
  no_password = add_account (fixture, "nopass", 0, 0, TRUE, NULL);

  engine_scheduler_start (fixture->scheduler);
  wait_for_checks (fixture, 3);
  run_for (300);
  g_assert_cmpuint (fixture->checks->len, ==, 3);

  g_assert_no_error (check_of (fixture, good)->error);
  g_assert_cmpuint (check_of (fixture, good)->stored, ==, 3);
  g_assert_nonnull (check_of (fixture, down)->error);
  g_assert_error (check_of (fixture, no_password)->error, ENGINE_ERROR,
                  ENGINE_ERROR_NO_PASSWORD);
  g_assert_null (check_of (fixture, disabled));
}

/* Each account at its own interval (a minute lasts a second here). */
static void
test_interval (Fixture *fixture, gconstpointer user_data)
{
  gint64 id;

  seed (fixture, 1);
  id = add_account (fixture, "every-minute", 0, 1, TRUE,
                    pigeon_test_dovecot_get_password (fixture->dovecot));
  engine_scheduler_start (fixture->scheduler);
  wait_for_checks (fixture, 1);
  g_assert_cmpuint (g_array_index (fixture->checks, Check, 0).stored, ==, 1);

  seed (fixture, 2);
  wait_for_checks (fixture, 2);
  g_assert_cmpint (g_array_index (fixture->checks, Check, 1).account_id, ==,
                   id);
  g_assert_no_error (g_array_index (fixture->checks, Check, 1).error);
  g_assert_cmpuint (g_array_index (fixture->checks, Check, 1).stored, ==, 2);
}

/* Back on the network: every account is checked. */
static void
test_network_comes_back (Fixture *fixture, gconstpointer user_data)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  add_account (fixture, "manual", 0, 0, TRUE,
               pigeon_test_dovecot_get_password (fixture->dovecot));
  engine_scheduler_start (fixture->scheduler);
  wait_for_checks (fixture, 1);

  /* Gone: nothing happens. */
  seed (fixture, 2);
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  run_for (300);
  g_assert_cmpuint (fixture->checks->len, ==, 1);

  /* Back: checked at once. */
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  wait_for_checks (fixture, 2);
  g_assert_no_error (g_array_index (fixture->checks, Check, 1).error);
  g_assert_cmpuint (g_array_index (fixture->checks, Check, 1).stored, ==, 2);

  /* Still up: a change that is not a return checks nothing. */
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  run_for (300);
  g_assert_cmpuint (fixture->checks->len, ==, 2);
}

/* "Get mail" while a fetch runs: no second fetch at once (no BUSY
 * error), one more check after. */
static void
test_check_now_while_fetching (Fixture *fixture, gconstpointer user_data)
{
  gint64 id;

  seed (fixture, 400);
  id = add_account (fixture, "busy", 0, 0, TRUE,
                    pigeon_test_dovecot_get_password (fixture->dovecot));
  engine_scheduler_start (fixture->scheduler);
  g_assert_true (engine_scheduler_is_fetching (fixture->scheduler, id));
  engine_scheduler_check_now (fixture->scheduler, id);
  engine_scheduler_check_now (fixture->scheduler, id);

  wait_for_checks (fixture, 2);
  run_for (300);
  g_assert_cmpuint (fixture->checks->len, ==, 2);
  g_assert_no_error (g_array_index (fixture->checks, Check, 0).error);
  g_assert_no_error (g_array_index (fixture->checks, Check, 1).error);
  g_assert_cmpuint (g_array_index (fixture->checks, Check, 0).stored, ==, 400);
  g_assert_cmpuint (g_array_index (fixture->checks, Check, 1).stored, ==, 0);
  g_assert_false (engine_scheduler_is_fetching (fixture->scheduler, id));
}

/* A password the server refused is not sent again at every interval
 * (servers lock accounts that fail too often): the account waits for
 * the user, who may check it, or for its settings to change. */
static void
test_refused_password_waits (Fixture *fixture, gconstpointer user_data)
{
  gint64 id;

  id = add_account (fixture, "wrong", 0, 1, TRUE, "not-the-password");
  engine_scheduler_start (fixture->scheduler);
  wait_for_checks (fixture, 1);
  g_assert_error (g_array_index (fixture->checks, Check, 0).error, POP3_ERROR,
                  POP3_ERROR_AUTH_FAILED);

  /* Three intervals (a minute lasts a second here). */
  run_for (3500);
  g_assert_cmpuint (fixture->checks->len, ==, 1);
  g_assert_false (engine_scheduler_is_fetching (fixture->scheduler, id));

  engine_scheduler_check_now (fixture->scheduler, id);
  wait_for_checks (fixture, 2);
  g_assert_error (g_array_index (fixture->checks, Check, 1).error, POP3_ERROR,
                  POP3_ERROR_AUTH_FAILED);

  /* Its settings change (a new password): its interval runs again. */
  engine_scheduler_reload (fixture->scheduler);
  wait_for_checks (fixture, 3);
}

/* At start, and when the network comes back, an account the server
 * asked to wait (LOGIN-DELAY) is not checked before that time, and is
 * at that time. */
static void
test_start_waits_for_login_delay (Fixture *fixture, gconstpointer user_data)
{
  GNetworkMonitor   *monitor = g_network_monitor_get_default ();
  g_autoptr (GError) error = NULL;
  gint64             id;
  gint64             not_before;

  seed (fixture, 1);
  id = add_account (fixture, "delayed", 0, 0, TRUE,
                    pigeon_test_dovecot_get_password (fixture->dovecot));
  not_before = g_get_real_time () / G_USEC_PER_SEC + 3;
  g_assert_true (
      store_test_set_fetch_state (fixture->db, id, 0, not_before, &error));
  g_assert_no_error (error);

  engine_scheduler_start (fixture->scheduler);
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  run_for (1000);
  g_assert_cmpuint (fixture->checks->len, ==, 0);

  wait_for_checks (fixture, 1);
  g_assert_no_error (g_array_index (fixture->checks, Check, 0).error);
  g_assert_cmpuint (g_array_index (fixture->checks, Check, 0).stored, ==, 1);
  g_assert_cmpint (g_get_real_time () / G_USEC_PER_SEC, >=, not_before);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine/scheduler/start-checks-each-account",
       test_start_checks_each_account);
  ADD ("/engine/scheduler/interval", test_interval);
  ADD ("/engine/scheduler/network-comes-back", test_network_comes_back);
  ADD ("/engine/scheduler/refused-password-waits", test_refused_password_waits);
  ADD ("/engine/scheduler/start-waits-for-login-delay",
       test_start_waits_for_login_delay);
  ADD ("/engine/scheduler/check-now-while-fetching",
       test_check_now_while_fetching);

  status = g_test_run ();
  g_clear_pointer (&shared_dovecot, pigeon_test_dovecot_free);
  return status;
}
