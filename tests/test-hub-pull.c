/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-pull.c: the hub side of two-way sync (issue 16, docs/sync-protocol.md "Two-way
 * sync") on a real `foyer-hub serve`, over HTTP on 127.0.0.1, on SQLite and on a real
 * PostgreSQL 15 the test starts itself: paged pulls with cursors, gzip, long-poll wake-up,
 * 401/403/400, revocation, annulment, occupancy under 20 concurrent gates, booth merge in both
 * orders, erasure, and two hub processes on one PostgreSQL. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "foyer-core.h"
#include "foyer-hub-web-source.h"
#include "foyer-hub-test-util.h"
#include "foyer-hub-pull-test-util.h"
#include "foyer-test-util.h"

typedef struct {
  const char *backend;   /* "sqlite" | "postgresql" */
} Param;

static FoyerTestHub *
new_hub (const Param *param, const char *extra_conf)
{
  g_autofree char *database = NULL;

  if (g_str_equal (param->backend, "postgresql") &&
      (database = foyer_test_pg_shared_database ()) == NULL)
    return NULL;
  return foyer_test_hub_new (database, extra_conf);
}

/* ---- tests ---- */

/* Pages with cursors and limits, resume from an older cursor without gaps or duplicates, gzip,
 * 400/401, event isolation, the features in /v1/health. */
static void
test_paging (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *other = NULL, *csv = NULL, *end = NULL, *again = NULL;
  g_autofree char *second_cursor = NULL;
  g_autoptr(JsonArray) all = json_array_new ();
  g_autoptr(JsonArray) resumed = json_array_new ();
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) records = g_string_new (NULL);
  FoyerTestAnswer answer;
  guint pages = 0, more_pages = 0;
  gsize plain_bytes;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  other = foyer_test_pull_device_token (hub, "gate-x", "ev2", NULL);
  csv = foyer_test_pull_write_preregistrations (1200, NULL);
  foyer_test_pull_import (hub, csv);
  for (guint i = 0; i < 30; i++) {
    g_autofree char *id = foyer_record_id_new ();
    g_autofree char *badge = g_strdup_printf ("W%03u", i);
    g_autofree char *rec = foyer_test_pull_registration_json (id, badge, "Walk In", "w@example.com");
    g_string_append_printf (records, "%s%s", i > 0 ? "," : "", rec);
  }
  foyer_test_pull_post (hub, token, records->str);

  end = foyer_test_pull_all (hub, token, "registrations", NULL, 500, all, &pages);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (json_array_get_length (all), ==, 1230);
  for (guint i = 0; i < json_array_get_length (all); i++) {
    JsonObject *row = json_array_get_object_element (all, i);
    const char *code = json_object_get_string_member (row, "badge_code");
    g_assert_true (g_hash_table_add (keys, (gpointer) code));   /* no duplicates */
    g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "valid");
  }
  /* Pre-registrations carry their signed FY1 code, name, company and phone tail. */
  {
    JsonObject *row = foyer_test_pull_row_where (all, "display_name", "Visitor 7");
    g_assert_nonnull (row);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (row, "badge_code"), "FY1"));
    g_assert_cmpstr (json_object_get_string_member (row, "company"), ==, "Company 7");
    g_assert_cmpstr (json_object_get_string_member (row, "phone_tail"), ==, "0007");
    g_assert_cmpstr (json_object_get_string_member (row, "source"), ==, "preregistration");
    g_assert_nonnull (foyer_test_pull_row_where (all, "badge_code", "W029"));
  }
  /* Resume from the first page's cursor: exactly the rows after it, in order. */
  answer = foyer_test_pull_get (hub, token, "/v1/registrations?limit=500", FALSE);
  second_cursor = g_strdup (foyer_test_pull_cursor_of (&answer));
  g_assert_false (answer.gzipped);
  plain_bytes = answer.wire_bytes;
  foyer_test_pull_answer_clear (&answer);
  again = foyer_test_pull_all (hub, token, "registrations", second_cursor, 400, resumed, &more_pages);
  g_assert_cmpuint (json_array_get_length (resumed), ==, 730);
  for (guint i = 0; i < 730; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (resumed, i),
                                                    "badge_code"), ==,
                     json_object_get_string_member (json_array_get_object_element (all, 500 + i),
                                                    "badge_code"));
  g_assert_cmpstr (again, ==, end);
  /* Nothing new after the end. */
  {
    g_autofree char *path = foyer_test_pull_path ("registrations", end, 500, 0);
    answer = foyer_test_pull_get (hub, token, path, TRUE);
    g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&answer)), ==, 0);
    g_assert_false (foyer_test_pull_more_of (&answer));
    g_assert_cmpstr (foyer_test_pull_cursor_of (&answer), ==, end);
    foyer_test_pull_answer_clear (&answer);
  }
  /* gzip when accepted, and smaller on the wire. */
  answer = foyer_test_pull_get (hub, token, "/v1/registrations?limit=500", TRUE);
  g_assert_true (answer.gzipped);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&answer)), ==, 500);
  g_assert_cmpuint (answer.wire_bytes, <, plain_bytes * 2 / 3);
  foyer_test_pull_answer_clear (&answer);
  /* Another event's device sees none of this event. */
  answer = foyer_test_pull_get (hub, other, "/v1/registrations", TRUE);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&answer)), ==, 0);
  foyer_test_pull_answer_clear (&answer);
  /* Errors. */
  g_assert_cmpuint (foyer_test_pull_get (hub, "not-a-token", "/v1/registrations", FALSE).status, ==, 401);
  g_assert_cmpuint (foyer_test_pull_get (hub, NULL, "/v1/check-ins", FALSE).status, ==, 401);
  answer = foyer_test_pull_get (hub, token, "/v1/registrations?since=garbage", FALSE);
  g_assert_cmpuint (answer.status, ==, 400);
  foyer_test_pull_answer_clear (&answer);
  answer = foyer_test_pull_get (hub, token, "/v1/registrations?limit=many", FALSE);
  g_assert_cmpuint (answer.status, ==, 400);
  foyer_test_pull_answer_clear (&answer);
  /* limit is capped at 5,000. */
  answer = foyer_test_pull_get (hub, token, "/v1/registrations?limit=99999", FALSE);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&answer)), ==, 1230);
  foyer_test_pull_answer_clear (&answer);
  /* Health advertises the pulls. */
  answer = foyer_test_pull_get (hub, token, "/v1/health", FALSE);
  {
    JsonArray *features = json_object_get_array_member (json_node_get_object (answer.json),
                                                        "features");
    g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), features);
    g_autofree char *all_features = json_to_string (node, FALSE);
    g_assert_nonnull (strstr (all_features, "\"registrations\""));
    g_assert_nonnull (strstr (all_features, "\"check-ins\""));
    g_assert_nonnull (strstr (all_features, "\"leads\""));
    g_assert_nonnull (strstr (all_features, "\"long-poll\""));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer.json), "event"),
                     ==, "ev1");
  }
  foyer_test_pull_answer_clear (&answer);
  foyer_test_hub_free (hub);
}

typedef struct {
  FoyerTestHub *hub;
  const char   *token;
  char         *path;
  FoyerTestAnswer answer;
  gint64        answered_us;
} Poll;

static gpointer
poll_thread (gpointer data)
{
  Poll *poll = data;

  poll->answer = foyer_test_pull_get (poll->hub, poll->token, poll->path, TRUE);
  poll->answered_us = g_get_monotonic_time ();
  return NULL;
}

/* The current end of the check-ins stream. */
static char *
check_ins_end (FoyerTestHub *hub, const char *token)
{
  g_autoptr(JsonArray) rows = json_array_new ();
  guint pages;

  return foyer_test_pull_all (hub, token, "check-ins", NULL, 5000, rows, &pages);
}

/* A long-poll on hub `waiting` is answered when a check-in is stored through hub `posting`;
 * returns the seconds from the POST's answer to the long-poll's. */
static double
long_poll_wake (FoyerTestHub *waiting, const char *wait_token, FoyerTestHub *posting,
                const char *post_token)
{
  g_autofree char *end = check_ins_end (waiting, wait_token);
  g_autofree char *id = foyer_record_id_new ();
  g_autofree char *rec = foyer_test_pull_check_in_json (id, "LP1", FALSE, "A", "2026-11-24T09:00:00.000Z");
  Poll poll = { waiting, wait_token, foyer_test_pull_path ("check-ins", end, 100, 20), { 0 }, 0 };
  GThread *thread = g_thread_new ("poll", poll_thread, &poll);
  gint64 posted;
  double seconds;

  g_usleep (800 * 1000);   /* the poll is parked: nothing new yet */
  g_assert_cmpint (poll.answered_us, ==, 0);
  foyer_test_pull_post (posting, post_token, rec);
  posted = g_get_monotonic_time ();
  g_thread_join (thread);
  g_assert_cmpuint (poll.answer.status, ==, 200);
  g_assert_nonnull (foyer_test_pull_row_where (foyer_test_pull_rows_of (&poll.answer), "id", id));
  seconds = (poll.answered_us - posted) / 1e6;
  g_test_message ("long-poll answered %.3f s after the check-in was stored", seconds);
  foyer_test_pull_answer_clear (&poll.answer);
  g_free (poll.path);
  return seconds;
}

static void
test_long_poll (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *end = NULL, *path = NULL;
  FoyerTestAnswer answer;
  gint64 start;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  /* Woken by the ingest commit of this process: well under the 2 s target. */
  g_assert_cmpfloat (long_poll_wake (hub, token, hub, token), <, 1.0);
  /* Nothing new: held for `wait`, then answered with no rows and the same cursor. */
  end = check_ins_end (hub, token);
  path = foyer_test_pull_path ("check-ins", end, 100, 2);
  start = g_get_monotonic_time ();
  answer = foyer_test_pull_get (hub, token, path, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1900 * 1000);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&answer)), ==, 0);
  g_assert_cmpstr (foyer_test_pull_cursor_of (&answer), ==, end);
  foyer_test_pull_answer_clear (&answer);
  /* A command at head office (another process) wakes a waiting registrations pull too. */
  {
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *reg_end = NULL;
    g_autoptr(JsonArray) rows = json_array_new ();
    guint pages;
    Poll poll = { hub, token, NULL, { 0 }, 0 };
    GThread *thread;
    gint64 revoked;

    reg_end = foyer_test_pull_all (hub, token, "registrations", NULL, 5000, rows, &pages);
    poll.path = foyer_test_pull_path ("registrations", reg_end, 100, 20);
    thread = g_thread_new ("poll", poll_thread, &poll);
    g_usleep (500 * 1000);
    g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "badge", "revoke", "LOST-1", "--event",
                                         "ev1", "--reason", "reported lost", NULL), ==, 0);
    revoked = g_get_monotonic_time ();
    g_thread_join (thread);
    g_assert_cmpfloat ((poll.answered_us - revoked) / 1e6, <, 2.0);
    g_assert_nonnull (foyer_test_pull_row_where (foyer_test_pull_rows_of (&poll.answer), "badge_code", "LOST-1"));
    foyer_test_pull_answer_clear (&poll.answer);
    g_free (poll.path);
  }
  foyer_test_hub_free (hub);
}

/* Leads go to the booth's own devices only. */
static void
test_forbidden (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *entry = NULL, *booth = NULL;
  FoyerTestAnswer answer;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  entry = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  booth = foyer_test_pull_device_token (hub, "b12-t1", "ev1", "B12");
  g_assert_cmpuint (foyer_test_pull_get (hub, entry, "/v1/leads?booth=B12", FALSE).status, ==, 403);
  g_assert_cmpuint (foyer_test_pull_get (hub, booth, "/v1/leads?booth=B13", FALSE).status, ==, 403);
  g_assert_cmpuint (foyer_test_pull_get (hub, "nope", "/v1/leads?booth=B12", FALSE).status, ==, 401);
  answer = foyer_test_pull_get (hub, booth, "/v1/leads?booth=B12", FALSE);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&answer)), ==, 0);
  foyer_test_pull_answer_clear (&answer);
  foyer_test_hub_free (hub);
}

/* `badge revoke` at head office: the badge's row (by its signed code) says revoked with the
 * reason; `badge list --revoked` lists it. */
static void
test_revocation_row (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *csv = NULL, *out = NULL, *err = NULL, *end = NULL;
  g_autofree char *signed_code = NULL;
  g_autoptr(JsonArray) before = json_array_new ();
  g_autoptr(JsonArray) after = json_array_new ();
  JsonObject *row;
  guint pages;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  csv = foyer_test_pull_write_preregistrations (5, NULL);
  foyer_test_pull_import (hub, csv);
  end = foyer_test_pull_all (hub, token, "registrations", NULL, 5000, before, &pages);
  row = foyer_test_pull_row_where (before, "display_name", "Visitor 3");
  signed_code = g_strdup (json_object_get_string_member (row, "badge_code"));
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "badge", "revoke", "P00003", "--event",
                                       "ev1", "--reason", "cancelled by the organiser", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_free (foyer_test_pull_all (hub, token, "registrations", end, 5000, after, &pages));
  row = foyer_test_pull_row_where (after, "badge_code", signed_code);
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "revoked");
  g_assert_cmpstr (json_object_get_string_member (row, "reason"), ==, "cancelled by the organiser");
  /* A full pull from the start says revoked too (latest state wins for every row). */
  {
    g_autoptr(JsonArray) full = json_array_new ();
    g_free (foyer_test_pull_all (hub, token, "registrations", NULL, 5000, full, &pages));
    row = foyer_test_pull_row_where (full, "badge_code", signed_code);
    g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "revoked");
    row = foyer_test_pull_row_where (full, "display_name", "Visitor 2");
    g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "valid");
  }
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "badge", "list", "--revoked", "--event",
                                       "ev1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "P00003"));
  g_assert_nonnull (strstr (out, signed_code));
  g_assert_nonnull (strstr (out, "cancelled by the organiser"));
  foyer_test_hub_free (hub);
}

static gint64
stats_inside (FoyerTestHub *hub, const char *area)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *inside;

  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "stats", "--event", "ev1", "--json",
                                       NULL), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  inside = json_object_get_object_member (json_node_get_object (node), "inside");
  if (area == NULL)
    return json_object_get_int_member (inside, "event");
  return json_object_get_int_member_with_default (json_object_get_object_member (inside, "areas"),
                                                  area, 0);
}

/* An annulment is applied (also when it arrives before its check-in); counts are right. */
static void
test_annulment (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *end = NULL, *path = NULL;
  g_autofree char *c1 = foyer_record_id_new (), *c2 = foyer_record_id_new ();
  g_autofree char *a1 = foyer_record_id_new (), *a2 = foyer_record_id_new ();
  g_autofree char *r1 = NULL, *r2 = NULL, *n1 = NULL, *n2 = NULL;
  g_autoptr(JsonArray) rows = json_array_new ();
  FoyerTestAnswer answer;
  guint pages;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  r1 = foyer_test_pull_check_in_json (c1, "B1", FALSE, "A", "2026-11-24T09:01:00.000Z");
  r2 = foyer_test_pull_check_in_json (c2, "B2", FALSE, "A", "2026-11-24T09:02:00.000Z");
  n1 = foyer_test_pull_annulment_json (a1, c1);
  n2 = foyer_test_pull_annulment_json (a2, c2);
  foyer_test_pull_post (hub, token, r1);
  end = check_ins_end (hub, token);
  answer = foyer_test_pull_get (hub, token, "/v1/check-ins", TRUE);
  g_assert_cmpint (foyer_test_pull_inside_of (&answer, NULL), ==, 1);
  g_assert_false (json_object_get_boolean_member (foyer_test_pull_row_where (foyer_test_pull_rows_of (&answer), "id", c1),
                                                  "annulled"));
  g_assert_cmpstr (json_object_get_string_member (foyer_test_pull_row_where (foyer_test_pull_rows_of (&answer), "id", c1),
                                                  "gate"), ==, "gate-1");
  foyer_test_pull_answer_clear (&answer);
  /* Annul it: sent again, annulled, and nobody is inside. */
  foyer_test_pull_post (hub, token, n1);
  path = foyer_test_pull_path ("check-ins", end, 100, 0);
  answer = foyer_test_pull_get (hub, token, path, TRUE);
  g_assert_true (json_object_get_boolean_member (foyer_test_pull_row_where (foyer_test_pull_rows_of (&answer), "id", c1),
                                                 "annulled"));
  g_assert_cmpint (foyer_test_pull_inside_of (&answer, NULL), ==, 0);
  foyer_test_pull_answer_clear (&answer);
  /* The annulment first, its check-in later. */
  foyer_test_pull_post (hub, token, n2);
  foyer_test_pull_post (hub, token, r2);
  g_free (foyer_test_pull_all (hub, token, "check-ins", NULL, 5000, rows, &pages));
  g_assert_true (json_object_get_boolean_member (foyer_test_pull_row_where (rows, "id", c2), "annulled"));
  answer = foyer_test_pull_get (hub, token, "/v1/check-ins?limit=1", TRUE);
  g_assert_cmpint (foyer_test_pull_inside_of (&answer, NULL), ==, 0);
  foyer_test_pull_answer_clear (&answer);
  g_assert_cmpint (stats_inside (hub, NULL), ==, 0);
  foyer_test_hub_free (hub);
}

/* ---- occupancy under 20 concurrent gates ---- */

#define N_GATES   20
#ifdef __SANITIZE_ADDRESS__
/* Under ASan (slow unwinding on every allocation) 4,000 visitors' check-ins took the hub's two
 * cores for minutes on each backend, most of the sanitizer stage's longest test. The normal
 * build proves the count at full size; this one checks the memory of the same paths. */
#define N_BADGES  1000
#else
#define N_BADGES  4000
#endif

typedef struct {
  char     *id;
  char     *badge;
  gboolean  exit;
  char     *area;
  char     *at;
  gboolean  annulled;
} Event;

typedef struct {
  FoyerTestHub *hub;
  char         *token;
  GPtrArray    *records;     /* JSON texts, in this gate's (random) order, with duplicates */
  guint         seed;
} Gate;

static gpointer
gate_thread (gpointer data)
{
  Gate *gate = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (gate->seed);
  guint i = 0;

  while (i < gate->records->len) {
    g_autoptr(GString) batch = g_string_new (NULL);
    guint size = 50 + g_rand_int_range (rand, 0, 150);
    guint n = MIN (gate->records->len - i, size);

    for (guint j = 0; j < n; j++)
      g_string_append_printf (batch, "%s%s", j > 0 ? "," : "",
                              (char *) g_ptr_array_index (gate->records, i + j));
    foyer_test_pull_post (gate->hub, gate->token, batch->str);
    /* A resend: the answer was "lost", the kiosk sends the same records again. */
    if (g_rand_int_range (rand, 0, 20) == 0)
      foyer_test_pull_post (gate->hub, gate->token, batch->str);
    i += n;
  }
  return NULL;
}

static void
shuffle (GPtrArray *array, GRand *rand)
{
  for (guint i = array->len; i > 1; i--) {
    guint j = g_rand_int_range (rand, 0, i);
    gpointer t = array->pdata[i - 1];
    array->pdata[i - 1] = array->pdata[j];
    array->pdata[j] = t;
  }
}

/* Entries and exits of N_BADGES visitors over three halls (each visitor alternates entry and
 * exit, times increasing), some annulled; returns the true inside count per area ("" = event). */
static GHashTable *
make_events (GPtrArray *events, GRand *rand)
{
  GHashTable *inside = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  static const char *const areas[] = { "A", "B", "C" };

  for (guint b = 0; b < N_BADGES; b++) {
    g_autofree char *badge = g_strdup_printf ("OCC%05u", b);
    guint k = g_rand_int_range (rand, 1, 20);
    Event *last = NULL;

    for (guint j = 0; j < k; j++) {
      Event *event = g_new0 (Event, 1);
      event->id = foyer_record_id_new ();
      event->badge = g_strdup (badge);
      event->exit = j % 2 == 1;
      event->area = g_strdup (areas[g_rand_int_range (rand, 0, 3)]);
      event->at = g_strdup_printf ("2026-11-24T%02u:%02u:%02u.%03uZ", 8 + j / 2, (j % 2) * 30,
                                   b % 60, b % 1000);
      /* One check-in in 40 is annulled (the turnstile did not turn). */
      event->annulled = g_rand_int_range (rand, 0, 40) == 0;
      g_ptr_array_add (events, event);
      if (!event->annulled)
        last = event;
    }
    if (last != NULL && !last->exit) {
      g_hash_table_insert (inside, g_strdup (""),
                           GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (inside, "")) + 1));
      g_hash_table_insert (inside, g_strdup (last->area),
                           GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (inside,
                                                                                  last->area)) + 1));
    }
  }
  return inside;
}

static void
event_free (Event *event)
{
  g_free (event->id);
  g_free (event->badge);
  g_free (event->area);
  g_free (event->at);
  g_free (event);
}

static void
test_occupancy (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(JsonArray) rows = json_array_new ();
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  Gate gates[N_GATES];
  GThread *threads[N_GATES];
  FoyerTestAnswer answer;
  guint pages, n_check_ins = 0;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  truth = make_events (events, rand);
  for (guint g = 0; g < N_GATES; g++) {
    g_autofree char *name = g_strdup_printf ("gate-%02u", g);
    gates[g] = (Gate) { hub, foyer_test_pull_device_token (hub, name, "ev1", NULL),
                        g_ptr_array_new_with_free_func (g_free), 1000 + g };
  }
  /* Every check-in (and annulment) goes to a random gate; one in 20 is also sent by another
   * gate (a duplicate); each gate sends in random order. */
  for (guint i = 0; i < events->len; i++) {
    Event *event = g_ptr_array_index (events, i);
    char *json = foyer_test_pull_check_in_json (event->id, event->badge, event->exit, event->area, event->at);

    g_ptr_array_add (gates[g_rand_int_range (rand, 0, N_GATES)].records, json);
    if (g_rand_int_range (rand, 0, 20) == 0)
      g_ptr_array_add (gates[g_rand_int_range (rand, 0, N_GATES)].records, g_strdup (json));
    if (event->annulled) {
      g_autofree char *id = foyer_record_id_new ();
      g_ptr_array_add (gates[g_rand_int_range (rand, 0, N_GATES)].records,
                       foyer_test_pull_annulment_json (id, event->id));
    }
  }
  for (guint g = 0; g < N_GATES; g++) {
    shuffle (gates[g].records, rand);
    threads[g] = g_thread_new ("gate", gate_thread, &gates[g]);
  }
  for (guint g = 0; g < N_GATES; g++) {
    g_thread_join (threads[g]);
    g_ptr_array_unref (gates[g].records);
    g_free (gates[g].token);
  }
  g_test_message ("%u check-ins of %d visitors through %d gates; %d inside", events->len,
                  N_BADGES, N_GATES, GPOINTER_TO_INT (g_hash_table_lookup (truth, "")));

  {
    g_autofree char *token = foyer_test_pull_device_token (hub, "checker", "ev1", NULL);
    answer = foyer_test_pull_get (hub, token, "/v1/check-ins?limit=1", TRUE);
    g_assert_cmpint (foyer_test_pull_inside_of (&answer, NULL), ==, GPOINTER_TO_INT (g_hash_table_lookup (truth, "")));
    g_assert_cmpint (foyer_test_pull_inside_of (&answer, "A"), ==, GPOINTER_TO_INT (g_hash_table_lookup (truth, "A")));
    g_assert_cmpint (foyer_test_pull_inside_of (&answer, "B"), ==, GPOINTER_TO_INT (g_hash_table_lookup (truth, "B")));
    g_assert_cmpint (foyer_test_pull_inside_of (&answer, "C"), ==, GPOINTER_TO_INT (g_hash_table_lookup (truth, "C")));
    foyer_test_pull_answer_clear (&answer);
    /* The whole stream: each check-in once (duplicates and resends stored once). */
    g_free (foyer_test_pull_all (hub, token, "check-ins", NULL, 5000, rows, &pages));
    for (guint i = 0; i < json_array_get_length (rows); i++)
      g_hash_table_add (ids, (gpointer) json_object_get_string_member (
                                  json_array_get_object_element (rows, i), "id"));
    for (guint i = 0; i < events->len; i++)
      n_check_ins += g_hash_table_contains (ids, ((Event *) events->pdata[i])->id);
    g_assert_cmpuint (n_check_ins, ==, events->len);
    g_assert_cmpuint (g_hash_table_size (ids), ==, events->len);
  }
  /* A fresh count by `stats` (another process, from the database alone) agrees. */
  g_assert_cmpint (stats_inside (hub, NULL), ==, GPOINTER_TO_INT (g_hash_table_lookup (truth, "")));
  g_assert_cmpint (stats_inside (hub, "B"), ==, GPOINTER_TO_INT (g_hash_table_lookup (truth, "B")));
  foyer_test_hub_free (hub);
}

/* ---- booth team merge ---- */

static char *
lead_json (const char *tablet, const char *badge, const char *at, const char *rating,
           const char *notes, const char *answers, gboolean follow_up)
{
  g_autofree char *id = foyer_record_id_new ();
  g_autofree char *visitor_id = g_strdup_printf ("reg-%s", badge);
  g_autofree char *visitor = foyer_test_pull_registration_json (visitor_id, badge, "李娜", "lina@example.com");

  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"lead\",\"created_at\":\"%s\",\"kiosk_id\":"
                          "\"%s\",\"booth\":\"B12\",\"rating\":\"%s\",\"notes\":\"%s\","
                          "\"answers_json\":%s,\"follow_up\":%s,\"registration_id\":\"%s\","
                          "\"visitor\":%s}", id, at, tablet, rating, notes, answers,
                          follow_up ? "true" : "false", visitor_id, visitor);
}

/* A merged lead row without what names its visitor, to compare two visitors' merges. */
static char *
merged_without_visitor (JsonObject *row)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), row);
  g_autoptr(JsonNode) copy = json_node_copy (node);

  json_object_remove_member (json_node_get_object (copy), "visitor");
  json_object_remove_member (json_node_get_object (copy), "badge_code");
  return json_to_string (copy, FALSE);
}

/* The booth's figures on the dashboard's leads page, read from the hub's database. */
static JsonObject *
dashboard_booth (FoyerHubWebSource *source, JsonNode **node)
{
  g_autoptr(GError) error = NULL;
  JsonArray *booths;

  g_clear_pointer (node, json_node_unref);
  *node = foyer_hub_dashboard_source_query (FOYER_HUB_DASHBOARD_SOURCE (source),
                                            FOYER_HUB_DASHBOARD_LEADS, "ev1", &error);
  g_assert_no_error (error);
  booths = json_object_get_array_member (json_node_get_object (*node), "booths");
  g_assert_cmpuint (json_array_get_length (booths), ==, 1);
  return json_array_get_object_element (booths, 0);
}

/* The dashboard counts leads as the exhibitor gets them: two visitors scanned by both tablets
 * are two leads (the later rating, a follow-up if either asked), and a new lead shows at once. */
static void
check_dashboard_leads (FoyerTestHub *hub, const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerHubStorage) storage = foyer_hub_storage_open (hub->database, 1, &error);
  g_autoptr(FoyerHubWebSource) source = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *lead = NULL;
  JsonObject *booth;

  g_assert_no_error (error);
  source = foyer_hub_web_source_new (storage, "none");
  booth = dashboard_booth (source, &node);
  g_assert_cmpstr (json_object_get_string_member (booth, "booth"), ==, "B12");
  g_assert_cmpint (json_object_get_int_member (booth, "leads"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (booth, "hot"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (booth, "warm"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (booth, "follow_up"), ==, 2);
  lead = lead_json ("b12-t1", "V3", "2026-11-24T10:00:00.000Z", "cold", "", "{}", FALSE);
  foyer_test_pull_post (hub, token, lead);
  booth = dashboard_booth (source, &node);
  g_assert_cmpint (json_object_get_int_member (booth, "leads"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (booth, "cold"), ==, 1);
}

static void
test_booth_merge (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *t1 = NULL, *t2 = NULL, *out = NULL, *err = NULL;
  g_autofree char *l1a = NULL, *l2a = NULL, *l1b = NULL, *l2b = NULL;
  g_autofree char *one = NULL, *two = NULL;
  g_autoptr(JsonArray) rows = json_array_new ();
  g_autoptr(JsonArray) rows2 = json_array_new ();
  JsonObject *row;
  JsonArray *notes;
  guint pages;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  t1 = foyer_test_pull_device_token (hub, "b12-t1", "ev1", "B12");
  t2 = foyer_test_pull_device_token (hub, "b12-t2", "ev1", "B12");
  /* Visitor V1: tablet 1 first, then tablet 2; visitor V2: the same two leads, reversed. */
  l1a = lead_json ("b12-t1", "V1", "2026-11-24T09:00:00.000Z", "warm", "likes the demo",
                   "{\"q1\":\"a\",\"q2\":\"x\"}", FALSE);
  l2a = lead_json ("b12-t2", "V1", "2026-11-24T09:05:00.000Z", "hot", "wants a quote",
                   "{\"q2\":\"y\",\"q3\":\"z\"}", TRUE);
  l1b = lead_json ("b12-t1", "V2", "2026-11-24T09:00:00.000Z", "warm", "likes the demo",
                   "{\"q1\":\"a\",\"q2\":\"x\"}", FALSE);
  l2b = lead_json ("b12-t2", "V2", "2026-11-24T09:05:00.000Z", "hot", "wants a quote",
                   "{\"q2\":\"y\",\"q3\":\"z\"}", TRUE);
  foyer_test_pull_post (hub, t1, l1a);
  foyer_test_pull_post (hub, t2, l2a);
  foyer_test_pull_post (hub, t2, l2b);
  foyer_test_pull_post (hub, t1, l1b);
  foyer_test_pull_post (hub, t1, l1b);   /* a resend changes nothing */
  g_free (foyer_test_pull_all (hub, t1, "leads", NULL, 5000, rows, &pages));
  row = foyer_test_pull_row_where (rows, "badge_code", "V1");
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "rating"), ==, "hot");
  g_assert_true (json_object_get_boolean_member (row, "follow_up"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "answers"),
                                                  "q1"), ==, "a");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "answers"),
                                                  "q2"), ==, "y");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "answers"),
                                                  "q3"), ==, "z");
  notes = json_object_get_array_member (row, "notes");
  g_assert_cmpuint (json_array_get_length (notes), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0),
                                                  "author"), ==, "b12-t1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 1),
                                                  "text"), ==, "wants a quote");
  /* Both orders merge to the same lead; the other tablet pulls the same rows. */
  one = merged_without_visitor (row);
  two = merged_without_visitor (foyer_test_pull_row_where (rows, "badge_code", "V2"));
  g_assert_cmpstr (one, ==, two);
  g_free (foyer_test_pull_all (hub, t2, "leads", NULL, 5000, rows2, &pages));
  g_assert_cmpuint (json_array_get_length (rows2), ==, 2);
  /* export --leads gives the merged leads: one per visitor. */
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "export", "--event", "ev1", "--leads",
                                       "--format", "jsonl", NULL), ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_nonnull (strstr (lines[0], "\"wants a quote\""));
    g_assert_nonnull (strstr (lines[0], "\"likes the demo\""));
  }
  check_dashboard_leads (hub, t1);
  foyer_test_hub_free (hub);
}

/* ---- erasure ---- */

static void
test_erasure (gconstpointer data)
{
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *token = NULL, *booth = NULL, *csv = NULL, *end = NULL, *out = NULL;
  g_autofree char *err = NULL, *reg = NULL, *check_in = NULL, *lead = NULL;
  g_autofree char *reg_id = foyer_record_id_new (), *ci_id = foyer_record_id_new ();
  g_autoptr(JsonArray) before = json_array_new ();
  g_autoptr(JsonArray) after = json_array_new ();
  g_autoptr(JsonArray) check_ins = json_array_new ();
  const char *signed_code;
  JsonObject *row;
  guint pages;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  token = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  booth = foyer_test_pull_device_token (hub, "b12-t1", "ev1", "B12");
  csv = foyer_test_pull_write_preregistrations (3, "wang.fang@example.com");
  foyer_test_pull_import (hub, csv);
  reg = foyer_test_pull_registration_json (reg_id, "KIOSK-77", "王芳", "Wang.Fang@example.com");
  check_in = foyer_test_pull_check_in_json (ci_id, "KIOSK-77", FALSE, "A", "2026-11-24T09:10:00.000Z");
  lead = lead_json ("b12-t1", "KIOSK-77", "2026-11-24T09:20:00.000Z", "hot", "met", "{}", TRUE);
  /* lead_json's visitor has another email: the badge code ties it to the person. */
  foyer_test_pull_post (hub, token, reg);
  foyer_test_pull_post (hub, token, check_in);
  foyer_test_pull_post (hub, booth, lead);
  end = foyer_test_pull_all (hub, token, "registrations", NULL, 5000, before, &pages);
  signed_code = json_object_get_string_member (foyer_test_pull_row_where (before, "source",
                                                                          "preregistration"),
                                               "badge_code");
  g_assert_true (g_str_has_prefix (signed_code, "FY1"));

  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "subject", "erase", "--email",
                                       "WANG.FANG@example.com", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "3 records and 1 pre-registrations"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Tombstones without personal data for every code of the person. */
  g_free (foyer_test_pull_all (hub, token, "registrations", end, 5000, after, &pages));
  row = foyer_test_pull_row_where (after, "badge_code", signed_code);
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "erased");
  g_assert_false (json_object_has_member (row, "display_name"));
  g_assert_cmpstr (json_object_get_string_member (foyer_test_pull_row_where (after, "badge_code", "KIOSK-77"),
                                                  "status"), ==, "erased");
  g_assert_cmpstr (json_object_get_string_member (foyer_test_pull_row_where (after, "badge_code", "ERASE1"),
                                                  "status"), ==, "erased");
  /* Gone at the hub: records, pre-registration, check-in; the others stay. */
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "export", "--event", "ev1", "--format",
                                       "jsonl", NULL), ==, 0);
  g_assert_null (strstr (out, "王芳"));
  g_assert_null (strstr (out, ci_id));
  g_assert_null (strstr (out, reg_id));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "export", "--event", "ev1",
                                       "--preregistrations", "--format", "jsonl", NULL), ==, 0);
  g_assert_null (strstr (out, "wang.fang"));
  g_assert_nonnull (strstr (out, "Visitor 2"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_free (foyer_test_pull_all (hub, token, "check-ins", NULL, 5000, check_ins, &pages));
  g_assert_null (foyer_test_pull_row_where (check_ins, "id", ci_id));
  /* The audit log says that and how much, never whom. */
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "subject", "log", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "erasure in event ev1: 3 records, 1 pre-registrations"));
  g_assert_null (strstr (out, "wang"));
  g_assert_null (strstr (out, "王芳"));
  g_assert_null (strstr (out, "KIOSK-77"));
  foyer_test_hub_free (hub);
}

/* ---- the page cache shared by all gates ---- */

static FoyerTestAnswer
get_page (FoyerTestHub *hub, const char *token, const char *path, gboolean from_cache)
{
  FoyerTestAnswer answer = foyer_test_pull_get (hub, token, path, TRUE);

  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpint (answer.cached, ==, from_cache);
  return answer;
}

static void
expect_page (FoyerTestHub *hub, const char *token, const char *path, gboolean from_cache)
{
  FoyerTestAnswer answer = get_page (hub, token, path, from_cache);

  foyer_test_pull_answer_clear (&answer);
}

/* A page is built once and served to the next gate from the cache; after an upload (answered),
 * a revocation or an erasure (by `foyer-hub` commands: another process) the next pull of the
 * same page sees the change at once. */
static void
test_page_cache (gconstpointer data)
{
  static const char registrations[] = "/v1/registrations?limit=5000";
  static const char check_ins[] = "/v1/check-ins?limit=5000";
  FoyerTestHub *hub = new_hub (data, NULL);
  g_autofree char *gate1 = NULL, *gate2 = NULL, *csv = NULL, *out = NULL, *err = NULL;
  g_autofree char *first = NULL, *second = NULL, *check_in = NULL;
  g_autofree char *ci_id = foyer_record_id_new ();
  FoyerTestAnswer a, b;

  if (hub == NULL)
    return;
  foyer_test_hub_start (hub, NULL);
  gate1 = foyer_test_pull_device_token (hub, "gate-1", "ev1", NULL);
  gate2 = foyer_test_pull_device_token (hub, "gate-2", "ev1", NULL);
  csv = foyer_test_pull_write_preregistrations (5, "wang.fang@example.com");
  foyer_test_pull_import (hub, csv);
  a = get_page (hub, gate1, registrations, FALSE);
  b = get_page (hub, gate2, registrations, TRUE);
  first = json_to_string (a.json, FALSE);
  second = json_to_string (b.json, FALSE);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&b)), ==, 6);
  foyer_test_pull_answer_clear (&a);
  foyer_test_pull_answer_clear (&b);

  /* an upload answered by this hub */
  expect_page (hub, gate1, check_ins, FALSE);
  a = get_page (hub, gate2, check_ins, TRUE);
  g_assert_cmpuint (json_array_get_length (foyer_test_pull_rows_of (&a)), ==, 0);
  foyer_test_pull_answer_clear (&a);
  check_in = foyer_test_pull_check_in_json (ci_id, "P00001", FALSE, "A", "2026-11-24T09:10:00.000Z");
  foyer_test_pull_post (hub, gate1, check_in);
  a = get_page (hub, gate2, check_ins, FALSE);
  g_assert_nonnull (foyer_test_pull_row_where (foyer_test_pull_rows_of (&a), "id", ci_id));
  g_assert_cmpint (foyer_test_pull_inside_of (&a, NULL), ==, 1);
  foyer_test_pull_answer_clear (&a);

  /* a revocation at head office */
  expect_page (hub, gate1, registrations, FALSE);
  expect_page (hub, gate2, registrations, TRUE);
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "badge", "revoke", "P00003", "--event",
                                       "ev1", "--reason", "cancelled", NULL), ==, 0);
  a = get_page (hub, gate2, registrations, FALSE);
  g_assert_cmpstr (json_object_get_string_member (
                     foyer_test_pull_row_where (foyer_test_pull_rows_of (&a), "display_name",
                                                "Visitor 3"), "status"), ==, "revoked");
  foyer_test_pull_answer_clear (&a);

  /* an erasure at head office: the person's row is in no page served after it */
  expect_page (hub, gate1, registrations, TRUE);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (foyer_test_hub_run (hub, &out, &err, "subject", "erase", "--email",
                                       "wang.fang@example.com", NULL), ==, 0);
  a = get_page (hub, gate2, registrations, FALSE);
  g_free (first);
  first = json_to_string (a.json, FALSE);
  g_assert_null (strstr (first, "王芳"));
  g_assert_cmpstr (json_object_get_string_member (
                     foyer_test_pull_row_where (foyer_test_pull_rows_of (&a), "badge_code",
                                                "ERASE1"), "status"), ==, "erased");
  foyer_test_pull_answer_clear (&a);
  foyer_test_hub_free (hub);
}

/* ---- two hubs on one PostgreSQL ---- */

static void
test_two_hubs (void)
{
  static const Param postgresql = { "postgresql" };
  FoyerTestHub *a = new_hub (&postgresql, NULL);
  FoyerTestHub *b;
  g_autofree char *token = NULL;

  if (a == NULL)
    return;
  b = foyer_test_hub_new_peer (a);
  foyer_test_hub_start (a, NULL);
  foyer_test_hub_start (b, NULL);
  token = foyer_test_pull_device_token (a, "gate-1", "ev1", NULL);
  /* A check-in posted to hub a wakes a long-poll waiting on hub b. */
  g_assert_cmpfloat (long_poll_wake (b, token, a, token), <, 2.0);
  foyer_test_hub_free (a);
  foyer_test_hub_free (b);
}

static void
add_both (const char *name, GTestDataFunc func)
{
  static const Param sqlite = { "sqlite" }, postgresql = { "postgresql" };
  g_autofree char *s = g_strdup_printf ("/hub-pull/sqlite/%s", name);
  g_autofree char *p = g_strdup_printf ("/hub-pull/postgresql/%s", name);

  g_test_add_data_func (s, &sqlite, func);
  g_test_add_data_func (p, &postgresql, func);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  add_both ("paging", test_paging);
  add_both ("long-poll", test_long_poll);
  add_both ("forbidden", test_forbidden);
  add_both ("revocation-row", test_revocation_row);
  add_both ("annulment", test_annulment);
  add_both ("occupancy", test_occupancy);
  add_both ("booth-merge", test_booth_merge);
  add_both ("erasure", test_erasure);
  add_both ("page-cache", test_page_cache);
  g_test_add_func ("/hub-pull/postgresql/two-hubs-long-poll", test_two_hubs);
  status = g_test_run ();
  foyer_test_pg_shared_stop ();
  return status;
}
