/* engine-secret.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Account passwords in the Secret Service (DESIGN.md invariant 6). Each
 * account has at most one item, found by the account's stable UUID (an
 * account can be renamed; its UUID never changes). The item also carries
 * the user and host so that Seahorse and secret-tool show what it is for.
 *
 * Errors (besides %G_IO_ERROR_CANCELLED when @cancellable is cancelled):
 * %ENGINE_ERROR_SECRETS_UNAVAILABLE when no Secret Service answers,
 * %ENGINE_ERROR_SECRETS_LOCKED when the keyring is locked and was not
 * unlocked, %ENGINE_ERROR_SECRETS for anything else the service refused.
 * Messages say what the user can do about it. */

void     engine_secret_store_async (const char         *account_uuid,
                                    const char         *user,
                                    const char         *host,
                                    const char         *password,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gboolean engine_secret_store_finish (GAsyncResult *result, GError **error);

void  engine_secret_lookup_async (const char         *account_uuid,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
char *engine_secret_lookup_finish (GAsyncResult *result, GError **error);

void     engine_secret_clear_async (const char         *account_uuid,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gboolean engine_secret_clear_finish (GAsyncResult *result, GError **error);

void engine_secret_free (char *password);

G_END_DECLS
