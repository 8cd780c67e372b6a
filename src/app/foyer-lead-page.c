/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-lead-page.c: the lead card an exhibitor's staff fill in after scanning a visitor's badge.
 *
 * The card shows who the visitor is (from the local store when known), a hot/warm/cold rating,
 * the event's qualifying questions from the configuration, notes and a follow-up flag. Saving
 * stores the lead, which the store queues for head office like any other record.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-booth-util.h"
#include "foyer-lead-page.h"
#include "foyer-page.h"

typedef struct {
  char       *id;
  char       *type;        /* single | multiple | text */
  char      **values;      /* the stored option values (untranslated) */
  GPtrArray  *checks;      /* GtkCheckButton per option (borrowed) */
  GtkWidget  *entry;       /* AdwEntryRow for text (borrowed) */
} Question;

static void
question_free (Question *q)
{
  g_free (q->id);
  g_free (q->type);
  g_strfreev (q->values);
  g_clear_pointer (&q->checks, g_ptr_array_unref);
  g_free (q);
}

struct _FoyerLeadPage {
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *content;
  GtkLabel          *visitor_title;
  GtkLabel          *visitor_subtitle;
  GtkLabel          *badge_label;
  GtkLabel          *captured_label;
  GtkWidget         *unknown_group;
  AdwEntryRow       *name_row;
  AdwEntryRow       *organization_row;
  GtkToggleButton   *hot_button;
  GtkToggleButton   *warm_button;
  GtkToggleButton   *cold_button;
  GtkBox            *questions_box;
  GtkTextView       *notes_view;
  GtkSwitch         *follow_up_switch;
  GtkLabel          *status_label;
  GtkButton         *save_button;

  /* owned */
  FoyerStore        *store;
  FoyerConfig       *config;
  char              *language;
  FoyerLead         *lead;          /* being edited; id NULL for a new one */
  FoyerRegistration *visitor;       /* stored or pre-registered visitor; NULL when unknown */
  char              *badge_code;
  GBytes            *raw_payload;
  GPtrArray         *questions;     /* Question */
  GPtrArray         *question_groups; /* GtkWidget in questions_box (borrowed) */
};

static void foyer_lead_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerLeadPage, foyer_lead_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_lead_page_page_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONFIG,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_SAVED, SIGNAL_CANCELLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
current_rating (FoyerLeadPage *self)
{
  if (gtk_toggle_button_get_active (self->hot_button))
    return FOYER_RATING_HOT;
  if (gtk_toggle_button_get_active (self->warm_button))
    return FOYER_RATING_WARM;
  if (gtk_toggle_button_get_active (self->cold_button))
    return FOYER_RATING_COLD;
  return NULL;
}

static void
set_rating (FoyerLeadPage *self,
            const char    *rating)
{
  gtk_toggle_button_set_active (self->hot_button, g_strcmp0 (rating, FOYER_RATING_HOT) == 0);
  gtk_toggle_button_set_active (self->warm_button, g_strcmp0 (rating, FOYER_RATING_WARM) == 0);
  gtk_toggle_button_set_active (self->cold_button, g_strcmp0 (rating, FOYER_RATING_COLD) == 0);
}

static void
set_status (FoyerLeadPage *self,
            const char    *message,
            gboolean       error)
{
  gtk_label_set_label (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL && *message != '\0');
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
update_save_sensitive (FoyerLeadPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            self->lead != NULL && current_rating (self) != NULL);
}

static void
rating_toggled_cb (GtkToggleButton *button,
                   FoyerLeadPage   *self)
{
  update_save_sensitive (self);
}

/* --- questions --- */

static void
clear_questions (FoyerLeadPage *self)
{
  for (guint i = 0; i < self->question_groups->len; i++)
    gtk_box_remove (self->questions_box, g_ptr_array_index (self->question_groups, i));
  g_ptr_array_set_size (self->question_groups, 0);
  g_ptr_array_set_size (self->questions, 0);
}

static void
build_questions (FoyerLeadPage *self)
{
  g_auto(GStrv) ids = NULL;
  GKeyFile *key_file;
  const char *lang = self->language != NULL ? self->language : "en";

  clear_questions (self);
  if (self->config == NULL)
    return;

  key_file = foyer_config_get_key_file (self->config);
  ids = foyer_config_get_string_list (self->config, "kiosk", "questions");

  for (guint i = 0; ids[i] != NULL; i++) {
    g_autofree char *group = g_strdup_printf ("question:%s", ids[i]);
    g_autofree char *label = NULL;
    g_auto(GStrv) shown = NULL;
    Question *q;
    GtkWidget *pref_group;
    GtkCheckButton *first = NULL;

    if (*ids[i] == '\0')
      continue;
    if (!g_key_file_has_group (key_file, group)) {
      g_debug ("question %s listed in [kiosk] questions has no [%s] group", ids[i], group);
      continue;
    }

    q = g_new0 (Question, 1);
    q->id = g_strdup (ids[i]);
    q->type = g_strdup (foyer_config_get_string (self->config, group, "type"));
    q->values = foyer_config_get_string_list (self->config, group, "options");
    q->checks = g_ptr_array_new ();
    g_ptr_array_add (self->questions, q);

    label = foyer_config_get_locale_string (self->config, group, "label", lang);
    if (label == NULL || *label == '\0') {
      g_free (label);
      label = g_strdup (ids[i]);
    }
    /* Translated options are shown only when they match the stored list one to one. */
    shown = g_key_file_get_locale_string_list (key_file, group, "options", lang, NULL, NULL);
    if (shown == NULL || g_strv_length (shown) != g_strv_length (q->values)) {
      g_clear_pointer (&shown, g_strfreev);
      shown = g_strdupv (q->values);
    }

    pref_group = adw_preferences_group_new ();
    {
      /* Group titles are markup; a label such as "< 100k" must show as written. */
      g_autofree char *escaped = g_markup_escape_text (label, -1);
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (pref_group), escaped);
    }

    if (g_strcmp0 (q->type, "text") == 0 || q->values[0] == NULL) {
      g_autofree char *name = g_strdup_printf ("question-%s", q->id);

      q->entry = adw_entry_row_new ();
      gtk_widget_set_name (q->entry, name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (q->entry), _("Answer"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (q->entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (pref_group), q->entry);
    } else {
      gboolean multiple = g_strcmp0 (q->type, "multiple") == 0;

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (pref_group),
                                             multiple ? _("Choose any that apply")
                                                      : _("Choose one"));
      for (guint j = 0; q->values[j] != NULL; j++) {
        g_autofree char *name = g_strdup_printf ("question-%s-%u", q->id, j);
        g_strstrip (shown[j]);
        GtkWidget *row = adw_action_row_new ();
        GtkWidget *check = gtk_check_button_new ();

        gtk_widget_set_name (check, name);
        gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
        if (!multiple) {
          if (first == NULL)
            first = GTK_CHECK_BUTTON (check);
          else
            gtk_check_button_set_group (GTK_CHECK_BUTTON (check), first);
        }
        gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, shown[j], -1);
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown[j]);
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (pref_group), row);
        g_ptr_array_add (q->checks, check);
      }
    }

    gtk_box_append (self->questions_box, pref_group);
    g_ptr_array_add (self->question_groups, pref_group);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->questions_box), self->questions->len > 0);
}

char *
foyer_lead_page_dup_answers_json (FoyerLeadPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (FOYER_IS_LEAD_PAGE (self), NULL);

  json_builder_begin_object (builder);
  for (guint i = 0; i < self->questions->len; i++) {
    Question *q = g_ptr_array_index (self->questions, i);

    if (q->entry != NULL) {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (q->entry))));
      if (*text != '\0') {
        json_builder_set_member_name (builder, q->id);
        json_builder_add_string_value (builder, text);
      }
    } else if (g_strcmp0 (q->type, "multiple") == 0) {
      gboolean any = FALSE;

      for (guint j = 0; j < q->checks->len; j++) {
        if (!gtk_check_button_get_active (g_ptr_array_index (q->checks, j)))
          continue;
        if (!any) {
          json_builder_set_member_name (builder, q->id);
          json_builder_begin_array (builder);
          any = TRUE;
        }
        json_builder_add_string_value (builder, q->values[j]);
      }
      if (any)
        json_builder_end_array (builder);
    } else {
      for (guint j = 0; j < q->checks->len; j++) {
        if (gtk_check_button_get_active (g_ptr_array_index (q->checks, j))) {
          json_builder_set_member_name (builder, q->id);
          json_builder_add_string_value (builder, q->values[j]);
          break;
        }
      }
    }
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return foyer_json_to_string (root);
}

static gboolean
value_in (JsonNode   *node,
          const char *value)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    return g_strcmp0 (json_node_get_string (node), value) == 0;
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);
    for (guint i = 0; i < json_array_get_length (array); i++)
      if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
        return TRUE;
  }
  return FALSE;
}

static void
apply_answers (FoyerLeadPage *self,
               const char    *answers_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *answers;

  for (guint i = 0; i < self->questions->len; i++) {
    Question *q = g_ptr_array_index (self->questions, i);

    if (q->entry != NULL)
      gtk_editable_set_text (GTK_EDITABLE (q->entry), "");
    for (guint j = 0; j < q->checks->len; j++)
      gtk_check_button_set_active (g_ptr_array_index (q->checks, j), FALSE);
  }

  if (answers_json == NULL || *answers_json == '\0' ||
      !json_parser_load_from_data (parser, answers_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  answers = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; i < self->questions->len; i++) {
    Question *q = g_ptr_array_index (self->questions, i);
    JsonNode *node = json_object_get_member (answers, q->id);

    if (node == NULL)
      continue;
    if (q->entry != NULL && JSON_NODE_HOLDS_VALUE (node))
      gtk_editable_set_text (GTK_EDITABLE (q->entry), json_node_get_string (node));
    for (guint j = 0; j < q->checks->len; j++)
      if (value_in (node, q->values[j]))
        gtk_check_button_set_active (g_ptr_array_index (q->checks, j), TRUE);
  }
}

/* --- visitor --- */

static void
show_visitor (FoyerLeadPage *self)
{
  const char *name = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *badge = NULL;

  if (self->lead != NULL && self->lead->visitor_name != NULL && *self->lead->visitor_name)
    name = self->lead->visitor_name;
  if (self->visitor != NULL && self->visitor->full_name != NULL && *self->visitor->full_name)
    name = self->visitor->full_name;

  if (self->visitor != NULL) {
    if (self->visitor->organization != NULL && *self->visitor->organization)
      g_string_append (subtitle, self->visitor->organization);
    if (self->visitor->title != NULL && *self->visitor->title) {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append (subtitle, self->visitor->title);
    }
    if (self->visitor->category != NULL) {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append (subtitle, foyer_booth_category_label (self->visitor->category));
    }
  } else if (name == NULL) {
    g_string_append (subtitle, _("Not registered at this kiosk yet. Add a name if you have it."));
  }

  gtk_label_set_label (self->visitor_title, name != NULL ? name : _("Unknown visitor"));
  gtk_label_set_label (self->visitor_subtitle, subtitle->str);
  gtk_widget_set_visible (GTK_WIDGET (self->visitor_subtitle), subtitle->len > 0);

  if (self->badge_code != NULL)
    badge = g_strdup_printf (_("Badge %s"), self->badge_code);
  else if (self->visitor != NULL)
    badge = g_strdup (_("From a business card"));
  gtk_label_set_label (self->badge_label, badge != NULL ? badge : "");

  /* Staff may type the name and company of a visitor nobody has registered yet. */
  gtk_widget_set_visible (self->unknown_group,
                          self->visitor == NULL && (self->lead == NULL ||
                                                    self->lead->registration_id == NULL));

  if (self->lead != NULL && self->lead->id != NULL && self->lead->created_at != NULL) {
    g_autofree char *when = foyer_booth_format_time (self->lead->created_at);
    g_autofree char *msg = g_strdup_printf (_("Lead captured at %s; changes update it."), when);
    gtk_label_set_label (self->captured_label, msg);
    gtk_widget_set_visible (GTK_WIDGET (self->captured_label), TRUE);
  } else {
    gtk_widget_set_visible (GTK_WIDGET (self->captured_label), FALSE);
  }
}

void
foyer_lead_page_clear (FoyerLeadPage *self)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (FOYER_IS_LEAD_PAGE (self));

  g_clear_pointer (&self->lead, foyer_lead_free);
  g_clear_pointer (&self->visitor, foyer_registration_free);
  g_clear_pointer (&self->badge_code, g_free);
  g_clear_pointer (&self->raw_payload, g_bytes_unref);

  set_rating (self, NULL);
  apply_answers (self, NULL);
  buffer = gtk_text_view_get_buffer (self->notes_view);
  gtk_text_buffer_set_text (buffer, "", 0);
  gtk_switch_set_active (self->follow_up_switch, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->organization_row), "");
  set_status (self, NULL, FALSE);
  show_visitor (self);
  update_save_sensitive (self);
}

static void
show_lead (FoyerLeadPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);

  set_rating (self, self->lead->rating);
  apply_answers (self, self->lead->answers_json);
  gtk_text_buffer_set_text (buffer, self->lead->notes != NULL ? self->lead->notes : "", -1);
  gtk_switch_set_active (self->follow_up_switch, self->lead->follow_up);
  show_visitor (self);
  update_save_sensitive (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->content)),
                            0);
}

/* Store, config and language are the page's properties (set by the window, or by tests). */
static gboolean
sync_context (FoyerLeadPage  *self,
              GError        **error)
{
  if (self->store == NULL || self->config == NULL) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED,
                 _("Leads cannot be saved on this tablet right now."));
    return FALSE;
  }
  return TRUE;
}

static const char *
event_of (FoyerLeadPage *self)
{
  return foyer_config_get_string (self->config, "kiosk", "event");
}

static FoyerRegistration *
load_visitor (FoyerLeadPage  *self,
              const char     *registration_id,
              const char     *badge_code,
              GError        **error)
{
  g_autoptr(GError) local = NULL;
  FoyerRegistration *reg = NULL;

  if (registration_id != NULL) {
    reg = foyer_store_get_registration (self->store, registration_id, &local);
    if (reg != NULL || !g_error_matches (local, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND)) {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return reg;
    }
    g_clear_error (&local);
  }
  if (badge_code == NULL)
    return NULL;
  reg = foyer_store_find_by_badge (self->store, event_of (self), badge_code, &local);
  if (reg == NULL && local == NULL)
    reg = foyer_store_find_preregistration (self->store, event_of (self), badge_code, &local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return reg;
}

gboolean
foyer_lead_page_open_lead (FoyerLeadPage  *self,
                           const char     *lead_id,
                           GError        **error)
{
  g_autoptr(FoyerLead) lead = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FOYER_IS_LEAD_PAGE (self), FALSE);

  if (!sync_context (self, error))
    return FALSE;
  lead = foyer_store_get_lead (self->store, lead_id, error);
  if (lead == NULL)
    return FALSE;

  foyer_lead_page_clear (self);
  self->badge_code = g_strdup (lead->badge_code);
  self->visitor = load_visitor (self, lead->registration_id, lead->badge_code, &local);
  if (local != NULL)
    g_debug ("cannot load the visitor of lead %s: %s", lead_id, local->message);
  self->lead = g_steal_pointer (&lead);
  show_lead (self);
  return TRUE;
}

gboolean
foyer_lead_page_open_badge (FoyerLeadPage  *self,
                            const char     *badge_code,
                            GBytes         *raw_payload,
                            GError        **error)
{
  g_autoptr(GPtrArray) today = NULL;
  g_autofree char *since = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FOYER_IS_LEAD_PAGE (self), FALSE);
  g_return_val_if_fail (badge_code != NULL && *badge_code != '\0', FALSE);

  if (!sync_context (self, error))
    return FALSE;

  /* The same visitor scanned twice at a booth in a day is one lead: edit it. */
  since = foyer_booth_start_of_today ();
  today = foyer_store_list_leads (self->store, event_of (self), since, badge_code, error);
  if (today == NULL)
    return FALSE;
  for (guint i = 0; i < today->len; i++) {
    FoyerLead *lead = g_ptr_array_index (today, i);
    if (g_strcmp0 (lead->badge_code, badge_code) == 0)
      return foyer_lead_page_open_lead (self, lead->id, error);
  }

  foyer_lead_page_clear (self);
  self->visitor = load_visitor (self, NULL, badge_code, &local);
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  self->badge_code = g_strdup (badge_code);
  self->raw_payload = raw_payload != NULL ? g_bytes_ref (raw_payload) : NULL;
  self->lead = foyer_lead_new ();
  self->lead->registration_id = self->visitor != NULL ? g_strdup (self->visitor->id) : NULL;
  show_lead (self);
  return TRUE;
}

gboolean
foyer_lead_page_open_contact (FoyerLeadPage            *self,
                              const FoyerRegistration  *visitor,
                              GBytes                   *raw_payload,
                              GError                  **error)
{
  g_return_val_if_fail (FOYER_IS_LEAD_PAGE (self), FALSE);
  g_return_val_if_fail (visitor != NULL, FALSE);

  if (!sync_context (self, error))
    return FALSE;

  foyer_lead_page_clear (self);
  /* Not stored yet: saving the lead stores the visitor first (ensure_registration). */
  self->visitor = foyer_registration_copy (visitor);
  g_clear_pointer (&self->visitor->id, g_free);
  self->raw_payload = raw_payload != NULL ? g_bytes_ref (raw_payload) : NULL;
  self->lead = foyer_lead_new ();
  show_lead (self);
  return TRUE;
}

/* A visitor first seen at this booth becomes a registration of kind lead, so that head office
 * receives who the lead is about. */
static char *
ensure_registration (FoyerLeadPage  *self,
                     GError        **error)
{
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerRegistration) existing = NULL;
  g_autofree char *name = NULL;
  g_autofree char *organization = NULL;

  if (self->lead->registration_id != NULL)
    return g_strdup (self->lead->registration_id);

  reg = self->visitor != NULL ? foyer_registration_copy (self->visitor) : foyer_registration_new ();
  g_clear_pointer (&reg->id, g_free);
  g_clear_pointer (&reg->created_at, g_free);
  g_free (reg->kind);
  reg->kind = g_strdup (FOYER_KIND_LEAD);
  g_free (reg->event);
  reg->event = g_strdup (event_of (self));
  g_free (reg->kiosk_id);
  reg->kiosk_id = g_strdup (foyer_config_get_string (self->config, "kiosk", "id"));
  if (self->badge_code != NULL) {
    g_free (reg->badge_code);
    reg->badge_code = g_strdup (self->badge_code);
  }
  if (reg->source == NULL)
    reg->source = g_strdup (FOYER_SOURCE_BADGE);
  if (reg->category == NULL)
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  if (reg->raw_payload == NULL && self->raw_payload != NULL)
    reg->raw_payload = g_bytes_ref (self->raw_payload);

  if (self->visitor == NULL) {
    name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
    organization = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->organization_row))));
    if (*name != '\0')
      reg->full_name = g_steal_pointer (&name);
    if (*organization != '\0')
      reg->organization = g_steal_pointer (&organization);
  }

  if (!foyer_store_add_registration (self->store, reg, &existing, error))
    return NULL;
  if (existing != NULL)
    return g_strdup (existing->id);
  return g_strdup (reg->id);
}

gboolean
foyer_lead_page_save (FoyerLeadPage  *self,
                      GError        **error)
{
  g_autoptr(FoyerLead) lead = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *registration_id = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  const char *rating = current_rating (self);

  g_return_val_if_fail (FOYER_IS_LEAD_PAGE (self), FALSE);

  if (self->lead == NULL || (self->badge_code == NULL && self->visitor == NULL)) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                 _("Scan a visitor’s badge first."));
    return FALSE;
  }
  if (rating == NULL) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                 _("Choose hot, warm or cold before saving."));
    set_status (self, _("Choose hot, warm or cold before saving."), TRUE);
    return FALSE;
  }

  registration_id = ensure_registration (self, &local);
  if (registration_id == NULL) {
    g_autofree char *msg = g_strdup_printf (_("The lead was not saved: %s"), local->message);
    set_status (self, msg, TRUE);
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  /* The visitor now exists even if saving the lead fails below: remember it. */
  g_free (self->lead->registration_id);
  self->lead->registration_id = g_strdup (registration_id);

  buffer = gtk_text_view_get_buffer (self->notes_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));

  lead = foyer_lead_copy (self->lead);
  if (lead->event == NULL)
    lead->event = g_strdup (event_of (self));
  if (lead->kiosk_id == NULL)
    lead->kiosk_id = g_strdup (foyer_config_get_string (self->config, "kiosk", "id"));
  if (lead->booth == NULL)
    lead->booth = g_strdup (foyer_config_get_string (self->config, "kiosk", "booth"));
  if (lead->staff_id == NULL)
    lead->staff_id = g_strdup (foyer_config_get_string (self->config, "kiosk", "staff-id"));
  g_free (lead->rating);
  lead->rating = g_strdup (rating);
  g_free (lead->notes);
  lead->notes = *notes != '\0' ? g_steal_pointer (&notes) : NULL;
  g_free (lead->answers_json);
  lead->answers_json = foyer_lead_page_dup_answers_json (self);
  lead->follow_up = gtk_switch_get_active (self->follow_up_switch);

  if (!foyer_store_save_lead (self->store, lead, &local)) {
    g_autofree char *msg = g_strdup_printf (_("The lead was not saved: %s"), local->message);
    set_status (self, msg, TRUE);
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }

  foyer_lead_free (self->lead);
  self->lead = g_steal_pointer (&lead);
  set_status (self, NULL, FALSE);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, self->lead->id);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.lead-saved", "s", self->lead->id);
  return TRUE;
}

const char *
foyer_lead_page_get_lead_id (FoyerLeadPage *self)
{
  g_return_val_if_fail (FOYER_IS_LEAD_PAGE (self), NULL);
  return self->lead != NULL ? self->lead->id : NULL;
}

void
foyer_lead_page_set_store (FoyerLeadPage *self,
                           FoyerStore    *store)
{
  g_return_if_fail (FOYER_IS_LEAD_PAGE (self));
  g_set_object (&self->store, store);
}

void
foyer_lead_page_set_config (FoyerLeadPage *self,
                            FoyerConfig   *config)
{
  g_return_if_fail (FOYER_IS_LEAD_PAGE (self));

  if (!g_set_object (&self->config, config))
    return;
  if (self->language == NULL && config != NULL)
    self->language = g_strdup (foyer_config_get_string (config, "kiosk", "language"));
  build_questions (self);
  if (self->lead != NULL)
    apply_answers (self, self->lead->answers_json);
}

void
foyer_lead_page_set_language (FoyerLeadPage *self,
                              const char    *language)
{
  g_autofree char *answers = NULL;

  g_return_if_fail (FOYER_IS_LEAD_PAGE (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  /* Rebuilding the questions in the other language keeps what staff already ticked. */
  answers = foyer_lead_page_dup_answers_json (self);
  g_free (self->language);
  self->language = g_strdup (language);
  build_questions (self);
  apply_answers (self, answers);
  show_visitor (self);
}

/* --- actions --- */

static void
rate_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FoyerLeadPage *self = FOYER_LEAD_PAGE (widget);
  const char *rating = g_variant_get_string (parameter, NULL);

  if (foyer_rating_is_valid (rating))
    set_rating (self, rating);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FoyerLeadPage *self = FOYER_LEAD_PAGE (widget);
  g_autoptr(GError) error = NULL;

  /* Errors are on the page already; staff can correct and save again without losing input. */
  if (!foyer_lead_page_save (self, &error))
    g_debug ("lead not saved: %s", error->message);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FoyerLeadPage *self = FOYER_LEAD_PAGE (widget);

  foyer_lead_page_clear (self);
  g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
  gtk_widget_activate_action (widget, "win.go-home", NULL);
}

static void
foyer_lead_page_dispose (GObject *object)
{
  FoyerLeadPage *self = (FoyerLeadPage *)object;

  g_clear_pointer (&self->question_groups, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_LEAD_PAGE);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_pointer (&self->lead, foyer_lead_free);
  g_clear_pointer (&self->visitor, foyer_registration_free);
  g_clear_pointer (&self->badge_code, g_free);
  g_clear_pointer (&self->raw_payload, g_bytes_unref);
  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (foyer_lead_page_parent_class)->dispose (object);
}

static void
foyer_lead_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FoyerLeadPage *self = FOYER_LEAD_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    g_value_set_object (value, self->store);
    break;
  case PROP_CONFIG:
    g_value_set_object (value, self->config);
    break;
  case PROP_LANGUAGE:
    g_value_set_string (value, self->language);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_lead_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FoyerLeadPage *self = FOYER_LEAD_PAGE (object);

  switch (prop_id) {
  case PROP_STORE:
    foyer_lead_page_set_store (self, g_value_get_object (value));
    break;
  case PROP_CONFIG:
    foyer_lead_page_set_config (self, g_value_get_object (value));
    break;
  case PROP_LANGUAGE:
    foyer_lead_page_set_language (self, g_value_get_string (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_lead_page_class_init (FoyerLeadPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_lead_page_dispose;
  object_class->get_property = foyer_lead_page_get_property;
  object_class->set_property = foyer_lead_page_set_property;

  /* where leads are saved; NULL when the database is not open */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FOYER_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* the event, booth and qualifying questions */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* "zh_CN" or "en": the questions' language */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);


  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-lead-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, visitor_title);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, visitor_subtitle);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, badge_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, captured_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, unknown_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, organization_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, hot_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, warm_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, cold_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, questions_box);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, notes_view);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, follow_up_switch);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerLeadPage, save_button);
  gtk_widget_class_bind_template_callback (widget_class, rating_toggled_cb);

  gtk_widget_class_install_action (widget_class, "lead.rate", "s", rate_action);
  gtk_widget_class_install_action (widget_class, "lead.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "lead.cancel", NULL, cancel_action);
}

static void
foyer_lead_page_init (FoyerLeadPage *self)
{
  self->questions = g_ptr_array_new_with_free_func ((GDestroyNotify)question_free);
  self->question_groups = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_toggle_button_set_group (self->warm_button, self->hot_button);
  gtk_toggle_button_set_group (self->cold_button, self->hot_button);
  foyer_lead_page_clear (self);
}

static void
foyer_lead_page_page_reset (FoyerPage *page)
{
  foyer_lead_page_clear (FOYER_LEAD_PAGE (page));
}

static gboolean
foyer_lead_page_holds_visitor_data (FoyerPage *page)
{
  FoyerLeadPage *self = FOYER_LEAD_PAGE (page);

  return self->lead != NULL || self->badge_code != NULL || self->visitor != NULL;
}

static void
foyer_lead_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_lead_page_page_reset;
  iface->holds_visitor_data = foyer_lead_page_holds_visitor_data;
}

GtkWidget *
foyer_lead_page_new (void)
{
  return g_object_new (FOYER_TYPE_LEAD_PAGE, NULL);
}
