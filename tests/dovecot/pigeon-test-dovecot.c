/* pigeon-test-dovecot.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-test-dovecot.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define DEFAULT_USER "alice"
#define DEFAULT_PASSWORD "wonderland-7"

/* Only an early exit (a port taken between our probe and Dovecot's bind,
 * which happens when meson runs tests in parallel) is retried; a server
 * that does not come up in time is not, so a start is bounded by about
 * START_TIMEOUT_USEC plus a few quick failures. */
#define START_ATTEMPTS 5
#define START_TIMEOUT_USEC (10 * G_USEC_PER_SEC)
#define STOP_SETTLE_USEC (500 * 1000)
#define STOP_TIMEOUT_USEC (3 * G_USEC_PER_SEC)
#define ORPHAN_TIMEOUT_USEC (2 * G_USEC_PER_SEC)
#define RESET_WAIT_USEC (5 * G_USEC_PER_SEC)
#define POLL_USEC (10 * 1000)
#define LOG_TAIL_LINES 30

typedef struct
{
  char *name;
  char *password;
  char *home;    /* owned by the mail uid, 0700 */
  char *maildir; /* home/Maildir */
} User;

struct _PigeonTestDovecot
{
  /* owned */
  char           *dir; /* the temp dir that holds everything below */
  char           *conf_path;
  char           *users_path;
  char           *log_path;
  char           *stderr_path;
  char           *base_dir;
  char           *instance_name;
  PigeonTestCert *cert;
  GSubprocess    *server;
  GPtrArray      *users; /* of User; the first is the default user */

  guint16 plain_port;
  guint16 tls_port;
  uid_t   mail_uid;
  gid_t   mail_gid;
  gint64  ready_time; /* monotonic, when the server was ready */
  gint64  seed_time;
  guint   seed_counter;
  guint   trash_counter;
};

static void
user_free (User *user)
{
  g_free (user->name);
  g_free (user->password);
  g_free (user->home);
  g_free (user->maildir);
  g_free (user);
}

static gboolean
set_errno_error (GError    **error,
                 int         saved_errno,
                 const char *what,
                 const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

/* Removes a tree without following symlinks: Dovecot puts a symlink to
 * the config into base_dir, and a test's tree must never reach out. */
static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char      *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

/* Mail must belong to the uid Dovecot's mail process runs as; as root
 * that is "nobody", otherwise our own uid and there is nothing to do. */
static gboolean
give_to_mail_user (PigeonTestDovecot *self, const char *path, GError **error)
{
  if (geteuid () != 0)
    return TRUE;
  if (chown (path, self->mail_uid, self->mail_gid) != 0)
    return set_errno_error (error, errno, "chown", path);
  return TRUE;
}

/* g_mkdir's mode goes through the umask; chmod makes the mode exact, so
 * the chain stays traversable by Dovecot's users whatever the umask. */
static gboolean
make_dir (const char *path, int mode, GError **error)
{
  if (g_mkdir (path, mode) != 0)
    return set_errno_error (error, errno, "mkdir", path);
  if (g_chmod (path, mode) != 0)
    return set_errno_error (error, errno, "chmod", path);
  return TRUE;
}

/* Makes an empty Maildir (cur, new, tmp) owned by the mail user. */
static gboolean
make_maildir (PigeonTestDovecot *self, const char *maildir, GError **error)
{
  static const char *const subdirs[] = { "cur", "new", "tmp" };

  if (!make_dir (maildir, 0700, error) ||
      !give_to_mail_user (self, maildir, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (maildir, subdirs[i], NULL);

      if (!make_dir (path, 0700, error) ||
          !give_to_mail_user (self, path, error))
        return FALSE;
    }

  return TRUE;
}

static User *
find_user (PigeonTestDovecot *self, const char *name, GError **error)
{
  if (name == NULL)
    return g_ptr_array_index (self->users, 0);

  for (guint i = 0; i < self->users->len; i++)
    {
      User *user = g_ptr_array_index (self->users, i);

      if (g_str_equal (user->name, name))
        return user;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "no user %s in this Dovecot", name);
  return NULL;
}

/* Rewrites the whole passwd-file through a rename, so that Dovecot's auth
 * process, which re-reads the file when it changes, never sees half of
 * it. Mode 0644: auth runs as the "dovecot" user. */
static gboolean
write_users_file (PigeonTestDovecot *self, GError **error)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->users->len; i++)
    {
      User *user = g_ptr_array_index (self->users, i);

      g_string_append_printf (text, "%s:{PLAIN}%s:%u:%u::%s::\n", user->name,
                              user->password, (guint) self->mail_uid,
                              (guint) self->mail_gid, user->home);
    }

  return g_file_set_contents_full (self->users_path, text->str,
                                   (gssize) text->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* A socket bound to 127.0.0.1 on a port the kernel picked, and that port. */
static GSocket *
bind_loopback_any (guint16 *port, GError **error)
{
  g_autoptr (GInetAddress) loopback =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GSocket)        socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error))
    return NULL;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return NULL;
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return g_steal_pointer (&socket);
}

/* Learns two free ports, keeping both bound until both are known so they
 * differ. Dovecot cannot listen on port 0, so another process may still
 * take one before Dovecot binds: the caller retries when Dovecot exits. */
static gboolean
pick_ports (guint16 *plain_port, guint16 *tls_port, GError **error)
{
  g_autoptr (GSocket) plain = bind_loopback_any (plain_port, error);
  g_autoptr (GSocket) tls = NULL;

  if (plain == NULL)
    return FALSE;
  tls = bind_loopback_any (tls_port, error);

  return tls != NULL;
}

/* A connect to 127.0.0.1:port succeeds; the connection is closed at once
 * (Dovecot logs it as a client that left without logging in). */
static gboolean
port_accepts (guint16 port)
{
  g_autoptr (GInetAddress) loopback =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address =
      g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocket) socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, NULL);
  if (socket == NULL)
    return FALSE;
  g_socket_set_timeout (socket, 1);

  return g_socket_connect (socket, address, NULL, NULL);
}

/* Dovecot's binaries live in /usr/sbin, which a non-root PATH may lack. */
static char *
find_program (const char *name, GError **error)
{
  static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin" };
  char                    *path = g_find_program_in_path (name);

  for (guint i = 0; path == NULL && i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *candidate = g_build_filename (dirs[i], name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        path = g_steal_pointer (&candidate);
    }

  if (path == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "%s not found: install dovecot-core and dovecot-pop3d", name);
  return path;
}

/* The last @n_lines lines of the file at @path, or "" when it is absent. */
static char *
tail_of_file (const char *path, guint n_lines)
{
  g_autofree char *contents = NULL;
  gsize            len = 0;
  gsize            start;
  guint            newlines = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len == 0)
    return g_strdup ("");

  /* Walk back over n_lines line ends, not counting a final one. */
  start = len;
  if (contents[start - 1] == '\n')
    start--;
  while (start > 0)
    {
      if (contents[start - 1] == '\n' && ++newlines == n_lines)
        break;
      start--;
    }

  return g_strdup (contents + start);
}

static char *
build_config (PigeonTestDovecot *self)
{
  g_autoptr (GString) conf = g_string_new (NULL);

  g_string_append_printf (
      conf,
      "# Written by tests/dovecot/pigeon-test-dovecot.c for one test run.\n"
      "base_dir = %s\n"
      "state_dir = %s/state\n"
      "instance_name = %s\n"
      "log_path = %s\n"
      "info_log_path = %s\n"
      "debug_log_path = %s\n"
      "listen = 127.0.0.1\n"
      "protocols = pop3\n"
      "ssl = yes\n"
      "ssl_cert = <%s\n"
      "ssl_key = <%s\n"
      "# Loopback counts as secure anyway (TOOLING.md section 8); say it "
      "outright.\n"
      "disable_plaintext_auth = no\n"
      "auth_mechanisms = plain login cram-md5 apop\n"
      "auth_verbose = yes\n"
      "# Refusals come at once (the auth process still batches them\n"
      "# every 0.5 s), and no growing penalty for 127.0.0.1 after one.\n"
      "auth_failure_delay = 0\n"
      "# No stats: a process started just as the server stops would\n"
      "# wait 5 s for the stats service, which is gone by then.\n"
      "stats_writer_socket_path =\n"
      "first_valid_uid = %u\n"
      "last_valid_uid = %u\n"
      "mail_location = maildir:~/Maildir\n"
      "pop3_uidl_format = %%08Xu%%08Xv\n"
      "passdb {\n"
      "  driver = passwd-file\n"
      "  args = scheme=PLAIN username_format=%%n %s\n"
      "}\n"
      "userdb {\n"
      "  driver = passwd-file\n"
      "  args = username_format=%%n %s\n"
      "}\n"
      "service pop3-login {\n"
      "  inet_listener pop3 {\n"
      "    address = 127.0.0.1\n"
      "    port = %u\n"
      "  }\n"
      "  inet_listener pop3s {\n"
      "    address = 127.0.0.1\n"
      "    port = %u\n"
      "    ssl = yes\n"
      "  }\n"
      "}\n"
      "service anvil {\n"
      "  unix_listener anvil-auth-penalty {\n"
      "    mode = 0\n"
      "  }\n"
      "}\n",
      self->base_dir, self->dir, self->instance_name, self->log_path,
      self->log_path, self->log_path, self->cert->cert_path,
      self->cert->key_path, (guint) self->mail_uid, (guint) self->mail_uid,
      self->users_path, self->users_path, (guint) self->plain_port,
      (guint) self->tls_port);

  /* Without root, every Dovecot process runs as us and cannot chroot. */
  if (geteuid () != 0)
    {
      static const char *const chrooted[] = { "anvil", "ipc", "old-stats",
                                              "aggregator" };
      const char              *user_name = g_get_user_name ();
      struct group            *group = getgrgid (getegid ());

      g_string_append_printf (conf,
                              "default_login_user = %s\n"
                              "default_internal_user = %s\n"
                              "default_internal_group = %s\n"
                              "service pop3-login {\n"
                              "  chroot =\n"
                              "}\n",
                              user_name, user_name,
                              group != NULL ? group->gr_name : user_name);
      for (guint i = 0; i < G_N_ELEMENTS (chrooted); i++)
        g_string_append_printf (conf, "service %s {\n  chroot =\n}\n",
                                chrooted[i]);
    }

  return g_string_free (g_steal_pointer (&conf), FALSE);
}

/* doveconf parses the file the way the server will and names the line of
 * any mistake, which the server's log would say less plainly. */
static gboolean
check_config (PigeonTestDovecot *self, GError **error)
{
  g_autofree char        *doveconf = find_program ("doveconf", error);
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char        *err_text = NULL;

  if (doveconf == NULL)
    return FALSE;

  process = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
      doveconf, "-c", self->conf_path, "-n", NULL);
  if (process == NULL || !g_subprocess_communicate_utf8 (
                             process, NULL, NULL, NULL, &err_text, error))
    return FALSE;

  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "doveconf -c %s -n rejected the config: %s", self->conf_path,
                   err_text);
      return FALSE;
    }
  if (err_text != NULL && err_text[0] != '\0')
    g_debug ("doveconf -c %s -n: %s", self->conf_path, err_text);

  return TRUE;
}

/* Runs in the child between fork and exec, so only async-signal-safe
 * calls: the server gets SIGTERM when the test (the forking thread) dies,
 * however it dies, and master Dovecot then stops its own children. The
 * parent may have died before prctl took effect: then exit at once. */
static void
server_child_setup (gpointer user_data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () != parent)
    _exit (127);
}

/* GSubprocess reaps the child on GLib's worker thread, so the identifier
 * turns NULL by itself once the server has exited. */
static gboolean
server_running (GSubprocess *server)
{
  return g_subprocess_get_identifier (server) != NULL;
}

/* True while a process of this instance runs @service (or, for %NULL,
 * any service): Dovecot titles its children "dovecot-<instance>/<service>".
 * Only looked at, never signalled. */
static gboolean
instance_has_processes (const char *instance_name, const char *service)
{
  g_autofree char *prefix = g_strdup_printf ("dovecot-%s/", instance_name);
  g_autofree char *title = g_strconcat (prefix, service, NULL);
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char      *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, NULL, NULL))
        continue;
      /* The title is argv[0], NUL-terminated. */
      if (service != NULL ? g_str_equal (cmdline, title)
                          : g_str_has_prefix (cmdline, prefix))
        return TRUE;
    }

  return FALSE;
}

/* Waits, bounded, until no process of this instance runs @service. */
static gboolean
wait_for_no_processes (const char *instance_name,
                       const char *service,
                       gint64      timeout_usec)
{
  gint64 deadline = g_get_monotonic_time () + timeout_usec;

  while (instance_has_processes (instance_name, service))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (POLL_USEC);
    }

  return TRUE;
}

/* SIGTERM to our child's pid, a bounded wait, then SIGKILL. Never by
 * name: other tests run Dovecots of their own at the same time.
 *
 * Dovecot 2.3's master, told to stop within about 0.1 s of writing
 * master.pid, waits 5 s for its start-up processes to report, so a
 * server that was ready only just now is given STOP_SETTLE_USEC first.
 * A normal stop takes about 1.1 s (the master sleeps 1 s after telling
 * its last children to close their listeners). After a SIGKILL the
 * children notice the master's death and exit by themselves; we wait,
 * bounded, until none of this instance's is left. */
static void
stop_server (PigeonTestDovecot *self)
{
  GSubprocess *server = self->server;
  gint64       deadline;

  if (self->ready_time != 0)
    {
      gint64 settled = self->ready_time + STOP_SETTLE_USEC;
      gint64 now = g_get_monotonic_time ();

      if (now < settled)
        g_usleep ((gulong) (settled - now));
    }

  if (server_running (server))
    g_subprocess_send_signal (server, SIGTERM);
  deadline = g_get_monotonic_time () + STOP_TIMEOUT_USEC;
  while (server_running (server) && g_get_monotonic_time () < deadline)
    g_usleep (POLL_USEC);
  if (!server_running (server))
    {
      g_subprocess_wait (server, NULL, NULL);
      return;
    }

  g_debug ("dovecot %s still running %d s after SIGTERM; sending SIGKILL",
           g_subprocess_get_identifier (server),
           (int) (STOP_TIMEOUT_USEC / G_USEC_PER_SEC));
  g_subprocess_force_exit (server);
  g_subprocess_wait (server, NULL, NULL);

  if (!wait_for_no_processes (self->instance_name, NULL, ORPHAN_TIMEOUT_USEC))
    g_message ("processes of dovecot-%s outlived their master",
               self->instance_name);
}

/* True once master.pid names our child (Dovecot writes it only after all
 * its listeners are bound, so both ports are ours) and both ports take a
 * connection. */
static gboolean
server_ready (PigeonTestDovecot *self)
{
  g_autofree char *pid_path =
      g_build_filename (self->base_dir, "master.pid", NULL);
  g_autofree char *pid_text = NULL;
  const char      *child = g_subprocess_get_identifier (self->server);

  if (child == NULL || !g_file_get_contents (pid_path, &pid_text, NULL, NULL))
    return FALSE;
  g_strstrip (pid_text);

  return g_str_equal (pid_text, child) && port_accepts (self->plain_port) &&
         port_accepts (self->tls_port);
}

static char *
describe_exit (GSubprocess *server)
{
  if (g_subprocess_get_if_signaled (server))
    return g_strdup_printf ("was killed by signal %d",
                            g_subprocess_get_term_sig (server));
  return g_strdup_printf ("exited with status %d",
                          g_subprocess_get_exit_status (server));
}

/* One start on fresh ports. Returns TRUE when the server is up; else
 * FALSE with @error set and *@retry telling whether new ports may help
 * (the server exited early, most likely on a port taken meanwhile). */
static gboolean
start_once (PigeonTestDovecot *self,
            const char        *dovecot,
            gboolean          *retry,
            GError           **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char                *conf = NULL;
  gint64                          deadline;

  *retry = FALSE;

  if (!pick_ports (&self->plain_port, &self->tls_port, error))
    return FALSE;
  conf = build_config (self);
  if (!g_file_set_contents_full (self->conf_path, conf, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error) ||
      !check_config (self, error))
    return FALSE;

  /* The log tells about this attempt only: a failed one's errors are in
   * our debug output, and a test may check the log of the server it got. */
  if (g_unlink (self->log_path) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, "unlink", self->log_path);

  /* Dovecot points stdout at /dev/null itself; its stderr carries what
   * goes wrong before the log file is open. Neither may reach the TAP
   * stream on our stdout. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, server_child_setup,
                                         GINT_TO_POINTER (getpid ()), NULL);
  self->server = g_subprocess_launcher_spawn (launcher, error, dovecot, "-F",
                                              "-c", self->conf_path, NULL);
  if (self->server == NULL)
    return FALSE;

  deadline = g_get_monotonic_time () + START_TIMEOUT_USEC;
  for (;;)
    {
      if (!server_running (self->server))
        {
          g_autofree char *how = NULL;

          g_subprocess_wait (self->server, NULL, NULL);
          how = describe_exit (self->server);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "dovecot on ports %u and %u %s", self->plain_port,
                       self->tls_port, how);
          g_clear_object (&self->server);
          *retry = TRUE;
          return FALSE;
        }
      if (server_ready (self))
        {
          self->ready_time = g_get_monotonic_time ();
          return TRUE;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "dovecot on ports %u and %u was not ready within %d s",
                       self->plain_port, self->tls_port,
                       (int) (START_TIMEOUT_USEC / G_USEC_PER_SEC));
          stop_server (self);
          g_clear_object (&self->server);
          return FALSE;
        }
      g_usleep (POLL_USEC);
    }
}

/* Starts the server, retrying on fresh ports; a final failure carries the
 * tail of Dovecot's log and stderr. */
static gboolean
start_server (PigeonTestDovecot *self, GError **error)
{
  g_autofree char   *dovecot = find_program ("dovecot", error);
  g_autoptr (GError) local_error = NULL;
  g_autofree char   *log_tail = NULL;
  g_autofree char   *stderr_tail = NULL;
  gboolean           retry = TRUE;

  if (dovecot == NULL)
    return FALSE;

  for (guint attempt = 0; attempt < START_ATTEMPTS && retry; attempt++)
    {
      g_clear_error (&local_error);
      if (start_once (self, dovecot, &retry, &local_error))
        return TRUE;
      g_debug ("dovecot start, attempt %u: %s", attempt + 1,
               local_error->message);
    }

  log_tail = tail_of_file (self->log_path, LOG_TAIL_LINES);
  stderr_tail = tail_of_file (self->stderr_path, LOG_TAIL_LINES);
  g_set_error (error, local_error->domain, local_error->code,
               "%s\n--- %s (tail) ---\n%s--- dovecot stderr (tail) ---\n%s",
               local_error->message, self->log_path, log_tail, stderr_tail);
  return FALSE;
}

static gboolean
read_all (const char *path, GBytes **bytes, GError **error)
{
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  *bytes = g_bytes_new_take (contents, len);
  return TRUE;
}

/* Delivers one message the Maildir way: written into tmp/, handed to the
 * mail user, then renamed into new/, so a running Dovecot never sees a
 * partial file. The name carries S= (bytes on disk) and W= (bytes with
 * CRLF line ends), which Dovecot trusts for LIST and STAT and checks
 * against the file when it reads it. Every message of an instance has
 * the same time and a rising M<n> (zero-padded, so names sort the way
 * Dovecot orders new mail: time, then the number after M), so message
 * numbers follow the order of seeding. */
static gboolean
deliver (PigeonTestDovecot *self,
         User              *user,
         const char        *data,
         gsize              len,
         GError           **error)
{
  g_autofree char *name = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *new_path = NULL;

  self->seed_counter++;
  name =
      g_strdup_printf ("%" G_GINT64_FORMAT ".M%06uP%d.pigeon,S=%" G_GSIZE_FORMAT
                       ",W=%" G_GSIZE_FORMAT,
                       self->seed_time, self->seed_counter, (int) getpid (),
                       len, pigeon_test_dovecot_crlf_size (data, len));
  tmp_path = g_build_filename (user->maildir, "tmp", name, NULL);
  new_path = g_build_filename (user->maildir, "new", name, NULL);

  if (!g_file_set_contents_full (tmp_path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_NONE, 0600, error) ||
      !give_to_mail_user (self, tmp_path, error))
    return FALSE;
  if (g_rename (tmp_path, new_path) != 0)
    return set_errno_error (error, errno, "rename", tmp_path);

  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * pigeon_test_dovecot_new:
 * @error: where a failure to start is told
 *
 * Makes a temp dir under /tmp with a fresh self-signed certificate, a
 * private config, a passwd-file with the default user (see
 * pigeon_test_dovecot_get_user()) and an empty Maildir for that user, and
 * starts `dovecot -F` on two free ports of 127.0.0.1: a plain one that
 * offers STLS and an implicit-TLS one. Returns once master.pid is written
 * and both ports take connections, within about ten seconds.
 *
 * Returns: (transfer full): the running server, or %NULL with @error set
 *   (%G_IO_ERROR_NOT_FOUND when Dovecot is not installed,
 *   %G_IO_ERROR_FAILED or %G_IO_ERROR_TIMED_OUT with the tail of
 *   Dovecot's log when it would not start).
 */
PigeonTestDovecot *
pigeon_test_dovecot_new (GError **error)
{
  g_autoptr (PigeonTestDovecot) self = g_new0 (PigeonTestDovecot, 1);
  g_autofree char *template = NULL;
  g_autofree char *home = NULL;
  g_autofree char *state = NULL;

  if (geteuid () == 0)
    {
      /* Dovecot refuses uid 0 for mail. */
      struct passwd *nobody = getpwnam ("nobody");

      self->mail_uid = nobody != NULL ? nobody->pw_uid : 65534;
      self->mail_gid = nobody != NULL ? nobody->pw_gid : 65534;
    }
  else
    {
      self->mail_uid = geteuid ();
      self->mail_gid = getegid ();
    }
  self->seed_time = g_get_real_time () / G_USEC_PER_SEC;
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) user_free);

  /* Under /tmp whatever TMPDIR says: every directory above the Maildirs
   * must be traversable by "nobody" and "dovecot", which /root is not. */
  template = g_strdup ("/tmp/pigeon-dovecot-XXXXXX");
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      set_errno_error (error, errno, "mkdtemp", template);
      return NULL;
    }
  self->dir = g_steal_pointer (&template);
  if (g_chmod (self->dir, 0755) != 0)
    {
      set_errno_error (error, errno, "chmod", self->dir);
      return NULL;
    }

  /* The dir's random part makes the name unique across processes; it
   * names the processes too (dovecot-<instance>/pop3-login). */
  self->instance_name = g_path_get_basename (self->dir);
  self->conf_path = g_build_filename (self->dir, "dovecot.conf", NULL);
  self->users_path = g_build_filename (self->dir, "users", NULL);
  self->log_path = g_build_filename (self->dir, "dovecot.log", NULL);
  self->stderr_path = g_build_filename (self->dir, "dovecot.stderr", NULL);
  self->base_dir = g_build_filename (self->dir, "run", NULL);
  home = g_build_filename (self->dir, "home", NULL);
  state = g_build_filename (self->dir, "state", NULL);
  if (!make_dir (self->base_dir, 0755, error) ||
      !make_dir (state, 0755, error) || !make_dir (home, 0755, error))
    return NULL;

  self->cert = pigeon_test_cert_new ("localhost", error);
  if (self->cert == NULL)
    return NULL;

  if (!pigeon_test_dovecot_add_user (self, DEFAULT_USER, DEFAULT_PASSWORD,
                                     error) ||
      !start_server (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * pigeon_test_dovecot_free:
 * @self: (nullable): a server
 *
 * Stops the server (SIGTERM to its pid, a bounded wait, then SIGKILL) and
 * removes its temp dir with the certificate, config, logs and mail.
 */
void
pigeon_test_dovecot_free (PigeonTestDovecot *self)
{
  if (self == NULL)
    return;

  if (self->server != NULL)
    stop_server (self);
  g_clear_object (&self->server);

  if (self->dir != NULL)
    remove_tree (self->dir);
  g_clear_pointer (&self->cert, pigeon_test_cert_free);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_free (self->dir);
  g_free (self->conf_path);
  g_free (self->users_path);
  g_free (self->log_path);
  g_free (self->stderr_path);
  g_free (self->base_dir);
  g_free (self->instance_name);
  g_free (self);
}

/**
 * pigeon_test_dovecot_get_plain_port:
 * @self: a server
 *
 * Returns: the port on 127.0.0.1 that speaks plain POP3 and offers STLS.
 */
guint16
pigeon_test_dovecot_get_plain_port (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->plain_port;
}

/**
 * pigeon_test_dovecot_get_tls_port:
 * @self: a server
 *
 * Returns: the port on 127.0.0.1 that starts with a TLS handshake.
 */
guint16
pigeon_test_dovecot_get_tls_port (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->tls_port;
}

/**
 * pigeon_test_dovecot_get_cert:
 * @self: a server
 *
 * Returns: (transfer none): the certificate both ports present, made for
 *   this server: its PEM, file path and SHA-256 pin.
 */
PigeonTestCert *
pigeon_test_dovecot_get_cert (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->cert;
}

/**
 * pigeon_test_dovecot_get_user:
 * @self: a server
 *
 * Returns: (transfer none): the default user's name, "alice". Functions
 *   that take a user take %NULL for this one.
 */
const char *
pigeon_test_dovecot_get_user (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return ((User *) g_ptr_array_index (self->users, 0))->name;
}

/**
 * pigeon_test_dovecot_get_password:
 * @self: a server
 *
 * Returns: (transfer none): the default user's password.
 */
const char *
pigeon_test_dovecot_get_password (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return ((User *) g_ptr_array_index (self->users, 0))->password;
}

/**
 * pigeon_test_dovecot_get_dir:
 * @self: a server
 *
 * Returns: (transfer none): the server's temp dir, removed by _free.
 */
const char *
pigeon_test_dovecot_get_dir (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->dir;
}

/**
 * pigeon_test_dovecot_get_log_path:
 * @self: a server
 *
 * Returns: (transfer none): Dovecot's log file (errors, info and debug).
 */
const char *
pigeon_test_dovecot_get_log_path (PigeonTestDovecot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->log_path;
}

/**
 * pigeon_test_dovecot_dup_log_tail:
 * @self: a server
 * @n_lines: how many lines at most
 *
 * For a failing test's message.
 *
 * Returns: (transfer full): the last @n_lines lines of Dovecot's log.
 */
char *
pigeon_test_dovecot_dup_log_tail (PigeonTestDovecot *self, guint n_lines)
{
  g_return_val_if_fail (self != NULL, NULL);

  return tail_of_file (self->log_path, n_lines);
}

/**
 * pigeon_test_dovecot_add_user:
 * @self: a server
 * @user: a new user name: letters, digits, '.', '_' or '-'
 * @password: its password, no ':' and no line end
 * @error: where a file system failure is told
 *
 * Adds a user with an empty Maildir. This works while the server runs:
 * Dovecot re-reads the passwd-file, though only once per second, so then
 * this waits (up to a second) until the next login sees the user.
 *
 * Returns: %TRUE, or %FALSE with @error set (%G_IO_ERROR_EXISTS for a
 *   name already taken; else a file error).
 */
gboolean
pigeon_test_dovecot_add_user (PigeonTestDovecot *self,
                              const char        *user,
                              const char        *password,
                              GError           **error)
{
  User *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (user != NULL && user[0] != '\0', FALSE);
  g_return_val_if_fail (strspn (user, "abcdefghijklmnopqrstuvwxyz"
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789._-") == strlen (user),
                        FALSE);
  g_return_val_if_fail (password != NULL && strpbrk (password, ":\r\n") == NULL,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_user (self, user, NULL) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "user %s already exists", user);
      return FALSE;
    }

  entry = g_new0 (User, 1);
  entry->name = g_strdup (user);
  entry->password = g_strdup (password);
  entry->home = g_build_filename (self->dir, "home", user, NULL);
  entry->maildir = g_build_filename (entry->home, "Maildir", NULL);
  g_ptr_array_add (self->users, entry);

  if (!make_dir (entry->home, 0700, error) ||
      !give_to_mail_user (self, entry->home, error) ||
      !make_maildir (self, entry->maildir, error))
    {
      g_ptr_array_remove (self->users, entry);
      return FALSE;
    }
  if (!write_users_file (self, error))
    {
      g_ptr_array_remove (self->users, entry);
      return FALSE;
    }

  /* Dovecot's auth process looks at the passwd-file (mtime and size) at
   * most once per second of its clock, so a login in the same second as
   * an earlier one would not know the new user yet. Users are only ever
   * added, so the size always changes: the next second is enough. */
  if (self->server != NULL)
    g_usleep ((gulong) (G_USEC_PER_SEC - g_get_real_time () % G_USEC_PER_SEC +
                        10 * 1000));

  return TRUE;
}

/**
 * pigeon_test_dovecot_get_maildir:
 * @self: a server
 * @user: (nullable): a user, %NULL for the default one
 *
 * Returns: (transfer none) (nullable): the user's Maildir (cur, new, tmp
 *   and Dovecot's index files), or %NULL for an unknown user.
 */
const char *
pigeon_test_dovecot_get_maildir (PigeonTestDovecot *self, const char *user)
{
  User *entry;

  g_return_val_if_fail (self != NULL, NULL);

  entry = find_user (self, user, NULL);
  return entry != NULL ? entry->maildir : NULL;
}

/**
 * pigeon_test_dovecot_seed_dir:
 * @self: a server
 * @user: (nullable): a user, %NULL for the default one
 * @dir: a directory of `*.eml` files, such as tests/data/mail
 * @error: where a failure is told
 *
 * Delivers every `*.eml` file of @dir (other names are skipped) in the
 * byte order of their names, so the first name is the next message
 * number. The bytes are kept as they are; Dovecot serves them with LF
 * turned into CRLF.
 *
 * Returns: %TRUE, or %FALSE with @error set (%G_IO_ERROR_NOT_FOUND for an
 *   unknown user; a #GFileError for a missing or unreadable @dir).
 */
gboolean
pigeon_test_dovecot_seed_dir (PigeonTestDovecot *self,
                              const char        *user,
                              const char        *dir,
                              GError           **error)
{
  g_autoptr (GDir)      handle = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) messages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *name;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_user (self, user, error) == NULL)
    return FALSE;

  handle = g_dir_open (dir, 0, error);
  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  /* Read them all first: a broken file then delivers nothing. */
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path =
          g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      GBytes *bytes = NULL;

      if (!read_all (path, &bytes, error))
        return FALSE;
      g_ptr_array_add (messages, bytes);
    }

  return pigeon_test_dovecot_seed_messages (self, user, messages, error);
}

/**
 * pigeon_test_dovecot_seed_messages:
 * @self: a server
 * @user: (nullable): a user, %NULL for the default one
 * @messages: (element-type GBytes): whole messages, in order
 * @error: where a failure is told
 *
 * Delivers @messages in order: the first becomes the next message number.
 *
 * Returns: %TRUE, or %FALSE with @error set (%G_IO_ERROR_NOT_FOUND for an
 *   unknown user; else a file error).
 */
gboolean
pigeon_test_dovecot_seed_messages (PigeonTestDovecot *self,
                                   const char        *user,
                                   GPtrArray         *messages,
                                   GError           **error)
{
  User *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entry = find_user (self, user, error);
  if (entry == NULL)
    return FALSE;

  for (guint i = 0; i < messages->len; i++)
    {
      gsize       len = 0;
      const char *data =
          g_bytes_get_data (g_ptr_array_index (messages, i), &len);

      if (!deliver (self, entry, data, len, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * pigeon_test_dovecot_seed_message:
 * @self: a server
 * @user: (nullable): a user, %NULL for the default one
 * @data: (array length=len): a whole message
 * @len: its length in bytes
 * @error: where a failure is told
 *
 * Delivers one message; it becomes the next message number.
 *
 * Returns: %TRUE, or %FALSE with @error set (%G_IO_ERROR_NOT_FOUND for an
 *   unknown user; else a file error).
 */
gboolean
pigeon_test_dovecot_seed_message (PigeonTestDovecot *self,
                                  const char        *user,
                                  const char        *data,
                                  gsize              len,
                                  GError           **error)
{
  User *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entry = find_user (self, user, error);
  if (entry == NULL)
    return FALSE;

  return deliver (self, entry, data, len, error);
}

/**
 * pigeon_test_dovecot_reset:
 * @self: a server
 * @user: (nullable): a user, %NULL for the default one
 * @error: where a failure is told
 *
 * Empties the user's Maildir while the server runs: messages, the
 * dovecot-uidlist and every index file go, so the next session starts
 * from nothing (a new UIDVALIDITY, UIDs from 1). Call it between POP3
 * sessions, not during one. Seed again afterwards as needed.
 *
 * Returns: %TRUE, or %FALSE with @error set (%G_IO_ERROR_NOT_FOUND for an
 *   unknown user; else a file error).
 */
gboolean
pigeon_test_dovecot_reset (PigeonTestDovecot *self,
                           const char        *user,
                           GError           **error)
{
  g_autofree char *trash = NULL;
  User            *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entry = find_user (self, user, error);
  if (entry == NULL)
    return FALSE;

  /* A pop3 process goes on writing index files for a few ms after its
   * QUIT reply; let it finish, so nothing of the old mailbox lands in
   * the new one. The rename covers one that outlives the wait. */
  if (!wait_for_no_processes (self->instance_name, "pop3", RESET_WAIT_USEC))
    g_message ("dovecot-%s: a POP3 session is still open during reset",
               self->instance_name);
  trash =
      g_strdup_printf ("%s.trash-%u", entry->maildir, ++self->trash_counter);
  if (g_rename (entry->maildir, trash) != 0)
    return set_errno_error (error, errno, "rename", entry->maildir);
  remove_tree (trash);

  return make_maildir (self, entry->maildir, error);
}

/**
 * pigeon_test_dovecot_crlf_size:
 * @data: (array length=len): message bytes
 * @len: their length
 *
 * The size POP3 gives for a message stored as @data (LIST, STAT, the
 * W= of a Maildir name): each LF not after a CR counts as CRLF; a bare CR
 * counts as itself.
 *
 * Returns: the size in bytes.
 */
gsize
pigeon_test_dovecot_crlf_size (const char *data, gsize len)
{
  gsize size = len;

  for (gsize i = 0; i < len; i++)
    if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
      size++;

  return size;
}
