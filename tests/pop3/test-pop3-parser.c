/* test-pop3-parser.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pop3-error.h"
#include "pop3-parser.h"

/* Feeding helpers ---------------------------------------------------- */

/* Feeds @wire to a fresh body reader in chunks cut at @cuts (sorted
 * offsets); returns the body and where the body ended in @wire. */
static GByteArray *
read_body_in_chunks (
    const char *wire, gsize len, const gsize *cuts, gsize n_cuts, gsize *end)
{
  g_autoptr (Pop3BodyReader) reader = pop3_body_reader_new ();
  GByteArray                *out = g_byte_array_new ();
  gsize                      offset = 0;

  *end = 0;
  for (gsize c = 0; c <= n_cuts; c++)
    {
      gsize stop = c < n_cuts ? cuts[c] : len;

      while (offset < stop)
        {
          gsize    consumed = 0;
          gboolean done = pop3_body_reader_feed (reader, wire + offset,
                                                 stop - offset, &consumed, out);

          g_assert_cmpuint (consumed, <=, stop - offset);
          offset += consumed;
          if (done)
            {
              g_assert_true (pop3_body_reader_is_done (reader));
              *end = offset;
              return out;
            }
          g_assert_cmpuint (offset, ==, stop);
        }
    }

  return out;
}

/* Every way of cutting @wire in two, and byte by byte: the body and its
 * end must not depend on where the network split it. */
static void
assert_body_any_split (const char *wire,
                       const char *expected,
                       const char *next_reply)
{
  gsize             len = strlen (wire);
  gsize             expected_end = len - strlen (next_reply);
  gsize             end;
  g_autofree gsize *bytes = g_new (gsize, len);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr (GByteArray) body =
          read_body_in_chunks (wire, len, &cut, 1, &end);

      g_assert_cmpuint (end, ==, expected_end);
      g_assert_cmpmem (body->data, body->len, expected, strlen (expected));
    }

  for (gsize i = 0; i < len; i++)
    bytes[i] = i + 1;
  {
    g_autoptr (GByteArray) body =
        read_body_in_chunks (wire, len, bytes, len, &end);

    g_assert_cmpuint (end, ==, expected_end);
    g_assert_cmpmem (body->data, body->len, expected, strlen (expected));
  }
}

/* Line reader -------------------------------------------------------- */

static void
test_line_crlf_and_lf (void)
{
  g_autoptr (Pop3LineReader) reader = pop3_line_reader_new ();
  g_autoptr (GError)         error = NULL;
  const char                *wire = "+OK one\r\n-ERR two\n+OK three";
  const char                *line = NULL;
  gsize                      consumed;

  g_assert_true (pop3_line_reader_feed (reader, wire, strlen (wire), &consumed,
                                        &line, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "+OK one");
  g_assert_cmpuint (consumed, ==, 9);

  wire += consumed;
  g_assert_true (pop3_line_reader_feed (reader, wire, strlen (wire), &consumed,
                                        &line, &error));
  g_assert_cmpstr (line, ==, "-ERR two");
  g_assert_cmpuint (consumed, ==, 9);

  /* No line end yet: everything is taken, no line. */
  wire += consumed;
  g_assert_false (pop3_line_reader_feed (reader, wire, strlen (wire), &consumed,
                                         &line, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, strlen (wire));
  g_assert_true (
      pop3_line_reader_feed (reader, "\r\n", 2, &consumed, &line, &error));
  g_assert_cmpstr (line, ==, "+OK three");
}

static void
test_line_any_split (void)
{
  const char *wire = "+OK Dovecot ready. <1.2@x>\r\n";
  gsize       len = strlen (wire);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr (Pop3LineReader) reader = pop3_line_reader_new ();
      g_autoptr (GError)         error = NULL;
      const char                *line = NULL;
      gsize                      consumed;
      gboolean                   done;

      done =
          pop3_line_reader_feed (reader, wire, cut, &consumed, &line, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (consumed, ==, cut);
      if (!done)
        done = pop3_line_reader_feed (reader, wire + cut, len - cut, &consumed,
                                      &line, &error);
      g_assert_true (done);
      g_assert_cmpstr (line, ==, "+OK Dovecot ready. <1.2@x>");
    }
}

static void
test_line_too_long (void)
{
  g_autoptr (Pop3LineReader) reader = pop3_line_reader_new ();
  g_autoptr (GError)         error = NULL;
  g_autofree char           *chunk = g_malloc (4096);
  const char                *line = NULL;
  gsize                      consumed;
  gsize                      total = 0;
  gboolean                   failed = FALSE;

  memset (chunk, 'a', 4096);
  /* A server that never ends its line: memory must stop growing at the
   * limit, with a protocol error, not at the end of the machine. */
  while (total < 2 * POP3_MAX_LINE_LENGTH)
    {
      if (!pop3_line_reader_feed (reader, chunk, 4096, &consumed, &line,
                                  &error) &&
          error != NULL)
        {
          failed = TRUE;
          break;
        }
      total += consumed;
    }

  g_assert_true (failed);
  g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
  g_assert_cmpuint (total, <=, POP3_MAX_LINE_LENGTH);
}

static void
test_line_at_limit (void)
{
  g_autoptr (Pop3LineReader) reader = pop3_line_reader_new ();
  g_autoptr (GError)         error = NULL;
  g_autofree char           *wire = g_malloc (POP3_MAX_LINE_LENGTH);
  const char                *line = NULL;
  gsize                      consumed;

  memset (wire, 'a', POP3_MAX_LINE_LENGTH);
  wire[POP3_MAX_LINE_LENGTH - 2] = '\r';
  wire[POP3_MAX_LINE_LENGTH - 1] = '\n';
  g_assert_true (pop3_line_reader_feed (reader, wire, POP3_MAX_LINE_LENGTH,
                                        &consumed, &line, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (line), ==, POP3_MAX_LINE_LENGTH - 2);
}

static void
test_line_nul (void)
{
  g_autoptr (Pop3LineReader) reader = pop3_line_reader_new ();
  g_autoptr (GError)         error = NULL;
  const char                 wire[] = "+OK a\0b\r\n";
  const char                *line = NULL;
  gsize                      consumed;

  g_assert_false (pop3_line_reader_feed (reader, wire, sizeof wire - 1,
                                         &consumed, &line, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
}

/* Body reader -------------------------------------------------------- */

static void
test_body_plain (void)
{
  assert_body_any_split ("From: a\r\n\r\nhello\r\n.\r\n",
                         "From: a\r\n\r\nhello\r\n", "");
}

static void
test_body_empty (void)
{
  assert_body_any_split (".\r\n", "", "");
}

static void
test_body_dot_stuffing (void)
{
  /* RFC 1939 §3: the first dot of a line that starts with one is
   * removed, ".." becomes ".", and a lone "." ends the body. */
  assert_body_any_split ("..\r\n...x\r\n.y\r\na.b\r\n\r\n.\r\n",
                         ".\r\n..x\r\ny\r\na.b\r\n\r\n", "");
}

static void
test_body_terminator_split_everywhere (void)
{
  /* What follows the terminator is the next reply's: the reader stops
   * exactly after ".\r\n" wherever the chunks were cut. */
  assert_body_any_split ("a\r\n.\r\n+OK next\r\n", "a\r\n", "+OK next\r\n");
}

static void
test_body_bare_lf (void)
{
  /* A sloppy server: bare LF line ends are kept as they are, and a "."
   * line ended by LF still ends the body. */
  assert_body_any_split ("a\nb\n..c\n.\n+OK", "a\nb\n.c\n", "+OK");
}

static void
test_body_dot_cr_not_terminator (void)
{
  /* ".\r" not followed by LF: the dot was stuffing, the CR is data. */
  assert_body_any_split (".\rx\r\n.\r\n", "\rx\r\n", "");
}

static void
test_body_no_final_line_end (void)
{
  g_autoptr (GByteArray) body = NULL;
  const char            *wire = "a\r\nb";
  gsize                  end;

  /* A reply without its "." never ends: the reader takes everything and
   * waits; the client's timeout, not the parser, ends it. */
  body = read_body_in_chunks (wire, strlen (wire), NULL, 0, &end);
  g_assert_cmpuint (end, ==, 0);
  g_assert_cmpmem (body->data, body->len, "a\r\nb", 4);
}

static void
test_body_reset (void)
{
  g_autoptr (Pop3BodyReader) reader = pop3_body_reader_new ();
  g_autoptr (GByteArray)     out = g_byte_array_new ();
  gsize                      consumed;

  /* Pipelined replies: one reader, reset between bodies. */
  g_assert_true (
      pop3_body_reader_feed (reader, "x\r\n.\r\n", 6, &consumed, out));
  pop3_body_reader_reset (reader);
  g_assert_false (pop3_body_reader_is_done (reader));
  g_assert_true (
      pop3_body_reader_feed (reader, ".y\r\n.\r\n", 7, &consumed, out));
  g_assert_cmpmem (out->data, out->len, "x\r\ny\r\n", 6);
}

static void
test_body_binary_bytes (void)
{
  const char                 wire[] = "\x01\x00\xff\r\n\x80.\r\n.\r\n";
  g_autoptr (Pop3BodyReader) reader = pop3_body_reader_new ();
  g_autoptr (GByteArray)     out = g_byte_array_new ();
  gsize                      consumed;

  /* 8-bit and NUL bytes in a body pass through untouched. */
  g_assert_true (
      pop3_body_reader_feed (reader, wire, sizeof wire - 1, &consumed, out));
  g_assert_cmpmem (out->data, out->len, "\x01\x00\xff\r\n\x80.\r\n", 9);
}

/* Status lines ------------------------------------------------------- */

typedef struct
{
  const char      *line;
  Pop3StatusKind   kind;
  Pop3ResponseCode code;
  const char      *code_text;
  const char      *text;
} StatusCase;

static void
test_status_lines (void)
{
  const StatusCase cases[] = {
    { "+OK", POP3_STATUS_OK, POP3_CODE_NONE, NULL, "" },
    { "+OK Logged in.", POP3_STATUS_OK, POP3_CODE_NONE, NULL, "Logged in." },
    { "+ok lower case", POP3_STATUS_OK, POP3_CODE_NONE, NULL, "lower case" },
    { "-ERR", POP3_STATUS_ERR, POP3_CODE_NONE, NULL, "" },
    { "-ERR [AUTH] Authentication failed.", POP3_STATUS_ERR, POP3_CODE_AUTH,
      "AUTH", "Authentication failed." },
    { "-ERR [IN-USE] Mailbox locked", POP3_STATUS_ERR, POP3_CODE_IN_USE,
      "IN-USE", "Mailbox locked" },
    { "-ERR [LOGIN-DELAY] wait", POP3_STATUS_ERR, POP3_CODE_LOGIN_DELAY,
      "LOGIN-DELAY", "wait" },
    { "-ERR [SYS/TEMP] try later", POP3_STATUS_ERR, POP3_CODE_SYS_TEMP,
      "SYS/TEMP", "try later" },
    { "-ERR [SYS/PERM] Web login required", POP3_STATUS_ERR, POP3_CODE_SYS_PERM,
      "SYS/PERM", "Web login required" },
    { "-ERR [sys/temp/disk] full", POP3_STATUS_ERR, POP3_CODE_SYS_TEMP,
      "sys/temp/disk", "full" },
    { "-ERR [UTF8] say UTF8 first", POP3_STATUS_ERR, POP3_CODE_UTF8, "UTF8",
      "say UTF8 first" },
    { "-ERR [X-FOO/BAR] odd", POP3_STATUS_ERR, POP3_CODE_OTHER, "X-FOO/BAR",
      "odd" },
    { "-ERR [AUTHENTICATE] not a code", POP3_STATUS_ERR, POP3_CODE_OTHER,
      "AUTHENTICATE", "not a code" },
    /* Not RFC 2449 codes: kept as text. */
    { "-ERR [no spaces allowed] x", POP3_STATUS_ERR, POP3_CODE_NONE, NULL,
      "[no spaces allowed] x" },
    { "-ERR [] empty", POP3_STATUS_ERR, POP3_CODE_NONE, NULL, "[] empty" },
    { "-ERR [SYS//TEMP] x", POP3_STATUS_ERR, POP3_CODE_NONE, NULL,
      "[SYS//TEMP] x" },
    { "-ERR [unclosed", POP3_STATUS_ERR, POP3_CODE_NONE, NULL, "[unclosed" },
    { "+OK The Microsoft Exchange POP3 service is ready. [UABSAD]",
      POP3_STATUS_OK, POP3_CODE_NONE, NULL,
      "The Microsoft Exchange POP3 service is ready. [UABSAD]" },
    { "+", POP3_STATUS_CONTINUE, POP3_CODE_NONE, NULL, "" },
    { "+ ", POP3_STATUS_CONTINUE, POP3_CODE_NONE, NULL, "" },
    { "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+", POP3_STATUS_CONTINUE,
      POP3_CODE_NONE, NULL, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError)     error = NULL;
      g_autoptr (Pop3Status) status = pop3_status_parse (cases[i].line, &error);

      g_test_message ("%s", cases[i].line);
      g_assert_no_error (error);
      g_assert_nonnull (status);
      g_assert_cmpint (status->kind, ==, cases[i].kind);
      g_assert_cmpint (status->code, ==, cases[i].code);
      g_assert_cmpstr (status->code_text, ==, cases[i].code_text);
      g_assert_cmpstr (status->text, ==, cases[i].text);
    }
}

static void
test_status_invalid (void)
{
  const char *lines[] = {
    "",   "OK",  "* OK IMAP?",  "220 smtp.example.com ESMTP",
    "+x", "-ER", "\x1b[31m+OK",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr (GError)     error = NULL;
      g_autoptr (Pop3Status) status = pop3_status_parse (lines[i], &error);

      g_assert_null (status);
      g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
      /* The quote in the message is escaped: no raw ESC reaches a log. */
      g_assert_null (strchr (error->message, '\x1b'));
    }
}

/* Capabilities ------------------------------------------------------- */

static Pop3Capabilities *
parse_capa (const char *const *lines)
{
  Pop3Capabilities *caps = pop3_capabilities_new ();

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (pop3_capabilities_parse_line (caps, lines[i], &error));
      g_assert_no_error (error);
    }

  return caps;
}

static void
test_capa_dovecot (void)
{
  const char *lines[] = {
    "CAPA",       "TOP",        "UIDL",
    "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
    "STLS",       "USER",       "SASL PLAIN LOGIN CRAM-MD5",
    NULL,
  };
  g_autoptr (Pop3Capabilities) caps = parse_capa (lines);
  const char                  *sasl[] = { "PLAIN", "LOGIN", "CRAM-MD5", NULL };

  g_assert_true (caps->top && caps->uidl && caps->resp_codes);
  g_assert_true (caps->pipelining && caps->auth_resp_code && caps->stls);
  g_assert_true (caps->user);
  g_assert_false (caps->utf8);
  g_assert_cmpstrv (caps->sasl, sasl);
  g_assert_true (pop3_capabilities_has_sasl (caps, "cram-md5"));
  g_assert_false (pop3_capabilities_has_sasl (caps, "XOAUTH2"));
  g_assert_cmpint (caps->login_delay, ==, -1);
  g_assert_false (caps->expire_announced);
  g_assert_null (caps->implementation);
  g_assert_cmpuint (caps->lines->len, ==, 9);
}

static void
test_capa_arguments (void)
{
  const char *lines[] = {
    "LOGIN-DELAY 300",
    "EXPIRE 0",
    "IMPLEMENTATION  Shlemazle-Plotz-v302  (beta)",
    "sasl plain",
    "SASL   XOAUTH2\tOAUTHBEARER PLAIN",
    "",
    "X-GOOGLE-RICO",
    "UTF8 USER",
    NULL,
  };
  g_autoptr (Pop3Capabilities) caps = parse_capa (lines);
  const char *sasl[] = { "PLAIN", "XOAUTH2", "OAUTHBEARER", NULL };

  g_assert_cmpint (caps->login_delay, ==, 300);
  g_assert_false (caps->login_delay_per_user);
  g_assert_true (caps->expire_announced);
  g_assert_cmpint (caps->expire_days, ==, 0);
  g_assert_cmpstr (caps->implementation, ==, "Shlemazle-Plotz-v302  (beta)");
  g_assert_cmpstrv (caps->sasl, sasl);
  g_assert_true (caps->utf8);
  /* The empty line is ignored; the unknown one is kept. */
  g_assert_cmpuint (caps->lines->len, ==, 7);
  g_assert_cmpstr (g_ptr_array_index (caps->lines, 5), ==, "X-GOOGLE-RICO");
}

static void
test_capa_expire_never_user (void)
{
  const char *lines[] = { "EXPIRE NEVER USER", "LOGIN-DELAY 900 USER", NULL };
  g_autoptr (Pop3Capabilities) caps = parse_capa (lines);

  g_assert_true (caps->expire_announced);
  g_assert_cmpint (caps->expire_days, ==, -1);
  g_assert_true (caps->expire_per_user);
  g_assert_cmpint (caps->login_delay, ==, 900);
  g_assert_true (caps->login_delay_per_user);
}

static void
test_capa_invalid (void)
{
  const char *lines[] = {
    "LOGIN-DELAY",    "LOGIN-DELAY soon",
    "LOGIN-DELAY -5", "LOGIN-DELAY NEVER",
    "EXPIRE 3 GROUP", "EXPIRE 1 USER x",
    "EXPIRE",         "LOGIN-DELAY 99999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr (Pop3Capabilities) caps = pop3_capabilities_new ();
      g_autoptr (GError)           error = NULL;

      g_test_message ("%s", lines[i]);
      g_assert_false (pop3_capabilities_parse_line (caps, lines[i], &error));
      g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
    }
}

/* Listings ----------------------------------------------------------- */

static void
test_stat (void)
{
  g_autoptr (GError) error = NULL;
  guint              count;
  guint64            octets;

  g_assert_true (pop3_parse_stat ("2 612", &count, &octets, &error));
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpuint (octets, ==, 612);
  g_assert_true (pop3_parse_stat ("0 0 extra", &count, &octets, &error));
  g_assert_cmpuint (count, ==, 0);
  g_assert_true (pop3_parse_stat ("1 9000000000", &count, &octets, &error));
  g_assert_cmpuint (octets, ==, G_GUINT64_CONSTANT (9000000000));

  for (const char *const *bad =
           (const char *const[]){ "", "2", "x 1", "2 y", "-1 5", "4294967296 1",
                                  NULL };
       *bad != NULL; bad++)
    {
      g_clear_error (&error);
      g_assert_false (pop3_parse_stat (*bad, &count, &octets, &error));
      g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
    }
}

static void
test_list_lines (void)
{
  g_autoptr (GError) error = NULL;
  guint              msgno;
  guint64            octets;

  g_assert_true (pop3_parse_list_line ("1 341", &msgno, &octets, &error));
  g_assert_cmpuint (msgno, ==, 1);
  g_assert_cmpuint (octets, ==, 341);
  g_assert_true (pop3_parse_list_line ("17  0 x", &msgno, &octets, &error));
  g_assert_cmpuint (msgno, ==, 17);
  g_assert_cmpuint (octets, ==, 0);

  for (const char *const *bad =
           (const char *const[]){ "", "1", "0 12", "1 -3", "a 3", "1 3x",
                                  "1 99999999999999999999", NULL };
       *bad != NULL; bad++)
    {
      g_clear_error (&error);
      g_assert_false (pop3_parse_list_line (*bad, &msgno, &octets, &error));
      g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
    }
}

static void
test_uidl_lines (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char   *longest = g_strnfill (POP3_MAX_UIDL_LENGTH, 'u');
  g_autofree char   *too_long = g_strnfill (POP3_MAX_UIDL_LENGTH + 1, 'u');
  g_autofree char   *line_longest = g_strdup_printf ("3 %s", longest);
  g_autofree char   *line_too_long = g_strdup_printf ("3 %s", too_long);
  char              *uid = NULL;
  guint              msgno;

  g_assert_true (
      pop3_parse_uidl_line ("1 000000016760a1c2", &msgno, &uid, &error));
  g_assert_cmpuint (msgno, ==, 1);
  g_assert_cmpstr (uid, ==, "000000016760a1c2");
  g_clear_pointer (&uid, g_free);

  /* Trailing blanks are forgiven, visible punctuation is a valid id. */
  g_assert_true (pop3_parse_uidl_line ("2 !~<a@b>\t ", &msgno, &uid, &error));
  g_assert_cmpstr (uid, ==, "!~<a@b>");
  g_clear_pointer (&uid, g_free);

  g_assert_true (pop3_parse_uidl_line (line_longest, &msgno, &uid, &error));
  g_assert_cmpstr (uid, ==, longest);
  g_clear_pointer (&uid, g_free);

  for (const char *const *bad =
           (const char *const[]){ "", "1", "1 ", "0 abc", "x abc", "1 a b",
                                  "1 caf\xc3\xa9", "1 a\x7f", line_too_long,
                                  NULL };
       *bad != NULL; bad++)
    {
      g_clear_error (&error);
      g_assert_false (pop3_parse_uidl_line (*bad, &msgno, &uid, &error));
      g_assert_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL);
      g_assert_null (uid);
    }
}

static void
test_apop_timestamp (void)
{
  const struct
  {
    const char *greeting;
    const char *timestamp;
  } cases[] = {
    { "POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
      "<1896.697170952@dbc.mtview.ca.us>" },
    { "Dovecot (Debian) ready. <1f3e.1.6760a1c2.Kz4v==@mail.example.org>",
      "<1f3e.1.6760a1c2.Kz4v==@mail.example.org>" },
    { "Gpop ready for requests from 203.0.113.7", NULL },
    { "ready <>", NULL },
    { "ready <no end", NULL },
    { "a < b <x@y> c", "<x@y>" },
    { "<<x@y>>", "<x@y>" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *timestamp =
          pop3_parse_apop_timestamp (cases[i].greeting);

      g_assert_cmpstr (timestamp, ==, cases[i].timestamp);
    }
}

/* Transcripts -------------------------------------------------------- */

typedef struct
{
  char      *command;
  GPtrArray *expected_body; /* E: lines, or NULL */
} TranscriptStep;

typedef struct
{
  GString   *wire;  /* every S: line, CRLF-terminated */
  GPtrArray *steps; /* greeting first (command NULL), then one per C: */
} Transcript;

static void
transcript_step_free (TranscriptStep *step)
{
  g_free (step->command);
  g_clear_pointer (&step->expected_body, g_ptr_array_unref);
  g_free (step);
}

static void
transcript_free (Transcript *transcript)
{
  g_string_free (transcript->wire, TRUE);
  g_ptr_array_unref (transcript->steps);
  g_free (transcript);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Transcript, transcript_free)

static Transcript *
load_transcript (const char *name)
{
  g_autofree char *path =
      g_test_build_filename (G_TEST_DIST, "data", "pop3", name, NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  Transcript        *transcript = g_new0 (Transcript, 1);
  TranscriptStep    *step = g_new0 (TranscriptStep, 1);

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);

  transcript->wire = g_string_new (NULL);
  transcript->steps =
      g_ptr_array_new_with_free_func ((GDestroyNotify) transcript_step_free);
  g_ptr_array_add (transcript->steps, step);

  lines = g_strsplit (text, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *content;

      if (strlen (line) < 2 || line[1] != ':')
        continue;
      content = line[2] == ' ' ? line + 3 : line + 2;

      if (g_str_has_prefix (line, "S:"))
        g_string_append_printf (transcript->wire, "%s\r\n", content);
      else if (g_str_has_prefix (line, "C:"))
        {
          step = g_new0 (TranscriptStep, 1);
          step->command = g_strdup (content);
          g_ptr_array_add (transcript->steps, step);
        }
      else if (g_str_has_prefix (line, "E:"))
        {
          if (step->expected_body == NULL)
            step->expected_body = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (step->expected_body, g_strdup (content));
        }
    }

  return transcript;
}

/* Whether the reply to @command has a body after "+OK" (RFC 1939). */
static gboolean
command_is_multiline (const char *command)
{
  g_auto (GStrv) words = NULL;

  if (command == NULL)
    return FALSE;

  words = g_strsplit (command, " ", -1);
  if (g_ascii_strcasecmp (words[0], "CAPA") == 0 ||
      g_ascii_strcasecmp (words[0], "RETR") == 0 ||
      g_ascii_strcasecmp (words[0], "TOP") == 0)
    return TRUE;

  return (g_ascii_strcasecmp (words[0], "LIST") == 0 ||
          g_ascii_strcasecmp (words[0], "UIDL") == 0) &&
         words[1] == NULL;
}

/* The body's lines, each parsed as the command's listing type. */
static void
check_listing (const char *command, GByteArray *body)
{
  g_autofree char *text = g_strndup ((const char *) body->data, body->len);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autoptr (Pop3Capabilities) caps = pop3_capabilities_new ();

  for (gsize i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char   *uid = NULL;
      guint              msgno;
      guint64            octets;

      if (g_str_equal (command, "CAPA"))
        g_assert_true (pop3_capabilities_parse_line (caps, lines[i], &error));
      else if (g_str_equal (command, "LIST"))
        g_assert_true (
            pop3_parse_list_line (lines[i], &msgno, &octets, &error));
      else if (g_str_equal (command, "UIDL"))
        g_assert_true (pop3_parse_uidl_line (lines[i], &msgno, &uid, &error));
      g_assert_no_error (error);
    }
}

/* Replays the server side of a transcript through the parsers, the wire
 * cut in chunks of @chunk bytes; every reply must parse, every body must
 * match its E: lines, and the replies must use up the wire exactly. */
static void
replay (Transcript *transcript, gsize chunk)
{
  g_autoptr (Pop3LineReader) lines = pop3_line_reader_new ();
  g_autoptr (Pop3BodyReader) bodies = pop3_body_reader_new ();
  const char                *wire = transcript->wire->str;
  gsize                      len = transcript->wire->len;
  gsize                      offset = 0;

  for (guint s = 0; s < transcript->steps->len; s++)
    {
      TranscriptStep        *step = g_ptr_array_index (transcript->steps, s);
      g_autoptr (Pop3Status) status = NULL;
      g_autoptr (GError)     error = NULL;
      const char            *line = NULL;
      gboolean               have_line = FALSE;

      while (!have_line)
        {
          gsize consumed = 0;

          g_assert_cmpuint (offset, <, len);
          have_line = pop3_line_reader_feed (lines, wire + offset,
                                             MIN (chunk, len - offset),
                                             &consumed, &line, &error);
          g_assert_no_error (error);
          offset += consumed;
        }

      status = pop3_status_parse (line, &error);
      g_assert_no_error (error);
      if (status->kind == POP3_STATUS_CONTINUE)
        g_assert_true (step->command != NULL &&
                       g_str_has_prefix (step->command, "AUTH"));

      if (status->kind == POP3_STATUS_OK &&
          command_is_multiline (step->command))
        {
          g_autoptr (GByteArray) body = g_byte_array_new ();
          gboolean               done = FALSE;

          pop3_body_reader_reset (bodies);
          while (!done)
            {
              gsize consumed = 0;

              g_assert_cmpuint (offset, <, len);
              done = pop3_body_reader_feed (bodies, wire + offset,
                                            MIN (chunk, len - offset),
                                            &consumed, body);
              offset += consumed;
            }

          if (step->expected_body != NULL)
            {
              g_autoptr (GString) expected = g_string_new (NULL);

              for (guint e = 0; e < step->expected_body->len; e++)
                g_string_append_printf (
                    expected, "%s\r\n",
                    (char *) g_ptr_array_index (step->expected_body, e));
              g_assert_cmpmem (body->data, body->len, expected->str,
                               expected->len);
            }
          check_listing (step->command, body);
        }
    }

  g_assert_cmpuint (offset, ==, len);
}

static void
test_transcript (gconstpointer data)
{
  g_autoptr (Transcript) transcript = load_transcript (data);

  for (gsize chunk = 1; chunk <= transcript->wire->len; chunk++)
    replay (transcript, chunk);
}

static void
test_transcript_dovecot_capabilities (void)
{
  g_autoptr (Transcript) transcript = load_transcript ("dovecot-2.3.txt");
  g_autofree char       *timestamp = NULL;
  const char            *greeting_end = strstr (transcript->wire->str, "\r\n");
  g_autofree char       *greeting =
      g_strndup (transcript->wire->str, greeting_end - transcript->wire->str);

  timestamp = pop3_parse_apop_timestamp (greeting);
  g_assert_cmpstr (
      timestamp, ==,
      "<1f3e.1.6760a1c2.Kz4vT0yUjN8xq1bQ5c9Zpw==@mail.example.org>");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pop3/parser/line/crlf-and-lf", test_line_crlf_and_lf);
  g_test_add_func ("/pop3/parser/line/any-split", test_line_any_split);
  g_test_add_func ("/pop3/parser/line/too-long", test_line_too_long);
  g_test_add_func ("/pop3/parser/line/at-limit", test_line_at_limit);
  g_test_add_func ("/pop3/parser/line/nul", test_line_nul);
  g_test_add_func ("/pop3/parser/multiline/plain", test_body_plain);
  g_test_add_func ("/pop3/parser/multiline/empty", test_body_empty);
  g_test_add_func ("/pop3/parser/multiline/dot-unstuffing",
                   test_body_dot_stuffing);
  g_test_add_func ("/pop3/parser/multiline/terminator-split",
                   test_body_terminator_split_everywhere);
  g_test_add_func ("/pop3/parser/multiline/bare-lf", test_body_bare_lf);
  g_test_add_func ("/pop3/parser/multiline/dot-cr",
                   test_body_dot_cr_not_terminator);
  g_test_add_func ("/pop3/parser/multiline/unterminated",
                   test_body_no_final_line_end);
  g_test_add_func ("/pop3/parser/multiline/reset", test_body_reset);
  g_test_add_func ("/pop3/parser/multiline/binary", test_body_binary_bytes);
  g_test_add_func ("/pop3/parser/status/lines", test_status_lines);
  g_test_add_func ("/pop3/parser/status/invalid", test_status_invalid);
  g_test_add_func ("/pop3/parser/capa/dovecot", test_capa_dovecot);
  g_test_add_func ("/pop3/parser/capa/arguments", test_capa_arguments);
  g_test_add_func ("/pop3/parser/capa/expire-never-user",
                   test_capa_expire_never_user);
  g_test_add_func ("/pop3/parser/capa/invalid", test_capa_invalid);
  g_test_add_func ("/pop3/parser/stat", test_stat);
  g_test_add_func ("/pop3/parser/list", test_list_lines);
  g_test_add_func ("/pop3/parser/uidl", test_uidl_lines);
  g_test_add_func ("/pop3/parser/apop-timestamp", test_apop_timestamp);
  g_test_add_data_func ("/pop3/parser/transcript/dovecot", "dovecot-2.3.txt",
                        test_transcript);
  g_test_add_data_func ("/pop3/parser/transcript/gmail", "gmail.txt",
                        test_transcript);
  g_test_add_data_func ("/pop3/parser/transcript/outlook", "outlook.txt",
                        test_transcript);
  g_test_add_func ("/pop3/parser/transcript/dovecot-apop",
                   test_transcript_dovecot_capabilities);

  return g_test_run ();
}
