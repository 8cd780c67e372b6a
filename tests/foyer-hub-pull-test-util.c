/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-test-util.c: devices, records and pulls over HTTP for the two-way sync tests and
 * benchmark of the hub (tests/test-hub-pull.c, tests/bench-hub-pull.c). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "foyer-core.h"
#include "foyer-hub-test-util.h"
#include "foyer-hub-pull-test-util.h"
#include "foyer-test-util.h"

/* `device add NAME --event E [--mode booth --booth B]`, enrolled: the device's token. */
char *
foyer_test_pull_device_token (FoyerTestHub *hub, const char *name, const char *event,
                              const char *booth)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  char *token;
  int status;

  if (booth != NULL)
    status = foyer_test_hub_run (hub, &out, &err, "device", "add", name, "--event", event,
                                 "--mode", "booth", "--booth", booth, NULL);
  else
    status = foyer_test_hub_run (hub, &out, &err, "device", "add", name, "--event", event, NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  token = foyer_test_enroll_token (lines[g_strv_length (lines) - 1]);
  g_assert_nonnull (token);
  return token;
}

void
foyer_test_pull_post (FoyerTestHub *hub, const char *token, const char *records_json)
{
  g_autofree char *url = g_strconcat (hub->url, "/v1/records", NULL);
  g_autofree char *batch = g_strdup_printf ("{\"protocol\":1,\"records\":[%s]}", records_json);
  g_autofree char *answer = NULL;
  guint status = foyer_test_http ("POST", url, token, NULL, batch, strlen (batch), TRUE, &answer,
                                  NULL);

  if (status != 200)
    g_test_message ("POST answered %u: %s", status, answer);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (strstr (answer, "\"rejected\""));
}

char *
foyer_test_pull_registration_json (const char *id, const char *badge, const char *name,
                                   const char *email)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"registration\",\"created_at\":"
                          "\"2026-11-24T09:00:00.000Z\",\"event\":\"ev1\",\"kiosk_id\":\"k\","
                          "\"kind\":\"walk_in\",\"category\":\"trade_visitor\",\"full_name\":"
                          "\"%s\",\"emails\":[\"%s\"],\"phones\":[\"+8613800138000\"],"
                          "\"badge_code\":\"%s\",\"source\":\"manual\",\"consent_given\":true}",
                          id, name, email, badge);
}

char *
foyer_test_pull_check_in_json (const char *id, const char *badge, gboolean exit,
                               const char *area, const char *at)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"check_in\",\"created_at\":\"%s\","
                          "\"event\":\"ev1\",\"kiosk_id\":\"k\",\"kind\":\"check_in\","
                          "\"category\":\"trade_visitor\",\"badge_code\":\"%s\",\"source\":"
                          "\"badge\",\"consent_given\":true,\"direction\":\"%s\",\"area\":\"%s\"}",
                          id, at, badge, exit ? "exit" : "entry", area);
}

char *
foyer_test_pull_annulment_json (const char *id, const char *annuls)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"annulment\",\"created_at\":"
                          "\"2026-11-24T09:30:00.000Z\",\"annuls\":\"%s\"}", id, annuls);
}

/* ---- GET ---- */

void
foyer_test_pull_answer_clear (FoyerTestAnswer *answer)
{
  g_clear_pointer (&answer->json, json_node_unref);
}

static GBytes *
gunzip_bytes (GBytes *bytes)
{
  g_autoptr(GConverter) z = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (raw, z);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_cmpint (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                                           NULL), >=, 0);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* GET url+path (no content decoder: the test sees what the hub sent). */
FoyerTestAnswer
foyer_test_pull_get (FoyerTestHub *hub, const char *token, const char *path, gboolean gzip)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *url = g_strconcat (hub->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  FoyerTestAnswer answer = { 0 };

  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  if (token != NULL) {
    g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
    soup_message_headers_replace (headers, "Authorization", auth);
  }
  if (gzip)
    soup_message_headers_replace (headers, "Accept-Encoding", "gzip");
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer.status = soup_message_get_status (msg);
  answer.wire_bytes = g_bytes_get_size (reply);
  answer.gzipped = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                            "Content-Encoding"), "gzip") == 0;
  answer.cached = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "X-Foyer-Cache"), "hit") == 0;
  if (answer.gzipped) {
    GBytes *plain = gunzip_bytes (reply);
    g_bytes_unref (reply);
    reply = plain;
  }
  answer.json = json_from_string (g_bytes_get_data (reply, NULL) ? : "", NULL);
  return answer;
}

JsonArray *
foyer_test_pull_rows_of (FoyerTestAnswer *answer)
{
  return json_object_get_array_member (json_node_get_object (answer->json), "rows");
}

const char *
foyer_test_pull_cursor_of (FoyerTestAnswer *answer)
{
  return json_object_get_string_member (json_node_get_object (answer->json), "cursor");
}

gboolean
foyer_test_pull_more_of (FoyerTestAnswer *answer)
{
  return json_object_get_boolean_member (json_node_get_object (answer->json), "more");
}

gint64
foyer_test_pull_inside_of (FoyerTestAnswer *answer, const char *area)
{
  JsonObject *inside = json_object_get_object_member (json_node_get_object (answer->json),
                                                      "inside");
  JsonObject *areas = json_object_get_object_member (inside, "areas");

  if (area == NULL)
    return json_object_get_int_member (inside, "event");
  return json_object_get_int_member_with_default (areas, area, 0);
}

/* The row of rows whose member key is value (the last one: later rows replace earlier). */
JsonObject *
foyer_test_pull_row_where (JsonArray *rows, const char *key, const char *value)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (rows); i++) {
    JsonObject *row = json_array_get_object_element (rows, i);
    if (g_strcmp0 (json_object_get_string_member_with_default (row, key, NULL), value) == 0)
      found = row;
  }
  return found;
}

char *
foyer_test_pull_path (const char *endpoint, const char *cursor, guint limit, guint wait)
{
  g_autofree char *escaped = g_uri_escape_string (cursor != NULL ? cursor : "", NULL, TRUE);

  return g_strdup_printf ("/v1/%s?since=%s&limit=%u&wait=%u", endpoint, escaped, limit, wait);
}

/* Every row from cursor on, page by page; *pages counts the requests; the final cursor. */
char *
foyer_test_pull_all (FoyerTestHub *hub, const char *token, const char *endpoint,
                     const char *cursor, guint limit, JsonArray *into, guint *pages)
{
  char *current = g_strdup (cursor);

  *pages = 0;
  for (;;) {
    g_autofree char *path = foyer_test_pull_path (endpoint, current, limit, 0);
    FoyerTestAnswer answer = foyer_test_pull_get (hub, token, path, TRUE);
    JsonArray *rows;

    g_assert_cmpuint (answer.status, ==, 200);
    rows = foyer_test_pull_rows_of (&answer);
    g_assert_cmpuint (json_array_get_length (rows), <=, limit);
    for (guint i = 0; i < json_array_get_length (rows); i++)
      json_array_add_element (into, json_node_copy (json_array_get_element (rows, i)));
    g_free (current);
    current = g_strdup (foyer_test_pull_cursor_of (&answer));
    (*pages)++;
    if (!foyer_test_pull_more_of (&answer)) {
      foyer_test_pull_answer_clear (&answer);
      return current;
    }
    foyer_test_pull_answer_clear (&answer);
  }
}

char *
foyer_test_pull_write_preregistrations (guint n, const char *extra_email)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-pull-import");
  g_autoptr(GString) csv = g_string_new ("badge_code,full_name,organization,email,phone\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "P%05u,Visitor %u,Company %u,v%u@example.com,+86138%08u\n", i, i,
                            i % 50, i, i);
  if (extra_email != NULL)
    g_string_append_printf (csv, "ERASE1,王芳,华为,%s,+8613911112222\n", extra_email);
  return foyer_test_write_file (dir, "pre.csv", csv->str);
}

void
foyer_test_pull_import (FoyerTestHub *hub, const char *csv)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "import", csv, "--event", "ev1", NULL),
                   ==, 0);
}

