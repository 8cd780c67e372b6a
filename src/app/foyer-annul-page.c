/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-annul-page.c: this kiosk's last check-ins (foyer_store_list_recent_check_ins(), at
 * most FOYER_STORE_ANNUL_WINDOW), newest first; "Annul" asks for a confirmation, then the store
 * marks the check-in annulled and queues the annulment for head office, which stops counting
 * it. Reached from the window behind the staff PIN. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-annul-page.h"
#include "foyer-booth-util.h"
#include "foyer-page.h"

struct _FoyerAnnulPage {
  GtkWidget    parent_instance;

  /* template widgets */
  GtkWidget   *content;
  GtkLabel    *message_label;
  GtkStack    *list_stack;
  GtkListBox  *list;

  /* owned */
  FoyerStore  *store;
  FoyerConfig *config;
  GPtrArray   *check_ins;     /* FoyerCheckIn, in list order */
  GPtrArray   *names;         /* the visitor's name of each, or NULL */
  GtkWidget   *dialog;        /* the confirmation on screen, or NULL */
};

static void foyer_annul_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerAnnulPage, foyer_annul_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_annul_page_page_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Who a check-in was, from what the store knows of the badge. */
static char *
visitor_name (FoyerAnnulPage     *self,
              const FoyerCheckIn *check_in)
{
  g_autoptr(FoyerRegistration) visitor = NULL;
  FoyerBadgeStatus status;

  if (!foyer_store_lookup_badge_status (self->store, check_in->event, check_in->badge_code,
                                        &status, &visitor, NULL, NULL) || visitor == NULL ||
      visitor->full_name == NULL || *visitor->full_name == '\0')
    return NULL;
  return g_strdup (visitor->full_name);
}

static const char *
direction_label (const char *direction)
{
  return g_strcmp0 (direction, FOYER_DIRECTION_EXIT) == 0 ? _("Exit") : _("Entry");
}

static GtkWidget *
make_row (const FoyerCheckIn *check_in,
          const char         *name)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *time = foyer_booth_format_time (check_in->at);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", time,
                                               direction_label (check_in->direction),
                                               check_in->badge_code);
  GtkWidget *suffix;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 name != NULL ? name : check_in->badge_code);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (check_in->annulled) {
    suffix = gtk_label_new (_("Annulled"));
    gtk_widget_add_css_class (suffix, "dim-label");
  } else {
    g_autofree char *label = g_strdup_printf (_("Annul the check-in of %s"),
                                              name != NULL ? name : check_in->badge_code);

    suffix = gtk_button_new_with_label (_("Annul"));
    gtk_widget_add_css_class (suffix, "destructive-action");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (suffix), "annul.ask");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (suffix), "s", check_in->id);
    gtk_accessible_update_property (GTK_ACCESSIBLE (suffix), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    label, -1);
  }
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  return row;
}

static void
clear_rows (FoyerAnnulPage *self)
{
  foyer_booth_list_box_clear (self->list);
  g_ptr_array_set_size (self->check_ins, 0);
  g_ptr_array_set_size (self->names, 0);
}

void
foyer_annul_page_refresh (FoyerAnnulPage *self)
{
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FOYER_IS_ANNUL_PAGE (self));

  clear_rows (self);
  if (self->store == NULL) {
    foyer_booth_show_message (self->message_label,
                              _("The check-ins cannot be read on this kiosk right now."));
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
    return;
  }
  recent = foyer_store_list_recent_check_ins (self->store, &error);
  if (recent == NULL) {
    g_autofree char *text = g_strdup_printf (_("Cannot read the check-ins: %s"), error->message);

    foyer_booth_show_message (self->message_label, text);
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
    return;
  }
  for (guint i = 0; i < recent->len; i++) {
    FoyerCheckIn *check_in = g_ptr_array_index (recent, i);
    char *name = visitor_name (self, check_in);

    gtk_list_box_append (self->list, make_row (check_in, name));
    g_ptr_array_add (self->names, name);
    g_ptr_array_add (self->check_ins, g_steal_pointer (&g_ptr_array_index (recent, i)));
  }
  gtk_stack_set_visible_child_name (self->list_stack, self->check_ins->len > 0 ? "list" : "empty");
}

static gint
find (FoyerAnnulPage *self,
      const char     *id)
{
  for (guint i = 0; i < self->check_ins->len; i++) {
    if (g_strcmp0 (((FoyerCheckIn *)g_ptr_array_index (self->check_ins, i))->id, id) == 0)
      return (gint)i;
  }
  return -1;
}

static void
annul (FoyerAnnulPage *self,
       const char     *id,
       const char     *who)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (foyer_store_annul_check_in (self->store, id, NULL, &error))
    /* TRANSLATORS: %s is the visitor's name or badge code */
    text = g_strdup_printf (_("The check-in of %s is annulled: head office no longer counts it."),
                            who);
  else
    text = g_strdup_printf (_("The check-in of %s was not annulled: %s"), who, error->message);
  foyer_annul_page_refresh (self);
  foyer_booth_show_message (self->message_label, text);
}

static void
dialog_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FoyerAnnulPage   *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (dialog), "check-in-id"));
  g_autofree char *who = g_strdup (g_object_get_data (G_OBJECT (dialog), "who"));

  if (self->dialog == GTK_WIDGET (dialog))
    self->dialog = NULL;
  if (g_strcmp0 (response, "annul") == 0)
    annul (self, id, who);
}

static GtkWidget *
confirmation (FoyerAnnulPage     *self,
              const FoyerCheckIn *check_in,
              const char         *who)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *time = foyer_booth_format_time (check_in->at);
  /* TRANSLATORS: first %s is the visitor's name or badge code, second a time like 09:12 */
  g_autofree char *heading = g_strdup_printf (_("Annul the check-in of %s at %s?"), who, time);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading,
                                              _("Head office stops counting this check-in, and "
                                                "the badge can be checked in again. This cannot "
                                                "be undone."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep It"),
                                    "annul", _("_Annul"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "annul",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "check-in-id", g_strdup (check_in->id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "who", g_strdup (who), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (dialog_response_cb), self, 0);
  return dialog;
}

void
foyer_annul_page_ask (FoyerAnnulPage *self,
                      const char     *check_in_id)
{
  gint i;
  const FoyerCheckIn *check_in;
  const char *name;

  g_return_if_fail (FOYER_IS_ANNUL_PAGE (self));

  i = find (self, check_in_id);
  if (i < 0 || self->store == NULL)
    return;
  check_in = g_ptr_array_index (self->check_ins, i);
  name = g_ptr_array_index (self->names, i);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = confirmation (self, check_in, name != NULL ? name : check_in->badge_code);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

static void
ask_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  foyer_annul_page_ask (FOYER_ANNUL_PAGE (widget), g_variant_get_string (parameter, NULL));
}

guint
foyer_annul_page_get_n_rows (FoyerAnnulPage *self)
{
  g_return_val_if_fail (FOYER_IS_ANNUL_PAGE (self), 0);
  return self->check_ins->len;
}

const char *
foyer_annul_page_get_id (FoyerAnnulPage *self,
                         guint           i)
{
  g_return_val_if_fail (FOYER_IS_ANNUL_PAGE (self), NULL);
  g_return_val_if_fail (i < self->check_ins->len, NULL);
  return ((FoyerCheckIn *)g_ptr_array_index (self->check_ins, i))->id;
}

GtkWidget *
foyer_annul_page_get_dialog (FoyerAnnulPage *self)
{
  g_return_val_if_fail (FOYER_IS_ANNUL_PAGE (self), NULL);
  return self->dialog;
}

const char *
foyer_annul_page_get_message (FoyerAnnulPage *self)
{
  g_return_val_if_fail (FOYER_IS_ANNUL_PAGE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_text (self->message_label) : NULL;
}

static void
foyer_annul_page_reset (FoyerPage *page)
{
  FoyerAnnulPage *self = FOYER_ANNUL_PAGE (page);

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = NULL;
  clear_rows (self);
  foyer_booth_show_message (self->message_label, NULL);
}

static gboolean
foyer_annul_page_holds_visitor_data (FoyerPage *page)
{
  return FOYER_ANNUL_PAGE (page)->check_ins->len > 0;
}

static void
foyer_annul_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_annul_page_reset;
  iface->holds_visitor_data = foyer_annul_page_holds_visitor_data;
}

static void
foyer_annul_page_dispose (GObject *object)
{
  FoyerAnnulPage *self = (FoyerAnnulPage *)object;

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_ANNUL_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (foyer_annul_page_parent_class)->dispose (object);
}

static void
foyer_annul_page_finalize (GObject *object)
{
  FoyerAnnulPage *self = (FoyerAnnulPage *)object;

  g_clear_pointer (&self->check_ins, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);

  G_OBJECT_CLASS (foyer_annul_page_parent_class)->finalize (object);
}

static void
foyer_annul_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FoyerAnnulPage *self = FOYER_ANNUL_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    g_value_set_object (value, self->store);
    break;
  case PROP_CONFIG:
    g_value_set_object (value, self->config);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_annul_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FoyerAnnulPage *self = FOYER_ANNUL_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    g_set_object (&self->store, g_value_get_object (value));
    break;
  case PROP_CONFIG:
    g_set_object (&self->config, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_annul_page_class_init (FoyerAnnulPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_annul_page_dispose;
  object_class->finalize = foyer_annul_page_finalize;
  object_class->get_property = foyer_annul_page_get_property;
  object_class->set_property = foyer_annul_page_set_property;

  /* where the check-ins are read and annulled; NULL when the database is not open */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FOYER_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* the kiosk's configuration */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "annul.ask", "s", ask_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-annul-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerAnnulPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerAnnulPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerAnnulPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FoyerAnnulPage, list);
}

static void
foyer_annul_page_init (FoyerAnnulPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->check_ins = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_check_in_free);
  self->names = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
foyer_annul_page_new (void)
{
  return g_object_new (FOYER_TYPE_ANNUL_PAGE, NULL);
}
