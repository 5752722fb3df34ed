/* pop3-client.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-client.h"

#include <string.h>

#include "pop3-error.h"
#include "pop3-sasl.h"

/* Large enough that a pipelined stream of small messages is read in few
 * calls; the parsers, not this buffer, bound what one line may take. */
#define READ_BUFFER_SIZE (256 * 1024)
#define DEFAULT_TIMEOUT_SECONDS 60
/* Commands outstanding at once when pipelining: RETR lines are ~12 bytes,
 * so this stays far inside any TCP window (RFC 2449 §6.6). */
#define DEFAULT_PIPELINE_WINDOW 128

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
  gboolean           connected;

  /* session */
  char                *greeting;
  char                *apop_timestamp;
  Pop3Capabilities    *capabilities;
  gboolean             capa_supported;
  gboolean             encrypted;
  GTlsCertificate     *peer_certificate;
  GTlsCertificateFlags peer_errors;
};

G_DEFINE_FINAL_TYPE (Pop3Client, pop3_client, G_TYPE_OBJECT)

/* The exchange: send commands, read their replies in order ----------- */

typedef struct
{
  char    *command;   /* NULL: nothing to send (the greeting) */
  gboolean multiline; /* a body follows "+OK" */
  gboolean sensitive; /* never traced in full */
} Request;

/* Called for each complete reply; returns FALSE with @error to stop. It
 * may fill in the command of the next request (SASL challenges), or set
 * exchange->stop to end the exchange after this reply. */
typedef struct _Exchange Exchange;
typedef gboolean (*ReplyFunc) (Pop3Client *self,
                               Exchange   *exchange,
                               guint       index,
                               Pop3Status *status,
                               GByteArray *body,
                               GError    **error);

struct _Exchange
{
  GPtrArray    *requests;
  guint         window;
  ReplyFunc     reply_func;
  gpointer      data;
  guint         next_send;
  guint         next_reply;
  gboolean      stop;
  GString      *pending; /* commands not yet handed to a write */
  GString      *written; /* the write in flight, kept alive for it */
  gboolean      writing;
  gboolean      reading;
  Pop3Status   *status; /* the reply whose body is being read */
  GByteArray   *body;
  GError       *error;
  GCancellable *cancellable; /* ours: cancelled on failure or by the caller's */
  GCancellable *caller_cancellable;
  gulong        cancelled_id;
};

static void
request_free (Request *request)
{
  if (request->command != NULL && request->sensitive)
    memset (request->command, 0, strlen (request->command));
  g_free (request->command);
  g_free (request);
}

static Request *
request_new (char *command, gboolean multiline, gboolean sensitive)
{
  Request *request = g_new0 (Request, 1);

  request->command = command;
  request->multiline = multiline;
  request->sensitive = sensitive;
  return request;
}

static void
exchange_free (Exchange *exchange)
{
  if (exchange->cancelled_id != 0)
    g_cancellable_disconnect (exchange->caller_cancellable,
                              exchange->cancelled_id);
  g_clear_object (&exchange->caller_cancellable);
  g_clear_object (&exchange->cancellable);
  g_ptr_array_unref (exchange->requests);
  g_string_free (exchange->pending, TRUE);
  g_string_free (exchange->written, TRUE);
  g_clear_pointer (&exchange->status, pop3_status_free);
  g_clear_pointer (&exchange->body, g_byte_array_unref);
  g_clear_error (&exchange->error);
  g_free (exchange);
}

static void exchange_read (GTask *task);
static void exchange_process (GTask *task);

/* What the trace shows of a command: the command word alone for those that
 * carry a secret (DESIGN.md invariant 6). */
static void
trace_command (const Request *request)
{
  if (request->sensitive)
    {
      const char *space = strchr (request->command, ' ');
      int         word = space != NULL ? (int) (space - request->command)
                                       : (int) strlen (request->command);

      g_debug ("C: %.*s [redacted]", word, request->command);
    }
  else
    g_debug ("C: %s", request->command);
}

static void
close_connection (Pop3Client *self)
{
  /* Dropping the connection without QUIT leaves the server in the
   * AUTHORIZATION or TRANSACTION state: RFC 1939 §6 says nothing marked
   * deleted is removed then. */
  if (self->stream != NULL)
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL,
                             NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  self->connected = FALSE;
  self->encrypted = FALSE;
  self->start = self->end = 0;
  pop3_line_reader_reset (self->lines);
  pop3_body_reader_reset (self->bodies);
}

/* Completes the exchange once nothing is in flight: a read or a write
 * that is still out holds the buffer and the stream. */
static void
exchange_finish_if_idle (GTask *task)
{
  Pop3Client *self = g_task_get_source_object (task);
  Exchange   *exchange = g_task_get_task_data (task);
  gboolean    all_read =
      exchange->next_reply == exchange->requests->len || exchange->stop;

  if (exchange->writing || exchange->reading)
    return;
  if (exchange->error == NULL && !all_read)
    return;

  self->busy = FALSE;
  if (exchange->error != NULL)
    {
      close_connection (self);
      g_task_return_error (task, g_steal_pointer (&exchange->error));
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
exchange_fail (GTask *task, GError *error)
{
  Exchange *exchange = g_task_get_task_data (task);

  if (exchange->error == NULL)
    exchange->error = error;
  else
    g_error_free (error);

  g_cancellable_cancel (exchange->cancellable);
  exchange_finish_if_idle (task);
}

static void
on_exchange_written_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Exchange         *exchange = g_task_get_task_data (task);
  GError           *error = NULL;

  exchange->writing = FALSE;
  g_string_truncate (exchange->written, 0);

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL,
                                         &error))
    {
      exchange_fail (task, error);
      return;
    }

  if (exchange->error != NULL || exchange->stop)
    {
      exchange_finish_if_idle (task);
      return;
    }

  if (exchange->pending->len > 0)
    {
      Pop3Client *self = g_task_get_source_object (task);
      GString    *swap = exchange->written;

      exchange->written = exchange->pending;
      exchange->pending = swap;
      exchange->writing = TRUE;
      g_output_stream_write_all_async (
          g_io_stream_get_output_stream (self->stream), exchange->written->str,
          exchange->written->len, G_PRIORITY_DEFAULT, exchange->cancellable,
          on_exchange_written_cb, g_object_ref (task));
    }
  else
    exchange_finish_if_idle (task);
}

/* Sends what the window allows. One write is in flight at a time; what is
 * queued meanwhile goes out in the next. */
static void
exchange_send (GTask *task)
{
  Pop3Client *self = g_task_get_source_object (task);
  Exchange   *exchange = g_task_get_task_data (task);

  while (exchange->next_send < exchange->requests->len &&
         exchange->next_send - exchange->next_reply < exchange->window)
    {
      Request *request =
          g_ptr_array_index (exchange->requests, exchange->next_send);

      if (request->command != NULL)
        {
          trace_command (request);
          g_string_append (exchange->pending, request->command);
          g_string_append (exchange->pending, "\r\n");
        }
      exchange->next_send++;
    }

  if (!exchange->writing && exchange->pending->len > 0)
    {
      GString *swap = exchange->written;

      exchange->written = exchange->pending;
      exchange->pending = swap;
      exchange->writing = TRUE;
      g_output_stream_write_all_async (
          g_io_stream_get_output_stream (self->stream), exchange->written->str,
          exchange->written->len, G_PRIORITY_DEFAULT, exchange->cancellable,
          on_exchange_written_cb, g_object_ref (task));
    }
}

static GError *
translate_io_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      GError *timeout = g_error_new (POP3_ERROR, POP3_ERROR_TIMEOUT,
                                     "the server did not answer in time");
      g_error_free (error);
      return timeout;
    }
  return error;
}

/* A reply is complete: hand it over, then send what it made room for. */
static gboolean
exchange_complete_reply (GTask *task, Pop3Status *status, GByteArray *body)
{
  Pop3Client *self = g_task_get_source_object (task);
  Exchange   *exchange = g_task_get_task_data (task);
  GError     *error = NULL;
  guint       index = exchange->next_reply;

  if (!exchange->reply_func (self, exchange, index, status, body, &error))
    {
      exchange_fail (task, error);
      return FALSE;
    }

  exchange->next_reply++;
  if (exchange->stop || exchange->next_reply == exchange->requests->len)
    {
      exchange_finish_if_idle (task);
      return FALSE;
    }

  exchange_send (task);
  return TRUE;
}

static void
exchange_process (GTask *task)
{
  Pop3Client *self = g_task_get_source_object (task);
  Exchange   *exchange = g_task_get_task_data (task);

  while (self->start < self->end)
    {
      gsize consumed = 0;

      if (exchange->next_reply >= exchange->next_send)
        {
          /* Bytes nobody asked for: with nothing outstanding the server
           * must be silent. */
          exchange_fail (task,
                         g_error_new_literal (POP3_ERROR, POP3_ERROR_PROTOCOL,
                                              "the server sent data that "
                                              "answers no command"));
          return;
        }

      if (exchange->status == NULL)
        {
          const Request *request =
              g_ptr_array_index (exchange->requests, exchange->next_reply);
          g_autoptr (Pop3Status) status = NULL;
          const char            *line = NULL;
          GError                *error = NULL;

          if (!pop3_line_reader_feed (self->lines, self->buffer + self->start,
                                      self->end - self->start, &consumed, &line,
                                      &error))
            {
              self->start += consumed;
              if (error != NULL)
                {
                  exchange_fail (task, error);
                  return;
                }
              break;
            }
          self->start += consumed;

          status = pop3_status_parse (line, &error);
          if (status == NULL)
            {
              exchange_fail (task, error);
              return;
            }
          g_debug ("S: %s",
                   status->kind == POP3_STATUS_CONTINUE ? "+ …" : line);

          if (status->kind == POP3_STATUS_OK && request->multiline)
            {
              exchange->status = g_steal_pointer (&status);
              exchange->body = g_byte_array_new ();
              pop3_body_reader_reset (self->bodies);
              continue;
            }

          if (!exchange_complete_reply (task, status, NULL))
            return;
        }
      else
        {
          g_autoptr (Pop3Status) status = NULL;
          g_autoptr (GByteArray) body = NULL;

          if (!pop3_body_reader_feed (self->bodies, self->buffer + self->start,
                                      self->end - self->start, &consumed,
                                      exchange->body))
            {
              self->start += consumed;
              break;
            }
          self->start += consumed;

          status = g_steal_pointer (&exchange->status);
          body = g_steal_pointer (&exchange->body);
          if (!exchange_complete_reply (task, status, body))
            return;
        }
    }

  exchange_read (task);
}

static void
on_exchange_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Pop3Client       *self = g_task_get_source_object (task);
  Exchange         *exchange = g_task_get_task_data (task);
  GError           *error = NULL;
  gssize            n;

  exchange->reading = FALSE;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (exchange->error != NULL)
    {
      /* Failed meanwhile; this read was cancelled for it. */
      g_clear_error (&error);
      exchange_finish_if_idle (task);
      return;
    }

  if (n < 0)
    {
      exchange_fail (task, translate_io_error (error));
      return;
    }

  if (n == 0)
    {
      exchange_fail (
          task, g_error_new_literal (POP3_ERROR, POP3_ERROR_CONNECTION_CLOSED,
                                     "the server closed the connection before "
                                     "its reply was complete"));
      return;
    }

  self->end += n;
  exchange_process (task);
}

static void
exchange_read (GTask *task)
{
  Pop3Client *self = g_task_get_source_object (task);
  Exchange   *exchange = g_task_get_task_data (task);

  if (exchange->reading || exchange->error != NULL || exchange->stop ||
      exchange->next_reply == exchange->requests->len)
    return;

  if (self->start == self->end)
    self->start = self->end = 0;
  else if (self->end == READ_BUFFER_SIZE)
    {
      memmove (self->buffer, self->buffer + self->start,
               self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }

  exchange->reading = TRUE;
  g_input_stream_read_async (
      g_io_stream_get_input_stream (self->stream), self->buffer + self->end,
      READ_BUFFER_SIZE - self->end, G_PRIORITY_DEFAULT, exchange->cancellable,
      on_exchange_read_cb, g_object_ref (task));
}

static void
on_caller_cancelled_cb (GCancellable *caller, GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/* Runs @requests on the connection: sends up to @window commands ahead,
 * reads the replies in order, calls @reply_func for each. Any failure
 * drops the connection (the protocol state is unknown after it). */
static void
exchange_async (Pop3Client         *self,
                GPtrArray          *requests,
                guint               window,
                ReplyFunc           reply_func,
                gpointer            data,
                GCancellable       *cancellable,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Exchange         *exchange;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, exchange_async);

  if (!self->connected || self->busy)
    {
      g_ptr_array_unref (requests);
      g_task_return_new_error (task, G_IO_ERROR,
                               self->busy ? G_IO_ERROR_PENDING
                                          : G_IO_ERROR_NOT_CONNECTED,
                               self->busy ? "another command is running"
                                          : "not connected to the server");
      return;
    }

  exchange = g_new0 (Exchange, 1);
  exchange->requests = requests;
  exchange->window = MAX (window, 1);
  exchange->reply_func = reply_func;
  exchange->data = data;
  exchange->pending = g_string_new (NULL);
  exchange->written = g_string_new (NULL);
  exchange->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      exchange->caller_cancellable = g_object_ref (cancellable);
      exchange->cancelled_id = g_cancellable_connect (
          cancellable, G_CALLBACK (on_caller_cancelled_cb),
          exchange->cancellable, NULL);
    }
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  self->busy = TRUE;

  /* A POP3 server speaks only when spoken to: bytes left over from the
   * last exchange answer nothing, and would be taken for the next reply. */
  if (self->start != self->end)
    {
      exchange->next_send = requests->len;
      exchange_fail (task, g_error_new_literal (POP3_ERROR, POP3_ERROR_PROTOCOL,
                                                "the server sent data that "
                                                "answers no command"));
      return;
    }

  if (requests->len == 0)
    {
      exchange_finish_if_idle (task);
      return;
    }

  exchange_send (task);
  exchange_process (task);
}

static gboolean
exchange_finish (Pop3Client *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Errors from server replies ---------------------------------------- */

static char *
printable_server_text (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0' && out->len < 300; p++)
    g_string_append_c (out,
                       (*p >= 0x20 && *p < 0x7f) || (*p & 0x80) ? *p : '?');
  if (!g_utf8_validate (out->str, -1, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, -1);

      g_string_free (out, TRUE);
      return valid;
    }
  return g_string_free (out, FALSE);
}

/* An "-ERR" as an error: the response code decides the kind, the server's
 * own words stay in the message (STYLE.md H5). */
static GError *
error_from_status (const Pop3Status *status,
                   gboolean          authenticating,
                   const char       *what)
{
  g_autofree char *text = printable_server_text (status->text);
  Pop3Error        code;

  switch (status->code)
    {
    case POP3_CODE_AUTH:
      code = POP3_ERROR_AUTH_FAILED;
      break;
    case POP3_CODE_IN_USE:
      code = POP3_ERROR_MAILBOX_IN_USE;
      break;
    case POP3_CODE_LOGIN_DELAY:
      code = POP3_ERROR_LOGIN_DELAY;
      break;
    case POP3_CODE_SYS_TEMP:
      code = POP3_ERROR_SYS_TEMP;
      break;
    case POP3_CODE_SYS_PERM:
      code = POP3_ERROR_SYS_PERM;
      break;
    case POP3_CODE_NONE:
    case POP3_CODE_UTF8:
    case POP3_CODE_OTHER:
    default:
      code = authenticating ? POP3_ERROR_AUTH_FAILED : POP3_ERROR_SERVER;
      break;
    }

  if (status->kind == POP3_STATUS_CONTINUE)
    return g_error_new (POP3_ERROR, POP3_ERROR_PROTOCOL,
                        "%s: the server asked for more where it should "
                        "have answered",
                        what);

  return g_error_new (POP3_ERROR, code, "%s: the server said “%s”", what, text);
}

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
  CONNECT_DONE,
} ConnectStage;

typedef struct
{
  ConnectStage stage;
} ConnectData;

static void connect_next (GTask *task);

static gboolean
on_greeting_reply (Pop3Client *self,
                   Exchange   *exchange,
                   guint       index,
                   Pop3Status *status,
                   GByteArray *body,
                   GError    **error)
{
  if (status->kind != POP3_STATUS_OK)
    {
      *error = error_from_status (status, FALSE,
                                  "The server refused the connection");
      return FALSE;
    }

  g_free (self->greeting);
  self->greeting = printable_server_text (status->text);
  g_free (self->apop_timestamp);
  self->apop_timestamp = pop3_parse_apop_timestamp (status->text);
  return TRUE;
}

static gboolean
on_capa_reply (Pop3Client *self,
               Exchange   *exchange,
               guint       index,
               Pop3Status *status,
               GByteArray *body,
               GError    **error)
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
on_stls_reply (Pop3Client *self,
               Exchange   *exchange,
               guint       index,
               Pop3Status *status,
               GByteArray *body,
               GError    **error)
{
  if (status->kind != POP3_STATUS_OK)
    {
      g_autofree char *text = printable_server_text (status->text);

      g_set_error (error, POP3_ERROR, POP3_ERROR_TLS_REQUIRED,
                   "The server refused STLS (“%s”), so the connection "
                   "cannot be encrypted; no password was sent",
                   text);
      return FALSE;
    }
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

  if (!exchange_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  connect_next (task);
}

static void
run_one (GTask *task, char *command, gboolean multiline, ReplyFunc reply_func)
{
  Pop3Client *self = g_task_get_source_object (task);
  GPtrArray  *requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);

  g_ptr_array_add (requests, request_new (command, multiline, FALSE));
  exchange_async (self, requests, 1, reply_func, NULL,
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
      close_connection (self);
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
          close_connection (self);
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
  GIOStream                     *tls;
  GError                        *error = NULL;

  identity = g_network_address_new (self->host, self->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (self->socket), identity,
                                     &error);
  if (tls == NULL)
    {
      close_connection (self);
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
                        : CONNECT_DONE;
      run_one (task, g_strdup ("CAPA"), TRUE, on_capa_reply);
      return;

    case CONNECT_STLS:
      /* RFC 2595 §4: STLS is announced by CAPA. Without it there is no way
       * to encrypt, and the account asked for encryption: stop here,
       * before any credential (fetchmail's CVE-2021-39272). */
      if (!self->capabilities->stls)
        {
          close_connection (self);
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
              close_connection (self);
              g_task_return_new_error (task, POP3_ERROR, POP3_ERROR_PROTOCOL,
                                       "the server sent data between its STLS "
                                       "reply and the TLS handshake");
              return;
            }
          start_tls (task);
          return;
        }
      /* RFC 2595 §4: what was learnt before TLS is forgotten. */
      data->stage = CONNECT_DONE;
      run_one (task, g_strdup ("CAPA"), TRUE, on_capa_reply);
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
      g_task_return_error (task, translate_io_error (error));
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
on_login_reply (Pop3Client *self,
                Exchange   *exchange,
                guint       index,
                Pop3Status *status,
                GByteArray *body,
                GError    **error)
{
  LoginData *data = exchange->data;
  gboolean   last = index + 1 == exchange->requests->len;
  Request   *next =
      last ? NULL : g_ptr_array_index (exchange->requests, index + 1);

  if (status->kind == POP3_STATUS_ERR)
    {
      *error = error_from_status (status, TRUE, "Login failed");
      return FALSE;
    }

  switch (data->mechanism)
    {
    case POP3_AUTH_USER:
    case POP3_AUTH_APOP:
    case POP3_AUTH_PLAIN:
      if (status->kind != POP3_STATUS_OK)
        {
          *error = error_from_status (status, TRUE, "Login failed");
          return FALSE;
        }
      return TRUE;

    case POP3_AUTH_LOGIN:
      /* "+ VXNlcm5hbWU6", "+ UGFzc3dvcmQ6", then "+OK". */
      if ((last && status->kind != POP3_STATUS_OK) ||
          (!last && status->kind != POP3_STATUS_CONTINUE))
        {
          *error = error_from_status (status, TRUE, "Login failed");
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
          *error = error_from_status (status, TRUE, "Login failed");
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
              *error = error_from_status (status, TRUE, "Login failed");
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
          *error = error_from_status (status, TRUE, "Login failed");
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

  if (!exchange_finish (POP3_CLIENT (source), result, &error))
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
      g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_autofree char *encoded = NULL;

  switch (data->mechanism)
    {
    case POP3_AUTH_USER:
      g_ptr_array_add (
          requests,
          request_new (g_strdup_printf ("USER %s", data->user), FALSE, FALSE));
      g_ptr_array_add (
          requests,
          request_new (g_strdup_printf ("PASS %s", data->secret), FALSE, TRUE));
      break;

    case POP3_AUTH_APOP:
      encoded = pop3_apop_digest (self->apop_timestamp, data->secret);
      g_ptr_array_add (
          requests,
          request_new (g_strdup_printf ("APOP %s %s", data->user, encoded),
                       FALSE, TRUE));
      break;

    case POP3_AUTH_PLAIN:
      encoded = pop3_sasl_plain_response (data->user, data->secret);
      g_ptr_array_add (requests,
                       request_new (g_strdup_printf ("AUTH PLAIN %s", encoded),
                                    FALSE, TRUE));
      break;

    case POP3_AUTH_LOGIN:
      g_ptr_array_add (requests,
                       request_new (g_strdup ("AUTH LOGIN"), FALSE, FALSE));
      g_ptr_array_add (
          requests, request_new (pop3_sasl_base64 (data->user), FALSE, FALSE));
      g_ptr_array_add (
          requests, request_new (pop3_sasl_base64 (data->secret), FALSE, TRUE));
      break;

    case POP3_AUTH_CRAM_MD5:
      g_ptr_array_add (requests,
                       request_new (g_strdup ("AUTH CRAM-MD5"), FALSE, FALSE));
      /* Filled in from the challenge. */
      g_ptr_array_add (requests, request_new (NULL, FALSE, TRUE));
      break;

    case POP3_AUTH_XOAUTH2:
    case POP3_AUTH_OAUTHBEARER:
      g_ptr_array_add (
          requests,
          request_new (
              g_strdup_printf ("AUTH %s", mechanism_name (data->mechanism)),
              FALSE, FALSE));
      g_ptr_array_add (
          requests,
          request_new (
              data->mechanism == POP3_AUTH_XOAUTH2
                  ? pop3_sasl_xoauth2_response (data->user, data->secret)
                  : pop3_sasl_oauthbearer_response (data->user, data->secret),
              FALSE, TRUE));
      /* Only sent when the token is refused (see on_login_reply). */
      g_ptr_array_add (requests, request_new (NULL, FALSE, FALSE));
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

  exchange_async (self, login_requests (self, data), 1, on_login_reply, data,
                  cancellable, on_login_exchange_cb, g_object_ref (task));
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
on_kept_reply (Pop3Client *self,
               Exchange   *exchange,
               guint       index,
               Pop3Status *status,
               GByteArray *body,
               GError    **error)
{
  Reply         *reply = exchange->data;
  const Request *request = g_ptr_array_index (exchange->requests, index);

  if (status->kind != POP3_STATUS_OK)
    {
      *error = error_from_status (status, FALSE, request->command);
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

  if (!exchange_finish (POP3_CLIENT (source), result, &error))
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
      g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  Reply *reply = g_new0 (Reply, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, reply, (GDestroyNotify) reply_free);
  g_ptr_array_add (requests, request_new (command, multiline, FALSE));
  exchange_async (self, requests, 1, on_kept_reply, reply, cancellable,
                  on_command_exchange_cb, g_object_ref (task));
  return task;
}

/* The lines of a listing body, CR and LF stripped. */
static GStrv
body_lines (GByteArray *body)
{
  g_autofree char *text = g_strndup ((const char *) body->data, body->len);
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
on_retrieve_reply (Pop3Client *self,
                   Exchange   *exchange,
                   guint       index,
                   Pop3Status *status,
                   GByteArray *body,
                   GError    **error)
{
  RetrieveData      *data = exchange->data;
  const Request     *request = g_ptr_array_index (exchange->requests, index);
  g_autoptr (GBytes) message = NULL;
  guint              msgno;

  if (status->kind != POP3_STATUS_OK)
    {
      *error = error_from_status (status, FALSE, request->command);
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

  requests = g_ptr_array_new_full (n_msgnos, (GDestroyNotify) request_free);
  for (guint i = 0; i < n_msgnos; i++)
    {
      char *command = top_lines < 0
                          ? g_strdup_printf ("RETR %u", msgnos[i])
                          : g_strdup_printf ("TOP %u %d", msgnos[i], top_lines);

      g_ptr_array_add (requests, request_new (command, TRUE, FALSE));
    }

  exchange_async (self, requests,
                  pop3_client_is_pipelining (self) ? self->window : 1,
                  on_retrieve_reply, data, cancellable, on_command_exchange_cb,
                  g_object_ref (task));
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
on_ok_reply (Pop3Client *self,
             Exchange   *exchange,
             guint       index,
             Pop3Status *status,
             GByteArray *body,
             GError    **error)
{
  const Request *request = g_ptr_array_index (exchange->requests, index);

  if (status->kind != POP3_STATUS_OK)
    {
      *error = error_from_status (status, FALSE, request->command);
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

  requests = g_ptr_array_new_full (n_msgnos, (GDestroyNotify) request_free);
  for (guint i = 0; i < n_msgnos; i++)
    g_ptr_array_add (
        requests,
        request_new (g_strdup_printf ("DELE %u", msgnos[i]), FALSE, FALSE));

  exchange_async (self, requests,
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

  if (!exchange_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  close_connection (self);
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

  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_ptr_array_add (requests, request_new (g_strdup ("QUIT"), FALSE, FALSE));
  exchange_async (self, requests, 1, on_ok_reply, NULL, cancellable,
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

  close_connection (self);
}

/* Object ------------------------------------------------------------- */

static void
pop3_client_finalize (GObject *object)
{
  Pop3Client *self = POP3_CLIENT (object);

  close_connection (self);
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
