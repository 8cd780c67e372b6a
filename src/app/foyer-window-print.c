/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-print.c: badge printing in the kiosk window (see foyer-window-print.h).
 *
 * The window only asks and shows: jobs are stored and sent by FoyerPrintQueue's worker, whose
 * outcome arrives as ::job-changed on this thread, so a slow or stopped printer never holds the
 * visitor queue.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-application.h"
#include "foyer-window-print.h"
#include "foyer-window-private.h"
#include "foyer-window-staff.h"

gboolean
_foyer_window_print_can_print (FoyerWindow *self)
{
  return self->print_queue != NULL;
}

void
_foyer_window_print_update_banner (FoyerWindow *self)
{
  g_autofree char *text = self->print_queue != NULL
                          ? foyer_print_queue_get_banner (self->print_queue) : NULL;

  gtk_label_set_text (self->print_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->print_revealer, text != NULL);
}

static void
job_changed_cb (FoyerPrintQueue *queue,
                gint64           job_id,
                int              state,
                const char      *printer,
                const char      *message,
                FoyerWindow     *self)
{
  if (job_id != self->done_job_id)
    return;
  if (state == FOYER_PRINT_JOB_PRINTED) {
    foyer_window_show_toast (self, _("Your badge is printed: please take it from the printer"));
  } else if (state == FOYER_PRINT_JOB_FAILED) {
    g_autofree char *text = g_strdup_printf (_("The badge could not be printed (%s). Please show "
                                               "the code on the screen at the entrance, or ask "
                                               "staff."), message != NULL ? message : "");
    foyer_window_show_toast (self, text);
  } else {
    return;
  }
  self->done_job_id = 0;
}

void
_foyer_window_print_init (FoyerWindow *self)
{
  FoyerConfig *config = foyer_window_get_config (self);
  FoyerStore *store = foyer_window_get_store (self);
  g_autoptr(GError) error = NULL;

  if (config == NULL || store == NULL || self->print_queue != NULL)
    return;
  self->print_queue = foyer_print_queue_new (config, store, &error);
  if (self->print_queue == NULL) {
    if (!g_error_matches (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NO_PRINTER))
      g_printerr ("foyer: badges will not be printed: %s\n", error->message);
    return;
  }
  g_signal_connect_object (self->print_queue, "changed",
                           G_CALLBACK (_foyer_window_print_update_banner), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->print_queue, "job-changed", G_CALLBACK (job_changed_cb), self, 0);
  foyer_print_queue_start (self->print_queue);
}

void
_foyer_window_print_dispose (FoyerWindow *self)
{
  if (self->print_queue != NULL) {
    g_signal_handlers_disconnect_by_data (self->print_queue, self);
    foyer_print_queue_stop (self->print_queue);
    g_clear_object (&self->print_queue);
  }
}

void
_foyer_window_print_on_result (FoyerWindow     *self,
                               FoyerFlowResult *result)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (self->print_queue == NULL)
    return;
  id = foyer_print_queue_auto_print (self->print_queue, result, &error);
  if (error != NULL) {
    g_message ("badge not queued: %s", error->message);
    foyer_window_show_toast (self, error->message);
  } else if (id > 0) {
    self->done_job_id = id;
    foyer_window_show_toast (self, _("Printing your badge…"));
  }
}

/* Who confirmed a reprint, for the log: the kiosk's staff id when set. Never a visitor's data. */
static const char *
confirmer (FoyerWindow *self)
{
  FoyerConfig *config = foyer_window_get_config (self);
  const char *staff = config != NULL ? foyer_config_get_string (config, "kiosk", "staff-id")
                                     : NULL;

  return staff != NULL && *staff != '\0' ? staff : "staff PIN";
}

static void
queue_done_badge (FoyerWindow *self,
                  gboolean     confirmed)
{
  const FoyerRegistration *reg = foyer_flow_result_get_registration (self->done_result);
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = foyer_print_queue_add (self->print_queue, reg->id,
                              foyer_flow_result_get_badge_payload (self->done_result),
                              confirmed ? "reprint" : "registration",
                              confirmed ? confirmer (self) : NULL, &error);
  if (g_error_matches (error, FOYER_PRINT_QUEUE_ERROR, FOYER_PRINT_QUEUE_ERROR_NEEDS_CONFIRMATION)) {
    _foyer_window_staff_ask_reprint (self);
    return;
  }
  if (id == 0) {
    foyer_window_show_toast (self, error->message);
    return;
  }
  self->done_job_id = id;
  foyer_window_show_toast (self, _("Printing your badge…"));
}

void
_foyer_window_print_confirmed (FoyerWindow *self)
{
  if (self->done_result == NULL || self->print_queue == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", "done");
  queue_done_badge (self, TRUE);
}

static void
print_badge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FoyerWindow *self = FOYER_WINDOW (widget);

  if (self->done_result == NULL || foyer_flow_result_get_registration (self->done_result) == NULL)
    return;
  if (self->print_queue == NULL) {
    foyer_window_show_toast (self, _("Printing is not configured on this kiosk"));
    return;
  }
  queue_done_badge (self, FALSE);
}

void
_foyer_window_print_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.print-badge", NULL, print_badge_action);
}
