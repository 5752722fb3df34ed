/* pigeon-dovecot-serve.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pigeon-test-dovecot.h"

/* A private Dovecot for scripts: the CLI tests, the crash test,
 * bench/fetch and `tools/run --demo`. Starts one (pigeon-test-dovecot.h),
 * seeds it, prints what a client needs as shell assignments, then serves
 * until stdin closes or SIGTERM/SIGINT arrives, and stops it:
 *
 *   PLAIN_PORT=…  TLS_PORT=…  POP3_USER=…  POP3_PASSWORD=…  CA_FILE=…
 *   FINGERPRINT=…  MAILDIR=…  then a line READY
 *
 * Everything stays on 127.0.0.1; the server dies with this process. */

static GMainLoop *loop;

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stdin_cb (gint fd, GIOCondition condition, gpointer user_data)
{
  char    buffer[256];
  ssize_t n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every file of a Maildir's cur/ and new/, by name, in batches. */
static gboolean
seed_maildir (PigeonTestDovecot *dovecot, const char *maildir, GError **error)
{
  const char *subdirs[] = { "cur", "new" };

  for (guint s = 0; s < G_N_ELEMENTS (subdirs); s++)
    {
      g_autofree char      *dir = g_build_filename (maildir, subdirs[s], NULL);
      g_autoptr (GDir)      handle = g_dir_open (dir, 0, NULL);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char           *name;

      if (handle == NULL)
        continue;
      while ((name = g_dir_read_name (handle)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);

      for (guint i = 0; i < names->len; i += 500)
        {
          g_autoptr (GPtrArray) batch =
              g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

          for (guint j = i; j < MIN (i + 500, names->len); j++)
            {
              g_autofree char *path =
                  g_build_filename (dir, names->pdata[j], NULL);
              char *contents = NULL;
              gsize length = 0;

              if (!g_file_get_contents (path, &contents, &length, error))
                return FALSE;
              g_ptr_array_add (batch, g_bytes_new_take (contents, length));
            }
          if (!pigeon_test_dovecot_seed_messages (dovecot, NULL, batch, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* @count small messages, each unique, with a line that travels
 * dot-stuffed; every tenth carries a 20 KB attachment. */
static gboolean
seed_generated (PigeonTestDovecot *dovecot, guint count, GError **error)
{
  for (guint i = 0; i < count; i += 500)
    {
      g_autoptr (GPtrArray) batch =
          g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

      for (guint n = i + 1; n <= MIN (i + 500, count); n++)
        {
          g_autofree char *filler =
              n % 10 == 0 ? g_strnfill (20000, 'Q') : g_strdup ("");
          char *text =
              g_strdup_printf ("From: Sender %u <sender%u@example.org>\r\n"
                               "To: demo@example.org\r\n"
                               "Subject: Generated message %u\r\n"
                               "Date: Wed, 1 Nov 2023 %02u:%02u:%02u +0000\r\n"
                               "Message-ID: <generated-%u@example.org>\r\n"
                               "\r\n"
                               "This is message number %u.\r\n"
                               ".This line starts with a dot.\r\n"
                               "%s\r\n",
                               n, n % 97, n, (n / 3600) % 24, (n / 60) % 60,
                               n % 60, n, n, filler);

          g_ptr_array_add (batch, g_bytes_new_take (text, strlen (text)));
        }
      if (!pigeon_test_dovecot_seed_messages (dovecot, NULL, batch, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext)    context = NULL;
  g_autoptr (PigeonTestDovecot) dovecot = NULL;
  g_autoptr (GError)            error = NULL;
  g_autofree char              *seed_dir = NULL;
  g_autofree char              *maildir = NULL;
  int                           generate = 0;
  PigeonTestCert               *cert;
  const GOptionEntry            entries[] = {
               { "seed-dir", 0, 0, G_OPTION_ARG_FILENAME, &seed_dir,
                 "Deliver the *.eml files of DIR", "DIR" },
               { "seed-maildir", 0, 0, G_OPTION_ARG_FILENAME, &maildir,
                 "Deliver the messages of the Maildir DIR", "DIR" },
               { "generate", 0, 0, G_OPTION_ARG_INT, &generate,
                 "Deliver N generated messages", "N" },
               { NULL },
  };

  context = g_option_context_new ("— a private Dovecot on 127.0.0.1");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pigeon-dovecot-serve: %s\n", error->message);
      return 2;
    }

  dovecot = pigeon_test_dovecot_new (&error);
  if (dovecot == NULL ||
      (seed_dir != NULL &&
       !pigeon_test_dovecot_seed_dir (dovecot, NULL, seed_dir, &error)) ||
      (maildir != NULL && !seed_maildir (dovecot, maildir, &error)) ||
      (generate > 0 && !seed_generated (dovecot, (guint) generate, &error)))
    {
      g_printerr ("pigeon-dovecot-serve: %s\n", error->message);
      return 1;
    }

  cert = pigeon_test_dovecot_get_cert (dovecot);
  printf ("PLAIN_PORT=%u\nTLS_PORT=%u\nPOP3_USER=%s\nPOP3_PASSWORD=%s\n"
          "CA_FILE=%s\nFINGERPRINT=%s\nMAILDIR=%s\nREADY\n",
          pigeon_test_dovecot_get_plain_port (dovecot),
          pigeon_test_dovecot_get_tls_port (dovecot),
          pigeon_test_dovecot_get_user (dovecot),
          pigeon_test_dovecot_get_password (dovecot), cert->cert_path,
          cert->sha256, pigeon_test_dovecot_get_maildir (dovecot, NULL));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, NULL);
  g_unix_signal_add (SIGINT, quit_cb, NULL);
  g_unix_fd_add (0, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, NULL);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  return 0;
}
