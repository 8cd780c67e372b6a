/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-camera.c: GStreamer capture, preview frames and the decode worker.
 *
 * The pipeline is built once per start: SOURCE ! decodebin ! videoconvert ! videoscale (at most
 * 1280×720) ! tee, with a preview branch (queue ! RGBA appsink max-buffers=1 drop=true) and a
 * decode branch (queue leaky=downstream max-size-buffers=1 ! GRAY8 appsink). Streaming threads
 * never wait for the main thread: the preview keeps at most one frame in flight and the decode
 * branch hands its frame to the worker only when the worker is idle. Results travel back in an
 * idle source attached to the camera's context (HACKING.md, "Threads"), holding a GWeakRef, so
 * a camera finalized meanwhile is fine, and a GCancellable per run drops what a stopped run
 * still had in flight.
 */
#define G_LOG_DOMAIN "foyer-camera"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/videodev2.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "foyer-camera.h"
#include "foyer-decoder.h"

#define DEFAULT_RETRY_SECONDS  5
/* A camera that is opened but delivers nothing (held by another program on some drivers) */
#define START_TIMEOUT_SECONDS 10

/* ---------------------------------------------------------------------------------------------
 * What the streaming threads, the worker and the main thread share for one run. Refcounted: the
 * appsink callbacks, the worker and every in-flight delivery hold a reference.
 */

typedef struct {
  GWeakRef       owner;
  GMainContext  *context;
  GCancellable  *cancellable;

  GMutex         lock;
  GCond          cond;
  /* decode branch → worker, under lock */
  guint8        *pending;
  guint          pending_width;
  guint          pending_height;
  gint64         pending_arrival;   /* monotonic µs when the appsink got the frame */
  gboolean       busy;
  gboolean       quit;
  /* preview branch: a frame is on its way to the main thread, under lock */
  gboolean       preview_in_flight;
  /* frames that reached the preview sink since the video file last looped (atomic): counted
   * where they arrive, not where the main thread sees them, which may be after the EOS */
  gint           frames_since_loop;

  GThread       *thread;
  /* worker only */
  FoyerDecoder  *decoder;
  GHashTable    *seen;        /* "type\x1fbytes" → last time seen (µs) */
  gint64         repeat_us;
} Shared;

static void
shared_clear (Shared *shared)
{
  g_weak_ref_clear (&shared->owner);
  g_clear_pointer (&shared->context, g_main_context_unref);
  g_clear_object (&shared->cancellable);
  g_mutex_clear (&shared->lock);
  g_cond_clear (&shared->cond);
  g_clear_pointer (&shared->pending, g_free);
  g_clear_object (&shared->decoder);
  g_clear_pointer (&shared->seen, g_hash_table_unref);
}

static Shared *
shared_ref (Shared *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify)shared_clear);
}

/* ---------------------------------------------------------------------------------------------
 * The camera object
 */

struct _FoyerCamera {
  GObject           parent_instance;

  char             *source;
  guint             repeat_seconds;
  guint             budget_ms;
  guint             retry_seconds;

  FoyerCameraState  state;
  char             *message;
  char             *detail;

  GMainContext     *context;
  GstElement       *pipeline;
  GSource          *bus_source;
  GSource          *retry_source;
  GSource          *watchdog_source;
  Shared           *shared;
  gboolean          loop_on_eos;   /* a video file */
  gboolean          filtered;      /* this run limits the camera's modes to 720p */
  gboolean          unfiltered;    /* the limit failed once: use the camera's own modes */
  gboolean          not_negotiated; /* the error being handled is a caps negotiation failure */
  gboolean          wanted;        /* between start() and stop() */
  gint64            last_scan_latency_us;
  FoyerScanLocation last_scan_location;   /* of the "scanned" being emitted (or the last) */
};

G_DEFINE_FINAL_TYPE (FoyerCamera, foyer_camera, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_STATE,
  PROP_MESSAGE,
  N_PROPS
};

enum {
  SIGNAL_FRAME,
  SIGNAL_SCANNED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void teardown (FoyerCamera *self);
static void try_start (FoyerCamera *self);

static void
set_state (FoyerCamera      *self,
           FoyerCameraState  state,
           const char       *message,
           const char       *detail)
{
  gboolean message_changed = g_strcmp0 (message, self->message) != 0;

  g_free (self->detail);
  self->detail = g_strdup (detail);
  if (message_changed) {
    g_free (self->message);
    self->message = g_strdup (message);
  }
  if (self->state != state) {
    self->state = state;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  }
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

static gboolean
retry_cb (gpointer user_data)
{
  FoyerCamera *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  g_debug ("retrying camera %s", self->source);
  teardown (self);
  if (self->wanted)
    try_start (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FoyerCamera *self)
{
  clear_source (&self->retry_source);
  self->retry_source = g_timeout_source_new_seconds (self->retry_seconds);
  g_source_set_name (self->retry_source, "[foyer] camera retry");
  g_source_set_callback (self->retry_source, retry_cb, self, NULL);
  g_source_attach (self->retry_source, self->context);
}

/* The camera cannot be used now: show it, free the device and try again later. */
static void
become_unavailable (FoyerCamera *self,
                    const char  *detail)
{
  /* A camera with no mode at 720p or below fails to negotiate with the limit: try once more
   * at once, without it, before telling anyone. (Not for other errors: a busy camera must
   * keep the limit for when it comes free.) */
  if (self->filtered && self->not_negotiated && !self->unfiltered && self->wanted &&
      self->state != FOYER_CAMERA_STATE_RUNNING) {
    g_debug ("camera %s: %s; retrying without the 720p limit", self->source, detail);
    self->unfiltered = TRUE;
    teardown (self);
    try_start (self);
    return;
  }

  if (self->state != FOYER_CAMERA_STATE_UNAVAILABLE)
    g_message ("camera %s unavailable: %s", self->source, detail);
  else
    g_debug ("camera %s still unavailable: %s", self->source, detail);
  teardown (self);
  set_state (self, FOYER_CAMERA_STATE_UNAVAILABLE,
             _("camera unavailable — use the scanner or the keyboard"), detail);
  if (self->wanted && strcmp (self->source, "none") != 0)
    schedule_retry (self);
}

/* ---------------------------------------------------------------------------------------------
 * Main-thread deliveries
 */

typedef struct {
  Shared       *shared;
  GstVideoFrame frame;
  GstBuffer    *buffer;
} PreviewFrame;

static void
preview_frame_free (PreviewFrame *preview)
{
  gst_video_frame_unmap (&preview->frame);
  gst_buffer_unref (preview->buffer);
  g_clear_pointer (&preview->shared, shared_unref);
  g_free (preview);
}

typedef struct {
  Shared  *shared;
  GBytes  *rgba;
  guint    width;
  guint    height;
  guint    stride;
} PreviewDelivery;

static void
preview_delivery_free (PreviewDelivery *delivery)
{
  g_clear_pointer (&delivery->rgba, g_bytes_unref);
  shared_unref (delivery->shared);
  g_free (delivery);
}

static void
mark_running (FoyerCamera *self)
{
  if (self->state != FOYER_CAMERA_STATE_RUNNING && self->pipeline != NULL) {
    clear_source (&self->watchdog_source);
    set_state (self, FOYER_CAMERA_STATE_RUNNING, NULL, NULL);
  }
}

static gboolean
deliver_preview_cb (gpointer user_data)
{
  PreviewDelivery *delivery = user_data;
  Shared *shared = delivery->shared;
  g_autoptr(FoyerCamera) self = NULL;

  g_mutex_lock (&shared->lock);
  shared->preview_in_flight = FALSE;
  g_mutex_unlock (&shared->lock);

  if (g_cancellable_is_cancelled (shared->cancellable))
    return G_SOURCE_REMOVE;
  if ((self = g_weak_ref_get (&shared->owner)) == NULL)
    return G_SOURCE_REMOVE;

  mark_running (self);
  g_signal_emit (self, signals[SIGNAL_FRAME], 0, delivery->rgba, delivery->width,
                 delivery->height, delivery->stride);
  return G_SOURCE_REMOVE;
}

typedef struct {
  Shared            *shared;
  char              *type;
  GBytes            *bytes;
  gint64             arrival;
  FoyerScanLocation  location;
} ScanDelivery;

static void
scan_delivery_free (ScanDelivery *delivery)
{
  g_free (delivery->type);
  g_clear_pointer (&delivery->bytes, g_bytes_unref);
  shared_unref (delivery->shared);
  g_free (delivery);
}

static gboolean
deliver_scan_cb (gpointer user_data)
{
  ScanDelivery *delivery = user_data;
  g_autoptr(FoyerCamera) self = NULL;

  if (g_cancellable_is_cancelled (delivery->shared->cancellable))
    return G_SOURCE_REMOVE;
  if ((self = g_weak_ref_get (&delivery->shared->owner)) == NULL)
    return G_SOURCE_REMOVE;

  mark_running (self);
  self->last_scan_latency_us = g_get_monotonic_time () - delivery->arrival;
  self->last_scan_location = delivery->location;
  g_signal_emit (self, signals[SIGNAL_SCANNED], 0, delivery->type, delivery->bytes);
  return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------------------------------------
 * Streaming threads
 */

/* The one way back to the owner's thread: an idle source attached to the camera's context. Not
 * g_main_context_invoke_full(), which runs the callback right here, on the streaming or decode
 * thread, whenever no thread owns the context at that moment. */
static void
deliver_on_owner (Shared         *shared,
                  GSourceFunc     func,
                  gpointer        data,
                  GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[foyer] camera delivery");
  g_source_attach (source, shared->context);
}

static GstFlowReturn
preview_sample_cb (GstAppSink *sink,
                   gpointer    user_data)
{
  Shared *shared = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  PreviewFrame *preview;
  PreviewDelivery *delivery;
  gboolean busy;

  if (sample == NULL)
    return GST_FLOW_OK;
  g_atomic_int_inc (&shared->frames_since_loop);

  /* The UI only ever wants the newest frame: while one is on its way, drop the rest. */
  g_mutex_lock (&shared->lock);
  busy = shared->preview_in_flight;
  if (!busy)
    shared->preview_in_flight = TRUE;
  g_mutex_unlock (&shared->lock);
  if (busy)
    return GST_FLOW_OK;

  preview = g_new0 (PreviewFrame, 1);
  preview->buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&preview->frame, &info, preview->buffer, GST_MAP_READ)) {
    gst_buffer_unref (preview->buffer);
    g_free (preview);
    g_mutex_lock (&shared->lock);
    shared->preview_in_flight = FALSE;
    g_mutex_unlock (&shared->lock);
    return GST_FLOW_OK;
  }
  preview->shared = shared_ref (shared);

  /* As GTK's gtkgstsink.c does: the mapped frame lives as long as the GBytes. */
  delivery = g_new0 (PreviewDelivery, 1);
  delivery->shared = shared_ref (shared);
  delivery->width = GST_VIDEO_FRAME_WIDTH (&preview->frame);
  delivery->height = GST_VIDEO_FRAME_HEIGHT (&preview->frame);
  delivery->stride = GST_VIDEO_FRAME_PLANE_STRIDE (&preview->frame, 0);
  delivery->rgba = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&preview->frame, 0),
                                               (gsize)delivery->stride * delivery->height,
                                               (GDestroyNotify)preview_frame_free, preview);
  deliver_on_owner (shared, deliver_preview_cb, delivery, (GDestroyNotify)preview_delivery_free);
  return GST_FLOW_OK;
}

static GstFlowReturn
decode_sample_cb (GstAppSink *sink,
                  gpointer    user_data)
{
  Shared *shared = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  GstVideoFrame frame;
  guint width, height, stride;
  guint8 *copy;
  gboolean busy;
  gint64 arrival = g_get_monotonic_time ();

  if (sample == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&shared->lock);
  busy = shared->busy || shared->quit;
  g_mutex_unlock (&shared->lock);
  if (busy)
    return GST_FLOW_OK;  /* the worker is still on an earlier frame: skip this one */

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return GST_FLOW_OK;

  width = GST_VIDEO_FRAME_WIDTH (&frame);
  height = GST_VIDEO_FRAME_HEIGHT (&frame);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  /* The worker gets its own packed copy: the buffer goes back to the camera's pool now. */
  copy = g_malloc ((gsize)width * height);
  for (guint y = 0; y < height; y++)
    memcpy (copy + (gsize)y * width, (guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) + (gsize)y * stride,
            width);
  gst_video_frame_unmap (&frame);

  g_mutex_lock (&shared->lock);
  g_free (shared->pending);
  shared->pending = copy;
  shared->pending_arrival = arrival;
  shared->pending_width = width;
  shared->pending_height = height;
  g_cond_signal (&shared->cond);
  g_mutex_unlock (&shared->lock);
  return GST_FLOW_OK;
}

/* ---------------------------------------------------------------------------------------------
 * The decode worker
 */

static char *
seen_key (const FoyerSymbol *symbol)
{
  gsize len;
  const char *data = g_bytes_get_data (symbol->bytes, &len);
  GString *key = g_string_new (symbol->type);

  g_string_append_c (key, '\x1f');
  g_string_append_len (key, data, len);
  return g_string_free (key, FALSE);
}

static gpointer
worker_main (gpointer user_data)
{
  Shared *shared = user_data;

  for (;;) {
    g_autofree guint8 *frame = NULL;
    g_autoptr(GPtrArray) symbols = NULL;
    guint width, height;
    gint64 now, arrival;

    g_mutex_lock (&shared->lock);
    while (shared->pending == NULL && !shared->quit)
      g_cond_wait (&shared->cond, &shared->lock);
    if (shared->quit) {
      g_mutex_unlock (&shared->lock);
      break;
    }
    frame = g_steal_pointer (&shared->pending);
    arrival = shared->pending_arrival;
    width = shared->pending_width;
    height = shared->pending_height;
    shared->busy = TRUE;
    g_mutex_unlock (&shared->lock);

    symbols = foyer_decoder_decode_gray (shared->decoder, frame, width, height, width);
    now = g_get_monotonic_time ();

    for (guint i = 0; i < symbols->len; i++) {
      FoyerSymbol *symbol = g_ptr_array_index (symbols, i);
      char *key = seen_key (symbol);
      gpointer last = NULL;
      gboolean repeat;
      ScanDelivery *delivery;

      /* Held in front of the camera, a code is seen in every frame: while it keeps being
       * seen within repeat-seconds it is the same scan. */
      repeat = g_hash_table_lookup_extended (shared->seen, key, NULL, &last) &&
               now - *(gint64 *)last < shared->repeat_us;
      g_hash_table_insert (shared->seen, key, g_memdup2 (&now, sizeof now));
      if (repeat)
        continue;

      g_debug ("scanned a %s symbol (%zu bytes) by pass %s", symbol->type,
               g_bytes_get_size (symbol->bytes), symbol->pass);
      delivery = g_new0 (ScanDelivery, 1);
      delivery->shared = shared_ref (shared);
      delivery->type = g_strdup (symbol->type);
      delivery->bytes = g_bytes_ref (symbol->bytes);
      delivery->arrival = arrival;
      delivery->location = (FoyerScanLocation) { symbol->x, symbol->y, symbol->width,
                                                 symbol->height, width, height };
      deliver_on_owner (shared, deliver_scan_cb, delivery, (GDestroyNotify)scan_delivery_free);
    }

    /* Keep the table small on a long show day. */
    if (g_hash_table_size (shared->seen) > 64) {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, shared->seen);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (now - *(gint64 *)value >= shared->repeat_us)
          g_hash_table_iter_remove (&iter);
    }

    g_mutex_lock (&shared->lock);
    shared->busy = FALSE;
    g_mutex_unlock (&shared->lock);
  }

  shared_unref (shared);
  return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Building the pipeline
 */

/* The first /dev/video* that opens and says it captures video. */
static char *
find_v4l2_device (void)
{
  for (int i = 0; i < 64; i++) {
    g_autofree char *path = g_strdup_printf ("/dev/video%d", i);
    struct v4l2_capability cap;
    int fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    guint32 caps;

    if (fd < 0)
      continue;
    memset (&cap, 0, sizeof cap);
    if (ioctl (fd, VIDIOC_QUERYCAP, &cap) == 0) {
      caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
      if (caps & V4L2_CAP_VIDEO_CAPTURE) {
        close (fd);
        return g_steal_pointer (&path);
      }
    }
    close (fd);
  }
  return NULL;
}

/* auto: a PipeWire camera when PipeWire's element is installed and sees one, else the first
 * V4L2 capture device, else nothing. */
static GstElement *
make_auto_source (char **detail)
{
  g_autoptr(GstElementFactory) pipewire = gst_element_factory_find ("pipewiresrc");
  g_autofree char *device = NULL;

  if (pipewire != NULL) {
    g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
    GList *devices;
    GstElement *element = NULL;

    gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
    devices = gst_device_monitor_get_devices (monitor);
    for (GList *l = devices; l != NULL && element == NULL; l = l->next) {
      GstElement *candidate = gst_device_create_element (l->data, "src");
      GstElementFactory *factory = candidate ? gst_element_get_factory (candidate) : NULL;

      if (factory != NULL &&
          strcmp (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)), "pipewiresrc") == 0) {
        element = candidate;
        g_debug ("camera: PipeWire device %s", gst_device_get_display_name (l->data));
      } else if (candidate != NULL) {
        gst_object_unref (gst_object_ref_sink (candidate));
      }
    }
    g_list_free_full (devices, gst_object_unref);
    if (element != NULL)
      return element;
  }

  device = find_v4l2_device ();
  if (device != NULL) {
    GstElement *element = gst_element_factory_make ("v4l2src", "src");
    if (element != NULL) {
      g_object_set (element, "device", device, NULL);
      g_debug ("camera: %s", device);
      return element;
    }
  }
  *detail = g_strdup ("no camera found");
  return NULL;
}

static gboolean
is_image_file (const char *path)
{
  static const char * const extensions[] = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp",
                                             ".tif", ".tiff", ".pnm", ".pgm", NULL };
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *type = NULL;
  g_autofree char *mime = NULL;

  /* By name first: the MIME database may be absent (minimal systems, isolated tests). */
  for (guint i = 0; extensions[i] != NULL; i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  type = g_content_type_guess (path, NULL, 0, NULL);
  mime = g_content_type_get_mime_type (type);
  return mime != NULL && g_str_has_prefix (mime, "image/");
}

static GstElement *
make_source (FoyerCamera  *self,
             char        **detail,
             gboolean     *image)
{
  const char *source = self->source;
  g_autoptr(GError) error = NULL;
  GstElement *element = NULL;

  *image = FALSE;
  if (strcmp (source, "auto") == 0)
    return make_auto_source (detail);

  if (strcmp (source, "test") == 0) {
    element = gst_parse_bin_from_description (
      "videotestsrc is-live=true ! capsfilter caps=video/x-raw,width=640,height=480,framerate=15/1",
      TRUE, &error);
  } else if (g_str_has_prefix (source, "v4l2:")) {
    const char *device = source + strlen ("v4l2:");

    if (!g_file_test (device, G_FILE_TEST_EXISTS)) {
      *detail = g_strdup_printf ("%s does not exist", device);
      return NULL;
    }
    element = gst_element_factory_make ("v4l2src", NULL);
    if (element != NULL)
      g_object_set (element, "device", device, NULL);
  } else if (g_str_has_prefix (source, "file:")) {
    const char *path = source + strlen ("file:");

    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      *detail = g_strdup_printf ("%s: no such file", path);
      return NULL;
    }
    element = gst_element_factory_make ("filesrc", NULL);
    if (element != NULL)
      g_object_set (element, "location", path, NULL);
    *image = is_image_file (path);
  } else {
    *detail = g_strdup_printf ("unknown camera source “%s”", source);
    return NULL;
  }

  if (element == NULL)
    *detail = g_strdup_printf ("cannot create the source for “%s”: %s", source,
                               error != NULL ? error->message : "GStreamer element missing");
  return element;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  FoyerCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message)) {
  case GST_MESSAGE_ERROR: {
    g_autoptr(GError) error = NULL;
    g_autofree char *debug = NULL;

    gst_message_parse_error (message, &error, &debug);
    g_debug ("camera error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
             error->message, debug ? debug : "");
    self->not_negotiated = g_error_matches (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT) ||
                           (debug != NULL && strstr (debug, "not-negotiated") != NULL);
    /* teardown() removes this watch: the source is destroyed, not just this dispatch */
    become_unavailable (self, error->message);
    self->not_negotiated = FALSE;
    return G_SOURCE_CONTINUE;
  }

  case GST_MESSAGE_EOS:
    /* Every frame of this pass went through the sinks before the EOS did. */
    if (self->loop_on_eos && self->pipeline != NULL && self->shared != NULL &&
        g_atomic_int_get (&self->shared->frames_since_loop) == 0) {
      /* Ended again without a frame (the file was truncated or replaced): seeking again
       * would spin. */
      become_unavailable (self, "the video file has no frames");
    } else if (self->loop_on_eos && self->pipeline != NULL && self->shared != NULL) {
      /* A demo or test video plays forever. (No frame comes between the EOS and the seek.) */
      g_atomic_int_set (&self->shared->frames_since_loop, 0);
      if (!gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0))
        become_unavailable (self, "cannot loop the video file");
    } else {
      become_unavailable (self, "the camera stopped sending frames");
    }
    return G_SOURCE_CONTINUE;

  default:
    return G_SOURCE_CONTINUE;
  }
}

static gboolean
watchdog_cb (gpointer user_data)
{
  FoyerCamera *self = user_data;

  g_clear_pointer (&self->watchdog_source, g_source_unref);
  /* mark_running() removes this source: no frame arrived in time */
  become_unavailable (self, "the camera opened but sent no frame");
  return G_SOURCE_REMOVE;
}

/* decodebin's video pad appears once the stream is typefound (streaming thread). */
static void
decodebin_pad_added_cb (GstElement *decodebin,
                        GstPad     *pad,
                        GstElement *tail)
{
  g_autoptr(GstPad) sink = gst_element_get_static_pad (tail, "sink");
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  GstStructure *structure = gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) : NULL;

  if (sink == NULL || gst_pad_is_linked (sink))
    return;
  if (structure != NULL && !g_str_has_prefix (gst_structure_get_name (structure), "video/"))
    return;  /* the sound track of a demo video */
  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink)))
    g_debug ("cannot link decodebin's %s pad", GST_PAD_NAME (pad));
}

#define CAMERA_CAPS \
  "video/x-raw,width=[1,1280],height=[1,720];image/jpeg,width=[1,1280],height=[1,720]"

#define PIPELINE_TAIL \
  "videoconvert ! videoscale ! " \
  "video/x-raw,width=[16,1280],height=[16,720],pixel-aspect-ratio=1/1 ! tee name=t " \
  "t. ! queue leaky=downstream max-size-buffers=1 ! videoconvert ! video/x-raw,format=RGBA ! " \
  "  appsink name=preview max-buffers=1 drop=true async=false " \
  "t. ! queue leaky=downstream max-size-buffers=1 ! videoconvert ! video/x-raw,format=GRAY8 ! " \
  "  appsink name=decode max-buffers=1 drop=true async=false"

/* source ! [capsfilter] ! decodebin ! tail, in a new pipeline; FALSE (camera unavailable, with
 * the reason) when an element is missing or will not link. */
static gboolean
build_pipeline (FoyerCamera *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *tail_description = NULL;
  GstElement *source;
  GstElement *decodebin;
  GstElement *tail;
  gboolean image = FALSE;
  gboolean is_file;
  gboolean linked;

  source = make_source (self, &detail, &image);
  if (source == NULL) {
    become_unavailable (self, detail);
    return FALSE;
  }
  /* decodebin passes raw video through and decodes files and MJPEG cameras; an image file
   * becomes a stream of identical frames. decodebin stays outside the parsed tail: its pads
   * appear late, and the tail's ghost sink pad must be the tail's first element. */
  /* Files are paced to the clock like a camera: the leaky queues would otherwise let a file
   * race ahead of the sinks' clock and the sinks would wait for frames from the future. */
  is_file = g_str_has_prefix (self->source, "file:");
  tail_description = g_strconcat (image ? "imagefreeze is-live=true ! video/x-raw,framerate=25/1 ! "
                                        : is_file ? "identity sync=true ! " : "",
                                  PIPELINE_TAIL, NULL);
  tail = gst_parse_bin_from_description (tail_description, TRUE, &error);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  if (tail == NULL || decodebin == NULL) {
    gst_object_unref (gst_object_ref_sink (source));
    if (tail != NULL)
      gst_object_unref (gst_object_ref_sink (tail));
    if (decodebin != NULL)
      gst_object_unref (gst_object_ref_sink (decodebin));
    become_unavailable (self, error != NULL ? error->message : "GStreamer's decodebin is missing");
    return FALSE;
  }

  self->pipeline = gst_pipeline_new ("foyer-camera");
  gst_bin_add_many (GST_BIN (self->pipeline), source, decodebin, tail, NULL);
  g_signal_connect_object (decodebin, "pad-added", G_CALLBACK (decodebin_pad_added_cb), tail, 0);
  self->filtered = !is_file && strcmp (self->source, "test") != 0 && !self->unfiltered;
  if (self->filtered) {
    /* Left alone, a webcam offers its largest mode (often 1080p MJPEG), which costs a core
     * to decode and is scaled down anyway; every webcam has a mode at 720p or below. */
    g_autoptr(GstCaps) caps = gst_caps_from_string (CAMERA_CAPS);
    GstElement *filter = gst_element_factory_make ("capsfilter", NULL);

    g_object_set (filter, "caps", caps, NULL);
    gst_bin_add (GST_BIN (self->pipeline), filter);
    linked = gst_element_link_many (source, filter, decodebin, NULL);
  } else {
    linked = gst_element_link (source, decodebin);
  }
  if (!linked) {
    become_unavailable (self, "cannot link the camera to the pipeline");
    return FALSE;
  }
  self->loop_on_eos = is_file && !image;
  return TRUE;
}

/* The state the streaming threads and the decode worker share with this run, and the worker. */
static void
start_worker (FoyerCamera *self)
{
  Shared *shared = g_atomic_rc_box_new0 (Shared);

  g_weak_ref_init (&shared->owner, self);
  shared->context = g_main_context_ref (self->context);
  shared->cancellable = g_cancellable_new ();
  g_mutex_init (&shared->lock);
  g_cond_init (&shared->cond);
  shared->decoder = foyer_decoder_new ();
  foyer_decoder_set_budget_ms (shared->decoder, self->budget_ms);
  foyer_decoder_set_stream_mode (shared->decoder, TRUE);
  shared->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  shared->repeat_us = (gint64)self->repeat_seconds * G_USEC_PER_SEC;
  self->shared = shared;
  shared->thread = g_thread_new ("foyer-decode", worker_main, shared_ref (shared));
}

/* The two appsinks feed the streaming-thread callbacks, each holding the shared state. */
static void
connect_sinks (FoyerCamera *self)
{
  GstAppSinkCallbacks preview_callbacks = { .new_sample = preview_sample_cb };
  GstAppSinkCallbacks decode_callbacks = { .new_sample = decode_sample_cb };
  g_autoptr(GstElement) preview = gst_bin_get_by_name (GST_BIN (self->pipeline), "preview");
  g_autoptr(GstElement) decode = gst_bin_get_by_name (GST_BIN (self->pipeline), "decode");

  gst_app_sink_set_callbacks (GST_APP_SINK (preview), &preview_callbacks,
                              shared_ref (self->shared), (GDestroyNotify)shared_unref);
  gst_app_sink_set_callbacks (GST_APP_SINK (decode), &decode_callbacks,
                              shared_ref (self->shared), (GDestroyNotify)shared_unref);
}

/* Bus messages and the start watchdog arrive on the camera's context; then PLAYING. */
static void
watch_and_play (FoyerCamera *self)
{
  g_autoptr(GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));

  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc)(void (*)(void))bus_cb, self, NULL);
  g_source_attach (self->bus_source, self->context);

  self->watchdog_source = g_timeout_source_new_seconds (START_TIMEOUT_SECONDS);
  g_source_set_callback (self->watchdog_source, watchdog_cb, self, NULL);
  g_source_attach (self->watchdog_source, self->context);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* The bus usually holds the reason; prefer it to a generic sentence. */
    g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    g_autoptr(GError) gst_error = NULL;

    if (message != NULL)
      gst_message_parse_error (message, &gst_error, NULL);
    become_unavailable (self, gst_error != NULL ? gst_error->message
                                                : "the camera could not be started");
  }
}

static void
try_start (FoyerCamera *self)
{
  g_assert (self->pipeline == NULL);
  self->filtered = FALSE;

  if (strcmp (self->source, "none") == 0) {
    set_state (self, FOYER_CAMERA_STATE_UNAVAILABLE,
               _("camera unavailable — use the scanner or the keyboard"),
               "no camera configured ([camera] source=none)");
    return;
  }

  /* A retry keeps showing "unavailable" until a frame proves the camera works. */
  if (self->state != FOYER_CAMERA_STATE_UNAVAILABLE)
    set_state (self, FOYER_CAMERA_STATE_STARTING, NULL, NULL);

  if (!build_pipeline (self))
    return;
  start_worker (self);
  connect_sinks (self);
  watch_and_play (self);
}

/* Every element of `bin` (recursively, with a reference each), or NULL after too many resyncs. */
static GPtrArray *
list_elements (GstBin *bin)
{
  g_autoptr(GPtrArray) elements = g_ptr_array_new_with_free_func (gst_object_unref);
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue item = G_VALUE_INIT;
  gboolean done = FALSE;
  guint resyncs = 0;

  while (!done) {
    switch (gst_iterator_next (it, &item)) {
    case GST_ITERATOR_OK:
      g_ptr_array_add (elements, g_value_dup_object (&item));
      g_value_reset (&item);
      break;
    case GST_ITERATOR_RESYNC:
      /* decodebin changes its children while it goes down */
      g_ptr_array_set_size (elements, 0);
      gst_iterator_resync (it);
      if (++resyncs > 10)
        done = TRUE;
      break;
    case GST_ITERATOR_ERROR:
    case GST_ITERATOR_DONE:
    default:
      done = TRUE;
      break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return resyncs > 10 ? NULL : g_steal_pointer (&elements);
}

static gboolean
is_null (GstElement *element)
{
  GstState state;

  GST_OBJECT_LOCK (element);
  state = GST_STATE (element);
  GST_OBJECT_UNLOCK (element);
  return state == GST_STATE_NULL;
}

/* Brings the pipeline and every element in it to NULL, which GStreamer requires before the last
 * reference goes. One gst_element_set_state (NULL) is not always enough: when a streaming thread
 * posts an error while the pipeline goes down (typefind posts two for a file it cannot identify,
 * and the second can land during our teardown of the first), GstBin marks that child's state
 * change FAILURE, stops the downward change there and leaves the remaining children in READY or
 * even PLAYING; disposing the pipeline then disposes them in that state. So check, and finish the
 * job: again on the whole pipeline, then element by element. By then the streaming threads have
 * stopped (their pads were deactivated), so nothing races the second attempt. Synchronous: no
 * element here waits for anything but its own streaming thread. */
static void
shut_down (GstElement *pipeline)
{
  for (guint attempt = 0; ; attempt++) {
    GstStateChangeReturn ret = gst_element_set_state (pipeline, GST_STATE_NULL);
    g_autoptr(GPtrArray) elements = list_elements (GST_BIN (pipeline));
    gboolean all_null = ret == GST_STATE_CHANGE_SUCCESS && is_null (pipeline) && elements != NULL;

    for (guint i = 0; all_null && i < elements->len; i++)
      all_null = is_null (g_ptr_array_index (elements, i));
    if (all_null)
      return;
    if (attempt == 3) {
      /* GStreamer names the element when the pipeline goes */
      g_warning ("camera pipeline did not stop cleanly (%s)",
                 gst_element_state_change_return_get_name (ret));
      return;
    }

    g_debug ("camera pipeline did not reach NULL at once (%s); setting its elements one by one",
             gst_element_state_change_return_get_name (ret));
    for (guint i = 0; elements != NULL && i < elements->len; i++) {
      GstElement *element = g_ptr_array_index (elements, i);

      if (!is_null (element))
        gst_element_set_state (element, GST_STATE_NULL);
    }
  }
}

/* Stops the pipeline and the worker of the current run, if any. */
static void
teardown (FoyerCamera *self)
{
  Shared *shared = g_steal_pointer (&self->shared);

  clear_source (&self->bus_source);
  clear_source (&self->watchdog_source);
  clear_source (&self->retry_source);

  if (shared != NULL)
    g_cancellable_cancel (shared->cancellable);

  if (self->pipeline != NULL) {
    /* Streaming threads never wait on us, so this returns as soon as they leave their
     * callbacks. */
    shut_down (self->pipeline);
    g_clear_object (&self->pipeline);
  }

  if (shared != NULL) {
    g_mutex_lock (&shared->lock);
    shared->quit = TRUE;
    g_cond_signal (&shared->cond);
    g_mutex_unlock (&shared->lock);
    /* at most one decode (bounded by the budget) to wait for */
    g_thread_join (g_steal_pointer (&shared->thread));
    shared_unref (shared);
  }
}

/* ---------------------------------------------------------------------------------------------
 * GObject
 */

static void
foyer_camera_dispose (GObject *object)
{
  FoyerCamera *self = (FoyerCamera *)object;

  self->wanted = FALSE;
  teardown (self);

  G_OBJECT_CLASS (foyer_camera_parent_class)->dispose (object);
}

static void
foyer_camera_finalize (GObject *object)
{
  FoyerCamera *self = (FoyerCamera *)object;

  g_free (self->source);
  g_free (self->message);
  g_free (self->detail);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (foyer_camera_parent_class)->finalize (object);
}

static void
foyer_camera_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FoyerCamera *self = FOYER_CAMERA (object);

  switch (prop_id) {
  case PROP_SOURCE:
    g_value_set_string (value, self->source);
    break;
  case PROP_STATE:
    g_value_set_enum (value, self->state);
    break;
  case PROP_MESSAGE:
    g_value_set_string (value, self->message);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_camera_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FoyerCamera *self = FOYER_CAMERA (object);

  switch (prop_id) {
  case PROP_SOURCE:
    g_free (self->source);
    self->source = g_value_dup_string (value);
    if (self->source == NULL)
      self->source = g_strdup ("auto");
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_camera_class_init (FoyerCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = foyer_camera_dispose;
  object_class->finalize = foyer_camera_finalize;
  object_class->get_property = foyer_camera_get_property;
  object_class->set_property = foyer_camera_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, "auto",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FOYER_TYPE_CAMERA_STATE, FOYER_CAMERA_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FRAME] =
    g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_BYTES, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BYTES);

  gst_init (NULL, NULL);
}

static void
foyer_camera_init (FoyerCamera *self)
{
  self->source = g_strdup ("auto");
  self->repeat_seconds = 3;
  self->budget_ms = FOYER_DECODER_DEFAULT_BUDGET_MS;
  self->retry_seconds = DEFAULT_RETRY_SECONDS;
  self->state = FOYER_CAMERA_STATE_STOPPED;
  self->context = g_main_context_ref_thread_default ();
}

FoyerCamera *
foyer_camera_new_for_source (const char *source)
{
  return g_object_new (FOYER_TYPE_CAMERA, "source", source, NULL);
}

FoyerCamera *
foyer_camera_new (FoyerConfig *config)
{
  FoyerCamera *self;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  self = foyer_camera_new_for_source (foyer_config_get_string (config, "camera", "source"));
  self->repeat_seconds = foyer_config_get_int (config, "camera", "repeat-seconds");
  self->budget_ms = foyer_config_get_int (config, "camera", "decode-budget-ms");
  return self;
}

void
foyer_camera_start (FoyerCamera *self)
{
  g_return_if_fail (FOYER_IS_CAMERA (self));

  if (self->wanted)
    return;
  self->wanted = TRUE;
  try_start (self);
}

void
foyer_camera_stop (FoyerCamera *self)
{
  g_return_if_fail (FOYER_IS_CAMERA (self));

  self->wanted = FALSE;
  teardown (self);
  set_state (self, FOYER_CAMERA_STATE_STOPPED, NULL, NULL);
}

FoyerCameraState
foyer_camera_get_state (FoyerCamera *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA (self), FOYER_CAMERA_STATE_STOPPED);
  return self->state;
}

const char *
foyer_camera_get_message (FoyerCamera *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA (self), NULL);
  return self->message;
}

const char *
foyer_camera_get_detail (FoyerCamera *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA (self), NULL);
  return self->detail;
}

const char *
foyer_camera_get_source (FoyerCamera *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA (self), NULL);
  return self->source;
}

void
foyer_camera_set_repeat_seconds (FoyerCamera *self,
                                 guint        seconds)
{
  g_return_if_fail (FOYER_IS_CAMERA (self));
  self->repeat_seconds = seconds;
}

void
foyer_camera_set_budget_ms (FoyerCamera *self,
                            guint        budget_ms)
{
  g_return_if_fail (FOYER_IS_CAMERA (self));
  self->budget_ms = budget_ms;
}

void
foyer_camera_set_retry_seconds (FoyerCamera *self,
                                guint        seconds)
{
  g_return_if_fail (FOYER_IS_CAMERA (self));
  self->retry_seconds = MAX (seconds, 1);
}

gint64
foyer_camera_get_last_scan_latency_us (FoyerCamera *self)
{
  g_return_val_if_fail (FOYER_IS_CAMERA (self), 0);
  return self->last_scan_latency_us;
}

gboolean
foyer_camera_get_last_scan_location (FoyerCamera       *self,
                                     FoyerScanLocation *location)
{
  g_return_val_if_fail (FOYER_IS_CAMERA (self), FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  *location = self->last_scan_location;
  return location->width > 0 && location->height > 0 && location->frame_width > 0 &&
         location->frame_height > 0;
}
