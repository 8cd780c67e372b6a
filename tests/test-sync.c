/* test-sync.c: the http-json backend and the sync engine against a real receiver on 127.0.0.1. */
#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-test-util.h"
#include "foyer-test-receiver.h"

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
                                           "connect-timeout=1\ntimeout=1\n"
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
  g_autoptr(JsonObject) bad = json_object_new ();
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
    { "{\"mode\":\"stall\",\"seconds\":3}", FOYER_SYNC_ERROR_TRANSIENT, 0, 0 },
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
  g_assert_nonnull (strstr (error->message, "tryton backend not built"));
  g_clear_error (&error);

  backend = foyer_sync_backend_new_for_config (insecure, &error);
  g_assert_no_error (error);
  g_assert_nonnull (foyer_http_backend_get_warning (FOYER_HTTP_BACKEND (backend)));
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
  ms = foyer_http_backend_parse_retry_after (date, now);
  g_assert_cmpint (ms, >, 85000);
  g_assert_cmpint (ms, <=, 90000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/parse-results", test_parse_results);
  g_test_add_func ("/sync/retry-after", test_retry_after);
  g_test_add_func ("/sync/backend/config", test_backend_config);
  g_test_add_func ("/sync/backend/accept-and-duplicate", test_backend_accept_and_duplicate);
  g_test_add_func ("/sync/backend/gzip-and-rejected", test_backend_gzip_and_rejected);
  g_test_add_func ("/sync/backend/status-mapping", test_backend_status_mapping);
  g_test_add_func ("/sync/backend/token-file", test_backend_token_file);
  g_test_add_func ("/sync/backend/cancel", test_backend_cancel);
  g_test_add_func ("/sync/backend/health", test_backend_health);

  return g_test_run ();
}
