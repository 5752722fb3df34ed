/* fuzz-pop3-parser.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "pop3-parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Each line is also tried as every kind of listing line: the parsers
 * must refuse garbage cleanly, never read past it. */
static void
parse_line_every_way (const char *line)
{
  g_autoptr (Pop3Status)       status = pop3_status_parse (line, NULL);
  g_autoptr (Pop3Capabilities) caps = pop3_capabilities_new ();
  g_autofree char             *uid = NULL;
  g_autofree char             *timestamp = pop3_parse_apop_timestamp (line);
  guint                        count;
  guint64                      octets;

  if (status != NULL)
    g_assert (status->text != NULL);
  pop3_capabilities_parse_line (caps, line, NULL);
  pop3_parse_stat (line, &count, &octets, NULL);
  pop3_parse_list_line (line, &count, &octets, NULL);
  if (pop3_parse_uidl_line (line, &count, &uid, NULL))
    g_assert (strlen (uid) >= 1 && strlen (uid) <= POP3_MAX_UIDL_LENGTH);
  if (timestamp != NULL)
    g_assert (timestamp[0] == '<' && strchr (line, '<') != NULL);
}

/* The first byte picks the chunk size and which replies have bodies; the
 * rest is what a server sends. Replies are read as a client reads them:
 * a status line, and after a "+OK" chosen by the mode bits, a body. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (Pop3LineReader) lines = pop3_line_reader_new ();
  g_autoptr (Pop3BodyReader) bodies = pop3_body_reader_new ();
  g_autoptr (GByteArray)     body = g_byte_array_new ();
  const char                *wire;
  gsize                      chunk, offset = 0;
  guint                      mode, reply = 0;

  if (size < 1)
    return 0;

  chunk = (data[0] & 0x0f) + 1;
  mode = data[0] >> 4;
  wire = (const char *) data + 1;
  size--;

  while (offset < size)
    {
      const char *line = NULL;
      gsize       consumed = 0;
      gboolean    have_line;

      have_line = pop3_line_reader_feed (lines, wire + offset,
                                         MIN (chunk, size - offset), &consumed,
                                         &line, NULL);
      g_assert (consumed <= MIN (chunk, size - offset));
      if (consumed == 0)
        return 0; /* a protocol error: the client drops the connection */
      offset += consumed;
      if (!have_line)
        continue;

      parse_line_every_way (line);

      if (line[0] == '+' && (mode & (1u << (reply++ % 4))) != 0)
        {
          gboolean done = FALSE;
          gsize    body_consumed = 0;

          pop3_body_reader_reset (bodies);
          g_byte_array_set_size (body, 0);
          while (!done && offset < size)
            {
              done = pop3_body_reader_feed (bodies, wire + offset,
                                            MIN (chunk, size - offset),
                                            &consumed, body);
              /* Unstuffing only ever removes bytes: over the whole body,
               * not per call, since a held ".\r" may come out later. */
              body_consumed += consumed;
              g_assert (body->len <= body_consumed);
              g_assert (done || consumed == MIN (chunk, size - offset));
              offset += consumed;
            }
        }
    }

  return 0;
}
