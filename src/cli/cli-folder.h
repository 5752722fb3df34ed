/* cli-folder.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* pigeon-cli folder (create NAME | rename OLD NEW | delete NAME); returns
 * a CliExit. */
int cli_folder (int argc, char **argv);

G_END_DECLS
