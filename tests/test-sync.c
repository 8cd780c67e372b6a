/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync.c: the http-json backend and the sync engine against a real receiver on 127.0.0.1. */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "foyer-test-receiver.h"
#include "sync-test-server.h"

/* ---- helpers ---- */

static char *
write_token (const char *dir,
             const char *name,
             const char *token)
{
  char *path = foyer_test_write_file (dir, name, token);

  g_chmod (path, 0600);
  return path;
}

static FoyerConfig *
make_config (const char *url,
             const char *token_file,
             const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_strdup_printf ("[kiosk]\nid=test-kiosk\nevent=expo-2026\n"
                                           "[sync]\nbackend=http-json\nurl=%s\n%s%s%s"
                                           "connect-timeout=2\ntimeout=3\n"
                                           "backoff-min-ms=20\nbackoff-max-ms=200\n%s",
                                           url,
                                           token_file != NULL ? "token-file=" : "",
                                           token_file != NULL ? token_file : "",
                                           token_file != NULL ? "\n" : "",
                                           extra != NULL ? extra : "");
  FoyerConfig *config = foyer_config_load_from_data (data, "test.conf", &error);

  g_assert_no_error (error);
  return config;
}

static JsonArray *
make_records (guint n,
              guint name_len)
{
  JsonArray *records = json_array_new ();

  for (guint i = 0; i < n; i++) {
    JsonObject *o = json_object_new ();
    g_autofree char *id = g_uuid_string_random ();
    g_autofree char *name = g_strnfill (name_len, 'a' + (i % 26));

    json_object_set_string_member (o, "id", id);
    json_object_set_string_member (o, "type", "registration");
    json_object_set_string_member (o, "created_at", "2026-11-24T10:42:00.123Z");
    json_object_set_string_member (o, "full_name", name);
    json_array_add_object_element (records, o);
  }
  return records;
}

static FoyerSyncBackend *
make_backend (FoyerTestReceiver *receiver,
              const char        *token_file,
              const char        *extra)
{
  g_autoptr(FoyerConfig) config = make_config (foyer_test_receiver_url (receiver), token_file,
                                               extra);
  g_autoptr(GError) error = NULL;
  FoyerSyncBackend *backend = foyer_sync_backend_new_for_config (config, &error);

  g_assert_no_error (error);
  g_assert_true (FOYER_IS_HTTP_BACKEND (backend));
  return backend;
}

/* Like make_backend, with timeouts generous enough for a TLS handshake under sanitizers. */
static FoyerSyncBackend *
make_slow_backend (FoyerTestReceiver *receiver,
                   const char        *extra)
{
  g_autoptr(FoyerConfig) config = make_config (foyer_test_receiver_url (receiver), NULL, extra);
  g_autoptr(GError) error = NULL;
  FoyerSyncBackend *backend;

  foyer_config_set_string (config, "sync", "connect-timeout", "20");
  foyer_config_set_string (config, "sync", "timeout", "30");
  backend = foyer_sync_backend_new_for_config (config, &error);
  g_assert_no_error (error);
  return backend;
}

static gboolean
send (FoyerSyncBackend  *backend,
      JsonArray         *records,
      GPtrArray        **results,
      gint64            *retry_after_ms,
      GError           **error)
{
  g_autofree char *batch_id = g_uuid_string_random ();
  gint64 dummy;

  return foyer_sync_backend_send_batch (backend, batch_id, records, results,
                                        retry_after_ms != NULL ? retry_after_ms : &dummy,
                                        NULL, error);
}

static const char *
stats_header (FoyerTestReceiver *receiver,
              JsonObject       **keep,
              const char        *name)
{
  JsonObject *headers;

  *keep = foyer_test_receiver_get (receiver, "/_stats");
  headers = json_object_get_object_member (*keep, "headers");
  if (json_object_get_null_member (headers, name))
    return NULL;
  return json_object_get_string_member (headers, name);
}

/* ---- backend ---- */

static void
test_backend_accept_and_duplicate (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("sync");
  g_autofree char *token = write_token (dir, "token", "s3cret\n");
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (token);
  g_autoptr(FoyerSyncBackend) backend = make_backend (receiver, token, NULL);
  g_autoptr(JsonArray) records = make_records (3, 5);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autofree char *ua = g_strdup_printf ("Foyer/%s (test-kiosk)", foyer_get_version ());
  g_autofree char *batch_id = g_uuid_string_random ();
  gint64 retry_after = -1;
  gint64 connections;

  g_assert_true (foyer_sync_backend_send_batch (backend, batch_id, records, &results,
                                                &retry_after, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++) {
    FoyerSyncItemResult *r = g_ptr_array_index (results, i);
    g_assert_cmpint (r->status, ==, FOYER_SYNC_ITEM_ACCEPTED);
  }
  g_assert_cmpint (retry_after, ==, 0);

  g_assert_cmpstr (stats_header (receiver, &stats, "User-Agent"), ==, ua);
  g_clear_pointer (&stats, json_object_unref);
  g_assert_cmpstr (stats_header (receiver, &stats, "Idempotency-Key"), ==, batch_id);
  g_clear_pointer (&stats, json_object_unref);
  g_assert_cmpstr (stats_header (receiver, &stats, "Authorization"), ==, "Bearer s3cret");
  g_clear_pointer (&stats, json_object_unref);
  g_assert_cmpstr (stats_header (receiver, &stats, "Content-Type"), ==, "application/json");
  g_clear_pointer (&stats, json_object_unref);
  /* A small body goes uncompressed. */
  g_assert_null (stats_header (receiver, &stats, "Content-Encoding"));
  g_clear_pointer (&stats, json_object_unref);

  /* The same records again: head office knows them. The connection is kept alive: only the
   * /_stats queries open new ones. */
  g_clear_pointer (&results, g_ptr_array_unref);
  connections = foyer_test_receiver_stat (receiver, "connections");
  g_assert_true (send (backend, records, &results, NULL, &error));
  g_assert_cmpint (foyer_test_receiver_stat (receiver, "connections"), ==, connections + 1);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (((FoyerSyncItemResult *)g_ptr_array_index (results, i))->status, ==,
                     FOYER_SYNC_ITEM_DUPLICATE);
  g_assert_cmpint (foyer_test_receiver_stat (receiver, "stored"), ==, 3);
  g_assert_cmpuint (foyer_http_backend_get_n_requests (FOYER_HTTP_BACKEND (backend)), ==, 2);

  g_assert_true (foyer_sync_backend_check_health (backend, NULL, &error));
  g_assert_no_error (error);
}

static void
test_backend_gzip_and_rejected (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autoptr(FoyerSyncBackend) backend = make_backend (receiver, NULL, NULL);
  g_autoptr(JsonArray) records = make_records (40, 100);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;
  const char *bad_id;
  guint n_rejected = 0;

  bad_id = json_object_get_string_member (json_array_get_object_element (records, 7), "id");
  foyer_test_receiver_control (receiver, "{\"mode\":\"reject\",\"how\":\"record\",\"ids\":[\"%s\"]}",
                               bad_id);
  /* One record of a type head office does not know: rejected on its own. */
  json_object_set_string_member (json_array_get_object_element (records, 9), "type", "visitor");

  g_assert_true (send (backend, records, &results, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 40);
  for (guint i = 0; i < results->len; i++) {
    FoyerSyncItemResult *r = g_ptr_array_index (results, i);
    if (r->status == FOYER_SYNC_ITEM_REJECTED) {
      n_rejected++;
      g_assert_nonnull (r->reason);
    }
  }
  g_assert_cmpuint (n_rejected, ==, 2);
  g_assert_cmpstr (stats_header (receiver, &stats, "Content-Encoding"), ==, "gzip");
}

typedef struct {
  const char *control;
  int         code;
  gint64      retry_after_min;
  gint64      retry_after_max;
} StatusCase;

static void
test_backend_status_mapping (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autoptr(FoyerSyncBackend) backend = make_backend (receiver, NULL, NULL);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (g_date_time_new_now_utc (), 30);
  g_autofree char *http_date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  g_autofree char *date_case = g_strdup_printf ("{\"mode\":\"status\",\"code\":429,"
                                                "\"retry_after\":\"%s\"}", http_date);
  const StatusCase cases[] = {
    { "{\"mode\":\"status\",\"code\":401}", FOYER_SYNC_ERROR_AUTH, 0, 0 },
    { "{\"mode\":\"status\",\"code\":403}", FOYER_SYNC_ERROR_AUTH, 0, 0 },
    { "{\"mode\":\"status\",\"code\":400}", FOYER_SYNC_ERROR_BAD_BATCH, 0, 0 },
    { "{\"mode\":\"status\",\"code\":422}", FOYER_SYNC_ERROR_BAD_BATCH, 0, 0 },
    { "{\"mode\":\"status\",\"code\":413}", FOYER_SYNC_ERROR_TOO_LARGE, 0, 0 },
    { "{\"mode\":\"status\",\"code\":408}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"status\",\"code\":500}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"status\",\"code\":503,\"retry_after\":\"7\"}", FOYER_SYNC_ERROR_TRANSIENT,
      7000, 7000 },
    { date_case, FOYER_SYNC_ERROR_TRANSIENT, 25000, 31000 },
    { "{\"mode\":\"status\",\"code\":404}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"garbage\"}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"garbage\",\"body\":\"{\\\"results\\\":7}\"}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"close\"}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"reset\"}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
    { "{\"mode\":\"stall\",\"seconds\":5}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(JsonArray) records = make_records (2, 4);
    g_autoptr(GPtrArray) results = NULL;
    g_autoptr(GError) error = NULL;
    gint64 retry_after = -1;

    g_test_message ("case %s", cases[i].control);
    foyer_test_receiver_control (receiver, "%s", cases[i].control);
    g_assert_false (send (backend, records, &results, &retry_after, &error));
    g_assert_error (error, FOYER_SYNC_ERROR, cases[i].code);
    g_assert_null (results);
    g_assert_cmpint (retry_after, >=, cases[i].retry_after_min);
    g_assert_cmpint (retry_after, <=, cases[i].retry_after_max);
    if (cases[i].code == FOYER_SYNC_ERROR_AUTH)
      g_assert_nonnull (strstr (error->message, "credentials"));
  }

  /* Back to normal on the same connection handle. */
  {
    g_autoptr(JsonArray) records = make_records (2, 4);
    g_autoptr(GPtrArray) results = NULL;
    g_autoptr(GError) error = NULL;

    foyer_test_receiver_control (receiver, "{\"mode\":\"ok\"}");
    g_assert_true (send (backend, records, &results, NULL, &error));
    g_assert_cmpuint (results->len, ==, 2);
  }
}

static void
test_backend_token_file (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("sync");
  g_autofree char *server_token = write_token (dir, "server-token", "right");
  g_autofree char *kiosk_token = write_token (dir, "kiosk-token", "wrong");
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (server_token);
  g_autoptr(FoyerSyncBackend) backend = make_backend (receiver, kiosk_token, NULL);
  g_autoptr(JsonArray) records = make_records (1, 4);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (send (backend, records, &results, NULL, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH);
  g_clear_error (&error);

  /* Staff fix the file: the next batch uses the new token without a restart. */
  g_free (write_token (dir, "kiosk-token", "right\n"));
  g_assert_true (send (backend, records, &results, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&results, g_ptr_array_unref);

  g_assert_cmpint (g_unlink (kiosk_token), ==, 0);
  g_assert_false (send (backend, records, &results, NULL, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, kiosk_token));
  g_assert_nonnull (strstr (error->message, "token-file"));
}

typedef struct {
  GCancellable *cancellable;
  guint         delay_ms;
} CancelLater;

static gpointer
cancel_later (gpointer data)
{
  CancelLater *c = data;

  g_usleep (c->delay_ms * 1000);
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

static void
test_backend_cancel (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autoptr(FoyerSyncBackend) backend = NULL;
  g_autoptr(JsonArray) records = make_records (2, 4);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelLater c = { cancellable, 200 };
  GThread *thread;
  gint64 start, elapsed;
  gint64 retry_after;
  g_autoptr(FoyerConfig) config = make_config (foyer_test_receiver_url (receiver), NULL,
                                               NULL);

  /* A long timeout so that only cancellation can end the request. */
  foyer_config_set_string (config, "sync", "timeout", "60");
  backend = foyer_sync_backend_new_for_config (config, &error);
  g_assert_no_error (error);

  foyer_test_receiver_control (receiver, "{\"mode\":\"stall\",\"seconds\":20}");
  thread = g_thread_new ("cancel", cancel_later, &c);
  start = g_get_monotonic_time ();
  g_assert_false (foyer_sync_backend_send_batch (backend, "b", records, &results, &retry_after,
                                                 cancellable, &error));
  elapsed = g_get_monotonic_time () - start;
  g_thread_join (thread);
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED);
  g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
}

static void
test_backend_health (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autoptr(FoyerSyncBackend) backend = make_backend (receiver, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_sync_backend_check_health (backend, NULL, &error));
  g_assert_no_error (error);
  foyer_test_receiver_control (receiver, "{\"mode\":\"down\",\"seconds\":1}");
  g_usleep (300 * 1000);
  g_assert_false (foyer_sync_backend_check_health (backend, NULL, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT);
  g_clear_error (&error);
  g_usleep (1200 * 1000);
  g_assert_true (foyer_sync_backend_check_health (backend, NULL, &error));
  g_assert_no_error (error);
}

static void
test_backend_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) none = foyer_config_new_default ();
  g_autoptr(FoyerConfig) no_url = NULL;
  g_autoptr(FoyerConfig) ftp = make_config ("ftp://example.com/", NULL, NULL);
  g_autoptr(FoyerConfig) bad_ca = make_config ("https://example.com/", NULL,
                                               "ca-file=/nonexistent/ca.pem\n");
  g_autoptr(FoyerConfig) insecure = make_config ("https://example.com/", NULL, "insecure=true\n");
  g_autoptr(FoyerConfig) tryton = foyer_config_load_from_data ("[sync]\nbackend=tryton\n", "t",
                                                               &error);
  g_autoptr(FoyerSyncBackend) backend = NULL;

  g_assert_no_error (error);
  g_assert_null (foyer_sync_backend_new_for_config (none, &error));
  g_assert_no_error (error);

  no_url = foyer_config_load_from_data ("[sync]\nbackend=http-json\n", "t", &error);
  g_assert_no_error (error);
  g_assert_null (foyer_sync_backend_new_for_config (no_url, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "[sync] url"));
  g_clear_error (&error);

  g_assert_null (foyer_sync_backend_new_for_config (ftp, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
  g_clear_error (&error);

  g_assert_null (foyer_sync_backend_new_for_config (bad_ca, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "ca-file"));
  g_clear_error (&error);

  g_assert_null (foyer_sync_backend_new_for_config (tryton, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "[tryton]"));
  g_clear_error (&error);

  backend = foyer_sync_backend_new_for_config (insecure, &error);
  g_assert_no_error (error);
  g_assert_nonnull (foyer_http_backend_get_warning (FOYER_HTTP_BACKEND (backend)));
  g_assert_nonnull (foyer_sync_backend_get_warnings (backend)[0]);
  g_assert_null (foyer_sync_backend_get_warnings (backend)[1]);
}

/* Plain http:// carries the token and visitors' data in clear: only to this machine, unless
 * allowed explicitly, and then with a warning for staff. Same rule for both backends. */
static void
test_backend_plain_http (void)
{
  static const char * const loopback[] = { "http://127.0.0.1:1/", "http://localhost:8000/",
                                           "http://[::1]:8000/", "https://example.com/" };
  static const char * const tryton_conf =
    "[sync]\nbackend=tryton\n%s[tryton]\nurl=%s\ndatabase=crm\nuser=foyer\n";
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (loopback); i++) {
    g_autoptr(FoyerConfig) config = make_config (loopback[i], NULL, NULL);
    g_autoptr(FoyerSyncBackend) backend = foyer_sync_backend_new_for_config (config, &error);

    g_test_message ("%s", loopback[i]);
    g_assert_no_error (error);
    g_assert_null (foyer_sync_backend_get_warnings (backend)[0]);
  }

  {
    g_autoptr(FoyerConfig) config = make_config ("http://crm.example.com/foyer", NULL, NULL);

    g_assert_null (foyer_sync_backend_new_for_config (config, &error));
    g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
    g_assert_nonnull (strstr (error->message, "allow-plain-http"));
    g_clear_error (&error);
  }
  {
    g_autoptr(FoyerConfig) config = make_config ("http://crm.example.com/foyer", NULL,
                                                 "allow-plain-http=true\n");
    g_autoptr(FoyerSyncBackend) backend = foyer_sync_backend_new_for_config (config, &error);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = foyer_sync_backend_dup_warning_text (backend);
    g_assert_nonnull (strstr (text, "plain http"));
    g_assert_nonnull (strstr (text, "crm.example.com"));
  }
  {
    g_autofree char *data = g_strdup_printf (tryton_conf, "", "http://crm.example.com:8000/");
    g_autoptr(FoyerConfig) config = foyer_config_load_from_data (data, "t", &error);

    g_assert_no_error (error);
    g_assert_null (foyer_sync_backend_new_for_config (config, &error));
    g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG);
    g_assert_nonnull (strstr (error->message, "[tryton] url"));
    g_assert_nonnull (strstr (error->message, "allow-plain-http"));
    g_clear_error (&error);
  }
  {
    /* Every backend reports its warnings: TLS checks off and plain http, for Tryton too. */
    g_autofree char *data = g_strdup_printf (tryton_conf, "insecure=true\nallow-plain-http=true\n",
                                             "http://crm.example.com:8000/");
    g_autoptr(FoyerConfig) config = foyer_config_load_from_data (data, "t", &error);
    g_autoptr(FoyerSyncBackend) backend = NULL;
    const char * const *warnings;

    g_assert_no_error (error);
    backend = foyer_sync_backend_new_for_config (config, &error);
    g_assert_no_error (error);
    g_assert_true (FOYER_IS_TRYTON_BACKEND (backend));
    warnings = foyer_sync_backend_get_warnings (backend);
    g_assert_nonnull (warnings[0]);
    g_assert_nonnull (strstr (warnings[0], "TLS"));
    g_assert_nonnull (warnings[1]);
    g_assert_nonnull (strstr (warnings[1], "plain http"));
    g_assert_null (warnings[2]);
  }
}

typedef struct {
  const char *kind;
  int         code;
} FaultCase;

static const char * const fault_kinds[] = { "empty", "not-json", "html", "gzip-truncated" };
static const int fault_codes[] = { 401, 404, 500, 503, 200 };

/* What staff read for a fault: the status when there is one, else that the answer is
 * unreadable. */
static char *
fault_expectation (int code)
{
  if (code == 200)
    return g_strdup ("cannot read");
  return g_strdup_printf ("HTTP %d", code);
}

/* Broken answers (empty bodies, text, HTML error pages, cut-off gzip) on every status: an
 * error the engine can classify, never a crash. */
static void
test_backend_fault_modes (void)
{
  g_autoptr(FoyerTestReceiver) receiver = foyer_test_receiver_start (NULL);
  g_autoptr(FoyerSyncBackend) backend = make_backend (receiver, NULL, NULL);

  for (gsize k = 0; k < G_N_ELEMENTS (fault_kinds); k++) {
    for (gsize c = 0; c < G_N_ELEMENTS (fault_codes); c++) {
      g_autoptr(JsonArray) records = make_records (2, 4);
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = fault_expectation (fault_codes[c]);
      gboolean healthy;

      g_test_message ("fault %s %d", fault_kinds[k], fault_codes[c]);
      foyer_test_receiver_control (receiver, "{\"mode\":\"fault\",\"kind\":\"%s\",\"code\":%d}",
                                   fault_kinds[k], fault_codes[c]);
      g_assert_false (send (backend, records, &results, NULL, &error));
      g_assert_null (results);
      g_assert_nonnull (error);
      g_assert_true (error->domain == FOYER_SYNC_ERROR);
      g_assert_cmpint (error->code, ==, fault_codes[c] == 401 ? FOYER_SYNC_ERROR_AUTH
                                                               : FOYER_SYNC_ERROR_TRANSIENT);
      g_assert_nonnull (strstr (error->message, expected));
      g_clear_error (&error);

      /* The kiosk's start-up check meets the same answers. */
      healthy = foyer_sync_backend_check_health (backend, NULL, &error);
      g_assert_true (healthy == (fault_codes[c] == 200));
      g_assert_true (healthy || error->domain == FOYER_SYNC_ERROR);
    }
  }
}

static void
test_parse_results (void)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *deep = NULL;
  const char *garbage[] = {
    "", "null", "[]", "{}", "{\"results\":{}}", "{\"results\":\"x\"}", "<html>", "{\"results\":[",
    "\xff\xfe{}",
  };
  const char *ok = "{\"results\":[{\"id\":\"a\",\"status\":\"accepted\"},"
                   "{\"id\":\"a\",\"status\":\"rejected\"},"   /* first answer wins */
                   "{\"id\":\"b\",\"status\":\"rejected\",\"reason\":\"no name\"},"
                   "{\"id\":\"c\",\"status\":\"teleported\"},"  /* unknown: stays pending */
                   "{\"id\":\"zz\",\"status\":\"accepted\"},"   /* not in the batch */
                   "{\"id\":7,\"status\":\"accepted\"}, 3, null, [],"
                   "{\"id\":\"d\",\"status\":\"duplicate\",\"reason\":5}]}";

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++) {
    g_assert_null (foyer_http_backend_parse_results (garbage[i], strlen (garbage[i]), NULL,
                                                     &error));
    g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT);
    g_clear_error (&error);
  }

  deep = g_strnfill (100000, '[');
  g_assert_null (foyer_http_backend_parse_results (deep, strlen (deep), NULL, &error));
  g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT);
  g_clear_error (&error);

  g_hash_table_add (ids, "a");
  g_hash_table_add (ids, "b");
  g_hash_table_add (ids, "c");
  g_hash_table_add (ids, "d");
  results = foyer_http_backend_parse_results (ok, strlen (ok), ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_cmpstr (((FoyerSyncItemResult *)results->pdata[0])->id, ==, "a");
  g_assert_cmpint (((FoyerSyncItemResult *)results->pdata[0])->status, ==,
                   FOYER_SYNC_ITEM_ACCEPTED);
  g_assert_cmpstr (((FoyerSyncItemResult *)results->pdata[1])->reason, ==, "no name");
  g_assert_cmpint (((FoyerSyncItemResult *)results->pdata[2])->status, ==,
                   FOYER_SYNC_ITEM_DUPLICATE);
  g_assert_null (((FoyerSyncItemResult *)results->pdata[2])->reason);
}

static void
test_retry_after (void)
{
  gint64 now = g_get_real_time ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (g_date_time_new_now_utc (), 90);
  g_autofree char *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  gint64 ms;

  g_assert_cmpint (foyer_http_backend_parse_retry_after (NULL, now), ==, 0);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("", now), ==, 0);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("120", now), ==, 120000);
  g_assert_cmpint (foyer_http_backend_parse_retry_after (" 3 ", now), ==, 3000);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("99999999999999999999", now), ==, 0);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("86400", now), ==, 3600000);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("soon", now), ==, 0);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT", now),
                   ==, 0);
  /* Found by the fuzzer: a year far beyond time_t microseconds must not overflow. */
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("W21 Oct 20152015", now), >=, 0);
  g_assert_cmpint (foyer_http_backend_parse_retry_after ("Wed, 21 Oct 99999 07:28:00 GMT", now),
                   ==, 3600000);
  ms = foyer_http_backend_parse_retry_after (date, now);
  g_assert_cmpint (ms, >, 85000);
  g_assert_cmpint (ms, <=, 90000);
}


static void
test_backend_tls (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("sync");
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(FoyerTestReceiver) receiver = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) records = make_records (2, 4);
  g_autofree char *ca_line = NULL;
  int status = 0;

  if (openssl == NULL) {
    g_test_skip ("openssl is not installed (packaging/debian-test-packages.txt)");
    return;
  }
  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", NULL };
    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  receiver = foyer_test_receiver_start_tls (NULL, cert, key);
  g_assert_true (g_str_has_prefix (foyer_test_receiver_url (receiver), "https://"));

  /* Verification is on by default: a certificate nobody vouches for is refused. */
  {
    g_autoptr(FoyerSyncBackend) backend = make_slow_backend (receiver, NULL);
    g_autoptr(GPtrArray) results = NULL;

    g_assert_null (foyer_http_backend_get_warning (FOYER_HTTP_BACKEND (backend)));
    g_assert_false (send (backend, records, &results, NULL, &error));
    g_assert_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "ca-file"));
    g_clear_error (&error);
  }
  /* [sync] ca-file: the private CA is trusted. */
  {
    g_autoptr(FoyerSyncBackend) backend = NULL;
    g_autoptr(GPtrArray) results = NULL;

    ca_line = g_strdup_printf ("ca-file=%s\n", cert);
    backend = make_slow_backend (receiver, ca_line);
    g_assert_true (send (backend, records, &results, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (results->len, ==, 2);
  }
  /* insecure=true works, with its warning. */
  {
    g_autoptr(FoyerSyncBackend) backend = make_slow_backend (receiver, "insecure=true\n");
    g_autoptr(GPtrArray) results = NULL;

    g_assert_nonnull (foyer_http_backend_get_warning (FOYER_HTTP_BACKEND (backend)));
    g_assert_true (send (backend, records, &results, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (results->len, ==, 2);
    g_assert_cmpint (((FoyerSyncItemResult *)results->pdata[0])->status, ==,
                     FOYER_SYNC_ITEM_DUPLICATE);
  }
}

/* ---- engine ---- */

/* Stores n registrations; with given_ids (n ids) they take those ids instead of new ones. */
static GPtrArray *
add_records_with_ids (FoyerStore *store,
                      guint       n,
                      GPtrArray  *given_ids)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++) {
    g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
    g_autoptr(GError) error = NULL;

    if (given_ids != NULL)
      reg->id = g_strdup (g_ptr_array_index (given_ids, i));
    reg->event = g_strdup ("expo-2026");
    reg->kiosk_id = g_strdup ("test-kiosk");
    reg->kind = g_strdup (FOYER_KIND_WALK_IN);
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    reg->source = g_strdup (FOYER_SOURCE_MANUAL);
    reg->full_name = g_strdup_printf ("访客 Visitor %u", i);
    reg->organization = g_strdup ("Foyer Test Co.");
    reg->consent_given = TRUE;
    reg->consent_version = g_strdup ("1");
    g_assert_true (foyer_store_add_registration (store, reg, NULL, &error));
    g_assert_no_error (error);
    g_assert_nonnull (reg->id);
    g_ptr_array_add (ids, g_strdup (reg->id));
  }
  return ids;
}

static GPtrArray *
add_records (FoyerStore *store,
             guint       n)
{
  return add_records_with_ids (store, n, NULL);
}

typedef gboolean (*StatusPredicate) (const FoyerSyncStatus *status, gpointer data);

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until pred holds for the engine's status; fails after seconds. */
static void
wait_status (FoyerSyncEngine *engine,
             StatusPredicate  pred,
             gpointer         data,
             guint            seconds,
             const char      *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);

  while (!pred (foyer_sync_engine_get_status (engine), data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out) {
    const FoyerSyncStatus *st = foyer_sync_engine_get_status (engine);
    g_test_message ("state %s pending %" G_GINT64_FORMAT " dead %" G_GINT64_FORMAT
                    " last error %s", foyer_sync_state_to_string (st->state), st->pending,
                    st->dead, st->last_error);
    g_error ("timed out waiting for: %s", what);
  }
  g_source_remove (id);
}

static gboolean
drained (const FoyerSyncStatus *st, gpointer data)
{
  return st->state == FOYER_SYNC_STATE_IDLE && st->pending == 0;
}

/* Drained after at least n records were acknowledged or refused: a status posted before records
 * were added may still be on its way, so "idle with nothing pending" alone can be stale. */
static gboolean
drained_after (const FoyerSyncStatus *st, gpointer data)
{
  return drained (st, NULL) && st->sent + st->rejected >= GPOINTER_TO_UINT (data);
}

static gboolean
in_state (const FoyerSyncStatus *st, gpointer data)
{
  return st->state == (FoyerSyncState)GPOINTER_TO_INT (data);
}

/* Paused with n records waiting: the count of records added while paused reaches the UI too. */
static gboolean
paused_with (const FoyerSyncStatus *st, gpointer data)
{
  return st->state == FOYER_SYNC_STATE_PAUSED && st->pending == GPOINTER_TO_INT (data);
}

static gboolean
offline_backoff (const FoyerSyncStatus *st, gpointer data)
{
  return st->state == FOYER_SYNC_STATE_BACKOFF && !st->online && st->last_error != NULL &&
         strstr (st->last_error, "cannot reach head office") != NULL;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct {
  char              *dir;
  char              *db;
  char              *kiosk_token;
  FoyerTestReceiver *receiver;
  FoyerStore        *store;
  FoyerConfig       *config;
  FoyerSyncEngine   *engine;
} Fixture;

static void
fixture_setup (Fixture    *f,
               const char *server_token,
               const char *kiosk_token,
               const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_token_path = NULL;

  f->dir = foyer_test_make_tmpdir ("sync");
  f->db = g_build_filename (f->dir, "foyer.db", NULL);
  if (server_token != NULL)
    server_token_path = write_token (f->dir, "server-token", server_token);
  if (kiosk_token != NULL)
    f->kiosk_token = write_token (f->dir, "kiosk-token", kiosk_token);
  f->receiver = foyer_test_receiver_start (server_token_path);
  f->store = foyer_store_open (f->db, &error);
  g_assert_no_error (error);
  f->config = make_config (foyer_test_receiver_url (f->receiver), f->kiosk_token, extra);
  f->engine = foyer_sync_engine_new (f->config, f->db, &error);
  g_assert_no_error (error);
  /* What the kiosk does: a committed record wakes the sync thread. */
  g_signal_connect_object (f->store, "record-added", G_CALLBACK (foyer_sync_engine_wake),
                           f->engine, G_CONNECT_SWAPPED);
}

static void
fixture_teardown (Fixture *f)
{
  foyer_sync_engine_stop (f->engine);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
  g_clear_object (&f->config);
  g_clear_pointer (&f->receiver, foyer_test_receiver_stop);
  g_free (f->kiosk_token);
  g_free (f->db);
  g_free (f->dir);
}

static void
assert_outbox (FoyerStore *store,
               gint64      pending,
               gint64      done,
               gint64      dead)
{
  FoyerOutboxCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.pending + counts.in_flight, ==, pending);
  g_assert_cmpint (counts.done, ==, done);
  g_assert_cmpint (counts.dead, ==, dead);
}

/* Every id arrived and was stored exactly once; nothing else arrived. */
static void
assert_exactly_once (FoyerTestReceiver *receiver,
                     GPtrArray         *ids)
{
  g_autoptr(JsonObject) all = foyer_test_receiver_get (receiver, "/_ids");
  JsonObject *counts = json_object_get_object_member (all, "counts");

  g_assert_cmpuint (json_object_get_size (counts), ==, ids->len);
  for (guint i = 0; i < ids->len; i++) {
    const char *id = g_ptr_array_index (ids, i);
    g_assert_true (json_object_has_member (counts, id));
    g_assert_cmpint (json_object_get_int_member (counts, id), ==, 1);
  }
}

static void
test_engine_exactly_once_random_faults (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) more = NULL;
  g_autoptr(JsonObject) stats = NULL;

  fixture_setup (&f, NULL, NULL, "batch-size=25\n");
  ids = add_records (f.store, 400);
  foyer_test_receiver_control (f.receiver, "{\"mode\":\"random\",\"seed\":%u,\"rate\":0.5}",
                               g_test_rand_int_range (1, 100000));
  foyer_sync_engine_start (f.engine);

  /* Records keep coming while the sync runs. */
  run_for (300);
  more = add_records (f.store, 100);
  for (guint i = 0; i < more->len; i++)
    g_ptr_array_add (ids, g_strdup (g_ptr_array_index (more, i)));

  wait_status (f.engine, drained_after, GUINT_TO_POINTER (500), 60,
               "all records acknowledged under random faults");
  assert_outbox (f.store, 0, 500, 0);
  assert_exactly_once (f.receiver, ids);

  stats = foyer_test_receiver_get (f.receiver, "/_stats");
  g_test_message ("requests %" G_GINT64_FORMAT ", deliveries %" G_GINT64_FORMAT,
                  json_object_get_int_member (stats, "requests"),
                  json_object_get_int_member (stats, "deliveries"));
  /* The faults did happen: some records crossed the wire more than once. */
  g_assert_cmpint (json_object_get_int_member (stats, "deliveries"), >, 500);
  g_assert_cmpuint (foyer_sync_engine_get_status (f.engine)->sent, ==, 500);
  g_assert_true (foyer_sync_engine_get_status (f.engine)->online);
  g_assert_null (foyer_sync_engine_get_status (f.engine)->last_error);
  g_assert_cmpint (foyer_sync_engine_get_status (f.engine)->last_success, >, 0);
  fixture_teardown (&f);
}

static void
test_engine_dead_letter_and_split (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) dead = NULL;
  g_autoptr(GError) error = NULL;
  const FoyerSyncStatus *st;
  gint64 requests;

  fixture_setup (&f, NULL, NULL, "batch-size=64\n");
  ids = add_records (f.store, 64);
  /* Two records make head office refuse any batch that holds them; a third is refused on its
   * own in a 200 answer. */
  foyer_test_receiver_control (f.receiver,
                               "{\"mode\":\"reject\",\"how\":\"422\",\"ids\":[\"%s\",\"%s\"]}",
                               (char *)ids->pdata[5], (char *)ids->pdata[40]);
  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, drained, NULL, 30, "split batches delivered");

  st = foyer_sync_engine_get_status (f.engine);
  g_assert_cmpint (st->dead, ==, 2);
  g_assert_cmpuint (st->sent, ==, 62);
  assert_outbox (f.store, 0, 62, 2);
  /* Bisecting 64 records around 2 bad ones: far fewer requests than one per record. */
  requests = foyer_test_receiver_stat (f.receiver, "requests");
  g_test_message ("%" G_GINT64_FORMAT " requests to isolate 2 bad records of 64", requests);
  g_assert_cmpint (requests, <=, 2 * 2 * 6 + 1);

  dead = foyer_store_outbox_list (f.store, FOYER_OUTBOX_DEAD, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dead->len, ==, 2);
  for (guint i = 0; i < dead->len; i++) {
    FoyerOutboxEntry *e = g_ptr_array_index (dead, i);
    g_assert_true (g_strcmp0 (e->record_id, ids->pdata[5]) == 0 ||
                   g_strcmp0 (e->record_id, ids->pdata[40]) == 0);
    g_assert_nonnull (strstr (e->last_error, "422"));
  }

  /* Per-record rejection in a 200 answer: dead with head office's reason, the rest done. */
  {
    g_autoptr(GPtrArray) more = NULL;
    g_autoptr(GPtrArray) dead2 = NULL;
    gboolean found = FALSE;

    g_autoptr(GPtrArray) planned = g_ptr_array_new_with_free_func (g_free);

    /* The receiver must know which id to refuse before the records exist: the running engine
     * may take them the moment they are committed. */
    for (guint i = 0; i < 10; i++)
      g_ptr_array_add (planned, foyer_record_id_new ());
    foyer_test_receiver_control (f.receiver,
                                 "{\"mode\":\"reject\",\"how\":\"record\",\"ids\":[\"%s\"]}",
                                 (char *)planned->pdata[3]);
    more = add_records_with_ids (f.store, 10, planned);
    foyer_sync_engine_wake (f.engine);
    wait_status (f.engine, drained_after, GUINT_TO_POINTER (64 + 10), 30, "second round");
    assert_outbox (f.store, 0, 71, 3);
    dead2 = foyer_store_outbox_list (f.store, FOYER_OUTBOX_DEAD, 10, &error);
    for (guint i = 0; i < dead2->len; i++) {
      FoyerOutboxEntry *e = g_ptr_array_index (dead2, i);
      if (g_strcmp0 (e->record_id, more->pdata[3]) == 0) {
        found = TRUE;
        g_assert_nonnull (strstr (e->last_error, "record refused by test receiver"));
      }
    }
    g_assert_true (found);
  }
  fixture_teardown (&f);
}

static void
test_engine_pause_on_401 (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  const FoyerSyncStatus *st;
  g_autofree char *right = NULL;
  g_autoptr(FoyerConfig) fixed = NULL;
  gint64 requests;

  fixture_setup (&f, "right", "wrong", "batch-size=10\n");
  ids = add_records (f.store, 30);
  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, in_state, GINT_TO_POINTER (FOYER_SYNC_STATE_PAUSED), 20, "paused");

  st = foyer_sync_engine_get_status (f.engine);
  g_assert_true (st->paused);
  g_assert_cmpint (st->paused_code, ==, FOYER_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (st->paused_message, "head office rejected the kiosk's credentials"));
  g_assert_true (st->online);
  g_assert_cmpint (st->pending, ==, 30);

  /* Paused means paused: new records and time do not bring requests. */
  requests = foyer_test_receiver_stat (f.receiver, "requests");
  g_ptr_array_extend_and_steal (ids, add_records (f.store, 5));
  run_for (500);
  g_assert_cmpint (foyer_test_receiver_stat (f.receiver, "requests"), ==, requests);
  assert_outbox (f.store, 35, 0, 0);

  /* Staff fix the token and press retry. */
  g_free (write_token (f.dir, "kiosk-token", "right"));
  foyer_sync_engine_retry (f.engine);
  wait_status (f.engine, drained, NULL, 20, "drained after retry");
  g_assert_false (foyer_sync_engine_get_status (f.engine)->paused);
  assert_exactly_once (f.receiver, ids);

  /* Head office rotates its token: paused again; a configuration change resumes. */
  g_free (write_token (f.dir, "server-token", "rotated"));
  g_ptr_array_extend_and_steal (ids, add_records (f.store, 3));
  wait_status (f.engine, in_state, GINT_TO_POINTER (FOYER_SYNC_STATE_PAUSED), 20, "paused again");
  right = write_token (f.dir, "kiosk-token-2", "rotated");
  fixed = make_config (foyer_test_receiver_url (f.receiver), right, NULL);
  g_assert_true (foyer_sync_engine_set_config (f.engine, fixed, &error));
  g_assert_no_error (error);
  wait_status (f.engine, drained, NULL, 20, "drained after config change");
  assert_exactly_once (f.receiver, ids);
  fixture_teardown (&f);
}

static gboolean
store_locked (const FoyerSyncStatus *st, gpointer data)
{
  return st->last_error != NULL && strstr (st->last_error, "locked by another program") != NULL;
}

/* Another program holds the database's write lock when the sync thread starts (a backup,
 * foyerctl): the sync thread says so and tries again by itself once the lock is gone, rather
 * than pausing until staff press retry. */
static void
test_engine_store_locked_at_start (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  const FoyerSyncStatus *st;
  sqlite3 *other = NULL;

  fixture_setup (&f, "right", "right", "backoff-min-ms=50\nbackoff-max-ms=300\n");
  ids = add_records (f.store, 3);
  g_assert_cmpint (sqlite3_open (f.db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, store_locked, NULL, 30, "the lock reported");
  st = foyer_sync_engine_get_status (f.engine);
  g_assert_false (st->paused);
  g_assert_cmpint (foyer_test_receiver_stat (f.receiver, "requests"), ==, 0);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  wait_status (f.engine, drained_after, GUINT_TO_POINTER (3), 30, "drained once the lock is gone");
  assert_exactly_once (f.receiver, ids);
  fixture_teardown (&f);
}

static void
test_engine_413_halving (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonObject) stats = NULL;
  const FoyerSyncStatus *st;
  gint64 n413;

  fixture_setup (&f, NULL, NULL, "batch-size=50\n");
  ids = add_records (f.store, 120);
  foyer_test_receiver_control (f.receiver, "{\"mode\":\"too-large\",\"max_records\":7}");
  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, drained, NULL, 30, "drained in smaller batches");

  st = foyer_sync_engine_get_status (f.engine);
  g_assert_cmpuint (st->batch_size, ==, 6);   /* 50 → 25 → 12 → 6 */
  assert_exactly_once (f.receiver, ids);
  stats = foyer_test_receiver_get (f.receiver, "/_stats");
  n413 = json_object_get_int_member (json_object_get_object_member (stats, "by_status"), "413");
  g_test_message ("%" G_GINT64_FORMAT " answers 413", n413);
  /* Once halved, later batches fit: 50 → 25 → 12 → 6 for the first batch, plus one for the
   * batch read ahead (pipelined) at the old size. */
  g_assert_cmpint (n413, <=, 4);
  fixture_teardown (&f);
}

static void
test_engine_backoff_bounded (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  const FoyerSyncStatus *st;
  gint64 requests;

  fixture_setup (&f, NULL, NULL, "backoff-min-ms=50\nbackoff-max-ms=400\n");
  ids = add_records (f.store, 20);
  foyer_test_receiver_control (f.receiver, "{\"mode\":\"status\",\"code\":503}");
  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, in_state, GINT_TO_POINTER (FOYER_SYNC_STATE_BACKOFF), 10, "backoff");
  run_for (2000);

  /* Without backoff this would be thousands; every wait is at least 50 ms and grows. */
  requests = foyer_test_receiver_stat (f.receiver, "requests");
  g_test_message ("%" G_GINT64_FORMAT " requests in 2 s against a failing server", requests);
  g_assert_cmpint (requests, >=, 3);
  g_assert_cmpint (requests, <=, 2000 / 50 + 1);
  st = foyer_sync_engine_get_status (f.engine);
  g_assert_false (st->online);
  g_assert_nonnull (strstr (st->last_error, "503"));
  g_assert_cmpint (st->pending, ==, 20);

  /* Retry-After is honoured even above the backoff ceiling. */
  foyer_test_receiver_control (f.receiver, "{\"reset\":true,\"mode\":\"status\",\"code\":503,"
                               "\"retry_after\":\"1\"}");
  run_for (2500);
  requests = foyer_test_receiver_stat (f.receiver, "requests");
  g_test_message ("%" G_GINT64_FORMAT " requests in 2.5 s with Retry-After: 1", requests);
  g_assert_cmpint (requests, <=, 4);
  st = foyer_sync_engine_get_status (f.engine);
  g_assert_cmpint (st->state, ==, FOYER_SYNC_STATE_BACKOFF);
  g_assert_cmpint (st->next_attempt, >, 0);

  /* The server goes away entirely (connections refused), then comes back. */
  foyer_test_receiver_control (f.receiver, "{\"mode\":\"down\",\"seconds\":3}");
  wait_status (f.engine, offline_backoff, NULL, 3, "offline while the server is down");
  wait_status (f.engine, drained, NULL, 20, "drained after the server came back");
  g_assert_true (foyer_sync_engine_get_status (f.engine)->online);
  assert_exactly_once (f.receiver, ids);
  fixture_teardown (&f);
}

static void
test_engine_stop_in_flight (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  gint64 start, elapsed;

  fixture_setup (&f, NULL, NULL, "timeout=60\n");
  ids = add_records (f.store, 10);
  foyer_test_receiver_control (f.receiver, "{\"mode\":\"stall\",\"seconds\":30}");
  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, in_state, GINT_TO_POINTER (FOYER_SYNC_STATE_SENDING), 10, "sending");
  run_for (300);

  start = g_get_monotonic_time ();
  foyer_sync_engine_stop (f.engine);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("stopped in %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (foyer_sync_engine_get_status (f.engine)->state, ==, FOYER_SYNC_STATE_STOPPED);
  /* The answer never came: the batch is pending again, not lost, not in flight. */
  assert_outbox (f.store, 10, 0, 0);
  {
    FoyerOutboxCounts counts = { 0 };
    g_assert_true (foyer_store_outbox_counts (f.store, &counts, NULL));
    g_assert_cmpint (counts.in_flight, ==, 0);
  }
  fixture_teardown (&f);
}

static void
test_engine_disabled (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("sync");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(FoyerConfig) config = foyer_config_new_default ();
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  engine = foyer_sync_engine_new (config, db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (foyer_sync_engine_get_status (engine)->state, ==, FOYER_SYNC_STATE_DISABLED);
  foyer_sync_engine_start (engine);
  ids = add_records (store, 5);
  foyer_sync_engine_wake (engine);
  run_for (300);
  g_assert_cmpint (foyer_sync_engine_get_status (engine)->state, ==, FOYER_SYNC_STATE_DISABLED);
  assert_outbox (store, 5, 0, 0);
  foyer_sync_engine_stop (engine);
}

static void
test_engine_insecure_warning (void)
{
  g_autoptr(FoyerConfig) config = make_config ("https://127.0.0.1:1/", NULL, "insecure=true\n");
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("sync");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);

  engine = foyer_sync_engine_new (config, db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (foyer_sync_engine_get_status (engine)->insecure_warning);
  g_assert_nonnull (strstr (foyer_sync_engine_get_status (engine)->insecure_warning, "TLS"));
}

static gboolean
failed_with (const FoyerSyncStatus *st, gpointer data)
{
  return (st->state == FOYER_SYNC_STATE_BACKOFF || st->state == FOYER_SYNC_STATE_PAUSED) &&
         st->last_error != NULL && strstr (st->last_error, data) != NULL;
}

static char *write_config (Fixture *f, const char *extra);

/* The sync thread meets every broken answer: it survives, keeps the records pending and says
 * what happened; `foyerctl sync --once` does not crash either. */
static void
test_engine_fault_modes (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *conf = NULL;

  fixture_setup (&f, NULL, NULL, "batch-size=5\n");
  ids = add_records (f.store, 10);
  foyer_sync_engine_start (f.engine);
  for (gsize k = 0; k < G_N_ELEMENTS (fault_kinds); k++) {
    for (gsize c = 0; c < G_N_ELEMENTS (fault_codes); c++) {
      g_autofree char *expected = fault_expectation (fault_codes[c]);
      const FoyerSyncStatus *st;

      g_test_message ("engine fault %s %d", fault_kinds[k], fault_codes[c]);
      foyer_test_receiver_control (f.receiver, "{\"mode\":\"fault\",\"kind\":\"%s\",\"code\":%d}",
                                   fault_kinds[k], fault_codes[c]);
      foyer_sync_engine_retry (f.engine);
      wait_status (f.engine, failed_with, expected, 20, expected);
      st = foyer_sync_engine_get_status (f.engine);
      g_assert_cmpint (st->pending, ==, 10);
      g_assert_cmpint (st->dead, ==, 0);
      g_assert_true (st->paused == (fault_codes[c] == 401));
      assert_outbox (f.store, 10, 0, 0);
    }
  }
  foyer_sync_engine_stop (f.engine);

  conf = write_config (&f, NULL);
  for (gsize k = 0; k < G_N_ELEMENTS (fault_kinds); k++) {
    const char *argv[] = { "--config", conf, "sync", "--once", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    foyer_test_receiver_control (f.receiver, "{\"mode\":\"fault\",\"kind\":\"%s\",\"code\":503}",
                                 fault_kinds[k]);
    status = foyer_test_run_foyerctl (argv, NULL, 0, &out, &err);
    g_test_message ("foyerctl sync --once, %s 503: %d %s", fault_kinds[k], status, err);
    g_assert_cmpint (status, ==, 75);
    g_assert_nonnull (strstr (err, "503"));
    g_assert_nonnull (strstr (out, "10 pending"));
  }
  assert_outbox (f.store, 10, 0, 0);

  foyer_test_receiver_control (f.receiver, "{\"mode\":\"ok\"}");
  {
    const char *argv[] = { "--config", conf, "sync", "--max-wait", "30", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, NULL), ==, 0);
  }
  assert_outbox (f.store, 0, 10, 0);
  assert_exactly_once (f.receiver, ids);
  fixture_teardown (&f);
}

/* A token file others can read is refused at every read, with the chmod to run; the sync
 * pauses and keeps the records. */
static void
test_token_file_mode (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *chmod_hint = NULL;
  g_autofree char *extra = NULL;
  const FoyerSyncStatus *st;

  fixture_setup (&f, "right", "right", NULL);
  chmod_hint = g_strdup_printf ("chmod 600 %s", f.kiosk_token);
  ids = add_records (f.store, 3);

  /* Loosened after the kiosk read it once: refused at the next read all the same. */
  foyer_sync_engine_start (f.engine);
  wait_status (f.engine, drained_after, GUINT_TO_POINTER (3), 20, "drained");
  g_assert_cmpint (g_chmod (f.kiosk_token, 0644), ==, 0);
  g_ptr_array_extend_and_steal (ids, add_records (f.store, 2));
  /* the engine may pause on the first new record; the second reaches the count after it */
  wait_status (f.engine, paused_with, GINT_TO_POINTER (2), 20, "paused with 2 pending");
  st = foyer_sync_engine_get_status (f.engine);
  g_assert_cmpint (st->paused_code, ==, FOYER_SYNC_ERROR_CONFIG);
  g_assert_nonnull (strstr (st->paused_message, chmod_hint));
  foyer_sync_engine_stop (f.engine);

  extra = g_strdup_printf ("token-file=%s\n", f.kiosk_token);
  conf = write_config (&f, extra);
  {
    const char *argv[] = { "--config", conf, "sync", "--once", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, chmod_hint));
  }
  g_assert_cmpint (g_chmod (f.kiosk_token, 0600), ==, 0);
  {
    const char *argv[] = { "--config", conf, "sync", "--once", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, NULL), ==, 0);
  }
  assert_exactly_once (f.receiver, ids);
  fixture_teardown (&f);
}

static void
test_json_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* 100k brackets crashed json-glib (recursion); refused before it sees them. */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_null (foyer_json_parse (deep->str, deep->len, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* The limit itself parses; one more does not; brackets inside strings do not count. */
  g_string_truncate (deep, 0);
  for (int i = 0; i < FOYER_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  g_string_append (deep, "\"[[[[{{{{\"");
  for (int i = 0; i < FOYER_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  node = foyer_json_parse (deep->str, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_string_prepend_c (deep, '[');
  g_string_append_c (deep, ']');
  g_assert_null (foyer_json_parse (deep->str, -1, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  g_assert_null (foyer_json_parse (NULL, 0, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (foyer_json_parse ("\xff\xfe{}", -1, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (foyer_json_parse ("<html>", -1, &error));
  g_assert_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID);
}

/* ---- foyerctl ---- */

static char *
write_config (Fixture *f, const char *extra)
{
  g_autofree char *data = g_strdup_printf ("[kiosk]\nid=test-kiosk\nevent=expo-2026\n"
                                           "[storage]\ndatabase=%s\n"
                                           "[sync]\nbackend=http-json\nurl=%s\n"
                                           "connect-timeout=1\ntimeout=5\nbatch-size=20\n"
                                           "backoff-min-ms=20\nbackoff-max-ms=200\n%s",
                                           f->db, foyer_test_receiver_url (f->receiver),
                                           extra != NULL ? extra : "");
  return foyer_test_write_file (f->dir, "foyer.conf", data);
}

static void
test_foyerctl_sync_and_outbox (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *none_conf = NULL;
  g_autofree char *bad_conf = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  fixture_setup (&f, NULL, NULL, NULL);
  conf = write_config (&f, NULL);
  none_conf = foyer_test_write_file (f.dir, "none.conf", "[sync]\nbackend=none\n");
  bad_conf = foyer_test_write_file (f.dir, "bad.conf", "[sync]\nbackend=http-json\n");
  ids = add_records (f.store, 30);

  {
    const char *argv[] = { "--config", none_conf, "sync", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "backend is none"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "--config", bad_conf, "sync", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "[sync] url"));
    g_clear_pointer (&err, g_free);
  }
  {
    /* Head office down: one pass, records remain, 75. */
    const char *argv[] = { "--config", conf, "sync", "--once", NULL };
    foyer_test_receiver_control (f.receiver, "{\"mode\":\"status\",\"code\":503}");
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 75);
    g_assert_nonnull (strstr (err, "503"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* Without --once it retries, but not forever. */
    const char *argv[] = { "--config", conf, "sync", "--max-wait", "1", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 75);
    g_assert_nonnull (strstr (err, "giving up"));
    g_assert_nonnull (strstr (out, "0 records sent, 30 pending"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "--config", conf, "sync", "--progress", "--max-wait", "30", NULL };
    foyer_test_receiver_control (f.receiver, "{\"mode\":\"reject\",\"how\":\"record\","
                                 "\"ids\":[\"%s\"]}", (char *)ids->pdata[0]);
    /* Everything answered, but one record refused: 65, so a drain script notices. */
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 65);
    g_assert_nonnull (strstr (out, "29 records sent, 0 pending"));
    g_assert_nonnull (strstr (err, "30/30"));   /* progress, not a TTY: plain lines */
    g_assert_nonnull (strstr (err, "outbox --dead"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "--config", conf, "outbox", "--dead", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, ids->pdata[0]));
    g_assert_nonnull (strstr (out, "dead 1"));
    g_assert_null (strstr (out, ids->pdata[1]));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "--config", conf, "outbox", "--requeue", "no-such-id", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "no-such-id"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "--config", conf, "outbox", "--requeue", ids->pdata[0], NULL };
    const char *sync[] = { "--config", conf, "sync", "--max-wait", "30", NULL };
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "1 record requeued"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    foyer_test_receiver_control (f.receiver, "{\"mode\":\"ok\"}");
    g_assert_cmpint (foyer_test_run_foyerctl (sync, NULL, 0, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "1 records sent, 0 pending, 0 refused"));
  }
  assert_exactly_once (f.receiver, ids);
  fixture_teardown (&f);
}

static void
test_foyerctl_kill_9 (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *conf = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *foyerctl = g_getenv ("FOYERCTL");
  FoyerOutboxCounts counts = { 0 };
  gint64 deadline;

  fixture_setup (&f, NULL, NULL, NULL);
  conf = write_config (&f, NULL);
  ids = add_records (f.store, 600);
  /* Every answer takes 0.2 s and is decided before it is sent: a kill lands mid-request with
   * the records already stored at head office but not acknowledged at the kiosk. */
  foyer_test_receiver_control (f.receiver, "{\"mode\":\"stall\",\"seconds\":0.2}");

  for (int round = 0; round < 3; round++) {
    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, foyerctl, "--config", conf, "sync", NULL);
    g_assert_no_error (error);
    deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (foyer_test_receiver_stat (f.receiver, "records_seen") < 100 * (round + 1) + 10 &&
           g_get_monotonic_time () < deadline)
      g_usleep (50 * 1000);
    g_subprocess_send_signal (proc, SIGKILL);
    g_subprocess_wait (proc, NULL, &error);   /* reaped: its pid is gone for the store */
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_signaled (proc));
    g_clear_object (&proc);

    g_assert_true (foyer_store_outbox_counts (f.store, &counts, NULL));
    g_test_message ("after kill %d: pending %" G_GINT64_FORMAT " in flight %" G_GINT64_FORMAT
                    " done %" G_GINT64_FORMAT, round, counts.pending, counts.in_flight,
                    counts.done);
    g_assert_cmpint (counts.done, <, 600);
  }

  foyer_test_receiver_control (f.receiver, "{\"mode\":\"ok\"}");
  {
    const char *argv[] = { "--config", conf, "sync", "--max-wait", "30", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
  }
  assert_outbox (f.store, 0, 600, 0);
  assert_exactly_once (f.receiver, ids);
  /* The killed requests had reached head office: their records came again as duplicates. */
  g_assert_cmpint (foyer_test_receiver_stat (f.receiver, "deliveries"), >, 600);
  fixture_teardown (&f);
}

/* ---- the same cases against both head offices ----
 *
 * Each case below runs against tests/sync-receiver.py (meson test `sync`, paths /sync/both/…)
 * and against a real `foyer-hub serve` with the kiosk enrolled as a device (meson test
 * `sync-hub`, paths /sync-hub/…), through sync-test-server.h. Cases that need fault injection
 * only the receiver can do stay receiver-only above: answers that are HTML pages, empty, not
 * JSON or truncated gzip (fault-modes), arbitrary status codes and Retry-After forms
 * (status-mapping, retry-after), lost or partial answers (exactly-once-random-faults),
 * whole-batch 422 refusals (dead-letter-and-split), stalls longer than the kiosk's timeout
 * (backoff-bounded, stop-in-flight) and answers read ahead of time (foyerctl/sync-and-outbox). */

/* n registrations as a kiosk sends them, valid for SYNC_SERVER_EVENT; notes of note_len. */
static JsonArray *
valid_records (guint n,
               guint note_len)
{
  JsonArray *records = json_array_new ();

  for (guint i = 0; i < n; i++) {
    g_autoptr(FoyerRegistration) reg = foyer_registration_new ();

    reg->id = foyer_record_id_new ();
    reg->created_at = foyer_timestamp_now ();
    reg->event = g_strdup (SYNC_SERVER_EVENT);
    reg->kiosk_id = g_strdup (SYNC_SERVER_KIOSK);
    reg->kind = g_strdup (FOYER_KIND_WALK_IN);
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    reg->source = g_strdup (FOYER_SOURCE_MANUAL);
    reg->full_name = g_strdup_printf ("访客 Visitor %u", i);
    reg->organization = g_strnfill (note_len, 'a' + (i % 26));
    reg->consent_given = TRUE;
    reg->consent_version = g_strdup ("1");
    json_array_add_object_element (records, foyer_registration_to_json (reg));
  }
  return records;
}

static const char *
record_id (JsonArray *records,
           guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (records, i), "id");
}

static FoyerSyncBackend *
server_backend (SyncServer *server)
{
  g_autoptr(FoyerConfig) config = make_config (sync_server_url (server),
                                               sync_server_token_file (server), NULL);
  g_autoptr(GError) error = NULL;
  FoyerSyncBackend *backend = foyer_sync_backend_new_for_config (config, &error);

  g_assert_no_error (error);
  return backend;
}

static void
assert_statuses (GPtrArray            *results,
                 JsonArray            *records,
                 guint                 n,
                 FoyerSyncItemStatus   status)
{
  g_assert_cmpuint (results->len, >=, n);
  for (guint i = 0; i < n; i++) {
    FoyerSyncItemResult *r = g_ptr_array_index (results, i);
    g_assert_cmpstr (r->id, ==, record_id (records, i));
    g_assert_cmpint (r->status, ==, status);
  }
}

/* Head office holds exactly the ids, each once. */
static void
assert_stored_once (SyncServer *server,
                    GPtrArray  *ids)
{
  g_autoptr(GHashTable) stored = sync_server_stored (server);

  g_assert_cmpuint (g_hash_table_size (stored), ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, ids->pdata[i])), ==, 1);
}

/* accepted, then duplicate; rejected with a reason; the same batch id answered as before. */
static void
both_accept_duplicate_reject (SyncServerKind kind)
{
  g_autoptr(SyncServer) server = sync_server_start (kind, NULL);
  g_autoptr(FoyerSyncBackend) backend = server_backend (server);
  g_autoptr(JsonArray) records = valid_records (4, 8);
  g_autoptr(GPtrArray) first = NULL, replay = NULL, again = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *batch_id = g_uuid_string_random ();
  FoyerSyncItemResult *bad;
  gint64 retry_after = -1;

  /* A record type head office does not know is refused on its own. */
  json_object_set_string_member (json_array_get_object_element (records, 3), "type", "visitor");
  g_assert_true (foyer_sync_backend_send_batch (backend, batch_id, records, &first, &retry_after,
                                                NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 4);
  assert_statuses (first, records, 3, FOYER_SYNC_ITEM_ACCEPTED);
  bad = g_ptr_array_index (first, 3);
  g_assert_cmpint (bad->status, ==, FOYER_SYNC_ITEM_REJECTED);
  g_assert_nonnull (bad->reason);
  g_assert_cmpstr (bad->reason, !=, "");

  /* The answer was lost: the same batch (same Idempotency-Key) gets the stored answer again,
   * "accepted" and not "duplicate". */
  g_assert_true (foyer_sync_backend_send_batch (backend, batch_id, records, &replay,
                                                &retry_after, NULL, &error));
  g_assert_cmpuint (replay->len, ==, 4);
  assert_statuses (replay, records, 3, FOYER_SYNC_ITEM_ACCEPTED);
  g_assert_cmpint (((FoyerSyncItemResult *) replay->pdata[3])->status, ==,
                   FOYER_SYNC_ITEM_REJECTED);

  /* The same records in a new batch: head office knows them. */
  g_assert_true (send (backend, records, &again, NULL, &error));
  assert_statuses (again, records, 3, FOYER_SYNC_ITEM_DUPLICATE);

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (ids, g_strdup (record_id (records, i)));
  assert_stored_once (server, ids);
  g_assert_true (foyer_sync_backend_check_health (backend, NULL, &error));
  g_assert_no_error (error);
}

/* A batch large enough to be sent gzip-compressed is read and stored whole. */
static void
both_gzip (SyncServerKind kind)
{
  g_autoptr(SyncServer) server = sync_server_start (kind, NULL);
  g_autoptr(FoyerSyncBackend) backend = server_backend (server);
  g_autoptr(JsonArray) records = valid_records (60, 150);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), records);
  g_autofree char *text = json_to_string (node, FALSE);

  /* Well above the size from which the backend compresses (sync-receiver.py's `sync` case
   * backend/gzip-and-rejected also checks the Content-Encoding header it received). */
  g_assert_cmpuint (strlen (text), >, 8 * FOYER_HTTP_BACKEND_GZIP_THRESHOLD);
  g_assert_true (send (backend, records, &results, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 60);
  assert_statuses (results, records, 60, FOYER_SYNC_ITEM_ACCEPTED);
  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (ids, g_strdup (record_id (records, i)));
  assert_stored_once (server, ids);
}

typedef struct {
  char            *dir;
  char            *db;
  SyncServer      *server;
  FoyerStore      *store;
  FoyerConfig     *config;
  FoyerSyncEngine *engine;
} Both;

static void
both_setup (Both                    *b,
            SyncServerKind           kind,
            const SyncServerOptions *options,
            const char              *extra)
{
  g_autoptr(GError) error = NULL;

  b->dir = foyer_test_make_tmpdir ("sync");
  b->db = g_build_filename (b->dir, "foyer.db", NULL);
  b->server = sync_server_start (kind, options);
  b->store = foyer_store_open (b->db, &error);
  g_assert_no_error (error);
  b->config = make_config (sync_server_url (b->server), sync_server_token_file (b->server),
                           extra);
  b->engine = foyer_sync_engine_new (b->config, b->db, &error);
  g_assert_no_error (error);
  g_signal_connect_object (b->store, "record-added", G_CALLBACK (foyer_sync_engine_wake),
                           b->engine, G_CONNECT_SWAPPED);
}

static void
both_teardown (Both *b)
{
  foyer_sync_engine_stop (b->engine);
  g_clear_object (&b->engine);
  g_clear_object (&b->store);
  g_clear_object (&b->config);
  g_clear_pointer (&b->server, sync_server_stop);
  g_free (b->db);
  g_free (b->dir);
}

/* Revoked credentials pause the kiosk: no retry loop, records kept, staff told. */
static void
both_pause_on_401 (SyncServerKind kind)
{
  Both b = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) later = NULL;
  const FoyerSyncStatus *st;

  both_setup (&b, kind, NULL, "batch-size=10\n");
  ids = add_records (b.store, 20);
  foyer_sync_engine_start (b.engine);
  wait_status (b.engine, drained_after, GUINT_TO_POINTER (20), 30, "first records delivered");

  sync_server_revoke (b.server);
  later = add_records (b.store, 5);
  /* the pause may come with the first of the 5 (a pull or an upload meets the 401 first) */
  wait_status (b.engine, paused_with, GINT_TO_POINTER (5), 20, "paused, 5 records waiting");
  st = foyer_sync_engine_get_status (b.engine);
  g_assert_true (st->paused);
  g_assert_cmpint (st->paused_code, ==, FOYER_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (st->paused_message, "head office rejected the kiosk's credentials"));

  /* Paused means paused: time and new records change nothing at head office. */
  g_ptr_array_extend_and_steal (later, add_records (b.store, 2));
  run_for (600);
  g_assert_true (foyer_sync_engine_get_status (b.engine)->paused);
  assert_outbox (b.store, 7, 20, 0);
  assert_stored_once (b.server, ids);
  both_teardown (&b);
}

/* 413: the kiosk halves its batches until they fit; every record arrives once. */
static void
both_413_halving (SyncServerKind kind)
{
  const SyncServerOptions small = { .small_bodies = TRUE };
  Both b = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  const FoyerSyncStatus *st;

  both_setup (&b, kind, &small, "batch-size=64\n");
  ids = add_records (b.store, 120);
  foyer_sync_engine_start (b.engine);
  wait_status (b.engine, drained_after, GUINT_TO_POINTER (120), 60, "drained in smaller batches");
  st = foyer_sync_engine_get_status (b.engine);
  g_test_message ("%s: batch size %u after 413", sync_server_name (b.server), st->batch_size);
  g_assert_cmpuint (st->batch_size, <, 64);
  g_assert_cmpuint (st->batch_size, >, 0);
  g_assert_cmpint (st->dead, ==, 0);
  assert_outbox (b.store, 0, 120, 0);
  assert_stored_once (b.server, ids);
  both_teardown (&b);
}

/* Head office goes away mid-sync and comes back: the kiosk resends what was not acknowledged,
 * and every record is stored exactly once. */
static void
both_server_restart (SyncServerKind kind)
{
  const SyncServerOptions slow = { .slow = TRUE };
  Both b = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  gint64 deadline;

  both_setup (&b, kind, &slow, "batch-size=20\n");
  ids = add_records (b.store, 300);
  foyer_sync_engine_start (b.engine);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (foyer_sync_engine_get_status (b.engine)->sent < 60 && g_get_monotonic_time () < deadline)
    run_for (20);
  /* Answers take 0.2 s each: most records are still to come. */
  g_assert_cmpuint (foyer_sync_engine_get_status (b.engine)->sent, <, 300);
  sync_server_restart (b.server);
  wait_status (b.engine, drained_after, GUINT_TO_POINTER (300), 90, "drained after the restart");
  g_assert_cmpuint (foyer_sync_engine_get_status (b.engine)->sent, ==, 300);
  assert_outbox (b.store, 0, 300, 0);
  assert_stored_once (b.server, ids);
  both_teardown (&b);
}

/* `foyerctl sync` killed with SIGKILL three times mid-sync, then run to the end: exactly once. */
static void
both_foyerctl_kill_9 (SyncServerKind kind)
{
  const SyncServerOptions slow = { .slow = TRUE };
  Both b = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *conf = NULL, *data = NULL;
  const char *foyerctl = g_getenv ("FOYERCTL");
  FoyerOutboxCounts counts = { 0 };

  both_setup (&b, kind, &slow, NULL);
  data = g_strdup_printf ("[kiosk]\nid=" SYNC_SERVER_KIOSK "\nevent=" SYNC_SERVER_EVENT "\n"
                          "[storage]\ndatabase=%s\n[sync]\nbackend=http-json\nurl=%s\n"
                          "token-file=%s\nconnect-timeout=1\ntimeout=5\nbatch-size=20\n"
                          "backoff-min-ms=20\nbackoff-max-ms=200\n", b.db,
                          sync_server_url (b.server), sync_server_token_file (b.server));
  conf = foyer_test_write_file (b.dir, "foyer.conf", data);
  ids = add_records (b.store, 300);

  for (int round = 0; round < 3; round++) {
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) error = NULL;
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, foyerctl, "--config", conf, "sync", NULL);
    g_assert_no_error (error);
    do {
      g_usleep (50 * 1000);
      g_assert_true (foyer_store_outbox_counts (b.store, &counts, NULL));
    } while (counts.done < 50 * (round + 1) && g_get_monotonic_time () < deadline);
    g_subprocess_send_signal (proc, SIGKILL);
    g_subprocess_wait (proc, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_signaled (proc));
    g_assert_true (foyer_store_outbox_counts (b.store, &counts, NULL));
    g_test_message ("after kill %d: done %" G_GINT64_FORMAT, round, counts.done);
    g_assert_cmpint (counts.done, <, 300);
  }
  {
    const char *argv[] = { "--config", conf, "sync", "--max-wait", "60", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (foyer_test_run_foyerctl (argv, NULL, 0, &out, &err), ==, 0);
  }
  assert_outbox (b.store, 0, 300, 0);
  assert_stored_once (b.server, ids);
  both_teardown (&b);
}

/* Hub only: sync-receiver.py has no events or devices. A record for another event is refused
 * on its own (dead letter with the hub's reason); the others are stored. */
static void
both_event_isolation (SyncServerKind kind)
{
  Both b = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) dead = NULL;
  g_autoptr(FoyerRegistration) other = foyer_registration_new ();
  g_autoptr(GError) error = NULL;
  FoyerOutboxEntry *entry;

  both_setup (&b, kind, NULL, NULL);
  ids = add_records (b.store, 5);
  other->event = g_strdup ("other-show");
  other->kiosk_id = g_strdup (SYNC_SERVER_KIOSK);
  other->kind = g_strdup (FOYER_KIND_WALK_IN);
  other->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  other->source = g_strdup (FOYER_SOURCE_MANUAL);
  other->full_name = g_strdup ("Elsewhere");
  other->consent_given = TRUE;
  other->consent_version = g_strdup ("1");
  g_assert_true (foyer_store_add_registration (b.store, other, NULL, &error));
  g_assert_no_error (error);
  foyer_sync_engine_start (b.engine);
  wait_status (b.engine, drained_after, GUINT_TO_POINTER (6), 30, "drained");
  assert_outbox (b.store, 0, 5, 1);
  dead = foyer_store_outbox_list (b.store, FOYER_OUTBOX_DEAD, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dead->len, ==, 1);
  entry = g_ptr_array_index (dead, 0);
  g_assert_cmpstr (entry->record_id, ==, other->id);
  g_assert_nonnull (strstr (entry->last_error, "other-show"));
  assert_stored_once (b.server, ids);
  both_teardown (&b);
}

typedef void (*BothCase) (SyncServerKind kind);

static const struct {
  const char *name;
  BothCase    func;
  gboolean    hub_only;
} both_cases[] = {
  { "accept-duplicate-reject", both_accept_duplicate_reject, FALSE },
  { "gzip", both_gzip, FALSE },
  { "pause-on-401", both_pause_on_401, FALSE },
  { "413-halving", both_413_halving, FALSE },
  { "server-restart", both_server_restart, FALSE },
  { "foyerctl-kill-9", both_foyerctl_kill_9, FALSE },
  { "event-isolation", both_event_isolation, TRUE },
};

static void
run_both_case (gconstpointer data)
{
  const BothCase *func = data;

  (*func) (g_str_has_prefix (g_test_get_path (), "/sync-hub/") ? SYNC_SERVER_HUB
                                                                 : SYNC_SERVER_RECEIVER);
}

/* --hub: only the shared cases, against foyer-hub (meson test `sync-hub`). */
static void
add_both_cases (gboolean hub)
{
  for (guint i = 0; i < G_N_ELEMENTS (both_cases); i++) {
    g_autofree char *path = NULL;

    if (both_cases[i].hub_only && !hub)
      continue;
    path = g_strconcat (hub ? "/sync-hub/" : "/sync/both/", both_cases[i].name, NULL);
    g_test_add_data_func (path, &both_cases[i].func, run_both_case);
  }
}

int
main (int argc, char **argv)
{
  gboolean hub = argc > 1 && strcmp (argv[1], "--hub") == 0;

  if (hub) {   /* meson test `sync-hub`: the shared cases against foyer-hub, nothing else */
    argv[1] = argv[0];
    argc--;
    argv++;
  }
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  add_both_cases (hub);
  if (hub)
    return g_test_run ();

  g_test_add_func ("/sync/parse-results", test_parse_results);
  g_test_add_func ("/sync/retry-after", test_retry_after);
  g_test_add_func ("/sync/backend/config", test_backend_config);
  g_test_add_func ("/sync/backend/accept-and-duplicate", test_backend_accept_and_duplicate);
  g_test_add_func ("/sync/backend/gzip-and-rejected", test_backend_gzip_and_rejected);
  g_test_add_func ("/sync/backend/status-mapping", test_backend_status_mapping);
  g_test_add_func ("/sync/backend/token-file", test_backend_token_file);
  g_test_add_func ("/sync/backend/cancel", test_backend_cancel);
  g_test_add_func ("/sync/backend/health", test_backend_health);
  g_test_add_func ("/sync/backend/tls", test_backend_tls);
  g_test_add_func ("/sync/backend/plain-http", test_backend_plain_http);
  g_test_add_func ("/sync/backend/fault-modes", test_backend_fault_modes);
  g_test_add_func ("/sync/json/depth", test_json_depth);
  g_test_add_func ("/sync/engine/disabled", test_engine_disabled);
  g_test_add_func ("/sync/engine/insecure-warning", test_engine_insecure_warning);
  g_test_add_func ("/sync/engine/exactly-once-random-faults",
                   test_engine_exactly_once_random_faults);
  g_test_add_func ("/sync/engine/dead-letter-and-split", test_engine_dead_letter_and_split);
  g_test_add_func ("/sync/engine/pause-on-401", test_engine_pause_on_401);
  g_test_add_func ("/sync/engine/413-halving", test_engine_413_halving);
  g_test_add_func ("/sync/engine/store-locked-at-start", test_engine_store_locked_at_start);
  g_test_add_func ("/sync/engine/backoff-bounded", test_engine_backoff_bounded);
  g_test_add_func ("/sync/engine/stop-in-flight", test_engine_stop_in_flight);
  g_test_add_func ("/sync/engine/fault-modes", test_engine_fault_modes);
  g_test_add_func ("/sync/engine/token-file-mode", test_token_file_mode);
  g_test_add_func ("/sync/foyerctl/sync-and-outbox", test_foyerctl_sync_and_outbox);
  g_test_add_func ("/sync/foyerctl/kill-9", test_foyerctl_kill_9);

  return g_test_run ();
}
