/* test-dovecot-smoke.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "pigeon-test-dovecot.h"

/* Checks the harness itself against the real server: what Pigeon's POP3
 * tests will rely on (ports, TLS with the harness's certificate, users,
 * seeded mail with predictable numbers and sizes, reset, independent
 * instances). The client here is a deliberately plain blocking one; the
 * product's client is tested elsewhere. */

#define IO_TIMEOUT_SECONDS 10
#define MAX_LINE (64 * 1024)

/* Three messages that exercise what Dovecot rewrites on the way out:
 * bare LF turned into CRLF, lines starting with '.' stuffed (one of them
 * a lone "."), and a message already stored with CRLF. */
static const char *const messages[] = {
  "From: Sender <sender@example.org>\n"
  "To: alice@example.org\n"
  "Subject: one\n"
  "Message-ID: <one@example.org>\n"
  "\n"
  "Hello Alice.\n"
  ".leading dot\n"
  "..two dots\n"
  ".\n"
  "end\n",

  "From: Sender <sender@example.org>\r\n"
  "To: alice@example.org\r\n"
  "Subject: two\r\n"
  "Message-ID: <two@example.org>\r\n"
  "\r\n"
  "Stored with CRLF.\r\n",

  "From: Sender <sender@example.org>\n"
  "To: alice@example.org\n"
  "Subject: three\n"
  "Message-ID: <three@example.org>\n"
  "\n"
  "Third.\n",
};

typedef struct
{
  PigeonTestDovecot *dovecot;
} Fixture;

/* A blocking POP3 connection with a bounded line reader. */
typedef struct
{
  GIOStream  *stream; /* the TCP connection, or TLS over it */
  GByteArray *buffer; /* bytes read but not yet consumed */
} Pop3;

/* One server for every test that needs just one, as Pigeon's integration
 * tests are meant to use the harness: a start and stop cost about 2 s
 * (a new RSA certificate, Dovecot's start, its 1 s shutdown), a reset a
 * few ms. Started by the first test that asks, stopped after the last;
 * a test that dies takes it along (the server dies with its parent). */
static PigeonTestDovecot *shared_dovecot;

static void
fixture_setup (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (shared_dovecot == NULL)
    {
      shared_dovecot = pigeon_test_dovecot_new (&error);
      g_assert_no_error (error);
    }

  /* Each test starts from an empty mailbox, whatever the last one left. */
  pigeon_test_dovecot_reset (shared_dovecot, NULL, &error);
  g_assert_no_error (error);
  fixture->dovecot = shared_dovecot;
}

/* Dovecot logs what it dislikes about the harness's work (a wrong S= or
 * W= size, a file it cannot read, a broken index) as errors, though the
 * POP3 exchange may still look fine. */
static void
assert_log_clean (PigeonTestDovecot *dovecot)
{
  g_autofree char *log = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (
      pigeon_test_dovecot_get_log_path (dovecot), &log, NULL, NULL));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], ": Error: ") != NULL ||
        strstr (lines[i], ": Fatal: ") != NULL ||
        strstr (lines[i], ": Panic: ") != NULL)
      g_error ("dovecot logged: %s", lines[i]);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer user_data)
{
  assert_log_clean (fixture->dovecot);
  fixture->dovecot = NULL;
}

static void
pop3_free (Pop3 *pop3)
{
  if (pop3->stream != NULL)
    g_io_stream_close (pop3->stream, NULL, NULL);
  g_clear_object (&pop3->stream);
  g_byte_array_unref (pop3->buffer);
  g_free (pop3);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pop3, pop3_free)

/* Connects to 127.0.0.1:port; every read and write after this times out
 * after IO_TIMEOUT_SECONDS, so a silent server fails the test instead of
 * hanging it. */
static Pop3 *
pop3_connect (guint16 port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GInetAddress)  loopback =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address =
      g_inet_socket_address_new (loopback, port);
  g_autoptr (GError) error = NULL;
  Pop3              *pop3 = g_new0 (Pop3, 1);

  g_socket_client_set_timeout (client, IO_TIMEOUT_SECONDS);
  /* Straight to 127.0.0.1, whatever proxy the environment names. */
  g_socket_client_set_enable_proxy (client, FALSE);
  pop3->stream = G_IO_STREAM (g_socket_client_connect (
      client, G_SOCKET_CONNECTABLE (address), NULL, &error));
  g_assert_no_error (error);
  pop3->buffer = g_byte_array_new ();

  return pop3;
}

/* One line without its CRLF. */
static char *
pop3_read_line (Pop3 *pop3)
{
  GInputStream *input = g_io_stream_get_input_stream (pop3->stream);

  for (;;)
    {
      guint8 chunk[4096];
      gssize n;

      for (guint i = 0; i + 1 < pop3->buffer->len; i++)
        if (pop3->buffer->data[i] == '\r' && pop3->buffer->data[i + 1] == '\n')
          {
            char *line = g_strndup ((const char *) pop3->buffer->data, i);

            g_byte_array_remove_range (pop3->buffer, 0, i + 2);
            return line;
          }

      g_assert_cmpuint (pop3->buffer->len, <, MAX_LINE);
      {
        g_autoptr (GError) error = NULL;

        n = g_input_stream_read (input, chunk, sizeof chunk, NULL, &error);
        g_assert_no_error (error);
      }
      g_assert_cmpint (n, >, 0);
      g_byte_array_append (pop3->buffer, chunk, (guint) n);
    }
}

static void
pop3_send (Pop3 *pop3, const char *command)
{
  GOutputStream     *output = g_io_stream_get_output_stream (pop3->stream);
  g_autofree char   *line = g_strconcat (command, "\r\n", NULL);
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all (output, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Sends a command and returns its status line. */
static char *
pop3_command (Pop3 *pop3, const char *command)
{
  pop3_send (pop3, command);
  return pop3_read_line (pop3);
}

static void
assert_ok (const char *line)
{
  if (!g_str_has_prefix (line, "+OK"))
    g_error ("expected +OK, got \"%s\"", line);
}

/* Sends a command that must succeed. */
static void
pop3_command_ok (Pop3 *pop3, const char *command)
{
  g_autofree char *line = pop3_command (pop3, command);

  assert_ok (line);
}

/* The lines of a multi-line response up to its terminating ".", with
 * the dot-stuffing undone. */
static GPtrArray *
pop3_read_multiline (Pop3 *pop3)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      char *line = pop3_read_line (pop3);

      if (g_str_equal (line, "."))
        {
          g_free (line);
          return lines;
        }
      if (line[0] == '.')
        memmove (line, line + 1, strlen (line));
      g_ptr_array_add (lines, line);
    }
}

/* A multi-line command that must succeed; its data lines. */
static GPtrArray *
pop3_command_multiline (Pop3 *pop3, const char *command)
{
  pop3_command_ok (pop3, command);
  return pop3_read_multiline (pop3);
}

static void
pop3_login (Pop3 *pop3, const char *user, const char *password)
{
  g_autofree char *user_command = g_strdup_printf ("USER %s", user);
  g_autofree char *pass_command = g_strdup_printf ("PASS %s", password);

  pop3_command_ok (pop3, user_command);
  pop3_command_ok (pop3, pass_command);
}

static void
pop3_quit (Pop3 *pop3)
{
  pop3_command_ok (pop3, "QUIT");
}

/* Handshakes TLS over the current stream, validating the server against
 * the harness certificate as the only anchor for "localhost", then checks
 * the peer certificate's SHA-256 against the harness's pin too, as
 * Pigeon does for a pinned account. */
static void
pop3_start_tls (Pop3 *pop3, PigeonTestCert *cert, guint16 port)
{
  g_autoptr (GError)             error = NULL;
  g_autoptr (GTlsDatabase)       database = NULL;
  g_autoptr (GSocketConnectable) identity = NULL;
  g_autoptr (GIOStream)          tls = NULL;
  g_autofree char               *fingerprint = NULL;
  GTlsCertificate               *peer;

  /* Anything read past the STLS reply would be plaintext inside TLS. */
  g_assert_cmpuint (pop3->buffer->len, ==, 0);

  database = g_tls_file_database_new (cert->cert_path, &error);
  g_assert_no_error (error);
  identity = g_network_address_new ("localhost", port);
  tls = g_tls_client_connection_new (pop3->stream, identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);

  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls));
  g_assert_nonnull (peer);
  fingerprint = pigeon_test_cert_fingerprint (peer);
  g_assert_cmpstr (fingerprint, ==, cert->sha256);

  g_object_unref (pop3->stream);
  pop3->stream = g_steal_pointer (&tls);
}

/* The message as POP3 must deliver it: every bare LF made CRLF. */
static char *
crlf_normalise (const char *message)
{
  GString *out = g_string_new (NULL);

  for (const char *p = message; *p != '\0'; p++)
    {
      if (*p == '\n' && (p == message || p[-1] != '\r'))
        g_string_append_c (out, '\r');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* Joins RETR's unstuffed lines back into the message bytes. */
static char *
join_crlf (GPtrArray *lines)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (out, g_ptr_array_index (lines, i));
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}

static void
seed_messages (PigeonTestDovecot *dovecot)
{
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      pigeon_test_dovecot_seed_message (dovecot, NULL, messages[i],
                                        strlen (messages[i]), &error);
      g_assert_no_error (error);
    }
}

static gsize
seeded_octets (void)
{
  gsize total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    total += pigeon_test_dovecot_crlf_size (messages[i], strlen (messages[i]));

  return total;
}

/* STAT's message count and octets. */
static void
pop3_stat (Pop3 *pop3, guint *count, gsize *octets)
{
  g_autofree char *line = pop3_command (pop3, "STAT");
  guint64          parsed_count = 0;
  guint64          parsed_octets = 0;

  assert_ok (line);
  g_assert_cmpint (sscanf (line, "+OK %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                           &parsed_count, &parsed_octets),
                   ==, 2);
  *count = (guint) parsed_count;
  *octets = (gsize) parsed_octets;
}

static Pop3 *
connect_and_login (PigeonTestDovecot *dovecot)
{
  g_autoptr (Pop3) pop3 =
      pop3_connect (pigeon_test_dovecot_get_plain_port (dovecot));
  g_autofree char *greeting = pop3_read_line (pop3);

  assert_ok (greeting);
  pop3_login (pop3, pigeon_test_dovecot_get_user (dovecot),
              pigeon_test_dovecot_get_password (dovecot));

  return g_steal_pointer (&pop3);
}

static gboolean
lines_contain (GPtrArray *lines, const char *wanted)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_equal (g_ptr_array_index (lines, i), wanted))
      return TRUE;
  return FALSE;
}

/* The SASL line of CAPA names PLAIN among its mechanisms. */
static gboolean
capa_has_sasl_plain (GPtrArray *capa)
{
  for (guint i = 0; i < capa->len; i++)
    {
      const char *line = g_ptr_array_index (capa, i);
      g_auto (GStrv) words = g_strsplit (line, " ", -1);

      if (g_str_equal (words[0], "SASL") &&
          g_strv_contains ((const char *const *) words + 1, "PLAIN"))
        return TRUE;
    }
  return FALSE;
}

static void
test_greeting_and_capa (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3) pop3 =
      pop3_connect (pigeon_test_dovecot_get_plain_port (fixture->dovecot));
  g_autofree char      *greeting = pop3_read_line (pop3);
  g_autoptr (GPtrArray) capa = NULL;

  assert_ok (greeting);
  /* apop is enabled: the greeting carries the APOP timestamp. */
  g_assert_nonnull (strchr (greeting, '<'));
  g_assert_nonnull (strchr (greeting, '>'));

  capa = pop3_command_multiline (pop3, "CAPA");
  for (guint i = 0; i < capa->len; i++)
    g_test_message ("CAPA: %s", (const char *) g_ptr_array_index (capa, i));
  g_assert_true (lines_contain (capa, "PIPELINING"));
  g_assert_true (lines_contain (capa, "UIDL"));
  g_assert_true (lines_contain (capa, "TOP"));
  g_assert_true (lines_contain (capa, "USER"));
  g_assert_true (lines_contain (capa, "STLS"));
  g_assert_true (capa_has_sasl_plain (capa));

  pop3_quit (pop3);
}

static void
test_seeded_mailbox (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3)       pop3 = NULL;
  g_autoptr (GPtrArray)  list = NULL;
  g_autoptr (GPtrArray)  uidl = NULL;
  g_autoptr (GHashTable) uids =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint count = 0;
  gsize octets = 0;

  seed_messages (fixture->dovecot);
  pop3 = connect_and_login (fixture->dovecot);

  pop3_stat (pop3, &count, &octets);
  g_assert_cmpuint (count, ==, G_N_ELEMENTS (messages));
  g_assert_cmpuint (octets, ==, seeded_octets ());

  /* Message numbers follow the order of seeding. */
  list = pop3_command_multiline (pop3, "LIST");
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (messages));
  for (guint i = 0; i < list->len; i++)
    {
      g_autofree char *expected = g_strdup_printf (
          "%u %" G_GSIZE_FORMAT, i + 1,
          pigeon_test_dovecot_crlf_size (messages[i], strlen (messages[i])));

      g_assert_cmpstr (g_ptr_array_index (list, i), ==, expected);
    }

  uidl = pop3_command_multiline (pop3, "UIDL");
  g_assert_cmpuint (uidl->len, ==, G_N_ELEMENTS (messages));
  for (guint i = 0; i < uidl->len; i++)
    {
      g_auto (GStrv) fields = g_strsplit (g_ptr_array_index (uidl, i), " ", -1);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);

      g_assert_cmpuint (g_strv_length (fields), ==, 2);
      g_assert_cmpstr (fields[0], ==, number);
      /* pop3_uidl_format = %08Xu%08Xv: UID then UIDVALIDITY, in hex */
      g_assert_cmpuint (strlen (fields[1]), ==, 16);
      g_assert_false (g_hash_table_contains (uids, fields[1]));
      g_hash_table_add (uids, g_strdup (fields[1]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autofree char      *command = g_strdup_printf ("RETR %u", i + 1);
      g_autoptr (GPtrArray) lines = pop3_command_multiline (pop3, command);
      g_autofree char      *got = join_crlf (lines);
      g_autofree char      *expected = crlf_normalise (messages[i]);

      g_assert_cmpstr (got, ==, expected);
    }

  pop3_quit (pop3);
}

static void
test_stls (Fixture *fixture, gconstpointer user_data)
{
  PigeonTestDovecot    *dovecot = fixture->dovecot;
  guint16               port = pigeon_test_dovecot_get_plain_port (dovecot);
  g_autoptr (Pop3)      pop3 = pop3_connect (port);
  g_autofree char      *greeting = pop3_read_line (pop3);
  g_autoptr (GPtrArray) capa = NULL;
  guint                 count = 0;
  gsize                 octets = 0;

  assert_ok (greeting);
  pop3_command_ok (pop3, "STLS");
  pop3_start_tls (pop3, pigeon_test_dovecot_get_cert (dovecot), port);

  /* Inside TLS, STLS is no longer offered. */
  capa = pop3_command_multiline (pop3, "CAPA");
  g_assert_false (lines_contain (capa, "STLS"));
  g_assert_true (lines_contain (capa, "UIDL"));

  seed_messages (dovecot);
  pop3_login (pop3, pigeon_test_dovecot_get_user (dovecot),
              pigeon_test_dovecot_get_password (dovecot));
  pop3_stat (pop3, &count, &octets);
  g_assert_cmpuint (count, ==, G_N_ELEMENTS (messages));
  g_assert_cmpuint (octets, ==, seeded_octets ());
  pop3_quit (pop3);
}

static void
test_implicit_tls (Fixture *fixture, gconstpointer user_data)
{
  PigeonTestDovecot    *dovecot = fixture->dovecot;
  guint16               port = pigeon_test_dovecot_get_tls_port (dovecot);
  g_autoptr (Pop3)      pop3 = pop3_connect (port);
  g_autofree char      *greeting = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_autofree char      *got = NULL;
  g_autofree char      *expected = crlf_normalise (messages[0]);

  g_assert_cmpuint (port, !=, pigeon_test_dovecot_get_plain_port (dovecot));

  /* The handshake comes first, before any greeting. */
  pop3_start_tls (pop3, pigeon_test_dovecot_get_cert (dovecot), port);
  greeting = pop3_read_line (pop3);
  assert_ok (greeting);

  seed_messages (dovecot);
  pop3_login (pop3, pigeon_test_dovecot_get_user (dovecot),
              pigeon_test_dovecot_get_password (dovecot));
  lines = pop3_command_multiline (pop3, "RETR 1");
  got = join_crlf (lines);
  g_assert_cmpstr (got, ==, expected);
  pop3_quit (pop3);
}

static void
test_wrong_password (Fixture *fixture, gconstpointer user_data)
{
  PigeonTestDovecot *dovecot = fixture->dovecot;
  g_autoptr (Pop3)   pop3 =
      pop3_connect (pigeon_test_dovecot_get_plain_port (dovecot));
  g_autofree char *greeting = pop3_read_line (pop3);
  g_autofree char *user_command =
      g_strdup_printf ("USER %s", pigeon_test_dovecot_get_user (dovecot));
  g_autofree char *refused = NULL;
  g_autofree char *unknown = NULL;

  assert_ok (greeting);
  pop3_command_ok (pop3, user_command);
  refused = pop3_command (pop3, "PASS not-the-password");
  g_assert_true (g_str_has_prefix (refused, "-ERR"));

  pop3_command_ok (pop3, "USER nobody-here");
  unknown = pop3_command (pop3, "PASS whatever");
  g_assert_true (g_str_has_prefix (unknown, "-ERR"));

  /* The refusals cost nothing later: the right password still works. */
  pop3_login (pop3, pigeon_test_dovecot_get_user (dovecot),
              pigeon_test_dovecot_get_password (dovecot));
  pop3_quit (pop3);
}

static void
test_reset (Fixture *fixture, gconstpointer user_data)
{
  PigeonTestDovecot *dovecot = fixture->dovecot;
  g_autoptr (GError) error = NULL;
  g_autofree char   *uidlist = g_build_filename (
        pigeon_test_dovecot_get_maildir (dovecot, NULL), "dovecot-uidlist", NULL);
  guint count = 0;
  gsize octets = 0;

  {
    g_autoptr (Pop3) pop3 = NULL;

    seed_messages (dovecot);
    pop3 = connect_and_login (dovecot);
    pop3_stat (pop3, &count, &octets);
    g_assert_cmpuint (count, ==, G_N_ELEMENTS (messages));
    pop3_quit (pop3);
  }
  g_assert_true (g_file_test (uidlist, G_FILE_TEST_EXISTS));

  pigeon_test_dovecot_reset (dovecot, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (uidlist, G_FILE_TEST_EXISTS));

  {
    g_autoptr (Pop3) pop3 = connect_and_login (dovecot);

    pop3_stat (pop3, &count, &octets);
    g_assert_cmpuint (count, ==, 0);
    g_assert_cmpuint (octets, ==, 0);
    pop3_quit (pop3);
  }

  /* Reseed, one message per call, in an order of our choosing. */
  pigeon_test_dovecot_seed_message (dovecot, NULL, messages[2],
                                    strlen (messages[2]), &error);
  g_assert_no_error (error);
  pigeon_test_dovecot_seed_message (dovecot, NULL, messages[0],
                                    strlen (messages[0]), &error);
  g_assert_no_error (error);

  {
    g_autoptr (Pop3)      pop3 = connect_and_login (dovecot);
    g_autoptr (GPtrArray) lines = NULL;
    g_autofree char      *got = NULL;
    g_autofree char      *expected = crlf_normalise (messages[2]);

    pop3_stat (pop3, &count, &octets);
    g_assert_cmpuint (count, ==, 2);
    lines = pop3_command_multiline (pop3, "RETR 1");
    got = join_crlf (lines);
    g_assert_cmpstr (got, ==, expected);
    pop3_quit (pop3);
  }
}

/* Writes @contents to @dir/@name. */
static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char   *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
remove_flat_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char      *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
test_seed_dir_and_users (Fixture *fixture, gconstpointer user_data)
{
  PigeonTestDovecot *dovecot = fixture->dovecot;
  g_autoptr (GError) error = NULL;
  g_autofree char   *dir = g_dir_make_tmp ("pigeon-eml-XXXXXX", &error);
  guint              count = 0;
  gsize              octets = 0;

  g_assert_no_error (error);
  /* Written out of name order; only *.eml files count. */
  write_file (dir, "b.eml", messages[1]);
  write_file (dir, "a.eml", messages[0]);
  write_file (dir, "notes.txt", "not mail\n");

  pigeon_test_dovecot_add_user (dovecot, "bob", "builder", &error);
  g_assert_no_error (error);
  pigeon_test_dovecot_add_user (dovecot, "bob", "again", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (pigeon_test_dovecot_get_maildir (dovecot, "carol"));
  pigeon_test_dovecot_seed_dir (dovecot, "carol", dir, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  pigeon_test_dovecot_seed_dir (dovecot, "bob", dir, &error);
  g_assert_no_error (error);
  remove_flat_dir (dir);

  {
    g_autoptr (Pop3) pop3 =
        pop3_connect (pigeon_test_dovecot_get_plain_port (dovecot));
    g_autofree char      *greeting = pop3_read_line (pop3);
    g_autoptr (GPtrArray) lines = NULL;
    g_autofree char      *got = NULL;
    g_autofree char      *expected = crlf_normalise (messages[0]);

    assert_ok (greeting);
    pop3_login (pop3, "bob", "builder");
    pop3_stat (pop3, &count, &octets);
    g_assert_cmpuint (count, ==, 2);
    lines = pop3_command_multiline (pop3, "RETR 1");
    got = join_crlf (lines);
    g_assert_cmpstr (got, ==, expected);
    pop3_quit (pop3);
  }

  /* Alice's mailbox is her own. */
  {
    g_autoptr (Pop3) pop3 = connect_and_login (dovecot);

    pop3_stat (pop3, &count, &octets);
    g_assert_cmpuint (count, ==, 0);
    pop3_quit (pop3);
  }
}

/* True while a process is titled "dovecot-<instance>/<service>", as
 * Dovecot titles its children (the master's title is its command line,
 * with the config path inside @dir). Only looked at: this is how the test
 * checks that freeing left nothing of the instance running. */
static gboolean
instance_has_processes (const char *instance, const char *dir)
{
  g_autofree char *title = g_strdup_printf ("dovecot-%s/", instance);
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char      *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize            len = 0;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      if (g_str_has_prefix (cmdline, title))
        return TRUE;
      /* Arguments are NUL-separated: look for the config path in each. */
      for (gsize at = 0; at < len; at += strlen (cmdline + at) + 1)
        if (g_str_has_prefix (cmdline + at, dir))
          return TRUE;
    }

  return FALSE;
}

static void
test_two_instances (void)
{
  g_autoptr (GError)            error = NULL;
  g_autoptr (PigeonTestDovecot) first = pigeon_test_dovecot_new (&error);
  g_autoptr (PigeonTestDovecot) second = NULL;
  g_autofree char              *first_instance = NULL;
  g_autofree char              *first_dir = NULL;
  guint                         count = 0;
  gsize                         octets = 0;

  g_assert_no_error (error);
  second = pigeon_test_dovecot_new (&error);
  g_assert_no_error (error);

  g_assert_cmpuint (pigeon_test_dovecot_get_plain_port (first), !=,
                    pigeon_test_dovecot_get_plain_port (second));
  g_assert_cmpuint (pigeon_test_dovecot_get_tls_port (first), !=,
                    pigeon_test_dovecot_get_tls_port (second));
  g_assert_cmpstr (pigeon_test_dovecot_get_dir (first), !=,
                   pigeon_test_dovecot_get_dir (second));
  g_assert_cmpstr (pigeon_test_dovecot_get_cert (first)->sha256, !=,
                   pigeon_test_dovecot_get_cert (second)->sha256);

  /* Mail seeded into one is not in the other, and both serve at once. */
  seed_messages (first);
  {
    g_autoptr (Pop3) a = connect_and_login (first);
    g_autoptr (Pop3) b = connect_and_login (second);

    pop3_stat (a, &count, &octets);
    g_assert_cmpuint (count, ==, G_N_ELEMENTS (messages));
    pop3_stat (b, &count, &octets);
    g_assert_cmpuint (count, ==, 0);
    pop3_quit (a);
    pop3_quit (b);
  }

  assert_log_clean (first);
  assert_log_clean (second);

  /* Freeing one stops all its processes, removes its dir and leaves the
   * other serving. */
  first_dir = g_strdup (pigeon_test_dovecot_get_dir (first));
  first_instance = g_path_get_basename (first_dir);
  g_clear_pointer (&first, pigeon_test_dovecot_free);
  g_assert_false (g_file_test (first_dir, G_FILE_TEST_EXISTS));
  g_assert_false (instance_has_processes (first_instance, first_dir));
  {
    g_autoptr (Pop3) b = connect_and_login (second);

    pop3_stat (b, &count, &octets);
    g_assert_cmpuint (count, ==, 0);
    pop3_quit (b);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/dovecot/smoke/greeting-and-capa", Fixture, NULL, fixture_setup,
              test_greeting_and_capa, fixture_teardown);
  g_test_add ("/dovecot/smoke/seeded-mailbox", Fixture, NULL, fixture_setup,
              test_seeded_mailbox, fixture_teardown);
  g_test_add ("/dovecot/smoke/stls", Fixture, NULL, fixture_setup, test_stls,
              fixture_teardown);
  g_test_add ("/dovecot/smoke/implicit-tls", Fixture, NULL, fixture_setup,
              test_implicit_tls, fixture_teardown);
  g_test_add ("/dovecot/smoke/wrong-password", Fixture, NULL, fixture_setup,
              test_wrong_password, fixture_teardown);
  g_test_add ("/dovecot/smoke/reset", Fixture, NULL, fixture_setup, test_reset,
              fixture_teardown);
  g_test_add ("/dovecot/smoke/seed-dir-and-users", Fixture, NULL, fixture_setup,
              test_seed_dir_and_users, fixture_teardown);
  g_test_add_func ("/dovecot/smoke/two-instances", test_two_instances);

  status = g_test_run ();
  g_clear_pointer (&shared_dovecot, pigeon_test_dovecot_free);

  return status;
}
