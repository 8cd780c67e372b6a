/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-welcome-page.c: the answer to a badge scan; goes home by itself after a few seconds or
 * at a tap. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-page.h"
#include "foyer-welcome-page.h"

struct _FoyerWelcomePage {
  GtkWidget  parent_instance;

  /* template widgets */
  GtkImage  *icon;
  GtkLabel  *title_label;
  GtkLabel  *organization_label;
  GtkLabel  *category_label;
  GtkLabel  *detail_label;

  /* owned */
  guint      timeout_source;
  gboolean   showing;
};

static void foyer_welcome_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerWelcomePage, foyer_welcome_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_welcome_page_page_init))

const char *
foyer_category_display_name (const char *category)
{
  if (g_strcmp0 (category, FOYER_CATEGORY_TRADE_VISITOR) == 0)
    return _("Trade visitor");
  if (g_strcmp0 (category, FOYER_CATEGORY_PUBLIC) == 0)
    return _("Public visitor");
  if (g_strcmp0 (category, FOYER_CATEGORY_MEDIA) == 0)
    return _("Media");
  if (g_strcmp0 (category, FOYER_CATEGORY_EXHIBITOR) == 0)
    return _("Exhibitor");
  if (g_strcmp0 (category, FOYER_CATEGORY_VIP) == 0)
    return _("VIP");
  if (g_strcmp0 (category, FOYER_CATEGORY_ORGANIZER) == 0)
    return _("Organizer");
  return NULL;
}

static gboolean
foyer_welcome_page_timeout_cb (gpointer user_data)
{
  FoyerWelcomePage *self = user_data;

  self->timeout_source = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-home", NULL);
  return G_SOURCE_REMOVE;
}

/* Fills the page and starts its countdown home. warn: the detail is something staff should
 * notice (the warning style). */
static void
fill (FoyerWelcomePage        *self,
      const FoyerRegistration *reg,
      const char              *title,
      const char              *detail,
      const char              *icon,
      gboolean                 warn)
{
  const char *organization = reg != NULL ? reg->organization : NULL;
  const char *category = reg != NULL ? foyer_category_display_name (reg->category) : NULL;

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->organization_label, organization != NULL ? organization : "");
  gtk_widget_set_visible (GTK_WIDGET (self->organization_label), organization != NULL);
  gtk_label_set_text (self->category_label, category != NULL ? category : "");
  gtk_widget_set_visible (GTK_WIDGET (self->category_label), category != NULL);
  gtk_label_set_text (self->detail_label, detail);
  if (warn)
    gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "foyer-repeat-warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "foyer-repeat-warning");
  gtk_image_set_from_icon_name (self->icon, icon);
  self->showing = TRUE;

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  self->timeout_source = g_timeout_add_seconds (FOYER_WELCOME_PAGE_SECONDS,
                                                foyer_welcome_page_timeout_cb, self);
}

static const char *
visitor_name (const FoyerRegistration *reg)
{
  return reg != NULL && reg->full_name != NULL && *reg->full_name != '\0' ? reg->full_name : NULL;
}

/* "You already checked in at 10:42 at entrance-01." */
static char *
earlier_detail (const char *time,
                const char *gate)
{
  g_autofree char *when = foyer_time_format_rfc3339 (time, FOYER_TIME_SHORT);

  if (when != NULL && gate != NULL)
    /* TRANSLATORS: first %s is a time like 10:42, second the name of a kiosk */
    return g_strdup_printf (_("You already checked in at %1$s at %2$s."), when, gate);
  if (when != NULL)
    return g_strdup_printf (_("You already checked in at %s."), when);
  return g_strdup (_("You are already checked in."));
}

void
foyer_welcome_page_show (FoyerWelcomePage        *self,
                         const FoyerRegistration *reg,
                         gboolean                 repeat)
{
  g_return_if_fail (FOYER_IS_WELCOME_PAGE (self));
  g_return_if_fail (reg != NULL);

  if (repeat) {
    foyer_welcome_page_show_repeat (self, reg, reg->created_at, reg->kiosk_id, NULL);
  } else {
    const char *name = visitor_name (reg);
    g_autofree char *title = name != NULL ? g_strdup_printf (_("Welcome, %s"), name)
                                          : g_strdup (_("Welcome"));

    fill (self, reg, title, _("You are checked in. Enjoy the show!"), "emblem-ok-symbolic", FALSE);
  }
}

void
foyer_welcome_page_show_repeat (FoyerWelcomePage        *self,
                                const FoyerRegistration *reg,
                                const char              *previous_time,
                                const char              *previous_gate,
                                const char              *warning)
{
  const char *name = visitor_name (reg);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  g_return_if_fail (FOYER_IS_WELCOME_PAGE (self));

  title = name != NULL ? g_strdup_printf (_("Welcome back, %s"), name) : g_strdup (_("Welcome back"));
  detail = warning != NULL ? g_strdup (warning) : earlier_detail (previous_time, previous_gate);
  fill (self, reg, title, detail, warning != NULL ? "dialog-warning-symbolic" : "emblem-default-symbolic",
        warning != NULL);
}

void
foyer_welcome_page_show_exit (FoyerWelcomePage        *self,
                              const FoyerRegistration *reg)
{
  const char *name = visitor_name (reg);
  g_autofree char *title = NULL;

  g_return_if_fail (FOYER_IS_WELCOME_PAGE (self));

  title = name != NULL ? g_strdup_printf (_("Goodbye, %s"), name) : g_strdup (_("Goodbye"));
  fill (self, reg, title, _("Your exit is recorded. Thank you for visiting!"),
        "go-next-symbolic", FALSE);
}

const char *
foyer_welcome_page_get_title (FoyerWelcomePage *self)
{
  g_return_val_if_fail (FOYER_IS_WELCOME_PAGE (self), NULL);
  return gtk_label_get_text (self->title_label);
}

const char *
foyer_welcome_page_get_detail (FoyerWelcomePage *self)
{
  g_return_val_if_fail (FOYER_IS_WELCOME_PAGE (self), NULL);
  return gtk_label_get_text (self->detail_label);
}

static void
foyer_welcome_page_reset (FoyerPage *page)
{
  FoyerWelcomePage *self = FOYER_WELCOME_PAGE (page);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->organization_label, "");
  gtk_label_set_text (self->category_label, "");
  gtk_label_set_text (self->detail_label, "");
  self->showing = FALSE;
}

static gboolean
foyer_welcome_page_holds_visitor_data (FoyerPage *page)
{
  return FOYER_WELCOME_PAGE (page)->showing;
}

static void
foyer_welcome_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_welcome_page_reset;
  iface->holds_visitor_data = foyer_welcome_page_holds_visitor_data;
}

static void
foyer_welcome_page_pressed_cb (GtkGestureClick *gesture,
                               int              n_press,
                               double           x,
                               double           y,
                               FoyerWelcomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-home", NULL);
}

static void
foyer_welcome_page_dispose (GObject *object)
{
  FoyerWelcomePage *self = (FoyerWelcomePage *)object;

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_WELCOME_PAGE);
  /* The template's top-level box may not be a bound child: unparent whatever is left. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (foyer_welcome_page_parent_class)->dispose (object);
}

static void
foyer_welcome_page_class_init (FoyerWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_welcome_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-welcome-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerWelcomePage, icon);
  gtk_widget_class_bind_template_child (widget_class, FoyerWelcomePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerWelcomePage, organization_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerWelcomePage, category_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerWelcomePage, detail_label);
}

static void
foyer_welcome_page_init (FoyerWelcomePage *self)
{
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A tap anywhere is "done". */
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (foyer_welcome_page_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
