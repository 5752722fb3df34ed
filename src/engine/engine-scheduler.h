/* engine-scheduler.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "engine-fetch.h"
#include "store-database.h"

G_BEGIN_DECLS

#define ENGINE_TYPE_SCHEDULER (engine_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (
    EngineScheduler, engine_scheduler, ENGINE, SCHEDULER, GObject)

EngineScheduler *engine_scheduler_new (StoreDatabase   *db,
                                       GNetworkMonitor *monitor);

void     engine_scheduler_start (EngineScheduler *self);
void     engine_scheduler_stop (EngineScheduler *self);
void     engine_scheduler_reload (EngineScheduler *self);
void     engine_scheduler_check_now (EngineScheduler *self, gint64 account_id);
gboolean engine_scheduler_is_fetching (EngineScheduler *self,
                                       gint64           account_id);

void engine_scheduler_set_minute_seconds (EngineScheduler *self, guint seconds);

G_END_DECLS
