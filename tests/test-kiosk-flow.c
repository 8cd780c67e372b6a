/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-flow.c: the kiosk's decisions without a display: every status of FoyerKioskFlow
 * on a real SQLite store, with real signing keys, and foyerctl judging codes alike. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "foyer-badge-code.h"
#include "foyer-kiosk-flow.h"
#include "foyer-test-util.h"

#define EVENT     "EXPO2026"
#define KIOSK_ID  "gate-a"
#define PREREG    "EXPO2026-V-000123"

static struct {
  char *dir;
  char *private_path;
  char *public_path;
  char *other_private_path;
  char *other_public_path;
} keys;

static void
make_keys (void)
{
  g_autoptr(GError) error = NULL;

  keys.dir = foyer_test_make_tmpdir ("flow-keys");
  keys.private_path = g_build_filename (keys.dir, "sign.pem", NULL);
  keys.public_path = g_build_filename (keys.dir, "verify.pem", NULL);
  keys.other_private_path = g_build_filename (keys.dir, "other-sign.pem", NULL);
  keys.other_public_path = g_build_filename (keys.dir, "other-verify.pem", NULL);
  g_assert_true (foyer_badge_code_generate_keys (keys.private_path, keys.public_path, &error));
  g_assert_no_error (error);
  g_assert_true (foyer_badge_code_generate_keys (keys.other_private_path, keys.other_public_path,
                                                 &error));
  g_assert_no_error (error);
}

/* A kiosk's config: an entry (or booth) kiosk that signs its badges with the test key. Only
 * [badge] signing-key is set: the flow must check badges with its public half. */
static FoyerConfig *
make_config (const char *mode,
             gboolean    auto_print)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("[kiosk]\nevent=%s\nid=%s\nmode=%s\n"
                                           "[badge]\nsigning-key=%s\nauto-print=%s\n",
                                           EVENT, KIOSK_ID, mode, keys.private_path,
                                           auto_print ? "true" : "false");
  FoyerConfig *config = foyer_config_load_from_data (text, "test", &error);

  g_assert_no_error (error);
  return config;
}

static FoyerStore *
make_store (const char *tag)
{
  g_autofree char *dir = foyer_test_make_tmpdir (tag);
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GPtrArray) prereg = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  FoyerStore *store = foyer_store_open (path, &error);
  FoyerRegistration *reg = foyer_registration_new ();
  guint inserted = 0;

  g_assert_no_error (error);
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->event = g_strdup (EVENT);
  reg->kiosk_id = g_strdup ("head-office");
  reg->category = g_strdup (FOYER_CATEGORY_MEDIA);
  reg->full_name = g_strdup ("王芳");
  reg->badge_code = g_strdup (PREREG);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->emails = g_strsplit ("wangfang@example.org.cn", ",", -1);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  g_ptr_array_add (prereg, reg);
  g_assert_true (foyer_store_import_preregistrations (store, prereg, &inserted, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (inserted, ==, 1);
  return store;
}

static FoyerFlowResult *
scan (FoyerKioskFlow *flow,
      const char     *text)
{
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  FoyerFlowResult *result = foyer_kiosk_flow_scan (flow, raw);

  g_assert_nonnull (result);
  g_assert_true (g_bytes_equal (foyer_flow_result_get_raw (result), raw));
  return result;
}

#define assert_status(result, expected) \
  g_assert_cmpstr (foyer_flow_status_to_nick (foyer_flow_result_get_status (result)), ==, \
                   foyer_flow_status_to_nick (expected))

static FoyerRegistration *
walk_in (const char *name)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = g_strdup (name);
  reg->phones = g_strsplit ("+8613800138000", ",", -1);
  reg->source = g_strdup (FOYER_SOURCE_MANUAL);
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup ("1");
  reg->consent_at = foyer_timestamp_now ();
  return reg;
}

static char *
sign_with (const char *private_path,
           const char *public_path,
           const char *event)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerBadgeCode) code = foyer_badge_code_new (private_path, public_path, &error);
  char *payload;

  g_assert_no_error (error);
  payload = foyer_badge_code_sign (code, event, "3f2a9c4e-0b1d-4a57-9d1e-5c6b7a8f9e01", &error);
  g_assert_no_error (error);
  return payload;
}

/* --- tests --------------------------------------------------------------------------------- */

static void
test_check_in_then_repeat (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", FALSE);
  g_autoptr(FoyerStore) store = make_store ("flow-checkin");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autoptr(FoyerFlowResult) first = scan (flow, PREREG);
  g_autoptr(FoyerFlowResult) again = NULL;
  const FoyerRegistration *reg;

  assert_status (first, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_true (foyer_flow_result_get_admitted (first));
  g_assert_cmpstr (foyer_flow_result_get_badge_code (first), ==, PREREG);
  reg = foyer_flow_result_get_registration (first);
  g_assert_nonnull (reg);
  g_assert_cmpstr (reg->full_name, ==, "王芳");
  g_assert_cmpstr (reg->kind, ==, FOYER_KIND_CHECK_IN);
  g_assert_cmpstr (reg->kiosk_id, ==, KIOSK_ID);
  g_assert_null (foyer_flow_result_get_visitor_reason (first));

  /* The check-in is in the store: the second scan finds it, with when and where. */
  again = scan (flow, PREREG);
  assert_status (again, FOYER_FLOW_STATUS_REPEAT);
  g_assert_true (foyer_flow_result_get_admitted (again));
  g_assert_cmpstr (foyer_flow_result_get_registration (again)->id, ==, reg->id);
  g_assert_cmpstr (foyer_flow_result_get_previous_gate (again), ==, KIOSK_ID);
  g_assert_cmpstr (foyer_flow_result_get_previous_time (again), ==, reg->created_at);
}

static void
test_unknown_and_unrecognized (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", FALSE);
  g_autoptr(FoyerStore) store = make_store ("flow-unknown");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autoptr(FoyerFlowResult) unknown = scan (flow, "EXPO2026-V-999999");
  g_autoptr(FoyerFlowResult) text = scan (flow, "Welcome to the show, see you at hall 3");
  FoyerOutboxCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  assert_status (unknown, FOYER_FLOW_STATUS_UNKNOWN);
  g_assert_false (foyer_flow_result_get_admitted (unknown));
  g_assert_cmpstr (foyer_flow_result_get_badge_code (unknown), ==, "EXPO2026-V-999999");
  g_assert_nonnull (strstr (foyer_flow_result_get_staff_reason (unknown), "EXPO2026-V-999999"));
  g_assert_null (foyer_flow_result_get_registration (unknown));

  assert_status (text, FOYER_FLOW_STATUS_UNRECOGNIZED);
  g_assert_false (foyer_flow_result_get_admitted (text));

  /* Neither wrote anything. */
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.pending + counts.in_flight, ==, 0);
}

static void
test_review_card_and_contact_link (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", FALSE);
  g_autoptr(FoyerStore) store = make_store ("flow-card");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autoptr(FoyerFlowResult) card =
    scan (flow, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Schmidt\r\nORG:Muster GmbH\r\n"
                "TEL;TYPE=CELL:+49 170 1234567\r\nEND:VCARD\r\n");
  g_autoptr(FoyerFlowResult) link = scan (flow, "https://u.wechat.com/EHxYz123abc");
  const FoyerContact *contact;

  assert_status (card, FOYER_FLOW_STATUS_REVIEW);
  g_assert_false (foyer_flow_result_get_admitted (card));
  contact = foyer_flow_result_get_contact (card);
  g_assert_nonnull (contact);
  g_assert_cmpstr (contact->full_name, ==, "Anna Schmidt");
  g_assert_cmpstr (contact->organization, ==, "Muster GmbH");
  g_assert_cmpstr (foyer_flow_result_get_source (card), ==, FOYER_SOURCE_VCARD);

  assert_status (link, FOYER_FLOW_STATUS_CONTACT_LINK);
}

static void
test_signed_badges (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", FALSE);
  g_autoptr(FoyerStore) store = make_store ("flow-signed");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autofree char *forged = sign_with (keys.other_private_path, keys.other_public_path, EVENT);
  g_autofree char *other_event = sign_with (keys.private_path, keys.public_path, "FAIR2027");
  g_autoptr(FoyerFlowResult) forged_result = scan (flow, forged);
  g_autoptr(FoyerFlowResult) wrong = scan (flow, other_event);
  g_autofree char *altered = g_strdup (other_event);

  g_assert_null (foyer_kiosk_flow_get_signing_error (flow));

  assert_status (forged_result, FOYER_FLOW_STATUS_FORGED);
  g_assert_false (foyer_flow_result_get_admitted (forged_result));
  g_assert_nonnull (foyer_flow_result_get_staff_reason (forged_result));

  /* Genuine (the kiosk's own key), but issued for another event. */
  assert_status (wrong, FOYER_FLOW_STATUS_WRONG_EVENT);
  g_assert_false (foyer_flow_result_get_admitted (wrong));
  g_assert_nonnull (strstr (foyer_flow_result_get_staff_reason (wrong), "FAIR2027"));

  /* One character changed: the signature no longer verifies. */
  altered[strlen (altered) - 3] = altered[strlen (altered) - 3] == 'A' ? 'B' : 'A';
  {
    g_autoptr(FoyerFlowResult) result = scan (flow, altered);

    assert_status (result, FOYER_FLOW_STATUS_FORGED);
  }
}

/* A walk-in: signed, stored, shown; its badge scanned afterwards is a repeat. */
static void
test_register_walk_in (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", TRUE);
  g_autoptr(FoyerStore) store = make_store ("flow-register");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autoptr(FoyerRegistration) reg = walk_in ("Li Lei");
  g_autoptr(FoyerFlowResult) result = foyer_kiosk_flow_register (flow, reg);
  g_autoptr(FoyerFlowResult) rescan = NULL;
  g_autoptr(FoyerFlowResult) twice = NULL;
  g_autoptr(FoyerRegistration) again = walk_in ("Li Lei");
  const FoyerRegistration *stored;
  const char *payload;

  assert_status (result, FOYER_FLOW_STATUS_REGISTERED);
  g_assert_true (foyer_flow_result_get_admitted (result));
  g_assert_true (foyer_flow_result_get_auto_print (result));
  stored = foyer_flow_result_get_registration (result);
  g_assert_cmpstr (stored->event, ==, EVENT);
  g_assert_cmpstr (stored->kiosk_id, ==, KIOSK_ID);
  payload = foyer_flow_result_get_badge_payload (result);
  g_assert_nonnull (payload);
  g_assert_true (foyer_badge_code_looks_like (payload, -1));
  g_assert_cmpstr (payload, ==, stored->badge_code);

  /* The printed badge, scanned at the entrance, finds this very record. */
  rescan = scan (flow, payload);
  assert_status (rescan, FOYER_FLOW_STATUS_REPEAT);
  g_assert_cmpstr (foyer_flow_result_get_registration (rescan)->id, ==, stored->id);
  g_assert_cmpstr (foyer_flow_result_get_previous_gate (rescan), ==, KIOSK_ID);

  /* The same badge code submitted again is the visitor registered before. */
  again->badge_code = g_strdup (stored->badge_code);
  twice = foyer_kiosk_flow_register (flow, again);
  assert_status (twice, FOYER_FLOW_STATUS_REPEAT);
  g_assert_cmpstr (foyer_flow_result_get_registration (twice)->id, ==, stored->id);
}

static void
test_booth_leads (void)
{
  g_autoptr(FoyerConfig) config = make_config ("booth", FALSE);
  g_autoptr(FoyerStore) store = make_store ("flow-booth");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autoptr(FoyerFlowResult) badge = scan (flow, PREREG);
  g_autoptr(FoyerFlowResult) card =
    scan (flow, "MECARD:N:Zhang,Wei;TEL:13800138000;EMAIL:zhangwei@example.cn;;");
  g_autoptr(FoyerFlowResult) link = scan (flow, "https://u.wechat.com/EHxYz123abc");
  const FoyerRegistration *visitor;
  FoyerOutboxCounts counts = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_kiosk_flow_is_booth (flow));
  assert_status (badge, FOYER_FLOW_STATUS_LEAD);
  g_assert_cmpstr (foyer_flow_result_get_badge_code (badge), ==, PREREG);
  g_assert_false (foyer_flow_result_get_admitted (badge));

  assert_status (card, FOYER_FLOW_STATUS_LEAD);
  visitor = foyer_flow_result_get_registration (card);
  g_assert_nonnull (visitor);
  g_assert_cmpstr (visitor->kind, ==, FOYER_KIND_LEAD);
  g_assert_cmpstr (visitor->source, ==, FOYER_SOURCE_MECARD);
  g_assert_cmpstr (visitor->emails[0], ==, "zhangwei@example.cn");

  assert_status (link, FOYER_FLOW_STATUS_CONTACT_LINK);

  /* A booth scan is not a check-in: nothing is queued until the lead is saved. */
  g_assert_true (foyer_store_outbox_counts (store, &counts, &error));
  g_assert_cmpint (counts.pending, ==, 0);

  /* Staff switch the tablet to entry at runtime: the next badge is checked in. */
  foyer_config_set_string (config, "kiosk", "mode", "entry");
  {
    g_autoptr(FoyerFlowResult) entry = scan (flow, PREREG);

    assert_status (entry, FOYER_FLOW_STATUS_CHECKED_IN);
  }
}

static void
test_without_store (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", FALSE);
  g_autoptr(GError) store_error = g_error_new_literal (FOYER_STORE_ERROR, FOYER_STORE_ERROR_FULL,
                                                       "disk full");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, NULL, store_error);
  g_autoptr(FoyerFlowResult) badge = scan (flow, PREREG);
  g_autoptr(FoyerFlowResult) card = scan (flow, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\n"
                                                "EMAIL:anna@example.de\r\nEND:VCARD\r\n");
  g_autoptr(FoyerRegistration) reg = walk_in ("Li Lei");
  g_autoptr(FoyerFlowResult) registered = foyer_kiosk_flow_register (flow, reg);

  assert_status (badge, FOYER_FLOW_STATUS_ERROR);
  g_assert_false (foyer_flow_result_get_admitted (badge));
  g_assert_true (g_error_matches (foyer_flow_result_get_error (badge), FOYER_KIOSK_FLOW_ERROR,
                                  FOYER_KIOSK_FLOW_ERROR_NO_STORE));

  /* A card needs no store until the visitor submits the form. */
  assert_status (card, FOYER_FLOW_STATUS_REVIEW);

  /* The visitor is told, in words, and the error keeps the store's reason. */
  assert_status (registered, FOYER_FLOW_STATUS_ERROR);
  g_assert_true (g_error_matches (foyer_flow_result_get_error (registered), FOYER_STORE_ERROR,
                                  FOYER_STORE_ERROR_FULL));
  g_assert_nonnull (strstr (foyer_flow_result_get_error (registered)->message, "staff"));
}

/* A store that fails under the flow: the answer is an error, not a crash or a wrong welcome. */
static void
test_store_failure (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", FALSE);
  g_autoptr(FoyerStore) store = make_store ("flow-fail");
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autoptr(FoyerRegistration) reg = walk_in ("Li Lei");
  g_autoptr(FoyerFlowResult) result = NULL;

  /* A category the store does not know: it refuses the record; the flow says so. */
  g_free (reg->category);
  reg->category = g_strdup ("martian");
  result = foyer_kiosk_flow_register (flow, reg);
  assert_status (result, FOYER_FLOW_STATUS_ERROR);
  g_assert_error (foyer_flow_result_get_error (result), FOYER_STORE_ERROR,
                  FOYER_STORE_ERROR_INVALID);
  g_assert_false (foyer_flow_result_get_admitted (result));
}

static void
test_status_nicks (void)
{
  /* Every status has a stable name; foyerctl and logs print them. */
  for (int s = FOYER_FLOW_STATUS_CHECKED_IN; s <= FOYER_FLOW_STATUS_ERROR; s++)
    g_assert_cmpstr (foyer_flow_status_to_nick (s), !=, "invalid");
  g_assert_cmpstr (foyer_flow_status_to_nick (FOYER_FLOW_STATUS_REVOKED), ==, "revoked");
  g_assert_cmpstr (foyer_flow_status_to_nick (FOYER_FLOW_STATUS_REFUSED), ==, "refused");
  g_assert_cmpstr (foyer_flow_status_to_nick (FOYER_FLOW_STATUS_WRONG_EVENT), ==, "wrong-event");
  g_assert_cmpstr (foyer_flow_status_to_nick (0), ==, "invalid");
  g_assert_cmpstr (foyer_flow_status_to_nick (FOYER_FLOW_STATUS_ERROR + 1), ==, "invalid");
}

/* foyerctl parse reads options from the same builder: with only a signing key configured it
 * verifies the kiosk's own badge, as the flow does. */
static void
test_foyerctl_judges_alike (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("flow-ctl");
  g_autofree char *conf_text = g_strdup_printf ("[kiosk]\nevent=%s\nid=%s\n[badge]\nsigning-key=%s\n",
                                                EVENT, KIOSK_ID, keys.private_path);
  g_autofree char *conf = foyer_test_write_file (dir, "foyer.conf", conf_text);
  g_autofree char *genuine = sign_with (keys.private_path, keys.public_path, EVENT);
  g_autofree char *forged = sign_with (keys.other_private_path, keys.other_public_path, EVENT);
  const char *argv[] = { "--config", conf, "parse", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = foyer_test_run_foyerctl (argv, genuine, strlen (genuine), &out, &err);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *object;

    g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
    object = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, FOYER_FORMAT_FOYER_BADGE);
    g_assert_true (json_object_get_boolean_member (object, "badge_verified"));
  }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = foyer_test_run_foyerctl (argv, forged, strlen (forged), &out, &err);
  g_assert_cmpint (status, !=, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  make_keys ();

  g_test_add_func ("/kiosk-flow/check-in-then-repeat", test_check_in_then_repeat);
  g_test_add_func ("/kiosk-flow/unknown-and-unrecognized", test_unknown_and_unrecognized);
  g_test_add_func ("/kiosk-flow/review-card-and-contact-link", test_review_card_and_contact_link);
  g_test_add_func ("/kiosk-flow/signed-badges", test_signed_badges);
  g_test_add_func ("/kiosk-flow/register-walk-in", test_register_walk_in);
  g_test_add_func ("/kiosk-flow/booth-leads", test_booth_leads);
  g_test_add_func ("/kiosk-flow/without-store", test_without_store);
  g_test_add_func ("/kiosk-flow/store-failure", test_store_failure);
  g_test_add_func ("/kiosk-flow/status-nicks", test_status_nicks);
  g_test_add_func ("/kiosk-flow/foyerctl-judges-alike", test_foyerctl_judges_alike);

  status = g_test_run ();
  g_free (keys.dir);
  g_free (keys.private_path);
  g_free (keys.public_path);
  g_free (keys.other_private_path);
  g_free (keys.other_public_path);
  return status;
}
