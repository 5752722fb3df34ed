/* pigeon-test-cert.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A self-signed certificate for "localhost" and 127.0.0.1, made fresh by
 * openssl for each test that asks, in a directory of its own. */
typedef struct
{
  char            *dir;       /* owned temp dir, removed by _free */
  char            *cert_path; /* PEM certificate */
  char            *key_path;  /* PEM private key, unencrypted */
  char            *cert_pem;  /* the certificate's PEM text */
  char            *sha256;    /* "AB:CD:..." upper-case, colon-separated */
  GTlsCertificate *tls;       /* certificate + key, for GTlsServerConnection */
} PigeonTestCert;

PigeonTestCert *pigeon_test_cert_new (const char *common_name, GError **error);
void            pigeon_test_cert_free (PigeonTestCert *cert);
char           *pigeon_test_cert_fingerprint (GTlsCertificate *certificate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonTestCert, pigeon_test_cert_free)

G_END_DECLS
