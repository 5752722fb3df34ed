/* cli-mail.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-mail.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cli-common.h"
#include "cli-json.h"
#include "engine-message.h"
#include "store-error.h"
#include "store-search.h"

/* The sender column, in characters. */
#define SENDER_WIDTH 24
#define DEFAULT_LIMIT 50

#define BOLD_ON "\033[1m"
#define BOLD_OFF "\033[0m"

/* Date and time in the user's time zone, "YYYY-MM-DD HH:MM". */
static char *
format_local_date (gint64 date)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (date);

  if (time == NULL)
    return g_strdup ("0000-00-00 00:00");
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/* RFC 3339 in UTC, "2024-05-01T12:00:00Z". */
static char *
format_utc_date (gint64 date)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (date);

  if (time == NULL)
    return NULL;
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* @text cut or padded to exactly @width characters (not bytes); a cut
 * ends in an ellipsis. */
static void
append_column (GString *out, const char *text, guint width)
{
  g_autofree char *clean = cli_printable (text, FALSE);
  glong            length = g_utf8_strlen (clean, -1);

  if ((guint) length > width)
    {
      const char *cut = g_utf8_offset_to_pointer (clean, width - 1);

      g_string_append_len (out, clean, cut - clean);
      g_string_append (out, "…");
      return;
    }

  g_string_append (out, clean);
  for (guint i = length; i < width; i++)
    g_string_append_c (out, ' ');
}

static const char *
sender_of (const StoreMessageRow *row)
{
  if (row->from_name != NULL && row->from_name[0] != '\0')
    return row->from_name;
  if (row->from_address != NULL)
    return row->from_address;
  return "";
}

/* A search snippet for a human: the STORE_MATCH_START/END marks become
 * bold on a terminal, brackets elsewhere; nothing else of the text may
 * drive the terminal. */
static char *
render_snippet (const char *snippet, gboolean bold)
{
  g_autofree char *valid = g_utf8_make_valid (snippet, -1);
  GString         *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (ch == (gunichar) STORE_MATCH_START[0])
        g_string_append (out, bold ? BOLD_ON : "[");
      else if (ch == (gunichar) STORE_MATCH_END[0])
        g_string_append (out, bold ? BOLD_OFF : "]");
      else if (g_unichar_iscntrl (ch))
        g_string_append_c (out, ' ');
      else if (cli_is_bidi_control (ch))
        g_string_append (out, "\xef\xbf\xbd");
      else
        g_string_append_unichar (out, ch);
    }
  return g_string_free (out, FALSE);
}

static void
print_rows_human (GPtrArray *rows, gboolean with_snippets)
{
  g_autoptr (GString) line = g_string_new (NULL);
  gboolean            bold = with_snippets && cli_stdout_is_terminal ();
  int                 id_width = 1;

  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = rows->pdata[i];
      g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);

      id_width = MAX (id_width, (int) strlen (digits));
    }

  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = rows->pdata[i];
      g_autofree char       *date = format_local_date (row->date);
      g_autofree char       *subject = cli_printable (row->subject, FALSE);

      g_string_printf (line, "%*" G_GINT64_FORMAT "  %s  %c%c%c%c  ", id_width,
                       row->id, date, row->is_read ? '-' : 'N',
                       row->is_flagged ? 'F' : '-',
                       row->has_attachment ? 'A' : '-',
                       row->status & STORE_MESSAGE_STATUS_PARTIAL ? 'H' : '-');
      append_column (line, sender_of (row), SENDER_WIDTH);
      g_string_append_printf (line, "  %s\n", subject);
      if (with_snippets && row->snippet != NULL)
        {
          g_autofree char *snippet = render_snippet (row->snippet, bold);

          g_string_append_printf (line, "%*s  %s\n", id_width, "", snippet);
        }
      fputs (line->str, stdout);
    }
}

/* The recipients text the engine formats (mime_address_list_to_string():
 * "Name <a@b>", a bare address or a bare name, joined by ", ", names with
 * a comma, semicolon, angle bracket or quote in double quotes with \
 * escapes) back into name and address pairs. */
static void
append_recipients_json (CliJson *json, const char *recipients)
{
  const char *p = recipients != NULL ? recipients : "";

  cli_json_begin_array (json);
  while (*p != '\0')
    {
      g_autoptr (GString) name = g_string_new (NULL);
      g_autofree char    *address = NULL;
      gboolean            quoted = FALSE;
      const char         *start;

      while (*p == ' ' || *p == ',')
        p++;
      if (*p == '\0')
        break;

      if (*p == '"')
        {
          quoted = TRUE;
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (name, *p);
            }
          if (*p == '"')
            p++;
        }

      start = p;
      while (*p != '\0' && !(p[0] == ',' && p[1] == ' '))
        p++;

      if (!quoted)
        g_string_append_len (name, start, p - start);
      else
        {
          /* After a quoted name only " <address>" can follow. */
          g_autofree char *rest = g_strstrip (g_strndup (start, p - start));

          if (rest[0] == '<' && g_str_has_suffix (rest, ">"))
            address = g_strndup (rest + 1, strlen (rest) - 2);
        }

      if (!quoted)
        {
          const char *open = g_strrstr (name->str, " <");

          if (open != NULL && g_str_has_suffix (name->str, ">"))
            {
              address = g_strndup (open + 2, strlen (open + 2) - 1);
              g_string_truncate (name, open - name->str);
            }
          else if (strchr (name->str, '@') != NULL &&
                   strchr (name->str, ' ') == NULL)
            {
              address = g_string_free (g_steal_pointer (&name), FALSE);
              name = g_string_new (NULL);
            }
        }

      cli_json_begin_object (json);
      cli_json_member (json, "name");
      cli_json_string (json, name->len > 0 ? name->str : NULL);
      cli_json_member (json, "address");
      cli_json_string (json, address);
      cli_json_end_object (json);
    }
  cli_json_end_array (json);
}

/* A snippet for scripts: the text without marks, and where each match
 * starts and how long it is, in Unicode code points. */
static void
append_snippet_json (CliJson *json, const char *snippet)
{
  g_autofree char    *valid = g_utf8_make_valid (snippet, -1);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GArray)  marks = g_array_new (FALSE, FALSE, sizeof (glong));
  glong               offset = 0;
  glong               start = -1;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (ch == (gunichar) STORE_MATCH_START[0])
        start = offset;
      else if (ch == (gunichar) STORE_MATCH_END[0])
        {
          if (start >= 0)
            {
              glong length = offset - start;

              g_array_append_val (marks, start);
              g_array_append_val (marks, length);
            }
          start = -1;
        }
      else
        {
          g_string_append_unichar (text, ch);
          offset++;
        }
    }

  cli_json_member (json, "snippet");
  cli_json_string (json, text->str);
  cli_json_member (json, "matches");
  cli_json_begin_array (json);
  for (guint i = 0; i + 1 < marks->len; i += 2)
    {
      cli_json_begin_array (json);
      cli_json_int (json, g_array_index (marks, glong, i));
      cli_json_int (json, g_array_index (marks, glong, i + 1));
      cli_json_end_array (json);
    }
  cli_json_end_array (json);
}

static void
print_rows_json (GPtrArray  *rows,
                 GHashTable *folder_names,
                 gboolean    with_snippets)
{
  g_autoptr (CliJson) json = cli_json_new ();
  g_autofree char    *text = NULL;

  cli_json_begin_object (json);
  cli_json_member (json, "messages");
  cli_json_begin_array (json);
  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = rows->pdata[i];
      g_autofree char       *date = format_utc_date (row->date);

      cli_json_begin_object (json);
      cli_json_member (json, "id");
      cli_json_int (json, row->id);
      cli_json_member (json, "date");
      cli_json_string (json, date);
      cli_json_member (json, "from");
      cli_json_begin_object (json);
      cli_json_member (json, "name");
      cli_json_string (json, row->from_name != NULL && row->from_name[0] != '\0'
                                 ? row->from_name
                                 : NULL);
      cli_json_member (json, "address");
      cli_json_string (json, row->from_address);
      cli_json_end_object (json);
      cli_json_member (json, "to");
      append_recipients_json (json, row->recipients);
      cli_json_member (json, "subject");
      cli_json_string (json, row->subject != NULL ? row->subject : "");
      cli_json_member (json, "folder");
      cli_json_string (json,
                       g_hash_table_lookup (folder_names, &row->folder_id));
      cli_json_member (json, "unread");
      cli_json_boolean (json, !row->is_read);
      cli_json_member (json, "flagged");
      cli_json_boolean (json, row->is_flagged);
      cli_json_member (json, "has_attachments");
      cli_json_boolean (json, row->has_attachment);
      cli_json_member (json, "headers_only");
      cli_json_boolean (json,
                        (row->status & STORE_MESSAGE_STATUS_PARTIAL) != 0);
      cli_json_member (json, "thread_id");
      cli_json_int (json, row->thread_id);
      cli_json_member (json, "message_id");
      cli_json_string (json, row->message_id);
      cli_json_member (json, "size");
      cli_json_int (json, (gint64) row->size);
      if (with_snippets)
        {
          if (row->snippet != NULL)
            append_snippet_json (json, row->snippet);
          else
            {
              cli_json_member (json, "snippet");
              cli_json_null (json);
              cli_json_member (json, "matches");
              cli_json_begin_array (json);
              cli_json_end_array (json);
            }
        }
      cli_json_end_object (json);
    }
  cli_json_end_array (json);
  cli_json_end_object (json);

  text = cli_json_free_to_string (g_steal_pointer (&json));
  fputs (text, stdout);
  fputc ('\n', stdout);
}

static gboolean
check_limit (int limit, GError **error)
{
  if (limit >= 1)
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _ ("--limit must be 1 or more, not %d"), limit);
  return FALSE;
}

static int
print_rows (StoreDatabase *db,
            GPtrArray     *rows,
            gboolean       json,
            gboolean       with_snippets)
{
  g_autoptr (GError) error = NULL;

  if (json)
    {
      g_autoptr (GHashTable) names = cli_folder_names (db, &error);

      if (names == NULL)
        return cli_fail (error);
      print_rows_json (rows, names, with_snippets);
    }
  else
    print_rows_human (rows, with_snippets);

  return CLI_EXIT_OK;
}

/**
 * cli_mail_list:
 *
 * `pigeon-cli list [--folder F] [--unread] [--flagged] [--limit N]
 * [--json]`: the newest messages of a folder or view.
 */
int
cli_mail_list (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GPtrArray)      rows = NULL;
  g_autoptr (GError)         error = NULL;
  g_autofree char           *folder = NULL;
  StoreView                  view;
  gboolean                   unread = FALSE;
  gboolean                   flagged = FALSE;
  gboolean                   json = FALSE;
  int                        limit = DEFAULT_LIMIT;
  const GOptionEntry         entries[] = {
            { "folder", 0, 0, G_OPTION_ARG_STRING, &folder,
              N_ ("The folder or view (default @all: All Inboxes)"), N_ ("F") },
            { "unread", 0, 0, G_OPTION_ARG_NONE, &unread, N_ ("Only unread messages"),
              NULL },
            { "flagged", 0, 0, G_OPTION_ARG_NONE, &flagged,
              N_ ("Only flagged messages"), NULL },
            { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
              N_ ("At most N messages (default 50)"), N_ ("N") },
            { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON document"),
              NULL },
            { NULL }
  };

  context = cli_option_context_new (
      "list", NULL,
      _ ("Lists the newest messages of a folder or view. Folders are "
         "ACCOUNT/Inbox, Trash, Archive or a local folder’s name; @all, "
         "@unread and @flagged are views."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error) ||
      !check_limit (limit, &error))
    return cli_fail (error);
  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("list takes no argument “%s”"), argv[1]);
      return cli_fail (error);
    }

  db = cli_open_store (&error);
  if (db == NULL ||
      !cli_resolve_view (db, folder != NULL ? folder : CLI_VIEW_ALL, &view,
                         &error))
    return cli_fail (error);

  if (unread)
    view.filter |= STORE_FILTER_UNREAD;
  if (flagged)
    view.filter |= STORE_FILTER_FLAGGED;

  rows = store_database_list (db, &view, 0, (guint) limit, &error);
  if (rows == NULL)
    return cli_fail (error);

  return print_rows (db, rows, json, FALSE);
}

/**
 * cli_mail_search:
 *
 * `pigeon-cli search QUERY [--limit N] [--json]`: all mail but Trash,
 * newest first, in the store's search language.
 */
int
cli_mail_search (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GPtrArray)      rows = NULL;
  g_autoptr (GError)         error = NULL;
  g_autoptr (GAsyncResult)   result = NULL;
  g_autofree char           *query = NULL;
  GAsyncResult              *slot = NULL;
  gboolean                   json = FALSE;
  int                        limit = DEFAULT_LIMIT;
  const GOptionEntry entries[] = { { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
                                     N_ ("At most N messages (default 50)"),
                                     N_ ("N") },
                                   { "json", 0, 0, G_OPTION_ARG_NONE, &json,
                                     N_ ("Print one JSON document"), NULL },
                                   { NULL } };

  context = cli_option_context_new (
      "search", _ ("QUERY"),
      _ ("Searches all mail but Trash, newest first. QUERY: words, "
         "\"a phrase\", prefix*, a OR b, -word, from: to: subject: body: "
         "has:attachment is:unread is:read is:flagged in:FOLDER "
         "account:NAME before:YYYY-MM-DD after:YYYY-MM-DD. Put -- before a "
         "QUERY that starts with -."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error) ||
      !check_limit (limit, &error))
    return cli_fail (error);
  if (argc < 2)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("search needs a QUERY"));
      return cli_fail (error);
    }

  /* Several words unquoted by the shell are one query. */
  query = g_strjoinv (" ", argv + 1);

  db = cli_open_store (&error);
  if (db == NULL)
    return cli_fail (error);

  /* A search from a script finds all the mail there is: the index may be
   * catching up (a replay after a crash, or a lost index built again). */
  store_database_flush_index_async (db, NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  if (!store_database_flush_index_finish (db, result, &error))
    return cli_fail (error);
  g_clear_object (&result);

  store_database_search_async (db, query, 0, (guint) limit, NULL,
                               cli_async_done, &slot);
  result = cli_async_wait (&slot);
  rows = store_database_search_finish (db, result, &error);
  if (rows == NULL)
    return cli_fail (error);

  return print_rows (db, rows, json, TRUE);
}

static void
print_header (const char *name, const char *value)
{
  g_autofree char *clean = cli_printable (value, FALSE);

  g_print ("%s %s\n", name, clean);
}

static char *
format_sender (const StoreMessageRow *row)
{
  gboolean has_name = row->from_name != NULL && row->from_name[0] != '\0';

  if (has_name && row->from_address != NULL)
    return g_strdup_printf ("%s <%s>", row->from_name, row->from_address);
  return g_strdup (sender_of (row));
}

static int
write_raw (GBytes *raw)
{
  gsize         length = 0;
  gconstpointer data = g_bytes_get_data (raw, &length);

  if ((length > 0 && fwrite (data, 1, length, stdout) != length) ||
      fflush (stdout) != 0)
    {
      g_autoptr (GError) error = NULL;

      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Cannot write the message to standard output"));
      return cli_fail (error);
    }
  return CLI_EXIT_OK;
}

/**
 * cli_mail_show:
 *
 * `pigeon-cli show ID [--raw]`: a message's headers, attachments and
 * text, or with --raw its exact stored bytes.
 */
int
cli_mail_show (int argc, char **argv)
{
  g_autoptr (GOptionContext)  context = NULL;
  g_autoptr (StoreDatabase)   db = NULL;
  g_autoptr (StoreMessageRow) row = NULL;
  g_autoptr (StoreNewMessage) parsed = NULL;
  g_autoptr (GBytes)          raw = NULL;
  g_autoptr (GError)          error = NULL;
  g_autoptr (GArray)          ids = NULL;
  g_autoptr (GHashTable)      names = NULL;
  g_autofree char            *date = NULL;
  g_autofree char            *sender = NULL;
  g_autofree char            *to = NULL;
  g_autofree char            *cc = NULL;
  g_autofree char            *body = NULL;
  gboolean                    show_raw = FALSE;
  gint64                      id;
  const GOptionEntry          entries[] = {
             { "raw", 0, 0, G_OPTION_ARG_NONE, &show_raw,
               N_ ("Write the message’s exact stored bytes, nothing else"), NULL },
             { NULL }
  };

  context = cli_option_context_new (
      "show", _ ("ID"),
      _ ("Shows a message: its headers, attachments and text."), entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("show takes one message ID"));
      return cli_fail (error);
    }
  ids = cli_parse_ids (1, argv + 1, &error);
  if (ids == NULL)
    return cli_fail (error);
  id = g_array_index (ids, gint64, 0);

  db = cli_open_store (&error);
  if (db == NULL || !cli_check_ids (db, ids, &error))
    return cli_fail (error);

  raw = store_database_get_raw (db, id, &error);
  if (raw == NULL)
    return cli_fail (error);
  if (show_raw)
    return write_raw (raw);

  row = store_database_get_message (db, id, &error);
  names = row != NULL ? cli_folder_names (db, &error) : NULL;
  if (names == NULL)
    return cli_fail (error);

  /* The store keeps To and Cc as one text and no body text outside its
   * index: the raw bytes are read again, as the window does. */
  parsed = engine_message_new_full (raw, row->date, &to, &cc);

  date = format_local_date (row->date);
  sender = format_sender (row);
  print_header (_ ("Date:"), date);
  print_header (_ ("From:"), sender);
  print_header (_ ("To:"), to);
  if (cc[0] != '\0')
    print_header (_ ("Cc:"), cc);
  print_header (_ ("Subject:"), row->subject);
  print_header (_ ("Folder:"), g_hash_table_lookup (names, &row->folder_id));
  for (guint i = 0; i < parsed->attachments->len; i++)
    {
      const StoreAttachment *attachment = parsed->attachments->pdata[i];
      g_autofree char       *size = g_format_size (attachment->size);
      g_autofree char       *name =
          cli_printable (attachment->filename != NULL ? attachment->filename
                                                      : attachment->save_name,
                         FALSE);

      /* Translators: an attachment line of "pigeon-cli show": the file
       * name, its MIME type and size. */
      g_print (_ ("Attachment: %s (%s, %s)\n"), name, attachment->content_type,
               size);
    }
  g_print ("\n");

  if (row->status & STORE_MESSAGE_STATUS_PARTIAL)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      /* Translators: shown instead of the text of a message over the
       * account's size limit; %s is the message ID. */
      g_print (_ ("Only the headers of this message were downloaded. Get "
                  "the rest with: pigeon-cli fetch --rest %s\n"),
               id_text);
      return CLI_EXIT_OK;
    }

  body = cli_printable (parsed->body_text, TRUE);
  fputs (body, stdout);
  if (body[0] != '\0' && !g_str_has_suffix (body, "\n"))
    fputc ('\n', stdout);
  return CLI_EXIT_OK;
}

/* The IDs after the parsed options, then the store with every ID
 * checked: the work mark, move and delete share. */
static StoreDatabase *
open_for_ids (int argc, char **argv, GArray **out_ids, GError **error)
{
  g_autoptr (StoreDatabase) db = NULL;
  g_autoptr (GArray)        ids = NULL;

  ids = cli_parse_ids (argc - 1, argv + 1, error);
  if (ids == NULL)
    return NULL;

  db = cli_open_store (error);
  if (db == NULL || !cli_check_ids (db, ids, error))
    return NULL;

  *out_ids = g_steal_pointer (&ids);
  return g_steal_pointer (&db);
}

static int
finish_change (StoreDatabase *db, GAsyncResult **slot)
{
  g_autoptr (GAsyncResult) result = cli_async_wait (slot);
  g_autoptr (GError)       error = NULL;

  if (!store_database_change_finish (db, result, &error))
    return cli_fail (error);
  return CLI_EXIT_OK;
}

/**
 * cli_mail_mark:
 *
 * `pigeon-cli mark ID... (--read|--unread|--flagged|--unflagged)`; a read
 * and a flag option may go together.
 */
int
cli_mail_mark (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GArray)         ids = NULL;
  g_autoptr (GError)         error = NULL;
  GAsyncResult              *slot = NULL;
  gboolean                   read = FALSE;
  gboolean                   unread = FALSE;
  gboolean                   flagged = FALSE;
  gboolean                   unflagged = FALSE;
  StoreFlags                 mask = 0;
  StoreFlags                 values = 0;
  const GOptionEntry         entries[] = {
            { "read", 0, 0, G_OPTION_ARG_NONE, &read, N_ ("Mark read"), NULL },
            { "unread", 0, 0, G_OPTION_ARG_NONE, &unread, N_ ("Mark unread"), NULL },
            { "flagged", 0, 0, G_OPTION_ARG_NONE, &flagged, N_ ("Flag"), NULL },
            { "unflagged", 0, 0, G_OPTION_ARG_NONE, &unflagged, N_ ("Remove the flag"),
              NULL },
            { NULL }
  };

  context = cli_option_context_new (
      "mark", _ ("ID…"),
      _ ("Marks messages read or unread, flagged or not; all or none."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);

  if ((read && unread) || (flagged && unflagged) ||
      !(read || unread || flagged || unflagged))
    {
      g_set_error_literal (
          &error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          _ ("Give one of --read or --unread, one of --flagged or "
             "--unflagged, or one of each"));
      return cli_fail (error);
    }
  if (read || unread)
    mask |= STORE_FLAG_READ;
  if (read)
    values |= STORE_FLAG_READ;
  if (flagged || unflagged)
    mask |= STORE_FLAG_FLAGGED;
  if (flagged)
    values |= STORE_FLAG_FLAGGED;

  db = open_for_ids (argc, argv, &ids, &error);
  if (db == NULL)
    return cli_fail (error);

  store_database_set_flags_async (db, ids, mask, values, NULL, cli_async_done,
                                  &slot);
  return finish_change (db, &slot);
}

/**
 * cli_mail_move:
 *
 * `pigeon-cli move ID... --folder F`; all or none.
 */
int
cli_mail_move (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (StoreFolder)    target = NULL;
  g_autoptr (GArray)         ids = NULL;
  g_autoptr (GError)         error = NULL;
  g_autofree char           *folder = NULL;
  GAsyncResult              *slot = NULL;
  const GOptionEntry entries[] = { { "folder", 0, 0, G_OPTION_ARG_STRING,
                                     &folder, N_ ("The folder to move them to"),
                                     N_ ("F") },
                                   { NULL } };

  context = cli_option_context_new (
      "move", _ ("ID…"), _ ("Moves messages to a folder; all or none."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (folder == NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("move needs --folder"));
      return cli_fail (error);
    }

  db = open_for_ids (argc, argv, &ids, &error);
  if (db == NULL)
    return cli_fail (error);
  target = cli_find_folder (db, folder, &error);
  if (target == NULL)
    return cli_fail (error);

  store_database_move_async (db, ids, target->id, NULL, cli_async_done, &slot);
  return finish_change (db, &slot);
}

/**
 * cli_mail_delete:
 *
 * `pigeon-cli delete ID... [--permanently]`: to Trash, or for good; all
 * or none.
 */
int
cli_mail_delete (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GArray)         ids = NULL;
  g_autoptr (GError)         error = NULL;
  GAsyncResult              *slot = NULL;
  gboolean                   permanently = FALSE;
  const GOptionEntry         entries[] = {
            { "permanently", 0, 0, G_OPTION_ARG_NONE, &permanently,
              N_ ("Delete for good instead of moving to Trash"), NULL },
            { NULL }
  };

  context = cli_option_context_new (
      "delete", _ ("ID…"),
      _ ("Moves messages to Trash, or with --permanently deletes them for "
         "good; all or none."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);

  db = open_for_ids (argc, argv, &ids, &error);
  if (db == NULL)
    return cli_fail (error);

  if (permanently)
    store_database_delete_async (db, ids, NULL, cli_async_done, &slot);
  else
    store_database_trash_async (db, ids, NULL, cli_async_done, &slot);
  return finish_change (db, &slot);
}
