/* test-mime-summary.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mime-filename.h"
#include "mime-summary.h"

/* What the summaries are given as the received time: far from every Date
 * in the corpus, so a fallback is never mistaken for a parsed date. */
#define RECEIVED_TIME G_GINT64_CONSTANT (2000000000)

/* Helpers ------------------------------------------------------------ */

static char *
mail_dir (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "mail", NULL);
}

/* The fixture whose name starts with @number ("023"). */
static char *
fixture_path (const char *number)
{
  g_autofree char *dir_path = mail_dir ();
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autofree char *prefix = g_strconcat (number, "-", NULL);
  const char      *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".eml"))
      return g_build_filename (dir_path, name, NULL);
  g_error ("no fixture %s", number);
  return NULL;
}

static MimeSummary *
summarise_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char   *contents = NULL;
  gsize              length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return mime_summary_new ((const guint8 *) contents, length, RECEIVED_TIME);
}

static MimeSummary *
summarise (const char *number)
{
  g_autofree char *path = fixture_path (number);

  return summarise_file (path);
}

static MimeSummary *
summarise_string (const char *message)
{
  return mime_summary_new ((const guint8 *) message, strlen (message),
                           RECEIVED_TIME);
}

static gint64
utc (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr (GDateTime) time =
      g_date_time_new_utc (year, month, day, hour, minute, second);

  return g_date_time_to_unix (time);
}

static void
assert_address (const MimeAddress *address, const char *name, const char *addr)
{
  g_assert_nonnull (address);
  g_assert_cmpstr (address->name, ==, name);
  g_assert_cmpstr (address->address, ==, addr);
}

static MimeAttachment *
attachment (MimeSummary *summary, guint index)
{
  g_assert_cmpuint (index, <, summary->attachments->len);
  return g_ptr_array_index (summary->attachments, index);
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("\"%s\" not found in:\n%s", needle, haystack);
}

static void
assert_lacks (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    g_error ("\"%s\" unexpectedly found in:\n%s", needle, haystack);
}

static void
assert_utf8 (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
assert_addresses_valid (GPtrArray *addresses)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (addresses);
  for (guint i = 0; i < addresses->len; i++)
    {
      const MimeAddress *address = g_ptr_array_index (addresses, i);

      g_assert_true (address->name != NULL || address->address != NULL);
      if (address->name != NULL)
        assert_utf8 (address->name);
      if (address->address != NULL)
        assert_utf8 (address->address);
    }
  text = mime_address_list_to_string (addresses);
  assert_utf8 (text);
}

/* The contract of every summary, whatever it was made from. */
static void
assert_summary_valid (MimeSummary *summary)
{
  g_assert_nonnull (summary);
  if (summary->message_id != NULL)
    assert_utf8 (summary->message_id);
  if (summary->in_reply_to != NULL)
    assert_utf8 (summary->in_reply_to);
  g_assert_nonnull (summary->references);
  for (guint i = 0; summary->references[i] != NULL; i++)
    {
      assert_utf8 (summary->references[i]);
      g_assert_cmpuint (strlen (summary->references[i]), >, 0);
      g_assert_null (strchr (summary->references[i], '<'));
    }
  if (summary->from != NULL)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, summary->from);
      assert_addresses_valid (one);
    }
  assert_addresses_valid (summary->to);
  assert_addresses_valid (summary->cc);
  assert_addresses_valid (summary->reply_to);
  assert_utf8 (summary->subject);
  for (const char *p = summary->subject; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
  assert_utf8 (summary->body_text);
  assert_utf8 (summary->preview);
  g_assert_cmpuint (g_utf8_strlen (summary->preview, -1), <=, 200);
  g_assert_null (strchr (summary->preview, '\n'));
  if ((summary->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK) != 0)
    g_assert_cmpint (summary->date, ==, RECEIVED_TIME);
  g_assert_nonnull (summary->attachments);
  for (guint i = 0; i < summary->attachments->len; i++)
    {
      MimeAttachment  *a = g_ptr_array_index (summary->attachments, i);
      g_autofree char *again = NULL;

      if (a->filename != NULL)
        assert_utf8 (a->filename);
      assert_utf8 (a->save_name);
      again = mime_sanitize_filename (a->save_name);
      g_assert_cmpstr (again, ==, a->save_name);
      assert_utf8 (a->content_type);
      g_assert_nonnull (strchr (a->content_type, '/'));
      for (const char *p = a->content_type; *p != '\0'; p++)
        g_assert_false (g_ascii_isupper (*p));
      if (a->content_id != NULL)
        {
          assert_utf8 (a->content_id);
          g_assert_null (strchr (a->content_id, '<'));
        }
    }
}

/* The whole corpus --------------------------------------------------- */

static void
test_corpus_valid (void)
{
  g_autofree char *dir = mail_dir ();
  g_autofree char *manifest_path = g_build_filename (dir, "MANIFEST.tsv", NULL);
  g_autofree char *manifest = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  guint              count = 0;

  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (manifest, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);
      g_autofree char        *path = NULL;
      g_autoptr (MimeSummary) summary = NULL;

      if (*lines[i] == '\0')
        continue;
      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      path = g_build_filename (dir, fields[0], NULL);
      summary = summarise_file (path);
      assert_summary_valid (summary);
      /* only 054 has no headers, and nothing in the corpus is unreadable */
      g_assert_false (summary->flags & MIME_SUMMARY_FLAG_UNREADABLE);
      if (!g_str_has_prefix (fields[0], "054-"))
        {
          g_assert_nonnull (summary->message_id);
          g_assert_cmpstr (summary->subject, !=, "");
        }
      count++;
    }
  g_assert_cmpuint (count, ==, 65);
}

/* Headers ------------------------------------------------------------ */

static void
test_basic_headers (void)
{
  g_autoptr (MimeSummary) summary = summarise ("001");
  g_autofree char        *to = NULL;

  g_assert_cmpstr (
      summary->message_id, ==,
      "20250304101415.1f6e2a0b@ines-laptop.tallowmere.example.com");
  g_assert_null (summary->in_reply_to);
  g_assert_cmpuint (g_strv_length (summary->references), ==, 0);
  assert_address (summary->from, "Ines Vasquez",
                  "ines.vasquez@tallowmere.example.com");
  g_assert_cmpuint (summary->to->len, ==, 1);
  to = mime_address_list_to_string (summary->to);
  g_assert_cmpstr (to, ==, "Pigeon Test <pigeon-test@mail.example.org>");
  g_assert_cmpstr (summary->subject, ==, "Loading dock schedule for next week");
  g_assert_cmpint (summary->date, ==, utc (2025, 3, 4, 9, 14, 15));
  g_assert_cmpint (summary->flags, ==, MIME_SUMMARY_FLAG_NONE);
  g_assert_cmpuint (summary->attachments->len, ==, 0);
}

/* GMime 3.2.13 loses everything after a padded B word; these must come
 * out in full, as Python decodes them. */
static void
test_encoded_words_base64 (void)
{
  g_autoptr (MimeSummary) s023 = summarise ("023");
  g_autoptr (MimeSummary) s031 = summarise ("031");

  g_assert_cmpstr (s023->subject, ==,
                   "关于下周三项目评审会议的安排 / "
                   "Συνάντηση αξιολόγησης έργου την Τετάρτη");
  assert_address (s023->from, "陈伟 (Chen Wei)",
                  "chen.wei@kestrel.example.net");
  g_assert_cmpuint (s023->to->len, ==, 2);
  assert_address (g_ptr_array_index (s023->to, 0), "Ελένη Παπαδοπούλου",
                  "eleni.p@kestrel.example.net");
  assert_address (g_ptr_array_index (s023->to, 1), "ليلى حداد",
                  "layla.haddad@kestrel.example.net");
  assert_address (g_ptr_array_index (s023->cc, 0), "测试 Pigeon",
                  "pigeon-test@mail.example.org");

  g_assert_cmpstr (
      s031->subject, ==,
      "🎉 Pigeon 1.0 is out! 🐦🚀 Thanks "
      "👩🏽‍💻👨‍👩‍👧 🇳🇿🇩🇪 1️⃣ ❤️");
  assert_address (s031->from, "Pigeon Release Bot 🐦",
                  "release-bot@pigeon.example.org");
}

static void
test_encoded_words_q (void)
{
  g_autoptr (MimeSummary) summary = summarise ("024");

  g_assert_cmpstr (summary->subject, ==,
                   "[Budget] Spotkanie w sprawie budżetu — piątek "
                   "(draft_2 snake_case_name)");
  assert_address (summary->from, "Łukasz Żółć",
                  "lukasz.zolc@wisla.example.org");
  assert_address (g_ptr_array_index (summary->to, 0), "Zoë Ångström-Test",
                  "pigeon-test@mail.example.org");
  assert_address (g_ptr_array_index (summary->to, 1), "Björk Guðmundsdóttir",
                  "bjork@example.net");
}

/* 030's body lists what a lenient decoder should give. */
static void
test_encoded_words_malformed (void)
{
  g_autoptr (MimeSummary) summary = summarise ("030");
  const MimeAddress      *cc;

  g_assert_cmpstr (summary->subject, ==, "Résumé des tâches");
  assert_address (summary->from, "José Pardo", "jose.pardo@example.net");
  /* missing "?=": not an encoded word, shown raw */
  assert_address (g_ptr_array_index (summary->to, 0),
                  "=?iso-8859-1?Q?Fran=E7ois_Lef=E8vre",
                  "francois.lefevre@lyon.example.com");
  g_assert_cmpuint (summary->cc->len, ==, 2);
  cc = g_ptr_array_index (summary->cc, 0);
  g_assert_cmpstr (cc->address, ==, "cc@example.org");
  assert_contains (cc->name, "Unbekannter Zeichensatz");
  assert_address (g_ptr_array_index (summary->cc, 1), "Quoted éncoded",
                  "quoted@example.com");
  assert_address (g_ptr_array_index (summary->reply_to, 0), "glued",
                  "reply@example.com");
}

static void
test_encoded_words_constructed (void)
{
  static const struct
  {
    const char *header;
    const char *expected;
  } cases[] = {
    /* bytes of one character split across words of one charset */
    { "=?utf-8?B?8J+Q?= =?utf-8?B?pg==?=", "🐦" },
    { "=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?=", "café" },
    /* ... and across words that spell the charset differently */
    { "=?utf-8?Q?caf=C3?= =?UTF8?Q?=A9?=", "café" },
    { "=?UTF_8?B?8J+Q?= =?utf-8?B?pg==?=", "🐦" },
    /* whitespace between words vanishes, around plain text it stays */
    { "a =?utf-8?Q?b?=  =?utf-8?Q?c?= d", "a bc d" },
    /* a charset change flushes */
    { "=?iso-8859-1?Q?=E9?= =?koi8-r?B?08zP188=?=", "éслово" },
    /* language tag, mixed case, empty words */
    { "=?UtF-8*en?b?TWl4ZWQ=?=[=?utf-8?B?"
      "?=]",
      "Mixed[]" },
    /* malformed ones stay as they are */
    { "=?utf-8?B?%%%not*base64%%%?=", "=?utf-8?B?%%%not*base64%%%?=" },
    { "=?utf-8?X?what?=", "=?utf-8?X?what?=" },
    { "=?utf-8?Q?bad_hex_=ZZ?=", "bad hex =ZZ" },
    /* invalid UTF-8 is read as Windows-1252, like raw 8-bit text */
    { "=?utf-8?Q?truncated_=C3?=", "truncated Ã" },
    { "=?"
      "?Q?no_charset?=",
      "=?"
      "?Q?no_charset?=" },
    /* unknown charset: the bytes are still shown */
    { "=?x-unknown?Q?plain_text?=", "plain text" },
    /* raw 8-bit: UTF-8 kept, else Windows-1252 */
    { "Gr\xc3\xbc\xc3\x9f"
      "e",
      "Grüße" },
    { "caf\xe9 \x80", "café €" },
    /* controls become spaces, folding is undone */
    { "a\tb\r\n c", "a b c" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message =
          g_strdup_printf ("Subject: %s\r\n\r\nbody\r\n", cases[i].header);
      g_autoptr (MimeSummary) summary = summarise_string (message);

      assert_summary_valid (summary);
      g_assert_cmpstr (summary->subject, ==, cases[i].expected);
    }
}

static void
test_legacy_charsets (void)
{
  g_autoptr (MimeSummary) s025 = summarise ("025");
  g_autoptr (MimeSummary) s026 = summarise ("026");
  g_autoptr (MimeSummary) s027 = summarise ("027");
  g_autoptr (MimeSummary) s028 = summarise ("028");
  g_autoptr (MimeSummary) s029 = summarise ("029");

  g_assert_cmpstr (s025->subject, ==,
                   "Réunion du comité des fêtes : ordre du jour");
  assert_address (s025->from, "François Lefèvre",
                  "francois.lefevre@lyon.example.com");
  assert_contains (s025->body_text, "Bonjour à tous,");
  assert_contains (s025->body_text, "¿Vienes tú también, Begoña?");
  assert_contains (s025->body_text, "Jürgen. ½ Stunde");

  g_assert_cmpstr (s026->subject, ==,
                   "会議室の予約について（３月１４日）ソフト表示の件");
  assert_address (s026->from, "田中 由紀", "yuki.tanaka@sakura.example.net");
  assert_contains (s026->body_text, "半角カナのテスト：ｱｲｳｴｵ ｶﾞｷﾞｸﾞ");
  assert_contains (s026->body_text, "「表」「ソ」「能」");

  g_assert_cmpstr (s027->subject, ==, "Отчёт о поставках за февраль");
  assert_address (s027->from, "Дмитрий Волков", "d.volkov@sever.example.net");
  assert_contains (s027->body_text, "Ещё вопрос: кто будет дежурить 8 марта?");

  /* windows-1252 0x80-0x9F: smart quotes, en dash, euro, ellipsis */
  g_assert_cmpstr (s028->subject, ==, "Q1 figures – “final” version");
  assert_address (s028->from, "Dónal O’Sullivan",
                  "d.osullivan@harbourline.example.com");
  assert_contains (s028->body_text, "the “final” Q1 figures – revenue came in "
                                    "at €1.24m");
  assert_contains (s028->body_text, "3 % above plan…");

  g_assert_cmpstr (s029->subject, ==, "Re: 来週の打ち合わせについて");
  assert_address (s029->from, "鈴木 健太", "k.suzuki@sakura.example.net");
  assert_contains (s029->body_text, "来週の打ち合わせの件、承知しました。");
}

/* A message of one text part in @charset, with @body as raw bytes and
 * @subject_word as an encoded word of the same charset (B encoding). */
static MimeSummary *
summarise_in_charset (const char *charset,
                      const char *subject_bytes,
                      const char *body)
{
  g_autofree char *encoded =
      g_base64_encode ((const guchar *) subject_bytes, strlen (subject_bytes));
  g_autofree char *message =
      g_strdup_printf ("From: a@example.com\r\nSubject: =?%s?B?%s?=\r\n"
                       "Content-Type: text/plain; charset=%s\r\n\r\n%s\r\n",
                       charset, encoded, charset, body);

  return summarise_string (message);
}

/* Mail labelled with a plain legacy charset is written in the vendor's
 * superset (WHATWG maps the labels so), and one character no converter
 * knows costs that character only, even in a stateful charset. */
static void
test_vendor_charsets (void)
{
  g_autoptr (MimeSummary) sjis =
      summarise_in_charset ("shift_jis", "\x87\x40", "\x93\xFA\x87\x8A");
  g_autoptr (MimeSummary) korean =
      summarise_in_charset ("ks_c_5601-1987", "\x81\x41", "\xB0\xA1\x81\x41");
  g_autoptr (MimeSummary) chinese =
      summarise_in_charset ("gb2312", "\x88\xD2", "\xD6\xD0\x88\xD2");
  g_autoptr (MimeSummary) jis =
      summarise_in_charset ("iso-2022-jp", "\x1B$B$\"\x1B(B",
                            "\x1B$B$\"-!$\"$$\x1B(B ok \x1B$B$\"\x1B(B");

  g_assert_cmpstr (sjis->subject, ==, "①");
  g_assert_cmpstr (sjis->body_text, ==, "日㈱");
  g_assert_cmpstr (korean->subject, ==, "갂");
  g_assert_cmpstr (korean->body_text, ==, "가갂");
  g_assert_cmpstr (chinese->subject, ==, "堃");
  g_assert_cmpstr (chinese->body_text, ==, "中堃");
  g_assert_cmpstr (jis->subject, ==, "あ");
  /* glibc's ISO-2022-JP has no NEC row: ① is lost, nothing after it */
  g_assert_cmpstr (jis->body_text, ==, "あ\xEF\xBF\xBDあい ok あ");
}

/* Parts a naive reading gets wrong: a byte order mark before the
 * headers, a blank text/plain alternative to the real HTML one, a
 * message of one text part that has a file name. */
static void
test_unusual_parts (void)
{
  g_autoptr (MimeSummary) bom = summarise_string (
      "\xEF\xBB\xBF"
      "From: Ann <ann@example.com>\r\nSubject: Saved on Windows\r\n\r\n"
      "Body text.\r\n");
  g_autoptr (MimeSummary) blank = summarise_string (
      "From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/alternative; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n\r\n"
      "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
      "<p>The real text</p>\r\n--b--\r\n");
  g_autoptr (MimeSummary) named = summarise_string (
      "From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8; name=\"report.txt\"\r\n\r\n"
      "All systems normal.\r\n");

  g_assert_cmpstr (bom->subject, ==, "Saved on Windows");
  assert_address (bom->from, "Ann", "ann@example.com");
  g_assert_cmpstr (bom->body_text, ==, "Body text.");
  g_assert_false (bom->flags & MIME_SUMMARY_FLAG_UNREADABLE);

  g_assert_cmpstr (blank->body_text, ==, "The real text");

  g_assert_cmpstr (named->body_text, ==, "All systems normal.");
  g_assert_cmpuint (named->attachments->len, ==, 0);
}

/* HTML without a MIME charset names its own in a <meta>; a MIME charset
 * wins over it. */
static void
test_html_meta_charset (void)
{
  static const struct
  {
    const char *content_type;
    const char *head;
    const char *text;
  } cases[] = {
    { "text/html",
      "<meta http-equiv=\"Content-Type\" content=\"text/html; "
      "charset=windows-1251\">",
      "Привет" },
    { "text/html", "<META CHARSET='KOI8-R'>", "Привет" },
    /* as the MIME header says: Windows-1252 */
    { "text/html; charset=windows-1252", "<meta charset=\"koi8-r\">",
      "ðÒÉ×ÅÔ" },
    /* no <meta>: UTF-8 if valid, else Windows-1252 */
    { "text/html", "<title>x</title>", "ðÒÉ×ÅÔ" },
  };
  /* "Привет" in windows-1251, then in KOI8-R */
  const char *bytes_1251 = "\xCF\xF0\xE8\xE2\xE5\xF2";
  const char *bytes_koi8 = "\xF0\xD2\xC9\xD7\xC5\xD4";

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = g_strdup_printf (
          "From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
          "Content-Type: %s\r\n\r\n<html><head>%s</head><body><p>%s</p>"
          "</body></html>\r\n",
          cases[i].content_type, cases[i].head,
          i == 0 ? bytes_1251 : bytes_koi8);
      g_autoptr (MimeSummary) summary = summarise_string (message);

      g_assert_cmpstr (summary->body_text, ==, cases[i].text);
    }

  /* a <meta> or a header naming UTF-16 over text readable as ASCII is
   * wrong, as HTML5 says: ignored */
  {
    g_autoptr (MimeSummary) meta = summarise_string (
        "From: a@example.com\r\nSubject: x\r\nContent-Type: text/html"
        "\r\n\r\n<meta charset=\"utf-16\"><p>Hello</p>\r\n");
    g_autoptr (MimeSummary) header =
        summarise_string ("From: a@example.com\r\nSubject: caf\xE9\r\n"
                          "Content-Type: text/plain; charset=utf-16\r\n\r\n");

    g_assert_cmpstr (meta->body_text, ==, "Hello");
    g_assert_cmpstr (header->subject, ==, "café");
  }
}

static void
test_raw_8bit_headers (void)
{
  g_autoptr (MimeSummary) summary = summarise ("043");

  g_assert_cmpstr (summary->subject, ==,
                   "Grüße aus Köln – Bestellbestätigung Nr. 42");
  assert_address (summary->from, "Jörg Müller",
                  "bestellung@baeckerei.example.com");
  assert_address (g_ptr_array_index (summary->to, 0), "Zoë Ångström",
                  "pigeon-test@mail.example.org");
  /* no charset: the UTF-8 paragraph and the Latin-1 one both readable */
  assert_contains (summary->body_text, "vielen Dank für Ihre Bestellung");
  assert_contains (summary->body_text, "2 × Roggenbrot (1 kg)        7,80 €");
  assert_contains (summary->body_text,
                   "Ce paragraphe est encodé en Latin-1 : à bientôt, Jörg.");
}

/* Raw 8-bit headers that are not UTF-8 are read in the charset the
 * message declares, when it declares one. */
static void
test_raw_8bit_declared (void)
{
  /* "Привет" and "Иван" in KOI8-R */
  g_autoptr (MimeSummary) koi8 = summarise_string (
      "From: \xE9\xD7\xC1\xCE <ivan@example.ru>\r\n"
      "Subject: \xF0\xD2\xC9\xD7\xC5\xD4\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=\"KOI8-R\"\r\n\r\n"
      "\xF0\xD2\xC9\xD7\xC5\xD4\r\n");
  /* a UTF-8 header stays UTF-8 whatever the body's charset */
  g_autoptr (MimeSummary) utf8 = summarise_string (
      "From: a@example.com\r\nSubject: Grüße\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=koi8-r\r\n\r\nx\r\n");
  /* a charset nobody knows: Windows-1252, as without one */
  g_autoptr (MimeSummary) unknown = summarise_string (
      "From: a@example.com\r\nSubject: caf\xE9\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nx\r\n");

  g_assert_cmpstr (koi8->subject, ==, "Привет");
  assert_address (koi8->from, "Иван", "ivan@example.ru");
  g_assert_cmpstr (koi8->body_text, ==, "Привет");
  g_assert_cmpstr (utf8->subject, ==, "Grüße");
  g_assert_cmpstr (unknown->subject, ==, "café");
}

/* Dates -------------------------------------------------------------- */

static void
test_dates (void)
{
  static const struct
  {
    const char *fixture;
    int         y, mo, d, h, mi, s;
  } cases[] = {
    { "001", 2025, 3, 4, 9, 14, 15 },  /* Tue, 4 Mar 2025 10:14:15 +0100 */
    { "009", 2025, 3, 4, 21, 40, 2 },  /* 4 Mar 2025 16:40:02 -0500 */
    { "024", 2025, 3, 7, 16, 2, 9 },   /* Fri, 07 Mar 25 11:02:09 EST */
    { "025", 2025, 3, 8, 8, 5, 0 },    /* Sat, 8 Mar 2025 9:05:00 +0100 (CET) */
    { "029", 2025, 3, 11, 0, 0, 0 },   /* Tue, 11 Mar 2025 09:00 +0900 */
    { "031", 2025, 3, 12, 0, 0, 0 },   /* Wed, 12 Mar 2025 00:00:00 -0000 */
    { "055", 2025, 3, 19, 12, 0, 0 },  /* Wed, 19 Mar 2025 12:00:00 UT */
    { "056", 2025, 3, 14, 16, 20, 0 }, /* folded after the date */
    { "058", 2025, 3, 16, 10, 0, 0 },  /* "Mon", but it was a Sunday */
    { "064", 2025, 3, 18, 8, 0, 0 },   /* tue, 18 mar 2025 08:00:00 +0000 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MimeSummary) summary = summarise (cases[i].fixture);

      g_test_message ("fixture %s", cases[i].fixture);
      g_assert_false (summary->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK);
      g_assert_cmpint (summary->date, ==,
                       utc (cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
                            cases[i].mi, cases[i].s));
    }
}

static void
test_date_fallback (void)
{
  /* missing (047), localised German (048), no headers at all (054) */
  const char *fixtures[] = { "047", "048", "054" };
  const char *bad[] = {
    "Date: \r\n",
    "Date: 31 Feb 2025 10:00:00 +0000\r\n",
    "Date: 1 Jan 2025 25:00:00 +0000\r\n",
    "Date: 1 Jan 2025 10:00:00 +0099\r\n",
    "Date: 1 Jan 2025\r\n",
    "Date: yesterday\r\n",
    "Date: 1 Jan 2025 10:00:00 +0000 1 Feb\r\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr (MimeSummary) summary = summarise (fixtures[i]);

      g_assert_true (summary->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK);
      g_assert_cmpint (summary->date, ==, RECEIVED_TIME);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *message =
          g_strconcat ("Subject: x\r\n", bad[i], "\r\nbody\r\n", NULL);
      g_autoptr (MimeSummary) summary = summarise_string (message);

      g_test_message ("%s", bad[i]);
      g_assert_true (summary->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK);
      g_assert_cmpint (summary->date, ==, RECEIVED_TIME);
    }
}

/* Threads ------------------------------------------------------------ */

#define ROOT_ID "6d1c0a52-3f4e-4b8e-9a57-2b1f0e9c7d11@tallowmere.example.com"
#define MSG2_ID "F1E2D3C4-B5A6-4798-8A9B-0C1D2E3F4A5B@brightwater.example.net"
#define MSG3_ID "a7c3e91f5b2d4f6e8a0c1b3d5e7f9a2b@kestrel.example.org"
#define MSG4_ID                                                                \
  "AM9PR04MB8123E5D0C1B2A39485F6E7D8C9B0A1F2@AM9PR04MB8123.eurprd04.prod."     \
  "outlook.example.com"
#define MISSING_ID                                                             \
  "CAFz8Qx1VbN3mK5pL7rT9wY2cE4gH6jA8sD0fG1hJ3kL5zX@mail.example.com"
#define MSG5_ID "2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f7a@tallowmere.example.com"

static void
assert_references (MimeSummary *summary, const char *const *expected)
{
  g_assert_cmpstrv (summary->references, expected);
}

static void
test_thread_headers (void)
{
  g_autoptr (MimeSummary) s032 = summarise ("032");
  g_autoptr (MimeSummary) s033 = summarise ("033");
  g_autoptr (MimeSummary) s034 = summarise ("034");
  g_autoptr (MimeSummary) s035 = summarise ("035");
  g_autoptr (MimeSummary) s036 = summarise ("036");
  g_autoptr (MimeSummary) s037 = summarise ("037");

  g_assert_cmpstr (s032->message_id, ==, ROOT_ID);
  g_assert_null (s032->in_reply_to);
  assert_references (s032, (const char *const[]){ NULL });

  g_assert_cmpstr (s033->message_id, ==, MSG2_ID);
  g_assert_cmpstr (s033->in_reply_to, ==, ROOT_ID);
  assert_references (s033, (const char *const[]){ ROOT_ID, NULL });

  g_assert_cmpstr (s035->message_id, ==, MSG3_ID);
  g_assert_cmpstr (s035->in_reply_to, ==, MSG2_ID);
  assert_references (s035, (const char *const[]){ ROOT_ID, MSG2_ID, NULL });

  g_assert_cmpstr (s034->message_id, ==, MSG4_ID);
  g_assert_cmpstr (s034->in_reply_to, ==, MSG3_ID);
  assert_references (s034,
                     (const char *const[]){ ROOT_ID, MSG2_ID, MSG3_ID, NULL });
  g_assert_cmpstr (s034->subject, ==, "AW: Re: Q3 offsite: venue shortlist");

  g_assert_cmpstr (s036->message_id, ==, MSG5_ID);
  g_assert_cmpstr (s036->in_reply_to, ==, MISSING_ID);
  assert_references (s036, (const char *const[]){ ROOT_ID, MSG2_ID, MSG3_ID,
                                                  MSG4_ID, MISSING_ID, NULL });

  g_assert_null (s037->in_reply_to);
  g_assert_cmpuint (g_strv_length (s037->references), ==, 6);
  g_assert_cmpstr (s037->references[0], ==, ROOT_ID);
  g_assert_cmpstr (s037->references[4], ==, MISSING_ID);
  g_assert_cmpstr (s037->references[5], ==, MSG5_ID);
}

static void
test_thread_100_references (void)
{
  g_autoptr (MimeSummary) summary = summarise ("057");

  g_assert_cmpuint (g_strv_length (summary->references), ==, 100);
  g_assert_cmpstr (summary->references[0], ==,
                   "20250101000000.GA1000@host0.example.net");
  g_assert_cmpstr (summary->references[99], ==,
                   "c5ae50288e32a627.fsf@lists.example.org");
  g_assert_cmpstr (summary->in_reply_to, ==,
                   "c5ae50288e32a627.fsf@lists.example.org");
}

static void
test_msgid_variants (void)
{
  g_autoptr (MimeSummary) a = summarise_string (
      "Message-ID: <a b@c>\r\nIn-Reply-To: <x@y> (comment) <z@w>\r\n"
      "References: <1@h>\r\n <2@h>\t<3@h>\r\n\r\n");
  g_autoptr (MimeSummary) b = summarise_string (
      "Message-ID: bare@host\r\nReferences: r1@h, r2@h\r\n\r\n");
  g_autoptr (MimeSummary) c = summarise_string (
      "Message-ID: <>\r\nIn-Reply-To: no id here\r\nReferences: <unclosed@h\r\n"
      "\r\n");

  g_assert_cmpstr (a->message_id, ==, "ab@c");
  g_assert_cmpstr (a->in_reply_to, ==, "x@y");
  assert_references (a, (const char *const[]){ "1@h", "2@h", "3@h", NULL });
  g_assert_cmpstr (b->message_id, ==, "bare@host");
  assert_references (b, (const char *const[]){ "r1@h", "r2@h", NULL });
  g_assert_null (c->message_id);
  g_assert_null (c->in_reply_to);
  assert_references (c, (const char *const[]){ "unclosed@h", NULL });
}

/* Addresses ---------------------------------------------------------- */

static void
test_addresses (void)
{
  g_autoptr (MimeSummary) summary = summarise_string (
      "From: \"Doe, John\" <john@example.com>\r\n"
      "To: undisclosed-recipients:;\r\n"
      "Cc: team: a@example.com, \"B \\\"Bee\\\"\" <b@example.com>;, "
      "c@example.com (Cee Comment), <@relay:d@example.com>, Just A Name,"
      " \"Unclosed <e@example.com\r\n"
      "Reply-To: f@example.com\r\n"
      "To: <g@example.com\r\n"
      "\r\n");
  g_autofree char *cc = NULL;

  assert_summary_valid (summary);
  assert_address (summary->from, "Doe, John", "john@example.com");
  /* the group name goes, its members stay; both To headers count */
  g_assert_cmpuint (summary->to->len, ==, 1);
  assert_address (g_ptr_array_index (summary->to, 0), NULL, "g@example.com");
  g_assert_cmpuint (summary->cc->len, ==, 6);
  assert_address (g_ptr_array_index (summary->cc, 0), NULL, "a@example.com");
  assert_address (g_ptr_array_index (summary->cc, 1), "B \"Bee\"",
                  "b@example.com");
  assert_address (g_ptr_array_index (summary->cc, 2), "Cee Comment",
                  "c@example.com");
  assert_address (g_ptr_array_index (summary->cc, 3), NULL, "d@example.com");
  assert_address (g_ptr_array_index (summary->cc, 4), "Just A Name", NULL);
  assert_address (g_ptr_array_index (summary->reply_to, 0), NULL,
                  "f@example.com");

  /* a name and an address without the angle brackets, and a name with
   * no address at all */
  {
    g_autoptr (MimeSummary) bare = summarise_string (
        "From: John Doe john@example.com\r\n"
        "To: Mail at example.com, Ann ann@example.com\r\n\r\n");

    assert_address (bare->from, "John Doe", "john@example.com");
    g_assert_cmpuint (bare->to->len, ==, 2);
    assert_address (g_ptr_array_index (bare->to, 0), "Mail at example.com",
                    NULL);
    assert_address (g_ptr_array_index (bare->to, 1), "Ann", "ann@example.com");
  }

  cc = mime_address_list_to_string (summary->cc);
  g_assert_true (g_str_has_prefix (
      cc, "a@example.com, \"B \\\"Bee\\\"\" <b@example.com>, "
          "Cee Comment <c@example.com>, d@example.com, Just A Name"));
}

static void
test_address_list_to_string (void)
{
  g_autoptr (GPtrArray) list =
      g_ptr_array_new_with_free_func ((GDestroyNotify) mime_address_free);
  MimeAddress     *a = g_new0 (MimeAddress, 1);
  MimeAddress     *b = g_new0 (MimeAddress, 1);
  MimeAddress     *c = g_new0 (MimeAddress, 1);
  g_autofree char *empty = NULL, *text = NULL;

  empty = mime_address_list_to_string (list);
  g_assert_cmpstr (empty, ==, "");
  a->name = g_strdup ("Name");
  a->address = g_strdup ("a@b");
  b->address = g_strdup ("c@d");
  c->name = g_strdup ("Last, First");
  c->address = g_strdup ("e@f");
  g_ptr_array_add (list, a);
  g_ptr_array_add (list, b);
  g_ptr_array_add (list, c);
  text = mime_address_list_to_string (list);
  g_assert_cmpstr (text, ==, "Name <a@b>, c@d, \"Last, First\" <e@f>");
}

static void
test_missing_from (void)
{
  g_autoptr (MimeSummary) summary = summarise ("049");

  g_assert_null (summary->from);
  g_assert_cmpstr (summary->subject, ==,
                   "[nas] nightly backup OK (412 files, 1.8 GiB)");
}

/* Bodies ------------------------------------------------------------- */

static void
test_body_plain (void)
{
  g_autoptr (MimeSummary) s001 = summarise ("001");
  g_autoptr (MimeSummary) s003 = summarise ("003");
  g_autoptr (MimeSummary) s023 = summarise ("023");

  assert_lacks (s001->body_text, "\r");
  /* quoted-printable and base64 are decoded */
  assert_lacks (s003->body_text, "=3D");
  assert_lacks (s003->body_text, "=\n");
  assert_contains (s023->body_text, "各位好，");
  assert_contains (s023->body_text, "Καλημέρα σε όλους,");
  g_assert_true (g_str_has_prefix (s023->preview, "各位好， 下周三"));
}

static void
test_body_flowed (void)
{
  g_autoptr (MimeSummary) s002 = summarise ("002");
  g_autoptr (MimeSummary) s004 = summarise ("004");

  /* DelSp=yes: the break inside Japanese text leaves no space */
  assert_contains (s004->body_text,
                   "日本語の文章は単語の間にスペースがありません。");
  /* a soft break in Latin text keeps its space, and a paragraph is one
   * line */
  assert_contains (s004->body_text,
                   "I read it on the train this morning and I only have a few "
                   "notes;");
  /* quotes keep their depth; space-stuffing undone; signature kept */
  assert_contains (s004->body_text, "\n> Could you also check");
  assert_contains (s004->body_text, "\n>> Ten years for anything");
  assert_contains (s004->body_text, "\n>this line starts with a greater-than");
  assert_contains (s004->body_text, "\n-- \nMargit Salo");
  /* format=flowed lines without a trailing space are hard breaks */
  assert_contains (s002->body_text, "im Gemeindesaal statt, nicht\nin der "
                                    "Aula. Bitte bringt die Noten für „Die "
                                    "Nachtigall“ und das\nStraßenlied mit.");
}

static void
test_body_alternative (void)
{
  g_autoptr (MimeSummary) s006 = summarise ("006");
  g_autoptr (MimeSummary) s017 = summarise ("017");
  g_autoptr (MimeSummary) s018 = summarise ("018");

  /* text/plain is preferred: no HTML leaks in, not shown twice */
  assert_lacks (s006->body_text, "<div");
  assert_lacks (s006->body_text, "gmail_quote");
  g_assert_cmpuint (s006->attachments->len, ==, 0);

  /* related: cid images listed inline with their ids */
  g_assert_cmpuint (s017->attachments->len, ==, 2);
  g_assert_true (attachment (s017, 0)->is_inline);
  g_assert_cmpstr (attachment (s017, 0)->content_id, ==, "logo-kestrel");
  g_assert_cmpstr (attachment (s017, 1)->content_id, ==,
                   "image002.png@01DB8DF1.3A2B1C00");
  g_assert_cmpstr (attachment (s017, 1)->content_type, ==, "image/png");
  assert_lacks (s017->body_text, "<");

  g_assert_cmpuint (s018->attachments->len, ==, 2);
  g_assert_cmpstr (attachment (s018, 0)->save_name, ==, "pigeon.png");
  g_assert_true (attachment (s018, 0)->is_inline);
  g_assert_cmpstr (attachment (s018, 1)->save_name, ==,
                   "release-checklist-0.9.pdf");
  g_assert_false (attachment (s018, 1)->is_inline);
}

static void
test_body_html (void)
{
  g_autoptr (MimeSummary) s007 = summarise ("007");
  g_autoptr (MimeSummary) s008 = summarise ("008");
  g_autoptr (MimeSummary) html = summarise_string (
      "Content-Type: multipart/alternative; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
      "<p>Only <a href=\"https://example.com/\">HTML</a></p>\r\n--b--\r\n");

  /* nothing from <head>, <style>, <script>, comments or the iframe */
  assert_lacks (s007->body_text, "Mailbox quota notice");
  assert_lacks (s007->body_text, "font-family");
  assert_lacks (s007->body_text, "document.write");
  assert_lacks (s007->body_text, "window.location");
  assert_lacks (s007->body_text, "campaign=quota");
  assert_lacks (s007->body_text, "Outlook only");
  assert_lacks (s007->body_text, "javascript:");
  assert_lacks (s007->body_text, "data:text");
  assert_lacks (s007->body_text, "<p");
  assert_lacks (s007->body_text, "<img");
  assert_lacks (s007->body_text, "onerror");
  assert_lacks (s007->body_text, "alert");
  assert_contains (s007->body_text, "Action required: mailbox quota exceeded");
  assert_contains (s007->body_text, "\n2. Enter your password on the secure "
                                    "portal [1]\n");
  assert_contains (s007->body_text, "\n1. Click Verify now\n");
  assert_contains (s007->body_text, "Symbols: <script> & \"quotes\" 'apos' € "
                                    "🐦 📧");
  assert_contains (s007->body_text, "\n\n[1] http://198.51.100.66/login.php?u="
                                    "pigeon-test@mail.example.org\n[2] https://"
                                    "mailbox-verify.example.net/unsub?e="
                                    "pigeon-test%40mail.example.org");

  /* 008 has a text/plain alternative: that one is shown */
  assert_contains (s008->body_text, "BRIGHTWATER CO-OP - MARCH NEWSLETTER");
  assert_lacks (s008->body_text, "<table");

  g_assert_cmpstr (html->body_text, ==,
                   "Only HTML [1]\n\n[1] https://example.com/");
}

static void
test_separator_recovery (void)
{
  g_autoptr (MimeSummary) s050 = summarise ("050");
  g_autoptr (MimeSummary) s051 = summarise ("051");
  g_autoptr (MimeSummary) s052 = summarise ("052");
  g_autoptr (MimeSummary) s053 = summarise ("053");
  g_autoptr (MimeSummary) s054 = summarise ("054");

  /* GMime 3.2.13 reads these bodies as headers and loses them */
  g_assert_cmpstr (s050->body_text, ==,
                   "Hello team,\nforklift refresher training is on Thursday "
                   "at 14:00 in the yard office.\nInes");
  g_assert_cmpstr (s050->subject, ==, "Forklift training");
  g_assert_cmpstr (s051->body_text, ==,
                   "Is the training still on? I have not seen the room "
                   "booking.\nThanks");
  g_assert_cmpstr (s051->subject, ==, "Quick question");

  g_assert_cmpstr (s052->body_text, ==, "");
  g_assert_cmpstr (s052->preview, ==, "");
  g_assert_cmpstr (s052->subject, ==, "[monitor] heartbeat");
  g_assert_cmpstr (s053->body_text, ==, "");
  g_assert_cmpstr (s053->subject, ==, "Lunch at 12:45? (EOM)");

  /* no headers: all is body, even a line that looks like a header */
  g_assert_cmpstr (s054->subject, ==, "");
  g_assert_null (s054->from);
  g_assert_null (s054->message_id);
  g_assert_true (g_str_has_prefix (s054->body_text,
                                   "This file has no header section at all."));
  assert_contains (s054->body_text,
                   "\nSubject: this is body text, not a header\n");
  g_assert_false (s054->flags & MIME_SUMMARY_FLAG_UNREADABLE);
}

static void
test_line_endings_and_prefixes (void)
{
  g_autoptr (MimeSummary) s005 = summarise ("005");
  g_autoptr (MimeSummary) s042 = summarise ("042");
  g_autoptr (MimeSummary) s044 = summarise ("044");
  g_autoptr (MimeSummary) s045 = summarise ("045");
  g_autoptr (MimeSummary) s046 = summarise ("046");
  g_autoptr (MimeSummary) s055 = summarise ("055");
  gsize                   longest = 0;
  g_auto (GStrv) lines = g_strsplit (s044->body_text, "\n", -1);

  assert_contains (s005->body_text, "\n.\n..\n.cache\n.muttrc\n");
  g_assert_cmpstr (s042->subject, ==,
                   "Nightly build #1187: PASSED (with warnings)");
  assert_lacks (s042->body_text, "\r");
  for (guint i = 0; lines[i] != NULL; i++)
    longest = MAX (longest, strlen (lines[i]));
  g_assert_cmpuint (longest, >, 20000);
  g_assert_true (
      g_str_has_prefix (s045->body_text, ".\n..\n...\n.editorconfig\n"));
  assert_contains (s045->body_text, "\n.. two dots and a space\n. one dot and "
                                    "a space\n.\ttab after a dot\n");
  g_assert_true (g_str_has_suffix (s045->body_text, "\n."));
  g_assert_cmpuint (strlen (s046->body_text), >, 0);
  /* an mbox "From " line is not a header */
  g_assert_cmpstr (s055->subject, ==, "Old mbox import test");
  assert_address (s055->from, "Chen Wei", "chen.wei@kestrel.example.net");
  assert_contains (s055->body_text, ">From ");
}

static void
test_malformed_multiparts (void)
{
  g_autoptr (MimeSummary) s039 = summarise ("039");
  g_autoptr (MimeSummary) s040 = summarise ("040");
  g_autoptr (MimeSummary) s041 = summarise ("041");

  /* no boundary parameter: the delimiter the body uses is found */
  g_assert_cmpstr (s039->body_text, ==,
                   "Your weekly order summary is attached.");
  g_assert_cmpuint (s039->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s039, 0)->filename, ==, "orders.csv");
  g_assert_cmpuint (attachment (s039, 0)->size, ==, 64);

  /* wrong boundary: same, and text/plain is chosen in the alternative */
  assert_contains (s040->body_text, "Your order #20417 (2 x seed tray, 1 x "
                                    "watering can) has shipped.");
  assert_lacks (s040->body_text, "<p>");
  assert_lacks (s040->body_text, "Content-Type");

  /* unterminated: the text and the truncated PDF are both there */
  assert_contains (s041->body_text, "Minutes attached.");
  g_assert_cmpuint (s041->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s041, 0)->save_name, ==,
                   "minutes-2025-03-14.pdf");
  g_assert_cmpuint (attachment (s041, 0)->size, >, 0);
}

/* Attachments -------------------------------------------------------- */

static void
test_attachments_basic (void)
{
  g_autoptr (MimeSummary) s009 = summarise ("009");
  g_autoptr (MimeSummary) s010 = summarise ("010");
  g_autoptr (MimeSummary) s011 = summarise ("011");
  g_autoptr (MimeSummary) s012 = summarise ("012");
  g_autoptr (MimeSummary) s064 = summarise ("064");

  g_assert_cmpuint (s009->attachments->len, ==, 2);
  g_assert_cmpstr (attachment (s009, 0)->filename, ==,
                   "stocktake-2025-03-04.csv");
  g_assert_cmpstr (attachment (s009, 0)->content_type, ==, "text/csv");
  /* name only in Content-Type, no Content-Disposition */
  g_assert_cmpstr (attachment (s009, 1)->filename, ==, "notes.txt");
  g_assert_cmpstr (attachment (s009, 1)->content_type, ==, "text/plain");
  /* the text attachments are not shown as body */
  g_assert_cmpstr (s009->body_text, ==,
                   "Hi, the stocktake figures are attached as CSV, plus my "
                   "notes.\n\nInes");

  g_assert_cmpuint (s010->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s010, 0)->content_type, ==, "application/pdf");
  g_assert_false (attachment (s010, 0)->is_inline);

  /* a valid PNG: the decoded size is the file size, 8-byte signature
   * first; compare with the base64 text length to be sure it is decoded */
  g_assert_cmpuint (s011->attachments->len, ==, 1);
  g_assert_cmpuint (attachment (s011, 0)->size, ==, 7830);

  /* text, inline image, text: both texts in the body, in order */
  g_assert_cmpuint (s012->attachments->len, ==, 1);
  g_assert_true (attachment (s012, 0)->is_inline);
  g_assert_cmpstr (attachment (s012, 0)->content_type, ==, "image/jpeg");
  g_assert_cmpstr (s012->body_text, ==,
                   "Made it to Wellington. The view from the ferry was "
                   "ridiculous:\n\nSent from my iPhone");

  /* upper-case MIME tokens */
  g_assert_cmpuint (s064->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s064, 0)->filename, ==, "pigeonrc.gz");
  g_assert_cmpstr (attachment (s064, 0)->content_type, ==,
                   "application/x-gzip");
  assert_contains (s064->body_text, "€");
}

static void
test_attachment_names_encoded (void)
{
  g_autoptr (MimeSummary) s013 = summarise ("013");
  g_autoptr (MimeSummary) s014 = summarise ("014");

  g_assert_cmpuint (s013->attachments->len, ==, 3);
  g_assert_cmpstr (attachment (s013, 0)->filename, ==,
                   "Übersicht der Lieferungen für März 2025 – Straße "
                   "\"Am Grünen Weg\".odt");
  g_assert_cmpstr (attachment (s013, 0)->save_name, ==,
                   "Übersicht der Lieferungen für März 2025 – Straße "
                   "_Am Grünen Weg_.odt");
  g_assert_cmpstr (attachment (s013, 1)->filename, ==,
                   "résumé financier 2024.txt");
  g_assert_cmpstr (attachment (s013, 2)->filename, ==,
                   "Lieferantenliste – Stand 7. Maerz.txt");

  /* RFC 2047 inside quotes, split over two B words */
  g_assert_cmpuint (s014->attachments->len, ==, 2);
  g_assert_cmpstr (
      attachment (s014, 0)->filename, ==,
      "Angebot_Müller_&_Söhne_Kühlhaus_Erweiterung_2025_final.pdf");
  g_assert_cmpstr (attachment (s014, 1)->filename, ==, "見積書_2025年3月.xlsx");
}

static void
test_attachment_names_hostile (void)
{
  g_autoptr (MimeSummary) s015 = summarise ("015");
  g_autoptr (MimeSummary) s016 = summarise ("016");
  const char             *save015[] = {
                "passwd", "pigeon-update", "C_Usersxevil.exe", "evil.exe", "hosts",
                "bashrc", "attachment",    "attachment.txt",   "_NUL.txt",
  };
  const char *save016[] = {
    "report[31mRED[0m.txt",
    "tab here.txt",
    "line1 Bcc_ victim@example.com",
    "tab and newline.txt",
    NULL,
    "invoice_fdp.exe",
    "contract.pdf",
    "payment-details.pdf.exe",
    "readme.txt",
  };
  MimeAttachment *long_name;

  g_assert_cmpuint (s015->attachments->len, ==, G_N_ELEMENTS (save015));
  for (guint i = 0; i < G_N_ELEMENTS (save015); i++)
    g_assert_cmpstr (attachment (s015, i)->save_name, ==, save015[i]);
  g_assert_cmpstr (attachment (s015, 0)->filename, ==, "../../etc/passwd");
  g_assert_cmpstr (attachment (s015, 3)->filename, ==,
                   "C:\\Users\\x\\evil.exe");
  g_assert_cmpstr (attachment (s015, 6)->filename, ==, "..");
  g_assert_null (attachment (s015, 7)->filename); /* filename="" */

  g_assert_cmpuint (s016->attachments->len, ==, G_N_ELEMENTS (save016));
  for (guint i = 0; i < G_N_ELEMENTS (save016); i++)
    if (save016[i] != NULL)
      g_assert_cmpstr (attachment (s016, i)->save_name, ==, save016[i]);
  /* the RTL override is in the name as given, never in the save name */
  assert_contains (attachment (s016, 5)->filename, "\u202E");
  long_name = attachment (s016, 4);
  g_assert_cmpuint (strlen (long_name->filename), ==, 300);
  g_assert_cmpuint (strlen (long_name->save_name), ==, 255);
  g_assert_true (
      g_str_has_prefix (long_name->save_name, "Quarterly_report_section01"));
  g_assert_true (g_str_has_suffix (long_name->save_name, ".pdf"));
}

static void
test_attachment_large (void)
{
  g_autoptr (MimeSummary) summary = summarise ("038");
  MimeAttachment         *a;

  g_assert_cmpuint (summary->attachments->len, ==, 1);
  a = attachment (summary, 0);
  g_assert_cmpuint (a->size, ==, 3880000);
  g_assert_cmpstr (a->filename, ==, "sensor-dump-2025-02.bin");
  g_assert_cmpstr (a->content_type, ==, "application/octet-stream");
  assert_lacks (summary->body_text, "sensor-dump-2025-02.bin\n");
  g_assert_cmpuint (strlen (summary->body_text), <, 10000);
}

static void
test_signed_and_encrypted (void)
{
  g_autoptr (MimeSummary) s020 = summarise ("020");
  g_autoptr (MimeSummary) s021 = summarise ("021");
  g_autoptr (MimeSummary) s022 = summarise ("022");

  /* signed: the signed text is the body, the signature an attachment */
  assert_contains (s020->body_text, "tarballs are signed with a new key");
  assert_contains (s020->body_text, "Jens Köhler (Pigeon release signing)");
  g_assert_cmpuint (s020->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s020, 0)->content_type, ==,
                   "application/pgp-signature");
  g_assert_cmpstr (attachment (s020, 0)->save_name, ==, "signature.asc");

  /* encrypted: nothing readable, both parts listed */
  g_assert_cmpstr (s021->body_text, ==, "");
  g_assert_cmpstr (s021->subject, ==, "...");
  g_assert_cmpuint (s021->attachments->len, ==, 2);
  g_assert_cmpstr (attachment (s021, 0)->content_type, ==,
                   "application/pgp-encrypted");
  g_assert_cmpstr (attachment (s021, 0)->save_name, ==, "pgp-encrypted.asc");
  g_assert_cmpstr (attachment (s021, 1)->content_type, ==,
                   "application/octet-stream");
  g_assert_cmpstr (attachment (s021, 1)->filename, ==, "encrypted.asc");

  /* even a text part inside multipart/encrypted is listed, not shown */
  {
    g_autoptr (MimeSummary) odd = summarise_string (
        "Content-Type: multipart/encrypted; boundary=e\r\n\r\n"
        "--e\r\nContent-Type: text/plain\r\n\r\nnot for display\r\n"
        "--e--\r\n");

    assert_summary_valid (odd);
    g_assert_cmpstr (odd->body_text, ==, "");
    g_assert_cmpuint (odd->attachments->len, ==, 1);
    g_assert_cmpstr (attachment (odd, 0)->content_type, ==, "text/plain");
    g_assert_cmpuint (attachment (odd, 0)->size, ==, 15);
  }

  assert_contains (s022->body_text, "this message is signed so you can check");
  g_assert_cmpuint (s022->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s022, 0)->content_type, ==,
                   "application/pkcs7-signature");
  g_assert_cmpstr (attachment (s022, 0)->filename, ==, "smime.p7s");
}

static void
test_nested_messages (void)
{
  g_autoptr (MimeSummary) s019 = summarise ("019");
  g_autoptr (MimeSummary) s060 = summarise ("060");
  g_autoptr (MimeSummary) s061 = summarise ("061");
  g_autoptr (MimeSummary) s062 = summarise ("062");
  g_autoptr (MimeSummary) s065 = summarise ("065");

  /* forward as attachment: named after the (decoded) inner subject */
  g_assert_cmpuint (s019->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s019, 0)->content_type, ==, "message/rfc822");
  g_assert_cmpstr (attachment (s019, 0)->filename, ==,
                   "Kestrel -> Brightwater data export.eml");
  g_assert_cmpuint (attachment (s019, 0)->size, >, 1000);
  g_assert_cmpstr (s019->subject, ==, "Fwd: Kestrel → Brightwater data export");

  /* digest: the implicit message/rfc822 of multipart/digest too */
  g_assert_cmpuint (s060->attachments->len, ==, 2);
  g_assert_cmpstr (attachment (s060, 1)->content_type, ==, "message/rfc822");

  /* bounce: the report and the returned message */
  g_assert_cmpuint (s061->attachments->len, ==, 2);
  g_assert_cmpstr (attachment (s061, 0)->content_type, ==,
                   "message/delivery-status");
  g_assert_cmpstr (attachment (s061, 1)->content_type, ==, "message/rfc822");

  /* invitation: text shown, text/calendar and the .ics listed */
  g_assert_cmpuint (s062->attachments->len, ==, 2);
  g_assert_cmpstr (attachment (s062, 0)->content_type, ==, "text/calendar");
  g_assert_cmpstr (attachment (s062, 1)->filename, ==, "invite.ics");
  assert_lacks (s062->body_text, "BEGIN:VCALENDAR");

  /* unknown-8bit: valid UTF-8 from Latin-1 bytes; x-uuencode decoded */
  assert_contains (s065->body_text, "these bytes are Latin-1: äöüß");
  g_assert_cmpuint (s065->attachments->len, ==, 1);
  g_assert_cmpstr (attachment (s065, 0)->filename, ==, "notes.bin");
  g_assert_cmpuint (attachment (s065, 0)->size, ==, 47);
}

/* Hostile input ------------------------------------------------------ */

static void
test_hostile_empty (void)
{
  g_autoptr (MimeSummary) empty =
      mime_summary_new ((const guint8 *) "", 0, RECEIVED_TIME);
  g_autoptr (MimeSummary) null = mime_summary_new (NULL, 100, RECEIVED_TIME);

  assert_summary_valid (empty);
  g_assert_true (empty->flags & MIME_SUMMARY_FLAG_UNREADABLE);
  g_assert_true (empty->flags & MIME_SUMMARY_FLAG_DATE_FALLBACK);
  g_assert_cmpint (empty->date, ==, RECEIVED_TIME);
  g_assert_cmpstr (empty->subject, ==, MIME_SUMMARY_UNREADABLE_SUBJECT);
  g_assert_cmpstr (empty->body_text, ==, "");
  assert_summary_valid (null);
  g_assert_true (null->flags & MIME_SUMMARY_FLAG_UNREADABLE);
}

static void
test_hostile_garbage (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);

  for (int round = 0; round < 200; round++)
    {
      gsize                   length = g_rand_int_range (rand, 1, 4096);
      g_autofree guint8      *data = g_malloc (length);
      g_autoptr (MimeSummary) summary = NULL;

      for (gsize i = 0; i < length; i++)
        data[i] = (guint8) g_rand_int (rand);
      /* half of them behind a plausible header, so GMime sees them */
      if (round % 2 == 1 && length > 40)
        memcpy (data, "Content-Type: multipart/mixed; b=x\r\n", 36);
      summary = mime_summary_new (data, length, RECEIVED_TIME);
      assert_summary_valid (summary);
    }
}

static void
test_hostile_garbage_unreadable (void)
{
  static const guint8     junk[] = { 0xff, 0xfe, 0x00, 0x41, 0x00, 0x0a, 0x80 };
  g_autoptr (MimeSummary) summary =
      mime_summary_new (junk, sizeof junk, RECEIVED_TIME);

  assert_summary_valid (summary);
  g_assert_true (summary->flags & MIME_SUMMARY_FLAG_UNREADABLE);
  g_assert_cmpstr (summary->subject, ==, MIME_SUMMARY_UNREADABLE_SUBJECT);
  /* the raw text is kept, readable: never loses mail */
  assert_contains (summary->body_text, "ÿþA");
}

static void
test_hostile_nul_bytes (void)
{
  static const char message[] =
      "Subject: a\0b\r\nFrom: x\0y <a@b>\r\nContent-Type: text/plain; "
      "charset=utf-8\r\n\r\nbody\0with\0nuls\r\n";
  g_autoptr (MimeSummary) summary = mime_summary_new (
      (const guint8 *) message, sizeof message - 1, RECEIVED_TIME);

  assert_summary_valid (summary);
  g_assert_cmpstr (summary->subject, ==, "ab");
  g_assert_cmpstr (summary->body_text, ==, "bodywithnuls");
}

static void
test_hostile_long_header (void)
{
  g_autoptr (GString)     message = g_string_new ("Subject: ");
  g_autoptr (MimeSummary) summary = NULL;
  g_autoptr (MimeSummary) refs = NULL;
  gint64                  start = g_get_monotonic_time ();

  for (int i = 0; i < 1024 * 1024; i++)
    g_string_append_c (message, 'a' + i % 26);
  summary = mime_summary_new ((const guint8 *) message->str, message->len,
                              RECEIVED_TIME);
  assert_summary_valid (summary);
  g_assert_cmpuint (strlen (summary->subject), ==, 1024 * 1024);
  g_assert_cmpstr (summary->body_text, ==, "");

  /* a million encoded words and message ids, each a separate token */
  g_string_assign (message, "Subject:");
  for (int i = 0; i < 100000; i++)
    g_string_append (message, " =?utf-8?B?YQ==?=");
  g_string_append (message, "\r\nReferences:");
  for (int i = 0; i < 100000; i++)
    g_string_append_printf (message, " <%d@x>", i);
  g_string_append (message, "\r\n\r\n");
  refs = mime_summary_new ((const guint8 *) message->str, message->len,
                           RECEIVED_TIME);
  assert_summary_valid (refs);
  g_assert_cmpuint (strlen (refs->subject), ==, 100000);
  g_assert_cmpuint (g_strv_length (refs->references), ==, 100000);

  /* unterminated encoded words, each scanned from its own "=?" */
  g_clear_pointer (&summary, mime_summary_free);
  g_string_assign (message, "Subject: ");
  for (int i = 0; i < 150000; i++)
    g_string_append (message, "=?a?Q?x");
  g_string_append (message, "\r\n\r\n");
  summary = mime_summary_new ((const guint8 *) message->str, message->len,
                              RECEIVED_TIME);
  assert_summary_valid (summary);
  g_assert_cmpuint (strlen (summary->subject), ==, 150000 * 7);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

static void
test_hostile_deep_nesting (void)
{
  g_autoptr (GString)     message = g_string_new (NULL);
  g_autoptr (MimeSummary) summary = NULL;

  for (int i = 0; i < 500; i++)
    g_string_append_printf (message,
                            "Content-Type: multipart/mixed; boundary=b%d\r\n"
                            "\r\n--b%d\r\n",
                            i, i);
  g_string_append (message, "Content-Type: text/plain\r\n\r\ndeep\r\n");
  summary = mime_summary_new ((const guint8 *) message->str, message->len,
                              RECEIVED_TIME);
  assert_summary_valid (summary);
  /* too deep to be mail: not shown, but no crash and no stack overflow */
  assert_lacks (summary->body_text, "deep");
}

/* An attachment long enough to be counted in blocks: random content,
 * 76-character lines, and a stray byte in every tenth line, so bytes to
 * skip fall inside blocks as well as at their edges. */
static void
test_attachment_base64_size_long (void)
{
  g_autoptr (GRand)   rand = g_rand_new_with_seed (4);
  guchar              content[10007];
  g_autoptr (GString) message =
      g_string_new ("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                    "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                    "--b\r\nContent-Type: application/octet-stream\r\n"
                    "Content-Disposition: attachment; filename=a.bin\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n");
  g_autofree char *encoded = NULL;
  gsize            length;

  for (gsize i = 0; i < sizeof content; i++)
    content[i] = (guchar) g_rand_int_range (rand, 0, 256);
  encoded = g_base64_encode (content, sizeof content);
  length = strlen (encoded);
  for (gsize line = 0; line * 76 < length; line++)
    {
      g_string_append_len (message, encoded + line * 76,
                           MIN (76, length - line * 76));
      g_string_append (message, line % 10 == 3 ? "*\r\n" : "\r\n");
    }
  g_string_append (message, "--b--\r\n");

  {
    g_autoptr (MimeSummary) summary = summarise_string (message->str);

    assert_summary_valid (summary);
    g_assert_cmpuint (summary->attachments->len, ==, 1);
    g_assert_cmpuint (attachment (summary, 0)->size, ==, sizeof content);
  }
}

/* Base64 attachments are measured without decoding: the size must be
 * what decoding gives, whatever the line breaks, spaces, padding and
 * stray bytes. */
static void
test_attachment_base64_size (void)
{
  const struct
  {
    const char *encoded;
    guint64     size;
  } cases[] = {
    { "SGVsbG8gd29ybGQ=\r\n", 11 },     /* "Hello world" */
    { "SGVsbG8g\r\nd29ybGQh\r\n", 12 }, /* "Hello world!" */
    { "SGVs bG8g\td29y bA==\r\n", 10 }, /* "Hello worl" */
    { "SGVs*bG8=\r\n", 5 },             /* "Hello", '*' skipped */
    /* the bytes beside the alphabet's ranges, and bytes that are A-Z or
     * a-z with the high bit set, are skipped */
    { "SGVs@[`{:-.\x80\xc1\xda\xe1\xfa"
      "bG8=\r\n",
      5 },
    { "\r\n", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = g_strdup_printf (
          "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
          "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
          "--b\r\nContent-Type: application/octet-stream\r\n"
          "Content-Disposition: attachment; filename=a.bin\r\n"
          "Content-Transfer-Encoding: base64\r\n\r\n%s"
          "--b--\r\n",
          cases[i].encoded);
      g_autoptr (MimeSummary) summary = summarise_string (message);

      assert_summary_valid (summary);
      g_assert_cmpuint (summary->attachments->len, ==, 1);
      g_assert_cmpuint (attachment (summary, 0)->size, ==, cases[i].size);
    }
  test_attachment_base64_size_long ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/summary/corpus/valid", test_corpus_valid);
  g_test_add_func ("/mime/summary/headers/basic", test_basic_headers);
  g_test_add_func ("/mime/summary/headers/encoded-base64",
                   test_encoded_words_base64);
  g_test_add_func ("/mime/summary/headers/encoded-q", test_encoded_words_q);
  g_test_add_func ("/mime/summary/headers/encoded-malformed",
                   test_encoded_words_malformed);
  g_test_add_func ("/mime/summary/headers/encoded-constructed",
                   test_encoded_words_constructed);
  g_test_add_func ("/mime/summary/headers/legacy-charsets",
                   test_legacy_charsets);
  g_test_add_func ("/mime/summary/headers/vendor-charsets",
                   test_vendor_charsets);
  g_test_add_func ("/mime/summary/headers/raw-8bit", test_raw_8bit_headers);
  g_test_add_func ("/mime/summary/headers/raw-8bit-declared",
                   test_raw_8bit_declared);
  g_test_add_func ("/mime/summary/body/unusual-parts", test_unusual_parts);
  g_test_add_func ("/mime/summary/body/html-meta-charset",
                   test_html_meta_charset);
  g_test_add_func ("/mime/summary/headers/missing-from", test_missing_from);
  g_test_add_func ("/mime/summary/date/formats", test_dates);
  g_test_add_func ("/mime/summary/date/fallback", test_date_fallback);
  g_test_add_func ("/mime/summary/thread/headers", test_thread_headers);
  g_test_add_func ("/mime/summary/thread/100-references",
                   test_thread_100_references);
  g_test_add_func ("/mime/summary/thread/msgid-variants", test_msgid_variants);
  g_test_add_func ("/mime/summary/addresses/parse", test_addresses);
  g_test_add_func ("/mime/summary/addresses/to-string",
                   test_address_list_to_string);
  g_test_add_func ("/mime/summary/body/plain", test_body_plain);
  g_test_add_func ("/mime/summary/body/flowed", test_body_flowed);
  g_test_add_func ("/mime/summary/body/alternative", test_body_alternative);
  g_test_add_func ("/mime/summary/body/html", test_body_html);
  g_test_add_func ("/mime/summary/body/separator", test_separator_recovery);
  g_test_add_func ("/mime/summary/body/line-endings",
                   test_line_endings_and_prefixes);
  g_test_add_func ("/mime/summary/body/malformed-multipart",
                   test_malformed_multiparts);
  g_test_add_func ("/mime/summary/attachments/basic", test_attachments_basic);
  g_test_add_func ("/mime/summary/attachments/encoded-names",
                   test_attachment_names_encoded);
  g_test_add_func ("/mime/summary/attachments/hostile-names",
                   test_attachment_names_hostile);
  g_test_add_func ("/mime/summary/attachments/large", test_attachment_large);
  g_test_add_func ("/mime/summary/attachments/base64-size",
                   test_attachment_base64_size);
  g_test_add_func ("/mime/summary/attachments/signed-encrypted",
                   test_signed_and_encrypted);
  g_test_add_func ("/mime/summary/attachments/nested", test_nested_messages);
  g_test_add_func ("/mime/summary/hostile/empty", test_hostile_empty);
  g_test_add_func ("/mime/summary/hostile/garbage", test_hostile_garbage);
  g_test_add_func ("/mime/summary/hostile/unreadable",
                   test_hostile_garbage_unreadable);
  g_test_add_func ("/mime/summary/hostile/nul-bytes", test_hostile_nul_bytes);
  g_test_add_func ("/mime/summary/hostile/long-header",
                   test_hostile_long_header);
  g_test_add_func ("/mime/summary/hostile/deep-nesting",
                   test_hostile_deep_nesting);

  return g_test_run ();
}
