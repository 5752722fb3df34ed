/* pop3-retr.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pigeon-test-async.h"
#include "pigeon-test-dovecot.h"
#include "pop3-client.h"

/* Retrieval speed of Pigeon's POP3 client against a private Dovecot on
 * 127.0.0.1, next to the raw limit (a bare pipelined RETR loop that
 * throws the bytes away) and mpop, on the same mailbox in the same run.
 * Prints figures; asserts nothing. Run it through bench/pop3-retr. */

#define RAW_BUFFER (1024 * 1024)

typedef struct
{
  guint   count;
  guint64 bytes;
} Tally;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
report (const char *what,
        double      seconds,
        guint       messages,
        guint64     bytes,
        double      raw_seconds)
{
  printf ("%-44s %7.2f s %8.0f msg/s %7.1f MB/s", what, seconds,
          messages / seconds, bytes / seconds / 1e6);
  if (raw_seconds > 0)
    printf ("   %.2fx the raw limit's time", seconds / raw_seconds);
  printf ("\n");
  fflush (stdout);
}

/* Messages of a mean size around @mean_kb with a fixed seed: text lines
 * of mixed length, a few lines that need dot-stuffing. */
static GPtrArray *
make_messages (guint count, guint mean_kb)
{
  GPtrArray *messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GRand)  rand = g_rand_new_with_seed (20261123);
  static const char *words[] = { "pigeon",    "mail",   "offline", "server",
                                 "inbox",     "letter", "message", "archive",
                                 "quarterly", "report", "meeting", "budget" };

  for (guint i = 0; i < count; i++)
    {
      GString *text = g_string_new (NULL);
      /* Sizes from 0.2x to 1.8x the mean: the mean holds. */
      gsize target =
          (gsize) (mean_kb * 1024 * g_rand_double_range (rand, 0.2, 1.8));

      g_string_append_printf (text,
                              "From: Sender %u <sender%u@example.org>\n"
                              "To: alice@example.org\n"
                              "Subject: benchmark message %u\n"
                              "Date: Mon, 23 Nov 2026 08:00:00 +0000\n"
                              "Message-ID: <bench%u@example.org>\n\n",
                              i % 97, i % 97, i, i);
      while (text->len < target)
        {
          guint n = g_rand_int_range (rand, 4, 14);

          if (g_rand_int_range (rand, 0, 50) == 0)
            g_string_append_c (text, '.');
          for (guint w = 0; w < n; w++)
            g_string_append_printf (
                text, w == 0 ? "%s" : " %s",
                words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          g_string_append_c (text, '\n');
        }
      g_ptr_array_add (messages, g_string_free_to_bytes (text));
    }

  return messages;
}

/* The raw limit ------------------------------------------------------- */

typedef struct
{
  GOutputStream *output;
  guint          count;
} Writer;

static gpointer
write_commands (gpointer data)
{
  Writer             *writer = data;
  g_autoptr (GString) commands = g_string_new (NULL);

  for (guint i = 1; i <= writer->count; i++)
    g_string_append_printf (commands, "RETR %u\r\n", i);
  g_output_stream_write_all (writer->output, commands->str, commands->len, NULL,
                             NULL, NULL);
  return NULL;
}

static gboolean
read_line (GInputStream *input, char *line, gsize size)
{
  gsize n = 0;

  while (n + 1 < size)
    {
      if (g_input_stream_read (input, line + n, 1, NULL, NULL) != 1)
        return FALSE;
      if (line[n++] == '\n')
        break;
    }
  line[n] = '\0';
  return TRUE;
}

static gboolean
accept_any_certificate (GTlsConnection      *connection,
                        GTlsCertificate     *certificate,
                        GTlsCertificateFlags errors,
                        gpointer             user_data)
{
  return TRUE;
}

/* Logs in with USER/PASS, writes every RETR from a thread while this one
 * reads, and counts terminators: the least work a client can do. With
 * @tls, the same over implicit TLS (the certificate is not checked). */
static double
raw_limit (guint16     port,
           gboolean    tls,
           const char *user,
           const char *password,
           guint       count,
           Tally      *tally)
{
  g_autoptr (GSocketClient)     client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GIOStream)         stream = NULL;
  g_autofree char              *buffer = g_malloc (RAW_BUFFER + 4);
  g_autofree char              *login =
      g_strdup_printf ("USER %s\r\nPASS %s\r\n", user, password);
  GInputStream  *input;
  GOutputStream *output;
  char           line[1024];
  Writer         writer;
  GThread       *thread;
  gsize          carry = 0;
  gint64         start;

  connection =
      g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  g_assert (connection != NULL);
  stream = G_IO_STREAM (g_object_ref (connection));
  if (tls)
    {
      g_object_unref (stream);
      stream =
          g_tls_client_connection_new (G_IO_STREAM (connection), NULL, NULL);
      g_signal_connect (stream, "accept-certificate",
                        G_CALLBACK (accept_any_certificate), NULL);
      g_assert (
          g_tls_connection_handshake (G_TLS_CONNECTION (stream), NULL, NULL));
    }
  input = g_io_stream_get_input_stream (stream);
  output = g_io_stream_get_output_stream (stream);
  g_assert (read_line (input, line, sizeof line));
  g_output_stream_write_all (output, login, strlen (login), NULL, NULL, NULL);
  g_assert (read_line (input, line, sizeof line) && line[0] == '+');
  g_assert (read_line (input, line, sizeof line) && line[0] == '+');

  start = g_get_monotonic_time ();
  writer.output = output;
  writer.count = count;
  thread = g_thread_new ("raw-writer", write_commands, &writer);

  tally->count = 0;
  tally->bytes = 0;
  while (tally->count < count)
    {
      gssize n =
          g_input_stream_read (input, buffer + carry, RAW_BUFFER, NULL, NULL);
      gsize       len;
      const char *p;

      g_assert (n > 0);
      tally->bytes += n;
      len = carry + n;
      /* Dot-stuffing guarantees "\r\n.\r\n" only ends a reply. */
      p = buffer;
      while ((p = memmem (p, buffer + len - p, "\r\n.\r\n", 5)) != NULL)
        {
          tally->count++;
          p += 5;
        }
      carry = MIN (len, 4);
      memmove (buffer, buffer + len - carry, carry);
    }

  g_thread_join (thread);
  return seconds_since (start);
}

/* Pigeon's client ----------------------------------------------------- */

static gboolean
count_message (guint msgno, GBytes *message, gpointer user_data, GError **error)
{
  Tally *tally = user_data;

  tally->count++;
  tally->bytes += g_bytes_get_size (message);
  return TRUE;
}

static double
pigeon_client (PigeonTestDovecot *dovecot,
               gboolean           tls,
               guint              window,
               guint              count,
               Tally             *tally)
{
  g_autoptr (Pop3Client)   client = NULL;
  g_autoptr (GAsyncResult) connected = NULL;
  g_autoptr (GAsyncResult) logged_in = NULL;
  g_autoptr (GAsyncResult) retrieved = NULL;
  g_autoptr (GAsyncResult) quit = NULL;
  g_autoptr (GError)       error = NULL;
  g_autofree guint        *msgnos = g_new (guint, count);
  gint64                   start;
  double                   seconds;

  client = pop3_client_new ("localhost",
                            tls ? pigeon_test_dovecot_get_tls_port (dovecot)
                                : pigeon_test_dovecot_get_plain_port (dovecot),
                            tls ? POP3_SECURITY_TLS : POP3_SECURITY_NONE);
  pop3_client_set_allow_insecure_auth (client, TRUE);
  pop3_client_set_pinned_certificate (
      client, pigeon_test_dovecot_get_cert (dovecot)->sha256);
  pop3_client_set_pipeline_window (client, window);

  pop3_client_connect_async (client, NULL, pigeon_test_store_result_cb,
                             &connected);
  if (!pop3_client_connect_finish (client, pigeon_test_wait_for (&connected),
                                   &error))
    g_error ("connect: %s", error->message);
  pop3_client_login_async (client, POP3_AUTH_USER,
                           pigeon_test_dovecot_get_user (dovecot),
                           pigeon_test_dovecot_get_password (dovecot), NULL,
                           pigeon_test_store_result_cb, &logged_in);
  if (!pop3_client_login_finish (client, pigeon_test_wait_for (&logged_in),
                                 NULL, &error))
    g_error ("login: %s", error->message);

  for (guint i = 0; i < count; i++)
    msgnos[i] = i + 1;
  tally->count = 0;
  tally->bytes = 0;
  start = g_get_monotonic_time ();
  pop3_client_retrieve_async (client, msgnos, count, -1, count_message, tally,
                              NULL, pigeon_test_store_result_cb, &retrieved);
  if (!pop3_client_retrieve_finish (client, pigeon_test_wait_for (&retrieved),
                                    &error))
    g_error ("retrieve: %s", error->message);
  seconds = seconds_since (start);

  pop3_client_quit_async (client, NULL, pigeon_test_store_result_cb, &quit);
  pop3_client_quit_finish (client, pigeon_test_wait_for (&quit), NULL);
  return seconds;
}

/* mpop ---------------------------------------------------------------- */

static double
run_mpop (PigeonTestDovecot *dovecot,
          const char        *maildir,
          guint              count,
          guint             *delivered)
{
  g_autofree char *port =
      g_strdup_printf ("%u", pigeon_test_dovecot_get_plain_port (dovecot));
  g_autofree char *password_eval =
      g_strdup_printf ("echo %s", pigeon_test_dovecot_get_password (dovecot));
  g_autofree char *uidls = g_build_filename (maildir, "..", "mpop-uidls", NULL);
  g_autofree char *delivery = g_strdup_printf ("maildir,%s", maildir);
  g_autofree char *stderr_text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir)   dir = NULL;
  g_autofree char   *new_dir = g_build_filename (maildir, "new", NULL);
  const char        *argv[] = {
           "mpop",           "--host=127.0.0.1",
           "--port",         port,
           "--tls=off",      "--auth=user",
           "--user",         pigeon_test_dovecot_get_user (dovecot),
           "--passwordeval", password_eval,
           "--keep=on",      "--only-new=off",
           "--uidls-file",   uidls,
           "--delivery",     delivery,
           "--quiet",        NULL,
  };
  int    status;
  gint64 start;
  double seconds;

  for (const char *sub[] = { "new", "cur", "tmp", NULL }, **s = sub; *s; s++)
    {
      g_autofree char *path = g_build_filename (maildir, *s, NULL);
      g_mkdir_with_parents (path, 0700);
    }

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                     NULL, NULL, &stderr_text, &status, &error))
    {
      printf ("mpop: could not run it: %s\n", error->message);
      return -1;
    }
  seconds = seconds_since (start);
  if (!g_spawn_check_wait_status (status, &error))
    {
      printf ("mpop failed: %s\n%s\n", error->message, stderr_text);
      return -1;
    }

  *delivered = 0;
  dir = g_dir_open (new_dir, 0, NULL);
  while (dir != NULL && g_dir_read_name (dir) != NULL)
    (*delivered)++;
  return seconds;
}

int
main (int argc, char *argv[])
{
  g_autoptr (PigeonTestDovecot) dovecot = NULL;
  g_autoptr (GPtrArray)         messages = NULL;
  g_autoptr (GError)            error = NULL;
  g_autofree char              *scratch = NULL;
  g_autofree char              *maildir = NULL;
  guint                         count = 10000;
  guint                         mean_kb = 30;
  gboolean                      skip_mpop = FALSE;
  guint64                       stored = 0;
  Tally                         tally, raw_tally, raw_tls_tally;
  double             raw, raw_tls, pipelined, one_at_a_time, over_tls, seconds;
  guint              delivered = 0;
  const GOptionEntry entries[] = {
    { "messages", 'n', 0, G_OPTION_ARG_INT, &count, "Messages in the mailbox",
      "N" },
    { "mean-kb", 0, 0, G_OPTION_ARG_INT, &mean_kb, "Mean message size", "KB" },
    { "no-mpop", 0, 0, G_OPTION_ARG_NONE, &skip_mpop, "Leave mpop out", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
      g_option_context_new ("— POP3 retrieval speed against Dovecot");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  dovecot = pigeon_test_dovecot_new (&error);
  if (dovecot == NULL)
    g_error ("dovecot: %s", error->message);
  messages = make_messages (count, mean_kb);
  for (guint i = 0; i < messages->len; i++)
    stored += g_bytes_get_size (g_ptr_array_index (messages, i));
  if (!pigeon_test_dovecot_seed_messages (dovecot, NULL, messages, &error))
    g_error ("seed: %s", error->message);

  printf ("%u messages, %.1f MB stored (mean %.1f KB), Dovecot on "
          "127.0.0.1\n",
          count, stored / 1e6, stored / 1024.0 / count);

  /* A first pass warms Dovecot's index and the page cache for all. */
  raw_limit (pigeon_test_dovecot_get_plain_port (dovecot), FALSE,
             pigeon_test_dovecot_get_user (dovecot),
             pigeon_test_dovecot_get_password (dovecot), count, &tally);

  /* Best of three, the raw loop and Pigeon taking turns, so that neither
   * gets the warmer machine. */
  raw = raw_tls = pipelined = one_at_a_time = over_tls = G_MAXDOUBLE;
  for (guint round = 0; round < 3; round++)
    {
      raw = MIN (raw, raw_limit (pigeon_test_dovecot_get_plain_port (dovecot),
                                 FALSE, pigeon_test_dovecot_get_user (dovecot),
                                 pigeon_test_dovecot_get_password (dovecot),
                                 count, &raw_tally));
      pipelined =
          MIN (pipelined, pigeon_client (dovecot, FALSE, 128, count, &tally));
      g_assert (tally.count == count && raw_tally.count == count);
      raw_tls =
          MIN (raw_tls, raw_limit (pigeon_test_dovecot_get_tls_port (dovecot),
                                   TRUE, pigeon_test_dovecot_get_user (dovecot),
                                   pigeon_test_dovecot_get_password (dovecot),
                                   count, &raw_tls_tally));
      over_tls =
          MIN (over_tls, pigeon_client (dovecot, TRUE, 128, count, &tally));
      one_at_a_time =
          MIN (one_at_a_time, pigeon_client (dovecot, FALSE, 1, count, &tally));
    }

  printf ("best of 3 runs each; plaintext unless said\n");
  report ("raw limit (pipelined RETR, bytes dropped)", raw, count,
          raw_tally.bytes, 0);
  report ("pigeon, pipelined", pipelined, count, tally.bytes, raw);
  report ("pigeon, one command at a time", one_at_a_time, count, tally.bytes,
          raw);
  report ("raw limit over TLS", raw_tls, count, raw_tls_tally.bytes, 0);
  report ("pigeon, pipelined over TLS", over_tls, count, tally.bytes, raw_tls);

  if (!skip_mpop)
    {
      scratch = g_dir_make_tmp ("pigeon-bench-XXXXXX", &error);
      maildir = g_build_filename (scratch, "Maildir", NULL);
      seconds = run_mpop (dovecot, maildir, count, &delivered);
      if (seconds > 0)
        report ("mpop --keep, delivering to a Maildir", seconds, delivered,
                stored, raw);
      if (delivered != count)
        printf ("mpop delivered %u of %u messages\n", delivered, count);
    }

  return 0;
}
