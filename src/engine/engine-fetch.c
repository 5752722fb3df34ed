/* engine-fetch.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-fetch.h"

#include <string.h>

#include "engine-account.h"
#include "engine-error.h"
#include "engine-fetch-plan.h"
#include "engine-message.h"
#include "pop3-error.h"
#include "store-messages.h"

/* A chunk is one pipelined RETR run and one store transaction: small
 * enough that memory stays bounded by chunks in flight (at most
 * MAX_CHUNKS_IN_FLIGHT), big enough that round trips and commits are not
 * the cost. With two in flight the download stalled whenever parsing and
 * storing fell behind, leaving the server idle; three took about 10% off
 * the 10,000-message fetch for 10 MB of peak RSS (92 MB), four no more. */
#define CHUNK_MESSAGES 200
#define CHUNK_BYTES (8 * 1024 * 1024)
#define MAX_CHUNKS_IN_FLIGHT 3
#define DEFAULT_TIMEOUT_SECONDS 60

/* The UIDLs of a chunk travel with their bytes through parse and store. */
typedef struct
{
  GPtrArray *items;    /* of EngineFetchItem, borrowed from the plan */
  GPtrArray *raw;      /* of GBytes, as they arrived */
  GPtrArray *messages; /* of StoreNewMessage, once parsed */
} Chunk;

struct _EngineFetch
{
  GObject parent_instance;

  StoreDatabase *db;
  StoreAccount  *account;
  char          *password;
  guint          timeout;

  Pop3CertificateFunc certificate_func;
  gpointer            certificate_data;
  GDestroyNotify      certificate_destroy;

  GTask           *task; /* while running */
  Pop3Client      *client;
  EngineFetchPhase phase;
  gint64           now;
  gboolean         has_uidl;
  GPtrArray       *uidls;    /* of Pop3UidlEntry */
  GArray          *sizes;    /* of Pop3ListEntry */
  GHashTable      *complete; /* gint64 message ids: their rest, or NULL */
  EngineFetchPlan *plan;     /* what to download */
  EngineFetchPlan *cleanup;  /* what to delete, after the download */

  /* the download pipeline */
  gboolean top_works; /* a TOP was answered in this session */
  guint    next_item;
  Chunk   *receiving;
  GQueue  *to_parse;
  GQueue  *to_store;
  Chunk   *parsing;
  Chunk   *storing;
  GError  *error;

  guint   messages_done;
  guint   messages_total;
  guint64 bytes_done;
  guint64 bytes_total;
  guint   stored;
  guint   completed;
  guint   kept;
  guint   deleted;
};

G_DEFINE_FINAL_TYPE (EngineFetch, engine_fetch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PHASE,
  PROP_MESSAGES_DONE,
  PROP_MESSAGES_TOTAL,
  PROP_BYTES_DONE,
  PROP_BYTES_TOTAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Accounts being fetched in this process: an account is never fetched
 * twice at once (another process cannot open the store at all). Touched
 * on the main context only. */
static GHashTable *running_accounts;

static void advance (EngineFetch *self);
static void finish_with_error (EngineFetch *self, GError *error);

static void
chunk_free (Chunk *chunk)
{
  if (chunk == NULL)
    return;

  g_ptr_array_unref (chunk->items);
  g_ptr_array_unref (chunk->raw);
  g_clear_pointer (&chunk->messages, g_ptr_array_unref);
  g_free (chunk);
}

static Chunk *
chunk_new (void)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->items = g_ptr_array_new ();
  chunk->raw = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return chunk;
}

static void
engine_fetch_finalize (GObject *object)
{
  EngineFetch *self = ENGINE_FETCH (object);

  g_assert (self->task == NULL);

  g_clear_object (&self->db);
  g_clear_pointer (&self->account, store_account_free);
  if (self->password != NULL)
    {
      memset (self->password, 0, strlen (self->password));
      g_free (self->password);
    }
  if (self->certificate_destroy != NULL)
    self->certificate_destroy (self->certificate_data);
  g_clear_object (&self->client);
  g_clear_pointer (&self->complete, g_hash_table_unref);
  g_clear_pointer (&self->uidls, g_ptr_array_unref);
  g_clear_pointer (&self->sizes, g_array_unref);
  g_clear_pointer (&self->plan, engine_fetch_plan_free);
  g_clear_pointer (&self->cleanup, engine_fetch_plan_free);
  g_clear_pointer (&self->receiving, chunk_free);
  if (self->to_parse != NULL)
    g_queue_free_full (self->to_parse, (GDestroyNotify) chunk_free);
  if (self->to_store != NULL)
    g_queue_free_full (self->to_store, (GDestroyNotify) chunk_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (engine_fetch_parent_class)->finalize (object);
}

static void
engine_fetch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  EngineFetch *self = ENGINE_FETCH (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_int (value, self->phase);
      break;
    case PROP_MESSAGES_DONE:
      g_value_set_uint (value, self->messages_done);
      break;
    case PROP_MESSAGES_TOTAL:
      g_value_set_uint (value, self->messages_total);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, self->bytes_done);
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
engine_fetch_class_init (EngineFetchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   flags =
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = engine_fetch_finalize;
  object_class->get_property = engine_fetch_get_property;

  properties[PROP_PHASE] = g_param_spec_int (
      "phase", NULL, NULL, ENGINE_FETCH_PHASE_IDLE, ENGINE_FETCH_PHASE_DONE,
      ENGINE_FETCH_PHASE_IDLE, flags);
  properties[PROP_MESSAGES_DONE] =
      g_param_spec_uint ("messages-done", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MESSAGES_TOTAL] =
      g_param_spec_uint ("messages-total", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_BYTES_DONE] =
      g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BYTES_TOTAL] =
      g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
engine_fetch_init (EngineFetch *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->to_parse = g_queue_new ();
  self->to_store = g_queue_new ();
}

/**
 * engine_fetch_new:
 * @db: the store
 * @account: the account, as stored (it must have an id and an Inbox)
 * @password: its password, or OAuth 2 token; kept in memory only, and
 *   wiped when the fetch is freed
 *
 * Returns: (transfer full): a fetch, to run once with
 *   engine_fetch_run_async()
 */
EngineFetch *
engine_fetch_new (StoreDatabase      *db,
                  const StoreAccount *account,
                  const char         *password)
{
  EngineFetch *self;

  g_return_val_if_fail (STORE_IS_DATABASE (db), NULL);
  g_return_val_if_fail (account != NULL && account->id > 0, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (ENGINE_TYPE_FETCH, NULL);
  self->db = g_object_ref (db);
  self->account = store_account_copy (account);
  self->password = g_strdup (password);
  return self;
}

/**
 * engine_fetch_set_certificate_func:
 *
 * Decides on a certificate that does not validate and is not pinned;
 * without one, such a certificate is refused (DESIGN.md invariant 7).
 */
void
engine_fetch_set_certificate_func (EngineFetch        *self,
                                   Pop3CertificateFunc func,
                                   gpointer            user_data,
                                   GDestroyNotify      destroy)
{
  g_return_if_fail (ENGINE_IS_FETCH (self));
  g_return_if_fail (self->task == NULL);

  if (self->certificate_destroy != NULL)
    self->certificate_destroy (self->certificate_data);
  self->certificate_func = func;
  self->certificate_data = user_data;
  self->certificate_destroy = destroy;
}

/**
 * engine_fetch_set_complete:
 * @message_ids: (element-type gint64): stored messages of this account
 *   with %STORE_MESSAGE_STATUS_PARTIAL
 *
 * Makes the fetch also download the rest of these messages, whole
 * whatever the size limit, and replace their headers-only copies (the
 * server copy is then deleted when the policy says so, as for any other).
 * When the server no longer has one of them, the fetch fails with
 * %ENGINE_ERROR_NOT_ON_SERVER before downloading anything. Call before
 * engine_fetch_run_async().
 */
void
engine_fetch_set_complete (EngineFetch *self, GArray *message_ids)
{
  g_return_if_fail (ENGINE_IS_FETCH (self));
  g_return_if_fail (self->task == NULL);

  g_clear_pointer (&self->complete, g_hash_table_unref);
  if (message_ids == NULL || message_ids->len == 0)
    return;

  self->complete =
      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < message_ids->len; i++)
    g_hash_table_add (
        self->complete,
        g_memdup2 (&g_array_index (message_ids, gint64, i), sizeof (gint64)));
}

/**
 * engine_fetch_set_timeout:
 * @seconds: how long the server may stay silent (60 by default)
 */
void
engine_fetch_set_timeout (EngineFetch *self, guint seconds)
{
  g_return_if_fail (ENGINE_IS_FETCH (self));

  self->timeout = seconds;
}

static void
set_phase (EngineFetch *self, EngineFetchPhase phase)
{
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

static GCancellable *
cancellable (EngineFetch *self)
{
  return g_task_get_cancellable (self->task);
}

/* The server's errors, in words that say what happens next. The
 * server's own text stays after them. */
static GError *
explain_error (EngineFetch *self, GError *error)
{
  const char *name = self->account->name;
  GError     *explained;

  /* Several accounts fetch at once: every failure names its account. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain != POP3_ERROR)
    {
      explained = g_error_new (error->domain, error->code, "%s: %s", name,
                               error->message);
      g_error_free (error);
      return explained;
    }

  switch (error->code)
    {
    case POP3_ERROR_MAILBOX_IN_USE:
      explained = g_error_new (
          POP3_ERROR, error->code,
          "%s: the mailbox is in use by another client; Pigeon tries "
          "again at the next check (%s)",
          name, error->message);
      break;
    case POP3_ERROR_LOGIN_DELAY:
      explained = g_error_new (POP3_ERROR, error->code,
                               "%s: the server allows no login yet; "
                               "Pigeon waits before it tries again (%s)",
                               name, error->message);
      break;
    case POP3_ERROR_SYS_TEMP:
      explained =
          g_error_new (POP3_ERROR, error->code,
                       "%s: the server has a passing fault; Pigeon tries again "
                       "later (%s)",
                       name, error->message);
      break;
    case POP3_ERROR_AUTH_FAILED:
      explained =
          g_error_new (POP3_ERROR, error->code,
                       "%s: the server refused the user name or password (%s)",
                       name, error->message);
      break;
    default:
      explained = g_error_new (error->domain, error->code, "%s: %s", name,
                               error->message);
      break;
    }

  g_error_free (error);
  return explained;
}

static void
state_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError           *error = NULL;

  /* The mail is safe whatever happened to this bookkeeping. */
  if (!store_database_change_finish (STORE_DATABASE (source), result, &error))
    {
      g_warning ("Cannot record the fetch time: %s", error->message);
      g_error_free (error);
    }

  g_task_return_boolean (task, TRUE);
}

static void
end_running (EngineFetch *self)
{
  g_hash_table_remove (running_accounts, &self->account->id);
  set_phase (self, ENGINE_FETCH_PHASE_DONE);
}

/* Records LOGIN-DELAY: the next login waits that long. */
static gint64
login_not_before (EngineFetch *self)
{
  const Pop3Capabilities *caps =
      self->client != NULL ? pop3_client_get_capabilities (self->client) : NULL;

  if (caps != NULL && caps->login_delay > 0)
    return self->now + caps->login_delay;
  return 0;
}

static void
finish_with_success (EngineFetch *self)
{
  GTask *task = g_steal_pointer (&self->task);

  end_running (self);
  store_database_set_fetch_state_async (self->db, self->account->id, self->now,
                                        login_not_before (self), NULL,
                                        state_saved_cb, task);
}

typedef struct
{
  GTask  *task;
  GError *error;
} DelayedFailure;

static void
login_delay_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DelayedFailure *failure = user_data;
  GError         *error = NULL;

  if (!store_database_change_finish (STORE_DATABASE (source), result, &error))
    {
      g_warning ("Cannot record the server's login delay: %s", error->message);
      g_error_free (error);
    }

  g_task_return_error (failure->task, failure->error);
  g_object_unref (failure->task);
  g_free (failure);
}

/* Drops the connection without QUIT, so the server deletes nothing
 * (RFC 1939 §6), and ends the fetch. */
static void
finish_with_error (EngineFetch *self, GError *error)
{
  GTask *task = g_steal_pointer (&self->task);

  if (self->client != NULL)
    pop3_client_disconnect (self->client);

  end_running (self);

  if (g_error_matches (error, POP3_ERROR, POP3_ERROR_LOGIN_DELAY))
    {
      /* Not announced: five minutes is what RFC 2449 §6.8 servers use
       * most. */
      gint64          wait = login_not_before (self);
      DelayedFailure *failure = g_new0 (DelayedFailure, 1);

      /* The failure is told once the delay is stored: whoever decides
       * on the next login (the scheduler, the caller) reads it there. */
      failure->task = task;
      failure->error = explain_error (self, error);
      store_database_set_fetch_state_async (
          self->db, self->account->id, 0, wait > 0 ? wait : self->now + 5 * 60,
          NULL, login_delay_saved_cb, failure);
      return;
    }

  g_task_return_error (task, explain_error (self, error));
  g_object_unref (task);
}

/* --- the end: delete what the policy lets go, then QUIT ------------- */

static void
forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  if (!store_database_change_finish (STORE_DATABASE (source), result, &error))
    {
      /* The copies are gone from the server; their rows are pruned by
       * the next fetch, which no longer sees them listed. */
      g_warning ("Cannot forget deleted copies: %s", error->message);
      g_error_free (error);
    }

  finish_with_success (self);
  g_object_unref (self);
}

static void
quit_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch       *self = user_data;
  g_autoptr (GArray) forget = NULL;
  GError            *error = NULL;

  if (!pop3_client_quit_finish (POP3_CLIENT (source), result, &error))
    {
      /* Whether the server deleted is unknown; the rows stay, and the
       * next fetch sees what the server still lists. */
      finish_with_error (self, error);
      g_object_unref (self);
      return;
    }

  self->deleted = self->cleanup->delete_msgnos->len;
  forget = g_array_copy (self->cleanup->forget_ledger_ids);
  g_array_append_vals (forget, self->cleanup->delete_ledger_ids->data,
                       self->cleanup->delete_ledger_ids->len);
  if (forget->len == 0)
    {
      finish_with_success (self);
      g_object_unref (self);
      return;
    }

  store_database_forget_ledger_async (self->db, forget, NULL, forgotten_cb,
                                      self);
}

static void
quit (EngineFetch *self)
{
  pop3_client_quit_async (self->client, cancellable (self), quit_cb,
                          g_object_ref (self));
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  if (!pop3_client_delete_finish (POP3_CLIENT (source), result, &error))
    finish_with_error (self, error);
  else
    quit (self);
  g_object_unref (self);
}

static void
marked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  /* Every message stored before this durable commit is on the disk now
   * (DESIGN.md invariant 1): the server copies may go. */
  if (!store_database_change_finish (STORE_DATABASE (source), result, &error))
    finish_with_error (self, error);
  else
    {
      g_debug ("%s: %u copies are on the disk and may go from the server",
               self->account->name, self->cleanup->delete_msgnos->len);
      pop3_client_delete_async (
          self->client, (const guint *) self->cleanup->delete_msgnos->data,
          self->cleanup->delete_msgnos->len, cancellable (self), deleted_cb,
          g_object_ref (self));
    }
  g_object_unref (self);
}

static EngineFetchPlan *
plan_without_uidl_cleanup (EngineFetch *self)
{
  EngineFetchPlan *cleanup = g_new0 (EngineFetchPlan, 1);

  /* Every message was downloaded, and stored durably (chunks are
   * durable without UIDL): all of them go. */
  cleanup->retrieve = g_ptr_array_new ();
  cleanup->delete_msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  cleanup->delete_ledger_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  cleanup->forget_ledger_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < self->plan->retrieve->len; i++)
    {
      EngineFetchItem *item = self->plan->retrieve->pdata[i];

      g_array_append_val (cleanup->delete_msgnos, item->msgno);
    }
  return cleanup;
}

static void
clean_up (EngineFetch *self)
{
  g_autoptr (GPtrArray) ledger = NULL;
  EngineFetchPolicy policy = engine_fetch_policy_from_account (self->account);
  GError           *error = NULL;

  set_phase (self, ENGINE_FETCH_PHASE_CLEANING);

  if (!self->has_uidl)
    self->cleanup = plan_without_uidl_cleanup (self);
  else
    {
      ledger = store_database_list_ledger (self->db, self->account->id, &error);
      if (ledger == NULL)
        {
          finish_with_error (self, error);
          return;
        }
      self->cleanup = engine_fetch_plan_new (self->uidls, self->sizes, ledger,
                                             &policy, NULL, self->now);
    }
  self->kept = self->cleanup->kept;

  if (self->cleanup->delete_msgnos->len == 0)
    {
      quit (self);
      return;
    }

  store_database_mark_for_server_delete_async (
      self->db, self->cleanup->delete_ledger_ids, NULL, marked_cb,
      g_object_ref (self));
}

/* --- the download pipeline: receive, parse, store ------------------- */

/* The pipeline stops at the first failure; later ones are its echoes. */
static void
keep_first_error (EngineFetch *self, GError *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
}

static guint
chunks_in_flight (EngineFetch *self)
{
  return g_queue_get_length (self->to_parse) +
         g_queue_get_length (self->to_store) + (self->parsing != NULL) +
         (self->storing != NULL);
}

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch       *self = user_data;
  g_autoptr (GArray) ids = NULL;
  GError            *error = NULL;

  ids = store_database_insert_finish (STORE_DATABASE (source), result, &error);
  if (ids == NULL)
    {
      keep_first_error (self, error);
    }
  else
    {
      self->stored += ids->len;
      g_debug ("%s: %u messages stored", self->account->name, self->stored);
    }

  g_clear_pointer (&self->storing, chunk_free);
  advance (self);
  g_object_unref (self);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *task_cancellable)
{
  Chunk *chunk = task_data;
  gint64 received = g_get_real_time () / G_USEC_PER_SEC;

  chunk->messages = g_ptr_array_new_full (
      chunk->raw->len, (GDestroyNotify) store_new_message_free);
  for (guint i = 0; i < chunk->raw->len; i++)
    {
      const EngineFetchItem *item = chunk->items->pdata[i];
      StoreNewMessage       *message =
          engine_message_new (chunk->raw->pdata[i], received);

      message->uidl = g_strdup (item->uidl);
      if (item->headers_only)
        message->status |= STORE_MESSAGE_STATUS_PARTIAL;
      g_ptr_array_add (chunk->messages, message);
    }
  g_task_return_boolean (task, TRUE);
}

static void
parsed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = ENGINE_FETCH (source);

  g_queue_push_tail (self->to_store, g_steal_pointer (&self->parsing));
  advance (self);
}

/* TOP is optional (RFC 1939 §7): from @first on, messages over the size
 * limit are downloaded whole, as Thunderbird does, rather than never. A
 * size limit saves time; it must not keep mail away for good. */
static void
fetch_whole_from (EngineFetch *self, guint first)
{
  gboolean changed = FALSE;
  guint64  added = 0;

  for (guint i = first; i < self->plan->retrieve->len; i++)
    {
      EngineFetchItem *item = self->plan->retrieve->pdata[i];

      if (!item->headers_only)
        continue;
      item->headers_only = FALSE;
      changed = TRUE;
      added += item->size;
    }
  if (!changed)
    return;

  g_message ("%s: the server cannot send headers only (it has no TOP); "
             "messages over the size limit are downloaded whole",
             self->account->name);
  if (self->phase == ENGINE_FETCH_PHASE_DOWNLOADING)
    {
      self->bytes_total += added;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
    }
}

/* Whether @error is a server without TOP refusing it: the first TOP of
 * the session, refused with -ERR before any message of @chunk came. A
 * server that has answered TOP before has had a message go missing. */
static gboolean
is_top_refused (EngineFetch *self, const Chunk *chunk, const GError *error)
{
  const EngineFetchItem *first = chunk->items->pdata[0];

  return first->headers_only && !self->top_works && chunk->raw->len == 0 &&
         (g_error_matches (error, POP3_ERROR, POP3_ERROR_SERVER) ||
          g_error_matches (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED));
}

static void
received_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  if (!pop3_client_retrieve_finish (POP3_CLIENT (source), result, &error) &&
      is_top_refused (self, self->receiving, error))
    {
      /* Nothing else was sent: without CAPA there is no pipelining. The
       * same messages are asked for again, whole. */
      g_clear_error (&error);
      self->next_item -= self->receiving->items->len;
      fetch_whole_from (self, self->next_item);
    }
  else if (error != NULL)
    {
      /* What arrived whole is still stored; the rest waits on the
       * server for the next fetch. */
      keep_first_error (self, error);
    }

  if (self->receiving->raw->len > 0)
    g_queue_push_tail (self->to_parse, g_steal_pointer (&self->receiving));
  else
    g_clear_pointer (&self->receiving, chunk_free);
  advance (self);
  g_object_unref (self);
}

static void
completed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  gint64 completed;

  completed =
      store_database_complete_finish (STORE_DATABASE (source), result, &error);
  if (completed < 0)
    keep_first_error (self, error);
  else
    self->completed += (guint) completed;

  g_clear_pointer (&self->storing, chunk_free);
  advance (self);
  g_object_unref (self);
}

/* Hands a parsed chunk to the store: new messages are inserted, the rest
 * of headers-only ones replaces what was stored of them. */
static void
store_chunk (EngineFetch *self, Chunk *chunk)
{
  const EngineFetchItem *first = chunk->items->pdata[0];
  g_autoptr (GArray)     ids = NULL;

  self->storing = chunk;
  if (first->complete_id == 0)
    {
      /* Without UIDL nothing identifies a stored message on the server,
       * so each chunk is on the disk before anything is deleted. */
      store_database_insert_async (
          self->db, self->account->inbox_id, self->account->id, chunk->messages,
          !self->has_uidl, NULL, stored_cb, g_object_ref (self));
      return;
    }

  /* A download cut short leaves fewer messages than items: the rest stay
   * headers only, for the next request. */
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), chunk->messages->len);
  for (guint i = 0; i < chunk->messages->len; i++)
    g_array_append_val (
        ids, ((EngineFetchItem *) chunk->items->pdata[i])->complete_id);
  store_database_complete_async (self->db, ids, chunk->messages, NULL,
                                 completed_cb, g_object_ref (self));
}

static gboolean
message_cb (guint msgno, GBytes *message, gpointer user_data, GError **error)
{
  EngineFetch           *self = user_data;
  Chunk                 *chunk = self->receiving;
  const EngineFetchItem *item = chunk->items->pdata[chunk->raw->len];

  if (item->msgno != msgno)
    {
      g_set_error (error, POP3_ERROR, POP3_ERROR_PROTOCOL,
                   "Message %u arrived where %u was expected", msgno,
                   item->msgno);
      return FALSE;
    }

  g_ptr_array_add (chunk->raw, g_bytes_ref (message));
  if (item->headers_only)
    self->top_works = TRUE;
  self->messages_done++;
  /* bytes-total counts what comes whole (start_download() says why). */
  if (!item->headers_only)
    self->bytes_done += item->size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGES_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
  return TRUE;
}

/* The next run of messages fetched and stored the same way (whole or
 * headers only; new or completing a stored one) up to a chunk's size. */
static void
receive_next_chunk (EngineFetch *self)
{
  GPtrArray             *retrieve = self->plan->retrieve;
  g_autoptr (GArray)     msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  Chunk                 *chunk = chunk_new ();
  const EngineFetchItem *first = retrieve->pdata[self->next_item];
  gboolean               headers_only = first->headers_only;
  gboolean               completing = first->complete_id != 0;
  guint64                bytes = 0;

  while (self->next_item < retrieve->len &&
         chunk->items->len < CHUNK_MESSAGES && bytes < CHUNK_BYTES)
    {
      EngineFetchItem *item = retrieve->pdata[self->next_item];

      if (item->headers_only != headers_only ||
          (item->complete_id != 0) != completing)
        break;
      g_ptr_array_add (chunk->items, item);
      g_array_append_val (msgnos, item->msgno);
      bytes += item->size;
      self->next_item++;
    }

  self->receiving = chunk;
  pop3_client_retrieve_async (self->client, (const guint *) msgnos->data,
                              msgnos->len, headers_only ? 0 : -1, message_cb,
                              self, cancellable (self), received_cb,
                              g_object_ref (self));
}

/* Moves the pipeline on after any stage finished: stores a parsed chunk
 * when the store is free, parses a received one when no parse runs,
 * receives the next while few are in flight, and cleans up once all is
 * stored. An error stops receiving, but what was received is still
 * stored before the fetch ends. */
static void
advance (EngineFetch *self)
{
  if (self->storing == NULL && !g_queue_is_empty (self->to_store))
    store_chunk (self, g_queue_pop_head (self->to_store));

  if (self->parsing == NULL && !g_queue_is_empty (self->to_parse))
    {
      g_autoptr (GTask) parse = g_task_new (self, NULL, parsed_cb, NULL);

      self->parsing = g_queue_pop_head (self->to_parse);
      g_task_set_task_data (parse, self->parsing, NULL);
      g_task_run_in_thread (parse, parse_thread);
    }

  if (self->error == NULL && self->receiving == NULL &&
      self->next_item < self->plan->retrieve->len &&
      chunks_in_flight (self) < MAX_CHUNKS_IN_FLIGHT)
    receive_next_chunk (self);

  if (self->receiving != NULL || chunks_in_flight (self) > 0)
    return;

  if (self->error != NULL)
    finish_with_error (self, g_steal_pointer (&self->error));
  else
    clean_up (self);
}

/* --- the start: connect, log in, list ------------------------------- */

static void
start_download (EngineFetch *self)
{
  EngineFetchPolicy policy = engine_fetch_policy_from_account (self->account);
  g_autoptr (GPtrArray) ledger = NULL;
  GError               *error = NULL;

  if (!self->has_uidl)
    {
      if (self->account->keep_on_server)
        {
          finish_with_error (
              self, g_error_new (ENGINE_ERROR, ENGINE_ERROR_NO_UIDL,
                                 "the server cannot tell its messages apart "
                                 "(it has no UIDL), so Pigeon cannot keep "
                                 "copies there without downloading them again "
                                 "at every check. Turn off “keep copies on "
                                 "the server” for this account."));
          return;
        }
      if (self->complete != NULL)
        {
          /* The rest of a message is found by its UIDL, which the server
           * no longer gives. */
          finish_with_error (
              self, g_error_new_literal (
                        ENGINE_ERROR, ENGINE_ERROR_NO_UIDL,
                        "the server no longer tells its messages apart (it "
                        "has no UIDL now), so the rest of a message "
                        "downloaded as headers only cannot be found there"));
          return;
        }
      self->plan = engine_fetch_plan_new_without_uidl (self->sizes, &policy);
    }
  else
    {
      ledger = store_database_list_ledger (self->db, self->account->id, &error);
      if (ledger == NULL)
        {
          finish_with_error (self, error);
          return;
        }
      self->plan = engine_fetch_plan_new (self->uidls, self->sizes, ledger,
                                          &policy, self->complete, self->now);
    }

  if (self->complete != NULL &&
      self->plan->completing < g_hash_table_size (self->complete))
    {
      /* Nothing is downloaded: the user asked for a message, and would
       * not know which of several the server lost. */
      finish_with_error (
          self, g_error_new (ENGINE_ERROR, ENGINE_ERROR_NOT_ON_SERVER,
                             "the server no longer has the rest of %u of "
                             "the messages asked for; only their headers "
                             "were downloaded",
                             g_hash_table_size (self->complete) -
                                 self->plan->completing));
      return;
    }

  /* A server that lists its capabilities says whether it has TOP; one
   * without CAPA is asked, and its -ERR means no (received_cb()). */
  if (pop3_client_get_capa_supported (self->client))
    {
      const Pop3Capabilities *caps =
          pop3_client_get_capabilities (self->client);

      if (caps == NULL || !caps->top)
        fetch_whole_from (self, 0);
    }

  /* Bytes count what comes whole: the headers of a message over the
   * size limit are a few hundred bytes of its LIST size, which would
   * never be done. */
  self->messages_total = self->plan->retrieve->len;
  for (guint i = 0; i < self->plan->retrieve->len; i++)
    {
      const EngineFetchItem *item = self->plan->retrieve->pdata[i];

      if (!item->headers_only)
        self->bytes_total += item->size;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);

  set_phase (self, ENGINE_FETCH_PHASE_DOWNLOADING);
  advance (self);
}

static void
uidl_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  self->uidls = pop3_client_uidl_finish (POP3_CLIENT (source), result, &error);
  if (self->uidls == NULL)
    {
      /* A server without CAPA may still lack UIDL: it says -ERR. */
      if (!g_error_matches (error, POP3_ERROR, POP3_ERROR_SERVER) &&
          !g_error_matches (error, POP3_ERROR, POP3_ERROR_UNSUPPORTED))
        {
          finish_with_error (self, error);
          g_object_unref (self);
          return;
        }
      g_error_free (error);
      self->has_uidl = FALSE;
    }

  start_download (self);
  g_object_unref (self);
}

static void
list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch            *self = user_data;
  const Pop3Capabilities *caps = pop3_client_get_capabilities (self->client);
  GError                 *error = NULL;

  self->sizes = pop3_client_list_finish (POP3_CLIENT (source), result, &error);
  if (self->sizes == NULL)
    {
      finish_with_error (self, error);
      g_object_unref (self);
      return;
    }

  self->has_uidl = !pop3_client_get_capa_supported (self->client) ||
                   (caps != NULL && caps->uidl);
  if (!self->has_uidl)
    start_download (self);
  else
    pop3_client_uidl_async (self->client, cancellable (self), uidl_cb,
                            g_object_ref (self));
  g_object_unref (self);
}

static void
login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch *self = user_data;
  GError      *error = NULL;

  if (!pop3_client_login_finish (POP3_CLIENT (source), result, NULL, &error))
    finish_with_error (self, error);
  else
    {
      set_phase (self, ENGINE_FETCH_PHASE_LISTING);
      pop3_client_list_async (self->client, cancellable (self), list_cb,
                              g_object_ref (self));
    }
  g_object_unref (self);
}

static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  EngineFetch      *self = user_data;
  Pop3AuthMechanism mechanism = POP3_AUTH_AUTOMATIC;
  GError           *error = NULL;

  if (!pop3_client_connect_finish (POP3_CLIENT (source), result, &error))
    finish_with_error (self, error);
  else
    {
      engine_auth_from_string (self->account->auth, &mechanism);
      pop3_client_login_async (
          self->client, mechanism, self->account->user_name, self->password,
          cancellable (self), login_cb, g_object_ref (self));
    }
  g_object_unref (self);
}

static gboolean
make_client (EngineFetch *self, GError **error)
{
  Pop3Security security = POP3_SECURITY_TLS;

  engine_security_from_string (self->account->security, &security);
  self->client =
      pop3_client_new (self->account->host, self->account->port, security);
  pop3_client_set_timeout (self->client, self->timeout);
  pop3_client_set_allow_insecure_auth (self->client,
                                       self->account->allow_insecure_auth);
  if (self->account->pinned_certificate != NULL)
    pop3_client_set_pinned_certificate (self->client,
                                        self->account->pinned_certificate);
  if (self->account->ca_file != NULL)
    {
      g_autoptr (GTlsDatabase) database =
          g_tls_file_database_new (self->account->ca_file, error);

      if (database == NULL)
        return FALSE;
      pop3_client_set_tls_database (self->client, database);
    }
  if (self->certificate_func != NULL)
    pop3_client_set_certificate_func (self->client, self->certificate_func,
                                      self->certificate_data, NULL);
  return TRUE;
}

/**
 * engine_fetch_run_async:
 * @cancellable: (nullable): stops the fetch at any point; the connection
 *   is dropped without QUIT, so the server deletes nothing, and what was
 *   stored stays
 *
 * Fetches the account's new mail into its Inbox, then deletes on the
 * server what its policy lets go, only after the mail is on the disk
 * (DESIGN.md "The fetch, and the no-loss contract").
 */
void
engine_fetch_run_async (EngineFetch        *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  GError *error = NULL;

  g_return_if_fail (ENGINE_IS_FETCH (self));
  g_return_if_fail (self->task == NULL &&
                    self->phase == ENGINE_FETCH_PHASE_IDLE);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, engine_fetch_run_async);
  self->now = g_get_real_time () / G_USEC_PER_SEC;

  if (running_accounts == NULL)
    running_accounts = g_hash_table_new (g_int64_hash, g_int64_equal);
  if (g_hash_table_contains (running_accounts, &self->account->id))
    {
      GTask *task = g_steal_pointer (&self->task);

      self->phase = ENGINE_FETCH_PHASE_DONE;
      g_task_return_new_error (task, ENGINE_ERROR, ENGINE_ERROR_BUSY,
                               "%s is being fetched already",
                               self->account->name);
      g_object_unref (task);
      return;
    }
  g_hash_table_add (running_accounts, &self->account->id);

  if (self->account->login_not_before > self->now)
    {
      g_autoptr (GDateTime) when =
          g_date_time_new_from_unix_local (self->account->login_not_before);
      g_autofree char *time = g_date_time_format (when, "%X");

      finish_with_error (self, g_error_new (ENGINE_ERROR, ENGINE_ERROR_TOO_SOON,
                                            "the server allows the next "
                                            "login at %s",
                                            time));
      return;
    }

  if (!make_client (self, &error))
    {
      finish_with_error (self, error);
      return;
    }

  set_phase (self, ENGINE_FETCH_PHASE_CONNECTING);
  pop3_client_connect_async (self->client, cancellable, connect_cb,
                             g_object_ref (self));
}

/**
 * engine_fetch_run_finish:
 *
 * Returns: %TRUE, or %FALSE with a #Pop3Error (the server, the network,
 *   TLS, a login refused), an #EngineError (%ENGINE_ERROR_BUSY,
 *   %ENGINE_ERROR_TOO_SOON, %ENGINE_ERROR_NO_UIDL), a #StoreError or
 *   %G_IO_ERROR_CANCELLED. Mail stored before a failure stays stored.
 */
gboolean
engine_fetch_run_finish (EngineFetch  *self,
                         GAsyncResult *result,
                         GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const StoreAccount *
engine_fetch_get_account (EngineFetch *self)
{
  return self->account;
}

EngineFetchPhase
engine_fetch_get_phase (EngineFetch *self)
{
  return self->phase;
}

guint
engine_fetch_get_messages_done (EngineFetch *self)
{
  return self->messages_done;
}

guint
engine_fetch_get_messages_total (EngineFetch *self)
{
  return self->messages_total;
}

guint64
engine_fetch_get_bytes_done (EngineFetch *self)
{
  return self->bytes_done;
}

guint64
engine_fetch_get_bytes_total (EngineFetch *self)
{
  return self->bytes_total;
}

/**
 * engine_fetch_get_stored:
 *
 * Returns: how many new messages were stored, also after a failure
 */
guint
engine_fetch_get_stored (EngineFetch *self)
{
  return self->stored;
}

/**
 * engine_fetch_get_completed:
 *
 * Returns: how many headers-only messages were completed with their rest
 *   (engine_fetch_set_complete()), also after a failure
 */
guint
engine_fetch_get_completed (EngineFetch *self)
{
  return self->completed;
}

/**
 * engine_fetch_get_kept:
 *
 * Returns: how many downloaded messages the server keeps
 */
guint
engine_fetch_get_kept (EngineFetch *self)
{
  return self->kept;
}

/**
 * engine_fetch_get_deleted:
 *
 * Returns: how many messages the server deleted at this fetch's QUIT
 */
guint
engine_fetch_get_deleted (EngineFetch *self)
{
  return self->deleted;
}
