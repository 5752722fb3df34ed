/* pop3-read-ahead.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-read-ahead.h"

#include <string.h>

/* TLS reads a record in two exact reads, its 5-byte header and then its
 * body; servers such as Dovecot write records of a few KB, so a mailbox
 * of 300 MB took 160,000 recv() calls. Reading ahead in blocks of this
 * size makes it a few thousand. */
#define READ_AHEAD_SIZE (64 * 1024)

struct _Pop3ReadAhead
{
  GFilterInputStream parent_instance;

  guint8 *buffer;
  gsize   start;
  gsize   end;
};

static void
pop3_read_ahead_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (
    Pop3ReadAhead,
    pop3_read_ahead,
    G_TYPE_FILTER_INPUT_STREAM,
    G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                           pop3_read_ahead_pollable_init))

static GInputStream *
base_of (Pop3ReadAhead *self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

/* Hands out what was read ahead; returns how much. */
static gsize
take_buffered (Pop3ReadAhead *self, void *buffer, gsize count)
{
  gsize n = MIN (count, self->end - self->start);

  memcpy (buffer, self->buffer + self->start, n);
  self->start += n;
  return n;
}

/* Reads through the block buffer, or straight into @buffer when the
 * caller asks for a block or more. @blocking picks the base's call. */
static gssize
read_through (Pop3ReadAhead *self,
              void          *buffer,
              gsize          count,
              gboolean       blocking,
              GCancellable  *cancellable,
              GError       **error)
{
  GInputStream *base = base_of (self);
  gssize        n;

  if (self->start < self->end)
    return (gssize) take_buffered (self, buffer, count);

  if (count >= READ_AHEAD_SIZE)
    return blocking
               ? g_input_stream_read (base, buffer, count, cancellable, error)
               : g_pollable_input_stream_read_nonblocking (
                     G_POLLABLE_INPUT_STREAM (base), buffer, count, cancellable,
                     error);

  n = blocking ? g_input_stream_read (base, self->buffer, READ_AHEAD_SIZE,
                                      cancellable, error)
               : g_pollable_input_stream_read_nonblocking (
                     G_POLLABLE_INPUT_STREAM (base), self->buffer,
                     READ_AHEAD_SIZE, cancellable, error);
  if (n <= 0)
    return n;

  self->start = 0;
  self->end = (gsize) n;
  return (gssize) take_buffered (self, buffer, count);
}

static gssize
pop3_read_ahead_read (GInputStream *stream,
                      void         *buffer,
                      gsize         count,
                      GCancellable *cancellable,
                      GError      **error)
{
  return read_through (POP3_READ_AHEAD (stream), buffer, count, TRUE,
                       cancellable, error);
}

static gboolean
pop3_read_ahead_can_poll (GPollableInputStream *stream)
{
  GInputStream *base = base_of (POP3_READ_AHEAD (stream));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
pop3_read_ahead_is_readable (GPollableInputStream *stream)
{
  Pop3ReadAhead *self = POP3_READ_AHEAD (stream);

  return self->start < self->end ||
         g_pollable_input_stream_is_readable (
             G_POLLABLE_INPUT_STREAM (base_of (self)));
}

static GSource *
pop3_read_ahead_create_source (GPollableInputStream *stream,
                               GCancellable         *cancellable)
{
  Pop3ReadAhead      *self = POP3_READ_AHEAD (stream);
  g_autoptr (GSource) child = NULL;

  /* Bytes in hand: ready now, whatever the socket says. */
  if (self->start < self->end)
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (
        G_POLLABLE_INPUT_STREAM (base_of (self)), NULL);

  return g_pollable_source_new_full (stream, child, cancellable);
}

static gssize
pop3_read_ahead_read_nonblocking (GPollableInputStream *stream,
                                  void                 *buffer,
                                  gsize                 count,
                                  GError              **error)
{
  return read_through (POP3_READ_AHEAD (stream), buffer, count, FALSE, NULL,
                       error);
}

static void
pop3_read_ahead_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = pop3_read_ahead_can_poll;
  iface->is_readable = pop3_read_ahead_is_readable;
  iface->create_source = pop3_read_ahead_create_source;
  iface->read_nonblocking = pop3_read_ahead_read_nonblocking;
}

static void
pop3_read_ahead_finalize (GObject *object)
{
  Pop3ReadAhead *self = POP3_READ_AHEAD (object);

  g_free (self->buffer);
  G_OBJECT_CLASS (pop3_read_ahead_parent_class)->finalize (object);
}

static void
pop3_read_ahead_class_init (Pop3ReadAheadClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = pop3_read_ahead_finalize;
  input_class->read_fn = pop3_read_ahead_read;
}

static void
pop3_read_ahead_init (Pop3ReadAhead *self)
{
  self->buffer = g_malloc (READ_AHEAD_SIZE);
}

/**
 * pop3_read_ahead_new:
 * @base: a pollable stream, such as a socket connection's input
 *
 * Returns: (transfer full): a pollable stream that reads @base in blocks
 *   of 64 KB and hands the bytes out in as small reads as its reader
 *   makes; closing it closes @base
 */
GInputStream *
pop3_read_ahead_new (GInputStream *base)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);

  return g_object_new (POP3_TYPE_READ_AHEAD, "base-stream", base,
                       "close-base-stream", TRUE, NULL);
}
