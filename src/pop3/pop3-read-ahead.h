/* pop3-read-ahead.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define POP3_TYPE_READ_AHEAD (pop3_read_ahead_get_type ())

G_DECLARE_FINAL_TYPE (
    Pop3ReadAhead, pop3_read_ahead, POP3, READ_AHEAD, GFilterInputStream)

GInputStream *pop3_read_ahead_new (GInputStream *base);

G_END_DECLS
