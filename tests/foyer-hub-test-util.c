/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-test-util.c: real hubs, kiosks and PostgreSQL for tests/test-hub*.c. */
#include "config.h"

#include <pwd.h>
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"
#include "foyer-core.h"
#include "foyer-enroll-code.h"

/* ---- CPU ---- */

/* CPU seconds the hub process has used (user + system): on a shared machine the wall time of a
 * loopback request is mostly waiting for a core. */
double
foyer_test_hub_cpu_s (FoyerTestHub *hub)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat",
                                           g_subprocess_get_identifier (hub->process));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  /* fields after "(comm) ": state is 0, utime 11, stime 12 */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
}

/* ---- PostgreSQL ---- */

static gboolean
run_as (FoyerTestPg *pg, const char * const *argv, GError **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) process = NULL;

  if (pg->user != NULL) {
    g_ptr_array_add (args, (char *) "runuser");
    g_ptr_array_add (args, (char *) "-u");
    g_ptr_array_add (args, pg->user);
    g_ptr_array_add (args, (char *) "--");
  }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);
  g_subprocess_launcher_set_cwd (launcher, pg->dir);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
  return process != NULL && g_subprocess_wait_check (process, NULL, error);
}

FoyerTestPg *
foyer_test_pg_start (void)
{
  const char *bindir = g_getenv ("FOYER_PG_BINDIR") ? g_getenv ("FOYER_PG_BINDIR")
                                                    : "/usr/lib/postgresql/15/bin";
  g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
  g_autofree char *pg_ctl = g_build_filename (bindir, "pg_ctl", NULL);
  g_autofree char *data = NULL, *log = NULL, *options = NULL;
  g_autoptr(GError) error = NULL;
  FoyerTestPg *pg;

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;
  pg = g_new0 (FoyerTestPg, 1);
  pg->bindir = g_strdup (bindir);
  /* Not below the test's tmp dir: the server's user must be able to reach it. */
  pg->dir = g_dir_make_tmp ("foyer-pg-XXXXXX", &error);
  g_assert_no_error (error);
  pg->socket_dir = g_strdup (pg->dir);
  if (getuid () == 0) {
    /* PostgreSQL refuses to run as root: the cluster belongs to nobody. */
    struct passwd *nobody = getpwnam ("nobody");
    g_assert_nonnull (nobody);
    g_assert_cmpint (chown (pg->dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
    pg->user = g_strdup ("nobody");
  }
  g_chmod (pg->dir, 0755);
  data = g_build_filename (pg->dir, "data", NULL);
  log = g_build_filename (pg->dir, "server.log", NULL);
  {
    const char *argv[] = { initdb, "-D", data, "-A", "trust", "-U", "foyer", "-E", "UTF8",
                           "--no-sync", "--no-instructions", NULL };
    run_as (pg, argv, &error);
    g_assert_no_error (error);
  }
  options = g_strdup_printf ("-k %s -c listen_addresses='' -c fsync=off -c max_connections=300"
                             " -c shared_buffers=64MB", pg->socket_dir);
  {
    const char *argv[] = { pg_ctl, "-D", data, "-l", log, "-w", "-o", options, "start", NULL };
    run_as (pg, argv, &error);
    g_assert_no_error (error);
  }
  return pg;
}

static FoyerTestPg *shared_pg;
static gboolean shared_pg_tried;

char *
foyer_test_pg_shared_database (void)
{
  if (!shared_pg_tried) {
    shared_pg_tried = TRUE;
    shared_pg = foyer_test_pg_start ();
  }
  if (shared_pg == NULL) {
    g_test_skip ("postgresql-15 is not installed (/usr/lib/postgresql/15/bin/initdb)");
    return NULL;
  }
  return foyer_test_pg_new_database (shared_pg);
}

void
foyer_test_pg_shared_stop (void)
{
  g_clear_pointer (&shared_pg, foyer_test_pg_stop);
}

void
foyer_test_pg_stop (FoyerTestPg *pg)
{
  g_autofree char *pg_ctl = NULL, *data = NULL;

  if (pg == NULL)
    return;
  pg_ctl = g_build_filename (pg->bindir, "pg_ctl", NULL);
  data = g_build_filename (pg->dir, "data", NULL);
  {
    const char *argv[] = { pg_ctl, "-D", data, "-m", "immediate", "-w", "stop", NULL };
    run_as (pg, argv, NULL);
  }
  if (g_getenv ("FOYER_KEEP_TMP") == NULL) {
    const char *argv[] = { "rm", "-rf", pg->dir, NULL };
    g_autoptr(GSubprocess) rm = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, NULL);
    if (rm != NULL)
      g_subprocess_wait (rm, NULL, NULL);
  }
  g_free (pg->dir);
  g_free (pg->bindir);
  g_free (pg->user);
  g_free (pg->socket_dir);
  g_free (pg);
}

char *
foyer_test_pg_new_database (FoyerTestPg *pg)
{
  g_autofree char *admin = g_strdup_printf ("host=%s dbname=postgres user=foyer", pg->socket_dir);
  g_autofree char *name = g_strdup_printf ("hub_%d_%u", (int) getpid (), ++pg->next_db);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  PGconn *conn = PQconnectdb (admin);
  PGresult *res;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, create);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (conn);
  return g_strdup_printf ("host=%s dbname=%s user=foyer", pg->socket_dir, name);
}

/* ---- hubs ---- */

/* Hubs and syncs die with the test, even when it aborts (they hold its output pipes). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static FoyerTestHub *
hub_new_in (const char *dir, const char *database, const char *extra_conf)
{
  FoyerTestHub *hub = g_new0 (FoyerTestHub, 1);
  g_autofree char *text = NULL;

  hub->dir = g_strdup (dir);
  hub->database = g_strdup (database);
  hub->port = free_port ();
  hub->url = g_strdup_printf ("http://127.0.0.1:%u", hub->port);
  text = g_strdup_printf ("[hub]\nlisten=127.0.0.1:%u\ndatabase=%s\n%s\n", hub->port, database,
                          extra_conf != NULL ? extra_conf : "");
  hub->conf = g_strdup_printf ("%s/hub-%u.conf", dir, hub->port);
  g_assert_true (g_file_set_contents (hub->conf, text, -1, NULL));
  return hub;
}

FoyerTestHub *
foyer_test_hub_new (const char *database, const char *extra_conf)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub");
  g_autofree char *db = database != NULL ? g_strdup (database)
                                         : g_build_filename (dir, "hub.db", NULL);

  return hub_new_in (dir, db, extra_conf);
}

FoyerTestHub *
foyer_test_hub_new_tls (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-tls");
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *db = g_build_filename (dir, "hub.db", NULL);
  g_autofree char *extra = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GError) error = NULL;
  FoyerTestHub *hub;

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                              "-addext", "subjectAltName=IP:127.0.0.1", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  hub = hub_new_in (dir, db, NULL);
  extra = g_strdup_printf ("[hub]\nlisten=127.0.0.1:%u\ndatabase=%s\ncertificate=%s\nkey=%s\n"
                           "public-url=https://127.0.0.1:%u\n", hub->port, db, cert, key,
                           hub->port);
  g_assert_true (g_file_set_contents (hub->conf, extra, -1, NULL));
  g_free (hub->url);
  hub->url = g_strdup_printf ("https://127.0.0.1:%u", hub->port);
  return hub;
}

FoyerTestHub *
foyer_test_hub_new_peer (FoyerTestHub *other)
{
  g_autofree char *extra = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  /* The same settings after the listen and database lines. */
  g_assert_true (g_file_get_contents (other->conf, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", 4);
  extra = g_strdup (lines[3] != NULL ? lines[3] : "");
  return hub_new_in (other->dir, other->database, extra);
}

static const char *
hub_binary (void)
{
  const char *build = g_getenv ("FOYER_BUILD_ROOT");
  static char *path;

  if (g_getenv ("FOYER_HUB") != NULL)
    return g_getenv ("FOYER_HUB");
  if (path == NULL)
    path = g_build_filename (build != NULL ? build : ".", "src", "hub", "foyer-hub", NULL);
  return path;
}

void
foyer_test_hub_start (FoyerTestHub *hub, const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_null (hub->process);
  /* Its stdout is read only when a test asks (foyer_test_hub_wait_line): a debug log nobody
   * reads would fill the pipe and stall the hub. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  for (guint i = 0; env != NULL && env[i] != NULL; i++) {
    g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);
    g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
  }
  hub->process = g_subprocess_launcher_spawn (launcher, &error, hub_binary (), "--config",
                                              hub->conf, "serve", NULL);
  g_assert_no_error (error);
  /* Kept open: what the hub logs later can be read (foyer_test_hub_wait_line). */
  hub->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub->process));
  /* (after the debug log of its start-up, when G_MESSAGES_DEBUG asks for it) */
  do {
    g_free (line);
    line = g_data_input_stream_read_line_utf8 (hub->out, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (line);
  } while (strstr (line, "serving") == NULL);
}

typedef struct {
  char     *line;
  GError   *error;
  gboolean  done;
} LineRead;

static void
line_read (GObject *source, GAsyncResult *result, gpointer data)
{
  LineRead *read = data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                          NULL, &read->error);
  read->done = TRUE;
}

static gboolean
cancel_read (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

void
foyer_test_hub_wait_line (FoyerTestHub *hub, const char *text, guint timeout_s)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint timeout = g_timeout_add_seconds (timeout_s, cancel_read, cancellable);
  gboolean found = FALSE;

  g_assert_nonnull (hub->out);
  while (!found) {
    LineRead read = { NULL, NULL, FALSE };

    g_data_input_stream_read_line_async (hub->out, G_PRIORITY_DEFAULT, cancellable, line_read,
                                         &read);
    while (!read.done)
      g_main_context_iteration (NULL, TRUE);
    if (read.error != NULL)
      g_error ("no line with “%s” from the hub in %u s: %s", text, timeout_s,
               read.error->message);
    if (read.line == NULL)
      g_error ("the hub's output ended before a line with “%s”", text);
    found = strstr (read.line, text) != NULL;
    g_free (read.line);
  }
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout);
}

void
foyer_test_hub_kill (FoyerTestHub *hub, int signum)
{
  g_assert_nonnull (hub->process);
  g_subprocess_send_signal (hub->process, signum);
}

int
foyer_test_hub_wait (FoyerTestHub *hub)
{
  int status;

  g_assert_nonnull (hub->process);
  g_subprocess_wait (hub->process, NULL, NULL);
  status = g_subprocess_get_if_signaled (hub->process)
           ? 128 + g_subprocess_get_term_sig (hub->process)
           : g_subprocess_get_exit_status (hub->process);
  g_clear_object (&hub->out);
  g_clear_object (&hub->process);
  return status;
}

void
foyer_test_hub_free (FoyerTestHub *hub)
{
  if (hub == NULL)
    return;
  if (hub->process != NULL) {
    g_subprocess_force_exit (hub->process);
    g_subprocess_wait (hub->process, NULL, NULL);
    g_clear_object (&hub->process);
  }
  g_clear_object (&hub->out);
  g_free (hub->dir);
  g_free (hub->conf);
  g_free (hub->database);
  g_free (hub->url);
  g_free (hub);
}

int
foyer_test_hub_run (FoyerTestHub *hub, char **out_stdout, char **out_stderr, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) hub_binary ());
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, hub->conf);
  va_start (args, out_stderr);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out_stdout, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process)) {
    /* A crash (a sanitizer abort in the ASan suite) must show its report, not
     * only the test's own assertion about the exit status. */
    g_printerr ("foyer-hub %s died of signal %d:\n%s\n", (const char *) argv->pdata[3],
                g_subprocess_get_term_sig (process), err != NULL ? err : "");
    status = 128 + g_subprocess_get_term_sig (process);
  } else {
    status = g_subprocess_get_exit_status (process);
  }
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return status;
}

char *
foyer_test_hub_add_device (FoyerTestHub *hub, const char *name, const char *event)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;

  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "device", "add", name, "--event", event,
                                       NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >, 0);
  g_assert_true (g_str_has_prefix (lines[n - 1], FOYER_ENROLL_CODE_PREFIX));
  return g_strdup (lines[n - 1]);
}

GHashTable *
foyer_test_hub_export_ids (FoyerTestHub *hub, const char *event, guint *n_lines)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "export", "--event", event, "--format",
                                       "jsonl", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  *n_lines = 0;
  for (guint i = 0; lines[i] != NULL; i++) {
    g_autoptr(JsonNode) node = NULL;
    const char *id;

    if (*lines[i] == '\0')
      continue;
    node = json_from_string (lines[i], NULL);
    g_assert_nonnull (node);
    id = json_object_get_string_member (json_node_get_object (node), "id");
    g_hash_table_insert (ids, g_strdup (id),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (ids, id)) + 1));
    (*n_lines)++;
  }
  return ids;
}

/* ---- kiosks ---- */

char *
foyer_test_kiosk_new (const char *code, guint batch_size)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("kiosk");
  g_autofree char *text = g_strdup_printf (
    "[storage]\ndatabase=%s/kiosk.db\n\n[sync]\nbatch-size=%u\nbackoff-min-ms=20\n"
    "backoff-max-ms=400\ntimeout=10\nconnect-timeout=2\n", dir, batch_size);
  char *conf = g_build_filename (dir, "foyer.conf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = { "--config", conf, "enroll", code, NULL };

  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  if (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err) != 0)
    g_error ("foyerctl enroll failed: %s", err);
  return conf;
}

GPtrArray *
foyer_test_kiosk_register (const char *kiosk_conf, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load (kiosk_conf, &error);
  g_autofree char *db = NULL;
  g_autoptr(FoyerStore) store = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  db = foyer_config_get_path_value (config, "storage", "database");
  store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++) {
    g_autoptr(FoyerRegistration) reg = foyer_registration_new ();

    reg->event = g_strdup (foyer_config_get_string (config, "kiosk", "event"));
    reg->kiosk_id = g_strdup (foyer_config_get_string (config, "kiosk", "id"));
    reg->full_name = g_strdup_printf ("访客 %u", i);
    reg->source = g_strdup (FOYER_SOURCE_MANUAL);
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    reg->consent_given = TRUE;
    foyer_store_add_registration (store, reg, NULL, &error);
    g_assert_no_error (error);
    g_ptr_array_add (ids, g_strdup (reg->id));
  }
  return ids;
}

GSubprocess *
foyer_test_kiosk_sync (const char *kiosk_conf, const char *max_wait_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FOYERCTL"), "--config",
                                         kiosk_conf, "sync", "--max-wait", max_wait_s, NULL);

  g_assert_no_error (error);
  return process;
}

/* ---- HTTP ---- */

GBytes *
foyer_test_gzip_bytes (const char *body, gsize len)
{
  g_autoptr(GConverter) gz = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, gz);

  g_assert_true (g_output_stream_write_all (out, body, len, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

guint
foyer_test_http (const char *method, const char *url, const char *token, const char *key,
                 const char *body, gsize len, gboolean gzip, char **answer, char **retry_after)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL) {
    g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
    soup_message_headers_replace (headers, "Authorization", auth);
  }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (body != NULL) {
    g_autoptr(GBytes) bytes = gzip ? foyer_test_gzip_bytes (body, len) : g_bytes_new (body, len);
    if (gzip)
      soup_message_headers_replace (headers, "Content-Encoding", "gzip");
    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (answer != NULL)
    *answer = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  if (retry_after != NULL)
    *retry_after = g_strdup (soup_message_headers_get_one (
      soup_message_get_response_headers (msg), "Retry-After"));
  return soup_message_get_status (msg);
}

char *
foyer_test_enroll_token (const char *code_text)
{
  g_autoptr(FoyerEnrollCode) code = foyer_enroll_code_decode (code_text, NULL);
  g_autofree char *url = NULL, *body = NULL, *answer = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (code);
  url = g_strconcat (code->url, "/v1/enroll", NULL);
  body = g_strdup_printf ("{\"secret\":\"%s\"}", code->secret);
  if (foyer_test_http ("POST", url, NULL, NULL, body, strlen (body), FALSE, &answer, NULL) != 200)
    return NULL;
  node = json_from_string (answer, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}
