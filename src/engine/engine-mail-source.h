/* engine-mail-source.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * EngineMailSourceKind:
 * @ENGINE_MAIL_SOURCE_MBOX: an mbox file (engine-mbox.h)
 * @ENGINE_MAIL_SOURCE_MAILDIR: a Maildir (engine-maildir.h)
 * @ENGINE_MAIL_SOURCE_EML: one message file
 * @ENGINE_MAIL_SOURCE_EML_DIR: a directory of `*.eml` files
 *
 * What a path given for import holds.
 */
typedef enum
{
  ENGINE_MAIL_SOURCE_MBOX,
  ENGINE_MAIL_SOURCE_MAILDIR,
  ENGINE_MAIL_SOURCE_EML,
  ENGINE_MAIL_SOURCE_EML_DIR,
} EngineMailSourceKind;

gboolean   engine_mail_source_detect (const char           *path,
                                      EngineMailSourceKind *out_kind,
                                      GError              **error);
GPtrArray *engine_mail_source_list_eml (const char *dir, GError **error);
GBytes    *engine_mail_source_read_file (int         fd,
                                         const char *path,
                                         gint64     *out_mtime,
                                         GError    **error);

G_END_DECLS
