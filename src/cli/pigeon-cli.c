/* pigeon-cli.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "cli-account.h"
#include "cli-common.h"
#include "cli-fetch.h"
#include "cli-folder.h"
#include "cli-mail.h"
#include "cli-transfer.h"
#include "engine-library.h"

typedef struct
{
  const char    *name;
  CliCommandFunc function;
  const char    *summary; /* N_(), one line for --help */
} CliCommand;

/* Every command, in the order --help lists them. */
static const CliCommand commands[] = {
  { "account", cli_account, N_ ("Add, edit, list or remove POP3 accounts") },
  { "fetch", cli_fetch, N_ ("Download new mail from the accounts") },
  { "list", cli_mail_list, N_ ("List the messages of a folder or view") },
  { "search", cli_mail_search, N_ ("Search all mail, newest first") },
  { "show", cli_mail_show, N_ ("Show a message, or its exact bytes") },
  { "mark", cli_mail_mark, N_ ("Mark messages read, unread, flagged or not") },
  { "move", cli_mail_move, N_ ("Move messages to a folder") },
  { "delete", cli_mail_delete, N_ ("Move messages to Trash, or delete them") },
  { "folder", cli_folder, N_ ("Create, rename or delete a local folder") },
  { "import", cli_transfer_import,
    N_ ("Import an mbox file, a Maildir or .eml files") },
  { "export", cli_transfer_export,
    N_ ("Export a folder to an mbox file or .eml files") },
};

static int
print_version (void)
{
  g_autofree char *versions = engine_library_describe_versions ();

  g_print ("pigeon-cli %s\n%s\n", PACKAGE_VERSION, versions);
  return CLI_EXIT_OK;
}

static const CliCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* The --help epilogue: the commands and the exit statuses, both stable
 * interfaces (README "pigeon-cli"). */
static char *
describe_commands (void)
{
  GString *text = g_string_new (_ ("Commands:\n"));
  int      width = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-*s  %s\n", width, commands[i].name,
                            _ (commands[i].summary));

  g_string_append (text, _ ("\n“pigeon-cli COMMAND --help” shows a "
                            "command’s options.\n\n"));
  g_string_append (text, _ ("Exit status:\n"
                            "  0  success\n"
                            "  1  the operation failed (no such message or "
                            "folder, bad query, file exists…)\n"
                            "  2  the command line was wrong\n"
                            "  3  authentication failed\n"
                            "  4  network or TLS failure\n"
                            "  5  the mail store cannot be used (locked by "
                            "another Pigeon, damaged, full, newer)"));
  return g_string_free (text, FALSE);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError)         error = NULL;
  g_autofree char           *description = NULL;
  const CliCommand          *command;
  gboolean                   show_version = FALSE;
  const GOptionEntry         entries[] = {
            { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
              N_ ("Show the version of pigeon-cli and its libraries"), NULL },
            { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("pigeon-cli");
  cli_log_to_stderr ();

  context = g_option_context_new (_ ("COMMAND — Pigeon mail, from scripts"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (
      context, _ ("pigeon-cli works on the same accounts and mail store as the "
                  "Pigeon window, without a display."));
  description = describe_commands ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows is the command's to parse. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pigeon-cli: %s\n", error->message);
      return CLI_EXIT_USAGE;
    }

  if (show_version)
    return print_version ();

  if (!engine_library_init (&error))
    {
      g_printerr ("pigeon-cli: %s\n", error->message);
      return CLI_EXIT_FAILED;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return CLI_EXIT_USAGE;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      /* Translators: %s is the word the user typed as a command. */
      g_printerr (
          _ ("pigeon-cli: unknown command “%s” (see pigeon-cli --help)\n"),
          argv[1]);
      return CLI_EXIT_USAGE;
    }

  return command->function (argc - 1, argv + 1);
}
