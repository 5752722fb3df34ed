/* cli-common.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-database.h"
#include "store-folders.h"
#include "store-messages.h"

G_BEGIN_DECLS

/**
 * CliExit:
 * @CLI_EXIT_OK: the command did what was asked
 * @CLI_EXIT_FAILED: it failed for another reason (no such message or
 *   folder, a bad search query, a file that exists already...)
 * @CLI_EXIT_USAGE: the command line was wrong
 * @CLI_EXIT_AUTH: a server refused the credentials
 * @CLI_EXIT_NETWORK: a server could not be reached, or TLS failed
 * @CLI_EXIT_STORE: the mail store could not be used: locked by another
 *   Pigeon, damaged, full, or written by a newer Pigeon
 *
 * pigeon-cli's exit statuses: a stable interface for scripts, listed in
 * `pigeon-cli --help` and the README. Never renumber.
 */
typedef enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_AUTH = 3,
  CLI_EXIT_NETWORK = 4,
  CLI_EXIT_STORE = 5,
} CliExit;

/* A command: @argv[0] is the command's name, the rest its arguments. */
typedef int (*CliCommandFunc) (int argc, char **argv);

/* Folder arguments that name a virtual view rather than a folder. */
#define CLI_VIEW_ALL "@all"
#define CLI_VIEW_UNREAD "@unread"
#define CLI_VIEW_FLAGGED "@flagged"

CliExit cli_error_exit_status (const GError *error);
int     cli_fail (const GError *error);
void    cli_log_to_stderr (void);

GOptionContext *cli_option_context_new (const char         *command,
                                        const char         *parameters,
                                        const char         *summary,
                                        const GOptionEntry *entries);
gboolean        cli_option_context_parse (GOptionContext *context,
                                          int            *argc,
                                          char         ***argv,
                                          GError        **error);

void cli_async_done (GObject *source, GAsyncResult *result, gpointer user_data);
GAsyncResult *cli_async_wait (GAsyncResult **slot);

StoreDatabase *cli_open_store (GError **error);

StoreFolder          *
cli_find_folder (StoreDatabase *db, const char *name, GError **error);
gboolean cli_resolve_view (StoreDatabase *db,
                           const char    *name,
                           StoreView     *out_view,
                           GError       **error);
GHashTable *cli_folder_names (StoreDatabase *db, GError **error);

GArray          *cli_parse_ids (int argc, char **argv, GError **error);
gboolean         cli_check_ids (StoreDatabase *db, GArray *ids, GError **error);
StoreMessageRow *cli_get_message (StoreDatabase *db, gint64 id, GError **error);

gboolean cli_stdout_is_terminal (void);
gboolean cli_stderr_is_terminal (void);
char    *cli_printable (const char *text, gboolean keep_newlines);
gboolean cli_is_bidi_control (gunichar ch);

G_END_DECLS
