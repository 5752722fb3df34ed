/* test-store-messages.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "pigeon-test-async.h"
#include "store-error.h"
#include "store-test-sync.h"

typedef struct
{
  char          *dir;
  char          *path;
  StoreDatabase *db;
  gint64         account;
  gint64         inbox;
  gint64         trash;
  gint64         archive;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  GError *error = NULL;

  fixture->db = store_test_create (&fixture->dir, &fixture->path);
  fixture->account = store_test_add_account (fixture->db, "home", &error);
  g_assert_no_error (error);
  fixture->inbox = store_test_folder_id (fixture->db, "home/Inbox");
  fixture->trash = store_test_folder_id (fixture->db, "Trash");
  fixture->archive = store_test_folder_id (fixture->db, "Archive");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  /* Its search index too (pigeon-index.db): all of the directory. */
  store_test_destroy (&fixture->db, &fixture->dir, &fixture->path);
}

static GPtrArray *
new_batch (void)
{
  return g_ptr_array_new_with_free_func (
      (GDestroyNotify) store_new_message_free);
}

static GArray *
insert (Fixture *fixture, gint64 folder, GPtrArray *batch)
{
  GError *error = NULL;
  GArray *ids =
      store_test_insert (fixture->db, folder, fixture->account, batch, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, batch->len);
  return ids;
}

/* Raw bytes for an export: a message deleted since its id was listed,
 * or never there, leaves a NULL in its place; the others are read. */
static void
test_read_raw_deleted (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)    batch = new_batch ();
  g_autoptr (GArray)       ids = NULL;
  g_autoptr (GArray)       wanted = NULL;
  g_autoptr (GArray)       gone = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray)    raws = NULL;
  gint64                   values[4];
  GError                  *error = NULL;

  g_ptr_array_add (batch, store_test_message (1000, "A", "one", "1"));
  g_ptr_array_add (batch, store_test_message (2000, "B", "two", "2"));
  g_ptr_array_add (batch, store_test_message (3000, "C", "three", "3"));
  ids = insert (fixture, fixture->inbox, batch);
  gone = store_test_ids (1, &g_array_index (ids, gint64, 1));
  g_assert_true (store_test_delete (fixture->db, gone, &error));
  g_assert_no_error (error);

  values[0] = g_array_index (ids, gint64, 0);
  values[1] = g_array_index (ids, gint64, 1);
  values[2] = 424242;
  values[3] = g_array_index (ids, gint64, 2);
  wanted = store_test_ids (4, values);
  store_database_read_raw_async (fixture->db, wanted, NULL,
                                 pigeon_test_store_result_cb, &result);
  raws = store_database_read_raw_finish (
      fixture->db, pigeon_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (raws->len, ==, 4);
  g_assert_nonnull (raws->pdata[0]);
  g_assert_null (raws->pdata[1]);
  g_assert_null (raws->pdata[2]);
  g_assert_nonnull (raws->pdata[3]);
  g_assert_true (g_bytes_equal (raws->pdata[0],
                                ((StoreNewMessage *) batch->pdata[0])->raw));
  g_assert_true (g_bytes_equal (raws->pdata[3],
                                ((StoreNewMessage *) batch->pdata[2])->raw));
}

static GPtrArray *
list (Fixture *fixture, const StoreView *view, guint offset, guint limit)
{
  GError    *error = NULL;
  GPtrArray *rows =
      store_database_list (fixture->db, view, offset, limit, &error);

  g_assert_no_error (error);
  return rows;
}

static guint64
count (Fixture *fixture, const StoreView *view)
{
  GError *error = NULL;
  guint64 n = store_database_count (fixture->db, view, &error);

  g_assert_no_error (error);
  return n;
}

#define ROW(rows, i) ((StoreMessageRow *) (rows)->pdata[i])

static void
test_insert_and_read_back (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)       batch = new_batch ();
  g_autoptr (GArray)          ids = NULL;
  g_autoptr (StoreMessageRow) row = NULL;
  g_autoptr (GPtrArray)       attachments = NULL;
  g_autoptr (GBytes)          raw = NULL;
  g_autoptr (GBytes)          empty_raw = NULL;
  StoreNewMessage            *message;
  StoreAttachment            *attachment;
  GError                     *error = NULL;
  static const guint8         binary[] = {
            'a', '\0', '\r', '\n', 0xff, '.', '\r', '\n'
  };

  message =
      store_test_message (1700000000, "Bob Example", "Hello", "How are you?");
  message->is_flagged = TRUE;
  message->status = STORE_MESSAGE_STATUS_DATE_FALLBACK;
  message->message_id = g_strdup ("m1@example.com");
  g_clear_pointer (&message->raw, g_bytes_unref);
  message->raw = g_bytes_new_static (binary, sizeof binary);
  attachment = store_attachment_new ();
  attachment->filename = g_strdup ("../report.pdf");
  attachment->save_name = g_strdup ("report.pdf");
  attachment->content_type = g_strdup ("application/pdf");
  attachment->size = 12345;
  g_ptr_array_add (message->attachments, attachment);
  attachment = store_attachment_new ();
  attachment->save_name = g_strdup ("logo.png");
  attachment->content_type = g_strdup ("image/png");
  attachment->is_inline = TRUE;
  attachment->content_id = g_strdup ("logo@x");
  g_ptr_array_add (message->attachments, attachment);
  g_ptr_array_add (batch, message);

  /* Zero-length messages are mail too. */
  message = store_test_message (1700000001, "Empty", "", "");
  g_clear_pointer (&message->raw, g_bytes_unref);
  g_ptr_array_add (batch, message);

  ids = insert (fixture, fixture->inbox, batch);

  row = store_database_get_message (fixture->db, g_array_index (ids, gint64, 0),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (row->date, ==, 1700000000);
  g_assert_cmpint (row->folder_id, ==, fixture->inbox);
  g_assert_cmpint (row->account_id, ==, fixture->account);
  g_assert_cmpstr (row->from_name, ==, "Bob Example");
  g_assert_cmpstr (row->from_address, ==, "Bob.Example@example.com");
  g_assert_cmpstr (row->subject, ==, "Hello");
  g_assert_cmpstr (row->preview, ==, "How are you?");
  g_assert_cmpstr (row->message_id, ==, "m1@example.com");
  g_assert_false (row->is_read);
  g_assert_true (row->is_flagged);
  g_assert_true (row->has_attachment);
  g_assert_cmpint (row->status, ==, STORE_MESSAGE_STATUS_DATE_FALLBACK);
  g_assert_cmpuint (row->size, ==, sizeof binary);

  /* Bytes exactly as given: NUL, bare CR, 0xff, a dot line. */
  raw = store_database_get_raw (fixture->db, row->id, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), binary,
                   sizeof binary);

  empty_raw = store_database_get_raw (fixture->db,
                                      g_array_index (ids, gint64, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty_raw), ==, 0);

  attachments = store_database_get_attachments (fixture->db, row->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attachments->len, ==, 2);
  attachment = attachments->pdata[0];
  g_assert_cmpstr (attachment->filename, ==, "../report.pdf");
  g_assert_cmpstr (attachment->save_name, ==, "report.pdf");
  g_assert_cmpstr (attachment->content_type, ==, "application/pdf");
  g_assert_cmpuint (attachment->size, ==, 12345);
  g_assert_false (attachment->is_inline);
  attachment = attachments->pdata[1];
  g_assert_null (attachment->filename);
  g_assert_true (attachment->is_inline);
  g_assert_cmpstr (attachment->content_id, ==, "logo@x");

  g_assert_null (store_database_get_message (fixture->db, 42, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (store_database_get_raw (fixture->db, 42, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* The key orders by date whatever the insertion order, and messages of
 * one second keep their arrival order. */
static void
test_keys_order_by_date (Fixture *fixture, gconstpointer user_data)
{
  static const gint64   dates[] = { 1500000000, 1700000000, 900000000,
                                    1700000000, -5,         1700000000 };
  g_autoptr (GPtrArray) batch = new_batch ();
  g_autoptr (GArray)    ids = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  StoreView view = { .kind = STORE_VIEW_FOLDER, .folder_id = fixture->inbox };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *subject = g_strdup_printf ("m%u", i);

      g_ptr_array_add (batch, store_test_message (dates[i], "X", subject, "b"));
    }
  ids = insert (fixture, fixture->inbox, batch);

  for (guint i = 0; i < ids->len; i++)
    for (guint j = i + 1; j < ids->len; j++)
      g_assert_cmpint (g_array_index (ids, gint64, i), !=,
                       g_array_index (ids, gint64, j));

  rows = list (fixture, &view, 0, 100);
  g_assert_cmpuint (rows->len, ==, 6);
  g_assert_cmpstr (ROW (rows, 0)->subject, ==, "m5");
  g_assert_cmpstr (ROW (rows, 1)->subject, ==, "m3");
  g_assert_cmpstr (ROW (rows, 2)->subject, ==, "m1");
  g_assert_cmpstr (ROW (rows, 3)->subject, ==, "m0");
  g_assert_cmpstr (ROW (rows, 4)->subject, ==, "m2");
  g_assert_cmpstr (ROW (rows, 5)->subject, ==, "m4");
  /* A date before 1970 sorts first but keeps its own date. */
  g_assert_cmpint (ROW (rows, 5)->date, ==, -5);
}

static void
test_threads (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)       first = new_batch ();
  g_autoptr (GPtrArray)       second = new_batch ();
  g_autoptr (GArray)          ids1 = NULL;
  g_autoptr (GArray)          ids2 = NULL;
  g_autoptr (GPtrArray)       thread = NULL;
  g_autoptr (StoreMessageRow) root = NULL;
  g_autoptr (StoreMessageRow) reply = NULL;
  g_autoptr (StoreMessageRow) late_parent = NULL;
  g_autoptr (StoreMessageRow) other = NULL;
  StoreNewMessage            *message;
  GError                     *error = NULL;

  message = store_test_message (1000, "A", "Plans", "root");
  message->message_id = g_strdup ("root@x");
  g_ptr_array_add (first, message);
  /* A reply to a parent not yet here: known only by its References. */
  message = store_test_message (3000, "C", "Re: Plans", "grandchild");
  message->message_id = g_strdup ("grandchild@x");
  message->in_reply_to = g_strdup ("child@x");
  message->references = g_strsplit ("root@x child@x", " ", -1);
  g_ptr_array_add (first, message);
  message = store_test_message (3500, "D", "Unrelated", "other");
  message->message_id = g_strdup ("other@x");
  g_ptr_array_add (first, message);
  ids1 = insert (fixture, fixture->inbox, first);

  /* The parent arrives late, with only In-Reply-To. */
  message = store_test_message (2000, "B", "Re: Plans", "child");
  message->message_id = g_strdup ("child@x");
  message->in_reply_to = g_strdup ("root@x");
  g_ptr_array_add (second, message);
  ids2 = insert (fixture, fixture->inbox, second);

  root = store_database_get_message (fixture->db,
                                     g_array_index (ids1, gint64, 0), &error);
  reply = store_database_get_message (fixture->db,
                                      g_array_index (ids1, gint64, 1), &error);
  other = store_database_get_message (fixture->db,
                                      g_array_index (ids1, gint64, 2), &error);
  late_parent = store_database_get_message (
      fixture->db, g_array_index (ids2, gint64, 0), &error);
  g_assert_no_error (error);

  g_assert_cmpint (reply->thread_id, ==, root->thread_id);
  g_assert_cmpint (late_parent->thread_id, ==, root->thread_id);
  g_assert_cmpint (other->thread_id, !=, root->thread_id);

  thread = store_database_get_thread (fixture->db, root->thread_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (thread->len, ==, 3);
  g_assert_cmpstr (ROW (thread, 0)->preview, ==, "root");
  g_assert_cmpstr (ROW (thread, 1)->preview, ==, "child");
  g_assert_cmpstr (ROW (thread, 2)->preview, ==, "grandchild");
}

/* Two threads that a later message shows to be one are merged. */
static void
test_threads_merge (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)       batch = new_batch ();
  g_autoptr (GPtrArray)       bridge = new_batch ();
  g_autoptr (GArray)          ids = NULL;
  g_autoptr (GPtrArray)       thread = NULL;
  g_autoptr (StoreMessageRow) row = NULL;
  StoreNewMessage            *message;
  GError                     *error = NULL;

  message = store_test_message (1000, "A", "One", "a");
  message->message_id = g_strdup ("a@x");
  g_ptr_array_add (batch, message);
  message = store_test_message (2000, "B", "Re: One", "c");
  message->message_id = g_strdup ("c@x");
  message->in_reply_to = g_strdup ("b@x");
  g_ptr_array_add (batch, message);
  ids = insert (fixture, fixture->inbox, batch);

  message = store_test_message (1500, "A", "Re: One", "b");
  message->message_id = g_strdup ("b@x");
  message->references = g_strsplit ("a@x", " ", -1);
  g_ptr_array_add (bridge, message);
  g_array_unref (insert (fixture, fixture->inbox, bridge));

  row = store_database_get_message (fixture->db, g_array_index (ids, gint64, 1),
                                    &error);
  g_assert_no_error (error);
  thread = store_database_get_thread (fixture->db, row->thread_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (thread->len, ==, 3);
}

static void
test_flags_and_views (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)       batch = new_batch ();
  g_autoptr (GArray)          ids = NULL;
  g_autoptr (GArray)          some = NULL;
  g_autoptr (GArray)          bad = NULL;
  g_autoptr (GPtrArray)       rows = NULL;
  g_autoptr (StoreMessageRow) row = NULL;
  StoreView                   unread = { .kind = STORE_VIEW_UNREAD };
  StoreView                   flagged = { .kind = STORE_VIEW_FLAGGED };
  StoreView                   inbox_unread = { .kind = STORE_VIEW_FOLDER,
                                               .folder_id = fixture->inbox,
                                               .filter = STORE_FILTER_UNREAD };
  GError                     *error = NULL;
  gint64                      values[2];

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (batch, store_test_message (1000 + i, "X", "s", "b"));
  ids = insert (fixture, fixture->inbox, batch);
  g_assert_cmpuint (count (fixture, &unread), ==, 4);
  g_assert_cmpuint (count (fixture, &flagged), ==, 0);

  values[0] = g_array_index (ids, gint64, 0);
  values[1] = g_array_index (ids, gint64, 2);
  some = store_test_ids (2, values);
  g_assert_true (store_test_set_flags (
      fixture->db, some, STORE_FLAG_READ | STORE_FLAG_FLAGGED,
      STORE_FLAG_READ | STORE_FLAG_FLAGGED, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, &unread), ==, 2);
  g_assert_cmpuint (count (fixture, &inbox_unread), ==, 2);
  g_assert_cmpuint (count (fixture, &flagged), ==, 2);

  /* Only the masked flag changes. */
  g_assert_true (
      store_test_set_flags (fixture->db, some, STORE_FLAG_READ, 0, &error));
  g_assert_no_error (error);
  row = store_database_get_message (fixture->db, values[0], &error);
  g_assert_false (row->is_read);
  g_assert_true (row->is_flagged);

  rows = list (fixture, &flagged, 0, 10);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (ROW (rows, 0)->id, ==, values[1]);
  g_assert_cmpint (ROW (rows, 1)->id, ==, values[0]);

  /* Trashed mail leaves Unread and Flagged. */
  g_assert_true (store_test_trash (fixture->db, some, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, &flagged), ==, 0);
  g_assert_cmpuint (count (fixture, &unread), ==, 2);

  /* An unknown id changes nothing, not even the known ones. */
  values[1] = 12345;
  bad = store_test_ids (2, values);
  g_assert_false (
      store_test_set_flags (fixture->db, bad, STORE_FLAG_FLAGGED, 0, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&row, store_message_row_free);
  row = store_database_get_message (fixture->db, values[0], &error);
  g_assert_true (row->is_flagged);
}

static void
test_move_trash_delete (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)       batch = new_batch ();
  g_autoptr (GArray)          ids = NULL;
  g_autoptr (GArray)          first = NULL;
  g_autoptr (GArray)          second = NULL;
  g_autoptr (StoreMessageRow) row = NULL;
  StoreView inbox = { .kind = STORE_VIEW_FOLDER, .folder_id = fixture->inbox };
  StoreView all = { .kind = STORE_VIEW_ALL_INBOXES };
  StoreView trash = { .kind = STORE_VIEW_FOLDER, .folder_id = fixture->trash };
  StoreView archive = { .kind = STORE_VIEW_FOLDER,
                        .folder_id = fixture->archive };
  GError   *error = NULL;
  gint64    value;

  for (guint i = 0; i < 3; i++)
    {
      StoreNewMessage *message = store_test_message (1000 + i, "X", "s", "b");

      message->uidl = g_strdup_printf ("u%u", i);
      g_ptr_array_add (batch, message);
    }
  ids = insert (fixture, fixture->inbox, batch);
  g_assert_cmpuint (count (fixture, &all), ==, 3);

  value = g_array_index (ids, gint64, 0);
  first = store_test_ids (1, &value);
  g_assert_true (
      store_test_move (fixture->db, first, fixture->archive, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, &inbox), ==, 2);
  g_assert_cmpuint (count (fixture, &all), ==, 2);
  g_assert_cmpuint (count (fixture, &archive), ==, 1);

  /* Back to an Inbox: All Inboxes shows it again. */
  g_assert_true (store_test_move (fixture->db, first, fixture->inbox, &error));
  g_assert_cmpuint (count (fixture, &all), ==, 3);

  g_assert_false (store_test_move (fixture->db, first, 999, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (store_test_trash (fixture->db, first, &error));
  g_assert_cmpuint (count (fixture, &trash), ==, 1);
  g_assert_cmpuint (count (fixture, &all), ==, 2);

  /* Deleted for good: the ledger row stays, without its message. */
  value = g_array_index (ids, gint64, 1);
  second = store_test_ids (1, &value);
  g_assert_true (store_test_delete (fixture->db, second, &error));
  g_assert_no_error (error);
  g_assert_null (store_database_get_message (fixture->db, value, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM uidl_ledger"),
      ==, 3);
  g_assert_cmpint (
      store_test_sql_int (fixture->path,
                          "SELECT count(*) FROM uidl_ledger "
                          "WHERE message_id IS NULL AND uidl = 'u1'"),
      ==, 1);
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 2);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM message_bodies"),
      ==, 2);

  g_assert_true (store_test_empty_trash (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, &trash), ==, 0);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM messages"), ==,
      1);
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 1);
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM uidl_ledger "
                                       "WHERE message_id IS NULL"),
                   ==, 2);

  row = store_database_get_message (fixture->db, g_array_index (ids, gint64, 2),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (row->folder_id, ==, fixture->inbox);
}

static void
test_folders (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)   batch = new_batch ();
  g_autoptr (GArray)      ids = NULL;
  g_autoptr (GPtrArray)   folders = NULL;
  g_autoptr (StoreFolder) found = NULL;
  StoreView trash = { .kind = STORE_VIEW_FOLDER, .folder_id = fixture->trash };
  static const char *const bad_names[] = { "",     " lead",     "trail ", "a/b",
                                           "@all", "tab\there", "Inbox" };
  g_autofree char         *long_name = g_strnfill (201, 'x');
  GError                  *error = NULL;
  gint64                   receipts;
  gint64                   again;

  receipts = store_test_create_folder (fixture->db, "Receipts", &error);
  g_assert_no_error (error);
  g_assert_cmpint (receipts, >, 0);

  again = store_test_create_folder (fixture->db, "receipts", &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_EXISTS);
  g_assert_cmpint (again, ==, -1);
  g_clear_error (&error);
  store_test_create_folder (fixture->db, "Trash", &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_assert_cmpint (
          store_test_create_folder (fixture->db, bad_names[i], &error), ==, -1);
      g_assert_nonnull (error);
      g_assert_true (error->code == STORE_ERROR_INVALID ||
                     error->code == STORE_ERROR_EXISTS);
      g_clear_error (&error);
    }
  store_test_create_folder (fixture->db, long_name, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Folders are found by their full name, in any case. */
  found = store_database_find_folder (fixture->db, "HOME/inbox", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, fixture->inbox);
  g_assert_cmpstr (found->full_name, ==, "home/Inbox");
  g_assert_cmpint (found->role, ==, STORE_FOLDER_ROLE_INBOX);
  g_assert_null (store_database_find_folder (fixture->db, "Nowhere", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (
      store_test_rename_folder (fixture->db, receipts, "Bills", &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_folder_id (fixture->db, "bills"), ==, receipts);
  g_assert_false (
      store_test_rename_folder (fixture->db, fixture->trash, "Bin", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      store_test_rename_folder (fixture->db, receipts, "Archive", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* Deleting a folder sends its mail to Trash. */
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (batch, store_test_message (1000 + i, "X", "s", "b"));
  ids = insert (fixture, receipts, batch);
  folders = store_database_list_folders (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 4);
  g_assert_cmpstr (((StoreFolder *) folders->pdata[0])->full_name, ==,
                   "home/Inbox");
  g_assert_cmpstr (((StoreFolder *) folders->pdata[3])->full_name, ==, "Bills");
  g_assert_cmpuint (((StoreFolder *) folders->pdata[3])->total, ==, 2);
  g_assert_cmpuint (((StoreFolder *) folders->pdata[3])->unread, ==, 2);

  g_assert_true (store_test_delete_folder (fixture->db, receipts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, &trash), ==, 2);
  g_assert_false (
      store_test_delete_folder (fixture->db, fixture->inbox, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (store_test_delete_folder (fixture->db, receipts, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_accounts (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray)    batch = new_batch ();
  g_autoptr (GPtrArray)    accounts = NULL;
  g_autoptr (StoreAccount) work = NULL;
  StoreView                archive = { .kind = STORE_VIEW_FOLDER,
                                       .folder_id = fixture->archive };
  StoreView                all = { .kind = STORE_VIEW_ALL_INBOXES };
  GError                  *error = NULL;
  gint64                   work_id;
  gint64                   other_id;

  work_id = store_test_add_account (fixture->db, "Work", &error);
  g_assert_no_error (error);
  store_test_add_account (fixture->db, "WORK", &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_EXISTS);
  g_clear_error (&error);
  store_test_add_account (fixture->db, "a/b", &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  accounts = store_database_list_accounts (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 2);
  work = store_database_find_account (fixture->db, "work", &error);
  g_assert_no_error (error);
  g_assert_cmpint (work->id, ==, work_id);
  g_assert_cmpstr (work->email, ==, "Work@example.org");
  g_assert_cmpint (work->inbox_id, ==,
                   store_test_folder_id (fixture->db, "Work/Inbox"));

  for (guint i = 0; i < 3; i++)
    {
      StoreNewMessage *message = store_test_message (1000 + i, "X", "s", "b");

      message->uidl = g_strdup_printf ("w%u", i);
      g_ptr_array_add (batch, message);
    }
  g_array_unref (
      store_test_insert (fixture->db, work->inbox_id, work_id, batch, &error));
  g_assert_no_error (error);

  /* Kept mail goes to Archive; the ledger goes with the account. */
  g_assert_true (
      store_test_remove_account (fixture->db, work_id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (fixture, &archive), ==, 3);
  g_assert_cmpuint (count (fixture, &all), ==, 0);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM uidl_ledger"),
      ==, 0);
  g_assert_null (
      store_database_find_folder (fixture->db, "Work/Inbox", &error));
  g_clear_error (&error);

  /* Or it goes with the account. */
  other_id = store_test_add_account (fixture->db, "Other", &error);
  g_assert_no_error (error);
  g_array_unref (store_test_insert (
      fixture->db, store_test_folder_id (fixture->db, "Other/Inbox"), other_id,
      batch, &error));
  g_assert_no_error (error);
  g_assert_true (
      store_test_remove_account (fixture->db, other_id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM messages"), ==,
      3);
  g_assert_cmpint (store_test_index_count (fixture->db), ==, 3);

  g_assert_false (
      store_test_remove_account (fixture->db, other_id, FALSE, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* Every page of every order, by offset and by keyset, adds up to the
 * whole view in the same order. */
static void
test_paging (Fixture *fixture, gconstpointer user_data)
{
  static const char *const senders[] = { "Zoë", "adam", "Bea", "carl" };
  static const char *const subjects[] = { "Re: beta", "alpha", "AW: Gamma",
                                          "delta", "Fwd: re: alpha" };
  g_autoptr (GPtrArray)    batch = new_batch ();
  g_autoptr (GArray)       ids = NULL;
  GError                  *error = NULL;

  for (guint i = 0; i < 57; i++)
    {
      StoreNewMessage *message = store_test_message (
          1000 + (i * 37) % 101, senders[i % G_N_ELEMENTS (senders)],
          subjects[i % G_N_ELEMENTS (subjects)], "b");

      message->is_read = i % 3 == 0;
      g_ptr_array_add (batch, message);
    }
  ids = insert (fixture, fixture->inbox, batch);

  for (StoreSort sort = STORE_SORT_DATE; sort <= STORE_SORT_SUBJECT; sort++)
    for (int reversed = 0; reversed <= 1; reversed++)
      for (int filter = 0; filter <= 1; filter++)
        {
          StoreView             view = { .kind = STORE_VIEW_ALL_INBOXES,
                                         .sort = sort,
                                         .reversed = reversed,
                                         .filter = filter ? STORE_FILTER_UNREAD : 0 };
          g_autoptr (GPtrArray) whole = list (fixture, &view, 0, 1000);
          guint                 expected = filter ? 38 : 57;
          g_autoptr (GPtrArray) by_keyset = NULL;

          g_assert_cmpuint (whole->len, ==, expected);
          g_assert_cmpuint (count (fixture, &view), ==, expected);

          /* The order is what the sort says. */
          for (guint i = 1; i < whole->len; i++)
            {
              StoreMessageRow *a = whole->pdata[i - 1];
              StoreMessageRow *b = whole->pdata[i];
              int              cmp;

              if (sort == STORE_SORT_DATE)
                cmp = a->id < b->id ? -1 : 1;
              else if (sort == STORE_SORT_SENDER)
                cmp = g_strcmp0 (a->sort_sender, b->sort_sender);
              else
                cmp = g_strcmp0 (a->sort_subject, b->sort_subject);
              if (cmp == 0)
                cmp = a->id < b->id ? -1 : 1;

              if ((sort == STORE_SORT_DATE) != (reversed != 0))
                g_assert_cmpint (cmp, >, 0);
              else
                g_assert_cmpint (cmp, <, 0);
            }

          for (guint offset = 0; offset < expected; offset += 10)
            {
              g_autoptr (GPtrArray) page = list (fixture, &view, offset, 10);

              for (guint i = 0; i < page->len; i++)
                g_assert_cmpint (ROW (page, i)->id, ==,
                                 ROW (whole, offset + i)->id);
            }

          by_keyset = g_ptr_array_new_with_free_func (
              (GDestroyNotify) store_message_row_free);
          {
            g_autoptr (GPtrArray) page = list (fixture, &view, 0, 7);

            while (page->len > 0)
              {
                g_autoptr (GPtrArray) next = NULL;

                next = store_database_list_after (
                    fixture->db, &view, page->pdata[page->len - 1], 7, &error);
                g_assert_no_error (error);
                while (page->len > 0)
                  g_ptr_array_add (by_keyset,
                                   g_ptr_array_steal_index (page, 0));
                g_ptr_array_unref (page);
                page = g_steal_pointer (&next);
              }
          }
          g_assert_cmpuint (by_keyset->len, ==, expected);
          for (guint i = 0; i < expected; i++)
            g_assert_cmpint (ROW (by_keyset, i)->id, ==, ROW (whole, i)->id);
        }

  /* "Re: beta" sorts as "beta", "Fwd: re: alpha" as "alpha". */
  {
    StoreView             view = { .kind = STORE_VIEW_FOLDER,
                                   .folder_id = fixture->inbox,
                                   .sort = STORE_SORT_SUBJECT };
    g_autoptr (GPtrArray) page = list (fixture, &view, 0, 30);

    g_assert_cmpstr (ROW (page, 0)->sort_subject, ==, "alpha");
    g_assert_cmpstr (ROW (page, 23)->sort_subject, ==, "beta");
  }
}

static void
test_ledger_needs_account (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) batch = new_batch ();
  StoreNewMessage      *message = store_test_message (1, "X", "s", "b");
  GError               *error = NULL;

  message->uidl = g_strdup ("orphan");
  g_ptr_array_add (batch, store_test_message (1, "Y", "fine", "b"));
  g_ptr_array_add (batch, message);
  g_assert_null (
      store_test_insert (fixture->db, fixture->archive, 0, batch, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM messages"), ==,
      0);

  g_assert_null (
      store_test_insert (fixture->db, 4242, fixture->account, batch, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/messages/insert-and-read-back", test_insert_and_read_back);
  ADD ("/store/messages/keys-order-by-date", test_keys_order_by_date);
  ADD ("/store/messages/threads", test_threads);
  ADD ("/store/messages/read-raw-deleted", test_read_raw_deleted);
  ADD ("/store/messages/threads-merge", test_threads_merge);
  ADD ("/store/messages/flags-and-views", test_flags_and_views);
  ADD ("/store/messages/move-trash-delete", test_move_trash_delete);
  ADD ("/store/messages/folders", test_folders);
  ADD ("/store/messages/accounts", test_accounts);
  ADD ("/store/messages/paging", test_paging);
  ADD ("/store/messages/ledger-needs-account", test_ledger_needs_account);

#undef ADD

  return g_test_run ();
}
