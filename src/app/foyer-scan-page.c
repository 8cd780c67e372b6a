/* foyer-scan-page.c: the home page visitors see first. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include "foyer-scan-page.h"

struct _FoyerScanPage {
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *content;
  GtkLabel  *title_label;
  GtkLabel  *status_label;
};

G_DEFINE_FINAL_TYPE (FoyerScanPage, foyer_scan_page, GTK_TYPE_WIDGET)

static void
foyer_scan_page_dispose (GObject *object)
{
  FoyerScanPage *self = (FoyerScanPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_SCAN_PAGE);

  G_OBJECT_CLASS (foyer_scan_page_parent_class)->dispose (object);
}

static void
foyer_scan_page_class_init (FoyerScanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_scan_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-scan-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, status_label);
}

static void
foyer_scan_page_init (FoyerScanPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
