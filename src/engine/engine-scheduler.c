/* engine-scheduler.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-scheduler.h"

#include "engine-error.h"
#include "engine-secret.h"
#include "pop3-error.h"
#include "store-accounts.h"

/* Checks every enabled account: at start, every account's own interval
 * after its last check, and all of them when the network comes back;
 * none of these before the server allows a login again (LOGIN-DELAY),
 * and none after the server refused the password, until the user checks
 * the account or its settings change: the same password again at every
 * interval gets accounts locked by servers that count failures.
 * "No network" is not a reason to skip a check: GNetworkMonitor means
 * "no default route", and a server on the LAN or on this machine is
 * still there; a check that cannot connect fails fast.
 * One fetch per account at a time; one failing never holds up another.
 * Lives on the main context. */

typedef struct
{
  EngineScheduler *scheduler; /* not a reference: the slot is its */
  gint64           id;        /* the key in the scheduler's table */
  StoreAccount    *account;   /* replaced when read again */
  guint            timer_id;
  gboolean         busy;        /* a check runs: password lookup, then fetch */
  EngineFetch     *fetch;       /* while one runs */
  gboolean         pending;     /* checked again once the running one ends */
  gboolean         refused;     /* the server refused the password */
  GCancellable    *cancellable; /* of the running check */
} AccountSlot;

struct _EngineScheduler
{
  GObject parent_instance;

  StoreDatabase   *db;
  GNetworkMonitor *monitor;
  gulong           network_changed_id;
  gboolean         network_available;
  gboolean         running;
  guint            minute_seconds;
  GHashTable      *slots; /* account id -> AccountSlot */
};

G_DEFINE_FINAL_TYPE (EngineScheduler, engine_scheduler, G_TYPE_OBJECT)

enum
{
  SIGNAL_FETCH_STARTED,
  SIGNAL_ACCOUNT_CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void check (AccountSlot *slot);

static void
account_slot_free (AccountSlot *slot)
{
  g_clear_handle_id (&slot->timer_id, g_source_remove);
  /* A removed account's fetch stops; the server deletes nothing. */
  if (slot->cancellable != NULL)
    g_cancellable_cancel (slot->cancellable);
  g_clear_object (&slot->cancellable);
  g_clear_object (&slot->fetch);
  store_account_free (slot->account);
  g_free (slot);
}

static void
engine_scheduler_dispose (GObject *object)
{
  EngineScheduler *self = ENGINE_SCHEDULER (object);

  engine_scheduler_stop (self);
  g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (engine_scheduler_parent_class)->dispose (object);
}

static void
engine_scheduler_finalize (GObject *object)
{
  EngineScheduler *self = ENGINE_SCHEDULER (object);

  g_hash_table_unref (self->slots);

  G_OBJECT_CLASS (engine_scheduler_parent_class)->finalize (object);
}

static void
engine_scheduler_class_init (EngineSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = engine_scheduler_dispose;
  object_class->finalize = engine_scheduler_finalize;

  /**
   * EngineScheduler::fetch-started:
   * @fetch: the fetch, for its progress
   */
  signals[SIGNAL_FETCH_STARTED] = g_signal_new (
      "fetch-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
      NULL, NULL, G_TYPE_NONE, 1, ENGINE_TYPE_FETCH);

  /**
   * EngineScheduler::account-checked:
   * @account_id: the account
   * @fetch: (nullable): its fetch, or %NULL if none could start (no
   *   password, the server allows no login yet)
   * @error: (nullable): why the check failed
   */
  signals[SIGNAL_ACCOUNT_CHECKED] =
      g_signal_new ("account-checked", G_TYPE_FROM_CLASS (klass),
                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                    G_TYPE_INT64, ENGINE_TYPE_FETCH, G_TYPE_ERROR);
}

static void
engine_scheduler_init (EngineScheduler *self)
{
  self->minute_seconds = 60;
  self->network_available = TRUE;
  self->slots = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) account_slot_free);
}

static gboolean
timer_cb (gpointer user_data)
{
  AccountSlot *slot = user_data;

  slot->timer_id = 0;
  check (slot);
  return G_SOURCE_REMOVE;
}

/* The next check: the interval after the last complete fetch (or after
 * now, if that is already past), never before the server allows. */
static void
arm (AccountSlot *slot)
{
  EngineScheduler *self = slot->scheduler;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  gint64           interval =
      (gint64) slot->account->check_interval * self->minute_seconds;
  gint64 due;

  g_clear_handle_id (&slot->timer_id, g_source_remove);
  if (!self->running || !slot->account->enabled || slot->refused ||
      slot->account->check_interval == 0)
    return;

  due = MAX (slot->account->last_fetch, 0) + interval;
  if (due <= now)
    due = now + interval;
  due = MAX (due, slot->account->login_not_before);
  slot->timer_id = g_timeout_add_seconds ((guint) MIN (due - now, G_MAXUINT),
                                          timer_cb, slot);
}

static void
reload_account (AccountSlot *slot)
{
  g_autoptr (GError) error = NULL;
  StoreAccount      *account = store_database_get_account (
           slot->scheduler->db, slot->account->id, &error);

  if (account == NULL)
    return;
  store_account_free (slot->account);
  slot->account = account;
}

static void
checked (AccountSlot *slot, EngineFetch *fetch, const GError *error)
{
  EngineScheduler *self = slot->scheduler;
  gint64           id = slot->account->id;

  g_object_ref (self);
  reload_account (slot);
  slot->refused = g_error_matches (error, POP3_ERROR, POP3_ERROR_AUTH_FAILED);
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_CHECKED], 0, id, fetch, error);

  /* The slot may be gone if a handler removed the account. */
  slot = g_hash_table_lookup (self->slots, &id);
  if (slot != NULL)
    {
      arm (slot);
      if (slot->pending && self->running)
        {
          slot->pending = FALSE;
          check (slot);
        }
    }
  g_object_unref (self);
}

static void
fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EngineScheduler) self = user_data;
  g_autoptr (EngineFetch)     fetch = ENGINE_FETCH (g_object_ref (source));
  g_autoptr (GError)          error = NULL;
  gint64                      id = engine_fetch_get_account (fetch)->id;
  AccountSlot                *slot = g_hash_table_lookup (self->slots, &id);

  engine_fetch_run_finish (fetch, result, &error);
  if (slot == NULL || slot->fetch != fetch)
    return;

  g_clear_object (&slot->fetch);
  slot->busy = FALSE;
  checked (slot, fetch, error);
}

typedef struct
{
  EngineScheduler *self;
  gint64           account_id;
} LookupData;

static void
password_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LookupData                 *data = user_data;
  g_autoptr (EngineScheduler) self = data->self;
  g_autoptr (GError)          error = NULL;
  char        *password = engine_secret_lookup_finish (result, &error);
  AccountSlot *slot = g_hash_table_lookup (self->slots, &data->account_id);

  g_free (data);
  if (slot == NULL || !slot->busy)
    {
      /* Stopped, or the account removed, meanwhile. */
      engine_secret_free (password);
      return;
    }

  if (password == NULL)
    {
      if (error == NULL)
        error = g_error_new (ENGINE_ERROR, ENGINE_ERROR_NO_PASSWORD,
                             "%s has no password in the keyring",
                             slot->account->name);
      slot->busy = FALSE;
      checked (slot, NULL, error);
      return;
    }

  slot->fetch = engine_fetch_new (self->db, slot->account, password);
  engine_secret_free (password);
  g_signal_emit (self, signals[SIGNAL_FETCH_STARTED], 0, slot->fetch);
  engine_fetch_run_async (slot->fetch, slot->cancellable, fetched_cb,
                          g_object_ref (self));
}

static void
check (AccountSlot *slot)
{
  EngineScheduler *self = slot->scheduler;
  LookupData      *data;

  if (!self->running || !slot->account->enabled)
    return;
  if (slot->busy)
    {
      /* Never twice at once: once more when this one ends. */
      slot->pending = TRUE;
      return;
    }
  g_clear_handle_id (&slot->timer_id, g_source_remove);
  reload_account (slot);
  slot->busy = TRUE;
  data = g_new0 (LookupData, 1);
  data->self = g_object_ref (self);
  data->account_id = slot->account->id;
  g_clear_object (&slot->cancellable);
  slot->cancellable = g_cancellable_new ();
  engine_secret_lookup_async (slot->account->uuid, slot->cancellable,
                              password_cb, data);
}

/* A check the user did not ask for: at start, for a new account, when
 * the network comes back. Not with a password the server refused, and
 * not before the server allows a login: then at that time. */
static void
check_unasked (AccountSlot *slot)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_before = slot->account->login_not_before;

  if (slot->refused)
    return;
  if (not_before > now)
    {
      if (!slot->busy)
        {
          g_clear_handle_id (&slot->timer_id, g_source_remove);
          slot->timer_id = g_timeout_add_seconds (
              (guint) MIN (not_before - now, G_MAXUINT), timer_cb, slot);
        }
      return;
    }
  check (slot);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  EngineScheduler *self = user_data;
  gboolean         came_back = available && !self->network_available;
  GHashTableIter   iter;
  AccountSlot     *slot;

  self->network_available = available;
  if (!came_back)
    return;
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    check_unasked (slot);
}

/**
 * engine_scheduler_new:
 * @db: the store
 * @monitor: (nullable): tells when the network comes back; %NULL for the
 *   system's
 *
 * Returns: (transfer full): a scheduler, stopped
 */
EngineScheduler *
engine_scheduler_new (StoreDatabase *db, GNetworkMonitor *monitor)
{
  EngineScheduler *self;

  g_return_val_if_fail (STORE_IS_DATABASE (db), NULL);

  self = g_object_new (ENGINE_TYPE_SCHEDULER, NULL);
  self->db = g_object_ref (db);
  self->monitor = g_object_ref (
      monitor != NULL ? monitor : g_network_monitor_get_default ());
  self->network_available =
      g_network_monitor_get_network_available (self->monitor);
  self->network_changed_id = g_signal_connect (
      self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  return self;
}

/**
 * engine_scheduler_set_minute_seconds:
 * @seconds: how long a minute of check interval lasts: 60, or less in
 *   tests
 */
void
engine_scheduler_set_minute_seconds (EngineScheduler *self, guint seconds)
{
  g_return_if_fail (ENGINE_IS_SCHEDULER (self));
  g_return_if_fail (seconds > 0);

  self->minute_seconds = seconds;
}

/**
 * engine_scheduler_reload:
 *
 * Reads the accounts again after one was added, changed or removed
 * (its password included): new ones are checked at once, removed ones
 * stop (a fetch in flight is cancelled), changed intervals apply from
 * now, and accounts whose password the server refused are checked at
 * their interval again.
 */
void
engine_scheduler_reload (EngineScheduler *self)
{
  g_autoptr (GPtrArray)  accounts = NULL;
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GError)     error = NULL;
  GHashTableIter         iter;
  AccountSlot           *slot;

  g_return_if_fail (ENGINE_IS_SCHEDULER (self));

  accounts = store_database_list_accounts (self->db, &error);
  if (accounts == NULL)
    {
      g_warning ("Cannot read the accounts: %s", error->message);
      return;
    }

  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < accounts->len; i++)
    {
      StoreAccount *account = accounts->pdata[i];

      slot = g_hash_table_lookup (self->slots, &account->id);
      if (slot == NULL)
        {
          slot = g_new0 (AccountSlot, 1);
          slot->scheduler = self;
          slot->id = account->id;
          slot->account = store_account_copy (account);
          g_hash_table_insert (self->slots, &slot->id, slot);
          g_hash_table_add (seen, &slot->id);
          check_unasked (slot);
          continue;
        }

      store_account_free (slot->account);
      slot->account = store_account_copy (account);
      g_hash_table_add (seen, &slot->id);
      /* Its settings changed, perhaps its password: worth a try again. */
      slot->refused = FALSE;
      if (!slot->busy)
        arm (slot);
    }

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    if (!g_hash_table_contains (seen, &slot->id))
      g_hash_table_iter_remove (&iter);
}

/**
 * engine_scheduler_start:
 *
 * Checks every enabled account now (if the network is up), then each at
 * its interval.
 */
void
engine_scheduler_start (EngineScheduler *self)
{
  g_return_if_fail (ENGINE_IS_SCHEDULER (self));

  if (self->running)
    return;
  self->running = TRUE;
  engine_scheduler_reload (self);
}

/**
 * engine_scheduler_stop:
 *
 * Stops the timers and cancels the fetches in flight; what they stored
 * stays, and their servers delete nothing.
 */
void
engine_scheduler_stop (EngineScheduler *self)
{
  g_return_if_fail (ENGINE_IS_SCHEDULER (self));

  self->running = FALSE;
  g_hash_table_remove_all (self->slots);
}

/**
 * engine_scheduler_check_now:
 * @account_id: an account, or 0 for all
 *
 * Checks now, as "Get mail" does; an account being fetched is checked
 * again once its fetch ends. An account whose password the server
 * refused is tried again: the user asked.
 */
void
engine_scheduler_check_now (EngineScheduler *self, gint64 account_id)
{
  GHashTableIter iter;
  AccountSlot   *slot;

  g_return_if_fail (ENGINE_IS_SCHEDULER (self));

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    if (account_id == 0 || slot->account->id == account_id)
      {
        slot->refused = FALSE;
        check (slot);
      }
}

/**
 * engine_scheduler_is_fetching:
 *
 * Returns: whether a check of the account is running
 */
gboolean
engine_scheduler_is_fetching (EngineScheduler *self, gint64 account_id)
{
  AccountSlot *slot;

  g_return_val_if_fail (ENGINE_IS_SCHEDULER (self), FALSE);

  slot = g_hash_table_lookup (self->slots, &account_id);
  return slot != NULL && slot->busy;
}
