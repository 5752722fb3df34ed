/* pop3-test-sync.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-test-sync.h"

#include "pigeon-test-async.h"

gboolean
pop3_test_connect (Pop3Client *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pop3_client_connect_async (client, NULL, pigeon_test_store_result_cb,
                             &result);
  return pop3_client_connect_finish (client, pigeon_test_wait_for (&result),
                                     error);
}

gboolean
pop3_test_login (Pop3Client        *client,
                 Pop3AuthMechanism  mechanism,
                 const char        *user,
                 const char        *secret,
                 Pop3AuthMechanism *used,
                 GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pop3_client_login_async (client, mechanism, user, secret, NULL,
                           pigeon_test_store_result_cb, &result);
  return pop3_client_login_finish (client, pigeon_test_wait_for (&result), used,
                                   error);
}
