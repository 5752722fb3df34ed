/* engine-maildir.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * EngineMaildirFlags:
 * @ENGINE_MAILDIR_FLAG_SEEN: 'S'
 * @ENGINE_MAILDIR_FLAG_FLAGGED: 'F'
 * @ENGINE_MAILDIR_FLAG_REPLIED: 'R'
 * @ENGINE_MAILDIR_FLAG_TRASHED: 'T'
 * @ENGINE_MAILDIR_FLAG_DRAFT: 'D'
 *
 * The Maildir info flags Pigeon keeps ("Passed" and keywords are
 * dropped).
 */
typedef enum
{
  ENGINE_MAILDIR_FLAG_SEEN = 1 << 0,
  ENGINE_MAILDIR_FLAG_FLAGGED = 1 << 1,
  ENGINE_MAILDIR_FLAG_REPLIED = 1 << 2,
  ENGINE_MAILDIR_FLAG_TRASHED = 1 << 3,
  ENGINE_MAILDIR_FLAG_DRAFT = 1 << 4,
} EngineMaildirFlags;

/**
 * EngineMaildirEntry:
 * @path: the message file's full path
 * @flags: its flags
 *
 * One message of a Maildir.
 */
typedef struct
{
  char              *path;
  EngineMaildirFlags flags;
} EngineMaildirEntry;

GPtrArray          *engine_maildir_list (const char   *dir,
                                         GCancellable *cancellable,
                                         GError      **error);
EngineMaildirEntry *engine_maildir_find_moved (const char *dir,
                                               const char *old_path);
gboolean            engine_maildir_is_maildir (const char *dir);
EngineMaildirFlags  engine_maildir_parse_flags (const char *file_name);
void                engine_maildir_entry_free (EngineMaildirEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EngineMaildirEntry, engine_maildir_entry_free)

G_END_DECLS
