/* pigeon-fault-server.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A scripted POP3 server for tests: it listens on 127.0.0.1 on a port the
 * kernel picks, and plays a script of steps (send this, expect that, close
 * mid-reply, stall, send garbage, start TLS...) to each client, in order.
 * It runs in a thread of its own with its own GMainContext, so a test may
 * drive it with blocking GIO calls or with async clients on its own main
 * context alike.
 *
 * Build the script with the step functions, then _start(); the script is
 * fixed from then on. After the last step the server keeps reading and
 * recording what the client sends until the client disconnects, so the
 * transcript also shows commands the script did not ask for. */
typedef struct _PigeonFaultServer PigeonFaultServer;

typedef enum
{
  PIGEON_FAULT_SERVER_PLAIN = 0,
  /* Wrap each accepted connection in TLS before the first step (POP3S). */
  PIGEON_FAULT_SERVER_IMPLICIT_TLS = 1 << 0,
} PigeonFaultServerFlags;

#define PIGEON_FAULT_SERVER_ERROR (pigeon_fault_server_error_quark ())

typedef enum
{
  /* The script itself is wrong (bad regex, step after _close, TLS without
   * a certificate); reported by _start. */
  PIGEON_FAULT_SERVER_ERROR_SETUP,
  /* A received command did not match the expected one. */
  PIGEON_FAULT_SERVER_ERROR_MISMATCH,
  /* The connection ended (EOF, read or write error) before the script did. */
  PIGEON_FAULT_SERVER_ERROR_DISCONNECTED,
  /* The client broke line rules: no CRLF, a NUL byte, a line over
   * PIGEON_FAULT_SERVER_MAX_LINE, or bytes sent after STLS before the TLS
   * handshake. */
  PIGEON_FAULT_SERVER_ERROR_PROTOCOL,
  /* A TLS handshake failed. */
  PIGEON_FAULT_SERVER_ERROR_TLS,
  /* _wait's bound elapsed before the script finished. */
  PIGEON_FAULT_SERVER_ERROR_TIMED_OUT,
} PigeonFaultServerError;

/* The longest command line accepted from a client, CRLF included. */
#define PIGEON_FAULT_SERVER_MAX_LINE (64 * 1024)

GQuark pigeon_fault_server_error_quark (void);

PigeonFaultServer *pigeon_fault_server_new (GTlsCertificate       *certificate,
                                            PigeonFaultServerFlags flags);
void               pigeon_fault_server_free (PigeonFaultServer *self);
void               pigeon_fault_server_set_connections (PigeonFaultServer *self,
                                                        guint              n_connections);

/* Script steps, played in the order they are added. */
void pigeon_fault_server_send (PigeonFaultServer *self, const char *text);
void pigeon_fault_server_send_bytes (PigeonFaultServer *self, GBytes *bytes);
void pigeon_fault_server_send_greeting (PigeonFaultServer *self,
                                        const char        *apop_timestamp);
void pigeon_fault_server_send_capa (PigeonFaultServer *self,
                                    const char        *first_capability,
                                    ...) G_GNUC_NULL_TERMINATED;
void pigeon_fault_server_send_capav (PigeonFaultServer *self,
                                     const char *const *capabilities);
void pigeon_fault_server_send_multiline (PigeonFaultServer *self,
                                         const char        *status,
                                         ...) G_GNUC_NULL_TERMINATED;
void pigeon_fault_server_send_multiline_unterminated (
    PigeonFaultServer *self, const char *status, ...) G_GNUC_NULL_TERMINATED;
void pigeon_fault_server_send_chunked (PigeonFaultServer *self,
                                       const char        *text,
                                       gsize              chunk_size);
void pigeon_fault_server_send_chunked_full (PigeonFaultServer *self,
                                            GBytes            *bytes,
                                            gsize              chunk_size,
                                            guint              interval_ms);
void pigeon_fault_server_send_partial_then_close (PigeonFaultServer *self,
                                                  const char        *text,
                                                  gsize              n_bytes);
void pigeon_fault_server_send_garbage (PigeonFaultServer *self, gsize n_bytes);
void pigeon_fault_server_send_long_line (PigeonFaultServer *self,
                                         gsize              n_bytes);
void pigeon_fault_server_expect (PigeonFaultServer *self, const char *command);
void pigeon_fault_server_expect_prefix (PigeonFaultServer *self,
                                        const char        *prefix);
void pigeon_fault_server_expect_regex (PigeonFaultServer *self,
                                       const char        *pattern);
void pigeon_fault_server_stall (PigeonFaultServer *self, guint ms);
void
pigeon_fault_server_call (PigeonFaultServer *self, GFunc func, gpointer data);
void pigeon_fault_server_close (PigeonFaultServer *self);
void pigeon_fault_server_start_tls (PigeonFaultServer *self);

/* Running. */
gboolean pigeon_fault_server_start (PigeonFaultServer *self, GError **error);
guint16  pigeon_fault_server_get_port (PigeonFaultServer *self);
gboolean pigeon_fault_server_wait (PigeonFaultServer *self,
                                   guint              timeout_ms,
                                   GError           **error);
const GPtrArray *pigeon_fault_server_get_received (PigeonFaultServer *self);
gboolean pigeon_fault_server_received_has_prefix (PigeonFaultServer *self,
                                                  const char        *prefix);
void     pigeon_fault_server_stop (PigeonFaultServer *self);

GBytes *pigeon_fault_server_make_garbage (gsize n_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonFaultServer, pigeon_fault_server_free)

G_END_DECLS
