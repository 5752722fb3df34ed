/* test-store-query.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "store-error.h"
#include "store-query.h"

typedef struct
{
  const char *input;
  const char *expected;
} Case;

/* The invariants store-query.h promises of every tree. */
static void
assert_tree_sane (const StoreQuery *query, gboolean is_root)
{
  switch (query->kind)
    {
    case STORE_QUERY_AND:
    case STORE_QUERY_OR:
      g_assert_nonnull (query->children);
      if (!(is_root && query->kind == STORE_QUERY_AND))
        g_assert_cmpuint (query->children->len, >=, 2);
      else
        g_assert_cmpuint (query->children->len, !=, 1);
      for (guint i = 0; i < query->children->len; i++)
        {
          const StoreQuery *child = g_ptr_array_index (query->children, i);

          g_assert_cmpint (child->kind, !=, query->kind);
          assert_tree_sane (child, FALSE);
        }
      g_assert_null (query->text);
      break;
    case STORE_QUERY_NOT:
      g_assert_nonnull (query->children);
      g_assert_cmpuint (query->children->len, ==, 1);
      g_assert_cmpint (
          ((StoreQuery *) g_ptr_array_index (query->children, 0))->kind, !=,
          STORE_QUERY_NOT);
      assert_tree_sane (g_ptr_array_index (query->children, 0), FALSE);
      break;
    case STORE_QUERY_TEXT:
      g_assert_null (query->children);
      g_assert_nonnull (query->text);
      g_assert_cmpstr (query->text, !=, "");
      g_assert_true (g_utf8_validate (query->text, -1, NULL));
      g_assert_null (strchr (query->text, '"'));
      g_assert_false (query->is_phrase && query->is_prefix);
      g_assert_cmpint (query->field, >=, STORE_QUERY_FIELD_ANY);
      g_assert_cmpint (query->field, <=, STORE_QUERY_FIELD_BODY);
      break;
    case STORE_QUERY_IN_FOLDER:
    case STORE_QUERY_ACCOUNT:
      /* a name may hold quotes (in:"Say \"hi\""): it is bound as a
       * parameter, never written into SQL or FTS5 syntax */
      g_assert_null (query->children);
      g_assert_nonnull (query->text);
      g_assert_cmpstr (query->text, !=, "");
      g_assert_true (g_utf8_validate (query->text, -1, NULL));
      break;
    case STORE_QUERY_HAS_ATTACHMENT:
    case STORE_QUERY_IS_UNREAD:
    case STORE_QUERY_IS_READ:
    case STORE_QUERY_IS_FLAGGED:
    case STORE_QUERY_BEFORE:
    case STORE_QUERY_AFTER:
      g_assert_null (query->children);
      g_assert_null (query->text);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
assert_parses_to (const char *input, const char *expected)
{
  g_autoptr (GError)     error = NULL;
  g_autoptr (StoreQuery) query = store_query_parse (input, &error);
  g_autofree char       *got = NULL;

  if (query == NULL)
    g_error ("%s: unexpected error: %s", input, error->message);
  g_assert_no_error (error);
  assert_tree_sane (query, TRUE);
  got = store_query_to_string (query);
  if (g_strcmp0 (got, expected) != 0)
    g_error ("%s:\n  expected %s\n  got      %s", input, expected, got);
}

static void
assert_fails_with (const char *input, const char *message)
{
  g_autoptr (GError)     error = NULL;
  g_autoptr (StoreQuery) query = store_query_parse (input, &error);

  g_assert_null (query);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_QUERY);
  if (g_strcmp0 (error->message, message) != 0)
    g_error ("%s:\n  expected %s\n  got      %s", input, message,
             error->message);
}

static void
run_cases (const Case *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    assert_parses_to (cases[i].input, cases[i].expected);
}

static void
test_empty (void)
{
  static const Case cases[] = {
    { "", "(and)" },
    { "   ", "(and)" },
    { " \t\r\n ", "(and)" },
    { "\xc2\xa0", "(and)" }, /* a no-break space is white space too */
  };
  g_autoptr (StoreQuery) query = store_query_parse ("", NULL);

  run_cases (cases, G_N_ELEMENTS (cases));
  g_assert_cmpint (query->kind, ==, STORE_QUERY_AND);
  g_assert_cmpuint (query->children->len, ==, 0);
  g_assert_false (store_query_has_text (query));
}

static void
test_words (void)
{
  static const Case cases[] = {
    { "foo", "(text any \"foo\")" },
    { "  foo  ", "(text any \"foo\")" },
    { "foo bar", "(and (text any \"foo\") (text any \"bar\"))" },
    { "foo\tbar\nbaz",
      "(and (text any \"foo\") (text any \"bar\") (text any \"baz\"))" },
    { "a\xc2\xa0"
      "b",
      "(and (text any \"a\") (text any \"b\"))" },
    { "Café", "(text any \"Café\")" },
    { "日本語 テスト", "(and (text any \"日本語\") (text any \"テスト\"))" },
    /* Kept as typed: the FTS5 tokenizer splits them the same way in
     * the index and in the quoted query. */
    { "e-mail", "(text any \"e-mail\")" },
    { "don't", "(text any \"don't\")" },
    { "a.b@example.com", "(text any \"a.b@example.com\")" },
    { "foo\\bar", "(text any \"foo\\\\bar\")" },
    { "or and", "(and (text any \"or\") (text any \"and\"))" },
    { "NOT spam", "(and (text any \"NOT\") (text any \"spam\"))" },
    { "Or And", "(and (text any \"Or\") (text any \"And\"))" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_phrase (void)
{
  static const Case cases[] = {
    { "\"exact phrase\"", "(text any \"exact phrase\" phrase)" },
    { "\"  spaced   out\tphrase \"",
      "(text any \"spaced out phrase\" phrase)" },
    { "\"one\"", "(text any \"one\" phrase)" },
    { "foo\"bar baz\"",
      "(and (text any \"foo\") (text any \"bar baz\" phrase))" },
    { "\"a b\"\"c d\"",
      "(and (text any \"a b\" phrase) (text any \"c d\" phrase))" },
    /* Quotes end the phrase; a star after it is a stray star. */
    { "\"foo\"*", "(text any \"foo\" phrase)" },
    { "\"x (y) OR z\"", "(text any \"x (y) OR z\" phrase)" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_prefix (void)
{
  static const Case cases[] = {
    { "deplo*", "(text any \"deplo\" prefix)" },
    { "deplo**", "(text any \"deplo\" prefix)" },
    { "a* b", "(and (text any \"a\" prefix) (text any \"b\"))" },
    /* Only a trailing star means a prefix. */
    { "*foo", "(text any \"*foo\")" },
    { "fo*o", "(text any \"fo*o\")" },
    { "foo *", "(text any \"foo\")" },
    { "foo.*", "(text any \"foo.\" prefix)" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_or_and (void)
{
  static const Case cases[] = {
    { "a OR b", "(or (text any \"a\") (text any \"b\"))" },
    { "a OR b OR c",
      "(or (text any \"a\") (text any \"b\") (text any \"c\"))" },
    /* OR binds tighter than the implicit AND. */
    { "a b OR c d", "(and (text any \"a\") (or (text any \"b\") (text any "
                    "\"c\")) (text any \"d\"))" },
    { "a OR b c OR d", "(and (or (text any \"a\") (text any \"b\")) (or "
                       "(text any \"c\") (text any \"d\")))" },
    { "a AND b", "(and (text any \"a\") (text any \"b\"))" },
    { "a AND b OR c",
      "(and (text any \"a\") (or (text any \"b\") (text any \"c\")))" },
    { "a OR \"b c\"", "(or (text any \"a\") (text any \"b c\" phrase))" },
    { "a OR(b)", "(or (text any \"a\") (text any \"b\"))" },
    { "a OR -b", "(or (text any \"a\") (not (text any \"b\")))" },
    { "-a OR b", "(or (not (text any \"a\")) (text any \"b\"))" },
    { "from:x OR is:unread", "(or (text from \"x\") (is-unread))" },
    /* An operand without letters makes no node; the others remain. */
    { "a OR ***", "(text any \"a\")" },
    { "a OR -", "(text any \"a\")" },
    { "*** OR ***", "(and)" },
    /* Only the upper-case word is an operator. */
    { "OR*", "(text any \"OR\" prefix)" },
    { "ORANGE", "(text any \"ORANGE\")" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_groups (void)
{
  static const Case cases[] = {
    { "(a)", "(text any \"a\")" },
    { "((a))", "(text any \"a\")" },
    { "(a b) c", "(and (text any \"a\") (text any \"b\") (text any \"c\"))" },
    { "(a b) OR c", "(or (and (text any \"a\") (text any \"b\")) (text any "
                    "\"c\"))" },
    { "a OR (b OR c)",
      "(or (text any \"a\") (text any \"b\") (text any \"c\"))" },
    { "(a OR b) (c OR d)", "(and (or (text any \"a\") (text any \"b\")) (or "
                           "(text any \"c\") (text any \"d\")))" },
    { "foo(bar)", "(and (text any \"foo\") (text any \"bar\"))" },
    /* Empty groups make no node. */
    { "()", "(and)" },
    { "(())", "(and)" },
    { "( )", "(and)" },
    { "a () b", "(and (text any \"a\") (text any \"b\"))" },
    { "a OR ()", "(text any \"a\")" },
    { "-()", "(and)" },
    { "(***)", "(and)" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_negation (void)
{
  static const Case cases[] = {
    { "-a", "(not (text any \"a\"))" },
    { "-a -b", "(and (not (text any \"a\")) (not (text any \"b\")))" },
    { "x -y", "(and (text any \"x\") (not (text any \"y\")))" },
    { "-from:bob", "(not (text from \"bob\"))" },
    { "-\"foo bar\"", "(not (text any \"foo bar\" phrase))" },
    { "-foo*", "(not (text any \"foo\" prefix))" },
    { "-(a b)", "(not (and (text any \"a\") (text any \"b\")))" },
    { "-(a OR b)", "(not (or (text any \"a\") (text any \"b\")))" },
    { "-is:unread", "(not (is-unread))" },
    /* Double negations cancel out. */
    { "--a", "(text any \"a\")" },
    { "---a", "(not (text any \"a\"))" },
    { "-(-a)", "(text any \"a\")" },
    { "-(-(-a))", "(not (text any \"a\"))" },
    { "-(-a b)", "(not (and (not (text any \"a\")) (text any \"b\")))" },
    /* A "-" not before a term is a word without letters. */
    { "-", "(and)" },
    { "a - b", "(and (text any \"a\") (text any \"b\"))" },
    { "a -", "(text any \"a\")" },
    { "(a -)", "(text any \"a\")" },
    { "-***", "(and)" },
    { "--", "(and)" },
    /* "-OR" can only mean the word. */
    { "-OR", "(not (text any \"OR\"))" },
    { "a -AND b",
      "(and (text any \"a\") (not (text any \"AND\")) (text any \"b\"))" },
    /* Inside a word "-" is just a character. */
    { "a-b", "(text any \"a-b\")" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_text_filters (void)
{
  static const Case cases[] = {
    { "from:bob", "(text from \"bob\")" },
    { "FROM:Bob", "(text from \"Bob\")" },
    { "to:alice", "(text to \"alice\")" },
    { "subject:meeting*", "(text subject \"meeting\" prefix)" },
    { "body:\"hello world\"", "(text body \"hello world\" phrase)" },
    { "from:\"Bob Smith\" x",
      "(and (text from \"Bob Smith\" phrase) (text any \"x\"))" },
    { "from:bob@example.com", "(text from \"bob@example.com\")" },
    { "subject:re:hello", "(text subject \"re:hello\")" },
    { "(from:bob)", "(text from \"bob\")" },
    { "from:bob\"x y\"",
      "(and (text from \"bob\") (text any \"x y\" phrase))" },
    /* A value without letters or digits makes no node. */
    { "from:***", "(and)" },
    { "from:\"...\" a", "(text any \"a\")" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_unknown_filters (void)
{
  static const Case cases[] = {
    /* Unknown "name:" forms are plain words: subjects say "re:", and
     * people paste URLs. */
    { "re:", "(text any \"re:\")" },
    { "re: hello", "(and (text any \"re:\") (text any \"hello\"))" },
    { "http://example.com/x?a=b", "(text any \"http://example.com/x?a=b\")" },
    { "cc:bob", "(text any \"cc:bob\")" },
    { "foo:", "(text any \"foo:\")" },
    { ":from", "(text any \":from\")" },
    { "xfrom:bob", "(text any \"xfrom:bob\")" },
    { "10:30", "(text any \"10:30\")" },
    { ":", "(and)" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_flag_filters (void)
{
  static const Case cases[] = {
    { "has:attachment", "(has-attachment)" },
    { "HAS:Attachment", "(has-attachment)" },
    { "has:attachments", "(has-attachment)" },
    { "is:unread", "(is-unread)" },
    { "is:read", "(is-read)" },
    { "IS:FLAGGED", "(is-flagged)" },
    { "is:unread is:flagged", "(and (is-unread) (is-flagged))" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_folder_account (void)
{
  static const Case cases[] = {
    { "in:Inbox", "(in \"Inbox\")" },
    { "IN:inbox", "(in \"inbox\")" },
    { "in:Work/Inbox", "(in \"Work/Inbox\")" },
    { "in:\"Work Stuff\"", "(in \"Work Stuff\")" },
    /* Names are kept exactly as typed, stars and all. */
    { "in:Work*", "(in \"Work*\")" },
    { "in:\" x \"", "(in \" x \")" },
    { "in:\"...\"", "(in \"...\")" },
    { "account:me@example.com", "(account \"me@example.com\")" },
    { "account:\"My Work\" in:Trash",
      "(and (account \"My Work\") (in \"Trash\"))" },
    { "in:a\\b", "(in \"a\\\\b\")" },
    /* in quotes, \" is a quote and \\ a backslash; other backslashes
     * are themselves */
    { "in:\"Say \\\"hi\\\"\"", "(in \"Say \\\"hi\\\"\")" },
    { "in:\"a\\\\b\"", "(in \"a\\\\b\")" },
    { "in:\"C:\\temp\"", "(in \"C:\\\\temp\")" },
  };
  static const Case phrases[] = {
    /* an escaped quote in a phrase separates words, as in the index */
    { "\"say \\\"hi\\\" now\"", "(text any \"say hi now\" phrase)" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
  run_cases (phrases, G_N_ELEMENTS (phrases));
}

static void
test_dates (void)
{
  static const Case cases[] = {
    { "before:2024-03-01", "(before 2024-03-01T00:00:00Z)" },
    /* "after:" includes its own day, as in Gmail; a leap day. */
    { "after:2024-02-29", "(after 2024-02-29T00:00:00Z)" },
    { "after:2024-01-01", "(after 2024-01-01T00:00:00Z)" },
    { "BEFORE:1970-01-01", "(before 1970-01-01T00:00:00Z)" },
    /* A quoted date is a date all the same. */
    { "before:\"2024-01-01\"", "(before 2024-01-01T00:00:00Z)" },
    { "after:2024-01-01 before:2024-02-01",
      "(and (after 2024-01-01T00:00:00Z) (before 2024-02-01T00:00:00Z))" },
  };
  g_autoptr (StoreQuery) before = NULL;
  g_autoptr (StoreQuery) after = NULL;
  g_autoptr (StoreQuery) last = NULL;

  run_cases (cases, G_N_ELEMENTS (cases));

  /* 2024-01-01T00:00:00Z is 1704067200 (19723 days since 1970). */
  before = store_query_parse ("before:2024-01-01", NULL);
  g_assert_cmpint (before->kind, ==, STORE_QUERY_BEFORE);
  g_assert_cmpint (before->time, ==, G_GINT64_CONSTANT (1704067200));
  after = store_query_parse ("after:2024-01-01", NULL);
  g_assert_cmpint (after->kind, ==, STORE_QUERY_AFTER);
  g_assert_cmpint (after->time, ==, G_GINT64_CONSTANT (1704067200));

  /* The last day GDateTime knows. */
  last = store_query_parse ("after:9999-12-31", NULL);
  g_assert_nonnull (last);
  g_assert_cmpint (last->time, ==, G_GINT64_CONSTANT (253402214400));
  {
    g_autofree char *text = store_query_to_string (last);

    g_assert_cmpstr (text, ==, "(after 9999-12-31T00:00:00Z)");
  }
}

/* A day begins at midnight where the user is, not in UTC. */
static void
test_dates_local (void)
{
  g_autoptr (StoreQuery) west = NULL;
  g_autoptr (StoreQuery) east = NULL;

  /* POSIX zones, so no time zone database is needed: five hours west of
   * UTC, then two hours east of it. */
  g_setenv ("TZ", "PGN+5", TRUE);
  west = store_query_parse ("before:2024-01-01", NULL);
  g_setenv ("TZ", "PGN-2", TRUE);
  east = store_query_parse ("after:2024-01-01", NULL);
  g_setenv ("TZ", "UTC", TRUE);

  g_assert_nonnull (west);
  g_assert_cmpint (west->time, ==, G_GINT64_CONSTANT (1704067200) + 5 * 3600);
  g_assert_nonnull (east);
  g_assert_cmpint (east->time, ==, G_GINT64_CONSTANT (1704067200) - 2 * 3600);
}

static void
test_fields (void)
{
  g_autoptr (StoreQuery) query = store_query_parse (
      "from:\"Bob Smith\" subject:dep* -in:\"Work/Inbox\"", NULL);
  StoreQuery *from, *subject, *not, *in;

  g_assert_nonnull (query);
  g_assert_cmpint (query->kind, ==, STORE_QUERY_AND);
  g_assert_cmpuint (query->children->len, ==, 3);

  from = g_ptr_array_index (query->children, 0);
  g_assert_cmpint (from->kind, ==, STORE_QUERY_TEXT);
  g_assert_cmpint (from->field, ==, STORE_QUERY_FIELD_FROM);
  g_assert_cmpstr (from->text, ==, "Bob Smith");
  g_assert_true (from->is_phrase);
  g_assert_false (from->is_prefix);
  g_assert_null (from->children);

  subject = g_ptr_array_index (query->children, 1);
  g_assert_cmpint (subject->field, ==, STORE_QUERY_FIELD_SUBJECT);
  g_assert_cmpstr (subject->text, ==, "dep");
  g_assert_false (subject->is_phrase);
  g_assert_true (subject->is_prefix);

  not = g_ptr_array_index (query->children, 2);
  g_assert_cmpint (not ->kind, ==, STORE_QUERY_NOT);
  g_assert_cmpuint (not ->children->len, ==, 1);
  in = g_ptr_array_index (not ->children, 0);
  g_assert_cmpint (in->kind, ==, STORE_QUERY_IN_FOLDER);
  g_assert_cmpstr (in->text, ==, "Work/Inbox");
}

static void
test_has_text (void)
{
  static const struct
  {
    const char *input;
    gboolean    has_text;
  } cases[] = {
    { "", FALSE },
    { "foo", TRUE },
    { "is:unread", FALSE },
    { "is:unread in:Inbox account:x before:2024-01-01", FALSE },
    { "is:unread -(in:x OR from:bob)", TRUE },
    { "-\"a b\"", TRUE },
    { "has:attachment ***", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (StoreQuery) query = store_query_parse (cases[i].input, NULL);

      g_assert_nonnull (query);
      g_assert_cmpint (store_query_has_text (query), ==, cases[i].has_text);
    }
}

static void
test_errors (void)
{
  static const Case cases[] = {
    { "\"foo", "Missing closing quote after \"foo" },
    { "a \"b c", "Missing closing quote after \"b c" },
    { "\"", "Missing closing quote after \"" },
    { "x \"this is a very long unclosed phrase",
      "Missing closing quote after \"this is a very long …" },
    { "from:\"bob", "Missing closing quote after \"bob" },
    { "foo\"bar", "Missing closing quote after \"bar" },
    { "(a", "Missing \")\" for the \"(\" at character 1" },
    { "a (b (c)", "Missing \")\" for the \"(\" at character 3" },
    { "-(", "Missing \")\" for the \"(\" at character 2" },
    { "a)", "Unmatched \")\" at character 2" },
    { ")", "Unmatched \")\" at character 1" },
    { "(a))", "Unmatched \")\" at character 4" },
    /* Characters, not bytes: "é" is two bytes. */
    { "é)", "Unmatched \")\" at character 2" },
    { "OR", "\"OR\" needs a word on each side (character 1)" },
    { "OR a", "\"OR\" needs a word on each side (character 1)" },
    { "a OR", "\"OR\" needs a word on each side (character 3)" },
    { "a OR OR b", "\"OR\" needs a word on each side (character 3)" },
    { "(a OR) b", "\"OR\" needs a word on each side (character 4)" },
    { "a (OR b)", "\"OR\" needs a word on each side (character 4)" },
    { "a OR AND b", "\"OR\" needs a word on each side (character 3)" },
    { "AND", "\"AND\" needs a word on each side (character 1)" },
    { "AND a", "\"AND\" needs a word on each side (character 1)" },
    { "a AND", "\"AND\" needs a word on each side (character 3)" },
    { "a AND OR b", "\"AND\" needs a word on each side (character 3)" },
    { "(AND a)", "\"AND\" needs a word on each side (character 2)" },
    { "from:", "\"from:\" needs a value after the colon (character 1)" },
    { "a From: b", "\"From:\" needs a value after the colon (character 3)" },
    { "from:\"\"", "\"from:\" needs a value after the colon (character 1)" },
    { "to:\"  \"", "\"to:\" needs a value after the colon (character 1)" },
    { "subject:(x)",
      "\"subject:\" needs a value after the colon (character 1)" },
    { "in:", "\"in:\" needs a value after the colon (character 1)" },
    { "account:\"\"",
      "\"account:\" needs a value after the colon (character 1)" },
    { "is:", "\"is:\" needs a value after the colon (character 1)" },
    { "before:", "\"before:\" needs a value after the colon (character 1)" },
    { "is:starred",
      "Unknown filter \"is:starred\": use is:unread, is:read or is:flagged" },
    { "Is:Foo",
      "Unknown filter \"Is:Foo\": use is:unread, is:read or is:flagged" },
    { "has:pdf", "Unknown filter \"has:pdf\": use has:attachment" },
    { "before:2024-13-01", "Unknown date \"2024-13-01\": use YYYY-MM-DD" },
    { "after:2023-02-29", "Unknown date \"2023-02-29\": use YYYY-MM-DD" },
    { "after:2024-04-31", "Unknown date \"2024-04-31\": use YYYY-MM-DD" },
    { "before:2024-00-10", "Unknown date \"2024-00-10\": use YYYY-MM-DD" },
    { "before:2024-1-1", "Unknown date \"2024-1-1\": use YYYY-MM-DD" },
    { "before:2024/01/01", "Unknown date \"2024/01/01\": use YYYY-MM-DD" },
    { "before:+024-01-01", "Unknown date \"+024-01-01\": use YYYY-MM-DD" },
    { "before:yesterday", "Unknown date \"yesterday\": use YYYY-MM-DD" },
    { "after:0000-01-01", "Unknown date \"0000-01-01\": use YYYY-MM-DD" },
    { "before:2024-01-01x", "Unknown date \"2024-01-01x\": use YYYY-MM-DD" },
    { "\xff", "The search is not valid UTF-8" },
    { "abc \xc3", "The search is not valid UTF-8" },
    { "\xed\xa0\x80", "The search is not valid UTF-8" }, /* a surrogate */
    /* The first error from the left is the one reported. */
    { "is:foo \"bar", "Unknown filter \"is:foo\": use is:unread, is:read or "
                      "is:flagged" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_fails_with (cases[i].input, cases[i].expected);
}

static char *
repeat (const char *unit, guint times, const char *tail)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (out, unit);
  g_string_append (out, tail);
  return g_string_free (out, FALSE);
}

static void
test_limits (void)
{
  g_autofree char       *deep_ok = NULL;
  g_autofree char       *deep = NULL;
  g_autofree char       *terms_ok = NULL;
  g_autofree char       *terms = NULL;
  g_autofree char       *bytes_ok = NULL;
  g_autofree char       *bytes = NULL;
  g_autofree char       *negations = NULL;
  g_autofree char       *parens = NULL;
  g_autoptr (StoreQuery) query = NULL;

  /* 32 nested groups are fine, 33 are not. */
  {
    g_autofree char *opening = repeat ("(", 32, "a");
    g_autofree char *closing = repeat (")", 32, "");

    deep_ok = g_strconcat (opening, closing, NULL);
  }
  assert_parses_to (deep_ok, "(text any \"a\")");
  deep = g_strconcat ("(", deep_ok, ")", NULL);
  assert_fails_with (deep, "Too many nested parentheses (more than 32)");

  /* 1,000 terms are fine, 1,001 are not; filters count as terms. */
  terms_ok = repeat ("a ", 999, "from:b");
  query = store_query_parse (terms_ok, NULL);
  g_assert_nonnull (query);
  g_assert_cmpuint (query->children->len, ==, 1000);
  terms = repeat ("a ", 1000, "\"b\"");
  assert_fails_with (terms, "The search is too long (more than 1000 terms)");

  /* 10,000 bytes are fine, 10,001 are not. */
  bytes_ok = repeat ("x", 10000, "");
  g_clear_pointer (&query, store_query_free);
  query = store_query_parse (bytes_ok, NULL);
  g_assert_nonnull (query);
  g_assert_cmpuint (strlen (query->text), ==, 10000);
  bytes = repeat ("x", 10001, "");
  assert_fails_with (bytes, "The search is too long (more than 10000 bytes)");

  /* Long runs of operators cost no stack. */
  negations = repeat ("-", 9999, "a");
  assert_parses_to (negations, "(not (text any \"a\"))");
  parens = repeat ("(", 10000, "");
  assert_fails_with (parens, "Too many nested parentheses (more than 32)");
}

/* What FTS5 or SQL would read as syntax is only text here: the compiler
 * quotes every TEXT node as an FTS5 string. */
static void
test_syntax_is_text (void)
{
  static const Case cases[] = {
    { "'; DROP TABLE messages; --",
      "(and (text any \"DROP\") (text any \"TABLE\") (text any "
      "\"messages;\"))" },
    { "NEAR(a b)",
      "(and (text any \"NEAR\") (text any \"a\") (text any \"b\"))" },
    { "a NOT b", "(and (text any \"a\") (text any \"NOT\") (text any \"b\"))" },
    { "{from to}:x", "(and (text any \"{from\") (text any \"to}:x\"))" },
    { "^foo +bar", "(and (text any \"^foo\") (text any \"+bar\"))" },
    { "subject:^x", "(text subject \"^x\")" },
    { "a:b:c", "(text any \"a:b:c\")" },
    { "1 OR 1=1", "(or (text any \"1\") (text any \"1=1\"))" },
    { "\" OR \"\"=\"", "(text any \"OR\" phrase)" },
    { "x' OR '1'='1", "(or (text any \"x'\") (text any \"'1'='1\"))" },
  };

  run_cases (cases, G_N_ELEMENTS (cases));
}

/* Nasty input: each either parses to a sane tree or fails with a query
 * error and a message; nothing crashes or leaks (ASan). */
static void
test_hostile (void)
{
  static const char *const inputs[] = {
    "\"",
    "\"\"",
    "\"\"\"",
    "*",
    "**",
    "* * *",
    "^",
    ":",
    "::",
    "(",
    ")",
    ")(",
    "(()",
    "-",
    "--",
    "- -",
    "-(",
    "-)",
    "-\"",
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "NEAR/2",
    "a NEAR/3 b",
    "\"a\" + \"b\"",
    "{a b}",
    "{a} : b",
    "- OR -",
    "a OR - OR b",
    "-OR-AND",
    "from:*",
    "from:-",
    "from:\"*\"",
    "from:(a OR b)",
    "in:\"\"\"",
    "before:",
    "before:9999-99-99",
    "after:99999-01-01",
    "'; DROP TABLE messages; --",
    "\"; DROP TABLE messages; --",
    "a\"; SELECT * FROM messages WHERE 1=1; --",
    "%s%n%x%d",
    "\\",
    "\\\"",
    "\x01\x02\x03\x7f",
    "\t\v\f",
    "\xef\xbb\xbf",     /* a byte order mark */
    "\xe2\x80\x8b",     /* zero width space */
    "\xf4\x8f\xbf\xbf", /* U+10FFFF */
    "\xee\x80\x80",     /* U+E000, private use */
    "a\xcc\x81",        /* a and a combining accent */
    "\xcc\x81",         /* a lone combining accent */
    "\xc0\x80",         /* overlong NUL */
    "\xf5\x80\x80\x80",
    "\x80",
    "é\xe9",
  };
  g_autofree char *open = repeat ("(", 10000, "");
  g_autofree char *close = repeat (")", 10000, "");
  g_autofree char *quotes = repeat ("\"", 9999, "");
  g_autofree char *ors = repeat ("a OR ", 1999, "a");
  g_autofree char *stars = repeat ("*", 10000, "");
  g_autofree char *nested = repeat ("-(", 5000, "");
  const char      *long_inputs[] = { open, close, quotes, ors, stars, nested };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs) + G_N_ELEMENTS (long_inputs); i++)
    {
      const char            *input = i < G_N_ELEMENTS (inputs)
                                         ? inputs[i]
                                         : long_inputs[i - G_N_ELEMENTS (inputs)];
      g_autoptr (GError)     error = NULL;
      g_autoptr (StoreQuery) query = store_query_parse (input, &error);

      if (query == NULL)
        {
          g_assert_error (error, STORE_ERROR, STORE_ERROR_QUERY);
          g_assert_cmpstr (error->message, !=, "");
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
      else
        {
          g_autofree char *text = store_query_to_string (query);

          g_assert_no_error (error);
          assert_tree_sane (query, TRUE);
          g_assert_true (g_utf8_validate (text, -1, NULL));
        }
    }
}

int
main (int argc, char *argv[])
{
  /* Dates in queries are local days (test_dates_local()); the other
   * cases are written for UTC. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/query/empty", test_empty);
  g_test_add_func ("/store/query/words", test_words);
  g_test_add_func ("/store/query/dates-local", test_dates_local);
  g_test_add_func ("/store/query/phrase", test_phrase);
  g_test_add_func ("/store/query/prefix", test_prefix);
  g_test_add_func ("/store/query/or-and", test_or_and);
  g_test_add_func ("/store/query/groups", test_groups);
  g_test_add_func ("/store/query/negation", test_negation);
  g_test_add_func ("/store/query/filters/text", test_text_filters);
  g_test_add_func ("/store/query/filters/unknown", test_unknown_filters);
  g_test_add_func ("/store/query/filters/flags", test_flag_filters);
  g_test_add_func ("/store/query/filters/folder-account", test_folder_account);
  g_test_add_func ("/store/query/filters/dates", test_dates);
  g_test_add_func ("/store/query/fields", test_fields);
  g_test_add_func ("/store/query/has-text", test_has_text);
  g_test_add_func ("/store/query/errors", test_errors);
  g_test_add_func ("/store/query/limits", test_limits);
  g_test_add_func ("/store/query/syntax-is-text", test_syntax_is_text);
  g_test_add_func ("/store/query/hostile", test_hostile);

  return g_test_run ();
}
