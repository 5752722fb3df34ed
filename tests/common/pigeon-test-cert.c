/* pigeon-test-cert.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-test-cert.h"

#include <glib/gstdio.h>

/* Removes a directory tree that a test made; bounded by what is in it. */
static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char      *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }

  g_rmdir (path);
}

/**
 * pigeon_test_cert_fingerprint:
 * @certificate: any certificate
 *
 * Returns: (transfer full): the SHA-256 of the certificate's DER bytes as
 *   upper-case hex pairs joined by colons, the form `openssl x509
 *   -fingerprint -sha256` prints and Pigeon pins.
 */
char *
pigeon_test_cert_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GChecksum)  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8                 digest[32];
  gsize                  digest_len = sizeof digest;
  GString               *text = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &digest_len);

  for (gsize i = 0; i < digest_len; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : ":%02X", digest[i]);

  return g_string_free (text, FALSE);
}

/**
 * pigeon_test_cert_new:
 * @common_name: the subject CN, "localhost" for most tests
 * @error: where a failure of openssl is told
 *
 * Makes a new RSA-2048 self-signed certificate valid for a year, with
 * subjectAltName DNS:localhost and IP:127.0.0.1, so that it validates
 * against itself as a CA for both names.
 *
 * Returns: (transfer full): the certificate, or %NULL with @error set.
 */
PigeonTestCert *
pigeon_test_cert_new (const char *common_name, GError **error)
{
  g_autoptr (PigeonTestCert) cert = g_new0 (PigeonTestCert, 1);
  g_autoptr (GSubprocess)    openssl = NULL;
  g_autofree char           *subject = g_strdup_printf ("/CN=%s", common_name);
  g_autofree char           *openssl_stderr = NULL;

  cert->dir = g_dir_make_tmp ("pigeon-cert-XXXXXX", error);
  if (cert->dir == NULL)
    return NULL;
  cert->cert_path = g_build_filename (cert->dir, "cert.pem", NULL);
  cert->key_path = g_build_filename (cert->dir, "key.pem", NULL);

  openssl = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
      "365", "-subj", subject, "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", cert->key_path,
      "-out", cert->cert_path, NULL);
  if (openssl == NULL)
    return NULL;
  if (!g_subprocess_communicate_utf8 (openssl, NULL, NULL, NULL,
                                      &openssl_stderr, error))
    return NULL;
  if (!g_subprocess_get_successful (openssl))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "openssl req failed: %s", openssl_stderr);
      return NULL;
    }

  if (!g_file_get_contents (cert->cert_path, &cert->cert_pem, NULL, error))
    return NULL;
  cert->tls =
      g_tls_certificate_new_from_files (cert->cert_path, cert->key_path, error);
  if (cert->tls == NULL)
    return NULL;
  cert->sha256 = pigeon_test_cert_fingerprint (cert->tls);

  return g_steal_pointer (&cert);
}

void
pigeon_test_cert_free (PigeonTestCert *cert)
{
  if (cert == NULL)
    return;

  if (cert->dir != NULL)
    remove_tree (cert->dir);
  g_free (cert->dir);
  g_free (cert->cert_path);
  g_free (cert->key_path);
  g_free (cert->cert_pem);
  g_free (cert->sha256);
  g_clear_object (&cert->tls);
  g_free (cert);
}
