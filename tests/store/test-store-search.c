/* test-store-search.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "pigeon-test-async.h"
#include "store-error.h"
#include "store-search.h"
#include "store-test-sync.h"

/* One small mailbox, made once, searched by every test. Dates are
 * distinct, so newest-first order is fixed: "m01" is the oldest. */
typedef struct
{
  const char *subject;
  const char *from_name;
  const char *recipients;
  const char *body;
  const char *attachment; /* file name, or NULL */
  gint64      date;
  const char *folder; /* full name */
  gboolean    is_read;
  gboolean    is_flagged;
} Mail;

static const Mail mails[] = {
  { "m01 Résumé for the role", "Zoë Ångström", "hr@example.org",
    "Please find my CV attached.", "cv-zoe.pdf", 1420070400 /* 2015-01-01 */,
    "home/Inbox", TRUE, FALSE },
  { "m02 Quarterly report", "Bob Builder", "team@example.org",
    "The quarterly report is ready for review.", "q3-budget.xlsx",
    1577836800 /* 2020-01-01 */, "work/Inbox", FALSE, TRUE },
  { "m03 Report quarterly numbers", "Carol Numbers", "team@example.org",
    "Numbers for the report, quarterly as always.", NULL,
    1580515200 /* 2020-02-01 */, "work/Inbox", TRUE, FALSE },
  { "m04 Invoice 2020-17", "Billing Dept", "alice@example.org",
    "Your invoice is attached. Total: 42 EUR.", "invoice-2020-17.pdf",
    1583020800 /* 2020-03-01 */, "home/Inbox", FALSE, FALSE },
  { "m05 Invitation to lunch", "Dave Cook", "alice@example.org",
    "Lunch on Friday? The café downstairs.", NULL, 1585699200 /* 2020-04-01 */,
    "home/Inbox", TRUE, TRUE },
  { "m06 Old invoices", "Billing Dept", "alice@example.org",
    "Archived invoices from last year.", NULL, 1588291200 /* 2020-05-01 */,
    "Archive", TRUE, FALSE },
  { "m07 Spam about invoices", "Spammer", "alice@example.org",
    "Cheap invoices! Click now.", NULL, 1590969600 /* 2020-06-01 */, "Trash",
    FALSE, FALSE },
  { "m08 Re: lunch", "Alice Example", "dave@example.org",
    "Friday works. See you at the cafe.", NULL, 1593561600 /* 2020-07-01 */,
    "Receipts \"2020\"", TRUE, FALSE },
  { "m09 Deployment tonight", "Ops Robot", "team@example.org",
    "Deploying version 2.1 tonight; deploys take an hour.", NULL,
    1704067200 /* 2024-01-01 */, "work/Inbox", FALSE, FALSE },
  { "m10 \"Quoted\" AND NEAR (odd) {subject}", "Odd * Sender",
    "team@example.org", "Text with FTS5 syntax: NEAR(a b) \"x\" col:val ^start",
    NULL, 1706745600 /* 2024-02-01 */, "work/Inbox", FALSE, FALSE },
};

typedef struct
{
  char          *dir;
  char          *path;
  StoreDatabase *db;
  GHashTable    *ids; /* subject prefix "m01" -> id */
} Mailbox;

static Mailbox mailbox;

static void
make_mailbox (void)
{
  GError *error = NULL;
  gint64  home;
  gint64  work;

  mailbox.dir = g_dir_make_tmp ("pigeon-search-XXXXXX", &error);
  g_assert_no_error (error);
  mailbox.path = g_build_filename (mailbox.dir, "pigeon.db", NULL);
  mailbox.db = store_test_open (mailbox.path, &error);
  g_assert_no_error (error);
  mailbox.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  home = store_test_add_account (mailbox.db, "home", &error);
  work = store_test_add_account (mailbox.db, "work", &error);
  /* a name with quotes: in:"..." escapes them */
  store_test_create_folder (mailbox.db, "Receipts \"2020\"", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (mails); i++)
    {
      const Mail           *mail = &mails[i];
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (
          (GDestroyNotify) store_new_message_free);
      StoreNewMessage *message = store_test_message (
          mail->date, mail->from_name, mail->subject, mail->body);
      g_autoptr (GArray) ids = NULL;
      gint64             account = 0;

      g_free (message->recipients);
      message->recipients = g_strdup (mail->recipients);
      message->is_read = mail->is_read;
      message->is_flagged = mail->is_flagged;
      if (mail->attachment != NULL)
        {
          StoreAttachment *attachment = store_attachment_new ();

          attachment->filename = g_strdup (mail->attachment);
          attachment->save_name = g_strdup (mail->attachment);
          attachment->content_type = g_strdup ("application/octet-stream");
          g_ptr_array_add (message->attachments, attachment);
        }
      if (g_str_has_prefix (mail->folder, "home/"))
        account = home;
      else if (g_str_has_prefix (mail->folder, "work/"))
        account = work;
      g_ptr_array_add (batch, message);

      ids = store_test_insert (mailbox.db,
                               store_test_folder_id (mailbox.db, mail->folder),
                               account, batch, &error);
      g_assert_no_error (error);
      g_hash_table_insert (mailbox.ids, g_strndup (mail->subject, 3),
                           GSIZE_TO_POINTER (g_array_index (ids, gint64, 0)));
    }
}

/* The "mNN" prefixes of what @query finds, newest first, space
 * separated. */
static char *
found (const char *query)
{
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GString)   out = g_string_new (NULL);
  GError               *error = NULL;

  rows = store_test_search (mailbox.db, query, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = rows->pdata[i];

      g_string_append_printf (out, "%s%.3s", i > 0 ? " " : "", row->subject);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_found(query, expected)                                          \
  G_STMT_START                                                                 \
  {                                                                            \
    g_autofree char *got_ = found (query);                                     \
    g_assert_cmpstr (got_, ==, expected);                                      \
  }                                                                            \
  G_STMT_END

static void
test_words (void)
{
  assert_found ("quarterly", "m03 m02");
  assert_found ("QUARTERLY report", "m03 m02");
  /* Accents fold both ways. */
  assert_found ("resume", "m01");
  assert_found ("angstrom", "m01");
  assert_found ("café", "m08 m05");
  assert_found ("nothingmatchesthis", "");
  /* Trash stays out unless asked for. */
  assert_found ("invoices", "m06");
}

static void
test_phrases_and_prefixes (void)
{
  assert_found ("\"quarterly report\"", "m02");
  assert_found ("\"report quarterly\"", "m03");
  assert_found ("invo*", "m06 m04");
  assert_found ("deplo*", "m09");
  assert_found ("in*", "m06 m05 m04");
}

static void
test_boolean (void)
{
  assert_found ("lunch OR deployment", "m09 m08 m05");
  assert_found ("quarterly -numbers", "m02");
  assert_found ("-quarterly -invoice -lunch", "m10 m09 m06 m01");
  assert_found ("(lunch OR invoice) -friday", "m04");
  assert_found ("report (bob OR carol)", "m03 m02");
}

static void
test_fields (void)
{
  assert_found ("from:billing", "m06 m04");
  assert_found ("from:zoe", "m01");
  assert_found ("to:team", "m10 m09 m03 m02");
  assert_found ("subject:report", "m03 m02");
  assert_found ("body:report", "m03 m02");
  assert_found ("subject:friday", "");
  assert_found ("body:friday", "m08 m05");
  /* Attachment names are searched as words too. */
  assert_found ("budget", "m02");
}

static void
test_filters (void)
{
  assert_found ("has:attachment", "m04 m02 m01");
  assert_found ("is:unread", "m10 m09 m04 m02");
  assert_found ("is:read", "m08 m06 m05 m03 m01");
  assert_found ("is:flagged", "m05 m02");
  assert_found ("in:archive", "m06");
  assert_found ("in:trash", "m07");
  assert_found ("in:\"receipts \\\"2020\\\"\"", "m08");
  assert_found ("in:\"receipts 2020\"", "");
  assert_found ("in:inbox", "m10 m09 m05 m04 m03 m02 m01");
  assert_found ("in:work/inbox", "m10 m09 m03 m02");
  assert_found ("in:\"Home/Inbox\"", "m05 m04 m01");
  assert_found ("in:nowhere", "");
  assert_found ("account:work", "m10 m09 m03 m02");
  assert_found ("account:home@example.org", "m05 m04 m01");
  assert_found ("before:2020-01-01", "m01");
  assert_found ("after:2024-01-01", "m10 m09");
  assert_found ("after:2020-02-01 before:2020-04-01", "m04 m03");
  assert_found ("in:trash invoices", "m07");
  /* Only a folder every result must be in asks for deleted mail. */
  assert_found ("invoices -in:archive", "");
  assert_found ("spam OR in:\"Receipts \\\"2020\\\"\"", "m08");
  assert_found ("in:trash OR in:archive", "m07 m06");
  assert_found ("invoices (in:trash OR in:archive)", "m07 m06");
}

static void
test_combined (void)
{
  assert_found ("report is:unread", "m02");
  assert_found ("invoice OR lunch is:read", "m08 m05");
  assert_found ("from:billing has:attachment", "m04");
  assert_found ("in:inbox -is:read after:2020-01-01", "m10 m09 m04 m02");
  assert_found ("is:flagged OR has:attachment", "m05 m04 m02 m01");
  assert_found ("(from:dave OR from:alice) cafe", "m08 m05");
}

static void
test_snippet (void)
{
  g_autoptr (GPtrArray)  rows = NULL;
  const StoreMessageRow *row;
  GError                *error = NULL;

  rows = store_test_search (mailbox.db, "deploying", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = rows->pdata[0];
  g_assert_nonnull (
      strstr (row->snippet, STORE_MATCH_START "Deploying" STORE_MATCH_END));
  g_assert_cmpstr (row->from_name, ==, "Ops Robot");

  /* No words, no snippet: the list shows the preview. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = store_test_search (mailbox.db, "is:flagged", 10, &error);
  g_assert_no_error (error);
  g_assert_null (((StoreMessageRow *) rows->pdata[0])->snippet);
}

static void
test_paging (void)
{
  g_autoptr (GPtrArray)    first = NULL;
  g_autoptr (GPtrArray)    second = NULL;
  g_autoptr (GPtrArray)    filtered = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) result2 = NULL;
  GError                  *error = NULL;

  first = store_test_search (mailbox.db, "in:inbox", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 3);

  store_database_search_async (mailbox.db, "in:inbox",
                               ((StoreMessageRow *) first->pdata[2])->id, 3,
                               NULL, pigeon_test_store_result_cb, &result);
  second = store_database_search_finish (
      mailbox.db, pigeon_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 3);
  g_assert_cmpstr (((StoreMessageRow *) second->pdata[0])->subject, ==,
                   mails[3].subject);

  /* The same with words: the index walk starts below the last result. */
  store_database_search_async (
      mailbox.db, "report OR invoice OR lunch",
      GPOINTER_TO_SIZE (g_hash_table_lookup (mailbox.ids, "m04")), 10, NULL,
      pigeon_test_store_result_cb, &result2);
  filtered = store_database_search_finish (
      mailbox.db, pigeon_test_wait_for (&result2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (filtered->len, ==, 2);
  g_assert_cmpstr (((StoreMessageRow *) filtered->pdata[0])->subject, ==,
                   mails[2].subject);
}

/* Nothing a user types reaches SQL or FTS5 as syntax: each of these
 * either finds what its words say or is refused with a clear message. */
static void
test_hostile (void)
{
  static const struct
  {
    const char *query;
    const char *expected; /* NULL: STORE_ERROR_QUERY */
  } cases[] = {
    { "'; DROP TABLE messages; --", "" },
    { "NEAR(a b)", "m10" },
    { "\"NEAR(a b)\"", "m10" },
    { "{subject}:quarterly", "" },
    { "col:val", "m10" },
    { "^start", "m10" },
    { "\"x\"", "m10" },
    { "AND", NULL },
    { "quarterly AND", NULL },
    { "\"unclosed", NULL },
    { "(lunch", NULL },
    { "lunch)", NULL },
    { "*", "m10 m09 m08 m06 m05 m04 m03 m02 m01" },
    /* Emoji are not words to the tokenizer: they neither match nor
     * narrow. */
    { "🐦", "m10 m09 m08 m06 m05 m04 m03 m02 m01" },
    { "🐦 lunch", "m08 m05" },
    { "x OR -y", "m10 m09 m08 m06 m05 m04 m03 m02 m01" },
    { "odd* sender", "m10" },
    { "in:\"'; DROP TABLE folders; --\"", "" },
    { "account:\"x' OR '1'='1\"", "" },
    { "from:\"Bob\" AND subject:(", NULL },
    { "before:2020-02-30", NULL },
    { "\x01\x02\x03", "m10 m09 m08 m06 m05 m04 m03 m02 m01" },
  };
  StoreView all = { .kind = STORE_VIEW_ALL_INBOXES };
  guint64   before;
  GError   *error = NULL;

  before = store_database_count (mailbox.db, &all, &error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) rows = NULL;

      g_test_message ("query: %s", cases[i].query);
      rows = store_test_search (mailbox.db, cases[i].query, 100, &error);
      if (cases[i].expected == NULL)
        {
          g_assert_error (error, STORE_ERROR, STORE_ERROR_QUERY);
          g_assert_cmpstr (error->message, !=, "");
          g_assert_null (rows);
          g_clear_error (&error);
        }
      else
        {
          g_autofree char *got = found (cases[i].query);

          g_assert_no_error (error);
          g_assert_cmpstr (got, ==, cases[i].expected);
        }
    }
  g_assert_cmpuint (store_database_count (mailbox.db, &all, &error), ==,
                    before);
}

static void
test_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray)    rows = NULL;
  GError                  *error = NULL;

  g_cancellable_cancel (cancellable);
  store_database_search_async (mailbox.db, "lunch", 0, 10, cancellable,
                               pigeon_test_store_result_cb, &result);
  rows = store_database_search_finish (mailbox.db,
                                       pigeon_test_wait_for (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (rows);
  g_clear_error (&error);
}

/* Runs last: changes the mailbox. The index follows moves and deletes. */
static void
test_follows_changes (void)
{
  gint64 lunch = GPOINTER_TO_SIZE (g_hash_table_lookup (mailbox.ids, "m05"));
  gint64 invoice = GPOINTER_TO_SIZE (g_hash_table_lookup (mailbox.ids, "m04"));
  g_autoptr (GArray) move = store_test_ids (1, &lunch);
  g_autoptr (GArray) gone = store_test_ids (1, &invoice);
  GError            *error = NULL;

  g_assert_true (store_test_move (
      mailbox.db, move, store_test_folder_id (mailbox.db, "Archive"), &error));
  g_assert_no_error (error);
  assert_found ("lunch in:archive", "m05");
  assert_found ("lunch in:inbox", "");

  g_assert_true (store_test_trash (mailbox.db, move, &error));
  assert_found ("lunch", "m08");

  g_assert_true (store_test_delete (mailbox.db, gone, &error));
  g_assert_no_error (error);
  assert_found ("invoice", "");
  assert_found ("has:attachment", "m02 m01");
}

int
main (int argc, char *argv[])
{
  const char *suffixes[] = { "", "-wal", "-shm", ".lock" };
  int         status;

  /* The mail's dates are midnights in UTC, and before: and after: take
   * local days. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  make_mailbox ();

  g_test_add_func ("/store/search/words", test_words);
  g_test_add_func ("/store/search/phrases-and-prefixes",
                   test_phrases_and_prefixes);
  g_test_add_func ("/store/search/boolean", test_boolean);
  g_test_add_func ("/store/search/fields", test_fields);
  g_test_add_func ("/store/search/filters", test_filters);
  g_test_add_func ("/store/search/combined", test_combined);
  g_test_add_func ("/store/search/snippet", test_snippet);
  g_test_add_func ("/store/search/paging", test_paging);
  g_test_add_func ("/store/search/hostile", test_hostile);
  g_test_add_func ("/store/search/cancelled", test_cancelled);
  g_test_add_func ("/store/search/~follows-changes", test_follows_changes);

  status = g_test_run ();

  g_clear_object (&mailbox.db);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (mailbox.path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (mailbox.dir);
  g_free (mailbox.path);
  g_free (mailbox.dir);
  g_hash_table_unref (mailbox.ids);
  return status;
}
