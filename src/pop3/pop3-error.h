/* pop3-error.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define POP3_ERROR (pop3_error_quark ())

/**
 * Pop3Error:
 * @POP3_ERROR_PROTOCOL: the server sent something POP3 does not allow
 *   (a malformed or over-long line, a reply that does not fit the command).
 * @POP3_ERROR_SERVER: the server answered `-ERR`; the message keeps its text.
 * @POP3_ERROR_AUTH_FAILED: the credentials were refused (`[AUTH]` or a plain
 *   `-ERR` to authentication).
 * @POP3_ERROR_MAILBOX_IN_USE: `[IN-USE]`: another client holds the mailbox.
 * @POP3_ERROR_LOGIN_DELAY: `[LOGIN-DELAY]`: logged in too soon after the
 *   last login.
 * @POP3_ERROR_SYS_TEMP: `[SYS/TEMP]`: a passing server fault; retry later.
 * @POP3_ERROR_SYS_PERM: `[SYS/PERM]`: a lasting server fault.
 * @POP3_ERROR_TLS_REQUIRED: the account requires TLS but the server offers
 *   no STLS, or STLS failed; no credential was sent.
 * @POP3_ERROR_INSECURE_AUTH: the only way to log in would send the password
 *   in clear text, and the account does not allow that.
 * @POP3_ERROR_CERTIFICATE_REJECTED: the server's certificate did not
 *   validate and was not accepted, or no longer matches the pinned one.
 * @POP3_ERROR_UNSUPPORTED: the server lacks a command the caller needs
 *   (UIDL, TOP, a SASL mechanism).
 * @POP3_ERROR_TIMEOUT: the server sent nothing for longer than allowed.
 * @POP3_ERROR_CONNECTION_CLOSED: the server closed the connection before
 *   the reply was complete.
 *
 * Error codes in the #POP3_ERROR domain. I/O failures keep their
 * #G_IO_ERROR codes; cancellation is always %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  POP3_ERROR_PROTOCOL,
  POP3_ERROR_SERVER,
  POP3_ERROR_AUTH_FAILED,
  POP3_ERROR_MAILBOX_IN_USE,
  POP3_ERROR_LOGIN_DELAY,
  POP3_ERROR_SYS_TEMP,
  POP3_ERROR_SYS_PERM,
  POP3_ERROR_TLS_REQUIRED,
  POP3_ERROR_INSECURE_AUTH,
  POP3_ERROR_CERTIFICATE_REJECTED,
  POP3_ERROR_UNSUPPORTED,
  POP3_ERROR_TIMEOUT,
  POP3_ERROR_CONNECTION_CLOSED,
} Pop3Error;

GQuark pop3_error_quark (void);

G_END_DECLS
