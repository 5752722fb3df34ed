/* store-query.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-query.h"

#include <stdlib.h>
#include <string.h>

#include "store-error.h"

/* Limits that keep a hostile query cheap: the byte cap bounds the work,
 * the term cap the size of the FTS5 and SQL text the compiler writes,
 * and the depth cap the recursion here, in the compiler and in FTS5. */
#define MAX_QUERY_BYTES 10000
#define MAX_QUERY_TERMS 1000
#define MAX_QUERY_DEPTH 32

/* How much of an unclosed quote an error message repeats. */
#define MAX_QUOTED_IN_ERROR 20

typedef enum
{
  TOKEN_END,
  TOKEN_LPAREN,
  TOKEN_RPAREN,
  TOKEN_OR,
  TOKEN_AND,
  TOKEN_NEG,
  TOKEN_WORD,
  TOKEN_PHRASE,
  TOKEN_FILTER,
} TokenKind;

typedef enum
{
  FILTER_FROM,
  FILTER_TO,
  FILTER_SUBJECT,
  FILTER_BODY,
  FILTER_HAS,
  FILTER_IS,
  FILTER_IN,
  FILTER_ACCOUNT,
  FILTER_BEFORE,
  FILTER_AFTER,
} Filter;

static const struct
{
  const char *name;
  Filter      filter;
} filters[] = {
  { "from", FILTER_FROM },       { "to", FILTER_TO },
  { "subject", FILTER_SUBJECT }, { "body", FILTER_BODY },
  { "has", FILTER_HAS },         { "is", FILTER_IS },
  { "in", FILTER_IN },           { "account", FILTER_ACCOUNT },
  { "before", FILTER_BEFORE },   { "after", FILTER_AFTER },
};

typedef struct
{
  TokenKind   kind;
  const char *start;     /* where it begins in the input, for messages */
  char       *text;      /* WORD: as typed; PHRASE, FILTER: the value */
  char       *spelling;  /* FILTER: name and colon as typed, "From:" */
  Filter      filter;    /* FILTER */
  gboolean    is_quoted; /* FILTER: the value was in quotes */
} Token;

typedef struct
{
  const char *input;
  const char *p;
  Token       peeked;
  gboolean    have_peeked;
  gboolean    after_neg; /* the last token was a NEG */
  guint       n_terms;
} Parser;

static StoreQuery *parse_and (Parser *self, guint depth, GError **error);

static void
token_clear (Token *token)
{
  g_clear_pointer (&token->text, g_free);
  g_clear_pointer (&token->spelling, g_free);
}

/* 1-based, in characters, as a person counts them. The input is valid
 * UTF-8 by the time anything reports a position. */
static glong
position (const Parser *self, const char *at)
{
  return g_utf8_pointer_to_offset (self->input, at) + 1;
}

static gboolean
is_space (const char *p)
{
  return g_unichar_isspace (g_utf8_get_char (p));
}

/* Empty or only white space. */
static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_space (p))
      return FALSE;
  return TRUE;
}

/* Where a word ends: white space, a parenthesis, a quote, the end. */
static gboolean
is_word_end (const char *p)
{
  return *p == '\0' || *p == '(' || *p == ')' || *p == '"' || is_space (p);
}

/* What FTS5's unicode61 tokenizer keeps as token characters (categories
 * L*, N* and Co): a word without one of them would be an empty FTS5
 * phrase, which matches nothing or, negated, everything. */
static gboolean
has_token_char (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || g_unichar_type (c) == G_UNICODE_PRIVATE_USE)
        return TRUE;
    }
  return FALSE;
}

/* Reads a quoted string at @p (on the opening quote); returns the text
 * between the quotes and moves @p past the closing one. Inside, \" is a
 * quote and \\ a backslash: a folder may be named "Say \"hi\"". Any
 * other backslash is itself ("C:\temp"). */
static char *
lex_quoted (Parser *self, GError **error)
{
  const char *open = self->p;
  const char *close = open + 1;
  GString    *text = g_string_new (NULL);

  while (*close != '\0' && *close != '"')
    {
      if (*close == '\\' && (close[1] == '"' || close[1] == '\\'))
        close++;
      g_string_append_c (text, *close);
      close++;
    }

  if (*close == '\0')
    {
      const char *end = open + 1;
      glong       n = 0;

      while (*end != '\0' && n < MAX_QUOTED_IN_ERROR)
        {
          end = g_utf8_next_char (end);
          n++;
        }
      g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                   "Missing closing quote after %.*s%s", (int) (end - open),
                   open, *end != '\0' ? "…" : "");
      g_string_free (text, TRUE);
      return NULL;
    }

  self->p = close + 1;
  return g_string_free (text, FALSE);
}

/* Looks for a known "name:" at the start of @word; returns the length of
 * the name (0 for none). */
static gsize
match_filter (const char *word, Filter *filter)
{
  for (gsize i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      gsize len = strlen (filters[i].name);

      if (g_ascii_strncasecmp (word, filters[i].name, len) == 0 &&
          word[len] == ':')
        {
          *filter = filters[i].filter;
          return len;
        }
    }
  return 0;
}

/* The next token. OR and AND right after "-" are words: "-OR" can only
 * mean the word. */
static gboolean
lex (Parser *self, Token *token, GError **error)
{
  const char      *word_end;
  g_autofree char *word = NULL;
  gsize            name_len;
  gboolean         after_neg = self->after_neg;

  memset (token, 0, sizeof *token);
  while (*self->p != '\0' && is_space (self->p))
    self->p = g_utf8_next_char (self->p);

  token->start = self->p;
  self->after_neg = FALSE;

  switch (*self->p)
    {
    case '\0':
      token->kind = TOKEN_END;
      return TRUE;
    case '(':
      token->kind = TOKEN_LPAREN;
      self->p++;
      return TRUE;
    case ')':
      token->kind = TOKEN_RPAREN;
      self->p++;
      return TRUE;
    case '-':
      /* A lone "-", or one before ")", is a word without letters. */
      if (!is_space (self->p + 1) && self->p[1] != '\0' && self->p[1] != ')')
        {
          token->kind = TOKEN_NEG;
          self->p++;
          self->after_neg = TRUE;
          return TRUE;
        }
      break;
    case '"':
      if (++self->n_terms > MAX_QUERY_TERMS)
        goto too_many_terms;
      token->kind = TOKEN_PHRASE;
      token->text = lex_quoted (self, error);
      /* a quote in a phrase separates words, as in the index */
      if (token->text != NULL)
        g_strdelimit (token->text, "\"", ' ');
      return token->text != NULL;
    default:
      break;
    }

  word_end = self->p;
  while (!is_word_end (word_end))
    word_end = g_utf8_next_char (word_end);
  word = g_strndup (self->p, word_end - self->p);
  self->p = word_end;

  if (!after_neg && strcmp (word, "OR") == 0)
    {
      token->kind = TOKEN_OR;
      return TRUE;
    }
  if (!after_neg && strcmp (word, "AND") == 0)
    {
      token->kind = TOKEN_AND;
      return TRUE;
    }

  if (++self->n_terms > MAX_QUERY_TERMS)
    goto too_many_terms;

  name_len = match_filter (word, &token->filter);
  if (name_len == 0)
    {
      token->kind = TOKEN_WORD;
      token->text = g_steal_pointer (&word);
      return TRUE;
    }

  token->kind = TOKEN_FILTER;
  token->spelling = g_strndup (word, name_len + 1);
  if (word[name_len + 1] == '\0' && *self->p == '"')
    {
      token->is_quoted = TRUE;
      token->text = lex_quoted (self, error);
      if (token->text == NULL)
        return FALSE;
    }
  else
    token->text = g_strdup (word + name_len + 1);

  if (is_blank (token->text))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                   "\"%s\" needs a value after the colon (character %ld)",
                   token->spelling, position (self, token->start));
      return FALSE;
    }
  return TRUE;

too_many_terms:
  g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
               "The search is too long (more than %d terms)", MAX_QUERY_TERMS);
  return FALSE;
}

static const Token *
peek (Parser *self, GError **error)
{
  if (!self->have_peeked)
    {
      if (!lex (self, &self->peeked, error))
        {
          token_clear (&self->peeked);
          return NULL;
        }
      self->have_peeked = TRUE;
    }
  return &self->peeked;
}

/* Takes the peeked token; the caller clears it. */
static void
take (Parser *self, Token *token)
{
  g_assert (self->have_peeked);
  *token = self->peeked;
  memset (&self->peeked, 0, sizeof self->peeked);
  self->have_peeked = FALSE;
}

static void
skip (Parser *self)
{
  Token token;

  take (self, &token);
  token_clear (&token);
}

static StoreQuery *
query_new (StoreQueryKind kind)
{
  StoreQuery *query = g_new0 (StoreQuery, 1);

  query->kind = kind;
  if (kind == STORE_QUERY_AND || kind == STORE_QUERY_OR ||
      kind == STORE_QUERY_NOT)
    query->children =
        g_ptr_array_new_with_free_func ((GDestroyNotify) store_query_free);
  return query;
}

static StoreQuery *
text_new (StoreQueryField field,
          char           *text,
          gboolean        is_phrase,
          gboolean        is_prefix)
{
  StoreQuery *query = query_new (STORE_QUERY_TEXT);

  query->field = field;
  query->text = text;
  query->is_phrase = is_phrase;
  query->is_prefix = is_prefix;
  return query;
}

/* Adds @child to @group (AND or OR), taking it; a child of the same kind
 * gives its children instead, so the tree stays flat. */
static void
group_add (StoreQuery *group, StoreQuery *child)
{
  if (child->kind != group->kind)
    {
      g_ptr_array_add (group->children, child);
      return;
    }
  for (guint i = 0; i < child->children->len; i++)
    g_ptr_array_add (group->children,
                     g_steal_pointer (&child->children->pdata[i]));
  store_query_free (child);
}

/* A group of none is nothing (NULL), of one its child. */
static StoreQuery *
group_collapse (StoreQuery *group)
{
  StoreQuery *only;

  if (group->children->len > 1)
    return group;
  if (group->children->len == 0)
    {
      store_query_free (group);
      return NULL;
    }
  only = g_steal_pointer (&group->children->pdata[0]);
  store_query_free (group);
  return only;
}

/* The phrase's words, one space apart. */
static char *
normalize_phrase (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (is_space (p))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

/* A word, phrase or filter value as searched text; NULL (no error) when
 * it holds nothing FTS5 could match. */
static StoreQuery *
text_from (StoreQueryField field, const char *text, gboolean is_quoted)
{
  char    *value;
  gboolean is_prefix = FALSE;
  gsize    len;

  if (is_quoted)
    value = normalize_phrase (text);
  else
    {
      len = strlen (text);
      while (len > 0 && text[len - 1] == '*')
        {
          is_prefix = TRUE;
          len--;
        }
      value = g_strndup (text, len);
    }

  if (!has_token_char (value))
    {
      g_free (value);
      return NULL;
    }
  return text_new (field, value, is_quoted, is_prefix);
}

/* Strict YYYY-MM-DD of a real day; its first second where the user is
 * in @time: "before:2025-03-01" typed in Berlin leaves out mail of the
 * evening before that was dated after midnight there. */
static gboolean
parse_date (const char *text, gint64 *time)
{
  g_autoptr (GDateTime) date = NULL;
  int                   year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = atoi (text);
  month = atoi (text + 5);
  day = atoi (text + 8);
  date = g_date_time_new_local (year, month, day, 0, 0, 0);
  if (date == NULL)
    return FALSE;
  *time = g_date_time_to_unix (date);
  return TRUE;
}

/* The node for a filter token; NULL with @error unset when the filter
 * searches text that holds nothing to match. */
static StoreQuery *
filter_node (const Token *token, GError **error)
{
  StoreQuery *query;
  gint64      time;

  switch (token->filter)
    {
    case FILTER_FROM:
      return text_from (STORE_QUERY_FIELD_FROM, token->text, token->is_quoted);
    case FILTER_TO:
      return text_from (STORE_QUERY_FIELD_TO, token->text, token->is_quoted);
    case FILTER_SUBJECT:
      return text_from (STORE_QUERY_FIELD_SUBJECT, token->text,
                        token->is_quoted);
    case FILTER_BODY:
      return text_from (STORE_QUERY_FIELD_BODY, token->text, token->is_quoted);
    case FILTER_HAS:
      if (g_ascii_strcasecmp (token->text, "attachment") == 0 ||
          g_ascii_strcasecmp (token->text, "attachments") == 0)
        return query_new (STORE_QUERY_HAS_ATTACHMENT);
      g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                   "Unknown filter \"%s%s\": use has:attachment",
                   token->spelling, token->text);
      return NULL;
    case FILTER_IS:
      if (g_ascii_strcasecmp (token->text, "unread") == 0)
        return query_new (STORE_QUERY_IS_UNREAD);
      if (g_ascii_strcasecmp (token->text, "read") == 0)
        return query_new (STORE_QUERY_IS_READ);
      if (g_ascii_strcasecmp (token->text, "flagged") == 0)
        return query_new (STORE_QUERY_IS_FLAGGED);
      g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                   "Unknown filter \"%s%s\": use is:unread, is:read or "
                   "is:flagged",
                   token->spelling, token->text);
      return NULL;
    case FILTER_IN:
    case FILTER_ACCOUNT:
      query = query_new (token->filter == FILTER_IN ? STORE_QUERY_IN_FOLDER
                                                    : STORE_QUERY_ACCOUNT);
      query->text = g_strdup (token->text);
      return query;
    case FILTER_BEFORE:
    case FILTER_AFTER:
      if (!parse_date (token->text, &time))
        {
          g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                       "Unknown date \"%s\": use YYYY-MM-DD", token->text);
          return NULL;
        }
      query = query_new (token->filter == FILTER_BEFORE ? STORE_QUERY_BEFORE
                                                        : STORE_QUERY_AFTER);
      query->time = time;
      return query;
    default:
      g_assert_not_reached ();
    }
}

/* primary := "(" and ")" | word | phrase | filter
 * Sets @error and returns NULL on malformed input; returns NULL with
 * @error unset for a term that makes no node ("***", "()"). */
static StoreQuery *
parse_primary (Parser *self, guint depth, GError **error)
{
  const Token *next = peek (self, error);
  Token        token;
  StoreQuery  *query = NULL;
  GError      *local_error = NULL;

  if (next == NULL)
    return NULL;

  take (self, &token);
  switch (token.kind)
    {
    case TOKEN_LPAREN:
      if (depth >= MAX_QUERY_DEPTH)
        {
          g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                       "Too many nested parentheses (more than %d)",
                       MAX_QUERY_DEPTH);
          break;
        }
      query = parse_and (self, depth + 1, &local_error);
      if (local_error == NULL)
        {
          next = peek (self, &local_error);
          if (next != NULL && next->kind != TOKEN_RPAREN)
            g_set_error (&local_error, STORE_ERROR, STORE_ERROR_QUERY,
                         "Missing \")\" for the \"(\" at character %ld",
                         position (self, token.start));
          else if (next != NULL)
            skip (self);
        }
      if (local_error != NULL)
        {
          g_clear_pointer (&query, store_query_free);
          g_propagate_error (error, local_error);
        }
      break;
    case TOKEN_WORD:
      query = text_from (STORE_QUERY_FIELD_ANY, token.text, FALSE);
      break;
    case TOKEN_PHRASE:
      query = text_from (STORE_QUERY_FIELD_ANY, token.text, TRUE);
      break;
    case TOKEN_FILTER:
      query = filter_node (&token, error);
      break;
    case TOKEN_END:
    case TOKEN_RPAREN:
    case TOKEN_OR:
    case TOKEN_AND:
    case TOKEN_NEG:
    default:
      /* The callers only come here on a term; "-" is a NEG only
       * before one. */
      g_assert_not_reached ();
    }

  token_clear (&token);
  return query;
}

/* unary := "-"* primary. Iterative, so "-----a" costs no stack; a double
 * negation cancels out, "-(-a)" included. */
static StoreQuery *
parse_unary (Parser *self, guint depth, GError **error)
{
  const Token *next;
  gboolean     negate = FALSE;
  StoreQuery  *query;
  StoreQuery * not ;
  GError *local_error = NULL;

  while ((next = peek (self, error)) != NULL && next->kind == TOKEN_NEG)
    {
      negate = !negate;
      skip (self);
    }
  if (next == NULL)
    return NULL;

  query = parse_primary (self, depth, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!negate || query == NULL)
    return query;

  if (query->kind == STORE_QUERY_NOT)
    {
      StoreQuery *inner = g_steal_pointer (&query->children->pdata[0]);

      store_query_free (query);
      return inner;
    }
  not = query_new (STORE_QUERY_NOT);
  g_ptr_array_add (not ->children, query);
  return not ;
}

static gboolean
is_operand_start (TokenKind kind)
{
  return kind == TOKEN_LPAREN || kind == TOKEN_NEG || kind == TOKEN_WORD ||
         kind == TOKEN_PHRASE || kind == TOKEN_FILTER;
}

static void
set_operator_error (Parser *self, const Token *op, GError **error)
{
  g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
               "\"%s\" needs a word on each side (character %ld)",
               op->kind == TOKEN_OR ? "OR" : "AND", position (self, op->start));
}

/* or := unary ("OR" unary)*. The caller has seen an operand start. An
 * operand that makes no node ("a OR ***") just leaves the others. */
static StoreQuery *
parse_or (Parser *self, guint depth, GError **error)
{
  g_autoptr (StoreQuery) group = query_new (STORE_QUERY_OR);
  const Token           *next;
  GError                *local_error = NULL;

  for (;;)
    {
      StoreQuery *operand = parse_unary (self, depth, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (operand != NULL)
        group_add (group, operand);

      next = peek (self, error);
      if (next == NULL)
        return NULL;
      if (next->kind != TOKEN_OR)
        break;

      {
        Token op;
        take (self, &op);
        next = peek (self, error);
        if (next == NULL)
          {
            token_clear (&op);
            return NULL;
          }
        if (!is_operand_start (next->kind))
          {
            set_operator_error (self, &op, error);
            token_clear (&op);
            return NULL;
          }
        token_clear (&op);
      }
    }

  return group_collapse (g_steal_pointer (&group));
}

/* and := or (["AND"] or)*, up to ")" or the end, which it leaves. */
static StoreQuery *
parse_and (Parser *self, guint depth, GError **error)
{
  g_autoptr (StoreQuery) group = query_new (STORE_QUERY_AND);
  gboolean               had_operand = FALSE;
  const Token           *next;
  GError                *local_error = NULL;

  while ((next = peek (self, error)) != NULL)
    {
      StoreQuery *operand;

      if (next->kind == TOKEN_END || next->kind == TOKEN_RPAREN)
        return group_collapse (g_steal_pointer (&group));

      if (next->kind == TOKEN_OR)
        {
          set_operator_error (self, next, error);
          return NULL;
        }
      if (next->kind == TOKEN_AND)
        {
          Token op;

          take (self, &op);
          next = peek (self, error);
          if (next == NULL)
            {
              token_clear (&op);
              return NULL;
            }
          if (!had_operand || !is_operand_start (next->kind))
            {
              set_operator_error (self, &op, error);
              token_clear (&op);
              return NULL;
            }
          token_clear (&op);
        }

      operand = parse_or (self, depth, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      had_operand = TRUE;
      if (operand != NULL)
        group_add (group, operand);
    }

  return NULL;
}

/**
 * store_query_parse:
 * @text: what the user typed, UTF-8
 * @error: a %STORE_ERROR_QUERY error for malformed input, its message in
 *   plain English saying what is wrong and where
 *
 * Parses the search language described in store-query.h. The tree is
 * simplified: nested ANDs and ORs are flattened, groups of one are their
 * child, double negations cancel out, and terms without letters or digits
 * are dropped. An empty or all-blank query is an AND without children.
 *
 * Returns: (transfer full): the tree, or %NULL with @error set.
 */
StoreQuery *
store_query_parse (const char *text, GError **error)
{
  Parser       self = { 0 };
  StoreQuery  *query;
  const Token *next;
  GError      *local_error = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strlen (text) > MAX_QUERY_BYTES)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_QUERY,
                   "The search is too long (more than %d bytes)",
                   MAX_QUERY_BYTES);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, STORE_ERROR, STORE_ERROR_QUERY,
                           "The search is not valid UTF-8");
      return NULL;
    }

  self.input = text;
  self.p = text;
  query = parse_and (&self, 0, &local_error);
  if (local_error == NULL)
    {
      next = peek (&self, &local_error);
      if (next != NULL && next->kind == TOKEN_RPAREN)
        g_set_error (&local_error, STORE_ERROR, STORE_ERROR_QUERY,
                     "Unmatched \")\" at character %ld",
                     position (&self, next->start));
      else
        g_assert (next == NULL || next->kind == TOKEN_END);
    }
  token_clear (&self.peeked);

  if (local_error != NULL)
    {
      g_clear_pointer (&query, store_query_free);
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (query == NULL)
    query = query_new (STORE_QUERY_AND);
  return query;
}

/**
 * store_query_free:
 * @query: (nullable): a tree from store_query_parse()
 *
 * Frees @query and its children.
 */
void
store_query_free (StoreQuery *query)
{
  if (query == NULL)
    return;
  g_clear_pointer (&query->children, g_ptr_array_unref);
  g_free (query->text);
  g_free (query);
}

static void
append_quoted (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_time (GString *out, gint64 time)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (time);
  g_autofree char      *iso = NULL;

  if (date != NULL)
    iso = g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
  if (iso != NULL)
    g_string_append (out, iso);
  else
    g_string_append_printf (out, "@%" G_GINT64_FORMAT, time);
}

static void
append_query (GString *out, const StoreQuery *query)
{
  static const char *const kinds[] = {
    [STORE_QUERY_AND] = "and",
    [STORE_QUERY_OR] = "or",
    [STORE_QUERY_NOT] = "not",
    [STORE_QUERY_TEXT] = "text",
    [STORE_QUERY_HAS_ATTACHMENT] = "has-attachment",
    [STORE_QUERY_IS_UNREAD] = "is-unread",
    [STORE_QUERY_IS_READ] = "is-read",
    [STORE_QUERY_IS_FLAGGED] = "is-flagged",
    [STORE_QUERY_IN_FOLDER] = "in",
    [STORE_QUERY_ACCOUNT] = "account",
    [STORE_QUERY_BEFORE] = "before",
    [STORE_QUERY_AFTER] = "after",
  };
  static const char *const fields[] = {
    [STORE_QUERY_FIELD_ANY] = "any",   [STORE_QUERY_FIELD_FROM] = "from",
    [STORE_QUERY_FIELD_TO] = "to",     [STORE_QUERY_FIELD_SUBJECT] = "subject",
    [STORE_QUERY_FIELD_BODY] = "body",
  };

  g_assert ((guint) query->kind < G_N_ELEMENTS (kinds));
  g_string_append_c (out, '(');
  g_string_append (out, kinds[query->kind]);

  switch (query->kind)
    {
    case STORE_QUERY_AND:
    case STORE_QUERY_OR:
    case STORE_QUERY_NOT:
      for (guint i = 0; i < query->children->len; i++)
        {
          g_string_append_c (out, ' ');
          append_query (out, g_ptr_array_index (query->children, i));
        }
      break;
    case STORE_QUERY_TEXT:
      g_assert ((guint) query->field < G_N_ELEMENTS (fields));
      g_string_append_printf (out, " %s ", fields[query->field]);
      append_quoted (out, query->text);
      if (query->is_phrase)
        g_string_append (out, " phrase");
      if (query->is_prefix)
        g_string_append (out, " prefix");
      break;
    case STORE_QUERY_IN_FOLDER:
    case STORE_QUERY_ACCOUNT:
      g_string_append_c (out, ' ');
      append_quoted (out, query->text);
      break;
    case STORE_QUERY_BEFORE:
    case STORE_QUERY_AFTER:
      g_string_append_c (out, ' ');
      append_time (out, query->time);
      break;
    case STORE_QUERY_HAS_ATTACHMENT:
    case STORE_QUERY_IS_UNREAD:
    case STORE_QUERY_IS_READ:
    case STORE_QUERY_IS_FLAGGED:
    default:
      break;
    }

  g_string_append_c (out, ')');
}

/**
 * store_query_to_string:
 * @query: a tree
 *
 * A canonical S-expression of @query for tests and debugging, such as
 * `(and (text any "foo" prefix) (not (text from "bob smith" phrase)))`;
 * texts are quoted with `\` before `"` and `\`, times are UTC instants
 * like `(before 2024-03-01T00:00:00Z)`.
 *
 * Returns: (transfer full): the string.
 */
char *
store_query_to_string (const StoreQuery *query)
{
  GString *out;

  g_return_val_if_fail (query != NULL, NULL);

  out = g_string_new (NULL);
  append_query (out, query);
  return g_string_free (out, FALSE);
}

/**
 * store_query_has_text:
 * @query: a tree
 *
 * Whether @query has a TEXT node anywhere, that is whether it needs the
 * full-text index at all.
 *
 * Returns: %TRUE if so.
 */
gboolean
store_query_has_text (const StoreQuery *query)
{
  g_return_val_if_fail (query != NULL, FALSE);

  if (query->kind == STORE_QUERY_TEXT)
    return TRUE;
  if (query->children == NULL)
    return FALSE;
  for (guint i = 0; i < query->children->len; i++)
    if (store_query_has_text (g_ptr_array_index (query->children, i)))
      return TRUE;
  return FALSE;
}
