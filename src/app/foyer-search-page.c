/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-search-page.c: the staff search over pre-registrations (behind the PIN): at least 2
 * characters, at most 20 hits, never a list of everybody; a hit's "Check in" button asks the
 * window (win.check-in-badge) to check the badge in through the kiosk flow, as a scan would. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-booth-util.h"
#include "foyer-page.h"
#include "foyer-search-page.h"

struct _FoyerSearchPage {
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *content;
  GtkSearchEntry *search_entry;
  GtkLabel       *message_label;
  GtkListBox     *list;

  /* owned */
  FoyerStore     *store;
  FoyerConfig    *config;
  GPtrArray      *hits;       /* FoyerSearchHit shown, in list order */
};

static void foyer_search_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerSearchPage, foyer_search_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_search_page_page_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
hit_name (const FoyerRegistration *reg)
{
  if (reg->full_name != NULL && *reg->full_name != '\0')
    return g_strdup (reg->full_name);
  if (reg->family_name != NULL || reg->given_name != NULL)
    return g_strstrip (g_strdup_printf ("%s %s", reg->given_name != NULL ? reg->given_name : "",
                                        reg->family_name != NULL ? reg->family_name : ""));
  return g_strdup (_("Name not given"));
}

/* Enough for staff to tell two 王伟 apart without showing anything a visitor's neighbour should
 * not read: company, title, category and the phone's last 4 digits. */
static char *
hit_subtitle (const FoyerSearchHit *hit)
{
  const FoyerRegistration *reg = hit->registration;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *category = foyer_booth_category_label (reg->category);

  /* staff see it before they try: the flow refuses a cancelled badge */
  if (hit->revoked)
    g_ptr_array_add (parts, g_strdup (_("Badge cancelled by head office")));
  if (reg->organization != NULL && *reg->organization != '\0')
    g_ptr_array_add (parts, g_strdup (reg->organization));
  if (reg->title != NULL && *reg->title != '\0')
    g_ptr_array_add (parts, g_strdup (reg->title));
  if (category != NULL)
    g_ptr_array_add (parts, g_strdup (category));
  if (hit->phone_tail != NULL)
    /* TRANSLATORS: the last 4 digits of the visitor's phone, e.g. "Phone …9254" */
    g_ptr_array_add (parts, g_strdup_printf (_("Phone …%s"), hit->phone_tail));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **)parts->pdata);
}

static GtkWidget *
make_row (const FoyerSearchHit *hit)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_label (_("Check in"));
  g_autofree char *name = hit_name (hit->registration);
  g_autofree char *subtitle = hit_subtitle (hit);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "foyer-medium-button");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.check-in-badge");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s",
                                    hit->registration->badge_code);
  {
    /* TRANSLATORS: the accessible name of the button on a search hit; %s is the visitor's name */
    g_autofree char *label = g_strdup_printf (_("Check in %s"), name);

    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    label, -1);
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  return row;
}

static void
clear_list (FoyerSearchPage *self)
{
  foyer_booth_list_box_clear (self->list);
  g_ptr_array_set_size (self->hits, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), FALSE);
}

/* What the line under the entry says after a search that ran. */
static char *
result_message (const char *query,
                guint       n,
                gboolean    more)
{
  if (n == 0)
    return g_strdup_printf (_("No pre-registered visitor matches “%s”. Check the spelling, or "
                              "register the visitor at the kiosk."), query);
  if (more)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "More than %u visitor matches: type more of the name "
                                         "or the company.",
                                         "More than %u visitors match: type more of the name "
                                         "or the company.", n), n);
  return NULL;
}

static void
run_search (FoyerSearchPage *self,
            const char      *query)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean more = FALSE;

  clear_list (self);
  if (query == NULL || *query == '\0') {
    foyer_booth_show_message (self->message_label, NULL);
    return;
  }
  if (self->store == NULL || self->config == NULL) {
    foyer_booth_show_message (self->message_label,
                              _("The visitor list cannot be read on this kiosk right now."));
    return;
  }
  hits = foyer_store_search_preregistrations (self->store,
                                              foyer_config_get_string (self->config, "kiosk",
                                                                       "event"),
                                              query, &more, &error);
  if (hits == NULL) {
    /* too short a query is said in words staff can act on; anything else is the store's */
    foyer_booth_show_message (self->message_label, error->message);
    return;
  }
  for (guint i = 0; i < hits->len; i++) {
    gtk_list_box_append (self->list, make_row (g_ptr_array_index (hits, i)));
    g_ptr_array_add (self->hits, g_steal_pointer (&g_ptr_array_index (hits, i)));
  }
  gtk_widget_set_visible (GTK_WIDGET (self->list), self->hits->len > 0);
  message = result_message (query, self->hits->len, more);
  foyer_booth_show_message (self->message_label, message);
  /* names on screen: the idle timeout clears them when staff walk away */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.note-activity", NULL);
}

void
foyer_search_page_set_query (FoyerSearchPage *self,
                             const char      *query)
{
  g_return_if_fail (FOYER_IS_SEARCH_PAGE (self));

  /* Typing calls back through ::search-changed; a query set from outside searches at once. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), query) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), query != NULL ? query : "");
  run_search (self, query);
}

static void
search_changed_cb (GtkSearchEntry  *entry,
                   FoyerSearchPage *self)
{
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  run_search (self, query);
}

guint
foyer_search_page_get_n_results (FoyerSearchPage *self)
{
  g_return_val_if_fail (FOYER_IS_SEARCH_PAGE (self), 0);
  return self->hits->len;
}

const char *
foyer_search_page_get_badge (FoyerSearchPage *self,
                             guint            i)
{
  g_return_val_if_fail (FOYER_IS_SEARCH_PAGE (self), NULL);
  g_return_val_if_fail (i < self->hits->len, NULL);
  return ((FoyerSearchHit *)g_ptr_array_index (self->hits, i))->registration->badge_code;
}

const char *
foyer_search_page_get_message (FoyerSearchPage *self)
{
  g_return_val_if_fail (FOYER_IS_SEARCH_PAGE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_text (self->message_label) : NULL;
}

static void
foyer_search_page_reset (FoyerPage *page)
{
  FoyerSearchPage *self = FOYER_SEARCH_PAGE (page);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  clear_list (self);
  foyer_booth_show_message (self->message_label, NULL);
}

static gboolean
foyer_search_page_holds_visitor_data (FoyerPage *page)
{
  FoyerSearchPage *self = FOYER_SEARCH_PAGE (page);

  /* what staff typed may be a visitor's name too */
  return self->hits->len > 0 || *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';
}

static void
foyer_search_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_search_page_reset;
  iface->holds_visitor_data = foyer_search_page_holds_visitor_data;
}

static void
foyer_search_page_map_cb (FoyerSearchPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
foyer_search_page_dispose (GObject *object)
{
  FoyerSearchPage *self = (FoyerSearchPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_SEARCH_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (foyer_search_page_parent_class)->dispose (object);
}

static void
foyer_search_page_finalize (GObject *object)
{
  FoyerSearchPage *self = (FoyerSearchPage *)object;

  g_clear_pointer (&self->hits, g_ptr_array_unref);

  G_OBJECT_CLASS (foyer_search_page_parent_class)->finalize (object);
}

static void
foyer_search_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FoyerSearchPage *self = FOYER_SEARCH_PAGE (object);

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
foyer_search_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FoyerSearchPage *self = FOYER_SEARCH_PAGE (object);

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
foyer_search_page_class_init (FoyerSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_search_page_dispose;
  object_class->finalize = foyer_search_page_finalize;
  object_class->get_property = foyer_search_page_get_property;
  object_class->set_property = foyer_search_page_set_property;

  /* where the pre-registrations are searched; NULL when the database is not open */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FOYER_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* the event whose attendees are searched */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-search-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerSearchPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerSearchPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerSearchPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerSearchPage, list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
}

static void
foyer_search_page_init (FoyerSearchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->hits = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_search_hit_free);
  g_signal_connect (self, "map", G_CALLBACK (foyer_search_page_map_cb), NULL);
}

GtkWidget *
foyer_search_page_new (void)
{
  return g_object_new (FOYER_TYPE_SEARCH_PAGE, NULL);
}
