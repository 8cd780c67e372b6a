/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-scan-page.c: the home page visitors see first: the camera with a framing guide, what to
 * do in large type, the way to register without a code, the language toggle and a status line. */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "foyer-core.h"
#include "foyer-page.h"
#include "foyer-scan-page.h"

struct _FoyerScanPage {
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *content;
  GtkLabel       *event_label;
  AdwBin         *camera_bin;
  GtkLabel       *camera_label;
  GtkDrawingArea *guide;
  GtkLabel       *title_label;
  GtkLabel       *hint_label;
  GtkWidget      *manual_button;
  GtkLabel       *status_label;
  GtkButton      *direction_button;

  /* owned */
  char           *sync_status;
  char           *inside_status;
  char           *camera_status;
  gboolean        booth;
  gboolean        exit;
  FoyerConfig    *config;
};

static void foyer_scan_page_page_init (FoyerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerScanPage, foyer_scan_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_PAGE, foyer_scan_page_page_init))

enum {
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
foyer_scan_page_update_status (FoyerScanPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->sync_status != NULL)
    g_string_append (text, self->sync_status);
  if (self->inside_status != NULL) {
    if (text->len > 0)
      g_string_append (text, "  ·  ");
    g_string_append (text, self->inside_status);
  }
  if (self->camera_status != NULL) {
    if (text->len > 0)
      g_string_append (text, "  ·  ");
    g_string_append (text, self->camera_status);
  }
  gtk_label_set_text (self->status_label, text->str);
}

void
foyer_scan_page_set_sync_status (FoyerScanPage *self,
                                 const char    *text)
{
  g_return_if_fail (FOYER_IS_SCAN_PAGE (self));

  g_free (self->sync_status);
  self->sync_status = g_strdup (text);
  foyer_scan_page_update_status (self);
}

void
foyer_scan_page_set_camera_status (FoyerScanPage *self,
                                   const char    *text)
{
  g_return_if_fail (FOYER_IS_SCAN_PAGE (self));

  g_free (self->camera_status);
  self->camera_status = g_strdup (text);
  foyer_scan_page_update_status (self);
}

void
foyer_scan_page_set_inside_status (FoyerScanPage *self,
                                   const char    *text)
{
  g_return_if_fail (FOYER_IS_SCAN_PAGE (self));

  g_free (self->inside_status);
  self->inside_status = g_strdup (text);
  foyer_scan_page_update_status (self);
}

/* The big wording follows the mode and the direction. */
static void
foyer_scan_page_update_wording (FoyerScanPage *self)
{
  const char *title, *hint;

  if (self->booth) {
    /* A booth tablet captures leads; registering visitors is the entrance's job. */
    title = _("Scan a visitor's badge or business card");
    hint = _("The lead card opens as soon as the code is read");
  } else if (self->exit) {
    title = _("Leaving? Scan your badge");
    hint = _("Your exit is counted, so that the organiser knows how many people are inside");
  } else {
    title = _("Scan your badge or business card");
    hint = _("Hold the QR code in front of the camera, or use the scanner");
  }
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->hint_label, hint);
  /* Nobody registers at a booth or on the way out. */
  gtk_widget_set_visible (self->manual_button, !self->booth && !self->exit);
}

void
foyer_scan_page_set_booth (FoyerScanPage *self,
                           gboolean       booth)
{
  g_return_if_fail (FOYER_IS_SCAN_PAGE (self));

  self->booth = booth;
  foyer_scan_page_update_wording (self);
}

void
foyer_scan_page_set_direction (FoyerScanPage *self,
                               const char    *direction,
                               gboolean       switchable)
{
  GtkWidget *button;

  g_return_if_fail (FOYER_IS_SCAN_PAGE (self));

  button = GTK_WIDGET (self->direction_button);
  self->exit = g_strcmp0 (direction, "exit") == 0;
  gtk_widget_set_visible (button, direction != NULL);
  gtk_button_set_label (self->direction_button, self->exit ? _("Exit") : _("Entry"));
  gtk_widget_remove_css_class (button, "foyer-direction-entry");
  gtk_widget_remove_css_class (button, "foyer-direction-exit");
  gtk_widget_add_css_class (button, self->exit ? "foyer-direction-exit" : "foyer-direction-entry");
  /* Fixed: the indicator only says which; both: staff switch with it, behind the PIN. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), switchable ? "win.toggle-direction"
                                                                      : NULL);
  gtk_widget_set_can_target (button, switchable);
  gtk_widget_set_tooltip_text (button, !switchable ? NULL
                                       : self->exit ? _("Staff: switch this kiosk to entry")
                                                    : _("Staff: switch this kiosk to exit"));
  foyer_scan_page_update_wording (self);
}

void
foyer_scan_page_set_camera_widget (FoyerScanPage *self,
                                   GtkWidget     *widget)
{
  g_return_if_fail (FOYER_IS_SCAN_PAGE (self));

  /* The view draws its own framing guide and says why there is no picture. */
  adw_bin_set_child (self->camera_bin, widget);
  gtk_widget_set_visible (GTK_WIDGET (self->guide), widget == NULL);
}

const char *
foyer_scan_page_get_status_text (FoyerScanPage *self)
{
  g_return_val_if_fail (FOYER_IS_SCAN_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* Corner brackets around the middle of the preview: where to hold the code. */
static void
draw_guide (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  double side = MIN (width, height) * 0.62;
  double x = (width - side) / 2.0;
  double y = (height - side) / 2.0;
  double arm = side * 0.22;

  cairo_set_line_width (cr, 6.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.95);

  cairo_move_to (cr, x, y + arm);
  cairo_line_to (cr, x, y);
  cairo_line_to (cr, x + arm, y);

  cairo_move_to (cr, x + side - arm, y);
  cairo_line_to (cr, x + side, y);
  cairo_line_to (cr, x + side, y + arm);

  cairo_move_to (cr, x + side, y + side - arm);
  cairo_line_to (cr, x + side, y + side);
  cairo_line_to (cr, x + side - arm, y + side);

  cairo_move_to (cr, x + arm, y + side);
  cairo_line_to (cr, x, y + side);
  cairo_line_to (cr, x, y + side - arm);
  cairo_stroke (cr);
}

static void
foyer_scan_page_map_cb (FoyerScanPage *self)
{
  if (self->config == NULL)
    return;
  gtk_label_set_text (self->event_label, foyer_config_get_string (self->config, "kiosk", "event"));
}

static void
foyer_scan_page_reset (FoyerPage *page)
{
  /* Nothing of a visitor is shown here. */
}

static void
foyer_scan_page_page_init (FoyerPageInterface *iface)
{
  iface->reset = foyer_scan_page_reset;
}

static void
foyer_scan_page_dispose (GObject *object)
{
  FoyerScanPage *self = (FoyerScanPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FOYER_TYPE_SCAN_PAGE);
  /* The template's top-level box may not be a bound child: unparent whatever is left. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (foyer_scan_page_parent_class)->dispose (object);
}

static void
foyer_scan_page_finalize (GObject *object)
{
  FoyerScanPage *self = (FoyerScanPage *)object;

  g_clear_pointer (&self->sync_status, g_free);
  g_clear_pointer (&self->inside_status, g_free);
  g_clear_pointer (&self->camera_status, g_free);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (foyer_scan_page_parent_class)->finalize (object);
}

static void
foyer_scan_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FoyerScanPage *self = FOYER_SCAN_PAGE (object);

  switch (prop_id) {
  case PROP_CONFIG:
    g_value_set_object (value, self->config);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_scan_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FoyerScanPage *self = FOYER_SCAN_PAGE (object);

  switch (prop_id) {
  case PROP_CONFIG:
    g_set_object (&self->config, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_scan_page_class_init (FoyerScanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_scan_page_dispose;
  object_class->finalize = foyer_scan_page_finalize;
  object_class->get_property = foyer_scan_page_get_property;
  object_class->set_property = foyer_scan_page_set_property;

  /* the kiosk configuration: the event name shown */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, FOYER_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);


  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/foyer/Foyer/foyer-scan-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, content);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, event_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, camera_bin);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, camera_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, guide);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, manual_button);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FoyerScanPage, direction_button);
}

static void
foyer_scan_page_init (FoyerScanPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drawing_area_set_draw_func (self->guide, draw_guide, NULL, NULL);
  /* On map: the window sets the config after the pages are built. */
  g_signal_connect (self, "map", G_CALLBACK (foyer_scan_page_map_cb), NULL);
}
