/* engine-secret.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-secret.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "engine-error.h"

#define ATTRIBUTE_ACCOUNT "account"
#define ATTRIBUTE_USER "user"
#define ATTRIBUTE_HOST "host"

typedef struct
{
  char *account;
  char *user;
  char *host;
  /* Items of this account whose user or host differ from the ones just
   * stored, still to be deleted; owned SecretItem references. */
  GList *stale;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->account);
  g_free (data->user);
  g_free (data->host);
  g_list_free_full (data->stale, g_object_unref);
  g_free (data);
}

/* The schema name is the app ID, so Seahorse and secret-tool show whose
 * items these are; libsecret stores it as the xdg:schema attribute and
 * every lookup below matches it, so no other application's item with an
 * "account" attribute can be mistaken for ours. */
static const SecretSchema *
engine_secret_get_schema (void)
{
  static const SecretSchema schema = {
    .name = APPLICATION_ID,
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { ATTRIBUTE_ACCOUNT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_USER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_HOST, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* D-Bus errors that mean nobody answers for org.freedesktop.secrets (no
 * session bus, no service file, the service would not start or never
 * replied), as opposed to a service that answered and refused. */
static gboolean
is_unavailable_dbus_error (const GError *error)
{
  if (error->domain != G_DBUS_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_NO_SERVER:
    case G_DBUS_ERROR_NO_REPLY:
    case G_DBUS_ERROR_TIMEOUT:
    case G_DBUS_ERROR_TIMED_OUT:
    case G_DBUS_ERROR_DISCONNECTED:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
    case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Turns what libsecret or GDBus reported into an ENGINE_ERROR the user
 * can act on, keeping the original text at the end for a bug report.
 * Takes @error. A cancellation the caller asked for stays
 * G_IO_ERROR_CANCELLED. One it did not ask for is not expected (a
 * dismissed unlock prompt ends in a locked error or, for a lookup, in no
 * result), but it must not pass for the caller's own, which callers
 * handle by showing nothing. */
static GError *
engine_secret_translate_error (GError *error, GCancellable *cancellable)
{
  g_autoptr (GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (g_cancellable_is_cancelled (cancellable))
        return g_steal_pointer (&owned);

      return g_error_new (ENGINE_ERROR, ENGINE_ERROR_SECRETS,
                          "The keyring refused the request: %s",
                          error->message);
    }

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new (ENGINE_ERROR, ENGINE_ERROR_SECRETS_LOCKED,
                        "The keyring is locked: unlock it (for example in "
                        "Passwords and Keys) and try again (%s)",
                        error->message);

  /* G_IO_ERROR comes from reaching the session bus itself (no address,
   * no socket, no X11 display to autolaunch one), except for a D-Bus
   * error name nobody registered: that is a service which answered. */
  if ((error->domain == G_IO_ERROR &&
       !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR)) ||
      is_unavailable_dbus_error (error))
    return g_error_new (ENGINE_ERROR, ENGINE_ERROR_SECRETS_UNAVAILABLE,
                        "No keyring is available: Pigeon keeps passwords "
                        "in the Secret Service (GNOME Keyring, KWallet). "
                        "Start one, or use --password-stdin (%s)",
                        error->message);

  return g_error_new (ENGINE_ERROR, ENGINE_ERROR_SECRETS,
                      "The keyring refused the request: %s", error->message);
}

static void
return_translated_error (GTask *task, GError *error)
{
  g_task_return_error (task, engine_secret_translate_error (
                                 error, g_task_get_cancellable (task)));
}

/* Deletes the first stale item, then comes back for the next; returns
 * once none is left. */
static void engine_secret_store_delete_next (GTask *task);

static void
engine_secret_store_delete_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError           *error = NULL;

  if (!secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    {
      return_translated_error (task, error);
      return;
    }

  engine_secret_store_delete_next (g_steal_pointer (&task));
}

static void
engine_secret_store_delete_next (GTask *task)
{
  StoreData  *data = g_task_get_task_data (task);
  SecretItem *item;

  if (data->stale == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  item = data->stale->data;
  data->stale = g_list_delete_link (data->stale, data->stale);
  secret_item_delete (item, g_task_get_cancellable (task),
                      engine_secret_store_delete_cb, task);
  g_object_unref (item);
}

static gboolean
item_is_stale (SecretItem *item, StoreData *data)
{
  g_autoptr (GHashTable) attributes = secret_item_get_attributes (item);

  return g_strcmp0 (g_hash_table_lookup (attributes, ATTRIBUTE_USER),
                    data->user) != 0 ||
         g_strcmp0 (g_hash_table_lookup (attributes, ATTRIBUTE_HOST),
                    data->host) != 0;
}

static void
engine_secret_store_search_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  StoreData        *data = g_task_get_task_data (task);
  GError           *error = NULL;
  GList            *items;

  items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      if (item_is_stale (l->data, data))
        data->stale = g_list_prepend (data->stale, g_object_ref (l->data));
    }
  g_list_free_full (items, g_object_unref);

  engine_secret_store_delete_next (g_steal_pointer (&task));
}

static void
engine_secret_store_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask)      task = user_data;
  g_autoptr (GHashTable) attributes = NULL;
  StoreData             *data = g_task_get_task_data (task);
  GCancellable          *cancellable;
  GError                *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_translated_error (task, error);
      return;
    }

  /* The Secret Service replaced an item only if all its attributes
   * matched. An account whose user or host changed would now have two
   * items and a lookup might find the old one: delete every other item
   * of this account. Done after the store, so a failure never leaves the
   * account with no password at all. */
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (char *) ATTRIBUTE_ACCOUNT, data->account);
  cancellable = g_task_get_cancellable (task);
  secret_service_search (
      NULL, engine_secret_get_schema (), attributes, SECRET_SEARCH_ALL,
      cancellable, engine_secret_store_search_cb, g_steal_pointer (&task));
}

/**
 * engine_secret_store_async:
 * @account_uuid: the account's stable UUID
 * @user: the user name it logs in with (shown in Seahorse, secret-tool)
 * @host: the server it logs in to (likewise)
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Stores @password for the account in the default keyring, labelled
 * "Pigeon: user@host". It replaces the account's previous password, also
 * one stored with another user or host. Finish with
 * engine_secret_store_finish(). Unlocking the keyring may show a prompt.
 */
void
engine_secret_store_async (const char         *account_uuid,
                           const char         *user,
                           const char         *host,
                           const char         *password,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char  *label = NULL;
  StoreData        *data;

  g_return_if_fail (account_uuid != NULL && *account_uuid != '\0');
  g_return_if_fail (user != NULL);
  g_return_if_fail (host != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, engine_secret_store_async);

  data = g_new0 (StoreData, 1);
  data->account = g_strdup (account_uuid);
  data->user = g_strdup (user);
  data->host = g_strdup (host);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  /* Translators: the name of a password in the keyring, as Passwords
   * and Keys (Seahorse) lists it; %s@%s is the account's user and
   * server, e.g. "Pigeon: jane@pop.example.org". */
  label = g_strdup_printf (_ ("Pigeon: %s@%s"), user, host);

  secret_password_store (engine_secret_get_schema (), SECRET_COLLECTION_DEFAULT,
                         label, password, cancellable, engine_secret_store_cb,
                         g_steal_pointer (&task), ATTRIBUTE_ACCOUNT,
                         account_uuid, ATTRIBUTE_USER, user, ATTRIBUTE_HOST,
                         host, NULL);
}

/**
 * engine_secret_store_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE once the password is stored, or %FALSE with
 *   %ENGINE_ERROR_SECRETS_UNAVAILABLE, %ENGINE_ERROR_SECRETS_LOCKED,
 *   %ENGINE_ERROR_SECRETS or %G_IO_ERROR_CANCELLED
 */
gboolean
engine_secret_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                            engine_secret_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The account has an item but the lookup found no password: the item is
 * locked (the unlock prompt was dismissed or could not be shown). Saying
 * so matters: "no password" would make the caller ask for a new one,
 * only to fail to store it in the same locked keyring. */
static void
engine_secret_lookup_check_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError           *error = NULL;
  GList            *items;
  gboolean          locked = FALSE;

  items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    locked = locked || secret_item_get_locked (l->data);
  g_list_free_full (items, g_object_unref);

  if (locked)
    g_task_return_new_error (task, ENGINE_ERROR, ENGINE_ERROR_SECRETS_LOCKED,
                             "The keyring is locked and was not unlocked: "
                             "unlock it (for example in Passwords and Keys) "
                             "and try again");
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
engine_secret_lookup_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr (GTask)      task = user_data;
  g_autoptr (GHashTable) attributes = NULL;
  GCancellable          *cancellable;
  GError                *error = NULL;
  char                  *password;

  /* The nonpageable variant hands over libsecret's own copy, which is
   * locked in memory; the plain one would return a pageable g_strdup. */
  password = secret_password_lookup_nonpageable_finish (result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error);
      return;
    }

  if (password != NULL)
    {
      g_task_return_pointer (task, password,
                             (GDestroyNotify) engine_secret_free);
      return;
    }

  /* SECRET_SEARCH_ALL without SECRET_SEARCH_UNLOCK: locked items too,
   * and no second prompt. */
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (char *) ATTRIBUTE_ACCOUNT,
                       g_task_get_task_data (task));
  cancellable = g_task_get_cancellable (task);
  secret_service_search (
      NULL, engine_secret_get_schema (), attributes, SECRET_SEARCH_ALL,
      cancellable, engine_secret_lookup_check_cb, g_steal_pointer (&task));
}

/**
 * engine_secret_lookup_async:
 * @account_uuid: the account's stable UUID
 * @cancellable: (nullable): a #GCancellable
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Looks up the account's password. Finish with
 * engine_secret_lookup_finish(). Unlocking the keyring may show a prompt.
 */
void
engine_secret_lookup_async (const char         *account_uuid,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (account_uuid != NULL && *account_uuid != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, engine_secret_lookup_async);
  g_task_set_task_data (task, g_strdup (account_uuid), g_free);

  secret_password_lookup (engine_secret_get_schema (), cancellable,
                          engine_secret_lookup_cb, g_steal_pointer (&task),
                          ATTRIBUTE_ACCOUNT, account_uuid, NULL);
}

/**
 * engine_secret_lookup_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the password, in non-pageable
 *   memory: free it with engine_secret_free(), never g_free(). %NULL
 *   without an error when the account has no password stored; %NULL with
 *   %ENGINE_ERROR_SECRETS_UNAVAILABLE, %ENGINE_ERROR_SECRETS_LOCKED,
 *   %ENGINE_ERROR_SECRETS or %G_IO_ERROR_CANCELLED when the lookup failed
 */
char *
engine_secret_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                            engine_secret_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
engine_secret_clear_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError           *error = NULL;

  /* FALSE without an error means there was nothing to delete: the
   * caller wanted no password, and there is none. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * engine_secret_clear_async:
 * @account_uuid: the account's stable UUID
 * @cancellable: (nullable): a #GCancellable
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Deletes the account's password (every item of this account, whatever
 * its user and host). An account with no password is not an error.
 * Finish with engine_secret_clear_finish().
 */
void
engine_secret_clear_async (const char         *account_uuid,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (account_uuid != NULL && *account_uuid != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, engine_secret_clear_async);

  secret_password_clear (engine_secret_get_schema (), cancellable,
                         engine_secret_clear_cb, g_steal_pointer (&task),
                         ATTRIBUTE_ACCOUNT, account_uuid, NULL);
}

/**
 * engine_secret_clear_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the account has no password any more (also when it
 *   had none), or %FALSE with %ENGINE_ERROR_SECRETS_UNAVAILABLE,
 *   %ENGINE_ERROR_SECRETS_LOCKED, %ENGINE_ERROR_SECRETS or
 *   %G_IO_ERROR_CANCELLED
 */
gboolean
engine_secret_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                            engine_secret_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * engine_secret_free:
 * @password: (nullable): a password from engine_secret_lookup_finish()
 *
 * Wipes and frees @password (it lives in non-pageable memory).
 */
void
engine_secret_free (char *password)
{
  if (password != NULL)
    secret_password_free (password);
}
