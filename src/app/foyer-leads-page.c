/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-leads-page.c: today's leads at this booth. A tap opens a lead for editing (::lead-activated
 * with its id); the counts per rating show how the day is going. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-booth-util.h"
#include "foyer-leads-page.h"
#include "foyer-page.h"

struct _FoyerLeadsPage {
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *content;
  GtkLabel       *hot_count;
  GtkLabel       *warm_count;
  GtkLabel       *cold_count;
  GtkLabel       *total_count;
  GtkSearchEntry *search_entry;
  GtkStack       *list_stack;
  GtkListBox     *list;
  AdwStatusPage  *empty_page;
  GtkLabel       *error_label;

  /* owned */
  FoyerStore     *store;
  FoyerConfig    *config;
  char           *search;
  guint           n_shown;
  guint           counts[4];   /* hot, warm, cold, all */
};

static void foyer_leads_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerLeadsPage, foyer_leads_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_leads_page_page_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_LEAD_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static int
rating_index (const char *rating)
{
  if (g_strcmp0 (rating, FOYER_RATING_HOT) == 0)
    return 0;
  if (g_strcmp0 (rating, FOYER_RATING_WARM) == 0)
    return 1;
  if (g_strcmp0 (rating, FOYER_RATING_COLD) == 0)
    return 2;
  return -1;
}

static void
set_count (GtkLabel *label,
           guint     n)
{
  g_autofree char *text = g_strdup_printf ("%u", n);
  gtk_label_set_label (label, text);
}

static GtkWidget *
make_row (FoyerLead *lead)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *pill = gtk_label_new (foyer_booth_rating_label (lead->rating));
  g_autofree char *time = foyer_booth_format_time (lead->created_at);
  g_autoptr(GString) subtitle = g_string_new (time);
  const char *title = lead->visitor_name != NULL && *lead->visitor_name != '\0'
                      ? lead->visitor_name : lead->badge_code;

  if (lead->visitor_name != NULL && *lead->visitor_name != '\0' && lead->badge_code != NULL)
    g_string_append_printf (subtitle, " · %s", lead->badge_code);
  if (lead->notes != NULL && *lead->notes != '\0') {
    g_autofree char *first_line = g_strdup (lead->notes);
    char *nl = strchr (first_line, '\n');
    if (nl != NULL)
      *nl = '\0';
    g_string_append_printf (subtitle, " · %s", first_line);
  }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : _("Unknown visitor"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "lead-id", g_strdup (lead->id), g_free);

  if (lead->follow_up) {
    GtkWidget *flag = gtk_image_new_from_icon_name ("mail-send-symbolic");
    gtk_widget_set_tooltip_text (flag, _("Follow up"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (flag), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Follow up"), -1);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
  }
  gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (pill, "foyer-rating-pill");
  if (lead->rating != NULL)
    gtk_widget_add_css_class (pill, lead->rating);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), pill);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void
remove_rows (FoyerLeadsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  self->n_shown = 0;
}

void
foyer_leads_page_clear (FoyerLeadsPage *self)
{
  g_return_if_fail (FOYER_IS_LEADS_PAGE (self));

  remove_rows (self);
  g_clear_pointer (&self->search, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  remove_rows (self);
  memset (self->counts, 0, sizeof self->counts);
  set_count (self->hot_count, 0);
  set_count (self->warm_count, 0);
  set_count (self->cold_count, 0);
  set_count (self->total_count, 0);
}

void
foyer_leads_page_refresh (FoyerLeadsPage *self)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  const char *event;

  g_return_if_fail (FOYER_IS_LEADS_PAGE (self));

  remove_rows (self);
  memset (self->counts, 0, sizeof self->counts);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (self->store == NULL || self->config == NULL) {
    gtk_label_set_label (self->error_label, _("Leads cannot be read on this tablet right now."));
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    return;
  }

  event = foyer_config_get_string (self->config, "kiosk", "event");
  since = foyer_booth_start_of_today ();
  all = foyer_store_list_leads (self->store, event, since, NULL, &error);
  if (all != NULL && self->search != NULL && *self->search != '\0')
    shown = foyer_store_list_leads (self->store, event, since, self->search, &error);
  else if (all != NULL)
    shown = g_ptr_array_ref (all);

  if (all == NULL || shown == NULL) {
    g_autofree char *msg = g_strdup_printf (_("Cannot read the leads: %s"), error->message);
    gtk_label_set_label (self->error_label, msg);
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    return;
  }

  for (guint i = 0; i < all->len; i++) {
    int idx = rating_index (((FoyerLead *)g_ptr_array_index (all, i))->rating);
    if (idx >= 0)
      self->counts[idx]++;
    self->counts[3]++;
  }
  set_count (self->hot_count, self->counts[0]);
  set_count (self->warm_count, self->counts[1]);
  set_count (self->cold_count, self->counts[2]);
  set_count (self->total_count, self->counts[3]);

  for (guint i = 0; i < shown->len; i++)
    gtk_list_box_append (self->list, make_row (g_ptr_array_index (shown, i)));
  self->n_shown = shown->len;

  if (shown->len > 0) {
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  } else if (all->len > 0) {
    adw_status_page_set_title (self->empty_page, _("No matching leads"));
    adw_status_page_set_description (self->empty_page,
                                     _("Search by name, company, badge code or notes."));
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
  } else {
    adw_status_page_set_title (self->empty_page, _("No leads yet today"));
    adw_status_page_set_description (self->empty_page,
                                     _("Scan a visitor’s badge to capture a lead."));
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
  }
}

void
foyer_leads_page_set_search (FoyerLeadsPage *self,
                             const char     *text)
{
  g_return_if_fail (FOYER_IS_LEADS_PAGE (self));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text) != 0) {
    /* Typing in the entry calls back here through ::search-changed. */
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  }
  g_free (self->search);
  self->search = text != NULL ? g_strstrip (g_strdup (text)) : NULL;
  foyer_leads_page_refresh (self);
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   FoyerLeadsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (g_strcmp0 (text, self->search) != 0)
    foyer_leads_page_set_search (self, text);
}

static void
row_activated_cb (GtkListBox     *list,
                  GtkListBoxRow  *row,
                  FoyerLeadsPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "lead-id");

  if (id != NULL) {
    g_autofree char *lead_id = g_strdup (id);   /* the row may go when the window acts */

    g_signal_emit (self, signals[SIGNAL_LEAD_ACTIVATED], 0, lead_id);
    gtk_widget_activate_action (GTK_WIDGET (self), "win.edit-lead", "s", lead_id);
  }
}

guint
foyer_leads_page_get_n_shown (FoyerLeadsPage *self)
{
  g_return_val_if_fail (FOYER_IS_LEADS_PAGE (self), 0);
  return self->n_shown;
}

guint
foyer_leads_page_get_count (FoyerLeadsPage *self,
                            const char     *rating)
{
  int idx = rating == NULL ? 3 : rating_index (rating);

  g_return_val_if_fail (FOYER_IS_LEADS_PAGE (self), 0);
  return idx >= 0 ? self->counts[idx] : 0;
}

void
foyer_leads_page_set_store (FoyerLeadsPage *self,
                            FoyerStore     *store)
{
  g_return_if_fail (FOYER_IS_LEADS_PAGE (self));
  g_set_object (&self->store, store);
}

void
foyer_leads_page_set_config (FoyerLeadsPage *self,
                             FoyerConfig    *config)
{
  g_return_if_fail (FOYER_IS_LEADS_PAGE (self));
  g_set_object (&self->config, config);
}

static void
foyer_leads_page_dispose (GObject *object)
{
  FoyerLeadsPage *self = (FoyerLeadsPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_LEADS_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (foyer_leads_page_parent_class)->dispose (object);
}

static void
foyer_leads_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FoyerLeadsPage *self = FOYER_LEADS_PAGE (object);

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
foyer_leads_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FoyerLeadsPage *self = FOYER_LEADS_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    foyer_leads_page_set_store (self, g_value_get_object (value));
    break;
  case PROP_CONFIG:
    foyer_leads_page_set_config (self, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_leads_page_class_init (FoyerLeadsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_leads_page_dispose;
  object_class->get_property = foyer_leads_page_get_property;
  object_class->set_property = foyer_leads_page_set_property;

  /* where the leads are read from; NULL when the database is not open */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FOYER_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* the event whose leads are listed */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);


  signals[SIGNAL_LEAD_ACTIVATED] = g_signal_new ("lead-activated", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-leads-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, hot_count);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, warm_count);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, cold_count);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, total_count);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, list);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadsPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
foyer_leads_page_init (FoyerLeadsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
foyer_leads_page_page_reset (FoyerPage *page)
{
  foyer_leads_page_clear (FOYER_LEADS_PAGE (page));
}

static gboolean
foyer_leads_page_holds_visitor_data (FoyerPage *page)
{
  return FOYER_LEADS_PAGE (page)->n_shown > 0;
}

static void
foyer_leads_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_leads_page_page_reset;
  iface->holds_visitor_data = foyer_leads_page_holds_visitor_data;
}

GtkWidget *
foyer_leads_page_new (void)
{
  return g_object_new (FOYER_TYPE_LEADS_PAGE, NULL);
}
