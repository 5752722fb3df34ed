/* mime-decode-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tolerant decoders shared by the summary and the attachment code. None of
 * them includes GMime in its interface; every one returns valid UTF-8 and
 * never fails. */

char *_mime_bytes_to_utf8 (const char *data, gsize length, const char *charset);
void  _mime_append_utf8 (GString    *out,
                         const char *data,
                         gsize       length,
                         const char *charset);
char *_mime_windows_1252_to_utf8 (const char *data, gsize length);
void  _mime_normalize_text (GString *text);
char *_mime_decode_words (const char *text);
char *
_mime_header_to_utf8 (const char *raw, gsize length, const char *fallback);
char *
_mime_decode_header_text (const char *raw, gsize length, const char *fallback);
void     _mime_clean_line (char *text);
gboolean _mime_parse_date (const char *text, gint64 *time_out);
void     _mime_parse_addresses (const char *text, GPtrArray *addresses);
void     _mime_parse_msgids (const char *text, GPtrArray *ids);
char    *_mime_flowed_to_text (const char *text, gboolean delsp);

G_END_DECLS
