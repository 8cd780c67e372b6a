/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gate-rules.c: [gate] rules (issue 20): reading and checking a config, categories, opening
 * hours around midnight and in other time zones, entry days, entries per day, reasons in both
 * languages; and the kiosk flow applying them in order on a real store. */
#include "config.h"

#include <string.h>

#include "foyer-gate-rules.h"
#include "foyer-i18n.h"
#include "foyer-kiosk-flow.h"
#include "foyer-store-checkins.h"
#include "foyer-test-util.h"

#define EVENT "EXPO2026"

static FoyerGateRules *
rules_from (const char  *gate_lines,
            GPtrArray   *warnings,
            GError     **error)
{
  g_autofree char *text = g_strdup_printf ("[kiosk]\nevent=%s\nid=gate-a\n[gate]\n%s",
                                           EVENT, gate_lines);
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(GError) local = NULL;

  /* The config itself refuses what the rules refuse; read the key file without it. */
  config = foyer_config_load_from_data ("[kiosk]\n", "empty.conf", &local);
  g_assert_no_error (local);
  g_assert_true (g_key_file_load_from_data (foyer_config_get_key_file (config), text, -1,
                                            G_KEY_FILE_KEEP_TRANSLATIONS, NULL));
  return foyer_gate_rules_new_from_config (config, warnings, error);
}

static FoyerGateRules *
valid_rules (const char *gate_lines)
{
  g_autoptr(GError) error = NULL;
  FoyerGateRules *rules = rules_from (gate_lines, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rules);
  return rules;
}

static GDateTime *
at (const char *tz_id,
    const char *iso)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (tz_id);
  GDateTime *when = g_date_time_new_from_iso8601 (iso, tz);

  g_assert_nonnull (when);
  return when;
}

static gboolean
open_at (FoyerGateRules *rules,
         const char     *tz_id,
         const char     *iso)
{
  g_autoptr(GDateTime) when = at (tz_id, iso);

  return foyer_gate_rules_is_open (rules, when, NULL, NULL);
}

static void
test_no_rules (void)
{
  g_autoptr(FoyerGateRules) rules = valid_rules ("");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_false (foyer_gate_rules_is_active (rules));
  g_assert_true (foyer_gate_rules_admits_category (rules, FOYER_CATEGORY_MEDIA, NULL, NULL));
  g_assert_true (foyer_gate_rules_is_open (rules, now, NULL, NULL));
  g_assert_true (foyer_gate_rules_admits_entries (rules, 500, NULL, NULL));
}

static void
test_categories (void)
{
  g_autoptr(FoyerGateRules) rules = valid_rules ("categories=media;vip\n"
                                                 "name=Media entrance\n"
                                                 "other-entrance=the East Hall entrance\n");
  g_autofree char *visitor = NULL;
  g_autofree char *staff = NULL;

  g_assert_true (foyer_gate_rules_is_active (rules));
  g_assert_true (foyer_gate_rules_admits_category (rules, FOYER_CATEGORY_MEDIA, NULL, NULL));
  g_assert_true (foyer_gate_rules_admits_category (rules, FOYER_CATEGORY_VIP, NULL, NULL));
  g_assert_false (foyer_gate_rules_admits_category (rules, FOYER_CATEGORY_TRADE_VISITOR,
                                                    &visitor, &staff));
  g_assert_cmpstr (visitor, ==, "This entrance is for media, VIP guests only. Please use the "
                                "East Hall entrance.");
  g_assert_cmpstr (staff, ==, "Media entrance: trade visitors please use the East Hall entrance "
                              "(this entrance admits media, VIP guests).");
  /* A registration without a category is a trade visitor's. */
  g_assert_false (foyer_gate_rules_admits_category (rules, NULL, NULL, NULL));
}

static void
test_categories_zh_CN (void)
{
  g_autoptr(FoyerGateRules) rules = NULL;
  g_autofree char *visitor = NULL;
  g_autofree char *staff = NULL;

  if (!foyer_i18n_has_catalog ("zh_CN")) {
    g_test_skip ("no zh_CN catalogue in the build");
    return;
  }
  g_assert_cmpstr (foyer_i18n_set_language ("zh_CN"), ==, "zh_CN");
  rules = valid_rules ("categories=media\nname=Media entrance\nname[zh_CN]=媒体入口\n"
                       "other-entrance=the East Hall entrance\nother-entrance[zh_CN]=东馆入口\n");
  g_assert_false (foyer_gate_rules_admits_category (rules, FOYER_CATEGORY_TRADE_VISITOR,
                                                    &visitor, &staff));
  foyer_i18n_set_language ("en");
  g_assert_cmpstr (visitor, ==, "本入口仅供媒体使用，请走东馆入口。");
  g_assert_cmpstr (staff, ==, "媒体入口：专业观众请走东馆入口（本入口允许：媒体）。");
}

static void
test_hours_day (void)
{
  g_autoptr(FoyerGateRules) rules = valid_rules ("open=09:00\nclose=18:00\n"
                                                 "time-zone=Asia/Shanghai\n");
  g_autoptr(GDateTime) early = at ("Asia/Shanghai", "2026-12-05T08:59:59");
  g_autofree char *visitor = NULL;
  g_autofree char *staff = NULL;

  g_assert_false (foyer_gate_rules_is_open (rules, early, &visitor, &staff));
  g_assert_cmpstr (visitor, ==, "This entrance is closed now. It opens at 09:00.");
  g_assert_nonnull (strstr (staff, "it is now 2026-12-05 08:59"));
  g_assert_nonnull (strstr (staff, "Asia/Shanghai"));
  g_assert_true (open_at (rules, "Asia/Shanghai", "2026-12-05T09:00:00"));
  g_assert_true (open_at (rules, "Asia/Shanghai", "2026-12-05T17:59:59"));
  g_assert_false (open_at (rules, "Asia/Shanghai", "2026-12-05T18:00:00"));
  g_assert_false (open_at (rules, "Asia/Shanghai", "2026-12-05T23:59:59"));
  g_assert_false (open_at (rules, "Asia/Shanghai", "2026-12-06T00:00:00"));
  /* The same instants seen from another zone: the gate's zone decides. 09:30 in Shanghai is
   * 01:30 UTC. */
  g_assert_true (open_at (rules, "UTC", "2026-12-05T01:30:00"));
  g_assert_false (open_at (rules, "UTC", "2026-12-05T00:30:00"));
  g_assert_false (open_at (rules, "UTC", "2026-12-05T12:00:00"));
}

static void
test_hours_overnight (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerGateRules) rules = rules_from ("open=22:00\nclose=02:00\ntime-zone=UTC\n",
                                                warnings, &error);
  g_autoptr(GDateTime) late = at ("UTC", "2026-12-06T01:30:00");
  g_autoptr(GDateTime) after = at ("UTC", "2026-12-06T03:00:00");
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *visitor = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), "overnight"));
  g_assert_false (open_at (rules, "UTC", "2026-12-05T21:59:00"));
  g_assert_true (open_at (rules, "UTC", "2026-12-05T22:00:00"));
  g_assert_true (open_at (rules, "UTC", "2026-12-05T23:59:59"));
  g_assert_true (open_at (rules, "UTC", "2026-12-06T00:00:00"));
  g_assert_true (open_at (rules, "UTC", "2026-12-06T01:59:59"));
  g_assert_false (open_at (rules, "UTC", "2026-12-06T02:00:00"));
  g_assert_false (foyer_gate_rules_is_open (rules, after, &visitor, NULL));
  g_assert_cmpstr (visitor, ==, "This entrance is closed now. It opens at 22:00.");

  /* A night session is one entry day, from 22:00 to the next 22:00. */
  foyer_gate_rules_get_entry_day (rules, late, &start, &end);
  g_assert_cmpint (g_date_time_to_unix (start), ==,
                   g_date_time_to_unix (at ("UTC", "2026-12-05T22:00:00")));
  g_assert_cmpint (g_date_time_to_unix (end), ==,
                   g_date_time_to_unix (at ("UTC", "2026-12-06T22:00:00")));
}

static void
test_hours_per_date (void)
{
  g_autoptr(FoyerGateRules) rules = valid_rules ("open=09:00;2026-12-07 10:00\n"
                                                 "close=18:00;2026-12-07 16:00;2026-12-08 24:00\n"
                                                 "time-zone=Europe/Berlin\n");
  g_autoptr(GDateTime) evening = at ("Europe/Berlin", "2026-12-06T19:00:00");
  g_autofree char *visitor = NULL;
  g_autofree char *text = foyer_gate_rules_describe (rules);

  g_assert_true (open_at (rules, "Europe/Berlin", "2026-12-06T09:30:00"));
  g_assert_false (open_at (rules, "Europe/Berlin", "2026-12-07T09:30:00"));
  g_assert_true (open_at (rules, "Europe/Berlin", "2026-12-07T10:00:00"));
  g_assert_false (open_at (rules, "Europe/Berlin", "2026-12-07T16:00:00"));
  g_assert_true (open_at (rules, "Europe/Berlin", "2026-12-08T23:59:00"));
  g_assert_false (open_at (rules, "Europe/Berlin", "2026-12-09T00:00:00"));
  /* The next opening is on another date: the visitor reads which. */
  g_assert_false (foyer_gate_rules_is_open (rules, evening, &visitor, NULL));
  g_assert_cmpstr (visitor, ==, "This entrance is closed now. It opens at 2026-12-07 10:00.");
  g_assert_nonnull (strstr (text, "Open every day from 09:00 to 18:00."));
  g_assert_nonnull (strstr (text, "On 2026-12-07: open from 10:00 to 16:00."));
  g_assert_nonnull (strstr (text, "On 2026-12-08: open from 09:00 to 24:00."));
  g_assert_nonnull (strstr (text, "Europe/Berlin"));
}

static void
test_entries (void)
{
  g_autoptr(FoyerGateRules) rules = valid_rules ("max-entries-per-day=2\n");
  g_autoptr(GDateTime) now = at ("Asia/Shanghai", "2026-12-05T00:30:00");
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *visitor = NULL;
  g_autofree char *staff = NULL;

  g_assert_true (foyer_gate_rules_admits_entries (rules, 0, NULL, NULL));
  g_assert_true (foyer_gate_rules_admits_entries (rules, 1, NULL, NULL));
  g_assert_false (foyer_gate_rules_admits_entries (rules, 2, &visitor, &staff));
  g_assert_cmpstr (visitor, ==, "This badge has already been used to enter 2 times today, the "
                                "most allowed per day.");
  g_assert_cmpstr (staff, ==, "This entrance: this badge entered 2 times today, the most is 2 "
                              "([gate] max-entries-per-day).");
  /* Without opening hours the entry day is the calendar day in the gate's zone. */
  foyer_gate_rules_get_entry_day (rules, now, &start, &end);
  g_assert_cmpint (g_date_time_get_hour (start), ==, 0);
  g_assert_cmpint (g_date_time_difference (end, start), ==, G_TIME_SPAN_DAY);
}

static void
assert_invalid (const char *gate_lines,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerGateRules) rules = rules_from (gate_lines, NULL, &error);

  g_assert_null (rules);
  g_assert_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_invalid (void)
{
  assert_invalid ("open=9h\n", "“9h” is not a time");
  assert_invalid ("open=25:00\n", "is not a time");
  assert_invalid ("open=24:00\n", "is not a time");
  assert_invalid ("close=18:0\n", "is not a time");
  assert_invalid ("open=2026-02-30 09:00\n", "is not a time");
  assert_invalid ("open=09:00;10:00\n", "two times for every day");
  assert_invalid ("open=2026-12-07 09:00;2026-12-07 10:00\n", "two times for 2026-12-07");
  assert_invalid ("open=09:00\nclose=09:00\n", "would never open");
  assert_invalid ("open=2026-12-07 18:00\nclose=18:00\n", "would never open");
  assert_invalid ("time-zone=Mars/Olympus\n", "not a time zone");
}

static void
test_warnings (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerGateRules) rules = rules_from ("categories=press\n", warnings, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rules);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), "“press” is not a visitor category"));
  g_assert_nonnull (strstr (g_ptr_array_index (warnings, 1), "admits nobody"));
}

/* A [gate] that cannot be a rule makes the whole configuration invalid (the kiosk does not
 * start on it); a doubtful one is a warning with the file and line. */
static void
test_config_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) bad = foyer_config_load_from_data ("[kiosk]\nid=a\n[gate]\nopen=9\n",
                                                            "bad.conf", &error);
  g_autoptr(FoyerConfig) doubtful = NULL;
  GPtrArray *warnings;

  g_assert_null (bad);
  g_assert_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE);
  g_assert_true (g_str_has_prefix (error->message, "bad.conf:3: [gate] open: “9”"));
  g_clear_error (&error);

  doubtful = foyer_config_load_from_data ("[kiosk]\nid=a\n[gate]\nopen=20:00\nclose=01:00\n",
                                          "night.conf", &error);
  g_assert_no_error (error);
  warnings = foyer_config_get_warnings (doubtful);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 0), "night.conf:3: [gate] close"));
}

/* --- the kiosk flow applies them -------------------------------------------------------- */

static FoyerKioskFlow *
make_flow (const char  *gate_lines,
           FoyerStore **store_out)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("gate-flow");
  g_autofree char *db = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *text = g_strdup_printf ("[kiosk]\nevent=%s\nid=gate-a\n[gate]\n%s",
                                           EVENT, gate_lines);
  g_autoptr(FoyerConfig) config = NULL;
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GError) error = NULL;
  FoyerKioskFlow *flow;

  config = foyer_config_load_from_data (text, "gate.conf", &error);
  g_assert_no_error (error);
  store = foyer_store_open (db, &error);
  g_assert_no_error (error);
  foyer_test_add_preregistration (store, EVENT, "V-TRADE", FOYER_CATEGORY_TRADE_VISITOR, "王芳");
  foyer_test_add_preregistration (store, EVENT, "V-MEDIA", FOYER_CATEGORY_MEDIA, "王芳");
  flow = foyer_kiosk_flow_new (config, store, NULL);
  *store_out = g_steal_pointer (&store);
  return flow;
}

static FoyerFlowStatus
scan_status (FoyerKioskFlow   *flow,
             const char       *code,
             FoyerFlowResult **out)
{
  g_autoptr(GBytes) raw = g_bytes_new (code, strlen (code));
  g_autoptr(FoyerFlowResult) result = foyer_kiosk_flow_scan (flow, raw);
  FoyerFlowStatus status = foyer_flow_result_get_status (result);

  if (out != NULL)
    *out = g_steal_pointer (&result);
  return status;
}

static void
test_flow_order (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerKioskFlow) flow = make_flow ("categories=media\nopen=09:00\nclose=18:00\n"
                                              "time-zone=Asia/Shanghai\n"
                                              "other-entrance=the East Hall entrance\n", &store);
  FoyerGateRules *rules = foyer_kiosk_flow_get_gate_rules (flow);
  g_autoptr(GDateTime) night = at ("Asia/Shanghai", "2026-12-05T20:00:00");
  g_autoptr(GDateTime) day = at ("Asia/Shanghai", "2026-12-05T10:00:00");
  g_autoptr(FoyerFlowResult) result = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;

  /* Category comes before the hours: a trade visitor at the press entrance at night is sent to
   * the right entrance, not told to come back in the morning. */
  foyer_gate_rules_set_fixed_time (rules, night);
  g_assert_cmpint (scan_status (flow, "V-TRADE", &result), ==, FOYER_FLOW_STATUS_REFUSED);
  g_assert_false (foyer_flow_result_get_admitted (result));
  g_assert_cmpstr (foyer_flow_result_get_visitor_reason (result), ==,
                   "This entrance is for media only. Please use the East Hall entrance.");
  g_assert_cmpstr (foyer_flow_result_get_badge_code (result), ==, "V-TRADE");
  g_clear_object (&result);
  g_assert_cmpint (scan_status (flow, "V-MEDIA", &result), ==, FOYER_FLOW_STATUS_REFUSED);
  g_assert_nonnull (strstr (foyer_flow_result_get_visitor_reason (result), "closed"));
  /* A refusal writes nothing. */
  reg = foyer_store_find_by_badge (store, EVENT, "V-MEDIA", &error);
  g_assert_no_error (error);
  g_assert_null (reg);

  /* Unknown badges stay unknown: the rules judge visitors, not codes. */
  g_assert_cmpint (scan_status (flow, "V-NOBODY", NULL), ==, FOYER_FLOW_STATUS_UNKNOWN);

  foyer_gate_rules_set_fixed_time (rules, day);
  g_assert_cmpint (scan_status (flow, "V-MEDIA", NULL), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_cmpint (scan_status (flow, "V-MEDIA", NULL), ==, FOYER_FLOW_STATUS_REPEAT);
}

/* The kiosk takes changed [gate] rules while it runs (its file monitor calls this); rules that do
 * not read leave the running ones in place. */
static void
test_flow_take_config (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerKioskFlow) flow = make_flow ("categories=media\n", &store);
  g_autoptr(FoyerConfig) same = NULL, opened = NULL, broken = NULL;
  g_autoptr(GError) error = NULL;
  FoyerConfig *running = foyer_kiosk_flow_get_config (flow);

  g_assert_cmpint (scan_status (flow, "V-TRADE", NULL), ==, FOYER_FLOW_STATUS_REFUSED);

  same = foyer_config_load_from_data ("[kiosk]\nevent=" EVENT "\n[gate]\ncategories=media\n",
                                      "same.conf", &error);
  g_assert_no_error (error);
  g_assert_false (foyer_gate_rules_take_config (running, same, &error));
  g_assert_no_error (error);

  /* a wrong time: the entrance keeps admitting media only */
  broken = foyer_config_load_from_data ("[kiosk]\n", "broken.conf", &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_load_from_data (foyer_config_get_key_file (broken),
                                            "[gate]\ncategories=trade_visitor\nopen=25:00\n", -1,
                                            G_KEY_FILE_NONE, NULL));
  g_assert_false (foyer_gate_rules_take_config (running, broken, &error));
  g_assert_error (error, FOYER_GATE_RULES_ERROR, FOYER_GATE_RULES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (foyer_config_get_string (running, "gate", "categories"), ==, "media");

  /* the press entrance opens to everyone: the next scan admits a trade visitor */
  opened = foyer_config_load_from_data ("[kiosk]\nevent=" EVENT "\n[gate]\nmax-entries-per-day=5\n",
                                        "opened.conf", &error);
  g_assert_no_error (error);
  g_assert_true (foyer_gate_rules_take_config (running, opened, &error));
  g_assert_no_error (error);
  g_assert_false (foyer_config_has_key (running, "gate", "categories"));
  foyer_kiosk_flow_reload_gate_rules (flow);
  g_assert_cmpint (scan_status (flow, "V-TRADE", NULL), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_cmpuint (foyer_gate_rules_get_max_entries (foyer_kiosk_flow_get_gate_rules (flow)),
                    ==, 5);
}

/* Entries are counted from the store in the gate's entry day. */
static void
test_flow_entries (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerKioskFlow) flow = make_flow ("max-entries-per-day=1\n", &store);
  FoyerGateRules *rules = foyer_kiosk_flow_get_gate_rules (flow);
  g_autoptr(GDateTime) now = foyer_gate_rules_now (rules);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(FoyerFlowResult) result = NULL;

  g_assert_cmpint (scan_status (flow, "V-TRADE", NULL), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_cmpint (scan_status (flow, "V-TRADE", &result), ==, FOYER_FLOW_STATUS_REFUSED);
  g_assert_cmpstr (foyer_flow_result_get_staff_reason (result), ==,
                   "This entrance: this badge entered 1 time today, the most is 1 ([gate] "
                   "max-entries-per-day).");
  /* The next day the earlier entry no longer counts: the visitor is back (a repeat). */
  foyer_gate_rules_set_fixed_time (rules, tomorrow);
  g_assert_cmpint (scan_status (flow, "V-TRADE", NULL), ==, FOYER_FLOW_STATUS_REPEAT);
}

static void
pull_entry (FoyerStore *store,
            const char *id,
            const char *badge,
            GDateTime  *at,
            gboolean    annulled)
{
  g_autofree char *at_text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) utc = g_date_time_to_utc (at);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  at_text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
  json = g_strdup_printf ("[{\"id\": \"%s\", \"badge_code\": \"%s\", \"direction\": "
                          "\"entry\", \"gate\": \"gate-b\", \"area\": \"B\", \"at\": \"%s\", "
                          "\"annulled\": %s}]", id, badge, at_text, annulled ? "true" : "false");
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (foyer_store_apply_pull (store, FOYER_PULL_CHECK_INS, EVENT, NULL,
                                         json_node_get_array (node), id, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
}

/* Entries at other gates, pulled by two-way sync, count; annulled ones and yesterday's do not. */
static void
test_flow_pulled_entries (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerKioskFlow) flow = make_flow ("max-entries-per-day=2\n", &store);
  FoyerGateRules *rules = foyer_kiosk_flow_get_gate_rules (flow);
  g_autoptr(GDateTime) now = foyer_gate_rules_now (rules);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autoptr(FoyerFlowResult) result = NULL;

  /* This kiosk records its own check-ins at the real time: the day is today's. */
  foyer_gate_rules_get_entry_day (rules, now, &start, &end);
  today = g_date_time_add_seconds (start, 1);
  yesterday = g_date_time_add_minutes (start, -1);
  pull_entry (store, "b-1", "V-TRADE", today, FALSE);
  pull_entry (store, "b-2", "V-TRADE", today, TRUE);
  pull_entry (store, "b-3", "V-TRADE", yesterday, FALSE);
  /* One entry today at gate B: the second (here) is allowed, a repeat by [gate] reentry. */
  g_assert_cmpint (scan_status (flow, "V-TRADE", &result), ==, FOYER_FLOW_STATUS_REPEAT);
  g_assert_true (foyer_flow_result_get_admitted (result));
  g_clear_object (&result);
  /* Two now: the third is refused. */
  g_assert_cmpint (scan_status (flow, "V-TRADE", &result), ==, FOYER_FLOW_STATUS_REFUSED);
  g_assert_nonnull (strstr (foyer_flow_result_get_staff_reason (result), "entered 2 times today"));
}

/* Booth tablets capture leads whatever the gate says. */
static void
test_flow_booth_ignores_gate (void)
{
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(FoyerKioskFlow) flow = make_flow ("categories=media\n", &store);

  foyer_config_set_string (foyer_kiosk_flow_get_config (flow), "kiosk", "mode", "booth");
  g_assert_cmpint (scan_status (flow, "V-TRADE", NULL), ==, FOYER_FLOW_STATUS_LEAD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  foyer_i18n_init ();
  foyer_i18n_set_language ("en");

  g_test_add_func ("/gate-rules/none", test_no_rules);
  g_test_add_func ("/gate-rules/categories", test_categories);
  g_test_add_func ("/gate-rules/categories-zh_CN", test_categories_zh_CN);
  g_test_add_func ("/gate-rules/hours-day", test_hours_day);
  g_test_add_func ("/gate-rules/hours-overnight", test_hours_overnight);
  g_test_add_func ("/gate-rules/hours-per-date", test_hours_per_date);
  g_test_add_func ("/gate-rules/entries", test_entries);
  g_test_add_func ("/gate-rules/invalid", test_invalid);
  g_test_add_func ("/gate-rules/warnings", test_warnings);
  g_test_add_func ("/gate-rules/config-load", test_config_load);
  g_test_add_func ("/gate-rules/flow-order", test_flow_order);
  g_test_add_func ("/gate-rules/flow-entries", test_flow_entries);
  g_test_add_func ("/gate-rules/flow-take-config", test_flow_take_config);
  g_test_add_func ("/gate-rules/flow-booth", test_flow_booth_ignores_gate);
  g_test_add_func ("/gate-rules/flow-pulled-entries", test_flow_pulled_entries);
  return g_test_run ();
}
