/* foyer-tryton-server.c: runs tests/tryton/start-trytond.sh for the Tryton tests. */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/prctl.h>

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
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

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
  g_autoptr (FoyerTrytonServer) server = g_new0 (FoyerTrytonServer, 1);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) setup = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *script = script_path ();
  g_autofree char *port = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cache = NULL;
  g_auto (GStrv) lines = NULL;
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
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autoptr (FoyerConfig) config = NULL;
  g_autoptr (FoyerTrytonBackend) backend = NULL;
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
    g_autoptr (GError) health_error = NULL;

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
  g_autoptr (GError) error = NULL;

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
