/* cli-transfer.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* pigeon-cli import and export; each returns a CliExit. */
int cli_transfer_import (int argc, char **argv);
int cli_transfer_export (int argc, char **argv);

G_END_DECLS
