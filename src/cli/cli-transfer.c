/* cli-transfer.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-transfer.h"

#include <glib/gi18n.h>

#include "cli-common.h"
#include "engine-export.h"
#include "engine-import.h"

typedef struct
{
  guint64  before;  /* messages stored from the paths done already */
  guint64  skipped; /* ... and left out, as already in the folder */
  gboolean shown;
} Progress;

/* Progress goes to stderr and only to a terminal: a script reading
 * stdout or a log of stderr gets the summary line alone. */
static void
on_import_progress_cb (guint64 done, gpointer user_data)
{
  Progress *progress = user_data;
  gulong    count = (gulong) (progress->before + progress->skipped + done);

  g_printerr ("\r");
  /* Translators: progress of "pigeon-cli import", redrawn in place. */
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Importing… %lu message",
                           "Importing… %lu messages", count),
              count);
  progress->shown = TRUE;
}

static void
on_export_progress_cb (guint64 done, gpointer user_data)
{
  Progress *progress = user_data;
  gulong    count = (gulong) done;

  g_printerr ("\r");
  /* Translators: progress of "pigeon-cli export", redrawn in place. */
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Exporting… %lu message",
                           "Exporting… %lu messages", count),
              count);
  progress->shown = TRUE;
}

static void
end_progress (Progress *progress)
{
  if (progress->shown)
    g_printerr ("\n");
  progress->shown = FALSE;
}

/* Says how many messages an import left out because the folder held
 * them already: a file imported again brings in only what is missing. */
static void
print_skipped (const Progress *progress, const char *folder, gboolean failed)
{
  g_autofree char *line = NULL;

  if (progress->skipped == 0)
    return;
  line = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE,
                   "Left out %lu message that %s already held\n",
                   "Left out %lu messages that %s already held\n",
                   (gulong) progress->skipped),
      (gulong) progress->skipped, folder);
  /* With the failure on stderr, so the summary of a good run stays
   * alone on stdout. */
  if (failed)
    g_printerr ("%s", line);
  else
    g_print ("%s", line);
}

/**
 * cli_transfer_import:
 *
 * `pigeon-cli import --folder F PATH...`: each PATH an mbox file, a
 * Maildir, an .eml file or a directory of them (the engine tells which).
 * Paths are imported one after the other; a failing one stops the run,
 * and what the paths before it brought stays imported.
 */
int
cli_transfer_import (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (StoreFolder)    target = NULL;
  g_autoptr (GError)         error = NULL;
  g_autofree char           *folder = NULL;
  Progress                   progress = { 0 };
  gboolean                   terminal = cli_stderr_is_terminal ();
  const GOptionEntry entries[] = { { "folder", 0, 0, G_OPTION_ARG_STRING,
                                     &folder, N_ ("The folder to import into"),
                                     N_ ("F") },
                                   { NULL } };

  context = cli_option_context_new (
      "import", _ ("PATH…"),
      _ ("Imports mail into a folder: mbox files, Maildirs, .eml files or "
         "directories of .eml files."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (folder == NULL || argc < 2)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("import needs --folder and at least one PATH"));
      return cli_fail (error);
    }

  db = cli_open_store (&error);
  if (db == NULL)
    return cli_fail (error);
  target = cli_find_folder (db, folder, &error);
  if (target == NULL)
    return cli_fail (error);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      GAsyncResult            *slot = NULL;
      guint64                  imported = 0;
      guint64                  skipped = 0;

      engine_import_async (db, argv[i], target->id,
                           terminal ? on_import_progress_cb : NULL, &progress,
                           NULL, cli_async_done, &slot);
      result = cli_async_wait (&slot);
      if (!engine_import_finish (result, &imported, &skipped, &error))
        {
          /* What the failing path stored before it failed stays too. */
          progress.before += imported;
          progress.skipped += skipped;
          end_progress (&progress);
          if (progress.before > 0)
            g_printerr (g_dngettext (GETTEXT_PACKAGE,
                                     "Imported %lu message into %s before "
                                     "the failure\n",
                                     "Imported %lu messages into %s before "
                                     "the failure\n",
                                     (gulong) progress.before),
                        (gulong) progress.before, target->full_name);
          print_skipped (&progress, target->full_name, TRUE);
          return cli_fail (error);
        }
      progress.before += imported;
      progress.skipped += skipped;
    }

  end_progress (&progress);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %lu message into %s\n",
                        "Imported %lu messages into %s\n",
                        (gulong) progress.before),
           (gulong) progress.before, target->full_name);
  print_skipped (&progress, target->full_name, FALSE);
  return CLI_EXIT_OK;
}

/**
 * cli_transfer_export:
 *
 * `pigeon-cli export --folder F (--mbox FILE | --eml DIR)`: the folder's
 * messages byte for byte, oldest first. Never writes over a file.
 */
int
cli_transfer_export (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (StoreFolder)    source = NULL;
  g_autoptr (GAsyncResult)   result = NULL;
  g_autoptr (GError)         error = NULL;
  g_autofree char           *folder = NULL;
  g_autofree char           *mbox = NULL;
  g_autofree char           *eml = NULL;
  GAsyncResult              *slot = NULL;
  Progress                   progress = { 0 };
  guint64                    exported = 0;
  const char                *path;
  const GOptionEntry         entries[] = {
            { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, N_ ("The folder to export"),
              N_ ("F") },
            { "mbox", 0, 0, G_OPTION_ARG_FILENAME, &mbox,
              N_ ("Write one mbox file (mboxrd); it must not exist"), N_ ("FILE") },
            { "eml", 0, 0, G_OPTION_ARG_FILENAME, &eml,
              N_ ("Write one ID.eml file per message into DIR"), N_ ("DIR") },
            { NULL }
  };

  context = cli_option_context_new (
      "export", NULL,
      _ ("Exports a folder’s messages byte for byte, oldest first. Nothing "
         "existing is overwritten."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (folder == NULL || (mbox == NULL) == (eml == NULL) || argc > 1)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("export needs --folder and one of --mbox FILE "
                              "or --eml DIR"));
      return cli_fail (error);
    }
  path = mbox != NULL ? mbox : eml;

  db = cli_open_store (&error);
  if (db == NULL)
    return cli_fail (error);
  source = cli_find_folder (db, folder, &error);
  if (source == NULL)
    return cli_fail (error);

  engine_export_async (
      db, source->id, mbox != NULL ? ENGINE_EXPORT_MBOX : ENGINE_EXPORT_EML,
      path, cli_stderr_is_terminal () ? on_export_progress_cb : NULL, &progress,
      NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  if (!engine_export_finish (result, &exported, &error))
    {
      end_progress (&progress);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_autoptr (GError) exists = NULL;

          if (mbox != NULL)
            g_set_error (&exists, G_IO_ERROR, G_IO_ERROR_EXISTS,
                         _ ("%s exists already; export never writes over a "
                            "file"),
                         path);
          else
            g_set_error (&exists, G_IO_ERROR, G_IO_ERROR_EXISTS,
                         _ ("%s holds a file of the same name already; export "
                            "never writes over a file (%s)"),
                         path, error->message);
          return cli_fail (exists);
        }
      return cli_fail (error);
    }

  end_progress (&progress);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Exported %lu message from %s to %s\n",
                        "Exported %lu messages from %s to %s\n",
                        (gulong) exported),
           (gulong) exported, source->full_name, path);
  return CLI_EXIT_OK;
}
