/* pop3-sasl.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What each authentication mechanism sends, as pure functions of the
 * credentials and the server's challenge, so they are testable against
 * the RFCs' own examples without a server. Every result is what goes on
 * the wire after the command word, without CRLF. */

char *pop3_sasl_plain_response (const char *user, const char *password);
char *pop3_sasl_cram_md5_response (const char *user,
                                   const char *password,
                                   const char *challenge_base64,
                                   GError    **error);
char *pop3_sasl_xoauth2_response (const char *user, const char *token);
char *pop3_sasl_oauthbearer_response (const char *user, const char *token);
char *pop3_apop_digest (const char *timestamp, const char *password);
char *pop3_sasl_base64 (const char *text);

G_END_DECLS
