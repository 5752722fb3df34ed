/* test-pop3-sasl.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-error.h"
#include "pop3-sasl.h"

static char *
decode (const char *base64)
{
  gsize   len;
  guchar *bytes = g_base64_decode (base64, &len);
  char   *text = g_strndup ((const char *) bytes, len);

  g_free (bytes);
  return text;
}

static void
test_apop_rfc1939 (void)
{
  /* RFC 1939 §7's own example. */
  g_autofree char *digest =
      pop3_apop_digest ("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf");

  g_assert_cmpstr (digest, ==, "c4c9334bac560ecc979e58001b3e22fb");
}

static void
test_cram_md5_rfc2195 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char   *challenge =
      pop3_sasl_base64 ("<1896.697170952@postoffice.reston.mci.net>");
  g_autofree char *response = pop3_sasl_cram_md5_response (
      "tim", "tanstaaftanstaaf", challenge, &error);
  g_autofree char *decoded = NULL;

  /* RFC 2195 §2's own example. */
  g_assert_no_error (error);
  g_assert_cmpstr (response, ==,
                   "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  decoded = decode (response);
  g_assert_cmpstr (decoded, ==, "tim b913a602c7eda7a495b4e6e7334d3890");
}

static void
test_cram_md5_bad_challenge (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char   *response =
      pop3_sasl_cram_md5_response ("tim", "secret", "", &error);

  g_assert_null (response);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
}

static void
test_plain (void)
{
  g_autofree char   *response = pop3_sasl_plain_response ("tim", "tanstaaf");
  gsize              len;
  g_autofree guchar *bytes = g_base64_decode (response, &len);

  /* RFC 4616: NUL authcid NUL passwd, no authzid. */
  g_assert_cmpmem (bytes, len, "\0tim\0tanstaaf", 13);
}

static void
test_xoauth2 (void)
{
  g_autofree char *response =
      pop3_sasl_xoauth2_response ("someuser@example.com", "ya29.vF9dft4q");
  g_autofree char *decoded = decode (response);

  /* Google's documented example. */
  g_assert_cmpstr (decoded, ==,
                   "user=someuser@example.com\001auth=Bearer ya29.vF9dft4q"
                   "\001\001");
}

static void
test_oauthbearer (void)
{
  g_autofree char *response =
      pop3_sasl_oauthbearer_response ("user@example.com", "vF9dft4qmTc2Nvb3");
  g_autofree char *escaped = pop3_sasl_oauthbearer_response ("a,b=c", "t");
  g_autofree char *decoded = decode (response);
  g_autofree char *decoded_escaped = decode (escaped);

  /* RFC 7628 §4.1, without the optional host and port. */
  g_assert_cmpstr (decoded, ==,
                   "n,a=user@example.com,\001auth=Bearer vF9dft4qmTc2Nvb3"
                   "\001\001");
  g_assert_cmpstr (decoded_escaped, ==,
                   "n,a=a=2Cb=3Dc,\001auth=Bearer t\001\001");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pop3/sasl/apop-rfc1939", test_apop_rfc1939);
  g_test_add_func ("/pop3/sasl/cram-md5-rfc2195", test_cram_md5_rfc2195);
  g_test_add_func ("/pop3/sasl/cram-md5-bad-challenge",
                   test_cram_md5_bad_challenge);
  g_test_add_func ("/pop3/sasl/plain", test_plain);
  g_test_add_func ("/pop3/sasl/xoauth2", test_xoauth2);
  g_test_add_func ("/pop3/sasl/oauthbearer", test_oauthbearer);

  return g_test_run ();
}
