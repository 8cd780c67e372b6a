/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-policy.c: the rules of the header, in one place for the kiosk flow and foyerctl. */
#define G_LOG_DOMAIN "foyer-badge"

#include "config.h"

#include "foyer-badge-code.h"
#include "foyer-badge-policy.h"

gboolean
foyer_badge_policy_accepts_unsigned (FoyerConfig *config)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (config), FALSE);
  return g_strcmp0 (foyer_config_get_string (config, "badge", "accept-unsigned"), "never") != 0;
}

/* A kiosk that can check signed badges (it has either half of the key pair). */
static gboolean
verifies_badges (FoyerConfig *config)
{
  const char *verify = foyer_config_get_string (config, "badge", "verify-key");
  const char *sign = foyer_config_get_string (config, "badge", "signing-key");

  return (verify != NULL && *verify != '\0') || (sign != NULL && *sign != '\0');
}

gboolean
foyer_badge_policy_allows_unsigned (FoyerConfig  *config,
                                    FoyerStore   *store,
                                    const char   *badge_code,
                                    GError      **error)
{
  g_autoptr(FoyerRegistration) listed = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (FOYER_IS_STORE (store), FALSE);

  if (badge_code == NULL || !foyer_badge_policy_accepts_unsigned (config))
    return FALSE;
  /* Without a key every badge of the show is unsigned, the ones this event's kiosks issue
   * included: the store's lookup decides, as it always did. */
  if (!verifies_badges (config))
    return TRUE;
  listed = foyer_store_find_preregistration (store,
                                             foyer_config_get_string (config, "kiosk", "event"),
                                             badge_code, &local);
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  return listed != NULL;
}

gboolean
foyer_badge_policy_event_matches (FoyerConfig *config,
                                  const char  *badge_event)
{
  const char *event;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), FALSE);

  event = foyer_config_get_string (config, "kiosk", "event");
  /* A kiosk without an event name takes any event's badges (a test bench, a demo). */
  if (event == NULL || *event == '\0')
    return TRUE;
  return foyer_badge_code_event_matches (badge_event, event);
}
