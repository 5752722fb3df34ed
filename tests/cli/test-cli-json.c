/* test-cli-json.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cli-json.h"

/* The quoted form of @length bytes of @text. */
static char *
quote (const char *text, gssize length)
{
  GString *out = g_string_new (NULL);

  cli_json_append_string (out, text, length);
  return g_string_free (out, FALSE);
}

static void
test_escape_quote_backslash (void)
{
  g_autofree char *a = quote ("say \"hi\"", -1);
  g_autofree char *b = quote ("C:\\path\\", -1);
  g_autofree char *c = quote ("a/b", -1);
  g_autofree char *d = quote ("", -1);

  g_assert_cmpstr (a, ==, "\"say \\\"hi\\\"\"");
  g_assert_cmpstr (b, ==, "\"C:\\\\path\\\\\"");
  /* RFC 8259 allows "/" unescaped. */
  g_assert_cmpstr (c, ==, "\"a/b\"");
  g_assert_cmpstr (d, ==, "\"\"");
}

static void
test_escape_control (void)
{
  /* Every C0 control: the five with short forms, the rest as \u00XX; an
   * embedded NUL counts when the length is given. */
  const char       text[] = "\b\f\n\r\t\x01\x1b\x1f\x7f";
  g_autofree char *all = quote (text, sizeof text - 1);
  g_autofree char *nul = quote ("a\0b", 3);

  g_assert_cmpstr (all, ==, "\"\\b\\f\\n\\r\\t\\u0001\\u001b\\u001f\\u007f\"");
  g_assert_cmpstr (nul, ==, "\"a\\u0000b\"");

  for (int c = 0; c < 0x20; c++)
    {
      char             byte = (char) c;
      g_autofree char *one = quote (&byte, 1);

      /* Nothing below U+0020 stays raw between the quotes. */
      for (const char *p = one; *p != '\0'; p++)
        g_assert_cmpint ((guchar) *p, >=, 0x20);
    }
}

static void
test_non_ascii (void)
{
  g_autofree char *text = quote ("Grüße, 日本, 🐦", -1);
  g_autofree char *separators = quote ("a\xe2\x80\xa8"
                                       "b\xe2\x80\xa9"
                                       "c",
                                       -1);

  /* Valid UTF-8 stays as it is. */
  g_assert_cmpstr (text, ==, "\"Grüße, 日本, 🐦\"");
  /* U+2028 and U+2029 are valid JSON but break JavaScript. */
  g_assert_cmpstr (separators, ==, "\"a\\u2028b\\u2029c\"");
}

static void
test_invalid_utf8 (void)
{
  /* A lone Latin-1 byte, a truncated sequence at the end, an overlong
   * "/", a UTF-16 surrogate: each bad byte becomes U+FFFD, and what
   * follows a bad byte is read again. */
  g_autofree char *latin1 = quote ("caf\xe9!", -1);
  g_autofree char *truncated = quote ("ab\xe6\x97", -1);
  g_autofree char *overlong = quote ("\xc0\xaf", -1);
  g_autofree char *surrogate = quote ("\xed\xa0\x80x", -1);

  g_assert_cmpstr (latin1, ==, "\"caf\xef\xbf\xbd!\"");
  g_assert_cmpstr (truncated, ==, "\"ab\xef\xbf\xbd\xef\xbf\xbd\"");
  g_assert_cmpstr (overlong, ==, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  g_assert_cmpstr (surrogate, ==, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\"");
  g_assert_true (g_utf8_validate (latin1, -1, NULL));
  g_assert_true (g_utf8_validate (truncated, -1, NULL));
  g_assert_true (g_utf8_validate (surrogate, -1, NULL));
}

static void
test_document (void)
{
  g_autoptr (CliJson) json = cli_json_new ();
  g_autofree char    *text = NULL;

  cli_json_begin_object (json);
  cli_json_member (json, "messages");
  cli_json_begin_array (json);
  cli_json_begin_object (json);
  cli_json_member (json, "id");
  cli_json_int (json, G_GINT64_CONSTANT (1826210943336448));
  cli_json_member (json, "from");
  cli_json_begin_object (json);
  cli_json_member (json, "name");
  cli_json_string (json, NULL);
  cli_json_member (json, "address");
  cli_json_string (json, "a@b");
  cli_json_end_object (json);
  cli_json_member (json, "to");
  cli_json_begin_array (json);
  cli_json_end_array (json);
  cli_json_member (json, "unread");
  cli_json_boolean (json, TRUE);
  cli_json_member (json, "flagged");
  cli_json_boolean (json, FALSE);
  cli_json_member (json, "x");
  cli_json_null (json);
  cli_json_end_object (json);
  cli_json_begin_array (json);
  cli_json_int (json, -1);
  cli_json_int (json, 0);
  cli_json_end_array (json);
  cli_json_end_array (json);
  cli_json_member (json, "na\"me");
  cli_json_string (json, "v");
  cli_json_end_object (json);

  text = cli_json_free_to_string (g_steal_pointer (&json));
  g_assert_cmpstr (
      text, ==,
      "{\"messages\":[{\"id\":1826210943336448,\"from\":{\"name\":null,"
      "\"address\":\"a@b\"},\"to\":[],\"unread\":true,\"flagged\":false,"
      "\"x\":null},[-1,0]],\"na\\\"me\":\"v\"}");
}

static void
test_unclosed (void)
{
  if (g_test_subprocess ())
    {
      CliJson *json = cli_json_new ();
      char    *text;

      cli_json_begin_array (json);
      /* A document with an open container is a bug of the caller. */
      text = cli_json_free_to_string (json);
      g_assert_null (text);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*depth == 0*");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/json/escape/quote-backslash",
                   test_escape_quote_backslash);
  g_test_add_func ("/cli/json/escape/control", test_escape_control);
  g_test_add_func ("/cli/json/escape/non-ascii", test_non_ascii);
  g_test_add_func ("/cli/json/escape/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/cli/json/document", test_document);
  g_test_add_func ("/cli/json/unclosed", test_unclosed);

  return g_test_run ();
}
