/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-pin-page.c: a large-button PIN pad. It checks the PIN through a FoyerPinGuard and emits
 * ::unlocked on success or ::cancelled; the window decides what the PIN opens. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-page.h"
#include "foyer-pin-page.h"
#include "foyer-core.h"

struct _FoyerPinPage {
  GtkWidget      parent_instance;

  /* template widgets */
  GtkWidget     *content;
  GtkLabel      *purpose_label;
  GtkLabel      *dots_label;
  GtkLabel      *message_label;
  GtkGrid       *pad;

  /* owned */
  FoyerPinGuard *guard;
  GString       *entered;
  guint          countdown_id;
  gboolean       was_locked;
};

static void foyer_pin_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerPinPage, foyer_pin_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_pin_page_page_init))

enum { PROP_0, PROP_GUARD, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_UNLOCKED, SIGNAL_CANCELLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update_lock_state (FoyerPinPage *self);

/* The guard the window (or a test) gave this page: the window gives every page it creates the
 * one it keeps, so that a page recreated by a language switch does not forget a lockout. */
static FoyerPinGuard *
guard_of (FoyerPinPage *self)
{
  return self->guard;
}

static void
wipe_entered (FoyerPinPage *self)
{
  memset (self->entered->str, 0, self->entered->len);
  g_string_truncate (self->entered, 0);
}

static void
update_dots (FoyerPinPage *self)
{
  g_autoptr(GString) dots = g_string_new (NULL);
  g_autofree char *accessible = NULL;

  /* Show at least the four slots of the shortest PIN so the pad does not look empty. */
  for (gsize i = 0; i < MAX (self->entered->len, FOYER_PIN_MIN_DIGITS); i++) {
    if (i > 0)
      g_string_append (dots, " ");
    g_string_append (dots, i < self->entered->len ? "●" : "○");
  }
  gtk_label_set_label (self->dots_label, dots->str);
  accessible = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u digit entered",
                                             "%u digits entered", self->entered->len),
                                (guint)self->entered->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dots_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
set_message (FoyerPinPage *self,
             const char   *message,
             gboolean      error)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static gboolean
countdown_cb (gpointer user_data)
{
  FoyerPinPage *self = user_data;

  update_lock_state (self);
  if (guard_of (self) == NULL || foyer_pin_guard_lock_remaining (guard_of (self)) == 0) {
    self->countdown_id = 0;
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static void
update_lock_state (FoyerPinPage *self)
{
  FoyerPinGuard *guard = guard_of (self);
  int remaining = guard != NULL ? foyer_pin_guard_lock_remaining (guard) : 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->pad), remaining == 0);
  if (remaining > 0) {
    /* Seconds for the first lockout, minutes (rounded up) for the longer ones that follow. */
    int minutes = (remaining + 59) / 60;
    g_autofree char *msg =
      remaining <= 120
      ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Too many wrong PINs. Try again in %d second.",
                                      "Too many wrong PINs. Try again in %d seconds.", remaining),
                         remaining)
      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Too many wrong PINs. Try again in %d minute.",
                                      "Too many wrong PINs. Try again in %d minutes.", minutes),
                         minutes);
    set_message (self, msg, TRUE);
    if (self->countdown_id == 0)
      self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
    self->was_locked = TRUE;
  } else if (self->was_locked) {
    /* The minute is over: say so instead of leaving the lock message up. */
    self->was_locked = FALSE;
    set_message (self, _("Enter the staff PIN."), FALSE);
  }
}

void
foyer_pin_page_type (FoyerPinPage *self,
                     const char   *digits)
{
  g_return_if_fail (FOYER_IS_PIN_PAGE (self));

  if (guard_of (self) != NULL && foyer_pin_guard_lock_remaining (guard_of (self)) > 0)
    return;
  for (const char *p = digits; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p) && self->entered->len < FOYER_PIN_MAX_DIGITS)
      g_string_append_c (self->entered, *p);
  update_dots (self);
}

void
foyer_pin_page_submit (FoyerPinPage *self)
{
  g_autoptr(GError) error = NULL;
  FoyerPinGuard *guard;

  g_return_if_fail (FOYER_IS_PIN_PAGE (self));

  if ((guard = guard_of (self)) == NULL)
    return;
  if (self->entered->len == 0 && foyer_pin_guard_lock_remaining (guard) == 0 &&
      foyer_pin_guard_has_pin (guard))
    return;

  if (foyer_pin_guard_check (guard, self->entered->str, &error)) {
    wipe_entered (self);
    update_dots (self);
    set_message (self, NULL, FALSE);
    g_signal_emit (self, signals[SIGNAL_UNLOCKED], 0);
    gtk_widget_activate_action (GTK_WIDGET (self), "win.staff-unlocked", NULL);
    return;
  }

  wipe_entered (self);
  update_dots (self);

  if (g_error_matches (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG)) {
    int left = foyer_pin_guard_attempts_left (guard);
    int lock_minutes = foyer_pin_guard_next_lockout_seconds (guard) / 60;
    g_autofree char *msg =
      lock_minutes <= 1
      ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Wrong PIN. %d attempt left before a one-minute lock.",
                                      "Wrong PIN. %d attempts left before a one-minute lock.",
                                      left), left)
      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Wrong PIN. %d attempt left before a %d-minute lock.",
                                      "Wrong PIN. %d attempts left before a %d-minute lock.",
                                      left), left, lock_minutes);
    set_message (self, msg, TRUE);
  } else if (g_error_matches (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED)) {
    update_lock_state (self);
  } else if (g_error_matches (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_MALFORMED_HASH)) {
    set_message (self, _("The configured staff PIN is damaged. Set it again with "
                         "“foyerctl set-pin”."), TRUE);
  } else if (g_error_matches (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_NOT_SET)) {
    set_message (self, _("No staff PIN is set. Set one with “foyerctl set-pin”."), TRUE);
  } else {
    set_message (self, error->message, TRUE);
  }
}

const char *
foyer_pin_page_get_message (FoyerPinPage *self)
{
  g_return_val_if_fail (FOYER_IS_PIN_PAGE (self), NULL);
  return gtk_label_get_label (self->message_label);
}

void
foyer_pin_page_reset (FoyerPinPage *self,
                      const char   *purpose)
{
  g_return_if_fail (FOYER_IS_PIN_PAGE (self));

  wipe_entered (self);
  update_dots (self);
  gtk_label_set_label (self->purpose_label,
                       purpose != NULL ? purpose : _("Staff only"));
  if (guard_of (self) != NULL && !foyer_pin_guard_has_pin (guard_of (self)))
    set_message (self, _("No staff PIN is set. Set one with “foyerctl set-pin”."), TRUE);
  else
    set_message (self, _("Enter the staff PIN."), FALSE);
  update_lock_state (self);
}

FoyerPinGuard *
foyer_pin_page_get_guard (FoyerPinPage *self)
{
  g_return_val_if_fail (FOYER_IS_PIN_PAGE (self), NULL);
  return self->guard;
}

void
foyer_pin_page_set_guard (FoyerPinPage  *self,
                          FoyerPinGuard *guard)
{
  g_return_if_fail (FOYER_IS_PIN_PAGE (self));

  if (g_set_object (&self->guard, guard)) {
    update_lock_state (self);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUARD]);
  }
}

static void
digit_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  foyer_pin_page_type (FOYER_PIN_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
backspace_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FoyerPinPage *self = FOYER_PIN_PAGE (widget);

  if (self->entered->len > 0) {
    self->entered->str[self->entered->len - 1] = '\0';
    g_string_truncate (self->entered, self->entered->len - 1);
  }
  update_dots (self);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  foyer_pin_page_submit (FOYER_PIN_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FoyerPinPage *self = FOYER_PIN_PAGE (widget);

  wipe_entered (self);
  update_dots (self);
  g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
  gtk_widget_activate_action (widget, "win.go-home", NULL);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FoyerPinPage          *self)
{
  gunichar c = gdk_keyval_to_unicode (keyval);

  if (c >= '0' && c <= '9') {
    char digit[2] = { (char)c, '\0' };
    foyer_pin_page_type (self, digit);
    return GDK_EVENT_STOP;
  }
  switch (keyval) {
  case GDK_KEY_BackSpace:
    backspace_action (GTK_WIDGET (self), NULL, NULL);
    return GDK_EVENT_STOP;
  case GDK_KEY_Return:
  case GDK_KEY_KP_Enter:
    foyer_pin_page_submit (self);
    return GDK_EVENT_STOP;
  case GDK_KEY_Escape:
    cancel_action (GTK_WIDGET (self), NULL, NULL);
    return GDK_EVENT_STOP;
  default:
    return GDK_EVENT_PROPAGATE;
  }
}

static void
foyer_pin_page_map (GtkWidget *widget)
{
  FoyerPinPage *self = FOYER_PIN_PAGE (widget);

  GTK_WIDGET_CLASS (foyer_pin_page_parent_class)->map (widget);
  update_lock_state (self);
  gtk_widget_grab_focus (widget);
}

static void
foyer_pin_page_dispose (GObject *object)
{
  FoyerPinPage *self = (FoyerPinPage *)object;

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_PIN_PAGE);
  g_clear_object (&self->guard);

  G_OBJECT_CLASS (foyer_pin_page_parent_class)->dispose (object);
}

static void
foyer_pin_page_finalize (GObject *object)
{
  FoyerPinPage *self = (FoyerPinPage *)object;

  wipe_entered (self);
  g_string_free (self->entered, TRUE);

  G_OBJECT_CLASS (foyer_pin_page_parent_class)->finalize (object);
}

static void
foyer_pin_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FoyerPinPage *self = FOYER_PIN_PAGE (object);

  switch (prop_id) {
  case PROP_GUARD:
    g_value_set_object (value, self->guard);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_pin_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FoyerPinPage *self = FOYER_PIN_PAGE (object);

  switch (prop_id) {
  case PROP_GUARD:
    foyer_pin_page_set_guard (self, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_pin_page_class_init (FoyerPinPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_pin_page_dispose;
  object_class->finalize = foyer_pin_page_finalize;
  object_class->get_property = foyer_pin_page_get_property;
  object_class->set_property = foyer_pin_page_set_property;
  widget_class->map = foyer_pin_page_map;

  properties[PROP_GUARD] =
    g_param_spec_object ("guard", NULL, NULL, FOYER_TYPE_PIN_GUARD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[SIGNAL_CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-pin-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, FoyerPinPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerPinPage, purpose_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerPinPage, dots_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerPinPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerPinPage, pad);

  gtk_widget_class_install_action (widget_class, "pin.digit", "s", digit_action);
  gtk_widget_class_install_action (widget_class, "pin.backspace", NULL, backspace_action);
  gtk_widget_class_install_action (widget_class, "pin.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "pin.cancel", NULL, cancel_action);
}

static void
foyer_pin_page_init (FoyerPinPage *self)
{
  GtkEventController *keys;

  self->entered = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  update_dots (self);
}

static void
foyer_pin_page_page_reset (FoyerPage *page)
{
  FoyerPinPage *self = FOYER_PIN_PAGE (page);

  wipe_entered (self);
  update_dots (self);
}

/* An abandoned PIN prompt goes home with the idle timeout like any visitor page. */
static gboolean
foyer_pin_page_holds_visitor_data (FoyerPage *page)
{
  return TRUE;
}

static void
foyer_pin_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_pin_page_page_reset;
  iface->holds_visitor_data = foyer_pin_page_holds_visitor_data;
}

GtkWidget *
foyer_pin_page_new (void)
{
  return g_object_new (FOYER_TYPE_PIN_PAGE, NULL);
}
