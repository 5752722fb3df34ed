/* engine-account.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-account.h"

#include <string.h>

#include "engine-error.h"
#include "engine-secret.h"
#include "store-messages.h"

static const struct
{
  const char  *word;
  Pop3Security security;
} securities[] = {
  { "tls", POP3_SECURITY_TLS },
  { "starttls", POP3_SECURITY_STARTTLS },
  { "none", POP3_SECURITY_NONE },
};

static const struct
{
  const char       *word;
  Pop3AuthMechanism mechanism;
} mechanisms[] = {
  { "automatic", POP3_AUTH_AUTOMATIC },
  { "user", POP3_AUTH_USER },
  { "apop", POP3_AUTH_APOP },
  { "plain", POP3_AUTH_PLAIN },
  { "login", POP3_AUTH_LOGIN },
  { "cram-md5", POP3_AUTH_CRAM_MD5 },
  { "xoauth2", POP3_AUTH_XOAUTH2 },
  { "oauthbearer", POP3_AUTH_OAUTHBEARER },
};

/**
 * engine_security_from_string:
 * @word: "tls", "starttls" or "none", in any case
 *
 * Returns: %TRUE with @security set, or %FALSE for another word
 */
gboolean
engine_security_from_string (const char *word, Pop3Security *security)
{
  for (guint i = 0; word != NULL && i < G_N_ELEMENTS (securities); i++)
    if (g_ascii_strcasecmp (word, securities[i].word) == 0)
      {
        *security = securities[i].security;
        return TRUE;
      }
  return FALSE;
}

const char *
engine_security_to_string (Pop3Security security)
{
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (securities[i].security == security)
      return securities[i].word;
  g_return_val_if_reached ("tls");
}

/**
 * engine_auth_from_string:
 * @word: "automatic" or a mechanism ("user", "apop", "plain", "login",
 *   "cram-md5", "xoauth2", "oauthbearer"), in any case
 *
 * Returns: %TRUE with @mechanism set, or %FALSE for another word
 */
gboolean
engine_auth_from_string (const char *word, Pop3AuthMechanism *mechanism)
{
  for (guint i = 0; word != NULL && i < G_N_ELEMENTS (mechanisms); i++)
    if (g_ascii_strcasecmp (word, mechanisms[i].word) == 0)
      {
        *mechanism = mechanisms[i].mechanism;
        return TRUE;
      }
  return FALSE;
}

const char *
engine_auth_to_string (Pop3AuthMechanism mechanism)
{
  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    if (mechanisms[i].mechanism == mechanism)
      return mechanisms[i].word;
  g_return_val_if_reached ("automatic");
}

/**
 * engine_normalize_fingerprint:
 * @text: a SHA-256 fingerprint: 64 hexadecimal digits, in any case, with
 *   or without colons (or spaces) between the bytes
 *
 * Returns: (transfer full) (nullable): the fingerprint as
 *   pop3_client_set_pinned_certificate() takes it ("AB:CD:…"), or %NULL
 *   if @text is not one
 */
char *
engine_normalize_fingerprint (const char *text)
{
  g_autoptr (GString) hex = g_string_new (NULL);
  GString            *out;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_toupper (*p));
      else if (*p != ':' && *p != ' ')
        return NULL;
    }

  if (hex->len != 64)
    return NULL;

  out = g_string_sized_new (95);
  for (gsize i = 0; i < hex->len; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_len (out, hex->str + i, 2);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_valid_email (const char *email)
{
  const char *at = strchr (email, '@');

  if (at == NULL || at == email || at[1] == '\0' || strchr (at + 1, '@'))
    return FALSE;
  for (const char *p = email; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '<' ||
        *p == '>' || *p == ',')
      return FALSE;
  return g_utf8_validate (email, -1, NULL);
}

static gboolean
is_valid_host (const char *host)
{
  g_autofree char *ascii = NULL;

  if (g_hostname_is_ip_address (host))
    return TRUE;

  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL || *ascii == '\0' || strlen (ascii) > 253)
    return FALSE;

  for (const char *p = ascii; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return ascii[0] != '.' && ascii[0] != '-';
}

static gboolean
fail (GError **error, const char *message)
{
  g_set_error_literal (error, ENGINE_ERROR, ENGINE_ERROR_INVALID_ACCOUNT,
                       message);
  return FALSE;
}

static gboolean
validate_server (StoreAccount *account, GError **error)
{
  Pop3Security      security;
  Pop3AuthMechanism mechanism;

  if (account->host == NULL || *account->host == '\0')
    return fail (error, "The account needs a server name");
  if (!is_valid_host (account->host))
    return fail (error, "The server name is not a host name or an IP "
                        "address");
  if (account->port == 0)
    return fail (error, "The port must be a number from 1 to 65535");
  if (!engine_security_from_string (account->security, &security))
    return fail (error, "The security must be “tls”, “starttls” or “none”");
  if (account->user_name == NULL || *account->user_name == '\0')
    return fail (error, "The account needs a user name");
  if (!engine_auth_from_string (account->auth, &mechanism))
    return fail (error, "The authentication must be “automatic”, “user”, "
                        "“apop”, “plain”, “login”, “cram-md5”, "
                        "“xoauth2” or “oauthbearer”");

  if (security == POP3_SECURITY_NONE && !account->allow_insecure_auth &&
      (mechanism == POP3_AUTH_USER || mechanism == POP3_AUTH_PLAIN ||
       mechanism == POP3_AUTH_LOGIN))
    return fail (error, "Without encryption this authentication sends the "
                        "password in clear text; allow insecure authentication "
                        "or choose TLS");
  if (security == POP3_SECURITY_NONE &&
      (account->pinned_certificate != NULL || account->ca_file != NULL))
    return fail (error, "A certificate needs TLS or STARTTLS");
  if (account->pinned_certificate != NULL && account->ca_file != NULL)
    return fail (error, "Pin a certificate or name a CA file, not both");

  if (account->pinned_certificate != NULL)
    {
      char *normal = engine_normalize_fingerprint (account->pinned_certificate);

      if (normal == NULL)
        return fail (error, "A pinned certificate is given by its SHA-256 "
                            "fingerprint: 64 hexadecimal digits");
      g_free (account->pinned_certificate);
      account->pinned_certificate = normal;
    }

  if (account->ca_file != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      GList             *certificates =
          g_tls_certificate_list_new_from_file (account->ca_file, &local_error);

      if (certificates == NULL)
        {
          g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_INVALID_ACCOUNT,
                       "Cannot use “%s” as CA certificates: %s",
                       account->ca_file,
                       local_error != NULL ? local_error->message
                                           : "it holds no PEM certificate");
          return FALSE;
        }
      g_list_free_full (certificates, g_object_unref);
    }

  return TRUE;
}

static gboolean
validate_policy (const StoreAccount *account, GError **error)
{
  if (account->check_interval > ENGINE_ACCOUNT_MAX_CHECK_INTERVAL)
    return fail (error, "Check at least once a week, or only when asked "
                        "(an interval of 0)");
  if (!account->keep_on_server &&
      (account->delete_after_days > 0 || account->delete_when_deleted_locally))
    return fail (error, "Deleting from the server later needs “keep "
                        "copies on the server”");
  if (account->delete_after_days > ENGINE_ACCOUNT_MAX_DELETE_AFTER_DAYS)
    return fail (error, "Keep copies for at most 36500 days, or for ever "
                        "(0 days)");
  if (account->size_limit > ENGINE_ACCOUNT_MAX_SIZE_LIMIT)
    return fail (error, "The size limit is at most 1048576 KB (1 GB)");
  return TRUE;
}

/**
 * engine_account_validate:
 * @account: an account to store; its pinned fingerprint is normalised in
 *   place
 *
 * Checks what the store cannot: the server, the login and the policy.
 *
 * Returns: %TRUE, or %FALSE with %ENGINE_ERROR_INVALID_ACCOUNT and a
 *   message that names the setting
 */
gboolean
engine_account_validate (StoreAccount *account, GError **error)
{
  g_return_val_if_fail (account != NULL, FALSE);

  if (account->name == NULL || *account->name == '\0')
    return fail (error, "The account needs a name");
  if (account->email == NULL || !is_valid_email (account->email))
    return fail (error, "The email address must look like "
                        "name@example.org");

  return validate_server (account, error) && validate_policy (account, error);
}

typedef struct
{
  StoreDatabase *db;
  StoreAccount  *account;
  gboolean       keep_mail;
  GError        *error; /* the failure to report after undoing */
} AccountTaskData;

static void
account_task_data_free (AccountTaskData *data)
{
  g_clear_object (&data->db);
  g_clear_pointer (&data->account, store_account_free);
  g_clear_error (&data->error);
  g_free (data);
}

static void
add_undone_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccountTaskData  *data = g_task_get_task_data (task);

  /* The account was not stored: its password goes too. A failure to
   * clear it leaves an entry nothing finds, under a uuid never used. */
  engine_secret_clear_finish (result, NULL);
  g_task_return_error (task, g_steal_pointer (&data->error));
}

static void
add_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccountTaskData  *data = g_task_get_task_data (task);
  GError           *error = NULL;
  gint64            id;

  id = store_database_save_account_finish (data->db, result, &error);
  if (id < 0)
    {
      data->error = error;
      engine_secret_clear_async (data->account->uuid, NULL, add_undone_cb,
                                 g_steal_pointer (&task));
      return;
    }

  g_task_return_int (task, id);
}

static void
save_account (GTask *task)
{
  AccountTaskData *data = g_task_get_task_data (task);

  store_database_save_account_async (data->db, data->account, NULL,
                                     add_saved_cb, task);
}

static void
add_secret_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask  *task = user_data;
  GError *error = NULL;

  if (!engine_secret_store_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  save_account (task);
}

/**
 * engine_account_add_async:
 * @db: the store
 * @account: a new account (id 0); checked with engine_account_validate()
 * @password: (nullable): its password, kept in the Secret Service; %NULL
 *   to give one at each fetch
 *
 * Adds an account: the password first, under a new uuid, then the
 * account, so that no stored account ever lacks the password it was
 * given; if the account cannot be stored, its password is cleared.
 */
void
engine_account_add_async (StoreDatabase      *db,
                          const StoreAccount *account,
                          const char         *password,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  GTask           *task = g_task_new (db, cancellable, callback, user_data);
  AccountTaskData *data = g_new0 (AccountTaskData, 1);
  GError          *error = NULL;

  g_task_set_source_tag (task, engine_account_add_async);
  g_task_set_task_data (task, data, (GDestroyNotify) account_task_data_free);
  data->db = g_object_ref (db);
  data->account = store_account_copy (account);
  data->account->id = 0;
  g_free (data->account->uuid);
  data->account->uuid = g_uuid_string_random ();

  if (!engine_account_validate (data->account, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (password == NULL)
    {
      save_account (task);
      return;
    }

  engine_secret_store_async (data->account->uuid, data->account->user_name,
                             data->account->host, password, cancellable,
                             add_secret_stored_cb, task);
}

/**
 * engine_account_add_finish:
 *
 * Returns: the new account's id, or -1 with %ENGINE_ERROR_INVALID_ACCOUNT,
 *   a keyring error (%ENGINE_ERROR_SECRETS_UNAVAILABLE...) or a
 *   #StoreError (%STORE_ERROR_EXISTS: the name is taken)
 */
gint64
engine_account_add_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError           *error = NULL;

  if (!store_database_change_finish (STORE_DATABASE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
remove_secret_cleared_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask           *task = user_data;
  AccountTaskData *data = g_task_get_task_data (task);
  GError          *error = NULL;

  /* Without a Secret Service there is no password to clear (it was
   * given at each fetch); any other failure keeps the account, so its
   * password is not left behind unfound. */
  if (!engine_secret_clear_finish (result, &error) &&
      !g_error_matches (error, ENGINE_ERROR, ENGINE_ERROR_SECRETS_UNAVAILABLE))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_error (&error);

  store_database_remove_account_async (data->db, data->account->id,
                                       data->keep_mail, NULL, removed_cb, task);
}

/**
 * engine_account_remove_async:
 * @keep_mail: move the account's mail to Archive instead of deleting it
 *
 * Removes an account: its password from the Secret Service, then the
 * account and its ledger from the store.
 */
void
engine_account_remove_async (StoreDatabase      *db,
                             const StoreAccount *account,
                             gboolean            keep_mail,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  GTask           *task = g_task_new (db, cancellable, callback, user_data);
  AccountTaskData *data = g_new0 (AccountTaskData, 1);

  g_task_set_source_tag (task, engine_account_remove_async);
  g_task_set_task_data (task, data, (GDestroyNotify) account_task_data_free);
  data->db = g_object_ref (db);
  data->account = store_account_copy (account);
  data->keep_mail = keep_mail;
  engine_secret_clear_async (account->uuid, cancellable,
                             remove_secret_cleared_cb, task);
}

gboolean
engine_account_remove_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
