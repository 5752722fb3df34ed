/* pop3-sasl.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-sasl.h"

#include <string.h>

#include "pop3-error.h"

/**
 * pop3_sasl_base64:
 * @text: a string
 *
 * Returns: (transfer full): @text in base64, as SASL exchanges carry it.
 */
char *
pop3_sasl_base64 (const char *text)
{
  return g_base64_encode ((const guchar *) text, strlen (text));
}

/**
 * pop3_sasl_plain_response:
 * @user: the authentication identity
 * @password: the password
 *
 * RFC 4616: base64 of "" NUL user NUL password (no authorization
 * identity: the server derives it from @user).
 *
 * Returns: (transfer full): the initial response for "AUTH PLAIN".
 */
char *
pop3_sasl_plain_response (const char *user, const char *password)
{
  gsize              user_len = strlen (user);
  gsize              password_len = strlen (password);
  gsize              len = 1 + user_len + 1 + password_len;
  g_autofree guchar *message = g_malloc (len);
  char              *encoded;

  message[0] = '\0';
  memcpy (message + 1, user, user_len);
  message[1 + user_len] = '\0';
  memcpy (message + 2 + user_len, password, password_len);

  encoded = g_base64_encode (message, len);
  /* The password should not linger in freed memory. */
  memset (message, 0, len);
  return encoded;
}

/**
 * pop3_sasl_cram_md5_response:
 * @user: the user name
 * @password: the shared secret
 * @challenge_base64: the server's challenge as it came after "+ "
 * @error: a %POP3_ERROR_PROTOCOL error for a challenge that is not base64
 *   or is empty
 *
 * RFC 2195: base64 of user SP hex(HMAC-MD5(password, challenge)).
 *
 * Returns: (transfer full): the response, or %NULL with @error set.
 */
char *
pop3_sasl_cram_md5_response (const char *user,
                             const char *password,
                             const char *challenge_base64,
                             GError    **error)
{
  g_autofree guchar *challenge = NULL;
  g_autofree char   *reply = NULL;
  g_autoptr (GHmac)  hmac = NULL;
  gsize              challenge_len = 0;

  challenge = g_base64_decode (challenge_base64, &challenge_len);
  if (challenge_len == 0)
    {
      g_set_error_literal (error, POP3_ERROR, POP3_ERROR_PROTOCOL,
                           "the server sent an empty or invalid CRAM-MD5 "
                           "challenge");
      return NULL;
    }

  hmac =
      g_hmac_new (G_CHECKSUM_MD5, (const guchar *) password, strlen (password));
  g_hmac_update (hmac, challenge, challenge_len);
  reply = g_strdup_printf ("%s %s", user, g_hmac_get_string (hmac));
  return pop3_sasl_base64 (reply);
}

/**
 * pop3_sasl_xoauth2_response:
 * @user: the mailbox address
 * @token: an OAuth 2 access token
 *
 * Google's and Microsoft's XOAUTH2: base64 of
 * "user=" user ^A "auth=Bearer " token ^A ^A.
 *
 * Returns: (transfer full): the response to the empty challenge.
 */
char *
pop3_sasl_xoauth2_response (const char *user, const char *token)
{
  g_autofree char *message =
      g_strdup_printf ("user=%s\001auth=Bearer %s\001\001", user, token);

  return pop3_sasl_base64 (message);
}

/**
 * pop3_sasl_oauthbearer_response:
 * @user: the mailbox address
 * @token: an OAuth 2 access token
 *
 * RFC 7628 §3.1: base64 of the GS2 header "n,a=" user "," then
 * ^A "auth=Bearer " token ^A ^A. Commas and "=" in @user are escaped as
 * "=2C" and "=3D" (RFC 5801 saslname).
 *
 * Returns: (transfer full): the initial client response.
 */
char *
pop3_sasl_oauthbearer_response (const char *user, const char *token)
{
  g_autoptr (GString) name = g_string_new (NULL);
  g_autofree char    *message = NULL;

  for (const char *p = user; *p != '\0'; p++)
    {
      if (*p == ',')
        g_string_append (name, "=2C");
      else if (*p == '=')
        g_string_append (name, "=3D");
      else
        g_string_append_c (name, *p);
    }

  message =
      g_strdup_printf ("n,a=%s,\001auth=Bearer %s\001\001", name->str, token);
  return pop3_sasl_base64 (message);
}

/**
 * pop3_apop_digest:
 * @timestamp: the greeting's timestamp, with its angle brackets
 * @password: the shared secret
 *
 * RFC 1939 §7: hex(MD5(timestamp password)), lower case.
 *
 * Returns: (transfer full): the digest for "APOP user digest".
 */
char *
pop3_apop_digest (const char *timestamp, const char *password)
{
  g_autoptr (GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);

  g_checksum_update (md5, (const guchar *) timestamp, strlen (timestamp));
  g_checksum_update (md5, (const guchar *) password, strlen (password));
  return g_strdup (g_checksum_get_string (md5));
}
