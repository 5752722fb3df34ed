/* engine-fetch.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pop3-client.h"
#include "store-accounts.h"
#include "store-database.h"

G_BEGIN_DECLS

#define ENGINE_TYPE_FETCH (engine_fetch_get_type ())

G_DECLARE_FINAL_TYPE (EngineFetch, engine_fetch, ENGINE, FETCH, GObject)

/**
 * EngineFetchPhase:
 * @ENGINE_FETCH_PHASE_IDLE: not started
 * @ENGINE_FETCH_PHASE_CONNECTING: connecting and logging in
 * @ENGINE_FETCH_PHASE_LISTING: reading the server's listing
 * @ENGINE_FETCH_PHASE_DOWNLOADING: downloading and storing new messages
 * @ENGINE_FETCH_PHASE_CLEANING: deleting what the policy lets go
 * @ENGINE_FETCH_PHASE_DONE: finished, with or without an error
 */
typedef enum
{
  ENGINE_FETCH_PHASE_IDLE,
  ENGINE_FETCH_PHASE_CONNECTING,
  ENGINE_FETCH_PHASE_LISTING,
  ENGINE_FETCH_PHASE_DOWNLOADING,
  ENGINE_FETCH_PHASE_CLEANING,
  ENGINE_FETCH_PHASE_DONE,
} EngineFetchPhase;

EngineFetch *engine_fetch_new (StoreDatabase      *db,
                               const StoreAccount *account,
                               const char         *password);

void engine_fetch_set_certificate_func (EngineFetch        *self,
                                        Pop3CertificateFunc func,
                                        gpointer            user_data,
                                        GDestroyNotify      destroy);
void engine_fetch_set_timeout (EngineFetch *self, guint seconds);
void engine_fetch_set_complete (EngineFetch *self, GArray *message_ids);

void     engine_fetch_run_async (EngineFetch        *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
gboolean engine_fetch_run_finish (EngineFetch  *self,
                                  GAsyncResult *result,
                                  GError      **error);

const StoreAccount *engine_fetch_get_account (EngineFetch *self);
EngineFetchPhase    engine_fetch_get_phase (EngineFetch *self);
guint               engine_fetch_get_messages_done (EngineFetch *self);
guint               engine_fetch_get_messages_total (EngineFetch *self);
guint64             engine_fetch_get_bytes_done (EngineFetch *self);
guint64             engine_fetch_get_bytes_total (EngineFetch *self);
guint               engine_fetch_get_stored (EngineFetch *self);
guint               engine_fetch_get_completed (EngineFetch *self);
guint               engine_fetch_get_kept (EngineFetch *self);
guint               engine_fetch_get_deleted (EngineFetch *self);

G_END_DECLS
