/* pop3-client.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pop3-client-private.h"
#include "pop3-error.h"
#include "pop3-read-ahead.h"

G_DEFINE_FINAL_TYPE (Pop3Client, pop3_client, G_TYPE_OBJECT)

/* Certificates ------------------------------------------------------- */

static char *
certificate_sha256 (GTlsCertificate *certificate)
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

static gboolean
fingerprint_equal (const char *a, const char *b)
{
  /* Pins may be typed with or without colons, in any case. */
  while (*a != '\0' || *b != '\0')
    {
      if (*a == ':')
        a++;
      else if (*b == ':')
        b++;
      else if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;
      else
        a++, b++;
    }
  return TRUE;
}

static char *
describe_certificate_errors (GTlsCertificateFlags errors)
{
  static const struct
  {
    GTlsCertificateFlags flag;
    const char          *text;
  } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "its issuer is not trusted" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "it is for another host name" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "it is not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "it has expired" },
    { G_TLS_CERTIFICATE_REVOKED, "it was revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "it uses an insecure algorithm" },
  };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (errors & reasons[i].flag)
      g_strv_builder_add (builder, reasons[i].text);
  list = g_strv_builder_end (builder);

  if (list[0] == NULL)
    return g_strdup ("it did not validate");
  return g_strjoinv (", ", list);
}

static gboolean
on_accept_certificate_cb (GTlsConnection      *connection,
                          GTlsCertificate     *certificate,
                          GTlsCertificateFlags errors,
                          Pop3Client          *self)
{
  g_autofree char *sha256 = certificate_sha256 (certificate);

  g_set_object (&self->peer_certificate, certificate);
  self->peer_errors = errors;

  /* A pinned certificate is accepted whatever validation says; any other
   * is the caller's decision, and without a caller it is refused
   * (DESIGN.md invariant 7). */
  if (self->pinned_sha256 != NULL)
    return fingerprint_equal (sha256, self->pinned_sha256);

  if (self->certificate_func != NULL)
    return self->certificate_func (certificate, errors, sha256,
                                   self->certificate_data);

  return FALSE;
}

/* Connecting --------------------------------------------------------- */

typedef enum
{
  CONNECT_GREETING,
  CONNECT_CAPA,
  CONNECT_STLS,
  CONNECT_CAPA_AFTER_TLS,
  CONNECT_UTF8,
  CONNECT_DONE,
} ConnectStage;

typedef struct
{
  ConnectStage stage;
} ConnectData;

static void connect_next (GTask *task);

static gboolean
on_greeting_reply (Pop3Client   *self,
                   Pop3Exchange *exchange,
                   guint         index,
                   Pop3Status   *status,
                   GByteArray   *body,
                   GError      **error)
{
  if (status->kind != POP3_STATUS_OK)
    {
      *error = _pop3_error_from_status (status, FALSE,
                                        "The server refused the connection");
      return FALSE;
    }

  g_free (self->greeting);
  self->greeting = _pop3_printable_server_text (status->text);
  g_free (self->apop_timestamp);
  self->apop_timestamp = pop3_parse_apop_timestamp (status->text);
  return TRUE;
}

static gboolean
on_capa_reply (Pop3Client   *self,
               Pop3Exchange *exchange,
               guint         index,
               Pop3Status   *status,
               GByteArray   *body,
               GError      **error)
{
  g_autoptr (Pop3Capabilities) capabilities = pop3_capabilities_new ();

  /* RFC 2449 came after RFC 1939: a server that answers CAPA with -ERR
   * speaks plain RFC 1939, one command at a time. */
  if (status->kind != POP3_STATUS_OK)
    {
      self->capa_supported = FALSE;
      g_clear_pointer (&self->capabilities, pop3_capabilities_free);
      self->capabilities = g_steal_pointer (&capabilities);
      return TRUE;
    }

  {
    g_autofree char *text = g_strndup ((const char *) body->data, body->len);
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

    for (gsize i = 0; lines[i] != NULL; i++)
      {
        gsize len = strlen (lines[i]);

        if (len > 0 && lines[i][len - 1] == '\r')
          lines[i][len - 1] = '\0';
        if (!pop3_capabilities_parse_line (capabilities, lines[i], error))
          return FALSE;
      }
  }

  self->capa_supported = TRUE;
  g_clear_pointer (&self->capabilities, pop3_capabilities_free);
  self->capabilities = g_steal_pointer (&capabilities);
  return TRUE;
}

static gboolean
on_stls_reply (Pop3Client   *self,
               Pop3Exchange *exchange,
               guint         index,
               Pop3Status   *status,
               GByteArray   *body,
               GError      **error)
{
  if (status->kind != POP3_STATUS_OK)
    {
      g_autofree char *text = _pop3_printable_server_text (status->text);

      g_set_error (error, POP3_ERROR, POP3_ERROR_TLS_REQUIRED,
                   "The server refused STLS (“%s”), so the connection "
                   "cannot be encrypted; no password was sent",
                   text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_utf8_reply (Pop3Client   *self,
               Pop3Exchange *exchange,
               guint         index,
               Pop3Status   *status,
               GByteArray   *body,
               GError      **error)
{
  self->utf8 = status->kind == POP3_STATUS_OK;
  return TRUE;
}

static void
on_connect_exchange_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Pop3Client       *self = POP3_CLIENT (source);
  GError           *error = NULL;

  if (!_pop3_exchange_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  connect_next (task);
}

static void
run_one (GTask        *task,
         char         *command,
         gboolean      multiline,
         Pop3ReplyFunc reply_func)
{
  Pop3Client *self = g_task_get_source_object (task);
  GPtrArray  *requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify) _pop3_request_free);

  g_ptr_array_add (requests, _pop3_request_new (command, multiline, FALSE));
  _pop3_exchange_async (self, requests, 1, reply_func, NULL,
                        g_task_get_cancellable (task), on_connect_exchange_cb,
                        g_object_ref (task));
}

static void
on_handshake_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Pop3Client       *self = g_task_get_source_object (task);
  GTlsConnection   *tls = G_TLS_CONNECTION (source);
  GError           *error = NULL;
  GTlsCertificate  *peer;
  g_autofree char  *sha256 = NULL;

  if (!g_tls_connection_handshake_finish (tls, result, &error))
    {
      if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) &&
          self->peer_certificate != NULL)
        {
          g_autofree char *peer_sha256 =
              certificate_sha256 (self->peer_certificate);
          g_autofree char *reasons =
              describe_certificate_errors (self->peer_errors);

          g_clear_error (&error);
          if (self->pinned_sha256 != NULL)
            error = g_error_new (POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED,
                                 "The certificate of %s has changed: it is "
                                 "%s, not the pinned %s",
                                 self->host, peer_sha256, self->pinned_sha256);
          else
            error = g_error_new (POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED,
                                 "The certificate of %s (SHA-256 %s) is not "
                                 "trusted: %s",
                                 self->host, peer_sha256, reasons);
        }
      _pop3_client_close_connection (self);
      g_task_return_error (task, error);
      return;
    }

  /* accept-certificate runs only for certificates that fail validation
   * (GLib 2.74); a pin must hold against valid ones too (TOOLING.md §8). */
  peer = g_tls_connection_get_peer_certificate (tls);
  g_set_object (&self->peer_certificate, peer);
  if (peer != NULL && self->pinned_sha256 != NULL)
    {
      sha256 = certificate_sha256 (peer);
      if (!fingerprint_equal (sha256, self->pinned_sha256))
        {
          _pop3_client_close_connection (self);
          g_task_return_new_error (task, POP3_ERROR,
                                   POP3_ERROR_CERTIFICATE_REJECTED,
                                   "The certificate of %s has changed: it "
                                   "is %s, not the pinned %s",
                                   self->host, sha256, self->pinned_sha256);
          return;
        }
    }

  self->peer_errors = g_tls_connection_get_peer_certificate_errors (tls);
  self->encrypted = TRUE;
  connect_next (task);
}

static void
start_tls (GTask *task)
{
  Pop3Client                    *self = g_task_get_source_object (task);
  g_autoptr (GSocketConnectable) identity = NULL;
  g_autoptr (GInputStream)       input = NULL;
  g_autoptr (GIOStream)          base = NULL;
  GIOStream                     *tls;
  GError                        *error = NULL;

  identity = g_network_address_new (self->host, self->port);
  /* TLS reads the socket through a read-ahead buffer (pop3-read-ahead.c);
   * it writes to it directly. */
  input = pop3_read_ahead_new (
      g_io_stream_get_input_stream (G_IO_STREAM (self->socket)));
  base = g_simple_io_stream_new (
      input, g_io_stream_get_output_stream (G_IO_STREAM (self->socket)));
  tls = g_tls_client_connection_new (base, identity, &error);
  if (tls == NULL)
    {
      _pop3_client_close_connection (self);
      g_task_return_error (task, error);
      return;
    }

  if (self->database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->database);
  g_signal_connect_object (tls, "accept-certificate",
                           G_CALLBACK (on_accept_certificate_cb), self, 0);
  g_set_object (&self->stream, tls);
  g_object_unref (tls);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    on_handshake_cb, g_object_ref (task));
}

static void
connect_next (GTask *task)
{
  Pop3Client  *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  switch (data->stage)
    {
    case CONNECT_GREETING:
      data->stage = CONNECT_CAPA;
      self->connected = TRUE;
      run_one (task, NULL, FALSE, on_greeting_reply);
      return;

    case CONNECT_CAPA:
      data->stage = self->security == POP3_SECURITY_STARTTLS && !self->encrypted
                        ? CONNECT_STLS
                        : CONNECT_UTF8;
      run_one (task, g_strdup ("CAPA"), TRUE, on_capa_reply);
      return;

    case CONNECT_STLS:
      /* RFC 2595 §4: STLS is announced by CAPA. Without it there is no way
       * to encrypt, and the account asked for encryption: stop here,
       * before any credential (fetchmail's CVE-2021-39272). */
      if (!self->capabilities->stls)
        {
          _pop3_client_close_connection (self);
          g_task_return_new_error (task, POP3_ERROR, POP3_ERROR_TLS_REQUIRED,
                                   "%s does not offer STLS, so the "
                                   "connection cannot be encrypted; no "
                                   "password was sent",
                                   self->host);
          return;
        }
      data->stage = CONNECT_CAPA_AFTER_TLS;
      run_one (task, g_strdup ("STLS"), FALSE, on_stls_reply);
      return;

    case CONNECT_CAPA_AFTER_TLS:
      if (!self->encrypted)
        {
          /* Bytes the server sent after "+OK" but before the handshake
           * could be a plaintext injection (CVE-2011-0411's kind). */
          if (self->start != self->end)
            {
              _pop3_client_close_connection (self);
              g_task_return_new_error (task, POP3_ERROR, POP3_ERROR_PROTOCOL,
                                       "the server sent data between its STLS "
                                       "reply and the TLS handshake");
              return;
            }
          start_tls (task);
          return;
        }
      /* RFC 2595 §4: what was learnt before TLS is forgotten. */
      data->stage = CONNECT_UTF8;
      run_one (task, g_strdup ("CAPA"), TRUE, on_capa_reply);
      return;

    case CONNECT_UTF8:
      data->stage = CONNECT_DONE;
      /* RFC 6856: a server that offers UTF8 speaks it only when asked,
       * and only before login. A refusal changes nothing. */
      if (self->capabilities->utf8)
        {
          run_one (task, g_strdup ("UTF8"), FALSE, on_utf8_reply);
          return;
        }
      connect_next (task);
      return;

    case CONNECT_DONE:
    default:
      g_task_return_boolean (task, TRUE);
      return;
    }
}

static void
on_socket_connected_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask)  task = user_data;
  Pop3Client        *self = g_task_get_source_object (task);
  GError            *error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source),
                                                       result, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, _pop3_translate_io_error (error));
      return;
    }

  self->socket = connection;
  g_set_object (&self->stream, G_IO_STREAM (connection));

  if (self->security == POP3_SECURITY_TLS)
    start_tls (task);
  else
    connect_next (task);
}

/**
 * pop3_client_connect_async:
 * @self: a #Pop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when connected, or when it failed
 * @user_data: for @callback
 *
 * Connects, secures the connection as the security mode says, reads the
 * greeting and the capabilities. With %POP3_SECURITY_STARTTLS the client
 * stops with %POP3_ERROR_TLS_REQUIRED if STLS is not offered or fails.
 */
void
pop3_client_connect_async (Pop3Client         *self,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask)         task = NULL;
  g_autoptr (GSocketClient) client = NULL;
  ConnectData              *data;

  g_return_if_fail (POP3_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pop3_client_connect_async);

  if (self->connected || self->socket != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               "already connected");
      return;
    }

  data = g_new0 (ConnectData, 1);
  data->stage = CONNECT_GREETING;
  g_task_set_task_data (task, data, g_free);

  g_clear_object (&self->peer_certificate);
  self->peer_errors = 0;
  self->encrypted = FALSE;
  self->capa_supported = FALSE;
  self->utf8 = FALSE;

  client = g_socket_client_new ();
  /* The socket timeout bounds every later read and write too. */
  g_socket_client_set_timeout (client, self->timeout);
  g_socket_client_connect_to_host_async (client, self->host, self->port,
                                         cancellable, on_socket_connected_cb,
                                         g_steal_pointer (&task));
}

gboolean
pop3_client_connect_finish (Pop3Client   *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Commands ----------------------------------------------------------- */

/* A one-command exchange whose reply is kept for its _finish. */
typedef struct
{
  Pop3Status *status;
  GByteArray *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->status, pop3_status_free);
  g_clear_pointer (&reply->body, g_byte_array_unref);
  g_free (reply);
}

static gboolean
on_kept_reply (Pop3Client   *self,
               Pop3Exchange *exchange,
               guint         index,
               Pop3Status   *status,
               GByteArray   *body,
               GError      **error)
{
  Reply             *reply = exchange->data;
  const Pop3Request *request = g_ptr_array_index (exchange->requests, index);

  if (status->kind != POP3_STATUS_OK)
    {
      *error = _pop3_error_from_status (status, FALSE, request->command);
      return FALSE;
    }

  reply->status = g_new0 (Pop3Status, 1);
  reply->status->kind = status->kind;
  reply->status->code = status->code;
  reply->status->code_text = g_strdup (status->code_text);
  reply->status->text = g_strdup (status->text);
  if (body != NULL)
    reply->body = g_byte_array_ref (body);
  return TRUE;
}

static void
on_command_exchange_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError           *error = NULL;

  if (!_pop3_exchange_finish (POP3_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Runs one command; its reply is in the task data (a Reply) when the
 * task succeeds. */
static GTask *
command_task_new (Pop3Client         *self,
                  gpointer            source_tag,
                  char               *command,
                  gboolean            multiline,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  GTask     *task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify) _pop3_request_free);
  Reply *reply = g_new0 (Reply, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, reply, (GDestroyNotify) reply_free);
  g_ptr_array_add (requests, _pop3_request_new (command, multiline, FALSE));
  _pop3_exchange_async (self, requests, 1, on_kept_reply, reply, cancellable,
                        on_command_exchange_cb, g_object_ref (task));
  return task;
}

/* The lines of a listing body, CR and LF stripped. An empty mailbox
 * sends an empty body, whose data may be NULL. */
static GStrv
body_lines (GByteArray *body)
{
  g_autofree char *text = body->len > 0
                              ? g_strndup ((const char *) body->data, body->len)
                              : g_strdup ("");
  GStrv            lines = g_strsplit (text, "\n", -1);
  gsize            kept = 0;

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][--len] = '\0';
      if (len == 0)
        g_free (lines[i]);
      else
        lines[kept++] = lines[i];
    }
  lines[kept] = NULL;
  return lines;
}

void
pop3_client_stat_async (Pop3Client         *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (POP3_IS_CLIENT (self));

  task = command_task_new (self, pop3_client_stat_async, g_strdup ("STAT"),
                           FALSE, cancellable, callback, user_data);
}

/**
 * pop3_client_stat_finish:
 * @self: a #Pop3Client
 * @result: the result
 * @count: (out): how many messages the mailbox holds
 * @octets: (out): their total size
 * @error: a #POP3_ERROR or #G_IO_ERROR
 *
 * Returns: %TRUE on success.
 */
gboolean
pop3_client_stat_finish (Pop3Client   *self,
                         GAsyncResult *result,
                         guint        *count,
                         guint64      *octets,
                         GError      **error)
{
  Reply *reply;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  reply = g_task_get_task_data (G_TASK (result));
  return pop3_parse_stat (reply->status->text, count, octets, error);
}

void
pop3_client_list_async (Pop3Client         *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (POP3_IS_CLIENT (self));

  task = command_task_new (self, pop3_client_list_async, g_strdup ("LIST"),
                           TRUE, cancellable, callback, user_data);
}

/**
 * pop3_client_list_finish:
 * @self: a #Pop3Client
 * @result: the result
 * @error: a #POP3_ERROR or #G_IO_ERROR
 *
 * Returns: (transfer full): a #GArray of #Pop3ListEntry, in the server's
 *   order, or %NULL with @error set.
 */
GArray *
pop3_client_list_finish (Pop3Client *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GArray) entries = NULL;
  g_auto (GStrv) lines = NULL;
  Reply *reply;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  reply = g_task_get_task_data (G_TASK (result));
  lines = body_lines (reply->body);
  entries = g_array_sized_new (FALSE, FALSE, sizeof (Pop3ListEntry),
                               g_strv_length (lines));
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      Pop3ListEntry entry;

      if (!pop3_parse_list_line (lines[i], &entry.msgno, &entry.octets, error))
        return NULL;
      g_array_append_val (entries, entry);
    }

  return g_steal_pointer (&entries);
}

void
pop3_client_uidl_async (Pop3Client         *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (POP3_IS_CLIENT (self));

  task = command_task_new (self, pop3_client_uidl_async, g_strdup ("UIDL"),
                           TRUE, cancellable, callback, user_data);
}

void
pop3_uidl_entry_free (Pop3UidlEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->uid);
  g_free (entry);
}

/**
 * pop3_client_uidl_finish:
 * @self: a #Pop3Client
 * @result: the result
 * @error: %POP3_ERROR_UNSUPPORTED when the server has no UIDL, or another
 *   #POP3_ERROR or #G_IO_ERROR
 *
 * Returns: (transfer full) (element-type Pop3UidlEntry): the listing in
 *   the server's order, or %NULL with @error set. Unique-ids are not
 *   assumed unique (DESIGN.md invariant 9).
 */
GPtrArray *
pop3_client_uidl_finish (Pop3Client *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_auto (GStrv) lines = NULL;
  GError *local_error = NULL;
  Reply  *reply;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), &local_error))
    {
      /* A server without UIDL answers -ERR: a missing feature, not a
       * failure of this mailbox. */
      if (g_error_matches (local_error, POP3_ERROR, POP3_ERROR_SERVER))
        local_error->code = POP3_ERROR_UNSUPPORTED;
      g_propagate_error (error, local_error);
      return NULL;
    }

  reply = g_task_get_task_data (G_TASK (result));
  lines = body_lines (reply->body);
  entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) pop3_uidl_entry_free);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      Pop3UidlEntry *entry = g_new0 (Pop3UidlEntry, 1);

      g_ptr_array_add (entries, entry);
      if (!pop3_parse_uidl_line (lines[i], &entry->msgno, &entry->uid, error))
        return NULL;
    }

  return g_steal_pointer (&entries);
}

typedef struct
{
  Pop3MessageFunc func;
  gpointer        func_data;
} RetrieveData;

static gboolean
on_retrieve_reply (Pop3Client   *self,
                   Pop3Exchange *exchange,
                   guint         index,
                   Pop3Status   *status,
                   GByteArray   *body,
                   GError      **error)
{
  RetrieveData      *data = exchange->data;
  const Pop3Request *request = g_ptr_array_index (exchange->requests, index);
  g_autoptr (GBytes) message = NULL;
  guint              msgno;

  if (status->kind != POP3_STATUS_OK)
    {
      *error = _pop3_error_from_status (status, FALSE, request->command);
      return FALSE;
    }

  /* "RETR 12" / "TOP 12 0": the number is the second word. */
  msgno =
      (guint) g_ascii_strtoull (strchr (request->command, ' ') + 1, NULL, 10);
  message = g_byte_array_free_to_bytes (g_byte_array_ref (body));
  return data->func (msgno, message, data->func_data, error);
}

/**
 * pop3_client_retrieve_async:
 * @self: a logged-in #Pop3Client
 * @msgnos: (array length=n_msgnos): the messages, by number
 * @n_msgnos: how many
 * @top_lines: -1 for whole messages (RETR), else the headers and this
 *   many body lines (TOP)
 * @func: receives each message as its reply completes
 * @func_data: for @func
 * @cancellable: (nullable): a #GCancellable; cancelling drops the
 *   connection without QUIT, so the server deletes nothing
 * @callback: called when all are retrieved, or at the first failure
 * @user_data: for @callback
 *
 * Retrieves messages, pipelined when the server offers PIPELINING so the
 * connection never idles for a round trip. A message is handed to @func
 * once, as soon as it is complete, and not kept here after.
 */
void
pop3_client_retrieve_async (Pop3Client         *self,
                            const guint        *msgnos,
                            guint               n_msgnos,
                            int                 top_lines,
                            Pop3MessageFunc     func,
                            gpointer            func_data,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  GPtrArray        *requests;
  RetrieveData     *data;

  g_return_if_fail (POP3_IS_CLIENT (self));
  g_return_if_fail (msgnos != NULL || n_msgnos == 0);
  g_return_if_fail (func != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pop3_client_retrieve_async);

  data = g_new0 (RetrieveData, 1);
  data->func = func;
  data->func_data = func_data;
  g_task_set_task_data (task, data, g_free);

  requests =
      g_ptr_array_new_full (n_msgnos, (GDestroyNotify) _pop3_request_free);
  for (guint i = 0; i < n_msgnos; i++)
    {
      char *command = top_lines < 0
                          ? g_strdup_printf ("RETR %u", msgnos[i])
                          : g_strdup_printf ("TOP %u %d", msgnos[i], top_lines);

      g_ptr_array_add (requests, _pop3_request_new (command, TRUE, FALSE));
    }

  _pop3_exchange_async (self, requests,
                        pop3_client_is_pipelining (self) ? self->window : 1,
                        on_retrieve_reply, data, cancellable,
                        on_command_exchange_cb, g_object_ref (task));
}

gboolean
pop3_client_retrieve_finish (Pop3Client   *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
on_ok_reply (Pop3Client   *self,
             Pop3Exchange *exchange,
             guint         index,
             Pop3Status   *status,
             GByteArray   *body,
             GError      **error)
{
  const Pop3Request *request = g_ptr_array_index (exchange->requests, index);

  if (status->kind != POP3_STATUS_OK)
    {
      *error = _pop3_error_from_status (status, FALSE, request->command);
      return FALSE;
    }
  return TRUE;
}

/**
 * pop3_client_delete_async:
 * @self: a logged-in #Pop3Client
 * @msgnos: (array length=n_msgnos): the messages to mark deleted
 * @n_msgnos: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when all are marked, or at the first refusal
 * @user_data: for @callback
 *
 * Marks messages deleted (DELE), pipelined when offered. The server
 * removes them only at a successful QUIT.
 */
void
pop3_client_delete_async (Pop3Client         *self,
                          const guint        *msgnos,
                          guint               n_msgnos,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  GPtrArray        *requests;

  g_return_if_fail (POP3_IS_CLIENT (self));
  g_return_if_fail (msgnos != NULL || n_msgnos == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pop3_client_delete_async);

  requests =
      g_ptr_array_new_full (n_msgnos, (GDestroyNotify) _pop3_request_free);
  for (guint i = 0; i < n_msgnos; i++)
    g_ptr_array_add (requests,
                     _pop3_request_new (g_strdup_printf ("DELE %u", msgnos[i]),
                                        FALSE, FALSE));

  _pop3_exchange_async (self, requests,
                        pop3_client_is_pipelining (self) ? self->window : 1,
                        on_ok_reply, NULL, cancellable, on_command_exchange_cb,
                        g_object_ref (task));
}

gboolean
pop3_client_delete_finish (Pop3Client   *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pop3_client_simple_async:
 * @self: a connected #Pop3Client
 * @command: a command with a one-line reply: "NOOP", "RSET", "UTF8"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the reply
 * @user_data: for @callback
 *
 * Runs one command and checks it is answered "+OK".
 */
void
pop3_client_simple_async (Pop3Client         *self,
                          const char         *command,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (POP3_IS_CLIENT (self));
  g_return_if_fail (command != NULL && strpbrk (command, "\r\n") == NULL);

  task = command_task_new (self, pop3_client_simple_async, g_strdup (command),
                           FALSE, cancellable, callback, user_data);
}

gboolean
pop3_client_simple_finish (Pop3Client   *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_quit_exchange_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Pop3Client       *self = POP3_CLIENT (source);
  GError           *error = NULL;

  if (!_pop3_exchange_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _pop3_client_close_connection (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * pop3_client_quit_async:
 * @self: a connected #Pop3Client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server confirmed
 * @user_data: for @callback
 *
 * Ends the session with QUIT: only now does the server remove the
 * messages marked deleted. An error here (%POP3_ERROR_SERVER, a dropped
 * connection) means they may still be there.
 */
void
pop3_client_quit_async (Pop3Client         *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  GPtrArray        *requests;

  g_return_if_fail (POP3_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pop3_client_quit_async);

  requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify) _pop3_request_free);
  g_ptr_array_add (requests,
                   _pop3_request_new (g_strdup ("QUIT"), FALSE, FALSE));
  _pop3_exchange_async (self, requests, 1, on_ok_reply, NULL, cancellable,
                        on_quit_exchange_cb, g_object_ref (task));
}

gboolean
pop3_client_quit_finish (Pop3Client *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pop3_client_disconnect:
 * @self: a #Pop3Client
 *
 * Drops the connection without QUIT: the server keeps every message.
 */
void
pop3_client_disconnect (Pop3Client *self)
{
  g_return_if_fail (POP3_IS_CLIENT (self));

  _pop3_client_close_connection (self);
}

/* Object ------------------------------------------------------------- */

static void
pop3_client_finalize (GObject *object)
{
  Pop3Client *self = POP3_CLIENT (object);

  _pop3_client_close_connection (self);
  if (self->certificate_destroy != NULL)
    self->certificate_destroy (self->certificate_data);
  g_free (self->host);
  g_free (self->pinned_sha256);
  g_clear_object (&self->database);
  g_free (self->buffer);
  pop3_line_reader_free (self->lines);
  pop3_body_reader_free (self->bodies);
  g_free (self->greeting);
  g_free (self->apop_timestamp);
  g_clear_pointer (&self->capabilities, pop3_capabilities_free);
  g_clear_object (&self->peer_certificate);

  G_OBJECT_CLASS (pop3_client_parent_class)->finalize (object);
}

static void
pop3_client_class_init (Pop3ClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pop3_client_finalize;
}

static void
pop3_client_init (Pop3Client *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->window = DEFAULT_PIPELINE_WINDOW;
  self->keepalive_seconds = DEFAULT_KEEPALIVE_SECONDS;
  self->buffer = g_malloc (READ_BUFFER_SIZE);
  self->lines = pop3_line_reader_new ();
  self->bodies = pop3_body_reader_new ();
  self->capabilities = pop3_capabilities_new ();
}

/**
 * pop3_client_new:
 * @host: the server's host name or address
 * @port: its port, 995 for TLS or 110 otherwise by convention
 * @security: how the connection is secured
 *
 * Returns: (transfer full): a client, not yet connected.
 */
Pop3Client *
pop3_client_new (const char *host, guint16 port, Pop3Security security)
{
  Pop3Client *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_object_new (POP3_TYPE_CLIENT, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  return self;
}

/**
 * pop3_client_set_timeout:
 * @self: a #Pop3Client
 * @seconds: how long any read or write may wait, 0 for no limit
 *
 * Takes effect at the next connect. A read that waits longer fails with
 * %POP3_ERROR_TIMEOUT.
 */
void
pop3_client_set_timeout (Pop3Client *self, guint seconds)
{
  g_return_if_fail (POP3_IS_CLIENT (self));
  self->timeout = seconds;
}

void
pop3_client_set_allow_insecure_auth (Pop3Client *self, gboolean allow)
{
  g_return_if_fail (POP3_IS_CLIENT (self));
  self->allow_insecure_auth = allow;
}

/**
 * pop3_client_set_pinned_certificate:
 * @self: a #Pop3Client
 * @sha256: (nullable): the SHA-256 fingerprint to accept, "AB:CD:...",
 *   or %NULL for none
 *
 * Pins the server's certificate: exactly this one is accepted, valid or
 * not, and any other is refused even if it validates.
 */
void
pop3_client_set_pinned_certificate (Pop3Client *self, const char *sha256)
{
  g_return_if_fail (POP3_IS_CLIENT (self));

  g_free (self->pinned_sha256);
  self->pinned_sha256 = g_strdup (sha256);
}

void
pop3_client_set_certificate_func (Pop3Client         *self,
                                  Pop3CertificateFunc func,
                                  gpointer            user_data,
                                  GDestroyNotify      destroy)
{
  g_return_if_fail (POP3_IS_CLIENT (self));

  if (self->certificate_destroy != NULL)
    self->certificate_destroy (self->certificate_data);
  self->certificate_func = func;
  self->certificate_data = user_data;
  self->certificate_destroy = destroy;
}

/**
 * pop3_client_set_keepalive:
 * @self: a #Pop3Client
 * @seconds: idle time after which a NOOP is sent, 0 for never
 *
 * Keeps an idle session alive while the caller works between commands. A
 * command asked for while the NOOP is out waits for its reply.
 */
void
pop3_client_set_keepalive (Pop3Client *self, guint seconds)
{
  g_return_if_fail (POP3_IS_CLIENT (self));
  self->keepalive_seconds = seconds;
}

/**
 * pop3_client_set_tls_database:
 * @self: a #Pop3Client
 * @database: (nullable): the certificate authorities to trust instead of
 *   the system's, from an account's own CA file say; %NULL for the system's
 */
void
pop3_client_set_tls_database (Pop3Client *self, GTlsDatabase *database)
{
  g_return_if_fail (POP3_IS_CLIENT (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->database, database);
}

/**
 * pop3_client_set_pipeline_window:
 * @self: a #Pop3Client
 * @window: commands sent ahead of their replies when pipelining, 1 or more
 */
void
pop3_client_set_pipeline_window (Pop3Client *self, guint window)
{
  g_return_if_fail (POP3_IS_CLIENT (self));
  self->window = MAX (window, 1);
}

const Pop3Capabilities *
pop3_client_get_capabilities (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), NULL);
  return self->capabilities;
}

gboolean
pop3_client_get_capa_supported (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), FALSE);
  return self->capa_supported;
}

/**
 * pop3_client_is_utf8:
 * @self: a #Pop3Client
 *
 * Returns: whether the server agreed to UTF8 mode (RFC 6856): user names,
 *   passwords and messages may then be UTF-8.
 */
gboolean
pop3_client_is_utf8 (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), FALSE);
  return self->utf8;
}

gboolean
pop3_client_is_encrypted (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), FALSE);
  return self->encrypted;
}

/**
 * pop3_client_is_pipelining:
 * @self: a #Pop3Client
 *
 * Returns: whether commands are sent ahead of replies: only when the
 *   server announced PIPELINING (RFC 2449 §6.6) and the window is over 1.
 */
gboolean
pop3_client_is_pipelining (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), FALSE);
  return self->capa_supported && self->capabilities->pipelining &&
         self->window > 1;
}

GTlsCertificate *
pop3_client_get_peer_certificate (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), NULL);
  return self->peer_certificate;
}

GTlsCertificateFlags
pop3_client_get_peer_certificate_errors (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), 0);
  return self->peer_errors;
}

const char *
pop3_client_get_greeting (Pop3Client *self)
{
  g_return_val_if_fail (POP3_IS_CLIENT (self), NULL);
  return self->greeting;
}
