/* test-engine-secret.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "engine-error.h"
#include "engine-secret.h"
#include "pigeon-test-async.h"

/* Run as `dbus-run-session -- tests/with-keyring.sh test-engine-secret`:
 * a real GNOME Keyring of its own, unlocked, on a private session bus.
 * The cases that need no Secret Service at all run in subprocesses that
 * point DBUS_SESSION_BUS_ADDRESS elsewhere before their first D-Bus call
 * (GDBus and libsecret keep their connection for the whole process). */

/* No failure may take longer than this: libsecret must not hang trying
 * to start a bus or a keyring. */
#define FAILURE_BOUND_USEC (10 * G_USEC_PER_SEC)
#define SUBPROCESS_TIMEOUT_USEC (30 * G_USEC_PER_SEC)

static gboolean
store (const char *uuid,
       const char *user,
       const char *host,
       const char *password,
       GError    **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_secret_store_async (uuid, user, host, password, NULL,
                             pigeon_test_store_result_cb, &result);
  return engine_secret_store_finish (pigeon_test_wait_for (&result), error);
}

static char *
lookup (const char *uuid, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_secret_lookup_async (uuid, cancellable, pigeon_test_store_result_cb,
                              &result);
  return engine_secret_lookup_finish (pigeon_test_wait_for (&result), error);
}

static gboolean
clear (const char *uuid, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_secret_clear_async (uuid, NULL, pigeon_test_store_result_cb, &result);
  return engine_secret_clear_finish (pigeon_test_wait_for (&result), error);
}

static void
assert_password (const char *uuid, const char *expected)
{
  GError *error = NULL;
  char   *password = lookup (uuid, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  engine_secret_free (password);
}

static void
store_ok (const char *uuid,
          const char *user,
          const char *host,
          const char *password)
{
  GError *error = NULL;

  g_assert_true (store (uuid, user, host, password, &error));
  g_assert_no_error (error);
}

static void
clear_ok (const char *uuid)
{
  GError *error = NULL;

  g_assert_true (clear (uuid, &error));
  g_assert_no_error (error);
}

/* What `secret-tool search --all` prints for the account's items: what a
 * user (or Seahorse) sees, read by a tool other than libsecret's API.
 * secret-tool prints the attributes on stderr and the rest on stdout:
 * both are returned, stdout first. */
static char *
secret_tool_search (const char *uuid)
{
  g_autofree char *secret_tool = g_find_program_in_path ("secret-tool");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int              status;
  GError          *error = NULL;
  const char      *argv[] = { secret_tool,    "search",  "--all", "xdg:schema",
                              APPLICATION_ID, "account", uuid,    NULL };

  g_assert_nonnull (secret_tool);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                &err, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return g_strconcat (out, err, NULL);
}

/* Items are printed as "[/PATH]" followed by "key = value" lines. */
static guint
count_items (const char *search_output)
{
  g_auto (GStrv) lines = g_strsplit (search_output, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '[')
        count++;
    }
  return count;
}

static void
assert_has_line (const char *output, const char *line)
{
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);

  if (!g_strv_contains ((const char *const *) lines, line))
    g_printerr ("no line \"%s\" in:\n%s", line, output);
  g_assert_true (g_strv_contains ((const char *const *) lines, line));
}

static void
test_store_lookup (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  store_ok (uuid, "jane", "pop.example.org", "hunter2");
  assert_password (uuid, "hunter2");
  clear_ok (uuid);
}

static void
test_non_ascii (void)
{
  g_autofree char    *uuid = g_uuid_string_random ();
  g_autoptr (GString) long_password = g_string_new (NULL);
  /* Two-, three- and four-byte UTF-8 and a space and a quote: whatever a
   * user types reaches the server unchanged. */
  const char *odd = "pässwörd \"ŝ\" 密码 🔑";

  store_ok (uuid, "jörg", "pop.example.org", odd);
  assert_password (uuid, odd);

  /* 1,000 characters (1,500 bytes): no length limit on the way. */
  for (guint i = 0; i < 500; i++)
    g_string_append (long_password, i % 2 == 0 ? "aé" : "zß");
  g_assert_cmpint (g_utf8_strlen (long_password->str, -1), ==, 1000);
  g_assert_cmpuint (long_password->len, ==, 1500);
  store_ok (uuid, "jörg", "pop.example.org", long_password->str);
  assert_password (uuid, long_password->str);
  clear_ok (uuid);
}

static void
test_accounts_apart (void)
{
  g_autofree char *uuid_a = g_uuid_string_random ();
  g_autofree char *uuid_b = g_uuid_string_random ();

  /* The same login on the same server, set up twice (two profiles, say):
   * the UUID alone tells them apart. */
  store_ok (uuid_a, "jane", "pop.example.org", "first");
  store_ok (uuid_b, "jane", "pop.example.org", "second");
  assert_password (uuid_a, "first");
  assert_password (uuid_b, "second");

  clear_ok (uuid_a);
  assert_password (uuid_a, NULL);
  assert_password (uuid_b, "second");
  clear_ok (uuid_b);
}

static void
test_replace (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *same = NULL;
  g_autofree char *moved = NULL;

  store_ok (uuid, "jane", "pop.example.org", "old");
  store_ok (uuid, "jane", "pop.example.org", "new");
  assert_password (uuid, "new");
  same = secret_tool_search (uuid);
  g_assert_cmpuint (count_items (same), ==, 1);

  /* The account now logs in as someone else, elsewhere: the old item
   * goes, or a lookup could find it instead of the new one. */
  store_ok (uuid, "jane.doe", "mail.example.net", "newer");
  assert_password (uuid, "newer");
  moved = secret_tool_search (uuid);
  g_assert_cmpuint (count_items (moved), ==, 1);
  assert_has_line (moved, "attribute.user = jane.doe");
  assert_has_line (moved, "attribute.host = mail.example.net");
  clear_ok (uuid);
}

static void
test_clear (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *after = NULL;

  store_ok (uuid, "jane", "pop.example.org", "hunter2");
  clear_ok (uuid);
  assert_password (uuid, NULL);
  after = secret_tool_search (uuid);
  g_assert_cmpuint (count_items (after), ==, 0);

  /* Again, with nothing left to clear. */
  clear_ok (uuid);
}

static void
test_missing (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  assert_password (uuid, NULL);
  clear_ok (uuid);
}

static void
test_secret_tool (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *output = NULL;
  g_autofree char *account = g_strdup_printf ("attribute.account = %s", uuid);

  store_ok (uuid, "jane", "pop.example.org", "hunter2");
  output = secret_tool_search (uuid);

  g_assert_cmpuint (count_items (output), ==, 1);
  assert_has_line (output, "label = Pigeon: jane@pop.example.org");
  assert_has_line (output, "schema = " APPLICATION_ID);
  assert_has_line (output, account);
  assert_has_line (output, "attribute.user = jane");
  assert_has_line (output, "attribute.host = pop.example.org");
  assert_has_line (output, "secret = hunter2");
  clear_ok (uuid);
}

static void
test_cancelled (void)
{
  g_autofree char         *uuid = g_uuid_string_random ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GError                  *error = NULL;
  char                    *password;

  store_ok (uuid, "jane", "pop.example.org", "hunter2");
  g_cancellable_cancel (cancellable);
  password = lookup (uuid, cancellable, &error);
  /* The caller's own cancellation is not a locked keyring. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (password);
  g_clear_error (&error);
  clear_ok (uuid);
}

/* Every operation fails with @code, whose message starts with @prefix,
 * each within FAILURE_BOUND_USEC. */
static void
assert_all_fail (int code, const char *prefix)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GError          *error = NULL;
  gint64           start;
  char            *password;

  start = g_get_monotonic_time ();
  password = lookup (uuid, NULL, &error);
  g_assert_error (error, ENGINE_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_null (password);
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, FAILURE_BOUND_USEC);

  start = g_get_monotonic_time ();
  g_assert_false (store (uuid, "jane", "pop.example.org", "pw", &error));
  g_assert_error (error, ENGINE_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, FAILURE_BOUND_USEC);

  start = g_get_monotonic_time ();
  g_assert_false (clear (uuid, &error));
  g_assert_error (error, ENGINE_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, FAILURE_BOUND_USEC);
}

#define NO_KEYRING                                                             \
  "No keyring is available: Pigeon keeps passwords in the Secret Service"

static void
run_in_subprocess (void)
{
  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_USEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_no_bus_address (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/pigeon-test/bus", TRUE);
      assert_all_fail (ENGINE_ERROR_SECRETS_UNAVAILABLE, NO_KEYRING);
      return;
    }
  run_in_subprocess ();
}

static void
test_no_bus_autolaunch (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *run_dir = g_dir_make_tmp ("pigeon-nobus-XXXXXX", NULL);

      /* No address, no $XDG_RUNTIME_DIR/bus, no display: GDBus would
       * autolaunch a bus through X11 and must fail at once instead. */
      g_assert_nonnull (run_dir);
      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("DISPLAY");
      g_setenv ("XDG_RUNTIME_DIR", run_dir, TRUE);
      assert_all_fail (ENGINE_ERROR_SECRETS_UNAVAILABLE, NO_KEYRING);
      g_rmdir (run_dir);
      return;
    }
  run_in_subprocess ();
}

/* Answers every method call that reaches the fake service with the
 * D-Bus error named in @user_data. Runs on GDBus's worker thread, which
 * may send messages. */
static GDBusMessage *
refuse_everything_filter (GDBusConnection *connection,
                          GDBusMessage    *message,
                          gboolean         incoming,
                          gpointer         user_data)
{
  g_autoptr (GDBusMessage) reply = NULL;

  if (!incoming || g_dbus_message_get_message_type (message) !=
                       G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    return message;

  reply = g_dbus_message_new_method_error (message, user_data,
                                           "refused by the test service");
  g_dbus_connection_send_message (connection, reply,
                                  G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
  g_object_unref (message);
  return NULL;
}

/* In a subprocess: a private bus with no keyring on it, or (with
 * @error_name) a Secret Service that answers every call with that error;
 * every operation must fail with @code. */
static void
on_private_bus (const char *error_name, int code, const char *prefix)
{
  g_autoptr (GTestDBus)       bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GDBusConnection) service = NULL;
  g_autoptr (GVariant)        reply = NULL;
  GError                     *error = NULL;

  /* No service directories: nothing can be activated on this bus. */
  g_test_dbus_up (bus);

  if (error_name != NULL)
    {
      service = g_dbus_connection_new_for_address_sync (
          g_test_dbus_get_bus_address (bus),
          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
          NULL, NULL, &error);
      g_assert_no_error (error);
      reply = g_dbus_connection_call_sync (
          service, "org.freedesktop.DBus", "/org/freedesktop/DBus",
          "org.freedesktop.DBus", "RequestName",
          g_variant_new ("(su)", "org.freedesktop.secrets", 0),
          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_dbus_connection_add_filter (service, refuse_everything_filter,
                                    (gpointer) error_name, NULL);
    }

  assert_all_fail (code, prefix);

  /* Drop libsecret's and GDBus's hold on the bus before stopping it. */
  secret_service_disconnect ();
  if (service != NULL)
    g_dbus_connection_close_sync (service, NULL, NULL);
  g_test_dbus_stop (bus);
}

static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      on_private_bus (NULL, ENGINE_ERROR_SECRETS_UNAVAILABLE, NO_KEYRING);
      return;
    }
  run_in_subprocess ();
}

static void
test_service_locked (void)
{
  if (g_test_subprocess ())
    {
      on_private_bus ("org.freedesktop.Secret.Error.IsLocked",
                      ENGINE_ERROR_SECRETS_LOCKED, "The keyring is locked");
      return;
    }
  run_in_subprocess ();
}

static void
test_service_refuses (void)
{
  if (g_test_subprocess ())
    {
      on_private_bus ("org.freedesktop.DBus.Error.AccessDenied",
                      ENGINE_ERROR_SECRETS,
                      "The keyring refused the request: ");
      return;
    }
  run_in_subprocess ();
}

static void
test_service_unknown_error (void)
{
  if (g_test_subprocess ())
    {
      /* A D-Bus error name nobody registered arrives as G_IO_ERROR; it
       * still means a service answered, not that none is there. */
      on_private_bus ("org.example.Pigeon.Test.Unregistered",
                      ENGINE_ERROR_SECRETS,
                      "The keyring refused the request: ");
      return;
    }
  run_in_subprocess ();
}

/* Locks the real keyring: run last, nothing can unlock it headless (the
 * unlock prompt needs a display, and with-keyring.sh gives it none). */
static void
test_locked_keyring (void)
{
  g_autofree char             *uuid = g_uuid_string_random ();
  g_autoptr (SecretService)    service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  GList                       *objects;
  GError                      *error = NULL;
  char                        *password;

  store_ok (uuid, "jane", "pop.example.org", "hunter2");

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (
      service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_true (secret_collection_get_locked (collection));

  password = lookup (uuid, NULL, &error);
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_SECRETS_LOCKED);
  g_assert_true (g_str_has_prefix (error->message, "The keyring is locked"));
  g_assert_null (password);
  g_clear_error (&error);

  g_assert_false (store (uuid, "jane", "pop.example.org", "other", &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_SECRETS_LOCKED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/secret/store-lookup", test_store_lookup);
  g_test_add_func ("/engine/secret/non-ascii-and-long", test_non_ascii);
  g_test_add_func ("/engine/secret/accounts-apart", test_accounts_apart);
  g_test_add_func ("/engine/secret/replace", test_replace);
  g_test_add_func ("/engine/secret/clear", test_clear);
  g_test_add_func ("/engine/secret/missing", test_missing);
  g_test_add_func ("/engine/secret/secret-tool", test_secret_tool);
  g_test_add_func ("/engine/secret/cancelled", test_cancelled);
  g_test_add_func ("/engine/secret/unavailable/bad-address",
                   test_no_bus_address);
  g_test_add_func ("/engine/secret/unavailable/no-autolaunch",
                   test_no_bus_autolaunch);
  g_test_add_func ("/engine/secret/unavailable/no-service", test_no_service);
  g_test_add_func ("/engine/secret/service/locked", test_service_locked);
  g_test_add_func ("/engine/secret/service/refuses", test_service_refuses);
  g_test_add_func ("/engine/secret/service/unknown-error",
                   test_service_unknown_error);
  /* Last of the cases on the real keyring, which it leaves locked (GTest
   * runs a suite's own cases before its sub-suites, which all run in
   * subprocesses on buses of their own). */
  g_test_add_func ("/engine/secret/locked-keyring", test_locked_keyring);

  return g_test_run ();
}
