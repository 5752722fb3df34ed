/* test-store-index.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "pigeon-test-files.h"
#include "store-database-private.h"
#include "store-error.h"
#include "store-library.h"
#include "store-test-sync.h"
#include "store-test-vfs.h"

/* The search index in its own file, written by the indexer thread from
 * the store's index_log (store-index.c): searches never show deleted
 * mail, a killed process loses no index entry, a lost or damaged index
 * is built again from the store. Real files throughout; the indexer is
 * paused to hold a change between the store and the index. */

#define DATE 1700000000

typedef struct
{
  char          *dir;
  char          *path;
  StoreDatabase *db;
  gint64         inbox;
} Fixture;

static void
reopen (Fixture *fixture)
{
  GError *error = NULL;

  g_clear_object (&fixture->db);
  fixture->db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  GError *error = NULL;

  fixture->db = store_test_create (&fixture->dir, &fixture->path);
  store_test_add_account (fixture->db, "home", &error);
  g_assert_no_error (error);
  fixture->inbox = store_test_folder_id (fixture->db, "home/Inbox");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  store_test_destroy (&fixture->db, &fixture->dir, &fixture->path);
}

/* Stores one message and returns its id. */
static gint64
insert (Fixture *fixture, gint64 date, const char *subject, const char *body)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;

  g_ptr_array_add (batch, store_test_message (date, "Ann", subject, body));
  ids = store_test_insert (fixture->db, fixture->inbox, 0, batch, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  return g_array_index (ids, gint64, 0);
}

static void delete (Fixture *fixture, gint64 id)
{
  g_autoptr (GArray) ids = store_test_ids (1, &id);
  GError            *error = NULL;

  g_assert_true (store_test_delete (fixture->db, ids, &error));
  g_assert_no_error (error);
}

/* The ids a search finds; @now: without waiting for the index. */
static GArray *
found (Fixture *fixture, const char *query, gboolean now)
{
  g_autoptr (GPtrArray) rows = NULL;
  GArray               *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GError               *error = NULL;

  rows = now ? store_test_search_now (fixture->db, query, 50, &error)
             : store_test_search (fixture->db, query, 50, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, ((StoreMessageRow *) rows->pdata[i])->id);
  return ids;
}

static guint
count_found (Fixture *fixture, const char *query, gboolean now)
{
  g_autoptr (GArray) ids = found (fixture, query, now);

  return ids->len;
}

static gint64
log_rows (Fixture *fixture)
{
  return store_test_sql_int (fixture->path, "SELECT count(*) FROM index_log");
}

/* Rows of @table in the index file, as it is (no waiting). */
static gint64
index_table_rows (Fixture *fixture, const char *table)
{
  g_autofree char *sql = g_strconcat ("SELECT count(*) FROM ", table, NULL);

  return store_test_sql_int (store_database_get_index_path (fixture->db), sql);
}

static gint64
index_rows (Fixture *fixture)
{
  return index_table_rows (fixture, "messages_fts");
}

static void
test_index_file_beside_store (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *expected =
      g_build_filename (fixture->dir, "pigeon-index.db", NULL);

  g_assert_cmpstr (store_database_get_index_path (fixture->db), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  /* The store's own file has no index any more. */
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM sqlite_master "
                                       "WHERE name = 'messages_fts'"),
                   ==, 0);
}

/* Found once indexed; the log is trimmed once the index holds it. */
static void
test_insert_then_search (Fixture *fixture, gconstpointer user_data)
{
  gint64             id = insert (fixture, DATE, "Pelican plans", "Beaks.");
  g_autoptr (GArray) ids = found (fixture, "pelican", FALSE);

  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id);
  g_assert_cmpuint (count_found (fixture, "beaks", FALSE), ==, 1);
  g_assert_cmpint (index_rows (fixture), ==, 1);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  g_assert_cmpint (
      store_test_sql_int (store_database_get_index_path (fixture->db),
                          "SELECT applied_seq FROM index_state"),
      ==, 1);
}

/* Held by the paused indexer, a new message is stored and logged but not
 * yet found; resumed, it is. */
static void
test_search_follows_indexer (Fixture *fixture, gconstpointer user_data)
{
  _store_database_set_index_paused (fixture->db, TRUE);
  insert (fixture, DATE, "Heron habits", "Wading.");
  g_assert_cmpuint (count_found (fixture, "heron", TRUE), ==, 0);
  g_assert_cmpint (log_rows (fixture), ==, 1);
  g_assert_cmpint (index_rows (fixture), ==, 0);

  _store_database_set_index_paused (fixture->db, FALSE);
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 1);
  g_assert_cmpint (log_rows (fixture), ==, 0);
}

/* A deleted message is never found, in any shape of search, whether or
 * not the indexer has removed it yet: every shape joins the messages. */
static void
test_delete_then_search (Fixture *fixture, gconstpointer user_data)
{
  static const char *const queries[] = {
    "puffin",               /* the index walk outside, joined */
    "puffin OR is:flagged", /* an IN (index) subquery */
    "subject:puffin",       /* a column filter */
    "puffin -zebra",        /* MATCH with NOT */
    "puffin before:2100-01-01",
  };
  gint64 id = insert (fixture, DATE, "Puffin season", "Beaks and burrows.");

  insert (fixture, DATE + 10, "Zebra crossing", "Stripes, no puffin here.");
  g_assert_cmpuint (count_found (fixture, "puffin", FALSE), ==, 2);

  _store_database_set_index_paused (fixture->db, TRUE);
  delete (fixture, id);
  /* The index still holds it: the window this test is about. */
  g_assert_cmpint (index_rows (fixture), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr (GArray) ids = found (fixture, queries[i], TRUE);

      for (guint j = 0; j < ids->len; j++)
        g_assert_cmpint (g_array_index (ids, gint64, j), !=, id);
    }
  g_assert_cmpuint (count_found (fixture, "burrows", TRUE), ==, 0);
  /* "-puffin" walks the messages: the deleted one is not there. */
  g_assert_cmpuint (count_found (fixture, "-stripes", TRUE), ==, 0);

  _store_database_set_index_paused (fixture->db, FALSE);
  g_assert_cmpuint (count_found (fixture, "burrows", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "puffin", FALSE), ==, 1);
  g_assert_cmpint (index_rows (fixture), ==, 1);
  g_assert_cmpint (log_rows (fixture), ==, 0);
}

/* Emptying the Trash and removing an account log their deletes too. */
static void
test_other_deletes_logged (Fixture *fixture, gconstpointer user_data)
{
  gint64                id = insert (fixture, DATE, "Gannet dive", "Splash.");
  g_autoptr (GArray)    ids = store_test_ids (1, &id);
  GError               *error = NULL;
  gint64                account;
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) other = NULL;

  g_assert_true (store_test_trash (fixture->db, ids, &error));
  g_assert_no_error (error);
  /* In the Trash it is still indexed (in:Trash finds it). */
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 1);
  g_assert_true (store_test_empty_trash (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 0);

  account = store_test_add_account (fixture->db, "work", &error);
  g_assert_no_error (error);
  g_ptr_array_add (batch, store_test_message (DATE, "Bo", "Skua", "Raid."));
  other = store_test_insert (fixture->db,
                             store_test_folder_id (fixture->db, "work/Inbox"),
                             account, batch, &error);
  g_assert_no_error (error);
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 1);
  g_assert_true (
      store_test_remove_account (fixture->db, account, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 0);
  g_assert_cmpuint (count_found (fixture, "skua", FALSE), ==, 0);
  g_assert_cmpint (log_rows (fixture), ==, 0);
}

/* Keys are date << 20 | sequence, so a message of the same second may
 * get a deleted message's key. Not while the removal is still pending:
 * the index would show the old words for the new message. Once applied,
 * the key may come back, and the index holds only the new words. */
static void
test_key_reuse (Fixture *fixture, gconstpointer user_data)
{
  gint64 old_id = insert (fixture, DATE, "Albatross", "Gliding.");
  gint64 new_id;
  gint64 third_id;

  g_assert_cmpuint (count_found (fixture, "albatross", FALSE), ==, 1);

  _store_database_set_index_paused (fixture->db, TRUE);
  delete (fixture, old_id);
  new_id = insert (fixture, DATE, "Cormorant", "Diving.");
  g_assert_cmpint (new_id, !=, old_id);
  g_assert_cmpuint (count_found (fixture, "albatross", TRUE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "gliding", TRUE), ==, 0);

  _store_database_set_index_paused (fixture->db, FALSE);
  g_assert_cmpuint (count_found (fixture, "albatross", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "cormorant", FALSE), ==, 1);

  /* Removal applied and trimmed: the first key is free again. */
  delete (fixture, new_id);
  g_assert_cmpuint (count_found (fixture, "cormorant", FALSE), ==, 0);
  third_id = insert (fixture, DATE, "Shearwater", "Skimming.");
  g_assert_cmpint (third_id, ==, old_id);
  g_assert_cmpuint (count_found (fixture, "albatross", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "gliding", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "cormorant", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "shearwater", FALSE), ==, 1);
  g_assert_cmpint (index_rows (fixture), ==, 1);
}

static gint64
insert_threaded (Fixture    *fixture,
                 gint64      date,
                 const char *message_id,
                 const char *in_reply_to,
                 const char *subject)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  StoreNewMessage   *message = store_test_message (date, "Ann", subject, "x");
  GError            *error = NULL;

  message->message_id = g_strdup (message_id);
  message->in_reply_to = g_strdup (in_reply_to);
  g_ptr_array_add (batch, message);
  ids = store_test_insert (fixture->db, fixture->inbox, 0, batch, &error);
  g_assert_no_error (error);
  return g_array_index (ids, gint64, 0);
}

static gint64
thread_of (Fixture *fixture, gint64 id)
{
  g_autoptr (StoreMessageRow) row = NULL;
  GError                     *error = NULL;

  row = store_database_get_message (fixture->db, id, &error);
  g_assert_no_error (error);
  return row->thread_id;
}

/* Deletes @id and waits until the index has applied and trimmed the
 * removal, so that its key may come back (test_key_reuse). */
static void
delete_indexed (Fixture *fixture, gint64 id)
{
  delete (fixture, id);
  g_assert_cmpuint (count_found (fixture, "nothing", FALSE), ==, 0);
}

/* A message that gets a deleted root's key (the last of its second)
 * does not join the replies that still carry the root's thread, and a
 * reply that comes later to the root still finds that thread. */
static void
test_key_reuse_threads (Fixture *fixture, gconstpointer user_data)
{
  gint64 root = insert_threaded (fixture, DATE, "root@x", NULL, "Plans");
  gint64 reply =
      insert_threaded (fixture, DATE + 60, "reply@x", "root@x", "Re: Plans");
  gint64 root_thread = thread_of (fixture, root);
  gint64 stranger;
  gint64 stranger_reply;
  gint64 late_reply;
  gint64 third;

  g_assert_cmpint (thread_of (fixture, reply), ==, root_thread);
  delete_indexed (fixture, root);

  stranger = insert_threaded (fixture, DATE, "stranger@x", NULL, "Lunch?");
  g_assert_cmpint (stranger, ==, root); /* the key came back */
  g_assert_cmpint (thread_of (fixture, stranger), !=, root_thread);
  g_assert_cmpint (thread_of (fixture, reply), ==, root_thread);

  late_reply =
      insert_threaded (fixture, DATE + 120, "late@x", "root@x", "Re: Plans");
  g_assert_cmpint (thread_of (fixture, late_reply), ==, root_thread);

  /* a thread id made up that way is not handed out twice either */
  stranger_reply = insert_threaded (fixture, DATE + 180, "stranger-reply@x",
                                    "stranger@x", "Re: Lunch?");
  g_assert_cmpint (thread_of (fixture, stranger_reply), ==,
                   thread_of (fixture, stranger));
  delete_indexed (fixture, stranger);
  third = insert_threaded (fixture, DATE, "third@x", NULL, "Tea?");
  g_assert_cmpint (third, ==, root);
  g_assert_cmpint (thread_of (fixture, third), !=, root_thread);
  g_assert_cmpint (thread_of (fixture, third), !=,
                   thread_of (fixture, stranger_reply));
}

/* The body text, as the engine would give it: the test messages
 * (store_test_message()) are their body after the header section. */
static char *
test_body_text (GBytes *raw)
{
  gsize       length;
  const char *data = g_bytes_get_data (raw, &length);
  const char *body = g_strstr_len (data, (gssize) length, "\r\n\r\n");

  if (body == NULL)
    return g_strdup ("");
  body += 4;
  return g_strndup (body, length - (gsize) (body - data));
}

/* The number of @c in @text. */
static guint
count_char (const char *text, char c)
{
  guint n = 0;

  for (; *text != '\0'; text++)
    n += *text == c;
  return n;
}

/* A message cannot fake highlights in its snippet: the marks, and any
 * control character in the name of an attachment (which keeps what its
 * sender wrote), reach the index as spaces. */
static void
test_marks_kept_out (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray)    ids = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  StoreNewMessage      *message = store_test_message (
           DATE, "Ann", "Sub" STORE_MATCH_START "ject" STORE_MATCH_END " line",
           "Plain body.");
  StoreAttachment *attachment = store_attachment_new ();
  const char      *snippet;
  GError          *error = NULL;

  attachment->filename = g_strdup ("a" STORE_MATCH_START "fake" STORE_MATCH_END
                                   "b\r\n\x1b[31mreport.pdf");
  attachment->save_name = g_strdup ("report.pdf");
  attachment->content_type = g_strdup ("application/pdf");
  g_ptr_array_add (message->attachments, attachment);
  g_ptr_array_add (batch, message);
  ids = store_test_insert (fixture->db, fixture->inbox, 0, batch, &error);
  g_assert_no_error (error);

  rows = store_test_search (fixture->db, "fake", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  snippet = ((StoreMessageRow *) rows->pdata[0])->snippet;
  g_assert_nonnull (strstr (snippet, STORE_MATCH_START "fake" STORE_MATCH_END));
  g_assert_cmpuint (count_char (snippet, STORE_MATCH_START[0]), ==, 1);
  g_assert_cmpuint (count_char (snippet, STORE_MATCH_END[0]), ==, 1);
  g_assert_null (strpbrk (snippet, "\r\n\x1b"));

  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = store_test_search (fixture->db, "ject", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  snippet = ((StoreMessageRow *) rows->pdata[0])->snippet;
  g_assert_cmpuint (count_char (snippet, STORE_MATCH_START[0]), ==, 1);
  g_assert_cmpuint (count_char (snippet, STORE_MATCH_END[0]), ==, 1);
}

/* A process killed before the indexer applied its batches: the store
 * holds them in index_log, and the next open applies them, inserts and
 * deletes in order. */
static void
test_crash_replay (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  gint64 kept;
  gint64 dropped;

  insert (fixture, DATE, "Osprey", "Fishing.");
  g_assert_cmpuint (count_found (fixture, "osprey", FALSE), ==, 1);

  _store_database_set_index_paused (fixture->db, TRUE);
  kept = insert (fixture, DATE + 1, "Kestrel", "Hovering.");
  dropped = insert (fixture, DATE + 2, "Merlin", "Chasing.");
  /* Closed while paused: what the indexer held is dropped. */
  g_clear_object (&fixture->db);
  g_assert_cmpint (log_rows (fixture), ==, 2);
  /* The body texts stay in the messages, never written twice. */
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM index_log "
                                       "WHERE body IS NOT NULL"),
                   ==, 0);
  g_assert_cmpint (
      store_test_sql_int (index_path, "SELECT count(*) FROM messages_fts"), ==,
      1);

  /* The replay reads each body text again from the stored message. */
  store_library_set_body_text_func (test_body_text);
  reopen (fixture);
  _store_database_set_index_paused (fixture->db, TRUE);
  delete (fixture, dropped);
  g_clear_object (&fixture->db);
  g_assert_cmpint (log_rows (fixture), >=, 1);

  reopen (fixture);
  {
    g_autoptr (GArray) ids = found (fixture, "kestrel", FALSE);

    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpint (g_array_index (ids, gint64, 0), ==, kept);
  }
  g_assert_cmpuint (count_found (fixture, "hovering", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "merlin", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "chasing", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "osprey", FALSE), ==, 1);
  g_assert_cmpint (index_rows (fixture), ==, 2);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  store_library_set_body_text_func (NULL);
}

/* Stores @n messages in one batch, the i-th dated @dates[i] and titled
 * "@word i". */
static void
insert_batch (Fixture *fixture, const gint64 *dates, guint n, const char *word)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("%s %u", word, i);

      g_ptr_array_add (batch, store_test_message (dates[i], "Ann", subject,
                                                  "Ringing the birds."));
    }
  ids = store_test_insert (fixture->db, fixture->inbox, 0, batch, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, n);
}

/* Keys follow the dates, and a mailbox is not in date order. FTS5 writes
 * its pending terms out as a segment whenever a rowid comes lower than
 * the last, so a batch applied in mailbox order became a segment every
 * message or two: the indexer sorts a batch by key. The same mail in
 * date order and in reverse date order makes the same index records. */
static void
test_batch_in_key_order (Fixture *fixture, gconstpointer user_data)
{
  gint64 ascending[40];
  gint64 descending[40];
  gint64 records_ascending;

  for (guint i = 0; i < G_N_ELEMENTS (ascending); i++)
    {
      ascending[i] = DATE + 60 * i;
      descending[i] = DATE + 86400 - 60 * i;
    }

  insert_batch (fixture, ascending, G_N_ELEMENTS (ascending), "godwit");
  g_assert_cmpuint (count_found (fixture, "godwit", FALSE), ==, 40);
  /* FTS5's data table: a segment written is records of its own. */
  records_ascending = index_table_rows (fixture, "messages_fts_data");
  store_test_destroy (&fixture->db, &fixture->dir, &fixture->path);
  fixture_set_up (fixture, NULL);

  insert_batch (fixture, descending, G_N_ELEMENTS (descending), "godwit");
  g_assert_cmpuint (count_found (fixture, "godwit", FALSE), ==, 40);
  g_assert_cmpuint (count_found (fixture, "godwit 39", FALSE), ==, 1);
  g_assert_cmpint (index_table_rows (fixture, "messages_fts_data"), ==,
                   records_ascending);
}

/* Sorted by key, the log's entries for one message keep their order: a
 * replay that holds a message's insert and its delete, with other keys
 * between, leaves it out of the index. */
static void
test_replay_keeps_order_of_a_key (Fixture *fixture, gconstpointer user_data)
{
  const gint64       dates[] = { DATE + 300, DATE + 100, DATE + 200 };
  g_autoptr (GArray) ids = NULL;
  gint64             newest;

  _store_database_set_index_paused (fixture->db, TRUE);
  insert_batch (fixture, dates, G_N_ELEMENTS (dates), "stint");
  ids = found (fixture, "stint", TRUE);
  g_assert_cmpuint (ids->len, ==, 0); /* not indexed yet */
  newest = store_test_sql_int (fixture->path,
                               "SELECT max(message_id) FROM index_log");
  delete (fixture, newest);
  g_clear_object (&fixture->db);
  g_assert_cmpint (log_rows (fixture), ==, 4);

  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "stint", FALSE), ==, 2);
  g_assert_cmpuint (count_found (fixture, "stint 0", FALSE), ==, 0);
  g_assert_cmpint (index_rows (fixture), ==, 2);
  g_assert_cmpint (log_rows (fixture), ==, 0);
}

/* An index file lost while the log still holds everything is built from
 * the log; lost after entries were trimmed, it is built again from the
 * messages (a backup restored without it, say): every message is found
 * again by subject, sender, attachment and body, and no deleted one. */
static void
test_missing_index (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  gint64 gone;

  _store_database_set_index_paused (fixture->db, TRUE);
  insert (fixture, DATE, "Grebe", "Floating.");
  g_clear_object (&fixture->db);
  g_assert_cmpint (g_remove (index_path), ==, 0);

  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "grebe", FALSE), ==, 1);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  gone = insert (fixture, DATE + 1, "Heron", "Wading.");
  delete (fixture, gone);
  insert (fixture, DATE + 2, "Coot", "Diving.");
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  g_assert_cmpint (g_remove (index_path), ==, 0);

  /* Set until the rebuild is done: it runs after the open returns. */
  store_library_set_body_text_func (test_body_text);
  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "grebe", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "floating", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "coot", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "diving", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "from:ann", FALSE), ==, 2);
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 0);
  g_assert_cmpint (index_rows (fixture), ==, 2);
  g_assert_cmpint (log_rows (fixture), ==, 0);

  /* Mail stored after the rebuild is indexed as ever. */
  insert (fixture, DATE + 3, "Dunlin", "Probing.");
  g_assert_cmpuint (count_found (fixture, "probing", FALSE), ==, 1);
  store_library_set_body_text_func (NULL);
}

/* As a backup and its restore do, byte for byte. */
static void
copy_file (const char *from, const char *to)
{
  g_autofree char *contents = NULL;
  gsize            length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* An older copy of the index file (restored from a backup) is behind the
 * trimmed log: it is built again, so that mail stored since is found and
 * mail deleted since is not. */
static void
test_older_index_restored (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autofree char *copy = g_build_filename (fixture->dir, "old.db", NULL);
  gint64           gone = insert (fixture, DATE, "Gannet", "Plunging.");

  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db); /* the index file is whole on close */
  copy_file (index_path, copy);

  reopen (fixture);
  delete (fixture, gone);
  insert (fixture, DATE + 1, "Puffin", "Burrowing.");
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  copy_file (copy, index_path);

  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "puffin", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "gannet", FALSE), ==, 0);
  g_assert_cmpint (index_rows (fixture), ==, 1);
}

/* A rebuild that fails (every write of the indexer fails, as on a full
 * disk) is done again when writes work: the log alone, trimmed since,
 * no longer holds what the index lacks. */
static void
test_rebuild_retried (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autofree char *copy = g_build_filename (fixture->dir, "old.db", NULL);
  GError          *error = NULL;

  insert (fixture, DATE, "Gannet", "Plunging.");
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  copy_file (index_path, copy);

  reopen (fixture);
  insert (fixture, DATE + 1, "Puffin", "Burrowing.");
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  copy_file (copy, index_path);

  store_test_vfs_fail_writes ("store-indexer");
  g_test_expect_message ("pigeon-store", G_LOG_LEVEL_MESSAGE,
                         "The search index * was missing or behind*");
  g_test_expect_message ("pigeon-store", G_LOG_LEVEL_WARNING,
                         "The search index * was not brought up to date: *");
  reopen (fixture);
  g_assert_false (store_test_flush_index (fixture->db, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FULL);
  g_clear_error (&error);
  g_test_assert_expected_messages ();

  store_test_vfs_fail_writes (NULL);
  _store_database_set_index_retry_seconds (fixture->db, 0);
  insert (fixture, DATE + 2, "Tern", "Diving.");
  g_assert_cmpuint (count_found (fixture, "gannet OR puffin OR tern", FALSE),
                    ==, 3);

  /* and the index stays whole */
  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "gannet OR puffin OR tern", FALSE),
                    ==, 3);
}

/* Only the store came back from a backup, older than its index: the
 * index is built again, so that it holds no message the store lacks and
 * the store's next messages are indexed. */
static void
test_store_restored_behind_index (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *copy = g_build_filename (fixture->dir, "old-store.db", NULL);

  insert (fixture, DATE, "Fulmar", "Gliding.");
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  copy_file (fixture->path, copy);

  reopen (fixture);
  insert (fixture, DATE + 1, "Skua", "Chasing.");
  insert (fixture, DATE + 2, "Kittiwake", "Nesting.");
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  copy_file (copy, fixture->path);

  reopen (fixture);
  insert (fixture, DATE + 3, "Razorbill", "Diving.");
  g_assert_cmpuint (count_found (fixture, "fulmar", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "skua", FALSE), ==, 0);
  g_assert_cmpuint (count_found (fixture, "razorbill", FALSE), ==, 1);
  g_assert_cmpint (index_rows (fixture), ==, 2);
}

static gint slow_calls;

/* As test_body_text(), a millisecond a message: a rebuild of a large
 * store, in small. */
static char *
slow_body_text (GBytes *raw)
{
  g_atomic_int_inc (&slow_calls);
  g_usleep (1000);
  return test_body_text (raw);
}

/* While the index is built again the writer goes on (its batches wait in
 * the log, not in a queue the rebuild does not read), and closing the
 * store stops the rebuild; the next open builds it again, and every
 * message is found. */
static void
test_rebuild_does_not_block (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;
  const guint        total = 1500;

  for (guint i = 0; i < total; i++)
    g_ptr_array_add (
        batch, store_test_message (DATE + i, "Ann", "Petrel", "Soaring."));
  ids = store_test_insert (fixture->db, fixture->inbox, 0, batch, &error);
  g_assert_no_error (error);
  store_test_flush_index (fixture->db, NULL);
  insert (fixture, DATE + total, "Shearwater", "Skimming."); /* trims */
  store_test_flush_index (fixture->db, NULL);
  g_clear_object (&fixture->db);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  g_assert_cmpint (g_remove (index_path), ==, 0);

  g_atomic_int_set (&slow_calls, 0);
  store_library_set_body_text_func (slow_body_text);
  reopen (fixture);
  for (guint i = 0; i < 4; i++)
    insert (fixture, DATE + total + 1 + i, "Storm", "Pattering.");
  g_assert_cmpint (g_atomic_int_get (&slow_calls), <, (gint) total);
  g_clear_object (&fixture->db);
  g_assert_cmpint (g_atomic_int_get (&slow_calls), <, (gint) total);

  /* Set until the rebuild is done: it runs after the open returns. */
  store_library_set_body_text_func (test_body_text);
  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "pattering", FALSE), ==, 4);
  g_assert_cmpuint (count_found (fixture, "skimming", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "soaring", FALSE), >, 0);
  g_assert_cmpint (index_rows (fixture), ==, total + 5);
  store_library_set_body_text_func (NULL);
}

/* A store whose messages are all gone may lose its index: nothing is
 * missing from a new one. */
static void
test_missing_index_of_empty_store (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));

  delete (fixture, insert (fixture, DATE, "Tern", "Gone."));
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 0);
  g_clear_object (&fixture->db);
  g_assert_cmpint (g_remove (index_path), ==, 0);

  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "tern", FALSE), ==, 0);
  insert (fixture, DATE, "Tern again", "Back.");
  g_assert_cmpuint (count_found (fixture, "tern", FALSE), ==, 1);
}

/* A damaged index file is kept aside and a new one built: the store
 * holds everything it did. */
static void
test_damaged_index (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autofree char *garbage = g_strnfill (65536, 'x');
  g_autofree char *aside = NULL;
  g_autofree char *kept = NULL;
  GError          *error = NULL;

  insert (fixture, DATE, "Shag", "Drying.");
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 1);
  g_clear_object (&fixture->db);
  g_assert_true (g_file_set_contents (index_path, garbage, -1, &error));
  g_assert_no_error (error);

  /* Moved aside as it is, and a new index built from the store. */
  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "shag", FALSE), ==, 1);
  aside = g_strconcat (index_path, ".damaged", NULL);
  g_assert_true (g_file_get_contents (aside, &kept, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, garbage);
}

/* Overwrites the root pages of the FTS5 tables, and only those: the
 * file still opens. */
static void
damage_fts_tables (const char *index_path)
{
  g_autoptr (GArray) pages = store_test_sql_ints (
      index_path,
      "SELECT rootpage FROM sqlite_schema WHERE name LIKE 'messages_fts_%'");

  g_assert_cmpuint (pages->len, >=, 3);
  for (guint i = 0; i < pages->len; i++)
    store_test_overwrite_page (index_path, g_array_index (pages, gint64, i));
}

/* An index file damaged past its header opens, and fails once it is
 * written to: it is set aside and built again from the store, with what
 * was stored since. */
static void
test_damaged_index_pages (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autofree char *aside = g_strconcat (index_path, ".damaged", NULL);

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Heron %d", i);

      insert (fixture, DATE + i, subject, "Standing still.");
    }
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 20);
  g_clear_object (&fixture->db);

  damage_fts_tables (index_path);

  reopen (fixture);
  g_assert_false (g_file_test (aside, G_FILE_TEST_EXISTS));
  insert (fixture, DATE + 100, "Egret", "Wading.");
  g_assert_cmpuint (count_found (fixture, "egret", FALSE), ==, 1);
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 20);
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));

  /* and it stays whole */
  reopen (fixture);
  insert (fixture, DATE + 200, "Ibis", "Probing.");
  g_assert_cmpuint (count_found (fixture, "ibis OR egret OR heron", FALSE), ==,
                    22);
}

/* A search that meets the damage first, before any write, says where it
 * may be, and has the index file checked and built again. */
static void
test_damaged_index_searched (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autofree char      *aside = g_strconcat (index_path, ".damaged", NULL);
  g_autoptr (GPtrArray) rows = NULL;
  GError               *error = NULL;

  insert (fixture, DATE, "Heron", "Standing still.");
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 1);
  g_clear_object (&fixture->db);
  damage_fts_tables (index_path);
  reopen (fixture);

  rows = store_test_search_now (fixture->db, "heron", 50, &error);
  g_assert_null (rows);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "search index"));
  g_clear_error (&error);

  /* waiting for the index waits for the check and the new index */
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 1);
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
}

/* A search that meets damage in the store's own file has the index file
 * checked, which finds none and leaves it as it is. */
static void
test_damage_elsewhere (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  g_autofree char *aside = g_strconcat (index_path, ".damaged", NULL);

  insert (fixture, DATE, "Heron", "Standing still.");
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 1);
  _store_database_check_index_damage (fixture->db);
  g_assert_cmpuint (count_found (fixture, "heron", FALSE), ==, 1);
  g_assert_false (g_file_test (aside, G_FILE_TEST_EXISTS));
}

/* A failure other than damage (here every write of the indexer fails, as
 * on a full disk) is reported, and the batches stay in the log; once
 * writes succeed again, the next batch brings the index up to date with
 * those that failed. */
static void
test_retry_after_failure (Fixture *fixture, gconstpointer user_data)
{
  GError *error = NULL;

  _store_database_set_index_retry_seconds (fixture->db, 0);
  insert (fixture, DATE, "Avocet", "Sweeping.");
  g_assert_cmpuint (count_found (fixture, "avocet", FALSE), ==, 1);

  store_test_vfs_fail_writes ("store-indexer");
  g_test_expect_message ("pigeon-store", G_LOG_LEVEL_WARNING,
                         "The search index * was not updated: The disk is "
                         "full*");
  insert (fixture, DATE + 1, "Bittern", "Booming.");
  g_assert_false (store_test_flush_index (fixture->db, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FULL);
  g_clear_error (&error);
  /* tried again, and failed again */
  insert (fixture, DATE + 2, "Crane", "Dancing.");
  g_assert_false (store_test_flush_index (fixture->db, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (count_found (fixture, "bittern OR crane", TRUE), ==, 0);

  store_test_vfs_fail_writes (NULL);
  insert (fixture, DATE + 3, "Dunlin", "Probing.");
  g_assert_cmpuint (
      count_found (fixture, "avocet OR bittern OR crane OR dunlin", FALSE), ==,
      4);
}

static void
test_newer_index (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  sqlite3 *db = NULL;
  GError  *error = NULL;

  g_clear_object (&fixture->db);
  g_assert_cmpint (sqlite3_open (index_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
      SQLITE_OK);
  sqlite3_close (db);

  fixture->db = store_test_open (fixture->path, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NEWER_SCHEMA);
  g_assert_null (fixture->db);
  g_clear_error (&error);
}

/* The indexer cannot write (another process holds the index file's
 * lock): the flush reports it, the log keeps the entries, and the next
 * open applies them. */
static void
test_indexer_failure (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *index_path =
      g_strdup (store_database_get_index_path (fixture->db));
  sqlite3 *blocker = NULL;
  GError  *error = NULL;

  g_assert_cmpint (sqlite3_open (index_path, &blocker), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                   ==, SQLITE_OK);

  g_test_expect_message ("pigeon-store", G_LOG_LEVEL_WARNING,
                         "*was not updated*");
  insert (fixture, DATE, "Dipper", "Bobbing.");
  g_assert_false (store_test_flush_index (fixture->db, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_test_assert_expected_messages ();
  /* Later batches wait in the log too: nothing is applied out of order. */
  insert (fixture, DATE + 1, "Wagtail", "Bobbing too.");
  g_assert_false (store_test_flush_index (fixture->db, &error));
  g_clear_error (&error);
  g_assert_cmpint (log_rows (fixture), ==, 2);

  sqlite3_exec (blocker, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (blocker);
  store_library_set_body_text_func (test_body_text);
  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "bobbing", FALSE), ==, 2);
  g_assert_cmpint (log_rows (fixture), ==, 0);
  store_library_set_body_text_func (NULL);
}

/* The index file's checkpoints run on a thread of their own: the
 * indexer, the slowest stage of a bulk import, never waits for the disk
 * (store-index.c). 18 MB of body text take its WAL past the 1,000
 * pages at which SQLite would checkpoint in the committing thread. The
 * close copies the rest and deletes the WAL. */
static void
test_indexer_never_syncs (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char    *wal =
      g_strconcat (store_database_get_index_path (fixture->db), "-wal", NULL);
  GError *error = NULL;

  for (guint i = 0; body->len < 6 * 1024 * 1024; i++)
    g_string_append_printf (body, "gannet%u ", i);
  store_test_vfs_watch_thread ("store-indexer");
  for (guint i = 0; i < 3; i++)
    insert (fixture, DATE + i, "Seabirds", body->str);
  g_assert_true (store_test_flush_index (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_found (fixture, "seabirds", FALSE), ==, 3);
  g_assert_cmpuint (store_test_vfs_thread_syncs (), ==, 0);

  g_clear_object (&fixture->db);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  reopen (fixture);
  g_assert_cmpuint (count_found (fixture, "gannet12345", FALSE), ==, 3);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  store_test_vfs_install ();

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/index/file-beside-store", test_index_file_beside_store);
  ADD ("/store/index/insert-then-search", test_insert_then_search);
  ADD ("/store/index/search-follows-indexer", test_search_follows_indexer);
  ADD ("/store/index/delete-then-search", test_delete_then_search);
  ADD ("/store/index/other-deletes-logged", test_other_deletes_logged);
  ADD ("/store/index/key-reuse", test_key_reuse);
  ADD ("/store/index/key-reuse-threads", test_key_reuse_threads);
  ADD ("/store/index/crash-replay", test_crash_replay);
  ADD ("/store/index/marks-kept-out", test_marks_kept_out);
  ADD ("/store/index/batch-in-key-order", test_batch_in_key_order);
  ADD ("/store/index/replay-keeps-order-of-a-key",
       test_replay_keeps_order_of_a_key);
  ADD ("/store/index/missing", test_missing_index);
  ADD ("/store/index/missing-empty-store", test_missing_index_of_empty_store);
  ADD ("/store/index/older-copy-restored", test_older_index_restored);
  ADD ("/store/index/rebuild-retried", test_rebuild_retried);
  ADD ("/store/index/rebuild-does-not-block", test_rebuild_does_not_block);
  ADD ("/store/index/store-restored-behind-index",
       test_store_restored_behind_index);
  ADD ("/store/index/damaged", test_damaged_index);
  ADD ("/store/index/damaged-pages", test_damaged_index_pages);
  ADD ("/store/index/damaged-searched", test_damaged_index_searched);
  ADD ("/store/index/damage-elsewhere", test_damage_elsewhere);
  ADD ("/store/index/retry-after-failure", test_retry_after_failure);
  ADD ("/store/index/newer", test_newer_index);
  ADD ("/store/index/indexer-failure", test_indexer_failure);
  ADD ("/store/index/indexer-never-syncs", test_indexer_never_syncs);

#undef ADD

  return g_test_run ();
}
