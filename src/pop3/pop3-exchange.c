/* pop3-exchange.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pop3-client-private.h"
#include "pop3-error.h"

/* The engine under every Pop3Client command: send commands up to a window
 * ahead of their replies, read the replies in order through the pure
 * parser, and drop the connection at the first failure. */

/* The exchange: send commands, read their replies in order ----------- */

void
_pop3_request_free (Pop3Request *request)
{
  if (request->command != NULL && request->sensitive)
    memset (request->command, 0, strlen (request->command));
  g_free (request->command);
  g_free (request);
}

Pop3Request *
_pop3_request_new (char *command, gboolean multiline, gboolean sensitive)
{
  Pop3Request *request = g_new0 (Pop3Request, 1);

  request->command = command;
  request->multiline = multiline;
  request->sensitive = sensitive;
  return request;
}

static void
exchange_free (Pop3Exchange *exchange)
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
  g_clear_error (&exchange->read_error);
  g_free (exchange);
}

static void exchange_read (GTask *task);
static void exchange_process (GTask *task);

/* What the trace shows of a command: the command word alone for those that
 * carry a secret (DESIGN.md invariant 6). */
static void
trace_command (const Pop3Request *request)
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
on_stream_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GSocketConnection *socket = user_data;

  /* The connection is being dropped: a failed close changes nothing. */
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  g_clear_object (&socket);
}

void
_pop3_client_close_connection (Pop3Client *self)
{
  /* Dropping the connection without QUIT leaves the server in the
   * AUTHORIZATION or TRANSACTION state: RFC 1939 §6 says nothing marked
   * deleted is removed then. */
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  /* TLS closes on a thread of its own, writing close_notify to the
   * socket: the socket connection (whose last reference closes the
   * socket) goes only once that close is done. */
  if (self->stream != NULL)
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                             on_stream_closed_cb,
                             g_steal_pointer (&self->socket));
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  self->connected = FALSE;
  self->encrypted = FALSE;
  self->start = self->end = 0;
  pop3_line_reader_reset (self->lines);
  pop3_body_reader_reset (self->bodies);
}

static void keepalive_arm (Pop3Client *self);

/* Completes the exchange once nothing is in flight: a read or a write
 * that is still out holds the buffer and the stream. */
static void
exchange_finish_if_idle (GTask *task)
{
  Pop3Client   *self = g_task_get_source_object (task);
  Pop3Exchange *exchange = g_task_get_task_data (task);
  gboolean      all_read =
      exchange->next_reply == exchange->requests->len || exchange->stop;

  if (exchange->writing || exchange->reading)
    return;
  if (exchange->error == NULL && !all_read)
    return;

  self->busy = FALSE;
  if (exchange->error != NULL)
    {
      if (exchange->in_sync)
        keepalive_arm (self);
      else
        _pop3_client_close_connection (self);
      g_task_return_error (task, g_steal_pointer (&exchange->error));
    }
  else
    {
      keepalive_arm (self);
      g_task_return_boolean (task, TRUE);
    }
}

static void
exchange_fail (GTask *task, GError *error)
{
  Pop3Exchange *exchange = g_task_get_task_data (task);

  if (exchange->error == NULL)
    exchange->error = error;
  else
    g_error_free (error);

  g_cancellable_cancel (exchange->cancellable);
  exchange_finish_if_idle (task);
}

static void on_exchange_written_cb (GObject      *source,
                                    GAsyncResult *result,
                                    gpointer      user_data);

/* Hands the queued commands to one write, if there are any; what is queued
 * while it is in flight waits for the next. Returns whether it wrote. */
static gboolean
exchange_write_pending (GTask *task)
{
  Pop3Client   *self = g_task_get_source_object (task);
  Pop3Exchange *exchange = g_task_get_task_data (task);
  GString      *swap = exchange->written;

  if (exchange->pending->len == 0)
    return FALSE;

  exchange->written = exchange->pending;
  exchange->pending = swap;
  exchange->writing = TRUE;
  g_output_stream_write_all_async (
      g_io_stream_get_output_stream (self->stream), exchange->written->str,
      exchange->written->len, G_PRIORITY_DEFAULT, exchange->cancellable,
      on_exchange_written_cb, g_object_ref (task));
  return TRUE;
}

static void
on_exchange_written_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Pop3Exchange     *exchange = g_task_get_task_data (task);
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

  if (!exchange_write_pending (task))
    exchange_finish_if_idle (task);
}

/* Sends what the window allows. One write is in flight at a time; what is
 * queued meanwhile goes out in the next. */
static void
exchange_send (GTask *task)
{
  Pop3Exchange *exchange = g_task_get_task_data (task);

  while (exchange->next_send < exchange->requests->len &&
         exchange->next_send - exchange->next_reply < exchange->window)
    {
      Pop3Request *request =
          g_ptr_array_index (exchange->requests, exchange->next_send);

      if (request->command != NULL)
        {
          trace_command (request);
          g_string_append (exchange->pending, request->command);
          g_string_append (exchange->pending, "\r\n");
        }
      exchange->next_send++;
    }

  if (!exchange->writing)
    exchange_write_pending (task);
}

GError *
_pop3_translate_io_error (GError *error)
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
  Pop3Client   *self = g_task_get_source_object (task);
  Pop3Exchange *exchange = g_task_get_task_data (task);
  GError       *error = NULL;
  guint         index = exchange->next_reply;

  if (!exchange->reply_func (self, exchange, index, status, body, &error))
    {
      /* A refusal leaves the connection usable when it answered the
       * last command sent: those not sent yet are simply not sent (a TOP
       * refused by a server without it, and then RETR, engine-fetch.c). */
      exchange->in_sync =
          index + 1 == exchange->next_send && status->kind == POP3_STATUS_ERR &&
          (g_error_matches (error, POP3_ERROR, POP3_ERROR_SERVER) ||
           g_error_matches (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED));
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
  Pop3Client   *self = g_task_get_source_object (task);
  Pop3Exchange *exchange = g_task_get_task_data (task);

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
          const Pop3Request *request =
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

/* Takes what the stream has ready without waiting, up to a full buffer:
 * a TLS stream hands out one record per read (often 4 KB, as servers
 * write them), and a main-loop turn per record cost more than the
 * decryption. An error is kept for after the bytes before it. */
static void
drain_ready_bytes (Pop3Client *self, Pop3Exchange *exchange)
{
  GInputStream *input = g_io_stream_get_input_stream (self->stream);

  if (!G_IS_POLLABLE_INPUT_STREAM (input) ||
      !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (input)))
    return;

  while (self->end < READ_BUFFER_SIZE)
    {
      GError *error = NULL;
      gssize  n = g_pollable_input_stream_read_nonblocking (
           G_POLLABLE_INPUT_STREAM (input), self->buffer + self->end,
           READ_BUFFER_SIZE - self->end, exchange->cancellable, &error);

      if (n > 0)
        {
          self->end += n;
          continue;
        }
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        exchange->read_error = _pop3_translate_io_error (error);
      else
        g_clear_error (&error);
      /* 0: the end of the stream; the next read sees it again. */
      return;
    }
}

static void
on_exchange_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Pop3Client       *self = g_task_get_source_object (task);
  Pop3Exchange     *exchange = g_task_get_task_data (task);
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
      exchange_fail (task, _pop3_translate_io_error (error));
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
  drain_ready_bytes (self, exchange);
  exchange_process (task);
}

static void
exchange_read (GTask *task)
{
  Pop3Client   *self = g_task_get_source_object (task);
  Pop3Exchange *exchange = g_task_get_task_data (task);

  if (exchange->reading || exchange->error != NULL || exchange->stop ||
      exchange->next_reply == exchange->requests->len)
    return;

  if (exchange->read_error != NULL)
    {
      exchange_fail (task, g_steal_pointer (&exchange->read_error));
      return;
    }

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
static void exchange_start (GTask *task);

/* Keepalive ----------------------------------------------------------- */

static gboolean
on_keepalive_reply (Pop3Client   *self,
                    Pop3Exchange *exchange,
                    guint         index,
                    Pop3Status   *status,
                    GByteArray   *body,
                    GError      **error)
{
  if (status->kind != POP3_STATUS_OK)
    {
      *error = _pop3_error_from_status (status, FALSE, "NOOP");
      return FALSE;
    }
  return TRUE;
}

static void
on_keepalive_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Pop3Client) self = user_data;
  g_autoptr (GTask)      waiting = g_steal_pointer (&self->waiting);
  g_autoptr (GError)     error = NULL;

  self->keepalive_running = FALSE;
  if (!_pop3_exchange_finish (self, result, &error))
    g_debug ("keepalive: %s", error->message);

  if (waiting == NULL)
    return;

  /* The NOOP failed and took the connection with it: the command that
   * waited for it cannot run. */
  if (!self->connected)
    {
      g_task_return_new_error (waiting, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "the connection to the server was lost");
      return;
    }

  exchange_start (waiting);
}

/* While the caller works between commands (a slow store commit before
 * DELE, say), a NOOP now and then keeps the server from logging the
 * session out, which would void it (RFC 1939 §3: autologout timer). */
static gboolean
on_keepalive_timeout_cb (gpointer user_data)
{
  Pop3Client *self = user_data;
  GPtrArray  *requests;

  self->keepalive_id = 0;
  if (self->busy || !self->connected)
    return G_SOURCE_REMOVE;

  requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify) _pop3_request_free);
  g_ptr_array_add (requests,
                   _pop3_request_new (g_strdup ("NOOP"), FALSE, FALSE));
  self->keepalive_running = TRUE;
  _pop3_exchange_async (self, requests, 1, on_keepalive_reply, NULL, NULL,
                        on_keepalive_done_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
keepalive_arm (Pop3Client *self)
{
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->connected && self->keepalive_seconds > 0)
    self->keepalive_id = g_timeout_add (self->keepalive_seconds * 1000,
                                        on_keepalive_timeout_cb, self);
}

void
_pop3_exchange_async (Pop3Client         *self,
                      GPtrArray          *requests,
                      guint               window,
                      Pop3ReplyFunc       reply_func,
                      gpointer            data,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  Pop3Exchange     *exchange;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _pop3_exchange_async);

  if (!self->connected ||
      (self->busy && (!self->keepalive_running || self->waiting != NULL)))
    {
      g_ptr_array_unref (requests);
      g_task_return_new_error (task, G_IO_ERROR,
                               self->busy ? G_IO_ERROR_PENDING
                                          : G_IO_ERROR_NOT_CONNECTED,
                               self->busy ? "another command is running"
                                          : "not connected to the server");
      return;
    }

  exchange = g_new0 (Pop3Exchange, 1);
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

  /* A keepalive NOOP the caller did not ask for is no reason to refuse
   * the caller's command: it waits for the NOOP's reply. */
  if (self->busy)
    {
      g_assert (self->keepalive_running && self->waiting == NULL);
      self->waiting = g_steal_pointer (&task);
      return;
    }

  exchange_start (task);
}

/* Runs an exchange that was set up by _pop3_exchange_async (). */
static void
exchange_start (GTask *task)
{
  Pop3Client   *self = g_task_get_source_object (task);
  Pop3Exchange *exchange = g_task_get_task_data (task);
  GPtrArray    *requests = exchange->requests;

  g_clear_handle_id (&self->keepalive_id, g_source_remove);
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

gboolean
_pop3_exchange_finish (Pop3Client *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Errors from server replies ---------------------------------------- */

char *
_pop3_printable_server_text (const char *text)
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
GError *
_pop3_error_from_status (const Pop3Status *status,
                         gboolean          authenticating,
                         const char       *what)
{
  g_autofree char *text = _pop3_printable_server_text (status->text);
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
