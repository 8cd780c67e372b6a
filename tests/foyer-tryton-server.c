/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-tryton-server.c: runs tests/tryton/start-trytond.sh for the Tryton tests. */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <errno.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "foyer-tryton-server.h"

static char *
script_path (void)
{
  const char *root = g_getenv ("FOYER_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "tryton", "start-trytond.sh", NULL);
}

static int
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
die_with_parent (gpointer user_data)
{
  /* trytond must not outlive a crashed or killed test */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

FoyerTrytonServer *
foyer_tryton_server_new (char **skip_reason)
{
  g_autoptr(FoyerTrytonServer) server = g_new0 (FoyerTrytonServer, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = script_path ();
  g_autofree char *port = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cache = NULL;
  g_auto(GStrv) lines = NULL;
  const char *build_root = g_getenv ("FOYER_BUILD_ROOT");

  server->dir = foyer_test_make_tmpdir ("tryton");
  server->port = free_port ();
  port = g_strdup_printf ("%d", server->port);
  cache = g_getenv ("FOYER_TRYTON_CACHE") != NULL ? g_strdup (g_getenv ("FOYER_TRYTON_CACHE"))
    : g_build_filename (build_root != NULL ? build_root : server->dir, "tests", "tryton-cache",
                        NULL);
  g_subprocess_launcher_setenv (launcher, "FOYER_TRYTON_CACHE", cache, TRUE);
  setup = g_subprocess_launcher_spawn (launcher, &error, "/bin/bash", script, "setup",
                                       server->dir, port, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (setup, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_subprocess_wait (setup, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (setup) && g_subprocess_get_exit_status (setup) == 77) {
    *skip_reason = g_strdup_printf ("%s", g_strstrip (err));
    return NULL;
  }
  if (!g_subprocess_get_successful (setup))
    g_error ("start-trytond.sh setup failed:\n%s%s", out, err);

  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    const char *eq = strchr (*l, '=');
    g_autofree char *key = NULL;

    if (eq == NULL)
      continue;
    key = g_strndup (*l, eq - *l);
    if (g_str_equal (key, "url"))
      server->url = g_strdup (eq + 1);
    else if (g_str_equal (key, "database"))
      server->database = g_strdup (eq + 1);
    else if (g_str_equal (key, "user"))
      server->user = g_strdup (eq + 1);
    else if (g_str_equal (key, "password-file"))
      server->password_file = g_strdup (eq + 1);
  }
  g_assert_nonnull (server->url);
  g_assert_nonnull (server->database);
  server->db_file = g_strdup_printf ("%s/db/%s.sqlite", server->dir, server->database);
  return g_steal_pointer (&server);
}

char *
foyer_tryton_server_config (FoyerTrytonServer *server,
                            const char        *password_file)
{
  return g_strdup_printf ("[sync]\nbackend=tryton\nconnect-timeout=2\ntimeout=20\n"
                          "[tryton]\nurl=%s\ndatabase=%s\nuser=%s\npassword-file=%s\n",
                          server->url, server->database, server->user,
                          password_file != NULL ? password_file : server->password_file);
}

void
foyer_tryton_server_start (FoyerTrytonServer *server)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerTrytonBackend) backend = NULL;
  g_autofree char *script = script_path ();
  g_autofree char *conf = foyer_tryton_server_config (server, NULL);
  g_autofree char *log = g_strdup_printf ("%s/trytond-%u.log", server->dir, ++server->starts);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_null (server->process);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  server->process = g_subprocess_launcher_spawn (launcher, &error, "/bin/bash", script, "run",
                                                 server->dir, NULL);
  g_assert_no_error (error);

  config = foyer_config_load_from_data (conf, "tryton-test", &error);
  g_assert_no_error (error);
  backend = foyer_tryton_backend_new (config, &error);
  g_assert_no_error (error);
  for (;;) {
    g_autoptr(GError) health_error = NULL;

    if (foyer_sync_backend_check_health (FOYER_SYNC_BACKEND (backend), NULL, &health_error))
      break;
    if (g_get_monotonic_time () > deadline) {
      g_autofree char *text = NULL;
      g_file_get_contents (log, &text, NULL, NULL);
      g_error ("trytond did not answer on %s within 20 s: %s\n%s", server->url,
               health_error->message, text != NULL ? text : "");
    }
    g_usleep (100 * 1000);
  }
}

void
foyer_tryton_server_kill (FoyerTrytonServer *server)
{
  g_autoptr(GError) error = NULL;

  if (server->process == NULL)
    return;
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&server->process);
}

void
foyer_tryton_server_expire_sessions (FoyerTrytonServer *server)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (server->db_file, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, "DELETE FROM ir_session", NULL, NULL, &message) != SQLITE_OK)
    g_error ("cannot expire Tryton's sessions: %s", message);
  sqlite3_close (db);
}

guint
foyer_tryton_server_count_requests (FoyerTrytonServer *server)
{
  g_autofree char *log = g_strdup_printf ("%s/trytond-%u.log", server->dir, server->starts);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (log, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, "\"POST /")) != NULL; p++)
    n++;
  return n;
}

void
foyer_tryton_server_free (FoyerTrytonServer *server)
{
  if (server == NULL)
    return;
  foyer_tryton_server_kill (server);
  g_free (server->dir);
  g_free (server->url);
  g_free (server->database);
  g_free (server->user);
  g_free (server->password_file);
  g_free (server->db_file);
  g_free (server);
}

/* ---- a hostile fake Tryton ---- */

struct _FoyerHostileServer {
  FoyerHostileKind kind;
  int              fd;
  char            *url;
  GThread         *thread;
  gint             stop;
  gsize            sent;    /* atomic */
};

static gboolean
write_all (int         fd,
           const char *data,
           gsize       len,
           guint64    *sent)
{
  while (len > 0) {
    gssize n = send (fd, data, len, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    data += n;
    len -= (gsize) n;
    *sent += (guint64) n;
  }
  return TRUE;
}

/* Reads the request head and as much of the body as arrives at once: the answer does not
 * depend on it. */
static void
drain_request (int fd)
{
  char buf[65536];
  g_autoptr(GString) head = g_string_new (NULL);

  while (strstr (head->str, "\r\n\r\n") == NULL) {
    gssize n = recv (fd, buf, sizeof buf, 0);

    if (n <= 0)
      return;
    g_string_append_len (head, buf, n);
  }
}

static void
answer_hostile (FoyerHostileServer *self,
                int                 fd)
{
  guint64 sent = 0;

  drain_request (fd);
  if (self->kind == FOYER_HOSTILE_HUGE) {
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Connection: close\r\n\r\n{\"id\":1,\"result\":\"";
    g_autofree char *chunk = g_strnfill (1 << 20, 'a');

    /* 1 GiB at most, which is what the review saw the old code swallow */
    if (write_all (fd, head, strlen (head), &sent))
      for (int i = 0; i < 1024 && !g_atomic_int_get (&self->stop); i++)
        if (!write_all (fd, chunk, 1 << 20, &sent))
          break;
  } else {
    gsize depth = 2 * 1024 * 1024;
    g_autofree char *body = g_strnfill (depth, '[');
    g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json"
                                             "\r\nContent-Length: %zu\r\nConnection: close"
                                             "\r\n\r\n", depth);

    if (write_all (fd, head, strlen (head), &sent))
      write_all (fd, body, depth, &sent);
  }
  g_atomic_pointer_add (&self->sent, sent);
}

static gpointer
hostile_main (gpointer data)
{
  FoyerHostileServer *self = data;

  while (!g_atomic_int_get (&self->stop)) {
    int fd = accept (self->fd, NULL, NULL);

    if (fd < 0)
      continue;
    if (!g_atomic_int_get (&self->stop))
      answer_hostile (self, fd);
    close (fd);
  }
  return NULL;
}

FoyerHostileServer *
foyer_hostile_server_start (FoyerHostileKind kind)
{
  FoyerHostileServer *self = g_new0 (FoyerHostileServer, 1);
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;

  self->kind = kind;
  self->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (self->fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (self->fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (self->fd, 8), ==, 0);
  g_assert_cmpint (getsockname (self->fd, (struct sockaddr *) &addr, &len), ==, 0);
  self->url = g_strdup_printf ("http://127.0.0.1:%u/", ntohs (addr.sin_port));
  self->thread = g_thread_new ("hostile-tryton", hostile_main, self);
  return self;
}

const char *
foyer_hostile_server_url (FoyerHostileServer *self)
{
  return self->url;
}

guint64
foyer_hostile_server_sent (FoyerHostileServer *self)
{
  return (guint64) g_atomic_pointer_get (&self->sent);
}

void
foyer_hostile_server_stop (FoyerHostileServer *self)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int wake;

  if (self == NULL)
    return;
  g_atomic_int_set (&self->stop, 1);
  /* accept() does not return on close(): connect once to wake it */
  getsockname (self->fd, (struct sockaddr *) &addr, &len);
  wake = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  connect (wake, (struct sockaddr *) &addr, sizeof addr);
  close (wake);
  g_thread_join (self->thread);
  close (self->fd);
  g_free (self->url);
  g_free (self);
}
