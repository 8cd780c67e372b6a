/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll-page.c: connecting the kiosk to head office from the Admin page.
 *
 * Staff (already past the PIN) present the code printed by `foyer-hub device add`; the page
 * shows what it connects (device, event, address, pinned or not) and, when the kiosk already
 * has a connection, says so and turns the button into "Replace Connection". The exchange runs
 * in FoyerEnroll's GTask thread; on success the page puts the new keys into the running
 * configuration and raises win.head-office-connected, which the window turns into a
 * reconfigured sync engine. Every failure a person can cause gets its own sentence.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-enroll.h"
#include "foyer-enroll-page.h"
#include "foyer-page.h"

struct _FoyerEnrollPage {
  GtkWidget        parent_instance;

  /* template widgets (content: bound so that dispose_template unparents it) */
  GtkWidget       *content;
  GtkLabel        *replace_label;
  GtkWidget       *camera_slot;
  AdwEntryRow     *code_row;
  GtkWidget       *preview_group;
  AdwActionRow    *device_row;
  AdwActionRow    *event_row;
  AdwActionRow    *url_row;
  AdwActionRow    *security_row;
  GtkSpinner      *spinner;
  GtkWidget       *connect_button;
  GtkLabel        *result_label;

  /* owned */
  FoyerConfig     *config;
  FoyerEnroll     *enroll;        /* the code shown, until connected or forgotten */
  gboolean         busy;
};

static void foyer_enroll_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerEnrollPage, foyer_enroll_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_enroll_page_page_init))

enum {
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_result (FoyerEnrollPage *self,
             const char      *text,
             gboolean         error)
{
  gtk_label_set_label (self->result_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), text != NULL && *text != '\0');
  if (error) {
    gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "error");
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "success");
  } else {
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "error");
    gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "success");
  }
}

const char *
foyer_enroll_page_get_result (FoyerEnrollPage *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL_PAGE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->result_label))
         ? gtk_label_get_label (self->result_label) : "";
}

gboolean
foyer_enroll_page_get_busy (FoyerEnrollPage *self)
{
  g_return_val_if_fail (FOYER_IS_ENROLL_PAGE (self), FALSE);
  return self->busy;
}

static gboolean
is_enrolled (FoyerEnrollPage *self)
{
  return self->config != NULL && foyer_enroll_config_is_enrolled (self->config);
}

static void
update_actions (FoyerEnrollPage *self)
{
  gboolean replace = is_enrolled (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.connect",
                                 self->enroll != NULL && !self->busy);
  gtk_button_set_label (GTK_BUTTON (self->connect_button),
                        replace ? _("_Replace Connection") : _("_Connect"));
  if (replace) {
    gtk_widget_remove_css_class (self->connect_button, "suggested-action");
    gtk_widget_add_css_class (self->connect_button, "destructive-action");
  } else {
    gtk_widget_remove_css_class (self->connect_button, "destructive-action");
    gtk_widget_add_css_class (self->connect_button, "suggested-action");
  }
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), !self->busy);
}

/* The connection the kiosk has now, in the words of the replace banner. */
static void
show_current (FoyerEnrollPage *self)
{
  g_autofree char *text = NULL;

  if (is_enrolled (self)) {
    const char *device = foyer_config_get_string (self->config, "kiosk", "id");

    text = g_strdup_printf (_("This kiosk is already connected to head office at %s as %s for "
                              "event %s. Connecting with a new code replaces that connection; "
                              "records waiting on this kiosk are sent through the new one."),
                            foyer_config_get_string (self->config, "sync", "url"),
                            device != NULL ? device : "?",
                            foyer_config_get_string (self->config, "kiosk", "event"));
  }
  gtk_label_set_label (self->replace_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->replace_label), text != NULL);
  update_actions (self);
}

void
foyer_enroll_page_refresh (FoyerEnrollPage *self)
{
  g_return_if_fail (FOYER_IS_ENROLL_PAGE (self));

  if (self->busy)
    return;
  g_clear_object (&self->enroll);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  gtk_widget_set_visible (self->preview_group, FALSE);
  show_result (self, NULL, FALSE);
  show_current (self);
}

static void
show_preview (FoyerEnrollPage *self)
{
  const char *device = foyer_enroll_get_device (self->enroll);

  adw_action_row_set_subtitle (self->device_row,
                               device != NULL ? device : _("(named by head office)"));
  adw_action_row_set_subtitle (self->event_row, foyer_enroll_get_event (self->enroll));
  adw_action_row_set_subtitle (self->url_row, foyer_enroll_get_url (self->enroll));
  adw_action_row_set_subtitle (self->security_row,
                               foyer_enroll_get_pinned (self->enroll)
                               ? _("Encrypted; the server’s certificate is checked against the code")
                               : _("Plain http to this machine (no network involved)"));
  gtk_widget_set_visible (self->preview_group, TRUE);
}

/* What the person in front of the kiosk can do about each failure. */
static char *
error_text (FoyerEnroll  *enroll,
            const GError *error)
{
  const char *url = enroll != NULL ? foyer_enroll_get_url (enroll) : "";

  if (error->domain != FOYER_ENROLL_ERROR)
    return g_strdup_printf (_("Connecting failed: %s"), error->message);
  switch ((FoyerEnrollError) error->code) {
  case FOYER_ENROLL_ERROR_NOT_A_CODE:
    return g_strdup (_("This is not a Foyer enrollment code. Scan the code that “foyer-hub device "
                       "add” printed for this kiosk."));
  case FOYER_ENROLL_ERROR_CODE_USED:
    return g_strdup (_("This enrollment code was already used. Ask head office for a new one "
                       "(“foyer-hub device add”)."));
  case FOYER_ENROLL_ERROR_CODE_EXPIRED:
    return g_strdup (_("This enrollment code has expired. Ask head office for a new one "
                       "(“foyer-hub device add”)."));
  case FOYER_ENROLL_ERROR_UNREACHABLE:
    return g_strdup_printf (_("Cannot reach head office at %s. Check the kiosk’s network and "
                              "try again: the code is still valid."), url);
  case FOYER_ENROLL_ERROR_PIN_MISMATCH:
    return g_strdup_printf (_("The server at %s is not the head office this code was made for: "
                              "its certificate does not match. Nothing was sent. Check that the "
                              "kiosk is on the right network."), url);
  case FOYER_ENROLL_ERROR_NOT_A_HUB:
    return g_strdup_printf (_("The server at %s did not answer like a Foyer head office. Check "
                              "the address with head office."), url);
  case FOYER_ENROLL_ERROR_INSECURE:
    return g_strdup (_("This code uses plain http:// across the network, which this kiosk does "
                       "not allow. Ask head office for an https:// address."));
  case FOYER_ENROLL_ERROR_CONFIG:
  case FOYER_ENROLL_ERROR_OWNER:
    return g_strdup_printf (_("The kiosk’s configuration cannot be written, so nothing was "
                              "changed: %s"), error->message);
  case FOYER_ENROLL_ERROR_REFUSED:
  default:
    return g_strdup_printf (_("Head office refused this code: %s"), error->message);
  }
}

static void
take_text (FoyerEnrollPage *self,
           const char      *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerEnroll) enroll = NULL;

  if (self->busy)
    return;
  enroll = foyer_enroll_new (text, &error);
  g_set_object (&self->enroll, enroll);
  if (enroll == NULL) {
    g_autofree char *message = error_text (NULL, error);

    gtk_widget_set_visible (self->preview_group, FALSE);
    show_result (self, message, TRUE);
  } else {
    show_preview (self);
    show_result (self, NULL, FALSE);
  }
  update_actions (self);
}

void
foyer_enroll_page_take_code (FoyerEnrollPage *self,
                             GBytes          *raw)
{
  gsize len = 0;
  const char *data;
  g_autofree char *text = NULL;

  g_return_if_fail (FOYER_IS_ENROLL_PAGE (self));
  g_return_if_fail (raw != NULL);

  data = g_bytes_get_data (raw, &len);
  /* Codes are ASCII; anything else is not one (and is never shown back). */
  text = g_utf8_validate_len (data, len, NULL) ? g_strndup (data, len) : g_strdup ("");
  take_text (self, text);
}

static void
code_apply_cb (FoyerEnrollPage *self)
{
  take_text (self, gtk_editable_get_text (GTK_EDITABLE (self->code_row)));
}

static char *
success_text (FoyerEnroll *enroll)
{
  const char *event = foyer_enroll_get_event_name (enroll) != NULL
                      && *foyer_enroll_get_event_name (enroll) != '\0'
                      ? foyer_enroll_get_event_name (enroll)
                      : foyer_enroll_get_enrolled_event (enroll);
  guint adopted = foyer_enroll_get_n_adopted (enroll);
  g_autofree char *connected = g_strdup_printf (_("Connected to head office as %s for %s."),
                                                foyer_enroll_get_enrolled_device (enroll), event);

  if (adopted == 0)
    return g_steal_pointer (&connected);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s %u record registered before is being sent now.",
                                       "%s %u records registered before are being sent now.",
                                       adopted), connected, adopted);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FoyerEnrollPage) self = user_data;
  FoyerEnroll *enroll = FOYER_ENROLL (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  self->busy = FALSE;
  if (!foyer_enroll_run_finish (enroll, result, &error)) {
    text = error_text (enroll, error);
    show_result (self, text, TRUE);
    update_actions (self);
    return;
  }
  /* The running kiosk takes the connection now: config first, then the window's services. */
  if (self->config != NULL)
    foyer_enroll_apply (enroll, self->config);
  text = success_text (enroll);
  g_clear_object (&self->enroll);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  gtk_widget_set_visible (self->preview_group, FALSE);
  show_current (self);
  show_result (self, text, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.head-office-connected", NULL);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FoyerEnrollPage *self = FOYER_ENROLL_PAGE (widget);
  g_autofree char *target = NULL;

  if (self->enroll == NULL || self->busy)
    return;
  target = foyer_enroll_config_target (self->config);
  self->busy = TRUE;
  show_result (self, _("Connecting to head office…"), FALSE);
  update_actions (self);
  /* Not cancelled when the page goes: once the secret is sent, only finishing keeps the code's
   * use worth something. The callback holds the page. */
  foyer_enroll_run_async (self->enroll, target, NULL, run_done_cb, g_object_ref (self));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.back-to-admin", NULL);
}

void
foyer_enroll_page_set_camera_widget (FoyerEnrollPage *self,
                                     GtkWidget       *view)
{
  GtkWidget *child;

  g_return_if_fail (FOYER_IS_ENROLL_PAGE (self));

  while ((child = gtk_widget_get_first_child (self->camera_slot)) != NULL)
    gtk_box_remove (GTK_BOX (self->camera_slot), child);
  if (view != NULL) {
    gtk_widget_set_hexpand (view, TRUE);
    gtk_widget_set_vexpand (view, TRUE);
    gtk_box_append (GTK_BOX (self->camera_slot), view);
  }
  gtk_widget_set_visible (self->camera_slot, view != NULL);
}

/* --- FoyerPage: a staff page; the code holds a one-time secret. Like Admin it counts as
 * holding data, so the idle timeout takes it home (forgetting the code) when staff walk away. */

static void
foyer_enroll_page_reset (FoyerPage *page)
{
  foyer_enroll_page_refresh (FOYER_ENROLL_PAGE (page));
  foyer_enroll_page_set_camera_widget (FOYER_ENROLL_PAGE (page), NULL);
}

static gboolean
foyer_enroll_page_holds_visitor_data (FoyerPage *page)
{
  return TRUE;
}

static void
foyer_enroll_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_enroll_page_reset;
  iface->holds_visitor_data = foyer_enroll_page_holds_visitor_data;
}

/* --- GObject --- */

static void
foyer_enroll_page_dispose (GObject *object)
{
  FoyerEnrollPage *self = FOYER_ENROLL_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_ENROLL_PAGE);
  g_clear_object (&self->enroll);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (foyer_enroll_page_parent_class)->dispose (object);
}

static void
foyer_enroll_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FoyerEnrollPage *self = FOYER_ENROLL_PAGE (object);

  switch (prop_id) {
  case PROP_CONFIG:
    g_value_set_object (value, self->config);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_enroll_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FoyerEnrollPage *self = FOYER_ENROLL_PAGE (object);

  switch (prop_id) {
  case PROP_CONFIG:
    g_set_object (&self->config, g_value_get_object (value));
    show_current (self);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_enroll_page_class_init (FoyerEnrollPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_enroll_page_dispose;
  object_class->get_property = foyer_enroll_page_get_property;
  object_class->set_property = foyer_enroll_page_set_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-enroll-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, replace_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, camera_slot);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, preview_group);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, device_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, event_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, security_row);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerEnrollPage, result_label);
  gtk_widget_class_bind_template_callback (widget_class, code_apply_cb);
  gtk_widget_class_install_action (widget_class, "enroll.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "enroll.back", NULL, back_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
foyer_enroll_page_init (FoyerEnrollPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (self->camera_slot, FALSE);
  show_current (self);
}

