/* cli-account.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int cli_account (int argc, char **argv);

char *cli_read_password (const char *prompt, GError **error);
void  cli_free_password (char *password);

G_END_DECLS
