/* cli-json.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-json.h"

#include <string.h>

struct _CliJson
{
  GString *out;
  guint    depth;
  /* A value or member was written at this level: the next needs a comma. */
  gboolean need_comma;
  /* A member name was just written: its value follows without a comma. */
  gboolean after_member;
};

/**
 * cli_json_new:
 *
 * Returns: (transfer full): an empty writer; free it with cli_json_free()
 *   or take its text with cli_json_free_to_string()
 */
CliJson *
cli_json_new (void)
{
  CliJson *self = g_new0 (CliJson, 1);

  self->out = g_string_new (NULL);
  return self;
}

/**
 * cli_json_free:
 *
 * Frees @self and the text written so far.
 */
void
cli_json_free (CliJson *self)
{
  if (self == NULL)
    return;

  g_string_free (self->out, TRUE);
  g_free (self);
}

/**
 * cli_json_free_to_string:
 *
 * Frees @self. Every container must be closed.
 *
 * Returns: (transfer full): the document, without a final newline
 */
char *
cli_json_free_to_string (CliJson *self)
{
  char *text;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->depth == 0, NULL);

  text = g_string_free (self->out, FALSE);
  g_free (self);
  return text;
}

/* Called before any value: a comma between siblings, none after a
 * member's name. */
static void
before_value (CliJson *self)
{
  if (self->after_member)
    self->after_member = FALSE;
  else if (self->need_comma)
    g_string_append_c (self->out, ',');
}

static void
begin (CliJson *self, char bracket)
{
  before_value (self);
  g_string_append_c (self->out, bracket);
  self->depth++;
  self->need_comma = FALSE;
}

static void
end (CliJson *self, char bracket)
{
  g_return_if_fail (self->depth > 0);
  g_return_if_fail (!self->after_member);

  g_string_append_c (self->out, bracket);
  self->depth--;
  self->need_comma = TRUE;
}

/** cli_json_begin_object: Opens an object, as a value or a member's. */
void
cli_json_begin_object (CliJson *self)
{
  begin (self, '{');
}

/** cli_json_end_object: Closes the innermost object. */
void
cli_json_end_object (CliJson *self)
{
  end (self, '}');
}

/** cli_json_begin_array: Opens an array, as a value or a member's. */
void
cli_json_begin_array (CliJson *self)
{
  begin (self, '[');
}

/** cli_json_end_array: Closes the innermost array. */
void
cli_json_end_array (CliJson *self)
{
  end (self, ']');
}

/**
 * cli_json_member:
 * @name: the member's name, UTF-8 (escaped like any string)
 *
 * Writes a member's name inside an object; the next call writes its
 * value.
 */
void
cli_json_member (CliJson *self, const char *name)
{
  g_return_if_fail (self->depth > 0);
  g_return_if_fail (!self->after_member);

  before_value (self);
  cli_json_append_string (self->out, name, -1);
  g_string_append_c (self->out, ':');
  self->after_member = TRUE;
}

/**
 * cli_json_string:
 * @value: (nullable): text, which need not be valid UTF-8; %NULL writes
 *   null
 */
void
cli_json_string (CliJson *self, const char *value)
{
  before_value (self);
  if (value == NULL)
    g_string_append (self->out, "null");
  else
    cli_json_append_string (self->out, value, -1);
  self->need_comma = TRUE;
}

/** cli_json_int: Writes a number. */
void
cli_json_int (CliJson *self, gint64 value)
{
  before_value (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
  self->need_comma = TRUE;
}

/** cli_json_boolean: Writes true or false. */
void
cli_json_boolean (CliJson *self, gboolean value)
{
  before_value (self);
  g_string_append (self->out, value ? "true" : "false");
  self->need_comma = TRUE;
}

/** cli_json_null: Writes null. */
void
cli_json_null (CliJson *self)
{
  before_value (self);
  g_string_append (self->out, "null");
  self->need_comma = TRUE;
}

/**
 * cli_json_append_string:
 * @out: where to append
 * @text: the bytes to quote
 * @length: their length, or -1 when @text ends with a NUL
 *
 * Appends @text as a JSON string, quotes included. RFC 8259 requires
 * escapes for the quote, the backslash and U+0000 to U+001F; DEL and
 * U+2028/U+2029 are escaped too, so that the output is safe on a terminal
 * and inside JavaScript. Other characters stay as UTF-8. Each byte that
 * does not start a valid UTF-8 sequence becomes U+FFFD, so the document
 * is always valid UTF-8 whatever a message's headers held.
 */
void
cli_json_append_string (GString *out, const char *text, gssize length)
{
  const char *p = text;
  const char *end;

  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL || length == 0);

  if (length < 0)
    length = strlen (text);
  end = text + length;

  g_string_append_c (out, '"');
  while (p < end)
    {
      guchar   c = (guchar) *p;
      gunichar ch;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          p++;
          continue;
        case '\\':
          g_string_append (out, "\\\\");
          p++;
          continue;
        case '\b':
          g_string_append (out, "\\b");
          p++;
          continue;
        case '\f':
          g_string_append (out, "\\f");
          p++;
          continue;
        case '\n':
          g_string_append (out, "\\n");
          p++;
          continue;
        case '\r':
          g_string_append (out, "\\r");
          p++;
          continue;
        case '\t':
          g_string_append (out, "\\t");
          p++;
          continue;
        default:
          break;
        }

      if (c < 0x20 || c == 0x7f)
        {
          g_string_append_printf (out, "\\u%04x", c);
          p++;
          continue;
        }
      if (c < 0x80)
        {
          g_string_append_c (out, (char) c);
          p++;
          continue;
        }

      ch = g_utf8_get_char_validated (p, end - p);
      if (ch == (gunichar) -1 || ch == (gunichar) -2)
        {
          /* One replacement per bad byte: the next byte may start a
           * valid character again. */
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }
      if (ch == 0x2028 || ch == 0x2029)
        g_string_append_printf (out, "\\u%04x", ch);
      else
        g_string_append_len (out, p, g_utf8_skip[c]);
      p += g_utf8_skip[c];
    }
  g_string_append_c (out, '"');
}
