/* test-pop3-client-dovecot.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pigeon-test-async.h"
#include "pigeon-test-dovecot.h"
#include "pop3-client.h"
#include "pop3-error.h"
#include "pop3-test-sync.h"

/* Pop3Client against a real Dovecot on 127.0.0.1: every security mode,
 * every login method Dovecot offers, certificate pinning, the listings,
 * byte-exact retrieval of the whole test corpus, pipelining, and what
 * QUIT and a dropped connection leave on the server. */

static PigeonTestDovecot *shared_dovecot;

typedef struct
{
  PigeonTestDovecot *dovecot;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (shared_dovecot == NULL)
    {
      shared_dovecot = pigeon_test_dovecot_new (&error);
      g_assert_no_error (error);
    }
  pigeon_test_dovecot_reset (shared_dovecot, NULL, &error);
  g_assert_no_error (error);
  fixture->dovecot = shared_dovecot;
}

static void
fixture_teardown (Fixture *fixture, gconstpointer user_data)
{
}

static Pop3Client *
client_for (PigeonTestDovecot *dovecot, Pop3Security security)
{
  guint16     port = security == POP3_SECURITY_TLS
                         ? pigeon_test_dovecot_get_tls_port (dovecot)
                         : pigeon_test_dovecot_get_plain_port (dovecot);
  Pop3Client *client = pop3_client_new ("localhost", port, security);

  pop3_client_set_timeout (client, 20);
  return client;
}

static void
quit_client (Pop3Client *client)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;

  pop3_client_quit_async (client, NULL, pigeon_test_store_result_cb, &result);
  g_assert_true (
      pop3_client_quit_finish (client, pigeon_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

/* A pinned, logged-in client over implicit TLS. */
static Pop3Client *
logged_in_client (PigeonTestDovecot *dovecot)
{
  Pop3Client        *client = client_for (dovecot, POP3_SECURITY_TLS);
  g_autoptr (GError) error = NULL;

  pop3_client_set_pinned_certificate (
      client, pigeon_test_dovecot_get_cert (dovecot)->sha256);
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (pop3_test_login (
      client, POP3_AUTH_AUTOMATIC, pigeon_test_dovecot_get_user (dovecot),
      pigeon_test_dovecot_get_password (dovecot), NULL, &error));
  g_assert_no_error (error);
  return client;
}

static void
stat_client (Pop3Client *client, guint *count, guint64 *octets)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;

  pop3_client_stat_async (client, NULL, pigeon_test_store_result_cb, &result);
  g_assert_true (pop3_client_stat_finish (
      client, pigeon_test_wait_for (&result), count, octets, &error));
  g_assert_no_error (error);
}

/* What Dovecot serves for a stored message: LF made CRLF (a CR already
 * before it stays single), and a final line end added if missing. */
static GBytes *
served_form (const char *data, gsize len)
{
  GByteArray *out = g_byte_array_sized_new (len + len / 20 + 2);

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_byte_array_append (out, (const guint8 *) "\r", 1);
      g_byte_array_append (out, (const guint8 *) data + i, 1);
    }
  if (len == 0 || data[len - 1] != '\n')
    g_byte_array_append (out, (const guint8 *) "\r\n", 2);

  return g_byte_array_free_to_bytes (out);
}

static void
seed_numbered (PigeonTestDovecot *dovecot, guint count)
{
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;

  for (guint i = 1; i <= count; i++)
    {
      g_autofree char *text =
          g_strdup_printf ("From: sender%u@example.org\n"
                           "To: alice@example.org\n"
                           "Subject: message %u\n"
                           "Message-ID: <n%u@example.org>\n"
                           "\n"
                           "Body of message %u.\n"
                           ".a line that needs dot-stuffing\n",
                           i, i, i, i);

      g_ptr_array_add (
          messages, g_bytes_new_take (g_steal_pointer (&text), strlen (text)));
      text = NULL;
    }

  g_assert_true (
      pigeon_test_dovecot_seed_messages (dovecot, NULL, messages, &error));
  g_assert_no_error (error);
}

/* Security modes and certificates ----------------------------------- */

static void
test_none_insecure_allowed (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_NONE);
  g_autoptr (GError) error = NULL;
  Pop3AuthMechanism  used;

  pop3_client_set_allow_insecure_auth (client, TRUE);
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_false (pop3_client_is_encrypted (client));
  g_assert_true (pop3_client_get_capabilities (client)->stls);

  g_assert_true (pop3_test_login (
      client, POP3_AUTH_AUTOMATIC,
      pigeon_test_dovecot_get_user (fixture->dovecot),
      pigeon_test_dovecot_get_password (fixture->dovecot), &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, POP3_AUTH_PLAIN);
  quit_client (client);
}

static void
test_none_refuses_cleartext (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_NONE);
  g_autoptr (GError) error = NULL;
  Pop3AuthMechanism  used;

  g_assert_true (pop3_test_connect (client, &error));

  /* Asked for explicitly, a clear-text password is refused before it
   * leaves... */
  g_assert_false (pop3_test_login (
      client, POP3_AUTH_USER, pigeon_test_dovecot_get_user (fixture->dovecot),
      pigeon_test_dovecot_get_password (fixture->dovecot), NULL, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_INSECURE_AUTH);
  g_clear_error (&error);

  /* ...and the automatic choice takes a method that does not reveal it. */
  g_assert_true (pop3_test_login (
      client, POP3_AUTH_AUTOMATIC,
      pigeon_test_dovecot_get_user (fixture->dovecot),
      pigeon_test_dovecot_get_password (fixture->dovecot), &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, POP3_AUTH_CRAM_MD5);
  quit_client (client);
}

static void
test_starttls_pinned (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_STARTTLS);
  g_autoptr (GError) error = NULL;
  g_autofree char   *peer = NULL;
  Pop3AuthMechanism  used;

  pop3_client_set_pinned_certificate (
      client, pigeon_test_dovecot_get_cert (fixture->dovecot)->sha256);
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (pop3_client_is_encrypted (client));
  /* The capabilities are those read after TLS (RFC 2595 §4): Dovecot no
   * longer offers STLS then. */
  g_assert_false (pop3_client_get_capabilities (client)->stls);
  g_assert_true (pop3_client_get_capabilities (client)->pipelining);

  g_assert_true (pop3_test_login (
      client, POP3_AUTH_AUTOMATIC,
      pigeon_test_dovecot_get_user (fixture->dovecot),
      pigeon_test_dovecot_get_password (fixture->dovecot), &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, POP3_AUTH_PLAIN);
  quit_client (client);
}

static void
test_tls_self_signed_rejected (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  const char *sha256 = pigeon_test_dovecot_get_cert (fixture->dovecot)->sha256;

  /* Nobody pinned it, nobody decides: refused, and the user is told its
   * fingerprint. */
  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED);
  g_assert_nonnull (strstr (error->message, sha256));
  g_assert_nonnull (pop3_client_get_peer_certificate (client));
  g_assert_true (pop3_client_get_peer_certificate_errors (client) &
                 G_TLS_CERTIFICATE_UNKNOWN_CA);
}

static void
test_tls_pin_accepts_then_other_pin_rejects (Fixture      *fixture,
                                             gconstpointer user_data)
{
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  const char *sha256 = pigeon_test_dovecot_get_cert (fixture->dovecot)->sha256;
  g_autofree char *lower = g_ascii_strdown (sha256, -1);

  /* Pins match with or without case. */
  pop3_client_set_pinned_certificate (client, lower);
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (pop3_client_is_encrypted (client));
  quit_client (client);

  pop3_client_set_pinned_certificate (
      client,
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:"
      "77:88:99:AA:BB:CC:DD:EE:FF");
  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED);
  g_assert_nonnull (strstr (error->message, sha256));
}

typedef struct
{
  char    *seen_sha256;
  gboolean accept;
} Decision;

static gboolean
decide_certificate (GTlsCertificate     *certificate,
                    GTlsCertificateFlags errors,
                    const char          *sha256,
                    gpointer             user_data)
{
  Decision *decision = user_data;

  g_free (decision->seen_sha256);
  decision->seen_sha256 = g_strdup (sha256);
  return decision->accept;
}

static void
test_tls_certificate_func (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_STARTTLS);
  g_autoptr (GError) error = NULL;
  Decision           decision = { NULL, FALSE };

  pop3_client_set_certificate_func (client, decide_certificate, &decision,
                                    NULL);
  g_assert_false (pop3_test_connect (client, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_CERTIFICATE_REJECTED);
  g_assert_cmpstr (decision.seen_sha256, ==,
                   pigeon_test_dovecot_get_cert (fixture->dovecot)->sha256);
  g_clear_error (&error);

  decision.accept = TRUE;
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  quit_client (client);
  g_free (decision.seen_sha256);
}

/* Login methods ------------------------------------------------------ */

static void
test_login_mechanism (Fixture *fixture, gconstpointer user_data)
{
  Pop3AuthMechanism      mechanism = GPOINTER_TO_INT (user_data);
  g_autoptr (Pop3Client) client =
      client_for (fixture->dovecot, POP3_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  Pop3AuthMechanism  used;
  guint              count;
  guint64            octets;

  pop3_client_set_pinned_certificate (
      client, pigeon_test_dovecot_get_cert (fixture->dovecot)->sha256);

  /* A wrong password first: refused as such, the connection gone. */
  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_false (pop3_test_login (
      client, mechanism, pigeon_test_dovecot_get_user (fixture->dovecot),
      "not-the-password", NULL, &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_AUTH_FAILED);
  g_clear_error (&error);

  g_assert_true (pop3_test_connect (client, &error));
  g_assert_no_error (error);
  g_assert_true (pop3_test_login (
      client, mechanism, pigeon_test_dovecot_get_user (fixture->dovecot),
      pigeon_test_dovecot_get_password (fixture->dovecot), &used, &error));
  g_assert_no_error (error);
  g_assert_cmpint (used, ==, mechanism);
  stat_client (client, &count, &octets);
  g_assert_cmpuint (count, ==, 0);
  quit_client (client);
}

/* Listings and retrieval --------------------------------------------- */

static gboolean
collect_message (guint    msgno,
                 GBytes  *message,
                 gpointer user_data,
                 GError **error)
{
  GPtrArray *messages = user_data;

  g_assert_cmpuint (msgno, ==, messages->len + 1);
  g_ptr_array_add (messages, g_bytes_ref (message));
  return TRUE;
}

static GPtrArray *
retrieve_all (Pop3Client *client, guint count, int top_lines)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;
  g_autofree guint        *msgnos = g_new (guint, count);
  GPtrArray               *messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < count; i++)
    msgnos[i] = i + 1;
  pop3_client_retrieve_async (client, msgnos, count, top_lines, collect_message,
                              messages, NULL, pigeon_test_store_result_cb,
                              &result);
  g_assert_true (pop3_client_retrieve_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, count);
  return messages;
}

/* g_ptr_array_sort () passes pointers to the elements. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_corpus_byte_exact (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *dir =
      g_test_build_filename (G_TEST_DIST, "data", "mail", NULL);
  g_autoptr (GError)       error = NULL;
  g_autoptr (GPtrArray)    names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir)         listing = g_dir_open (dir, 0, &error);
  g_autoptr (Pop3Client)   client = NULL;
  g_autoptr (GPtrArray)    messages = NULL;
  g_autoptr (GAsyncResult) list_result = NULL;
  g_autoptr (GArray)       sizes = NULL;
  const char              *name;
  guint                    count;
  guint64                  octets;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, 40);

  g_assert_true (
      pigeon_test_dovecot_seed_dir (fixture->dovecot, NULL, dir, &error));
  g_assert_no_error (error);

  client = logged_in_client (fixture->dovecot);
  stat_client (client, &count, &octets);
  g_assert_cmpuint (count, ==, names->len);

  pop3_client_list_async (client, NULL, pigeon_test_store_result_cb,
                          &list_result);
  sizes = pop3_client_list_finish (client, pigeon_test_wait_for (&list_result),
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sizes->len, ==, count);

  messages = retrieve_all (client, count, -1);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path =
          g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char   *original = NULL;
      gsize              original_len;
      g_autoptr (GBytes) expected = NULL;
      GBytes            *got = g_ptr_array_index (messages, i);

      g_assert_true (
          g_file_get_contents (path, &original, &original_len, &error));
      expected = served_form (original, original_len);
      g_test_message ("%s", (char *) g_ptr_array_index (names, i));
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                       g_bytes_get_data (expected, NULL),
                       g_bytes_get_size (expected));
      /* LIST's size is the stored message's size with CRLF line ends
       * (Dovecot leaves out the line end it adds to a message that has
       * none). */
      g_assert_cmpuint (g_array_index (sizes, Pop3ListEntry, i).octets, ==,
                        pigeon_test_dovecot_crlf_size (original, original_len));
    }
  quit_client (client);
}

static void
test_uidl_and_top (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client)   client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;
  g_autoptr (GPtrArray)    uids = NULL;
  g_autoptr (GPtrArray)    headers = NULL;
  g_autoptr (GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);

  seed_numbered (fixture->dovecot, 5);
  client = logged_in_client (fixture->dovecot);

  pop3_client_uidl_async (client, NULL, pigeon_test_store_result_cb, &result);
  uids =
      pop3_client_uidl_finish (client, pigeon_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uids->len, ==, 5);
  for (guint i = 0; i < uids->len; i++)
    {
      Pop3UidlEntry *entry = g_ptr_array_index (uids, i);

      g_assert_cmpuint (entry->msgno, ==, i + 1);
      g_hash_table_add (distinct, entry->uid);
    }
  g_assert_cmpuint (g_hash_table_size (distinct), ==, 5);

  headers = retrieve_all (client, 5, 0);
  for (guint i = 0; i < headers->len; i++)
    {
      gsize       len;
      const char *data =
          g_bytes_get_data (g_ptr_array_index (headers, i), &len);
      g_autofree char *text = g_strndup (data, len);
      g_autofree char *subject =
          g_strdup_printf ("Subject: message %u\r\n", i + 1);

      g_assert_nonnull (strstr (text, subject));
      g_assert_null (strstr (text, "Body of message"));
    }
  quit_client (client);
}

static void
test_pipelined_thousand (Fixture *fixture, gconstpointer user_data)
{
  gboolean               pipelined = GPOINTER_TO_INT (user_data);
  g_autoptr (Pop3Client) client = NULL;
  g_autoptr (GPtrArray)  messages = NULL;

  seed_numbered (fixture->dovecot, 1000);
  client = client_for (fixture->dovecot, POP3_SECURITY_TLS);
  pop3_client_set_pinned_certificate (
      client, pigeon_test_dovecot_get_cert (fixture->dovecot)->sha256);
  if (!pipelined)
    pop3_client_set_pipeline_window (client, 1);
  {
    g_autoptr (GError) error = NULL;

    g_assert_true (pop3_test_connect (client, &error));
    g_assert_true (pop3_test_login (
        client, POP3_AUTH_AUTOMATIC,
        pigeon_test_dovecot_get_user (fixture->dovecot),
        pigeon_test_dovecot_get_password (fixture->dovecot), NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (pop3_client_is_pipelining (client), ==, pipelined);

  messages = retrieve_all (client, 1000, -1);
  for (guint i = 0; i < messages->len; i++)
    {
      gsize       len;
      const char *data =
          g_bytes_get_data (g_ptr_array_index (messages, i), &len);
      g_autofree char *text = g_strndup (data, len);
      g_autofree char *id =
          g_strdup_printf ("Message-ID: <n%u@example.org>\r\n", i + 1);
      g_autofree char *body =
          g_strdup_printf ("\r\n\r\nBody of message %u.\r\n", i + 1);

      /* In order, each whole, each unstuffed. */
      g_assert_nonnull (strstr (text, id));
      g_assert_nonnull (strstr (text, body));
      g_assert_true (
          g_str_has_suffix (text, "\r\n.a line that needs dot-stuffing\r\n"));
    }
  quit_client (client);
}

/* What the server keeps ---------------------------------------------- */

static void
delete_messages (Pop3Client *client, const guint *msgnos, guint n)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;

  pop3_client_delete_async (client, msgnos, n, NULL,
                            pigeon_test_store_result_cb, &result);
  g_assert_true (pop3_client_delete_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
test_delete_needs_quit (Fixture *fixture, gconstpointer user_data)
{
  const guint            doomed[] = { 1, 3 };
  g_autoptr (Pop3Client) client = NULL;
  g_autoptr (Pop3Client) again = NULL;
  g_autoptr (Pop3Client) third = NULL;
  guint                  count;
  guint64                octets;

  seed_numbered (fixture->dovecot, 4);

  /* Marked, then dropped without QUIT: RFC 1939 §6, nothing goes. */
  client = logged_in_client (fixture->dovecot);
  delete_messages (client, doomed, G_N_ELEMENTS (doomed));
  pop3_client_disconnect (client);

  again = logged_in_client (fixture->dovecot);
  stat_client (again, &count, &octets);
  g_assert_cmpuint (count, ==, 4);

  /* Marked, then QUIT: they go. */
  delete_messages (again, doomed, G_N_ELEMENTS (doomed));
  quit_client (again);

  third = logged_in_client (fixture->dovecot);
  stat_client (third, &count, &octets);
  g_assert_cmpuint (count, ==, 2);
  quit_client (third);
}

static void
test_delete_unknown_message (Fixture *fixture, gconstpointer user_data)
{
  const guint              missing[] = { 1, 99 };
  g_autoptr (Pop3Client)   client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;

  seed_numbered (fixture->dovecot, 1);
  client = logged_in_client (fixture->dovecot);
  pop3_client_delete_async (client, missing, 2, NULL,
                            pigeon_test_store_result_cb, &result);
  g_assert_false (pop3_client_delete_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, POP3_ERROR, POP3_ERROR_SERVER);
  /* The server's own words are in the message. */
  g_assert_nonnull (strstr (error->message, "DELE 99"));
}

static gboolean
cancel_on_tenth (guint    msgno,
                 GBytes  *message,
                 gpointer user_data,
                 GError **error)
{
  if (msgno == 10)
    g_cancellable_cancel (user_data);
  return TRUE;
}

static void
test_cancel_mid_pipeline (Fixture *fixture, gconstpointer user_data)
{
  const guint              doomed[] = { 1, 2, 3 };
  g_autoptr (Pop3Client)   client = NULL;
  g_autoptr (Pop3Client)   again = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError)       error = NULL;
  g_autofree guint        *msgnos = g_new (guint, 300);
  guint                    count;
  guint64                  octets;

  seed_numbered (fixture->dovecot, 300);
  client = logged_in_client (fixture->dovecot);
  delete_messages (client, doomed, G_N_ELEMENTS (doomed));

  for (guint i = 0; i < 300; i++)
    msgnos[i] = i + 1;
  /* 1 to 3 are marked deleted: retrieve the others. */
  pop3_client_retrieve_async (client, msgnos + 3, 297, -1, cancel_on_tenth,
                              cancellable, cancellable,
                              pigeon_test_store_result_cb, &result);
  g_assert_false (pop3_client_retrieve_finish (
      client, pigeon_test_wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The connection was dropped without QUIT: the marks are void. */
  again = logged_in_client (fixture->dovecot);
  stat_client (again, &count, &octets);
  g_assert_cmpuint (count, ==, 300);
  quit_client (again);
}

/* An empty mailbox answers LIST and UIDL with an empty listing. */
static void
test_empty_mailbox (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (Pop3Client)   client = logged_in_client (fixture->dovecot);
  g_autoptr (GAsyncResult) list_result = NULL;
  g_autoptr (GAsyncResult) uidl_result = NULL;
  g_autoptr (GArray)       sizes = NULL;
  g_autoptr (GPtrArray)    uidls = NULL;
  g_autoptr (GError)       error = NULL;

  pop3_client_list_async (client, NULL, pigeon_test_store_result_cb,
                          &list_result);
  sizes = pop3_client_list_finish (client, pigeon_test_wait_for (&list_result),
                                   &error);
  g_assert_no_error (error);
  g_assert_nonnull (sizes);
  g_assert_cmpuint (sizes->len, ==, 0);

  pop3_client_uidl_async (client, NULL, pigeon_test_store_result_cb,
                          &uidl_result);
  uidls = pop3_client_uidl_finish (client, pigeon_test_wait_for (&uidl_result),
                                   &error);
  g_assert_no_error (error);
  g_assert_nonnull (uidls);
  g_assert_cmpuint (uidls->len, ==, 0);
  quit_client (client);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pop3/client/dovecot/none-insecure-allowed", Fixture, NULL,
              fixture_setup, test_none_insecure_allowed, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/none-refuses-cleartext", Fixture, NULL,
              fixture_setup, test_none_refuses_cleartext, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/starttls-pinned", Fixture, NULL,
              fixture_setup, test_starttls_pinned, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/tls-self-signed-rejected", Fixture, NULL,
              fixture_setup, test_tls_self_signed_rejected, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/empty-mailbox", Fixture, NULL,
              fixture_setup, test_empty_mailbox, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/tls-pin", Fixture, NULL, fixture_setup,
              test_tls_pin_accepts_then_other_pin_rejects, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/certificate-func", Fixture, NULL,
              fixture_setup, test_tls_certificate_func, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/login/user", Fixture,
              GINT_TO_POINTER (POP3_AUTH_USER), fixture_setup,
              test_login_mechanism, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/login/apop", Fixture,
              GINT_TO_POINTER (POP3_AUTH_APOP), fixture_setup,
              test_login_mechanism, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/login/plain", Fixture,
              GINT_TO_POINTER (POP3_AUTH_PLAIN), fixture_setup,
              test_login_mechanism, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/login/login", Fixture,
              GINT_TO_POINTER (POP3_AUTH_LOGIN), fixture_setup,
              test_login_mechanism, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/login/cram-md5", Fixture,
              GINT_TO_POINTER (POP3_AUTH_CRAM_MD5), fixture_setup,
              test_login_mechanism, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/corpus-byte-exact", Fixture, NULL,
              fixture_setup, test_corpus_byte_exact, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/uidl-and-top", Fixture, NULL, fixture_setup,
              test_uidl_and_top, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/retrieve-1000-pipelined", Fixture,
              GINT_TO_POINTER (TRUE), fixture_setup, test_pipelined_thousand,
              fixture_teardown);
  g_test_add ("/pop3/client/dovecot/retrieve-1000-one-at-a-time", Fixture,
              GINT_TO_POINTER (FALSE), fixture_setup, test_pipelined_thousand,
              fixture_teardown);
  g_test_add ("/pop3/client/dovecot/delete-needs-quit", Fixture, NULL,
              fixture_setup, test_delete_needs_quit, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/delete-unknown", Fixture, NULL,
              fixture_setup, test_delete_unknown_message, fixture_teardown);
  g_test_add ("/pop3/client/dovecot/cancel-mid-pipeline", Fixture, NULL,
              fixture_setup, test_cancel_mid_pipeline, fixture_teardown);

  status = g_test_run ();
  g_clear_pointer (&shared_dovecot, pigeon_test_dovecot_free);
  return status;
}
