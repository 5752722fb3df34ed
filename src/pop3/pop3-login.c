/* pop3-login.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pop3-client-private.h"
#include "pop3-error.h"
#include "pop3-sasl.h"

/* Pop3Client's login: choosing a mechanism the connection may use, and
 * running its exchange (USER/PASS, APOP, SASL). */

/* Logging in --------------------------------------------------------- */

typedef struct
{
  Pop3AuthMechanism mechanism;
  char             *user;
  char             *secret;
} LoginData;

static void
login_data_free (LoginData *data)
{
  if (data->secret != NULL)
    memset (data->secret, 0, strlen (data->secret));
  g_free (data->secret);
  g_free (data->user);
  g_free (data);
}

static const char *
mechanism_name (Pop3AuthMechanism mechanism)
{
  switch (mechanism)
    {
    case POP3_AUTH_USER:
      return "USER";
    case POP3_AUTH_APOP:
      return "APOP";
    case POP3_AUTH_PLAIN:
      return "PLAIN";
    case POP3_AUTH_LOGIN:
      return "LOGIN";
    case POP3_AUTH_CRAM_MD5:
      return "CRAM-MD5";
    case POP3_AUTH_XOAUTH2:
      return "XOAUTH2";
    case POP3_AUTH_OAUTHBEARER:
      return "OAUTHBEARER";
    case POP3_AUTH_AUTOMATIC:
    default:
      return "automatic";
    }
}

/* Whether @mechanism puts the secret itself on the wire. */
static gboolean
mechanism_reveals_secret (Pop3AuthMechanism mechanism)
{
  return mechanism != POP3_AUTH_APOP && mechanism != POP3_AUTH_CRAM_MD5;
}

static gboolean
mechanism_offered (Pop3Client *self, Pop3AuthMechanism mechanism)
{
  const Pop3Capabilities *caps = self->capabilities;

  switch (mechanism)
    {
    case POP3_AUTH_USER:
      /* Without CAPA, USER/PASS is RFC 1939's own and always there. */
      return !self->capa_supported || caps->user;
    case POP3_AUTH_APOP:
      return self->apop_timestamp != NULL;
    case POP3_AUTH_AUTOMATIC:
      return FALSE;
    case POP3_AUTH_PLAIN:
    case POP3_AUTH_LOGIN:
    case POP3_AUTH_CRAM_MD5:
    case POP3_AUTH_XOAUTH2:
    case POP3_AUTH_OAUTHBEARER:
    default:
      return pop3_capabilities_has_sasl (caps, mechanism_name (mechanism));
    }
}

/* The best mechanism the server offers that this connection may use:
 * over TLS, the ones that are simplest and need nothing of the password's
 * form; in clear, only those that do not reveal it. */
static gboolean
choose_mechanism (Pop3Client *self, Pop3AuthMechanism *chosen, GError **error)
{
  static const Pop3AuthMechanism secure_order[] = {
    POP3_AUTH_PLAIN,    POP3_AUTH_LOGIN, POP3_AUTH_USER,
    POP3_AUTH_CRAM_MD5, POP3_AUTH_APOP,
  };
  gboolean may_reveal = self->encrypted || self->allow_insecure_auth;

  for (gsize i = 0; i < G_N_ELEMENTS (secure_order); i++)
    {
      if (!may_reveal && mechanism_reveals_secret (secure_order[i]))
        continue;
      if (mechanism_offered (self, secure_order[i]))
        {
          *chosen = secure_order[i];
          return TRUE;
        }
    }

  if (!may_reveal)
    g_set_error (error, POP3_ERROR, POP3_ERROR_INSECURE_AUTH,
                 "%s offers no way to log in without sending the password "
                 "unencrypted, and this account does not allow that",
                 self->host);
  else
    g_set_error (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED,
                 "%s offers no login method Pigeon knows", self->host);
  return FALSE;
}

static gboolean
on_login_reply (Pop3Client   *self,
                Pop3Exchange *exchange,
                guint         index,
                Pop3Status   *status,
                GByteArray   *body,
                GError      **error)
{
  LoginData   *data = exchange->data;
  gboolean     last = index + 1 == exchange->requests->len;
  Pop3Request *next =
      last ? NULL : g_ptr_array_index (exchange->requests, index + 1);

  if (status->kind == POP3_STATUS_ERR)
    {
      *error = _pop3_error_from_status (status, TRUE, "Login failed");
      return FALSE;
    }

  switch (data->mechanism)
    {
    case POP3_AUTH_USER:
    case POP3_AUTH_APOP:
    case POP3_AUTH_PLAIN:
      if (status->kind != POP3_STATUS_OK)
        {
          *error = _pop3_error_from_status (status, TRUE, "Login failed");
          return FALSE;
        }
      return TRUE;

    case POP3_AUTH_LOGIN:
      /* "+ VXNlcm5hbWU6", "+ UGFzc3dvcmQ6", then "+OK". */
      if ((last && status->kind != POP3_STATUS_OK) ||
          (!last && status->kind != POP3_STATUS_CONTINUE))
        {
          *error = _pop3_error_from_status (status, TRUE, "Login failed");
          return FALSE;
        }
      return TRUE;

    case POP3_AUTH_CRAM_MD5:
      if (index == 0)
        {
          if (status->kind != POP3_STATUS_CONTINUE)
            {
              *error = g_error_new_literal (
                  POP3_ERROR, POP3_ERROR_PROTOCOL,
                  "Login failed: the server sent no CRAM-MD5 challenge");
              return FALSE;
            }
          next->command = pop3_sasl_cram_md5_response (data->user, data->secret,
                                                       status->text, error);
          return next->command != NULL;
        }
      if (status->kind != POP3_STATUS_OK)
        {
          *error = _pop3_error_from_status (status, TRUE, "Login failed");
          return FALSE;
        }
      return TRUE;

    case POP3_AUTH_XOAUTH2:
    case POP3_AUTH_OAUTHBEARER:
      if (index == 0)
        {
          /* Microsoft requires the two-step form: an empty challenge
           * first, the token after it. */
          if (status->kind != POP3_STATUS_CONTINUE)
            {
              *error = _pop3_error_from_status (status, TRUE, "Login failed");
              return FALSE;
            }
          return TRUE;
        }
      if (index == 1 && status->kind == POP3_STATUS_CONTINUE)
        {
          /* The token was refused; the challenge holds the reason, and
           * the exchange must be ended with an empty line (RFC 7628 §3.2.3). */
          next->command = g_strdup ("");
          return TRUE;
        }
      if (status->kind != POP3_STATUS_OK)
        {
          *error = _pop3_error_from_status (status, TRUE, "Login failed");
          return FALSE;
        }
      if (index == 1)
        exchange->stop = TRUE;
      return TRUE;

    case POP3_AUTH_AUTOMATIC:
    default:
      g_assert_not_reached ();
    }
}

static void
on_login_exchange_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoginData        *data = g_task_get_task_data (task);
  GError           *error = NULL;

  if (!_pop3_exchange_finish (POP3_CLIENT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_int (task, data->mechanism);
}

static GPtrArray *
login_requests (Pop3Client *self, LoginData *data)
{
  GPtrArray *requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify) _pop3_request_free);
  g_autofree char *encoded = NULL;

  switch (data->mechanism)
    {
    case POP3_AUTH_USER:
      g_ptr_array_add (
          requests, _pop3_request_new (g_strdup_printf ("USER %s", data->user),
                                       FALSE, FALSE));
      g_ptr_array_add (requests, _pop3_request_new (
                                     g_strdup_printf ("PASS %s", data->secret),
                                     FALSE, TRUE));
      break;

    case POP3_AUTH_APOP:
      encoded = pop3_apop_digest (self->apop_timestamp, data->secret);
      g_ptr_array_add (requests,
                       _pop3_request_new (
                           g_strdup_printf ("APOP %s %s", data->user, encoded),
                           FALSE, TRUE));
      break;

    case POP3_AUTH_PLAIN:
      encoded = pop3_sasl_plain_response (data->user, data->secret);
      g_ptr_array_add (requests, _pop3_request_new (
                                     g_strdup_printf ("AUTH PLAIN %s", encoded),
                                     FALSE, TRUE));
      break;

    case POP3_AUTH_LOGIN:
      g_ptr_array_add (
          requests, _pop3_request_new (g_strdup ("AUTH LOGIN"), FALSE, FALSE));
      g_ptr_array_add (
          requests,
          _pop3_request_new (pop3_sasl_base64 (data->user), FALSE, FALSE));
      g_ptr_array_add (
          requests,
          _pop3_request_new (pop3_sasl_base64 (data->secret), FALSE, TRUE));
      break;

    case POP3_AUTH_CRAM_MD5:
      g_ptr_array_add (requests, _pop3_request_new (g_strdup ("AUTH CRAM-MD5"),
                                                    FALSE, FALSE));
      /* Filled in from the challenge. */
      g_ptr_array_add (requests, _pop3_request_new (NULL, FALSE, TRUE));
      break;

    case POP3_AUTH_XOAUTH2:
    case POP3_AUTH_OAUTHBEARER:
      g_ptr_array_add (
          requests,
          _pop3_request_new (
              g_strdup_printf ("AUTH %s", mechanism_name (data->mechanism)),
              FALSE, FALSE));
      g_ptr_array_add (
          requests,
          _pop3_request_new (
              data->mechanism == POP3_AUTH_XOAUTH2
                  ? pop3_sasl_xoauth2_response (data->user, data->secret)
                  : pop3_sasl_oauthbearer_response (data->user, data->secret),
              FALSE, TRUE));
      /* Only sent when the token is refused (see on_login_reply). */
      g_ptr_array_add (requests, _pop3_request_new (NULL, FALSE, FALSE));
      break;

    case POP3_AUTH_AUTOMATIC:
    default:
      g_assert_not_reached ();
    }

  return requests;
}

/**
 * pop3_client_login_async:
 * @self: a connected #Pop3Client
 * @mechanism: how to log in; %POP3_AUTH_AUTOMATIC picks the best the
 *   server offers
 * @user: the user name
 * @secret: the password, or the OAuth 2 token for XOAUTH2 and OAUTHBEARER
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when logged in, or when it failed
 * @user_data: for @callback
 *
 * Logs in. Over an unencrypted connection a mechanism that sends the
 * secret itself (USER/PASS, PLAIN, LOGIN, the OAuth ones) is refused
 * with %POP3_ERROR_INSECURE_AUTH unless insecure authentication is
 * allowed. Failures keep the server's words and its response code:
 * %POP3_ERROR_AUTH_FAILED, %POP3_ERROR_MAILBOX_IN_USE,
 * %POP3_ERROR_LOGIN_DELAY, %POP3_ERROR_SYS_TEMP, %POP3_ERROR_SYS_PERM.
 */
void
pop3_client_login_async (Pop3Client         *self,
                         Pop3AuthMechanism   mechanism,
                         const char         *user,
                         const char         *secret,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  LoginData        *data;
  GError           *error = NULL;

  g_return_if_fail (POP3_IS_CLIENT (self));
  g_return_if_fail (user != NULL && secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pop3_client_login_async);

  if (!self->connected)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "not connected to the server");
      return;
    }

  if (mechanism == POP3_AUTH_AUTOMATIC &&
      !choose_mechanism (self, &mechanism, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (mechanism_reveals_secret (mechanism) && !self->encrypted &&
      !self->allow_insecure_auth)
    {
      g_task_return_new_error (task, POP3_ERROR, POP3_ERROR_INSECURE_AUTH,
                               "Logging in with %s would send the password "
                               "unencrypted, and this account does not "
                               "allow that",
                               mechanism_name (mechanism));
      return;
    }

  if (!mechanism_offered (self, mechanism))
    {
      g_task_return_new_error (task, POP3_ERROR, POP3_ERROR_UNSUPPORTED,
                               "%s does not offer the %s login method",
                               self->host, mechanism_name (mechanism));
      return;
    }

  data = g_new0 (LoginData, 1);
  data->mechanism = mechanism;
  data->user = g_strdup (user);
  data->secret = g_strdup (secret);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);

  _pop3_exchange_async (self, login_requests (self, data), 1, on_login_reply,
                        data, cancellable, on_login_exchange_cb,
                        g_object_ref (task));
}

gboolean
pop3_client_login_finish (Pop3Client        *self,
                          GAsyncResult      *result,
                          Pop3AuthMechanism *used,
                          GError           **error)
{
  gssize mechanism;

  g_return_val_if_fail (POP3_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  mechanism = g_task_propagate_int (G_TASK (result), error);
  if (mechanism < 0)
    return FALSE;
  if (used != NULL)
    *used = (Pop3AuthMechanism) mechanism;
  return TRUE;
}
