/* store-bench.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "engine-import.h"
#include "engine-library.h"
#include "pigeon-test-async.h"
#include "store-search.h"
#include "store-test-sync.h"

/* Pigeon's half of bench/store: ingests a Maildir through the same import
 * users run (parse, store, index), then times the fixed queries and list
 * pages. Prints figures; asserts nothing. */

#define PAGE 50
#define QUERY_RUNS 3
#define PAGE_RUNS 5

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted, double p)
{
  guint index = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, double, index);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static guint64
maildir_bytes (const char *maildir)
{
  const char *subdirs[] = { "cur", "new" };
  guint64     total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir = g_build_filename (maildir, subdirs[i], NULL);
      g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
      const char      *name;

      while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);

          total += file_size (path);
        }
    }

  return total;
}

static void
print_peak_rss (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  printf ("pigeon peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);
}

static double
time_page (StoreDatabase *db, const StoreView *view, guint offset)
{
  double best = G_MAXDOUBLE;

  for (guint run = 0; run < PAGE_RUNS; run++)
    {
      g_autoptr (GPtrArray) rows = NULL;
      GError               *error = NULL;
      double                start = now_ms ();

      rows = store_database_list (db, view, offset, PAGE, &error);
      if (rows == NULL)
        g_error ("list: %s", error->message);
      best = MIN (best, now_ms () - start);
    }

  return best;
}

int
main (int argc, char *argv[])
{
  g_autofree char           *maildir = NULL;
  g_autofree char           *queries_path = NULL;
  g_autofree char           *db_dir = NULL;
  g_autofree char           *db_path = NULL;
  g_autofree char           *index_path = NULL;
  g_autofree char           *queries_text = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GAsyncResult)   result = NULL;
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto (GStrv) queries = NULL;
  GOptionEntry entries[] = {
    { "maildir", 0, 0, G_OPTION_ARG_FILENAME, &maildir, "Mail to ingest",
      "DIR" },
    { "queries", 0, 0, G_OPTION_ARG_FILENAME, &queries_path,
      "Queries, one per line", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_dir, "Directory for the new store",
      "DIR" },
    { NULL },
  };
  StoreView      all = { .kind = STORE_VIEW_ALL_INBOXES };
  StoreDatabase *db;
  GError        *error = NULL;
  guint64        imported = 0;
  guint64        raw_bytes;
  guint64        db_bytes;
  guint64        count;
  double         start;
  double         ingest_s;
  double         list0_ms;
  double         listfar_ms;
  guint          deep;

  context = g_option_context_new ("— Pigeon's store benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      maildir == NULL || queries_path == NULL || db_dir == NULL)
    {
      g_printerr ("usage: store-bench --maildir DIR --queries FILE --db DIR\n");
      return 2;
    }

  /* As the window and pigeon-cli do: the same malloc settings. */
  if (!engine_library_init (&error))
    g_error ("%s", error->message);

  db_path = g_build_filename (db_dir, "pigeon.db", NULL);
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    g_error ("%s exists: the benchmark needs a fresh store", db_path);

  db = store_test_open (db_path, &error);
  if (db == NULL)
    g_error ("open: %s", error->message);
  store_test_add_account (db, "bench", &error);
  if (error != NULL)
    g_error ("account: %s", error->message);

  raw_bytes = maildir_bytes (maildir);
  start = now_ms ();
  engine_import_async (db, maildir, store_test_folder_id (db, "bench/Inbox"),
                       NULL, NULL, NULL, pigeon_test_store_result_cb, &result);
  if (!engine_import_finish (pigeon_test_wait_for (&result), &imported, NULL,
                             &error))
    g_error ("import: %s", error->message);
  /* Ingest ends when the messages can be found: the index follows the
   * store on its own thread, a batch or two behind. */
  if (!store_test_flush_index (db, &error))
    g_error ("index: %s", error->message);
  ingest_s = (now_ms () - start) / 1000.0;
  /* The import's result holds the store: let go, so that closing below
   * really closes it. */
  g_clear_object (&result);

  printf ("pigeon ingest: %" G_GUINT64_FORMAT " messages, %.1f MB in %.2f s: "
          "%.0f messages/s, %.1f MB/s\n",
          imported, raw_bytes / 1e6, ingest_s, imported / ingest_s,
          raw_bytes / 1e6 / ingest_s);

  if (!g_file_get_contents (queries_path, &queries_text, NULL, &error))
    g_error ("queries: %s", error->message);
  queries = g_strsplit (queries_text, "\n", -1);
  for (guint i = 0; queries[i] != NULL; i++)
    {
      double best = G_MAXDOUBLE;
      guint  found = 0;

      if (*g_strstrip (queries[i]) == '\0')
        continue;

      for (guint run = 0; run < QUERY_RUNS; run++)
        {
          g_autoptr (GPtrArray) rows = NULL;
          double                query_start = now_ms ();

          rows = store_test_search (db, queries[i], PAGE, &error);
          if (rows == NULL)
            g_error ("search “%s”: %s", queries[i], error->message);
          best = MIN (best, now_ms () - query_start);
          found = rows->len;
        }
      g_array_append_val (times, best);
      if (g_getenv ("BENCH_VERBOSE") != NULL)
        printf ("  %7.2f ms  %2u  %s\n", best, found, queries[i]);
    }
  g_array_sort (times, compare_doubles);
  printf ("pigeon search: %u queries, first %d results, best of %d: "
          "p50 %.2f ms, p95 %.2f ms, max %.2f ms\n",
          times->len, PAGE, QUERY_RUNS, percentile (times, 0.5),
          percentile (times, 0.95),
          g_array_index (times, double, times->len - 1));

  /* The far page at 90% of the count, as bench/store asks notmuch. */
  count = store_database_count (db, &all, &error);
  deep = (guint) (count * 9 / 10);
  list0_ms = time_page (db, &all, 0);
  listfar_ms = time_page (db, &all, deep);
  printf ("pigeon list page (%d rows of All Inboxes, %" G_GUINT64_FORMAT
          " messages, best of %d): offset 0 %.2f ms, offset %u %.2f ms\n",
          PAGE, count, PAGE_RUNS, list0_ms, deep, listfar_ms);
  {
    StoreView by_sender = { .kind = STORE_VIEW_ALL_INBOXES,
                            .sort = STORE_SORT_SENDER };
    StoreView unread = { .kind = STORE_VIEW_UNREAD,
                         .sort = STORE_SORT_SUBJECT };
    guint     unread_deep =
        (guint) (store_database_count (db, &unread, &error) * 9 / 10);

    printf ("pigeon list page by sender: offset 0 %.2f ms, offset %u %.2f "
            "ms; Unread by subject: offset 0 %.2f ms, offset %u %.2f ms\n",
            time_page (db, &by_sender, 0), deep,
            time_page (db, &by_sender, deep), time_page (db, &unread, 0),
            unread_deep, time_page (db, &unread, unread_deep));
  }

  index_path = g_strdup (store_database_get_index_path (db));
  g_object_unref (db);
  /* Both files: the store and its search index. */
  db_bytes = file_size (db_path) + file_size (index_path);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *index_wal = g_strconcat (index_path, "-wal", NULL);

    db_bytes += file_size (wal) + file_size (index_wal);
  }
  printf ("pigeon database: %.1f MB, %.2fx the raw mail\n", db_bytes / 1e6,
          (double) db_bytes / raw_bytes);
  print_peak_rss ();

  /* Machine-readable, for bench/store's ratio lines. */
  printf ("RESULT ingest_s=%.3f ingest_rate=%.1f search_p50=%.3f "
          "search_p95=%.3f list0_ms=%.3f listfar_ms=%.3f db_ratio=%.3f\n",
          ingest_s, imported / ingest_s, percentile (times, 0.5),
          percentile (times, 0.95), list0_ms, listfar_ms,
          (double) db_bytes / raw_bytes);
  return 0;
}
