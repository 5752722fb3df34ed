/* cli-mail.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* pigeon-cli's message commands; each takes the command's own argv
 * (argv[0] is its name) and returns a CliExit. */
int cli_mail_list (int argc, char **argv);
int cli_mail_search (int argc, char **argv);
int cli_mail_show (int argc, char **argv);
int cli_mail_mark (int argc, char **argv);
int cli_mail_move (int argc, char **argv);
int cli_mail_delete (int argc, char **argv);

G_END_DECLS
