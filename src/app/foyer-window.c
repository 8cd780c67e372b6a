/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window.c: the kiosk window; a GtkStack of pages driven by actions, the route from a
 * scanned code to the page that answers it, the idle timeout and the language switch. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-badge-printer.h"
#include "foyer-camera-view.h"
#include "foyer-done-page.h"
#include "foyer-form-page.h"
#include "foyer-notice-page.h"
#include "foyer-page.h"
#include "foyer-pin-page.h"
#include "foyer-scan-page.h"
#include "foyer-welcome-page.h"
#include "foyer-window-print.h"
#include "foyer-window-door.h"
#include "foyer-window-private.h"
#include "foyer-window-staff.h"
#include "foyer-window.h"

/* The countdown shows for the last seconds before the idle timeout clears the screen. */
#define IDLE_COUNTDOWN_MS     (10 * 1000)
#define IDLE_TICK_MS          250

G_DEFINE_FINAL_TYPE (FoyerWindow, foyer_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  SIGNAL_CODE_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void     foyer_window_update_idle (FoyerWindow *self);

FoyerWindow *
foyer_window_new (FoyerApplication *application)
{
  return g_object_new (FOYER_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static FoyerApplication *
foyer_window_get_app (FoyerWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return FOYER_IS_APPLICATION (app) ? FOYER_APPLICATION (app) : NULL;
}

FoyerConfig *
foyer_window_get_config (FoyerWindow *self)
{
  FoyerApplication *app;

  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);

  app = foyer_window_get_app (self);
  return app != NULL ? foyer_application_get_config (app) : NULL;
}

FoyerStore *
foyer_window_get_store (FoyerWindow *self)
{
  FoyerApplication *app;

  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);

  app = foyer_window_get_app (self);
  return app != NULL ? foyer_application_get_store (app) : NULL;
}

FoyerSyncEngine *
foyer_window_get_sync_engine (FoyerWindow *self)
{
  FoyerApplication *app;

  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);

  app = foyer_window_get_app (self);
  return app != NULL ? foyer_application_get_sync_engine (app) : NULL;
}

FoyerKioskFlow *
foyer_window_get_flow (FoyerWindow *self)
{
  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);
  return self->flow;
}

const char *
foyer_window_get_language (FoyerWindow *self)
{
  FoyerApplication *app;

  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);

  app = foyer_window_get_app (self);
  return app != NULL ? foyer_application_get_language (app) : "zh_CN";
}

GtkWidget *
foyer_window_get_page (FoyerWindow *self,
                       const char  *name)
{
  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}

const char *
foyer_window_get_visible_page_name (FoyerWindow *self)
{
  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
foyer_window_get_home_page_name (FoyerWindow *self)
{
  g_return_val_if_fail (FOYER_IS_WINDOW (self), NULL);
  return self->home_page;
}

void
foyer_window_set_home_page_name (FoyerWindow *self,
                                 const char  *name)
{
  g_return_if_fail (FOYER_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  g_free (self->home_page);
  self->home_page = g_strdup (name);
}

void
foyer_window_show_toast (FoyerWindow *self,
                         const char  *message)
{
  g_return_if_fail (FOYER_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
foyer_window_show_page (FoyerWindow *self,
                        const char  *name)
{
  if (gtk_stack_get_child_by_name (self->stack, name) == NULL) {
    g_warning ("no page named “%s”", name);
    return;
  }
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
foyer_window_reset_pages (FoyerWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (FOYER_IS_PAGE (child))
      foyer_page_reset (FOYER_PAGE (child));
  }
  g_clear_object (&self->done_result);
}

/* Every page forgets its visitor, then home is shown: the next visitor sees nothing of this one. */
static void
foyer_window_go_home (FoyerWindow *self)
{
  foyer_window_reset_pages (self);
  gtk_stack_set_visible_child_name (self->stack, self->home_page);
  _foyer_window_refresh_status (self);
}

/* --- status line ------------------------------------------------------------------------- */

void
_foyer_window_refresh_status (FoyerWindow *self)
{
  FoyerStore *store = foyer_window_get_store (self);
  FoyerApplication *app = foyer_window_get_app (self);
  FoyerSyncEngine *sync = app != NULL ? foyer_application_get_sync_engine (app) : NULL;
  GtkWidget *scan = foyer_window_get_page (self, "scan");
  g_autofree char *text = NULL;

  if (!FOYER_IS_SCAN_PAGE (scan))
    return;

  if (store == NULL) {
    text = g_strdup (_("Registrations cannot be saved"));
  } else if (sync != NULL && foyer_sync_engine_get_status (sync)->state != FOYER_SYNC_STATE_DISABLED) {
    const FoyerSyncStatus *status = foyer_sync_engine_get_status (sync);
    guint waiting = (guint)status->pending;

    if (status->paused)
      text = g_strdup_printf (ngettext ("Sync paused · %u record waiting · ask staff",
                                        "Sync paused · %u records waiting · ask staff", waiting),
                              waiting);
    else if (!status->online)
      text = g_strdup_printf (ngettext ("Offline · %u record waiting to be sent",
                                        "Offline · %u records waiting to be sent", waiting),
                              waiting);
    else if (waiting == 0)
      text = g_strdup (_("Online · all records sent"));
    else
      text = g_strdup_printf (ngettext ("Online · sending %u record",
                                        "Online · sending %u records", waiting),
                              waiting);
  } else {
    FoyerOutboxCounts counts = { 0 };
    g_autoptr(GError) error = NULL;

    if (!foyer_store_outbox_counts (store, &counts, &error)) {
      g_debug ("outbox counts: %s", error->message);
      text = g_strdup (_("Sync state unknown"));
    } else {
      guint waiting = (guint)(counts.pending + counts.in_flight);

      /* TRANSLATORS: the status line when no head-office server is configured */
      text = g_strdup_printf (ngettext ("Offline · %u record kept on this kiosk",
                                        "Offline · %u records kept on this kiosk", waiting),
                              waiting);
    }
  }

  /* TLS checks off or plain http: staff see it on every page, not only on the Admin page */
  if (sync != NULL && foyer_sync_engine_get_status (sync)->insecure_warning != NULL) {
    char *with = g_strdup_printf (_("%s · ⚠ connection to head office not secure (see Admin)"),
                                  text);
    g_free (text);
    text = with;
  }
  foyer_scan_page_set_sync_status (FOYER_SCAN_PAGE (scan), text);
  {
    g_autofree char *inside = _foyer_window_door_inside_text (self);

    foyer_scan_page_set_inside_status (FOYER_SCAN_PAGE (scan), inside);
  }
}

/* The status line follows the sync engine's ::status-changed (delivered on this thread) and,
 * without a server, the store's ::record-added: no polling. */
static void
foyer_window_record_added_cb (FoyerStore  *store,
                              const char  *record_id,
                              const char  *record_type,
                              FoyerWindow *self)
{
  _foyer_window_refresh_status (self);
}

static void
foyer_window_sync_status_cb (FoyerSyncEngine       *engine,
                             const FoyerSyncStatus *status,
                             FoyerWindow           *self)
{
  _foyer_window_refresh_status (self);
}

static void
foyer_window_update_camera_status (FoyerWindow *self)
{
  GtkWidget *scan = foyer_window_get_page (self, "scan");
  const char *text = NULL;

  if (!FOYER_IS_SCAN_PAGE (scan))
    return;

  /* Worded here rather than taken from the camera so that it follows the language switch. */
  switch (self->camera != NULL ? foyer_camera_get_state (self->camera) : FOYER_CAMERA_STATE_STOPPED) {
  case FOYER_CAMERA_STATE_RUNNING:
    text = _("Camera ready");
    break;
  case FOYER_CAMERA_STATE_STARTING:
    text = _("Camera starting…");
    break;
  case FOYER_CAMERA_STATE_UNAVAILABLE:
    text = _("Camera unavailable: use the scanner or register without a code");
    break;
  case FOYER_CAMERA_STATE_STOPPED:
  default:
    text = _("No camera: use the scanner or register without a code");
    break;
  }
  foyer_scan_page_set_camera_status (FOYER_SCAN_PAGE (scan), text);
}

/* The scan page is rebuilt on a language switch: give each new one a view of the one camera. */
static void
foyer_window_attach_camera_view (FoyerWindow *self)
{
  GtkWidget *scan = foyer_window_get_page (self, "scan");
  GtkWidget *view;

  if (self->camera == NULL || !FOYER_IS_SCAN_PAGE (scan))
    return;
  view = foyer_camera_view_new ();
  foyer_camera_view_set_camera (FOYER_CAMERA_VIEW (view), self->camera);
  foyer_scan_page_set_camera_widget (FOYER_SCAN_PAGE (scan), view);
}

static void
foyer_window_camera_scanned_cb (FoyerCamera *camera,
                                const char  *type,
                                GBytes      *bytes,
                                FoyerWindow *self)
{
  g_debug ("camera read a %s", type);
  foyer_window_handle_code (self, bytes);
}

/* --- keyboard-wedge scanners ---------------------------------------------------------------- */

/* A USB scanner in keyboard mode types the code and Enter faster than any person; the wedge
 * controller catches that on every page without focus and takes the characters back out of a
 * field they were typed into. */
static void
foyer_window_wedge_scanned_cb (FoyerWedgeController *controller,
                               GBytes               *code,
                               FoyerWindow          *self)
{
  g_debug ("hardware scanner read %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (code));
  foyer_window_handle_code (self, code);
}

static void
foyer_window_serial_scanned_cb (FoyerSerialScanner *scanner,
                                GBytes             *code,
                                FoyerWindow        *self)
{
  g_debug ("serial scanner read %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (code));
  foyer_window_handle_code (self, code);
}

gboolean
_foyer_window_wedge_key (FoyerWindow     *self,
                         guint            keyval,
                         GdkModifierType  state,
                         gint64           time_us)
{
  if (self->wedge == NULL)
    return FALSE;
  return foyer_wedge_controller_key_pressed (self->wedge, keyval, state, (guint32)(time_us / 1000));
}

/* Hardware scanners: keyboard-wedge ones type on every page; a serial one ([scanner] serial)
 * sends lines. Both answer like the camera, sound and flash included. */
static void
foyer_window_start_scanners (FoyerWindow *self,
                             FoyerConfig *config)
{
  self->wedge = foyer_wedge_controller_new_from_config (config);
  g_signal_connect (self->wedge, "scanned", G_CALLBACK (foyer_window_wedge_scanned_cb), self);
  foyer_wedge_controller_attach (self->wedge, GTK_WIDGET (self));

  self->serial = foyer_serial_scanner_new_from_config (config);
  if (self->serial != NULL) {
    g_signal_connect (self->serial, "scanned", G_CALLBACK (foyer_window_serial_scanned_cb), self);
    foyer_serial_scanner_start (self->serial);
  }
}

/* --- idle timeout ------------------------------------------------------------------------ */

static gboolean
foyer_window_visible_page_holds_data (FoyerWindow *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  return FOYER_IS_PAGE (page) && foyer_page_holds_visitor_data (FOYER_PAGE (page));
}

static gboolean
foyer_window_idle_tick_cb (gpointer user_data)
{
  FoyerWindow *self = user_data;
  gint64 remaining_ms;

  if (!foyer_window_visible_page_holds_data (self)) {
    self->idle_source = 0;
    foyer_window_update_idle (self);
    return G_SOURCE_REMOVE;
  }

  remaining_ms = (self->idle_deadline - g_get_monotonic_time ()) / 1000;
  if (remaining_ms <= 0) {
    g_debug ("idle timeout: clearing the screen");
    self->idle_source = 0;
    foyer_window_go_home (self);
    foyer_window_update_idle (self);
    return G_SOURCE_REMOVE;
  }

  if (remaining_ms <= IDLE_COUNTDOWN_MS) {
    int seconds = (int)((remaining_ms + 999) / 1000);
    g_autofree char *text =
      g_strdup_printf (ngettext ("Starting over in %d second — touch the screen to continue",
                                 "Starting over in %d seconds — touch the screen to continue",
                                 seconds), seconds);
    gtk_label_set_text (self->idle_label, text);
    gtk_revealer_set_reveal_child (self->idle_revealer, TRUE);
  } else {
    gtk_revealer_set_reveal_child (self->idle_revealer, FALSE);
  }
  return G_SOURCE_CONTINUE;
}

/* Restarts the idle countdown when visitor data is on screen, stops it otherwise. */
static void
foyer_window_update_idle (FoyerWindow *self)
{
  if (!foyer_window_visible_page_holds_data (self)) {
    g_clear_handle_id (&self->idle_source, g_source_remove);
    self->idle_deadline = 0;
    gtk_revealer_set_reveal_child (self->idle_revealer, FALSE);
    return;
  }

  self->idle_deadline = g_get_monotonic_time () + self->idle_timeout_ms * 1000;
  if (self->idle_source == 0)
    self->idle_source = g_timeout_add (IDLE_TICK_MS, foyer_window_idle_tick_cb, self);
  foyer_window_idle_tick_cb (self);
}

void
_foyer_window_set_idle_timeout_ms (FoyerWindow *self,
                                   gint64       timeout_ms)
{
  self->idle_timeout_ms = timeout_ms;
  foyer_window_update_idle (self);
}

gint64
_foyer_window_get_idle_remaining_ms (FoyerWindow *self)
{
  if (self->idle_deadline == 0)
    return -1;
  return MAX (0, (self->idle_deadline - g_get_monotonic_time ()) / 1000);
}

static gboolean
foyer_window_input_cb (GtkEventControllerLegacy *controller,
                       GdkEvent                 *event,
                       gpointer                  user_data)
{
  FoyerWindow *self = user_data;

  /* Deliberate input only: a mouse resting on the screen, or a window appearing under it, must
   * not keep a visitor's data up. */
  switch (gdk_event_get_event_type (event)) {
  case GDK_BUTTON_PRESS:
  case GDK_KEY_PRESS:
  case GDK_TOUCH_BEGIN:
  case GDK_TOUCH_UPDATE:
  case GDK_SCROLL:
    if (self->idle_deadline != 0)
      foyer_window_update_idle (self);
    break;
  default:
    break;
  }
  return GDK_EVENT_PROPAGATE;
}

/* Typing into a form also counts as activity; entries may be filled by an input method or the
 * on-screen keyboard without key events reaching the window. */
static void
foyer_window_note_activity_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  /* Also starts the countdown on a page that shows visitor data only once staff typed (the
   * staff search); update_idle does nothing where no visitor data is shown. */
  foyer_window_update_idle (self);
}

static void
foyer_window_visible_child_cb (FoyerWindow *self)
{
  foyer_window_update_idle (self);
}

/* --- language ---------------------------------------------------------------------------- */

static GMenuModel *
foyer_window_build_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("_About Foyer"), "app.about");
  g_menu_append (menu, _("_Quit"), "app.quit");
  return G_MENU_MODEL (menu);
}

/* Strings of the window itself, set in code so that they follow the language. */
static void
foyer_window_translate_chrome (FoyerWindow *self)
{
  g_autoptr(GMenuModel) menu = foyer_window_build_menu ();
  const char *language = foyer_window_get_language (self);

  gtk_window_set_title (GTK_WINDOW (self), _("Foyer"));
  adw_window_title_set_title (self->window_title, _("Foyer"));
  gtk_menu_button_set_menu_model (self->menu_button, menu);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), _("Main Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main Menu"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->idle_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Idle countdown"), -1);

  _foyer_window_staff_translate_chrome (self);
  _foyer_window_print_update_banner (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "lang-en");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "lang-zh");
  gtk_widget_add_css_class (GTK_WIDGET (self),
                            g_strcmp0 (language, "en") == 0 ? "lang-en" : "lang-zh");
}

static void
foyer_window_show_store_state (FoyerWindow *self)
{
  FoyerApplication *app = foyer_window_get_app (self);
  const GError *error = app != NULL ? foyer_application_get_store_error (app) : NULL;
  FoyerStore *store = app != NULL ? foyer_application_get_store (app) : NULL;
  g_autofree char *text = NULL;

  if (error != NULL) {
    if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FULL))
      text = g_strdup (_("The disk is full: registrations cannot be saved. Ask staff for help."));
    else if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY))
      text = g_strdup (_("The database is read-only: registrations cannot be saved. "
                         "Ask staff for help."));
    else
      text = g_strdup_printf (_("Registrations cannot be saved: %s. Ask staff for help."),
                              error->message);
  } else if (store != NULL && foyer_store_get_recovered_from (store) != NULL) {
    text = g_strdup_printf (_("The database was damaged. It was moved to %s and a new one was "
                              "started; staff can recover earlier records from it."),
                            foyer_store_get_recovered_from (store));
  }

  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->error_revealer, text != NULL);
}

/* --- pages' properties ---------------------------------------------------------------------- */

static void
set_if_page_has (GtkWidget  *page,
                 const char *property,
                 gpointer    value)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), property) != NULL)
    g_object_set (page, property, value, NULL);
}

static void foyer_window_show_result (FoyerWindow     *self,
                                      FoyerFlowResult *result);

static void
foyer_window_form_submitted_cb (GtkWidget       *page,
                                FoyerFlowResult *result,
                                FoyerWindow     *self)
{
  foyer_window_show_result (self, result);
}

/* What a page needs, it gets as properties (store, config, flow, sync-engine, language), here
 * at start-up and again for every page a language switch recreates; a page never looks its
 * window up. The form page raises ::submitted with the flow's answer. */
static void
foyer_window_setup_page (FoyerWindow *self,
                         GtkWidget   *page)
{
  set_if_page_has (page, "config", foyer_window_get_config (self));
  set_if_page_has (page, "store", foyer_window_get_store (self));
  set_if_page_has (page, "flow", self->flow);
  set_if_page_has (page, "sync-engine", foyer_window_get_sync_engine (self));
  set_if_page_has (page, "language", (gpointer)foyer_window_get_language (self));
  set_if_page_has (page, "print-queue", self->print_queue);
  if (FOYER_IS_PIN_PAGE (page))
    foyer_pin_page_set_guard (FOYER_PIN_PAGE (page), self->pin_guard);
  if (FOYER_IS_FORM_PAGE (page))
    g_signal_connect_object (page, "submitted", G_CALLBACK (foyer_window_form_submitted_cb), self, 0);
}

static void
foyer_window_setup_pages (FoyerWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    foyer_window_setup_page (self, child);
}

/* Pages are built from their templates, which gettext translated when they were built: to
 * switch language every page is replaced by a fresh one of the same type. No visitor data
 * survives, which is also what a visitor who switches language expects. */
static void
foyer_window_rebuild_pages (FoyerWindow *self)
{
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_object_unref);
  const char *visible = gtk_stack_get_visible_child_name (self->stack);
  g_autofree char *visible_name = g_strdup (visible);
  GtkStackTransitionType transition = gtk_stack_get_transition_type (self->stack);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_ptr_array_add (old, g_object_ref (child));

  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  for (guint i = 0; i < old->len; i++) {
    GtkWidget *child = g_ptr_array_index (old, i);
    GtkStackPage *page = gtk_stack_get_page (self->stack, child);
    g_autofree char *name = g_strdup (gtk_stack_page_get_name (page));
    GtkWidget *fresh = g_object_new (G_OBJECT_TYPE (child), NULL);

    if (FOYER_IS_PAGE (child))
      foyer_page_reset (FOYER_PAGE (child));
    gtk_stack_remove (self->stack, child);
    gtk_stack_add_named (self->stack, fresh, name);
  }
  foyer_window_setup_pages (self);

  if (visible_name != NULL)
    gtk_stack_set_visible_child_name (self->stack, visible_name);
  gtk_stack_set_transition_type (self->stack, transition);
}

void
_foyer_window_apply_language (FoyerWindow *self,
                              const char  *language)
{
  FoyerApplication *app = foyer_window_get_app (self);
  GAction *action;

  if (app != NULL)
    foyer_application_set_language (app, language);

  foyer_window_go_home (self);
  foyer_window_rebuild_pages (self);
  foyer_window_translate_chrome (self);
  foyer_window_show_store_state (self);
  _foyer_window_refresh_status (self);
  foyer_window_attach_camera_view (self);
  foyer_window_update_camera_status (self);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "set-language");
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (foyer_window_get_language (self)));
}

/* --- results: the flow decides, the window shows ------------------------------------------ */

static void
foyer_window_show_notice (FoyerWindow     *self,
                          FoyerNoticeKind  kind,
                          const char      *detail)
{
  GtkWidget *page = foyer_window_get_page (self, "notice");

  foyer_notice_page_show (FOYER_NOTICE_PAGE (page), kind, detail);
  foyer_window_show_page (self, "notice");
}

static void
foyer_window_show_welcome (FoyerWindow             *self,
                           const FoyerRegistration *reg,
                           gboolean                 repeat)
{
  GtkWidget *page = foyer_window_get_page (self, "welcome");

  foyer_welcome_page_show (FOYER_WELCOME_PAGE (page), reg, repeat);
  foyer_window_show_page (self, "welcome");
}

/* Checked in before, here or at another gate: let in with the earlier time and gate ([gate]
 * reentry=allow), with a warning staff notice (warn), or turned away (refuse). */
static void
foyer_window_show_repeat (FoyerWindow     *self,
                          FoyerFlowResult *result)
{
  GtkWidget *page = foyer_window_get_page (self, "welcome");

  if (!foyer_flow_result_get_admitted (result)) {
    foyer_window_show_notice (self, FOYER_NOTICE_REENTRY_REFUSED,
                              foyer_flow_result_get_staff_reason (result));
    return;
  }
  foyer_welcome_page_show_repeat (FOYER_WELCOME_PAGE (page),
                                  foyer_flow_result_get_registration (result),
                                  foyer_flow_result_get_previous_time (result),
                                  foyer_flow_result_get_previous_gate (result),
                                  foyer_flow_result_get_visitor_reason (result));
  foyer_window_show_page (self, "welcome");
}

/* An exit kiosk recorded the visitor leaving. */
static void
foyer_window_show_exit (FoyerWindow     *self,
                        FoyerFlowResult *result)
{
  GtkWidget *page = foyer_window_get_page (self, "welcome");

  foyer_welcome_page_show_exit (FOYER_WELCOME_PAGE (page),
                                foyer_flow_result_get_registration (result));
  foyer_window_show_page (self, "welcome");
}

static void
foyer_window_show_done (FoyerWindow     *self,
                        FoyerFlowResult *result)
{
  GtkWidget *page = foyer_window_get_page (self, "done");

  g_set_object (&self->done_result, result);
  foyer_done_page_show (FOYER_DONE_PAGE (page), foyer_flow_result_get_registration (result),
                        foyer_flow_result_get_badge_payload (result));
  foyer_done_page_set_can_print (FOYER_DONE_PAGE (page), _foyer_window_print_can_print (self));
  foyer_window_show_page (self, "done");
}

static void
foyer_window_show_review (FoyerWindow     *self,
                          FoyerFlowResult *result)
{
  GtkWidget *page = foyer_window_get_page (self, "form");

  foyer_form_page_show_contact (FOYER_FORM_PAGE (page), foyer_flow_result_get_contact (result),
                                foyer_flow_result_get_source (result),
                                foyer_flow_result_get_raw (result));
  foyer_window_show_page (self, "form");
}

static void
foyer_window_show_error (FoyerWindow     *self,
                         FoyerFlowResult *result)
{
  const GError *error = foyer_flow_result_get_error (result);
  gboolean no_store = g_error_matches (error, FOYER_KIOSK_FLOW_ERROR,
                                       FOYER_KIOSK_FLOW_ERROR_NO_STORE);

  if (no_store && foyer_kiosk_flow_is_booth (self->flow))
    foyer_window_show_toast (self, _("Leads cannot be saved on this tablet right now."));
  else
    foyer_window_show_notice (self, FOYER_NOTICE_STORE_ERROR,
                              no_store || error == NULL ? NULL : error->message);
}

/* --- a visitor waits ------------------------------------------------------------------- */

static void
foyer_window_answer_painted_cb (GdkFrameClock *clock,
                                FoyerWindow   *self)
{
  g_signal_handlers_disconnect_by_func (clock, foyer_window_answer_painted_cb, self);
  foyer_thread_foreground_end ();
}

/* From a scan until the frame that shows its answer has been painted, the background threads
 * (the sync engine's pull) leave the cores and the store's write lock to this one
 * (foyer-thread.h): what the visitor waits for does not depend on a pull running. Without a
 * frame clock (not shown) the wait ends by itself after FOYER_THREAD_FOREGROUND_MAX_MS. */
static void
foyer_window_visitor_waits (FoyerWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  foyer_thread_foreground_begin ();
  if (clock == NULL)
    return;
  g_signal_handlers_disconnect_by_func (clock, foyer_window_answer_painted_cb, self);
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (foyer_window_answer_painted_cb),
                           self, 0);
}

/* One place maps every answer of the flow to what the visitor sees. */
static void
foyer_window_show_result (FoyerWindow     *self,
                          FoyerFlowResult *result)
{
  foyer_window_visitor_waits (self);
  g_debug ("kiosk flow: %s", foyer_flow_status_to_nick (foyer_flow_result_get_status (result)));
  /* [badge] print-on: a registration or a check-in may print by itself. */
  _foyer_window_print_on_result (self, result);

  switch (foyer_flow_result_get_status (result)) {
  case FOYER_FLOW_STATUS_CHECKED_IN:
    if (g_strcmp0 (foyer_kiosk_flow_get_direction (self->flow), FOYER_DIRECTION_EXIT) == 0)
      foyer_window_show_exit (self, result);
    else
      foyer_window_show_welcome (self, foyer_flow_result_get_registration (result), FALSE);
    break;
  case FOYER_FLOW_STATUS_REPEAT:
    foyer_window_show_repeat (self, result);
    break;
  case FOYER_FLOW_STATUS_REGISTERED:
    foyer_window_show_done (self, result);
    break;
  case FOYER_FLOW_STATUS_REVIEW:
    foyer_window_show_review (self, result);
    break;
  case FOYER_FLOW_STATUS_LEAD:
    _foyer_window_staff_show_lead (self, result);
    break;
  case FOYER_FLOW_STATUS_CONTACT_LINK:
    foyer_window_show_notice (self, FOYER_NOTICE_CONTACT_LINK, NULL);
    break;
  case FOYER_FLOW_STATUS_WRONG_EVENT:
    /* The visitor reads that the badge is not for this show; staff read which events. */
    foyer_window_show_notice (self, FOYER_NOTICE_UNKNOWN_BADGE,
                              foyer_flow_result_get_staff_reason (result));
    break;
  case FOYER_FLOW_STATUS_LOCKED:
    _foyer_window_staff_ask_resume_scanning (self);
    break;
  case FOYER_FLOW_STATUS_REFUSED:
    foyer_notice_page_show_refusal (FOYER_NOTICE_PAGE (foyer_window_get_page (self, "notice")),
                                    foyer_flow_result_get_visitor_reason (result),
                                    foyer_flow_result_get_staff_reason (result));
    foyer_window_show_page (self, "notice");
    break;
  case FOYER_FLOW_STATUS_REVOKED:
    /* The visitor reads that the badge is cancelled; staff read head office's reason. */
    foyer_window_show_notice (self, FOYER_NOTICE_REVOKED,
                              foyer_flow_result_get_staff_reason (result));
    break;
  case FOYER_FLOW_STATUS_UNKNOWN:
    foyer_window_show_notice (self, FOYER_NOTICE_UNKNOWN_BADGE, NULL);
    break;
  case FOYER_FLOW_STATUS_FORGED:
    foyer_window_show_notice (self, FOYER_NOTICE_INVALID_BADGE, NULL);
    break;
  case FOYER_FLOW_STATUS_ERROR:
    foyer_window_show_error (self, result);
    break;
  case FOYER_FLOW_STATUS_UNRECOGNIZED:
  default:
    foyer_window_show_notice (self, FOYER_NOTICE_UNKNOWN_CODE, NULL);
    break;
  }
  /* Heard and seen from a metre away, whichever scanner read the code. */
  foyer_feedback_show_result (self->feedback, result);
}

void
foyer_window_handle_code (FoyerWindow *self,
                          GBytes      *raw)
{
  g_autoptr(FoyerFlowResult) result = NULL;

  g_return_if_fail (FOYER_IS_WINDOW (self));
  g_return_if_fail (raw != NULL);

  /* A handler may take the code first. */
  {
    gboolean handled = FALSE;

    g_signal_emit (self, signals[SIGNAL_CODE_SCANNED], 0, raw, &handled);
    if (handled)
      return;
  }
  /* Staff enrolling the kiosk: the code is for head office, not a visitor. */
  if (_foyer_window_staff_take_code (self, raw))
    return;

  /* A visitor typing into the form keeps it: a stray scan must not throw their work away. */
  if (_foyer_window_staff_keeps_page (self))
    return;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "form") == 0) {
    g_debug ("code scanned while the form is open: ignored");
    return;
  }
  if (self->flow == NULL)
    return;

  /* A new visitor: nothing of the previous one stays, not even on hidden pages. */
  foyer_window_visitor_waits (self);
  foyer_window_reset_pages (self);
  result = foyer_kiosk_flow_scan (self->flow, raw);
  foyer_window_show_result (self, result);
}

/* --- actions ----------------------------------------------------------------------------- */

static void
foyer_window_go_home_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  foyer_window_go_home (FOYER_WINDOW (widget));
}

static void
foyer_window_show_page_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  foyer_window_show_page (FOYER_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
foyer_window_register_manually_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);
  GtkWidget *page = foyer_window_get_page (self, "form");

  foyer_form_page_show_manual (FOYER_FORM_PAGE (page));
  foyer_window_show_page (self, "form");
}

static void
foyer_window_scan_code_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (parameter);

  foyer_window_handle_code (FOYER_WINDOW (widget), bytes);
}

static void
foyer_window_set_language_cb (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  FoyerWindow *self = user_data;
  const char *language = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (language, "en") != 0 && g_strcmp0 (language, "zh_CN") != 0) {
    g_warning ("unknown language “%s”", language);
    return;
  }
  _foyer_window_apply_language (self, language);
}

/* --- life cycle -------------------------------------------------------------------------- */

/* The application (config, store, language) arrives as a property after construction. */
/* The store, the sync engine and the flow outlive the pages: connect once. */
static void
foyer_window_connect_services (FoyerWindow *self)
{
  FoyerConfig *config = foyer_window_get_config (self);
  FoyerStore *store = foyer_window_get_store (self);
  FoyerSyncEngine *sync = foyer_window_get_sync_engine (self);
  FoyerApplication *app = foyer_window_get_app (self);

  if (config != NULL) {
    self->flow = foyer_kiosk_flow_new (config, store, foyer_application_get_store_error (app));
    if (foyer_kiosk_flow_get_signing_error (self->flow) != NULL)
      g_printerr ("foyer: badges will carry plain codes, not signed ones: %s\n",
                  foyer_kiosk_flow_get_signing_error (self->flow)->message);
  }
  if (store != NULL)
    g_signal_connect_object (store, "record-added", G_CALLBACK (foyer_window_record_added_cb),
                             self, 0);
  if (sync != NULL)
    g_signal_connect_object (sync, "status-changed", G_CALLBACK (foyer_window_sync_status_cb),
                             self, 0);
}

/* The application (config, store, language) arrives as a property after construction. */
static void
foyer_window_application_cb (FoyerWindow *self)
{
  FoyerConfig *config;
  g_autoptr(GSimpleAction) language = NULL;

  if (foyer_window_get_app (self) == NULL ||
      g_action_map_lookup_action (G_ACTION_MAP (self), "set-language") != NULL)
    return;

  config = foyer_window_get_config (self);
  self->idle_timeout_ms = 1000 * (config != NULL ? foyer_config_get_int (config, "kiosk", "idle-seconds")
                                                 : 45);
  if (self->idle_timeout_ms <= 0)
    self->idle_timeout_ms = 45 * 1000;

  /* A stateful action gives the two language buttons radio behaviour. */
  language = g_simple_action_new_stateful ("set-language", G_VARIANT_TYPE_STRING,
                                           g_variant_new_string (foyer_window_get_language (self)));
  g_signal_connect (language, "activate", G_CALLBACK (foyer_window_set_language_cb), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (language));

  foyer_window_connect_services (self);
  _foyer_window_print_init (self);
  _foyer_window_staff_init (self);
  foyer_window_setup_pages (self);
  foyer_window_translate_chrome (self);
  foyer_window_show_store_state (self);
  _foyer_window_refresh_status (self);

  if (config != NULL) {
    foyer_window_start_scanners (self, config);
    foyer_feedback_set_sounds_enabled (self->feedback,
                                       g_strcmp0 (foyer_config_get_string (config, "kiosk",
                                                                           "sounds"), "off") != 0);
  }

  /* One camera for the window's life: pages come and go with the language. */
  _foyer_window_restart_camera (self);
}

/* (Re)starts the camera from [camera] source, e.g. after staff chose another one in Admin. */
void
_foyer_window_restart_camera (FoyerWindow *self)
{
  FoyerConfig *config = foyer_window_get_config (self);

  if (self->camera != NULL) {
    g_signal_handlers_disconnect_by_data (self->camera, self);
    foyer_camera_stop (self->camera);
    g_clear_object (&self->camera);
  }
  if (config != NULL) {
    self->camera = foyer_camera_new (config);
    g_signal_connect (self->camera, "scanned", G_CALLBACK (foyer_window_camera_scanned_cb), self);
    g_signal_connect_swapped (self->camera, "notify::state",
                              G_CALLBACK (foyer_window_update_camera_status), self);
    foyer_camera_start (self->camera);
    foyer_window_attach_camera_view (self);
    _foyer_window_staff_camera_changed (self);
  }
  foyer_window_update_camera_status (self);
}

static void
foyer_window_dispose (GObject *object)
{
  FoyerWindow *self = (FoyerWindow *)object;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_object (&self->done_result);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  _foyer_window_print_dispose (self);
  g_clear_object (&self->flow);
  g_clear_object (&self->pin_guard);
  if (self->wedge != NULL) {
    g_signal_handlers_disconnect_by_data (self->wedge, self);
    foyer_wedge_controller_detach (self->wedge);
    g_clear_object (&self->wedge);
  }
  if (self->serial != NULL) {
    g_signal_handlers_disconnect_by_data (self->serial, self);
    foyer_serial_scanner_stop (self->serial);
    g_clear_object (&self->serial);
  }
  if (self->camera != NULL) {
    g_signal_handlers_disconnect_by_data (self->camera, self);
    foyer_camera_stop (self->camera);
    g_clear_object (&self->camera);
  }

  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_WINDOW);

  G_OBJECT_CLASS (foyer_window_parent_class)->dispose (object);
}

static void
foyer_window_finalize (GObject *object)
{
  FoyerWindow *self = (FoyerWindow *)object;

  g_clear_pointer (&self->home_page, g_free);

  G_OBJECT_CLASS (foyer_window_parent_class)->finalize (object);
}

static void
foyer_window_class_init (FoyerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_window_dispose;
  object_class->finalize = foyer_window_finalize;

  /**
   * FoyerWindow::code-scanned:
   * @raw: the code's bytes, exactly as decoded
   *
   * Emitted for every code (camera, hardware scanner, win.scan-code) before the kiosk flow
   * sees it. A handler that returns TRUE takes the code, and the flow does nothing with it.
   */
  signals[SIGNAL_CODE_SCANNED] =
    g_signal_new ("code-scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_BYTES);

  g_type_ensure (FOYER_TYPE_SCAN_PAGE);
  g_type_ensure (FOYER_TYPE_WELCOME_PAGE);
  g_type_ensure (FOYER_TYPE_FORM_PAGE);
  g_type_ensure (FOYER_TYPE_NOTICE_PAGE);
  g_type_ensure (FOYER_TYPE_DONE_PAGE);
  g_type_ensure (FOYER_TYPE_FEEDBACK);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, leads_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, leads_button_content);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, staff_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, print_revealer);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, print_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, idle_revealer);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, idle_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, feedback);

  gtk_widget_class_install_action (widget_class, "win.go-home", NULL,
                                   foyer_window_go_home_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s",
                                   foyer_window_show_page_action);
  gtk_widget_class_install_action (widget_class, "win.register-manually", NULL,
                                   foyer_window_register_manually_action);
  gtk_widget_class_install_action (widget_class, "win.scan-code", "ay",
                                   foyer_window_scan_code_action);
  _foyer_window_print_class_init (widget_class);
  gtk_widget_class_install_action (widget_class, "win.note-activity", NULL,
                                   foyer_window_note_activity_action);
  _foyer_window_staff_class_init (widget_class);
}

static void
foyer_window_init (FoyerWindow *self)
{
  GtkEventController *legacy;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->home_page = g_strdup ("scan");
  self->cancellable = g_cancellable_new ();
  self->idle_timeout_ms = 45 * 1000;

  /* Any touch, click or key anywhere in the window keeps the visitor's session alive. */
  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (foyer_window_input_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);

  g_signal_connect (self, "notify::application", G_CALLBACK (foyer_window_application_cb), NULL);
  g_signal_connect_swapped (self->stack, "notify::visible-child",
                            G_CALLBACK (foyer_window_visible_child_cb), self);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}
