/* test-engine-fetch-plan.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-fetch-plan.h"

#define DAY (24 * 60 * 60)
#define NOW 1700000000

typedef struct
{
  GPtrArray  *uidls;    /* of Pop3UidlEntry */
  GArray     *sizes;    /* of Pop3ListEntry */
  GPtrArray  *ledger;   /* of StoreLedgerEntry */
  GHashTable *complete; /* gint64 message ids, or NULL */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  fixture->uidls =
      g_ptr_array_new_with_free_func ((GDestroyNotify) pop3_uidl_entry_free);
  fixture->sizes = g_array_new (FALSE, FALSE, sizeof (Pop3ListEntry));
  fixture->ledger =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_ledger_entry_free);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_ptr_array_unref (fixture->uidls);
  g_array_unref (fixture->sizes);
  g_ptr_array_unref (fixture->ledger);
  g_clear_pointer (&fixture->complete, g_hash_table_unref);
}

/* The server lists message @msgno (numbers follow the calls) as @uidl,
 * @size bytes. */
static void
listed (Fixture *fixture, const char *uidl, guint64 size)
{
  Pop3UidlEntry *entry = g_new0 (Pop3UidlEntry, 1);
  Pop3ListEntry  list = { .msgno = fixture->uidls->len + 1, .octets = size };

  entry->msgno = list.msgno;
  entry->uid = g_strdup (uidl);
  g_ptr_array_add (fixture->uidls, entry);
  g_array_append_val (fixture->sizes, list);
}

/* The ledger has a row (ids follow the calls, from 101) for a copy of
 * @uidl downloaded @age_days ago. */
static StoreLedgerEntry *
downloaded (Fixture *fixture, const char *uidl, gint64 age_days)
{
  StoreLedgerEntry *entry = g_new0 (StoreLedgerEntry, 1);

  entry->id = 101 + fixture->ledger->len;
  entry->uidl = g_strdup (uidl);
  entry->message_id = 5000 + entry->id;
  entry->first_seen = NOW - age_days * DAY;
  g_ptr_array_add (fixture->ledger, entry);
  return entry;
}

static EngineFetchPlan *
plan (Fixture *fixture, const EngineFetchPolicy *policy)
{
  return engine_fetch_plan_new (fixture->uidls, fixture->sizes, fixture->ledger,
                                policy, fixture->complete, NOW);
}

/* "msgno:uidl[h|+id] ..." for what to download, h for headers only, +id
 * for the rest of stored message id. */
static char *
describe_retrieve (const EngineFetchPlan *p)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < p->retrieve->len; i++)
    {
      const EngineFetchItem *item = p->retrieve->pdata[i];

      g_string_append_printf (out, "%s%u:%s%s", i > 0 ? " " : "", item->msgno,
                              item->uidl != NULL ? item->uidl : "-",
                              item->headers_only ? "h" : "");
      if (item->complete_id != 0)
        g_string_append_printf (out, "+%" G_GINT64_FORMAT, item->complete_id);
    }
  return g_string_free (out, FALSE);
}

/* "msgno=ledger-id ..." for what to delete. */
static char *
describe_deletes (const EngineFetchPlan *p)
{
  GString *out = g_string_new (NULL);

  g_assert_cmpuint (p->delete_msgnos->len, ==, p->delete_ledger_ids->len);
  for (guint i = 0; i < p->delete_msgnos->len; i++)
    g_string_append_printf (out, "%s%u=%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            g_array_index (p->delete_msgnos, guint, i),
                            g_array_index (p->delete_ledger_ids, gint64, i));
  return g_string_free (out, FALSE);
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static char *
describe_forgets (const EngineFetchPlan *p)
{
  g_autoptr (GArray) ids = g_array_copy (p->forget_ledger_ids);
  GString           *out = g_string_new (NULL);

  /* The order of forgotten rows does not matter. */
  g_array_sort (ids, compare_ids);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            g_array_index (ids, gint64, i));
  return g_string_free (out, FALSE);
}

#define ASSERT_PLAN(p, retrieve, deletes, forgets, n_kept)                     \
  G_STMT_START                                                                 \
  {                                                                            \
    g_autofree char *r_ = describe_retrieve (p);                               \
    g_autofree char *d_ = describe_deletes (p);                                \
    g_autofree char *f_ = describe_forgets (p);                                \
    g_assert_cmpstr (r_, ==, retrieve);                                        \
    g_assert_cmpstr (d_, ==, deletes);                                         \
    g_assert_cmpstr (f_, ==, forgets);                                         \
    g_assert_cmpuint ((p)->kept, ==, n_kept);                                  \
  }                                                                            \
  G_STMT_END

static const EngineFetchPolicy delete_after_download = { 0 };
static const EngineFetchPolicy keep_forever = { .keep_on_server = TRUE };

static void
test_first_fetch (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (EngineFetchPlan) p = NULL;

  listed (fixture, "a", 100);
  listed (fixture, "b", 200);
  listed (fixture, "c", 300);
  p = plan (fixture, &keep_forever);
  ASSERT_PLAN (p, "1:a 2:b 3:c", "", "", 0);
  g_assert_cmpuint (((EngineFetchItem *) p->retrieve->pdata[2])->size, ==, 300);
}

static void
test_delete_after_download (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (EngineFetchPlan) p = NULL;

  listed (fixture, "a", 100);
  listed (fixture, "b", 100);
  listed (fixture, "c", 100);
  downloaded (fixture, "b", 0); /* 101 */
  downloaded (fixture, "a", 0); /* 102 */
  p = plan (fixture, &delete_after_download);
  /* c is new: it is deleted at the next fetch, once it has a row. */
  ASSERT_PLAN (p, "3:c", "1=102 2=101", "", 0);
}

static void
test_keep_forever (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (EngineFetchPlan) p = NULL;

  listed (fixture, "a", 100);
  listed (fixture, "b", 100);
  downloaded (fixture, "a", 4000);
  downloaded (fixture, "b", 1);
  p = plan (fixture, &keep_forever);
  ASSERT_PLAN (p, "", "", "", 2);
}

static void
test_keep_n_days (Fixture *fixture, gconstpointer user_data)
{
  EngineFetchPolicy policy = { .keep_on_server = TRUE, .delete_after_days = 7 };
  g_autoptr (EngineFetchPlan) p = NULL;
  StoreLedgerEntry           *almost;

  listed (fixture, "old", 100);
  listed (fixture, "week", 100);
  listed (fixture, "young", 100);
  downloaded (fixture, "old", 30);           /* 101 */
  downloaded (fixture, "week", 7);           /* 102: exactly 7 days: goes */
  almost = downloaded (fixture, "young", 7); /* 103 */
  almost->first_seen += 1;                   /* one second short of 7 days */
  p = plan (fixture, &policy);
  ASSERT_PLAN (p, "", "1=101 2=102", "", 1);
}

static void
test_delete_when_deleted_locally (Fixture *fixture, gconstpointer user_data)
{
  EngineFetchPolicy           policy = { .keep_on_server = TRUE,
                                         .delete_when_deleted_locally = TRUE };
  g_autoptr (EngineFetchPlan) p = NULL;
  g_autoptr (EngineFetchPlan) unset = NULL;

  listed (fixture, "here", 100);
  listed (fixture, "gone", 100);
  listed (fixture, "trash", 100);
  downloaded (fixture, "here", 0);                   /* 101 */
  downloaded (fixture, "gone", 0)->message_id = 0;   /* 102 */
  downloaded (fixture, "trash", 0)->in_trash = TRUE; /* 103 */
  p = plan (fixture, &policy);
  ASSERT_PLAN (p, "", "2=102 3=103", "", 1);

  /* Off by default: local deletes leave the server alone. */
  unset = plan (fixture, &keep_forever);
  ASSERT_PLAN (unset, "", "", "", 3);
}

/* DESIGN.md invariant 9: a UIDL listed twice with one row downloaded
 * gets its other copy downloaded, and only the copy with a row is
 * deleted. */
static void
test_duplicate_uidls (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (EngineFetchPlan) p = NULL;

  listed (fixture, "dup", 100);
  listed (fixture, "x", 100);
  listed (fixture, "dup", 120);
  downloaded (fixture, "dup", 0); /* 101 */
  p = plan (fixture, &delete_after_download);
  ASSERT_PLAN (p, "2:x 3:dup", "1=101", "", 0);
}

static void
test_forget_copies_gone_from_server (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (EngineFetchPlan) p = NULL;

  listed (fixture, "dup", 100);
  listed (fixture, "kept", 100);
  downloaded (fixture, "dup", 0);      /* 101: pairs with msgno 1 */
  downloaded (fixture, "dup", 0);      /* 102: its second copy is gone */
  downloaded (fixture, "kept", 0);     /* 103 */
  downloaded (fixture, "vanished", 0); /* 104 */
  p = plan (fixture, &keep_forever);
  ASSERT_PLAN (p, "", "", "102 104", 2);
}

static void
test_size_limit (Fixture *fixture, gconstpointer user_data)
{
  EngineFetchPolicy           policy = { .size_limit = 1000 };
  g_autoptr (EngineFetchPlan) p = NULL;
  g_autoptr (EngineFetchPlan) later = NULL;
  StoreLedgerEntry           *partial;
  StoreLedgerEntry           *deleted_partial;

  listed (fixture, "small", 1000);
  listed (fixture, "big", 1001);
  p = plan (fixture, &policy);
  ASSERT_PLAN (p, "1:small 2:bigh", "", "", 0);

  /* Headers only here: the server keeps the rest, whatever the policy,
   * until it is downloaded, or the user deletes the message. */
  listed (fixture, "big2", 5000);
  partial = downloaded (fixture, "big", 0); /* 101 */
  partial->partial = TRUE;
  deleted_partial = downloaded (fixture, "big2", 0); /* 102 */
  deleted_partial->partial = TRUE;
  deleted_partial->message_id = 0;
  downloaded (fixture, "small", 0); /* 103 */
  later = plan (fixture, &policy);
  ASSERT_PLAN (later, "", "1=103 3=102", "", 1);
}

/* The user asks for the rest of headers-only messages: those come whole
 * whatever the size limit, next to the new mail; the server keeps them
 * this time, since they are stored only once the download is done. */
static void
test_download_rest (Fixture *fixture, gconstpointer user_data)
{
  EngineFetchPolicy           policy = { .size_limit = 1000 };
  g_autoptr (EngineFetchPlan) p = NULL;
  StoreLedgerEntry           *wanted;
  StoreLedgerEntry           *other;
  StoreLedgerEntry           *whole;
  StoreLedgerEntry           *deleted;

  listed (fixture, "wanted", 5000);
  listed (fixture, "other", 5000);
  listed (fixture, "whole", 10);
  listed (fixture, "deleted", 5000);
  listed (fixture, "new", 5000);
  wanted = downloaded (fixture, "wanted", 0); /* 101, message 5101 */
  wanted->partial = TRUE;
  other = downloaded (fixture, "other", 0); /* 102 */
  other->partial = TRUE;
  whole = downloaded (fixture, "whole", 0);     /* 103: not partial */
  deleted = downloaded (fixture, "deleted", 0); /* 104: deleted here */
  deleted->partial = TRUE;
  deleted->message_id = 0;

  fixture->complete =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_add (fixture->complete, g_memdup2 (&wanted->message_id, 8));
  g_hash_table_add (fixture->complete, g_memdup2 (&whole->message_id, 8));

  p = plan (fixture, &policy);
  ASSERT_PLAN (p, "1:wanted+5101 5:newh", "3=103 4=104", "", 2);
  g_assert_cmpuint (p->completing, ==, 1);
}

static void
test_without_uidl (Fixture *fixture, gconstpointer user_data)
{
  EngineFetchPolicy           policy = { .size_limit = 10 };
  g_autoptr (EngineFetchPlan) p = NULL;

  listed (fixture, "ignored", 100);
  listed (fixture, "ignored", 5);
  p = engine_fetch_plan_new_without_uidl (fixture->sizes, &policy);
  /* Nothing could find a partial message again: all come whole. */
  ASSERT_PLAN (p, "1:- 2:-", "", "", 0);
}

static void
test_policy_from_account (void)
{
  g_autoptr (StoreAccount) account = store_account_new ();
  EngineFetchPolicy        policy;

  account->keep_on_server = FALSE;
  account->delete_after_days = 3;
  account->delete_when_deleted_locally = TRUE;
  account->size_limit = 2;
  policy = engine_fetch_policy_from_account (account);
  /* The later deletes only mean something when copies are kept. */
  g_assert_false (policy.keep_on_server);
  g_assert_cmpuint (policy.delete_after_days, ==, 0);
  g_assert_false (policy.delete_when_deleted_locally);
  g_assert_cmpuint (policy.size_limit, ==, 2048);

  account->keep_on_server = TRUE;
  policy = engine_fetch_policy_from_account (account);
  g_assert_cmpuint (policy.delete_after_days, ==, 3);
  g_assert_true (policy.delete_when_deleted_locally);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/engine/fetch-plan/first-fetch", test_first_fetch);
  ADD ("/engine/fetch-plan/delete-after-download", test_delete_after_download);
  ADD ("/engine/fetch-plan/keep-forever", test_keep_forever);
  ADD ("/engine/fetch-plan/keep-n-days", test_keep_n_days);
  ADD ("/engine/fetch-plan/delete-when-deleted-locally",
       test_delete_when_deleted_locally);
  ADD ("/engine/fetch-plan/duplicate-uidls", test_duplicate_uidls);
  ADD ("/engine/fetch-plan/download-rest", test_download_rest);
  ADD ("/engine/fetch-plan/forget-copies-gone-from-server",
       test_forget_copies_gone_from_server);
  ADD ("/engine/fetch-plan/size-limit", test_size_limit);
  ADD ("/engine/fetch-plan/without-uidl", test_without_uidl);
  g_test_add_func ("/engine/fetch-plan/policy-from-account",
                   test_policy_from_account);

  return g_test_run ();
}
