/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-wedge-controller.c: a real window under Xvfb receiving real key events from xdotool: a
 * scanner's burst (2 ms per key) is a scan wherever the focus is and leaves the text field as it
 * was; a person's typing (150 ms between presses) reaches the text field and is never a scan. A second
 * test drives the controller with explicit event times (no xdotool needed). */
#include "config.h"

#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>

#include "foyer-wedge-controller.h"
#include "foyer-test-util.h"

/* Generous: a loaded CI machine may stretch xdotool's 2 ms gaps; people stay far above it. */
#define INTERKEY_MS 100

typedef struct {
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *button;
  GPtrArray *scans;
  guint      clicks;
  FoyerWedgeController *controller;
  /* every key press the window got, in order, with the X server's time stamp */
  GArray    *presses;     /* Press */
  GtkEventController *recorder;
} Fixture;

typedef struct {
  guint   keyval;
  guint32 time;
} Press;

/* Records key presses before the wedge controller can consume them. */
static gboolean
record_cb (GtkEventControllerKey *key,
           guint                  keyval,
           guint                  keycode,
           GdkModifierType        state,
           Fixture               *fixture)
{
  Press press = { keyval, gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (key)) };

  g_array_append_val (fixture->presses, press);
  return FALSE;
}

static void
scanned_cb (FoyerWedgeController *controller,
            GBytes               *code,
            Fixture              *fixture)
{
  g_ptr_array_add (fixture->scans, g_strndup (g_bytes_get_data (code, NULL), g_bytes_get_size (code)));
}

static void
clicked_cb (GtkButton *button,
            Fixture   *fixture)
{
  fixture->clicks++;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
child_exited_cb (GPid     pid,
                 int      status,
                 gpointer user_data)
{
  int *out = user_data;

  *out = status;
  g_spawn_close_pid (pid);
}

static gboolean
is_modifier (guint keyval)
{
  return keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R || keyval == GDK_KEY_ISO_Level3_Shift;
}

/* Waits (bounded: a loaded machine is slow, but never this slow) until the window has got a
 * press of `keyval` at index `from` or later. */
static void
wait_for_press (Fixture *fixture,
                guint    from,
                guint    keyval)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;) {
    for (guint i = from; i < fixture->presses->len; i++)
      if (g_array_index (fixture->presses, Press, i).keyval == keyval)
        return;
    if (g_get_monotonic_time () > deadline)
      break;
    g_main_context_iteration (NULL, FALSE);
    g_usleep (1000);
  }
  g_error ("the key %s sent by xdotool never arrived", gdk_keyval_name (keyval));
}

/* The smallest and largest gap (ms, X server time) between the non-modifier presses from
 * index `from` on: what the controller judged the rhythm by. */
static void
press_gaps (Fixture *fixture,
            guint    from,
            guint32 *min_gap,
            guint32 *max_gap)
{
  gboolean have_last = FALSE;
  guint32 last = 0;

  *min_gap = G_MAXUINT32;
  *max_gap = 0;
  for (guint i = from; i < fixture->presses->len; i++) {
    Press *press = &g_array_index (fixture->presses, Press, i);

    if (is_modifier (press->keyval))
      continue;
    if (have_last) {
      *min_gap = MIN (*min_gap, press->time - last);
      *max_gap = MAX (*max_gap, press->time - last);
    }
    last = press->time;
    have_last = TRUE;
  }
}

/* Runs xdotool while the main loop keeps dispatching the events it produces. */
static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  GPid pid;

  g_ptr_array_add (argv, (gpointer)"xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_async (NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, child_exited_cb, &status);
  while (status == -1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (status, ==, 0);
}

/* A scanner: one xdotool run presses the code's keys and Return, `delay_ms` apart. (xdotool's
 * "type" would send Linefeed for a newline and cannot be chained with "key".) */
static void
xdotool_scan (const char *code,
              const char *delay_ms)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup ("key"));
  g_ptr_array_add (args, g_strdup ("--delay"));
  g_ptr_array_add (args, g_strdup (delay_ms));
  for (const char *p = code; *p; p = g_utf8_next_char (p))
    g_ptr_array_add (args, g_strdup (gdk_keyval_name (gdk_unicode_to_keyval (g_utf8_get_char (p)))));
  g_ptr_array_add (args, g_strdup ("Return"));
  g_ptr_array_add (args, NULL);
  xdotool ((const char * const *)args->pdata);
}

#define ATTEMPTS 6

/* A scanner burst that must be one scan of `code`. The controller judges by the X server's time
 * stamps, and so does this: xdotool itself can be descheduled on a loaded machine, and then its
 * "scanner" types slower than the threshold. When the recorded gaps prove that, the attempt
 * says nothing about the controller: undo what it did (restore_cb) and try again, a bounded
 * number of times; a burst that really came at scanner speed must be a scan. */
static void
scan_at_scanner_speed (Fixture    *fixture,
                       const char *code,
                       void      (*restore_cb) (Fixture *fixture))
{
  for (guint attempt = 1; ; attempt++) {
    guint from = fixture->presses->len;
    guint scans = fixture->scans->len;
    guint32 min_gap, max_gap;

    xdotool_scan (code, "2");
    wait_for_press (fixture, from, GDK_KEY_Return);
    press_gaps (fixture, from, &min_gap, &max_gap);
    g_test_message ("scanner burst %u: inter-key gaps %u..%u ms (X server time)", attempt,
                    min_gap, max_gap);
    if (max_gap <= INTERKEY_MS) {
      g_assert_cmpuint (fixture->scans->len, ==, scans + 1);
      g_assert_cmpstr (g_ptr_array_index (fixture->scans, scans), ==, code);
      return;
    }
    if (attempt == ATTEMPTS)
      g_error ("xdotool never typed \"%s\" at scanner speed in %u attempts (last gap %u ms > %u)",
               code, ATTEMPTS, max_gap, INTERKEY_MS);
    /* a slow burst is a person typing, or several bursts: drop whatever it made */
    g_ptr_array_set_size (fixture->scans, scans);
    restore_cb (fixture);
  }
}

/* A person types `text` (150 ms apart: xdotool's type delay is split between press and release,
 * so --delay 300), pauses and presses Return when `enter`: never a scan. A loaded X server can stamp queued keys close together; if the stamps
 * show a burst, that attempt cannot tell a person from a scanner: restore and retry. */
static void
type_at_human_speed (Fixture    *fixture,
                     const char *text,
                     gboolean    enter,
                     void      (*restore_cb) (Fixture *fixture))
{
  for (guint attempt = 1; ; attempt++) {
    guint from = fixture->presses->len;
    guint32 min_gap, max_gap;
    const char *type_args[] = { "type", "--delay", "300", text, NULL };
    const char *enter_args[] = { "key", "Return", NULL };
    const char *last = g_utf8_offset_to_pointer (text, g_utf8_strlen (text, -1) - 1);

    xdotool (type_args);
    wait_for_press (fixture, from, gdk_unicode_to_keyval (g_utf8_get_char (last)));
    if (enter) {
      run_for (300);
      xdotool (enter_args);
      wait_for_press (fixture, from, GDK_KEY_Return);
    }
    /* let the entry take the last key (its controller runs after the recorder) */
    run_for (50);
    press_gaps (fixture, from, &min_gap, &max_gap);
    g_test_message ("typing %u: inter-key gaps %u..%u ms (X server time)", attempt, min_gap, max_gap);
    if (min_gap > INTERKEY_MS)
      return;
    if (attempt == ATTEMPTS)
      g_error ("the X server never stamped \"%s\" at human speed in %u attempts (gap %u ms)",
               text, ATTEMPTS, min_gap);
    g_ptr_array_set_size (fixture->scans, 0);
    restore_cb (fixture);
  }
}

static void
fixture_setup (Fixture *fixture)
{
  GtkWidget *box;

  fixture->scans = g_ptr_array_new_with_free_func (g_free);
  fixture->window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (fixture->window), "foyer-wedge-test");
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 400, 200);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  fixture->entry = gtk_entry_new ();
  fixture->button = gtk_button_new_with_label ("Register");
  gtk_box_append (GTK_BOX (box), fixture->entry);
  gtk_box_append (GTK_BOX (box), fixture->button);
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  g_signal_connect (fixture->button, "clicked", G_CALLBACK (clicked_cb), fixture);

  fixture->controller = foyer_wedge_controller_new (INTERKEY_MS);
  foyer_wedge_controller_attach (fixture->controller, fixture->window);
  g_signal_connect (fixture->controller, "scanned", G_CALLBACK (scanned_cb), fixture);

  fixture->presses = g_array_new (FALSE, FALSE, sizeof (Press));
  fixture->recorder = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (fixture->recorder, GTK_PHASE_CAPTURE);
  g_signal_connect (fixture->recorder, "key-pressed", G_CALLBACK (record_cb), fixture);
  gtk_widget_add_controller (fixture->window, fixture->recorder);
}

static void
fixture_teardown (Fixture *fixture)
{
  g_clear_object (&fixture->controller);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_ptr_array_unref (fixture->scans);
  g_array_unref (fixture->presses);
  run_for (50);
}

static const char *
entry_text (Fixture *fixture)
{
  return gtk_editable_get_text (GTK_EDITABLE (fixture->entry));
}

/* Undo a retried attempt: the entry holds what the person typed, the focus where it was. */
static void
restore_li_lei (Fixture *fixture)
{
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "Li Lei");
  gtk_editable_set_position (GTK_EDITABLE (fixture->entry), -1);
}

static void
restore_clicks (Fixture *fixture)
{
  fixture->clicks = 0;
}

static void
test_xdotool (void)
{
  Fixture fixture = { 0 };
  g_autofree char *xid = NULL;
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  GdkSurface *surface;

  if (xdotool_path == NULL) {
    g_test_skip ("xdotool is not installed (packaging/debian-test-packages.txt)");
    return;
  }
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ())) {
    g_test_skip ("not an X11 display");
    return;
  }

  fixture_setup (&fixture);
  gtk_window_present (GTK_WINDOW (fixture.window));
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (!gtk_widget_get_mapped (fixture.window) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (gtk_widget_get_mapped (fixture.window));
  }
  surface = gtk_native_get_surface (GTK_NATIVE (fixture.window));
  xid = g_strdup_printf ("%lu", (unsigned long)gdk_x11_surface_get_xid (surface));
  /* no window manager under Xvfb: give the window the keyboard ourselves */
  {
    const char *args[] = { "windowfocus", "--sync", xid, NULL };
    xdotool (args);
  }

  /* A person types into the form. */
  gtk_widget_grab_focus (fixture.entry);
  type_at_human_speed (&fixture, "Li Lei", TRUE, restore_li_lei);
  g_assert_cmpstr (entry_text (&fixture), ==, "Li Lei");
  g_assert_cmpuint (fixture.scans->len, ==, 0);

  /* A scanner types while the form has the focus: a scan, and the form is as it was. */
  scan_at_scanner_speed (&fixture, "EXPO2026-V-000123", restore_li_lei);
  g_assert_cmpstr (entry_text (&fixture), ==, "Li Lei");

  /* A scanner types while a button has the focus: a scan, and the button is not pressed by
   * the space inside the code or by the Enter. */
  gtk_widget_grab_focus (fixture.button);
  scan_at_scanner_speed (&fixture, "BADGE 42", restore_clicks);
  g_assert_cmpuint (fixture.scans->len, ==, 2);
  g_assert_cmpuint (fixture.clicks, ==, 0);

  /* The person goes on typing afterwards. */
  gtk_widget_grab_focus (fixture.entry);
  gtk_editable_set_position (GTK_EDITABLE (fixture.entry), -1);
  {
    guint from = fixture.presses->len;
    const char *args[] = { "type", "--delay", "300", "!", NULL };

    xdotool (args);
    wait_for_press (&fixture, from, GDK_KEY_exclam);
    run_for (50);
  }
  g_assert_cmpstr (entry_text (&fixture), ==, "Li Lei!");
  g_assert_cmpuint (fixture.scans->len, ==, 2);

  fixture_teardown (&fixture);
}

/* The same rules through the controller's entry point with explicit times. */
static void
test_synthesized (void)
{
  Fixture fixture = { 0 };
  guint32 t = 100000;
  const char *code = "MECARD:N:Li,Lei;;";

  fixture_setup (&fixture);
  gtk_window_present (GTK_WINDOW (fixture.window));
  run_for (200);

  /* human: 150 ms apart, Enter included: nothing consumed, no scan */
  gtk_widget_grab_focus (fixture.entry);
  for (const char *p = "hello"; *p; p++) {
    g_assert_false (foyer_wedge_controller_key_pressed (fixture.controller, gdk_unicode_to_keyval (*p), 0, t));
    t += 150;
  }
  g_assert_false (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_Return, 0, t));
  g_assert_cmpuint (fixture.scans->len, ==, 0);

  /* scanner into the entry: keys pass (the entry would type them), Enter is consumed and the
   * typed code is taken out of the entry again */
  t += 1000;
  gtk_editable_set_text (GTK_EDITABLE (fixture.entry), "hello");
  gtk_editable_set_position (GTK_EDITABLE (fixture.entry), -1);
  for (const char *p = code; *p; p++) {
    gboolean shift = g_ascii_isupper (*p) || *p == ':';
    if (shift)
      g_assert_false (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_Shift_L, 0, t));
    g_assert_false (foyer_wedge_controller_key_pressed (fixture.controller, gdk_unicode_to_keyval (*p),
                                                        shift ? GDK_SHIFT_MASK : 0, t));
    /* what GtkText would do with the key */
    {
      int pos = gtk_editable_get_position (GTK_EDITABLE (fixture.entry));
      char s[2] = { *p, 0 };
      gtk_editable_insert_text (GTK_EDITABLE (fixture.entry), s, 1, &pos);
      gtk_editable_set_position (GTK_EDITABLE (fixture.entry), pos);
    }
    t += 3;
  }
  g_assert_true (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_Return, 0, t));
  g_assert_cmpuint (fixture.scans->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture.scans, 0), ==, code);
  g_assert_cmpstr (entry_text (&fixture), ==, "hello");

  /* scanner with a button focused: keys after the first are consumed */
  t += 1000;
  gtk_widget_grab_focus (fixture.button);
  g_assert_false (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_B, GDK_SHIFT_MASK, t));
  g_assert_true (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_space, 0, t + 2));
  g_assert_true (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_4, 0, t + 4));
  g_assert_true (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_2, 0, t + 6));
  g_assert_true (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_KP_Enter, 0, t + 8));
  g_assert_cmpuint (fixture.scans->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture.scans, 1), ==, "B 42");

  /* Ctrl+V at speed is a person pasting, not a scanner */
  t += 1000;
  g_assert_false (foyer_wedge_controller_key_pressed (fixture.controller, GDK_KEY_v, GDK_CONTROL_MASK, t));
  g_assert_cmpuint (fixture.scans->len, ==, 2);

  fixture_teardown (&fixture);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL) {
    g_test_message ("no display: run the suite with the README's test command (xvfb-run)");
    g_test_fail ();
    return 1;
  }

  gtk_init ();
  g_test_add_func ("/wedge-controller/xdotool", test_xdotool);
  g_test_add_func ("/wedge-controller/synthesized", test_synthesized);
  return g_test_run ();
}
