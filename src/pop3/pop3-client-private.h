/* pop3-client-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pop3-client.h"

G_BEGIN_DECLS

/* Large enough that a pipelined stream of small messages is read in few
 * calls; the parsers, not this buffer, bound what one line may take. */
#define READ_BUFFER_SIZE (256 * 1024)
#define DEFAULT_TIMEOUT_SECONDS 60
/* Commands outstanding at once when pipelining: RETR lines are ~12 bytes,
 * so this stays far inside any TCP window (RFC 2449 §6.6). */
#define DEFAULT_PIPELINE_WINDOW 128
/* Well inside the 10 minutes RFC 1939 §3 gives a server before it may
 * log an idle session out. */
#define DEFAULT_KEEPALIVE_SECONDS 60

struct _Pop3Client
{
  GObject parent_instance;

  /* configuration */
  char               *host;
  guint16             port;
  Pop3Security        security;
  guint               timeout;
  gboolean            allow_insecure_auth;
  char               *pinned_sha256;
  Pop3CertificateFunc certificate_func;
  gpointer            certificate_data;
  GDestroyNotify      certificate_destroy;
  GTlsDatabase       *database;
  guint               window;

  /* connection */
  GSocketConnection *socket;
  GIOStream         *stream; /* socket, or the TLS connection over it */
  char              *buffer;
  gsize              start;
  gsize              end;
  Pop3LineReader    *lines;
  Pop3BodyReader    *bodies;
  gboolean           busy;
  guint              keepalive_seconds;
  guint              keepalive_id;
  gboolean           keepalive_running;
  GTask             *waiting; /* a command waiting for a keepalive NOOP */
  gboolean           connected;

  /* session */
  char                *greeting;
  char                *apop_timestamp;
  Pop3Capabilities    *capabilities;
  gboolean             capa_supported;
  gboolean             encrypted;
  gboolean             utf8;
  GTlsCertificate     *peer_certificate;
  GTlsCertificateFlags peer_errors;
};

typedef struct
{
  char    *command;   /* NULL: nothing to send (the greeting) */
  gboolean multiline; /* a body follows "+OK" */
  gboolean sensitive; /* never traced in full */
} Pop3Request;

/* Called for each complete reply; returns FALSE with @error to stop. It
 * may fill in the command of the next request (SASL challenges), or set
 * exchange->stop to end the exchange after this reply. */
typedef struct _Exchange Pop3Exchange;
typedef gboolean (*Pop3ReplyFunc) (Pop3Client   *self,
                                   Pop3Exchange *exchange,
                                   guint         index,
                                   Pop3Status   *status,
                                   GByteArray   *body,
                                   GError      **error);

struct _Exchange
{
  GPtrArray    *requests;
  guint         window;
  Pop3ReplyFunc reply_func;
  gpointer      data;
  guint         next_send;
  guint         next_reply;
  gboolean      stop;
  GString      *pending; /* commands not yet handed to a write */
  GString      *written; /* the write in flight, kept alive for it */
  gboolean      writing;
  gboolean      reading;
  GError       *read_error; /* met while draining; failed after processing */
  Pop3Status   *status;     /* the reply whose body is being read */
  GByteArray   *body;
  GError       *error;
  /* The failure was the server's -ERR to the last command: every reply
   * is read, so the session goes on. */
  gboolean      in_sync;
  GCancellable *cancellable; /* ours: cancelled on failure or by the caller's */
  GCancellable *caller_cancellable;
  gulong        cancelled_id;
};

Pop3Request      *
_pop3_request_new (char *command, gboolean multiline, gboolean sensitive);
void _pop3_request_free (Pop3Request *request);

void _pop3_exchange_async (Pop3Client         *self,
                           GPtrArray          *requests,
                           guint               window,
                           Pop3ReplyFunc       reply_func,
                           gpointer            data,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);
gboolean
_pop3_exchange_finish (Pop3Client *self, GAsyncResult *result, GError **error);

void    _pop3_client_close_connection (Pop3Client *self);
GError *_pop3_translate_io_error (GError *error);
GError *_pop3_error_from_status (const Pop3Status *status,
                                 gboolean          authenticating,
                                 const char       *what);
char   *_pop3_printable_server_text (const char *text);

G_END_DECLS
