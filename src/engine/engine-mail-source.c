/* engine-mail-source.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-mail-source.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-error.h"
#include "engine-maildir.h"

/* How much of a file is looked at to tell mail from binary data. */
#define SNIFF_LEN 4096

static void
set_errno_error (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "Cannot %s “%s”: %s", what, path, g_strerror (err));
}

static gboolean
is_eml_name (const char *name)
{
  gsize len = strlen (name);

  return name[0] != '.' && len > 4 &&
         g_ascii_strcasecmp (name + len - 4, ".eml") == 0;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  const EngineMaildirEntry *x = *(EngineMaildirEntry *const *) a;
  const EngineMaildirEntry *y = *(EngineMaildirEntry *const *) b;

  return g_strcmp0 (x->path, y->path);
}

/* The regular *.eml files of @dir, any case, no dotfiles, unsorted; at
 * most @most of them (detection needs one, the import all). */
static GPtrArray *
list_eml (const char *dir, guint most, GError **error)
{
  g_autoptr (GDir)      handle = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GError)    local_error = NULL;
  const char           *name;

  handle = g_dir_open (dir, 0, &local_error);
  if (handle == NULL)
    {
      g_set_error (error, G_IO_ERROR,
                   g_io_error_from_file_error (local_error->code), "%s",
                   local_error->message);
      return NULL;
    }

  files = g_ptr_array_new_with_free_func (
      (GDestroyNotify) engine_maildir_entry_free);
  while (files->len < most && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char    *path = NULL;
      GStatBuf            st;
      EngineMaildirEntry *entry;

      if (!is_eml_name (name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      entry = g_new0 (EngineMaildirEntry, 1);
      entry->path = g_steal_pointer (&path);
      g_ptr_array_add (files, entry);
    }

  return g_steal_pointer (&files);
}

/**
 * engine_mail_source_list_eml:
 * @dir: a directory
 * @error: return location for a #GError
 *
 * The messages of a directory of saved messages: its regular files named
 * *.eml in any case (Outlook and Windows write .EML), dotfiles left out,
 * in name order. Detection takes a directory for one when the same
 * filter (list_eml()) finds a first file there.
 *
 * Returns: (transfer full) (element-type EngineMaildirEntry): the files,
 *   each with its modification time, or %NULL with @error set
 */
GPtrArray *
engine_mail_source_list_eml (const char *dir, GError **error)
{
  GPtrArray *files = list_eml (dir, G_MAXUINT, error);

  if (files != NULL)
    g_ptr_array_sort (files, compare_paths);
  return files;
}

/**
 * engine_mail_source_read_file:
 * @fd: @path opened for reading, which is closed here; or -1
 * @path: a message file
 * @out_mtime: (out): its modification time, Unix time
 * @error: return location for a #GError
 *
 * Reads a whole message file: @fd when it is open (an import opens the
 * files it asks the kernel to read ahead, engine-import.c), else @path.
 * A file that grows or shrinks meanwhile is read to its end.
 *
 * Blocking: call from a worker thread.
 *
 * Returns: (transfer full): the bytes, or %NULL with a #G_IO_ERROR that
 *   names @path
 */
GBytes *
engine_mail_source_read_file (int         fd,
                              const char *path,
                              gint64     *out_mtime,
                              GError    **error)
{
  struct stat st;
  char       *contents;
  gsize       allocated;
  gsize       length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (out_mtime != NULL, NULL);

  if (fd < 0)
    fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int err = errno;

      if (fd >= 0)
        close (fd);
      set_errno_error (error, err, "read", path);
      return NULL;
    }

  /* One byte more than the size, so that the end is seen without a
   * second buffer. */
  allocated = (gsize) MAX (st.st_size, 0) + 1;
  contents = g_malloc (allocated);
  for (;;)
    {
      gssize got;

      if (length == allocated)
        {
          allocated *= 2;
          contents = g_realloc (contents, allocated);
        }
      got = read (fd, contents + length, allocated - length);
      if (got == 0)
        break;
      if (got < 0)
        {
          int err = errno;

          if (err == EINTR)
            continue;
          g_free (contents);
          close (fd);
          set_errno_error (error, err, "read", path);
          return NULL;
        }
      length += (gsize) got;
    }
  close (fd);

  *out_mtime = (gint64) st.st_mtime;
  return g_bytes_new_take (contents, length);
}

/**
 * engine_mail_source_detect:
 * @path: what the user chose to import
 * @out_kind: (out): what it holds
 * @error: return location for a #GError
 *
 * Decides how to import @path: a directory with cur/ or new/ is a
 * Maildir; another directory holding regular `*.eml` files (any case) is
 * an %ENGINE_MAIL_SOURCE_EML_DIR; a file that starts with "From " is an
 * mbox file, and so is an empty file (an empty mail folder, as
 * Thunderbird keeps them); any other regular file is one message, unless
 * its first 4 KiB hold a NUL byte, which mail does not have but
 * documents, images and archives do.
 *
 * Does small blocking file I/O.
 *
 * Returns: %TRUE with @out_kind set; %FALSE with %ENGINE_ERROR_NOT_MAIL
 *   (naming @path) when it is none of these, or a #G_IO_ERROR
 *   (%G_IO_ERROR_NOT_FOUND for a missing path) when it cannot be read
 */
gboolean
engine_mail_source_detect (const char           *path,
                           EngineMailSourceKind *out_kind,
                           GError              **error)
{
  GStatBuf st;
  FILE    *file;
  char     head[SNIFF_LEN];
  gsize    n;
  int      err;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out_kind != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, errno, "read", path);
      return FALSE;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr (GPtrArray) eml = NULL;

      if (engine_maildir_is_maildir (path))
        {
          *out_kind = ENGINE_MAIL_SOURCE_MAILDIR;
          return TRUE;
        }
      eml = list_eml (path, 1, error);
      if (eml == NULL)
        return FALSE;
      if (eml->len > 0)
        {
          *out_kind = ENGINE_MAIL_SOURCE_EML_DIR;
          return TRUE;
        }
      g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL,
                   "“%s” is not a Maildir (it has no cur/ or new/) and holds "
                   "no .eml files",
                   path);
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL,
                   "“%s” is not an mbox file, Maildir or .eml file", path);
      return FALSE;
    }

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      set_errno_error (error, errno, "open", path);
      return FALSE;
    }
  n = fread (head, 1, sizeof head, file);
  err = ferror (file) ? errno : 0;
  fclose (file);
  if (err != 0)
    {
      set_errno_error (error, err, "read", path);
      return FALSE;
    }

  if (n == 0 || (n >= 5 && memcmp (head, "From ", 5) == 0))
    {
      *out_kind = ENGINE_MAIL_SOURCE_MBOX;
      return TRUE;
    }
  if (memchr (head, '\0', n) != NULL)
    {
      g_set_error (error, ENGINE_ERROR, ENGINE_ERROR_NOT_MAIL,
                   "“%s” is not an mbox file, Maildir or .eml file: it holds "
                   "binary data",
                   path);
      return FALSE;
    }
  *out_kind = ENGINE_MAIL_SOURCE_EML;
  return TRUE;
}
