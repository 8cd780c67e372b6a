/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-application.c: start-up, command-line options and app-wide actions of the kiosk. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "foyer-application.h"
#include "foyer-enroll.h"
#include "foyer-gate-rules.h"
#include "foyer-i18n.h"
#include "foyer-window.h"

struct _FoyerApplication {
  AdwApplication  parent_instance;

  /* owned */
  FoyerConfig    *config;
  char           *config_path;
  FoyerStore     *store;
  GError         *store_error;
  FoyerSyncEngine *sync;
  char           *language;
  gboolean        kiosk;
  guint           purge_source;     /* [storage] retain-days on a timer */
  GCancellable   *purge_cancellable;
  GFileMonitor   *config_monitor;   /* `foyerctl enroll` while the kiosk runs */
};

G_DEFINE_FINAL_TYPE (FoyerApplication, foyer_application, ADW_TYPE_APPLICATION)

FoyerApplication *
foyer_application_new (void)
{
  return g_object_new (FOYER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

FoyerConfig *
foyer_application_get_config (FoyerApplication *self)
{
  g_return_val_if_fail (FOYER_IS_APPLICATION (self), NULL);
  return self->config;
}

void
foyer_application_set_config (FoyerApplication *self,
                              FoyerConfig      *config)
{
  g_return_if_fail (FOYER_IS_APPLICATION (self));
  g_set_object (&self->config, config);
}

/* The store lives as long as the application; a store that cannot be opened leaves the kiosk
 * running with an explanation on screen instead of a crash. */
FoyerStore *
foyer_application_get_store (FoyerApplication *self)
{
  g_return_val_if_fail (FOYER_IS_APPLICATION (self), NULL);
  return self->store;
}

const GError *
foyer_application_get_store_error (FoyerApplication *self)
{
  g_return_val_if_fail (FOYER_IS_APPLICATION (self), NULL);
  return self->store_error;
}

const char *
foyer_application_get_language (FoyerApplication *self)
{
  g_return_val_if_fail (FOYER_IS_APPLICATION (self), NULL);
  return self->language != NULL ? self->language : "zh_CN";
}

/* Switches gettext to language ("zh_CN" or "en") for every string looked up from now on; the
 * window rebuilds its pages to show them. */
void
foyer_application_set_language (FoyerApplication *self,
                                const char       *language)
{
  g_return_if_fail (FOYER_IS_APPLICATION (self));

  /* The language in force: English when the Chinese catalogue is missing (the toggle follows). */
  language = foyer_i18n_set_language (language);

  g_free (self->language);
  self->language = g_strdup (language);
}

static void
foyer_application_open_store (FoyerApplication *self)
{
  g_autofree char *path = NULL;

  if (self->store != NULL || self->store_error != NULL)
    return;

  path = foyer_config_get_path_value (self->config, "storage", "database");
  self->store = foyer_store_open (path, &self->store_error);
  if (self->store == NULL)
    g_printerr ("foyer: cannot open the database %s: %s\n", path, self->store_error->message);
  else if (foyer_store_get_recovered_from (self->store) != NULL)
    g_printerr ("foyer: the database was damaged and has been moved to %s; "
                "a new one was started\n", foyer_store_get_recovered_from (self->store));
}

FoyerSyncEngine *
foyer_application_get_sync_engine (FoyerApplication *self)
{
  g_return_val_if_fail (FOYER_IS_APPLICATION (self), NULL);
  return self->sync;
}

static void
foyer_application_record_added_cb (FoyerStore      *store,
                                   const char      *record_id,
                                   const char      *record_type,
                                   FoyerSyncEngine *sync)
{
  foyer_sync_engine_wake (sync);
}

/* The sync thread opens its own connection to the same database and drains the outbox in the
 * background; the kiosk only wakes it and shows its status. */
static void
foyer_application_start_sync (FoyerApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->sync != NULL)
    return;

  self->sync = foyer_sync_engine_new (self->config, foyer_store_get_path (self->store), &error);
  if (self->sync == NULL) {
    g_printerr ("foyer: records are kept on this kiosk but not sent: %s\n", error->message);
    return;
  }
  g_signal_connect_object (self->store, "record-added",
                           G_CALLBACK (foyer_application_record_added_cb), self->sync, 0);
  foyer_sync_engine_start (self->sync);
}

gboolean
foyer_application_reconfigure_sync (FoyerApplication  *self,
                                    GError           **error)
{
  g_return_val_if_fail (FOYER_IS_APPLICATION (self), FALSE);

  if (self->sync == NULL) {
    foyer_application_start_sync (self);
    return TRUE;
  }
  return foyer_sync_engine_set_config (self->sync, self->config, error);
}

/* New [gate] rules in the file (opening hours moved, the press entrance opened to everyone)
 * apply to the next scan; rules that do not read keep the entrance on the old ones. */
static void
foyer_application_take_gate_rules (FoyerApplication *self,
                                   FoyerConfig      *written,
                                   GtkWindow        *window)
{
  g_autoptr(GError) error = NULL;

  if (!foyer_gate_rules_take_config (self->config, written, &error)) {
    if (error != NULL)
      g_printerr ("foyer: the changed [gate] rules are not taken; this entrance keeps its rules "
                  "(foyerctl gate --check): %s\n", error->message);
    return;
  }
  g_message ("the configuration file has new [gate] rules: taking them");
  if (FOYER_IS_WINDOW (window) && foyer_window_get_flow (FOYER_WINDOW (window)) != NULL)
    foyer_kiosk_flow_reload_gate_rules (foyer_window_get_flow (FOYER_WINDOW (window)));
}

/* `foyerctl enroll` on a running kiosk rewrites its configuration file: the window takes the
 * new connection as after Admin's Connect to Head Office (win.head-office-connected), without a
 * restart; and new [gate] rules. Other edits still need a restart. */
static void
foyer_application_config_changed_cb (GFileMonitor      *monitor,
                                     GFile             *file,
                                     GFile             *other,
                                     GFileMonitorEvent  event,
                                     FoyerApplication  *self)
{
  g_autoptr(FoyerConfig) written = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED)
    return;
  written = foyer_config_load_from_file (foyer_config_get_path (self->config), &error);
  if (written == NULL) {
    /* a half-written file is not signalled (CHANGES_DONE_HINT): this is a mistake to fix */
    g_printerr ("foyer: the changed configuration file is not taken: %s\n", error->message);
    return;
  }
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  foyer_application_take_gate_rules (self, written, window);
  if (!foyer_enroll_take_connection (self->config, written))
    return;
  g_message ("the configuration file names a new head-office connection: taking it");
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.head-office-connected", NULL);
  else if (!foyer_application_reconfigure_sync (self, &error))
    g_printerr ("foyer: records are kept on this kiosk but not sent: %s\n", error->message);
}

static void
foyer_application_watch_config (FoyerApplication *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (self->config_monitor != NULL || foyer_config_get_path (self->config) == NULL)
    return;
  file = g_file_new_for_path (foyer_config_get_path (self->config));
  self->config_monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->config_monitor == NULL) {
    g_debug ("cannot watch the configuration file: %s", error->message);
    return;
  }
  g_signal_connect (self->config_monitor, "changed",
                    G_CALLBACK (foyer_application_config_changed_cb), self);
}

static void
foyer_application_unwatch_config (FoyerApplication *self)
{
  if (self->config_monitor == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->config_monitor, self);
  g_file_monitor_cancel (self->config_monitor);
  g_clear_object (&self->config_monitor);
}

static void
foyer_application_stop_sync (FoyerApplication *self)
{
  if (self->sync == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->sync, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self->sync);
  foyer_sync_engine_stop (self->sync);
  g_clear_object (&self->sync);
}

void
foyer_application_stop_services (FoyerApplication *self)
{
  g_return_if_fail (FOYER_IS_APPLICATION (self));
  foyer_application_unwatch_config (self);
  foyer_application_stop_sync (self);
}

static void
foyer_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  FoyerApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Destroying the windows lets every page release its resources before the main loop ends. */
  for (GList *l = windows; l != NULL;) {
    GList *next = l->next;
    gtk_window_destroy (GTK_WINDOW (l->data));
    l = next;
  }
  g_application_quit (G_APPLICATION (self));
}

static void
foyer_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  FoyerApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Foyer"),
                         "application-icon", APP_ID,
                         "version", foyer_get_version (),
                         "comments", _("Visitor registration for trade shows and exhibitions"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", foyer_application_quit_action },
  { "about", foyer_application_about_action },
};

static int
foyer_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  FoyerApplication *self = FOYER_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  const char *config_path = NULL;

  if (g_variant_dict_contains (options, "version")) {
    g_print ("foyer %s\n", foyer_get_version ());
    return 0;
  }

  g_variant_dict_lookup (options, "config", "^&ay", &config_path);
  self->kiosk = g_variant_dict_contains (options, "kiosk");

  if (self->config == NULL) {
    self->config = foyer_config_load (config_path, &error);
    if (self->config == NULL) {
      g_printerr ("foyer: %s\n", error->message);
      return 1;
    }
    foyer_config_print_warnings (self->config);
  }

  if (self->kiosk)
    foyer_config_set_string (self->config, "kiosk", "fullscreen", "true");

  return -1;
}

static void
foyer_application_activate (GApplication *app)
{
  FoyerApplication *self = FOYER_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL) {
    window = GTK_WINDOW (foyer_window_new (self));
    if (foyer_config_get_boolean (self->config, "kiosk", "fullscreen"))
      gtk_window_fullscreen (window);
  }
  gtk_window_present (window);
}

/* --- retention on a timer: [storage] retain-days, a minute after start and then hourly, in a
 * worker on a connection of its own (foyer_store_purge_file_async) so the screen never waits
 * on a checkpoint. --- */

#define PURGE_FIRST_S    60
#define PURGE_INTERVAL_S 3600

static void
foyer_application_purge_done_cb (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  FoyerPurgeResult purged;

  if (!foyer_store_purge_file_finish (result, &purged, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message ("retention: %s", error->message);
    return;
  }
  g_debug ("retention: %u records, %u leads, %u imported attendees purged; %" G_GINT64_FORMAT
           " undelivered kept", purged.registrations, purged.leads, purged.preregistrations,
           purged.undelivered_kept);
}

static gboolean
foyer_application_purge_cb (gpointer user_data)
{
  FoyerApplication *self = user_data;
  int days = foyer_config_get_int (self->config, "storage", "retain-days");

  if (self->store != NULL && days > 0)
    foyer_store_purge_file_async (foyer_store_get_path (self->store), days,
                                  self->purge_cancellable, foyer_application_purge_done_cb, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
foyer_application_first_purge_cb (gpointer user_data)
{
  FoyerApplication *self = user_data;

  foyer_application_purge_cb (self);
  self->purge_source = g_timeout_add_seconds (PURGE_INTERVAL_S, foyer_application_purge_cb, self);
  return G_SOURCE_REMOVE;
}

static void
foyer_application_start_retention (FoyerApplication *self)
{
  if (self->store == NULL || foyer_config_get_int (self->config, "storage", "retain-days") <= 0)
    return;
  self->purge_cancellable = g_cancellable_new ();
  self->purge_source = g_timeout_add_seconds (PURGE_FIRST_S, foyer_application_first_purge_cb,
                                              self);
}

static void
foyer_application_stop_retention (FoyerApplication *self)
{
  g_clear_handle_id (&self->purge_source, g_source_remove);
  g_cancellable_cancel (self->purge_cancellable);
  g_clear_object (&self->purge_cancellable);
}

static void
foyer_application_startup (GApplication *app)
{
  FoyerApplication *self = FOYER_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (foyer_application_parent_class)->startup (app);

  if (self->config == NULL)
    self->config = foyer_config_new_default ();

  /* Han characters look different in Chinese and Japanese fonts: prefer the Chinese forms
   * whatever the interface language (names are often Chinese on an English screen). */
  g_setenv ("PANGO_LANGUAGE", "zh-cn:en", FALSE);
  /* main() already did this before GTK started; a program embedding the application (the UI
   * tests) may not have. */
  foyer_i18n_init ();
  foyer_application_set_language (self, foyer_config_get_string (self->config, "kiosk", "language"));

  foyer_application_open_store (self);
  foyer_application_start_sync (self);
  foyer_application_start_retention (self);
  foyer_application_watch_config (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

static void
foyer_application_shutdown (GApplication *app)
{
  foyer_application_unwatch_config (FOYER_APPLICATION (app));
  foyer_application_stop_sync (FOYER_APPLICATION (app));
  foyer_application_stop_retention (FOYER_APPLICATION (app));

  G_APPLICATION_CLASS (foyer_application_parent_class)->shutdown (app);
}

static void
foyer_application_dispose (GObject *object)
{
  FoyerApplication *self = (FoyerApplication *)object;

  foyer_application_unwatch_config (self);
  foyer_application_stop_sync (self);
  foyer_application_stop_retention (self);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_object (&self->config);
  g_clear_pointer (&self->config_path, g_free);
  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (foyer_application_parent_class)->dispose (object);
}

static void
foyer_application_class_init (FoyerApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = foyer_application_dispose;
  app_class->handle_local_options = foyer_application_handle_local_options;
  app_class->startup = foyer_application_startup;
  app_class->activate = foyer_application_activate;
  app_class->shutdown = foyer_application_shutdown;
}

static void
foyer_application_init (FoyerApplication *self)
{
  static const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Read the configuration from FILE"), N_("FILE") },
    { "kiosk", 'k', 0, G_OPTION_ARG_NONE, NULL,
      N_("Run fullscreen as a kiosk"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
