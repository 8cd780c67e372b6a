/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-camera.c: the real GStreamer pipeline with file and test sources: one scan per code
 * despite many frames, preview frames, the unavailable state for missing cameras and files, a
 * retry that recovers, and a prompt stop. */
#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "foyer-camera.h"
#include "foyer-config.h"
#include "foyer-test-util.h"

typedef struct {
  guint      frames;
  guint      scans;
  GPtrArray *scanned;   /* GBytes */
  guint      last_width;
  guint      last_height;
  gboolean   frame_ok;
} Counts;

static void
frame_cb (FoyerCamera *camera,
          GBytes      *rgba,
          guint        width,
          guint        height,
          guint        stride,
          Counts      *counts)
{
  counts->frames++;
  counts->last_width = width;
  counts->last_height = height;
  counts->frame_ok = stride >= width * 4 && g_bytes_get_size (rgba) >= (gsize)stride * height;
}

static void
scanned_cb (FoyerCamera *camera,
            const char  *type,
            GBytes      *bytes,
            Counts      *counts)
{
  g_assert_cmpstr (type, ==, "QR-Code");
  counts->scans++;
  g_ptr_array_add (counts->scanned, g_bytes_ref (bytes));
}

static void
counts_clear (Counts *counts)
{
  g_clear_pointer (&counts->scanned, g_ptr_array_unref);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context for at most `ms`, or until *stop becomes TRUE. */
static void
run_for (guint           ms,
         const gboolean *stop)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!timed_out && (stop == NULL || !*stop))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

/* Under load (two cores shared by many builds, sanitizers) frames and decodes come late: wait for
 * what a test needs, bounded, rather than for a fixed time. */
#define ARRIVAL_MS 30000

/* Iterates the default main context until counts->frames >= frames and counts->scans >= scans,
 * for at most `ms`. */
static void
run_until_counts (Counts *counts,
                  guint   frames,
                  guint   scans,
                  guint   ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (!timed_out && (counts->frames < frames || counts->scans < scans))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static gboolean state_reached;
static FoyerCameraState wanted_state;

static void
state_cb (FoyerCamera *camera,
          GParamSpec  *pspec,
          gpointer     user_data)
{
  if (foyer_camera_get_state (camera) == wanted_state)
    state_reached = TRUE;
}

static void
wait_for_state (FoyerCamera      *camera,
                FoyerCameraState  state,
                guint             ms)
{
  gulong id;

  state_reached = foyer_camera_get_state (camera) == state;
  wanted_state = state;
  id = g_signal_connect (camera, "notify::state", G_CALLBACK (state_cb), NULL);
  run_for (ms, &state_reached);
  g_signal_handler_disconnect (camera, id);
  g_assert_cmpint (foyer_camera_get_state (camera), ==, state);
}

static void
stop_promptly (FoyerCamera *camera)
{
  gint64 start = g_get_monotonic_time ();

  foyer_camera_stop (camera);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (foyer_camera_get_state (camera), ==, FOYER_CAMERA_STATE_STOPPED);
}

static char *
card_path (const char *name,
           const char *ext)
{
  g_autofree char *file = g_strconcat (name, ext, NULL);

  return foyer_test_data_path ("cards", file, NULL);
}

static void
test_file_image_scans_once (void)
{
  g_autofree char *png = NULL;
  g_autofree char *payload_path = NULL;
  g_autofree char *source = NULL;
  g_autoptr(FoyerCamera) camera = NULL;
  g_autoptr(GBytes) expected = NULL;
  char *contents;
  gsize len;
  Counts counts = { 0 };

  png = card_path ("vcard30-utf8-cn", ".png");
  payload_path = card_path ("vcard30-utf8-cn", ".payload");
  g_assert_true (g_file_get_contents (payload_path, &contents, &len, NULL));
  expected = g_bytes_new_take (contents, len);

  source = g_strconcat ("file:", png, NULL);
  camera = foyer_camera_new_for_source (source);
  /* long enough that a decode worker starved by a loaded machine still sees the code again
   * within it: this test is about many frames making one scan */
  foyer_camera_set_repeat_seconds (camera, 120);
  counts.scanned = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_signal_connect (camera, "frame", G_CALLBACK (frame_cb), &counts);
  g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), &counts);

  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  /* a still image at 25 fps: dozens of frames, every one holding the code */
  run_until_counts (&counts, 10, 1, ARRIVAL_MS);
  {
    guint seen = counts.frames;

    /* and more frames after the scan: still one scan */
    run_for (1000, NULL);
    run_until_counts (&counts, seen + 10, 1, ARRIVAL_MS);
  }

  g_test_message ("%u preview frames, %u scans", counts.frames, counts.scans);
  g_assert_cmpuint (counts.frames, >=, 10);
  g_assert_true (counts.frame_ok);
  g_assert_cmpuint (counts.scans, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (counts.scanned, 0), expected));

  stop_promptly (camera);
  /* nothing arrives after stop() */
  run_for (200, NULL);
  g_assert_cmpuint (counts.scans, ==, 1);
  counts_clear (&counts);
}

static void
test_repeat_after_interval (void)
{
  g_autofree char *png = NULL;
  g_autofree char *source = NULL;
  g_autoptr(FoyerCamera) camera = NULL;
  Counts counts = { 0 };

  png = card_path ("badge-plain", ".png");
  source = g_strconcat ("file:", png, NULL);
  camera = foyer_camera_new_for_source (source);
  /* repeat-seconds=0: every sighting is a new scan */
  foyer_camera_set_repeat_seconds (camera, 0);
  counts.scanned = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), &counts);
  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  run_until_counts (&counts, 0, 2, ARRIVAL_MS);
  g_assert_cmpuint (counts.scans, >, 1);
  stop_promptly (camera);
  counts_clear (&counts);
}

static void
test_test_source (void)
{
  g_autoptr(FoyerCamera) camera = foyer_camera_new_for_source ("test");
  Counts counts = { 0 };

  counts.scanned = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_signal_connect (camera, "frame", G_CALLBACK (frame_cb), &counts);
  g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), &counts);
  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  run_until_counts (&counts, 3, 0, ARRIVAL_MS);
  g_assert_cmpuint (counts.frames, >=, 3);
  g_assert_cmpuint (counts.last_width, ==, 640);
  g_assert_cmpuint (counts.last_height, ==, 480);
  g_assert_true (counts.frame_ok);
  g_assert_cmpuint (counts.scans, ==, 0);
  g_assert_null (foyer_camera_get_message (camera));
  stop_promptly (camera);
  counts_clear (&counts);
}

static void
assert_unavailable (const char *source)
{
  g_autoptr(FoyerCamera) camera = foyer_camera_new_for_source (source);

  foyer_camera_set_retry_seconds (camera, 1);
  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_UNAVAILABLE, ARRIVAL_MS);
  g_assert_nonnull (foyer_camera_get_message (camera));
  g_assert_true (g_str_has_prefix (foyer_camera_get_message (camera), "camera unavailable"));
  g_assert_nonnull (foyer_camera_get_detail (camera));
  g_test_message ("%s: %s", source, foyer_camera_get_detail (camera));
  /* it keeps retrying without crashing or hanging */
  run_for (1200, NULL);
  g_assert_cmpint (foyer_camera_get_state (camera), ==, FOYER_CAMERA_STATE_UNAVAILABLE);
  stop_promptly (camera);
}

static void
test_unavailable (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("camera");
  g_autofree char *garbage = foyer_test_write_file (dir, "garbage.png", "this is not a PNG");
  g_autofree char *garbage_source = g_strconcat ("file:", garbage, NULL);

  assert_unavailable ("file:/nonexistent/card.png");
  assert_unavailable (garbage_source);
  assert_unavailable ("v4l2:/dev/video-foyer-missing");
  /* exists but is no camera: v4l2src fails at start (also without the 720p limit) */
  assert_unavailable ("v4l2:/dev/null");
  assert_unavailable ("none");
  assert_unavailable ("bogus");
}

/* A camera that appears later (plugged in, freed by another program) is picked up. */
static void
test_recovers (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("camera");
  g_autofree char *path = g_build_filename (dir, "later.png", NULL);
  g_autofree char *source = g_strconcat ("file:", path, NULL);
  g_autofree char *png = NULL;
  g_autoptr(FoyerCamera) camera = NULL;
  char *contents;
  gsize len;
  Counts counts = { 0 };

  png = card_path ("badge-plain", ".png");
  camera = foyer_camera_new_for_source (source);
  counts.scanned = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), &counts);
  foyer_camera_set_retry_seconds (camera, 1);
  foyer_camera_set_repeat_seconds (camera, 120);
  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_UNAVAILABLE, ARRIVAL_MS);

  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  g_free (contents);
  wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  g_assert_null (foyer_camera_get_message (camera));
  run_until_counts (&counts, 0, 1, ARRIVAL_MS);
  run_for (500, NULL);
  g_assert_cmpuint (counts.scans, ==, 1);
  stop_promptly (camera);
  counts_clear (&counts);
}

/* A video file plays in a loop (demos, tests): more frames arrive than the file holds. */
static void
test_video_loops (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("camera");
  g_autofree char *path = g_build_filename (dir, "demo.ogv", NULL);
  g_autofree char *description = NULL;
  g_autofree char *source = g_strconcat ("file:", path, NULL);
  g_autoptr(GstElement) writer = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerCamera) camera = NULL;
  Counts counts = { 0 };

  /* 10 frames at 25 fps: 0.4 s of video */
  description = g_strdup_printf ("videotestsrc num-buffers=10 ! "
                                 "video/x-raw,width=320,height=240,framerate=25/1 ! "
                                 "theoraenc ! oggmux ! filesink location=\"%s\"", path);
  writer = gst_parse_launch (description, &error);
  if (writer == NULL) {
    g_test_skip (error->message);
    return;
  }
  gst_element_set_state (writer, GST_STATE_PLAYING);
  bus = gst_element_get_bus (writer);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (writer, GST_STATE_NULL);

  camera = foyer_camera_new_for_source (source);
  counts.scanned = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_signal_connect (camera, "frame", G_CALLBACK (frame_cb), &counts);
  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  /* the preview keeps one frame in flight and drops the rest: a loaded machine sees fewer of
   * each pass, but more than one pass's worth arrives only if it loops */
  run_until_counts (&counts, 13, 0, ARRIVAL_MS);
  g_test_message ("%u frames from a 10-frame video", counts.frames);
  g_assert_cmpuint (counts.frames, >, 12);
  g_assert_cmpint (foyer_camera_get_state (camera), ==, FOYER_CAMERA_STATE_RUNNING);
  g_assert_cmpuint (counts.last_width, ==, 320);

  /* The source breaks mid-run (as an unplugged camera does): the state says so, no crash. */
  {
    char *video;
    gsize len;

    g_assert_true (g_file_get_contents (path, &video, &len, NULL));
    /* in place: the pipeline holds the file open */
    g_assert_cmpint (truncate (path, 0), ==, 0);
    foyer_camera_set_retry_seconds (camera, 1);
    wait_for_state (camera, FOYER_CAMERA_STATE_UNAVAILABLE, ARRIVAL_MS);
    g_test_message ("broken mid-run: %s", foyer_camera_get_detail (camera));
    /* and comes back when the source does */
    g_assert_true (g_file_set_contents (path, video, len, NULL));
    g_free (video);
    wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  }
  stop_promptly (camera);
  counts_clear (&counts);
}

static void
test_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config =
    foyer_config_load_from_data ("[camera]\nsource=test\nrepeat-seconds=7\n", "test", &error);
  g_autoptr(FoyerCamera) camera = NULL;

  g_assert_no_error (error);
  camera = foyer_camera_new (config);
  g_assert_cmpstr (foyer_camera_get_source (camera), ==, "test");
  g_assert_cmpint (foyer_camera_get_state (camera), ==, FOYER_CAMERA_STATE_STOPPED);
}

/* Dropping the last reference while running stops everything (no thread left behind). */
static void
test_unref_while_running (void)
{
  FoyerCamera *camera = foyer_camera_new_for_source ("test");

  foyer_camera_start (camera);
  wait_for_state (camera, FOYER_CAMERA_STATE_RUNNING, ARRIVAL_MS);
  g_object_unref (camera);
  run_for (200, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/camera/file-image-scans-once", test_file_image_scans_once);
  g_test_add_func ("/camera/repeat-after-interval", test_repeat_after_interval);
  g_test_add_func ("/camera/test-source", test_test_source);
  g_test_add_func ("/camera/unavailable", test_unavailable);
  g_test_add_func ("/camera/recovers", test_recovers);
  g_test_add_func ("/camera/video-loops", test_video_loops);
  g_test_add_func ("/camera/config", test_config);
  g_test_add_func ("/camera/unref-while-running", test_unref_while_running);
  return g_test_run ();
}
