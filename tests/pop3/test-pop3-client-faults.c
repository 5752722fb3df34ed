/* test-pop3-client-faults.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pigeon-fault-server.h"
#include "pigeon-test-async.h"
#include "pigeon-test-cert.h"
#include "pop3-client.h"
#include "pop3-error.h"
#include "pop3-test-sync.h"

/* Pop3Client against the scripted fault server: what real servers do
 * wrong, or do in ways Dovecot does not (no CAPA, no STLS, response codes,
 * OAuth exchanges), and what the network does (drops, stalls, garbage). */

#define WAIT_MS 10000

static PigeonFaultServer *
server_new (void)
{
  return pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
}

static Pop3Client *
start_and_client (PigeonFaultServer *server, Pop3Security security)
{
  g_autoptr (GError) error = NULL;
  Pop3Client        *client;

  g_assert_true (pigeon_fault_server_start (server, &error));
  g_assert_no_error (error);
  client = pop3_client_new ("127.0.0.1", pigeon_fault_server_get_port (server),
                            security);
  pop3_client_set_timeout (client, 10);
  return client;
}

/* The script ran to its end, and the client never sent a credential. */
static void
assert_script_done_without_credentials (PigeonFaultServer *server,
                                        Pop3Client        *client)
{
  g_autoptr (GError) error = NULL;

  pop3_client_disconnect (client);
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "USER"));
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "PASS"));
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "AUTH"));
  g_assert_false (pigeon_fault_server_received_has_prefix (server, "APOP"));
}

/* STLS -------------------------------------------------------------- */

static void
test_stls_withheld (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "UIDL", "SASL PLAIN", NULL);
  client = start_and_client (server, POP3_SECURITY_STARTTLS);

  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_TLS_REQUIRED);
  assert_script_done_without_credentials (server, client);
}

static void
test_stls_without_capa (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  /* An RFC 1939 server cannot announce STLS: no encryption, no login. */
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send (server, "-ERR unknown command\r\n");
  client = start_and_client (server, POP3_SECURITY_STARTTLS);

  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_TLS_REQUIRED);
  assert_script_done_without_credentials (server, client);
}

static void
test_stls_refused (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "STLS", NULL);
  pigeon_fault_server_expect (server, "STLS");
  pigeon_fault_server_send (server, "-ERR [SYS/TEMP] TLS is broken today\r\n");
  client = start_and_client (server, POP3_SECURITY_STARTTLS);

  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_TLS_REQUIRED);
  g_assert_nonnull (strstr (error->message, "TLS is broken today"));
  assert_script_done_without_credentials (server, client);
}

static void
test_stls_injection (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  /* A man in the middle appends a plaintext reply to the STLS answer,
   * hoping it is read after the handshake as if it came over TLS. */
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "STLS", NULL);
  pigeon_fault_server_expect (server, "STLS");
  pigeon_fault_server_send (server,
                            "+OK Begin TLS\r\n+OK Capability list follows\r\n"
                            "USER\r\n.\r\n");
  client = start_and_client (server, POP3_SECURITY_STARTTLS);

  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
  assert_script_done_without_credentials (server, client);
}

static void
test_stls_upgrade (void)
{
  g_autoptr (PigeonTestCert)    cert = NULL;
  g_autoptr (PigeonFaultServer) server = NULL;
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  cert = pigeon_test_cert_new ("localhost", &error);
  g_assert_no_error (error);
  server = pigeon_fault_server_new (cert->tls, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "STLS", NULL);
  pigeon_fault_server_expect (server, "STLS");
  pigeon_fault_server_send (server, "+OK Begin TLS\r\n");
  pigeon_fault_server_start_tls (server);
  /* RFC 2595 §4: capabilities are asked again over TLS. */
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "PIPELINING", NULL);
  pigeon_fault_server_expect (server, "USER alice");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "PASS secret");
  pigeon_fault_server_send (server, "+OK\r\n");
  client = start_and_client (server, POP3_SECURITY_STARTTLS);
  pop3_client_set_pinned_certificate (client, cert->sha256);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (pop3_client_is_encrypted (client));
  g_assert_false (pop3_client_get_capabilities (client)->stls);
  g_assert_true (pop3_client_get_capabilities (client)->pipelining);
  g_assert_true (pop3_test_login (client, POP3_AUTH_USER, "alice", "secret",
                                  NULL, &error));
  g_assert_no_error (error);

  pop3_client_disconnect (client);
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

static void
test_pin_checked_on_valid_certificate (void)
{
  g_autoptr (PigeonTestCert)    cert = NULL;
  g_autoptr (PigeonFaultServer) server = NULL;
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GTlsDatabase)      database = NULL;
  g_autoptr (GError)            error = NULL;

  cert = pigeon_test_cert_new ("localhost", &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (cert->cert_path, &error);
  g_assert_no_error (error);
  server =
      pigeon_fault_server_new (cert->tls, PIGEON_FAULT_SERVER_IMPLICIT_TLS);
  pigeon_fault_server_set_connections (server, 2);
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", NULL);
  g_assert_true (pigeon_fault_server_start (server, &error));
  client = pop3_client_new ("localhost", pigeon_fault_server_get_port (server),
                            POP3_SECURITY_TLS);
  pop3_client_set_timeout (client, 10);

  /* Trusted through the account's own CA: it validates. */
  pop3_client_set_tls_database (client, database);
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pop3_client_get_peer_certificate_errors (client), ==, 0);
  pop3_client_disconnect (client);

  /* Still valid, but the account pinned another: the pin wins, checked
   * after the handshake (DESIGN.md invariant 7, TOOLING.md §8). */
  pop3_client_set_pinned_certificate (client, "AA:BB");
  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED);
  g_assert_nonnull (strstr (error->message, cert->sha256));
  pigeon_fault_server_stop (server);
}

/* No CAPA: plain RFC 1939 ------------------------------------------- */

static gboolean
count_message (guint msgno, GBytes *message, gpointer user_data, GError **error)
{
  GPtrArray *messages = user_data;

  g_ptr_array_add (messages, g_bytes_ref (message));
  return TRUE;
}

static void
test_rfc1939_server (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GAsyncResult)      result = NULL;
  g_autoptr (GPtrArray)         messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const guint msgnos[] = { 1, 2 };

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send (server, "-ERR what is CAPA\r\n");
  pigeon_fault_server_expect (server, "USER alice");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "PASS secret");
  pigeon_fault_server_send (server, "+OK maildrop has 2 messages\r\n");
  pigeon_fault_server_expect (server, "RETR 1");
  pigeon_fault_server_send_multiline (server, "+OK", "Subject: one", "", ".dot",
                                      NULL);
  pigeon_fault_server_expect (server, "RETR 2");
  /* A zero-length message: stored too (DESIGN.md). */
  pigeon_fault_server_send (server, "+OK 0 octets\r\n.\r\n");
  pigeon_fault_server_expect (server, "QUIT");
  pigeon_fault_server_send (server, "+OK bye\r\n");
  client = start_and_client (server, POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_false (pop3_client_get_capa_supported (client));
  g_assert_false (pop3_client_is_pipelining (client));
  g_assert_true (pop3_test_login (client, POP3_AUTH_AUTOMATIC, "alice",
                                  "secret", NULL, &error));
  g_assert_no_error (error);

  pop3_client_retrieve_async (client, msgnos, 2, -1, count_message, messages,
                              NULL, pigeon_test_store_result_cb, &result);
  g_assert_true (pop3_client_retrieve_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (messages, 0), NULL),
                   g_bytes_get_size (g_ptr_array_index (messages, 0)),
                   "Subject: one\r\n\r\n.dot\r\n", 22);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (messages, 1)), ==, 0);

  g_clear_object (&result);
  pop3_client_quit_async (client, NULL, pigeon_test_store_result_cb, &result);
  g_assert_true (
      pop3_client_quit_finish (client, pigeon_test_wait_for (&result), &error));
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

/* Broken replies ---------------------------------------------------- */

typedef void (*Misbehave) (PigeonFaultServer *server);

static void
drop_mid_retr (PigeonFaultServer *server)
{
  pigeon_fault_server_send_partial_then_close (
      server, "+OK 100 octets\r\nSubject: cut\r\n\r\nhalf a bo", 35);
}

static void
unterminated_retr (PigeonFaultServer *server)
{
  pigeon_fault_server_send_multiline_unterminated (
      server, "+OK", "Subject: no end", "", "body", NULL);
  pigeon_fault_server_close (server);
}

static void
garbage_reply (PigeonFaultServer *server)
{
  pigeon_fault_server_send_garbage (server, 4096);
}

static void
long_line_reply (PigeonFaultServer *server)
{
  pigeon_fault_server_send_long_line (server, 1024 * 1024);
  pigeon_fault_server_close (server);
}

static void
stalled_reply (PigeonFaultServer *server)
{
  pigeon_fault_server_stall (server, 4000);
  pigeon_fault_server_send (server, "+OK too late\r\n.\r\n");
}

static void
extra_reply (PigeonFaultServer *server)
{
  /* A reply, then one more that nothing asked for. */
  pigeon_fault_server_send (server,
                            "+OK\r\nSubject: x\r\n\r\n.\r\n+OK extra\r\n");
  pigeon_fault_server_expect (server, "NOOP");
  pigeon_fault_server_send (server, "+OK\r\n");
}

typedef struct
{
  Misbehave misbehave;
  int       code; /* in POP3_ERROR */
  guint     timeout;
} BrokenCase;

static void
test_broken_retr (gconstpointer data)
{
  const BrokenCase             *broken = data;
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GAsyncResult)      result = NULL;
  g_autoptr (GPtrArray)         messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const guint msgno = 1;
  gint64      started;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", NULL);
  pigeon_fault_server_expect (server, "USER alice");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "PASS secret");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "RETR 1");
  broken->misbehave (server);
  client = start_and_client (server, POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);
  if (broken->timeout != 0)
    pop3_client_set_timeout (client, broken->timeout);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_true (pop3_test_login (client, POP3_AUTH_USER, "alice", "secret",
                                  NULL, &error));
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  pop3_client_retrieve_async (client, &msgno, 1, -1, count_message, messages,
                              NULL, pigeon_test_store_result_cb, &result);
  if (broken->misbehave == extra_reply)
    {
      /* The first reply is fine; the stray one breaks the next command. */
      g_assert_true (pop3_client_retrieve_finish (
          client, pigeon_test_wait_for (&result), &error));
      g_clear_object (&result);
      pop3_client_simple_async (client, "NOOP", NULL,
                                pigeon_test_store_result_cb, &result);
      g_assert_false (pop3_client_simple_finish (
          client, pigeon_test_wait_for (&result), &error));
    }
  else
    g_assert_false (pop3_client_retrieve_finish (
        client, pigeon_test_wait_for (&result), &error));

  g_assert_error (error, POP3_ERROR, broken->code);
  if (broken->misbehave != extra_reply)
    g_assert_cmpuint (messages->len, ==, 0);
  if (broken->timeout != 0)
    g_assert_cmpint (g_get_monotonic_time () - started, >=,
                     (gint64) broken->timeout * G_USEC_PER_SEC - 100000);

  /* After any failure the connection is gone, and says so. */
  g_clear_object (&result);
  g_clear_error (&error);
  pop3_client_simple_async (client, "NOOP", NULL, pigeon_test_store_result_cb,
                            &result);
  g_assert_false (pop3_client_simple_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  pigeon_fault_server_stop (server);
}

static const BrokenCase drop_case = { drop_mid_retr,
                                      POP3_ERROR_CONNECTION_CLOSED, 0 };
static const BrokenCase unterminated_case = { unterminated_retr,
                                              POP3_ERROR_CONNECTION_CLOSED, 0 };
static const BrokenCase garbage_case = { garbage_reply, POP3_ERROR_PROTOCOL,
                                         0 };
static const BrokenCase long_line_case = { long_line_reply, POP3_ERROR_PROTOCOL,
                                           0 };
static const BrokenCase stall_case = { stalled_reply, POP3_ERROR_TIMEOUT, 1 };
static const BrokenCase extra_case = { extra_reply, POP3_ERROR_PROTOCOL, 0 };

/* Login failures and their response codes --------------------------- */

typedef struct
{
  const char *reply;
  int         code;
} AuthCase;

static void
test_login_error_codes (void)
{
  const AuthCase cases[] = {
    { "-ERR [AUTH] Invalid credentials", POP3_ERROR_AUTH_FAILED },
    { "-ERR no such user or wrong password", POP3_ERROR_AUTH_FAILED },
    { "-ERR [IN-USE] Mailbox locked by another session",
      POP3_ERROR_MAILBOX_IN_USE },
    { "-ERR [LOGIN-DELAY] Wait 15 minutes", POP3_ERROR_LOGIN_DELAY },
    { "-ERR [SYS/TEMP] Storage unavailable", POP3_ERROR_SYS_TEMP },
    { "-ERR [SYS/PERM] Web login required", POP3_ERROR_SYS_PERM },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PigeonFaultServer) server = server_new ();
      g_autoptr (Pop3Client)        client = NULL;
      g_autoptr (GError)            error = NULL;
      g_autofree char *reply = g_strdup_printf ("%s\r\n", cases[i].reply);
      const char      *text = strchr (cases[i].reply, ' ') + 1;

      pigeon_fault_server_send_greeting (server, NULL);
      pigeon_fault_server_expect (server, "CAPA");
      pigeon_fault_server_send_capa (server, "USER", "RESP-CODES",
                                     "AUTH-RESP-CODE", NULL);
      pigeon_fault_server_expect (server, "USER alice");
      pigeon_fault_server_send (server, "+OK\r\n");
      pigeon_fault_server_expect (server, "PASS secret");
      pigeon_fault_server_send (server, reply);
      client = start_and_client (server, POP3_SECURITY_NONE);
      pop3_client_set_allow_insecure_auth (client, TRUE);

      g_assert_true (pop3_test_connect (client, &error));
      g_assert_false (pop3_test_login (client, POP3_AUTH_USER, "alice",
                                       "secret", NULL, &error));
      g_test_message ("%s", cases[i].reply);
      g_assert_error (error, POP3_ERROR, cases[i].code);
      /* The server's words, after the code, reach the user. */
      if (text[0] == '[')
        text = strchr (text, ']') + 2;
      g_assert_nonnull (strstr (error->message, text));
      g_clear_error (&error);
      g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
      g_assert_no_error (error);
    }
}

static void
test_greeting_refused (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  pigeon_fault_server_send (server, "-ERR [SYS/TEMP] too many connections\r\n");
  pigeon_fault_server_close (server);
  client = start_and_client (server, POP3_SECURITY_NONE);

  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_SYS_TEMP);
  g_assert_nonnull (strstr (error->message, "too many connections"));
}

/* OAuth ------------------------------------------------------------- */

static void
test_xoauth2_two_step (gconstpointer data)
{
  gboolean                      accepted = GPOINTER_TO_INT (data);
  g_autoptr (PigeonFaultServer) server = NULL;
  g_autoptr (PigeonTestCert)    cert = NULL;
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  cert = pigeon_test_cert_new ("localhost", &error);
  g_assert_no_error (error);
  server =
      pigeon_fault_server_new (cert->tls, PIGEON_FAULT_SERVER_IMPLICIT_TLS);
  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "SASL PLAIN XOAUTH2", NULL);
  /* Microsoft's form: the mechanism alone, an empty challenge, then the
   * token in its own line. */
  pigeon_fault_server_expect (server, "AUTH XOAUTH2");
  pigeon_fault_server_send (server, "+ \r\n");
  pigeon_fault_server_expect (server,
                              "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2tlbgEB");
  if (accepted)
    pigeon_fault_server_send (server,
                              "+OK User successfully authenticated.\r\n");
  else
    {
      /* The refusal is a challenge holding a JSON status; the client ends
       * it with an empty line and gets the -ERR. */
      pigeon_fault_server_send (server,
                                "+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiQmVh"
                                "cmVyIiwic2NvcGUiOiJodHRwcyJ9\r\n");
      pigeon_fault_server_expect (server, "");
      pigeon_fault_server_send (server,
                                "-ERR [AUTH] Authentication failure\r\n");
    }
  client = start_and_client (server, POP3_SECURITY_TLS);
  pop3_client_set_pinned_certificate (client, cert->sha256);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  if (accepted)
    {
      g_assert_true (pop3_test_login (client, POP3_AUTH_XOAUTH2, "alice",
                                      "token", NULL, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (pop3_test_login (client, POP3_AUTH_XOAUTH2, "alice",
                                       "token", NULL, &error));
      g_assert_error (error, POP3_ERROR, POP3_ERROR_AUTH_FAILED);
    }

  pop3_client_disconnect (client);
  g_clear_error (&error);
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

static void
test_mechanism_not_offered (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "SASL PLAIN", NULL);
  client = start_and_client (server, POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);

  g_assert_true (pop3_test_connect (client, &error));
  /* No timestamp in the greeting: no APOP. */
  g_assert_false (pop3_test_login (client, POP3_AUTH_APOP, "alice", "secret",
                                   NULL, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (pop3_test_login (client, POP3_AUTH_CRAM_MD5, "alice",
                                   "secret", NULL, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED);
  assert_script_done_without_credentials (server, client);
}

/* UTF8 ---------------------------------------------------------------- */

static void
test_utf8_mode (gconstpointer data)
{
  gboolean                      agreed = GPOINTER_TO_INT (data);
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "UTF8", NULL);
  /* RFC 6856: asked for before login; a refusal is no failure. */
  pigeon_fault_server_expect (server, "UTF8");
  pigeon_fault_server_send (server, agreed ? "+OK UTF8 enabled\r\n"
                                           : "-ERR not today\r\n");
  pigeon_fault_server_expect (server, "USER jürgen");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "PASS pw");
  pigeon_fault_server_send (server, "+OK\r\n");
  client = start_and_client (server, POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pop3_client_is_utf8 (client), ==, agreed);
  g_assert_true (
      pop3_test_login (client, POP3_AUTH_USER, "jürgen", "pw", NULL, &error));
  g_assert_no_error (error);
  pop3_client_disconnect (client);
  g_clear_error (&error);
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

/* Keepalive ----------------------------------------------------------- */

static gboolean
quit_loop (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_keepalive (gconstpointer data)
{
  gboolean                      collide = GPOINTER_TO_INT (data);
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GAsyncResult)      result = NULL;
  gboolean                      waited = FALSE;
  guint                         count;
  guint64                       octets;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", NULL);
  pigeon_fault_server_expect (server, "USER alice");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "PASS secret");
  pigeon_fault_server_send (server, "+OK\r\n");
  /* Idle for a second: the client sends a NOOP by itself. */
  pigeon_fault_server_expect (server, "NOOP");
  if (collide)
    pigeon_fault_server_stall (server, 500);
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "STAT");
  pigeon_fault_server_send (server, "+OK 3 300\r\n");
  client = start_and_client (server, POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);
  pop3_client_set_keepalive (client, 1);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_true (pop3_test_login (client, POP3_AUTH_USER, "alice", "secret",
                                  NULL, &error));
  g_assert_no_error (error);

  /* Without a collision, ask after the NOOP is answered; with one, while
   * the server sits on its reply: the STAT waits, it does not fail. */
  g_timeout_add (collide ? 1200 : 1800, quit_loop, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pigeon_fault_server_received_has_prefix (server, "NOOP"));

  pop3_client_stat_async (client, NULL, pigeon_test_store_result_cb, &result);
  g_assert_true (pop3_client_stat_finish (
      client, pigeon_test_wait_for (&result), &count, &octets, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 3);

  pop3_client_disconnect (client);
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

/* Other commands ---------------------------------------------------- */

static void
test_uidl_unsupported (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GAsyncResult)      result = NULL;
  g_autoptr (GAsyncResult)      list_result = NULL;
  g_autoptr (GAsyncResult)      quit_result = NULL;
  g_autoptr (GPtrArray)         uids = NULL;
  g_autoptr (GArray)            sizes = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send (server, "-ERR\r\n");
  pigeon_fault_server_expect (server, "UIDL");
  pigeon_fault_server_send (server, "-ERR command not implemented\r\n");
  pigeon_fault_server_expect (server, "LIST");
  pigeon_fault_server_send_multiline (server, "+OK", "1 120", NULL);
  pigeon_fault_server_expect (server, "QUIT");
  pigeon_fault_server_send (server, "+OK\r\n");
  client = start_and_client (server, POP3_SECURITY_NONE);

  g_assert_true (pop3_test_connect (client, &error));
  pop3_client_uidl_async (client, NULL, pigeon_test_store_result_cb, &result);
  uids =
      pop3_client_uidl_finish (client, pigeon_test_wait_for (&result), &error);
  g_assert_null (uids);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "command not implemented"));
  g_clear_error (&error);

  /* A -ERR is an answer, not a broken connection: the session goes on
   * (an RFC 1939 server then gets its messages by LIST and RETR). */
  pop3_client_list_async (client, NULL, pigeon_test_store_result_cb,
                          &list_result);
  sizes = pop3_client_list_finish (client, pigeon_test_wait_for (&list_result),
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sizes->len, ==, 1);
  g_assert_cmpuint (g_array_index (sizes, Pop3ListEntry, 0).octets, ==, 120);
  pop3_client_quit_async (client, NULL, pigeon_test_store_result_cb,
                          &quit_result);
  g_assert_true (pop3_client_quit_finish (
      client, pigeon_test_wait_for (&quit_result), &error));
  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

static void
test_one_command_at_a_time (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GAsyncResult)      first = NULL;
  g_autoptr (GAsyncResult)      second = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", NULL);
  pigeon_fault_server_expect (server, "NOOP");
  pigeon_fault_server_stall (server, 200);
  pigeon_fault_server_send (server, "+OK\r\n");
  client = start_and_client (server, POP3_SECURITY_NONE);

  g_assert_true (pop3_test_connect (client, &error));
  pop3_client_simple_async (client, "NOOP", NULL, pigeon_test_store_result_cb,
                            &first);
  pop3_client_simple_async (client, "NOOP", NULL, pigeon_test_store_result_cb,
                            &second);
  g_assert_false (pop3_client_simple_finish (
      client, pigeon_test_wait_for (&second), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_true (pop3_client_simple_finish (
      client, pigeon_test_wait_for (&first), &error));
  g_assert_no_error (error);
  pigeon_fault_server_stop (server);
}

static void
test_cancel_connect (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GAsyncResult)      result = NULL;
  g_autoptr (GCancellable)      cancellable = g_cancellable_new ();

  /* A server that never greets: the caller gives up. */
  pigeon_fault_server_stall (server, 5000);
  pigeon_fault_server_send_greeting (server, NULL);
  client = start_and_client (server, POP3_SECURITY_NONE);

  pop3_client_connect_async (client, cancellable, pigeon_test_store_result_cb,
                             &result);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  g_assert_false (pop3_client_connect_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  pigeon_fault_server_stop (server);
}

/* Trace -------------------------------------------------------------- */

static GString *trace;

static GLogWriterOutput
capture_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  if (trace == NULL || level != G_LOG_LEVEL_DEBUG)
    return g_log_writer_default (level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      g_string_append_printf (trace, "%s\n", (const char *) fields[i].value);
  return G_LOG_WRITER_HANDLED;
}

static void
test_trace_redacts_secrets (void)
{
  g_autoptr (PigeonFaultServer) server = server_new ();
  g_autoptr (Pop3Client)        client = NULL;
  g_autoptr (GError)            error = NULL;

  pigeon_fault_server_send_greeting (server, NULL);
  pigeon_fault_server_expect (server, "CAPA");
  pigeon_fault_server_send_capa (server, "USER", "SASL PLAIN", NULL);
  pigeon_fault_server_expect (server, "USER alice");
  pigeon_fault_server_send (server, "+OK\r\n");
  pigeon_fault_server_expect (server, "PASS hunter2-secret");
  pigeon_fault_server_send (server, "-ERR [AUTH] no\r\n");
  client = start_and_client (server, POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);

  trace = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_false (pop3_test_login (client, POP3_AUTH_USER, "alice",
                                   "hunter2-secret", NULL, &error));
  g_log_set_debug_enabled (FALSE);

  /* DESIGN.md invariant 6: the protocol log shows the exchange, never the
   * password. */
  g_assert_nonnull (strstr (trace->str, "C: USER alice"));
  g_assert_nonnull (strstr (trace->str, "C: PASS [redacted]"));
  g_assert_null (strstr (trace->str, "hunter2"));
  g_string_free (trace, TRUE);
  trace = NULL;
  pigeon_fault_server_stop (server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  trace = NULL;

  g_test_add_func ("/pop3/client/faults/stls/withheld", test_stls_withheld);
  g_test_add_func ("/pop3/client/faults/stls/no-capa", test_stls_without_capa);
  g_test_add_func ("/pop3/client/faults/stls/refused", test_stls_refused);
  g_test_add_func ("/pop3/client/faults/stls/injection", test_stls_injection);
  g_test_add_func ("/pop3/client/faults/stls/upgrade", test_stls_upgrade);
  g_test_add_func ("/pop3/client/faults/tls/pin-beats-acceptance",
                   test_pin_checked_on_valid_certificate);
  g_test_add_func ("/pop3/client/faults/rfc1939-server", test_rfc1939_server);
  g_test_add_data_func ("/pop3/client/faults/retr/dropped", &drop_case,
                        test_broken_retr);
  g_test_add_data_func ("/pop3/client/faults/retr/unterminated",
                        &unterminated_case, test_broken_retr);
  g_test_add_data_func ("/pop3/client/faults/retr/garbage", &garbage_case,
                        test_broken_retr);
  g_test_add_data_func ("/pop3/client/faults/retr/long-line", &long_line_case,
                        test_broken_retr);
  g_test_add_data_func ("/pop3/client/faults/retr/stall-times-out", &stall_case,
                        test_broken_retr);
  g_test_add_data_func ("/pop3/client/faults/retr/unsolicited-reply",
                        &extra_case, test_broken_retr);
  g_test_add_func ("/pop3/client/faults/login/error-codes",
                   test_login_error_codes);
  g_test_add_func ("/pop3/client/faults/login/not-offered",
                   test_mechanism_not_offered);
  g_test_add_func ("/pop3/client/faults/greeting-refused",
                   test_greeting_refused);
  g_test_add_data_func ("/pop3/client/faults/xoauth2/accepted",
                        GINT_TO_POINTER (TRUE), test_xoauth2_two_step);
  g_test_add_data_func ("/pop3/client/faults/xoauth2/refused",
                        GINT_TO_POINTER (FALSE), test_xoauth2_two_step);
  g_test_add_data_func ("/pop3/client/faults/utf8/agreed",
                        GINT_TO_POINTER (TRUE), test_utf8_mode);
  g_test_add_data_func ("/pop3/client/faults/utf8/refused",
                        GINT_TO_POINTER (FALSE), test_utf8_mode);
  g_test_add_data_func ("/pop3/client/faults/keepalive/idle",
                        GINT_TO_POINTER (FALSE), test_keepalive);
  g_test_add_data_func ("/pop3/client/faults/keepalive/command-waits",
                        GINT_TO_POINTER (TRUE), test_keepalive);
  g_test_add_func ("/pop3/client/faults/uidl-unsupported",
                   test_uidl_unsupported);
  g_test_add_func ("/pop3/client/faults/one-command-at-a-time",
                   test_one_command_at_a_time);
  g_test_add_func ("/pop3/client/faults/cancel-connect", test_cancel_connect);
  g_test_add_func ("/pop3/client/faults/trace-redacts-secrets",
                   test_trace_redacts_secrets);

  return g_test_run ();
}
