/* store-folders-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "store-connection.h"

G_BEGIN_DECLS

gboolean _store_check_name (const char *kind, const char *name, GError **error);
gint64   _store_insert_folder (StoreConnection *conn,
                               gint64           account_id,
                               int              role,
                               const char      *name,
                               GError         **error);
GArray  *_store_folder_message_ids (StoreConnection *conn,
                                    const char      *sql,
                                    gint64           id,
                                    GError         **error);

G_END_DECLS
