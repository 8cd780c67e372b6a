/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-flow-rules.c: the badge rules of the kiosk flow (issue 14 items 8 and 9) on a
 * real store with real keys: unsigned codes only from the pre-registration list (or never),
 * signed badges only for this event at the entrance and at a booth, and a burst of unknown codes
 * pausing scanning until staff unlock it. */
#include "config.h"

#include <string.h>

#include "foyer-badge-code.h"
#include "foyer-kiosk-flow.h"
#include "foyer-test-util.h"

#define EVENT   "EXPO2026"
#define PREREG  "EXPO2026-V-000123"

static char *private_path;
static char *public_path;

static FoyerConfig *
make_config (const char *mode,
             const char *badge_lines)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("[kiosk]\nevent=%s\nid=gate-a\nmode=%s\n"
                                           "[badge]\nverify-key=%s\n%s",
                                           EVENT, mode, public_path, badge_lines);
  FoyerConfig *config = foyer_config_load_from_data (text, "rules.conf", &error);

  g_assert_no_error (error);
  return config;
}

static FoyerStore *
make_store (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("flow-rules");
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  FoyerStore *store = foyer_store_open (path, &error);
  FoyerRegistration *reg = foyer_registration_new ();

  g_assert_no_error (error);
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->event = g_strdup (EVENT);
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->full_name = g_strdup ("王芳");
  reg->organization = g_strdup ("上海精密仪器有限公司");
  reg->badge_code = g_strdup (PREREG);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  g_ptr_array_add (list, reg);
  g_assert_true (foyer_store_import_preregistrations (store, list, NULL, NULL, &error));
  g_assert_no_error (error);
  return store;
}

static char *
signed_badge (const char *event)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerBadgeCode) code = foyer_badge_code_new (private_path, public_path, &error);
  char *payload;

  g_assert_no_error (error);
  payload = foyer_badge_code_sign (code, event, "3f2a9c4e-0b1d-4a57-9d1e-5c6b7a8f9e01", &error);
  g_assert_no_error (error);
  return payload;
}

static FoyerFlowStatus
scan_status (FoyerKioskFlow *flow,
             const char     *text,
             char          **staff_reason)
{
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(FoyerFlowResult) result = foyer_kiosk_flow_scan (flow, raw);

  if (staff_reason != NULL)
    *staff_reason = g_strdup (foyer_flow_result_get_staff_reason (result));
  /* Nothing but a known visitor ever carries a name. */
  if (foyer_flow_result_get_status (result) != FOYER_FLOW_STATUS_CHECKED_IN &&
      foyer_flow_result_get_status (result) != FOYER_FLOW_STATUS_REPEAT)
    g_assert_null (foyer_flow_result_get_registration (result));
  return foyer_flow_result_get_status (result);
}

/* accept-unsigned=list (the default): the ticket sent out checks in; a guessed neighbour is
 * unknown and names nobody. */
static void
test_unsigned_list (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", "");
  g_autoptr(FoyerStore) store = make_store ();
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);
  g_autofree char *reason = NULL;

  g_assert_cmpint (scan_status (flow, PREREG, NULL), ==, FOYER_FLOW_STATUS_CHECKED_IN);
  g_assert_cmpint (scan_status (flow, PREREG, NULL), ==, FOYER_FLOW_STATUS_REPEAT);
  g_assert_cmpint (scan_status (flow, "EXPO2026-V-000124", &reason), ==,
                   FOYER_FLOW_STATUS_UNKNOWN);
  g_assert_nonnull (strstr (reason, "pre-registration list"));
}

/* accept-unsigned=never: even the listed ticket is unknown, at the entrance and at a booth;
 * a signed badge of the event still works. */
static void
test_unsigned_never (void)
{
  g_autoptr(FoyerConfig) entry = make_config ("entry", "accept-unsigned=never\n");
  g_autoptr(FoyerConfig) booth = make_config ("booth", "accept-unsigned=never\n");
  g_autoptr(FoyerStore) store = make_store ();
  g_autoptr(FoyerKioskFlow) at_gate = foyer_kiosk_flow_new (entry, store, NULL);
  g_autoptr(FoyerKioskFlow) at_booth = foyer_kiosk_flow_new (booth, store, NULL);
  g_autofree char *genuine = signed_badge (EVENT);
  g_autofree char *reason = NULL;

  g_assert_cmpint (scan_status (at_gate, PREREG, &reason), ==, FOYER_FLOW_STATUS_UNKNOWN);
  g_assert_nonnull (strstr (reason, "accept-unsigned=never"));
  g_assert_cmpint (scan_status (at_booth, PREREG, NULL), ==, FOYER_FLOW_STATUS_UNKNOWN);
  g_assert_cmpint (scan_status (at_booth, genuine, NULL), ==, FOYER_FLOW_STATUS_LEAD);
}

/* A genuine badge of another event: refused at the entrance and at a booth, naming both. */
static void
test_other_event_everywhere (void)
{
  g_autoptr(FoyerConfig) entry = make_config ("entry", "");
  g_autoptr(FoyerConfig) booth = make_config ("booth", "");
  g_autoptr(FoyerStore) store = make_store ();
  g_autoptr(FoyerKioskFlow) at_gate = foyer_kiosk_flow_new (entry, store, NULL);
  g_autoptr(FoyerKioskFlow) at_booth = foyer_kiosk_flow_new (booth, store, NULL);
  g_autofree char *other = signed_badge ("FAIR2027");
  g_autofree char *reason = NULL;

  g_assert_cmpint (scan_status (at_gate, other, NULL), ==, FOYER_FLOW_STATUS_WRONG_EVENT);
  g_assert_cmpint (scan_status (at_booth, other, &reason), ==, FOYER_FLOW_STATUS_WRONG_EVENT);
  g_assert_nonnull (strstr (reason, "FAIR2027"));
  g_assert_nonnull (strstr (reason, EVENT));
}

/* Ten unknown codes in a minute pause scanning: even the right ticket gets no answer until
 * staff unlock; then it checks in. */
static void
test_burst_locks (void)
{
  g_autoptr(FoyerConfig) config = make_config ("entry", "");
  g_autoptr(FoyerStore) store = make_store ();
  g_autoptr(FoyerKioskFlow) flow = foyer_kiosk_flow_new (config, store, NULL);

  for (int i = 0; i < 9; i++) {
    g_autofree char *guess = g_strdup_printf ("EXPO2026-V-%06d", 200 + i);

    g_assert_cmpint (scan_status (flow, guess, NULL), ==, FOYER_FLOW_STATUS_UNKNOWN);
  }
  g_assert_false (foyer_kiosk_flow_get_scan_locked (flow));
  g_assert_cmpint (scan_status (flow, "EXPO2026-V-000300", NULL), ==, FOYER_FLOW_STATUS_LOCKED);
  g_assert_true (foyer_kiosk_flow_get_scan_locked (flow));
  g_assert_cmpint (scan_status (flow, PREREG, NULL), ==, FOYER_FLOW_STATUS_LOCKED);

  foyer_kiosk_flow_unlock_scanning (flow);
  g_assert_cmpint (scan_status (flow, PREREG, NULL), ==, FOYER_FLOW_STATUS_CHECKED_IN);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dir = foyer_test_make_tmpdir ("rules-keys");
  private_path = g_build_filename (dir, "sign.pem", NULL);
  public_path = g_build_filename (dir, "verify.pem", NULL);
  g_assert_true (foyer_badge_code_generate_keys (private_path, public_path, &error));
  g_assert_no_error (error);

  g_test_add_func ("/kiosk-flow-rules/unsigned-list", test_unsigned_list);
  g_test_add_func ("/kiosk-flow-rules/unsigned-never", test_unsigned_never);
  g_test_add_func ("/kiosk-flow-rules/other-event-everywhere", test_other_event_everywhere);
  g_test_add_func ("/kiosk-flow-rules/burst-locks", test_burst_locks);
  return g_test_run ();
}
