/* pigeon-test-dovecot.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pigeon-test-cert.h"

G_BEGIN_DECLS

/* A private Dovecot 2.3 POP3 server for one test: its own temp dir, config,
 * ports on 127.0.0.1, certificate and Maildirs, started as a foreground
 * child of the test and stopped (by its pid) when freed. Not thread-safe:
 * create, use and free it from one thread that outlives it (the test's main
 * thread), since the server is told to die with the thread that forked it. */
typedef struct _PigeonTestDovecot PigeonTestDovecot;

PigeonTestDovecot *pigeon_test_dovecot_new (GError **error);
void               pigeon_test_dovecot_free (PigeonTestDovecot *self);

guint16         pigeon_test_dovecot_get_plain_port (PigeonTestDovecot *self);
guint16         pigeon_test_dovecot_get_tls_port (PigeonTestDovecot *self);
PigeonTestCert *pigeon_test_dovecot_get_cert (PigeonTestDovecot *self);
const char     *pigeon_test_dovecot_get_user (PigeonTestDovecot *self);
const char     *pigeon_test_dovecot_get_password (PigeonTestDovecot *self);
const char     *pigeon_test_dovecot_get_dir (PigeonTestDovecot *self);
const char     *pigeon_test_dovecot_get_log_path (PigeonTestDovecot *self);
char *pigeon_test_dovecot_dup_log_tail (PigeonTestDovecot *self, guint n_lines);

gboolean    pigeon_test_dovecot_add_user (PigeonTestDovecot *self,
                                          const char        *user,
                                          const char        *password,
                                          GError           **error);
const char *pigeon_test_dovecot_get_maildir (PigeonTestDovecot *self,
                                             const char        *user);

gboolean pigeon_test_dovecot_seed_dir (PigeonTestDovecot *self,
                                       const char        *user,
                                       const char        *dir,
                                       GError           **error);
gboolean pigeon_test_dovecot_seed_messages (PigeonTestDovecot *self,
                                            const char        *user,
                                            GPtrArray         *messages,
                                            GError           **error);
gboolean pigeon_test_dovecot_seed_message (PigeonTestDovecot *self,
                                           const char        *user,
                                           const char        *data,
                                           gsize              len,
                                           GError           **error);
gboolean pigeon_test_dovecot_reset (PigeonTestDovecot *self,
                                    const char        *user,
                                    GError           **error);

gsize pigeon_test_dovecot_crlf_size (const char *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonTestDovecot, pigeon_test_dovecot_free)

G_END_DECLS
