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

#include "engine-library.h"

/* Exit statuses, stable for scripts: 0 success, 1 the operation failed,
 * 2 the command line was wrong. */
enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1,
  CLI_EXIT_USAGE = 2,
};

static int
print_version (void)
{
  g_autofree char *versions = engine_library_describe_versions ();

  g_print ("pigeon-cli %s\n%s\n", PACKAGE_VERSION, versions);
  return CLI_EXIT_OK;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError)         error = NULL;
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

  context = g_option_context_new (_ ("COMMAND — Pigeon mail, from scripts"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (
      context, _ ("pigeon-cli works on the same accounts and mail store as the "
                  "Pigeon window, without a display."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

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

  /* Translators: %s is the word the user typed as a command. */
  g_printerr (_ ("pigeon-cli: unknown command “%s” (see pigeon-cli --help)\n"),
              argv[1]);
  return CLI_EXIT_USAGE;
}
