/* fuzz-store-query.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "store-error.h"
#include "store-query.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The promises of store-query.h, checked on every tree: whatever the
 * user typed, the compiler gets a tree it can trust. */
static void
check_tree (const StoreQuery *query, gboolean is_root, guint depth)
{
  /* 32 groups, each at most an AND, an OR and a NOT deep, plus a leaf. */
  g_assert (depth <= 3 * 33 + 1);

  switch (query->kind)
    {
    case STORE_QUERY_AND:
    case STORE_QUERY_OR:
      g_assert (query->children != NULL);
      g_assert (query->text == NULL);
      if (is_root && query->kind == STORE_QUERY_AND)
        g_assert (query->children->len != 1);
      else
        g_assert (query->children->len >= 2);
      for (guint i = 0; i < query->children->len; i++)
        {
          const StoreQuery *child = g_ptr_array_index (query->children, i);

          g_assert (child != NULL && child->kind != query->kind);
          check_tree (child, FALSE, depth + 1);
        }
      break;
    case STORE_QUERY_NOT:
      g_assert (query->children != NULL && query->children->len == 1);
      g_assert (
          ((const StoreQuery *) g_ptr_array_index (query->children, 0))->kind !=
          STORE_QUERY_NOT);
      check_tree (g_ptr_array_index (query->children, 0), FALSE, depth + 1);
      break;
    case STORE_QUERY_TEXT:
    case STORE_QUERY_IN_FOLDER:
    case STORE_QUERY_ACCOUNT:
      g_assert (query->children == NULL);
      g_assert (query->text != NULL && query->text[0] != '\0');
      g_assert (g_utf8_validate (query->text, -1, NULL));
      g_assert (strchr (query->text, '"') == NULL);
      if (query->kind == STORE_QUERY_TEXT)
        g_assert (!(query->is_phrase && query->is_prefix));
      break;
    case STORE_QUERY_HAS_ATTACHMENT:
    case STORE_QUERY_IS_UNREAD:
    case STORE_QUERY_IS_READ:
    case STORE_QUERY_IS_FLAGGED:
    case STORE_QUERY_BEFORE:
    case STORE_QUERY_AFTER:
      g_assert (query->children == NULL && query->text == NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The input, up to its first NUL, is the search string. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char       *text = g_strndup ((const char *) data, size);
  g_autoptr (GError)     error = NULL;
  g_autoptr (StoreQuery) query = store_query_parse (text, &error);

  if (query == NULL)
    {
      g_assert (error != NULL);
      g_assert (error->domain == STORE_ERROR);
      g_assert (error->code == STORE_ERROR_QUERY);
      g_assert (error->message != NULL && error->message[0] != '\0');
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert (error == NULL);
  check_tree (query, TRUE, 0);
  {
    g_autofree char *string = store_query_to_string (query);

    g_assert (string != NULL && string[0] == '(');
    g_assert (g_utf8_validate (string, -1, NULL));
  }
  store_query_has_text (query);
  return 0;
}
