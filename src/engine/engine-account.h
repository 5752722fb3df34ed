/* engine-account.h
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

/* Limits a user can set; beyond them a value is a typo. */
#define ENGINE_ACCOUNT_MAX_CHECK_INTERVAL (7 * 24 * 60) /* minutes */
#define ENGINE_ACCOUNT_MAX_DELETE_AFTER_DAYS 36500
#define ENGINE_ACCOUNT_MAX_SIZE_LIMIT (1024 * 1024) /* KiB */

gboolean engine_account_validate (StoreAccount *account, GError **error);

void     engine_account_add_async (StoreDatabase      *db,
                                   const StoreAccount *account,
                                   const char         *password,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gint64   engine_account_add_finish (GAsyncResult *result, GError **error);
void     engine_account_remove_async (StoreDatabase      *db,
                                      const StoreAccount *account,
                                      gboolean            keep_mail,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean engine_account_remove_finish (GAsyncResult *result, GError **error);

gboolean engine_security_from_string (const char *word, Pop3Security *security);
const char *engine_security_to_string (Pop3Security security);
gboolean    engine_auth_from_string (const char        *word,
                                     Pop3AuthMechanism *mechanism);
const char *engine_auth_to_string (Pop3AuthMechanism mechanism);
char       *engine_normalize_fingerprint (const char *text);

G_END_DECLS
