/* pop3-client.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pop3-parser.h"

G_BEGIN_DECLS

#define POP3_TYPE_CLIENT (pop3_client_get_type ())

G_DECLARE_FINAL_TYPE (Pop3Client, pop3_client, POP3, CLIENT, GObject)

/**
 * Pop3Security:
 * @POP3_SECURITY_TLS: TLS from the first byte (POP3S, port 995)
 * @POP3_SECURITY_STARTTLS: plain connection upgraded with STLS (RFC 2595);
 *   no credential is sent if the upgrade does not happen
 * @POP3_SECURITY_NONE: no encryption; passwords in clear text are still
 *   refused unless insecure authentication is allowed
 */
typedef enum
{
  POP3_SECURITY_TLS,
  POP3_SECURITY_STARTTLS,
  POP3_SECURITY_NONE,
} Pop3Security;

/**
 * Pop3AuthMechanism:
 * @POP3_AUTH_AUTOMATIC: the best the server offers (see
 * pop3_client_login_async())
 * @POP3_AUTH_USER: USER and PASS (RFC 1939)
 * @POP3_AUTH_APOP: APOP (RFC 1939 §7)
 * @POP3_AUTH_PLAIN: SASL PLAIN (RFC 4616)
 * @POP3_AUTH_LOGIN: SASL LOGIN
 * @POP3_AUTH_CRAM_MD5: SASL CRAM-MD5 (RFC 2195)
 * @POP3_AUTH_XOAUTH2: SASL XOAUTH2; the secret is an OAuth 2 token
 * @POP3_AUTH_OAUTHBEARER: SASL OAUTHBEARER (RFC 7628); the secret is a token
 */
typedef enum
{
  POP3_AUTH_AUTOMATIC,
  POP3_AUTH_USER,
  POP3_AUTH_APOP,
  POP3_AUTH_PLAIN,
  POP3_AUTH_LOGIN,
  POP3_AUTH_CRAM_MD5,
  POP3_AUTH_XOAUTH2,
  POP3_AUTH_OAUTHBEARER,
} Pop3AuthMechanism;

/**
 * Pop3CertificateFunc:
 * @certificate: the server's certificate
 * @errors: why it did not validate
 * @sha256: its SHA-256 fingerprint, "AB:CD:..."
 * @user_data: what was given with the function
 *
 * Decides on a certificate that did not validate and is not pinned.
 *
 * Returns: %TRUE to accept it for this connection.
 */
typedef gboolean (*Pop3CertificateFunc) (GTlsCertificate     *certificate,
                                         GTlsCertificateFlags errors,
                                         const char          *sha256,
                                         gpointer             user_data);

/**
 * Pop3MessageFunc:
 * @msgno: the message number
 * @message: the message's bytes, dot-unstuffed, exactly as the server
 *   holds it
 * @user_data: what was given with the function
 * @error: set it to stop the retrieval with that error
 *
 * Receives each message of pop3_client_retrieve_async() as soon as its
 * reply is complete, in the order asked for.
 *
 * Returns: %FALSE with @error set to stop.
 */
typedef gboolean (*Pop3MessageFunc) (guint    msgno,
                                     GBytes  *message,
                                     gpointer user_data,
                                     GError **error);

typedef struct
{
  guint   msgno;
  guint64 octets;
} Pop3ListEntry;

typedef struct
{
  guint msgno;
  char *uid;
} Pop3UidlEntry;

Pop3Client *
pop3_client_new (const char *host, guint16 port, Pop3Security security);

void pop3_client_set_timeout (Pop3Client *self, guint seconds);
void pop3_client_set_allow_insecure_auth (Pop3Client *self, gboolean allow);
void pop3_client_set_pinned_certificate (Pop3Client *self, const char *sha256);
void pop3_client_set_certificate_func (Pop3Client         *self,
                                       Pop3CertificateFunc func,
                                       gpointer            user_data,
                                       GDestroyNotify      destroy);
void pop3_client_set_keepalive (Pop3Client *self, guint seconds);
void pop3_client_set_tls_database (Pop3Client *self, GTlsDatabase *database);
void pop3_client_set_pipeline_window (Pop3Client *self, guint window);

const Pop3Capabilities *pop3_client_get_capabilities (Pop3Client *self);
gboolean                pop3_client_get_capa_supported (Pop3Client *self);
gboolean                pop3_client_is_utf8 (Pop3Client *self);
gboolean                pop3_client_is_encrypted (Pop3Client *self);
gboolean                pop3_client_is_pipelining (Pop3Client *self);
GTlsCertificate        *pop3_client_get_peer_certificate (Pop3Client *self);
GTlsCertificateFlags pop3_client_get_peer_certificate_errors (Pop3Client *self);
const char          *pop3_client_get_greeting (Pop3Client *self);

void     pop3_client_connect_async (Pop3Client         *self,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gboolean pop3_client_connect_finish (Pop3Client   *self,
                                     GAsyncResult *result,
                                     GError      **error);

void     pop3_client_login_async (Pop3Client         *self,
                                  Pop3AuthMechanism   mechanism,
                                  const char         *user,
                                  const char         *secret,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gboolean pop3_client_login_finish (Pop3Client        *self,
                                   GAsyncResult      *result,
                                   Pop3AuthMechanism *used,
                                   GError           **error);

void     pop3_client_stat_async (Pop3Client         *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
gboolean pop3_client_stat_finish (Pop3Client   *self,
                                  GAsyncResult *result,
                                  guint        *count,
                                  guint64      *octets,
                                  GError      **error);

void    pop3_client_list_async (Pop3Client         *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data);
GArray *pop3_client_list_finish (Pop3Client   *self,
                                 GAsyncResult *result,
                                 GError      **error);

void       pop3_client_uidl_async (Pop3Client         *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
GPtrArray *pop3_client_uidl_finish (Pop3Client   *self,
                                    GAsyncResult *result,
                                    GError      **error);

void     pop3_client_retrieve_async (Pop3Client         *self,
                                     const guint        *msgnos,
                                     guint               n_msgnos,
                                     int                 top_lines,
                                     Pop3MessageFunc     func,
                                     gpointer            func_data,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean pop3_client_retrieve_finish (Pop3Client   *self,
                                      GAsyncResult *result,
                                      GError      **error);

void     pop3_client_delete_async (Pop3Client         *self,
                                   const guint        *msgnos,
                                   guint               n_msgnos,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean pop3_client_delete_finish (Pop3Client   *self,
                                    GAsyncResult *result,
                                    GError      **error);

void     pop3_client_simple_async (Pop3Client         *self,
                                   const char         *command,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean pop3_client_simple_finish (Pop3Client   *self,
                                    GAsyncResult *result,
                                    GError      **error);

void     pop3_client_quit_async (Pop3Client         *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
gboolean pop3_client_quit_finish (Pop3Client   *self,
                                  GAsyncResult *result,
                                  GError      **error);

void pop3_client_disconnect (Pop3Client *self);

void pop3_uidl_entry_free (Pop3UidlEntry *entry);

G_END_DECLS
