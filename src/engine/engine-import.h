/* engine-import.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-database.h"

G_BEGIN_DECLS

/* Called on the caller's thread after each stored batch. */
typedef void (*EngineProgressFunc) (guint64 done, gpointer user_data);

void     engine_import_async (StoreDatabase      *db,
                              const char         *path,
                              gint64              folder_id,
                              EngineProgressFunc  progress,
                              gpointer            progress_data,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
gboolean engine_import_finish (GAsyncResult *result,
                               guint64      *out_imported,
                               guint64      *out_skipped,
                               GError      **error);

G_END_DECLS
