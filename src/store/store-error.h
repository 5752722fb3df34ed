/* store-error.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STORE_ERROR (store_error_quark ())

/**
 * StoreError:
 * @STORE_ERROR_MISSING_FEATURE: the SQLite library lacks something Pigeon
 *   needs (FTS5, a minimum version).
 * @STORE_ERROR_QUERY: a malformed search query; the message says what is
 *   wrong and where, in plain English.
 *
 * Error codes in the #STORE_ERROR domain.
 */
typedef enum
{
  STORE_ERROR_MISSING_FEATURE,
  STORE_ERROR_QUERY,
} StoreError;

GQuark store_error_quark (void);

G_END_DECLS
