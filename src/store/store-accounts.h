/* store-accounts.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-database.h"

G_BEGIN_DECLS

/* An account as the store keeps it: who it is, its server, how to log in
 * and what the server may keep. The store checks names only; the engine
 * checks the rest (engine-account.h). Never a password. */
typedef struct
{
  gint64 id; /* 0: not stored yet */
  char  *uuid;
  char  *name;
  char  *email;
  gint64 inbox_id;

  char    *host;
  guint16  port;
  char    *security; /* "tls", "starttls", "none" */
  char    *user_name;
  char    *auth; /* "automatic" or a mechanism's name */
  gboolean allow_insecure_auth;
  char    *pinned_certificate; /* SHA-256 "AB:CD:...", or NULL */
  char    *ca_file;            /* PEM file of trusted CAs, or NULL */
  guint    check_interval;     /* minutes; 0: only when asked */
  gboolean enabled;

  gboolean keep_on_server;
  guint    delete_after_days; /* 0: for ever */
  gboolean delete_when_deleted_locally;
  guint    size_limit; /* KiB; 0: none */

  gint64 login_not_before; /* Unix time; 0: any time */
  gint64 last_fetch;       /* Unix time of the last complete fetch; 0 */
} StoreAccount;

/* A downloaded copy of a server message (DESIGN.md invariants 5, 9). */
typedef struct
{
  gint64   id;
  char    *uidl;
  gint64   message_id; /* 0 once the local copy is deleted for good */
  gboolean in_trash;   /* the local copy is in Trash */
  gboolean partial;    /* the local copy has the headers only */
  gint64   first_seen; /* Unix time */
  gboolean pending_delete;
} StoreLedgerEntry;

StoreAccount *store_account_new (void);
StoreAccount *store_account_copy (const StoreAccount *account);
void          store_account_free (StoreAccount *account);
void          store_ledger_entry_free (StoreLedgerEntry *entry);

GPtrArray *store_database_list_accounts (StoreDatabase *self, GError **error);
StoreAccount *store_database_find_account (StoreDatabase *self,
                                           const char    *name,
                                           GError       **error);
StoreAccount *store_database_get_account (StoreDatabase *self,
                                          gint64         account_id,
                                          GError       **error);

void   store_database_add_account_async (StoreDatabase      *self,
                                         const char         *name,
                                         const char         *email,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gint64 store_database_add_account_finish (StoreDatabase *self,
                                          GAsyncResult  *result,
                                          GError       **error);
void   store_database_save_account_async (StoreDatabase      *self,
                                          const StoreAccount *account,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gint64 store_database_save_account_finish (StoreDatabase *self,
                                           GAsyncResult  *result,
                                           GError       **error);
void   store_database_remove_account_async (StoreDatabase      *self,
                                            gint64              account_id,
                                            gboolean            keep_mail,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
void   store_database_set_fetch_state_async (StoreDatabase      *self,
                                             gint64              account_id,
                                             gint64              last_fetch,
                                             gint64              login_not_before,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);

GPtrArray *store_database_list_ledger (StoreDatabase *self,
                                       gint64         account_id,
                                       GError       **error);
void       store_database_mark_for_server_delete_async (StoreDatabase *self,
                                                        GArray        *ledger_ids,
                                                        GCancellable  *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer user_data);
void       store_database_forget_ledger_async (StoreDatabase      *self,
                                               GArray             *ledger_ids,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreAccount, store_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreLedgerEntry, store_ledger_entry_free)

G_END_DECLS
