/* cli-folder.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli-folder.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cli-common.h"

static int
folder_create (StoreDatabase *db, const char *name)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;
  GAsyncResult            *slot = NULL;

  store_database_create_folder_async (db, name, NULL, cli_async_done, &slot);
  result = cli_async_wait (&slot);
  if (store_database_create_folder_finish (db, result, &error) < 0)
    return cli_fail (error);
  return CLI_EXIT_OK;
}

static int
folder_change (StoreDatabase *db, const char *name, const char *new_name)
{
  g_autoptr (StoreFolder)  folder = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;
  GAsyncResult            *slot = NULL;

  folder = cli_find_folder (db, name, &error);
  if (folder == NULL)
    return cli_fail (error);

  if (new_name != NULL)
    store_database_rename_folder_async (db, folder->id, new_name, NULL,
                                        cli_async_done, &slot);
  else
    store_database_delete_folder_async (db, folder->id, NULL, cli_async_done,
                                        &slot);
  result = cli_async_wait (&slot);
  if (!store_database_change_finish (db, result, &error))
    return cli_fail (error);
  return CLI_EXIT_OK;
}

/**
 * cli_folder:
 *
 * `pigeon-cli folder (create NAME | rename OLD NEW | delete NAME)`: the
 * user's local folders. Deleting one moves its messages to Trash; Inboxes,
 * Trash and Archive can be neither renamed nor deleted (the store says
 * so).
 */
int
cli_folder (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (StoreDatabase)  db = NULL;
  g_autoptr (GError)         error = NULL;
  const char                *action;
  int                        wanted;
  const GOptionEntry         entries[] = { { NULL } };

  context = cli_option_context_new (
      "folder", _ ("(create NAME | rename OLD NEW | delete NAME)"),
      _ ("Creates, renames or deletes a local folder. Deleting a folder "
         "moves its messages to Trash."),
      entries);
  if (!cli_option_context_parse (context, &argc, &argv, &error))
    return cli_fail (error);

  action = argc > 1 ? argv[1] : "";
  if (strcmp (action, "create") == 0 || strcmp (action, "delete") == 0)
    wanted = 3;
  else if (strcmp (action, "rename") == 0)
    wanted = 4;
  else
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("folder needs create NAME, rename OLD NEW or "
                              "delete NAME"));
      return cli_fail (error);
    }
  if (argc != wanted)
    {
      /* Translators: %s is create, rename or delete. */
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("folder %s takes %s"), action,
                   wanted == 4 ? _ ("OLD NEW") : _ ("NAME"));
      return cli_fail (error);
    }

  db = cli_open_store (&error);
  if (db == NULL)
    return cli_fail (error);

  if (strcmp (action, "create") == 0)
    return folder_create (db, argv[2]);
  if (strcmp (action, "rename") == 0)
    return folder_change (db, argv[2], argv[3]);
  return folder_change (db, argv[2], NULL);
}
