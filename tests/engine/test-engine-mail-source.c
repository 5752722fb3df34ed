/* test-engine-mail-source.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "engine-error.h"
#include "engine-mail-source.h"

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) d = NULL;
  const char      *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }
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
  char              *dir = g_dir_make_tmp ("pigeon-source-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
make_file (const char *dir, const char *rel, const char *contents, gssize len)
{
  char              *path = g_build_filename (dir, rel, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
make_sub (const char *dir, const char *rel)
{
  char *path = g_build_filename (dir, rel, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  return path;
}

static void
assert_kind (const char *path, EngineMailSourceKind want)
{
  EngineMailSourceKind kind = (EngineMailSourceKind) -1;
  g_autoptr (GError)   error = NULL;

  g_test_message ("%s", path);
  g_assert_true (engine_mail_source_detect (path, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, want);
}

static void
assert_not_mail (const char *path)
{
  EngineMailSourceKind kind;
  g_autoptr (GError)   error = NULL;

  g_test_message ("%s", path);
  g_assert_false (engine_mail_source_detect (path, &kind, &error));
  g_assert_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_files (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *mbox =
      make_file (dir, "Inbox", "From - Mon Jan  1 00:00:00 2024\nS: 1\n\n", -1);
  g_autofree char *empty = make_file (dir, "Trash", "", 0);
  g_autofree char *eml = make_file (dir, "a.txt", "Subject: x\n\nbody\n", -1);
  g_autofree char *no_headers = make_file (dir, "b", "just text", -1);
  g_autofree char *from_lower = make_file (dir, "c", "from x\n", -1);
  g_autofree char *binary =
      make_file (dir, "d.eml", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  g_autofree char     *missing = g_build_filename (dir, "missing", NULL);
  EngineMailSourceKind kind;
  g_autoptr (GError)   error = NULL;

  assert_kind (mbox, ENGINE_MAIL_SOURCE_MBOX);
  /* An empty mail folder is an mbox with no messages. */
  assert_kind (empty, ENGINE_MAIL_SOURCE_MBOX);
  assert_kind (eml, ENGINE_MAIL_SOURCE_EML);
  assert_kind (no_headers, ENGINE_MAIL_SOURCE_EML);
  assert_kind (from_lower, ENGINE_MAIL_SOURCE_EML);
  assert_not_mail (binary);

  g_assert_false (engine_mail_source_detect (missing, &kind, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  /* Neither file nor directory. */
  if (g_file_test ("/dev/null", G_FILE_TEST_EXISTS))
    assert_not_mail ("/dev/null");

  rm_rf (dir);
}

static void
test_dirs (void)
{
  g_autofree char *root = make_tmp_dir ();
  g_autofree char *maildir = make_sub (root, "maildir");
  g_autofree char *maildir_cur = make_sub (maildir, "cur");
  g_autofree char *only_new = make_sub (root, "only-new");
  g_autofree char *only_new_new = make_sub (only_new, "new");
  g_autofree char *emls = make_sub (root, "emls");
  g_autofree char *eml_a = make_file (emls, "notes.txt", "x", -1);
  g_autofree char *eml_b = make_file (emls, "Message.EML", "S: 1\n", -1);
  g_autofree char *none = make_sub (root, "none");
  g_autofree char *none_a = make_file (none, ".hidden.eml", "S: 1\n", -1);
  g_autofree char *none_b = make_file (none, "readme.txt", "x", -1);
  g_autofree char *none_c = make_sub (none, "folder.eml");
  g_autofree char *none_d = make_file (none, ".eml", "S: 1\n", -1);
  g_autofree char *only_tmp = make_sub (root, "only-tmp");
  g_autofree char *only_tmp_tmp = make_sub (only_tmp, "tmp");

  assert_kind (maildir, ENGINE_MAIL_SOURCE_MAILDIR);
  assert_kind (only_new, ENGINE_MAIL_SOURCE_MAILDIR);
  assert_kind (emls, ENGINE_MAIL_SOURCE_EML_DIR);
  assert_not_mail (none);
  assert_not_mail (only_tmp);

  rm_rf (root);
}

static void
test_corpus (void)
{
  g_autofree char *dir =
      g_test_build_filename (G_TEST_DIST, "data", "mail", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char      *name;
  guint            n = 0;

  assert_kind (dir, ENGINE_MAIL_SOURCE_EML_DIR);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_str_has_suffix (name, ".eml"))
        continue;
      /* 055 starts with a From_ line: it is a one-message mbox. */
      assert_kind (path, g_str_has_prefix (name, "055-")
                             ? ENGINE_MAIL_SOURCE_MBOX
                             : ENGINE_MAIL_SOURCE_EML);
      n++;
    }
  g_assert_cmpuint (n, ==, 65);
}

/* A message file is read whole, from the descriptor the import opened
 * or else from its path, with its modification time; one that is gone
 * is an error that names it. */
static void
test_read_file (void)
{
  g_autofree char   *dir = make_tmp_dir ();
  g_autofree char   *path = NULL;
  g_autofree char   *missing = g_build_filename (dir, "gone", NULL);
  g_autofree char   *big = g_strnfill (200000, 'x');
  struct utimbuf     times = { .actime = 1500000000, .modtime = 1500000000 };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  gint64             mtime = 0;
  int                fd;

  path = make_file (dir, "m", "Subject: a\n\n\0binary after a NUL\n", 32);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
  bytes = engine_mail_source_read_file (-1, path, &mtime, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "Subject: a\n\n\0binary after a NUL\n", 32);
  g_assert_cmpint (mtime, ==, 1500000000);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* An open descriptor is read from, and closed. */
  g_free (path);
  path = make_file (dir, "big", big, -1);
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
  bytes = engine_mail_source_read_file (fd, path, &mtime, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   big, 200000);
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_assert_null (engine_mail_source_read_file (-1, missing, &mtime, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));

  rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/mail-source/files", test_files);
  g_test_add_func ("/engine/mail-source/dirs", test_dirs);
  g_test_add_func ("/engine/mail-source/corpus", test_corpus);
  g_test_add_func ("/engine/mail-source/read-file", test_read_file);

  return g_test_run ();
}
