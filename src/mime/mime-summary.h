/* mime-summary.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The subject of a message that could not be parsed. English here; the UI
 * recognises the MIME_SUMMARY_FLAG_UNREADABLE flag and shows its own
 * translation. */
#define MIME_SUMMARY_UNREADABLE_SUBJECT "(unreadable message)"

/**
 * MimeAddress:
 * @name: (nullable): the display name, UTF-8
 * @address: (nullable): the addr-spec, NULL if there was none
 */
typedef struct
{
  char *name;
  char *address;
} MimeAddress;

/**
 * MimeSummaryFlags:
 * @MIME_SUMMARY_FLAG_NONE: nothing unusual
 * @MIME_SUMMARY_FLAG_DATE_FALLBACK: Date was missing or unparseable: the
 *   date is the received time
 * @MIME_SUMMARY_FLAG_UNREADABLE: the message could not be parsed as MIME
 *   (no header at all, or GMime refused it); the body is its raw text and
 *   the subject MIME_SUMMARY_UNREADABLE_SUBJECT unless a Subject header
 *   could still be read
 */
typedef enum
{
  MIME_SUMMARY_FLAG_NONE = 0,
  MIME_SUMMARY_FLAG_DATE_FALLBACK = 1 << 0,
  MIME_SUMMARY_FLAG_UNREADABLE = 1 << 1,
} MimeSummaryFlags;

/**
 * MimeAttachment:
 * @filename: (nullable): the decoded (RFC 2231/2047) name the message
 *   gives, UTF-8
 * @save_name: a safe file name (mime_sanitize_filename(), or one made from
 *   the type), never NULL
 * @content_type: lower-case "type/subtype"
 * @size: decoded size in bytes
 * @is_inline: shown inline (Content-Disposition: inline, or a part of a
 *   multipart/related)
 * @content_id: (nullable): the Content-ID without <>
 */
typedef struct
{
  char    *filename;
  char    *save_name;
  char    *content_type;
  guint64  size;
  gboolean is_inline;
  char    *content_id;
} MimeAttachment;

/**
 * MimeSummary:
 * @message_id: (nullable): without <>
 * @in_reply_to: (nullable): the first id of In-Reply-To, without <>
 * @references: the References ids without <>, oldest first; never NULL
 * @date: Unix time, UTC
 * @flags: see #MimeSummaryFlags
 * @from: (nullable): the first From mailbox
 * @to: (element-type MimeAddress): never NULL
 * @cc: (element-type MimeAddress): never NULL
 * @reply_to: (element-type MimeAddress): never NULL
 * @subject: decoded, "" if none
 * @body_text: readable text for display and the index, never NULL
 * @preview: about 200 characters of @body_text, whitespace collapsed
 * @attachments: (element-type MimeAttachment): never NULL
 *
 * What the rest of Pigeon needs to know about one message. Every string
 * is valid UTF-8.
 */
typedef struct
{
  char            *message_id;
  char            *in_reply_to;
  GStrv            references;
  gint64           date;
  MimeSummaryFlags flags;
  MimeAddress     *from;
  GPtrArray       *to;
  GPtrArray       *cc;
  GPtrArray       *reply_to;
  char            *subject;
  char            *body_text;
  char            *preview;
  GPtrArray       *attachments;
} MimeSummary;

MimeSummary       *
mime_summary_new (const guint8 *data, gsize length, gint64 received_time);
void  mime_summary_free (MimeSummary *summary);
void  mime_address_free (MimeAddress *address);
void  mime_attachment_free (MimeAttachment *attachment);
char *mime_address_list_to_string (GPtrArray *addresses);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MimeSummary, mime_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MimeAddress, mime_address_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MimeAttachment, mime_attachment_free)

G_END_DECLS
