/* pigeon-fault-server.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-fault-server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <string.h>

/* One read asks for this much; a command line may span several reads. */
#define READ_CHUNK (16 * 1024)

/* What a closing step still picks up of commands that already arrived. */
#define SALVAGE_MAX (64 * 1024)

/* Cancelled GIO operations finish at once; if they have not after this
 * long, something is badly wrong and a clear abort beats a hung test. */
#define STOP_GUARD_MS 10000

/* Longest excerpt of a command or reply quoted in a description. */
#define QUOTE_MAX 60

typedef enum
{
  STEP_SEND,
  STEP_SEND_CHUNKED,
  STEP_EXPECT,
  STEP_STALL,
  STEP_CLOSE,
  STEP_START_TLS,
  STEP_CALL,
} StepKind;

typedef enum
{
  MATCH_EXACT,
  MATCH_PREFIX,
  MATCH_REGEX,
} MatchKind;

typedef struct
{
  StepKind  kind;
  char     *description; /* for failure messages: "expect 'CAPA'" */
  GBytes   *data;        /* STEP_SEND, STEP_SEND_CHUNKED */
  gsize     chunk_size;  /* STEP_SEND_CHUNKED */
  guint     ms;          /* STEP_STALL; pause between chunks */
  MatchKind match;       /* STEP_EXPECT */
  char     *pattern;     /* STEP_EXPECT */
  GRegex   *regex;       /* STEP_EXPECT with MATCH_REGEX */
  GFunc     call;        /* STEP_CALL */
  gpointer  call_data;   /* STEP_CALL */
} Step;

struct _PigeonFaultServer
{
  /* Set before _start and only read afterwards, by both threads. */
  GTlsCertificate       *certificate;
  PigeonFaultServerFlags flags;
  GPtrArray             *steps;
  guint                  n_connections;
  GError                *setup_error;
  gboolean               script_closes;
  gboolean               needs_tls;
  guint16                port;
  GMainContext          *context;
  GCancellable          *cancellable;
  GSocketListener       *listener;

  /* Owned by the test thread. */
  GThread   *thread;
  GPtrArray *received_public;

  /* Written by the test thread, read by the server thread. */
  int stopping; /* atomic */

  /* Owned by the server thread while it runs. */
  guint              n_pending;
  guint              n_accepted;
  GSocketConnection *connection;
  GIOStream         *stream; /* connection, or TLS over it */
  GByteArray        *inbuf;
  guint8            *readbuf;
  guint              step_index;
  gsize              chunk_offset;
  GSource           *timer;
  gboolean           draining;
  gboolean           closing;
  gboolean           tls_for_step; /* else implicit TLS */
  gboolean           handshaking;
  gboolean           stop_overdue;

  /* Shared, under mutex. */
  GMutex     mutex;
  GCond      cond;
  GPtrArray *received;
  GError    *failure;
  guint      n_ended;
  guint      progress_connection;
  guint      progress_step;
  gboolean   progress_script_done;
};

G_DEFINE_QUARK (pigeon - fault - server - error - quark,
                pigeon_fault_server_error)

static void run_step (PigeonFaultServer *self);
static void process_input (PigeonFaultServer *self);
static void end_connection (PigeonFaultServer *self);
static void record_failure (PigeonFaultServer     *self,
                            PigeonFaultServerError code,
                            const char            *format,
                            ...) G_GNUC_PRINTF (3, 4);

static void
step_free (gpointer data)
{
  Step *step = data;

  g_free (step->description);
  g_clear_pointer (&step->data, g_bytes_unref);
  g_free (step->pattern);
  g_clear_pointer (&step->regex, g_regex_unref);
  g_free (step);
}

/* Quotes the start of @text (at most @len bytes) for a message, with
 * control characters escaped so a stray CR or binary byte stays visible. */
static char *
quote_text (const char *text, gsize len)
{
  g_autofree char *cut = g_strndup (text, MIN (len, QUOTE_MAX));
  g_autofree char *escaped = g_strescape (cut, NULL);

  if (len > QUOTE_MAX)
    return g_strdup_printf ("'%s'...", escaped);
  return g_strdup_printf ("'%s'", escaped);
}

/* Takes ownership of @step; a step after a closing one could never run,
 * so that is reported by _start rather than silently skipped. */
static void
add_step (PigeonFaultServer *self, Step *step)
{
  if (self->script_closes && self->setup_error == NULL)
    self->setup_error =
        g_error_new (PIGEON_FAULT_SERVER_ERROR, PIGEON_FAULT_SERVER_ERROR_SETUP,
                     "step %u (%s) follows a close and can "
                     "never run",
                     self->steps->len + 1, step->description);
  if (step->kind == STEP_CLOSE)
    self->script_closes = TRUE;
  if (step->kind == STEP_START_TLS)
    self->needs_tls = TRUE;
  g_ptr_array_add (self->steps, step);
}

static void
add_send_step (PigeonFaultServer *self, GBytes *data, char *description)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_SEND;
  step->data = data;
  step->description = description;
  add_step (self, step);
}

/* Builds "status CRLF line CRLF ... [. CRLF]", dot-stuffing each line as
 * RFC 1939 asks, from a NULL-terminated list. */
static GBytes *
build_multiline (const char *status, va_list lines, gboolean terminated)
{
  GString    *text = g_string_new (status);
  const char *line;

  g_string_append (text, "\r\n");
  while ((line = va_arg (lines, const char *)) != NULL)
    {
      if (line[0] == '.')
        g_string_append_c (text, '.');
      g_string_append (text, line);
      g_string_append (text, "\r\n");
    }
  if (terminated)
    g_string_append (text, ".\r\n");

  return g_string_free_to_bytes (text);
}

static Step *
current_step (PigeonFaultServer *self)
{
  g_assert (self->step_index < self->steps->len);
  return g_ptr_array_index (self->steps, self->step_index);
}

static gboolean
is_stopping (PigeonFaultServer *self)
{
  return g_atomic_int_get (&self->stopping) ||
         g_cancellable_is_cancelled (self->cancellable);
}

/* Tells waiters where the current connection is in the script. */
static void
publish_progress (PigeonFaultServer *self)
{
  g_mutex_lock (&self->mutex);
  self->progress_connection = self->n_accepted;
  self->progress_step = self->step_index;
  self->progress_script_done = self->step_index >= self->steps->len;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* Keeps the first failure, with where in the script it happened, and wakes
 * _wait. Later failures are dropped: they follow from the first. */
static void
record_failure (PigeonFaultServer     *self,
                PigeonFaultServerError code,
                const char            *format,
                ...)
{
  g_autofree char *message = NULL;
  g_autofree char *where = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->handshaking && !self->tls_for_step)
    where = g_strdup_printf ("implicit TLS handshake before step 1; "
                             "connection %u of %u",
                             self->n_accepted, self->n_connections);
  else if (self->step_index < self->steps->len)
    where = g_strdup_printf ("step %u of %u, %s; connection %u of %u",
                             self->step_index + 1, self->steps->len,
                             current_step (self)->description, self->n_accepted,
                             self->n_connections);
  else
    where = g_strdup_printf ("after the script's %u steps; connection %u "
                             "of %u",
                             self->steps->len, self->n_accepted,
                             self->n_connections);

  g_mutex_lock (&self->mutex);
  if (self->failure == NULL)
    self->failure = g_error_new (PIGEON_FAULT_SERVER_ERROR, code, "%s (%s)",
                                 message, where);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static void
record_line (PigeonFaultServer *self, const char *line)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->received, g_strdup (line));
  g_mutex_unlock (&self->mutex);
}

static void
clear_timer (PigeonFaultServer *self)
{
  if (self->timer == NULL)
    return;

  g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
}

static void
start_timer (PigeonFaultServer *self, guint ms, GSourceFunc callback)
{
  g_assert (self->timer == NULL);

  self->timer = g_timeout_source_new (ms);
  g_source_set_callback (self->timer, callback, self, NULL);
  g_source_attach (self->timer, self->context);
}

/* Splits the first complete line off the input buffer into *line, CRLF
 * stripped; *line is NULL when more input is needed. Returns FALSE, with
 * the failure recorded, when the client broke the line rules. */
static gboolean
take_line (PigeonFaultServer *self, char **line)
{
  const char *data = (const char *) self->inbuf->data;
  /* memchr() wants a real pointer even for zero bytes. */
  const char *lf =
      self->inbuf->len > 0 ? memchr (data, '\n', self->inbuf->len) : NULL;
  gsize len;

  *line = NULL;
  if (lf == NULL)
    {
      if (self->inbuf->len >= PIGEON_FAULT_SERVER_MAX_LINE)
        {
          record_failure (self, PIGEON_FAULT_SERVER_ERROR_PROTOCOL,
                          "client sent a command line longer than %u bytes",
                          PIGEON_FAULT_SERVER_MAX_LINE);
          return FALSE;
        }
      return TRUE;
    }

  len = (gsize) (lf - data) + 1;
  if (len > PIGEON_FAULT_SERVER_MAX_LINE)
    {
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_PROTOCOL,
                      "client sent a command line of %" G_GSIZE_FORMAT
                      " bytes, over %u",
                      len, PIGEON_FAULT_SERVER_MAX_LINE);
      return FALSE;
    }
  if (memchr (data, '\0', len) != NULL)
    {
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_PROTOCOL,
                      "client sent a command line with a NUL byte");
      return FALSE;
    }
  if (len < 2 || data[len - 2] != '\r')
    {
      g_autofree char *bare = g_strndup (data, len - 1);
      g_autofree char *quoted = quote_text (bare, len - 1);

      /* In the transcript too: it is what the client sent. */
      record_line (self, bare);
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_PROTOCOL,
                      "client ended command line %s with a bare LF, not CRLF",
                      quoted);
      return FALSE;
    }

  *line = g_strndup (data, len - 2);
  g_byte_array_remove_range (self->inbuf, 0, len);
  return TRUE;
}

/* Compares a received line with the current expect step; records the
 * mismatch and returns FALSE when it differs. */
static gboolean
check_expect (PigeonFaultServer *self, const char *line)
{
  Step            *step = current_step (self);
  g_autofree char *got = quote_text (line, strlen (line));
  g_autofree char *wanted = quote_text (step->pattern, strlen (step->pattern));

  switch (step->match)
    {
    case MATCH_EXACT:
      if (g_str_equal (line, step->pattern))
        return TRUE;
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_MISMATCH,
                      "expected %s, got %s", wanted, got);
      break;

    case MATCH_PREFIX:
      if (g_str_has_prefix (line, step->pattern))
        return TRUE;
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_MISMATCH,
                      "expected a line starting with %s, got %s", wanted, got);
      break;

    case MATCH_REGEX:
      if (g_regex_match (step->regex, line, 0, NULL))
        return TRUE;
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_MISMATCH,
                      "expected a line matching /%s/, got %s", step->pattern,
                      got);
      break;

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/* Records lines that already arrived though no step asked for them, so the
 * transcript is complete when the script closes on a client. Only reads
 * what is there now, never waits; lines are taken as they are. */
static void
salvage_input (PigeonFaultServer *self)
{
  GInputStream *input = g_io_stream_get_input_stream (self->stream);
  gsize         total = 0;
  const char   *lf;

  if (G_IS_POLLABLE_INPUT_STREAM (input) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (input)))
    {
      while (total < SALVAGE_MAX)
        {
          gssize n = g_pollable_input_stream_read_nonblocking (
              G_POLLABLE_INPUT_STREAM (input), self->readbuf, READ_CHUNK, NULL,
              NULL);

          if (n <= 0)
            break;
          g_byte_array_append (self->inbuf, self->readbuf, n);
          total += n;
        }
    }

  while (self->inbuf->len > 0 &&
         (lf = memchr (self->inbuf->data, '\n', self->inbuf->len)) != NULL)
    {
      gsize            len = (gsize) (lf - (const char *) self->inbuf->data);
      g_autofree char *line = g_strndup ((const char *) self->inbuf->data, len);

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      record_line (self, line);
      g_byte_array_remove_range (self->inbuf, 0, len + 1);
    }
}

static void accept_next (PigeonFaultServer *self);

/* Accounts for a connection that is gone, and accepts the next client when
 * the script is to be replayed and nothing failed. */
static void
connection_ended (PigeonFaultServer *self)
{
  gboolean more;

  g_mutex_lock (&self->mutex);
  self->n_ended++;
  more = self->failure == NULL && self->n_ended < self->n_connections;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (more && !is_stopping (self))
    accept_next (self);
  else
    /* Nobody else gets the script: refuse rather than leave a client
     * hanging in the backlog. */
    g_socket_listener_close (self->listener);
}

/* Drops the connection at once; closing the socket itself makes sure the
 * descriptor goes even when a TLS close could not finish. */
static void
close_now (PigeonFaultServer *self)
{
  clear_timer (self);
  if (self->connection != NULL)
    g_socket_close (g_socket_connection_get_socket (self->connection), NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->connection);
  g_byte_array_set_size (self->inbuf, 0);
  self->draining = FALSE;
  self->closing = FALSE;
}

static void
on_close_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PigeonFaultServer *self = user_data;

  self->n_pending--;
  /* A failed close (say a TLS close_notify to a client that left) changes
   * nothing: the connection is over either way. */
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  close_now (self);
  connection_ended (self);
}

/* Closes the current connection: cleanly (TLS close_notify, then FIN) while
 * running, at once while stopping. */
static void
end_connection (PigeonFaultServer *self)
{
  clear_timer (self);
  if (self->stream == NULL || self->closing)
    return;

  if (is_stopping (self))
    {
      close_now (self);
      connection_ended (self);
      return;
    }

  self->closing = TRUE;
  self->n_pending++;
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, self->cancellable,
                           on_close_cb, self);
}

static void
advance (PigeonFaultServer *self)
{
  self->step_index++;
  run_step (self);
}

static void
on_read_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PigeonFaultServer *self = user_data;
  g_autoptr (GError) error = NULL;
  gssize             n;

  self->n_pending--;
  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  /* After the script the client may leave as it likes; before its end,
   * leaving is a failure the test wants to hear about. */
  if (n < 0)
    {
      if (!is_stopping (self) && !self->draining)
        record_failure (self, PIGEON_FAULT_SERVER_ERROR_DISCONNECTED,
                        "client connection failed while the server waited "
                        "for a command: %s",
                        error->message);
      end_connection (self);
      return;
    }
  if (n == 0)
    {
      if (!is_stopping (self) && !self->draining)
        record_failure (self, PIGEON_FAULT_SERVER_ERROR_DISCONNECTED,
                        "client disconnected while the server waited for a "
                        "command");
      end_connection (self);
      return;
    }

  g_byte_array_append (self->inbuf, self->readbuf, n);
  process_input (self);
}

static void
read_more (PigeonFaultServer *self)
{
  self->n_pending++;
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream),
                             self->readbuf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             self->cancellable, on_read_cb, self);
}

/* Hands complete lines to the current expect step, or after the script
 * just records them; reads more when no complete line is buffered. */
static void
process_input (PigeonFaultServer *self)
{
  for (;;)
    {
      g_autofree char *line = NULL;

      if (is_stopping (self) || !take_line (self, &line))
        {
          end_connection (self);
          return;
        }
      if (line == NULL)
        {
          read_more (self);
          return;
        }

      record_line (self, line);
      if (!self->draining)
        {
          if (check_expect (self, line))
            advance (self);
          else
            end_connection (self);
          return;
        }
    }
}

static void send_next_chunk (PigeonFaultServer *self);

static gboolean
on_chunk_timer_cb (gpointer user_data)
{
  PigeonFaultServer *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  send_next_chunk (self);
  return G_SOURCE_REMOVE;
}

static void
on_write_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PigeonFaultServer *self = user_data;
  g_autoptr (GError) error = NULL;
  Step              *step;

  self->n_pending--;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL,
                                         &error))
    {
      if (!is_stopping (self))
        record_failure (self, PIGEON_FAULT_SERVER_ERROR_DISCONNECTED,
                        "could not send to the client: %s", error->message);
      end_connection (self);
      return;
    }
  if (is_stopping (self))
    {
      end_connection (self);
      return;
    }

  step = current_step (self);
  if (step->kind == STEP_SEND_CHUNKED)
    {
      gsize size = g_bytes_get_size (step->data);

      self->chunk_offset += MIN (step->chunk_size, size - self->chunk_offset);
      if (self->chunk_offset < size)
        {
          if (step->ms > 0)
            start_timer (self, step->ms, on_chunk_timer_cb);
          else
            send_next_chunk (self);
          return;
        }
    }

  advance (self);
}

static void
write_data (PigeonFaultServer *self, const guint8 *data, gsize len)
{
  self->n_pending++;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   data, len, G_PRIORITY_DEFAULT,
                                   self->cancellable, on_write_cb, self);
}

static void
send_next_chunk (PigeonFaultServer *self)
{
  Step         *step = current_step (self);
  gsize         size;
  const guint8 *data = g_bytes_get_data (step->data, &size);

  if (is_stopping (self))
    {
      end_connection (self);
      return;
    }

  write_data (self, data + self->chunk_offset,
              MIN (step->chunk_size, size - self->chunk_offset));
}

static gboolean
on_stall_timer_cb (gpointer user_data)
{
  PigeonFaultServer *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  advance (self);
  return G_SOURCE_REMOVE;
}

static void
on_handshake_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PigeonFaultServer *self = user_data;
  g_autoptr (GError) error = NULL;

  self->n_pending--;
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result,
                                          &error))
    {
      if (!is_stopping (self))
        record_failure (self, PIGEON_FAULT_SERVER_ERROR_TLS,
                        "TLS handshake failed: %s", error->message);
      self->handshaking = FALSE;
      end_connection (self);
      return;
    }
  self->handshaking = FALSE;

  /* Implicit TLS runs before step 1; a start-TLS step is done now. */
  if (self->tls_for_step)
    advance (self);
  else
    run_step (self);
}

/* Wraps the connection in TLS and shakes hands; the script goes on over
 * TLS. Bytes the client sent before the handshake would be plaintext
 * smuggled into the TLS session (the STARTTLS injection of CVE-2011-0411),
 * so any are a failure. */
static void
begin_tls (PigeonFaultServer *self, gboolean for_step)
{
  g_autoptr (GError) error = NULL;
  GIOStream         *tls;

  if (self->inbuf->len > 0)
    {
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_PROTOCOL,
                      "client sent %u bytes after STLS, before the TLS "
                      "handshake",
                      self->inbuf->len);
      end_connection (self);
      return;
    }

  tls = g_tls_server_connection_new (self->stream, self->certificate, &error);
  if (tls == NULL)
    {
      record_failure (self, PIGEON_FAULT_SERVER_ERROR_TLS,
                      "could not set up TLS: %s", error->message);
      end_connection (self);
      return;
    }
  /* A client that just drops the line reads as EOF; the script judges
   * whether that was too early. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);

  g_object_unref (self->stream);
  self->stream = tls;

  self->tls_for_step = for_step;
  self->handshaking = TRUE;
  self->n_pending++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (self->stream),
                                    G_PRIORITY_DEFAULT, self->cancellable,
                                    on_handshake_cb, self);
}

/* Plays the current step; each step's completion calls advance(), so the
 * steps run in order and only one operation is ever pending. */
static void
run_step (PigeonFaultServer *self)
{
  Step         *step;
  gsize         size;
  const guint8 *data;

  if (is_stopping (self))
    {
      end_connection (self);
      return;
    }

  publish_progress (self);
  if (self->step_index >= self->steps->len)
    {
      self->draining = TRUE;
      process_input (self);
      return;
    }

  step = current_step (self);
  switch (step->kind)
    {
    case STEP_SEND:
      data = g_bytes_get_data (step->data, &size);
      write_data (self, data, size);
      break;

    case STEP_SEND_CHUNKED:
      self->chunk_offset = 0;
      send_next_chunk (self);
      break;

    case STEP_EXPECT:
      process_input (self);
      break;

    case STEP_STALL:
      start_timer (self, step->ms, on_stall_timer_cb);
      break;

    case STEP_CLOSE:
      salvage_input (self);
      self->step_index++;
      publish_progress (self);
      end_connection (self);
      break;

    case STEP_START_TLS:
      begin_tls (self, TRUE);
      break;

    case STEP_CALL:
      step->call (self, step->call_data);
      advance (self);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_accept_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PigeonFaultServer            *self = user_data;
  g_autoptr (GError)            error = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  GSocket                      *socket;

  self->n_pending--;
  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object),
                                                result, NULL, &error);
  if (connection == NULL)
    {
      if (!is_stopping (self))
        record_failure (self, PIGEON_FAULT_SERVER_ERROR_DISCONNECTED,
                        "could not accept client %u: %s", self->n_accepted + 1,
                        error->message);
      return;
    }
  if (is_stopping (self))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }

  self->n_accepted++;
  /* Later clients are refused rather than left waiting in the backlog. */
  if (self->n_accepted == self->n_connections)
    g_socket_listener_close (self->listener);

  socket = g_socket_connection_get_socket (connection);
  /* Each write leaves at once, so send_chunked really splits the data. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  self->connection = g_object_ref (connection);
  self->stream = G_IO_STREAM (g_steal_pointer (&connection));
  self->step_index = 0;
  self->draining = FALSE;
  g_byte_array_set_size (self->inbuf, 0);
  publish_progress (self);

  if (self->flags & PIGEON_FAULT_SERVER_IMPLICIT_TLS)
    begin_tls (self, FALSE);
  else
    run_step (self);
}

static void
accept_next (PigeonFaultServer *self)
{
  self->n_pending++;
  g_socket_listener_accept_async (self->listener, self->cancellable,
                                  on_accept_cb, self);
}

static gboolean
on_stop_guard_cb (gpointer user_data)
{
  PigeonFaultServer *self = user_data;

  self->stop_overdue = TRUE;
  return G_SOURCE_REMOVE;
}

/* The server thread: everything it does runs from its own main context, so
 * the test thread is free to block or to run a main loop of its own. It
 * returns once stopping was asked and every pending operation, cancelled,
 * has come back, so no callback can outlive the server. */
static gpointer
server_thread (gpointer data)
{
  PigeonFaultServer *self = data;
  GSource           *guard = NULL;

  g_main_context_push_thread_default (self->context);
  accept_next (self);

  for (;;)
    {
      if (g_atomic_int_get (&self->stopping))
        {
          clear_timer (self);
          if (self->n_pending == 0)
            break;
          if (guard == NULL)
            {
              g_cancellable_cancel (self->cancellable);
              guard = g_timeout_source_new (STOP_GUARD_MS);
              g_source_set_callback (guard, on_stop_guard_cb, self, NULL);
              g_source_attach (guard, self->context);
            }
          if (self->stop_overdue)
            g_error ("fault server: %u operations still pending %u ms after "
                     "stop",
                     self->n_pending, STOP_GUARD_MS);
        }
      g_main_context_iteration (self->context, TRUE);
    }

  if (guard != NULL)
    {
      g_source_destroy (guard);
      g_source_unref (guard);
    }
  if (self->stream != NULL)
    close_now (self);
  g_socket_listener_close (self->listener);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * pigeon_fault_server_new:
 * @certificate: (nullable): certificate with private key, needed for
 *   %PIGEON_FAULT_SERVER_IMPLICIT_TLS and for _start_tls steps
 * @flags: %PIGEON_FAULT_SERVER_PLAIN or %PIGEON_FAULT_SERVER_IMPLICIT_TLS
 *
 * Makes a server with an empty script that plays it to one connection.
 *
 * Returns: (transfer full): the server; free it with
 *   pigeon_fault_server_free().
 */
PigeonFaultServer *
pigeon_fault_server_new (GTlsCertificate       *certificate,
                         PigeonFaultServerFlags flags)
{
  PigeonFaultServer *self;

  g_return_val_if_fail (
      certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_new0 (PigeonFaultServer, 1);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->flags = flags;
  self->needs_tls = (flags & PIGEON_FAULT_SERVER_IMPLICIT_TLS) != 0;
  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->n_connections = 1;
  self->context = g_main_context_new ();
  self->cancellable = g_cancellable_new ();
  self->inbuf = g_byte_array_new ();
  self->readbuf = g_malloc (READ_CHUNK);
  self->received = g_ptr_array_new_with_free_func (g_free);
  self->received_public = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  return self;
}

/**
 * pigeon_fault_server_free:
 * @self: (nullable): a server
 *
 * Stops the server if it runs (see pigeon_fault_server_stop()) and frees
 * it.
 */
void
pigeon_fault_server_free (PigeonFaultServer *self)
{
  if (self == NULL)
    return;

  pigeon_fault_server_stop (self);

  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->steps);
  g_clear_error (&self->setup_error);
  g_clear_object (&self->listener);
  g_main_context_unref (self->context);
  g_object_unref (self->cancellable);
  g_byte_array_unref (self->inbuf);
  g_free (self->readbuf);
  g_ptr_array_unref (self->received);
  g_ptr_array_unref (self->received_public);
  g_clear_error (&self->failure);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/**
 * pigeon_fault_server_set_connections:
 * @self: a server not started yet
 * @n_connections: how many clients, one after the other, get the script
 *
 * Replays the whole script to each of @n_connections clients in turn;
 * the next client is accepted when the previous connection has ended.
 * Clients beyond that are refused. The default is one.
 */
void
pigeon_fault_server_set_connections (PigeonFaultServer *self,
                                     guint              n_connections)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (n_connections >= 1);

  self->n_connections = n_connections;
}

/**
 * pigeon_fault_server_send_bytes:
 * @self: a server not started yet
 * @bytes: any bytes, sent as they are
 *
 * Adds a step that sends @bytes.
 */
void
pigeon_fault_server_send_bytes (PigeonFaultServer *self, GBytes *bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (bytes != NULL);

  add_send_step (self, g_bytes_ref (bytes),
                 g_strdup_printf ("send %" G_GSIZE_FORMAT " bytes",
                                  g_bytes_get_size (bytes)));
}

/**
 * pigeon_fault_server_send:
 * @self: a server not started yet
 * @text: a reply, with its CRLF line ends: "+OK hi\r\n"
 *
 * Adds a step that sends @text as it is.
 */
void
pigeon_fault_server_send (PigeonFaultServer *self, const char *text)
{
  g_autofree char *quoted = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (text != NULL);

  quoted = quote_text (text, strlen (text));
  add_send_step (self, g_bytes_new (text, strlen (text)),
                 g_strdup_printf ("send %s", quoted));
}

/**
 * pigeon_fault_server_send_greeting:
 * @self: a server not started yet
 * @apop_timestamp: (nullable): an APOP timestamp such as
 *   "<1896.697170952@dbc.mtview.ca.us>" (angle brackets are added when
 *   missing), or %NULL for a greeting that offers no APOP
 *
 * Adds a step that sends a "+OK" greeting.
 */
void
pigeon_fault_server_send_greeting (PigeonFaultServer *self,
                                   const char        *apop_timestamp)
{
  g_autofree char *text = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);

  if (apop_timestamp == NULL)
    text = g_strdup ("+OK Pigeon fault server ready\r\n");
  else if (apop_timestamp[0] == '<')
    text = g_strdup_printf ("+OK Pigeon fault server ready %s\r\n",
                            apop_timestamp);
  else
    text = g_strdup_printf ("+OK Pigeon fault server ready <%s>\r\n",
                            apop_timestamp);

  add_send_step (self, g_bytes_new (text, strlen (text)),
                 g_strdup (apop_timestamp != NULL ? "send greeting with APOP"
                                                  : "send greeting"));
}

/**
 * pigeon_fault_server_send_capav:
 * @self: a server not started yet
 * @capabilities: (array zero-terminated=1): capability lines, such as
 *   "UIDL", "SASL PLAIN", "STLS"; may be empty
 *
 * Adds a step that sends a CAPA reply listing exactly @capabilities, so a
 * test can withhold one (no "STLS") or add one.
 */
void
pigeon_fault_server_send_capav (PigeonFaultServer *self,
                                const char *const *capabilities)
{
  GString         *text;
  g_autofree char *joined = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (capabilities != NULL);

  text = g_string_new ("+OK Capability list follows\r\n");
  for (guint i = 0; capabilities[i] != NULL; i++)
    g_string_append_printf (text, "%s\r\n", capabilities[i]);
  g_string_append (text, ".\r\n");

  joined = g_strjoinv (", ", (char **) capabilities);
  add_send_step (self, g_string_free_to_bytes (text),
                 g_strdup_printf ("send CAPA [%s]", joined));
}

/**
 * pigeon_fault_server_send_capa:
 * @self: a server not started yet
 * @first_capability: the first capability line
 * @...: more capability lines, then %NULL
 *
 * Like pigeon_fault_server_send_capav() with the list given inline; an
 * empty list needs _send_capav().
 */
void
pigeon_fault_server_send_capa (PigeonFaultServer *self,
                               const char        *first_capability,
                               ...)
{
  g_autoptr (GPtrArray) capabilities = g_ptr_array_new ();
  const char           *capability = first_capability;
  va_list               args;

  va_start (args, first_capability);
  while (capability != NULL)
    {
      g_ptr_array_add (capabilities, (gpointer) capability);
      capability = va_arg (args, const char *);
    }
  va_end (args);
  g_ptr_array_add (capabilities, NULL);

  pigeon_fault_server_send_capav (self,
                                  (const char *const *) capabilities->pdata);
}

/**
 * pigeon_fault_server_send_multiline:
 * @self: a server not started yet
 * @status: the status line without CRLF: "+OK 2 messages"
 * @...: body lines without CRLF, then %NULL
 *
 * Adds a step that sends a complete multi-line reply: the status line, the
 * body lines dot-stuffed, and the terminating "." line.
 */
void
pigeon_fault_server_send_multiline (PigeonFaultServer *self,
                                    const char        *status,
                                    ...)
{
  va_list lines;
  GBytes *bytes;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (status != NULL);

  va_start (lines, status);
  bytes = build_multiline (status, lines, TRUE);
  va_end (lines);

  add_send_step (self, bytes,
                 g_strdup_printf ("send multi-line reply (%" G_GSIZE_FORMAT
                                  " bytes)",
                                  g_bytes_get_size (bytes)));
}

/**
 * pigeon_fault_server_send_multiline_unterminated:
 * @self: a server not started yet
 * @status: the status line without CRLF
 * @...: body lines without CRLF, then %NULL
 *
 * Like pigeon_fault_server_send_multiline() but without the final "."
 * line; follow it with a stall or a close.
 */
void
pigeon_fault_server_send_multiline_unterminated (PigeonFaultServer *self,
                                                 const char        *status,
                                                 ...)
{
  va_list lines;
  GBytes *bytes;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (status != NULL);

  va_start (lines, status);
  bytes = build_multiline (status, lines, FALSE);
  va_end (lines);

  add_send_step (
      self, bytes,
      g_strdup_printf ("send unterminated multi-line reply (%" G_GSIZE_FORMAT
                       " bytes)",
                       g_bytes_get_size (bytes)));
}

/**
 * pigeon_fault_server_send_chunked_full:
 * @self: a server not started yet
 * @bytes: what to send
 * @chunk_size: bytes per write, at least 1
 * @interval_ms: pause between writes, 0 for none
 *
 * Adds a step that sends @bytes in writes of @chunk_size bytes each (the
 * socket has TCP_NODELAY), to try a client's handling of lines and
 * terminators split across reads.
 */
void
pigeon_fault_server_send_chunked_full (PigeonFaultServer *self,
                                       GBytes            *bytes,
                                       gsize              chunk_size,
                                       guint              interval_ms)
{
  Step *step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (chunk_size >= 1);

  step = g_new0 (Step, 1);
  step->kind = STEP_SEND_CHUNKED;
  step->data = g_bytes_ref (bytes);
  step->chunk_size = chunk_size;
  step->ms = interval_ms;
  step->description = g_strdup_printf ("send %" G_GSIZE_FORMAT
                                       " bytes in chunks of %" G_GSIZE_FORMAT,
                                       g_bytes_get_size (bytes), chunk_size);
  add_step (self, step);
}

/**
 * pigeon_fault_server_send_chunked:
 * @self: a server not started yet
 * @text: what to send
 * @chunk_size: bytes per write, at least 1
 *
 * Like pigeon_fault_server_send_chunked_full() for text, with no pause.
 */
void
pigeon_fault_server_send_chunked (PigeonFaultServer *self,
                                  const char        *text,
                                  gsize              chunk_size)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_if_fail (text != NULL);

  bytes = g_bytes_new (text, strlen (text));
  pigeon_fault_server_send_chunked_full (self, bytes, chunk_size, 0);
}

/**
 * pigeon_fault_server_send_partial_then_close:
 * @self: a server not started yet
 * @text: a whole reply
 * @n_bytes: how much of it to send, at most its length
 *
 * Adds a step that sends the first @n_bytes of @text and then closes the
 * connection, as a server that dies mid-reply. It ends the script.
 */
void
pigeon_fault_server_send_partial_then_close (PigeonFaultServer *self,
                                             const char        *text,
                                             gsize              n_bytes)
{
  g_autofree char *quoted = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (text != NULL);
  g_return_if_fail (n_bytes <= strlen (text));

  quoted = quote_text (text, n_bytes);
  add_send_step (self, g_bytes_new (text, n_bytes),
                 g_strdup_printf ("send %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                                  " bytes %s",
                                  n_bytes, strlen (text), quoted));
  pigeon_fault_server_close (self);
}

/**
 * pigeon_fault_server_make_garbage:
 * @n_bytes: how many bytes
 *
 * Makes the bytes pigeon_fault_server_send_garbage() sends: the same for
 * the same @n_bytes, binary (NUL, bare CR and LF, invalid UTF-8), and never
 * starting with '+' or '-', so nothing takes them for a status line.
 *
 * Returns: (transfer full): the bytes.
 */
GBytes *
pigeon_fault_server_make_garbage (gsize n_bytes)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (0x50494745);
  guint8           *data = g_malloc (n_bytes);

  for (gsize i = 0; i < n_bytes; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  if (n_bytes > 0)
    data[0] = 0xff;
  if (n_bytes > 1)
    data[1] = 0x00;

  return g_bytes_new_take (data, n_bytes);
}

/**
 * pigeon_fault_server_send_garbage:
 * @self: a server not started yet
 * @n_bytes: how many bytes
 *
 * Adds a step that sends pigeon_fault_server_make_garbage (@n_bytes).
 */
void
pigeon_fault_server_send_garbage (PigeonFaultServer *self, gsize n_bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);

  add_send_step (
      self, pigeon_fault_server_make_garbage (n_bytes),
      g_strdup_printf ("send %" G_GSIZE_FORMAT " bytes of garbage", n_bytes));
}

/**
 * pigeon_fault_server_send_long_line:
 * @self: a server not started yet
 * @n_bytes: the line's length, 1048576 for a mebibyte
 *
 * Adds a step that sends "+OK xxxx..." of exactly @n_bytes bytes with no
 * CR or LF anywhere: a line that never ends. Follow it with a close (or a
 * send of "\r\n" for a line that does end, late).
 */
void
pigeon_fault_server_send_long_line (PigeonFaultServer *self, gsize n_bytes)
{
  static const char prefix[] = "+OK ";
  guint8           *data;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);

  data = g_malloc (n_bytes);
  memset (data, 'x', n_bytes);
  memcpy (data, prefix, MIN (n_bytes, sizeof prefix - 1));

  add_send_step (self, g_bytes_new_take (data, n_bytes),
                 g_strdup_printf ("send a line of %" G_GSIZE_FORMAT
                                  " bytes without CRLF",
                                  n_bytes));
}

static void
add_expect_step (PigeonFaultServer *self,
                 MatchKind          match,
                 const char        *pattern,
                 const char        *what)
{
  Step            *step = g_new0 (Step, 1);
  g_autofree char *quoted = quote_text (pattern, strlen (pattern));

  step->kind = STEP_EXPECT;
  step->match = match;
  step->pattern = g_strdup (pattern);
  step->description = g_strdup_printf ("%s %s", what, quoted);

  if (match == MATCH_REGEX)
    {
      g_autoptr (GError) error = NULL;

      step->regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);
      if (step->regex == NULL && self->setup_error == NULL)
        self->setup_error = g_error_new (
            PIGEON_FAULT_SERVER_ERROR, PIGEON_FAULT_SERVER_ERROR_SETUP,
            "step %u: bad regular expression "
            "%s: %s",
            self->steps->len + 1, quoted, error->message);
    }

  add_step (self, step);
}

/**
 * pigeon_fault_server_expect:
 * @self: a server not started yet
 * @command: the whole command line without CRLF: "USER alice"
 *
 * Adds a step that reads one command line and fails the script unless it
 * equals @command (case matters). A failure is told by _wait, as in
 * "expected 'USER alice', got 'PASS x'", and closes the connection.
 */
void
pigeon_fault_server_expect (PigeonFaultServer *self, const char *command)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (command != NULL);

  add_expect_step (self, MATCH_EXACT, command, "expect");
}

/**
 * pigeon_fault_server_expect_prefix:
 * @self: a server not started yet
 * @prefix: what the command line must start with: "PASS "
 *
 * Like pigeon_fault_server_expect() for a line that starts with @prefix.
 */
void
pigeon_fault_server_expect_prefix (PigeonFaultServer *self, const char *prefix)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (prefix != NULL);

  add_expect_step (self, MATCH_PREFIX, prefix, "expect prefix");
}

/**
 * pigeon_fault_server_expect_regex:
 * @self: a server not started yet
 * @pattern: a GRegex pattern, found anywhere in the line unless anchored
 *   with ^ and $; "(?i)" makes it caseless
 *
 * Like pigeon_fault_server_expect() for a line that @pattern matches. A
 * bad pattern makes pigeon_fault_server_start() fail.
 */
void
pigeon_fault_server_expect_regex (PigeonFaultServer *self, const char *pattern)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (pattern != NULL);

  add_expect_step (self, MATCH_REGEX, pattern, "expect regex");
}

/**
 * pigeon_fault_server_stall:
 * @self: a server not started yet
 * @ms: how long to do nothing
 *
 * Adds a step that waits @ms milliseconds before the next step, neither
 * reading nor writing.
 */
void
pigeon_fault_server_stall (PigeonFaultServer *self, guint ms)
{
  Step *step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);

  step = g_new0 (Step, 1);
  step->kind = STEP_STALL;
  step->ms = ms;
  step->description = g_strdup_printf ("stall %u ms", ms);
  add_step (self, step);
}

/**
 * pigeon_fault_server_call:
 * @self: a server not started yet
 * @func: (scope forever): called with @self and @data, on the server's
 *   thread
 * @data: for @func
 *
 * Adds a step that calls @func when the script reaches it: a test sees
 * the client's side at that moment (what it had written to its disk
 * when a DELE came, say) without racing the client.
 */
void
pigeon_fault_server_call (PigeonFaultServer *self, GFunc func, gpointer data)
{
  Step *step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);
  g_return_if_fail (func != NULL);

  step = g_new0 (Step, 1);
  step->kind = STEP_CALL;
  step->call = func;
  step->call_data = data;
  step->description = g_strdup ("call");
  add_step (self, step);
}

/**
 * pigeon_fault_server_close:
 * @self: a server not started yet
 *
 * Adds a step that closes the connection (with a TLS close_notify over
 * TLS). It ends the script: no step may follow. Commands that had already
 * arrived are still recorded.
 */
void
pigeon_fault_server_close (PigeonFaultServer *self)
{
  Step *step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);

  step = g_new0 (Step, 1);
  step->kind = STEP_CLOSE;
  step->description = g_strdup ("close");
  add_step (self, step);
}

/**
 * pigeon_fault_server_start_tls:
 * @self: a server not started yet
 *
 * Adds a step that upgrades the connection to TLS with the server's
 * certificate, as after a "+OK" to STLS; the later steps run over TLS.
 * Bytes the client sent before the handshake fail the script with
 * %PIGEON_FAULT_SERVER_ERROR_PROTOCOL, a failed handshake with
 * %PIGEON_FAULT_SERVER_ERROR_TLS.
 */
void
pigeon_fault_server_start_tls (PigeonFaultServer *self)
{
  Step *step;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->listener == NULL);

  step = g_new0 (Step, 1);
  step->kind = STEP_START_TLS;
  step->description = g_strdup ("start TLS");
  add_step (self, step);
}

/**
 * pigeon_fault_server_start:
 * @self: a server not started yet
 * @error: where a bad script or a failure to listen is told
 *
 * Listens on 127.0.0.1 on a port the kernel picks (see
 * pigeon_fault_server_get_port()) and starts the server thread. A client
 * may connect as soon as this returns.
 *
 * Returns: %TRUE when running; %FALSE with %PIGEON_FAULT_SERVER_ERROR_SETUP
 *   for a bad script, or a %G_IO_ERROR when listening failed.
 */
gboolean
pigeon_fault_server_start (PigeonFaultServer *self, GError **error)
{
  g_autoptr (GInetAddress)   loopback = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocketAddress) effective = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->setup_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->setup_error));
      return FALSE;
    }
  if (self->needs_tls && self->certificate == NULL)
    {
      g_set_error (error, PIGEON_FAULT_SERVER_ERROR,
                   PIGEON_FAULT_SERVER_ERROR_SETUP,
                   "the script uses TLS but the server has no certificate");
      return FALSE;
    }

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (
          self->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
          NULL, &effective, error))
    {
      g_clear_object (&self->listener);
      return FALSE;
    }
  self->port =
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  self->thread =
      g_thread_try_new ("pigeon-fault-server", server_thread, self, error);
  if (self->thread == NULL)
    {
      g_socket_listener_close (self->listener);
      g_clear_object (&self->listener);
      return FALSE;
    }

  return TRUE;
}

/**
 * pigeon_fault_server_get_port:
 * @self: a started server
 *
 * Returns: the port the server listens on at 127.0.0.1.
 */
guint16
pigeon_fault_server_get_port (PigeonFaultServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (self->listener != NULL, 0);

  return self->port;
}

/**
 * pigeon_fault_server_wait:
 * @self: a started server
 * @timeout_ms: the longest wait
 * @error: where a script failure is told
 *
 * Waits until every connection the script was to serve has ended, or the
 * script failed, or @timeout_ms passed. Close the client first: after the
 * last step the server keeps recording commands until the client leaves,
 * and a client that stays makes this wait the whole @timeout_ms.
 *
 * Returns: %TRUE when the script ran to its end for every connection (also
 *   when a client is still connected after it at the timeout); %FALSE with
 *   a %PIGEON_FAULT_SERVER_ERROR saying what failed, where: MISMATCH,
 *   DISCONNECTED, PROTOCOL, TLS, or TIMED_OUT when the script had not
 *   finished.
 */
gboolean
pigeon_fault_server_wait (PigeonFaultServer *self,
                          guint              timeout_ms,
                          GError           **error)
{
  gint64   end_time;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->listener != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  end_time =
      g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&self->mutex);
  while (self->failure == NULL && self->n_ended < self->n_connections)
    {
      if (!g_cond_wait_until (&self->cond, &self->mutex, end_time))
        break;
    }

  if (self->failure != NULL)
    g_propagate_error (error, g_error_copy (self->failure));
  else if (self->n_ended >= self->n_connections)
    ok = TRUE;
  else if (self->progress_connection == self->n_connections &&
           self->progress_script_done)
    ok = TRUE;
  else if (self->progress_connection <= self->n_ended)
    g_set_error (error, PIGEON_FAULT_SERVER_ERROR,
                 PIGEON_FAULT_SERVER_ERROR_TIMED_OUT,
                 "timed out after %u ms waiting for client %u of %u to "
                 "connect",
                 timeout_ms, self->n_ended + 1, self->n_connections);
  else if (self->progress_script_done)
    g_set_error (error, PIGEON_FAULT_SERVER_ERROR,
                 PIGEON_FAULT_SERVER_ERROR_TIMED_OUT,
                 "timed out after %u ms: script done but client %u of %u "
                 "still connected",
                 timeout_ms, self->progress_connection, self->n_connections);
  else
    {
      Step *step = g_ptr_array_index (self->steps, self->progress_step);

      g_set_error (
          error, PIGEON_FAULT_SERVER_ERROR, PIGEON_FAULT_SERVER_ERROR_TIMED_OUT,
          "timed out after %u ms at step %u of %u, %s; connection "
          "%u of %u",
          timeout_ms, self->progress_step + 1, self->steps->len,
          step->description, self->progress_connection, self->n_connections);
    }
  g_mutex_unlock (&self->mutex);

  return ok;
}

/**
 * pigeon_fault_server_get_received:
 * @self: a server
 *
 * Gives every command line received so far, over all connections, in
 * order, CRLF stripped: lines the script expected, the line that failed an
 * expect, and lines sent after the script's end.
 *
 * Returns: (transfer none) (element-type utf8): the transcript. The same
 *   array each time, brought up to date by each call; it stays valid until
 *   the server is freed. Only the test thread may call this.
 */
const GPtrArray *
pigeon_fault_server_get_received (PigeonFaultServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* The server thread appends to its own array; the test gets a copy that
   * only it touches, so a pointer it holds never changes under it. */
  g_mutex_lock (&self->mutex);
  for (guint i = self->received_public->len; i < self->received->len; i++)
    g_ptr_array_add (self->received_public,
                     g_strdup (g_ptr_array_index (self->received, i)));
  g_mutex_unlock (&self->mutex);

  return self->received_public;
}

/**
 * pigeon_fault_server_received_has_prefix:
 * @self: a server
 * @prefix: the start of a command: "PASS", "AUTH"
 *
 * Returns: whether any received command line starts with @prefix, ASCII
 *   case ignored (POP3 commands are caseless), as in a test that no
 *   password went out before STLS.
 */
gboolean
pigeon_fault_server_received_has_prefix (PigeonFaultServer *self,
                                         const char        *prefix)
{
  const GPtrArray *received;
  gsize            len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL, FALSE);

  received = pigeon_fault_server_get_received (self);
  len = strlen (prefix);
  for (guint i = 0; i < received->len; i++)
    {
      const char *line = g_ptr_array_index (received, i);

      if (strlen (line) >= len && g_ascii_strncasecmp (line, prefix, len) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * pigeon_fault_server_stop:
 * @self: a server
 *
 * Cancels what the server is doing, closes the connection and the
 * listening socket, and joins the server thread. Safe to call more than
 * once, and before _start.
 */
void
pigeon_fault_server_stop (PigeonFaultServer *self)
{
  g_return_if_fail (self != NULL);

  if (self->thread == NULL)
    return;

  /* The server thread cancels its own operations: with GLib 2.74, a
   * cancel from this thread racing the server thread's disposal of a
   * GCancellableSource can leak that source. */
  g_atomic_int_set (&self->stopping, TRUE);
  g_main_context_wakeup (self->context);
  g_thread_join (self->thread);
  self->thread = NULL;
}
