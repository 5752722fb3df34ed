/* engine-fetch-plan.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-fetch-plan.h"

#define SECONDS_PER_DAY (24 * 60 * 60)

/**
 * engine_fetch_policy_from_account:
 *
 * Returns: the server policy of @account, sizes in bytes
 */
EngineFetchPolicy
engine_fetch_policy_from_account (const StoreAccount *account)
{
  EngineFetchPolicy policy = {
    .keep_on_server = account->keep_on_server,
    .delete_after_days =
        account->keep_on_server ? account->delete_after_days : 0,
    .delete_when_deleted_locally =
        account->keep_on_server && account->delete_when_deleted_locally,
    .size_limit = (guint64) account->size_limit * 1024,
  };

  return policy;
}

void
engine_fetch_item_free (EngineFetchItem *item)
{
  if (item == NULL)
    return;

  g_free (item->uidl);
  g_free (item);
}

void
engine_fetch_plan_free (EngineFetchPlan *plan)
{
  if (plan == NULL)
    return;

  g_ptr_array_unref (plan->retrieve);
  g_array_unref (plan->delete_msgnos);
  g_array_unref (plan->delete_ledger_ids);
  g_array_unref (plan->forget_ledger_ids);
  g_free (plan);
}

static EngineFetchPlan *
plan_new (void)
{
  EngineFetchPlan *plan = g_new0 (EngineFetchPlan, 1);

  plan->retrieve =
      g_ptr_array_new_with_free_func ((GDestroyNotify) engine_fetch_item_free);
  plan->delete_msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  plan->delete_ledger_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  plan->forget_ledger_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return plan;
}

static guint64
size_of (GArray *sizes, guint msgno)
{
  /* LIST answers in message-number order, one line per message, so the
   * entry is usually at msgno - 1; a server that skips deleted numbers
   * is searched. */
  if (sizes == NULL)
    return 0;

  if (msgno >= 1 && msgno <= sizes->len &&
      g_array_index (sizes, Pop3ListEntry, msgno - 1).msgno == msgno)
    return g_array_index (sizes, Pop3ListEntry, msgno - 1).octets;

  for (guint i = 0; i < sizes->len; i++)
    if (g_array_index (sizes, Pop3ListEntry, i).msgno == msgno)
      return g_array_index (sizes, Pop3ListEntry, i).octets;
  return 0;
}

static EngineFetchItem *
add_retrieve (EngineFetchPlan         *plan,
              guint                    msgno,
              const char              *uidl,
              guint64                  size,
              const EngineFetchPolicy *policy)
{
  EngineFetchItem *item = g_new0 (EngineFetchItem, 1);

  item->msgno = msgno;
  item->uidl = g_strdup (uidl);
  item->size = size;
  item->headers_only =
      uidl != NULL && policy->size_limit > 0 && size > policy->size_limit;
  g_ptr_array_add (plan->retrieve, item);
  return item;
}

/* Whether the user asked for the rest of this headers-only copy. */
static gboolean
wants_rest (const StoreLedgerEntry *entry, GHashTable *complete)
{
  return complete != NULL && entry->partial && entry->message_id != 0 &&
         g_hash_table_contains (complete, &entry->message_id);
}

/* Whether the policy lets the server copy of a downloaded message go. */
static gboolean
may_delete (const StoreLedgerEntry  *entry,
            const EngineFetchPolicy *policy,
            gint64                   now)
{
  gboolean deleted_here = entry->message_id == 0 || entry->in_trash;

  /* Headers only: the rest is still to be downloaded from there. */
  if (entry->partial && !deleted_here)
    return FALSE;

  if (!policy->keep_on_server)
    return TRUE;

  if (policy->delete_after_days > 0 &&
      now - entry->first_seen >=
          (gint64) policy->delete_after_days * SECONDS_PER_DAY)
    return TRUE;

  return policy->delete_when_deleted_locally && deleted_here;
}

/**
 * engine_fetch_plan_new:
 * @uidls: (element-type Pop3UidlEntry): the server's UIDL listing
 * @sizes: (element-type Pop3ListEntry) (nullable): its LIST listing
 * @ledger: (element-type StoreLedgerEntry): the account's ledger, oldest
 *   first
 * @policy: what the server may keep
 * @complete: (nullable) (element-type gint64): stored headers-only
 *   messages whose rest to download, by message id (g_int64_hash keys)
 * @now: the time (Unix), for "delete after N days"
 *
 * Pairs the server's copies with the ledger's, UIDL by UIDL and in order,
 * so that a UIDL listed twice with one ledger row gets its second copy
 * downloaded (DESIGN.md invariant 9). Unpaired listings are new; unpaired
 * ledger rows are copies the server no longer has; paired copies are
 * deleted when the policy says so. Pending-delete marks are not taken as
 * orders: a fetch that did not reach QUIT left the copies on the server,
 * and the policy of today decides again.
 *
 * Returns: (transfer full): the plan
 */
EngineFetchPlan *
engine_fetch_plan_new (GPtrArray               *uidls,
                       GArray                  *sizes,
                       GPtrArray               *ledger,
                       const EngineFetchPolicy *policy,
                       GHashTable              *complete,
                       gint64                   now)
{
  EngineFetchPlan       *plan = plan_new ();
  g_autoptr (GHashTable) rows = NULL;
  GHashTableIter         iter;
  gpointer               value;

  /* UIDL -> its ledger rows, oldest first, consumed as they pair. */
  rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                (GDestroyNotify) g_queue_free);
  for (guint i = 0; i < ledger->len; i++)
    {
      StoreLedgerEntry *entry = ledger->pdata[i];
      GQueue           *queue = g_hash_table_lookup (rows, entry->uidl);

      if (queue == NULL)
        {
          queue = g_queue_new ();
          g_hash_table_insert (rows, entry->uidl, queue);
        }
      g_queue_push_tail (queue, entry);
    }

  for (guint i = 0; i < uidls->len; i++)
    {
      const Pop3UidlEntry *listed = uidls->pdata[i];
      GQueue              *queue = g_hash_table_lookup (rows, listed->uid);
      StoreLedgerEntry *entry = queue != NULL ? g_queue_pop_head (queue) : NULL;

      if (entry == NULL)
        add_retrieve (plan, listed->msgno, listed->uid,
                      size_of (sizes, listed->msgno), policy);
      else if (wants_rest (entry, complete))
        {
          EngineFetchItem *item =
              add_retrieve (plan, listed->msgno, listed->uid,
                            size_of (sizes, listed->msgno), policy);

          /* Whole whatever the size limit: the user asked for it. */
          item->headers_only = FALSE;
          item->complete_id = entry->message_id;
          plan->completing++;
          /* Still partial until stored; the cleanup plans its delete. */
          plan->kept++;
        }
      else if (may_delete (entry, policy, now))
        {
          g_array_append_val (plan->delete_msgnos, listed->msgno);
          g_array_append_val (plan->delete_ledger_ids, entry->id);
        }
      else
        plan->kept++;
    }

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    for (GList *l = ((GQueue *) value)->head; l != NULL; l = l->next)
      {
        StoreLedgerEntry *entry = l->data;

        g_array_append_val (plan->forget_ledger_ids, entry->id);
      }

  return plan;
}

/**
 * engine_fetch_plan_new_without_uidl:
 * @sizes: (element-type Pop3ListEntry): the LIST listing
 * @policy: must delete after download: without UIDL a kept copy cannot
 *   be told from a new message
 *
 * Returns: (transfer full): a plan that downloads every listed message,
 *   whole; the caller deletes each one once it is stored
 */
EngineFetchPlan *
engine_fetch_plan_new_without_uidl (GArray                  *sizes,
                                    const EngineFetchPolicy *policy)
{
  EngineFetchPlan  *plan = plan_new ();
  EngineFetchPolicy whole = *policy;

  g_return_val_if_fail (!policy->keep_on_server, plan);

  whole.size_limit = 0;
  for (guint i = 0; i < sizes->len; i++)
    {
      const Pop3ListEntry *listed = &g_array_index (sizes, Pop3ListEntry, i);

      add_retrieve (plan, listed->msgno, NULL, listed->octets, &whole);
    }
  return plan;
}
