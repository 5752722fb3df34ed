/* pigeon-test-async.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Async to sync, for tests and benchmarks: pass
 * pigeon_test_store_result_cb with the address of a NULL GAsyncResult
 * pointer, then pigeon_test_wait_for () runs the main context until the
 * callback stored the result there (a new reference). */
void          pigeon_test_store_result_cb (GObject      *source,
                                           GAsyncResult *result,
                                           gpointer      user_data);
GAsyncResult *pigeon_test_wait_for (GAsyncResult **slot);

G_END_DECLS
