/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-form-page.c: one form for both ways in: the review of a scanned business card and the
 * manual registration. Validation is inline, next to the field, in the visitor's language. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-form-page.h"
#include "foyer-page.h"

struct _FoyerFormPage {
  GtkWidget         parent_instance;

  /* template widgets */
  GtkScrolledWindow *scroller;
  GtkLabel         *heading_label;
  GtkLabel         *subheading_label;
  GtkEntry         *name_entry;
  GtkEntry         *family_entry;
  GtkEntry         *given_entry;
  GtkEntry         *organization_entry;
  GtkEntry         *title_entry;
  GtkEntry         *phone_entry;
  GtkEntry         *email_entry;
  GtkLabel         *name_error;
  GtkLabel         *phone_error;
  GtkLabel         *phone_hint;
  GtkLabel         *email_error;
  GtkLabel         *consent_error;
  GtkLabel         *submit_error;
  GtkExpander      *names_expander;
  GtkToggleButton  *category_trade;
  GtkToggleButton  *category_public;
  GtkToggleButton  *category_media;
  GtkToggleButton  *category_exhibitor;
  GtkToggleButton  *category_vip;
  GtkLabel         *interests_heading;
  GtkFlowBox       *interests_box;
  GtkCheckButton   *consent_check;
  GtkLabel         *consent_label;

  /* owned: what came with the scanned card and has no field of its own */
  char             *source;
  GBytes           *raw_payload;
  char            **extra_phones;
  char            **phones_unverified;  /* the card's numbers kept as written (see FoyerContact) */
  char            **extra_emails;
  char             *badge_code;
  gboolean          active;

  /* owned: set by the window */
  FoyerConfig      *config;
  FoyerKioskFlow   *flow;
  char             *language;
};

static void foyer_form_page_page_init (FoyerPageInterface *iface);
static void update_phone_hint (FoyerFormPage *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerFormPage, foyer_form_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_form_page_page_init))

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_FLOW,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static struct {
  const char *category;
  gsize       offset;
} categories[] = {
  { FOYER_CATEGORY_TRADE_VISITOR, G_STRUCT_OFFSET (FoyerFormPage, category_trade) },
  { FOYER_CATEGORY_PUBLIC, G_STRUCT_OFFSET (FoyerFormPage, category_public) },
  { FOYER_CATEGORY_MEDIA, G_STRUCT_OFFSET (FoyerFormPage, category_media) },
  { FOYER_CATEGORY_EXHIBITOR, G_STRUCT_OFFSET (FoyerFormPage, category_exhibitor) },
  { FOYER_CATEGORY_VIP, G_STRUCT_OFFSET (FoyerFormPage, category_vip) },
};

#define CATEGORY_BUTTON(self, i) \
  (*(GtkToggleButton **)G_STRUCT_MEMBER_P ((self), categories[i].offset))

static FoyerConfig *
foyer_form_page_get_config (FoyerFormPage *self)
{
  return self->config;
}

/* --- errors ------------------------------------------------------------------------------ */

static void
set_error (GtkLabel   *label,
           GtkWidget  *field,
           const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (field != NULL) {
    if (message != NULL)
      gtk_widget_add_css_class (field, "error");
    else
      gtk_widget_remove_css_class (field, "error");
    gtk_accessible_update_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID,
                                 message != NULL ? GTK_ACCESSIBLE_INVALID_TRUE
                                                 : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  }
}

static void
clear_errors (FoyerFormPage *self)
{
  set_error (self->name_error, GTK_WIDGET (self->name_entry), NULL);
  set_error (self->phone_error, GTK_WIDGET (self->phone_entry), NULL);
  set_error (self->email_error, GTK_WIDGET (self->email_entry), NULL);
  set_error (self->consent_error, GTK_WIDGET (self->consent_check), NULL);
  set_error (self->submit_error, NULL, NULL);
}

/* --- filling ----------------------------------------------------------------------------- */

static void
set_text (GtkEntry   *entry,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
}

static const char *
first_of (char **list)
{
  return list != NULL && list[0] != NULL ? list[0] : NULL;
}

static char **
rest_of (char **list)
{
  return list != NULL && list[0] != NULL ? g_strdupv (list + 1) : NULL;
}

/* Forgets what a scanned code brought that the fields do not show. */
static void
clear_scanned (FoyerFormPage *self)
{
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->raw_payload, g_bytes_unref);
  g_clear_pointer (&self->extra_phones, g_strfreev);
  g_clear_pointer (&self->phones_unverified, g_strfreev);
  g_clear_pointer (&self->extra_emails, g_strfreev);
  g_clear_pointer (&self->badge_code, g_free);
}

static void
foyer_form_page_clear (FoyerFormPage *self)
{
  GtkWidget *child;

  set_text (self->name_entry, NULL);
  set_text (self->family_entry, NULL);
  set_text (self->given_entry, NULL);
  set_text (self->organization_entry, NULL);
  set_text (self->title_entry, NULL);
  set_text (self->phone_entry, NULL);
  set_text (self->email_entry, NULL);
  gtk_expander_set_expanded (self->names_expander, FALSE);
  gtk_toggle_button_set_active (self->category_trade, TRUE);
  gtk_check_button_set_active (self->consent_check, FALSE);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->interests_box))) != NULL)
    gtk_flow_box_remove (self->interests_box, child);

  clear_errors (self);
  clear_scanned (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

/* Interests and consent text come from the configuration, in the current language. */
static void
foyer_form_page_prepare (FoyerFormPage *self)
{
  FoyerConfig *config = foyer_form_page_get_config (self);
  g_auto(GStrv) interests = NULL;
  g_autofree char *consent = NULL;

  foyer_form_page_clear (self);
  self->active = TRUE;

  if (config != NULL) {
    interests = foyer_config_get_string_list (config, "kiosk", "interests");
    consent = foyer_config_get_locale_string (config, "consent", "text",
                                              self->language != NULL ? self->language : "zh_CN");
  }

  for (guint i = 0; interests != NULL && interests[i] != NULL; i++) {
    GtkWidget *button;

    if (*interests[i] == '\0')
      continue;
    button = gtk_toggle_button_new_with_label (interests[i]);
    g_object_set_data_full (G_OBJECT (button), "interest", g_strdup (interests[i]), g_free);
    gtk_flow_box_append (self->interests_box, button);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->interests_heading),
                          interests != NULL && interests[0] != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->interests_box),
                          interests != NULL && interests[0] != NULL);

  if (consent == NULL || *consent == '\0') {
    g_free (consent);
    consent = g_strdup (_("I agree that the organizer stores my details to register me for this "
                          "event and to contact me about it. I can ask for them to be deleted at "
                          "any time."));
  }
  gtk_label_set_text (self->consent_label, consent);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->consent_check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, consent, -1);
}

void
foyer_form_page_show_manual (FoyerFormPage *self)
{
  g_return_if_fail (FOYER_IS_FORM_PAGE (self));

  foyer_form_page_prepare (self);
  self->source = g_strdup (FOYER_SOURCE_MANUAL);
  gtk_label_set_text (self->heading_label, _("Register"));
  gtk_label_set_text (self->subheading_label,
                      _("Fill in your details. Fields marked * are required; "
                        "we need a mobile number or an e-mail address."));
}

void
foyer_form_page_show_contact (FoyerFormPage      *self,
                              const FoyerContact *contact,
                              const char         *source,
                              GBytes             *raw)
{
  g_return_if_fail (FOYER_IS_FORM_PAGE (self));
  g_return_if_fail (contact != NULL);

  foyer_form_page_prepare (self);
  self->source = g_strdup (source != NULL ? source : FOYER_SOURCE_MANUAL);
  self->raw_payload = raw != NULL ? g_bytes_ref (raw) : NULL;
  self->extra_phones = rest_of (contact->phones);
  self->phones_unverified = g_strdupv (contact->phones_unverified);
  self->extra_emails = rest_of (contact->emails);
  self->badge_code = g_strdup (contact->badge_code);

  gtk_label_set_text (self->heading_label, _("Please check your details"));
  gtk_label_set_text (self->subheading_label,
                      _("We read these details from your card. Correct anything that is wrong, "
                        "then tap Register."));

  if (contact->full_name != NULL)
    set_text (self->name_entry, contact->full_name);
  else if (contact->family_name != NULL || contact->given_name != NULL) {
    g_autofree char *joined = g_strjoin (" ", contact->given_name ? contact->given_name : "",
                                         contact->family_name ? contact->family_name : "", NULL);
    set_text (self->name_entry, g_strstrip (joined));
  }
  set_text (self->family_entry, contact->family_name);
  set_text (self->given_entry, contact->given_name);
  gtk_expander_set_expanded (self->names_expander,
                             contact->family_name != NULL || contact->given_name != NULL);
  set_text (self->organization_entry, contact->organization);
  set_text (self->title_entry, contact->title);
  set_text (self->phone_entry, first_of (contact->phones));
  set_text (self->email_entry, first_of (contact->emails));
  update_phone_hint (self);
}

/* --- submitting -------------------------------------------------------------------------- */

static char *
entry_text (GtkEntry *entry)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_strstrip (text);
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static char **
prepend (const char  *first,
         char       **rest)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (first != NULL)
    g_strv_builder_add (builder, first);
  for (guint i = 0; rest != NULL && rest[i] != NULL; i++)
    if (g_strcmp0 (rest[i], first) != 0)
      g_strv_builder_add (builder, rest[i]);
  {
    char **list = g_strv_builder_end (builder);

    if (list[0] == NULL) {
      g_strfreev (list);
      return NULL;
    }
    return list;
  }
}

static const char *
selected_category (FoyerFormPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (gtk_toggle_button_get_active (CATEGORY_BUTTON (self, i)))
      return categories[i].category;
  return FOYER_CATEGORY_TRADE_VISITOR;
}

static char **
selected_interests (FoyerFormPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  char **list;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->interests_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

    if (GTK_IS_TOGGLE_BUTTON (button) && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
      g_strv_builder_add (builder, g_object_get_data (G_OBJECT (button), "interest"));
  }
  list = g_strv_builder_end (builder);
  if (list[0] == NULL) {
    g_strfreev (list);
    return NULL;
  }
  return list;
}

/* The numbers of phones that are among the card's unverified ones. */
static char **
unverified_of (char **phones,
               char **unverified)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; phones != NULL && phones[i] != NULL; i++)
    if (unverified != NULL && g_strv_contains ((const char * const *) unverified, phones[i]))
      g_strv_builder_add (builder, phones[i]);
  list = g_strv_builder_end (builder);
  return list[0] != NULL ? g_steal_pointer (&list) : NULL;
}

gboolean
foyer_form_page_submit (FoyerFormPage *self)
{
  FoyerConfig *config = foyer_form_page_get_config (self);
  g_autofree char *name = entry_text (self->name_entry);
  g_autofree char *phone_in = entry_text (self->phone_entry);
  g_autofree char *email_in = entry_text (self->email_entry);
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  g_autoptr(FoyerRegistration) reg = NULL;
  g_autoptr(FoyerFlowResult) result = NULL;
  GtkWidget *first_invalid = NULL;
  const char *region;

  g_return_val_if_fail (FOYER_IS_FORM_PAGE (self), FALSE);

  clear_errors (self);
  region = config != NULL ? foyer_config_get_string (config, "kiosk", "default-region") : "CN";

  if (name == NULL) {
    set_error (self->name_error, GTK_WIDGET (self->name_entry), _("Please enter your name."));
    first_invalid = first_invalid ? first_invalid : GTK_WIDGET (self->name_entry);
  }
  /* a number from the card that no region explains is kept as the visitor wrote it, flagged */
  if (phone_in != NULL && self->phones_unverified != NULL &&
      g_strv_contains ((const char * const *) self->phones_unverified, phone_in))
    phone = foyer_phone_normalize (phone_in, region) ?: g_strdup (phone_in);
  if (phone_in != NULL && phone == NULL &&
      (phone = foyer_phone_normalize (phone_in, region)) == NULL) {
    set_error (self->phone_error, GTK_WIDGET (self->phone_entry),
               _("This is not a mobile number we can use. Please check it, "
                 "e.g. 138 0013 8000 or +49 170 1234567."));
    first_invalid = first_invalid ? first_invalid : GTK_WIDGET (self->phone_entry);
  }
  if (email_in != NULL && (email = foyer_email_normalize (email_in)) == NULL) {
    set_error (self->email_error, GTK_WIDGET (self->email_entry),
               _("This is not an e-mail address. Please check it, e.g. name@example.com."));
    first_invalid = first_invalid ? first_invalid : GTK_WIDGET (self->email_entry);
  }
  if (phone_in == NULL && email_in == NULL) {
    set_error (self->phone_error, GTK_WIDGET (self->phone_entry),
               _("Please enter a mobile number or an e-mail address."));
    first_invalid = first_invalid ? first_invalid : GTK_WIDGET (self->phone_entry);
  }
  if (!gtk_check_button_get_active (self->consent_check)) {
    set_error (self->consent_error, GTK_WIDGET (self->consent_check),
               _("Please tick the box to agree. Without your consent we cannot register you."));
    first_invalid = first_invalid ? first_invalid : GTK_WIDGET (self->consent_check);
  }

  if (first_invalid != NULL) {
    set_error (self->submit_error, NULL, _("Please correct the fields marked in red."));
    gtk_widget_grab_focus (first_invalid);
    return FALSE;
  }

  reg = foyer_registration_new ();
  reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  reg->category = g_strdup (selected_category (self));
  reg->full_name = g_steal_pointer (&name);
  reg->family_name = entry_text (self->family_entry);
  reg->given_name = entry_text (self->given_entry);
  reg->organization = entry_text (self->organization_entry);
  reg->title = entry_text (self->title_entry);
  reg->phones = prepend (phone, self->extra_phones);
  reg->phones_unverified = unverified_of (reg->phones, self->phones_unverified);
  reg->emails = prepend (email, self->extra_emails);
  reg->interests = selected_interests (self);
  reg->badge_code = g_strdup (self->badge_code);
  reg->source = g_strdup (self->source != NULL ? self->source : FOYER_SOURCE_MANUAL);
  reg->raw_payload = self->raw_payload != NULL ? g_bytes_ref (self->raw_payload) : NULL;
  reg->consent_given = TRUE;
  reg->consent_version = g_strdup (config != NULL ? foyer_config_get_string (config, "consent", "version")
                                                  : "1");
  reg->consent_at = foyer_timestamp_now ();

  if (self->flow == NULL) {
    set_error (self->submit_error, NULL, _("Registrations cannot be saved right now."));
    return FALSE;
  }
  result = foyer_kiosk_flow_register (self->flow, reg);
  if (foyer_flow_result_get_status (result) == FOYER_FLOW_STATUS_ERROR) {
    const GError *error = foyer_flow_result_get_error (result);

    g_debug ("registration not stored: %s", error->message);
    set_error (self->submit_error, NULL, error->message);
    return FALSE;
  }
  g_signal_emit (self, signals[SIGNAL_SUBMITTED], 0, result);
  return TRUE;
}

static void
foyer_form_page_register_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  foyer_form_page_submit (FOYER_FORM_PAGE (widget));
}

/* --- test and glue accessors --------------------------------------------------------------- */

GtkEditable *
foyer_form_page_get_field (FoyerFormPage *self,
                           const char    *name)
{
  g_autofree char *child = NULL;

  g_return_val_if_fail (FOYER_IS_FORM_PAGE (self), NULL);

  child = g_strconcat (name, "_entry", NULL);
  return GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (self), FOYER_TYPE_FORM_PAGE,
                                                      child));
}

const char *
foyer_form_page_get_error (FoyerFormPage *self,
                           const char    *name)
{
  g_autofree char *child = NULL;
  GtkLabel *label;

  g_return_val_if_fail (FOYER_IS_FORM_PAGE (self), NULL);

  child = g_strconcat (name, "_error", NULL);
  label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (self), FOYER_TYPE_FORM_PAGE, child));
  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : "";
}

void
foyer_form_page_set_category (FoyerFormPage *self,
                              const char    *category)
{
  g_return_if_fail (FOYER_IS_FORM_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_strcmp0 (categories[i].category, category) == 0)
      gtk_toggle_button_set_active (CATEGORY_BUTTON (self, i), TRUE);
}

void
foyer_form_page_set_consent (FoyerFormPage *self,
                             gboolean       consent)
{
  g_return_if_fail (FOYER_IS_FORM_PAGE (self));
  gtk_check_button_set_active (self->consent_check, consent);
}

gboolean
foyer_form_page_set_interest (FoyerFormPage *self,
                              const char    *interest,
                              gboolean       active)
{
  g_return_val_if_fail (FOYER_IS_FORM_PAGE (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->interests_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

    if (g_strcmp0 (g_object_get_data (G_OBJECT (button), "interest"), interest) == 0) {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), active);
      return TRUE;
    }
  }
  return FALSE;
}

/* --- FoyerPage --------------------------------------------------------------------------- */

static void
foyer_form_page_reset (FoyerPage *page)
{
  FoyerFormPage *self = FOYER_FORM_PAGE (page);

  foyer_form_page_clear (self);
  gtk_label_set_text (self->heading_label, "");
  gtk_label_set_text (self->subheading_label, "");
  self->active = FALSE;
}

static gboolean
foyer_form_page_holds_visitor_data (FoyerPage *page)
{
  return FOYER_FORM_PAGE (page)->active;
}

static void
foyer_form_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_form_page_reset;
  iface->holds_visitor_data = foyer_form_page_holds_visitor_data;
}

/* Typing (also through an input method or on-screen keyboard) keeps the session alive, and a
 * field the visitor is correcting loses its error. */
/* A number from the card that no region explains was kept as written: while the entry still
 * holds it, say so, so the visitor can add the country code. */
static void
update_phone_hint (FoyerFormPage *self)
{
  g_autofree char *phone = entry_text (self->phone_entry);
  gboolean unverified = phone != NULL && self->phones_unverified != NULL &&
                        g_strv_contains ((const char * const *) self->phones_unverified, phone);

  gtk_widget_set_visible (GTK_WIDGET (self->phone_hint), unverified);
}

static void
foyer_form_page_changed_cb (GtkEditable   *editable,
                            FoyerFormPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.note-activity", NULL);
  if (editable == GTK_EDITABLE (self->name_entry))
    set_error (self->name_error, GTK_WIDGET (self->name_entry), NULL);
  else if (editable == GTK_EDITABLE (self->phone_entry)) {
    set_error (self->phone_error, GTK_WIDGET (self->phone_entry), NULL);
    update_phone_hint (self);
  }
  else if (editable == GTK_EDITABLE (self->email_entry))
    set_error (self->email_error, GTK_WIDGET (self->email_entry), NULL);
}

/* Enter (or an on-screen keyboard's "next") moves on to the next field, as on paper. */
static void
foyer_form_page_entry_activate_cb (GtkEntry      *entry,
                                   FoyerFormPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (root != NULL)
    gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD);
}

static void
foyer_form_page_consent_cb (GtkCheckButton *check,
                            GParamSpec     *pspec,
                            FoyerFormPage  *self)
{
  if (gtk_check_button_get_active (check))
    set_error (self->consent_error, GTK_WIDGET (self->consent_check), NULL);
}

static void
foyer_form_page_dispose (GObject *object)
{
  FoyerFormPage *self = (FoyerFormPage *)object;

  clear_scanned (self);
  g_clear_object (&self->config);
  g_clear_object (&self->flow);
  g_clear_pointer (&self->language, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_FORM_PAGE);
  /* The template's top-level box may not be a bound child: unparent whatever is left. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (foyer_form_page_parent_class)->dispose (object);
}

static void
foyer_form_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FoyerFormPage *self = FOYER_FORM_PAGE (object);

  switch (prop_id) {
  case PROP_CONFIG:
    g_value_set_object (value, self->config);
    break;
  case PROP_FLOW:
    g_value_set_object (value, self->flow);
    break;
  case PROP_LANGUAGE:
    g_value_set_string (value, self->language);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_form_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FoyerFormPage *self = FOYER_FORM_PAGE (object);

  switch (prop_id) {
  case PROP_CONFIG:
    g_set_object (&self->config, g_value_get_object (value));
    break;
  case PROP_FLOW:
    g_set_object (&self->flow, g_value_get_object (value));
    break;
  case PROP_LANGUAGE:
    g_free (self->language);
    self->language = g_value_dup_string (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_form_page_class_init (FoyerFormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_form_page_dispose;
  object_class->get_property = foyer_form_page_get_property;
  object_class->set_property = foyer_form_page_set_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* Judges and stores what the visitor submits. */
  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL, FOYER_TYPE_KIOSK_FLOW,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* "zh_CN" or "en": the language of the configured consent text. */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FoyerFormPage::submitted:
   * @result: the kiosk flow's answer (registered or repeat; errors stay on the form)
   */
  signals[SIGNAL_SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, FOYER_TYPE_FLOW_RESULT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-form-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, heading_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, subheading_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, family_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, given_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, organization_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, title_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, phone_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, email_entry);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, name_error);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, phone_error);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, phone_hint);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, email_error);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, consent_error);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, submit_error);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, names_expander);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, category_trade);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, category_public);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, category_media);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, category_exhibitor);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, category_vip);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, interests_heading);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, interests_box);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, consent_check);
  gtk_widget_class_bind_template_child (widget_class, FoyerFormPage, consent_label);

  gtk_widget_class_install_action (widget_class, "form.register", NULL,
                                   foyer_form_page_register_action);
}

static void
foyer_form_page_init (FoyerFormPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  {
    GtkEntry *entries[] = {
      self->name_entry, self->family_entry, self->given_entry, self->organization_entry,
      self->title_entry, self->phone_entry, self->email_entry,
    };

    for (guint i = 0; i < G_N_ELEMENTS (entries); i++) {
      g_signal_connect (entries[i], "changed", G_CALLBACK (foyer_form_page_changed_cb), self);
      g_signal_connect (entries[i], "activate", G_CALLBACK (foyer_form_page_entry_activate_cb), self);
    }
  }
  g_signal_connect (self->consent_check, "notify::active",
                    G_CALLBACK (foyer_form_page_consent_cb), self);
}
