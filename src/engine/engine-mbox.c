/* engine-mbox.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-mbox.h"

#include <stdlib.h>
#include <string.h>

#include "engine-error.h"

/* How much one read asks for. The buffer holds at least one whole line,
 * so it grows past this for longer lines. */
#define READ_CHUNK 65536

/* A "From " line longer than this after an empty line is body text, not
 * a separator (real ones are well under 200 bytes); this also keeps the
 * separator check cheap on huge lines. */
#define MAX_SEPARATOR_LEN 1000

struct _EngineMboxReader
{
  /* owned */
  GInputStream *stream;
  GByteArray   *buf;

  /* Unconsumed bytes are [start, buf->len); the first @scanned of them
   * are known to hold no '\n'. */
  gsize start;
  gsize scanned;

  gboolean eof;
  gboolean started;
  gboolean failed;
  /* The From_ line of the next message has been consumed. */
  gboolean have_next;
  gint64   next_time;
};

static const char *const month_names[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun",
  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const day_names[] = {
  "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

/* Reads the next line, terminator included, into @out_line (valid until
 * the next call). The last line of the stream may lack a terminator.
 * Returns 1 for a line, 0 at the end, -1 on error. */
static int
reader_next_line (EngineMboxReader *self,
                  const guint8    **out_line,
                  gsize            *out_len,
                  GCancellable     *cancellable,
                  GError          **error)
{
  for (;;)
    {
      const guint8 *p = self->buf->data + self->start;
      gsize         avail = self->buf->len - self->start;
      const guint8 *nl = NULL;
      gsize         old_len;
      gssize        n;

      if (avail > self->scanned)
        nl = memchr (p + self->scanned, '\n', avail - self->scanned);
      if (nl != NULL || (self->eof && avail > 0))
        {
          gsize len = nl != NULL ? (gsize) (nl - p) + 1 : avail;

          *out_line = p;
          *out_len = len;
          self->start += len;
          self->scanned = 0;
          return 1;
        }
      if (self->eof)
        return 0;
      self->scanned = avail;

      /* Drop consumed bytes once they are half the buffer, so the
       * memmove stays amortised even with tiny reads. */
      if (self->start > 0 && self->start >= self->buf->len / 2)
        {
          g_byte_array_remove_range (self->buf, 0, self->start);
          self->start = 0;
        }

      old_len = self->buf->len;
      g_byte_array_set_size (self->buf, old_len + READ_CHUNK);
      n = g_input_stream_read (self->stream, self->buf->data + old_len,
                               READ_CHUNK, cancellable, error);
      g_byte_array_set_size (self->buf, old_len + MAX (n, 0));
      if (n < 0)
        return -1;
      if (n == 0)
        self->eof = TRUE;
    }
}

static gboolean
is_digits (const char *s, gsize n)
{
  if (strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* "12:08" or "12:08:34" (one-digit hours too); fills @hms. */
static gboolean
parse_clock (const char *s, int hms[3])
{
  int   fields = 0;
  char *end;

  hms[0] = hms[1] = hms[2] = 0;
  while (fields < 3)
    {
      if (!g_ascii_isdigit (*s))
        return FALSE;
      hms[fields++] = (int) g_ascii_strtoull (s, &end, 10);
      if (end - s > 2)
        return FALSE;
      s = end;
      if (*s == '\0')
        break;
      if (*s != ':')
        return FALSE;
      s++;
    }
  return *s == '\0' && fields >= 2;
}

/* "+0200", "-0500", or a zone name such as "UTC", "GMT", "EST". */
static gboolean
is_zone (const char *s, int *out_offset_seconds)
{
  gsize len = strlen (s);

  *out_offset_seconds = 0;
  if ((s[0] == '+' || s[0] == '-') && is_digits (s + 1, 4))
    {
      int hhmm = atoi (s + 1);
      int secs = (hhmm / 100) * 3600 + (hhmm % 100) * 60;

      *out_offset_seconds = s[0] == '-' ? -secs : secs;
      return TRUE;
    }
  if (len < 1 || len > 5)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (s[i]))
      return FALSE;
  /* Zone names other than a numeric offset are read as UTC: asctime
   * dates carry none, and the names are ambiguous anyway. */
  return TRUE;
}

/* Decides whether @line (a line starting "From ", terminator included)
 * looks like an mbox separator: "From SENDER ... hh:mm[:ss] ... YYYY",
 * optionally followed by a zone and/or "remote from HOST". Sets
 * @out_time to the date it names (Unix time), or 0 when there is no
 * date that makes sense. */
static gboolean
parse_from_line (const guint8 *line, gsize len, gint64 *out_time)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) tokens = NULL;
  guint    n = 0;
  guint    year_idx;
  int      zone_offset = 0;
  int      hms[3] = { 0, 0, 0 };
  int      month = 0;
  int      day = 0;
  int      year;
  gboolean have_clock = FALSE;

  *out_time = 0;
  if (len > MAX_SEPARATOR_LEN)
    return FALSE;
  g_assert (len >= 5 && memcmp (line, "From ", 5) == 0);

  text = g_strndup ((const char *) line + 5, len - 5);
  g_strdelimit (text, "\t\r\n", ' ');
  /* Keeps only the non-empty words. */
  {
    g_auto (GStrv) raw = g_strsplit (text, " ", -1);
    GPtrArray *words = g_ptr_array_new ();

    for (guint i = 0; raw[i] != NULL; i++)
      if (raw[i][0] != '\0')
        g_ptr_array_add (words, g_strdup (raw[i]));
    g_ptr_array_add (words, NULL);
    tokens = (GStrv) g_ptr_array_free (words, FALSE);
  }
  n = g_strv_length (tokens);

  /* UUCP's "remote from HOST" trails some old separators. */
  if (n >= 3 && g_str_equal (tokens[n - 3], "remote") &&
      g_str_equal (tokens[n - 2], "from"))
    n -= 3;

  /* SENDER, the clock and the year at least. */
  if (n < 3)
    return FALSE;
  if (is_digits (tokens[n - 1], 4))
    year_idx = n - 1;
  else if (is_digits (tokens[n - 2], 4) &&
           is_zone (tokens[n - 1], &zone_offset))
    year_idx = n - 2;
  else
    return FALSE;
  year = atoi (tokens[year_idx]);

  /* tokens[0] is the sender; the date words sit between it and the
   * year, in asctime order "Www Mmm dd hh:mm:ss" or close to it. */
  for (guint i = 1; i < year_idx; i++)
    {
      const char *t = tokens[i];
      int         zone;

      if (!have_clock && parse_clock (t, hms))
        have_clock = TRUE;
      else if (month == 0 && strlen (t) >= 3)
        {
          for (int m = 0; m < 12; m++)
            if (g_ascii_strncasecmp (t, month_names[m], 3) == 0)
              month = m + 1;
        }
      else if (day == 0 && (is_digits (t, 1) || is_digits (t, 2)))
        day = atoi (t);
      else if (is_zone (t, &zone) && zone != 0)
        zone_offset = zone;
    }
  if (!have_clock)
    return FALSE;

  if (month != 0 && day != 0)
    {
      g_autoptr (GTimeZone) tz = g_time_zone_new_offset (zone_offset);
      g_autoptr (GDateTime) dt =
          g_date_time_new (tz, year, month, day, hms[0], hms[1], hms[2]);

      if (dt != NULL)
        *out_time = g_date_time_to_unix (dt);
    }
  return TRUE;
}

static gboolean
is_from_line (const guint8 *line, gsize len)
{
  return len >= 5 && memcmp (line, "From ", 5) == 0;
}

/**
 * engine_mbox_reader_new:
 * @stream: the mbox file's contents
 *
 * Creates a reader over @stream, which it references. Nothing is read
 * until engine_mbox_reader_next().
 *
 * Returns: (transfer full): a reader; free with engine_mbox_reader_free()
 */
EngineMboxReader *
engine_mbox_reader_new (GInputStream *stream)
{
  EngineMboxReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (EngineMboxReader, 1);
  self->stream = g_object_ref (stream);
  self->buf = g_byte_array_new ();
  return self;
}

/**
 * engine_mbox_reader_next:
 * @reader: a reader
 * @out_envelope_time: (out) (optional): the date of the message's From_
 *   line as Unix time (zone-less dates are read as UTC), or 0 when it has
 *   none that parses
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the next message: its raw bytes without the From_ line and
 * without the empty line that ends it, with `>From ` unquoting applied
 * (mboxrd), line ends untouched. The last message of the file may lack
 * its empty line, and its last line may lack a terminator; both are
 * returned as they are. Memory stays bounded by the largest message.
 *
 * Blocking: call from a worker thread. After an error the reader can
 * only be freed.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL at the end
 *   of the file (@error unset) or on error: %ENGINE_ERROR_NOT_MAIL when
 *   the file does not start with "From ", a #G_IO_ERROR from the stream,
 *   %G_IO_ERROR_CANCELLED.
 */
GBytes *
engine_mbox_reader_next (EngineMboxReader *reader,
                         gint64           *out_envelope_time,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr (GByteArray) msg = NULL;
  const guint8          *line;
  gsize                  len;
  gsize                  blank = 0;
  gint64                 time;
  gint64                 separator_time;
  int                    r;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (!reader->failed, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_envelope_time != NULL)
    *out_envelope_time = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (!reader->started)
    {
      r = reader_next_line (reader, &line, &len, cancellable, error);
      if (r < 0)
        goto fail;
      reader->started = TRUE;
      if (r == 0)
        return NULL;
      if (!is_from_line (line, len))
        {
          g_set_error_literal (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL,
                               "Not an mbox file: it does not start with a "
                               "\"From \" line");
          goto fail;
        }
      /* The first line is a separator by position; its date is a bonus. */
      parse_from_line (line, len, &reader->next_time);
      reader->have_next = TRUE;
    }

  if (!reader->have_next)
    return NULL;
  reader->have_next = FALSE;
  time = reader->next_time;
  msg = g_byte_array_new ();

  for (;;)
    {
      r = reader_next_line (reader, &line, &len, cancellable, error);
      if (r < 0)
        goto fail;
      if (r == 0)
        break;

      /* After an empty line, a From_ line that parses is a separator.
       * Without one, it must also name a whole date (month, day, clock
       * and year): files joined with cat(1), or written by tools that
       * leave the empty line out, would otherwise fuse their messages,
       * while body text such as "From here on 12:00 2011" stays body. */
      if (is_from_line (line, len) &&
          parse_from_line (line, len, &separator_time) &&
          (blank > 0 || separator_time != 0))
        {
          reader->next_time = separator_time;
          reader->have_next = TRUE;
          break;
        }

      if (line[0] == '>')
        {
          gsize k = 1;

          while (k < len && line[k] == '>')
            k++;
          if (is_from_line (line + k, len - k))
            {
              line++;
              len--;
            }
        }
      g_byte_array_append (msg, line, len);

      if (len == 1 && line[0] == '\n')
        blank = 1;
      else if (len == 2 && line[0] == '\r' && line[1] == '\n')
        blank = 2;
      else
        blank = 0;
    }

  /* The empty line belongs to the format, not to the message. */
  g_byte_array_set_size (msg, msg->len - blank);
  if (out_envelope_time != NULL)
    *out_envelope_time = time;
  return g_byte_array_free_to_bytes (g_steal_pointer (&msg));

fail:
  reader->failed = TRUE;
  return NULL;
}

/**
 * engine_mbox_reader_free:
 * @reader: (nullable): a reader
 *
 * Frees @reader and drops its reference on the stream (without closing
 * it).
 */
void
engine_mbox_reader_free (EngineMboxReader *reader)
{
  if (reader == NULL)
    return;
  g_clear_object (&reader->stream);
  g_byte_array_unref (reader->buf);
  g_free (reader);
}

static char *
format_from_line (const char *envelope_sender, gint64 envelope_time)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (envelope_time);
  g_autofree char      *sender = NULL;

  if (dt == NULL)
    dt = g_date_time_new_from_unix_utc (0);

  /* One word: whitespace would end the sender early and make the line
   * unreadable as a separator. */
  if (envelope_sender == NULL || envelope_sender[0] == '\0')
    sender = g_strdup ("MAILER-DAEMON");
  else
    {
      sender = g_strdup (envelope_sender);
      for (char *p = sender; *p != '\0'; p++)
        if ((guchar) *p <= ' ' || *p == 0x7f)
          *p = '_';
    }

  /* asctime in the C locale, UTC; not g_date_time_format (), whose
   * names follow the user's locale. */
  return g_strdup_printf (
      "From %s %s %s %2d %02d:%02d:%02d %04d\n", sender,
      day_names[g_date_time_get_day_of_week (dt) - 1],
      month_names[g_date_time_get_month (dt) - 1],
      g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
      g_date_time_get_minute (dt), g_date_time_get_second (dt),
      g_date_time_get_year (dt));
}

/**
 * engine_mbox_write_message:
 * @stream: where the mbox file goes
 * @raw: the message's raw bytes
 * @envelope_sender: (nullable): the From_ line's sender; "MAILER-DAEMON"
 *   when %NULL or empty; whitespace and control characters become '_'
 * @envelope_time: the From_ line's date, Unix time (written in UTC)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Appends one message in mboxrd form: "From SENDER DATE\n" (asctime
 * date), the bytes with every line matching `^>*From ` quoted with one
 * more '>', then the empty line "\n" that ends every message. Line ends
 * are kept as they are.
 *
 * A message whose last line has no terminator gets one (mbox cannot
 * represent that): "\r\n" if the message's last line end is CRLF, else
 * "\n". Reading the message back gives exactly those bytes more; every
 * other message reads back byte for byte.
 *
 * Blocking: call from a worker thread.
 *
 * Returns: %TRUE on success; on failure the #G_IO_ERROR of the stream,
 *   and the stream holds part of the message
 */
gboolean
engine_mbox_write_message (GOutputStream *stream,
                           GBytes        *raw,
                           const char    *envelope_sender,
                           gint64         envelope_time,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *from_line = NULL;
  const guint8    *data;
  gsize            size;
  gsize            line_start = 0;
  gsize            run_start = 0;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (raw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Memory streams never look at the cancellable; an export loop over
   * them must still stop. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  data = g_bytes_get_data (raw, &size);
  from_line = format_from_line (envelope_sender, envelope_time);
  if (!g_output_stream_write_all (stream, from_line, strlen (from_line), NULL,
                                  cancellable, error))
    return FALSE;

  /* Writes unquoted runs whole and a lone '>' before each line that
   * needs one, so no copy of the message is made. */
  while (line_start < size)
    {
      const guint8 *p = data + line_start;
      gsize         rest = size - line_start;
      const guint8 *nl;
      gsize         k = 0;

      while (k < rest && p[k] == '>')
        k++;
      if (is_from_line (p + k, rest - k))
        {
          if (!g_output_stream_write_all (stream, data + run_start,
                                          line_start - run_start, NULL,
                                          cancellable, error) ||
              !g_output_stream_write_all (stream, ">", 1, NULL, cancellable,
                                          error))
            return FALSE;
          run_start = line_start;
        }

      nl = memchr (p, '\n', rest);
      line_start = nl != NULL ? (gsize) (nl - data) + 1 : size;
    }
  if (!g_output_stream_write_all (stream, data + run_start, size - run_start,
                                  NULL, cancellable, error))
    return FALSE;

  if (size > 0 && data[size - 1] != '\n')
    {
      const guint8 *last_nl = NULL;
      const char   *eol;

      for (gsize i = size; i > 0; i--)
        if (data[i - 1] == '\n')
          {
            last_nl = data + i - 1;
            break;
          }
      eol = last_nl != NULL && last_nl > data && last_nl[-1] == '\r' ? "\r\n"
                                                                     : "\n";
      if (!g_output_stream_write_all (stream, eol, strlen (eol), NULL,
                                      cancellable, error))
        return FALSE;
    }

  return g_output_stream_write_all (stream, "\n", 1, NULL, cancellable, error);
}
