/* test-mime-html.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mime-html.h"

static void
check (const char *html, const char *expected)
{
  g_autofree char *text = mime_html_to_text (html);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, expected);
}

static void
test_blocks_and_lines (void)
{
  check ("<p>One</p><p>Two</p>", "One\n\nTwo");
  check ("a<br>b<br/>c", "a\nb\nc");
  check ("<div>x</div><div>y</div>", "x\ny");
  check ("<h1>Title</h1>text", "Title\n\ntext");
  check ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
         "a b\nc");
  check ("", "");
  check (NULL, "");
}

static void
test_lists (void)
{
  check ("<ul><li>one</li><li>two</li></ul>after", "• one\n• two\n\nafter");
  check ("<ol><li>first<li>second</ol>", "1. first\n2. second");
  /* each list counts its own items, and a bullet list inside a numbered
   * one keeps its bullets */
  check ("<ol><li>a<ul><li>x</li><li>y</li></ul></li><li>b</li></ol>"
         "<ol><li>again</li></ol>",
         "1. a\n\n• x\n• y\n\n2. b\n\n1. again");
  /* more closing tags than opening ones, then nesting past the depth
   * followed */
  check ("</ol></ul><li>loose", "• loose");
  {
    g_autoptr (GString) deep = g_string_new (NULL);
    g_autofree char    *text = NULL;

    for (int i = 0; i < 40; i++)
      g_string_append (deep, "<ol>");
    g_string_append (deep, "<li>deep</li>");
    for (int i = 0; i < 40; i++)
      g_string_append (deep, "</ol>");
    g_string_append (deep, "<ol><li>top</li></ol>");
    text = mime_html_to_text (deep->str);
    g_assert_cmpstr (text, ==, "• deep\n\n1. top");
  }
}

static void
test_whitespace (void)
{
  check ("  a \n\t b   c  ", "a b c");
  check ("<p>  lead</p>", "lead");
  check ("<pre>  two\n    lines</pre>", "  two\n    lines");
  check ("x&nbsp;&nbsp;y", "x y");
}

static void
test_entities (void)
{
  check ("&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos;", "<b> & \"q\" 'a'");
  check ("&euro;&copy;&mdash;&hellip;", "€©—…");
  check ("&#65;&#x42;&#x1F426;", "AB🐦");
  check ("&#150;", "–"); /* Windows-1252 range, as browsers read it */
  check ("&#0;&#xD800;&#x110000;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  check ("&unknown; & &amp", "&unknown; & &");
  check ("&#99999999999999;", "\xEF\xBF\xBD");
  /* every HTML 4 name: PHP's htmlentities() writes all of Latin-1 so */
  check ("n&atilde;o &ccedil;a &Agrave; &ocirc; &ugrave; &ordm; &sup2;",
         "não ça À ô ù º ²");
  check ("&alpha;&Omega; &spades; &lArr; &thorn;&yuml;", "αΩ ♠ ⇐ þÿ");
  /* HTML5 reads a legacy name without its ';' as the longest one the text
   * starts with; other names need the ';' */
  check ("&copy2024 &eacutex &frac12; &notin &alpha", "©2024 éx ½ ¬in &alpha");
  /* invisible ones are dropped, wide spaces collapse */
  check ("soft&shy;hyphen &lrm;x&ensp;&emsp;y", "softhyphen x y");
  /* a decimal reference ends at its first non-digit; leading zeros are
   * no digits of their own */
  check ("&#38ab; &#00000065; &#x000000042;", "&ab; A B");
  check ("&#; &#x; &#xZ;", "&#; &#x; &#xZ;");
}

static void
test_dropped_content (void)
{
  check ("<html><head><title>T</title><style>p{color:red}</style></head>"
         "<body>visible</body></html>",
         "visible");
  check ("a<script>document.write('<p>x</p>')</script>b", "ab");
  check ("a<SCRIPT type=x>if (a < b) alert(1)</SCRIPT >b", "ab");
  check ("a<!-- hidden <p>comment</p> -->b", "ab");
  check ("a<!--[if mso]><p>Outlook</p><![endif]-->b", "ab");
  check ("<div style=\"display: none\">pre<div>header</div></div>shown",
         "shown");
  check ("<span hidden>x</span>y", "y");
  check ("a<iframe src=\"https://example.com\">fallback</iframe>b", "ab");
  check ("<head><title>no end of head<body>text", "text");
  check ("<!DOCTYPE html><?xml version=\"1.0\"?>doc", "doc");
  check ("unterminated <script>forever", "unterminated");
  check ("unterminated <!-- comment", "unterminated");
  /* hidden elements that never end do not take the mail with them */
  check ("<p style=\"display:none\">preheader<p>Real content",
         "preheader\n\nReal content");
  check ("<head><meta charset=\"utf-8\"><title>T</title><p>text</p>", "text");
  check ("<div hidden>a</div>b<span style=\"display:none\">c", "bc");
}

static void
test_links (void)
{
  check (
      "<a href=\"https://example.com/a\">A</a> and "
      "<a href='http://example.org/b'>B</a>",
      "A [1] and B [2]\n\n[1] https://example.com/a\n[2] http://example.org/b");
  /* the same URL twice keeps one number */
  check ("<a href=\"https://x.example/\">x</a> <a "
         "href=\"https://x.example/\">y</a>",
         "x [1] y [1]\n\n[1] https://x.example/");
  /* entities in URLs are decoded */
  check ("<a href=\"https://e.example/?a=1&amp;b=2\">q</a>",
         "q [1]\n\n[1] https://e.example/?a=1&b=2");
  /* ... but in a URL a legacy name followed by '=' or a letter is text,
   * as browsers read it */
  check ("<a href=\"https://e.example/?a=1&reg=2&copyx&lt\">q</a>",
         "q [1]\n\n[1] https://e.example/?a=1&reg=2&copyx<");
  /* never footnoted: script and data links, relative links, image links,
   * links that show their own address */
  check ("<a href=\"javascript:alert(1)\">Verify</a>", "Verify");
  check ("<a href=\"data:text/html;base64,AAAA\">View</a>", "View");
  check ("<a href=\"/relative\">rel</a>", "rel");
  check ("<a href=\"https://t.example/\"><img src=\"p.gif\"></a>", "");
  check ("<a href=\"https://s.example/\">https://s.example/</a>",
         "https://s.example/");
  check ("<a href=\"mailto:a@example.com\">a@example.com</a>", "a@example.com");
  check ("<a href=\"mailto:a@example.com\">write</a>",
         "write [1]\n\n[1] mailto:a@example.com");
  check ("<a href=\"https://u.example/\">unclosed",
         "unclosed [1]\n\n[1] https://u.example/");
}

static void
test_images_and_broken_markup (void)
{
  check ("<img src=\"logo.png\" alt=\"Mail&nbsp;Admin\">", "Mail Admin");
  check ("<img src=\"pixel.gif\" width=1 height=1 alt=\"\">", "");
  check ("a < b and c > d", "a < b and c > d");
  check ("<p>unclosed <b>bold <i>both</b> it", "unclosed bold both it");
  check ("<p title=\"x > y\">attr</p>", "attr");
  check ("<", "<");
  check ("<a", "");
  check ("<p =\"x\" 'y'>odd attrs</p>", "odd attrs");
}

/* Large input in linear time: a long flat document, and deep nesting. */
static void
test_large_input (void)
{
  g_autoptr (GString) html = g_string_new (NULL);
  g_autofree char    *text = NULL;
  gint64              start;

  for (int i = 0; i < 50000; i++)
    g_string_append (html, "<div><a href=\"https://example.com/x\">link</a> "
                           "&amp; text</div>");
  for (int i = 0; i < 20000; i++)
    g_string_append (html, "<div>");
  start = g_get_monotonic_time ();
  text = mime_html_to_text (html->str);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
  g_assert_true (g_str_has_prefix (text, "link [1] & text\nlink [1] & text\n"));
  g_assert_true (g_str_has_suffix (text, "\n\n[1] https://example.com/x"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/html/blocks", test_blocks_and_lines);
  g_test_add_func ("/mime/html/lists", test_lists);
  g_test_add_func ("/mime/html/whitespace", test_whitespace);
  g_test_add_func ("/mime/html/entities", test_entities);
  g_test_add_func ("/mime/html/dropped", test_dropped_content);
  g_test_add_func ("/mime/html/links", test_links);
  g_test_add_func ("/mime/html/broken", test_images_and_broken_markup);
  g_test_add_func ("/mime/html/large", test_large_input);

  return g_test_run ();
}
