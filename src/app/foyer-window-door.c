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

#include "foyer-page.h"
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
  return g_strcmp0 (page, "search") == 0;
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

void
_foyer_window_door_unlocked (FoyerWindow    *self,
                             FoyerPinTarget  target)
{
  switch (target) {
  case FOYER_PIN_FOR_SEARCH:
    show_search (self);
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

  gtk_widget_class_install_action (widget_class, "win.open-search", NULL, open_search_action);
  gtk_widget_class_install_action (widget_class, "win.check-in-badge", "s",
                                   check_in_badge_action);
}
