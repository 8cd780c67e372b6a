/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-camera-view.c: preview frames as GdkMemoryTexture, a framing guide, the camera's state.
 *
 * Frames come from FoyerCamera's "frame" signal on the main thread as RGBA GBytes that keep the
 * GStreamer buffer mapped (as GTK's own gtkgstsink.c does); wrapping them in a GdkMemoryTexture
 * costs no copy. The picture is mirrored so that visitors move their card the way they expect.
 * The guide is the square the decoder reads at full resolution (half the frame's height). When
 * the camera reads a code, a frame is drawn for a moment where the decoder found it, so that the
 * visitor sees what was read.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-camera-view.h"

struct _FoyerCameraView {
  GtkWidget    parent_instance;

  /* owned */
  FoyerCamera *camera;
  GdkTexture  *texture;
  GtkWidget   *state_label;
  gulong       frame_id;
  gulong       state_id;
  gulong       scanned_id;
  FoyerScanLocation mark;   /* where the last code was read; width 0 when none is shown */
  guint        mark_source;
};

#define MARK_MS 1000

G_DEFINE_FINAL_TYPE (FoyerCameraView, foyer_camera_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CAMERA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
frame_cb (FoyerCamera     *camera,
          GBytes          *rgba,
          guint            width,
          guint            height,
          guint            stride,
          FoyerCameraView *self)
{
  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, rgba, stride);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
clear_mark_cb (gpointer user_data)
{
  FoyerCameraView *self = user_data;

  self->mark_source = 0;
  self->mark.width = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
scanned_cb (FoyerCamera     *camera,
            const char      *type,
            GBytes          *bytes,
            FoyerCameraView *self)
{
  if (!foyer_camera_get_last_scan_location (camera, &self->mark))
    return;
  g_clear_handle_id (&self->mark_source, g_source_remove);
  self->mark_source = g_timeout_add (MARK_MS, clear_mark_cb, self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
foyer_camera_view_get_scan_mark (FoyerCameraView   *self,
                                 FoyerScanLocation *location)
{
  g_return_val_if_fail (FOYER_IS_CAMERA_VIEW (self), FALSE);

  if (location != NULL)
    *location = self->mark;
  return self->mark.width > 0;
}

static void
update_state (FoyerCameraView *self)
{
  FoyerCameraState state = self->camera ? foyer_camera_get_state (self->camera)
                                        : FOYER_CAMERA_STATE_STOPPED;
  const char *message = NULL;

  if (state == FOYER_CAMERA_STATE_UNAVAILABLE)
    message = foyer_camera_get_message (self->camera);
  else if (state == FOYER_CAMERA_STATE_STARTING)
    message = _("Starting the camera…");

  if (state != FOYER_CAMERA_STATE_RUNNING)
    g_clear_object (&self->texture);
  gtk_label_set_label (GTK_LABEL (self->state_label), message ? message : "");
  gtk_widget_set_visible (self->state_label, message != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
state_cb (FoyerCamera     *camera,
          GParamSpec      *pspec,
          FoyerCameraView *self)
{
  update_state (self);
}

void
foyer_camera_view_set_camera (FoyerCameraView *self,
                              FoyerCamera     *camera)
{
  g_return_if_fail (FOYER_IS_CAMERA_VIEW (self));
  g_return_if_fail (camera == NULL || FOYER_IS_CAMERA (camera));

  if (self->camera == camera)
    return;
  if (self->camera != NULL) {
    g_clear_signal_handler (&self->frame_id, self->camera);
    g_clear_signal_handler (&self->state_id, self->camera);
    g_clear_signal_handler (&self->scanned_id, self->camera);
    g_clear_object (&self->camera);
  }
  g_clear_handle_id (&self->mark_source, g_source_remove);
  self->mark.width = 0;
  g_clear_object (&self->texture);
  if (camera != NULL) {
    self->camera = g_object_ref (camera);
    self->frame_id = g_signal_connect (camera, "frame", G_CALLBACK (frame_cb), self);
    self->state_id = g_signal_connect (camera, "notify::state", G_CALLBACK (state_cb), self);
    self->scanned_id = g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), self);
  }
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA]);
}

FoyerCamera *
foyer_camera_view_get_camera (FoyerCameraView *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA_VIEW (self), NULL);
  return self->camera;
}

GdkTexture *
foyer_camera_view_get_texture (FoyerCameraView *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA_VIEW (self), NULL);
  return self->texture;
}

GtkWidget *
foyer_camera_view_new (void)
{
  return g_object_new (FOYER_TYPE_CAMERA_VIEW, NULL);
}

/* Four corner brackets around the guide square. */
static void
append_guide (GtkSnapshot           *snapshot,
              const graphene_rect_t *guide)
{
  const GdkRGBA white = { 1, 1, 1, 0.9 };
  float len = guide->size.width / 5, t = MAX (3.f, guide->size.width / 60);
  float x0 = guide->origin.x, y0 = guide->origin.y;
  float x1 = x0 + guide->size.width, y1 = y0 + guide->size.height;
  const graphene_rect_t bars[] = {
    GRAPHENE_RECT_INIT (x0, y0, len, t), GRAPHENE_RECT_INIT (x0, y0, t, len),
    GRAPHENE_RECT_INIT (x1 - len, y0, len, t), GRAPHENE_RECT_INIT (x1 - t, y0, t, len),
    GRAPHENE_RECT_INIT (x0, y1 - t, len, t), GRAPHENE_RECT_INIT (x0, y1 - len, t, len),
    GRAPHENE_RECT_INIT (x1 - len, y1 - t, len, t), GRAPHENE_RECT_INIT (x1 - t, y1 - len, t, len),
  };

  for (guint i = 0; i < G_N_ELEMENTS (bars); i++)
    gtk_snapshot_append_color (snapshot, &white, &bars[i]);
}

/* The decoder's box, mirrored like the picture (texture pixels × scale from the picture's
 * right edge at x_right). */
static void
append_mark (FoyerCameraView *self,
             GtkSnapshot     *snapshot,
             float            x_right,
             float            y_top,
             float            scale)
{
  const GdkRGBA green = { 0.2, 0.82, 0.48, 1 };
  const GdkRGBA colors[4] = { green, green, green, green };
  const float widths[4] = { 6, 6, 6, 6 };
  float pad = 8;
  GskRoundedRect outline;

  if (self->mark.width <= 0 || self->mark.frame_width != (guint)gdk_texture_get_width (self->texture))
    return;
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (x_right - (self->mark.x + self->mark.width) * scale - pad,
                                                        y_top + self->mark.y * scale - pad,
                                                        self->mark.width * scale + 2 * pad,
                                                        self->mark.height * scale + 2 * pad),
                                   12);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

static void
foyer_camera_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  FoyerCameraView *self = FOYER_CAMERA_VIEW (widget);
  float w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  const GdkRGBA black = { 0.1, 0.1, 0.1, 1 };

  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, w, h));

  if (self->texture != NULL) {
    float tw = gdk_texture_get_width (self->texture), th = gdk_texture_get_height (self->texture);
    float scale = MIN (w / tw, h / th);
    float dw = tw * scale, dh = th * scale;
    float side = dh / 2;
    graphene_rect_t guide;

    gtk_snapshot_save (snapshot);
    /* mirrored, centered */
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((w + dw) / 2, (h - dh) / 2));
    gtk_snapshot_scale (snapshot, -1, 1);
    gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (0, 0, dw, dh));
    gtk_snapshot_restore (snapshot);

    guide = GRAPHENE_RECT_INIT ((w - side) / 2, (h - side) / 2, side, side);
    append_guide (snapshot, &guide);
    append_mark (self, snapshot, (w + dw) / 2, (h - dh) / 2, scale);
  }

  gtk_widget_snapshot_child (widget, self->state_label, snapshot);
}

static void
foyer_camera_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  FoyerCameraView *self = FOYER_CAMERA_VIEW (widget);
  int child_min = 0, child_nat = 0;

  gtk_widget_measure (self->state_label, orientation, -1, &child_min, &child_nat, NULL, NULL);
  *minimum = MAX (child_min, orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120);
  *natural = MAX (child_nat, orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480);
}

static void
foyer_camera_view_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  FoyerCameraView *self = FOYER_CAMERA_VIEW (widget);

  gtk_widget_allocate (self->state_label, width, height, baseline, NULL);
}

static void
foyer_camera_view_dispose (GObject *object)
{
  FoyerCameraView *self = (FoyerCameraView *)object;

  foyer_camera_view_set_camera (self, NULL);
  g_clear_pointer (&self->state_label, gtk_widget_unparent);

  G_OBJECT_CLASS (foyer_camera_view_parent_class)->dispose (object);
}

static void
foyer_camera_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FoyerCameraView *self = FOYER_CAMERA_VIEW (object);

  switch (prop_id) {
  case PROP_CAMERA:
    g_value_set_object (value, self->camera);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_camera_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FoyerCameraView *self = FOYER_CAMERA_VIEW (object);

  switch (prop_id) {
  case PROP_CAMERA:
    foyer_camera_view_set_camera (self, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_camera_view_class_init (FoyerCameraViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_camera_view_dispose;
  object_class->get_property = foyer_camera_view_get_property;
  object_class->set_property = foyer_camera_view_set_property;
  widget_class->snapshot = foyer_camera_view_snapshot;
  widget_class->measure = foyer_camera_view_measure;
  widget_class->size_allocate = foyer_camera_view_size_allocate;

  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, FOYER_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "foyer-camera-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
foyer_camera_view_init (FoyerCameraView *self)
{
  self->state_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->state_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->state_label), GTK_JUSTIFY_CENTER);
  gtk_widget_set_halign (self->state_label, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->state_label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->state_label, "foyer-camera-state");
  gtk_widget_set_visible (self->state_label, FALSE);
  gtk_widget_set_parent (self->state_label, GTK_WIDGET (self));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Camera picture"), -1);
}
