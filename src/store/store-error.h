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
 * @STORE_ERROR_QUERY: a malformed search query; the message says what and
 *   where.
 * @STORE_ERROR_CORRUPT: the database file is damaged or is not a database;
 *   it is left as it is.
 * @STORE_ERROR_NEWER_SCHEMA: the database was written by a newer Pigeon;
 *   it is left as it is.
 * @STORE_ERROR_LOCKED: another Pigeon process has the store open for
 *   writing.
 * @STORE_ERROR_FULL: the disk (or the store's size limit) is full; the
 *   change was rolled back as a whole.
 * @STORE_ERROR_NOT_FOUND: no such message, folder or account.
 * @STORE_ERROR_EXISTS: a folder or account of that name exists already.
 * @STORE_ERROR_INVALID: a name or argument the store cannot accept.
 * @STORE_ERROR_FAILED: any other SQLite failure; the message keeps
 *   SQLite's words.
 *
 * Error codes in the #STORE_ERROR domain.
 */
typedef enum
{
  STORE_ERROR_MISSING_FEATURE,
  STORE_ERROR_QUERY,
  STORE_ERROR_CORRUPT,
  STORE_ERROR_NEWER_SCHEMA,
  STORE_ERROR_LOCKED,
  STORE_ERROR_FULL,
  STORE_ERROR_NOT_FOUND,
  STORE_ERROR_EXISTS,
  STORE_ERROR_INVALID,
  STORE_ERROR_FAILED,
} StoreError;

GQuark store_error_quark (void);

G_END_DECLS
