/* engine-mbox.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * EngineMboxReader:
 *
 * Splits an mbox file (RFC 4155) into messages, streaming: it holds one
 * message and one read buffer, never the whole file.
 *
 * A message starts at a "From " line at the start of the file, or at a
 * "From " line after an empty line ("\n" or "\r\n") that looks like a
 * separator: a sender token, a time (hh:mm or hh:mm:ss) and a 4-digit
 * year as the last word, or followed by a time zone or "remote from
 * HOST". That keeps an unquoted "From " in the body of an mboxo file
 * from splitting the message. Lines matching `^>+From ` lose one '>'
 * (mboxrd), which is also the best reading of mboxo files such as
 * Thunderbird's. Line ends are kept as they are in the file.
 */
typedef struct _EngineMboxReader EngineMboxReader;

EngineMboxReader *engine_mbox_reader_new (GInputStream *stream);
GBytes           *engine_mbox_reader_next (EngineMboxReader *reader,
                                           gint64           *out_envelope_time,
                                           GCancellable     *cancellable,
                                           GError          **error);
void              engine_mbox_reader_free (EngineMboxReader *reader);

gboolean engine_mbox_write_message (GOutputStream *stream,
                                    GBytes        *raw,
                                    const char    *envelope_sender,
                                    gint64         envelope_time,
                                    GCancellable  *cancellable,
                                    GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EngineMboxReader, engine_mbox_reader_free)

G_END_DECLS
