/* test-mime-filename.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mime-filename.h"

/* What every result must be, whatever went in. */
static void
assert_safe (const char *name)
{
  g_assert_nonnull (name);
  g_assert_cmpuint (strlen (name), >, 0);
  g_assert_cmpuint (strlen (name), <=, MIME_FILENAME_MAX_LENGTH);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_null (strchr (name, '/'));
  g_assert_null (strchr (name, '\\'));
  g_assert_null (strstr (name, ".."));
  g_assert_cmpint (name[0], !=, '.');
  g_assert_cmpint (name[0], !=, ' ');
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (g_unichar_iscntrl (c));
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_FORMAT);
    }
}

static void
check (const char *input, const char *expected)
{
  g_autofree char *result = mime_sanitize_filename (input);

  assert_safe (result);
  g_assert_cmpstr (result, ==, expected);
}

static void
test_plain_names_kept (void)
{
  check ("report.pdf", "report.pdf");
  check ("Übersicht März 2025.odt", "Übersicht März 2025.odt");
  check ("見積書_2025年3月.xlsx", "見積書_2025年3月.xlsx");
  check ("payment-details.pdf.exe", "payment-details.pdf.exe");
}

static void
test_paths_removed (void)
{
  check ("../../etc/passwd", "passwd");
  check ("/etc/cron.d/pigeon-update", "pigeon-update");
  check ("C:\\Users\\x\\evil.exe", "evil.exe");
  check ("..\\..\\Windows\\System32\\drivers\\etc\\hosts", "hosts");
  check ("dir/sub/", "sub");
  /* what GMime makes of a quoted C:\Users\x\evil.exe */
  check ("C:Usersxevil.exe", "C_Usersxevil.exe");
}

static void
test_dots (void)
{
  check (".bashrc", "bashrc");
  check ("..", "attachment");
  check (".", "attachment");
  check ("a..b.txt", "a.b.txt");
  check ("readme.txt . . .", "readme.txt");
  check ("...hidden...", "hidden");
}

static void
test_controls_and_invisibles (void)
{
  check ("report\a\x1b[31mRED\x1b[0m\x7f.txt", "report[31mRED[0m.txt");
  check ("tab\there.txt", "tab here.txt");
  check ("line1\r\nBcc: victim@example.com\r\n",
         "line1 Bcc_ victim@example.com");
  /* right-to-left override: would display as "invoice_exe.pdf" */
  check ("invoice_\u202Efdp.exe", "invoice_fdp.exe");
  check ("contract\u200B.pdf", "contract.pdf");
  check ("a  \t  b.txt", "a b.txt");
}

static void
test_reserved_and_empty (void)
{
  check ("NUL.txt", "_NUL.txt");
  check ("com1", "_com1");
  check ("console.txt", "console.txt");
  /* Windows drops the spaces before the dot, and reserves more than the
   * classic eight */
  check ("CON .txt", "_CON .txt");
  check ("COM0", "_COM0");
  check ("LPT¹.log", "_LPT¹.log");
  check ("CONIN$", "_CONIN$");
  check ("conout$.txt", "_conout$.txt");
  check ("com10.txt", "com10.txt");
  check ("lpt.txt", "lpt.txt");
  check ("", "attachment");
  check ("   ", "attachment");
  check ("///", "attachment");
  check (NULL, "attachment");
  check ("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt");
}

static void
test_long_names (void)
{
  g_autoptr (GString) name = g_string_new (NULL);
  g_autofree char    *result = NULL;

  for (int i = 1; i <= 28; i++)
    g_string_append_printf (name, "_section%02d", i);
  g_string_append (name, ".pdf");
  result = mime_sanitize_filename (name->str);
  assert_safe (result);
  g_assert_cmpuint (strlen (result), ==, MIME_FILENAME_MAX_LENGTH);
  g_assert_true (g_str_has_suffix (result, ".pdf"));
  g_assert_true (g_str_has_prefix (result, "_section01_section02"));

  /* three-byte characters: the cut must not split one */
  g_string_truncate (name, 0);
  for (int i = 0; i < 200; i++)
    g_string_append (name, "語");
  g_clear_pointer (&result, g_free);
  result = mime_sanitize_filename (name->str);
  assert_safe (result);
  g_assert_cmpuint (strlen (result), ==, 255);
  g_assert_cmpuint (g_utf8_strlen (result, -1), ==, 85);

  /* a cut that lands after a space or dot does not leave it behind */
  g_string_assign (name, "xy");
  for (int i = 0; i < 200; i++)
    g_string_append (name, " a"); /* byte 254 is a space */
  g_clear_pointer (&result, g_free);
  result = mime_sanitize_filename (name->str);
  assert_safe (result);
  g_assert_cmpuint (strlen (result), ==, 254);
  g_assert_true (g_str_has_suffix (result, " a"));
  g_string_assign (name, "xy");
  for (int i = 0; i < 200; i++)
    g_string_append (name, ".a"); /* dots collapse nowhere: single ones */
  g_string_append (name, ".pdf");
  g_clear_pointer (&result, g_free);
  result = mime_sanitize_filename (name->str);
  assert_safe (result);
  g_assert_true (g_str_has_suffix (result, "a.pdf"));

  /* an over-long extension is not kept apart */
  g_string_truncate (name, 0);
  g_string_append (name, "x.");
  for (int i = 0; i < 300; i++)
    g_string_append_c (name, 'y');
  g_clear_pointer (&result, g_free);
  result = mime_sanitize_filename (name->str);
  assert_safe (result);
  g_assert_true (g_str_has_prefix (result, "x.yyy"));
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *result = mime_sanitize_filename ("caf\xe9\xff.txt");

  assert_safe (result);
  g_assert_true (g_str_has_prefix (result, "caf"));
  g_assert_true (g_str_has_suffix (result, ".txt"));
}

/* Sanitising a sanitised name changes nothing. */
static void
test_idempotent (void)
{
  const char *inputs[] = {
    "../../etc/passwd", "..",      "NUL.txt", "tab\there", "x . . .", "a..b",
    "\u202Eexe.pdf",    "C:Users", "ok.txt",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *once = mime_sanitize_filename (inputs[i]);
      g_autofree char *twice = mime_sanitize_filename (once);

      g_assert_cmpstr (once, ==, twice);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/filename/plain", test_plain_names_kept);
  g_test_add_func ("/mime/filename/paths", test_paths_removed);
  g_test_add_func ("/mime/filename/dots", test_dots);
  g_test_add_func ("/mime/filename/controls", test_controls_and_invisibles);
  g_test_add_func ("/mime/filename/reserved-and-empty",
                   test_reserved_and_empty);
  g_test_add_func ("/mime/filename/long", test_long_names);
  g_test_add_func ("/mime/filename/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/mime/filename/idempotent", test_idempotent);

  return g_test_run ();
}
