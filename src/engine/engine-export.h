/* engine-export.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "engine-import.h"
#include "store-database.h"

G_BEGIN_DECLS

typedef enum
{
  ENGINE_EXPORT_MBOX,
  ENGINE_EXPORT_EML,
} EngineExportFormat;

void     engine_export_async (StoreDatabase      *db,
                              gint64              folder_id,
                              EngineExportFormat  format,
                              const char         *path,
                              EngineProgressFunc  progress,
                              gpointer            progress_data,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
gboolean engine_export_finish (GAsyncResult *result,
                               guint64      *out_exported,
                               GError      **error);

G_END_DECLS
