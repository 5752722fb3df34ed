/* engine-error.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENGINE_ERROR (engine_error_quark ())

/**
 * EngineError:
 * @ENGINE_ERROR_NOT_MAIL: a path given for import is not an mbox file, a
 *   Maildir or an .eml file (or a directory of them), or a file read as
 *   mbox does not start with a "From " line.
 * @ENGINE_ERROR_INVALID_ACCOUNT: an account setting is wrong; the message
 *   names it.
 * @ENGINE_ERROR_NO_UIDL: the server cannot identify messages (no UIDL),
 *   so copies cannot be kept on it without being downloaded again.
 * @ENGINE_ERROR_BUSY: the account is being fetched already.
 * @ENGINE_ERROR_TOO_SOON: the server allows no login yet (LOGIN-DELAY);
 *   the message says when.
 * @ENGINE_ERROR_NO_PASSWORD: the account has no password in the keyring
 *   and none was given.
 * @ENGINE_ERROR_SECRETS_UNAVAILABLE: no Secret Service answers (no
 *   session bus, or no keyring daemon on it), so no password can be
 *   stored or read; the user can start one or type the password.
 * @ENGINE_ERROR_SECRETS_LOCKED: the keyring is locked and stayed locked
 *   (the unlock prompt was dismissed or could not be shown).
 * @ENGINE_ERROR_SECRETS: the Secret Service answered but refused the
 *   request; the message keeps its reason.
 * @ENGINE_ERROR_NOT_ON_SERVER: the rest of a message downloaded as headers
 *   only was asked for, and the server no longer has it.
 *
 * Error codes in the #ENGINE_ERROR domain. I/O failures keep their
 * #G_IO_ERROR codes; cancellation is always %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  ENGINE_ERROR_NOT_MAIL,
  ENGINE_ERROR_INVALID_ACCOUNT,
  ENGINE_ERROR_NO_UIDL,
  ENGINE_ERROR_BUSY,
  ENGINE_ERROR_TOO_SOON,
  ENGINE_ERROR_NO_PASSWORD,
  ENGINE_ERROR_SECRETS_UNAVAILABLE,
  ENGINE_ERROR_SECRETS_LOCKED,
  ENGINE_ERROR_SECRETS,
  ENGINE_ERROR_NOT_ON_SERVER,
} EngineError;

GQuark engine_error_quark (void);

G_END_DECLS
