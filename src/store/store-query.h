/* store-query.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The search language, like Gmail's and notmuch's:
 *
 *   free words          ANDed; a word is everything up to white space,
 *                       "(", ")" or a double quote
 *   "exact phrase"      no escapes; runs of white space become one space
 *   prefix*             a word immediately followed by "*"
 *   a OR b              upper-case only; binds tighter than the implicit
 *                       AND: a b OR c d = a AND (b OR c) AND d
 *   a AND b             upper-case; the same as a b
 *   -term               negation of a word, phrase, filter or group;
 *                       "--a" and "-(-a)" are a
 *   ( ... )             grouping, at most 32 deep
 *   from: to: subject: body:   a word, prefix* or "phrase"; to: is To and Cc
 *   has:attachment  is:unread  is:read  is:flagged
 *   in:FOLDER  account:NAME    a word or "a quoted name", kept as typed
 *   before:YYYY-MM-DD  after:YYYY-MM-DD   strict, real calendar days,
 *                       from midnight in the local time zone
 *   "..."               in quotes, \" is a quote and \\ a backslash
 *
 * Filter names are case-insensitive. A word with a colon whose prefix is
 * no filter name ("re:", "http://x", "cc:bob") is a plain word. "or",
 * "and" and "NOT" are plain words, and so are "OR" and "AND" right after
 * "-".
 *
 * Nothing is dropped silently that FTS5 could match, and nothing reaches
 * the tree that it could not: a word or phrase without a letter or digit
 * ("-", "***", "...", "&&") and an empty group "()" make no node, and a
 * query of nothing else parses to an AND without children. A query of
 * only negations is valid.
 *
 * STORE_ERROR_QUERY, with a message saying what and where: an unclosed
 * quote, an unmatched "(" or ")", "OR" or "AND" without a term on each
 * side, a filter without a value ("from:", from:""), an unknown is: or
 * has: value, a bad date, more than 32 nested groups, more than 1,000
 * terms or 10,000 bytes, invalid UTF-8.
 */

typedef enum
{
  /* children: all must hold (implicit between terms) */
  STORE_QUERY_AND,
  /* children: any may hold */
  STORE_QUERY_OR,
  /* one child */
  STORE_QUERY_NOT,
  /* field + text + is_phrase + is_prefix */
  STORE_QUERY_TEXT,
  STORE_QUERY_HAS_ATTACHMENT,
  STORE_QUERY_IS_UNREAD,
  STORE_QUERY_IS_READ,
  STORE_QUERY_IS_FLAGGED,
  /* text = folder name as typed */
  STORE_QUERY_IN_FOLDER,
  /* text = account name as typed */
  STORE_QUERY_ACCOUNT,
  /* time = local midnight starting the given day; matches date < time */
  STORE_QUERY_BEFORE,
  /* time = local midnight starting the given day; matches date >= time
   * (the day itself is included, as in Gmail) */
  STORE_QUERY_AFTER,
} StoreQueryKind;

typedef enum
{
  STORE_QUERY_FIELD_ANY,
  STORE_QUERY_FIELD_FROM,
  /* To and Cc */
  STORE_QUERY_FIELD_TO,
  STORE_QUERY_FIELD_SUBJECT,
  STORE_QUERY_FIELD_BODY,
} StoreQueryField;

typedef struct _StoreQuery StoreQuery;

/* Invariants of a parsed tree: AND and OR have two children or more (only
 * the root may be an AND without children), never a child of their own
 * kind; NOT has one child, never a NOT; leaves have no children; a TEXT
 * node's text has a letter or digit; is_phrase and is_prefix never both. */
struct _StoreQuery
{
  StoreQueryKind kind;
  /* TEXT only */
  StoreQueryField field;
  /* TEXT, IN_FOLDER, ACCOUNT; UTF-8, never contains the quotes the user
   * typed */
  char *text;
  /* TEXT: user wrote "several words" (text may hold several words) */
  gboolean is_phrase;
  /* TEXT: user wrote word* */
  gboolean is_prefix;
  /* BEFORE/AFTER */
  gint64 time;
  /* AND/OR/NOT: of StoreQuery*, owned; NULL for leaves */
  GPtrArray *children;
};

StoreQuery *store_query_parse (const char *text, GError **error);
void        store_query_free (StoreQuery *query);
char       *store_query_to_string (const StoreQuery *query);
gboolean    store_query_has_text (const StoreQuery *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreQuery, store_query_free)

G_END_DECLS
