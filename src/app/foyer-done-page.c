/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-done-page.c: the end of a registration: the visitor's badge code to photograph or print.
 * The idle timeout takes it home when the visitor walks away. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-done-page.h"
#include "foyer-page.h"
#include "foyer-qr-paintable.h"
#include "foyer-welcome-page.h"

struct _FoyerDonePage {
  GtkWidget   parent_instance;

  /* template widgets */
  GtkPicture *qr_picture;
  GtkLabel   *name_label;
  GtkLabel   *category_label;
  GtkWidget  *print_button;
  AdwButtonContent *print_content;

  /* owned */
  char       *qr_text;
};

static void foyer_done_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerDonePage, foyer_done_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_done_page_page_init))

void
foyer_done_page_show (FoyerDonePage           *self,
                      const FoyerRegistration *reg,
                      const char              *qr_text)
{
  g_autoptr(FoyerQrPaintable) qr = NULL;
  const char *category;

  g_return_if_fail (FOYER_IS_DONE_PAGE (self));
  g_return_if_fail (reg != NULL);

  g_free (self->qr_text);
  self->qr_text = g_strdup (qr_text);
  if (qr_text != NULL)
    qr = foyer_qr_paintable_new_for_string (qr_text);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);

  gtk_label_set_text (self->name_label, reg->full_name != NULL ? reg->full_name : "");
  category = foyer_category_display_name (reg->category);
  gtk_label_set_text (self->category_label, category != NULL ? category : "");
  gtk_widget_set_visible (GTK_WIDGET (self->category_label), category != NULL);
}

void
foyer_done_page_set_can_print (FoyerDonePage *self,
                               gboolean       can_print)
{
  const char *label = can_print ? _("Print badge") : _("Printing not configured");

  g_return_if_fail (FOYER_IS_DONE_PAGE (self));

  adw_button_content_set_label (self->print_content, label);
  gtk_widget_set_sensitive (self->print_button, can_print);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->print_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

GdkPaintable *
foyer_done_page_get_qr (FoyerDonePage *self)
{
  g_return_val_if_fail (FOYER_IS_DONE_PAGE (self), NULL);
  return gtk_picture_get_paintable (self->qr_picture);
}

const char *
foyer_done_page_get_qr_text (FoyerDonePage *self)
{
  g_return_val_if_fail (FOYER_IS_DONE_PAGE (self), NULL);
  return self->qr_text;
}

const char *
foyer_done_page_get_name (FoyerDonePage *self)
{
  g_return_val_if_fail (FOYER_IS_DONE_PAGE (self), NULL);
  return gtk_label_get_text (self->name_label);
}

static void
foyer_done_page_reset (FoyerPage *page)
{
  FoyerDonePage *self = FOYER_DONE_PAGE (page);

  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_label_set_text (self->name_label, "");
  gtk_label_set_text (self->category_label, "");
  g_clear_pointer (&self->qr_text, g_free);
}

static gboolean
foyer_done_page_holds_visitor_data (FoyerPage *page)
{
  return FOYER_DONE_PAGE (page)->qr_text != NULL ||
         *gtk_label_get_text (FOYER_DONE_PAGE (page)->name_label) != '\0';
}

static void
foyer_done_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_done_page_reset;
  iface->holds_visitor_data = foyer_done_page_holds_visitor_data;
}

static void
foyer_done_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FOYER_TYPE_DONE_PAGE);
  /* The template's top-level box may not be a bound child: unparent whatever is left. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (foyer_done_page_parent_class)->dispose (object);
}

static void
foyer_done_page_finalize (GObject *object)
{
  FoyerDonePage *self = (FoyerDonePage *)object;

  g_clear_pointer (&self->qr_text, g_free);

  G_OBJECT_CLASS (foyer_done_page_parent_class)->finalize (object);
}

static void
foyer_done_page_class_init (FoyerDonePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_done_page_dispose;
  object_class->finalize = foyer_done_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-done-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerDonePage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, FoyerDonePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerDonePage, category_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerDonePage, print_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerDonePage, print_content);
}

static void
foyer_done_page_init (FoyerDonePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
