/* engine-fetch-plan.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "pop3-client.h"
#include "store-accounts.h"

G_BEGIN_DECLS

/* What an account's policy lets the server keep (DESIGN.md "Per-account
 * server policy"). */
typedef struct
{
  gboolean keep_on_server;
  guint    delete_after_days; /* 0: for ever */
  gboolean delete_when_deleted_locally;
  guint64  size_limit; /* bytes; 0: none */
} EngineFetchPolicy;

/* A message to download. */
typedef struct
{
  guint    msgno;
  char    *uidl;         /* NULL on a server without UIDL */
  guint64  size;         /* from LIST; 0 if unknown */
  gboolean headers_only; /* over the size limit: TOP n 0 */
  gint64   complete_id;  /* the stored headers-only copy it completes, or 0 */
} EngineFetchItem;

/* What one fetch does on the server, decided from its listing, the
 * account's ledger and the policy, before anything is sent. */
typedef struct
{
  GPtrArray *retrieve;          /* of EngineFetchItem, in server order */
  GArray    *delete_msgnos;     /* guint, ascending */
  GArray    *delete_ledger_ids; /* gint64, the rows of those copies */
  GArray    *forget_ledger_ids; /* gint64: copies the server no longer has */
  guint      kept;              /* copies the server keeps after the deletes */
  guint      completing;        /* items of @retrieve with a complete_id */
} EngineFetchPlan;

EngineFetchPolicy
engine_fetch_policy_from_account (const StoreAccount *account);

EngineFetchPlan *engine_fetch_plan_new (GPtrArray               *uidls,
                                        GArray                  *sizes,
                                        GPtrArray               *ledger,
                                        const EngineFetchPolicy *policy,
                                        GHashTable              *complete,
                                        gint64                   now);
EngineFetchPlan      *
engine_fetch_plan_new_without_uidl (GArray                  *sizes,
                                         const EngineFetchPolicy *policy);
void engine_fetch_plan_free (EngineFetchPlan *plan);
void engine_fetch_item_free (EngineFetchItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EngineFetchPlan, engine_fetch_plan_free)

G_END_DECLS
