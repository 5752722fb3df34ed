/* test-engine-mbox.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "engine-error.h"
#include "engine-mbox.h"

/* A stream that hands out 1-7 bytes per read ----------------------- */

/* Proves that where reads split the file does not matter, and can fail
 * on purpose after a given number of bytes. */
#define TEST_TYPE_CHUNKY_STREAM (test_chunky_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestChunkyStream,
                      test_chunky_stream,
                      TEST,
                      CHUNKY_STREAM,
                      GFilterInputStream)

struct _TestChunkyStream
{
  GFilterInputStream parent_instance;

  GRand *rand;
  gssize fail_after; /* -1: never */
  gsize  done;
};

G_DEFINE_FINAL_TYPE (TestChunkyStream,
                     test_chunky_stream,
                     G_TYPE_FILTER_INPUT_STREAM)

static gssize
test_chunky_stream_read (GInputStream *stream,
                         void         *buffer,
                         gsize         count,
                         GCancellable *cancellable,
                         GError      **error)
{
  TestChunkyStream *self = TEST_CHUNKY_STREAM (stream);
  GInputStream     *base =
      g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gsize  max = (gsize) g_rand_int_range (self->rand, 1, 8);
  gssize n;

  if (self->fail_after >= 0 && self->done >= (gsize) self->fail_after)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                           "injected read failure");
      return -1;
    }
  n = g_input_stream_read (base, buffer, MIN (count, max), cancellable, error);
  if (n > 0)
    self->done += (gsize) n;
  return n;
}

static void
test_chunky_stream_finalize (GObject *object)
{
  TestChunkyStream *self = TEST_CHUNKY_STREAM (object);

  g_rand_free (self->rand);
  G_OBJECT_CLASS (test_chunky_stream_parent_class)->finalize (object);
}

static void
test_chunky_stream_class_init (TestChunkyStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_chunky_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_chunky_stream_read;
}

static void
test_chunky_stream_init (TestChunkyStream *self)
{
  self->rand = g_rand_new_with_seed (4155);
  self->fail_after = -1;
}

static GInputStream *
chunky_stream_new (GBytes *data, gssize fail_after)
{
  g_autoptr (GInputStream) base = g_memory_input_stream_new_from_bytes (data);
  TestChunkyStream        *self =
      g_object_new (TEST_TYPE_CHUNKY_STREAM, "base-stream", base, NULL);

  self->fail_after = fail_after;
  return G_INPUT_STREAM (self);
}

/* Helpers ------------------------------------------------------------ */

typedef struct
{
  GPtrArray *messages; /* of GBytes */
  GArray    *times;    /* of gint64 */
} ReadResult;

static void
read_result_free (ReadResult *r)
{
  g_ptr_array_unref (r->messages);
  g_array_unref (r->times);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadResult, read_result_free)

/* Reads every message of @mbox, through 1-7 byte reads when @chunky.
 * Asserts success and that the reader stays at the end afterwards. */
static ReadResult *
read_all (GBytes *mbox, gboolean chunky)
{
  g_autoptr (GInputStream) stream =
      chunky ? chunky_stream_new (mbox, -1)
             : g_memory_input_stream_new_from_bytes (mbox);
  g_autoptr (EngineMboxReader) reader = engine_mbox_reader_new (stream);
  ReadResult                  *r = g_new0 (ReadResult, 1);
  GBytes                      *msg;
  gint64                       time = -1;
  g_autoptr (GError)           error = NULL;

  r->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  r->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((msg = engine_mbox_reader_next (reader, &time, NULL, &error)) != NULL)
    {
      g_ptr_array_add (r->messages, msg);
      g_array_append_val (r->times, time);
      time = -1;
    }
  g_assert_no_error (error);
  g_assert_cmpint (time, ==, 0);
  g_assert_null (engine_mbox_reader_next (reader, NULL, NULL, &error));
  g_assert_no_error (error);
  return r;
}

static ReadResult *
read_all_str (const char *mbox, gboolean chunky)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (mbox, strlen (mbox));

  return read_all (bytes, chunky);
}

static void
assert_message (ReadResult *r, guint i, const char *expected)
{
  GBytes *msg;

  g_assert_cmpuint (i, <, r->messages->len);
  msg = g_ptr_array_index (r->messages, i);
  g_assert_cmpmem (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg),
                   expected, strlen (expected));
}

static char *
sha256 (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static GOutputStream *
memory_output_new (void)
{
  return g_memory_output_stream_new_resizable ();
}

static GBytes *
memory_output_steal (GOutputStream *out)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
write_one (GOutputStream *out, GBytes *raw, const char *sender, gint64 time)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      engine_mbox_write_message (out, raw, sender, time, NULL, &error));
  g_assert_no_error (error);
}

static char *
write_to_string (const char *raw, const char *sender, gint64 time)
{
  g_autoptr (GOutputStream) out = memory_output_new ();
  g_autoptr (GBytes)        in = g_bytes_new_static (raw, strlen (raw));
  g_autoptr (GBytes)        result = NULL;

  write_one (out, in, sender, time);
  result = memory_output_steal (out);
  return g_strndup (g_bytes_get_data (result, NULL), g_bytes_get_size (result));
}

/* Writing ------------------------------------------------------------ */

static void
test_write_quoting (void)
{
  g_autofree char *out = write_to_string (
      "Subject: a\n\nFrom x\n>From y\n>>From z\nFrom\nFromage\n >From w\n"
      "From ",
      "alice@example.org", 1310126914);

  /* ^>*From  lines get one more '>'; "From" without a space, "Fromage"
   * and " >From" do not; the unterminated "From " gets quoted and a
   * "\n"; then the empty line. */
  g_assert_cmpstr (out, ==,
                   "From alice@example.org Fri Jul  8 12:08:34 2011\n"
                   "Subject: a\n\n>From x\n>>From y\n>>>From z\nFrom\n"
                   "Fromage\n >From w\n>From \n\n");
}

static void
test_write_envelope (void)
{
  g_autofree char *no_sender = write_to_string ("S: 1\n", NULL, 0);
  g_autofree char *empty_sender = write_to_string ("S: 1\n", "", 1704067200);
  g_autofree char *spaced = write_to_string ("S: 1\n", "a b\tc\nd", 1704191400);
  g_autofree char *early = write_to_string ("S: 1\n", "x", -62135596800);

  g_assert_cmpstr (no_sender, ==,
                   "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nS: 1\n\n");
  g_assert_cmpstr (empty_sender, ==,
                   "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\nS: 1\n\n");
  /* Whitespace in the sender would break the separator. */
  g_assert_cmpstr (spaced, ==,
                   "From a_b_c_d Tue Jan  2 10:30:00 2024\nS: 1\n\n");
  /* 0001-01-01: the year keeps four digits, or it would not read back
   * as a separator. */
  g_assert_cmpstr (early, ==, "From x Mon Jan  1 00:00:00 0001\nS: 1\n\n");
}

static void
test_write_no_final_newline (void)
{
  g_autofree char *lf = write_to_string ("S: 1\n\nno newline", "x", 0);
  g_autofree char *crlf = write_to_string ("S: 1\r\n\r\nno newline", "x", 0);
  g_autofree char *one_line = write_to_string ("just text", "x", 0);
  g_autofree char *empty = write_to_string ("", "x", 0);

  /* The added line end follows the message's own last one. */
  g_assert_cmpstr (lf, ==,
                   "From x Thu Jan  1 00:00:00 1970\nS: 1\n\nno newline\n\n");
  g_assert_cmpstr (
      crlf, ==,
      "From x Thu Jan  1 00:00:00 1970\nS: 1\r\n\r\nno newline\r\n\n");
  g_assert_cmpstr (one_line, ==,
                   "From x Thu Jan  1 00:00:00 1970\njust text\n\n");
  /* An empty message needs no line end: only the empty line. */
  g_assert_cmpstr (empty, ==, "From x Thu Jan  1 00:00:00 1970\n\n");
}

static void
test_write_error (void)
{
  g_autoptr (GOutputStream) out = memory_output_new ();
  g_autoptr (GBytes)        raw = g_bytes_new_static ("S: 1\n", 5);
  g_autoptr (GCancellable)  cancellable = g_cancellable_new ();
  g_autoptr (GError)        error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (
      engine_mbox_write_message (out, raw, NULL, 0, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (g_output_stream_close (out, NULL, NULL));
  g_assert_false (engine_mbox_write_message (out, raw, NULL, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* Round trips -------------------------------------------------------- */

static const char *const tricky_messages[] = {
  "Subject: quoting\n\nFrom x\n>From x\n>>From\n>>From y\nFrom\nFromage\n",
  "Subject: crlf\r\n\r\nFrom crlf\r\n>From crlf\r\nbody\r\n",
  "",
  "\n",
  "\r\n",
  "Subject: last line\n\nbody\nFrom \n",
  "Subject: ends blank\n\nbody\n\n",
  "Subject: ends blank crlf\r\n\r\nbody\r\n\r\n",
  "From someone@example.org Fri Jul  8 12:08:34 2011\nSubject: starts "
  "with a From_ line\n\nx\n",
  "Subject: separator in body\n\nhello\n\nFrom MAILER-DAEMON Fri Jul  8 "
  "12:08:34 2011\nstill the same message\n\n\n",
  ">From \n>>From \n",
  "no headers at all\n",
  "Subject: mixed\r\n\nFrom mixed\r\n\r\n>From \rbare CR\r\n",
};

static void
test_roundtrip_synthetic (gconstpointer data)
{
  gboolean                  chunky = GPOINTER_TO_INT (data);
  g_autoptr (GOutputStream) out = memory_output_new ();
  g_autoptr (GBytes)        mbox = NULL;
  g_autoptr (ReadResult)    r = NULL;
  guint                     n = G_N_ELEMENTS (tricky_messages);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) raw =
          g_bytes_new_static (tricky_messages[i], strlen (tricky_messages[i]));

      write_one (out, raw, i % 2 ? NULL : "sender@example.org",
                 1310126914 + (gint64) i * 86400 * 37);
    }
  mbox = memory_output_steal (out);

  r = read_all (mbox, chunky);
  g_assert_cmpuint (r->messages->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) raw =
          g_bytes_new_static (tricky_messages[i], strlen (tricky_messages[i]));
      g_autofree char *want = sha256 (raw);
      g_autofree char *got = sha256 (g_ptr_array_index (r->messages, i));

      g_assert_cmpstr (got, ==, want);
      assert_message (r, i, tricky_messages[i]);
      g_assert_cmpint (g_array_index (r->times, gint64, i), ==,
                       1310126914 + (gint64) i * 86400 * 37);
    }
}

static GBytes *
load_corpus_file (const char *name)
{
  g_autofree char *path =
      g_test_build_filename (G_TEST_DIST, "data", "mail", name, NULL);
  g_autoptr (GError) error = NULL;
  char              *contents;
  gsize              len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
corpus_names (void)
{
  g_autofree char *dir =
      g_test_build_filename (G_TEST_DIST, "data", "mail", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray       *names = g_ptr_array_new_with_free_func (g_free);
  const char      *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
test_roundtrip_corpus (gconstpointer data)
{
  gboolean              chunky = GPOINTER_TO_INT (data);
  g_autoptr (GPtrArray) names = corpus_names ();
  g_autoptr (GPtrArray) originals =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GOutputStream) out = memory_output_new ();
  g_autoptr (GBytes)        mbox = NULL;
  g_autoptr (ReadResult)    r = NULL;
  guint                     differing = 0;

  /* README.md: 65 messages; 038 is over 5 MiB. */
  g_assert_cmpuint (names->len, ==, 65);
  for (guint i = 0; i < names->len; i++)
    {
      GBytes *raw = load_corpus_file (g_ptr_array_index (names, i));

      g_ptr_array_add (originals, raw);
      write_one (out, raw, "import@example.org", 1742385600 + i);
    }
  mbox = memory_output_steal (out);

  r = read_all (mbox, chunky);
  g_assert_cmpuint (r->messages->len, ==, names->len);
  for (guint i = 0; i < names->len; i++)
    {
      const char      *name = g_ptr_array_index (names, i);
      GBytes          *orig = g_ptr_array_index (originals, i);
      g_autofree char *want = sha256 (orig);
      g_autofree char *got = sha256 (g_ptr_array_index (r->messages, i));

      g_assert_cmpint (g_array_index (r->times, gint64, i), ==, 1742385600 + i);
      if (g_str_has_prefix (name, "046-"))
        {
          /* The one message without a final line end (a CRLF one) comes
           * back with "\r\n" added, and nothing else changed. */
          g_autoptr (GByteArray) fixed = g_byte_array_new ();
          g_autoptr (GBytes)     fixed_bytes = NULL;
          g_autofree char       *fixed_sum = NULL;
          gsize                  len;
          const guint8          *d = g_bytes_get_data (orig, &len);

          g_assert_cmpuint (d[len - 1], !=, '\n');
          g_byte_array_append (fixed, d, len);
          g_byte_array_append (fixed, (const guint8 *) "\r\n", 2);
          fixed_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&fixed));
          fixed_sum = sha256 (fixed_bytes);
          g_assert_cmpstr (got, !=, want);
          g_assert_cmpstr (got, ==, fixed_sum);
          differing++;
        }
      else
        {
          if (g_strcmp0 (got, want) != 0)
            g_test_message ("%s differs after the round trip", name);
          g_assert_cmpstr (got, ==, want);
        }
    }
  g_assert_cmpuint (differing, ==, 1);
}

static void
test_roundtrip_large (void)
{
  g_autoptr (GOutputStream) out = memory_output_new ();
  g_autoptr (GByteArray)    long_line = g_byte_array_new ();
  g_autoptr (GByteArray)    big = g_byte_array_new ();
  g_autoptr (GBytes)        long_bytes = NULL;
  g_autoptr (GBytes)        big_bytes = NULL;
  g_autoptr (GBytes)        mbox = NULL;
  g_autoptr (ReadResult)    r = NULL;
  const char               *head = "Subject: long line\n\n>From ";
  g_autofree char          *want_long = NULL;
  g_autofree char          *want_big = NULL;
  g_autofree char          *got_long = NULL;
  g_autofree char          *got_big = NULL;

  /* A 1 MiB line that needs quoting, then a blank line and a 1 MiB
   * "From " line: too long to be taken for a separator even unquoted. */
  g_byte_array_append (long_line, (const guint8 *) head, strlen (head));
  for (guint i = 0; i < 1024 * 1024; i++)
    g_byte_array_append (long_line, (const guint8 *) "abcdefgh" + i % 8, 1);
  g_byte_array_append (long_line, (const guint8 *) "\n\nFrom ", 7);
  for (guint i = 0; i < 1024 * 1024; i++)
    g_byte_array_append (long_line, (const guint8 *) " 2011" + i % 5, 1);
  g_byte_array_append (long_line, (const guint8 *) "\n", 1);
  long_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&long_line));

  /* 5 MiB of 76-column lines, CRLF, some of them "From " lines. */
  g_byte_array_append (big, (const guint8 *) "Subject: big\r\n\r\n", 16);
  while (big->len < 5 * 1024 * 1024)
    {
      char line[80];

      if (big->len % 7 == 0)
        g_snprintf (line, sizeof line, "From %070u\r\n", big->len);
      else
        g_snprintf (line, sizeof line, "%076u\r\n", big->len);
      g_byte_array_append (big, (const guint8 *) line, strlen (line));
    }
  big_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&big));

  write_one (out, long_bytes, NULL, 0);
  write_one (out, big_bytes, NULL, 0);
  mbox = memory_output_steal (out);

  r = read_all (mbox, TRUE);
  g_assert_cmpuint (r->messages->len, ==, 2);
  want_long = sha256 (long_bytes);
  want_big = sha256 (big_bytes);
  got_long = sha256 (g_ptr_array_index (r->messages, 0));
  got_big = sha256 (g_ptr_array_index (r->messages, 1));
  g_assert_cmpstr (got_long, ==, want_long);
  g_assert_cmpstr (got_big, ==, want_big);
}

/* Reading files others wrote ---------------------------------------- */

static void
test_read_thunderbird (gconstpointer data)
{
  /* Thunderbird writes mboxo with "From - " separators, quotes body
   * "From " lines once and ends each message with an empty line. */
  g_autoptr (ReadResult) r = read_all_str ("From - Mon Jan  1 00:00:00 2024\n"
                                           "X-Mozilla-Status: 0001\n"
                                           "X-Mozilla-Status2: 00000000\n"
                                           "Subject: one\n"
                                           "\n"
                                           "Hello\n"
                                           ">From the quoted line\n"
                                           "\n"
                                           "From - Tue Jan  2 10:30:00 2024\n"
                                           "X-Mozilla-Status: 0000\n"
                                           "Subject: two\n"
                                           "\n"
                                           "Second\n"
                                           "\n",
                                           GPOINTER_TO_INT (data));

  g_assert_cmpuint (r->messages->len, ==, 2);
  assert_message (r, 0,
                  "X-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\n"
                  "Subject: one\n\nHello\nFrom the quoted line\n");
  assert_message (r, 1, "X-Mozilla-Status: 0000\nSubject: two\n\nSecond\n");
  g_assert_cmpint (g_array_index (r->times, gint64, 0), ==, 1704067200);
  g_assert_cmpint (g_array_index (r->times, gint64, 1), ==, 1704191400);
}

static void
test_read_unquoted_from (gconstpointer data)
{
  /* mboxo from an MDA that did not quote: "From " lines in the body,
   * some after an empty line, none looking like a separator. */
  g_autoptr (ReadResult) r =
      read_all_str ("From alice@example.org Fri Jul  8 12:08:34 2011\n"
                    "Subject: a\n"
                    "\n"
                    "Paragraph.\n"
                    "\n"
                    "From the desk of Bob, greetings.\n"
                    "From here on 12:00 2011\n"
                    "\n"
                    "From here to 2011\n"
                    "\n"
                    "From 12:00 2011\n"
                    "\n"
                    "From x Fri Jul  8 12:08:34 11\n"
                    "\n"
                    "From bob@example.org Sat Jul  9 08:00:00 2011 +0200\n"
                    "Subject: b\n"
                    "\n"
                    "x\n",
                    GPOINTER_TO_INT (data));

  g_assert_cmpuint (r->messages->len, ==, 2);
  assert_message (r, 0,
                  "Subject: a\n\nParagraph.\n\nFrom the desk of Bob, "
                  "greetings.\nFrom here on 12:00 2011\n\nFrom here to "
                  "2011\n\nFrom 12:00 2011\n\nFrom x Fri Jul  8 12:08:34 "
                  "11\n");
  assert_message (r, 1, "Subject: b\n\nx\n");
  g_assert_cmpint (g_array_index (r->times, gint64, 0), ==, 1310126914);
  g_assert_cmpint (g_array_index (r->times, gint64, 1), ==, 1310191200);
}

/* Messages with no empty line between them (files joined with cat, or
 * written by tools that leave it out) are still apart, and the last line
 * of each stays its own; a "From " line that is no separator stays body
 * text, empty line or not. */
static void
test_read_no_empty_line (gconstpointer data)
{
  g_autoptr (ReadResult) r =
      read_all_str ("From a Mon Jan  1 00:00:00 2024\n"
                    "S: 1\n"
                    "\n"
                    "last line\n"
                    "From b Tue Jan  2 00:00:00 2024\n"
                    "S: 2\n"
                    "\n"
                    "From the start, no empty line.\n"
                    "no final newline"
                    "\nFrom c Wed Jan  3 00:00:00 2024\r\n"
                    "S: 3\r\n",
                    GPOINTER_TO_INT (data));

  g_assert_cmpuint (r->messages->len, ==, 3);
  assert_message (r, 0, "S: 1\n\nlast line\n");
  assert_message (r, 1,
                  "S: 2\n\nFrom the start, no empty line.\nno final newline\n");
  assert_message (r, 2, "S: 3\r\n");
  g_assert_cmpint (g_array_index (r->times, gint64, 1), ==, 1704153600);
  g_assert_cmpint (g_array_index (r->times, gint64, 2), ==, 1704240000);
}

static void
test_read_crlf_file (gconstpointer data)
{
  g_autoptr (ReadResult) r =
      read_all_str ("From a Mon Jan  1 00:00:00 2024\r\nS: 1\r\n\r\nb\r\n"
                    "\r\nFrom b Mon Jan  1 00:00:01 2024\r\nS: 2\r\n\r\n",
                    GPOINTER_TO_INT (data));

  g_assert_cmpuint (r->messages->len, ==, 2);
  assert_message (r, 0, "S: 1\r\n\r\nb\r\n");
  assert_message (r, 1, "S: 2\r\n");
  g_assert_cmpint (g_array_index (r->times, gint64, 1), ==, 1704067201);
}

typedef struct
{
  const char *line;
  gboolean    separator;
  gint64      time;
} SeparatorCase;

static const SeparatorCase separator_cases[] = {
  { "From MAILER-DAEMON Fri Jul  8 12:08:34 2011", TRUE, 1310126914 },
  { "From - Mon Jan  1 00:00:00 2024", TRUE, 1704067200 },
  { "From a@b Fri Jul  8 12:08:34 2011 +0200", TRUE, 1310119714 },
  { "From a@b Fri Jul  8 12:08:34 2011 -0000", TRUE, 1310126914 },
  { "From a@b Fri Jul  8 12:08:34 +0200 2011", TRUE, 1310119714 },
  { "From a@b Fri Jul  8 12:08:34 2011 UTC", TRUE, 1310126914 },
  { "From a@b Fri Jul 8 12:08 2011", TRUE, 1310126880 },
  { "From a@b\tFri Jul  8 12:08:34 2011", TRUE, 1310126914 },
  { "From a@b Fri Jul  8 12:08:34 2011 remote from uucp", TRUE, 1310126914 },
  { "From a@b Fri Foo  8 12:08:34 2011", TRUE, 0 },
  { "From a@b Fri Feb 31 12:08:34 2011", TRUE, 0 },
  { "From here to 2011", FALSE, 0 },
  { "From 12:08 2011", FALSE, 0 },
  { "From the desk of Bob", FALSE, 0 },
  { "From a@b Fri Jul  8 12:08:34 20111", FALSE, 0 },
  { "From a@b Fri Jul  8 12:08:34 2011 and more", FALSE, 0 },
  { "From a@b Fri Jul  8 123:08:34 2011", FALSE, 0 },
  { "From a@b Fri Jul  8 12:08:34:56 2011", FALSE, 0 },
  { "From  ", FALSE, 0 },
};

static void
test_read_separators (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (separator_cases); i++)
    {
      const SeparatorCase *c = &separator_cases[i];
      g_autofree char     *mbox = g_strdup_printf (
              "From - Mon Jan  1 00:00:00 2024\nS: 1\n\n%s\nS: 2\n", c->line);
      g_autoptr (ReadResult) r = read_all_str (mbox, FALSE);

      g_test_message ("%s", c->line);
      if (c->separator)
        {
          g_assert_cmpuint (r->messages->len, ==, 2);
          assert_message (r, 0, "S: 1\n");
          assert_message (r, 1, "S: 2\n");
          g_assert_cmpint (g_array_index (r->times, gint64, 1), ==, c->time);
        }
      else
        {
          g_autofree char *whole =
              g_strdup_printf ("S: 1\n\n%s\nS: 2\n", c->line);

          g_assert_cmpuint (r->messages->len, ==, 1);
          assert_message (r, 0, whole);
        }
    }
}

static void
test_read_corpus_055 (void)
{
  /* 055 is itself a one-message mbox: a From_ line, then a body with a
   * quoted and an unquoted "From " line. */
  g_autoptr (GBytes) file = load_corpus_file ("055-mbox-from-line-prefix.eml");
  g_autoptr (ReadResult) r = read_all (file, TRUE);
  const char            *msg;
  gsize                  len;
  g_autofree char       *text = NULL;

  g_assert_cmpuint (r->messages->len, ==, 1);
  g_assert_cmpint (g_array_index (r->times, gint64, 0), ==, 1742385600);
  msg = g_bytes_get_data (g_ptr_array_index (r->messages, 0), &len);
  text = g_strndup (msg, len);
  g_assert_true (g_str_has_prefix (text, "Return-Path: <chen.wei@"));
  g_assert_nonnull (strstr (text, "\nFrom here on, lines starting"));
  g_assert_null (strstr (text, ">From"));
  g_assert_nonnull (strstr (text, "\nFrom the archive's point of view"));
  /* The mboxrd reading: one byte less per quoted line, nothing else. */
  g_assert_cmpuint (len + 1 +
                        strlen ("From chen.wei@kestrel.example.net  "
                                "Wed Mar 19 12:00:00 2025\n"),
                    ==, g_bytes_get_size (file));
}

static void
test_read_endings (gconstpointer data)
{
  gboolean               chunky = GPOINTER_TO_INT (data);
  g_autoptr (ReadResult) no_blank =
      read_all_str ("From a Mon Jan  1 00:00:00 2024\nS: 1\n\nbody\n", chunky);
  g_autoptr (ReadResult) truncated =
      read_all_str ("From a Mon Jan  1 00:00:00 2024\nS: 1\n\nbo", chunky);
  g_autoptr (ReadResult) blank = read_all_str (
      "From a Mon Jan  1 00:00:00 2024\nS: 1\n\nbody\n\n", chunky);
  g_autoptr (ReadResult) only_from =
      read_all_str ("From a Mon Jan  1 00:00:00 2024", chunky);
  g_autoptr (ReadResult) odd_first =
      read_all_str ("From nothing like a date\nS: 1\n", chunky);

  assert_message (no_blank, 0, "S: 1\n\nbody\n");
  assert_message (truncated, 0, "S: 1\n\nbo");
  assert_message (blank, 0, "S: 1\n\nbody\n");
  g_assert_cmpuint (only_from->messages->len, ==, 1);
  assert_message (only_from, 0, "");
  g_assert_cmpint (g_array_index (only_from->times, gint64, 0), ==, 1704067200);
  /* The first line is a separator by position, date or not. */
  g_assert_cmpuint (odd_first->messages->len, ==, 1);
  assert_message (odd_first, 0, "S: 1\n");
  g_assert_cmpint (g_array_index (odd_first->times, gint64, 0), ==, 0);
}

static void
test_read_empty (void)
{
  g_autoptr (ReadResult) r = read_all_str ("", TRUE);

  g_assert_cmpuint (r->messages->len, ==, 0);
}

static void
assert_not_mbox (const char *contents)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (contents, strlen (contents));
  g_autoptr (GInputStream)     stream = chunky_stream_new (bytes, -1);
  g_autoptr (EngineMboxReader) reader = engine_mbox_reader_new (stream);
  g_autoptr (GError)           error = NULL;
  gint64                       time = -1;

  g_assert_null (engine_mbox_reader_next (reader, &time, NULL, &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL);
  g_assert_nonnull (strstr (error->message, "mbox"));
  g_assert_cmpint (time, ==, 0);
}

static void
test_read_not_mbox (void)
{
  assert_not_mbox ("Subject: an eml file\n\nbody\n");
  assert_not_mbox ("\nFrom a Mon Jan  1 00:00:00 2024\nS: 1\n");
  assert_not_mbox (">From a Mon Jan  1 00:00:00 2024\nS: 1\n");
  assert_not_mbox ("From");
  assert_not_mbox ("from a Mon Jan  1 00:00:00 2024\n");
}

static void
test_read_errors (void)
{
  const char        *text = "From a Mon Jan  1 00:00:00 2024\nS: 1\n\nbody\n\n"
                            "From b Mon Jan  1 00:00:00 2024\nS: 2\n\nbody\n";
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError)       error = NULL;

  /* A read failure in the second message. */
  {
    g_autoptr (GInputStream)     stream = chunky_stream_new (bytes, 80);
    g_autoptr (EngineMboxReader) reader = engine_mbox_reader_new (stream);
    g_autoptr (GBytes)           first = NULL;
    g_autoptr (GBytes)           second = NULL;

    first = engine_mbox_reader_next (reader, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first),
                     "S: 1\n\nbody\n", 11);
    second = engine_mbox_reader_next (reader, NULL, NULL, &error);
    g_assert_null (second);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
    g_clear_error (&error);
  }

  /* Cancelled before reading. */
  {
    g_autoptr (GInputStream)     stream = chunky_stream_new (bytes, -1);
    g_autoptr (EngineMboxReader) reader = engine_mbox_reader_new (stream);

    g_cancellable_cancel (cancellable);
    g_assert_null (engine_mbox_reader_next (reader, NULL, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/mbox/write/quoting", test_write_quoting);
  g_test_add_func ("/engine/mbox/write/envelope", test_write_envelope);
  g_test_add_func ("/engine/mbox/write/no-final-newline",
                   test_write_no_final_newline);
  g_test_add_func ("/engine/mbox/write/errors", test_write_error);
  g_test_add_data_func ("/engine/mbox/roundtrip/synthetic",
                        GINT_TO_POINTER (FALSE), test_roundtrip_synthetic);
  g_test_add_data_func ("/engine/mbox/roundtrip/synthetic-chunky",
                        GINT_TO_POINTER (TRUE), test_roundtrip_synthetic);
  g_test_add_data_func ("/engine/mbox/roundtrip/corpus",
                        GINT_TO_POINTER (FALSE), test_roundtrip_corpus);
  g_test_add_data_func ("/engine/mbox/roundtrip/corpus-chunky",
                        GINT_TO_POINTER (TRUE), test_roundtrip_corpus);
  g_test_add_func ("/engine/mbox/roundtrip/large", test_roundtrip_large);
  g_test_add_data_func ("/engine/mbox/read/thunderbird", GINT_TO_POINTER (TRUE),
                        test_read_thunderbird);
  g_test_add_data_func ("/engine/mbox/read/unquoted-from",
                        GINT_TO_POINTER (TRUE), test_read_unquoted_from);
  g_test_add_data_func ("/engine/mbox/read/no-empty-line",
                        GINT_TO_POINTER (FALSE), test_read_no_empty_line);
  g_test_add_data_func ("/engine/mbox/read/no-empty-line-chunky",
                        GINT_TO_POINTER (TRUE), test_read_no_empty_line);
  g_test_add_data_func ("/engine/mbox/read/crlf", GINT_TO_POINTER (TRUE),
                        test_read_crlf_file);
  g_test_add_func ("/engine/mbox/read/separators", test_read_separators);
  g_test_add_func ("/engine/mbox/read/corpus-055", test_read_corpus_055);
  g_test_add_data_func ("/engine/mbox/read/endings", GINT_TO_POINTER (FALSE),
                        test_read_endings);
  g_test_add_data_func ("/engine/mbox/read/endings-chunky",
                        GINT_TO_POINTER (TRUE), test_read_endings);
  g_test_add_func ("/engine/mbox/read/empty", test_read_empty);
  g_test_add_func ("/engine/mbox/read/not-mbox", test_read_not_mbox);
  g_test_add_func ("/engine/mbox/read/errors", test_read_errors);

  return g_test_run ();
}
