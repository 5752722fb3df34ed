/* pop3-test-sync.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pop3-client.h"

G_BEGIN_DECLS

/* Pop3Client's connect and login run to completion on the main context,
 * for the POP3 tests against Dovecot and the fault server. */
gboolean pop3_test_connect (Pop3Client *client, GError **error);
gboolean pop3_test_login (Pop3Client        *client,
                          Pop3AuthMechanism  mechanism,
                          const char        *user,
                          const char        *secret,
                          Pop3AuthMechanism *used,
                          GError           **error);

G_END_DECLS
