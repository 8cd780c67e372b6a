/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-leads-page.c: today's leads at this booth. A tap opens a lead for editing (::lead-activated
 * with its id); the counts per rating show how the day is going. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <string.h>

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

/* mark: NULL for a lead of this tablet alone; else the colleagues who worked on it too
 * ("" when not known), from the team's merged leads. */
static GtkWidget *
make_row (FoyerLead  *lead,
          const char *mark)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *pill = gtk_label_new (foyer_booth_rating_label (lead->rating));
  g_autofree char *time = foyer_booth_format_time (lead->created_at);
  g_autoptr(GString) subtitle = g_string_new (time);
  const char *title = lead->visitor_name != NULL && *lead->visitor_name != '\0'
                      ? lead->visitor_name : lead->badge_code;

  if (lead->visitor_name != NULL && *lead->visitor_name != '\0' && lead->badge_code != NULL)
    g_string_append_printf (subtitle, " · %s", lead->badge_code);
  if (mark != NULL) {
    g_autofree char *who = NULL;

    if (*mark == '\0')
      who = g_strdup (_("Captured by a colleague"));
    else if (lead->id == NULL)
      who = g_strdup_printf (_("Captured by %s"), mark);
    else
      who = g_strdup_printf (_("Also captured by %s"), mark);
    g_string_prepend (subtitle, " · ");
    g_string_prepend (subtitle, who);
  }
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
  /* a colleague's lead is theirs to edit */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), lead->id != NULL);
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
  if (mark != NULL) {
    GtkWidget *team = gtk_image_new_from_icon_name ("system-users-symbolic");

    gtk_widget_set_tooltip_text (team, _("The booth team’s lead"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (team), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("The booth team’s lead"), -1);
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), team);
  }
  if (lead->id != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

/* --- the booth team's leads (two-way sync) ------------------------------------------------- */

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/* Who else worked on a team lead: its notes' authors other than this tablet, comma-separated,
 * or NULL. */
static char *
colleagues_of (JsonObject *team,
               const char *self_id)
{
  JsonArray *notes = json_object_has_member (team, "notes") &&
                     JSON_NODE_HOLDS_ARRAY (json_object_get_member (team, "notes"))
                     ? json_object_get_array_member (team, "notes") : NULL;
  g_autoptr(GPtrArray) authors = g_ptr_array_new ();

  for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++) {
    JsonNode *node = json_array_get_element (notes, i);
    const char *author = JSON_NODE_HOLDS_OBJECT (node)
                         ? member_string (json_node_get_object (node), "author") : NULL;

    if (author != NULL && g_strcmp0 (author, self_id) != 0 &&
        !g_ptr_array_find_with_equal_func (authors, author, g_str_equal, NULL))
      g_ptr_array_add (authors, (gpointer)author);
  }
  if (authors->len == 0)
    return NULL;
  g_ptr_array_add (authors, NULL);
  return g_strjoinv (", ", (char **)authors->pdata);
}

/* A team lead as a row of the list: read-only (no id), the visitor as head office has them,
 * the notes as one text. */
static FoyerLead *
lead_from_team (JsonObject *team)
{
  FoyerLead *lead = foyer_lead_new ();
  JsonObject *visitor = json_object_has_member (team, "visitor") &&
                        JSON_NODE_HOLDS_OBJECT (json_object_get_member (team, "visitor"))
                        ? json_object_get_object_member (team, "visitor") : NULL;
  JsonArray *notes = json_object_has_member (team, "notes") &&
                     JSON_NODE_HOLDS_ARRAY (json_object_get_member (team, "notes"))
                     ? json_object_get_array_member (team, "notes") : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  lead->badge_code = g_strdup (member_string (team, "badge_code"));
  lead->visitor_name = g_strdup (member_string (visitor, "display_name"));
  lead->rating = g_strdup (member_string (team, "rating"));
  lead->created_at = g_strdup (member_string (team, "updated_at"));
  lead->follow_up = json_object_get_boolean_member_with_default (team, "follow_up", FALSE);
  for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++) {
    JsonNode *node = json_array_get_element (notes, i);
    const char *note = JSON_NODE_HOLDS_OBJECT (node)
                       ? member_string (json_node_get_object (node), "text") : NULL;

    if (note != NULL)
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", note);
  }
  lead->notes = text->len > 0 ? g_strdup (text->str) : NULL;
  /* the company, for the search */
  lead->booth = g_strdup (member_string (visitor, "company"));
  return lead;
}

static gboolean
team_lead_matches (const FoyerLead *lead,
                   const char      *search)
{
  g_autofree char *needle = NULL;
  const char *fields[] = { lead->visitor_name, lead->booth, lead->badge_code, lead->notes };

  if (search == NULL || *search == '\0')
    return TRUE;
  needle = foyer_store_search_fold (search);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++) {
    g_autofree char *hay = foyer_store_search_fold (fields[i]);

    if (strstr (hay, needle) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* After a pull, the tablet knows its team's leads: those it has too are marked when a
 * colleague worked on them (marks: badge code → their names); a colleague's lead this tablet
 * does not have is added to all (counts) and, when it matches the search, to shown. */
static void
merge_team_leads (FoyerLeadsPage *self,
                  const char     *event,
                  const char     *since,
                  GPtrArray      *all,
                  GPtrArray      *shown,
                  GHashTable     *marks)
{
  const char *booth = foyer_config_get_string (self->config, "kiosk", "booth");
  const char *self_id = foyer_config_get_string (self->config, "kiosk", "id");
  g_autoptr(GHashTable) own = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) team = NULL;
  g_autoptr(GError) error = NULL;

  if (booth == NULL || (team = foyer_store_list_team_leads (self->store, event, booth, &error)) == NULL) {
    if (error != NULL)
      g_debug ("team leads: %s", error->message);
    return;
  }
  for (guint i = 0; i < all->len; i++) {
    const char *badge = ((FoyerLead *)g_ptr_array_index (all, i))->badge_code;
    if (badge != NULL)
      g_hash_table_add (own, (gpointer)badge);
  }
  for (guint i = 0; i < team->len; i++) {
    JsonObject *row = g_ptr_array_index (team, i);
    const char *badge = member_string (row, "badge_code");
    const char *updated = member_string (row, "updated_at");
    char *colleagues = colleagues_of (row, self_id);
    FoyerLead *lead;

    if (badge == NULL || (since != NULL && g_strcmp0 (updated, since) < 0)) {
      g_free (colleagues);
      continue;
    }
    if (g_hash_table_contains (own, badge)) {
      if (colleagues != NULL)
        g_hash_table_insert (marks, g_strdup (badge), colleagues);
      continue;
    }
    g_hash_table_insert (marks, g_strdup (badge),
                         colleagues != NULL ? colleagues : g_strdup (""));
    lead = lead_from_team (row);
    g_ptr_array_add (all, lead);
    if (team_lead_matches (lead, self->search))
      g_ptr_array_add (shown, foyer_lead_copy (lead));
  }
}

static gpointer
copy_lead (gconstpointer lead,
           gpointer      user_data)
{
  return foyer_lead_copy (lead);
}

static void
remove_rows (FoyerLeadsPage *self)
{
  foyer_booth_list_box_clear (self->list);
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
  g_autoptr(GHashTable) marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
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
    shown = g_ptr_array_copy (all, copy_lead, NULL);

  if (all == NULL || shown == NULL) {
    g_autofree char *msg = g_strdup_printf (_("Cannot read the leads: %s"), error->message);
    gtk_label_set_label (self->error_label, msg);
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    return;
  }

  merge_team_leads (self, event, since, all, shown, marks);
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

  for (guint i = 0; i < shown->len; i++) {
    FoyerLead *lead = g_ptr_array_index (shown, i);

    gtk_list_box_append (self->list, make_row (lead, lead->badge_code != NULL
                                                     ? g_hash_table_lookup (marks, lead->badge_code)
                                                     : NULL));
  }
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
