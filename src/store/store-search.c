/* store-search.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-search.h"

#include "store-database-private.h"
#include "store-error.h"
#include "store-messages-private.h"
#include "store-query.h"

/* Words from the snippet around each match. */
#define SNIPPET_TOKENS 12
/* SQLite virtual-machine steps between two looks at the cancellable. */
#define CANCEL_CHECK_STEPS 1000
/* Fixed parameter numbers for paging, above any the terms use (the parser
 * allows 1,000 terms; SQLite 3.32+ allows 32,766 parameters). */
#define PARAM_BEFORE 30000
#define PARAM_LIMIT 30001

/* A search compiled to SQL. User text never enters the SQL text: every
 * value is a bound parameter, and words reach FTS5 only as quoted
 * strings inside the bound MATCH expression. */
typedef struct
{
  GString   *where;  /* conditions on m (messages) */
  GPtrArray *params; /* of SearchParam, in order of their '?' */
  char      *match;  /* the one FTS5 expression driving the walk, or NULL */
} Search;

typedef struct
{
  char  *text; /* NULL: an integer */
  gint64 value;
} SearchParam;

typedef struct
{
  Search        *search;
  gint64         before_id;
  guint          limit;
  StoreDatabase *db; /* the task's source */
} SearchData;

static void
search_param_free (SearchParam *param)
{
  g_free (param->text);
  g_free (param);
}

static void
search_free (Search *search)
{
  g_string_free (search->where, TRUE);
  g_ptr_array_unref (search->params);
  g_free (search->match);
  g_free (search);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Search, search_free)

static void
search_data_free (SearchData *data)
{
  search_free (data->search);
  g_free (data);
}

static void
add_text_param (Search *search, const char *text)
{
  SearchParam *param = g_new0 (SearchParam, 1);

  param->text = g_strdup (text);
  g_ptr_array_add (search->params, param);
}

static void
add_int_param (Search *search, gint64 value)
{
  SearchParam *param = g_new0 (SearchParam, 1);

  param->value = value;
  g_ptr_array_add (search->params, param);
}

static const char *
field_column (StoreQueryField field)
{
  switch (field)
    {
    case STORE_QUERY_FIELD_FROM:
      return "sender";
    case STORE_QUERY_FIELD_TO:
      return "recipients";
    case STORE_QUERY_FIELD_SUBJECT:
      return "subject";
    case STORE_QUERY_FIELD_BODY:
      return "body";
    case STORE_QUERY_FIELD_ANY:
    default:
      return NULL;
    }
}

/* Whether a subtree is words only, with no NOT: then FTS5 alone can
 * answer it. */
static gboolean
is_fts_positive (const StoreQuery *node)
{
  switch (node->kind)
    {
    case STORE_QUERY_TEXT:
      return TRUE;
    case STORE_QUERY_AND:
    case STORE_QUERY_OR:
      for (guint i = 0; i < node->children->len; i++)
        if (!is_fts_positive (node->children->pdata[i]))
          return FALSE;
      return node->children->len > 0;
    default:
      return FALSE;
    }
}

/* A word as an FTS5 string: in double quotes, with quotes doubled, so
 * that nothing the user types is FTS5 syntax. */
static void
append_fts_text (GString *fts, const StoreQuery *node)
{
  const char *column = field_column (node->field);

  if (column != NULL)
    g_string_append_printf (fts, "%s : ", column);

  g_string_append_c (fts, '"');
  for (const char *p = node->text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (fts, '"');
      g_string_append_c (fts, *p);
    }
  g_string_append_c (fts, '"');

  if (node->is_prefix)
    g_string_append (fts, " *");
}

static void
append_fts (GString *fts, const StoreQuery *node)
{
  const char *op;

  if (node->kind == STORE_QUERY_TEXT)
    {
      append_fts_text (fts, node);
      return;
    }

  op = node->kind == STORE_QUERY_AND ? " AND " : " OR ";
  g_string_append_c (fts, '(');
  for (guint i = 0; i < node->children->len; i++)
    {
      if (i > 0)
        g_string_append (fts, op);
      append_fts (fts, node->children->pdata[i]);
    }
  g_string_append_c (fts, ')');
}

static char *
fts_expression (const StoreQuery *node)
{
  GString *fts = g_string_new (NULL);

  append_fts (fts, node);
  return g_string_free (fts, FALSE);
}

/* Keys are dates shifted left by 20 bits (store-messages.c): a date bound
 * is a key bound, which both the message table and the index can seek. */
static gint64
date_to_key (gint64 time)
{
  return CLAMP (time, 0, G_GINT64_CONSTANT (1) << 42) << 20;
}

static void compile_node (Search *search, const StoreQuery *node);

static void
compile_children (Search *search, const StoreQuery *node, const char *op)
{
  g_string_append_c (search->where, '(');
  for (guint i = 0; i < node->children->len; i++)
    {
      if (i > 0)
        g_string_append (search->where, op);
      compile_node (search, node->children->pdata[i]);
    }
  if (node->children->len == 0)
    g_string_append (search->where, node->kind == STORE_QUERY_OR ? "0" : "1");
  g_string_append_c (search->where, ')');
}

static void
compile_node (Search *search, const StoreQuery *node)
{
  GString *where = search->where;

  if (is_fts_positive (node))
    {
      g_autofree char *fts = fts_expression (node);

      g_string_append (where, "m.id IN (SELECT rowid FROM idx.messages_fts "
                              "WHERE messages_fts MATCH ?)");
      add_text_param (search, fts);
      return;
    }

  switch (node->kind)
    {
    case STORE_QUERY_AND:
      compile_children (search, node, " AND ");
      break;
    case STORE_QUERY_OR:
      compile_children (search, node, " OR ");
      break;
    case STORE_QUERY_NOT:
      g_string_append (where, "NOT ");
      compile_node (search, node->children->pdata[0]);
      break;
    case STORE_QUERY_HAS_ATTACHMENT:
      g_string_append (where, "m.has_attachment = 1");
      break;
    case STORE_QUERY_IS_UNREAD:
      g_string_append (where, "m.is_read = 0");
      break;
    case STORE_QUERY_IS_READ:
      g_string_append (where, "m.is_read = 1");
      break;
    case STORE_QUERY_IS_FLAGGED:
      g_string_append (where, "m.is_flagged = 1");
      break;
    case STORE_QUERY_IN_FOLDER:
      /* in:inbox is every Inbox; else a folder's full name or, for an
       * account's folder, its short name ("Inbox" of "work/Inbox"). */
      g_string_append (where,
                       "(m.folder_id IN (SELECT f.id FROM folders f "
                       "LEFT JOIN accounts a ON a.id = f.account_id WHERE "
                       "(CASE WHEN f.account_id IS NULL THEN f.name "
                       "ELSE a.name || '/' || f.name END) = ? COLLATE NOCASE) "
                       "OR (?= = 'inbox' COLLATE NOCASE AND m.in_inbox = 1))");
      add_text_param (search, node->text);
      break;
    case STORE_QUERY_ACCOUNT:
      g_string_append (where, "m.account_id IN (SELECT id FROM accounts "
                              "WHERE name = ? COLLATE NOCASE "
                              "OR email = ?= COLLATE NOCASE)");
      add_text_param (search, node->text);
      break;
    case STORE_QUERY_BEFORE:
      g_string_append (where, "m.id < ?");
      add_int_param (search, date_to_key (node->time));
      break;
    case STORE_QUERY_AFTER:
      g_string_append (where, "m.id >= ?");
      add_int_param (search, date_to_key (node->time));
      break;
    case STORE_QUERY_TEXT:
    default:
      g_assert_not_reached ();
    }
}

/* Gives every placeholder its absolute number, in order: "?" takes the
 * next parameter, "?=" is the previous one again (one value used twice).
 * The SQL text is ours: user text is never in it, so '?' is never data. */
static char *
number_placeholders (const char *sql, guint first)
{
  GString *out = g_string_new (NULL);
  guint    next = first;

  for (const char *p = sql; *p != '\0'; p++)
    {
      if (*p != '?')
        g_string_append_c (out, *p);
      else if (p[1] == '=')
        {
          g_string_append_printf (out, "?%u", next - 1);
          p++;
        }
      else
        g_string_append_printf (out, "?%u", next++);
    }

  return g_string_free (out, FALSE);
}

/* Whether every message @node matches is in a folder it names: then
 * deleted mail is what was asked for, when that folder is Trash. A
 * negated folder (-in:archive) or one alternative of several (lunch OR
 * in:receipts) names none. */
static gboolean
names_folder (const StoreQuery *node)
{
  switch (node->kind)
    {
    case STORE_QUERY_IN_FOLDER:
      return TRUE;
    case STORE_QUERY_AND:
      for (guint i = 0; i < node->children->len; i++)
        if (names_folder (node->children->pdata[i]))
          return TRUE;
      return FALSE;
    case STORE_QUERY_OR:
      for (guint i = 0; i < node->children->len; i++)
        if (!names_folder (node->children->pdata[i]))
          return FALSE;
      return TRUE;
    default:
      return FALSE;
    }
}

/* The top level is an AND (or one term). Its word-only terms, and the
 * negations of word-only terms, become one FTS5 expression that drives a
 * newest-first walk of the index; everything else filters that walk. */
static Search *
compile (const StoreQuery *root)
{
  g_autoptr (Search)    search = g_new0 (Search, 1);
  g_autoptr (GPtrArray) positive = g_ptr_array_new ();
  g_autoptr (GPtrArray) negative = g_ptr_array_new ();
  g_autoptr (GPtrArray) rest = g_ptr_array_new ();
  g_autoptr (GString)   fts = g_string_new (NULL);
  gboolean              single = root->kind != STORE_QUERY_AND;
  guint                 n = single ? 1 : root->children->len;

  search->where = g_string_new (NULL);
  search->params =
      g_ptr_array_new_with_free_func ((GDestroyNotify) search_param_free);

  for (guint i = 0; i < n; i++)
    {
      const StoreQuery *child = single ? root : root->children->pdata[i];

      if (is_fts_positive (child))
        g_ptr_array_add (positive, (gpointer) child);
      else if (child->kind == STORE_QUERY_NOT &&
               is_fts_positive (child->children->pdata[0]))
        g_ptr_array_add (negative, (gpointer) child);
      else
        g_ptr_array_add (rest, (gpointer) child);
    }

  /* FTS5's NOT needs something on its left. */
  if (positive->len == 0)
    {
      g_ptr_array_extend_and_steal (rest, g_steal_pointer (&negative));
      negative = g_ptr_array_new ();
    }

  for (guint i = 0; i < positive->len; i++)
    {
      if (i > 0)
        g_string_append (fts, " AND ");
      append_fts (fts, positive->pdata[i]);
    }
  if (positive->len > 0 && negative->len > 0)
    {
      g_string_prepend_c (fts, '(');
      g_string_append_c (fts, ')');
      for (guint i = 0; i < negative->len; i++)
        {
          const StoreQuery *not = negative->pdata[i];

          g_string_append (fts, " NOT ");
          append_fts (fts, not ->children->pdata[0]);
        }
    }
  if (positive->len > 0)
    search->match = g_string_free (g_steal_pointer (&fts), FALSE);

  for (guint i = 0; i < rest->len; i++)
    {
      if (i > 0)
        g_string_append (search->where, " AND ");
      compile_node (search, rest->pdata[i]);
    }

  /* Deleted mail stays out of results unless asked for by folder. */
  if (!names_folder (root))
    g_string_append_printf (search->where, "%sm.in_trash = 0",
                            rest->len > 0 ? " AND " : "");

  return g_steal_pointer (&search);
}

static char *
build_sql (const Search *search, gboolean paged)
{
  g_autofree char *where = NULL;
  guint            first = search->match != NULL ? 2 : 1;

  where = number_placeholders (search->where->str, first);

  /* CROSS JOIN keeps the index walk outside: it yields rowids newest
   * first and the walk stops after one page (DESIGN.md "Store"). */
  if (search->match != NULL)
    return g_strdup_printf (
        "SELECT %s, snippet(messages_fts, -1, '" STORE_MATCH_START
        "', '" STORE_MATCH_END "', '…', %d) "
        "FROM idx.messages_fts CROSS JOIN messages m "
        "ON m.id = messages_fts.rowid "
        "WHERE messages_fts MATCH ?1 AND %s%s "
        "ORDER BY messages_fts.rowid DESC LIMIT ?" G_STRINGIFY (PARAM_LIMIT),
        STORE_MESSAGE_ROW_COLUMNS ("m."), SNIPPET_TOKENS, where,
        paged ? " AND messages_fts.rowid < ?" G_STRINGIFY (PARAM_BEFORE) : "");

  return g_strdup_printf (
      "SELECT %s FROM messages m WHERE %s%s "
      "ORDER BY m.id DESC LIMIT ?" G_STRINGIFY (PARAM_LIMIT),
      STORE_MESSAGE_ROW_COLUMNS ("m."), where,
      paged ? " AND m.id < ?" G_STRINGIFY (PARAM_BEFORE) : "");
}

static int
progress_cb (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

static gboolean
bind_params (sqlite3_stmt *stmt, const SearchData *data)
{
  const Search *search = data->search;
  int           first = search->match != NULL ? 2 : 1;
  int           rc = SQLITE_OK;

  if (search->match != NULL)
    rc = sqlite3_bind_text (stmt, 1, search->match, -1, SQLITE_STATIC);

  for (guint i = 0; rc == SQLITE_OK && i < search->params->len; i++)
    {
      const SearchParam *param = search->params->pdata[i];

      if (param->text != NULL)
        rc = sqlite3_bind_text (stmt, first + (int) i, param->text, -1,
                                SQLITE_STATIC);
      else
        rc = sqlite3_bind_int64 (stmt, first + (int) i, param->value);
    }

  if (rc == SQLITE_OK && data->before_id > 0)
    rc = sqlite3_bind_int64 (stmt, PARAM_BEFORE, data->before_id);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64 (stmt, PARAM_LIMIT, data->limit);

  return rc == SQLITE_OK;
}

/* A search reads the index file and the store's: a damaged page may be
 * in either, and store_database_search_finish() has the index file
 * checked. */
static void
return_search_error (StoreJob *job, sqlite3 *db, GError *error)
{
  if (g_error_matches (error, STORE_ERROR, STORE_ERROR_CORRUPT))
    {
      g_clear_error (&error);
      g_set_error (&error, STORE_ERROR, STORE_ERROR_CORRUPT,
                   "The search met a damaged page (%s) in the search index "
                   "or in the mail store; the search index is checked, and "
                   "built again if the damage is there",
                   sqlite3_errmsg (db));
    }
  _store_job_return_error (job, error);
}

static void
search_job (StoreConnection *conn, StoreJob *job)
{
  SearchData           *data = _store_job_get_data (job);
  GCancellable         *cancellable = _store_job_get_cancellable (job);
  sqlite3              *db = _store_connection_get_db (conn);
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char      *sql = build_sql (data->search, data->before_id > 0);
  sqlite3_stmt         *stmt;
  GError               *error = NULL;
  int                   rc;

  if (!_store_database_attach_index (data->db, conn, &error))
    {
      _store_job_return_error (job, error);
      return;
    }

  stmt = _store_connection_prepare_once (conn, sql, &error);
  if (stmt == NULL)
    {
      return_search_error (job, db, error);
      return;
    }

  if (!bind_params (stmt, data))
    {
      _store_connection_set_error (conn, sqlite3_errcode (db), &error);
      sqlite3_finalize (stmt);
      _store_job_return_error (job, error);
      return;
    }

  /* Typing a new letter cancels the search for the last one. */
  if (cancellable != NULL)
    sqlite3_progress_handler (db, CANCEL_CHECK_STEPS, progress_cb, cancellable);

  rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) store_message_row_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StoreMessageRow *row = _store_message_row_from_statement (stmt, 0);

      if (data->search->match != NULL)
        row->snippet = g_strdup ((const char *) sqlite3_column_text (
            stmt, STORE_MESSAGE_ROW_N_COLUMNS));
      g_ptr_array_add (rows, row);
    }

  sqlite3_progress_handler (db, 0, NULL, NULL);
  if (rc == SQLITE_INTERRUPT &&
      g_cancellable_set_error_if_cancelled (cancellable, &error))
    ;
  else if (rc != SQLITE_DONE)
    _store_connection_set_error (conn, rc, &error);
  sqlite3_finalize (stmt);

  if (error != NULL)
    return_search_error (job, db, error);
  else
    _store_job_return_pointer (job, g_steal_pointer (&rows),
                               (GDestroyNotify) g_ptr_array_unref);
}

/**
 * store_database_search_async:
 * @self: a #StoreDatabase
 * @query: what the user typed, in the search language of store-query.h
 * @before_id: 0 for the newest results, else the id of the last result of
 *   the previous page
 * @limit: results to return at most
 * @cancellable: (nullable): cancels the search even while SQLite runs it
 * @callback: a #GAsyncReadyCallback
 * @user_data: data for @callback
 *
 * Searches all mail but Trash (unless the query names a folder with
 * in:), newest first. Runs on the store's reader thread, so a long write
 * never holds it up.
 */
void
store_database_search_async (StoreDatabase      *self,
                             const char         *query,
                             gint64              before_id,
                             guint               limit,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr (StoreQuery) tree = NULL;
  SearchData            *data;
  GError                *error = NULL;
  GTask                 *task;

  g_return_if_fail (STORE_IS_DATABASE (self));
  g_return_if_fail (query != NULL);

  tree = store_query_parse (query, &error);
  if (tree == NULL)
    {
      g_task_report_error (self, callback, user_data,
                           store_database_search_async, error);
      return;
    }

  data = g_new0 (SearchData, 1);
  data->search = compile (tree);
  data->before_id = before_id;
  data->limit = limit;
  data->db = self;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, store_database_search_async);
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  _store_database_run_read (self, task, search_job);
}

/**
 * store_database_search_finish:
 *
 * Returns: (transfer full) (element-type StoreMessageRow): the results,
 *   newest first, each with a snippet whose matched words are between
 *   %STORE_MATCH_START and %STORE_MATCH_END (NULL when the query had no
 *   words); or %NULL with %STORE_ERROR_QUERY (the message says what is
 *   wrong with the query), %G_IO_ERROR_CANCELLED or another #StoreError
 */
GPtrArray *
store_database_search_finish (StoreDatabase *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  GPtrArray *rows;
  GError    *local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  rows = g_task_propagate_pointer (G_TASK (result), &local_error);
  /* The index file holds nothing the store does not. */
  if (g_error_matches (local_error, STORE_ERROR, STORE_ERROR_CORRUPT))
    _store_database_check_index_damage (self);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return rows;
}
