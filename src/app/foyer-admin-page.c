/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-admin-page.c: what staff need on the show floor without a terminal: is head office
 * receiving the records, which records it refused and why, a CSV copy on a USB stick, today's
 * numbers, and the kiosk's mode and camera.
 *
 * Every store call here is a quick local query on the UI thread's own connection; sending is the
 * sync engine's job on its own thread.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <gst/gst.h>

#include "foyer-admin-page.h"
#include "foyer-booth-util.h"
#include "foyer-enroll.h"
#include "foyer-page.h"

#define DEAD_LIST_LIMIT 50

struct _FoyerAdminPage {
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *content;
  GtkLabel          *subtitle_label;
  GtkWidget         *no_pin_banner;
  GtkLabel          *pin_report_label;
  AdwActionRow      *connection_row;
  GtkLabel          *pending_label;
  GtkLabel          *sent_label;
  GtkLabel          *dead_label;
  AdwActionRow      *last_success_row;
  AdwActionRow      *last_error_row;
  AdwActionRow      *overdue_row;
  AdwPreferencesGroup *dead_group;
  GtkWidget         *requeue_all_button;
  AdwPreferencesGroup *export_group;
  AdwActionRow      *export_folder_row;
  GtkLabel          *status_label;
  AdwPreferencesGroup *categories_group;
  AdwPreferencesGroup *hours_group;
  AdwComboRow       *mode_row;
  AdwComboRow       *camera_row;
  AdwEntryRow       *reprint_row;
  AdwActionRow      *fullscreen_row;
  AdwActionRow      *head_office_row;

  /* owned */
  FoyerStore        *store;
  FoyerConfig       *config;
  GVolumeMonitor    *volume_monitor;
  GtkNativeDialog   *chooser;
  GPtrArray         *dead_rows;       /* GtkWidget (borrowed, in dead_group) */
  GPtrArray         *volume_rows;     /* GtkWidget (borrowed, in export_group) */
  GPtrArray         *stat_rows;       /* GtkWidget (borrowed, in categories/hours groups) */
  GPtrArray         *camera_sources;  /* char *: [camera] source value per camera_row item */
  FoyerSyncEngine   *engine;          /* the application's, or NULL without a server */
  GCancellable      *cancellable;     /* an export running when the page goes away */
  gint64             seen_pending;     /* outbox figures last shown, -1 = none */
  gint64             seen_dead;
  gint64             seen_done;
  gboolean           pin_set;
  gboolean           updating;        /* combo rows are being filled, not chosen by staff */
  gint               overdue_queued;  /* atomic: an idle refresh after ::record-added is due */
};

static void foyer_admin_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerAdminPage, foyer_admin_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_admin_page_page_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONFIG,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_MODE_CHANGED, SIGNAL_CAMERA_CHANGED, SIGNAL_SYNC_NOW, SIGNAL_LEAVE_FULLSCREEN,
       N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (FoyerAdminPage *self,
            const char     *message,
            gboolean        error)
{
  gtk_label_set_label (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL && *message != '\0');
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

const char *
foyer_admin_page_get_status (FoyerAdminPage *self)
{
  g_return_val_if_fail (FOYER_IS_ADMIN_PAGE (self), NULL);
  return gtk_label_get_label (self->status_label);
}

static void
set_number (GtkLabel *label,
            gint64    n)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  gtk_label_set_label (label, text);
}

static void
remove_rows (AdwPreferencesGroup *group,
             GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static const char *
event_of (FoyerAdminPage *self)
{
  return foyer_config_get_string (self->config, "kiosk", "event");
}

/* --- sync state and dead letters --- */

static void
refresh_outbox (FoyerAdminPage *self)
{
  FoyerOutboxCounts counts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dead = NULL;

  for (guint i = 0; i < self->dead_rows->len; i++)
    adw_preferences_group_remove (self->dead_group, g_ptr_array_index (self->dead_rows, i));
  g_ptr_array_set_size (self->dead_rows, 0);

  if (!foyer_store_outbox_counts (self->store, &counts, &error)) {
    g_autofree char *msg = g_strdup_printf (_("Cannot read the outbox: %s"), error->message);
    set_status (self, msg, TRUE);
    return;
  }
  set_number (self->pending_label, counts.pending + counts.in_flight);
  set_number (self->sent_label, counts.done);
  set_number (self->dead_label, counts.dead);
  if (counts.dead > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->dead_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->dead_label), "error");

  dead = foyer_store_outbox_list (self->store, FOYER_OUTBOX_DEAD, DEAD_LIST_LIMIT, &error);
  if (dead == NULL) {
    g_autofree char *msg = g_strdup_printf (_("Cannot read the outbox: %s"), error->message);
    set_status (self, msg, TRUE);
    return;
  }

  gtk_widget_set_sensitive (self->requeue_all_button, dead->len > 0);
  if (dead->len == 0) {
    GtkWidget *row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                   _("Head office has refused no records."));
    adw_preferences_group_add (self->dead_group, row);
    g_ptr_array_add (self->dead_rows, row);
    return;
  }

  for (guint i = 0; i < dead->len; i++) {
    FoyerOutboxEntry *entry = g_ptr_array_index (dead, i);
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *button = gtk_button_new_with_label (_("Requeue"));
    g_autofree char *when = foyer_booth_format_time (entry->created_at);
    g_autofree char *title = g_strdup_printf ("%s · %s",
                                              foyer_booth_record_type_label (entry->record_type),
                                              when);
    g_autofree char *a11y = g_strdup_printf (_("Requeue the %s of %s"),
                                             foyer_booth_record_type_label (entry->record_type),
                                             when);

    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 entry->last_error != NULL ? entry->last_error
                                                           : _("No reason given"));
    adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (button, "foyer-touch");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "admin.requeue");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", entry->record_id);
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    a11y, -1);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    g_object_set_data_full (G_OBJECT (row), "record-id", g_strdup (entry->record_id), g_free);
    adw_preferences_group_add (self->dead_group, row);
    g_ptr_array_add (self->dead_rows, row);
  }
}

guint
foyer_admin_page_get_n_dead_shown (FoyerAdminPage *self)
{
  guint n = 0;

  g_return_val_if_fail (FOYER_IS_ADMIN_PAGE (self), 0);

  for (guint i = 0; i < self->dead_rows->len; i++)
    if (g_object_get_data (g_ptr_array_index (self->dead_rows, i), "record-id") != NULL)
      n++;
  return n;
}

static char *
format_when (gint64 real_time_us)
{
  char *text = foyer_time_format_unix_us (real_time_us, FOYER_TIME_PRECISE);

  return text != NULL ? text : g_strdup ("");
}

/* --- head office (enrollment; the page itself is foyer-enroll-page.c) --- */

/* Which hub the kiosk is connected to, and when the hub no longer takes its token (revoked
 * with `foyer-hub device revoke`), that a new code is the way back. status may be NULL. */
static void
refresh_head_office (FoyerAdminPage        *self,
                     const FoyerSyncStatus *status)
{
  g_autofree char *text = NULL;

  if (self->config == NULL)
    return;
  if (status != NULL && status->paused && status->paused_code == FOYER_SYNC_ERROR_AUTH)
    text = g_strdup (_("Head office no longer accepts this kiosk (the device was revoked, or its "
                       "token is wrong): syncing is paused and records wait here. Connect again "
                       "with a new code from head office."));
  else if (foyer_enroll_config_is_enrolled (self->config))
    text = g_strdup_printf (_("Connected to %s as %s for event %s"),
                            foyer_config_get_string (self->config, "sync", "url"),
                            foyer_config_get_string (self->config, "kiosk", "id"),
                            event_of (self));
  else
    text = g_strdup (_("Not connected: scan the enrollment code from head office"));
  adw_action_row_set_subtitle (self->head_office_row, text);
  if (status != NULL && status->paused && status->paused_code == FOYER_SYNC_ERROR_AUTH)
    gtk_widget_add_css_class (GTK_WIDGET (self->head_office_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->head_office_row), "error");
}

static void
show_sync_status (FoyerAdminPage        *self,
                  const FoyerSyncStatus *status)
{
  g_autofree char *connection = NULL;
  g_autofree char *success = NULL;

  switch (status->state) {
  case FOYER_SYNC_STATE_DISABLED:
    connection = g_strdup (_("Not configured: records wait on this kiosk"));
    break;
  case FOYER_SYNC_STATE_PAUSED:
    connection = g_strdup_printf (_("Paused: %s"), status->paused_message != NULL
                                                   ? status->paused_message : _("unknown reason"));
    break;
  case FOYER_SYNC_STATE_BACKOFF: {
    g_autofree char *when = format_when (status->next_attempt);
    connection = g_strdup_printf (_("Offline: next attempt at %s"), when);
    break;
  }
  case FOYER_SYNC_STATE_SENDING:
    connection = g_strdup (_("Online: sending"));
    break;
  case FOYER_SYNC_STATE_STOPPED:
    connection = g_strdup (_("Stopped"));
    break;
  case FOYER_SYNC_STATE_STARTING:
  case FOYER_SYNC_STATE_IDLE:
  default:
    connection = g_strdup (status->online ? _("Online") : _("Offline"));
    break;
  }
  if (status->insecure_warning != NULL) {
    char *with = g_strdup_printf ("%s — %s", connection, status->insecure_warning);
    g_free (connection);
    connection = with;
  }
  adw_action_row_set_subtitle (self->connection_row, connection);
  refresh_head_office (self, status);

  success = status->last_success > 0 ? format_when (status->last_success) : g_strdup (_("Never"));
  adw_action_row_set_subtitle (self->last_success_row, success);
  adw_action_row_set_subtitle (self->last_error_row,
                               status->last_error != NULL ? status->last_error : _("None"));
}

/* Records older than [storage] retain-days that head office has not received: retention keeps
 * them until they are delivered, so staff should know they are still on the kiosk. */
static void
refresh_overdue (FoyerAdminPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  int days;
  gint64 n;

  days = self->config != NULL ? foyer_config_get_int (self->config, "storage", "retain-days") : 0;
  if (self->store == NULL || days <= 0 ||
      (n = foyer_store_count_undelivered_older_than (self->store, days, &error)) <= 0) {
    if (error != NULL)
      g_debug ("admin: cannot count undelivered records: %s", error->message);
    gtk_widget_set_visible (GTK_WIDGET (self->overdue_row), FALSE);
    return;
  }
  number = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%s record past retention not yet delivered",
                                        "%s records past retention not yet delivered",
                                        (gulong) n), number);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->overdue_row), title);
  gtk_widget_set_visible (GTK_WIDGET (self->overdue_row), TRUE);
}

const char *
foyer_admin_page_get_overdue_text (FoyerAdminPage *self)
{
  g_return_val_if_fail (FOYER_IS_ADMIN_PAGE (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->overdue_row)))
    return NULL;
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->overdue_row));
}

static gboolean
refresh_overdue_idle (gpointer data)
{
  FoyerAdminPage *self = data;

  g_atomic_int_set (&self->overdue_queued, 0);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_overdue (self);
  return G_SOURCE_REMOVE;
}

/* ::record-added comes from the thread that wrote the record: look again on the main thread. */
static void
record_added_cb (FoyerStore     *store,
                 const char     *record_id,
                 const char     *record_type,
                 FoyerAdminPage *self)
{
  if (g_atomic_int_compare_and_exchange (&self->overdue_queued, 0, 1))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refresh_overdue_idle, g_object_ref (self),
                     g_object_unref);
}

/* The engine delivers ::status-changed on this (the main) thread, from an idle source: the
 * page follows it while shown, and rebuilds the refused-records list only when the figures
 * change. */
static void
status_changed_cb (FoyerSyncEngine       *engine,
                   const FoyerSyncStatus *status,
                   FoyerAdminPage        *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  show_sync_status (self, status);
  refresh_overdue (self);
  if (self->store != NULL && self->config != NULL &&
      (status->pending != self->seen_pending || status->dead != self->seen_dead ||
       status->done != self->seen_done)) {
    self->seen_pending = status->pending;
    self->seen_dead = status->dead;
    self->seen_done = status->done;
    refresh_outbox (self);
  }
}

static void
refresh_connection (FoyerAdminPage *self)
{
  if (self->engine != NULL) {
    show_sync_status (self, foyer_sync_engine_get_status (self->engine));
    return;
  }
  adw_action_row_set_subtitle (self->connection_row,
                               _("Not running: records wait on this kiosk"));
  refresh_head_office (self, NULL);
  adw_action_row_set_subtitle (self->last_success_row, _("Never"));
  adw_action_row_set_subtitle (self->last_error_row, _("None"));
}

static void
foyer_admin_page_map (GtkWidget *widget)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (widget);

  GTK_WIDGET_CLASS (foyer_admin_page_parent_class)->map (widget);

  /* What changed while the page was hidden. */
  self->seen_pending = self->seen_dead = self->seen_done = -1;
  if (self->engine != NULL)
    status_changed_cb (self->engine, foyer_sync_engine_get_status (self->engine), self);
  else
    refresh_overdue (self);
}

/* --- today's counts --- */

static GtkWidget *
count_row (const char *title,
           gint64      n,
           gint64      max)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *number = gtk_label_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (max > 0) {
    GtkWidget *bar = gtk_level_bar_new_for_interval (0, (double)max);
    gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), (double)n);
    gtk_widget_set_size_request (bar, 240, -1);
    gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
    gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
    gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
    gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
    gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  }
  set_number (GTK_LABEL (number), n);
  gtk_widget_add_css_class (number, "foyer-stat-number");
  gtk_widget_set_size_request (number, 48, -1);
  gtk_label_set_xalign (GTK_LABEL (number), 1.0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), number);
  return row;
}

/* "2026-11-24T10" (UTC hour) → "10:00–11:00" in local time. */
static char *
hour_label (const char *key)
{
  g_autofree char *iso = g_strdup_printf ("%s:00:00Z", key);
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (utc == NULL)
    return g_strdup (key);
  local = g_date_time_to_local (utc);
  next = g_date_time_add_hours (local, 1);
  from = g_date_time_format (local, "%H:%M");
  to = g_date_time_format (next, "%H:%M");
  return g_strdup_printf ("%s–%s", from, to);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
add_stat_row (FoyerAdminPage      *self,
              AdwPreferencesGroup *group,
              GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->stat_rows, row);
  g_object_set_data (G_OBJECT (row), "group", group);
}

static void
refresh_stats (FoyerAdminPage *self)
{
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = foyer_booth_start_of_today ();
  JsonObject *by_category;
  JsonObject *by_hour;

  for (guint i = 0; i < self->stat_rows->len; i++) {
    GtkWidget *row = g_ptr_array_index (self->stat_rows, i);
    adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "group"), row);
  }
  g_ptr_array_set_size (self->stat_rows, 0);

  stats = foyer_store_stats (self->store, event_of (self), since, &error);
  if (stats == NULL) {
    g_autofree char *msg = g_strdup_printf (_("Cannot read today’s counts: %s"), error->message);
    set_status (self, msg, TRUE);
    return;
  }

  by_category = json_object_has_member (stats, "by_category")
                ? json_object_get_object_member (stats, "by_category") : NULL;
  by_hour = json_object_has_member (stats, "by_hour")
            ? json_object_get_object_member (stats, "by_hour") : NULL;

  if (by_category != NULL && json_object_get_size (by_category) > 0) {
    g_autoptr(GList) members = json_object_get_members (by_category);
    gint64 total = 0;

    for (GList *l = members; l != NULL; l = l->next)
      total += json_object_get_int_member (by_category, l->data);
    for (GList *l = members; l != NULL; l = l->next)
      add_stat_row (self, self->categories_group,
                    count_row (foyer_booth_category_label (l->data),
                               json_object_get_int_member (by_category, l->data), total));
    add_stat_row (self, self->categories_group, count_row (_("All visitors"), total, 0));
  } else {
    add_stat_row (self, self->categories_group, count_row (_("No visitors yet today"), 0, 0));
  }

  if (by_hour != NULL && json_object_get_size (by_hour) > 0) {
    g_autoptr(GList) members = json_object_get_members (by_hour);
    g_autoptr(GPtrArray) keys = g_ptr_array_new ();
    gint64 max = 0;

    for (GList *l = members; l != NULL; l = l->next) {
      g_ptr_array_add (keys, l->data);
      max = MAX (max, json_object_get_int_member (by_hour, l->data));
    }
    g_ptr_array_sort (keys, compare_strings);
    for (guint i = 0; i < keys->len; i++) {
      const char *key = g_ptr_array_index (keys, i);
      g_autofree char *label = hour_label (key);
      add_stat_row (self, self->hours_group,
                    count_row (label, json_object_get_int_member (by_hour, key), max));
    }
  } else {
    add_stat_row (self, self->hours_group, count_row (_("No records yet today"), 0, 0));
  }
}

/* --- export --- */

static char *
safe_name (const char *text)
{
  char *s = g_strdup (text != NULL && *text != '\0' ? text : "kiosk");

  for (char *p = s; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      *p = '_';
  return s;
}

/* What an export needs, copied on the UI thread, and what came of it: the worker opens its own
 * read-only connection to the database and never touches the page. */
typedef struct {
  char                *db_path;
  char                *folder;
  char                *event;
  char                *kiosk;
  gboolean             booth;
  GAsyncReadyCallback  callback;   /* the caller's, after the page has shown the outcome */
  gpointer             user_data;
  char                *written;    /* out */
  guint                n_rows;     /* out */
  GError              *error;      /* out */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->db_path);
  g_free (job->folder);
  g_free (job->event);
  g_free (job->kiosk);
  g_free (job->written);
  g_clear_error (&job->error);
  g_free (job);
}

static gboolean
export_rows (ExportJob      *job,
             GOutputStream  *out,
             guint64        *n,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(FoyerStore) store = foyer_store_open_with_flags (job->db_path,
                                                             FOYER_STORE_OPEN_READONLY, error);

  if (store == NULL)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (job->booth)
    return foyer_store_export_leads (store, FOYER_EXPORT_CSV, FOYER_EXPORT_FLAG_EXCEL_BOM,
                                     job->event, NULL, out, n, error);
  return foyer_store_export (store, FOYER_EXPORT_CSV, FOYER_EXPORT_FLAG_EXCEL_BOM, job->event,
                             NULL, out, n, error);
}

/* foyer-EVENT-KIOSK-YYYYmmdd-HHMMSS.csv (a booth tablet: foyer-leads-…, its leads with their
 * visitors) in the folder: private (0600), never over an existing file, and on the device
 * before it is reported done, because a USB stick is often pulled right away. Runs in a GTask
 * thread: fsync on a slow stick takes seconds. */
static gboolean
export_csv (ExportJob     *job,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("foyer-%s%s-%s-%s.csv", job->booth ? "leads-" : "",
                                           job->event, job->kiosk, stamp);
  g_autofree char *path = g_build_filename (job->folder, name, NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) local = NULL;
  guint64 n = 0;
  int fd;

  fd = g_open (part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("cannot create a file in %s: %s"), job->folder, g_strerror (saved));
    return FALSE;
  }
  out = g_unix_output_stream_new (fd, TRUE);

  if (!export_rows (job, out, &n, cancellable, &local) ||
      !g_output_stream_flush (out, cancellable, &local) ||
      fsync (fd) != 0 ||
      !g_output_stream_close (out, cancellable, &local) ||
      g_rename (part, path) != 0) {
    int saved = errno;

    g_output_stream_close (out, NULL, NULL);
    g_unlink (part);
    if (local != NULL)
      g_propagate_error (error, g_steal_pointer (&local));
    else
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("cannot write %s: %s"), path, g_strerror (saved));
    return FALSE;
  }

  job->n_rows = (guint)n;
  job->written = g_steal_pointer (&path);
  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;

  g_task_return_boolean (task, export_csv (job, cancellable, &job->error));
}

static void
set_exporting (FoyerAdminPage *self,
               gboolean        exporting)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin.export-to", !exporting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin.export-choose", !exporting);
}

static void
show_export_outcome (FoyerAdminPage *self,
                     ExportJob      *job)
{
  set_exporting (self, FALSE);
  if (job->error == NULL) {
    g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "Exported %u record to %s",
                                                         "Exported %u records to %s", job->n_rows),
                                            job->n_rows, job->written);
    set_status (self, msg, FALSE);
  } else if (!g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_autofree char *msg = g_strdup_printf (_("Export failed: %s"), job->error->message);
    set_status (self, msg, TRUE);
  }
}

/* Back on the UI thread: the page says what happened, then the caller hears of it. */
static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));

  /* A page disposed while the worker ran has nothing left to show it on. */
  if (self->cancellable != NULL)
    show_export_outcome (self, job);
  if (job->callback != NULL)
    job->callback (source, result, job->user_data);
}

void
foyer_admin_page_export_to_async (FoyerAdminPage      *self,
                                  GFile               *folder,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));
  g_return_if_fail (G_IS_FILE (folder));

  job = g_new0 (ExportJob, 1);
  job->callback = callback;
  job->user_data = user_data;
  job->folder = g_file_get_path (folder);
  task = g_task_new (self, cancellable, export_done_cb, NULL);
  g_task_set_source_tag (task, foyer_admin_page_export_to_async);
  g_task_set_task_data (task, job, (GDestroyNotify)export_job_free);
  set_exporting (self, TRUE);

  if (job->folder == NULL) {
    job->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                      _("This place has no local folder; choose a folder or a "
                                        "USB drive"));
  } else if (self->store == NULL || self->config == NULL) {
    job->error = g_error_new_literal (FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED,
                                      _("the database is not open"));
  }
  if (job->error != NULL) {
    g_task_return_boolean (task, FALSE);
    return;
  }

  job->db_path = g_strdup (foyer_store_get_path (self->store));
  job->event = safe_name (event_of (self));
  job->kiosk = safe_name (foyer_config_get_string (self->config, "kiosk", "id"));
  job->booth = g_strcmp0 (foyer_config_get_string (self->config, "kiosk", "mode"), "booth") == 0;
  set_status (self, _("Exporting… keep the drive plugged in."), FALSE);
  g_task_run_in_thread (task, export_thread);
}

gboolean
foyer_admin_page_export_to_finish (FoyerAdminPage  *self,
                                   GAsyncResult    *result,
                                   char           **out_path,
                                   GError         **error)
{
  ExportJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == foyer_admin_page_export_to_async,
                        FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (job->error != NULL) {
    g_propagate_error (error, g_error_copy (job->error));
    return FALSE;
  }
  if (out_path != NULL)
    *out_path = g_strdup (job->written);
  return TRUE;
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     FoyerAdminPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT) {
    g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
    if (folder != NULL)
      foyer_admin_page_export_to_async (self, folder, self->cancellable, NULL, NULL);
  }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
export_choose_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *native;

  if (self->chooser != NULL)
    return;
  native = gtk_file_chooser_native_new (_("Export CSV to Folder"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Export Here"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  self->chooser = GTK_NATIVE_DIALOG (native);
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GFile) folder = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  foyer_admin_page_export_to_async (FOYER_ADMIN_PAGE (widget), folder,
                                    FOYER_ADMIN_PAGE (widget)->cancellable, NULL, NULL);
}

/* USB sticks and SD cards that are mounted: one tap exports there. */
static void
refresh_volumes (FoyerAdminPage *self)
{
  GList *mounts;
  guint n = 0;

  remove_rows (self->export_group, self->volume_rows);
  if (self->volume_monitor == NULL)
    self->volume_monitor = g_volume_monitor_get ();

  mounts = g_volume_monitor_get_mounts (self->volume_monitor);
  for (GList *l = mounts; l != NULL; l = l->next) {
    GMount *mount = l->data;
    g_autoptr(GFile) root = g_mount_get_root (mount);
    g_autofree char *path = g_file_get_path (root);
    g_autofree char *name = g_mount_get_name (mount);
    g_autoptr(GDrive) drive = g_mount_get_drive (mount);
    g_autofree char *a11y = NULL;
    GtkWidget *row;
    GtkWidget *button;

    if (path == NULL || g_mount_is_shadowed (mount))
      continue;
    if (!g_mount_can_eject (mount) && !g_mount_can_unmount (mount) &&
        (drive == NULL || !g_drive_is_removable (drive)))
      continue;

    row = adw_action_row_new ();
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), path);
    adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                               gtk_image_new_from_icon_name ("drive-removable-media-symbolic"));
    button = gtk_button_new_with_label (_("Export Here"));
    a11y = g_strdup_printf (_("Export CSV to %s"), name);
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    a11y, -1);
    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (button, "suggested-action");
    gtk_widget_add_css_class (button, "foyer-touch");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "admin.export-to");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    adw_preferences_group_add (self->export_group, row);
    g_ptr_array_add (self->volume_rows, row);
    n++;
  }
  g_list_free_full (mounts, g_object_unref);

  adw_action_row_set_subtitle (self->export_folder_row,
                               n > 0 ? _("Or tap a USB drive below")
                                     : _("Plug in a USB drive to see it here"));
}

static void
mounts_changed_cb (FoyerAdminPage *self)
{
  refresh_volumes (self);
}

/* --- mode and camera --- */

static void
refresh_mode (FoyerAdminPage *self)
{
  const char *mode = foyer_config_get_string (self->config, "kiosk", "mode");

  self->updating = TRUE;
  adw_combo_row_set_selected (self->mode_row, g_strcmp0 (mode, "booth") == 0 ? 1 : 0);
  self->updating = FALSE;
}

static void
mode_selected_cb (FoyerAdminPage *self)
{
  const char *mode = adw_combo_row_get_selected (self->mode_row) == 1 ? "booth" : "entry";

  if (self->updating || self->config == NULL ||
      g_strcmp0 (mode, foyer_config_get_string (self->config, "kiosk", "mode")) == 0)
    return;
  foyer_config_set_string (self->config, "kiosk", "mode", mode);
  g_signal_emit (self, signals[SIGNAL_MODE_CHANGED], 0, mode);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.set-mode", "s", mode);
}

static void
add_camera (FoyerAdminPage *self,
            GtkStringList  *names,
            const char     *name,
            const char     *source)
{
  for (guint i = 0; i < self->camera_sources->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->camera_sources, i), source) == 0)
      return;
  gtk_string_list_append (names, name);
  g_ptr_array_add (self->camera_sources, g_strdup (source));
}

static void
refresh_cameras (FoyerAdminPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const char *current = foyer_config_get_string (self->config, "camera", "source");
  guint selected = 0;

  g_ptr_array_set_size (self->camera_sources, 0);
  add_camera (self, names, _("Automatic (first camera found)"), "auto");

  if (gst_init_check (NULL, NULL, NULL)) {
    g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
    GList *devices;

    gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
    devices = gst_device_monitor_get_devices (monitor);
    for (GList *l = devices; l != NULL; l = l->next) {
      GstDevice *device = l->data;
      g_autoptr(GstStructure) props = gst_device_get_properties (device);
      g_autofree char *display = gst_device_get_display_name (device);
      const char *path = NULL;

      if (props != NULL)
        path = gst_structure_get_string (props, "api.v4l2.path");
      if (path == NULL && props != NULL)
        path = gst_structure_get_string (props, "device.path");
      if (path != NULL && g_str_has_prefix (path, "/dev/video")) {
        g_autofree char *source = g_strdup_printf ("v4l2:%s", path);
        g_autofree char *label = g_strdup_printf ("%s (%s)", display, path);
        add_camera (self, names, label, source);
      }
    }
    g_list_free_full (devices, gst_object_unref);
  }

  /* Without a device provider (a minimal install) the device nodes still tell. */
  {
    g_autoptr(GDir) dir = g_dir_open ("/dev", 0, NULL);
    const char *entry;
    g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_free);

    while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (entry, "video"))
        g_ptr_array_add (nodes, g_strdup_printf ("/dev/%s", entry));
    g_ptr_array_sort (nodes, compare_strings);
    for (guint i = 0; i < nodes->len; i++) {
      g_autofree char *source = g_strdup_printf ("v4l2:%s", (char *)g_ptr_array_index (nodes, i));
      add_camera (self, names, g_ptr_array_index (nodes, i), source);
    }
  }

  add_camera (self, names, _("Test pattern"), "test");
  add_camera (self, names, _("No camera (hardware scanner only)"), "none");
  if (current != NULL)
    add_camera (self, names, current, current);   /* a configured source not present now */

  for (guint i = 0; i < self->camera_sources->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->camera_sources, i), current) == 0)
      selected = i;

  self->updating = TRUE;
  adw_combo_row_set_model (self->camera_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->camera_row, selected);
  self->updating = FALSE;
}

static void
camera_selected_cb (FoyerAdminPage *self)
{
  guint selected = adw_combo_row_get_selected (self->camera_row);
  const char *source;

  if (self->updating || self->config == NULL || selected >= self->camera_sources->len)
    return;
  source = g_ptr_array_index (self->camera_sources, selected);
  if (g_strcmp0 (source, foyer_config_get_string (self->config, "camera", "source")) == 0)
    return;
  foyer_config_set_string (self->config, "camera", "source", source);
  g_signal_emit (self, signals[SIGNAL_CAMERA_CHANGED], 0, source);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.restart-camera", NULL);
}

/* --- actions --- */

static void
requeue_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (self->store == NULL)
    return;
  if (!foyer_store_outbox_requeue (self->store, *id != '\0' ? id : NULL, &n, &error)) {
    g_autofree char *msg = g_strdup_printf (_("Requeue failed: %s"), error->message);
    set_status (self, msg, TRUE);
    return;
  }
  {
    g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "%u record will be sent again.",
                                                         "%u records will be sent again.", n), n);
    set_status (self, msg, FALSE);
  }
  refresh_outbox (self);
  g_signal_emit (self, signals[SIGNAL_SYNC_NOW], 0);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.sync-now", NULL);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (widget);

  g_signal_emit (self, signals[SIGNAL_SYNC_NOW], 0);
  gtk_widget_activate_action (widget, "win.sync-now", NULL);
  refresh_outbox (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  foyer_admin_page_refresh (FOYER_ADMIN_PAGE (widget));
}

static void
reprint_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (widget);
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reprint_row))));
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  if (*code == '\0' || self->store == NULL)
    return;

  reg = foyer_store_find_by_badge (self->store, event_of (self), code, &error);
  if (reg == NULL && error == NULL)
    reg = foyer_store_get_registration (self->store, code, &error);
  if (reg == NULL) {
    g_autofree char *msg = NULL;
    if (error != NULL && !g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND))
      msg = g_strdup_printf (_("Cannot look up the badge: %s"), error->message);
    else
      msg = g_strdup_printf (_("No visitor with badge or record “%s” at this kiosk."), code);
    set_status (self, msg, TRUE);
    return;
  }

  id = reg->id;
  if (!gtk_widget_activate_action (widget, "win.reprint-badge", "s", id)) {
    set_status (self, _("Badge printing is not available on this kiosk."), TRUE);
    return;
  }
  gtk_editable_set_text (GTK_EDITABLE (self->reprint_row), "");
  set_status (self, _("Badge sent to the printer."), FALSE);
}

static void
reprint_apply_cb (FoyerAdminPage *self)
{
  reprint_action (GTK_WIDGET (self), "admin.reprint", NULL);
}

static void
leave_fullscreen_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_LEAVE_FULLSCREEN], 0);
  gtk_widget_activate_action (widget, "win.leave-fullscreen", NULL);
}

/* --- public --- */

void
foyer_admin_page_refresh (FoyerAdminPage *self)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));

  set_status (self, NULL, FALSE);
  gtk_widget_set_visible (self->no_pin_banner, !self->pin_set);
  if (self->config != NULL) {
    g_autofree char *subtitle =
      g_strdup_printf (_("Kiosk %s · event %s"),
                       foyer_config_get_string (self->config, "kiosk", "id"),
                       event_of (self));
    gtk_label_set_label (self->subtitle_label, subtitle);
    refresh_connection (self);
    refresh_mode (self);
    refresh_cameras (self);
  }
  if (self->store != NULL && self->config != NULL) {
    refresh_outbox (self);
    refresh_stats (self);
  }
  refresh_overdue (self);
  refresh_volumes (self);
}

void
foyer_admin_page_set_store (FoyerAdminPage *self,
                            FoyerStore     *store)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));
  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect (store, "record-added", G_CALLBACK (record_added_cb), self);
}

void
foyer_admin_page_set_config (FoyerAdminPage *self,
                             FoyerConfig    *config)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));
  g_set_object (&self->config, config);
}

void
foyer_admin_page_set_sync_engine (FoyerAdminPage  *self,
                                  FoyerSyncEngine *engine)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));

  if (self->engine == engine)
    return;
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    g_signal_connect (engine, "status-changed", G_CALLBACK (status_changed_cb), self);
}

void
foyer_admin_page_set_pin_set (FoyerAdminPage *self,
                              gboolean        pin_set)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));
  self->pin_set = pin_set;
  gtk_widget_set_visible (self->no_pin_banner, !pin_set);
}

void
foyer_admin_page_set_pin_report (FoyerAdminPage *self,
                                 const char     *report)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));
  gtk_label_set_text (self->pin_report_label, report != NULL ? report : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pin_report_label), report != NULL && *report != '\0');
}

const char *
foyer_admin_page_get_pin_report (FoyerAdminPage *self)
{
  g_return_val_if_fail (FOYER_IS_ADMIN_PAGE (self), NULL);
  return gtk_label_get_text (self->pin_report_label);
}

void
foyer_admin_page_set_fullscreen (FoyerAdminPage *self,
                                 gboolean        fullscreen)
{
  g_return_if_fail (FOYER_IS_ADMIN_PAGE (self));
  gtk_widget_set_visible (GTK_WIDGET (self->fullscreen_row), fullscreen);
}

static void
foyer_admin_page_dispose (GObject *object)
{
  FoyerAdminPage *self = (FoyerAdminPage *)object;

  foyer_admin_page_set_sync_engine (self, NULL);
  foyer_admin_page_set_store (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->volume_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->volume_monitor, self);
  if (self->chooser != NULL) {
    g_signal_handlers_disconnect_by_data (self->chooser, self);
    gtk_native_dialog_destroy (self->chooser);
    g_clear_object (&self->chooser);
  }
  g_clear_pointer (&self->dead_rows, g_ptr_array_unref);
  g_clear_pointer (&self->volume_rows, g_ptr_array_unref);
  g_clear_pointer (&self->stat_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_ADMIN_PAGE);
  g_clear_object (&self->volume_monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_pointer (&self->camera_sources, g_ptr_array_unref);

  G_OBJECT_CLASS (foyer_admin_page_parent_class)->dispose (object);
}

static void
foyer_admin_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    g_value_set_object (value, self->store);
    break;
  case PROP_CONFIG:
    g_value_set_object (value, self->config);
    break;
  case PROP_SYNC_ENGINE:
    g_value_set_object (value, self->engine);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_admin_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    foyer_admin_page_set_store (self, g_value_get_object (value));
    break;
  case PROP_CONFIG:
    foyer_admin_page_set_config (self, g_value_get_object (value));
    break;
  case PROP_SYNC_ENGINE:
    foyer_admin_page_set_sync_engine (self, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_admin_page_class_init (FoyerAdminPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_admin_page_dispose;
  object_class->get_property = foyer_admin_page_get_property;
  object_class->set_property = foyer_admin_page_set_property;

  /* outbox, counts and export; NULL when the database is not open */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FOYER_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* the kiosk configuration; mode and camera are changed in it */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* the sync engine whose ::status-changed the page follows; NULL without a server */
  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, FOYER_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->map = foyer_admin_page_map;

  signals[SIGNAL_MODE_CHANGED] = g_signal_new ("mode-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CAMERA_CHANGED] = g_signal_new ("camera-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SYNC_NOW] = g_signal_new ("sync-now", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[SIGNAL_LEAVE_FULLSCREEN] = g_signal_new ("leave-fullscreen", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-admin-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, no_pin_banner);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, pin_report_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, connection_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, sent_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, dead_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, last_success_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, last_error_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, overdue_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, dead_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, requeue_all_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, export_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, export_folder_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, categories_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, hours_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, camera_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, reprint_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, fullscreen_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerAdminPage, head_office_row);
  gtk_widget_class_bind_template_callback (widget_class, mode_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, camera_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, reprint_apply_cb);

  gtk_widget_class_install_action (widget_class, "admin.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "admin.requeue", "s", requeue_action);
  gtk_widget_class_install_action (widget_class, "admin.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "admin.export-choose", NULL,
                                   export_choose_action);
  gtk_widget_class_install_action (widget_class, "admin.export-to", "s", export_to_action);
  gtk_widget_class_install_action (widget_class, "admin.reprint", NULL, reprint_action);
  gtk_widget_class_install_action (widget_class, "admin.leave-fullscreen", NULL,
                                   leave_fullscreen_action);
}

static void
foyer_admin_page_init (FoyerAdminPage *self)
{
  self->dead_rows = g_ptr_array_new ();
  self->volume_rows = g_ptr_array_new ();
  self->stat_rows = g_ptr_array_new ();
  self->camera_sources = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->volume_monitor = g_volume_monitor_get ();
  g_signal_connect_swapped (self->volume_monitor, "mount-added",
                            G_CALLBACK (mounts_changed_cb), self);
  g_signal_connect_swapped (self->volume_monitor, "mount-removed",
                            G_CALLBACK (mounts_changed_cb), self);
}

static void
foyer_admin_page_page_reset (FoyerPage *page)
{
  FoyerAdminPage *self = FOYER_ADMIN_PAGE (page);

  set_status (self, NULL, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->reprint_row), "");
  remove_rows (self->dead_group, self->dead_rows);
}

/* Admin left open goes home with the idle timeout, so the next person meets the PIN again. */
static gboolean
foyer_admin_page_holds_visitor_data (FoyerPage *page)
{
  return TRUE;
}

static void
foyer_admin_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_admin_page_page_reset;
  iface->holds_visitor_data = foyer_admin_page_holds_visitor_data;
}

GtkWidget *
foyer_admin_page_new (void)
{
  return g_object_new (FOYER_TYPE_ADMIN_PAGE, NULL);
}
