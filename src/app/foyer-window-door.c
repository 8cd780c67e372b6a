/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-door.c: the door's staff tools on the kiosk window (see foyer-window-door.h).
 *
 * Kept apart from foyer-window-staff.c (PIN, Admin, booth), whose PIN page they share: a tool
 * asks for the PIN with its own target, and the staff side hands the unlock back here. Pages
 * are looked up by name each time, since a language switch recreates them.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "foyer-annul-page.h"
#include "foyer-page.h"
#include "foyer-scan-page.h"
#include "foyer-search-page.h"
#include "foyer-window-door.h"
#include "foyer-window-staff.h"

static void
show_page (FoyerWindow *self,
           const char  *name)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", name);
}

gboolean
_foyer_window_door_is_staff_page (const char *page)
{
  return g_strcmp0 (page, "search") == 0 || g_strcmp0 (page, "annul") == 0;
}

/* Admin's rule: staff who come from Admin are in already; without a PIN a tool opens only
 * where the window controls are too. */
static gboolean
needs_pin (FoyerWindow *self)
{
  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "admin") == 0)
    return FALSE;
  return foyer_pin_guard_has_pin (self->pin_guard) || self->kiosk_locked;
}

static void
show_search (FoyerWindow *self)
{
  GtkWidget *page = foyer_window_get_page (self, "search");

  foyer_page_reset (FOYER_PAGE (page));
  show_page (self, "search");
}

/* --- annul ---------------------------------------------------------------------------------- */

static void
show_annul (FoyerWindow *self)
{
  GtkWidget *page = foyer_window_get_page (self, "annul");

  foyer_page_reset (FOYER_PAGE (page));
  foyer_annul_page_refresh (FOYER_ANNUL_PAGE (page));
  show_page (self, "annul");
}

static void
open_annul_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  if (_foyer_window_staff_is_booth (self))
    return;
  if (needs_pin (self))
    _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_ANNUL, _("Annul a check-in"));
  else
    show_annul (self);
}

/* --- direction ------------------------------------------------------------------------------ */

static gboolean
direction_switchable (FoyerWindow *self)
{
  FoyerConfig *config = foyer_window_get_config (self);

  return config != NULL && g_strcmp0 (foyer_config_get_string (config, "kiosk", "direction"),
                                      "both") == 0;
}

void
_foyer_window_door_update_scan_page (FoyerWindow *self)
{
  GtkWidget *scan = foyer_window_get_page (self, "scan");
  gboolean booth = _foyer_window_staff_is_booth (self);

  if (!FOYER_IS_SCAN_PAGE (scan) || self->flow == NULL)
    return;
  foyer_scan_page_set_direction (FOYER_SCAN_PAGE (scan),
                                 booth ? NULL : foyer_kiosk_flow_get_direction (self->flow),
                                 direction_switchable (self));
}

static void
switch_direction (FoyerWindow *self)
{
  gboolean to_exit = g_strcmp0 (foyer_kiosk_flow_get_direction (self->flow),
                                FOYER_DIRECTION_EXIT) != 0;

  foyer_kiosk_flow_set_direction (self->flow, to_exit ? FOYER_DIRECTION_EXIT
                                                      : FOYER_DIRECTION_ENTRY);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-home", NULL);
  _foyer_window_door_update_scan_page (self);
  foyer_window_show_toast (self, to_exit ? _("This kiosk now records exits.")
                                         : _("This kiosk now records entries."));
}

static void
toggle_direction_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  /* Only where [kiosk] direction=both: a fixed entry or exit stays what it was set up as. */
  if (self->flow == NULL || !direction_switchable (self) || _foyer_window_staff_is_booth (self))
    return;
  if (needs_pin (self))
    _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_DIRECTION,
                                 g_strcmp0 (foyer_kiosk_flow_get_direction (self->flow),
                                            FOYER_DIRECTION_EXIT) == 0
                                 ? _("Switch this kiosk to entry")
                                 : _("Switch this kiosk to exit"));
  else
    switch_direction (self);
}

/* --- inside now ----------------------------------------------------------------------------- */

char *
_foyer_window_door_inside_text (FoyerWindow *self)
{
  FoyerSyncEngine *sync = foyer_window_get_sync_engine (self);
  FoyerStore *store = foyer_window_get_store (self);
  gint64 inside = -1;

  /* The figure of the last pull: the sync engine's status has it, else the store keeps it. */
  if (sync != NULL && foyer_sync_engine_get_status (sync)->state != FOYER_SYNC_STATE_DISABLED)
    inside = foyer_sync_engine_get_status (sync)->inside;
  else if (store != NULL)
    inside = foyer_store_get_inside (store, NULL, NULL);
  if (inside < 0)
    return NULL;
  /* TRANSLATORS: the event's number of people inside now, from head office's last figure */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person inside now",
                                       "%u people inside now", (gulong)inside), (guint)inside);
}

void
_foyer_window_door_unlocked (FoyerWindow    *self,
                             FoyerPinTarget  target)
{
  switch (target) {
  case FOYER_PIN_FOR_SEARCH:
    show_search (self);
    break;
  case FOYER_PIN_FOR_ANNUL:
    show_annul (self);
    break;
  case FOYER_PIN_FOR_DIRECTION:
    switch_direction (self);
    break;
  default:
    break;
  }
}

static void
open_search_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  /* A booth tablet captures leads; the entrance checks people in. */
  if (_foyer_window_staff_is_booth (self))
    return;
  if (needs_pin (self))
    _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_SEARCH, _("Check in without a badge"));
  else
    show_search (self);
}

static void
check_in_badge_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  const char *code = g_variant_get_string (parameter, NULL);
  g_autoptr(GBytes) bytes = NULL;

  /* Only from the search page, which is behind the PIN. */
  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "search") != 0 || *code == '\0')
    return;
  /* The same decision as a scan of the badge: revoked, repeat, re-entry rules and the log. */
  bytes = g_bytes_new (code, strlen (code));
  foyer_window_handle_code (self, bytes);
}

void
_foyer_window_door_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (FOYER_TYPE_SEARCH_PAGE);
  g_type_ensure (FOYER_TYPE_ANNUL_PAGE);

  gtk_widget_class_install_action (widget_class, "win.open-search", NULL, open_search_action);
  gtk_widget_class_install_action (widget_class, "win.check-in-badge", "s",
                                   check_in_badge_action);
  gtk_widget_class_install_action (widget_class, "win.open-annul", NULL, open_annul_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-direction", NULL,
                                   toggle_direction_action);
}
