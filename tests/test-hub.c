/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub.c: a real `foyer-hub serve` fed by real kiosk stores through `foyerctl enroll` and
 * `foyerctl sync`, and by raw HTTP for what kiosks never send; every case runs on SQLite and
 * on a real PostgreSQL 15 that this test starts itself. */
#include "config.h"

#include <signal.h>
#include <sys/resource.h>
#include <sqlite3.h>
#include <libpq-fe.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "foyer-core.h"
#include "foyer-enroll-code.h"
#include "foyer-hub-batch.h"
#include "foyer-hub-storage.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-util.h"

typedef struct {
  const char *backend;   /* "sqlite" | "postgresql" */
} Param;

/* A new database on the test's backend (a file in dir, or a database of the test's
 * PostgreSQL); NULL (test skipped) without PostgreSQL. */
static char *
new_database (const Param *param, const char *dir)
{
  if (!g_str_equal (param->backend, "postgresql"))
    return g_build_filename (dir, "hub.db", NULL);
  return foyer_test_pg_shared_database ();
}

/* A new hub on the test's backend; NULL (test skipped) without PostgreSQL. */
static FoyerTestHub *
new_hub (const Param *param, const char *extra_conf)
{
  g_autofree char *database = NULL;

  if (g_str_equal (param->backend, "postgresql")
      && (database = new_database (param, NULL)) == NULL)
    return NULL;
  return foyer_test_hub_new (database, extra_conf);
}

static char *
record_json (const char *id, const char *event, const char *category, const char *name)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"registration\",\"created_at\":"
                          "\"2026-11-24T10:42:00.123Z\",\"event\":\"%s\",\"kiosk_id\":\"k\","
                          "\"kind\":\"walk_in\",\"category\":\"%s\",\"full_name\":\"%s\","
                          "\"source\":\"manual\",\"consent_given\":true}",
                          id, event, category, name);
}

static char *
batch_of (const char *const *records)
{
  g_autofree char *joined = g_strjoinv (",", (char **) records);
  return g_strdup_printf ("{\"protocol\":1,\"kiosk\":\"k\",\"event\":\"ev1\",\"records\":[%s]}",
                          joined);
}

/* status of id in an answer {"results":[…]}, and its reason. */
static const char *
status_of (JsonNode *answer, const char *id, const char **reason)
{
  JsonArray *results = json_object_get_array_member (json_node_get_object (answer), "results");

  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *r = json_array_get_object_element (results, i);
    if (g_strcmp0 (json_object_get_string_member (r, "id"), id) == 0) {
      if (reason != NULL)
        *reason = json_object_get_string_member_with_default (r, "reason", NULL);
      return json_object_get_string_member (r, "status");
    }
  }
  return NULL;
}

/* Starts hub, adds device k1 of ev1 and enrolls it: its token; *code, *url (of /v1/records). */
static char *
start_with_device (FoyerTestHub *hub, const char * const *env, char **code, char **url)
{
  char *token;

  foyer_test_hub_start (hub, env);
  *code = foyer_test_hub_add_device (hub, "k1", "ev1");
  token = foyer_test_enroll_token (*code);
  g_assert_nonnull (token);
  *url = g_strconcat (hub->url, "/v1/records", NULL);
  return token;
}

/* The nice values of the running hub's threads (Linux keeps one per thread: field 19 of
 * /proc/PID/task/TID/stat), as a set of GINT_TO_POINTER (nice + 100). */
static GHashTable *
hub_thread_nices (FoyerTestHub *hub)
{
  g_autofree char *dir = g_strdup_printf ("/proc/%s/task",
                                          g_subprocess_get_identifier (hub->process));
  g_autoptr(GDir) tasks = g_dir_open (dir, 0, NULL);
  GHashTable *nices = g_hash_table_new (NULL, NULL);
  const char *tid;

  g_assert_nonnull (tasks);
  while ((tid = g_dir_read_name (tasks)) != NULL) {
    g_autofree char *path = g_build_filename (dir, tid, "stat", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *after_comm;

    if (!g_file_get_contents (path, &text, NULL, NULL))
      continue;   /* the thread has ended */
    g_assert_nonnull ((after_comm = strrchr (text, ')')));
    fields = g_strsplit (after_comm + 2, " ", -1);   /* fields[0] is field 3, the state */
    g_assert_cmpuint (g_strv_length (fields), >, 16);
    g_hash_table_add (nices, GINT_TO_POINTER (atoi (fields[16]) + 100));
  }
  return nices;
}

static void
test_enroll_and_sync (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *code = NULL, *kiosk = NULL, *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GSubprocess) sync = NULL;
  guint n = 0;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "entrance-01", "ev1");
  kiosk = foyer_test_kiosk_new (code, 200);
  ids = foyer_test_kiosk_register (kiosk, 5);
  sync = foyer_test_kiosk_sync (kiosk, "20");
  g_assert_true (g_subprocess_wait (sync, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 0);

  stored = foyer_test_hub_export_ids (hub, "ev1", &n);
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, ids->pdata[i])), ==, 1);
  /* The hub stamped the device's name on every record. */
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "export", "--event", "ev1", "--format",
                                       "jsonl", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"device\":\"entrance-01\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The code was for one use only. */
  {
    const char *argv[] = { "--config", kiosk, "enroll", code, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "already used"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* device list: enrolled, seen, its software version. */
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "device", "list", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"enrolled_at\" : \"20"));
  g_assert_nonnull (strstr (out, "\"last_seen_at\" : \"20"));
  g_assert_nonnull (strstr (out, "\"software_version\" : \"" PACKAGE_VERSION));

  /* The ingest workers that parsed the batch run nicer than the rest of the hub, by more on
   * SQLite, where the serial writer is one of the hub's own threads (foyer-hub-server.c). */
  {
    const Param *param = data;
    g_autoptr(GHashTable) nices = hub_thread_nices (hub);
    int base = getpriority (PRIO_PROCESS, 0);   /* the hub's, which it inherited */
    int workers = MIN (base + (g_str_equal (param->backend, "sqlite") ? 10 : 5), 19);

    g_assert_true (g_hash_table_contains (nices, GINT_TO_POINTER (100 + base)));
    g_assert_true (g_hash_table_contains (nices, GINT_TO_POINTER (100 + workers)));
    g_assert_cmpuint (g_hash_table_size (nices), ==, base == workers ? 1 : 2);
  }
  foyer_test_hub_free (hub);
}

static void
test_revocation (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *code = NULL, *kiosk = NULL, *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) first = NULL, second = NULL;
  g_autoptr(GHashTable) stored = NULL;
  guint n = 0;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  code = foyer_test_hub_add_device (hub, "k1", "ev1");
  kiosk = foyer_test_kiosk_new (code, 200);
  first = foyer_test_kiosk_register (kiosk, 2);
  {
    const char *argv[] = { "--config", kiosk, "sync", "--once", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "device", "revoke", "k1", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  second = foyer_test_kiosk_register (kiosk, 1);
  {
    /* The very next request is refused: the kiosk pauses and says why; nothing is lost. */
    const char *argv[] = { "--config", kiosk, "sync", "--once", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 75);
    g_assert_nonnull (strstr (err, "401"));
  }
  stored = foyer_test_hub_export_ids (hub, "ev1", &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_false (g_hash_table_contains (stored, second->pdata[0]));
  foyer_test_hub_free (hub);
}

static void
test_idempotency (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *code = NULL, *token = NULL, *url = NULL, *rec = NULL, *batch = NULL;
  g_autofree char *a1 = NULL, *a2 = NULL, *a3 = NULL, *a4 = NULL;
  g_autofree char *id = foyer_record_id_new ();
  g_autoptr(JsonNode) third = NULL;

  if (hub == NULL)
    return;
  token = start_with_device (hub, NULL, &code, &url);
  g_assert_nonnull (token);
  rec = record_json (id, "ev1", "trade_visitor", "Zhang San");
  batch = batch_of ((const char *[]) { rec, NULL });

  g_assert_cmpuint (foyer_test_http ("POST", url, token, "key-1", batch, strlen (batch), FALSE,
                                     &a1, NULL), ==, 200);
  g_assert_nonnull (strstr (a1, "\"accepted\""));
  /* The same key within 24 h: the stored answer again (accepted, not duplicate). */
  g_assert_cmpuint (foyer_test_http ("POST", url, token, "key-1", batch, strlen (batch), TRUE,
                                     &a2, NULL), ==, 200);
  g_assert_cmpstr (a1, ==, a2);
  /* A new key: the id is known, so duplicate (gzip body this time). */
  g_assert_cmpuint (foyer_test_http ("POST", url, token, "key-2", batch, strlen (batch), TRUE,
                                     &a3, NULL), ==, 200);
  third = json_from_string (a3, NULL);
  g_assert_cmpstr (status_of (third, id, NULL), ==, "duplicate");
  /* Without a key (it is optional). */
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, batch, strlen (batch), FALSE,
                                     &a4, NULL), ==, 200);
  g_assert_nonnull (strstr (a4, "\"duplicate\""));
  foyer_test_hub_free (hub);
}

/* Sends only the headers of a request and reads the answer: the hub must not wait for a body. */
static char *
headers_only (FoyerTestHub *hub, const char *token, gboolean expect_continue)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = g_strdup_printf (
    "POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
    "Content-Type: application/json\r\nContent-Length: 100000000\r\n%s\r\n", token,
    expect_continue ? "Expect: 100-continue\r\n" : "");
  char buffer[512] = { 0 };
  gssize n;

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", hub->port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                            request, strlen (request), NULL, NULL, &error));
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buffer,
                           sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  return g_strdup (buffer);
}

static void
test_too_large (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, "max-body-bytes=4096");
  g_autofree char *code = NULL, *token = NULL, *url = NULL, *big = NULL;
  g_autofree char *plain = NULL, *expect = NULL, *anonymous = NULL;

  if (hub == NULL)
    return;
  token = start_with_device (hub, NULL, &code, &url);
  big = g_strnfill (8000, ' ');
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, big, strlen (big), FALSE, NULL,
                                     NULL), ==, 413);
  /* Decided from Content-Length before the body: with and without Expect: 100-continue. */
  plain = headers_only (hub, token, FALSE);
  g_assert_true (g_str_has_prefix (plain, "HTTP/1.1 413"));
  expect = headers_only (hub, token, TRUE);
  g_assert_true (g_str_has_prefix (expect, "HTTP/1.1 413"));
  /* Authentication comes before anything else. */
  anonymous = headers_only (hub, "not-a-token", TRUE);
  g_assert_true (g_str_has_prefix (anonymous, "HTTP/1.1 401"));
  foyer_test_hub_free (hub);
}

typedef struct {
  const char *url, *token, *batch;
  guint status;
} Request;

static gpointer
post_in_thread (gpointer data)
{
  Request *r = data;

  r->status = foyer_test_http ("POST", r->url, r->token, NULL, r->batch, strlen (r->batch),
                               FALSE, NULL, NULL);
  return NULL;
}

static void
test_queue_full (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, "workers=1\nmax-queue=1");
  const char *env[] = { "FOYER_HUB_TEST_INGEST_DELAY_MS=1500", NULL };
  g_autofree char *code = NULL, *token = NULL, *url = NULL, *rec = NULL, *batch = NULL;
  g_autofree char *retry_after = NULL;
  g_autofree char *id = foyer_record_id_new ();
  Request first;
  GThread *thread;

  if (hub == NULL)
    return;
  token = start_with_device (hub, env, &code, &url);
  rec = record_json (id, "ev1", "trade_visitor", "Li Si");
  batch = batch_of ((const char *[]) { rec, NULL });
  first = (Request) { url, token, batch, 0 };
  thread = g_thread_new ("first", post_in_thread, &first);
  g_usleep (500 * 1000);
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, batch, strlen (batch), FALSE,
                                     NULL, &retry_after), ==, 429);
  g_assert_cmpstr (retry_after, ==, "1");
  g_thread_join (thread);
  g_assert_cmpuint (first.status, ==, 200);
  foyer_test_hub_free (hub);
}

static void
test_validation (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *code = NULL, *token = NULL, *url = NULL, *answer = NULL, *batch = NULL;
  g_autofree char *good_id = foyer_record_id_new (), *bad_id = foyer_record_id_new ();
  g_autofree char *utf_id = foyer_record_id_new (), *type_id = foyer_record_id_new ();
  g_autofree char *lead_id = foyer_record_id_new ();
  g_autofree char *good = NULL, *bad = NULL, *utf = NULL, *type = NULL, *lead = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *reason = NULL;

  if (hub == NULL)
    return;
  token = start_with_device (hub, NULL, &code, &url);
  good = record_json (good_id, "ev1", "trade_visitor", "Wang Wu");
  bad = record_json (bad_id, "ev1", "astronaut", "Zhao Liu");
  utf = record_json (utf_id, "ev1", "trade_visitor", "Bad \xff\xfe name");
  type = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"teleport\"}", type_id);
  lead = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"lead\",\"created_at\":"
                          "\"2026-11-24T10:42:00.123Z\",\"kiosk_id\":\"k\",\"rating\":\"lukewarm\","
                          "\"registration_id\":\"x\"}", lead_id);
  batch = batch_of ((const char *[]) { good, bad, utf, type, lead, NULL });

  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, batch, strlen (batch), FALSE,
                                     &answer, NULL), ==, 200);
  node = json_from_string (answer, NULL);
  g_assert_nonnull (node);
  g_assert_cmpstr (status_of (node, good_id, NULL), ==, "accepted");
  g_assert_cmpstr (status_of (node, bad_id, &reason), ==, "rejected");
  g_assert_nonnull (strstr (reason, "category"));
  g_assert_cmpstr (status_of (node, utf_id, &reason), ==, "rejected");
  g_assert_nonnull (strstr (reason, "UTF-8"));
  g_assert_cmpstr (status_of (node, type_id, &reason), ==, "rejected");
  g_assert_nonnull (strstr (reason, "type"));
  g_assert_cmpstr (status_of (node, lead_id, &reason), ==, "rejected");
  g_assert_nonnull (strstr (reason, "rating"));

  /* A whole batch that is not JSON, or not {"records": […]}: 400. */
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, "{\"records\": [", 13, FALSE,
                                     NULL, NULL), ==, 400);
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, "[1,2]", 5, FALSE, NULL, NULL),
                    ==, 400);
  /* A number beyond a double's range could not be written back as JSON: 400, saying why. */
  {
    static const char huge[] = "{\"records\":[{\"id\":\"x\",\"n\":1e400}]}";
    g_autofree char *why = NULL;

    g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, huge, strlen (huge), FALSE,
                                       &why, NULL), ==, 400);
    g_assert_nonnull (strstr (why, "range"));
  }
  /* Too deep. */
  {
    g_autofree char *open = g_strnfill (100, '['), *close = g_strnfill (100, ']');
    g_autofree char *deep = g_strconcat ("{\"records\":", open, close, "}", NULL);
    g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, deep, strlen (deep), FALSE,
                                       NULL, NULL), ==, 400);
  }
  /* A rejected record whose id is already stored is a duplicate, not validated again. */
  g_clear_pointer (&batch, g_free);
  g_clear_pointer (&bad, g_free);
  g_clear_pointer (&answer, g_free);
  bad = record_json (good_id, "ev1", "astronaut", "Wang Wu");
  batch = batch_of ((const char *[]) { bad, NULL });
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, batch, strlen (batch), FALSE,
                                     &answer, NULL), ==, 200);
  g_assert_nonnull (strstr (answer, "\"duplicate\""));
  foyer_test_hub_free (hub);
}

static void
test_event_isolation (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *code1 = NULL, *code2 = NULL, *token = NULL, *url = NULL, *answer = NULL;
  g_autofree char *kiosk2 = NULL, *rec = NULL, *batch = NULL;
  g_autofree char *id = foyer_record_id_new ();
  g_autoptr(GHashTable) ev1 = NULL, ev2 = NULL;
  g_autoptr(GPtrArray) ids2 = NULL;
  g_autoptr(GSubprocess) sync = NULL;
  guint n1 = 0, n2 = 0;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  code1 = foyer_test_hub_add_device (hub, "k1", "ev1");
  code2 = foyer_test_hub_add_device (hub, "k2", "ev2");
  token = foyer_test_enroll_token (code1);
  url = g_strconcat (hub->url, "/v1/records", NULL);
  /* A device of ev1 sending a record of ev2 is refused for that record. */
  rec = record_json (id, "ev2", "trade_visitor", "Sun Qi");
  batch = batch_of ((const char *[]) { rec, NULL });
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, batch, strlen (batch), FALSE,
                                     &answer, NULL), ==, 200);
  g_assert_nonnull (strstr (answer, "\"rejected\""));
  /* ev2's own kiosk. */
  kiosk2 = foyer_test_kiosk_new (code2, 200);
  ids2 = foyer_test_kiosk_register (kiosk2, 3);
  sync = foyer_test_kiosk_sync (kiosk2, "20");
  g_assert_true (g_subprocess_wait (sync, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 0);
  ev1 = foyer_test_hub_export_ids (hub, "ev1", &n1);
  ev2 = foyer_test_hub_export_ids (hub, "ev2", &n2);
  g_assert_cmpuint (n1, ==, 0);
  g_assert_cmpuint (n2, ==, 3);
  g_assert_false (g_hash_table_contains (ev2, id));
  foyer_test_hub_free (hub);
}

static void
test_sigterm_finishes_batches (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  const char *env[] = { "FOYER_HUB_TEST_INGEST_DELAY_MS=1500", NULL };
  g_autofree char *code = NULL, *token = NULL, *url = NULL, *rec = NULL, *batch = NULL;
  g_autofree char *id = foyer_record_id_new ();
  g_autoptr(GHashTable) stored = NULL;
  Request req;
  GThread *thread;
  guint n = 0;

  if (hub == NULL)
    return;
  token = start_with_device (hub, env, &code, &url);
  rec = record_json (id, "ev1", "trade_visitor", "Zhou Ba");
  batch = batch_of ((const char *[]) { rec, NULL });
  req = (Request) { url, token, batch, 0 };
  thread = g_thread_new ("in-flight", post_in_thread, &req);
  g_usleep (500 * 1000);
  foyer_test_hub_kill (hub, SIGTERM);
  g_thread_join (thread);
  g_assert_cmpuint (req.status, ==, 200);
  g_assert_cmpint (foyer_test_hub_wait (hub), ==, 0);
  stored = foyer_test_hub_export_ids (hub, "ev1", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (g_hash_table_contains (stored, id));
  foyer_test_hub_free (hub);
}

static void
test_import_signs_badges (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *code = NULL, *kiosk = NULL, *csv = NULL, *out = NULL, *err = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-import");
  g_autofree char *kiosk_dir = NULL, *verify = NULL;
  g_autoptr(FoyerBadgeCode) verifier = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint verified = 0;

  if (hub == NULL)
    return;
  code = foyer_test_hub_add_device (hub, "k1", "ev1");
  foyer_test_hub_start (hub, NULL);
  kiosk = foyer_test_kiosk_new (code, 200);
  csv = foyer_test_write_file (dir, "pre.csv", "胸卡号,姓名,公司\nA001,王芳,华为\nA002,李娜,腾讯\n");
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "import", csv, "--event", "ev1", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "2 new"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* A second import of the same file changes nothing. */
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "import", csv, "--event", "ev1", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "0 new, 0 updated, 2 unchanged"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "export", "--event", "ev1",
                                       "--preregistrations", "--format", "jsonl", NULL), ==, 0);
  /* The enrolled kiosk's verify key (from the enrollment) verifies the hub's signed codes. */
  kiosk_dir = g_path_get_dirname (kiosk);
  verify = g_build_filename (kiosk_dir, "badge-verify.pem", NULL);
  verifier = foyer_badge_code_new (NULL, verify, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  for (guint i = 0; lines[i] != NULL; i++) {
    g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);
    JsonObject *o = json_node_get_object (node);
    const char *signed_code = json_object_get_string_member (o, "signed_badge_code");

    g_assert_nonnull (signed_code);
    if (foyer_badge_code_verify (verifier, signed_code, -1, "ev1", NULL, NULL))
      verified++;
  }
  g_assert_cmpuint (verified, ==, 2);
  foyer_test_hub_free (hub);
}

/* Runs `foyer-hub --config conf ARGS…` (one or two arguments); its exit status, stdout in *out
 * and stderr in *err (both replaced). */
static int
run_with_config (FoyerTestHub *hub, const char *conf, char **out, char **err, const char *arg,
                 const char *arg2)
{
  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  g_free (hub->conf);
  hub->conf = g_strdup (conf);
  return foyer_test_hub_run (hub, out, err, arg, arg2, NULL);
}

static void
test_config (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-config");
  g_autofree char *sample = g_build_filename (g_getenv ("FOYER_SOURCE_ROOT"), "data", "hub.conf",
                                              NULL);
  g_autofree char *bad = foyer_test_write_file (dir, "bad.conf", "[hub]\nmax-body-bytes=lots\n");
  g_autofree char *typo = foyer_test_write_file (dir, "typo.conf", "[hub]\nlisten=127.0.0.1:1\n"
                                                 "lissen=x\n");
  g_autofree char *lone = foyer_test_write_file (dir, "lone.conf", "[hub]\nlisten=127.0.0.1:1\n"
                                                 "public-url=https://hub.example\\\\\\\n");
  g_autofree char *paired = foyer_test_write_file (dir, "paired.conf", "[hub]\n"
                                                   "public-url=https://hub.example\\\\x\n");
  /* a carriage return ending a file with no last newline, and an escaped line break */
  g_autofree char *cr = foyer_test_write_file (dir, "cr.conf", "[hub]\nlisten=127.0.0.1:1\n"
                                               "public-url=https://hub.example\r");
  g_autofree char *escaped = foyer_test_write_file (dir, "escaped.conf", "[tryton]\n"
                                                    "url=http://a\\nb\n");
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_with_config (hub, sample, &out, &err, "config", "--check"), ==, 0);
  g_assert_cmpint (run_with_config (hub, cr, &out, &err, "config", "--check"), ==, 1);
  g_assert_nonnull (strstr (err, "cr.conf:3"));
  g_assert_nonnull (strstr (err, "control character"));
  g_assert_cmpint (run_with_config (hub, escaped, &out, &err, "config", "--check"), ==, 1);
  g_assert_nonnull (strstr (err, "escaped.conf:2"));
  g_assert_nonnull (strstr (err, "control character"));
  g_assert_cmpint (run_with_config (hub, bad, &out, &err, "config", "--check"), ==, 1);
  g_assert_nonnull (strstr (err, "max-body-bytes"));
  g_assert_cmpint (run_with_config (hub, typo, &out, &err, "config", "--check"), ==, 1);
  g_assert_nonnull (strstr (err, "typo.conf:3"));
  /* GLib 2.74 cannot read a value ending in an unpaired backslash cleanly: refused with its line,
   * while a paired one is a backslash, printed as written */
  g_assert_cmpint (run_with_config (hub, lone, &out, &err, "config", "--check"), ==, 1);
  g_assert_nonnull (strstr (err, "lone.conf:3"));
  g_assert_nonnull (strstr (err, "lone backslash"));
  g_assert_cmpint (run_with_config (hub, paired, &out, &err, "config", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "public-url=https://hub.example\\\\x\n"));
  foyer_test_hub_free (hub);
}

static void
test_plain_http_off_loopback (void)
{
  FoyerTestHub *hub = foyer_test_hub_new (NULL, NULL);
  g_autofree char *text = g_strdup_printf ("[hub]\nlisten=0.0.0.0:%u\ndatabase=%s\n", hub->port,
                                           hub->database);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_true (g_file_set_contents (hub->conf, text, -1, NULL));
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "serve", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "allow-plain-http"));
  foyer_test_hub_free (hub);
}

static void
test_two_hubs_one_database (gconstpointer data)
{
  FoyerTestHub *a = new_hub (data, NULL);
  FoyerTestHub *b;
  g_autoptr(GPtrArray) kiosks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) syncs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) stored = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  if (a == NULL)
    return;
  b = foyer_test_hub_new_peer (a);
  foyer_test_hub_start (a, NULL);
  foyer_test_hub_start (b, NULL);
  for (guint i = 0; i < 6; i++) {
    g_autofree char *name = g_strdup_printf ("k%u", i);
    g_autofree char *code = foyer_test_hub_add_device (i % 2 ? b : a, name, "ev1");
    char *kiosk = foyer_test_kiosk_new (code, 7);
    g_autoptr(GPtrArray) ids = foyer_test_kiosk_register (kiosk, 40);

    for (guint j = 0; j < ids->len; j++)
      g_hash_table_add (all, g_strdup (ids->pdata[j]));
    g_ptr_array_add (kiosks, kiosk);
  }
  for (guint i = 0; i < kiosks->len; i++)
    g_ptr_array_add (syncs, foyer_test_kiosk_sync (kiosks->pdata[i], "30"));
  for (guint i = 0; i < syncs->len; i++) {
    g_assert_true (g_subprocess_wait (syncs->pdata[i], NULL, NULL));
    g_assert_cmpint (g_subprocess_get_exit_status (syncs->pdata[i]), ==, 0);
  }
  stored = foyer_test_hub_export_ids (b, "ev1", &n);
  g_assert_cmpuint (n, ==, 240);
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, key)), ==, 1);
  foyer_test_hub_free (a);
  foyer_test_hub_free (b);
}

/* TLS with a self-signed certificate: the code pins it, enroll checks the pin before sending
 * the secret and keeps the certificate as [sync] ca-file, and the kiosk syncs over https. */
static void
test_tls_enrollment (void)
{
  g_autofree char *code = NULL, *kiosk = NULL, *forged = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(FoyerEnrollCode) decoded = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GSubprocess) sync = NULL;
  FoyerTestHub *hub = foyer_test_hub_new_tls ();
  guint n = 0;

  foyer_test_hub_start (hub, NULL);

  /* A code whose pin is not the hub's certificate: nothing is sent. */
  code = foyer_test_hub_add_device (hub, "k-forged", "ev1");
  decoded = foyer_enroll_code_decode (code, NULL);
  g_free (decoded->pin);
  decoded->pin = g_strnfill (7 + 64, 'a');
  memcpy (decoded->pin, "sha256:", 7);
  forged = foyer_enroll_code_encode (decoded);
  {
    g_autofree char *kdir = foyer_test_make_tmpdir ("kiosk-forged");
    g_autofree char *kconf = g_build_filename (kdir, "foyer.conf", NULL);
    const char *argv[] = { "--config", kconf, "enroll", forged, NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "does not match"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_clear_pointer (&code, g_free);
  code = foyer_test_hub_add_device (hub, "k-tls", "ev1");
  g_assert_nonnull (strstr (code, "FYE1:"));
  kiosk = foyer_test_kiosk_new (code, 200);
  ids = foyer_test_kiosk_register (kiosk, 3);
  sync = foyer_test_kiosk_sync (kiosk, "20");
  g_assert_true (g_subprocess_wait (sync, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 0);
  stored = foyer_test_hub_export_ids (hub, "ev1", &n);
  g_assert_cmpuint (n, ==, 3);
  foyer_test_hub_free (hub);
}

static void
add_both (const char *name, GTestDataFunc func)
{
  static const Param sqlite = { "sqlite" }, postgresql = { "postgresql" };
  g_autofree char *s = g_strdup_printf ("/hub/sqlite/%s", name);
  g_autofree char *p = g_strdup_printf ("/hub/postgresql/%s", name);

  g_test_add_data_func (s, &sqlite, func);
  g_test_add_data_func (p, &postgresql, func);
}

/* A gzip body as given (for bodies kiosks never send). */
static guint
post_gzipped (const char *url, const char *token, GBytes *gzipped, char **answer)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (headers, "Authorization", auth);
  soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_message_set_request_body_from_bytes (msg, "application/json", gzipped);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (answer != NULL)
    *answer = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  return soup_message_get_status (msg);
}

/* body gzipped, with the trailer's ISIZE (the decompressed size the hub sizes its buffer by)
 * replaced by isize, and cut by cut bytes. */
static GBytes *
gzip_with (const char *body, guint32 isize, gsize cut)
{
  g_autoptr(GBytes) good = foyer_test_gzip_bytes (body, strlen (body));
  gsize len = g_bytes_get_size (good);
  guchar *data = g_memdup2 (g_bytes_get_data (good, NULL), len);

  data[len - 4] = isize & 0xff;
  data[len - 3] = isize >> 8 & 0xff;
  data[len - 2] = isize >> 16 & 0xff;
  data[len - 1] = isize >> 24;
  return g_bytes_new_take (data, len - cut);
}

static void
test_gzip_bodies (void)
{
  static const Param sqlite = { "sqlite" };
  FoyerTestHub *hub = new_hub (&sqlite, "max-body-bytes=4096");
  g_autofree char *code = NULL, *token = NULL, *url = NULL, *spaces = NULL;
  static const guint32 lies[] = { 0, 1, 0xffffffff };

  token = start_with_device (hub, NULL, &code, &url);
  /* The trailer's size (which the hub sizes its buffer by) is checked by zlib: a wrong one is
   * a corrupt body. */
  for (guint i = 0; i < G_N_ELEMENTS (lies) + 1; i++) {
    g_autofree char *id = foyer_record_id_new ();
    g_autofree char *rec = record_json (id, "ev1", "trade_visitor", "Wang Wu");
    g_autofree char *batch = batch_of ((const char *[]) { rec, NULL });
    gboolean right = i == G_N_ELEMENTS (lies);
    g_autoptr(GBytes) gz = gzip_with (batch, right ? strlen (batch) : lies[i], 0);
    g_autofree char *answer = NULL;

    g_assert_cmpuint (post_gzipped (url, token, gz, &answer), ==, right ? 200 : 400);
    if (right)
      g_assert_nonnull (strstr (answer, "\"accepted\""));
  }
  /* Truncated, and not gzip at all: 400. */
  {
    g_autofree char *id = foyer_record_id_new ();
    g_autofree char *rec = record_json (id, "ev1", "trade_visitor", "Wang Wu");
    g_autofree char *batch = batch_of ((const char *[]) { rec, NULL });
    g_autoptr(GBytes) cut = gzip_with (batch, strlen (batch), 12);
    g_autoptr(GBytes) plain = g_bytes_new_static (batch, strlen (batch));

    g_assert_cmpuint (post_gzipped (url, token, cut, NULL), ==, 400);
    g_assert_cmpuint (post_gzipped (url, token, plain, NULL), ==, 400);
  }
  /* Empty bodies, plain and gzipped: malformed (400), not a fault of the hub. */
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, "", 0, FALSE, NULL, NULL), ==, 400);
  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, "", 0, TRUE, NULL, NULL), ==, 400);
  /* Small compressed, too large once decompressed (the limit is 4 x max-body-bytes). */
  spaces = g_strnfill (100000, ' ');
  {
    g_autoptr(GBytes) bomb = gzip_with (spaces, strlen (spaces), 0);
    g_autofree char *answer = NULL;

    g_assert_cmpuint (g_bytes_get_size (bomb), <, 4096);
    g_assert_cmpuint (post_gzipped (url, token, bomb, &answer), ==, 413);
    g_assert_nonnull (strstr (answer, "decompressed"));
  }
  foyer_test_hub_free (hub);
}

/* ---- the live counters: counted from the parsed batch = counted from the stored bodies ---- */

static gboolean
append_counter_row (const char *const *columns, guint n_columns, gpointer user_data)
{
  g_string_append_printf (user_data, "%s|%s|%s\n", columns[0], columns[1], columns[2]);
  return TRUE;
}

static char *
counters_of (FoyerHubStorage *storage)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *params[] = { "expo" };

  g_assert_true (foyer_hub_storage_web_foreach (storage, FOYER_HUB_WEB_COUNTERS, params, 1,
                                                append_counter_row, out, &error));
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Ingests body into storage; from_bodies: as if the parser had not counted (the SQL count). */
static void
ingest_counted (FoyerHubStorage *storage, const char *body, gboolean from_bodies)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = foyer_hub_batch_parse (body, strlen (body), "expo", "gate-1",
                                                      &error);

  g_assert_no_error (error);
  for (guint i = 0; from_bodies && i < items->len; i++)
    ((FoyerHubItem *) g_ptr_array_index (items, i))->counted = FALSE;
  g_assert_true (foyer_hub_storage_ingest (storage, "expo", "gate-1", "2026-12-05T10:00:00.000Z",
                                           items, FALSE, NULL, NULL, NULL, NULL,
                                           &error));
  g_assert_no_error (error);
}

#define REC(id, rest) "{\"id\":\"" id "\",\"created_at\":\"2026-12-05T09:1" id ":00.000Z\"," rest "}"
#define VISITOR "\"event\":\"expo\",\"kiosk_id\":\"k\",\"category\":\"vip\",\"full_name\":\"王\""
#define LEAD "\"type\":\"lead\",\"registration_id\":\"r1\",\"kiosk_id\":\"k\",\"booth\":\"B7\""

/* The live counters the parser counted (added by ingest, as a hub does) equal those counted
 * from the stored bodies in SQL (the trigger on PostgreSQL), for the odd values too. */
static void
test_counters_from_parse (gconstpointer data)
{
  const Param *param = data;
  g_autofree char *dir = foyer_test_make_tmpdir ("counters");
  static const char batch[] = "{\"records\":["
    REC ("1", "\"type\":\"registration\",\"kind\":\"walk_in\"," VISITOR) ","
    REC ("2", "\"type\":\"registration\",\"kind\":\"walk_in\",\"area\":\"Hall A\"," VISITOR) ","
    REC ("3", "\"type\":\"check_in\",\"kind\":\"check_in\",\"badge_code\":\"FY1x\","
              "\"direction\":\"exit\",\"area\":\"Hall A\"," VISITOR) ","
    REC ("4", "\"type\":\"check_in\",\"kind\":\"check_in\",\"badge_code\":\"FY1x\","
              "\"direction\":\"entry\",\"area\":null," VISITOR) ","
    REC ("5", LEAD ",\"rating\":\"hot\",\"follow_up\":true") ","
    REC ("6", LEAD ",\"follow_up\":1") ","
    REC ("7", LEAD ",\"rating\":\"cold\",\"follow_up\":\"1\"") ","
    REC ("8", LEAD ",\"follow_up\":1.0,\"booth\":null") ","
    REC ("9", "\"type\":\"annulment\",\"annuls\":\"4\"") "]}";
  /* An "area" that is a number: json_extract's reading is left to SQL. */
  static const char odd[] = "{\"records\":["
    REC ("0", "\"type\":\"registration\",\"kind\":\"walk_in\",\"area\":5," VISITOR) "]}";
  g_autoptr(FoyerHubStorage) parsed = NULL, stored = NULL;
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GError) error = NULL;
  FoyerHubEvent event = { (char *) "expo", (char *) "expo", NULL, NULL, 0 };
  gboolean pg = g_str_equal (param->backend, "postgresql");
  g_autofree char *path_a = pg ? new_database (param, dir) : g_build_filename (dir, "a.db", NULL);
  g_autofree char *path_b = pg ? new_database (param, dir) : g_build_filename (dir, "b.db", NULL);

  if (path_a == NULL || path_b == NULL)
    return;
  parsed = foyer_hub_storage_open (path_a, 1, &error);
  g_assert_no_error (error);
  stored = foyer_hub_storage_open (path_b, 1, &error);
  g_assert_no_error (error);
  foyer_hub_storage_event_add (parsed, &event, NULL, &error);
  g_assert_no_error (error);
  foyer_hub_storage_event_add (stored, &event, NULL, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++) {   /* the second time: all duplicates */
    ingest_counted (parsed, batch, FALSE);
    ingest_counted (stored, batch, TRUE);
  }
  a = counters_of (parsed);
  b = counters_of (stored);
  g_assert_cmpstr (a, ==, b);
  g_assert_nonnull (strstr (a, "gate|gate-1\x1fHall A|1\n"));
  g_assert_nonnull (strstr (a, "flow|out|1\n"));
  g_assert_nonnull (strstr (a, "lead_follow|B7|2\n"));   /* true and 1; not "1" nor null booth */
  g_assert_nonnull (strstr (a, "lead_follow||1\n"));     /* 1.0 */
  g_assert_nonnull (strstr (a, "type|annulment|1\n"));

  ingest_counted (parsed, odd, FALSE);
  ingest_counted (stored, odd, TRUE);
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  a = counters_of (parsed);
  b = counters_of (stored);
  g_assert_cmpstr (a, ==, b);
  g_assert_nonnull (strstr (a, "gate|gate-1\x1f" "5|1\n"));
}

/* ---- the batch parser (src/hub/foyer-hub-batch.c) ---- */

/* The body the hub stored before it kept records' own bytes: the record parsed by json-glib,
 * stamped with the device, written by json_to_string. */
static char *
reference_body (const char *record, const char *device)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_assert_true (json_parser_load_from_data (parser, record, -1, NULL));
  root = json_parser_get_root (parser);
  json_object_set_string_member (json_node_get_object (root), "device", device);
  return json_to_string (root, FALSE);
}

#define REG "\"type\":\"registration\",\"created_at\":\"2026-11-24T10:42:00.123Z\"," \
            "\"event\":\"ev1\",\"kiosk_id\":\"k\",\"kind\":\"walk_in\",\"source\":\"manual\"," \
            "\"category\":\"vip\""

/* Whether a record is stored as it came or written again, its body is the same bytes. */
static void
test_batch_stored_bodies (void)
{
  static const char *const records[] = {
    "{\"id\":\"r1\"," REG ",\"full_name\":\"王小明\",\"emails\":[\"a@example.cn\"],"
      "\"consent_given\":true,\"answers\":{\"n\":[1,-2,{}]}}",
    "{ \"id\": \"r2\", " REG ",\n \"full_name\": \"Spaced\" }",
    "{\"id\":\"r3\"," REG ",\"full_name\":\"Jos\\u00e9 \\\"Q\\\" \\ud83d\\ude00\"}",
    "{\"id\":\"r4\"," REG ",\"full_name\":\"Float\",\"score\":1.50,\"n\":-0}",
    "{\"id\":\"r5\"," REG ",\"full_name\":\"Dup\",\"full_name\":\"Last wins\"}",
    "{\"id\":\"r6\"," REG ",\"full_name\":\"Stamped\",\"device\":\"forged\",\"x\":1}",
    "{\"id\":\"r7\"," REG ",\"full_name\":\"Raw\ttab\",\"big\":123456789012345678901}",
  };
  static const char device[] = "gate \"1\" \\ 东门";
  g_autoptr(GString) body = g_string_new ("{\"records\": [\n");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    g_string_append_printf (body, "%s%s", i ? " ,\n" : "", records[i]);
  g_string_append (body, "]}");
  items = foyer_hub_batch_parse (body->str, body->len, "ev1", device, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (records));
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    g_autofree char *expected = reference_body (records[i], device);

    g_assert_cmpstr (item->reason, ==, NULL);
    g_assert_cmpint (item->status, ==, FOYER_HUB_ITEM_PENDING);
    g_assert_cmpstr (item->body, ==, expected);
  }
}

/* The records' spans are found in the text's order among every value two containers deep:
 * other members' values, a "records" array that a later one replaces and elements that are not
 * records lie between them, and each record still gets its own bytes. */
static void
test_batch_spans_among_others (void)
{
  static const char *const records[] = {
    "{\"id\":\"r1\"," REG ",\"full_name\":\"One\"}",
    "{\"id\":\"r2\"," REG ",\"full_name\":\"Two\",\"answers\":{\"q\":[1,{\"a\":2}]}}",
    "{\"id\":\"r3\"," REG ",\"full_name\":\"Three\"}",
  };
  g_autofree char *body = g_strdup_printf (
    "{\"meta\":{\"a\":1,\"b\":[2,3]},"
    "\"records\":[{\"id\":\"old\"," REG ",\"full_name\":\"Replaced\"}],"
    "\"x\":[{\"id\":\"not-a-record\"}],"
    "\"records\":[%s,7,\"text\",{\"no\":\"id\"},%s,{\"y\":{}},%s],"
    "\"z\":{\"id\":\"after\"}}", records[0], records[1], records[2]);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = foyer_hub_batch_parse (body, strlen (body), "ev1", "gate-1",
                                                      &error);

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (records));
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);
    g_autofree char *expected = reference_body (records[i], "gate-1");

    g_assert_cmpint (item->status, ==, FOYER_HUB_ITEM_PENDING);
    g_assert_cmpstr (item->body, ==, expected);
  }
}

/* The answer as json-glib's builder wrote it before the hub wrote it directly. */
static char *
reference_answer (GPtrArray *items)
{
  static const char *const names[] = { NULL, "accepted", "duplicate", "rejected" };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++) {
    FoyerHubItem *item = g_ptr_array_index (items, i);

    if (item->status == FOYER_HUB_ITEM_PENDING)
      continue;
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_string_value (builder, item->id);
    json_builder_set_member_name (builder, "status");
    json_builder_add_string_value (builder, names[item->status]);
    if (item->status == FOYER_HUB_ITEM_REJECTED && item->reason != NULL) {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, item->reason);
    }
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
test_batch_answer (void)
{
  static const char body[] = "{\"records\":[{\"id\":\"a\\\"\\\\\\n\\u0001\\u007f\"},"
    "{\"id\":\"王\",\"type\":\"nope\"},{\"id\":\"ok\"},{\"id\":\"skip\"},{\"id\":\"dup\"}]}";
  static const FoyerHubItemStatus statuses[] = {
    FOYER_HUB_ITEM_REJECTED, FOYER_HUB_ITEM_REJECTED, FOYER_HUB_ITEM_ACCEPTED,
    FOYER_HUB_ITEM_PENDING, FOYER_HUB_ITEM_DUPLICATE,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = foyer_hub_batch_parse (body, strlen (body), "ev1", "d", &error);
  g_autofree char *answer = NULL, *expected = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (statuses));
  for (guint i = 0; i < items->len; i++)
    ((FoyerHubItem *) g_ptr_array_index (items, i))->status = statuses[i];
  answer = foyer_hub_batch_answer (items);
  expected = reference_answer (items);
  g_assert_cmpstr (answer, ==, expected);
  g_assert_nonnull (strstr (answer, "\\u007f"));
}

/* A body that is not a whole JSON object, or too deep, is refused as a whole. */
static void
test_batch_refused (void)
{
  g_autofree char *whole = record_json ("r1", "ev1", "vip", "王");
  g_autofree char *batch = g_strdup_printf ("{\"records\":[%s]}", whole);
  g_autoptr(GString) deep = g_string_new ("{\"records\":[{\"id\":\"d\",\"x\":");

  for (guint i = 0; i < FOYER_HUB_BATCH_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (gsize cut = 0; cut < strlen (batch); cut += 7) {
    g_autoptr(GError) error = NULL;

    g_assert_null (foyer_hub_batch_parse (batch, cut, "ev1", "gate-1", &error));
    g_assert_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (foyer_hub_batch_parse (deep->str, deep->len, "ev1", "gate-1", &error));
    g_assert_error (error, FOYER_HUB_BATCH_ERROR, FOYER_HUB_BATCH_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "deeper"));
  }
}

/* ---- group commit (src/hub/foyer-hub-group.c) ---- */

/* Holds the database's writer from outside the hub: SQLite's write lock, or the event's
 * change-sequence row on PostgreSQL (what every ingest transaction locks first). */
typedef struct {
  sqlite3 *db;
  PGconn  *pg;
} Blocker;

static void
blocker_hold (Blocker *b, const char *database, gboolean postgresql, const char *event)
{
  if (postgresql) {
    g_autofree char *lock = g_strdup_printf ("BEGIN; SELECT 1 FROM events WHERE id = '%s'"
                                             " FOR UPDATE", event);
    PGresult *res;

    b->pg = PQconnectdb (database);
    g_assert_cmpint (PQstatus (b->pg), ==, CONNECTION_OK);
    res = PQexec (b->pg, lock);
    g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
    PQclear (res);
    return;
  }
  g_assert_cmpint (sqlite3_open (database, &b->db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
blocker_release (Blocker *b)
{
  if (b->pg != NULL) {
    PQclear (PQexec (b->pg, "ROLLBACK"));
    PQfinish (b->pg);
  } else {
    g_assert_cmpint (sqlite3_exec (b->db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (b->db);
  }
}

typedef struct {
  FoyerHubStorage *storage;
  const char      *device;
  const char      *key;
  GPtrArray       *items;
  gboolean         ok;
  GError          *error;
  gint            *returned;   /* atomic: batches whose ingest returned */
  char            *replayed;
} GroupBatch;

/* The answer stored for the Idempotency-Key: the items' statuses in order. */
static char *
statuses_answer (GPtrArray *items, gpointer user_data)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (out, "%s%d", i ? "," : "",
                            ((FoyerHubItem *) g_ptr_array_index (items, i))->status);
  return g_string_free (out, FALSE);
}

static gpointer
group_batch_run (gpointer data)
{
  GroupBatch *b = data;

  b->ok = foyer_hub_storage_ingest (b->storage, "expo", b->device, "2026-12-05T10:00:00.000Z",
                                    b->items, FALSE, b->key, statuses_answer, NULL,
                                    &b->replayed, &b->error);
  g_atomic_int_inc (b->returned);
  return NULL;
}

static GPtrArray *
group_items (const char *device, const char *id1, const char *id2)
{
  g_autofree char *first = record_json (id1, "expo", "vip", "王");
  g_autofree char *second = id2 != NULL ? record_json (id2, "expo", "vip", "李") : NULL;
  g_autofree char *body = g_strdup_printf ("{\"records\":[%s%s%s]}", first,
                                           second != NULL ? "," : "",
                                           second != NULL ? second : "");
  g_autoptr(GError) error = NULL;
  GPtrArray *items = foyer_hub_batch_parse (body, strlen (body), "expo", device, &error);

  g_assert_no_error (error);
  return items;
}

/* Waits until n batches queue for the writer (or, n = 0, until the first was taken). */
static void
wait_queued (FoyerHubStorage *storage, guint n, guint64 groups)
{
  for (guint tries = 0; tries < 2000; tries++) {
    FoyerHubIngestStats stats;

    foyer_hub_storage_ingest_stats (storage, &stats);
    if (stats.waiting == n && stats.groups == groups)
      return;
    g_usleep (5000);
  }
  g_assert_not_reached ();
}

static gboolean
count_row (const FoyerHubRecordRow *row, gpointer user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

/* Records stored for the event, and its change sequence (SQLite numbers only accepted records;
 * PostgreSQL reserves one per record sent, so a duplicate leaves a gap). */
static void
assert_stored (FoyerHubStorage *storage, guint records, gint64 seq_sqlite, gint64 seq_pg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerHubEvent) event = foyer_hub_storage_event_get (storage, "expo", &error);
  g_autofree char *counters = counters_of (storage);
  g_autofree char *counted = g_strdup_printf ("type|registration|%u\n", records);
  guint n = 0;

  g_assert_no_error (error);
  g_assert_true (foyer_hub_storage_records_foreach (storage, "expo", NULL, NULL, count_row, &n,
                                                    &error));
  g_assert_cmpuint (n, ==, records);
  g_assert_cmpint (event->last_seq, ==,
                   g_str_equal (foyer_hub_storage_kind (storage), "sqlite") ? seq_sqlite
                                                                           : seq_pg);
  g_assert_nonnull (strstr (counters, counted));
}

/* The answer storage replays for (device, key): expected, or none when expected is NULL. */
static void
assert_answer (FoyerHubStorage *storage, const char *device, const char *key,
               const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = foyer_hub_storage_idempotency_get (storage, device, key,
                                                               "2026-01-01", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (answer, ==, expected);
}

static guint
item_status (GroupBatch *b, guint i)
{
  return ((FoyerHubItem *) g_ptr_array_index (b->items, i))->status;
}

/* A storage on the test's backend with the event "expo"; NULL (test skipped) without
 * PostgreSQL. */
static FoyerHubStorage *
group_storage (const Param *param, char **database)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("group");
  FoyerHubEvent expo = { (char *) "expo", (char *) "expo", NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;
  FoyerHubStorage *storage;

  if ((*database = new_database (param, dir)) == NULL)
    return NULL;
  storage = foyer_hub_storage_open (*database, 2, &error);
  g_assert_no_error (error);
  foyer_hub_storage_event_add (storage, &expo, NULL, &error);
  g_assert_no_error (error);
  return storage;
}

/* Runs the n batches while the writer is held from outside: the first is taken alone (as the
 * storage's group number `group`) and waits for the writer, the others queue behind it in order
 * (and so make one group, when they fit); none returns before the writer is let go. */
static void
run_held (const Param *param, FoyerHubStorage *storage, const char *database,
          GroupBatch *batches, guint n, guint64 group)
{
  g_autofree GThread **threads = g_new (GThread *, n);
  Blocker blocker = { NULL };

  blocker_hold (&blocker, database, g_str_equal (param->backend, "postgresql"), "expo");
  threads[0] = g_thread_new ("batch", group_batch_run, &batches[0]);
  wait_queued (storage, 0, group);
  for (guint i = 1; i < n; i++) {
    threads[i] = g_thread_new ("batch", group_batch_run, &batches[i]);
    wait_queued (storage, i, group);
  }
  g_usleep (100 * 1000);
  g_assert_cmpint (g_atomic_int_get (batches[0].returned), ==, 0);
  blocker_release (&blocker);
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
}

/* A group in which every batch can be stored (on PostgreSQL written with one statement per kind
 * of row, not batch by batch): k-f's batch is taken alone and waits for the writer held from
 * outside; k-g's and k-h's make the next group. An id in both of them is stored once (the
 * first, k-g's, wins), an id stored before is a duplicate; sequence numbers, counters and both
 * idempotency answers are exact. */
static void
group_commit_clean (FoyerHubStorage *storage, const char *database, const Param *param)
{
  const char *dup = "88888888-8888-4888-8888-888888888888";
  const char *stored = "11111110-1111-4111-8111-111111111111";   /* k-a's, stored before */
  g_autofree char *replay = NULL;
  g_autoptr(GError) error = NULL;
  FoyerHubIngestStats stats;
  gint returned = 0;
  GroupBatch batches[] = {
    { storage, "k-f", "f", group_items ("k-f", "99999991-9999-4999-8999-999999999999", NULL),
      FALSE, NULL, &returned },
    { storage, "k-g", "g", group_items ("k-g", "99999992-9999-4999-8999-999999999999", dup),
      FALSE, NULL, &returned },
    { storage, "k-h", "h", group_items ("k-h", dup, stored), FALSE, NULL, &returned },
    /* k-g's key again, with another record: not stored, k-g's answer replayed */
    { storage, "k-g", "g", group_items ("k-g", "99999993-9999-4999-8999-999999999999", NULL),
      FALSE, NULL, &returned },
  };

  run_held (param, storage, database, batches, G_N_ELEMENTS (batches), 4);
  for (guint i = 0; i < G_N_ELEMENTS (batches); i++) {
    g_assert_no_error (batches[i].error);
    g_assert_true (batches[i].ok);
  }
  foyer_hub_storage_ingest_stats (storage, &stats);
  g_assert_cmpuint (stats.groups, ==, 5);
  g_assert_cmpuint (stats.batches, ==, 10);
  g_assert_cmpuint (item_status (&batches[0], 0), ==, FOYER_HUB_ITEM_ACCEPTED);
  g_assert_cmpuint (item_status (&batches[1], 0), ==, FOYER_HUB_ITEM_ACCEPTED);
  g_assert_cmpuint (item_status (&batches[1], 1), ==, FOYER_HUB_ITEM_ACCEPTED);
  g_assert_cmpuint (item_status (&batches[2], 0), ==, FOYER_HUB_ITEM_DUPLICATE);
  g_assert_cmpuint (item_status (&batches[2], 1), ==, FOYER_HUB_ITEM_DUPLICATE);
  g_assert_null (batches[1].replayed);
  g_assert_cmpstr (batches[3].replayed, ==, "1,1");
  g_assert_cmpuint (item_status (&batches[3], 0), ==, FOYER_HUB_ITEM_PENDING);
  /* 6 + f + g's two. PostgreSQL reserves a value per row sent: k-h's first id was not sent
   * (its twin in k-g's batch was), the one stored before was. */
  assert_stored (storage, 9, 9, 11);
  replay = foyer_hub_storage_idempotency_get (storage, "k-g", "g", "2026-01-01", &error);
  g_assert_cmpstr (replay, ==, "1,1");
  g_clear_pointer (&replay, g_free);
  replay = foyer_hub_storage_idempotency_get (storage, "k-h", "h", "2026-01-01", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (replay, ==, "2,2");
  for (guint i = 0; i < G_N_ELEMENTS (batches); i++) {
    g_ptr_array_unref (batches[i].items);
    g_free (batches[i].replayed);
  }
}

/* Five devices post while the writer is busy: the four that wait are written by one leader in
 * one transaction, one savepoint each. A record id in two batches of the group is stored once;
 * a batch that fails inside the group is rolled back alone; nobody returns before the COMMIT;
 * sequence numbers, live counters and the idempotency answers stay exact. */
static void
test_group_commit (gconstpointer data)
{
  g_autofree char *database = NULL;
  g_autoptr(FoyerHubStorage) storage = group_storage (data, &database);
  static const char *const devices[] = { "k-a", "k-b", "k-c", "k-d", "k-e" };
  const char *dup = "77777777-7777-4777-8777-777777777777";
  GroupBatch batches[5];
  FoyerHubIngestStats stats;
  gint returned = 0;

  if (storage == NULL)
    return;
  for (guint i = 0; i < 5; i++) {
    g_autofree char *own = g_strdup_printf ("1111111%u-1111-4111-8111-111111111111", i);
    batches[i] = (GroupBatch) { storage, devices[i], devices[i] + 2,
                                group_items (devices[i], own, i == 1 || i == 2 ? dup : NULL),
                                FALSE, NULL, &returned };
  }
  /* k-d's batch cannot be stored: a record without a type breaks a NOT NULL constraint. */
  g_clear_pointer (&((FoyerHubItem *) g_ptr_array_index (batches[3].items, 0))->type, g_free);

  /* k-a's batch is taken alone and waits for the writer; the others queue behind it, in order. */
  run_held (data, storage, database, batches, 5, 1);

  foyer_hub_storage_ingest_stats (storage, &stats);
  g_assert_cmpuint (stats.groups, ==, 2);
  g_assert_cmpuint (stats.batches, ==, 5);
  g_assert_cmpuint (stats.largest, ==, 4);
  g_assert_cmpuint (stats.waiting, ==, 0);
  for (guint i = 0; i < 5; i++) {
    g_assert_true (batches[i].ok == (i != 3));
    g_assert_true ((batches[i].error != NULL) == (i == 3));
  }
  g_assert_cmpuint (item_status (&batches[1], 1), ==, FOYER_HUB_ITEM_ACCEPTED);
  g_assert_cmpuint (item_status (&batches[2], 1), ==, FOYER_HUB_ITEM_DUPLICATE);
  g_assert_cmpuint (item_status (&batches[2], 0), ==, FOYER_HUB_ITEM_ACCEPTED);

  /* a, b (2), c (1 + the duplicate), e: 5 records, counted 5 times. */
  assert_stored (storage, 5, 5, 6);
  assert_answer (storage, "k-c", "c", "1,2");
  assert_answer (storage, "k-d", "d", NULL);

  /* The failed batch, sent again, is stored; then it is a duplicate. */
  g_clear_pointer (&((FoyerHubItem *) g_ptr_array_index (batches[3].items, 0))->type, g_free);
  ((FoyerHubItem *) g_ptr_array_index (batches[3].items, 0))->type = g_strdup ("registration");
  g_clear_error (&batches[3].error);
  group_batch_run (&batches[3]);
  g_assert_no_error (batches[3].error);
  g_assert_cmpuint (item_status (&batches[3], 0), ==, FOYER_HUB_ITEM_ACCEPTED);
  assert_stored (storage, 6, 6, 7);
  for (guint i = 0; i < 5; i++) {
    g_assert_null (batches[i].replayed);
    g_ptr_array_unref (batches[i].items);
    g_clear_error (&batches[i].error);
  }
  group_commit_clean (storage, database, data);
}

/* ---- one Idempotency-Key, two requests in flight (docs/hub.md "Idempotency-Key") ---- */

/* Batches with one key in one group: the first is stored and the second gets its answer,
 * read in the same transaction (nothing of their own to wait for, so no deadlock); the second
 * is not stored. A batch that fails lets the next batch with its key be stored. */
static void
test_group_same_key (gconstpointer data)
{
  g_autofree char *database = NULL;
  g_autoptr(FoyerHubStorage) storage = group_storage (data, &database);
  const char *r1 = "22222222-2222-4222-8222-222222222221";
  const char *r2 = "22222222-2222-4222-8222-222222222222";
  const char *r3 = "22222222-2222-4222-8222-222222222223";
  GroupBatch batches[5];
  FoyerHubIngestStats stats;
  gint returned = 0;

  if (storage == NULL)
    return;
  batches[0] = (GroupBatch) { storage, "k-a", "x",
                              group_items ("k-a", "22222222-2222-4222-8222-222222222220", NULL),
                              FALSE, NULL, &returned };
  batches[1] = (GroupBatch) { storage, "k-b", "k", group_items ("k-b", r1, r2), FALSE, NULL,
                              &returned };
  batches[2] = (GroupBatch) { storage, "k-b", "k", group_items ("k-b", r1, r2), FALSE, NULL,
                              &returned };
  batches[3] = (GroupBatch) { storage, "k-c", "f", group_items ("k-c", r3, NULL), FALSE, NULL,
                              &returned };
  batches[4] = (GroupBatch) { storage, "k-c", "f", group_items ("k-c", r3, NULL), FALSE, NULL,
                              &returned };
  /* k-c's first batch cannot be stored (a record without a type). */
  g_clear_pointer (&((FoyerHubItem *) g_ptr_array_index (batches[3].items, 0))->type, g_free);

  run_held (data, storage, database, batches, 5, 1);

  foyer_hub_storage_ingest_stats (storage, &stats);
  g_assert_cmpuint (stats.groups, ==, 2);
  g_assert_cmpuint (stats.largest, ==, 4);
  g_assert_true (batches[1].ok);
  g_assert_null (batches[1].replayed);
  g_assert_cmpuint (item_status (&batches[1], 0), ==, FOYER_HUB_ITEM_ACCEPTED);
  g_assert_cmpuint (item_status (&batches[1], 1), ==, FOYER_HUB_ITEM_ACCEPTED);
  /* The second with key k: the first's answer, and its items were not stored again. */
  g_assert_true (batches[2].ok);
  g_assert_cmpstr (batches[2].replayed, ==, "1,1");
  g_assert_cmpuint (item_status (&batches[2], 0), ==, FOYER_HUB_ITEM_PENDING);
  g_assert_false (batches[3].ok);
  g_assert_nonnull (batches[3].error);
  g_assert_true (batches[4].ok);
  g_assert_null (batches[4].replayed);
  g_assert_cmpuint (item_status (&batches[4], 0), ==, FOYER_HUB_ITEM_ACCEPTED);

  assert_stored (storage, 4, 4, 4);
  assert_answer (storage, "k-b", "k", "1,1");
  assert_answer (storage, "k-c", "f", "1");
  for (guint i = 0; i < 5; i++) {
    g_ptr_array_unref (batches[i].items);
    g_clear_error (&batches[i].error);
    g_free (batches[i].replayed);
  }
}

/* The hub logs the batches queued for their group commit (debug level) to stdout, read by
 * foyer_test_hub_wait_line(). */
static const char *const debug_env[] = { "G_MESSAGES_DEBUG=foyer-hub", NULL };

typedef struct {
  FoyerTestHub *hub;
  const char   *token, *key, *body;
  guint         status;
  char         *answer;
} Post;

static gpointer
post_keyed (gpointer data)
{
  Post *p = data;
  g_autofree char *url = g_strconcat (p->hub->url, "/v1/records", NULL);

  p->status = foyer_test_http ("POST", url, p->token, p->key, p->body, strlen (p->body), TRUE,
                               &p->answer, NULL);
  return NULL;
}

/* A batch without records from the device: the hub notes the device as seen (a write, which a
 * writer held from outside would block) and need not for the next 10 s. */
static void
warm_up (FoyerTestHub *hub, const char *token)
{
  static const char empty[] = "{\"records\":[]}";
  g_autofree char *url = g_strconcat (hub->url, "/v1/records", NULL);

  g_assert_cmpuint (foyer_test_http ("POST", url, token, NULL, empty, strlen (empty), FALSE,
                                     NULL, NULL), ==, 200);
}

/* Starts hub with device k1 of ev1, warmed up: its token. */
static char *
start_warm (FoyerTestHub *hub, const char *const *env)
{
  g_autofree char *code = NULL, *url = NULL;
  char *token = start_with_device (hub, env, &code, &url);

  warm_up (hub, token);
  return token;
}

/* Sends first, then second (to its own hub, maybe another process), with one key, while the
 * writer of event ev1 is held from outside: each is sent once the one before is queued for its
 * group commit, past the hub's look-up of its key, and neither can store anything before the
 * writer is let go. Returns with both answered. */
static void
post_both_in_flight (const Param *param, Post *first, Post *second)
{
  g_autofree char *queued = g_strdup_printf ("batch %s queued", first->key);
  Blocker blocker = { NULL };
  GThread *threads[2];

  g_assert_cmpstr (first->key, ==, second->key);
  blocker_hold (&blocker, first->hub->database, g_str_equal (param->backend, "postgresql"),
                "ev1");
  threads[0] = g_thread_new ("first", post_keyed, first);
  foyer_test_hub_wait_line (first->hub, queued, 60);
  threads[1] = g_thread_new ("second", post_keyed, second);
  foyer_test_hub_wait_line (second->hub, queued, 60);
  g_usleep (100 * 1000);
  blocker_release (&blocker);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);
}

/* The answer the hub replays now for key: what it stored. */
static char *
replay_of (FoyerTestHub *hub, const char *token, const char *key, const char *body)
{
  Post again = { hub, token, key, body, 0, NULL };

  post_keyed (&again);
  g_assert_cmpuint (again.status, ==, 200);
  return again.answer;
}

/* post stored its batch: answered 200 with every record accepted (a request that stored
 * nothing would have answered duplicate), the event holds these records once, and its answer is
 * what the hub replays for the key afterwards. */
static void
assert_stored_by (FoyerTestHub *hub, const Post *post, const char *const *ids, guint n)
{
  g_autoptr(JsonNode) answer = json_from_string (post->answer, NULL);
  g_autoptr(GHashTable) stored = NULL;
  g_autofree char *later = NULL;
  guint lines = 0;

  g_assert_cmpuint (post->status, ==, 200);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (status_of (answer, ids[i], NULL), ==, "accepted");
  stored = foyer_test_hub_export_ids (hub, "ev1", &lines);
  g_assert_cmpuint (lines, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, ids[i])), ==, 1);
  later = replay_of (hub, post->token, post->key, post->body);
  g_assert_cmpstr (later, ==, post->answer);
}

/* Both answered alike: one stored, the other got its answer. */
static void
assert_one_answer (FoyerTestHub *hub, const Post *first, const Post *second,
                   const char *const *ids, guint n)
{
  g_assert_cmpuint (second->status, ==, first->status);
  g_assert_cmpstr (second->answer, ==, first->answer);
  assert_stored_by (hub, first, ids, n);
}

/* A kiosk gave up waiting and sent its batch again while the hub was still writing it. */
static void
test_idempotency_in_flight (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *rec1 = NULL, *rec2 = NULL, *batch = NULL;
  g_autofree char *id1 = foyer_record_id_new (), *id2 = foyer_record_id_new ();
  const char *ids[] = { id1, id2 };
  Post first, second;

  if (hub == NULL)
    return;
  token = start_warm (hub, debug_env);
  rec1 = record_json (id1, "ev1", "trade_visitor", "Zhang San");
  rec2 = record_json (id2, "ev1", "trade_visitor", "Li Si");
  batch = batch_of ((const char *[]) { rec1, rec2, NULL });
  first = (Post) { hub, token, "key-resent", batch, 0, NULL };
  second = (Post) { hub, token, "key-resent", batch, 0, NULL };
  post_both_in_flight (data, &first, &second);
  assert_one_answer (hub, &first, &second, ids, 2);
  g_free (first.answer);
  g_free (second.answer);
  foyer_test_hub_free (hub);
}

/* The same batch through two hub processes on one PostgreSQL (a retry through another hub
 * behind the load balancer): exactly one of them stores it. */
static void
test_idempotency_two_hubs (gconstpointer data)
{
  FoyerTestHub *a = new_hub (data, NULL);
  FoyerTestHub *b;
  g_autofree char *token = NULL, *rec = NULL, *batch = NULL, *via_b = NULL;
  g_autofree char *id = foyer_record_id_new ();
  const char *ids[] = { id };
  Post first, second;

  if (a == NULL)
    return;
  b = foyer_test_hub_new_peer (a);
  token = start_warm (a, debug_env);
  foyer_test_hub_start (b, debug_env);
  warm_up (b, token);
  rec = record_json (id, "ev1", "trade_visitor", "Wang Wu");
  batch = batch_of ((const char *[]) { rec, NULL });
  first = (Post) { a, token, "key-two-hubs", batch, 0, NULL };
  second = (Post) { b, token, "key-two-hubs", batch, 0, NULL };
  post_both_in_flight (data, &first, &second);
  assert_one_answer (a, &first, &second, ids, 1);
  via_b = replay_of (b, token, first.key, batch);
  g_assert_cmpstr (via_b, ==, first.answer);
  g_free (first.answer);
  g_free (second.answer);
  foyer_test_hub_free (a);
  foyer_test_hub_free (b);
}

/* Makes the database refuse to store the record id (a trigger, created from outside). */
static void
refuse_record (const Param *param, const char *database, const char *id)
{
  g_autofree char *sql = NULL;

  if (g_str_equal (param->backend, "postgresql")) {
    PGconn *pg = PQconnectdb (database);
    PGresult *res;

    sql = g_strdup_printf ("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                           " $$BEGIN RAISE EXCEPTION 'refused by the test'; END$$;"
                           "CREATE TRIGGER refuse BEFORE INSERT ON records FOR EACH ROW"
                           " WHEN (NEW.id = '%s') EXECUTE FUNCTION refuse()", id);
    res = PQexec (pg, sql);
    g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
    PQclear (res);
    PQfinish (pg);
  } else {
    sqlite3 *db = NULL;

    sql = g_strdup_printf ("CREATE TRIGGER refuse BEFORE INSERT ON records"
                           " WHEN NEW.id = '%s' BEGIN SELECT RAISE(ABORT, 'refused'); END", id);
    g_assert_cmpint (sqlite3_open (database, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
}

/* The first request with a key fails (503: nothing stored, no answer): the second one, in
 * flight at the same time, stores its batch and its answer is the one kept. */
static void
test_idempotency_first_fails (gconstpointer data)
{
  /* The hub warns that it cannot store the first batch: not fatal here. */
  static const char *const env[] = { "G_MESSAGES_DEBUG=foyer-hub", "G_DEBUG=", NULL };
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *rec = NULL, *bad = NULL, *failing = NULL, *retried = NULL;
  g_autofree char *id = foyer_record_id_new (), *refused = foyer_record_id_new ();
  const char *ids[] = { id };
  Post first, second;

  if (hub == NULL)
    return;
  token = start_warm (hub, env);
  rec = record_json (id, "ev1", "trade_visitor", "Zhao Liu");
  bad = record_json (refused, "ev1", "trade_visitor", "Sun Qi");
  failing = batch_of ((const char *[]) { rec, bad, NULL });
  retried = batch_of ((const char *[]) { rec, NULL });
  refuse_record (data, hub->database, refused);
  first = (Post) { hub, token, "key-failed", failing, 0, NULL };
  second = (Post) { hub, token, "key-failed", retried, 0, NULL };
  post_both_in_flight (data, &first, &second);
  g_assert_cmpuint (first.status, ==, 503);
  assert_stored_by (hub, &second, ids, 1);
  g_free (first.answer);
  g_free (second.answer);
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/config", test_config);
  g_test_add_func ("/hub/plain-http-off-loopback", test_plain_http_off_loopback);
  g_test_add_func ("/hub/tls-enrollment", test_tls_enrollment);
  g_test_add_func ("/hub/batch/stored-bodies", test_batch_stored_bodies);
  g_test_add_func ("/hub/batch/spans-among-others", test_batch_spans_among_others);
  g_test_add_func ("/hub/batch/refused", test_batch_refused);
  g_test_add_func ("/hub/batch/answer", test_batch_answer);
  g_test_add_func ("/hub/sqlite/gzip-bodies", test_gzip_bodies);
  add_both ("enroll-and-sync", test_enroll_and_sync);
  add_both ("revocation", test_revocation);
  add_both ("idempotency", test_idempotency);
  add_both ("too-large", test_too_large);
  add_both ("queue-full", test_queue_full);
  add_both ("validation", test_validation);
  add_both ("event-isolation", test_event_isolation);
  add_both ("sigterm", test_sigterm_finishes_batches);
  add_both ("import-signs-badges", test_import_signs_badges);
  add_both ("two-hubs-one-database", test_two_hubs_one_database);
  add_both ("group-commit", test_group_commit);
  add_both ("group-same-key", test_group_same_key);
  add_both ("idempotency-in-flight", test_idempotency_in_flight);
  add_both ("idempotency-first-fails", test_idempotency_first_fails);
  {
    static const Param postgresql = { "postgresql" };
    g_test_add_data_func ("/hub/postgresql/idempotency-two-hubs", &postgresql,
                          test_idempotency_two_hubs);
  }
  add_both ("counters-from-parse", test_counters_from_parse);
  status = g_test_run ();
  foyer_test_pg_shared_stop ();
  return status;
}
