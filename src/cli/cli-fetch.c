/* cli-fetch.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-fetch.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "cli-account.h"
#include "cli-common.h"
#include "engine-error.h"
#include "engine-fetch.h"
#include "engine-secret.h"
#include "pop3-error.h"

/* Every account fetches at once; each reports on its own line. */
typedef struct
{
  const StoreAccount *account; /* borrowed from the accounts fetched */
  EngineFetch        *fetch;
  GError             *error;
  char    *typed_password; /* asked for on the terminal: kept once it works */
  char    *first_password; /* until the run starts */
  gboolean reported;       /* its error was printed already */
} Run;

typedef struct
{
  GPtrArray     *runs; /* of Run */
  StoreDatabase *db;
  GHashTable    *rest; /* account id -> message ids, or NULL */
  guint          running;
  gboolean       show_progress;
  gint64         last_progress; /* monotonic µs */
} FetchAll;

static void
run_free (Run *run)
{
  g_clear_object (&run->fetch);
  g_clear_error (&run->error);
  cli_free_password (g_steal_pointer (&run->typed_password));
  cli_free_password (g_steal_pointer (&run->first_password));
  g_free (run);
}

static void
print_progress (FetchAll *all, gboolean force)
{
  gint64   now = g_get_monotonic_time ();
  GString *line;

  if (!all->show_progress || (!force && now - all->last_progress < 100000))
    return;
  all->last_progress = now;

  line = g_string_new ("\r");
  for (guint i = 0; i < all->runs->len; i++)
    {
      Run             *run = all->runs->pdata[i];
      g_autofree char *done =
          g_format_size (engine_fetch_get_bytes_done (run->fetch));
      g_autofree char *total =
          g_format_size (engine_fetch_get_bytes_total (run->fetch));

      if (i > 0)
        g_string_append (line, "  ");
      /* Translators: account name, messages done and to do, then sizes. */
      g_string_append_printf (line, _ ("%s: %u of %u (%s of %s)"),
                              engine_fetch_get_account (run->fetch)->name,
                              engine_fetch_get_messages_done (run->fetch),
                              engine_fetch_get_messages_total (run->fetch),
                              done, total);
    }
  g_string_append (line, "\033[K");
  g_printerr ("%s", line->str);
  g_string_free (line, TRUE);
}

static void
progress_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  print_progress (user_data, FALSE);
}

static void
fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FetchAll *all = user_data;
  Run      *run = NULL;

  for (guint i = 0; i < all->runs->len; i++)
    if (((Run *) all->runs->pdata[i])->fetch == ENGINE_FETCH (source))
      run = all->runs->pdata[i];

  engine_fetch_run_finish (run->fetch, result, &run->error);
  all->running--;
  g_main_context_wakeup (NULL);
}

/* A certificate that does not validate is refused, never accepted
 * silently (DESIGN.md invariant 7): the user sees its fingerprint and
 * the command that pins it. */
static gboolean
refuse_certificate (GTlsCertificate     *certificate,
                    GTlsCertificateFlags errors,
                    const char          *sha256,
                    gpointer             user_data)
{
  const char *name = user_data;

  g_printerr (_ ("pigeon-cli: %s: the server's certificate is not trusted; "
                 "its SHA-256 fingerprint is %s. If you trust it: "
                 "pigeon-cli account edit %s --pin-certificate %s\n"),
              name, sha256, name, sha256);
  return FALSE;
}

/* The password from stdin, else the keyring's. */
static char *
find_password (const StoreAccount *account,
               const char         *from_stdin,
               GError            **error)
{
  GAsyncResult            *slot = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  char                    *secret;
  char                    *password;

  if (from_stdin != NULL)
    return g_strdup (from_stdin);

  engine_secret_lookup_async (account->uuid, NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  secret = engine_secret_lookup_finish (result, error);
  if (secret == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_NO_PASSWORD,
                     _ ("%s has no password in the keyring; give it with "
                        "--password-stdin"),
                     account->name);
      return NULL;
    }

  password = g_strdup (secret);
  engine_secret_free (secret);
  return password;
}

/* On a terminal, a password the keyring lacks or the server refused is
 * asked for; an empty answer gives up. */
#define MAX_PASSWORD_PROMPTS 3

static char *
ask_password (const StoreAccount *account)
{
  g_autofree char   *prompt = NULL;
  g_autoptr (GError) error = NULL;
  char              *password;

  /* Translators: the account's name, then its user name and server. */
  prompt = g_strdup_printf (_ ("Password for %s (%s@%s): "), account->name,
                            account->user_name, account->host);
  password = cli_read_password (prompt, &error);
  /* An empty answer (or the end of input) gives up, quietly. */
  if (password == NULL &&
      !g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED))
    cli_fail (error);
  return password;
}

/* The password worked: the keyring keeps it for the next fetch. */
static void
keep_typed_password (Run *run)
{
  const StoreAccount      *account = engine_fetch_get_account (run->fetch);
  GAsyncResult            *slot = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;

  engine_secret_store_async (account->uuid, account->user_name, account->host,
                             run->typed_password, NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  if (!engine_secret_store_finish (result, &error))
    /* Translators: the account's name, then why the keyring refused. */
    g_printerr (_ ("pigeon-cli: %s: the password worked, but the keyring "
                   "did not keep it: %s\n"),
                account->name, error->message);
  cli_free_password (g_steal_pointer (&run->typed_password));
}

static void
start_run (FetchAll *all, Run *run, const char *password)
{
  const StoreAccount *account = run->account;

  g_clear_object (&run->fetch);
  g_clear_error (&run->error);
  run->fetch = engine_fetch_new (all->db, account, password);
  engine_fetch_set_certificate_func (run->fetch, refuse_certificate,
                                     g_strdup (account->name), g_free);
  if (all->rest != NULL)
    engine_fetch_set_complete (run->fetch,
                               g_hash_table_lookup (all->rest, &account->id));
  g_signal_connect (run->fetch, "notify::messages-done",
                    G_CALLBACK (progress_cb), all);
  all->running++;
  engine_fetch_run_async (run->fetch, NULL, fetched_cb, all);
}

static void
wait_for_runs (FetchAll *all)
{
  while (all->running > 0)
    g_main_context_iteration (NULL, TRUE);
  if (all->show_progress && all->runs->len > 0)
    g_printerr ("\r\033[K");
}

/* The server refused the password ([AUTH], or a bare -ERR to PASS): on a
 * terminal, ask again and fetch that account again. */
static void
retry_refused_passwords (FetchAll *all)
{
  for (guint i = 0; i < all->runs->len; i++)
    {
      Run *run = all->runs->pdata[i];

      for (guint attempt = 0;
           attempt < MAX_PASSWORD_PROMPTS &&
           g_error_matches (run->error, POP3_ERROR, POP3_ERROR_AUTH_FAILED);
           attempt++)
        {
          char *password;

          cli_fail (run->error);
          password = ask_password (run->account);
          if (password == NULL)
            {
              run->reported = TRUE;
              break;
            }
          cli_free_password (g_steal_pointer (&run->typed_password));
          run->typed_password = password;
          start_run (all, run, password);
          wait_for_runs (all);
        }
    }
}

static GPtrArray *
accounts_to_fetch (StoreDatabase *db, GStrv names, GError **error)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) chosen =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_account_free);

  if (names != NULL)
    {
      for (guint i = 0; names[i] != NULL; i++)
        {
          StoreAccount *account =
              store_database_find_account (db, names[i], error);
          gboolean named_before = FALSE;

          if (account == NULL)
            return NULL;
          /* Named twice (names match in any case), fetched once: a
           * second fetch of it would be refused as running already. */
          for (guint j = 0; j < chosen->len && !named_before; j++)
            named_before =
                ((StoreAccount *) chosen->pdata[j])->id == account->id;
          if (named_before)
            store_account_free (account);
          else
            g_ptr_array_add (chosen, account);
        }
      return g_steal_pointer (&chosen);
    }

  accounts = store_database_list_accounts (db, error);
  if (accounts == NULL)
    return NULL;
  for (guint i = 0; i < accounts->len; i++)
    {
      StoreAccount *account = accounts->pdata[i];

      if (account->enabled)
        g_ptr_array_add (chosen, store_account_copy (account));
    }
  return g_steal_pointer (&chosen);
}

/* --rest: each message must be one fetched as headers only. Returns
 * account id -> GArray of its message ids. */
static GHashTable *
group_rest_by_account (StoreDatabase *db, GStrv rest, GError **error)
{
  g_autoptr (GHashTable) by_account = g_hash_table_new_full (
      g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr (GArray) ids =
      cli_parse_ids ((int) g_strv_length (rest), rest, error);

  if (ids == NULL)
    return NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64                      id = g_array_index (ids, gint64, i);
      g_autoptr (StoreMessageRow) row = cli_get_message (db, id, error);
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      GArray          *of_account;

      if (row == NULL)
        return NULL;
      if (row->account_id == 0)
        {
          /* Translators: %s is a message ID, a number. */
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("Message %s was not fetched from a server, so it "
                          "has no rest to download"),
                       text);
          return NULL;
        }
      if ((row->status & STORE_MESSAGE_STATUS_PARTIAL) == 0)
        {
          /* Translators: %s is a message ID, a number. */
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("Message %s was downloaded whole already"), text);
          return NULL;
        }

      of_account = g_hash_table_lookup (by_account, &row->account_id);
      if (of_account == NULL)
        {
          of_account = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (by_account,
                               g_memdup2 (&row->account_id, sizeof (gint64)),
                               of_account);
        }
      g_array_append_val (of_account, id);
    }
  return g_steal_pointer (&by_account);
}

static GPtrArray *
accounts_of_rest (StoreDatabase *db, GHashTable *rest, GError **error)
{
  g_autoptr (GPtrArray) accounts =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_account_free);
  GHashTableIter iter;
  gpointer       key;

  g_hash_table_iter_init (&iter, rest);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      StoreAccount *account =
          store_database_get_account (db, *(gint64 *) key, error);

      if (account == NULL)
        return NULL;
      g_ptr_array_add (accounts, account);
    }
  return g_steal_pointer (&accounts);
}

static void
print_summary (Run *run, gboolean rest_asked)
{
  const char *name = engine_fetch_get_account (run->fetch)->name;
  guint       completed = engine_fetch_get_completed (run->fetch);

  /* Translators: the account's name, then counts of messages. */
  g_print (_ ("%s: %u new, %u kept on server, %u deleted from server\n"), name,
           engine_fetch_get_stored (run->fetch),
           engine_fetch_get_kept (run->fetch),
           engine_fetch_get_deleted (run->fetch));
  if (!rest_asked)
    return;
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        /* Translators: the account's name, then a count of
                         * messages that had come as headers only. */
                        "%s: the rest of %u message downloaded\n",
                        "%s: the rest of %u messages downloaded\n", completed),
           name, completed);
}

/**
 * cli_fetch:
 *
 * `pigeon-cli fetch [--account NAME]... [--rest ID]... [--password-stdin]`:
 * fetches the named accounts (else every enabled one, or with --rest the
 * accounts of those messages) at once, with progress on a terminal and
 * one summary line per account.
 */
int
cli_fetch (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GPtrArray)      accounts = NULL;
  g_autoptr (GError)         error = NULL;
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) rest = NULL;
  g_autoptr (GHashTable) rest_by_account = NULL;
  g_autofree char       *stdin_password = NULL;
  gboolean               password_stdin = FALSE;
  gboolean               interactive;
  FetchAll               all = { 0 };
  int                    status = CLI_EXIT_OK;
  const GOptionEntry     entries[] = {
        { "account", 0, 0, G_OPTION_ARG_STRING_ARRAY, &names,
          N_ ("Fetch this account (repeat for more; default: every enabled "
                  "one)"),
          N_ ("NAME") },
        { "rest", 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest,
          N_ ("Also download the rest of this message, fetched as headers only "
                  "(repeat for more)"),
          N_ ("ID") },
        { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
          N_ ("Read the password from stdin, for this run only (one account)"),
          NULL },
        { NULL },
  };

  context = cli_option_context_new (
      "fetch", NULL,
      _ ("Downloads new mail into each account's Inbox, then deletes on the "
         "server what the account's policy lets go, only once the mail is "
         "safe on the disk. Prints “NAME: N new, N kept on server, N "
         "deleted from server” for each. Messages over an account's size "
         "limit come as headers only; --rest downloads the rest of them."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("fetch takes options only, not “%s”"), argv[1]);
      return cli_fail (error);
    }

  if (rest != NULL && names != NULL)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("--rest fetches the accounts of its messages; "
                              "leave out --account"));
      return cli_fail (error);
    }

  db = cli_open_store (&error);
  if (db == NULL)
    return cli_fail (error);
  if (rest != NULL)
    {
      rest_by_account = group_rest_by_account (db, rest, &error);
      if (rest_by_account == NULL ||
          (accounts = accounts_of_rest (db, rest_by_account, &error)) == NULL)
        return cli_fail (error);
    }
  else if ((accounts = accounts_to_fetch (db, names, &error)) == NULL)
    return cli_fail (error);
  if (accounts->len == 0)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("There is no account to fetch; add one with "
                              "pigeon-cli account add"));
      return cli_fail (error);
    }
  if (password_stdin)
    {
      if (accounts->len != 1)
        {
          g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _ ("--password-stdin is for one account: "
                                  "name it with --account"));
          return cli_fail (error);
        }
      stdin_password = cli_read_password (_ ("Password: "), &error);
      if (stdin_password == NULL)
        return cli_fail (error);
    }

  interactive = !password_stdin && isatty (STDIN_FILENO);
  all.runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  all.db = db;
  all.rest = rest_by_account;
  all.show_progress = cli_stderr_is_terminal ();
  /* Every password first, typed ones included: a fetch started before a
   * prompt would stall (and time out) while the user types. */
  for (guint i = 0; i < accounts->len; i++)
    {
      StoreAccount *account = accounts->pdata[i];
      Run          *run = g_new0 (Run, 1);

      run->account = account;
      run->first_password = find_password (account, stdin_password, &error);
      if (run->first_password == NULL && interactive &&
          (g_error_matches (error, ENGINE_ERROR, ENGINE_ERROR_NO_PASSWORD) ||
           g_error_matches (error, ENGINE_ERROR,
                            ENGINE_ERROR_SECRETS_UNAVAILABLE) ||
           g_error_matches (error, ENGINE_ERROR, ENGINE_ERROR_SECRETS_LOCKED)))
        {
          /* Without a keyring (over SSH, say) the password is asked for
           * each run; keeping it then fails, and says so. */
          if (!g_error_matches (error, ENGINE_ERROR, ENGINE_ERROR_NO_PASSWORD))
            cli_fail (error);
          g_clear_error (&error);
          run->typed_password = ask_password (account);
          if (run->typed_password != NULL)
            run->first_password = g_strdup (run->typed_password);
          else
            g_set_error (&error, ENGINE_ERROR, ENGINE_ERROR_NO_PASSWORD,
                         _ ("%s: no password was given"), account->name);
        }
      if (run->first_password == NULL)
        {
          status = cli_fail (error);
          g_clear_error (&error);
          run_free (run);
          continue;
        }
      g_ptr_array_add (all.runs, run);
    }
  cli_free_password (g_steal_pointer (&stdin_password));

  for (guint i = 0; i < all.runs->len; i++)
    {
      Run *run = all.runs->pdata[i];

      start_run (&all, run, run->first_password);
      cli_free_password (g_steal_pointer (&run->first_password));
    }

  wait_for_runs (&all);
  if (interactive)
    retry_refused_passwords (&all);

  for (guint i = 0; i < all.runs->len; i++)
    {
      Run *run = all.runs->pdata[i];

      if (run->error != NULL)
        {
          int run_status = run->reported
                               ? (int) cli_error_exit_status (run->error)
                               : cli_fail (run->error);

          if (status == CLI_EXIT_OK)
            status = run_status;
          /* What arrived before the failure is stored, and said so. */
          if (engine_fetch_get_stored (run->fetch) == 0 &&
              engine_fetch_get_completed (run->fetch) == 0)
            continue;
        }
      if (run->error == NULL && run->typed_password != NULL)
        keep_typed_password (run);
      print_summary (run, rest_by_account != NULL);
    }

  g_ptr_array_unref (all.runs);
  return status;
}
