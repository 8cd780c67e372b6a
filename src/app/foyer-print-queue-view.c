/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-print-queue-view.c: Admin's badge printing section (see foyer-print-queue-view.h).
 *
 * It follows the queue's ::changed and ::job-changed (no polling); printer states come from the
 * queue's worker, which reads them through the CUPS API, jobs from the store.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-print-queue-view.h"

#define JOB_LIST_LIMIT 20

struct _FoyerPrintQueueView {
  GtkWidget            parent_instance;

  /* template widgets */
  AdwPreferencesGroup *printers_group;
  AdwPreferencesGroup *jobs_group;
  GtkLabel            *status_label;

  /* owned */
  FoyerPrintQueue     *queue;
  GPtrArray           *rows;      /* GtkWidget (borrowed, in the two groups) */
};

G_DEFINE_FINAL_TYPE (FoyerPrintQueueView, foyer_print_queue_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PRINT_QUEUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_status (FoyerPrintQueueView *self,
            const char          *message)
{
  gtk_label_set_label (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
}

static void
add_row (FoyerPrintQueueView *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (FoyerPrintQueueView *self)
{
  for (guint i = 0; i < self->rows->len; i++) {
    GtkWidget *row = g_ptr_array_index (self->rows, i);
    GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
  }
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_printer_rows (FoyerPrintQueueView *self)
{
  g_autoptr(GPtrArray) printers = foyer_print_queue_list_printers (self->queue);
  int active = foyer_print_queue_get_active_printer (self->queue);

  for (guint i = 0; i < printers->len; i++) {
    FoyerPrinterStatus *status = g_ptr_array_index (printers, i);
    g_autofree char *words = foyer_printer_status_describe (status);
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), status->queue);
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), words);
    gtk_widget_set_name (row, status->queue);
    if ((int)i == active) {
      GtkWidget *label = gtk_label_new (_("Badges print here"));

      gtk_widget_add_css_class (label, "success");
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
    add_row (self, self->printers_group, row);
  }
}

static const char *
reason_words (const char *reason)
{
  if (g_strcmp0 (reason, "check-in") == 0)
    return _("at check-in");
  if (g_strcmp0 (reason, "reprint") == 0)
    return _("reprint");
  return _("at registration");
}

static GtkWidget *
job_button (const char *label,
            const char *action,
            gint64      job_id,
            const char *a11y)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (job_id));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y,
                                  -1);
  return button;
}

static GtkWidget *
job_row (FoyerPrintQueueView *self,
         const FoyerPrintJob *job,
         gboolean             can_move)
{
  g_autofree char *short_id = foyer_badge_code_short_id (job->record_id);
  g_autofree char *title = g_strdup_printf (_("Badge %s · %s"), short_id, reason_words (job->reason));
  g_autofree char *state = foyer_print_job_describe (job);
  g_autofree char *when = foyer_time_format_unix_us (job->created_at, FOYER_TIME_SHORT);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, state);
  GtkWidget *row = adw_action_row_new ();
  gboolean open = job->state != FOYER_PRINT_JOB_PRINTED && job->state != FOYER_PRINT_JOB_CANCELLED;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (open) {
    g_autofree char *retry = g_strdup_printf (_("Send badge %s again"), short_id);
    g_autofree char *move = g_strdup_printf (_("Move badge %s to the next printer"), short_id);

    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               job_button (_("Retry"), "print-queue.retry", job->id, retry));
    if (can_move)
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 job_button (_("Next printer"), "print-queue.move", job->id, move));
  }
  return row;
}

static void
add_job_rows (FoyerPrintQueueView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = foyer_print_queue_list_jobs (self->queue, JOB_LIST_LIMIT, &error);
  gboolean can_move = g_strv_length ((char **)foyer_print_queue_get_printers (self->queue)) > 1;
  guint waiting = 0;

  if (jobs == NULL) {
    g_autofree char *msg = g_strdup_printf (_("Cannot read the print queue: %s"), error->message);
    set_status (self, msg);
    return;
  }
  /* Newest first: that is what staff look for. */
  for (guint i = jobs->len; i > 0; i--) {
    FoyerPrintJob *job = g_ptr_array_index (jobs, i - 1);

    add_row (self, self->jobs_group, job_row (self, job, can_move));
    waiting += job->state == FOYER_PRINT_JOB_QUEUED || job->state == FOYER_PRINT_JOB_SENDING ||
               job->state == FOYER_PRINT_JOB_AT_PRINTER;
  }
  if (jobs->len == 0) {
    adw_preferences_group_set_description (self->jobs_group, _("No badge printed yet."));
  } else {
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u badge waiting to print.",
                                                          "%u badges waiting to print.", waiting),
                                             waiting);
    adw_preferences_group_set_description (self->jobs_group, text);
  }
}

void
foyer_print_queue_view_refresh (FoyerPrintQueueView *self)
{
  g_return_if_fail (FOYER_IS_PRINT_QUEUE_VIEW (self));

  clear_rows (self);
  if (self->queue == NULL) {
    adw_preferences_group_set_description (self->printers_group,
                                           _("No badge printer is configured: set [badge] "
                                             "printer= to one or more CUPS queues."));
    gtk_widget_set_visible (GTK_WIDGET (self->jobs_group), FALSE);
    return;
  }
  adw_preferences_group_set_description (self->printers_group,
                                         _("As the print service (CUPS) reports them. Badges go "
                                           "to the first printer that can print."));
  gtk_widget_set_visible (GTK_WIDGET (self->jobs_group), TRUE);
  add_printer_rows (self);
  add_job_rows (self);
}

static void
job_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FoyerPrintQueueView *self = FOYER_PRINT_QUEUE_VIEW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->queue == NULL)
    return;
  if (g_str_equal (action_name, "print-queue.move"))
    ok = foyer_print_queue_move (self->queue, id, &error);
  else
    ok = foyer_print_queue_retry (self->queue, id, &error);
  set_status (self, ok ? (g_str_equal (action_name, "print-queue.move")
                          ? _("The badge goes to the next printer.")
                          : _("The badge is sent again."))
                       : error->message);
}

void
foyer_print_queue_view_set_queue (FoyerPrintQueueView *self,
                                  FoyerPrintQueue     *queue)
{
  g_return_if_fail (FOYER_IS_PRINT_QUEUE_VIEW (self));
  g_return_if_fail (queue == NULL || FOYER_IS_PRINT_QUEUE (queue));

  if (self->queue == queue)
    return;
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->queue, queue);
  if (queue != NULL) {
    g_signal_connect_object (queue, "changed", G_CALLBACK (foyer_print_queue_view_refresh), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (queue, "job-changed", G_CALLBACK (foyer_print_queue_view_refresh),
                             self, G_CONNECT_SWAPPED);
  }
  foyer_print_queue_view_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRINT_QUEUE]);
}

FoyerPrintQueue *
foyer_print_queue_view_get_queue (FoyerPrintQueueView *self)
{
  g_return_val_if_fail (FOYER_IS_PRINT_QUEUE_VIEW (self), NULL);
  return self->queue;
}

static void
foyer_print_queue_view_dispose (GObject *object)
{
  FoyerPrintQueueView *self = (FoyerPrintQueueView *)object;

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_PRINT_QUEUE_VIEW);
  /* The template's top-level box is not a bound child: unparent it too. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (foyer_print_queue_view_parent_class)->dispose (object);
}

static void
foyer_print_queue_view_finalize (GObject *object)
{
  FoyerPrintQueueView *self = (FoyerPrintQueueView *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (foyer_print_queue_view_parent_class)->finalize (object);
}

static void
foyer_print_queue_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FoyerPrintQueueView *self = FOYER_PRINT_QUEUE_VIEW (object);

  if (prop_id == PROP_PRINT_QUEUE)
    g_value_set_object (value, self->queue);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
foyer_print_queue_view_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  FoyerPrintQueueView *self = FOYER_PRINT_QUEUE_VIEW (object);

  if (prop_id == PROP_PRINT_QUEUE)
    foyer_print_queue_view_set_queue (self, g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
foyer_print_queue_view_class_init (FoyerPrintQueueViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_print_queue_view_dispose;
  object_class->finalize = foyer_print_queue_view_finalize;
  object_class->get_property = foyer_print_queue_view_get_property;
  object_class->set_property = foyer_print_queue_view_set_property;

  properties[PROP_PRINT_QUEUE] =
    g_param_spec_object ("print-queue", NULL, NULL, FOYER_TYPE_PRINT_QUEUE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-print-queue-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FoyerPrintQueueView, printers_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerPrintQueueView, jobs_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerPrintQueueView, status_label);
  gtk_widget_class_install_action (widget_class, "print-queue.retry", "x", job_action);
  gtk_widget_class_install_action (widget_class, "print-queue.move", "x", job_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
foyer_print_queue_view_init (FoyerPrintQueueView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  foyer_print_queue_view_refresh (self);
}
