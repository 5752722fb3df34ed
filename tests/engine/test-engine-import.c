/* test-engine-import.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <utime.h>

#include "engine-error.h"
#include "engine-export.h"
#include "engine-import.h"
#include "pigeon-test-async.h"
#include "pigeon-test-files.h"
#include "store-test-sync.h"

typedef struct
{
  char          *dir;
  StoreDatabase *db;
  gint64         archive;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *path = NULL;
  GError          *error = NULL;

  fixture->dir = g_dir_make_tmp ("pigeon-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "pigeon.db", NULL);
  fixture->db = store_test_open (path, &error);
  g_assert_no_error (error);
  fixture->archive = store_test_folder_id (fixture->db, "Archive");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_clear_object (&fixture->db);
  pigeon_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
import_counting (Fixture    *fixture,
                 const char *path,
                 gint64      folder,
                 guint64    *imported,
                 guint64    *skipped,
                 GError    **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_import_async (fixture->db, path, folder, NULL, NULL, NULL,
                       pigeon_test_store_result_cb, &result);
  return engine_import_finish (pigeon_test_wait_for (&result), imported,
                               skipped, error);
}

static gboolean
import (Fixture    *fixture,
        const char *path,
        gint64      folder,
        guint64    *imported,
        GError    **error)
{
  return import_counting (fixture, path, folder, imported, NULL, error);
}

static gboolean export(Fixture           *fixture,
                       gint64             folder,
                       EngineExportFormat format,
                       const char        *path,
                       guint64           *exported,
                       GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  engine_export_async (fixture->db, folder, format, path, NULL, NULL, NULL,
                       pigeon_test_store_result_cb, &result);
  return engine_export_finish (pigeon_test_wait_for (&result), exported, error);
}

/* sha256 -> how many files in @dir have it. */
static GHashTable *
checksums_of (const char *dir, const char *suffix)
{
  GHashTable *sums =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char      *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize            length = 0;
      char            *sum;

      if (!g_str_has_suffix (name, suffix))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents,
                                         length);
      g_hash_table_insert (
          sums, sum,
          GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (sums, sum)) +
                            1));
    }

  return sums;
}

static gboolean
same_checksums (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (b, key) != value)
      return FALSE;
  return TRUE;
}

/* The corpus, imported as .eml files, exported to .eml, to mbox, back in
 * from mbox and out again: every message byte-identical each way, save
 * the one line end an mbox must add to 046 (it has none at the end). */
static void
test_round_trip (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *corpus =
      g_test_build_filename (G_TEST_DIST, "data", "mail", NULL);
  g_autofree char *eml_out = g_build_filename (fixture->dir, "eml", NULL);
  g_autofree char *mbox = g_build_filename (fixture->dir, "all.mbox", NULL);
  g_autofree char *eml_again =
      g_build_filename (fixture->dir, "eml-again", NULL);
  g_autofree char *no_newline_path =
      g_build_filename (corpus, "046-no-final-newline.eml", NULL);
  g_autofree char       *no_newline = NULL;
  g_autofree char       *fixed = NULL;
  g_autoptr (GHashTable) original = checksums_of (corpus, ".eml");
  g_autoptr (GHashTable) first = NULL;
  g_autoptr (GHashTable) second = NULL;
  StoreView              archive = { .kind = STORE_VIEW_FOLDER,
                                     .folder_id = fixture->archive };
  StoreView              again = { .kind = STORE_VIEW_FOLDER };
  gsize                  length = 0;
  guint64                count = 0;
  GError                *error = NULL;
  char                  *old_sum;

  g_assert_cmpuint (g_hash_table_size (original), ==, 65);

  g_assert_true (import (fixture, corpus, fixture->archive, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 65);
  g_assert_cmpuint (store_database_count (fixture->db, &archive, &error), ==,
                    65);

  g_assert_true (export(fixture, fixture->archive, ENGINE_EXPORT_EML, eml_out,
                        &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 65);
  first = checksums_of (eml_out, ".eml");
  g_assert_true (same_checksums (original, first));

  g_assert_true (export(fixture, fixture->archive, ENGINE_EXPORT_MBOX, mbox,
                        &count, &error));
  g_assert_no_error (error);
  again.folder_id = store_test_create_folder (fixture->db, "Again", &error);
  g_assert_true (import (fixture, mbox, again.folder_id, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 65);
  g_assert_cmpuint (store_database_count (fixture->db, &again, &error), ==, 65);

  g_assert_true (export(fixture, again.folder_id, ENGINE_EXPORT_EML, eml_again,
                        &count, &error));
  g_assert_no_error (error);
  second = checksums_of (eml_again, ".eml");

  /* What the mbox changed: 046 gained the CRLF it lacked. */
  g_assert_true (
      g_file_get_contents (no_newline_path, &no_newline, &length, NULL));
  g_assert_cmpint (no_newline[length - 1], !=, '\n');
  fixed = g_strconcat (no_newline, "\r\n", NULL);
  old_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                         (guchar *) no_newline, length);
  g_hash_table_remove (original, old_sum);
  g_free (old_sum);
  g_hash_table_insert (original,
                       g_compute_checksum_for_data (
                           G_CHECKSUM_SHA256, (guchar *) fixed, length + 2),
                       GUINT_TO_POINTER (1));
  g_assert_true (same_checksums (original, second));
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GError          *error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static GPtrArray *
rows_of (Fixture *fixture, gint64 folder)
{
  StoreView  view = { .kind = STORE_VIEW_FOLDER,
                      .folder_id = folder,
                      .sort = STORE_SORT_SUBJECT };
  GError    *error = NULL;
  GPtrArray *rows = store_database_list (fixture->db, &view, 0, 5000, &error);

  g_assert_no_error (error);
  return rows;
}

#define ROW(rows, i) ((StoreMessageRow *) (rows)->pdata[i])

static void
test_maildir_flags (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *maildir = g_build_filename (fixture->dir, "md", NULL);
  g_autofree char *cur = g_build_filename (maildir, "cur", NULL);
  g_autofree char *new = g_build_filename (maildir, "new", NULL);
  g_autoptr (GPtrArray) rows = NULL;
  guint64               count = 0;
  GError               *error = NULL;

  g_mkdir_with_parents (cur, 0700);
  g_mkdir_with_parents (new, 0700);
  write_file (new, "1.host", "Subject: a new\n\nfresh\n");
  write_file (cur, "2.host:2,S", "Subject: b seen\n\nread\n");
  write_file (cur, "3.host,S=30:2,FS", "Subject: c flagged\n\nstarred\n");
  write_file (cur, "4.host:2,", "Subject: d old unread\n\nnot yet\n");

  g_assert_true (import (fixture, maildir, fixture->archive, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 4);

  rows = rows_of (fixture, fixture->archive);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (ROW (rows, 0)->subject, ==, "a new");
  g_assert_false (ROW (rows, 0)->is_read);
  g_assert_true (ROW (rows, 1)->is_read);
  g_assert_false (ROW (rows, 1)->is_flagged);
  g_assert_true (ROW (rows, 2)->is_read);
  g_assert_true (ROW (rows, 2)->is_flagged);
  g_assert_false (ROW (rows, 3)->is_read);
}

/* Mail the user had deleted in their old client (flag 'T', not yet
 * expunged) goes to the local Trash, not back among the kept mail; the
 * counts take in both. With more than a batch, the two interleave. */
static void
test_maildir_trashed (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char      *maildir = g_build_filename (fixture->dir, "md", NULL);
  g_autofree char      *cur = g_build_filename (maildir, "cur", NULL);
  gint64                trash = store_test_folder_id (fixture->db, "Trash");
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (GPtrArray) trashed = NULL;
  guint64               count = 0;
  GError               *error = NULL;

  g_mkdir_with_parents (cur, 0700);
  for (guint i = 0; i < 1200; i++)
    {
      g_autofree char *name =
          g_strdup_printf ("%u.host:2,%s", i, i % 4 == 0 ? "ST" : "S");
      g_autofree char *contents = g_strdup_printf (
          "Subject: %s %04u\n\nbody\n", i % 4 == 0 ? "gone" : "kept", i);

      write_file (cur, name, contents);
    }

  g_assert_true (import (fixture, maildir, fixture->archive, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1200);

  kept = rows_of (fixture, fixture->archive);
  trashed = rows_of (fixture, trash);
  g_assert_cmpuint (kept->len, ==, 900);
  g_assert_cmpuint (trashed->len, ==, 300);
  for (guint i = 0; i < kept->len; i++)
    g_assert_true (g_str_has_prefix (ROW (kept, i)->subject, "kept "));
  for (guint i = 0; i < trashed->len; i++)
    {
      g_assert_true (g_str_has_prefix (ROW (trashed, i)->subject, "gone "));
      g_assert_true (ROW (trashed, i)->is_read);
    }
}

typedef struct
{
  char    *cur;
  gboolean done;
} Meddler;

/* After the first batch is stored, another program works in the Maildir
 * ahead of the import: it renames one message to flag it, moves one
 * from new/ to cur/, and deletes one. */
static void
meddle (guint64 done, gpointer user_data)
{
  Meddler         *meddler = user_data;
  g_autofree char *renamed =
      g_build_filename (meddler->cur, "1100.host:2,S", NULL);
  g_autofree char *flagged =
      g_build_filename (meddler->cur, "1100.host:2,FS", NULL);
  g_autofree char *fresh =
      g_build_filename (meddler->cur, "..", "new", "1120.host", NULL);
  g_autofree char *seen =
      g_build_filename (meddler->cur, "1120.host:2,S", NULL);
  g_autofree char *deleted =
      g_build_filename (meddler->cur, "1150.host:2,S", NULL);

  if (meddler->done)
    return;
  meddler->done = TRUE;
  g_assert_cmpint (g_rename (renamed, flagged), ==, 0);
  g_assert_cmpint (g_rename (fresh, seen), ==, 0);
  g_assert_cmpint (g_unlink (deleted), ==, 0);
}

/* A Maildir another program works in while it is imported: a message
 * renamed or moved is found under its new name, with its new flags; one
 * deleted is left out and counted, and the import goes on. */
static void
test_maildir_changing (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *maildir = g_build_filename (fixture->dir, "md", NULL);
  g_autofree char *new = g_build_filename (maildir, "new", NULL);
  Meddler meddler = { g_build_filename (maildir, "cur", NULL), FALSE };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray)    rows = NULL;
  guint64                  imported = 0;
  guint64                  skipped = 0;
  GError                  *error = NULL;

  g_mkdir_with_parents (meddler.cur, 0700);
  g_mkdir_with_parents (new, 0700);
  for (guint i = 0; i < 1200; i++)
    {
      /* padded: the import reads in file name order */
      g_autofree char *name =
          g_strdup_printf (i == 1120 ? "%04u.host" : "%04u.host:2,S", i);
      g_autofree char *contents =
          g_strdup_printf ("Subject: m%04u\n\nbody %u\n", i, i);

      write_file (i == 1120 ? new : meddler.cur, name, contents);
    }

  engine_import_async (fixture->db, maildir, fixture->archive, meddle, &meddler,
                       NULL, pigeon_test_store_result_cb, &result);
  g_assert_true (engine_import_finish (pigeon_test_wait_for (&result),
                                       &imported, &skipped, &error));
  g_assert_no_error (error);
  g_assert_true (meddler.done);
  g_assert_cmpuint (imported, ==, 1199);
  g_assert_cmpuint (skipped, ==, 1);

  rows = rows_of (fixture, fixture->archive);
  g_assert_cmpuint (rows->len, ==, 1199);
  for (guint i = 0; i < rows->len; i++)
    {
      const StoreMessageRow *row = ROW (rows, i);

      g_assert_cmpstr (row->subject, !=, "m1150");
      if (g_str_equal (row->subject, "m1100"))
        g_assert_true (row->is_flagged);
      if (g_str_equal (row->subject, "m1120"))
        g_assert_true (row->is_read);
    }
  g_free (meddler.cur);
}

/* The import asks the disk for the files ahead of the one it reads: a
 * Maildir several times larger than that window still gives every
 * message once, each with its own file's flags. */
static void
test_maildir_beyond_read_ahead (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char      *maildir = g_build_filename (fixture->dir, "md", NULL);
  g_autofree char      *cur = g_build_filename (maildir, "cur", NULL);
  StoreView             view = { .kind = STORE_VIEW_FOLDER,
                                 .folder_id = fixture->archive,
                                 .sort = STORE_SORT_SUBJECT };
  const guint           total = 333;
  g_autoptr (GPtrArray) rows = NULL;
  guint64               count = 0;
  GError               *error = NULL;

  g_mkdir_with_parents (cur, 0700);
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *name =
          g_strdup_printf ("%u.host:2,%s", i, i % 3 == 0 ? "S" : "");
      g_autofree char *contents =
          g_strdup_printf ("Subject: m%03u\n\nbody %u\n", i, i);

      write_file (cur, name, contents);
    }

  g_assert_true (import (fixture, maildir, fixture->archive, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, total);

  rows = store_database_list (fixture->db, &view, 0, total + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, total);
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *subject = g_strdup_printf ("m%03u", i);

      g_assert_cmpstr (ROW (rows, i)->subject, ==, subject);
      g_assert_cmpint (ROW (rows, i)->is_read, ==, i % 3 == 0);
    }
}

static guint
open_files (void)
{
  g_autoptr (GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
  guint            n = 0;

  g_assert_nonnull (fds);
  while (g_dir_read_name (fds) != NULL)
    n++;
  return n;
}

static void
cancel_cb (guint64 done, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* The files asked for ahead of the read stay open for it: an import
 * cancelled after its first batch, with files still asked for, closes
 * them all, and what it stored stays. */
static void
test_maildir_cancelled_closes_files (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *maildir = g_build_filename (fixture->dir, "md", NULL);
  g_autofree char *cur = g_build_filename (maildir, "cur", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray)    rows = NULL;
  GError                  *error = NULL;
  guint                    before;

  g_mkdir_with_parents (cur, 0700);
  for (guint i = 0; i < 1200; i++)
    {
      g_autofree char *name = g_strdup_printf ("%04u.host:2,S", i);
      g_autofree char *contents =
          g_strdup_printf ("Subject: m%04u\n\nbody %u\n", i, i);

      write_file (cur, name, contents);
    }

  before = open_files ();
  engine_import_async (fixture->db, maildir, fixture->archive, cancel_cb,
                       cancellable, cancellable, pigeon_test_store_result_cb,
                       &result);
  g_assert_false (engine_import_finish (pigeon_test_wait_for (&result), NULL,
                                        NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (open_files (), ==, before);

  rows = rows_of (fixture, fixture->archive);
  g_assert_cmpuint (rows->len, >=, 1);
  g_assert_cmpuint (rows->len, <, 1200);
}

/* A folder of saved messages: .eml in any case, each once; what only
 * looks like one (a directory, a dotfile) is left out rather than failing
 * the import halfway. A message without a Date is dated by its file. */
static void
test_eml_folder (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char      *dir = g_build_filename (fixture->dir, "saved", NULL);
  g_autofree char      *sub = g_build_filename (dir, "old.eml", NULL);
  g_autofree char      *undated = g_build_filename (dir, "b.eml", NULL);
  struct utimbuf        times = { .actime = 1600000000, .modtime = 1600000000 };
  g_autoptr (GPtrArray) rows = NULL;
  guint64               count = 0;
  GError               *error = NULL;

  g_mkdir_with_parents (sub, 0700);
  write_file (dir, "A.EML",
              "Subject: a shouting\nDate: Tue, 1 Sep 2020 "
              "10:00:00 +0000\n\nfrom Outlook\n");
  write_file (dir, "b.eml", "Subject: b undated\n\nno date\n");
  write_file (dir, ".c.eml", "Subject: c hidden\n\nleftover\n");
  write_file (sub, "d.eml", "Subject: d below\n\nnot this folder\n");
  g_assert_cmpint (g_utime (undated, &times), ==, 0);

  g_assert_true (import (fixture, dir, fixture->archive, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);

  rows = rows_of (fixture, fixture->archive);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (ROW (rows, 0)->subject, ==, "a shouting");
  g_assert_cmpstr (ROW (rows, 1)->subject, ==, "b undated");
  g_assert_cmpint (ROW (rows, 1)->date, ==, 1600000000);
}

/* Only .EML files in upper case: still a folder of messages. */
static void
test_eml_folder_upper_case (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "outlook", NULL);
  guint64          count = 0;
  GError          *error = NULL;

  g_mkdir_with_parents (dir, 0700);
  write_file (dir, "ONE.EML", "Subject: one\n\nfirst\n");
  write_file (dir, "TWO.Eml", "Subject: two\n\nsecond\n");
  g_assert_true (import (fixture, dir, fixture->archive, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);
}

/* Thunderbird's and mutt's status headers carry the states of mbox
 * mail; the date of the From_ line is the time received. */
static void
test_mbox_status_headers (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GPtrArray) rows = NULL;
  guint64               count = 0;
  GError               *error = NULL;

  write_file (fixture->dir, "local.mbox",
              "From - Mon Jan  1 10:00:00 2024\n"
              "X-Mozilla-Status: 0005\n"
              "Subject: a read and marked\n\nbody\n\n"
              "From - Mon Jan  1 11:00:00 2024\n"
              "X-Mozilla-Status: 0000\n"
              "Subject: b unread\n\nbody\n\n"
              "From bob@example.com Mon Jan  1 12:00:00 2024\n"
              "Status: RO\nX-Status: F\n"
              "Subject: c mutt read flagged\n\nbody\n\n"
              "From bob@example.com Mon Jan  1 13:00:00 2024\n"
              "Status: O\n"
              "Subject: d mutt old unread\n\n"
              "X-Mozilla-Status: 0001 in the body is no header\n");
  {
    g_autofree char *path = g_build_filename (fixture->dir, "local.mbox", NULL);

    g_assert_true (import (fixture, path, fixture->archive, &count, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 4);

  rows = rows_of (fixture, fixture->archive);
  g_assert_true (ROW (rows, 0)->is_read);
  g_assert_true (ROW (rows, 0)->is_flagged);
  g_assert_false (ROW (rows, 1)->is_read);
  g_assert_false (ROW (rows, 1)->is_flagged);
  g_assert_true (ROW (rows, 2)->is_read);
  g_assert_true (ROW (rows, 2)->is_flagged);
  g_assert_false (ROW (rows, 3)->is_read);
  /* No Date header: the From_ line's time, flagged as a fallback. */
  g_assert_cmpint (ROW (rows, 3)->date, ==, 1704114000);
  g_assert_cmpint (ROW (rows, 3)->status & STORE_MESSAGE_STATUS_DATE_FALLBACK,
                   !=, 0);
}

/* Importing again brings in only what is missing: a message the folder
 * holds byte for byte (Message-ID and bytes) is left out, this file's
 * own second copy included; one that differs in a byte, or has no
 * Message-ID, comes in; another folder takes its own copy. */
static void
test_import_again (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "again.mbox", NULL);
  g_autofree char *first = g_build_filename (fixture->dir, "first.mbox", NULL);
  gint64 other = store_test_create_folder (fixture->db, "Other", NULL);
  g_autoptr (GPtrArray) rows = NULL;
  guint64               imported = 0;
  guint64               skipped = 0;
  GError               *error = NULL;

  write_file (fixture->dir, "first.mbox",
              "From a Mon Jan  1 10:00:00 2024\n"
              "Message-ID: <one@example.org>\nSubject: one\n\nbody\n");
  write_file (fixture->dir, "again.mbox",
              "From a Mon Jan  1 10:00:00 2024\n"
              "Message-ID: <one@example.org>\nSubject: one\n\nbody\n\n"
              "From a Mon Jan  1 10:00:00 2024\n"
              "Message-ID: <one@example.org>\nSubject: one\n\nbodY\n\n"
              "From a Mon Jan  1 11:00:00 2024\n"
              "Message-ID: <two@example.org>\nSubject: two\n\nbody\n\n"
              "From a Mon Jan  1 11:00:00 2024\n"
              "Message-ID: <two@example.org>\nSubject: two\n\nbody\n\n"
              "From a Mon Jan  1 12:00:00 2024\n"
              "Subject: no id\n\nbody\n");

  g_assert_true (import_counting (fixture, first, fixture->archive, &imported,
                                  &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 1);
  g_assert_cmpuint (skipped, ==, 0);

  /* one: held already; its one-byte twin: new; two: new, then its copy
   * in the same file left out; no id: new */
  g_assert_true (import_counting (fixture, path, fixture->archive, &imported,
                                  &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 3);
  g_assert_cmpuint (skipped, ==, 2);
  rows = rows_of (fixture, fixture->archive);
  g_assert_cmpuint (rows->len, ==, 4);

  /* again: only the message without a Message-ID can come in twice */
  g_assert_true (import_counting (fixture, path, fixture->archive, &imported,
                                  &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 1);
  g_assert_cmpuint (skipped, ==, 4);

  g_assert_true (
      import_counting (fixture, path, other, &imported, &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 4);
  g_assert_cmpuint (skipped, ==, 1);
}

/* What is not mail is refused with a reason, and nothing is stored. */
static void
test_refuses_what_is_not_mail (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *missing =
      g_build_filename (fixture->dir, "nothing-here", NULL);
  g_autofree char  *binary = g_build_filename (fixture->dir, "photo.jpg", NULL);
  static const char jpeg[] = { (char) 0xff, (char) 0xd8, (char) 0xff, 0, 1, 2 };
  StoreView         archive = { .kind = STORE_VIEW_FOLDER,
                                .folder_id = fixture->archive };
  GError           *error = NULL;

  g_assert_false (import (fixture, missing, fixture->archive, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_file_set_contents (binary, jpeg, sizeof jpeg, &error);
  g_assert_no_error (error);
  g_assert_false (import (fixture, binary, fixture->archive, NULL, &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL);
  g_assert_nonnull (strstr (error->message, "photo.jpg"));
  g_clear_error (&error);

  g_assert_cmpuint (store_database_count (fixture->db, &archive, &error), ==,
                    0);
}

/* An export never writes over a file; a folder that does not exist is
 * an error, not an empty export. */
static void
test_export_never_overwrites (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *mbox = g_build_filename (fixture->dir, "keep.mbox", NULL);
  g_autofree char *eml = g_build_filename (fixture->dir, "eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) batch =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_new_message_free);
  g_autoptr (GArray) ids = NULL;
  g_autofree char   *clash = NULL;
  GError            *error = NULL;

  write_file (fixture->dir, "keep.mbox", "precious");
  g_assert_false (export(fixture, fixture->archive, ENGINE_EXPORT_MBOX, mbox,
                         NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (mbox, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");

  g_ptr_array_add (batch, store_test_message (1000, "X", "s", "b"));
  ids = store_test_insert (fixture->db, fixture->archive, 0, batch, &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (eml, 0700);
  clash = g_strdup_printf ("%" G_GINT64_FORMAT ".eml",
                           g_array_index (ids, gint64, 0));
  write_file (eml, clash, "mine");
  g_assert_false (
      export(fixture, fixture->archive, ENGINE_EXPORT_EML, eml, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine/import/again", test_import_again);
  ADD ("/engine/import/round-trip", test_round_trip);
  ADD ("/engine/import/maildir-flags", test_maildir_flags);
  ADD ("/engine/import/maildir-trashed", test_maildir_trashed);
  ADD ("/engine/import/maildir-changing", test_maildir_changing);
  ADD ("/engine/import/mbox-status-headers", test_mbox_status_headers);
  ADD ("/engine/import/eml-folder", test_eml_folder);
  ADD ("/engine/import/maildir-cancelled-closes-files",
       test_maildir_cancelled_closes_files);
  ADD ("/engine/import/eml-folder-upper-case", test_eml_folder_upper_case);
  ADD ("/engine/import/maildir-beyond-read-ahead",
       test_maildir_beyond_read_ahead);
  ADD ("/engine/import/refuses-what-is-not-mail",
       test_refuses_what_is_not_mail);
  ADD ("/engine/export/never-overwrites", test_export_never_overwrites);

#undef ADD

  return g_test_run ();
}
