/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pull.c: two-way sync on the kiosk side (issue 16): real kiosk stores, the real sync
 * engine and foyerctl, against a real head office on 127.0.0.1.
 *
 * The server is a parameter: every test runs against tests/sync-receiver.py (/pull/receiver/…)
 * and against foyer-hub (/pull/hub/…). A hub whose health does not list the pulls yet skips
 * (the hub side is issue 16's other half); so does a test that needs a head-office action the
 * hub has no command for (see server_revoke()).
 */
#define _GNU_SOURCE 1   /* SCHED_IDLE */
#include "config.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "foyer-core.h"
#include "foyer-hub-test-util.h"
#include "foyer-pull-test-util.h"
#include "foyer-test-receiver.h"
#include "foyer-test-util.h"

#define EVENT "expo-2026"
#define BADGE_FORMAT "EXPO2026-V-%06u"
#define SYNC_TIMEOUT_S 30

typedef enum {
  SERVER_RECEIVER,
  SERVER_HUB,
} ServerKind;

typedef struct {
  ServerKind         kind;
  char              *dir;
  FoyerTestReceiver *receiver;
  FoyerTestHub      *hub;
  const char        *url;
} Server;

typedef struct {
  char           *dir;
  char           *conf;
  char           *id;
  FoyerConfig    *config;
  FoyerStore     *store;
  FoyerKioskFlow *flow;
} Kiosk;

/* ---- servers ---- */

static void
server_free (Server *server)
{
  if (server == NULL)
    return;
  g_clear_pointer (&server->receiver, foyer_test_receiver_stop);
  if (server->hub != NULL) {
    foyer_test_hub_kill (server->hub, SIGTERM);
    foyer_test_hub_wait (server->hub);
    foyer_test_hub_free (server->hub);
  }
  g_free (server->dir);
  g_free (server);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

static gboolean
hub_lists_pulls (FoyerTestHub *hub)
{
  g_autofree char *url = g_strconcat (hub->url, "/v1/health", NULL);
  g_autofree char *answer = NULL;
  guint status = foyer_test_http ("GET", url, NULL, NULL, NULL, 0, FALSE, &answer, NULL);

  return status == 200 && answer != NULL && strstr (answer, "\"registrations\"") != NULL &&
         strstr (answer, "\"check-ins\"") != NULL;
}

/* NULL (and the test skipped) when this server cannot be tested here. */
static Server *
server_start (ServerKind kind)
{
  g_autoptr(Server) server = g_new0 (Server, 1);

  server->kind = kind;
  server->dir = foyer_test_make_tmpdir ("pull-server");
  if (kind == SERVER_RECEIVER) {
    server->receiver = foyer_test_receiver_start (NULL);
    server->url = foyer_test_receiver_url (server->receiver);
    return g_steal_pointer (&server);
  }
  {
    g_autofree char *db = g_build_filename (server->dir, "hub.db", NULL);

    server->hub = foyer_test_hub_new (db, NULL);
    foyer_test_hub_start (server->hub, NULL);
    server->url = server->hub->url;
  }
  if (!hub_lists_pulls (server->hub)) {
    g_test_skip ("foyer-hub does not list the two-way sync pulls in /v1/health yet");
    return NULL;
  }
  return g_steal_pointer (&server);
}

static void
server_control (Server     *server,
                const char *json)
{
  g_assert (server->kind == SERVER_RECEIVER);
  foyer_test_receiver_control (server->receiver, "%s", json);
}

/* Revokes a badge at head office. FALSE (test skipped) when the server has no way to. */
static gboolean
server_revoke (Server     *server,
               const char *badge,
               const char *reason)
{
  g_autofree char *json = NULL;

  if (server->kind == SERVER_HUB) {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (foyer_test_hub_run (server->hub, &out, &err, "badge", "revoke", badge,
                                         "--event", EVENT, "--reason", reason, NULL), ==, 0);
    return TRUE;
  }
  json = g_strdup_printf ("{\"revoke\": \"%s\", \"reason\": \"%s\"}", badge, reason);
  server_control (server, json);
  return TRUE;
}

/* Erases a person at head office (by badge on the receiver, by e-mail at the hub). */
static void
server_erase (Server     *server,
              const char *badge,
              const char *email)
{
  if (server->kind == SERVER_HUB) {
    g_autofree char *out = NULL, *err = NULL;
    int status = foyer_test_hub_run (server->hub, &out, &err, "subject", "erase", "--email",
                                     email, NULL);
    g_assert_cmpint (status, ==, 0);
  } else {
    g_autofree char *json = g_strdup_printf ("{\"erase\": \"%s\"}", badge);
    server_control (server, json);
  }
}

/* ---- kiosks ---- */

static void
kiosk_free (Kiosk *kiosk)
{
  if (kiosk == NULL)
    return;
  g_clear_object (&kiosk->flow);
  g_clear_object (&kiosk->store);
  g_clear_object (&kiosk->config);
  g_free (kiosk->dir);
  g_free (kiosk->conf);
  g_free (kiosk->id);
  g_free (kiosk);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Kiosk, kiosk_free)

/* The [sync] lines a kiosk of this server needs: url and token. */
static char *
server_sync_lines (Server     *server,
                   const char *name,
                   const char *kiosk_extra)
{
  g_autofree char *code = NULL;
  g_autofree char *enrolled = NULL;
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  const char *booth = kiosk_extra != NULL ? strstr (kiosk_extra, "booth=") : NULL;

  if (server->kind == SERVER_RECEIVER)
    return g_strdup_printf ("url=%s\n", server->url);
  if (booth != NULL) {
    /* the hub sends a booth's merged leads only to that booth's own devices */
    g_autofree char *name_of_booth = g_strndup (booth + 6, strcspn (booth + 6, "\n"));
    g_autofree char *out = NULL, *err = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_cmpint (foyer_test_hub_run (server->hub, &out, &err, "device", "add", name,
                                         "--event", EVENT, "--mode", "booth",
                                         "--booth", name_of_booth, NULL), ==, 0);
    lines = g_strsplit (g_strstrip (out), "\n", -1);
    code = g_strdup (lines[g_strv_length (lines) - 1]);
  } else {
    code = foyer_test_hub_add_device (server->hub, name, EVENT);
  }
  enrolled = foyer_test_kiosk_new (code, 200);
  config = foyer_config_load (enrolled, &error);
  g_assert_no_error (error);
  token = foyer_config_get_path_value (config, "sync", "token-file");
  return g_strdup_printf ("url=%s\ntoken-file=%s\n",
                          foyer_config_get_string (config, "sync", "url"), token);
}

/* A kiosk with its own store; kiosk_extra and sync_extra add lines to [kiosk] and [sync]. */
static Kiosk *
kiosk_new (Server     *server,
           const char *name,
           const char *kiosk_extra,
           const char *other_groups)
{
  Kiosk *kiosk = g_new0 (Kiosk, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *sync_lines = server_sync_lines (server, name, kiosk_extra);
  g_autofree char *text = NULL;
  g_autofree char *db = NULL;

  kiosk->dir = foyer_test_make_tmpdir ("pull-kiosk");
  kiosk->id = g_strdup (name);
  db = g_build_filename (kiosk->dir, "kiosk.db", NULL);
  text = g_strdup_printf ("[kiosk]\nid=%s\nevent=%s\n%s\n"
                          "[storage]\ndatabase=%s\n\n"
                          "[sync]\nbackend=http-json\n%spull-interval=1\nhealth-interval=1\n"
                          "backoff-min-ms=20\nbackoff-max-ms=300\ntimeout=10\n"
                          "connect-timeout=2\n\n%s",
                          name, EVENT, kiosk_extra != NULL ? kiosk_extra : "", db, sync_lines,
                          other_groups != NULL ? other_groups : "");
  kiosk->conf = foyer_test_write_file (kiosk->dir, "foyer.conf", text);
  kiosk->config = foyer_config_load (kiosk->conf, &error);
  g_assert_no_error (error);
  kiosk->store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  kiosk->flow = foyer_kiosk_flow_new (kiosk->config, kiosk->store, NULL);
  return kiosk;
}

static char *
badge_code (guint i)
{
  return g_strdup_printf (BADGE_FORMAT, i);
}

static char *
badge_email (guint i)
{
  return g_strdup_printf ("visitor%u@example.org.cn", i);
}

/* The event's pre-registration list, imported at the kiosk (as `foyerctl import` does). */
static void
kiosk_import (Kiosk *kiosk,
              guint  n)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= n; i++) {
    FoyerRegistration *reg = foyer_registration_new ();

    reg->event = g_strdup (EVENT);
    reg->badge_code = badge_code (i);
    reg->full_name = g_strdup_printf ("访客 %u", i);
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    reg->emails = g_new0 (char *, 2);
    reg->emails[0] = badge_email (i);
    g_ptr_array_add (list, reg);
  }
  g_assert_true (foyer_store_import_preregistrations (kiosk->store, list, NULL, NULL, &error));
  g_assert_no_error (error);
}

static FoyerFlowResult *
kiosk_scan (Kiosk      *kiosk,
            guint       badge,
            const char *direction)
{
  g_autofree char *code = badge_code (badge);
  g_autoptr(GBytes) raw = g_bytes_new (code, strlen (code));

  return foyer_kiosk_flow_scan_full (kiosk->flow, raw, direction, FALSE);
}

/* Runs the kiosk's sync engine until everything is uploaded and the pull is current (what
 * `foyerctl sync` waits for); returns the last status. */
static FoyerSyncStatus *
kiosk_sync (Kiosk *kiosk)
{
  FoyerSyncStatus *status = foyer_test_sync_until_current (kiosk->config,
                                                            foyer_store_get_path (kiosk->store),
                                                            SYNC_TIMEOUT_S);

  g_assert_true (status->pull_supported);
  return status;
}

static gint64
count_rows (Kiosk      *kiosk,
            const char *sql)
{
  return foyer_test_count_rows (foyer_store_get_path (kiosk->store), sql);
}

/* ---- tests ---- */

static void
test_cross_gate_repeat (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) a = NULL, b = NULL, c = NULL;
  g_autoptr(FoyerFlowResult) first = NULL, at_b = NULL, refused = NULL, dry = NULL;
  g_autoptr(FoyerSyncStatus) status = NULL;
  g_autofree char *said = NULL;

  if (server == NULL)
    return;
  a = kiosk_new (server, "gate-a", NULL, NULL);
  b = kiosk_new (server, "gate-b", NULL, NULL);
  c = kiosk_new (server, "gate-c", NULL, "[gate]\nreentry=refuse\n");
  kiosk_import (a, 5);
  kiosk_import (b, 5);
  kiosk_import (c, 5);

  first = kiosk_scan (a, 1, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (first), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_true (foyer_flow_result_get_admitted (first));
  foyer_sync_status_free (kiosk_sync (a));
  foyer_sync_status_free (kiosk_sync (b));
  foyer_sync_status_free (kiosk_sync (c));

  /* gate B learnt it from the pull: repeat, let in ([gate] reentry=warn), where and when */
  at_b = kiosk_scan (b, 1, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (at_b), ==, FOYER_FLOW_STATUS_REPEAT);
  g_assert_true (foyer_flow_result_get_admitted (at_b));
  g_assert_cmpstr (foyer_flow_result_get_previous_gate (at_b), ==, "gate-a");
  said = g_strdup_printf ("Already checked in at gate-a, ");
  g_assert_true (g_str_has_prefix (foyer_flow_result_get_visitor_reason (at_b), said));
  g_assert_nonnull (foyer_flow_result_get_registration (at_b));

  /* gate C refuses re-entry, and records nothing for the refused visitor */
  refused = kiosk_scan (c, 1, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (refused), ==, FOYER_FLOW_STATUS_REPEAT);
  g_assert_false (foyer_flow_result_get_admitted (refused));
  g_assert_cmpint (count_rows (c, "SELECT count(*) FROM checkins WHERE local = 1"), ==, 0);

  /* a badge nobody checked in yet is still fine at B */
  dry = kiosk_scan (b, 2, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (dry), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  status = kiosk_sync (b);
  g_assert_cmpint (status->pending, ==, 0);
}

static void
test_revocation (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) b = NULL;
  g_autoptr(FoyerFlowResult) result = NULL, other = NULL;

  if (server == NULL)
    return;
  b = kiosk_new (server, "gate-b", NULL, NULL);
  kiosk_import (b, 3);
  if (!server_revoke (server, "EXPO2026-V-000002", "refunded on request"))
    return;
  foyer_sync_status_free (kiosk_sync (b));

  /* refused offline: head office is gone when the visitor arrives */
  g_clear_pointer (&server->receiver, foyer_test_receiver_stop);
  result = kiosk_scan (b, 2, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (result), ==, FOYER_FLOW_STATUS_REVOKED);
  g_assert_false (foyer_flow_result_get_admitted (result));
  g_assert_nonnull (foyer_flow_result_get_visitor_reason (result));
  g_assert_nonnull (strstr (foyer_flow_result_get_staff_reason (result), "refunded on request"));
  g_assert_cmpint (count_rows (b, "SELECT count(*) FROM checkins"), ==, 0);
  other = kiosk_scan (b, 3, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (other), ==, FOYER_FLOW_STATUS_CHECKED_IN);
}

static void
test_annulment (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) a = NULL, b = NULL;
  g_autoptr(FoyerFlowResult) first = NULL, again = NULL;
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerSyncStatus) status = NULL;
  g_autofree char *annulment = NULL;
  FoyerCheckIn *latest;

  if (server == NULL)
    return;
  a = kiosk_new (server, "gate-a", NULL, NULL);
  b = kiosk_new (server, "gate-b", NULL, NULL);
  kiosk_import (a, 3);
  kiosk_import (b, 3);
  for (guint i = 1; i <= 3; i++) {
    g_autoptr(FoyerFlowResult) r = kiosk_scan (a, i, NULL);
    g_assert_cmpint (foyer_flow_result_get_status (r), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  }
  status = kiosk_sync (a);
  g_assert_cmpint (status->inside, ==, 3);
  g_clear_pointer (&status, foyer_sync_status_free);

  /* the turnstile did not turn for the latest one: staff annul it */
  recent = foyer_store_list_recent_check_ins (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recent->len, ==, 3);
  latest = g_ptr_array_index (recent, 0);
  g_assert_cmpstr (latest->badge_code, ==, "EXPO2026-V-000003");
  g_assert_true (foyer_store_annul_check_in (a->store, latest->id, &annulment, &error));
  g_assert_no_error (error);
  g_assert_false (foyer_store_annul_check_in (a->store, latest->id, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (foyer_store_annul_check_in (a->store, "not-a-check-in", NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  status = kiosk_sync (a);
  g_assert_cmpint (status->pending, ==, 0);
  g_assert_cmpint (status->inside, ==, 2);
  g_clear_pointer (&status, foyer_sync_status_free);

  /* at gate B the annulled check-in no longer counts as "already checked in" */
  foyer_sync_status_free (kiosk_sync (b));
  g_assert_cmpint (count_rows (b, "SELECT count(*) FROM checkins WHERE annulled = 1"), ==, 1);
  again = kiosk_scan (b, 3, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (again), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  status = kiosk_sync (b);
  g_assert_cmpint (status->inside, ==, 3);
}

static void
test_exits_and_occupancy (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) hall_a = NULL, hall_b = NULL, way_out = NULL;
  g_autoptr(FoyerSyncStatus) status = NULL;
  g_autoptr(JsonObject) areas = NULL;
  g_autoptr(GError) error = NULL;

  if (server == NULL)
    return;
  hall_a = kiosk_new (server, "hall-a", "area=A\n", NULL);
  hall_b = kiosk_new (server, "hall-b", "area=B\n", NULL);
  way_out = kiosk_new (server, "way-out", "direction=exit\n", NULL);
  kiosk_import (hall_a, 6);
  kiosk_import (hall_b, 6);
  kiosk_import (way_out, 6);
  g_assert_cmpstr (foyer_kiosk_flow_get_direction (way_out->flow), ==, "exit");

  for (guint i = 1; i <= 4; i++)
    g_object_unref (kiosk_scan (hall_a, i, NULL));
  for (guint i = 5; i <= 6; i++)
    g_object_unref (kiosk_scan (hall_b, i, NULL));
  foyer_sync_status_free (kiosk_sync (hall_a));
  foyer_sync_status_free (kiosk_sync (hall_b));

  /* two leave by the exit kiosk: exits are records, admitted */
  for (guint i = 1; i <= 2; i++) {
    g_autoptr(FoyerFlowResult) r = kiosk_scan (way_out, i, NULL);
    g_assert_cmpint (foyer_flow_result_get_status (r), ==, FOYER_FLOW_STATUS_CHECKED_IN);
    g_assert_true (foyer_flow_result_get_admitted (r));
  }
  g_assert_cmpint (count_rows (way_out, "SELECT count(*) FROM checkins WHERE local = 1 AND "
                                        "direction = 'exit'"), ==, 2);
  foyer_sync_status_free (kiosk_sync (way_out));

  /* and one comes back in at hall B, after leaving: an entry again */
  {
    g_autoptr(FoyerFlowResult) back = NULL;

    foyer_sync_status_free (kiosk_sync (hall_b));
    back = kiosk_scan (hall_b, 1, NULL);
    g_assert_true (foyer_flow_result_get_admitted (back));
  }
  /* a walk-in registered at hall A's entrance was let in there: one more inside, by both
   * servers' count (docs/sync-protocol.md "Occupancy"); the record has no area */
  {
    g_autoptr(FoyerRegistration) walk_in = foyer_registration_new ();

    walk_in->kind = g_strdup (FOYER_KIND_WALK_IN);
    walk_in->event = g_strdup (EVENT);
    walk_in->kiosk_id = g_strdup (hall_a->id);
    walk_in->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    walk_in->badge_code = g_strdup ("EXPO2026-W-000001");
    walk_in->full_name = g_strdup ("王芳");
    walk_in->source = g_strdup (FOYER_SOURCE_MANUAL);
    g_assert_true (foyer_store_add_registration (hall_a->store, walk_in, NULL, &error));
    g_assert_no_error (error);
    foyer_sync_status_free (kiosk_sync (hall_a));
  }
  status = kiosk_sync (hall_b);
  g_assert_cmpint (status->inside, ==, 6);
  g_assert_cmpint (foyer_store_get_inside (hall_b->store, &areas, &error), ==, 6);
  g_assert_no_error (error);
  g_assert_nonnull (areas);
  g_assert_cmpint (json_object_get_int_member (areas, "A"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (areas, "B"), ==, 3);
}

/* A visitor registration and a lead on a booth tablet, as the lead page stores them. */
static void
booth_lead (Kiosk      *tablet,
            const char *badge,
            const char *rating,
            const char *notes,
            const char *answers,
            gboolean    follow_up)
{
  g_autoptr(FoyerRegistration) visitor = foyer_registration_new ();
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autoptr(FoyerLead) lead = foyer_lead_new ();
  g_autoptr(GError) error = NULL;

  visitor->kind = g_strdup (FOYER_KIND_LEAD);
  visitor->event = g_strdup (EVENT);
  visitor->kiosk_id = g_strdup (tablet->id);
  visitor->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  visitor->badge_code = g_strdup (badge);
  visitor->full_name = g_strdup ("李娜");
  visitor->source = g_strdup (FOYER_SOURCE_BADGE);
  g_assert_true (foyer_store_add_registration (tablet->store, visitor, &existing, &error));
  g_assert_no_error (error);

  lead->registration_id = g_strdup (existing != NULL ? existing->id : visitor->id);
  lead->event = g_strdup (EVENT);
  lead->kiosk_id = g_strdup (tablet->id);
  lead->booth = g_strdup ("B-17");
  lead->rating = g_strdup (rating);
  lead->notes = g_strdup (notes);
  lead->answers_json = g_strdup (answers);
  lead->follow_up = follow_up;
  g_assert_true (foyer_store_save_lead (tablet->store, lead, &error));
  g_assert_no_error (error);
}

static void
test_booth_team_leads (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) t1 = NULL, t2 = NULL;
  g_autoptr(GPtrArray) leads = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *lead;
  JsonArray *notes;

  if (server == NULL)
    return;
  t1 = kiosk_new (server, "booth-17-tablet-1", "mode=booth\nbooth=B-17\n", NULL);
  t2 = kiosk_new (server, "booth-17-tablet-2", "mode=booth\nbooth=B-17\n", NULL);

  /* tablet 1 scans offline first; tablet 2 scans the same visitor later and goes online first */
  booth_lead (t1, "EXPO2026-V-000042", "warm", "wants a quote", "{\"budget\":\"100k\"}", TRUE);
  g_usleep (20 * 1000);
  booth_lead (t2, "EXPO2026-V-000042", "hot", "met the CTO", "{\"timeframe\":\"Q1\"}", FALSE);
  foyer_sync_status_free (kiosk_sync (t2));
  foyer_sync_status_free (kiosk_sync (t1));

  leads = foyer_store_list_team_leads (t1->store, EVENT, "B-17", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (leads->len, ==, 1);
  lead = g_ptr_array_index (leads, 0);
  g_assert_cmpstr (json_object_get_string_member (lead, "badge_code"), ==, "EXPO2026-V-000042");
  g_assert_cmpstr (json_object_get_string_member (lead, "rating"), ==, "hot");
  g_assert_true (json_object_get_boolean_member (lead, "follow_up"));
  notes = json_object_get_array_member (lead, "notes");
  g_assert_cmpuint (json_array_get_length (notes), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0),
                                                  "author"), ==, "booth-17-tablet-1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 1),
                                                  "text"), ==, "met the CTO");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (lead, "answers"),
                                                  "budget"), ==, "100k");
}

static void
test_erasure (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) a = NULL, b = NULL;
  g_autoptr(FoyerFlowResult) scan = NULL;
  g_autofree char *email = badge_email (2);

  if (server == NULL)
    return;
  a = kiosk_new (server, "gate-a", NULL, NULL);
  b = kiosk_new (server, "gate-b", NULL, NULL);
  kiosk_import (a, 3);
  kiosk_import (b, 3);
  g_object_unref (kiosk_scan (a, 2, NULL));
  g_object_unref (kiosk_scan (b, 3, NULL));
  foyer_sync_status_free (kiosk_sync (a));
  foyer_sync_status_free (kiosk_sync (b));
  g_assert_cmpint (count_rows (b, "SELECT count(*) FROM checkins WHERE badge_code = "
                                  "'EXPO2026-V-000002'"), ==, 1);

  server_erase (server, "EXPO2026-V-000002", email);
  foyer_sync_status_free (kiosk_sync (a));
  foyer_sync_status_free (kiosk_sync (b));
  for (guint k = 0; k < 2; k++) {
    Kiosk *kiosk = k == 0 ? a : b;

    g_assert_cmpint (count_rows (kiosk, "SELECT count(*) FROM preregistrations WHERE "
                                        "badge_code = 'EXPO2026-V-000002'"), ==, 0);
    g_assert_cmpint (count_rows (kiosk, "SELECT count(*) FROM checkins WHERE badge_code = "
                                        "'EXPO2026-V-000002'"), ==, 0);
    g_assert_cmpint (count_rows (kiosk, "SELECT count(*) FROM registrations WHERE badge_code = "
                                        "'EXPO2026-V-000002'"), ==, 0);
    g_assert_cmpint (count_rows (kiosk, "SELECT count(*) FROM erasures"), >=, 1);
    /* the others stay */
    g_assert_cmpint (count_rows (kiosk, "SELECT count(*) FROM preregistrations"), ==, 2);
  }
  scan = kiosk_scan (b, 2, NULL);
  g_assert_cmpint (foyer_flow_result_get_status (scan), ==, FOYER_FLOW_STATUS_UNKNOWN);
}

/* ---- foyerctl ---- */

static int
run_foyerctl (Kiosk       *kiosk,
              char       **out,
              const char  *first,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer)"--config");
  g_ptr_array_add (argv, kiosk->conf);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = foyer_test_run_foyerctl ((const char * const *)argv->pdata, NULL, 0, out, &err);
  g_test_message ("foyerctl %s: exit %d, %s", first, status, err);
  return status;
}

static void
test_foyerctl_sync_pulls (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) a = NULL;
  g_autofree char *out = NULL;

  if (server == NULL)
    return;
  if (server->kind == SERVER_HUB) {
    g_test_skip ("failing pulls on purpose (pull_fault) is the receiver's fault injection");
    return;
  }
  a = kiosk_new (server, "gate-a", NULL, NULL);
  kiosk_import (a, 2);
  g_object_unref (kiosk_scan (a, 1, NULL));
  server_control (server, "{\"seed_registrations\": {\"n\": 5000, \"prefix\": \"HQ\"}}");

  /* the pull fails after the upload succeeded: not done, exit 75 */
  server_control (server, "{\"pull_fault\": {\"code\": 503, \"count\": 1000}}");
  g_assert_cmpint (run_foyerctl (a, &out, "sync", "--once", NULL), ==, 75);
  g_assert_cmpint (count_rows (a, "SELECT count(*) FROM outbox WHERE state = 'done'"), ==, 1);
  g_clear_pointer (&out, g_free);

  /* 0 only once the pull reached head office's cursor */
  server_control (server, "{\"pull_fault\": {\"code\": 503, \"count\": 1}}");
  g_assert_cmpint (run_foyerctl (a, &out, "sync", "--max-wait", "30", NULL), ==, 0);
  g_assert_cmpint (count_rows (a, "SELECT count(*) FROM preregistrations WHERE badge_code "
                                  "LIKE 'HQ%'"), ==, 5000);
}

/* How many rows of the receiver's registrations feed (K000001… in order) the kiosk's stored
 * cursor has passed: the first row the receiver sends after that cursor is K(n+1). */
static gint64
rows_before_cursor (Server *server,
                    Kiosk  *kiosk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = foyer_store_get_pull_cursor (kiosk->store, "registrations", &error);
  g_autofree char *escaped = NULL, *path = NULL;
  g_autoptr(JsonObject) page = NULL;
  JsonArray *rows;
  const char *badge;

  g_assert_no_error (error);
  g_assert_nonnull (cursor);
  escaped = g_uri_escape_string (cursor, NULL, FALSE);
  path = g_strdup_printf ("/v1/registrations?since=%s&limit=1", escaped);
  page = foyer_test_receiver_get (server->receiver, path);
  rows = json_object_get_array_member (page, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  badge = json_object_get_string_member (json_array_get_object_element (rows, 0), "badge_code");
  g_assert_true (g_str_has_prefix (badge, "K"));
  return g_ascii_strtoll (badge + 1, NULL, 10) - 1;
}

/* the kiosk's page size (PULL_PAGE_ROWS in foyer-sync-engine.c), to tell where a kill landed */
#define PULL_PAGE_ROWS 5000

static void
test_pull_kill_9 (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) a = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) pulls = NULL;
  g_autofree char *out = NULL;
  JsonArray *requests;
  gint64 deadline, stored;
  gboolean resumed = FALSE;
  guint before;

  if (server == NULL)
    return;
  if (server->kind == SERVER_HUB) {
    g_test_skip ("slowing pulls down (pull_delay) and listing them (/_pulls) is the receiver's");
    return;
  }
  a = kiosk_new (server, "gate-a", NULL, NULL);
  server_control (server, "{\"seed_registrations\": {\"n\": 30000, \"prefix\": \"K\"}}");
  server_control (server, "{\"pull_delay\": 0.1}");

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, g_getenv ("FOYERCTL"), "--config", a->conf, "sync", NULL);
  g_assert_no_error (error);
  /* kill it after 6,000 rows, inside a page if the polling catches one being applied (a page
   * commits in several short transactions), else between pages */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline) {
    gint64 n = count_rows (a, "SELECT count(*) FROM preregistrations");

    if (n >= 6000 && (n % PULL_PAGE_ROWS != 0 || n >= 20000))
      break;
    g_usleep (n >= 6000 ? 500 : 20 * 1000);
  }
  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);

  /* A page commits in short transactions (the UI's check-ins get the write lock between them),
   * so the kill may land inside a page. What matters: what was committed has no gap (the first
   * `stored` rows of the feed, K000001…), and the stored cursor does not point past it (the
   * page's cursor is written with its last rows only; the page is re-applied on resume). */
  stored = count_rows (a, "SELECT count(*) FROM preregistrations");
  g_assert_cmpint (stored, >=, 6000);
  g_assert_cmpint (stored, <, 30000);
  g_assert_cmpint (count_rows (a, "SELECT max (CAST (substr (badge_code, 2) AS INTEGER)) FROM "
                                  "preregistrations"), ==, stored);
  g_assert_cmpint (rows_before_cursor (server, a), <=, stored);
  g_test_message ("killed with %" G_GINT64_FORMAT " rows stored%s", stored,
                  stored % PULL_PAGE_ROWS != 0 ? ", inside a page" : ", between pages");

  pulls = foyer_test_receiver_get (server->receiver, "/_pulls");
  before = json_array_get_length (json_object_get_array_member (pulls, "requests"));
  g_clear_pointer (&pulls, json_object_unref);
  server_control (server, "{\"pull_delay\": 0}");
  g_assert_cmpint (run_foyerctl (a, &out, "sync", "--max-wait", "30", NULL), ==, 0);
  g_assert_cmpint (count_rows (a, "SELECT count(*) FROM preregistrations"), ==, 30000);
  g_assert_cmpint (count_rows (a, "SELECT count(DISTINCT badge_code) FROM preregistrations"), ==,
                   30000);

  /* the second run started from the stored cursor, not from the beginning */
  pulls = foyer_test_receiver_get (server->receiver, "/_pulls");
  requests = json_object_get_array_member (pulls, "requests");
  for (guint i = before; i < json_array_get_length (requests); i++) {
    JsonArray *r = json_array_get_array_element (requests, i);

    if (g_strcmp0 (json_array_get_string_element (r, 0), "registrations") == 0) {
      resumed = *json_array_get_string_element (r, 1) != '\0';
      break;
    }
  }
  g_assert_true (resumed);
}

static void
test_outage_backoff (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) b = NULL;
  g_autoptr(FoyerSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  FoyerTestSyncWatch watch = { 0 };
  gboolean backed_off = FALSE;
  gint64 deadline;

  if (server == NULL)
    return;
  if (server->kind == SERVER_HUB) {
    g_test_skip ("the outage is injected by the receiver's fault modes");
    return;
  }
  b = kiosk_new (server, "gate-b", NULL, NULL);
  kiosk_import (b, 3);
  foyer_sync_status_free (kiosk_sync (b));

  engine = foyer_sync_engine_new (b->config, foyer_store_get_path (b->store), &error);
  g_assert_no_error (error);
  g_signal_connect (engine, "status-changed", G_CALLBACK (foyer_test_sync_watch_cb), &watch);
  foyer_sync_engine_start (engine);
  g_assert_true (foyer_test_main_loop_until (&watch.done, SYNC_TIMEOUT_S));

  /* head office answers 503 to the next pulls while a revocation waits there */
  server_control (server, "{\"pull_fault\": {\"code\": 503, \"count\": 4}}");
  server_control (server, "{\"revoke\": \"EXPO2026-V-000001\", \"reason\": \"duplicate\"}");
  deadline = g_get_monotonic_time () + SYNC_TIMEOUT_S * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline &&
         count_rows (b, "SELECT count(*) FROM preregistrations WHERE status = 'revoked'") == 0) {
    g_main_context_iteration (NULL, FALSE);
    if (watch.last != NULL && watch.last->state == FOYER_SYNC_STATE_BACKOFF)
      backed_off = TRUE;
    g_usleep (1000);
  }
  g_assert_true (backed_off);
  g_assert_cmpint (count_rows (b, "SELECT count(*) FROM preregistrations WHERE status = "
                                  "'revoked'"), ==, 1);
  foyer_sync_engine_stop (engine);
  g_signal_handlers_disconnect_by_func (engine, foyer_test_sync_watch_cb, &watch);
  g_clear_pointer (&watch.last, foyer_sync_status_free);
}

/* ---- foyerctl check-in ---- */

static JsonObject *
check_in_json (Kiosk      *kiosk,
               const char *code,
               const char *direction,
               gboolean    dry_run,
               int        *status)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (direction != NULL)
    *status = run_foyerctl (kiosk, &out, "check-in", code, "--direction", direction,
                            dry_run ? "--dry-run" : NULL, NULL);
  else
    *status = run_foyerctl (kiosk, &out, "check-in", code, dry_run ? "--dry-run" : NULL, NULL);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
assert_check_in (Kiosk      *kiosk,
                 const char *code,
                 const char *direction,
                 gboolean    dry_run,
                 const char *expected_status,
                 gboolean    admitted)
{
  int status = -1;
  g_autoptr(JsonObject) o = check_in_json (kiosk, code, direction, dry_run, &status);

  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, expected_status);
  g_assert_cmpint (json_object_get_boolean_member (o, "admitted"), ==, admitted);
  g_assert_cmpint (status, ==, admitted ? 0 : 1);
  if (g_str_equal (expected_status, "ok"))
    g_assert_false (json_object_has_member (o, "reason"));
  else
    g_assert_nonnull (json_object_get_string_member (o, "reason"));
  if (g_str_equal (expected_status, "repeat")) {
    g_assert_nonnull (json_object_get_string_member (o, "gate"));
    g_assert_nonnull (json_object_get_string_member (o, "at"));
  }
}

static char *
signed_badge (const char *dir,
              const char *tag,
              const char *event)
{
  g_autofree char *priv = g_strdup_printf ("%s/%s-sign.pem", dir, tag);
  g_autofree char *pub = g_strdup_printf ("%s/%s-verify.pem", dir, tag);
  g_autoptr(FoyerBadgeCode) code = NULL;
  g_autoptr(GError) error = NULL;
  char *payload;

  if (!g_file_test (priv, G_FILE_TEST_EXISTS))
    g_assert_true (foyer_badge_code_generate_keys (priv, pub, &error));
  g_assert_no_error (error);
  code = foyer_badge_code_new (priv, pub, &error);
  g_assert_no_error (error);
  payload = foyer_badge_code_sign (code, event, "3f2a9c4e-0b1d-4a57-9d1e-5c6b7a8f9e01", &error);
  g_assert_no_error (error);
  return payload;
}

static void
test_foyerctl_check_in (gconstpointer data)
{
  g_autoptr(Server) server = server_start (GPOINTER_TO_INT (data));
  g_autoptr(Kiosk) a = NULL, b = NULL;
  g_autofree char *keys = foyer_test_make_tmpdir ("pull-keys");
  g_autofree char *verify = g_strdup_printf ("[badge]\nverify-key=%s/event-verify.pem\n", keys);
  g_autofree char *forged = NULL, *other_event = NULL;
  g_autoptr(JsonObject) repeat = NULL;
  int status;

  if (server == NULL)
    return;
  /* the keys exist before the kiosks read their configuration */
  g_free (signed_badge (keys, "event", EVENT));
  forged = signed_badge (keys, "forger", EVENT);
  other_event = signed_badge (keys, "event", "another-show-2026");

  a = kiosk_new (server, "gate-a", NULL, verify);
  b = kiosk_new (server, "gate-b", NULL, verify);
  kiosk_import (a, 4);
  kiosk_import (b, 4);

  assert_check_in (a, "EXPO2026-V-000001", NULL, TRUE, "ok", TRUE);
  g_assert_cmpint (count_rows (a, "SELECT count(*) FROM checkins"), ==, 0);   /* dry run */
  assert_check_in (a, "EXPO2026-V-000001", NULL, FALSE, "ok", TRUE);
  g_assert_cmpint (count_rows (a, "SELECT count(*) FROM outbox WHERE state = 'pending'"), ==, 1);
  assert_check_in (a, "EXPO2026-V-000001", "exit", FALSE, "ok", TRUE);
  assert_check_in (a, "EXPO2026-V-000009", NULL, FALSE, "unknown", FALSE);
  assert_check_in (a, forged, NULL, FALSE, "forged", FALSE);
  assert_check_in (a, other_event, NULL, FALSE, "wrong_event", FALSE);

  foyer_sync_status_free (kiosk_sync (a));
  foyer_sync_status_free (kiosk_sync (b));
  repeat = check_in_json (b, "EXPO2026-V-000001", NULL, FALSE, &status);
  g_assert_cmpstr (json_object_get_string_member (repeat, "status"), ==, "repeat");
  g_assert_cmpstr (json_object_get_string_member (repeat, "gate"), ==, "gate-a");
  g_assert_cmpstr (json_object_get_string_member (repeat, "display_name"), ==, "访客 1");
  g_assert_true (json_object_get_boolean_member (repeat, "admitted"));
  g_assert_cmpint (status, ==, 0);

  if (server->kind == SERVER_RECEIVER) {
    server_control (server, "{\"revoke\": \"EXPO2026-V-000002\", \"reason\": \"cancelled\"}");
    foyer_sync_status_free (kiosk_sync (b));
    assert_check_in (b, "EXPO2026-V-000002", NULL, FALSE, "revoked", FALSE);
  }
  /* "refused" comes from the gate rules (issue 20): a locked kiosk refuses too */
}


/* ---- the store alone ---- */

static Kiosk *
offline_kiosk (void)
{
  Kiosk *kiosk = g_new0 (Kiosk, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *text = NULL;

  kiosk->dir = foyer_test_make_tmpdir ("pull-store");
  kiosk->id = g_strdup ("gate-a");
  db = g_build_filename (kiosk->dir, "kiosk.db", NULL);
  text = g_strdup_printf ("[kiosk]\nid=gate-a\nevent=%s\n[storage]\ndatabase=%s\n", EVENT, db);
  kiosk->conf = foyer_test_write_file (kiosk->dir, "foyer.conf", text);
  kiosk->config = foyer_config_load (kiosk->conf, &error);
  g_assert_no_error (error);
  kiosk->store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  kiosk->flow = foyer_kiosk_flow_new (kiosk->config, kiosk->store, NULL);
  return kiosk;
}

static void
test_store_annul_window (void)
{
  g_autoptr(Kiosk) k = offline_kiosk ();
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) taken = NULL;
  g_autofree char *annulment = NULL;
  g_autofree char *oldest = NULL;
  gboolean found = FALSE;

  kiosk_import (k, 25);
  for (guint i = 1; i <= 25; i++) {
    g_autoptr(FoyerCheckIn) c = NULL;
    g_autofree char *code = badge_code (i);

    g_assert_true (foyer_store_record_check_in (k->store, EVENT, "gate-a", "A", code, NULL, NULL,
                                                &c, NULL, &error));
    g_assert_no_error (error);
    if (i == 1)
      oldest = g_strdup (c->id);
  }
  recent = foyer_store_list_recent_check_ins (k->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recent->len, ==, FOYER_STORE_ANNUL_WINDOW);
  g_assert_false (foyer_store_annul_check_in (k->store, oldest, NULL, &error));
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (foyer_store_annul_check_in (k->store,
                                             ((FoyerCheckIn *)g_ptr_array_index (recent, 5))->id,
                                             &annulment, &error));
  g_assert_no_error (error);

  /* what goes to head office: 25 first entries with direction and area, and the annulment */
  taken = foyer_store_outbox_take (k->store, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (taken), ==, 26);
  for (guint i = 0; i < json_array_get_length (taken); i++) {
    JsonObject *o = json_array_get_object_element (taken, i);

    if (g_strcmp0 (json_object_get_string_member (o, "type"), "annulment") == 0) {
      found = TRUE;
      g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, annulment);
      g_assert_cmpstr (json_object_get_string_member (o, "annuls"), ==,
                       ((FoyerCheckIn *)g_ptr_array_index (recent, 5))->id);
    } else {
      g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "check_in");
      g_assert_cmpstr (json_object_get_string_member (o, "direction"), ==, "entry");
      g_assert_cmpstr (json_object_get_string_member (o, "area"), ==, "A");
    }
  }
  g_assert_true (found);
}

static JsonArray *
rows_from (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_array_ref (json_node_get_array (node));
}

static void
test_store_apply_pull (void)
{
  g_autoptr(Kiosk) k = offline_kiosk ();
  g_autoptr(JsonArray) rows = rows_from (
    "[{\"badge_code\": \"R1\", \"status\": \"valid\", \"display_name\": \"王小明\","
    "  \"company\": \"华为\", \"category\": \"trade\", \"phone_tail\": \"9254\","
    "  \"source\": \"preregistration\"},"
    " {\"badge_code\": \"R2\", \"status\": \"revoked\", \"reason\": \"refund\"},"
    " {\"status\": \"valid\"}, 42, {\"badge_code\": \"R3\", \"status\": \"bogus\"}]");
  g_autoptr(JsonArray) check_ins = rows_from (
    "[{\"id\": \"c1\", \"badge_code\": \"R1\", \"direction\": \"entry\", \"gate\": \"gate-b\","
    "  \"area\": \"A\", \"at\": \"2026-11-24T09:12:00.000Z\", \"annulled\": false},"
    " {\"id\": \"c2\", \"badge_code\": \"R1\", \"direction\": \"sideways\", \"at\": \"x\"}]");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerRegistration) visitor = NULL;
  g_autoptr(FoyerCheckIn) last = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *reason = NULL;
  FoyerBadgeStatus status;
  guint applied = 0;

  for (int round = 0; round < 2; round++) {   /* a page pulled again changes nothing */
    g_assert_true (foyer_store_apply_pull (k->store, FOYER_PULL_REGISTRATIONS, EVENT, NULL, rows,
                                           "c2", NULL, &applied, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (applied, ==, 2);
  }
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM preregistrations"), ==, 2);
  cursor = foyer_store_get_pull_cursor (k->store, FOYER_PULL_REGISTRATIONS, &error);
  g_assert_cmpstr (cursor, ==, "c2");
  g_assert_true (foyer_store_lookup_badge_status (k->store, EVENT, "R1", &status, &visitor,
                                                  &reason, &error));
  g_assert_cmpint (status, ==, FOYER_BADGE_STATUS_VALID);
  g_assert_cmpstr (visitor->full_name, ==, "王小明");
  g_assert_cmpstr (visitor->category, ==, FOYER_CATEGORY_TRADE_VISITOR);
  g_clear_pointer (&visitor, foyer_registration_free);
  g_assert_true (foyer_store_lookup_badge_status (k->store, EVENT, "R2", &status, NULL, &reason,
                                                  &error));
  g_assert_cmpint (status, ==, FOYER_BADGE_STATUS_REVOKED);
  g_assert_cmpstr (reason, ==, "refund");

  {
    g_autoptr(JsonNode) inside = json_from_string ("{\"event\": 7, \"areas\": {\"A\": 7}}", NULL);

    g_assert_true (foyer_store_apply_pull (k->store, FOYER_PULL_CHECK_INS, EVENT, NULL,
                                           check_ins, "c9", json_node_get_object (inside),
                                           &applied, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 1);
  g_assert_cmpint (foyer_store_get_inside (k->store, NULL, &error), ==, 7);
  last = foyer_store_last_entry (k->store, EVENT, "R1", &error);
  g_assert_nonnull (last);
  g_assert_cmpstr (last->gate, ==, "gate-b");
  g_assert_false (last->local);
}

/* --- a pull gives way to a person waiting for the kiosk (foyer-thread.h) --- */

/* A page of n valid registrations P000000…, as head office sends them. */
static JsonArray *
many_rows (guint n)
{
  g_autoptr(GString) json = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{\"badge_code\": \"P%06u\", \"status\": \"valid\", "
                            "\"display_name\": \"访客 %u\", \"company\": \"华东机械\", "
                            "\"category\": \"trade\"}", i > 0 ? "," : "", i, i);
  g_string_append_c (json, ']');
  return rows_from (json->str);
}

/* A pull applied on a connection of its own, in a background thread, as the sync engine does. */
typedef struct {
  char      *db_path;
  JsonArray *rows;
  gboolean   ok;
  guint      applied;
  gint       done;      /* atomic */
  GThread   *thread;
} BackgroundPull;

static gpointer
background_pull_run (gpointer data)
{
  BackgroundPull *pull = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;

  foyer_thread_lower_priority (0, "the test's pull");   /* marks it as a background thread */
  store = foyer_store_open (pull->db_path, &error);
  g_assert_no_error (error);
  pull->ok = foyer_store_apply_pull (store, FOYER_PULL_REGISTRATIONS, EVENT, NULL, pull->rows,
                                     "page-end", NULL, &pull->applied, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&pull->done, 1);
  return NULL;
}

static BackgroundPull *
background_pull_start (Kiosk *k,
                       guint  n)
{
  BackgroundPull *pull = g_new0 (BackgroundPull, 1);

  pull->db_path = g_strdup (foyer_store_get_path (k->store));
  pull->rows = many_rows (n);
  pull->thread = g_thread_new ("test-pull", background_pull_run, pull);
  return pull;
}

/* Waits for the pull and frees it: TRUE when it stored every row and counted each once. */
static gboolean
background_pull_join (BackgroundPull *pull)
{
  gboolean ok;

  g_thread_join (pull->thread);
  ok = pull->ok && pull->applied == json_array_get_length (pull->rows);
  g_free (pull->db_path);
  json_array_unref (pull->rows);
  g_free (pull);
  return ok;
}

#define PULLED "SELECT count(*) FROM preregistrations WHERE badge_code LIKE 'P%'"

/* Holds a person's wait for ms (renewed well within FOYER_THREAD_FOREGROUND_MAX_MS) and checks
 * that the pull neither wrote a row nor finished meanwhile. */
static void
assert_pull_stands_still (Kiosk          *k,
                          BackgroundPull *pull,
                          guint           ms,
                          gint64          rows)
{
  for (guint waited = 0; waited < ms; waited += 20) {
    foyer_thread_foreground_begin ();
    g_usleep (20 * 1000);
    g_assert_cmpint (count_rows (k, PULLED), ==, rows);
    g_assert_false (g_atomic_int_get (&pull->done));
  }
}

/* The calls themselves: only a background thread sleeps, and only while a person waits. */
static gpointer
give_way_run (gpointer data)
{
  gint64 *slept = data;

  foyer_thread_lower_priority (0, "the test's thread");
  *slept = foyer_thread_give_way ();
  return NULL;
}

/* A page fetch's thread: SCHED_IDLE, and a background thread that gives way. */
static gpointer
idle_run (gpointer data)
{
  gint64 *slept = data;

  foyer_thread_idle_priority ("the test's thread");
  g_assert_cmpint (sched_getscheduler (0), ==, SCHED_IDLE);
  *slept = foyer_thread_give_way ();
  return NULL;
}

static void
test_store_idle_thread (void)
{
  gint64 slept = -1;
  GThread *thread;

  foyer_thread_foreground_begin ();
  thread = g_thread_new ("idle", idle_run, &slept);
  g_usleep (30 * 1000);
  g_assert_cmpint (slept, ==, -1);         /* asleep while the person waits */
  foyer_thread_foreground_end ();
  g_thread_join (thread);
  g_assert_cmpint (slept, >, 0);
  g_assert_cmpint (sched_getscheduler (0), ==, SCHED_OTHER);   /* only that thread */
}

static void
test_store_give_way (void)
{
  gint64 slept = -1;
  GThread *thread;

  foyer_thread_foreground_end ();
  g_assert_false (foyer_thread_foreground_active ());
  thread = g_thread_new ("give-way", give_way_run, &slept);
  g_thread_join (thread);
  g_assert_cmpint (slept, ==, 0);          /* nobody waits: at once */

  foyer_thread_foreground_begin ();
  g_assert_true (foyer_thread_foreground_active ());
  g_assert_cmpint (foyer_thread_give_way (), ==, 0);   /* not a background thread */
  slept = -1;
  thread = g_thread_new ("give-way", give_way_run, &slept);
  g_usleep (50 * 1000);
  g_assert_cmpint (slept, ==, -1);         /* still asleep */
  foyer_thread_foreground_end ();
  g_thread_join (thread);
  g_assert_cmpint (slept, >, 0);
  g_assert_false (foyer_thread_foreground_active ());
}

/* A page that arrives while a person waits is not written until the wait is over. */
static void
test_store_pull_waits_for_person (void)
{
  g_autoptr(Kiosk) k = offline_kiosk ();
  BackgroundPull *pull;

  foyer_thread_foreground_begin ();
  pull = background_pull_start (k, 20000);
  assert_pull_stands_still (k, pull, 200, 0);
  foyer_thread_foreground_end ();
  g_assert_true (background_pull_join (pull));
  g_assert_cmpint (count_rows (k, PULLED), ==, 20000);
}

/* Scans in quick succession: each one stops the pull (its transaction rolled back or, every
 * other time, committed), and yet the pull finishes, every row written and counted once. */
static void
test_store_pull_progresses_under_scans (void)
{
  g_autoptr(Kiosk) k = offline_kiosk ();
  BackgroundPull *pull = background_pull_start (k, 10000);
  gint64 deadline = g_get_monotonic_time () + 90 * G_TIME_SPAN_SECOND;
  guint scans = 0;

  /* answers of 20 ms, 2 ms apart: a pull that always rolled back would never get further */
  while (!g_atomic_int_get (&pull->done) && g_get_monotonic_time () < deadline) {
    foyer_thread_foreground_begin ();
    g_usleep (20000);
    foyer_thread_foreground_end ();
    g_usleep (2000);
    scans++;
  }
  g_assert_true (g_atomic_int_get (&pull->done));
  g_test_message ("%u scans while the pull ran", scans);
  g_assert_cmpuint (scans, >, 2);   /* the pull did run beside the scans */
  g_assert_true (background_pull_join (pull));
  g_assert_cmpint (count_rows (k, PULLED), ==, 10000);
}

/* A person's wait that starts in the middle of a page: the kiosk's own write gets the lock, the
 * pull stops writing until the wait is over, then finishes the page. */
static void
test_store_pull_gives_way_mid_page (void)
{
  g_autoptr(Kiosk) k = offline_kiosk ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerCheckIn) check_in = NULL;
  BackgroundPull *pull;
  gint64 before, settled;

  kiosk_import (k, 1);
  pull = background_pull_start (k, 40000);
  for (guint i = 0; i < 1000 && count_rows (k, PULLED) == 0; i++)
    g_usleep (10 * 1000);
  g_assert_cmpint (count_rows (k, PULLED), >, 0);
  g_assert_false (g_atomic_int_get (&pull->done));

  foyer_thread_foreground_begin ();
  {
    g_autofree char *code = badge_code (1);

    g_assert_true (foyer_store_record_check_in (k->store, EVENT, "gate-a", NULL, code, NULL, NULL,
                                                &check_in, NULL, &error));
    g_assert_no_error (error);
  }
  /* A pull that was between two transactions may write one row before it sees the wait. */
  settled = count_rows (k, PULLED);
  do {
    before = settled;
    foyer_thread_foreground_begin ();
    g_usleep (30 * 1000);
    settled = count_rows (k, PULLED);
  } while (settled != before);
  assert_pull_stands_still (k, pull, 200, settled);
  g_assert_cmpint (settled, <, 40000);

  foyer_thread_foreground_end ();
  g_assert_true (background_pull_join (pull));
  g_assert_cmpint (count_rows (k, PULLED), ==, 40000);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM checkins"), ==, 1);
}

static void
test_store_subject (void)
{
  g_autoptr(Kiosk) k = offline_kiosk ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(FoyerCheckIn) pending = NULL;
  g_autofree char *email = badge_email (2);
  g_autofree char *code = badge_code (2);
  g_autofree char *out = NULL;
  guint n = 0;

  kiosk_import (k, 3);
  g_assert_true (foyer_store_record_check_in (k->store, EVENT, "gate-a", NULL, code, NULL, NULL,
                                              &pending, NULL, &error));
  g_assert_no_error (error);

  found = foyer_store_export_subject (k->store, EVENT, "VISITOR2@example.org.cn", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found,
                                                                          "preregistrations")),
                    ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (found, "check_ins")),
                    ==, 1);

  /* the check-in is not delivered yet: it stays until it is, the pre-registration goes */
  g_assert_true (foyer_store_erase_subject (k->store, EVENT, email, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM checkins"), ==, 1);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM registrations"), ==, 1);
  {
    const char *ids[] = { pending->id, NULL };
    g_autoptr(JsonArray) taken = foyer_store_outbox_take (k->store, 10, &error);

    g_assert_cmpuint (json_array_get_length (taken), ==, 1);
    g_assert_true (foyer_store_outbox_mark_done (k->store, ids, &error));
  }
  /* erased by badge now (the pre-registration that named the e-mail is gone) */
  {
    const char *badges[] = { code, NULL };

    g_assert_true (foyer_store_erase_badges (k->store, EVENT, badges, "local", &n, &error));
  }
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM checkins"), ==, 0);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM registrations"), ==, 0);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM preregistrations"), ==, 2);
  /* the audit says that and how much, never whom */
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM erasures"), ==, 2);

  /* foyerctl subject: export, erase, usage */
  g_assert_cmpint (run_foyerctl (k, &out, "subject", "export", "--email",
                                 "visitor3@example.org.cn", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "EXPO2026-V-000003"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_foyerctl (k, &out, "subject", "erase", "--email",
                                 "visitor3@example.org.cn", NULL), ==, 0);
  g_assert_cmpint (count_rows (k, "SELECT count(*) FROM preregistrations"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_foyerctl (k, &out, "subject", "erase", NULL), ==, 2);
}

static void
add_server_tests (const char *server_name,
                  ServerKind  kind)
{
  static const struct {
    const char *name;
    GTestDataFunc func;
  } tests[] = {
    { "cross-gate-repeat", test_cross_gate_repeat },
    { "revocation", test_revocation },
    { "annulment", test_annulment },
    { "exits-and-occupancy", test_exits_and_occupancy },
    { "booth-team-leads", test_booth_team_leads },
    { "erasure", test_erasure },
    { "foyerctl-sync", test_foyerctl_sync_pulls },
    { "kill-9-resumes", test_pull_kill_9 },
    { "outage-backoff", test_outage_backoff },
    { "foyerctl-check-in", test_foyerctl_check_in },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++) {
    g_autofree char *path = g_strdup_printf ("/pull/%s/%s", server_name, tests[i].name);
    g_test_add_data_func (path, GINT_TO_POINTER (kind), tests[i].func);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pull/store/annul-window", test_store_annul_window);
  g_test_add_func ("/pull/store/apply-pull", test_store_apply_pull);
  g_test_add_func ("/pull/store/subject", test_store_subject);
  g_test_add_func ("/pull/store/give-way", test_store_give_way);
  g_test_add_func ("/pull/store/idle-thread", test_store_idle_thread);
  g_test_add_func ("/pull/store/pull-waits-for-person", test_store_pull_waits_for_person);
  g_test_add_func ("/pull/store/pull-gives-way-mid-page", test_store_pull_gives_way_mid_page);
  g_test_add_func ("/pull/store/pull-progresses-under-scans", test_store_pull_progresses_under_scans);
  add_server_tests ("receiver", SERVER_RECEIVER);
  add_server_tests ("hub", SERVER_HUB);
  return g_test_run ();
}
