/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-notice-page.c: what happened with a code the kiosk cannot register from, in words a
 * visitor understands, with the way forward (the form) one tap away. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-notice-page.h"
#include "foyer-page.h"

struct _FoyerNoticePage {
  GtkWidget        parent_instance;

  /* template widgets */
  AdwStatusPage   *status;
  GtkWidget       *manual_button;

  FoyerNoticeKind  kind;
};

static void foyer_notice_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerNoticePage, foyer_notice_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_notice_page_page_init))

void
foyer_notice_page_show (FoyerNoticePage *self,
                        FoyerNoticeKind  kind,
                        const char      *detail)
{
  const char *icon = "dialog-information-symbolic";
  const char *title = NULL;
  const char *body = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (FOYER_IS_NOTICE_PAGE (self));

  switch (kind) {
  case FOYER_NOTICE_CONTACT_LINK:
    icon = "contact-new-symbolic";
    title = _("This is a WeChat contact code");
    body = _("It only opens a chat and does not carry your name or company. "
             "Please register with the form: it takes a minute.");
    break;
  case FOYER_NOTICE_UNKNOWN_CODE:
    icon = "dialog-question-symbolic";
    title = _("This code is not a badge or business card");
    body = _("The kiosk can read visitor badges and electronic business cards (vCard, MECARD). "
             "Please register with the form.");
    break;
  case FOYER_NOTICE_INVALID_BADGE:
    icon = "dialog-error-symbolic";
    title = _("This badge is not valid");
    body = _("Its security signature does not match this event. "
             "Please ask staff at the information desk, or register again.");
    break;
  case FOYER_NOTICE_UNKNOWN_BADGE:
    icon = "dialog-question-symbolic";
    title = _("This badge is not on our list");
    body = _("We could not find a registration for this badge. "
             "Please register with the form, or ask staff at the information desk.");
    break;
  case FOYER_NOTICE_STORE_ERROR:
    icon = "dialog-warning-symbolic";
    title = _("Something went wrong");
    body = _("Your registration could not be saved on this kiosk. Please ask staff for help.");
    break;
  case FOYER_NOTICE_REVOKED:
    icon = "action-unavailable-symbolic";
    title = _("This badge has been cancelled");
    body = _("It is no longer valid for this event. Please see the registration desk.");
    break;
  case FOYER_NOTICE_REENTRY_REFUSED:
    icon = "action-unavailable-symbolic";
    title = _("You are already checked in");
    body = _("Re-entry with this badge is not allowed here. Please see staff.");
    break;
  case FOYER_NOTICE_NONE:
  default:
    break;
  }

  /* The description is markup: escape what is shown, keep the staff detail small. */
  if (body != NULL && detail != NULL) {
    g_autofree char *b = g_markup_escape_text (body, -1);
    g_autofree char *d = g_markup_escape_text (detail, -1);

    description = g_strdup_printf ("%s\n\n<small>%s</small>", b, d);
  } else if (body != NULL) {
    description = g_markup_escape_text (body, -1);
  }

  self->kind = kind;
  adw_status_page_set_icon_name (self->status, icon);
  adw_status_page_set_title (self->status, title != NULL ? title : "");
  adw_status_page_set_description (self->status, description);
  /* Registering anew is no way round a refusal. */
  gtk_widget_set_visible (self->manual_button, kind != FOYER_NOTICE_STORE_ERROR &&
                                               kind != FOYER_NOTICE_REVOKED &&
                                               kind != FOYER_NOTICE_REENTRY_REFUSED);
}

void
foyer_notice_page_show_refusal (FoyerNoticePage *self,
                                const char      *visitor_reason,
                                const char      *staff_reason)
{
  g_autofree char *v = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (FOYER_IS_NOTICE_PAGE (self));

  v = g_markup_escape_text (visitor_reason != NULL ? visitor_reason
                                                   : _("Please ask staff at the information "
                                                       "desk."), -1);
  if (staff_reason != NULL) {
    g_autofree char *s = g_markup_escape_text (staff_reason, -1);
    description = g_strdup_printf ("%s\n\n<small>%s</small>", v, s);
  }
  self->kind = FOYER_NOTICE_REFUSED;
  adw_status_page_set_icon_name (self->status, "action-unavailable-symbolic");
  adw_status_page_set_title (self->status, _("You cannot enter here"));
  adw_status_page_set_description (self->status, description != NULL ? description : v);
  /* Registering again would not change who the visitor is. */
  gtk_widget_set_visible (self->manual_button, FALSE);
}

FoyerNoticeKind
foyer_notice_page_get_kind (FoyerNoticePage *self)
{
  g_return_val_if_fail (FOYER_IS_NOTICE_PAGE (self), FOYER_NOTICE_NONE);
  return self->kind;
}

const char *
foyer_notice_page_get_title (FoyerNoticePage *self)
{
  g_return_val_if_fail (FOYER_IS_NOTICE_PAGE (self), NULL);
  return adw_status_page_get_title (self->status);
}

static void
foyer_notice_page_reset (FoyerPage *page)
{
  FoyerNoticePage *self = FOYER_NOTICE_PAGE (page);

  self->kind = FOYER_NOTICE_NONE;
  adw_status_page_set_title (self->status, "");
  adw_status_page_set_description (self->status, NULL);
}

/* A notice leads a visitor on; left alone it must not stay up for the next one. */
static gboolean
foyer_notice_page_holds_visitor_data (FoyerPage *page)
{
  return FOYER_NOTICE_PAGE (page)->kind != FOYER_NOTICE_NONE;
}

static void
foyer_notice_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_notice_page_reset;
  iface->holds_visitor_data = foyer_notice_page_holds_visitor_data;
}

static void
foyer_notice_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FOYER_TYPE_NOTICE_PAGE);
  /* The template's top-level box may not be a bound child: unparent whatever is left. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (foyer_notice_page_parent_class)->dispose (object);
}

static void
foyer_notice_page_class_init (FoyerNoticePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_notice_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-notice-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerNoticePage, status);
  gtk_widget_class_bind_template_child (widget_class, FoyerNoticePage, manual_button);
}

static void
foyer_notice_page_init (FoyerNoticePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
