/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-wedge-controller.c: feeds a window's key presses to FoyerWedge and turns scans into a
 * signal.
 *
 * Design: a person's typing is never held back. Every key goes where GTK sends it (a text
 * field, a button) with no delay, so input methods (pinyin) and key repeat behave as usual;
 * the controller only watches the rhythm. When a burst at scanner speed ends in Enter, the
 * controller consumes that Enter (so no form is submitted and no button activated), removes the
 * burst's characters from the focused text field if the scanner typed them into one, and emits
 * "scanned". Outside text fields the characters of a fast burst after its first are consumed,
 * so a code with spaces cannot press a focused button. Holding keys back and replaying them
 * later was the alternative; GTK 4 cannot re-inject key events, replaying as inserted text
 * would bypass input methods, and a person's first keys would lag. The cost of this design:
 * a scan into a text field shows its characters for the few milliseconds of the burst.
 */
#define G_LOG_DOMAIN "foyer"

#include "config.h"

#include "foyer-wedge-controller.h"

struct _FoyerWedgeController {
  GObject             parent_instance;

  /* owned */
  FoyerWedge         *wedge;
  GtkEventController *key;
  /* borrowed: the widget owns the key controller */
  GtkWidget          *widget;
};

G_DEFINE_FINAL_TYPE (FoyerWedgeController, foyer_wedge_controller, G_TYPE_OBJECT)

enum {
  SIGNAL_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_modifier (guint keyval)
{
  switch (keyval) {
  case GDK_KEY_Shift_L: case GDK_KEY_Shift_R: case GDK_KEY_Caps_Lock: case GDK_KEY_Shift_Lock:
  case GDK_KEY_Control_L: case GDK_KEY_Control_R: case GDK_KEY_Alt_L: case GDK_KEY_Alt_R:
  case GDK_KEY_Meta_L: case GDK_KEY_Meta_R: case GDK_KEY_Super_L: case GDK_KEY_Super_R:
  case GDK_KEY_ISO_Level3_Shift: case GDK_KEY_Num_Lock:
    return TRUE;
  default:
    return FALSE;
  }
}

static GtkWidget *
focus_widget (FoyerWedgeController *self)
{
  GtkRoot *root;

  if (self->widget == NULL || (root = gtk_widget_get_root (self->widget)) == NULL)
    return NULL;
  return gtk_root_get_focus (root);
}

static gboolean
focus_takes_text (FoyerWedgeController *self)
{
  GtkWidget *focus = focus_widget (self);

  return focus != NULL && ((GTK_IS_EDITABLE (focus) && gtk_editable_get_editable (GTK_EDITABLE (focus))) ||
                           (GTK_IS_TEXT_VIEW (focus) && gtk_text_view_get_editable (GTK_TEXT_VIEW (focus))));
}

/* The scanner typed `code` into the focused field just now: take it out again, but only if
 * the field really ends with it at the cursor (an input method may have eaten it). */
static void
retract (FoyerWedgeController *self,
         GBytes               *code)
{
  GtkWidget *focus = focus_widget (self);
  gsize len;
  const char *data = g_bytes_get_data (code, &len);
  g_autofree char *text = g_strndup (data, len);
  glong n = g_utf8_strlen (text, -1);

  if (focus == NULL)
    return;

  if (GTK_IS_EDITABLE (focus)) {
    GtkEditable *editable = GTK_EDITABLE (focus);
    int pos = gtk_editable_get_position (editable);
    g_autofree char *before = pos >= n ? gtk_editable_get_chars (editable, pos - n, pos) : NULL;

    if (before != NULL && strcmp (before, text) == 0)
      gtk_editable_delete_text (editable, pos - n, pos);
  } else if (GTK_IS_TEXT_VIEW (focus)) {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus));
    GtkTextIter start, end;
    g_autofree char *before = NULL;

    gtk_text_buffer_get_iter_at_mark (buffer, &end, gtk_text_buffer_get_insert (buffer));
    start = end;
    if (gtk_text_iter_backward_chars (&start, n)) {
      before = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
      if (strcmp (before, text) == 0)
        gtk_text_buffer_delete (buffer, &start, &end);
    }
  }
}

gboolean
foyer_wedge_controller_key_pressed (FoyerWedgeController *self,
                                    guint                 keyval,
                                    GdkModifierType       state,
                                    guint32               time_ms)
{
  gint64 time_us = (gint64)time_ms * 1000;
  gunichar c;

  g_return_val_if_fail (FOYER_IS_WEDGE_CONTROLLER (self), FALSE);

  /* Scanners press Shift for capitals: modifiers alone neither feed nor break a burst. */
  if (is_modifier (keyval))
    return FALSE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK)) {
    foyer_wedge_reset (self->wedge);
    return FALSE;
  }

  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter ||
      keyval == GDK_KEY_Linefeed) {
    g_autoptr(GBytes) code = foyer_wedge_feed_enter (self->wedge, time_us);

    if (code == NULL)
      return FALSE;
    if (focus_takes_text (self))
      retract (self, code);
    g_debug ("keyboard-wedge scan of %zu bytes", g_bytes_get_size (code));
    g_signal_emit (self, signals[SIGNAL_SCANNED], 0, code);
    return TRUE;
  }

  c = gdk_keyval_to_unicode (keyval);
  if (c == 0 || !g_unichar_isprint (c)) {
    foyer_wedge_reset (self->wedge);
    return FALSE;
  }
  if (foyer_wedge_feed (self->wedge, c, time_us) == FOYER_WEDGE_BURST && !focus_takes_text (self))
    return TRUE;
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FoyerWedgeController  *self)
{
  return foyer_wedge_controller_key_pressed (self, keyval, state,
                                             gtk_event_controller_get_current_event_time (
                                               GTK_EVENT_CONTROLLER (key)));
}

void
foyer_wedge_controller_detach (FoyerWedgeController *self)
{
  g_return_if_fail (FOYER_IS_WEDGE_CONTROLLER (self));

  if (self->widget != NULL) {
    gtk_widget_remove_controller (self->widget, self->key);
    g_object_remove_weak_pointer (G_OBJECT (self->widget), (gpointer *)&self->widget);
    self->widget = NULL;
  }
  foyer_wedge_reset (self->wedge);
}

void
foyer_wedge_controller_attach (FoyerWedgeController *self,
                               GtkWidget            *widget)
{
  g_return_if_fail (FOYER_IS_WEDGE_CONTROLLER (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  foyer_wedge_controller_detach (self);
  self->widget = widget;
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *)&self->widget);
  /* the widget takes a reference; ours keeps the controller for the next attach */
  gtk_widget_add_controller (widget, g_object_ref (self->key));
}

static void
foyer_wedge_controller_dispose (GObject *object)
{
  FoyerWedgeController *self = (FoyerWedgeController *)object;

  if (self->wedge != NULL)
    foyer_wedge_controller_detach (self);
  g_clear_object (&self->key);
  g_clear_object (&self->wedge);

  G_OBJECT_CLASS (foyer_wedge_controller_parent_class)->dispose (object);
}

static void
foyer_wedge_controller_class_init (FoyerWedgeControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = foyer_wedge_controller_dispose;

  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
foyer_wedge_controller_init (FoyerWedgeController *self)
{
  self->key = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (self->key, "foyer-wedge");
  gtk_event_controller_set_propagation_phase (self->key, GTK_PHASE_CAPTURE);
  g_signal_connect (self->key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
}

FoyerWedgeController *
foyer_wedge_controller_new (guint interkey_ms)
{
  FoyerWedgeController *self = g_object_new (FOYER_TYPE_WEDGE_CONTROLLER, NULL);

  self->wedge = foyer_wedge_new (interkey_ms);
  return self;
}

FoyerWedgeController *
foyer_wedge_controller_new_from_config (FoyerConfig *config)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);
  return foyer_wedge_controller_new (foyer_config_get_int (config, "scanner", "interkey-ms"));
}
