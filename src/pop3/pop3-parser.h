/* pop3-parser.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest status or listing line accepted, terminator included. RFC
 * 2449 allows 512 octets; real servers send longer IMPLEMENTATION lines and
 * greetings, but nothing near this: beyond it the peer is broken or
 * hostile, and memory must stay bounded. */
#define POP3_MAX_LINE_LENGTH (64 * 1024)

/* RFC 1939 §7 and RFC 2449 §6.2: a unique-id is 1 to 70 octets in the
 * range 0x21 to 0x7E. */
#define POP3_MAX_UIDL_LENGTH 70

/**
 * Pop3LineReader:
 *
 * Collects one line from bytes that arrive in chunks of any size. A line
 * ends at LF; a CR before it is dropped, so CRLF and bare LF both end a
 * line. Lines longer than %POP3_MAX_LINE_LENGTH are a protocol error.
 */
typedef struct _Pop3LineReader Pop3LineReader;

Pop3LineReader *pop3_line_reader_new (void);
void            pop3_line_reader_free (Pop3LineReader *self);
void            pop3_line_reader_reset (Pop3LineReader *self);
gboolean        pop3_line_reader_feed (Pop3LineReader *self,
                                       const char     *data,
                                       gsize           len,
                                       gsize          *consumed,
                                       const char    **line,
                                       GError        **error);

/**
 * Pop3BodyReader:
 *
 * Reads the body of a multi-line reply (RETR, TOP, CAPA, LIST, UIDL): it
 * finds the terminating "." line and undoes the dot-stuffing, whatever
 * the chunk boundaries are, including inside "\r\n.\r\n". What it writes
 * out is the message exactly as the server holds it: line ends are kept as
 * they came (CRLF, or a bare LF from a sloppy server), and only the
 * stuffed leading dots are removed.
 */
typedef struct _Pop3BodyReader Pop3BodyReader;

Pop3BodyReader *pop3_body_reader_new (void);
void            pop3_body_reader_free (Pop3BodyReader *self);
void            pop3_body_reader_reset (Pop3BodyReader *self);
gboolean        pop3_body_reader_feed (Pop3BodyReader *self,
                                       const char     *data,
                                       gsize           len,
                                       gsize          *consumed,
                                       GByteArray     *out);
gboolean        pop3_body_reader_is_done (Pop3BodyReader *self);

/**
 * Pop3StatusKind:
 * @POP3_STATUS_OK: "+OK"
 * @POP3_STATUS_ERR: "-ERR"
 * @POP3_STATUS_CONTINUE: "+" alone or "+ " and a SASL challenge (RFC 5034)
 */
typedef enum
{
  POP3_STATUS_OK,
  POP3_STATUS_ERR,
  POP3_STATUS_CONTINUE,
} Pop3StatusKind;

/**
 * Pop3ResponseCode:
 * @POP3_CODE_NONE: the reply carried no response code
 * @POP3_CODE_IN_USE: `[IN-USE]` (RFC 2449): the mailbox is locked
 * @POP3_CODE_LOGIN_DELAY: `[LOGIN-DELAY]` (RFC 2449): logged in too soon
 * @POP3_CODE_SYS_TEMP: `[SYS/TEMP]` (RFC 3206): a passing server fault
 * @POP3_CODE_SYS_PERM: `[SYS/PERM]` (RFC 3206): a lasting server fault
 * @POP3_CODE_AUTH: `[AUTH]` (RFC 3206): the credentials are wrong
 * @POP3_CODE_UTF8: `[UTF8]` (RFC 6856): needs UTF8 mode
 * @POP3_CODE_OTHER: a code Pigeon does not know; its text is kept
 *
 * RFC 2449 response codes. Codes are hierarchical ("SYS/TEMP/DISK"): a
 * known code followed by more levels maps to the known one.
 */
typedef enum
{
  POP3_CODE_NONE,
  POP3_CODE_IN_USE,
  POP3_CODE_LOGIN_DELAY,
  POP3_CODE_SYS_TEMP,
  POP3_CODE_SYS_PERM,
  POP3_CODE_AUTH,
  POP3_CODE_UTF8,
  POP3_CODE_OTHER,
} Pop3ResponseCode;

typedef struct
{
  Pop3StatusKind   kind;
  Pop3ResponseCode code;
  char            *code_text; /* the text between the brackets, or NULL */
  char            *text;      /* the rest of the line, never NULL */
} Pop3Status;

Pop3Status *pop3_status_parse (const char *line, GError **error);
void        pop3_status_free (Pop3Status *status);

/**
 * Pop3Capabilities:
 *
 * What a CAPA reply (RFC 2449) says, one line at a time. Unknown
 * capabilities are kept in @lines only.
 */
typedef struct
{
  gboolean   top;
  gboolean   user;
  gboolean   uidl;
  gboolean   pipelining;
  gboolean   resp_codes;
  gboolean   auth_resp_code;
  gboolean   stls;
  gboolean   utf8;
  char     **sasl;        /* upper-case mechanism names, NULL-ended */
  gint64     login_delay; /* seconds, -1 when not announced */
  gboolean   login_delay_per_user;
  gint64     expire_days; /* -1 NEVER or not announced */
  gboolean   expire_announced;
  gboolean   expire_per_user;
  char      *implementation; /* NULL when not announced */
  GPtrArray *lines;          /* every capability line as sent */
} Pop3Capabilities;

Pop3Capabilities *pop3_capabilities_new (void);
void              pop3_capabilities_free (Pop3Capabilities *caps);
gboolean          pop3_capabilities_parse_line (Pop3Capabilities *caps,
                                                const char       *line,
                                                GError          **error);
gboolean          pop3_capabilities_has_sasl (const Pop3Capabilities *caps,
                                              const char             *mechanism);

gboolean pop3_parse_stat (const char *text,
                          guint      *count,
                          guint64    *octets,
                          GError    **error);
gboolean pop3_parse_list_line (const char *line,
                               guint      *msgno,
                               guint64    *octets,
                               GError    **error);
gboolean pop3_parse_uidl_line (const char *line,
                               guint      *msgno,
                               char      **uid,
                               GError    **error);
char    *pop3_parse_apop_timestamp (const char *greeting);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pop3LineReader, pop3_line_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pop3BodyReader, pop3_body_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pop3Status, pop3_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pop3Capabilities, pop3_capabilities_free)

G_END_DECLS
