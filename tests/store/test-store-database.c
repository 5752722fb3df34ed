/* test-store-database.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "pigeon-test-async.h"
#include "pigeon-test-files.h"
#include "store-database-private.h"
#include "store-error.h"
#include "store-test-sync.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  store_test_make_dir (&fixture->dir, &fixture->path);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  pigeon_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize            length = 0;
  GError          *error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents,
                                      length);
}

static void
test_open_creates_schema (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreDatabase) db = NULL;
  g_autoptr (GPtrArray)     folders = NULL;
  g_autofree char          *nested =
      g_build_filename (fixture->dir, "a", "b", "pigeon.db", NULL);
  g_autoptr (StoreDatabase) nested_db = NULL;
  GError                   *error = NULL;

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (store_database_get_schema_version (db), ==,
                    store_database_get_latest_schema_version ());
  g_assert_cmpuint (store_database_get_latest_schema_version (), >=, 1);
  g_assert_cmpstr (store_database_get_path (db), ==, fixture->path);

  g_assert_cmpint (store_test_sql_int (fixture->path, "PRAGMA user_version"),
                   ==, store_database_get_latest_schema_version ());
  /* WAL: readers never wait for the writer. */
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT journal_mode = 'wal' "
                                       "FROM pragma_journal_mode"),
                   ==, 1);

  folders = store_database_list_folders (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 2);
  g_assert_cmpstr (((StoreFolder *) folders->pdata[0])->name, ==, "Archive");
  g_assert_cmpstr (((StoreFolder *) folders->pdata[1])->name, ==, "Trash");

  /* The directory is made when missing. */
  nested_db = store_test_open (nested, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (nested, G_FILE_TEST_IS_REGULAR));
}

static void
test_open_keeps_data (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GBytes) raw = NULL;
  StoreDatabase     *db;
  GError            *error = NULL;
  gint64             archive;

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  archive = store_test_folder_id (db, "Archive");
  g_ptr_array_add (
      batch, store_test_message (1700000000, "Bob", "Kept", "still here"));
  ids = store_test_insert (db, archive, 0, batch, &error);
  g_assert_no_error (error);
  g_object_unref (db);

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  raw = store_database_get_raw (db, g_array_index (ids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_true (
      g_bytes_equal (raw, ((StoreNewMessage *) batch->pdata[0])->raw));
  g_object_unref (db);
}

static void
test_open_refuses_newer_schema (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreDatabase) db = NULL;
  g_autofree char          *before = NULL;
  g_autofree char          *after = NULL;
  g_autofree char          *sql = NULL;
  sqlite3                  *raw = NULL;
  GError                   *error = NULL;

  /* A store from a Pigeon of the future. */
  g_assert_cmpint (sqlite3_open (fixture->path, &raw), ==, SQLITE_OK);
  sql = g_strdup_printf ("CREATE TABLE future (x); PRAGMA user_version = %u",
                         store_database_get_latest_schema_version () + 1);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  before = file_checksum (fixture->path);

  db = store_test_open (fixture->path, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NEWER_SCHEMA);
  g_assert_null (db);
  g_assert_nonnull (strstr (error->message, "newer Pigeon"));
  g_clear_error (&error);

  after = file_checksum (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_open_refuses_garbage (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreDatabase) db = NULL;
  g_autofree char          *before = NULL;
  g_autofree char          *after = NULL;
  g_autoptr (GString)       junk = g_string_new (NULL);
  GError                   *error = NULL;

  for (guint i = 0; i < 4096; i++)
    g_string_append_c (junk, (char) (i * 7 + 3));
  g_file_set_contents (fixture->path, junk->str, (gssize) junk->len, &error);
  g_assert_no_error (error);
  before = file_checksum (fixture->path);

  db = store_test_open (fixture->path, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_CORRUPT);
  g_assert_null (db);
  g_assert_nonnull (strstr (error->message, "left as it is"));
  g_clear_error (&error);

  after = file_checksum (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

/* A store whose pages were damaged after it was written: opening may
 * succeed (the header is fine) but reading the damaged pages reports
 * STORE_ERROR_CORRUPT, and nothing writes over the file. */
static void
test_damaged_pages_reported (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (StoreDatabase) reopened = NULL;
  g_autoptr (GPtrArray)     rows = NULL;
  g_autofree char          *contents = NULL;
  g_autofree char          *before = NULL;
  g_autofree char          *after = NULL;
  StoreView                 view = { .kind = STORE_VIEW_FOLDER };
  StoreDatabase            *db;
  GError                   *error = NULL;
  gsize                     length = 0;
  guint64                   count;

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  view.folder_id = store_test_folder_id (db, "Archive");
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *body = g_strnfill (500, (char) ('a' + i % 26));

      g_ptr_array_add (
          batch, store_test_message (1600000000 + i, "Carol", "Filler", body));
    }
  g_array_unref (store_test_insert (db, view.folder_id, 0, batch, &error));
  g_assert_no_error (error);
  g_object_unref (db);

  /* Checkpointed into the main file on close; damage everything after
   * the first page (the header and schema stay readable). */
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 40960);
  for (gsize i = 8192; i < length; i++)
    contents[i] = (char) (0xA5 ^ (i & 0xff));
  g_file_set_contents (fixture->path, contents, (gssize) length, &error);
  g_assert_no_error (error);
  before = file_checksum (fixture->path);

  reopened = store_test_open (fixture->path, &error);
  if (reopened != NULL)
    {
      count = store_database_count (reopened, &view, &error);
      if (error == NULL)
        rows = store_database_list (reopened, &view, 0, 500, &error);
      g_assert_error (error, STORE_ERROR, STORE_ERROR_CORRUPT);
      (void) count;
    }
  else
    g_assert_error (error, STORE_ERROR, STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&reopened);

  after = file_checksum (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

/* The b-tree page in the middle of the messages table's leaves: a read
 * of the whole folder meets it, a new message (the newest) does not. */
static gint64
middle_message_leaf (const char *path)
{
  g_autoptr (GArray) pages = store_test_sql_ints (
      path, "SELECT pageno FROM dbstat WHERE name = 'messages' "
            "AND pagetype = 'leaf' ORDER BY path");

  g_assert_cmpuint (pages->len, >=, 3);
  return g_array_index (pages, gint64, pages->len / 2);
}

static GArray *
insert_durably (StoreDatabase *db,
                gint64         folder_id,
                gboolean       durable,
                gint64         date,
                GError       **error)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GAsyncResult) result = NULL;

  g_ptr_array_add (batch, store_test_message (date, "Dan", "New", "mail"));
  store_database_insert_async (db, folder_id, 0, batch, durable, NULL,
                               pigeon_test_store_result_cb, &result);
  return store_database_insert_finish (db, pigeon_test_wait_for (&result),
                                       error);
}

/* Once a read of the store's file meets a damaged page, the store takes
 * no durable commit, the one that lets the engine delete mail from a
 * server: that mail stays there. Other writes go on. */
static void
test_damage_refuses_durable (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (StoreDatabase) db = NULL;
  g_autoptr (GPtrArray)     rows = NULL;
  g_autoptr (GArray)        ids = NULL;
  StoreView                 view = { .kind = STORE_VIEW_FOLDER };
  gint64                    trash;
  GError                   *error = NULL;

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  view.folder_id = store_test_folder_id (db, "Archive");
  trash = store_test_folder_id (db, "Trash");
  for (guint i = 0; i < 400; i++)
    g_ptr_array_add (batch, store_test_message (1600000000 + i, "Carol",
                                                "Filler", "Some text"));
  g_array_unref (store_test_insert (db, view.folder_id, 0, batch, &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  store_test_overwrite_page (fixture->path,
                             middle_message_leaf (fixture->path));

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  /* the damage not met yet: a new message is stored durably */
  ids = insert_durably (db, trash, TRUE, 1700000000, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ids, g_array_unref);

  rows = store_database_list (db, &view, 0, 500, &error);
  g_assert_null (rows);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  ids = insert_durably (db, trash, TRUE, 1700000001, &error);
  g_assert_null (ids);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "stays on the server"));
  g_clear_error (&error);

  ids = insert_durably (db, trash, FALSE, 1700000002, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
}

static void
test_second_writer_refused (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreDatabase) first = NULL;
  g_autoptr (StoreDatabase) second = NULL;
  g_autoptr (StoreDatabase) third = NULL;
  g_autofree char *pid = g_strdup_printf ("process %d", (int) getpid ());
  GError          *error = NULL;

  first = store_test_open (fixture->path, &error);
  g_assert_no_error (error);

  second = store_test_open (fixture->path, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_LOCKED);
  g_assert_null (second);
  g_assert_nonnull (strstr (error->message, "another Pigeon"));
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  /* The lock goes with the store that held it. */
  g_clear_object (&first);
  third = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
set_max_pages (StoreDatabase *db, guint pages)
{
  g_autoptr (GAsyncResult) result = NULL;
  GError                  *error = NULL;

  _store_database_set_max_page_count (db, pages, NULL,
                                      pigeon_test_store_result_cb, &result);
  g_assert_true (_store_database_set_max_page_count_finish (
      db, pigeon_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

/* How many messages @query finds, once the index has caught up. */
static guint
search_count (StoreDatabase *db, const char *query)
{
  g_autoptr (GPtrArray) rows = NULL;
  GError               *error = NULL;

  rows = store_test_search (db, query, 100, &error);
  g_assert_no_error (error);
  return rows->len;
}

/* A full disk mid-batch: the batch goes as a whole, ledger rows and index
 * entries included, and the store takes the next batch once there is
 * room again. */
static void
test_full_disk_rolls_back (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (StoreDatabase) db = NULL;
  g_autoptr (GPtrArray)     small =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GPtrArray) big =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  StoreView          view = { .kind = STORE_VIEW_ALL_INBOXES };
  GError            *error = NULL;
  gint64             account;
  gint64             pages;

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  account = store_test_add_account (db, "work", &error);
  g_assert_no_error (error);

  g_ptr_array_add (small,
                   store_test_message (1700000000, "Dan", "First", "fits"));
  ((StoreNewMessage *) small->pdata[0])->uidl = g_strdup ("uidl-0");
  g_array_unref (store_test_insert (db, store_test_folder_id (db, "work/Inbox"),
                                    account, small, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *body = g_strnfill (20000, (char) ('a' + i % 26));
      StoreNewMessage *message =
          store_test_message (1700000100 + i, "Eve", "Big", body);
      StoreAttachment *attachment = store_attachment_new ();

      attachment->filename = g_strdup ("plans.pdf");
      attachment->save_name = g_strdup ("plans.pdf");
      attachment->content_type = g_strdup ("application/pdf");
      g_ptr_array_add (message->attachments, attachment);
      message->uidl = g_strdup_printf ("uidl-%u", i + 1);
      g_ptr_array_add (big, message);
    }

  pages = store_test_sql_int (fixture->path, "PRAGMA page_count");
  set_max_pages (db, (guint) pages + 20);
  ids = store_test_insert (db, store_test_folder_id (db, "work/Inbox"), account,
                           big, &error);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FULL);
  g_assert_null (ids);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  g_assert_cmpuint (store_database_count (db, &view, &error), ==, 1);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM uidl_ledger"),
      ==, 1);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM message_bodies"),
      ==, 1);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM attachments"),
      ==, 0);
  /* Nothing of the batch waits to be indexed, or was. */
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM index_log "
                                       "WHERE message_id NOT IN "
                                       "(SELECT id FROM messages)"),
                   ==, 0);
  g_assert_cmpuint (search_count (db, "plans"), ==, 0);
  g_assert_cmpuint (search_count (db, "first"), ==, 1);

  set_max_pages (db, 1000000);
  ids = store_test_insert (db, store_test_folder_id (db, "work/Inbox"), account,
                           big, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 50);
  g_assert_cmpuint (store_database_count (db, &view, &error), ==, 51);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM uidl_ledger"),
      ==, 51);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM attachments"),
      ==, 50);
  g_assert_cmpuint (search_count (db, "plans"), ==, 50);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Stores one message of about @megabytes MB in the account's Inbox. */
static void
insert_big (StoreDatabase *db, gint64 account, guint megabytes)
{
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autofree char   *body = g_strnfill (megabytes * 1024 * 1024, 'q');
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;

  g_ptr_array_add (batch, store_test_message (1700000000, "Ivy", "Big", body));
  ids = store_test_insert (db, store_test_folder_id (db, "work/Inbox"), account,
                           batch, &error);
  g_assert_no_error (error);
}

static StoreDatabase *
open_with_account (Fixture *fixture, gint64 *account)
{
  StoreDatabase *db;
  GError        *error = NULL;

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  *account = store_test_add_account (db, "work", &error);
  g_assert_no_error (error);
  return db;
}

/* The writer's commits go to the WAL; a thread of its own copies them
 * into the store's file (store-checkpointer.c): held, it copies nothing,
 * and let go, it copies them while the store stays open and nothing more
 * is written. */
static void
test_checkpoint_beside_writer (Fixture *fixture, gconstpointer user_data)
{
  gint64                    account;
  g_autoptr (StoreDatabase) db = open_with_account (fixture, &account);
  gint64                    before;
  gint64                    deadline;
  GError                   *error = NULL;

  /* 64 pages of 16 KiB: 1 MB; the writer never checkpoints itself. The
   * indexer's replay at open reads the store: done with before measuring,
   * so that no old snapshot holds a checkpoint back. */
  _store_database_set_checkpoint_pages (db, 64, G_MAXINT);
  _store_database_set_checkpoint_paused (db, TRUE);
  g_assert_true (store_test_flush_index (db, &error));
  g_assert_no_error (error);
  before = file_size (fixture->path);

  insert_big (db, account, 3);
  g_assert_cmpint (file_size (fixture->path), ==, before);

  _store_database_set_checkpoint_paused (db, FALSE);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (file_size (fixture->path) < before + 3 * 1024 * 1024 &&
         g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpint (file_size (fixture->path), >=, before + 3 * 1024 * 1024);
}

/* With the checkpoints behind (here: paused), the WAL stays bounded: a
 * commit that takes it past the most checkpoints in the writer. Below
 * that, nothing is copied: SQLite's own automatic checkpoint is off. */
static void
test_checkpoint_when_behind (Fixture *fixture, gconstpointer user_data)
{
  gint64                    account;
  g_autoptr (StoreDatabase) db = open_with_account (fixture, &account);
  gint64                    before;
  GError                   *error = NULL;

  _store_database_set_checkpoint_paused (db, TRUE);
  _store_database_set_checkpoint_pages (db, 64, 5000);
  g_assert_true (store_test_flush_index (db, &error));
  g_assert_no_error (error);
  before = file_size (fixture->path);

  /* 18 MB of 16 KB pages: past SQLite's own 1,000 pages, short of the
   * most here. */
  insert_big (db, account, 18);
  g_assert_cmpint (file_size (fixture->path), ==, before);

  _store_database_set_checkpoint_pages (db, 64, 1500);
  insert_big (db, account, 8);
  g_assert_cmpint (file_size (fixture->path), >=, before + 26 * 1024 * 1024);
}

/* A WAL that grew during a long run of commits keeps its size when it
 * starts again from its beginning: rewriting pages the kernel holds
 * costs a tenth of writing new ones (store-database.c). */
static void
test_wal_kept_when_restarted (Fixture *fixture, gconstpointer user_data)
{
  gint64                    account;
  g_autoptr (StoreDatabase) db = open_with_account (fixture, &account);
  g_autofree char          *wal = g_strconcat (fixture->path, "-wal", NULL);
  gint64                    before;
  GError                   *error = NULL;

  _store_database_set_checkpoint_paused (db, TRUE);
  _store_database_set_checkpoint_pages (db, 64, G_MAXINT);
  g_assert_true (store_test_flush_index (db, &error));
  g_assert_no_error (error);
  before = file_size (fixture->path);

  /* 96 MB: past the 64 MB the WAL used to be cut back to. */
  for (guint i = 0; i < 4; i++)
    insert_big (db, account, 24);
  g_assert_cmpint (file_size (wal), >=, 96 * 1024 * 1024);

  /* The next commit copies the WAL in the writer; the one after starts
   * it again from its beginning. */
  _store_database_set_checkpoint_pages (db, 64, 1);
  insert_big (db, account, 1);
  g_assert_cmpint (file_size (fixture->path), >=, before + 97 * 1024 * 1024);
  insert_big (db, account, 1);
  g_assert_cmpint (file_size (wal), >=, 96 * 1024 * 1024);
}

/* A store written by the first released schema opens with today's code,
 * upgraded, with everything in it. */
static void
test_upgrade_released_schema (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "store",
                                                   "schema-001.db", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (StoreDatabase) db = NULL;
  g_autoptr (GPtrArray)     rows = NULL;
  g_autoptr (GPtrArray)     found = NULL;
  g_autoptr (GPtrArray)     folders = NULL;
  g_autoptr (GBytes)        raw = NULL;
  StoreView                 inbox = { .kind = STORE_VIEW_FOLDER };
  g_autoptr (StoreAccount)  home = NULL;
  const StoreMessageRow    *reply;
  const StoreMessageRow    *root;
  GError                   *error = NULL;
  gsize                     length = 0;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_true (
      g_file_set_contents (fixture->path, contents, (gssize) length, &error));
  g_assert_no_error (error);

  db = store_test_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (store_database_get_schema_version (db), ==,
                    store_database_get_latest_schema_version ());

  folders = store_database_list_folders (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 4);

  inbox.folder_id = store_test_folder_id (db, "home/Inbox");
  rows = store_database_list (db, &inbox, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  reply = rows->pdata[0];
  root = rows->pdata[1];
  g_assert_cmpstr (reply->subject, ==, "Re: Résumé attached");
  g_assert_true (reply->is_read);
  g_assert_cmpstr (root->from_name, ==, "Zoë Ångström");
  g_assert_true (root->is_flagged);
  g_assert_false (root->is_read);
  g_assert_cmpint (root->date, ==, 1577836800);
  g_assert_cmpint (reply->thread_id, ==, root->thread_id);

  raw = store_database_get_raw (db, root->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (raw, NULL),
                                  (gssize) g_bytes_get_size (raw),
                                  "Subject: Résumé attached\r\n"));

  /* The index of schema 001 was logged again by migration 002 and built
   * into the new index file from the log, which is then trimmed. */
  found = store_test_search (db, "resume", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (store_test_index_count (db), ==, 2);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM index_log"), ==,
      0);
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM sqlite_master "
                                       "WHERE name = 'messages_fts'"),
                   ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  /* A body text that log held is indexed from it: no engine is there to
   * read it again from the message. */
  found = store_test_search (db, "body:attached", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = store_test_search (db, "from:zoe", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (
      store_test_sql_int (fixture->path, "SELECT count(*) FROM uidl_ledger"),
      ==, 2);

  /* Migration 004: an import's lookup of a copy (Message-ID, folder,
   * size, date) has an index of its own, which replaces the one on Message-ID
   * alone. */
  g_assert_cmpint (
      store_test_sql_int (
          fixture->path,
          "SELECT count(*) FROM pragma_index_info('messages_copy') "
          "WHERE (seqno, name) IN (VALUES (0, 'message_id'), "
          "(1, 'folder_id'), (2, 'size'), (3, 'date'))"),
      ==, 4);
  g_assert_cmpint (store_test_sql_int (fixture->path,
                                       "SELECT count(*) FROM sqlite_master "
                                       "WHERE name = 'messages_message_id'"),
                   ==, 0);

  /* Accounts from before settings existed get a uuid (their keyring key)
   * and the defaults of a new account. */
  home = store_database_find_account (db, "home", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (home->uuid), ==, 32);
  g_assert_cmpuint (home->port, ==, 995);
  g_assert_cmpstr (home->security, ==, "tls");
  g_assert_cmpuint (home->check_interval, ==, 10);
  g_assert_true (home->enabled);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/database/open/creates-schema", test_open_creates_schema);
  ADD ("/store/database/open/keeps-data", test_open_keeps_data);
  ADD ("/store/database/open/refuses-newer-schema",
       test_open_refuses_newer_schema);
  ADD ("/store/database/open/refuses-garbage", test_open_refuses_garbage);
  ADD ("/store/database/damaged-pages-reported", test_damaged_pages_reported);
  ADD ("/store/database/damage-refuses-durable", test_damage_refuses_durable);
  ADD ("/store/database/second-writer-refused", test_second_writer_refused);
  ADD ("/store/database/full-disk-rolls-back", test_full_disk_rolls_back);
  ADD ("/store/database/checkpoint-beside-writer",
       test_checkpoint_beside_writer);
  ADD ("/store/database/checkpoint-when-behind", test_checkpoint_when_behind);
  ADD ("/store/database/wal-kept-when-restarted", test_wal_kept_when_restarted);
  ADD ("/store/database/upgrade-released-schema", test_upgrade_released_schema);

#undef ADD

  return g_test_run ();
}
