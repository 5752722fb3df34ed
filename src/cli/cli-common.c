/* cli-common.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-common.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-error.h"
#include "pop3-error.h"
#include "store-error.h"

/**
 * cli_error_exit_status:
 * @error: why a command failed
 *
 * Maps an error to its #CliExit. Usage errors are %G_OPTION_ERROR ones;
 * the store's own conditions (locked, damaged, full, newer schema, an
 * SQLite failure) are %CLI_EXIT_STORE, but "no such message or folder",
 * "exists already", a bad name and a bad query are the user's request
 * failing, %CLI_EXIT_FAILED. TLS, resolver and connection errors are
 * %CLI_EXIT_NETWORK.
 *
 * Returns: the exit status, never %CLI_EXIT_OK
 */
CliExit
cli_error_exit_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, CLI_EXIT_FAILED);

  if (error->domain == G_OPTION_ERROR)
    return CLI_EXIT_USAGE;

  if (error->domain == STORE_ERROR)
    {
      switch ((StoreError) error->code)
        {
        case STORE_ERROR_QUERY:
        case STORE_ERROR_NOT_FOUND:
        case STORE_ERROR_EXISTS:
        case STORE_ERROR_INVALID:
          return CLI_EXIT_FAILED;
        case STORE_ERROR_MISSING_FEATURE:
        case STORE_ERROR_CORRUPT:
        case STORE_ERROR_NEWER_SCHEMA:
        case STORE_ERROR_LOCKED:
        case STORE_ERROR_FULL:
        case STORE_ERROR_FAILED:
        default:
          return CLI_EXIT_STORE;
        }
    }

  if (error->domain == G_TLS_ERROR || error->domain == G_RESOLVER_ERROR)
    return CLI_EXIT_NETWORK;

  if (error->domain == POP3_ERROR)
    {
      switch ((Pop3Error) error->code)
        {
        case POP3_ERROR_AUTH_FAILED:
        case POP3_ERROR_INSECURE_AUTH:
          return CLI_EXIT_AUTH;
        case POP3_ERROR_TLS_REQUIRED:
        case POP3_ERROR_CERTIFICATE_REJECTED:
        case POP3_ERROR_TIMEOUT:
        case POP3_ERROR_CONNECTION_CLOSED:
        case POP3_ERROR_PROTOCOL:
          return CLI_EXIT_NETWORK;
        case POP3_ERROR_SERVER:
        case POP3_ERROR_MAILBOX_IN_USE:
        case POP3_ERROR_LOGIN_DELAY:
        case POP3_ERROR_SYS_TEMP:
        case POP3_ERROR_SYS_PERM:
        case POP3_ERROR_UNSUPPORTED:
        default:
          return CLI_EXIT_FAILED;
        }
    }

  if (g_error_matches (error, ENGINE_ERROR, ENGINE_ERROR_NO_PASSWORD))
    return CLI_EXIT_AUTH;

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_HOST_NOT_FOUND:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_NOT_CONNECTED:
        case G_IO_ERROR_PROXY_FAILED:
          return CLI_EXIT_NETWORK;
        default:
          break;
        }
    }

  return CLI_EXIT_FAILED;
}

/**
 * cli_fail:
 * @error: why the command failed
 *
 * Prints `pigeon-cli: REASON` on stderr, one line.
 *
 * Returns: the exit status for @error (cli_error_exit_status())
 */
int
cli_fail (const GError *error)
{
  g_autofree char *reason = NULL;

  g_return_val_if_fail (error != NULL, CLI_EXIT_FAILED);

  /* One line, whatever the message holds: scripts read stderr by line. */
  reason = cli_printable (error->message, FALSE);
  g_printerr ("pigeon-cli: %s\n", reason);
  return cli_error_exit_status (error);
}

/* Library messages already printed, guarded by logged_lock. */
static GHashTable *logged;
static GMutex      logged_lock;

static const char *
log_field (const GLogField *fields, gsize n_fields, const char *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].key, key) == 0 && fields[i].length < 0)
      return fields[i].value;
  return NULL;
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char      *message = log_field (fields, n_fields, "MESSAGE");
  g_autofree char *line = NULL;
  gboolean         is_new;

  if ((level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE)) == 0 ||
      (level & G_LOG_FLAG_FATAL) != 0 || message == NULL)
    return g_log_writer_default (level, fields, n_fields, user_data);

  g_mutex_lock (&logged_lock);
  if (logged == NULL)
    logged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  is_new = g_hash_table_add (logged, g_strdup (message));
  g_mutex_unlock (&logged_lock);
  if (!is_new)
    return G_LOG_WRITER_HANDLED;

  line = cli_printable (message, FALSE);
  if ((level & G_LOG_LEVEL_WARNING) != 0)
    /* Translators: %s is a message of Pigeon's mail store or engine,
     * in English. */
    g_printerr (_ ("pigeon-cli: warning: %s\n"), line);
  else
    g_printerr ("pigeon-cli: %s\n", line);
  return G_LOG_WRITER_HANDLED;
}

/**
 * cli_log_to_stderr:
 *
 * Prints the warnings and messages of the store and the engine (the
 * indexer's "the search index was not updated: the disk is full", say)
 * as plain lines like the commands' own, each once. GLib's own form,
 * "(pigeon-cli:4242): pigeon-store-WARNING **: 10:00:00.000: ...",
 * looked like a crash next to them, and an indexer that cannot write
 * says so for every batch. Debug output, criticals and fatal messages
 * keep GLib's form.
 */
void
cli_log_to_stderr (void)
{
  g_log_set_writer_func (log_writer, NULL, NULL);
}

/**
 * cli_option_context_new:
 * @command: the command's name, for the usage line
 * @parameters: (nullable): what follows the options, e.g. "ID…"
 * @summary: one translated sentence for `pigeon-cli COMMAND --help`
 * @entries: the command's options, %NULL-terminated
 *
 * Returns: (transfer full): a context whose --help shows the command's
 *   usage and options
 */
GOptionContext *
cli_option_context_new (const char         *command,
                        const char         *parameters,
                        const char         *summary,
                        const GOptionEntry *entries)
{
  g_autofree char *usage = NULL;
  GOptionContext  *context;

  /* GOption prints "pigeon-cli [OPTION…] PARAMETERS"; the command's name
   * goes into the parameters so the usage line reads as one types it. */
  usage =
      g_strconcat (command, " ", parameters != NULL ? parameters : "", NULL);
  context = g_option_context_new (usage);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/**
 * cli_option_context_parse:
 *
 * Parses a command's options; @argv keeps the command's name at index 0
 * and the positional arguments after it.
 *
 * Returns: %TRUE, or %FALSE with a %G_OPTION_ERROR (exit status 2)
 */
gboolean
cli_option_context_parse (GOptionContext *context,
                          int            *argc,
                          char         ***argv,
                          GError        **error)
{
  return g_option_context_parse (context, argc, argv, error);
}

/**
 * cli_async_done:
 * @user_data: a `GAsyncResult *` slot, %NULL until the call finishes
 *
 * The callback of any async call that cli_async_wait() runs to its end:
 * it keeps a reference to the result in the slot.
 */
void
cli_async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/**
 * cli_async_wait:
 * @slot: the slot given to cli_async_done()
 *
 * Runs the main context until the call behind @slot has finished. A
 * command is one request from start to end, so there is nothing else to
 * do meanwhile.
 *
 * Returns: (transfer full): the result, for the call's _finish function
 */
GAsyncResult *
cli_async_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_steal_pointer (slot);
}

/**
 * cli_open_store:
 *
 * Opens the store the app uses: pigeon.db in `PIGEON_DATA_DIR`, else in
 * `$XDG_DATA_HOME/pigeon` (store_database_get_default_path()).
 *
 * Returns: (transfer full): the store, or %NULL with a #StoreError
 *   (%STORE_ERROR_LOCKED when another Pigeon has it open)
 */
StoreDatabase *
cli_open_store (GError **error)
{
  g_autofree char         *path = store_database_get_default_path ();
  GAsyncResult            *slot = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  store_database_open_async (path, NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  return store_database_open_finish (result, error);
}

static gboolean
is_view_name (const char *name)
{
  return name[0] == '@';
}

/**
 * cli_find_folder:
 * @name: "ACCOUNT/Inbox", "Trash", "Archive" or a local folder's name
 *
 * Returns: (transfer full): the folder, or %NULL with
 *   %STORE_ERROR_NOT_FOUND naming @name (a view such as `@all` is no
 *   folder either)
 */
StoreFolder *
cli_find_folder (StoreDatabase *db, const char *name, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  StoreFolder       *folder;

  if (is_view_name (name))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   _ ("“%s” is a view, not a folder; name a folder"), name);
      return NULL;
    }

  folder = store_database_find_folder (db, name, &local_error);
  if (folder != NULL)
    return folder;

  /* The store's own words are English (STYLE.md H2); this one is the
   * user's mistake, so it is said in the user's language. */
  if (g_error_matches (local_error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
    g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                 _ ("There is no folder “%s”"), name);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * cli_resolve_view:
 * @name: a folder's name (cli_find_folder()) or `@all` (All Inboxes),
 *   `@unread`, `@flagged`
 * @out_view: (out caller-allocates): set to the view, newest first
 *
 * Returns: %TRUE, or %FALSE with %STORE_ERROR_NOT_FOUND naming @name
 */
gboolean
cli_resolve_view (StoreDatabase *db,
                  const char    *name,
                  StoreView     *out_view,
                  GError       **error)
{
  g_autoptr (StoreFolder) folder = NULL;

  *out_view = (StoreView){ .sort = STORE_SORT_DATE };

  if (g_ascii_strcasecmp (name, CLI_VIEW_ALL) == 0)
    out_view->kind = STORE_VIEW_ALL_INBOXES;
  else if (g_ascii_strcasecmp (name, CLI_VIEW_UNREAD) == 0)
    out_view->kind = STORE_VIEW_UNREAD;
  else if (g_ascii_strcasecmp (name, CLI_VIEW_FLAGGED) == 0)
    out_view->kind = STORE_VIEW_FLAGGED;
  else if (is_view_name (name))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   _ ("There is no view “%s” (@all, @unread, @flagged)"), name);
      return FALSE;
    }
  else
    {
      folder = cli_find_folder (db, name, error);
      if (folder == NULL)
        return FALSE;
      out_view->kind = STORE_VIEW_FOLDER;
      out_view->folder_id = folder->id;
    }

  return TRUE;
}

/**
 * cli_folder_names:
 *
 * Returns: (transfer full): folder id (a `gint64 *` key) to its full
 *   name, or %NULL with a #StoreError
 */
GHashTable *
cli_folder_names (StoreDatabase *db, GError **error)
{
  g_autoptr (GPtrArray) folders = store_database_list_folders (db, error);
  GHashTable           *names;

  if (folders == NULL)
    return NULL;

  names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < folders->len; i++)
    {
      const StoreFolder *folder = folders->pdata[i];

      g_hash_table_insert (names, g_memdup2 (&folder->id, sizeof folder->id),
                           g_strdup (folder->full_name));
    }
  return names;
}

/**
 * cli_parse_ids:
 * @argc: the number of arguments
 * @argv: message ids as typed: positive decimal numbers
 *
 * Returns: (transfer full) (element-type gint64): the ids, or %NULL with
 *   a %G_OPTION_ERROR (exit status 2) naming the first bad one, or saying
 *   that none was given
 */
GArray *
cli_parse_ids (int argc, char **argv, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (argc < 1)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("Name at least one message ID"));
      return NULL;
    }

  for (int i = 0; i < argc; i++)
    {
      guint64 id = 0;

      if (!g_ascii_string_to_unsigned (argv[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("“%s” is not a message ID"), argv[i]);
          return NULL;
        }
      g_array_append_val (ids, id);
    }

  return g_steal_pointer (&ids);
}

/**
 * cli_get_message:
 *
 * Returns: (transfer full): the message, or %NULL with
 *   %STORE_ERROR_NOT_FOUND naming the ID (or the store's own error)
 */
StoreMessageRow *
cli_get_message (StoreDatabase *db, gint64 id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  StoreMessageRow   *row = store_database_get_message (db, id, &local_error);

  if (row != NULL)
    return row;

  if (g_error_matches (local_error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      /* Translators: %s is a message ID, a number. */
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND,
                   _ ("There is no message with ID %s"), text);
    }
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * cli_check_ids:
 * @ids: (element-type gint64): message ids
 *
 * The store refuses a change naming an unknown message as a whole; this
 * names the culprit first, so the user knows which ID to drop.
 *
 * Returns: %TRUE when every message exists, else %FALSE with
 *   %STORE_ERROR_NOT_FOUND naming the first missing ID
 */
gboolean
cli_check_ids (StoreDatabase *db, GArray *ids, GError **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (StoreMessageRow) row =
          cli_get_message (db, g_array_index (ids, gint64, i), error);

      if (row == NULL)
        return FALSE;
    }

  return TRUE;
}

/** cli_stdout_is_terminal: Whether stdout is a terminal (for bold). */
gboolean
cli_stdout_is_terminal (void)
{
  return isatty (STDOUT_FILENO);
}

/** cli_stderr_is_terminal: Whether stderr is a terminal (for progress). */
gboolean
cli_stderr_is_terminal (void)
{
  return isatty (STDERR_FILENO);
}

/**
 * cli_printable:
 * @text: (nullable): text from a message, maybe hostile
 * @keep_newlines: keep line ends and tabs (a body) or make them spaces (a
 *   list column, an error line)
 *
 * Mail can carry terminal escape sequences and invalid UTF-8; neither may
 * reach the user's terminal as is. Control characters become spaces
 * (newlines and tabs survive when @keep_newlines), invalid bytes and
 * bidirectional controls (cli_is_bidi_control()) U+FFFD.
 *
 * Returns: (transfer full): valid UTF-8 without control characters; ""
 *   for %NULL
 */
char *
cli_printable (const char *text, gboolean keep_newlines)
{
  g_autofree char *valid = NULL;
  GString         *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (keep_newlines && (ch == '\n' || ch == '\t'))
        g_string_append_c (out, (char) ch);
      else if (ch == '\r' && keep_newlines)
        continue;
      else if (g_unichar_iscntrl (ch))
        g_string_append_c (out, ' ');
      else if (cli_is_bidi_control (ch))
        g_string_append (out, "\xef\xbf\xbd");
      else
        g_string_append_unichar (out, ch);
    }
  return g_string_free (out, FALSE);
}

/**
 * cli_is_bidi_control:
 *
 * Returns: whether @ch is a bidirectional override, embedding, isolate or
 *   mark: in a file name they make "invoice_\u202Efdp.exe" read as
 *   "invoice_exe.pdf", so human output shows U+FFFD instead
 */
gboolean
cli_is_bidi_control (gunichar ch)
{
  return ch == 0x200e || ch == 0x200f || (ch >= 0x202a && ch <= 0x202e) ||
         (ch >= 0x2066 && ch <= 0x2069);
}
