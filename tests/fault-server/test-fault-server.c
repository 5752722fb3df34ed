/* test-fault-server.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pigeon-fault-server.h"
#include "pigeon-test-cert.h"

/* Bounds for every wait in these tests: long enough for a loaded machine
 * running tests in parallel, short enough that a hang fails fast. */
#define WAIT_MS 10000
#define CLIENT_TIMEOUT_S 10

typedef struct
{
  PigeonFaultServer *server;
  PigeonTestCert    *cert;
} Fixture;

/* A blocking client, as simple as can be, so that what it sees is what
 * the server sent. */
typedef struct
{
  GSocketConnection *connection;
  GIOStream         *stream; /* connection, or TLS over it */
  gboolean           asked_to_accept;
} Client;

static void
client_free (Client *client)
{
  if (client == NULL)
    return;

  g_clear_object (&client->stream);
  g_clear_object (&client->connection);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, pigeon_fault_server_free);
  g_clear_pointer (&fixture->cert, pigeon_test_cert_free);
}

static PigeonTestCert *
make_cert (void)
{
  g_autoptr (GError) error = NULL;
  PigeonTestCert    *cert = pigeon_test_cert_new ("localhost", &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static void
start_server (PigeonFaultServer *server)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pigeon_fault_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pigeon_fault_server_get_port (server), >, 0);
}

static GSocketConnection *
connect_to (guint16 port, GError **error)
{
  g_autoptr (GSocketClient)  socket_client = g_socket_client_new ();
  g_autoptr (GInetAddress)   loopback = NULL;
  g_autoptr (GSocketAddress) address = NULL;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  /* Bounds every blocking read and write of this client. */
  g_socket_client_set_timeout (socket_client, CLIENT_TIMEOUT_S);
  /* No proxy lookup (libproxy may consult the network): straight to
   * 127.0.0.1. */
  g_socket_client_set_enable_proxy (socket_client, FALSE);

  return g_socket_client_connect (socket_client, G_SOCKET_CONNECTABLE (address),
                                  NULL, error);
}

static Client *
client_connect (PigeonFaultServer *server)
{
  g_autoptr (GError) error = NULL;
  Client            *client = g_new0 (Client, 1);

  client->connection =
      connect_to (pigeon_fault_server_get_port (server), &error);
  g_assert_no_error (error);
  client->stream = G_IO_STREAM (g_object_ref (client->connection));
  return client;
}

static gboolean
on_accept_certificate_cb (GTlsConnection      *connection,
                          GTlsCertificate     *peer_cert,
                          GTlsCertificateFlags errors,
                          gpointer             user_data)
{
  Client *client = user_data;

  /* The test's CA is in the database, so validation alone must pass. */
  client->asked_to_accept = TRUE;
  return FALSE;
}

/* Shakes hands over the current stream, trusting only @trusted's
 * certificate; returns FALSE with @error when the handshake fails. */
static gboolean
client_try_tls (Client *client, PigeonTestCert *trusted, GError **error)
{
  g_autoptr (GSocketConnectable) identity = NULL;
  g_autoptr (GTlsDatabase)       database = NULL;
  g_autoptr (GIOStream)          tls = NULL;

  identity = g_network_address_new ("localhost", 995);
  database = g_tls_file_database_new (trusted->cert_path, error);
  g_assert_nonnull (database);

  tls = g_tls_client_connection_new (client->stream, identity, error);
  g_assert_nonnull (tls);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  g_signal_connect (tls, "accept-certificate",
                    G_CALLBACK (on_accept_certificate_cb), client);

  g_set_object (&client->stream, tls);
  return g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error);
}

/* Starts TLS and checks that the server showed exactly @cert. */
static void
client_start_tls (Client *client, PigeonTestCert *cert)
{
  g_autoptr (GError) error = NULL;
  g_autofree char   *fingerprint = NULL;
  GTlsCertificate   *peer;

  g_assert_true (client_try_tls (client, cert, &error));
  g_assert_no_error (error);
  g_assert_false (client->asked_to_accept);

  peer =
      g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (client->stream));
  g_assert_nonnull (peer);
  fingerprint = pigeon_test_cert_fingerprint (peer);
  g_assert_cmpstr (fingerprint, ==, cert->sha256);
}

static void
client_write (Client *client, const char *text)
{
  g_autoptr (GError) error = NULL;
  GOutputStream     *output = g_io_stream_get_output_stream (client->stream);

  g_output_stream_write_all (output, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Reads one line byte by byte, so nothing past it is consumed (which
 * matters before a TLS upgrade); returns it without CRLF. */
static char *
client_read_line (Client *client)
{
  GInputStream *input = g_io_stream_get_input_stream (client->stream);
  GString      *line = g_string_new (NULL);

  while (!g_str_has_suffix (line->str, "\r\n"))
    {
      g_autoptr (GError) error = NULL;
      char               c;
      gssize             n = g_input_stream_read (input, &c, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, ==, 1);
      g_string_append_c (line, c);
      g_assert_cmpuint (line->len, <, 4096);
    }

  g_string_truncate (line, line->len - 2);
  return g_string_free (line, FALSE);
}

/* Reads a multi-line reply after its status line, up to the "." line,
 * and gives the body lines joined with "\n". */
static char *
client_read_multiline (Client *client)
{
  GString *body = g_string_new (NULL);

  for (;;)
    {
      g_autofree char *line = client_read_line (client);

      if (g_str_equal (line, "."))
        break;
      g_string_append_printf (body, "%s\n", line);
    }

  return g_string_free (body, FALSE);
}

/* Reads everything until the server closes; *n_reads tells how many reads
 * returned data. */
static GByteArray *
client_read_to_eof (Client *client, guint *n_reads)
{
  GInputStream *input = g_io_stream_get_input_stream (client->stream);
  GByteArray   *all = g_byte_array_new ();
  guint8        buffer[64 * 1024];

  if (n_reads != NULL)
    *n_reads = 0;
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gssize             n =
          g_input_stream_read (input, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (all, buffer, n);
      if (n_reads != NULL)
        (*n_reads)++;
    }

  return all;
}

/* Reads until EOF or an error, whichever comes: for a server that may
 * close in either way. */
static void
client_drain (Client *client)
{
  GInputStream *input = g_io_stream_get_input_stream (client->stream);
  guint8        buffer[4096];

  while (g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
}

static void
client_close (Client *client)
{
  g_io_stream_close (client->stream, NULL, NULL);
}

static void
assert_wait_ok (PigeonFaultServer *server)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pigeon_fault_server_wait (server, WAIT_MS, &error));
  g_assert_no_error (error);
}

static void
assert_received (PigeonFaultServer *server, const char *const *expected)
{
  const GPtrArray *received = pigeon_fault_server_get_received (server);
  guint            n = g_strv_length ((char **) expected);

  for (guint i = 0; i < MIN (n, received->len); i++)
    g_assert_cmpstr (g_ptr_array_index (received, i), ==, expected[i]);
  g_assert_cmpuint (received->len, ==, n);
}

static gboolean
contains (GByteArray *bytes, const char *needle)
{
  return g_strstr_len ((const char *) bytes->data, bytes->len, needle) != NULL;
}

static void
test_greeting_capa (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autofree char   *greeting = NULL;
  g_autofree char   *capa = NULL;
  g_autofree char   *bye = NULL;
  g_autofree char   *status = NULL;
  const char        *expected[] = { "CAPA", "QUIT", NULL };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  /* STLS withheld, X-PIGEON added. */
  pigeon_fault_server_send_capa (fixture->server, "TOP", "UIDL", "USER",
                                 "X-PIGEON", NULL);
  pigeon_fault_server_expect (fixture->server, "QUIT");
  pigeon_fault_server_send (fixture->server, "+OK bye\r\n");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  greeting = client_read_line (client);
  g_assert_true (g_str_has_prefix (greeting, "+OK "));
  g_assert_null (strchr (greeting, '<'));

  client_write (client, "CAPA\r\n");
  status = client_read_line (client);
  g_assert_true (g_str_has_prefix (status, "+OK"));
  capa = client_read_multiline (client);
  g_assert_cmpstr (capa, ==, "TOP\nUIDL\nUSER\nX-PIGEON\n");
  g_assert_null (strstr (capa, "STLS"));

  client_write (client, "QUIT\r\n");
  bye = client_read_line (client);
  g_assert_cmpstr (bye, ==, "+OK bye");
  client_close (client);

  assert_wait_ok (fixture->server);
  assert_received (fixture->server, expected);
}

static void
test_greeting_apop (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autofree char   *greeting = NULL;
  g_autofree char   *capa_status = NULL;
  g_autofree char   *capa = NULL;
  const char        *no_capabilities[] = { NULL };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server,
                                     "1896.697170952@dbc.mtview.ca.us");
  pigeon_fault_server_expect (fixture->server, "CAPA");
  pigeon_fault_server_send_capav (fixture->server, no_capabilities);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  greeting = client_read_line (client);
  g_assert_true (g_str_has_prefix (greeting, "+OK "));
  g_assert_true (
      g_str_has_suffix (greeting, " <1896.697170952@dbc.mtview.ca.us>"));

  /* An empty capability list is still a well-formed reply. */
  client_write (client, "CAPA\r\n");
  capa_status = client_read_line (client);
  g_assert_true (g_str_has_prefix (capa_status, "+OK"));
  capa = client_read_multiline (client);
  g_assert_cmpstr (capa, ==, "");
  client_close (client);

  assert_wait_ok (fixture->server);
}

static void
test_transcript (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  const char        *commands[] = { "CAPA",     "USER alice", "PASS secret",
                                    "STAT",     "UIDL",       "RETR 1",
                                    "USER bob", "QUIT",       NULL };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  pigeon_fault_server_send_capa (fixture->server, "UIDL", "USER", NULL);
  pigeon_fault_server_expect_prefix (fixture->server, "USER ");
  pigeon_fault_server_send (fixture->server, "+OK\r\n");
  pigeon_fault_server_expect_regex (fixture->server, "^PASS [a-z]+$");
  pigeon_fault_server_send (fixture->server, "+OK\r\n");
  pigeon_fault_server_expect (fixture->server, "STAT");
  pigeon_fault_server_send (fixture->server, "+OK 1 10\r\n");
  /* The server reads these three only once the client pipelined them. */
  pigeon_fault_server_expect (fixture->server, "UIDL");
  pigeon_fault_server_expect (fixture->server, "RETR 1");
  pigeon_fault_server_send_multiline (fixture->server, "+OK", "1 a", NULL);
  pigeon_fault_server_send_multiline (fixture->server, "+OK", "Subject: x", "",
                                      "hi", NULL);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  client_write (client, "CAPA\r\n");
  g_free (client_read_line (client));
  g_free (client_read_multiline (client));
  client_write (client, "USER alice\r\n");
  g_free (client_read_line (client));
  client_write (client, "PASS secret\r\n");
  g_free (client_read_line (client));
  client_write (client, "STAT\r\n");
  g_free (client_read_line (client));
  client_write (client, "UIDL\r\nRETR 1\r\n");
  g_free (client_read_line (client));
  g_free (client_read_multiline (client));
  g_free (client_read_line (client));
  g_free (client_read_multiline (client));
  /* Past the script's end: still recorded. */
  client_write (client, "USER bob\r\nQUIT\r\n");
  client_close (client);

  assert_wait_ok (fixture->server);
  assert_received (fixture->server, commands);
  g_assert_true (
      pigeon_fault_server_received_has_prefix (fixture->server, "pass"));
  g_assert_false (
      pigeon_fault_server_received_has_prefix (fixture->server, "AUTH"));
  g_assert_false (
      pigeon_fault_server_received_has_prefix (fixture->server, "APOP"));
}

static void
test_multiline_dot_stuffing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GByteArray) all = NULL;
  const char expected[] = "+OK 2 lines\r\n..hidden\r\nplain\r\n.\r\n";

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_multiline (fixture->server, "+OK 2 lines", ".hidden",
                                      "plain", NULL);
  pigeon_fault_server_close (fixture->server);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  all = client_read_to_eof (client, NULL);
  g_assert_cmpmem (all->data, all->len, expected, sizeof expected - 1);
  client_close (client);

  assert_wait_ok (fixture->server);
}

/* Runs a one-expect script against @sent and checks that _wait reports
 * a mismatch whose message has @message in it. */
static void
check_mismatch (Fixture *fixture,
                void (*add_expect) (PigeonFaultServer *, const char *),
                const char *pattern,
                const char *sent,
                const char *message)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GError)     error = NULL;
  g_autoptr (GByteArray) rest = NULL;
  g_autofree char       *line = g_strdup_printf ("%s\r\n", sent);
  const char            *expected[] = { sent, NULL };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  add_expect (fixture->server, pattern);
  pigeon_fault_server_send (fixture->server, "+OK\r\n");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  client_write (client, line);
  /* The server closes instead of replying. */
  rest = client_read_to_eof (client, NULL);
  g_assert_cmpuint (rest->len, ==, 0);
  client_close (client);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_MISMATCH);
  g_test_message ("mismatch: %s", error->message);
  g_assert_nonnull (strstr (error->message, message));
  g_assert_nonnull (strstr (error->message, "step 2 of 3"));
  assert_received (fixture->server, expected);
}

static void
test_expect_mismatch (Fixture *fixture, gconstpointer data)
{
  check_mismatch (fixture, pigeon_fault_server_expect, "USER alice", "PASS x",
                  "expected 'USER alice', got 'PASS x'");
}

static void
test_expect_prefix_mismatch (Fixture *fixture, gconstpointer data)
{
  check_mismatch (fixture, pigeon_fault_server_expect_prefix, "USER ",
                  "AUTH PLAIN",
                  "expected a line starting with 'USER ', got 'AUTH PLAIN'");
}

static void
test_expect_regex_mismatch (Fixture *fixture, gconstpointer data)
{
  check_mismatch (fixture, pigeon_fault_server_expect_regex, "^RETR [0-9]+$",
                  "RETR one",
                  "expected a line matching /^RETR [0-9]+$/, got 'RETR one'");
}

static void
test_close_mid_reply (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GByteArray) all = NULL;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_partial_then_close (
      fixture->server, "+OK 2 messages (320 octets)\r\n", 7);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  all = client_read_to_eof (client, NULL);
  g_assert_cmpmem (all->data, all->len, "+OK 2 m", 7);
  client_close (client);

  assert_wait_ok (fixture->server);
}

static void
test_stall (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autofree char   *reply = NULL;
  gint64             start;
  gint64             elapsed_ms;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "NOOP");
  pigeon_fault_server_stall (fixture->server, 300);
  pigeon_fault_server_send (fixture->server, "+OK late\r\n");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  /* The stall starts after NOOP arrives, so timing from before sending it
   * gives a true lower bound. */
  start = g_get_monotonic_time ();
  client_write (client, "NOOP\r\n");
  reply = client_read_line (client);
  elapsed_ms = (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
  g_assert_cmpstr (reply, ==, "+OK late");
  g_assert_cmpint (elapsed_ms, >=, 300);
  client_close (client);

  assert_wait_ok (fixture->server);
}

typedef struct
{
  guint    calls;
  guint    received_then; /* lines the server had received at the call */
  GThread *thread;
} CallRecord;

static void
record_call (gpointer server, gpointer data)
{
  CallRecord *record = data;

  record->calls++;
  record->received_then = pigeon_fault_server_get_received (server)->len;
  record->thread = g_thread_self ();
}

/* A call step runs once, on the server's thread, after the command
 * expected before it and before the reply that follows. */
static void
test_call (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autofree char   *reply = NULL;
  CallRecord         record = { 0 };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "NOOP");
  pigeon_fault_server_call (fixture->server, record_call, &record);
  pigeon_fault_server_send (fixture->server, "+OK after the call\r\n");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  g_assert_cmpuint (record.calls, ==, 0);
  client_write (client, "NOOP\r\n");
  reply = client_read_line (client);
  g_assert_cmpstr (reply, ==, "+OK after the call");
  client_close (client);

  assert_wait_ok (fixture->server);
  g_assert_cmpuint (record.calls, ==, 1);
  g_assert_cmpuint (record.received_then, ==, 1);
  g_assert_true (record.thread != g_thread_self ());
}

static void
test_garbage (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GByteArray) all = NULL;
  g_autoptr (GBytes)     expected = pigeon_fault_server_make_garbage (4096);
  gsize                  expected_len;
  const guint8 *expected_data = g_bytes_get_data (expected, &expected_len);

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_garbage (fixture->server, 4096);
  pigeon_fault_server_close (fixture->server);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  all = client_read_to_eof (client, NULL);
  g_assert_cmpmem (all->data, all->len, expected_data, expected_len);
  g_assert_cmpuint (all->len, ==, 4096);
  g_assert_true (all->data[0] != '+' && all->data[0] != '-');
  g_assert_nonnull (memchr (all->data, '\0', all->len));
  g_assert_false (g_utf8_validate ((const char *) all->data, all->len, NULL));
  client_close (client);

  assert_wait_ok (fixture->server);
}

static void
test_long_line (Fixture *fixture, gconstpointer data)
{
  const gsize            size = 1024 * 1024;
  g_autoptr (Client)     client = NULL;
  g_autoptr (GByteArray) all = NULL;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_long_line (fixture->server, size);
  pigeon_fault_server_close (fixture->server);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  all = client_read_to_eof (client, NULL);
  g_assert_cmpuint (all->len, ==, size);
  g_assert_cmpmem (all->data, 4, "+OK ", 4);
  g_assert_null (memchr (all->data, '\n', all->len));
  g_assert_null (memchr (all->data, '\r', all->len));
  client_close (client);

  assert_wait_ok (fixture->server);
}

static void
test_multiline_unterminated (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GByteArray) all = NULL;
  const char             expected[] = "+OK 2 messages\r\n1 120\r\n2 200\r\n";

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_expect (fixture->server, "LIST");
  pigeon_fault_server_send_multiline_unterminated (
      fixture->server, "+OK 2 messages", "1 120", "2 200", NULL);
  pigeon_fault_server_stall (fixture->server, 50);
  pigeon_fault_server_close (fixture->server);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  client_write (client, "LIST\r\n");
  all = client_read_to_eof (client, NULL);
  g_assert_cmpmem (all->data, all->len, expected, sizeof expected - 1);
  g_assert_false (contains (all, "\r\n.\r\n"));
  client_close (client);

  assert_wait_ok (fixture->server);
}

static void
test_chunked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GByteArray) all = NULL;
  g_autoptr (GBytes)     paced = NULL;
  GString               *body = g_string_new ("+OK 1 message\r\n");
  g_autofree char       *expected = NULL;
  const char             paced_text[] = "+OK\r\n..dot\r\n\r\n.\r\n";
  guint                  n_reads;

  /* Dot-stuffed lines and CRLFs everywhere, so chunk edges land inside
   * CR LF pairs and "\r\n.\r\n" at every offset. */
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (body, "..line %u\r\n\r\n", i);
  g_string_append (body, ".\r\n");
  expected = g_strconcat (body->str, paced_text, NULL);
  paced = g_bytes_new_static (paced_text, sizeof paced_text - 1);

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_chunked (fixture->server, body->str, 3);
  pigeon_fault_server_send_chunked_full (fixture->server, paced, 1, 2);
  pigeon_fault_server_close (fixture->server);
  g_string_free (body, TRUE);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  all = client_read_to_eof (client, &n_reads);
  g_assert_cmpmem (all->data, all->len, expected, strlen (expected));
  /* How many reads it took depends on scheduling; it says the data was
   * split, but is no pass or fail. */
  g_test_message ("%u bytes arrived in %u reads", all->len, n_reads);
  client_close (client);

  assert_wait_ok (fixture->server);
}

static void
test_tls_implicit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autofree char       *greeting = NULL;
  g_autofree char       *status = NULL;
  g_autofree char       *capa = NULL;
  g_autoptr (GByteArray) rest = NULL;
  const char            *expected[] = { "CAPA", "QUIT", NULL };

  fixture->cert = make_cert ();
  fixture->server = pigeon_fault_server_new (fixture->cert->tls,
                                             PIGEON_FAULT_SERVER_IMPLICIT_TLS);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  pigeon_fault_server_send_capa (fixture->server, "UIDL", "USER", NULL);
  pigeon_fault_server_expect (fixture->server, "QUIT");
  pigeon_fault_server_send (fixture->server, "+OK bye\r\n");
  pigeon_fault_server_close (fixture->server);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  client_start_tls (client, fixture->cert);
  greeting = client_read_line (client);
  g_assert_true (g_str_has_prefix (greeting, "+OK "));
  client_write (client, "CAPA\r\n");
  status = client_read_line (client);
  capa = client_read_multiline (client);
  g_assert_cmpstr (capa, ==, "UIDL\nUSER\n");
  client_write (client, "QUIT\r\n");
  /* "+OK bye", then a clean TLS close: EOF, not an error. */
  rest = client_read_to_eof (client, NULL);
  g_assert_cmpmem (rest->data, rest->len, "+OK bye\r\n", 9);
  client_close (client);

  assert_wait_ok (fixture->server);
  assert_received (fixture->server, expected);
}

static void
test_tls_wrong_certificate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PigeonTestCert) other = make_cert ();
  g_autoptr (Client)         client = NULL;
  g_autoptr (GError)         client_error = NULL;
  g_autoptr (GError)         error = NULL;

  /* The server shows a certificate the client does not trust, as a server
   * whose certificate changed under a pinned account. */
  fixture->cert = make_cert ();
  fixture->server =
      pigeon_fault_server_new (other->tls, PIGEON_FAULT_SERVER_IMPLICIT_TLS);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_assert_false (client_try_tls (client, fixture->cert, &client_error));
  g_assert_error (client_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_true (client->asked_to_accept);
  client_close (client);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "implicit TLS handshake"));
}

static void
test_tls_starttls (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autofree char   *capa = NULL;
  g_autofree char   *tls_capa = NULL;
  g_autofree char   *reply = NULL;
  const char        *expected[] = { "CAPA",        "STLS", "CAPA", "USER alice",
                                    "PASS secret", "QUIT", NULL };

  fixture->cert = make_cert ();
  fixture->server =
      pigeon_fault_server_new (fixture->cert->tls, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  pigeon_fault_server_send_capa (fixture->server, "STLS", "UIDL", NULL);
  pigeon_fault_server_expect (fixture->server, "STLS");
  pigeon_fault_server_send (fixture->server, "+OK Begin TLS negotiation\r\n");
  pigeon_fault_server_start_tls (fixture->server);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  pigeon_fault_server_send_capa (fixture->server, "UIDL", "USER", NULL);
  pigeon_fault_server_expect (fixture->server, "USER alice");
  pigeon_fault_server_send (fixture->server, "+OK\r\n");
  pigeon_fault_server_expect (fixture->server, "PASS secret");
  pigeon_fault_server_send (fixture->server, "+OK\r\n");
  pigeon_fault_server_expect (fixture->server, "QUIT");
  pigeon_fault_server_send (fixture->server, "+OK bye\r\n");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  client_write (client, "CAPA\r\n");
  g_free (client_read_line (client));
  capa = client_read_multiline (client);
  g_assert_cmpstr (capa, ==, "STLS\nUIDL\n");
  client_write (client, "STLS\r\n");
  reply = client_read_line (client);
  g_assert_cmpstr (reply, ==, "+OK Begin TLS negotiation");

  /* From here on the server reads through TLS only: a plaintext command
   * would have broken its handshake (see the plaintext test). */
  client_start_tls (client, fixture->cert);
  client_write (client, "CAPA\r\n");
  g_free (client_read_line (client));
  tls_capa = client_read_multiline (client);
  g_assert_cmpstr (tls_capa, ==, "UIDL\nUSER\n");
  client_write (client, "USER alice\r\n");
  g_free (client_read_line (client));
  client_write (client, "PASS secret\r\n");
  g_free (client_read_line (client));
  client_write (client, "QUIT\r\n");
  g_free (client_read_line (client));
  client_close (client);

  assert_wait_ok (fixture->server);
  assert_received (fixture->server, expected);
}

static void
test_tls_starttls_plaintext (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autoptr (GError) error = NULL;

  fixture->cert = make_cert ();
  fixture->server =
      pigeon_fault_server_new (fixture->cert->tls, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "STLS");
  pigeon_fault_server_send (fixture->server, "+OK Begin TLS negotiation\r\n");
  pigeon_fault_server_start_tls (fixture->server);
  pigeon_fault_server_expect (fixture->server, "USER alice");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  client_write (client, "STLS\r\n");
  g_free (client_read_line (client));
  /* A client that ignores its own STLS and goes on in the clear. */
  client_write (client, "USER alice\r\n");
  client_drain (client);
  client_close (client);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_false (
      pigeon_fault_server_received_has_prefix (fixture->server, "USER"));
}

static void
test_tls_starttls_injection (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GError)     error = NULL;
  g_autoptr (GByteArray) rest = NULL;

  fixture->cert = make_cert ();
  fixture->server =
      pigeon_fault_server_new (fixture->cert->tls, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "STLS");
  pigeon_fault_server_send (fixture->server, "+OK Begin TLS negotiation\r\n");
  pigeon_fault_server_start_tls (fixture->server);
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  /* Plaintext after STLS in the same packet: it must not count as sent
   * over TLS. */
  client_write (client, "STLS\r\nCAPA\r\n");
  rest = client_read_to_eof (client, NULL);
  g_assert_true (contains (rest, "+OK Begin TLS"));
  client_close (client);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "6 bytes after STLS"));
}

static void
test_early_disconnect (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autoptr (GError) error = NULL;
  gint64             start;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  pigeon_fault_server_send_capa (fixture->server, "UIDL", NULL);
  pigeon_fault_server_expect (fixture->server, "QUIT");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));
  client_close (client);

  start = g_get_monotonic_time ();
  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  /* Told by the disconnect, not by running into the bound. */
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   WAIT_MS / 2 * G_TIME_SPAN_MILLISECOND);
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_DISCONNECTED);
  g_assert_nonnull (strstr (error->message, "step 2 of 4"));
  g_assert_nonnull (strstr (error->message, "expect 'CAPA'"));
}

static void
test_disconnect_before_greeting (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError)            error = NULL;
  g_autoptr (GSocketConnection) connection = NULL;

  /* A big first reply, so the server is still writing, or about to read,
   * when the client is gone: either way it must end and tell. */
  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_long_line (fixture->server, 4 * 1024 * 1024);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  start_server (fixture->server);

  connection =
      connect_to (pigeon_fault_server_get_port (fixture->server), &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_DISCONNECTED);
  g_test_message ("%s", error->message);
}

static void
test_timeout_and_stop (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client)     client = NULL;
  g_autoptr (GError)     error = NULL;
  g_autoptr (GByteArray) rest = NULL;
  gint64                 start;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  g_free (client_read_line (client));

  /* The client stays silent: the wait ends at its bound and says where. */
  start = g_get_monotonic_time ();
  g_assert_false (pigeon_fault_server_wait (fixture->server, 200, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, >=,
                   200 * G_TIME_SPAN_MILLISECOND);
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "step 2 of 2, expect 'CAPA'"));

  /* Stopping with a client connected and a read pending is prompt, and
   * the client sees the connection close. */
  start = g_get_monotonic_time ();
  pigeon_fault_server_stop (fixture->server);
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   WAIT_MS / 2 * G_TIME_SPAN_MILLISECOND);
  rest = client_read_to_eof (client, NULL);
  g_assert_cmpuint (rest->len, ==, 0);
  pigeon_fault_server_stop (fixture->server);
}

static void
test_no_client (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  start_server (fixture->server);

  g_assert_false (pigeon_fault_server_wait (fixture->server, 100, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "client 1 of 1 to connect"));
}

static void
test_connections (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError)            error = NULL;
  g_autoptr (GSocketConnection) refused = NULL;
  const char                   *expected[] = { "QUIT", "QUIT", NULL };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_set_connections (fixture->server, 2);
  pigeon_fault_server_send_greeting (fixture->server, NULL);
  pigeon_fault_server_expect (fixture->server, "QUIT");
  pigeon_fault_server_send (fixture->server, "+OK bye\r\n");
  start_server (fixture->server);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (Client) client = client_connect (fixture->server);
      g_autofree char   *greeting = client_read_line (client);
      g_autofree char   *bye = NULL;

      g_assert_true (g_str_has_prefix (greeting, "+OK "));
      client_write (client, "QUIT\r\n");
      bye = client_read_line (client);
      g_assert_cmpstr (bye, ==, "+OK bye");
      client_close (client);
    }

  assert_wait_ok (fixture->server);
  assert_received (fixture->server, expected);

  /* The second client was the last: the listener is gone. */
  refused = connect_to (pigeon_fault_server_get_port (fixture->server), &error);
  g_assert_null (refused);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_bare_lf (Fixture *fixture, gconstpointer data)
{
  g_autoptr (Client) client = NULL;
  g_autoptr (GError) error = NULL;
  const char        *expected[] = { "CAPA", NULL };

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_expect (fixture->server, "CAPA");
  start_server (fixture->server);

  client = client_connect (fixture->server);
  client_write (client, "CAPA\n");
  client_drain (client);
  client_close (client);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "bare LF"));
  assert_received (fixture->server, expected);
}

static void
test_line_too_long (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError)            error = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autofree char *huge = g_malloc (PIGEON_FAULT_SERVER_MAX_LINE + 10);
  GOutputStream   *output;

  fixture->server = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_expect_prefix (fixture->server, "");
  start_server (fixture->server);

  connection =
      connect_to (pigeon_fault_server_get_port (fixture->server), &error);
  g_assert_no_error (error);
  memset (huge, 'A', PIGEON_FAULT_SERVER_MAX_LINE + 10);
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  /* The server may close before it has all of it; that is its answer. */
  g_output_stream_write_all (output, huge, PIGEON_FAULT_SERVER_MAX_LINE + 10,
                             NULL, NULL, NULL);

  g_assert_false (pigeon_fault_server_wait (fixture->server, WAIT_MS, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "longer than"));
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static void
check_setup_error (PigeonFaultServer *server, const char *message)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (pigeon_fault_server_start (server, &error));
  g_assert_error (error, PIGEON_FAULT_SERVER_ERROR,
                  PIGEON_FAULT_SERVER_ERROR_SETUP);
  g_assert_nonnull (strstr (error->message, message));
}

static void
test_setup_errors (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PigeonFaultServer) bad_regex = NULL;
  g_autoptr (PigeonFaultServer) after_close = NULL;
  g_autoptr (PigeonFaultServer) no_cert = NULL;
  g_autoptr (PigeonFaultServer) implicit_no_cert = NULL;

  bad_regex = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_expect_regex (bad_regex, "USER (");
  check_setup_error (bad_regex, "bad regular expression");

  after_close = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_send_partial_then_close (after_close, "+OK\r\n", 2);
  pigeon_fault_server_expect (after_close, "CAPA");
  check_setup_error (after_close, "follows a close");

  no_cert = pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_PLAIN);
  pigeon_fault_server_start_tls (no_cert);
  check_setup_error (no_cert, "no certificate");

  implicit_no_cert =
      pigeon_fault_server_new (NULL, PIGEON_FAULT_SERVER_IMPLICIT_TLS);
  check_setup_error (implicit_no_cert, "no certificate");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, NULL, func, fixture_teardown)

  ADD ("/fault-server/script/greeting-capa", test_greeting_capa);
  ADD ("/fault-server/script/greeting-apop", test_greeting_apop);
  ADD ("/fault-server/script/transcript", test_transcript);
  ADD ("/fault-server/script/multiline-dot-stuffing",
       test_multiline_dot_stuffing);
  ADD ("/fault-server/script/expect-mismatch", test_expect_mismatch);
  ADD ("/fault-server/script/expect-prefix-mismatch",
       test_expect_prefix_mismatch);
  ADD ("/fault-server/script/expect-regex-mismatch",
       test_expect_regex_mismatch);
  ADD ("/fault-server/script/early-disconnect", test_early_disconnect);
  ADD ("/fault-server/script/disconnect-before-greeting",
       test_disconnect_before_greeting);
  ADD ("/fault-server/script/timeout-and-stop", test_timeout_and_stop);
  ADD ("/fault-server/script/no-client", test_no_client);
  ADD ("/fault-server/script/connections", test_connections);
  ADD ("/fault-server/script/setup-errors", test_setup_errors);
  ADD ("/fault-server/fault/close-mid-reply", test_close_mid_reply);
  ADD ("/fault-server/fault/stall", test_stall);
  ADD ("/fault-server/script/call", test_call);
  ADD ("/fault-server/fault/garbage", test_garbage);
  ADD ("/fault-server/fault/long-line", test_long_line);
  ADD ("/fault-server/fault/multiline-unterminated",
       test_multiline_unterminated);
  ADD ("/fault-server/fault/chunked", test_chunked);
  ADD ("/fault-server/protocol/bare-lf", test_bare_lf);
  ADD ("/fault-server/protocol/line-too-long", test_line_too_long);
  ADD ("/fault-server/tls/implicit", test_tls_implicit);
  ADD ("/fault-server/tls/wrong-certificate", test_tls_wrong_certificate);
  ADD ("/fault-server/tls/starttls", test_tls_starttls);
  ADD ("/fault-server/tls/starttls-plaintext", test_tls_starttls_plaintext);
  ADD ("/fault-server/tls/starttls-injection", test_tls_starttls_injection);

#undef ADD

  return g_test_run ();
}
