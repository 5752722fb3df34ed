/* store-folders.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-accounts.h"
#include "store-database.h"

G_BEGIN_DECLS

typedef enum
{
  STORE_FOLDER_ROLE_USER,
  STORE_FOLDER_ROLE_INBOX,
  STORE_FOLDER_ROLE_TRASH,
  STORE_FOLDER_ROLE_ARCHIVE,
} StoreFolderRole;

typedef struct
{
  gint64          id;
  gint64          account_id; /* 0 for local folders */
  StoreFolderRole role;
  char           *name;
  char           *full_name; /* "ACCOUNT/Inbox", "Trash", or the name */
  guint64         total;
  guint64         unread;
} StoreFolder;

void store_folder_free (StoreFolder *folder);

GPtrArray   *store_database_list_folders (StoreDatabase *self, GError **error);
StoreFolder *store_database_find_folder (StoreDatabase *self,
                                         const char    *full_name,
                                         GError       **error);

void   store_database_create_folder_async (StoreDatabase      *self,
                                           const char         *name,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
gint64 store_database_create_folder_finish (StoreDatabase *self,
                                            GAsyncResult  *result,
                                            GError       **error);
void   store_database_rename_folder_async (StoreDatabase      *self,
                                           gint64              folder_id,
                                           const char         *name,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
void   store_database_delete_folder_async (StoreDatabase      *self,
                                           gint64              folder_id,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreFolder, store_folder_free)

G_END_DECLS
