/* cli-account.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-account.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli-common.h"
#include "cli-json.h"
#include "engine-account.h"
#include "engine-secret.h"

/* Longer than any password or token anyone types or pastes. */
#define MAX_PASSWORD_BYTES (16 * 1024)

/**
 * cli_read_password:
 * @prompt: (nullable): asked on the terminal when stdin is one, with echo
 *   off; %NULL to read silently
 *
 * Reads one line from stdin: the password, without its line end. It is
 * never an argument (the process list would show it, DESIGN.md
 * invariant 6).
 *
 * Returns: (transfer full): the password, to free with
 *   cli_free_password(), or %NULL with @error set
 */
char *
cli_read_password (const char *prompt, GError **error)
{
  g_autofree char *line = g_malloc0 (MAX_PASSWORD_BYTES + 2);
  gboolean         terminal = isatty (STDIN_FILENO);
  struct termios   saved;
  gboolean         echo_off = FALSE;
  gsize            len;
  char            *password;

  if (terminal && prompt != NULL)
    {
      struct termios quiet;

      /* Echo goes off before the prompt shows, so that nothing typed
       * after the prompt is echoed; and without flushing, so that
       * nothing typed is lost. */
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSANOW, &quiet) == 0;
        }
      g_printerr ("%s", prompt);
    }

  if (fgets (line, MAX_PASSWORD_BYTES + 2, stdin) == NULL)
    line[0] = '\0';
  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }

  len = strlen (line);
  if (len > MAX_PASSWORD_BYTES)
    {
      memset (line, 0, len);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("The password on stdin is longer than %d bytes"),
                   MAX_PASSWORD_BYTES);
      return NULL;
    }
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  if (len == 0)
    {
      /* G_OPTION_ERROR_FAILED: nothing was given (a prompt's user gave
       * up), not a wrong value. */
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _ ("No password on stdin"));
      return NULL;
    }

  password = g_strdup (line);
  memset (line, 0, len);
  return password;
}

void
cli_free_password (char *password)
{
  if (password == NULL)
    return;

  memset (password, 0, strlen (password));
  g_free (password);
}

/* The options that add and edit share; unset ones keep the account's. */
typedef struct
{
  char    *name;
  char    *email;
  char    *host;
  int      port;
  char    *security;
  char    *user;
  char    *auth;
  gboolean password_stdin;
  gboolean keep_on_server;
  gboolean delete_from_server;
  int      delete_after_days;
  gboolean delete_when_deleted_locally;
  gboolean keep_when_deleted_locally;
  int      size_limit;
  char    *ca_file;
  char    *pin;
  gboolean no_pin;
  gboolean allow_insecure_auth;
  gboolean no_insecure_auth;
  int      check_interval;
  gboolean enable;
  gboolean disable;
} AccountOptions;

static void
account_options_clear (AccountOptions *options)
{
  g_free (options->name);
  g_free (options->email);
  g_free (options->host);
  g_free (options->security);
  g_free (options->user);
  g_free (options->auth);
  g_free (options->ca_file);
  g_free (options->pin);
}

#define OPTION(long_name, type, field, description, arg)                       \
  {                                                                            \
    long_name, 0, 0, type, &options->field, description, arg                   \
  }

static GOptionEntry *
account_option_entries (AccountOptions *options, gboolean editing)
{
  const GOptionEntry entries[] = {
    OPTION ("name", G_OPTION_ARG_STRING, name,
            editing ? N_ ("A new name for the account")
                    : N_ ("The account's name, e.g. Work"),
            N_ ("NAME")),
    OPTION ("email", G_OPTION_ARG_STRING, email, N_ ("The email address"),
            N_ ("ADDR")),
    OPTION ("host", G_OPTION_ARG_STRING, host, N_ ("The POP3 server"),
            N_ ("HOST")),
    OPTION ("port", G_OPTION_ARG_INT, port,
            N_ ("Its port (995 with tls, 110 otherwise)"), N_ ("PORT")),
    OPTION ("security", G_OPTION_ARG_STRING, security,
            N_ ("tls (the default), starttls or none"), N_ ("MODE")),
    OPTION ("user", G_OPTION_ARG_STRING, user, N_ ("The user name"),
            N_ ("USER")),
    OPTION ("auth", G_OPTION_ARG_STRING, auth,
            N_ ("automatic (the default), user, apop, plain, login, "
                "cram-md5, xoauth2 or oauthbearer"),
            N_ ("MECHANISM")),
    OPTION ("password-stdin", G_OPTION_ARG_NONE, password_stdin,
            N_ ("Read the password from stdin and keep it in the keyring"),
            NULL),
    OPTION ("keep-on-server", G_OPTION_ARG_NONE, keep_on_server,
            N_ ("Keep copies of the messages on the server"), NULL),
    OPTION ("delete-from-server", G_OPTION_ARG_NONE, delete_from_server,
            N_ ("Delete messages from the server once downloaded (the "
                "default)"),
            NULL),
    OPTION ("delete-after-days", G_OPTION_ARG_INT, delete_after_days,
            N_ ("With --keep-on-server: delete copies N days after they "
                "were downloaded (0: keep them for ever)"),
            N_ ("N")),
    OPTION ("delete-when-deleted-locally", G_OPTION_ARG_NONE,
            delete_when_deleted_locally,
            N_ ("With --keep-on-server: delete a copy once its message is "
                "deleted here"),
            NULL),
    OPTION ("keep-when-deleted-locally", G_OPTION_ARG_NONE,
            keep_when_deleted_locally,
            N_ ("Keep the copy when its message is deleted here (the "
                "default)"),
            NULL),
    OPTION ("size-limit", G_OPTION_ARG_INT, size_limit,
            N_ ("Download only the headers of messages over this size (0: "
                "no limit)"),
            N_ ("KB")),
    OPTION ("ca-file", G_OPTION_ARG_FILENAME, ca_file,
            N_ ("Trust the certificate authorities in this PEM file"),
            N_ ("PEM")),
    OPTION ("pin-certificate", G_OPTION_ARG_STRING, pin,
            N_ ("Accept exactly the certificate with this SHA-256 "
                "fingerprint"),
            N_ ("SHA256")),
    OPTION ("no-pin", G_OPTION_ARG_NONE, no_pin,
            N_ ("Forget the pinned certificate and CA file"), NULL),
    OPTION ("allow-insecure-auth", G_OPTION_ARG_NONE, allow_insecure_auth,
            N_ ("Allow sending the password unencrypted"), NULL),
    OPTION ("no-insecure-auth", G_OPTION_ARG_NONE, no_insecure_auth,
            N_ ("Never send the password unencrypted (the default)"), NULL),
    OPTION ("check-interval", G_OPTION_ARG_INT, check_interval,
            N_ ("Minutes between checks in Pigeon (10; 0: only when "
                "asked)"),
            N_ ("MINUTES")),
    OPTION ("enable", G_OPTION_ARG_NONE, enable,
            N_ ("Check this account (the default)"), NULL),
    OPTION ("disable", G_OPTION_ARG_NONE, disable,
            N_ ("Do not check this account"), NULL),
    { NULL },
  };

  return g_memdup2 (entries, sizeof entries);
}

static void
replace (char **field, const char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = *value != '\0' ? g_strdup (value) : NULL;
}

static gboolean
check_range (int value, int max, const char *option, GError **error)
{
  if (value >= -1 && value <= max)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _ ("%s must be a number from 0 to %d"), option, max);
  return FALSE;
}

/* Applies what the command line set to @account; the engine checks the
 * result as a whole. */
static gboolean
apply_options (const AccountOptions *options,
               StoreAccount         *account,
               GError              **error)
{
  const struct
  {
    gboolean    given;
    const char *first;
    const char *second;
  } contradictions[] = {
    { options->keep_on_server && options->delete_from_server,
      "--keep-on-server", "--delete-from-server" },
    { options->delete_when_deleted_locally &&
          options->keep_when_deleted_locally,
      "--delete-when-deleted-locally", "--keep-when-deleted-locally" },
    { options->allow_insecure_auth && options->no_insecure_auth,
      "--allow-insecure-auth", "--no-insecure-auth" },
    { options->enable && options->disable, "--enable", "--disable" },
    { options->no_pin && options->pin != NULL, "--no-pin",
      "--pin-certificate" },
    { options->no_pin && options->ca_file != NULL, "--no-pin", "--ca-file" },
    /* A pinned certificate is trusted instead of any CA. */
    { options->pin != NULL && options->ca_file != NULL, "--pin-certificate",
      "--ca-file" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (contradictions); i++)
    if (contradictions[i].given)
      {
        /* Translators: two command-line options, such as --enable and
         * --disable. */
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _ ("%s and %s contradict each other: give one"),
                     contradictions[i].first, contradictions[i].second);
        return FALSE;
      }
  if (!check_range (options->port, 65535, "--port", error) ||
      !check_range (options->delete_after_days,
                    ENGINE_ACCOUNT_MAX_DELETE_AFTER_DAYS, "--delete-after-days",
                    error) ||
      !check_range (options->size_limit, ENGINE_ACCOUNT_MAX_SIZE_LIMIT,
                    "--size-limit", error) ||
      !check_range (options->check_interval, ENGINE_ACCOUNT_MAX_CHECK_INTERVAL,
                    "--check-interval", error))
    return FALSE;

  replace (&account->name, options->name);
  replace (&account->email, options->email);
  replace (&account->host, options->host);
  replace (&account->security, options->security);
  replace (&account->user_name, options->user);
  replace (&account->auth, options->auth);
  if (options->port >= 0)
    account->port = (guint16) options->port;
  if (options->keep_on_server)
    account->keep_on_server = TRUE;
  if (options->delete_from_server)
    {
      account->keep_on_server = FALSE;
      account->delete_after_days = 0;
      account->delete_when_deleted_locally = FALSE;
    }
  if (options->delete_after_days >= 0)
    account->delete_after_days = (guint) options->delete_after_days;
  if (options->delete_when_deleted_locally)
    account->delete_when_deleted_locally = TRUE;
  if (options->keep_when_deleted_locally)
    account->delete_when_deleted_locally = FALSE;
  if (options->size_limit >= 0)
    account->size_limit = (guint) options->size_limit;
  if (options->no_pin)
    {
      g_clear_pointer (&account->pinned_certificate, g_free);
      g_clear_pointer (&account->ca_file, g_free);
    }
  if (options->pin != NULL)
    {
      replace (&account->pinned_certificate, options->pin);
      g_clear_pointer (&account->ca_file, g_free);
    }
  if (options->ca_file != NULL)
    {
      g_autofree char *absolute =
          g_canonicalize_filename (options->ca_file, NULL);

      replace (&account->ca_file, absolute);
      g_clear_pointer (&account->pinned_certificate, g_free);
    }
  if (options->allow_insecure_auth)
    account->allow_insecure_auth = TRUE;
  if (options->no_insecure_auth)
    account->allow_insecure_auth = FALSE;
  if (options->check_interval >= 0)
    account->check_interval = (guint) options->check_interval;
  if (options->enable)
    account->enabled = TRUE;
  if (options->disable)
    account->enabled = FALSE;
  return TRUE;
}

static GOptionContext *
account_context (const char     *action,
                 const char     *parameters,
                 const char     *summary,
                 AccountOptions *options,
                 gboolean        editing)
{
  g_autofree GOptionEntry *entries = account_option_entries (options, editing);
  g_autofree char         *command = g_strdup_printf ("account %s", action);

  options->port = -1;
  options->delete_after_days = -1;
  options->size_limit = -1;
  options->check_interval = -1;
  return cli_option_context_new (command, parameters, summary, entries);
}

static int
account_add (int argc, char **argv)
{
  AccountOptions             options = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (StoreAccount)   account = store_account_new ();
  g_autoptr (GAsyncResult)   result = NULL;
  g_autoptr (GError)         error = NULL;
  g_autofree char           *password = NULL;
  GAsyncResult              *slot = NULL;
  gint64                     id;

  context = account_context (
      "add", NULL,
      _ ("Adds a POP3 account. The password goes to the keyring (GNOME "
         "Keyring, KWallet), never to a file; without --password-stdin it "
         "is asked for on a terminal, or given at each fetch."),
      &options, FALSE);
  if (!cli_option_context_parse (context, &argc, &argv, &error) ||
      !apply_options (&options, account, &error))
    {
      account_options_clear (&options);
      return cli_fail (error);
    }

  if (argc > 1)
    {
      account_options_clear (&options);
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("account add takes options only, not “%s”"), argv[1]);
      return cli_fail (error);
    }
  if (options.port < 0 && g_strcmp0 (account->security, "tls") != 0)
    account->port = 110;

  /* Checked before the password is asked for. */
  if (!engine_account_validate (account, &error))
    {
      account_options_clear (&options);
      return cli_fail (error);
    }

  if (options.password_stdin || isatty (STDIN_FILENO))
    {
      g_autofree char *prompt = g_strdup_printf (
          _ ("Password for %s at %s: "), account->user_name, account->host);

      password = cli_read_password (prompt, &error);
      if (password == NULL)
        {
          account_options_clear (&options);
          return cli_fail (error);
        }
    }
  account_options_clear (&options);

  db = cli_open_store (&error);
  if (db == NULL)
    {
      cli_free_password (g_steal_pointer (&password));
      return cli_fail (error);
    }

  engine_account_add_async (db, account, password, NULL, cli_async_done, &slot);
  cli_free_password (g_steal_pointer (&password));
  result = cli_async_wait (&slot);
  id = engine_account_add_finish (result, &error);
  if (id < 0)
    return cli_fail (error);

  if (!options.password_stdin && !isatty (STDIN_FILENO))
    g_printerr (_ ("pigeon-cli: no password kept for %s; give it with "
                   "fetch --password-stdin\n"),
                account->name);
  return CLI_EXIT_OK;
}

static int
account_edit (int argc, char **argv)
{
  AccountOptions             options = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (StoreAccount)   account = NULL;
  g_autoptr (GAsyncResult)   result = NULL;
  g_autoptr (GAsyncResult)   secret_result = NULL;
  g_autoptr (GError)         error = NULL;
  GAsyncResult              *slot = NULL;
  g_autofree char           *password = NULL;

  context = account_context (
      "edit", _ ("NAME"),
      _ ("Changes an account's settings; what is not given stays. "
         "--password-stdin replaces its password in the keyring."),
      &options, TRUE);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    {
      account_options_clear (&options);
      return cli_fail (error);
    }
  if (argc != 2)
    {
      account_options_clear (&options);
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("account edit takes one account's NAME"));
      return cli_fail (error);
    }

  db = cli_open_store (&error);
  if (db == NULL ||
      (account = store_database_find_account (db, argv[1], &error)) == NULL ||
      !apply_options (&options, account, &error) ||
      !engine_account_validate (account, &error))
    {
      account_options_clear (&options);
      return cli_fail (error);
    }

  if (options.password_stdin)
    {
      password = cli_read_password (_ ("New password: "), &error);
      if (password == NULL)
        {
          account_options_clear (&options);
          return cli_fail (error);
        }
    }
  account_options_clear (&options);

  store_database_save_account_async (db, account, NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  if (store_database_save_account_finish (db, result, &error) < 0)
    {
      cli_free_password (g_steal_pointer (&password));
      return cli_fail (error);
    }

  if (password != NULL)
    {
      engine_secret_store_async (account->uuid, account->user_name,
                                 account->host, password, NULL, cli_async_done,
                                 &slot);
      cli_free_password (g_steal_pointer (&password));
      secret_result = cli_async_wait (&slot);
      if (!engine_secret_store_finish (secret_result, &error))
        return cli_fail (error);
    }
  return CLI_EXIT_OK;
}

static char *
policy_text (const StoreAccount *account)
{
  g_autofree char *days = NULL;

  if (!account->keep_on_server)
    return g_strdup (_ ("delete from server after download"));
  if (account->delete_after_days == 0)
    return g_strdup (account->delete_when_deleted_locally
                         ? _ ("keep on server until deleted here")
                         : _ ("keep on server"));

  days = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "keep on server for %u day",
                   "keep on server for %u days", account->delete_after_days),
      account->delete_after_days);
  if (!account->delete_when_deleted_locally)
    return g_steal_pointer (&days);
  /* Translators: %s is "keep on server for N days". */
  return g_strdup_printf (_ ("%s, or until deleted here"), days);
}

static void
print_account_json (CliJson *json, const StoreAccount *account)
{
  cli_json_begin_object (json);
  cli_json_member (json, "name");
  cli_json_string (json, account->name);
  cli_json_member (json, "email");
  cli_json_string (json, account->email);
  cli_json_member (json, "host");
  cli_json_string (json, account->host);
  cli_json_member (json, "port");
  cli_json_int (json, account->port);
  cli_json_member (json, "security");
  cli_json_string (json, account->security);
  cli_json_member (json, "user");
  cli_json_string (json, account->user_name);
  cli_json_member (json, "auth");
  cli_json_string (json, account->auth);
  cli_json_member (json, "allow_insecure_auth");
  cli_json_boolean (json, account->allow_insecure_auth);
  cli_json_member (json, "pinned_certificate");
  cli_json_string (json, account->pinned_certificate);
  cli_json_member (json, "ca_file");
  cli_json_string (json, account->ca_file);
  cli_json_member (json, "keep_on_server");
  cli_json_boolean (json, account->keep_on_server);
  cli_json_member (json, "delete_after_days");
  cli_json_int (json, account->delete_after_days);
  cli_json_member (json, "delete_when_deleted_locally");
  cli_json_boolean (json, account->delete_when_deleted_locally);
  cli_json_member (json, "size_limit_kb");
  cli_json_int (json, account->size_limit);
  cli_json_member (json, "check_interval_minutes");
  cli_json_int (json, account->check_interval);
  cli_json_member (json, "enabled");
  cli_json_boolean (json, account->enabled);
  cli_json_member (json, "last_fetch");
  if (account->last_fetch > 0)
    {
      g_autoptr (GDateTime) when =
          g_date_time_new_from_unix_utc (account->last_fetch);
      g_autofree char *text = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");

      cli_json_string (json, text);
    }
  else
    cli_json_null (json);
  cli_json_end_object (json);
}

static int
account_list (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GPtrArray)      accounts = NULL;
  g_autoptr (GError)         error = NULL;
  gboolean                   as_json = FALSE;
  const GOptionEntry         entries[] = {
            { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print one JSON document"),
              NULL },
            { NULL },
  };

  context = cli_option_context_new (
      "account list", NULL,
      _ ("Lists the accounts and their settings (never their passwords)."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);

  db = cli_open_store (&error);
  if (db == NULL ||
      (accounts = store_database_list_accounts (db, &error)) == NULL)
    return cli_fail (error);

  if (as_json)
    {
      g_autoptr (CliJson) json = cli_json_new ();
      g_autofree char    *text = NULL;

      cli_json_begin_object (json);
      cli_json_member (json, "accounts");
      cli_json_begin_array (json);
      for (guint i = 0; i < accounts->len; i++)
        print_account_json (json, accounts->pdata[i]);
      cli_json_end_array (json);
      cli_json_end_object (json);
      text = cli_json_free_to_string (g_steal_pointer (&json));
      g_print ("%s\n", text);
      return CLI_EXIT_OK;
    }

  for (guint i = 0; i < accounts->len; i++)
    {
      const StoreAccount *account = accounts->pdata[i];
      g_autofree char    *name = cli_printable (account->name, FALSE);
      g_autofree char    *policy = policy_text (account);

      g_print ("%s\t%s\t%s@%s:%u (%s)\t%s%s\n", name, account->email,
               account->user_name, account->host, account->port,
               account->security, policy,
               account->enabled ? "" : _ (", disabled"));
    }
  return CLI_EXIT_OK;
}

static int
account_remove (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (StoreAccount)   account = NULL;
  g_autoptr (GAsyncResult)   result = NULL;
  g_autoptr (GError)         error = NULL;
  GAsyncResult              *slot = NULL;
  gboolean                   delete_mail = FALSE;
  const GOptionEntry         entries[] = {
            { "delete-mail", 0, 0, G_OPTION_ARG_NONE, &delete_mail,
              N_ ("Also delete the account's mail here (by default it moves to "
                          "Archive)"),
              NULL },
            { NULL },
  };

  context = cli_option_context_new (
      "account remove", _ ("NAME"),
      _ ("Removes an account and its password. Its mail moves to Archive "
         "unless --delete-mail is given; the server is not touched."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("account remove takes one account's NAME"));
      return cli_fail (error);
    }

  db = cli_open_store (&error);
  if (db == NULL ||
      (account = store_database_find_account (db, argv[1], &error)) == NULL)
    return cli_fail (error);

  engine_account_remove_async (db, account, !delete_mail, NULL, cli_async_done,
                               &slot);
  result = cli_async_wait (&slot);
  if (!engine_account_remove_finish (result, &error))
    return cli_fail (error);
  return CLI_EXIT_OK;
}

/**
 * cli_account:
 *
 * `pigeon-cli account (add | edit NAME | list | remove NAME) ...`
 */
int
cli_account (int argc, char **argv)
{
  const char        *action = argc > 1 ? argv[1] : "";
  g_autoptr (GError) error = NULL;

  if (strcmp (action, "add") == 0)
    return account_add (argc - 1, argv + 1);
  if (strcmp (action, "edit") == 0)
    return account_edit (argc - 1, argv + 1);
  if (strcmp (action, "list") == 0)
    return account_list (argc - 1, argv + 1);
  if (strcmp (action, "remove") == 0)
    return account_remove (argc - 1, argv + 1);

  g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("account needs add, edit NAME, list or remove NAME "
                          "(see pigeon-cli account add --help)"));
  return cli_fail (error);
}
