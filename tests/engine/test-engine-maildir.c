/* test-engine-maildir.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "engine-maildir.h"

/* Removes @path and everything under it. */
static void
rm_rf (const char *path)
{
  g_autoptr (GDir) d = NULL;
  const char      *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) ||
      g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (path);
      return;
    }
  g_chmod (path, 0700);
  d = g_dir_open (path, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      rm_rf (child);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static char *
make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char              *dir = g_dir_make_tmp ("pigeon-maildir-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
make_sub (const char *dir, const char *sub)
{
  g_autofree char *path = g_build_filename (dir, sub, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
}

/* Creates DIR/REL with some contents and the given mtime. */
static void
make_file (const char *dir, const char *rel, gint64 mtime)
{
  g_autofree char   *path = g_build_filename (dir, rel, NULL);
  g_autoptr (GError) error = NULL;
  struct utimbuf     times = { .actime = mtime, .modtime = mtime };

  g_file_set_contents (path, "Subject: x\n\nbody\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* Creates DIR/REL as a symbolic link to @target. */
static void
make_link (const char *dir, const char *target, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);

  g_assert_cmpint (symlink (target, path), ==, 0);
}

static const char *
base_name (const EngineMaildirEntry *e)
{
  return strrchr (e->path, G_DIR_SEPARATOR) + 1;
}

static void
test_list (void)
{
  g_autofree char      *dir = make_tmp_dir ();
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError)    error = NULL;
  struct
  {
    const char        *rel;
    EngineMaildirFlags flags;
    gboolean           is_link; /* made below */
  } expected[] = {
    /* new/ is never seen, whatever its name says. */
    { "new/1699999999.M9P2.host:2,S", 0 },
    { "new/1700000000.M0P2.host", 0 },
    { "cur/1700000000.M1P2.host:2,FS",
      ENGINE_MAILDIR_FLAG_FLAGGED | ENGINE_MAILDIR_FLAG_SEEN },
    /* Dovecot's size fields are not flags. */
    { "cur/1700000000.M2P2.host,S=1234,W=1260:2,", 0 },
    /* P (passed) and keyword letters are dropped. */
    { "cur/1700000001.M3P2.host:2,DPab", ENGINE_MAILDIR_FLAG_DRAFT },
    { "cur/1700000004.M7P2.host:2,F", ENGINE_MAILDIR_FLAG_FLAGGED, TRUE },
    { "cur/x:2,RST", ENGINE_MAILDIR_FLAG_REPLIED | ENGINE_MAILDIR_FLAG_SEEN |
                         ENGINE_MAILDIR_FLAG_TRASHED },
  };

  make_sub (dir, "new");
  make_sub (dir, "cur");
  make_sub (dir, "tmp");
  make_sub (dir, "cur/subdir");
  /* Written in another order than listed. */
  for (guint i = G_N_ELEMENTS (expected); i > 0; i--)
    if (!expected[i - 1].is_link)
      make_file (dir, expected[i - 1].rel, 1700000000 + i);
  make_file (dir, "cur/.hidden:2,S", 1);
  make_file (dir, "new/.dotfile", 1);
  make_file (dir, "tmp/1700000002.M5P2.host", 1);
  make_file (dir, "cur/subdir/1700000003.M6P2.host:2,S", 1);
  /* Links are followed: to a file, a message; to a directory or to
   * nothing, not. */
  make_file (dir, "elsewhere", 1);
  make_link (dir, "../elsewhere", "cur/1700000004.M7P2.host:2,F");
  make_link (dir, "subdir", "cur/1700000005.M8P2.host:2,S");
  make_link (dir, "../gone", "cur/1700000006.M9P2.host:2,S");

  g_assert_true (engine_maildir_is_maildir (dir));
  entries = engine_maildir_list (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const EngineMaildirEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *want = g_build_filename (dir, expected[i].rel, NULL);

      g_assert_cmpstr (e->path, ==, want);
      g_assert_cmpint (e->flags, ==, expected[i].flags);
    }

  rm_rf (dir);
}

static void
test_list_partial (void)
{
  g_autofree char          *only_cur = make_tmp_dir ();
  g_autofree char          *only_new = make_tmp_dir ();
  g_autofree char          *empty = make_tmp_dir ();
  g_autoptr (GPtrArray)     entries = NULL;
  g_autoptr (GError)        error = NULL;
  const EngineMaildirEntry *e;

  make_sub (only_cur, "cur");
  make_file (only_cur, "cur/b:2,S", 5);
  make_file (only_cur, "cur/a", 6);
  entries = engine_maildir_list (only_cur, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (base_name (e), ==, "a");
  g_assert_cmpint (e->flags, ==, 0);
  e = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (base_name (e), ==, "b:2,S");
  g_assert_cmpint (e->flags, ==, ENGINE_MAILDIR_FLAG_SEEN);
  g_clear_pointer (&entries, g_ptr_array_unref);

  make_sub (only_new, "new");
  make_file (only_new, "new/m", 7);
  entries = engine_maildir_list (only_new, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (base_name (entries->pdata[0]), ==, "m");
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* An empty Maildir is a Maildir with no messages. */
  make_sub (empty, "cur");
  make_sub (empty, "new");
  make_sub (empty, "tmp");
  entries = engine_maildir_list (empty, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);

  rm_rf (only_cur);
  rm_rf (only_new);
  rm_rf (empty);
}

static void
test_not_maildir (void)
{
  g_autofree char   *dir = make_tmp_dir ();
  g_autofree char   *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char   *file = g_build_filename (dir, "cur", NULL);
  g_autoptr (GError) error = NULL;

  /* tmp/ alone and a file named cur do not make a Maildir. */
  make_sub (dir, "tmp");
  make_file (dir, "cur", 1);
  g_assert_false (engine_maildir_is_maildir (dir));
  g_assert_null (engine_maildir_list (dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, dir));
  g_assert_nonnull (strstr (error->message, "not a Maildir"));
  g_clear_error (&error);

  g_assert_false (engine_maildir_is_maildir (missing));
  g_assert_null (engine_maildir_list (missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (engine_maildir_is_maildir (file));

  rm_rf (dir);
}

static void
test_cancelled (void)
{
  g_autofree char         *dir = make_tmp_dir ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError)       error = NULL;

  make_sub (dir, "cur");
  make_file (dir, "cur/a", 1);
  g_cancellable_cancel (cancellable);
  g_assert_null (engine_maildir_list (dir, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  rm_rf (dir);
}

/* Whatever keeps a subdirectory from being read is reported, not
 * skipped: here cur/ is a file next to a real new/. */
static void
test_broken (void)
{
  g_autofree char   *dir = make_tmp_dir ();
  g_autoptr (GError) error = NULL;

  make_sub (dir, "new");
  make_file (dir, "new/a", 1);
  make_file (dir, "cur", 1);
  g_assert_true (engine_maildir_is_maildir (dir));
  g_assert_null (engine_maildir_list (dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);

  rm_rf (dir);
}

static void
test_unreadable (void)
{
  g_autofree char   *dir = NULL;
  g_autofree char   *cur = NULL;
  g_autoptr (GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads any directory");
      return;
    }
  dir = make_tmp_dir ();
  cur = g_build_filename (dir, "cur", NULL);
  make_sub (dir, "cur");
  make_file (dir, "cur/a", 1);
  g_assert_cmpint (g_chmod (cur, 0), ==, 0);

  g_assert_null (engine_maildir_list (dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);

  rm_rf (dir);
}

static void
test_parse_flags (void)
{
  struct
  {
    const char        *name;
    EngineMaildirFlags flags;
  } cases[] = {
    { "1700000000.M1P2.host:2,S", ENGINE_MAILDIR_FLAG_SEEN },
    { "a:2,DFRST", ENGINE_MAILDIR_FLAG_DRAFT | ENGINE_MAILDIR_FLAG_FLAGGED |
                       ENGINE_MAILDIR_FLAG_REPLIED | ENGINE_MAILDIR_FLAG_SEEN |
                       ENGINE_MAILDIR_FLAG_TRASHED },
    { "a:2,", 0 },
    { "a", 0 },
    { "a,S=1234,W=1260", 0 },
    { "a,S=1234,W=1260:2,F", ENGINE_MAILDIR_FLAG_FLAGGED },
    /* Experimental ":1," info carries no flags. */
    { "a:1,S", 0 },
    { "a:2,Sabcz", ENGINE_MAILDIR_FLAG_SEEN },
    { "a:2,sfrtd", 0 },
    /* The info is after the last ':'. */
    { "a:2,S:2,F", ENGINE_MAILDIR_FLAG_FLAGGED },
    { "a:2,S:x", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (engine_maildir_parse_flags (cases[i].name), ==,
                       cases[i].flags);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/maildir/list", test_list);
  g_test_add_func ("/engine/maildir/list-partial", test_list_partial);
  g_test_add_func ("/engine/maildir/not-maildir", test_not_maildir);
  g_test_add_func ("/engine/maildir/cancelled", test_cancelled);
  g_test_add_func ("/engine/maildir/broken", test_broken);
  g_test_add_func ("/engine/maildir/unreadable", test_unreadable);
  g_test_add_func ("/engine/maildir/parse-flags", test_parse_flags);

  return g_test_run ();
}
