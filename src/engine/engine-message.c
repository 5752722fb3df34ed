/* engine-message.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-message.h"

#include <string.h>

#include "mime-summary.h"

/* The engine translates between the MIME summary and the store's row
 * (DESIGN.md "Layers": mime and store never see each other). */

static char *
steal_or_empty (char **text)
{
  char *stolen = g_steal_pointer (text);

  return stolen != NULL ? stolen : g_strdup ("");
}

static char *
recipients_of (MimeSummary *summary)
{
  g_autofree char *to = mime_address_list_to_string (summary->to);
  g_autofree char *cc = mime_address_list_to_string (summary->cc);

  if (*cc == '\0')
    return g_steal_pointer (&to);
  if (*to == '\0')
    return g_steal_pointer (&cc);
  return g_strconcat (to, ", ", cc, NULL);
}

/**
 * engine_message_new:
 * @raw: the message's bytes, as received
 * @received: when it arrived (the date of a message without a usable
 *   Date header)
 *
 * Summarises a message for the store. Never fails: a message the parser
 * cannot read is stored with its raw bytes and marked unreadable
 * (DESIGN.md invariant 4). Runs off the main thread.
 *
 * Returns: (transfer full): the message to insert, holding a reference to
 *   @raw
 */
StoreNewMessage *
engine_message_new (GBytes *raw, gint64 received)
{
  return engine_message_new_full (raw, received, NULL, NULL);
}

/**
 * engine_message_new_full:
 * @raw: the message's bytes
 * @received: when it arrived
 * @out_to: (out) (optional) (transfer full): the To addresses, formatted
 *   as in the summary's recipients ("" when none)
 * @out_cc: (out) (optional) (transfer full): the Cc addresses, likewise
 *
 * engine_message_new(), plus To and Cc apart: the store keeps them as one
 * recipients text, and a message's full view shows them apart.
 *
 * Returns: (transfer full): the summarised message, as engine_message_new()
 */
StoreNewMessage *
engine_message_new_full (GBytes *raw,
                         gint64  received,
                         char  **out_to,
                         char  **out_cc)
{
  StoreNewMessage        *message = store_new_message_new ();
  gsize                   length = 0;
  const guint8           *data = g_bytes_get_data (raw, &length);
  g_autoptr (MimeSummary) summary = mime_summary_new (
      data != NULL ? data : (const guint8 *) "", length, received);

  message->raw = g_bytes_ref (raw);
  message->date = summary->date;
  message->received = received;
  if (summary->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK)
    message->status |= STORE_MESSAGE_STATUS_DATE_FALLBACK;
  if (summary->flags & MIME_SUMMARY_FLAG_UNREADABLE)
    message->status |= STORE_MESSAGE_STATUS_UNREADABLE;

  message->message_id = g_steal_pointer (&summary->message_id);
  message->in_reply_to = g_steal_pointer (&summary->in_reply_to);
  message->references = g_steal_pointer (&summary->references);
  if (summary->from != NULL)
    {
      message->from_name = g_steal_pointer (&summary->from->name);
      message->from_address = g_steal_pointer (&summary->from->address);
    }
  message->recipients = recipients_of (summary);
  if (out_to != NULL)
    *out_to = mime_address_list_to_string (summary->to);
  if (out_cc != NULL)
    *out_cc = mime_address_list_to_string (summary->cc);
  message->subject = steal_or_empty (&summary->subject);
  message->preview = steal_or_empty (&summary->preview);
  message->body_text = steal_or_empty (&summary->body_text);

  for (guint i = 0; i < summary->attachments->len; i++)
    {
      MimeAttachment  *part = summary->attachments->pdata[i];
      StoreAttachment *attachment = store_attachment_new ();

      attachment->filename = g_steal_pointer (&part->filename);
      attachment->save_name = g_steal_pointer (&part->save_name);
      attachment->content_type = g_steal_pointer (&part->content_type);
      attachment->size = part->size;
      attachment->is_inline = part->is_inline;
      attachment->content_id = g_steal_pointer (&part->content_id);
      g_ptr_array_add (message->attachments, attachment);
    }

  return message;
}

/* The header section: up to the first empty line, or all of it. */
static gsize
header_length (const char *data, gsize length)
{
  for (gsize i = 0; i + 1 < length; i++)
    if (data[i] == '\n' &&
        (data[i + 1] == '\n' ||
         (data[i + 1] == '\r' && i + 2 < length && data[i + 2] == '\n')))
      return i + 1;
  return length;
}

/* The value of the first header @name (with its colon) that starts a line
 * of the header section, up to the line's end; NULL when absent. */
static char *
find_header (const char *data, gsize length, const char *name)
{
  gsize name_length = strlen (name);

  for (gsize i = 0; i + name_length <= length; i++)
    {
      if ((i == 0 || data[i - 1] == '\n') &&
          g_ascii_strncasecmp (data + i, name, name_length) == 0)
        {
          gsize start = i + name_length;
          gsize end = start;

          while (end < length && data[end] != '\r' && data[end] != '\n')
            end++;
          return g_strstrip (g_strndup (data + start, end - start));
        }
    }

  return NULL;
}

/**
 * engine_message_read_status_headers:
 *
 * Takes read and flagged states from the headers local mail programs
 * write into mbox files: Thunderbird's X-Mozilla-Status (0x0001 read,
 * 0x0004 marked) and the Status: RO / X-Status: F of mutt and others. The
 * headers stay in the raw bytes, untouched.
 */
void
engine_message_read_status_headers (StoreNewMessage *message)
{
  gsize            length = 0;
  const char      *data = g_bytes_get_data (message->raw, &length);
  g_autofree char *mozilla = NULL;
  g_autofree char *status = NULL;
  g_autofree char *x_status = NULL;

  if (data == NULL)
    return;

  length = header_length (data, length);
  mozilla = find_header (data, length, "X-Mozilla-Status:");
  if (mozilla != NULL)
    {
      guint64 bits = g_ascii_strtoull (mozilla, NULL, 16);

      message->is_read = (bits & 0x0001) != 0;
      message->is_flagged = (bits & 0x0004) != 0;
      return;
    }

  status = find_header (data, length, "Status:");
  if (status != NULL)
    message->is_read = strchr (status, 'R') != NULL;
  x_status = find_header (data, length, "X-Status:");
  if (x_status != NULL)
    message->is_flagged = strchr (x_status, 'F') != NULL;
}
