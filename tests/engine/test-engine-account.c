/* test-engine-account.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "engine-account.h"
#include "engine-error.h"
#include "pigeon-test-cert.h"

#define FINGERPRINT                                                            \
  "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

static StoreAccount *
valid_account (void)
{
  StoreAccount *account = store_account_new ();

  account->name = g_strdup ("Work");
  account->email = g_strdup ("jo@example.org");
  account->host = g_strdup ("pop.example.org");
  account->user_name = g_strdup ("jo");
  return account;
}

static void
set_string (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

typedef void (*Mutation) (StoreAccount *account);

#define MUTATION(name, body)                                                   \
  static void name (StoreAccount *a) { body; }

MUTATION (no_name, set_string (&a->name, ""))
MUTATION (bad_email, set_string (&a->email, "jo at example.org"))
MUTATION (two_ats, set_string (&a->email, "jo@x@example.org"))
MUTATION (no_host, set_string (&a->host, ""))
MUTATION (bad_host, set_string (&a->host, "pop example.org"))
MUTATION (port_zero, a->port = 0)
MUTATION (bad_security, set_string (&a->security, "ssl3"))
MUTATION (no_user, set_string (&a->user_name, NULL))
MUTATION (bad_auth, set_string (&a->auth, "kerberos"))
MUTATION (clear_password, set_string (&a->security, "none");
          set_string (&a->auth, "user"))
MUTATION (pin_without_tls, set_string (&a->security, "none");
          set_string (&a->pinned_certificate, FINGERPRINT))
MUTATION (pin_and_ca, set_string (&a->pinned_certificate, FINGERPRINT);
          set_string (&a->ca_file, "/etc/ssl/certs/ca-certificates.crt"))
MUTATION (short_pin, set_string (&a->pinned_certificate, "AB:CD"))
MUTATION (missing_ca, set_string (&a->ca_file, "/nonexistent/ca.pem"))
MUTATION (days_without_keep, a->delete_after_days = 3)
MUTATION (local_delete_without_keep, a->delete_when_deleted_locally = TRUE)
MUTATION (too_many_days, a->keep_on_server = TRUE;
          a->delete_after_days = ENGINE_ACCOUNT_MAX_DELETE_AFTER_DAYS + 1)
MUTATION (huge_interval,
          a->check_interval = ENGINE_ACCOUNT_MAX_CHECK_INTERVAL + 1)
MUTATION (huge_size_limit, a->size_limit = ENGINE_ACCOUNT_MAX_SIZE_LIMIT + 1)

/* Each wrong setting is refused with a message that names it. */
static void
test_refuses (void)
{
  const struct
  {
    Mutation    mutate;
    const char *says;
  } cases[] = {
    { no_name, "name" },
    { bad_email, "email address" },
    { two_ats, "email address" },
    { no_host, "server name" },
    { bad_host, "host name" },
    { port_zero, "port" },
    { bad_security, "security" },
    { no_user, "user name" },
    { bad_auth, "authentication" },
    { clear_password, "clear text" },
    { pin_without_tls, "TLS" },
    { pin_and_ca, "not both" },
    { short_pin, "SHA-256" },
    { missing_ca, "/nonexistent/ca.pem" },
    { days_without_keep, "keep copies" },
    { local_delete_without_keep, "keep copies" },
    { too_many_days, "36500" },
    { huge_interval, "once a week" },
    { huge_size_limit, "1 GB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (StoreAccount) account = valid_account ();
      g_autoptr (GError)       error = NULL;

      cases[i].mutate (account);
      g_assert_false (engine_account_validate (account, &error));
      g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_INVALID_ACCOUNT);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, error->message,
                 cases[i].says);
    }
}

static void
test_accepts (void)
{
  g_autoptr (StoreAccount)   account = valid_account ();
  g_autoptr (StoreAccount)   clear = valid_account ();
  g_autoptr (StoreAccount)   allowed = valid_account ();
  g_autoptr (StoreAccount)   ip = valid_account ();
  g_autoptr (StoreAccount)   idn = valid_account ();
  g_autoptr (PigeonTestCert) cert = NULL;
  g_autoptr (GError)         error = NULL;

  /* The pin is normalised to what the POP3 client compares. */
  set_string (&account->pinned_certificate,
              "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
              "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef");
  account->keep_on_server = TRUE;
  account->delete_after_days = 30;
  account->delete_when_deleted_locally = TRUE;
  g_assert_true (engine_account_validate (account, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (account->pinned_certificate, ==,
                   "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
                   "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF");

  /* No encryption with a mechanism that never sends the password. */
  set_string (&clear->security, "none");
  set_string (&clear->auth, "apop");
  g_assert_true (engine_account_validate (clear, &error));
  set_string (&allowed->security, "none");
  set_string (&allowed->auth, "user");
  allowed->allow_insecure_auth = TRUE;
  g_assert_true (engine_account_validate (allowed, &error));

  set_string (&ip->host, "127.0.0.1");
  g_assert_true (engine_account_validate (ip, &error));
  set_string (&idn->host, "pop.bücher.example");
  g_assert_true (engine_account_validate (idn, &error));

  /* A CA file that holds a certificate. */
  cert = pigeon_test_cert_new ("localhost", &error);
  g_assert_no_error (error);
  {
    g_autoptr (StoreAccount) with_ca = valid_account ();

    set_string (&with_ca->ca_file, cert->cert_path);
    g_assert_true (engine_account_validate (with_ca, &error));
    g_assert_no_error (error);
  }
}

static void
test_words (void)
{
  Pop3Security      security;
  Pop3AuthMechanism mechanism;
  g_autofree char  *spaced = engine_normalize_fingerprint (
       "0123456789abcdef 0123456789abcdef 0123456789abcdef 0123456789abcdef");
  g_autofree char *bad = engine_normalize_fingerprint (FINGERPRINT "00");
  g_autofree char *letter = engine_normalize_fingerprint (
      "G123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");

  g_assert_true (engine_security_from_string ("STARTTLS", &security));
  g_assert_cmpint (security, ==, POP3_SECURITY_STARTTLS);
  g_assert_cmpstr (engine_security_to_string (POP3_SECURITY_NONE), ==, "none");
  g_assert_false (engine_security_from_string ("ssl", &security));
  g_assert_true (engine_auth_from_string ("CRAM-MD5", &mechanism));
  g_assert_cmpint (mechanism, ==, POP3_AUTH_CRAM_MD5);
  g_assert_cmpstr (engine_auth_to_string (POP3_AUTH_OAUTHBEARER), ==,
                   "oauthbearer");
  g_assert_false (engine_auth_from_string ("gssapi", &mechanism));

  g_assert_nonnull (spaced);
  g_assert_cmpuint (strlen (spaced), ==, 95);
  g_assert_null (bad);
  g_assert_null (letter);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/account/refuses", test_refuses);
  g_test_add_func ("/engine/account/accepts", test_accepts);
  g_test_add_func ("/engine/account/words", test_words);

  return g_test_run ();
}
