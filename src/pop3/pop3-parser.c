/* pop3-parser.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-parser.h"

#include <string.h>

#include "pop3-error.h"

/* How much of a bad line an error message quotes. */
#define QUOTE_LENGTH 80

struct _Pop3LineReader
{
  GByteArray *line;
  gboolean complete; /* line holds a finished line, to drop on the next feed */
};

typedef enum
{
  BODY_PENDING_NONE,
  BODY_PENDING_DOT,    /* "." at a line start */
  BODY_PENDING_DOT_CR, /* ".\r" at a line start */
} BodyPending;

struct _Pop3BodyReader
{
  gboolean    at_line_start;
  BodyPending pending;
  gboolean    done;
};

/* A short, printable quote of what the server sent, for error messages:
 * server text may hold anything, including terminal escapes. */
static char *
quote_line (const char *line)
{
  g_autofree char *head = g_strndup (line, QUOTE_LENGTH);
  g_autofree char *escaped = g_strescape (head, NULL);

  if (strlen (line) > QUOTE_LENGTH)
    return g_strdup_printf ("“%s…”", escaped);
  return g_strdup_printf ("“%s”", escaped);
}

static gboolean
protocol_error (GError **error, const char *what, const char *line)
{
  g_autofree char *quoted = quote_line (line);

  g_set_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL, "%s: %s", what, quoted);
  return FALSE;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static const char *
skip_blanks (const char *p)
{
  while (is_blank (*p))
    p++;
  return p;
}

/* Parses a decimal number that ends at a blank or the end of the string;
 * returns where it ended, or NULL when there is no number there or it is
 * larger than @max. No sign, no leading blanks. */
static const char *
parse_number (const char *p, guint64 max, guint64 *value)
{
  guint64     n = 0;
  const char *start = p;

  while (g_ascii_isdigit (*p))
    {
      guint digit = *p - '0';

      if (n > (max - digit) / 10)
        return NULL;
      n = n * 10 + digit;
      p++;
    }

  if (p == start || (*p != '\0' && !is_blank (*p)))
    return NULL;

  *value = n;
  return p;
}

/* Line reader -------------------------------------------------------- */

Pop3LineReader *
pop3_line_reader_new (void)
{
  Pop3LineReader *self = g_new0 (Pop3LineReader, 1);

  self->line = g_byte_array_new ();
  return self;
}

void
pop3_line_reader_free (Pop3LineReader *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->line);
  g_free (self);
}

/**
 * pop3_line_reader_reset:
 * @self: a #Pop3LineReader
 *
 * Forgets any partial line, for a new connection.
 */
void
pop3_line_reader_reset (Pop3LineReader *self)
{
  g_byte_array_set_size (self->line, 0);
  self->complete = FALSE;
}

/**
 * pop3_line_reader_feed:
 * @self: a #Pop3LineReader
 * @data: bytes from the server
 * @len: how many
 * @consumed: (out): how many of @data were used; the rest belongs to the
 *   next reply
 * @line: (out) (transfer none): the line without its CRLF or LF, valid
 *   until the next call; set only when %TRUE is returned
 * @error: a %POP3_ERROR_PROTOCOL error for an over-long line or one with
 *   a NUL byte
 *
 * Returns: %TRUE when a whole line was read. %FALSE with @error unset
 *   means all of @data was taken and more is needed.
 */
gboolean
pop3_line_reader_feed (Pop3LineReader *self,
                       const char     *data,
                       gsize           len,
                       gsize          *consumed,
                       const char    **line,
                       GError        **error)
{
  const char *newline;
  gsize       take;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (consumed != NULL && line != NULL, FALSE);

  if (self->complete)
    pop3_line_reader_reset (self);

  *consumed = 0;
  newline = memchr (data, '\n', len);
  take = newline != NULL ? (gsize) (newline - data) + 1 : len;

  if (self->line->len + take > POP3_MAX_LINE_LENGTH)
    {
      g_set_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL,
                   "the server sent a line longer than %d bytes",
                   POP3_MAX_LINE_LENGTH);
      return FALSE;
    }

  g_byte_array_append (self->line, (const guint8 *) data, take);
  *consumed = take;

  if (newline == NULL)
    return FALSE;

  /* Drop LF, then a CR before it. */
  g_byte_array_set_size (self->line, self->line->len - 1);
  if (self->line->len > 0 && self->line->data[self->line->len - 1] == '\r')
    g_byte_array_set_size (self->line, self->line->len - 1);

  if (memchr (self->line->data, '\0', self->line->len) != NULL)
    {
      g_set_error_literal (error, POP3_ERROR, POP3_ERROR_PROTOCOL,
                           "the server sent a line with a NUL byte");
      return FALSE;
    }

  g_byte_array_append (self->line, (const guint8 *) "", 1);
  self->complete = TRUE;
  *line = (const char *) self->line->data;
  return TRUE;
}

/* Body reader -------------------------------------------------------- */

Pop3BodyReader *
pop3_body_reader_new (void)
{
  Pop3BodyReader *self = g_new0 (Pop3BodyReader, 1);

  pop3_body_reader_reset (self);
  return self;
}

void
pop3_body_reader_free (Pop3BodyReader *self)
{
  g_free (self);
}

/**
 * pop3_body_reader_reset:
 * @self: a #Pop3BodyReader
 *
 * Prepares for the next multi-line body.
 */
void
pop3_body_reader_reset (Pop3BodyReader *self)
{
  self->at_line_start = TRUE;
  self->pending = BODY_PENDING_NONE;
  self->done = FALSE;
}

gboolean
pop3_body_reader_is_done (Pop3BodyReader *self)
{
  return self->done;
}

/**
 * pop3_body_reader_feed:
 * @self: a #Pop3BodyReader
 * @data: bytes from the server
 * @len: how many
 * @consumed: (out): how many of @data belong to this body, terminator
 *   included; the rest belongs to the next reply (pipelining)
 * @out: where the unstuffed body bytes are appended
 *
 * Takes the next piece of a multi-line body. RFC 1939 §3: a line that
 * starts with "." has that dot removed, and a line that is only "."
 * ends the body. A "." line ended by a bare LF ends it too: dot-stuffing
 * guarantees no real line is a lone dot, and some servers send bare LFs.
 *
 * Returns: %TRUE when the terminating line has been read.
 */
gboolean
pop3_body_reader_feed (Pop3BodyReader *self,
                       const char     *data,
                       gsize           len,
                       gsize          *consumed,
                       GByteArray     *out)
{
  gsize i = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (consumed != NULL && out != NULL, FALSE);

  while (i < len && !self->done)
    {
      gsize run;

      if (self->pending == BODY_PENDING_DOT)
        {
          if (data[i] == '\r')
            {
              self->pending = BODY_PENDING_DOT_CR;
              i++;
            }
          else if (data[i] == '\n')
            {
              self->done = TRUE;
              i++;
            }
          else
            {
              /* A stuffed dot: drop it, the line goes on from here. */
              self->pending = BODY_PENDING_NONE;
              self->at_line_start = FALSE;
            }
          continue;
        }

      if (self->pending == BODY_PENDING_DOT_CR)
        {
          self->pending = BODY_PENDING_NONE;
          if (data[i] == '\n')
            {
              self->done = TRUE;
              i++;
            }
          else
            {
              /* ".\r" and more: the dot was stuffing, the CR is data. */
              g_byte_array_append (out, (const guint8 *) "\r", 1);
              self->at_line_start = FALSE;
            }
          continue;
        }

      if (self->at_line_start)
        {
          if (data[i] == '.')
            {
              self->pending = BODY_PENDING_DOT;
              i++;
              continue;
            }
          self->at_line_start = FALSE;
        }

      /* Copy whole lines in one run until one starts with a dot. */
      run = i;
      for (;;)
        {
          const char *newline = memchr (data + i, '\n', len - i);

          if (newline == NULL)
            {
              i = len;
              break;
            }
          i = (gsize) (newline - data) + 1;
          if (i == len || data[i] == '.')
            {
              self->at_line_start = TRUE;
              break;
            }
        }
      g_byte_array_append (out, (const guint8 *) data + run, i - run);
    }

  *consumed = i;
  return self->done;
}

/* Status lines ------------------------------------------------------- */

static Pop3ResponseCode
response_code_from_text (const char *code)
{
  static const struct
  {
    const char      *name;
    Pop3ResponseCode code;
  } known[] = {
    { "IN-USE", POP3_CODE_IN_USE },
    { "LOGIN-DELAY", POP3_CODE_LOGIN_DELAY },
    { "SYS/TEMP", POP3_CODE_SYS_TEMP },
    { "SYS/PERM", POP3_CODE_SYS_PERM },
    { "AUTH", POP3_CODE_AUTH },
    { "UTF8", POP3_CODE_UTF8 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    {
      gsize n = strlen (known[i].name);

      /* Hierarchical: "SYS/TEMP/DISK" is a kind of SYS/TEMP. */
      if (g_ascii_strncasecmp (code, known[i].name, n) == 0 &&
          (code[n] == '\0' || code[n] == '/'))
        return known[i].code;
    }

  return POP3_CODE_OTHER;
}

/* RFC 2449 §8: resp-code = "[" resp-level *("/" resp-level) "]", levels
 * of visible characters other than "/" and "]". */
static gboolean
is_valid_response_code (const char *code, gsize len)
{
  gboolean level_empty = TRUE;

  for (gsize i = 0; i < len; i++)
    {
      if (code[i] == '/')
        {
          if (level_empty)
            return FALSE;
          level_empty = TRUE;
        }
      else if (code[i] <= ' ' || code[i] >= 0x7f)
        return FALSE;
      else
        level_empty = FALSE;
    }

  return !level_empty;
}

/**
 * pop3_status_parse:
 * @line: a status line without its line end
 * @error: a %POP3_ERROR_PROTOCOL error when it is not one
 *
 * Parses "+OK text", "-ERR [CODE] text" or a SASL continuation "+ data".
 * The status words are matched without regard to case, as lenient
 * servers and clients do. A bracketed word that is not a valid RFC 2449
 * code is left in the text.
 *
 * Returns: (transfer full): the status, or %NULL with @error set.
 */
Pop3Status *
pop3_status_parse (const char *line, GError **error)
{
  g_autoptr (Pop3Status) status = g_new0 (Pop3Status, 1);
  const char            *rest;

  g_return_val_if_fail (line != NULL, NULL);

  if (g_ascii_strncasecmp (line, "+OK", 3) == 0)
    {
      status->kind = POP3_STATUS_OK;
      rest = line + 3;
    }
  else if (g_ascii_strncasecmp (line, "-ERR", 4) == 0)
    {
      status->kind = POP3_STATUS_ERR;
      rest = line + 4;
    }
  else if (line[0] == '+' && (line[1] == '\0' || line[1] == ' '))
    {
      /* RFC 5034 §4: "+" SP base64, or "+" alone for an empty one. */
      status->kind = POP3_STATUS_CONTINUE;
      status->text = g_strdup (line[1] == ' ' ? line + 2 : "");
      return g_steal_pointer (&status);
    }
  else
    {
      protocol_error (error, "the server sent an invalid status line", line);
      return NULL;
    }

  rest = skip_blanks (rest);
  if (rest[0] == '[')
    {
      const char *end = strchr (rest, ']');

      if (end != NULL && is_valid_response_code (rest + 1, end - rest - 1))
        {
          status->code_text = g_strndup (rest + 1, end - rest - 1);
          status->code = response_code_from_text (status->code_text);
          rest = skip_blanks (end + 1);
        }
    }

  status->text = g_strdup (rest);
  return g_steal_pointer (&status);
}

void
pop3_status_free (Pop3Status *status)
{
  if (status == NULL)
    return;

  g_free (status->code_text);
  g_free (status->text);
  g_free (status);
}

/* Capabilities ------------------------------------------------------- */

Pop3Capabilities *
pop3_capabilities_new (void)
{
  Pop3Capabilities *caps = g_new0 (Pop3Capabilities, 1);

  caps->sasl = g_new0 (char *, 1);
  caps->login_delay = -1;
  caps->expire_days = -1;
  caps->lines = g_ptr_array_new_with_free_func (g_free);
  return caps;
}

void
pop3_capabilities_free (Pop3Capabilities *caps)
{
  if (caps == NULL)
    return;

  g_strfreev (caps->sasl);
  g_free (caps->implementation);
  g_ptr_array_unref (caps->lines);
  g_free (caps);
}

/* "LOGIN-DELAY 900", "EXPIRE NEVER USER": a number (or NEVER where
 * @never_allowed) and an optional "USER" (RFC 2449 §6.5, §6.7). */
static gboolean
parse_delay_argument (char    **words,
                      gboolean  never_allowed,
                      gint64   *value,
                      gboolean *per_user)
{
  guint64 n;

  if (words[1] == NULL)
    return FALSE;

  if (never_allowed && g_ascii_strcasecmp (words[1], "NEVER") == 0)
    *value = -1;
  else if (parse_number (words[1], G_MAXINT64, &n) != NULL)
    *value = (gint64) n;
  else
    return FALSE;

  *per_user = FALSE;
  if (words[2] != NULL)
    {
      if (g_ascii_strcasecmp (words[2], "USER") != 0 || words[3] != NULL)
        return FALSE;
      *per_user = TRUE;
    }

  return TRUE;
}

static void
add_sasl_mechanisms (Pop3Capabilities *caps, char **words)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_addv (builder, (const char **) caps->sasl);
  for (gsize i = 1; words[i] != NULL; i++)
    {
      g_autofree char *upper = g_ascii_strup (words[i], -1);

      if (!g_strv_contains ((const char *const *) caps->sasl, upper))
        g_strv_builder_add (builder, upper);
    }

  g_strfreev (caps->sasl);
  caps->sasl = g_strv_builder_end (builder);
}

/**
 * pop3_capabilities_parse_line:
 * @caps: what was parsed so far
 * @line: one line of the CAPA reply's body, without its line end
 * @error: a %POP3_ERROR_PROTOCOL error for a known capability with a
 *   malformed argument
 *
 * Adds one capability. Names are matched without regard to case; empty
 * lines are ignored.
 *
 * Returns: %TRUE unless the line is malformed.
 */
gboolean
pop3_capabilities_parse_line (Pop3Capabilities *caps,
                              const char       *line,
                              GError          **error)
{
  g_auto (GStrv) words = NULL;
  const char *name;

  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  words = g_strsplit_set (skip_blanks (line), " \t", -1);
  /* g_strsplit_set leaves empty words between runs of blanks. */
  {
    gsize kept = 0;

    for (gsize i = 0; words[i] != NULL; i++)
      {
        if (words[i][0] == '\0')
          g_free (words[i]);
        else
          words[kept++] = words[i];
      }
    words[kept] = NULL;
  }

  if (words[0] == NULL)
    return TRUE;

  g_ptr_array_add (caps->lines, g_strdup (line));
  name = words[0];

  if (g_ascii_strcasecmp (name, "TOP") == 0)
    caps->top = TRUE;
  else if (g_ascii_strcasecmp (name, "USER") == 0)
    caps->user = TRUE;
  else if (g_ascii_strcasecmp (name, "UIDL") == 0)
    caps->uidl = TRUE;
  else if (g_ascii_strcasecmp (name, "PIPELINING") == 0)
    caps->pipelining = TRUE;
  else if (g_ascii_strcasecmp (name, "RESP-CODES") == 0)
    caps->resp_codes = TRUE;
  else if (g_ascii_strcasecmp (name, "AUTH-RESP-CODE") == 0)
    caps->auth_resp_code = TRUE;
  else if (g_ascii_strcasecmp (name, "STLS") == 0)
    caps->stls = TRUE;
  else if (g_ascii_strcasecmp (name, "UTF8") == 0)
    caps->utf8 = TRUE;
  else if (g_ascii_strcasecmp (name, "SASL") == 0)
    add_sasl_mechanisms (caps, words);
  else if (g_ascii_strcasecmp (name, "LOGIN-DELAY") == 0)
    {
      if (!parse_delay_argument (words, FALSE, &caps->login_delay,
                                 &caps->login_delay_per_user))
        return protocol_error (error, "the server sent an invalid LOGIN-DELAY",
                               line);
    }
  else if (g_ascii_strcasecmp (name, "EXPIRE") == 0)
    {
      if (!parse_delay_argument (words, TRUE, &caps->expire_days,
                                 &caps->expire_per_user))
        return protocol_error (error, "the server sent an invalid EXPIRE",
                               line);
      caps->expire_announced = TRUE;
    }
  else if (g_ascii_strcasecmp (name, "IMPLEMENTATION") == 0)
    {
      const char *text = skip_blanks (skip_blanks (line) + strlen (name));

      g_free (caps->implementation);
      caps->implementation = g_strdup (text);
    }

  return TRUE;
}

/**
 * pop3_capabilities_has_sasl:
 * @caps: the capabilities
 * @mechanism: a SASL mechanism name, "PLAIN" say
 *
 * Returns: whether the server offers @mechanism (any case).
 */
gboolean
pop3_capabilities_has_sasl (const Pop3Capabilities *caps, const char *mechanism)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (mechanism != NULL, FALSE);

  upper = g_ascii_strup (mechanism, -1);
  return g_strv_contains ((const char *const *) caps->sasl, upper);
}

/* Listings ----------------------------------------------------------- */

/**
 * pop3_parse_stat:
 * @text: the text of a "+OK" reply to STAT
 * @count: (out): how many messages
 * @octets: (out): their total size
 * @error: a %POP3_ERROR_PROTOCOL error when it is not "COUNT OCTETS"
 *
 * Returns: %TRUE when parsed. Text after the two numbers is allowed
 *   (RFC 1939 §5 leaves it to the server).
 */
gboolean
pop3_parse_stat (const char *text,
                 guint      *count,
                 guint64    *octets,
                 GError    **error)
{
  const char *p = skip_blanks (text);
  guint64     n;

  g_return_val_if_fail (text != NULL, FALSE);

  p = parse_number (p, G_MAXUINT, &n);
  if (p == NULL || !is_blank (*p))
    return protocol_error (error, "the server sent an invalid STAT reply",
                           text);
  *count = (guint) n;

  p = parse_number (skip_blanks (p), G_MAXINT64, &n);
  if (p == NULL)
    return protocol_error (error, "the server sent an invalid STAT reply",
                           text);
  *octets = n;
  return TRUE;
}

/* "MSGNO SP REST": the message number, and where the rest starts. */
static const char *
parse_message_number (const char *line, guint *msgno)
{
  const char *p = skip_blanks (line);
  guint64     n;

  p = parse_number (p, G_MAXUINT, &n);
  if (p == NULL || n == 0 || !is_blank (*p))
    return NULL;

  *msgno = (guint) n;
  return skip_blanks (p);
}

/**
 * pop3_parse_list_line:
 * @line: a line of a LIST reply, or the text of a "+OK" to "LIST n"
 * @msgno: (out): the message number, 1 or more
 * @octets: (out): its size
 * @error: a %POP3_ERROR_PROTOCOL error
 *
 * Returns: %TRUE when parsed.
 */
gboolean
pop3_parse_list_line (const char *line,
                      guint      *msgno,
                      guint64    *octets,
                      GError    **error)
{
  const char *p;
  guint64     n;

  g_return_val_if_fail (line != NULL, FALSE);

  p = parse_message_number (line, msgno);
  if (p == NULL || parse_number (p, G_MAXINT64, &n) == NULL)
    return protocol_error (error, "the server sent an invalid LIST line", line);

  *octets = n;
  return TRUE;
}

/**
 * pop3_parse_uidl_line:
 * @line: a line of a UIDL reply, or the text of a "+OK" to "UIDL n"
 * @msgno: (out): the message number, 1 or more
 * @uid: (out) (transfer full): the unique-id
 * @error: a %POP3_ERROR_PROTOCOL error, also for a unique-id that is empty,
 *   longer than 70 octets, or has octets outside 0x21..0x7E
 *
 * Trailing blanks are forgiven; blanks inside the unique-id are not.
 *
 * Returns: %TRUE when parsed.
 */
gboolean
pop3_parse_uidl_line (const char *line,
                      guint      *msgno,
                      char      **uid,
                      GError    **error)
{
  const char *p;
  gsize       len;

  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (uid != NULL, FALSE);

  p = parse_message_number (line, msgno);
  if (p == NULL)
    return protocol_error (error, "the server sent an invalid UIDL line", line);

  len = strlen (p);
  while (len > 0 && is_blank (p[len - 1]))
    len--;

  if (len == 0 || len > POP3_MAX_UIDL_LENGTH)
    return protocol_error (error,
                           "the server sent a unique-id that is empty or "
                           "longer than 70 characters",
                           line);

  for (gsize i = 0; i < len; i++)
    {
      if ((guchar) p[i] < 0x21 || (guchar) p[i] > 0x7e)
        return protocol_error (error,
                               "the server sent a unique-id with characters "
                               "RFC 1939 does not allow",
                               line);
    }

  *uid = g_strndup (p, len);
  return TRUE;
}

/**
 * pop3_parse_apop_timestamp:
 * @greeting: the text of the server's "+OK" greeting
 *
 * Finds the APOP timestamp (RFC 1939 §7), "<1896.697170952@dbc.mtview>":
 * the first "<...>" of visible characters with no "<" inside.
 *
 * Returns: (transfer full) (nullable): the timestamp with its brackets,
 *   or %NULL when the greeting has none (the server offers no APOP).
 */
char *
pop3_parse_apop_timestamp (const char *greeting)
{
  g_return_val_if_fail (greeting != NULL, NULL);

  for (const char *start = strchr (greeting, '<'); start != NULL;
       start = strchr (start + 1, '<'))
    {
      const char *p = start + 1;

      while (*p > ' ' && *p < 0x7f && *p != '<' && *p != '>')
        p++;

      if (*p == '>' && p > start + 1)
        return g_strndup (start, p - start + 1);
    }

  return NULL;
}
