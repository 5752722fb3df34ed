/* fuzz-mime-summary.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mime-filename.h"
#include "mime-html.h"
#include "mime-summary.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_text (const char *text)
{
  g_assert (text != NULL);
  g_assert (g_utf8_validate (text, -1, NULL));
}

static void
check_addresses (GPtrArray *addresses)
{
  g_autofree char *text = NULL;

  g_assert (addresses != NULL);
  for (guint i = 0; i < addresses->len; i++)
    {
      const MimeAddress *address = g_ptr_array_index (addresses, i);

      g_assert (address->name != NULL || address->address != NULL);
      if (address->name != NULL)
        check_text (address->name);
      if (address->address != NULL)
        check_text (address->address);
    }
  text = mime_address_list_to_string (addresses);
  check_text (text);
}

/* A saved attachment must land in the directory it is saved to. */
static void
check_save_name (const char *name)
{
  g_autofree char *again = mime_sanitize_filename (name);

  check_text (name);
  g_assert (*name != '\0' && *name != '.');
  g_assert (strlen (name) <= MIME_FILENAME_MAX_LENGTH);
  g_assert (strchr (name, '/') == NULL && strchr (name, '\\') == NULL);
  g_assert (strstr (name, "..") == NULL);
  for (const char *p = name; *p != '\0'; p++)
    g_assert ((guchar) *p >= 0x20 && *p != 0x7f);
  g_assert (strcmp (again, name) == 0);
}

/* The input is a whole message; it is also tried as an HTML body and as
 * an attachment name, since those parsers see attacker text too. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (MimeSummary) summary = mime_summary_new (data, size, 1);
  g_autofree char        *string = g_strndup ((const char *) data, size);
  g_autofree char        *valid = g_utf8_make_valid (string, -1);
  g_autofree char        *html = mime_html_to_text (valid);
  g_autofree char        *name = mime_sanitize_filename (string);

  g_assert (summary != NULL);
  if (summary->message_id != NULL)
    check_text (summary->message_id);
  if (summary->in_reply_to != NULL)
    check_text (summary->in_reply_to);
  g_assert (summary->references != NULL);
  for (guint i = 0; summary->references[i] != NULL; i++)
    check_text (summary->references[i]);
  if ((summary->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK) != 0)
    g_assert (summary->date == 1);
  if (summary->from != NULL)
    {
      g_assert (summary->from->name != NULL || summary->from->address != NULL);
      if (summary->from->name != NULL)
        check_text (summary->from->name);
      if (summary->from->address != NULL)
        check_text (summary->from->address);
    }
  check_addresses (summary->to);
  check_addresses (summary->cc);
  check_addresses (summary->reply_to);
  check_text (summary->subject);
  check_text (summary->body_text);
  check_text (summary->preview);
  g_assert (g_utf8_strlen (summary->preview, -1) <= 200);
  g_assert (summary->attachments != NULL);
  for (guint i = 0; i < summary->attachments->len; i++)
    {
      const MimeAttachment *a = g_ptr_array_index (summary->attachments, i);

      if (a->filename != NULL)
        check_text (a->filename);
      check_save_name (a->save_name);
      check_text (a->content_type);
      if (a->content_id != NULL)
        check_text (a->content_id);
    }

  check_text (html);
  check_save_name (name);
  return 0;
}
