/* test-pop3-read-ahead.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pop3-read-ahead.h"

/* The read-ahead buffer under TLS (pop3-read-ahead.c), over a real
 * socket pair: bytes come out whole and in order whatever the read
 * sizes, a read never waits when bytes are in hand, and a poll source
 * fires for bytes already buffered though the socket itself is empty
 * (else a fetch would hang with the rest of a reply in the buffer). */

typedef struct
{
  int           writer; /* the server's end */
  GSocket      *socket;
  GIOStream    *connection;
  GInputStream *stream;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  int                fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  fixture->writer = fds[0];
  fixture->socket = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  g_socket_set_blocking (fixture->socket, FALSE);
  fixture->connection = G_IO_STREAM (
      g_socket_connection_factory_create_connection (fixture->socket));
  fixture->stream =
      pop3_read_ahead_new (g_io_stream_get_input_stream (fixture->connection));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->stream);
  g_clear_object (&fixture->connection);
  g_clear_object (&fixture->socket);
  if (fixture->writer >= 0)
    close (fixture->writer);
}

static void
send_bytes (Fixture *fixture, const guint8 *data, gsize length)
{
  while (length > 0)
    {
      gssize n = write (fixture->writer, data, length);

      g_assert_cmpint (n, >, 0);
      data += n;
      length -= (gsize) n;
    }
}

static gssize
read_now (Fixture *fixture, void *buffer, gsize count, GError **error)
{
  return g_pollable_input_stream_read_nonblocking (
      G_POLLABLE_INPUT_STREAM (fixture->stream), buffer, count, NULL, error);
}

/* As TLS reads records: a 5-byte header, then its body, over 300 KB
 * written in one go; then a read as big as the buffer and more. */
static void
test_bytes_in_order (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GByteArray) sent = g_byte_array_new ();
  g_autoptr (GByteArray) got = g_byte_array_new ();
  guint8                 chunk[100000];
  gsize                  sizes[] = { 5, 4091, 5, 16384, 1, 100000 };
  guint                  turn = 0;

  for (guint i = 0; i < 300000; i++)
    {
      guint8 byte = (guint8) (i * 7 + i / 251);

      g_byte_array_append (sent, &byte, 1);
    }

  /* The writer would block past the socket's buffer: send from a
   * thread-free loop, reading between the writes. */
  for (gsize offset = 0; offset < sent->len;)
    {
      gsize batch = MIN (60000, sent->len - offset);

      send_bytes (fixture, sent->data + offset, batch);
      offset += batch;
      for (;;)
        {
          g_autoptr (GError) error = NULL;
          gsize              size = sizes[turn++ % G_N_ELEMENTS (sizes)];
          gssize             n = read_now (fixture, chunk, size, &error);

          if (n < 0)
            {
              g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
              break;
            }
          g_assert_cmpint (n, >, 0);
          g_assert_cmpint (n, <=, (gssize) size);
          g_byte_array_append (got, chunk, (guint) n);
        }
    }

  g_assert_cmpmem (got->data, got->len, sent->data, sent->len);
}

static gboolean
readable_cb (GObject *stream, gpointer user_data)
{
  gboolean *fired = user_data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
source_fires (Fixture *fixture)
{
  g_autoptr (GSource) source = g_pollable_input_stream_create_source (
      G_POLLABLE_INPUT_STREAM (fixture->stream), NULL);
  gboolean fired = FALSE;
  gboolean timed_out = FALSE;
  guint    timeout = g_timeout_add (500, timeout_cb, &timed_out);

  g_source_set_callback (source, G_SOURCE_FUNC (readable_cb), &fired, NULL);
  g_source_attach (source, NULL);
  while (!fired && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (source);
  if (!timed_out)
    g_source_remove (timeout);
  return fired;
}

/* Bytes in hand are readable now though the socket has none left. */
static void
test_buffered_bytes_are_readable (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  char               header[5];
  char               rest[16];

  g_assert_false (g_pollable_input_stream_is_readable (
      G_POLLABLE_INPUT_STREAM (fixture->stream)));
  g_assert_false (source_fires (fixture));

  send_bytes (fixture, (const guint8 *) "HEADERbody", 10);
  g_assert_true (source_fires (fixture));
  g_assert_cmpint (read_now (fixture, header, 5, &error), ==, 5);
  g_assert_no_error (error);
  g_assert_cmpmem (header, 5, "HEADE", 5);

  /* The socket is drained; the buffer still holds "Rbody". */
  g_assert_true (g_pollable_input_stream_is_readable (
      G_POLLABLE_INPUT_STREAM (fixture->stream)));
  g_assert_true (source_fires (fixture));
  g_assert_cmpint (read_now (fixture, rest, sizeof rest, &error), ==, 5);
  g_assert_cmpmem (rest, 5, "Rbody", 5);

  g_assert_cmpint (read_now (fixture, rest, sizeof rest, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

/* The peer's close reads as the end of the stream, after its bytes. */
static void
test_end_of_stream (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  char               buffer[8];

  send_bytes (fixture, (const guint8 *) "bye", 3);
  close (fixture->writer);
  fixture->writer = -1;

  g_assert_cmpint (
      g_input_stream_read (fixture->stream, buffer, 2, NULL, &error), ==, 2);
  g_assert_cmpint (
      g_input_stream_read (fixture->stream, buffer + 2, 6, NULL, &error), ==,
      1);
  g_assert_cmpmem (buffer, 3, "bye", 3);
  g_assert_cmpint (
      g_input_stream_read (fixture->stream, buffer, 8, NULL, &error), ==, 0);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/pop3/read-ahead/bytes-in-order", test_bytes_in_order);
  ADD ("/pop3/read-ahead/buffered-bytes-are-readable",
       test_buffered_bytes_are_readable);
  ADD ("/pop3/read-ahead/end-of-stream", test_end_of_stream);

  return g_test_run ();
}
