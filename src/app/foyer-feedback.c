/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-feedback.c: the sound and the full-screen flash of each answer (see foyer-feedback.h).
 *
 * The flash is drawn here rather than from icons of a theme: a big white shape (circle, triangle,
 * octagon) with a thick sign (tick, exclamation mark, cross) over the whole window, readable from
 * a metre away and by visitors who do not tell red from green. A kiosk without a sound card (CI,
 * a muted booth tablet) loses only the sound: GSound's error is logged at debug level.
 */
#define G_LOG_DOMAIN "foyer-feedback"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <gsound.h>

#include "foyer-feedback.h"

struct _FoyerFeedback {
  GtkWidget          parent_instance;

  /* owned */
  GtkWidget         *label;
  GSoundContext     *sound;           /* created at the first sound; NULL when it cannot be */
  gboolean           sound_failed;    /* GSound could not start: do not retry at every scan */
  char              *sound_id;
  gboolean           sounds_enabled;
  FoyerFeedbackKind  flash;
  guint              hide_source;
  guint              duration_ms;
};

G_DEFINE_FINAL_TYPE (FoyerFeedback, foyer_feedback, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SOUNDS_ENABLED,
  PROP_SOUND_ID,
  PROP_FLASH,
  N_PROPS
};

enum {
  SIGNAL_SOUND_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* --- what each answer gets ---------------------------------------------------------------- */

FoyerFeedbackKind
foyer_feedback_kind_for_result (FoyerFlowResult *result)
{
  g_return_val_if_fail (FOYER_IS_FLOW_RESULT (result), FOYER_FEEDBACK_NONE);

  switch (foyer_flow_result_get_status (result)) {
  case FOYER_FLOW_STATUS_CHECKED_IN:
  case FOYER_FLOW_STATUS_REGISTERED:
  case FOYER_FLOW_STATUS_LEAD:
    return FOYER_FEEDBACK_ACCEPTED;
  case FOYER_FLOW_STATUS_REPEAT:
    /* A repeat that a rule turns away (no re-entry) is a refusal to the visitor. */
    return foyer_flow_result_get_admitted (result) ? FOYER_FEEDBACK_REPEAT
                                                   : FOYER_FEEDBACK_REFUSED;
  case FOYER_FLOW_STATUS_REVIEW:
    return FOYER_FEEDBACK_NONE;
  case FOYER_FLOW_STATUS_CONTACT_LINK:
  case FOYER_FLOW_STATUS_UNKNOWN:
  case FOYER_FLOW_STATUS_UNRECOGNIZED:
  case FOYER_FLOW_STATUS_FORGED:
  case FOYER_FLOW_STATUS_REVOKED:
  case FOYER_FLOW_STATUS_WRONG_EVENT:
  case FOYER_FLOW_STATUS_REFUSED:
  case FOYER_FLOW_STATUS_ERROR:
  case FOYER_FLOW_STATUS_LOCKED:
  default:
    return FOYER_FEEDBACK_REFUSED;
  }
}

const char *
foyer_feedback_kind_to_nick (FoyerFeedbackKind kind)
{
  switch (kind) {
  case FOYER_FEEDBACK_ACCEPTED:
    return "accepted";
  case FOYER_FEEDBACK_REPEAT:
    return "repeat";
  case FOYER_FEEDBACK_REFUSED:
    return "refused";
  case FOYER_FEEDBACK_NONE:
  default:
    return NULL;
  }
}

const char *
foyer_feedback_sound_id (FoyerFeedbackKind kind)
{
  switch (kind) {
  case FOYER_FEEDBACK_ACCEPTED:
    return "complete";
  case FOYER_FEEDBACK_REPEAT:
    return "dialog-warning";
  case FOYER_FEEDBACK_REFUSED:
    return "dialog-error";
  case FOYER_FEEDBACK_NONE:
  default:
    return NULL;
  }
}

static const char *
kind_word (FoyerFeedbackKind kind)
{
  switch (kind) {
  case FOYER_FEEDBACK_ACCEPTED:
    return _("Welcome");
  case FOYER_FEEDBACK_REPEAT:
    return _("Checked in before");
  case FOYER_FEEDBACK_REFUSED:
    return _("Not admitted");
  case FOYER_FEEDBACK_NONE:
  default:
    return "";
  }
}

/* --- sound -------------------------------------------------------------------------------- */

static void
play_sound (FoyerFeedback     *self,
            FoyerFeedbackKind  kind)
{
  const char *id = foyer_feedback_sound_id (kind);
  g_autoptr(GError) error = NULL;

  if (id == NULL || !self->sounds_enabled)
    return;

  if (self->sound == NULL && !self->sound_failed) {
    self->sound = gsound_context_new (NULL, &error);
    if (self->sound == NULL) {
      g_debug ("no sounds: %s", error->message);
      self->sound_failed = TRUE;
      g_clear_error (&error);
    }
  }
  /* libcanberra starts playing in its own thread: this returns at once. */
  if (self->sound != NULL &&
      !gsound_context_play_simple (self->sound, NULL, &error,
                                   GSOUND_ATTR_EVENT_ID, id,
                                   GSOUND_ATTR_EVENT_DESCRIPTION, kind_word (kind),
                                   NULL))
    g_debug ("sound %s not played: %s", id, error->message);

  /* After the request, so that the UI benchmark's clock stops when the sound has started. */
  g_free (self->sound_id);
  self->sound_id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOUND_ID]);
  g_signal_emit (self, signals[SIGNAL_SOUND_REQUESTED], 0, id);
}

/* --- flash -------------------------------------------------------------------------------- */

static void
set_flash (FoyerFeedback     *self,
           FoyerFeedbackKind  kind)
{
  static const char * const classes[] = { "accepted", "repeat", "refused" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
  self->flash = kind;
  if (kind != FOYER_FEEDBACK_NONE) {
    gtk_widget_add_css_class (GTK_WIDGET (self), foyer_feedback_kind_to_nick (kind));
    gtk_label_set_label (GTK_LABEL (self->label), kind_word (kind));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    kind_word (kind), -1);
  }
  gtk_widget_set_visible (GTK_WIDGET (self), kind != FOYER_FEEDBACK_NONE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLASH]);
}

static gboolean
hide_cb (gpointer user_data)
{
  FoyerFeedback *self = user_data;

  self->hide_source = 0;
  set_flash (self, FOYER_FEEDBACK_NONE);
  return G_SOURCE_REMOVE;
}

void
foyer_feedback_show (FoyerFeedback     *self,
                     FoyerFeedbackKind  kind)
{
  g_return_if_fail (FOYER_IS_FEEDBACK (self));

  if (kind == FOYER_FEEDBACK_NONE)
    return;
  g_debug ("feedback: %s", foyer_feedback_kind_to_nick (kind));
  g_clear_handle_id (&self->hide_source, g_source_remove);
  set_flash (self, kind);
  play_sound (self, kind);
  self->hide_source = g_timeout_add (self->duration_ms, hide_cb, self);
}

void
foyer_feedback_show_result (FoyerFeedback   *self,
                            FoyerFlowResult *result)
{
  g_return_if_fail (FOYER_IS_FEEDBACK (self));
  g_return_if_fail (FOYER_IS_FLOW_RESULT (result));

  foyer_feedback_show (self, foyer_feedback_kind_for_result (result));
}

static void
flash_color (FoyerFeedbackKind  kind,
             GdkRGBA           *color)
{
  /* GNOME's palette: green 4, yellow 5, red 3. */
  switch (kind) {
  case FOYER_FEEDBACK_ACCEPTED:
    *color = (GdkRGBA) { 0.149, 0.635, 0.412, 0.94 };
    break;
  case FOYER_FEEDBACK_REPEAT:
    *color = (GdkRGBA) { 0.898, 0.647, 0.039, 0.94 };
    break;
  case FOYER_FEEDBACK_REFUSED:
  case FOYER_FEEDBACK_NONE:
  default:
    *color = (GdkRGBA) { 0.753, 0.110, 0.157, 0.94 };
    break;
  }
}

/* The shape: circle (accepted), triangle pointing up (repeat), octagon (refused). */
static void
trace_shape (cairo_t           *cr,
             FoyerFeedbackKind  kind,
             double             r)
{
  switch (kind) {
  case FOYER_FEEDBACK_ACCEPTED:
    cairo_arc (cr, 0, 0, r, 0, 2 * G_PI);
    break;
  case FOYER_FEEDBACK_REPEAT:
    cairo_move_to (cr, 0, -r);
    cairo_line_to (cr, r * 0.95, r * 0.75);
    cairo_line_to (cr, -r * 0.95, r * 0.75);
    cairo_close_path (cr);
    break;
  case FOYER_FEEDBACK_REFUSED:
  case FOYER_FEEDBACK_NONE:
  default:
    for (int i = 0; i < 8; i++) {
      double a = G_PI / 8 + i * G_PI / 4;
      cairo_line_to (cr, r * cos (a), r * sin (a));
    }
    cairo_close_path (cr);
    break;
  }
}

/* The sign inside: tick, exclamation mark, cross. */
static void
trace_sign (cairo_t           *cr,
            FoyerFeedbackKind  kind,
            double             r)
{
  switch (kind) {
  case FOYER_FEEDBACK_ACCEPTED:
    cairo_move_to (cr, -r * 0.45, r * 0.02);
    cairo_line_to (cr, -r * 0.12, r * 0.35);
    cairo_line_to (cr, r * 0.5, -r * 0.32);
    break;
  case FOYER_FEEDBACK_REPEAT:
    cairo_move_to (cr, 0, -r * 0.45);
    cairo_line_to (cr, 0, r * 0.2);
    cairo_move_to (cr, 0, r * 0.45);
    cairo_line_to (cr, 0, r * 0.47);
    break;
  case FOYER_FEEDBACK_REFUSED:
  case FOYER_FEEDBACK_NONE:
  default:
    cairo_move_to (cr, -r * 0.4, -r * 0.4);
    cairo_line_to (cr, r * 0.4, r * 0.4);
    cairo_move_to (cr, r * 0.4, -r * 0.4);
    cairo_line_to (cr, -r * 0.4, r * 0.4);
    break;
  }
}

static void
foyer_feedback_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  FoyerFeedback *self = FOYER_FEEDBACK (widget);
  float w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double r = MIN (w, h) * 0.25;
  GdkRGBA color;
  cairo_t *cr;

  if (self->flash == FOYER_FEEDBACK_NONE)
    return;
  flash_color (self->flash, &color);
  gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, 0, w, h));

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_translate (cr, w / 2, h * 0.42);
  trace_shape (cr, self->flash, r);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  trace_sign (cr, self->flash, r);
  color.alpha = 1;
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, r * 0.18);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_destroy (cr);

  gtk_widget_snapshot_child (widget, self->label, snapshot);
}

/* --- properties and life cycle ------------------------------------------------------------ */

void
foyer_feedback_set_sounds_enabled (FoyerFeedback *self,
                                   gboolean       enabled)
{
  g_return_if_fail (FOYER_IS_FEEDBACK (self));

  enabled = !!enabled;
  if (self->sounds_enabled == enabled)
    return;
  self->sounds_enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOUNDS_ENABLED]);
}

void
foyer_feedback_set_duration_ms (FoyerFeedback *self,
                                guint          duration_ms)
{
  g_return_if_fail (FOYER_IS_FEEDBACK (self));
  self->duration_ms = duration_ms;
}

gboolean
foyer_feedback_get_sounds_enabled (FoyerFeedback *self)
{
  g_return_val_if_fail (FOYER_IS_FEEDBACK (self), FALSE);
  return self->sounds_enabled;
}

const char *
foyer_feedback_get_sound_id (FoyerFeedback *self)
{
  g_return_val_if_fail (FOYER_IS_FEEDBACK (self), NULL);
  return self->sound_id;
}

FoyerFeedbackKind
foyer_feedback_get_flash (FoyerFeedback *self)
{
  g_return_val_if_fail (FOYER_IS_FEEDBACK (self), FOYER_FEEDBACK_NONE);
  return self->flash;
}

GtkWidget *
foyer_feedback_new (void)
{
  return g_object_new (FOYER_TYPE_FEEDBACK, NULL);
}

static void
foyer_feedback_dispose (GObject *object)
{
  FoyerFeedback *self = (FoyerFeedback *)object;

  g_clear_handle_id (&self->hide_source, g_source_remove);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  g_clear_object (&self->sound);
  g_clear_pointer (&self->sound_id, g_free);

  G_OBJECT_CLASS (foyer_feedback_parent_class)->dispose (object);
}

static void
foyer_feedback_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FoyerFeedback *self = FOYER_FEEDBACK (object);

  switch (prop_id) {
  case PROP_SOUNDS_ENABLED:
    g_value_set_boolean (value, self->sounds_enabled);
    break;
  case PROP_SOUND_ID:
    g_value_set_string (value, self->sound_id);
    break;
  case PROP_FLASH:
    g_value_set_string (value, foyer_feedback_kind_to_nick (self->flash));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_feedback_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FoyerFeedback *self = FOYER_FEEDBACK (object);

  switch (prop_id) {
  case PROP_SOUNDS_ENABLED:
    foyer_feedback_set_sounds_enabled (self, g_value_get_boolean (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_feedback_class_init (FoyerFeedbackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = foyer_feedback_dispose;
  object_class->get_property = foyer_feedback_get_property;
  object_class->set_property = foyer_feedback_set_property;
  widget_class->snapshot = foyer_feedback_snapshot;

  properties[PROP_SOUNDS_ENABLED] =
    g_param_spec_boolean ("sounds-enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOUND_ID] =
    g_param_spec_string ("sound-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLASH] =
    g_param_spec_string ("flash", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SOUND_REQUESTED] =
    g_signal_new ("sound-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "foyer-feedback");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
foyer_feedback_init (FoyerFeedback *self)
{
  self->sounds_enabled = TRUE;
  self->duration_ms = FOYER_FEEDBACK_FLASH_MS;
  self->label = gtk_label_new (NULL);
  gtk_widget_set_valign (self->label, GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (self->label, 48);
  gtk_widget_add_css_class (self->label, "foyer-feedback-word");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
