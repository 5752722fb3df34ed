/* cli-json.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small streaming JSON (RFC 8259) writer for pigeon-cli's --json output:
 * no tree, no dependency. The caller nests begin/end calls correctly; the
 * writer places the commas and colons. */
typedef struct _CliJson CliJson;

CliJson *cli_json_new (void);
void     cli_json_free (CliJson *self);
char    *cli_json_free_to_string (CliJson *self);

void cli_json_begin_object (CliJson *self);
void cli_json_end_object (CliJson *self);
void cli_json_begin_array (CliJson *self);
void cli_json_end_array (CliJson *self);
void cli_json_member (CliJson *self, const char *name);

void cli_json_string (CliJson *self, const char *value);
void cli_json_int (CliJson *self, gint64 value);
void cli_json_boolean (CliJson *self, gboolean value);
void cli_json_null (CliJson *self);

void cli_json_append_string (GString *out, const char *text, gssize length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliJson, cli_json_free)

G_END_DECLS
