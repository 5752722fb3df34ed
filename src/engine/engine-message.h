/* engine-message.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "store-messages.h"

G_BEGIN_DECLS

StoreNewMessage *engine_message_new (GBytes *raw, gint64 received);
StoreNewMessage *engine_message_new_full (GBytes *raw,
                                          gint64  received,
                                          char  **out_to,
                                          char  **out_cc);
void             engine_message_read_status_headers (StoreNewMessage *message);

G_END_DECLS
