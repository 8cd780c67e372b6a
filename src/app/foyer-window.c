/* foyer-window.c: the kiosk window; a GtkStack of pages driven by actions. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-scan-page.h"
#include "foyer-window.h"

struct _FoyerWindow {
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  GtkStack             *stack;
  FoyerScanPage        *scan_page;
};

G_DEFINE_FINAL_TYPE (FoyerWindow, foyer_window, ADW_TYPE_APPLICATION_WINDOW)

FoyerWindow *
foyer_window_new (FoyerApplication *application)
{
  return g_object_new (FOYER_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
foyer_window_class_init (FoyerWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (FOYER_TYPE_SCAN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FoyerWindow, scan_page);
}

static void
foyer_window_init (FoyerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}
