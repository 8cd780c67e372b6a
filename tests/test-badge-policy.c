/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-badge-policy.c: [badge] accept-unsigned and the event check, on a real store. */
#include "config.h"

#include "foyer-badge-policy.h"
#include "foyer-core.h"
#include "foyer-test-util.h"

static FoyerStore *
store_with_list (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  FoyerRegistration *reg = foyer_registration_new ();
  FoyerStore *store = foyer_store_open (path, &error);
  guint inserted = 0, updated = 0;

  g_assert_no_error (error);
  reg->event = g_strdup ("expo-2026");
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->badge_code = g_strdup ("EXPO26-000123");
  reg->full_name = g_strdup ("张伟");
  reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  reg->source = g_strdup (FOYER_SOURCE_BADGE);
  g_ptr_array_add (list, reg);
  g_assert_true (foyer_store_import_preregistrations (store, list, &inserted, &updated, &error));
  g_assert_no_error (error);
  return store;
}

static FoyerConfig *
config_with (const char *badge_lines)
{
  g_autofree char *text = g_strdup_printf ("[kiosk]\nevent=expo-2026\n[badge]\n%s", badge_lines);
  g_autoptr(GError) error = NULL;
  FoyerConfig *config = foyer_config_load_from_data (text, "policy.conf", &error);

  g_assert_no_error (error);
  return config;
}

static void
test_unsigned (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("policy");
  g_autoptr(FoyerStore) store = store_with_list (dir);
  g_autoptr(FoyerConfig) list = config_with ("verify-key=/etc/foyer/badge-verify.pem\n");
  g_autoptr(FoyerConfig) never = config_with ("accept-unsigned=never\n");
  g_autoptr(FoyerConfig) no_key = config_with ("");
  g_autoptr(GError) error = NULL;

  /* list (the default): the ticket sent out works, a guessed neighbour does not. */
  g_assert_true (foyer_badge_policy_accepts_unsigned (list));
  g_assert_true (foyer_badge_policy_allows_unsigned (list, store, "EXPO26-000123", &error));
  g_assert_no_error (error);
  g_assert_false (foyer_badge_policy_allows_unsigned (list, store, "EXPO26-000124", &error));
  g_assert_no_error (error);

  /* Without a key every badge is unsigned: the store decides (a walk-in's badge works). */
  g_assert_true (foyer_badge_policy_allows_unsigned (no_key, store, "EXPO26-000124", &error));
  g_assert_no_error (error);

  /* never: not even the listed ticket. */
  g_assert_false (foyer_badge_policy_accepts_unsigned (never));
  g_assert_false (foyer_badge_policy_allows_unsigned (never, store, "EXPO26-000123", &error));
  g_assert_no_error (error);
}

static void
test_event (void)
{
  g_autoptr(FoyerConfig) config = config_with ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) no_event = foyer_config_load_from_data ("[kiosk]\nevent=\n", "e.conf",
                                                                 &error);

  g_assert_no_error (error);
  g_assert_true (foyer_badge_policy_event_matches (config, "expo-2026"));
  g_assert_true (foyer_badge_policy_event_matches (config, "EXPO-2026"));
  g_assert_false (foyer_badge_policy_event_matches (config, "expo-2025"));
  g_assert_false (foyer_badge_policy_event_matches (config, NULL));
  g_assert_true (foyer_badge_policy_event_matches (no_event, "expo-2025"));
}

static void
test_bad_value (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data ("[badge]\naccept-unsigned=sometimes\n",
                                                               "bad.conf", &error);

  g_assert_null (config);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "accept-unsigned"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/badge-policy/unsigned", test_unsigned);
  g_test_add_func ("/badge-policy/event", test_event);
  g_test_add_func ("/badge-policy/bad-value", test_bad_value);
  return g_test_run ();
}
