/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-staff.c: the staff side of the kiosk window (see foyer-window-staff.h).
 *
 * Kept apart from foyer-window.c, which is the visitor flow; both act on the same stack of
 * pages through window actions and share the instance struct (foyer-window-private.h), where
 * the staff state lives. Pages are recreated on a language switch, so nothing here keeps a
 * page pointer: pages are looked up by name each time.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-admin-page.h"
#include "foyer-application.h"
#include "foyer-camera-view.h"
#include "foyer-enroll-page.h"
#include "foyer-lead-page.h"
#include "foyer-leads-page.h"
#include "foyer-pin-page.h"
#include "foyer-scan-page.h"
#include "foyer-window-print.h"
#include "foyer-window-door.h"
#include "foyer-window-private.h"
#include "foyer-window-staff.h"

static void
show_page (FoyerWindow *self,
           const char  *name)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", name);
}

static void
go_home (FoyerWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-home", NULL);
}

FoyerPinGuard *
foyer_window_get_pin_guard (FoyerWindow *self)
{
  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);
  return self->pin_guard;
}

gboolean
foyer_window_get_kiosk_locked (FoyerWindow *self)
{
  g_return_val_if_fail (FOYER_IS_WINDOW (self), FALSE);
  return self->kiosk_locked;
}

gboolean
_foyer_window_staff_is_booth (FoyerWindow *self)
{
  return self->flow != NULL && foyer_kiosk_flow_is_booth (self->flow);
}

/* Header buttons follow the mode, the kiosk lock and the page shown. */
static void
update_chrome (FoyerWindow *self)
{
  const char *page = foyer_window_get_visible_page_name (self);
  gboolean home = g_strcmp0 (page, foyer_window_get_home_page_name (self)) == 0;
  gboolean staff_page = g_strcmp0 (page, "admin") == 0 || g_strcmp0 (page, "pin") == 0 ||
                        g_strcmp0 (page, "leads") == 0 || g_strcmp0 (page, "lead") == 0 ||
                        g_strcmp0 (page, "enroll") == 0 ||
                        _foyer_window_door_is_staff_page (page);

  adw_header_bar_set_show_start_title_buttons (self->header_bar, !self->kiosk_locked);
  adw_header_bar_set_show_end_title_buttons (self->header_bar, !self->kiosk_locked);
  /* The menu holds Quit: visitors at a locked kiosk must not reach it. */
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), !self->kiosk_locked);
  gtk_widget_set_visible (self->back_button, staff_page);
  gtk_widget_set_visible (self->leads_button, _foyer_window_staff_is_booth (self) && home);
  gtk_widget_set_visible (self->staff_button, !staff_page);

  /* A booth tablet captures leads; registering visitors is the entrance's job. */
  {
    gboolean booth = _foyer_window_staff_is_booth (self);
    GtkWidget *scan = foyer_window_get_page (self, "scan");

    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.register-manually", !booth);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-search", !booth);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-annul", !booth);
    if (scan != NULL)
      foyer_scan_page_set_booth (FOYER_SCAN_PAGE (scan), booth);
    _foyer_window_door_update_scan_page (self);
  }
}

static void
visible_page_cb (FoyerWindow *self)
{
  update_chrome (self);
}

void
_foyer_window_staff_translate_chrome (FoyerWindow *self)
{
  gtk_widget_set_tooltip_text (self->staff_button, _("Staff"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->staff_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Staff: Admin"), -1);
  gtk_widget_set_tooltip_text (self->back_button, _("Back"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->back_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"), -1);
  adw_button_content_set_label (self->leads_button_content, _("Leads"));
  gtk_widget_set_tooltip_text (self->leads_button, _("Today’s leads"));
}

static void
set_quit_accel (FoyerWindow *self,
                gboolean     enabled)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *accels[] = { "<Control>q", NULL };
  const char *none[] = { NULL };

  if (app != NULL)
    gtk_application_set_accels_for_action (app, "app.quit", enabled ? accels : none);
}

/* --- PIN ---------------------------------------------------------------------------------- */

void
_foyer_window_staff_ask_pin (FoyerWindow    *self,
                             FoyerPinTarget  target,
                             const char     *purpose)
{
  GtkWidget *page = foyer_window_get_page (self, "pin");

  self->pin_target = target;
  foyer_pin_page_set_guard (FOYER_PIN_PAGE (page), self->pin_guard);
  foyer_pin_page_reset (FOYER_PIN_PAGE (page), purpose);
  show_page (self, "pin");
}

void
_foyer_window_staff_ask_resume_scanning (FoyerWindow *self)
{
  _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_RESUME_SCANNING,
           _("Scanning is paused: too many unknown codes in a short time. Staff: enter the PIN "
             "to resume."));
}

/* A second print of a badge: staff confirm it with the PIN (where Admin needs none, neither does
 * this). */
void
_foyer_window_staff_ask_reprint (FoyerWindow *self)
{
  if (!foyer_pin_guard_has_pin (self->pin_guard) && !self->kiosk_locked) {
    _foyer_window_print_confirmed (self);
    return;
  }
  _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_REPRINT,
           _("This badge was printed already. Staff: enter the PIN to print it again."));
}

/* What Admin says about the PIN: wrong entries of the last day (times only) and a PIN too
 * short for the current rule; NULL when there is nothing to say. */
static char *
pin_report (FoyerPinGuard *guard)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) failures = foyer_pin_guard_list_failures (guard, 1);
  guint n = foyer_pin_guard_count_failures_since (guard, g_get_real_time () -
                                                  G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC);

  if (n > 0 && failures->len > 0) {
    g_autoptr(GDateTime) utc =
      g_date_time_new_from_unix_utc (g_array_index (failures, FoyerPinFailure, 0).time /
                                     G_USEC_PER_SEC);
    g_autoptr(GDateTime) local = g_date_time_to_local (utc);
    g_autofree char *when = g_date_time_format (local, "%H:%M");

    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               "%u wrong PIN entry in the last 24 hours, the "
                                               "last at %s.",
                                               "%u wrong PIN entries in the last 24 hours, the "
                                               "last at %s.", n), n, when);
  }
  if (foyer_pin_guard_get_pin_is_short (guard)) {
    if (text->len > 0)
      g_string_append_c (text, ' ');
    g_string_append_printf (text, _("The staff PIN has fewer than %d digits: set a longer one "
                                    "with “foyerctl set-pin”."), FOYER_PIN_MIN_DIGITS);
  }
  return text->len > 0 ? g_strdup (text->str) : NULL;
}

static void
show_admin (FoyerWindow *self)
{
  GtkWidget *page = foyer_window_get_page (self, "admin");
  g_autofree char *report = pin_report (self->pin_guard);

  foyer_admin_page_set_pin_report (FOYER_ADMIN_PAGE (page), report);
  foyer_admin_page_set_pin_set (FOYER_ADMIN_PAGE (page), foyer_pin_guard_has_pin (self->pin_guard));
  foyer_admin_page_set_fullscreen (FOYER_ADMIN_PAGE (page), self->kiosk_locked);
  foyer_admin_page_refresh (FOYER_ADMIN_PAGE (page));
  show_page (self, "admin");
}

static void
leave_fullscreen_now (FoyerWindow *self)
{

  self->kiosk_locked = FALSE;
  gtk_window_unfullscreen (GTK_WINDOW (self));
  set_quit_accel (self, TRUE);
  update_chrome (self);
  foyer_window_show_toast (self, _("Fullscreen is off until Foyer is started again."));
}

static void
open_admin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  /* Without a PIN, Admin is open only where the window controls are too, and never on a booth
   * tablet, which is left unattended on a stand. */
  if (!foyer_pin_guard_has_pin (self->pin_guard) && !self->kiosk_locked &&
      !_foyer_window_staff_is_booth (self)) {
    show_admin (self);
    return;
  }
  _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_ADMIN, _("Open Admin"));
}

static void
leave_fullscreen_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  if (!self->kiosk_locked)
    return;
  /* Admin is reached only through the PIN while locked: no second prompt from there. */
  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "admin") == 0) {
    leave_fullscreen_now (self);
    return;
  }
  _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_LEAVE_FULLSCREEN, _("Leave Fullscreen"));
}

static void
staff_unlocked_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  FoyerPinTarget target = self->pin_target;

  /* Only the PIN page on screen may unlock, and only once per prompt. */
  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "pin") != 0 || target == FOYER_PIN_FOR_NOTHING)
    return;
  self->pin_target = FOYER_PIN_FOR_NOTHING;

  if (target == FOYER_PIN_FOR_ADMIN) {
    show_admin (self);
  } else if (target == FOYER_PIN_FOR_LEAVE_FULLSCREEN) {
    leave_fullscreen_now (self);
    go_home (self);
  } else if (target == FOYER_PIN_FOR_REPRINT) {
    _foyer_window_print_confirmed (self);
  } else if (target == FOYER_PIN_FOR_RESUME_SCANNING) {
    if (self->flow != NULL)
      foyer_kiosk_flow_unlock_scanning (self->flow);
    go_home (self);
  } else {
    _foyer_window_door_unlocked (self, target);
  }
}

static gboolean
close_request_cb (FoyerWindow *self)
{

  if (!self->kiosk_locked)
    return FALSE;
  _foyer_window_staff_ask_pin (self, FOYER_PIN_FOR_LEAVE_FULLSCREEN, _("Leave Fullscreen"));
  return TRUE;
}

/* --- admin actions ------------------------------------------------------------------------ */

static void
set_mode_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  const char *mode = g_variant_get_string (parameter, NULL);
  FoyerConfig *config = foyer_window_get_config (self);

  if (config == NULL || (g_strcmp0 (mode, "entry") != 0 && g_strcmp0 (mode, "booth") != 0))
    return;
  foyer_config_set_string (config, "kiosk", "mode", mode);
  update_chrome (self);
  foyer_window_show_toast (self, g_strcmp0 (mode, "booth") == 0
                                 ? _("Booth mode: scan a visitor’s badge to capture a lead.")
                                 : _("Entry mode: visitors register and check in here."));
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  FoyerSyncEngine *engine = foyer_window_get_sync_engine (self);

  /* Staff asked: leave a pause or backoff and try now. */
  if (engine != NULL)
    foyer_sync_engine_retry (engine);
  _foyer_window_refresh_status (self);
}

static void
restart_camera_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  _foyer_window_restart_camera (self);
  foyer_window_show_toast (self, _("Camera changed."));
}

/* Admin's reprint: staff opened Admin with the PIN, which confirms it. */
static void
reprint_badge_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  FoyerStore *store = foyer_window_get_store (self);
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return;
  if (self->print_queue == NULL) {
    foyer_window_show_toast (self, _("Printing is not configured on this kiosk"));
    return;
  }
  reg = foyer_store_get_registration (store, g_variant_get_string (parameter, NULL), &error);
  if (reg == NULL) {
    g_autofree char *msg = g_strdup_printf (_("Cannot find the visitor: %s"), error->message);
    foyer_window_show_toast (self, msg);
    return;
  }
  /* The badge carries the same code as the first time. */
  if (foyer_print_queue_add (self->print_queue, reg->id, foyer_kiosk_flow_badge_payload (reg),
                             "reprint", "staff (Admin)", &error) == 0) {
    g_autofree char *msg = g_strdup_printf (_("The badge was not printed: %s"), error->message);
    foyer_window_show_toast (self, msg);
    return;
  }
  foyer_window_show_toast (self, _("Printing the badge…"));
}

/* --- connect to head office (enrollment) ------------------------------------------------- */

/* A view of the window's camera on the enroll page, so staff see what they hold up; none for
 * [camera] source=none (no black box: the scanner and the entry are the way in). */
static void
attach_enroll_camera_view (FoyerWindow *self)
{
  GtkWidget *page = foyer_window_get_page (self, "enroll");
  GtkWidget *view = NULL;

  if (self->camera != NULL && foyer_camera_get_state (self->camera) != FOYER_CAMERA_STATE_STOPPED
      && g_strcmp0 (foyer_config_get_string (foyer_window_get_config (self), "camera", "source"),
                    "none") != 0) {
    view = foyer_camera_view_new ();
    foyer_camera_view_set_camera (FOYER_CAMERA_VIEW (view), self->camera);
  }
  foyer_enroll_page_set_camera_widget (FOYER_ENROLL_PAGE (page), view);
}

void
_foyer_window_staff_camera_changed (FoyerWindow *self)
{
  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "enroll") == 0)
    attach_enroll_camera_view (self);
}

/* Reached from Admin only, which is behind the PIN. */
static void
connect_head_office_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  GtkWidget *page = foyer_window_get_page (self, "enroll");

  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "admin") != 0 || page == NULL)
    return;
  attach_enroll_camera_view (self);
  foyer_enroll_page_refresh (FOYER_ENROLL_PAGE (page));
  show_page (self, "enroll");
}

static void
back_to_admin_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  GtkWidget *page = foyer_window_get_page (self, "enroll");

  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "enroll") != 0)
    return;
  /* The camera view goes: the scan page's is the only one while no one enrolls. */
  foyer_enroll_page_set_camera_widget (FOYER_ENROLL_PAGE (page), NULL);
  show_admin (self);
}

gboolean
_foyer_window_staff_take_code (FoyerWindow *self,
                               GBytes      *raw)
{
  GtkWidget *page = foyer_window_get_page (self, "enroll");

  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "enroll") != 0
      || !FOYER_IS_ENROLL_PAGE (page))
    return FALSE;
  foyer_enroll_page_take_code (FOYER_ENROLL_PAGE (page), raw);
  return TRUE;
}

/* The page wrote the configuration and put the keys into the running one: the flow verifies
 * (and signs) with the event's keys, and the sync engine sends through the new connection,
 * records already waiting first. No restart. */
static void
head_office_connected_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  FoyerApplication *app = FOYER_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GError) error = NULL;

  if (self->flow != NULL)
    foyer_kiosk_flow_reload_badge_keys (self->flow);
  if (app != NULL && !foyer_application_reconfigure_sync (app, &error)) {
    g_autofree char *msg = g_strdup_printf (_("Records are kept on this kiosk but not sent: %s"),
                                            error->message);
    foyer_window_show_toast (self, msg);
  }
  update_chrome (self);
  _foyer_window_refresh_status (self);
}

/* --- booth mode --------------------------------------------------------------------------- */

gboolean
_foyer_window_staff_keeps_page (FoyerWindow *self)
{
  /* Staff typing notes keep their card: a stray scan must not replace it. */
  if (g_strcmp0 (foyer_window_get_visible_page_name (self), "lead") != 0)
    return FALSE;
  foyer_window_show_toast (self, _("Save or cancel this lead before scanning the next visitor."));
  return TRUE;
}

/* The flow's answer in booth mode: the lead card of a scanned badge, or of the visitor a
 * business card names. */
void
_foyer_window_staff_show_lead (FoyerWindow     *self,
                               FoyerFlowResult *result)
{
  GtkWidget *page = foyer_window_get_page (self, "lead");
  const FoyerRegistration *visitor = foyer_flow_result_get_registration (result);
  GBytes *raw = foyer_flow_result_get_raw (result);
  g_autoptr(GError) error = NULL;
  gboolean opened;

  if (visitor != NULL) {
    opened = foyer_lead_page_open_contact (FOYER_LEAD_PAGE (page), visitor, raw, &error);
  } else {
    opened = foyer_lead_page_open_badge (FOYER_LEAD_PAGE (page),
                                         foyer_flow_result_get_badge_code (result), raw, &error);
  }
  if (!opened) {
    g_autofree char *msg = g_strdup_printf (_("Cannot open the lead: %s"), error->message);
    foyer_window_show_toast (self, msg);
    return;
  }
  show_page (self, "lead");
}

static void
show_leads_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  GtkWidget *page = foyer_window_get_page (self, "leads");

  foyer_leads_page_refresh (FOYER_LEADS_PAGE (page));
  show_page (self, "leads");
}

static void
edit_lead_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  GtkWidget *page = foyer_window_get_page (self, "lead");
  g_autoptr(GError) error = NULL;

  if (!foyer_lead_page_open_lead (FOYER_LEAD_PAGE (page), g_variant_get_string (parameter, NULL),
                                  &error)) {
    g_autofree char *msg = g_strdup_printf (_("Cannot open the lead: %s"), error->message);
    foyer_window_show_toast (self, msg);
    return;
  }
  show_page (self, "lead");
}

static void
lead_saved_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  _foyer_window_refresh_status (self);
  go_home (self);
  foyer_window_show_toast (self, _("Lead saved."));
}

/* --- set-up ------------------------------------------------------------------------------- */

void
_foyer_window_staff_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (FOYER_TYPE_PIN_PAGE);
  g_type_ensure (FOYER_TYPE_ADMIN_PAGE);
  g_type_ensure (FOYER_TYPE_ENROLL_PAGE);
  g_type_ensure (FOYER_TYPE_LEAD_PAGE);
  g_type_ensure (FOYER_TYPE_LEADS_PAGE);

  gtk_widget_class_install_action (widget_class, "win.open-admin", NULL, open_admin_action);
  gtk_widget_class_install_action (widget_class, "win.leave-fullscreen", NULL,
                                   leave_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.staff-unlocked", NULL,
                                   staff_unlocked_action);
  gtk_widget_class_install_action (widget_class, "win.set-mode", "s", set_mode_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.restart-camera", NULL,
                                   restart_camera_action);
  gtk_widget_class_install_action (widget_class, "win.reprint-badge", "s",
                                   reprint_badge_action);
  gtk_widget_class_install_action (widget_class, "win.show-leads", NULL, show_leads_action);
  gtk_widget_class_install_action (widget_class, "win.connect-head-office", NULL,
                                   connect_head_office_action);
  gtk_widget_class_install_action (widget_class, "win.back-to-admin", NULL,
                                   back_to_admin_action);
  gtk_widget_class_install_action (widget_class, "win.head-office-connected", NULL,
                                   head_office_connected_action);
  gtk_widget_class_install_action (widget_class, "win.edit-lead", "s", edit_lead_action);
  gtk_widget_class_install_action (widget_class, "win.lead-saved", "s", lead_saved_action);
  _foyer_window_door_class_init (widget_class);
}

void
_foyer_window_staff_init (FoyerWindow *self)
{
  FoyerConfig *config = foyer_window_get_config (self);

  self->pin_guard = foyer_pin_guard_new (config != NULL ? foyer_config_get_string (config, "kiosk",
                                                                                   "admin-pin-hash")
                                                        : NULL);
  self->kiosk_locked = config != NULL && foyer_config_get_boolean (config, "kiosk", "fullscreen");
  /* The lockout and the wrong entries live in the store: a restart does not reset them. */
  if (foyer_window_get_store (self) != NULL) {
    g_autoptr(GError) error = NULL;

    if (!foyer_pin_guard_set_database (self->pin_guard,
                                       foyer_store_get_path (foyer_window_get_store (self)),
                                       &error))
      g_message ("the PIN lockout is kept in memory only: %s", error->message);
  }

  _foyer_window_staff_translate_chrome (self);

  if (self->kiosk_locked)
    set_quit_accel (self, FALSE);

  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  g_signal_connect_object (self->stack, "notify::visible-child", G_CALLBACK (visible_page_cb),
                           self, G_CONNECT_SWAPPED);
  update_chrome (self);
}
