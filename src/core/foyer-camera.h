/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-camera.h: the camera pipeline: preview frames for the UI and decoded codes.
 *
 * One GStreamer pipeline, tee'd into a preview branch (RGBA, newest frame only) and a decode
 * branch (GRAY8) that feeds a worker thread running FoyerDecoder and skipping frames while it is
 * busy. Everything the camera emits arrives on the main context it was created in; nothing here
 * touches GTK. A camera that is missing, busy or unplugged is a state, retried periodically.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"
#include "foyer-core-enums.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_CAMERA_STATE_STOPPED,
  FOYER_CAMERA_STATE_STARTING,
  FOYER_CAMERA_STATE_RUNNING,
  FOYER_CAMERA_STATE_UNAVAILABLE,   /* see the message property; retried every retry-seconds */
} FoyerCameraState;

/* FOYER_TYPE_CAMERA_STATE: registered by gnome.mkenums_simple (foyer-core-enums.h). */

/* Where a code was in the camera frame (the decoder's bounding box), in the frame's pixels. */
typedef struct {
  int   x;
  int   y;
  int   width;
  int   height;
  guint frame_width;
  guint frame_height;
} FoyerScanLocation;

#define FOYER_TYPE_CAMERA (foyer_camera_get_type ())
G_DECLARE_FINAL_TYPE (FoyerCamera, foyer_camera, FOYER, CAMERA, GObject)

/* Signals (all on the creating thread's main context):
 *   frame   (GBytes *rgba, guint width, guint height, guint stride)   a preview frame
 *   scanned (const char *type, GBytes *bytes)                          a new code
 * and notify::state when the camera starts, runs or becomes unavailable. */

/* Reads [camera] source, repeat-seconds and decode-budget-ms. */
FoyerCamera      *foyer_camera_new               (FoyerConfig  *config);
/* source: "auto", "none", "test", "v4l2:/dev/videoN" or "file:PATH". */
FoyerCamera      *foyer_camera_new_for_source    (const char   *source);

/* Starts the pipeline (asynchronously: watch notify::state). Safe to call when running. */
void              foyer_camera_start             (FoyerCamera  *self);
/* Stops the pipeline and the worker; returns promptly. Pending results are dropped. */
void              foyer_camera_stop              (FoyerCamera  *self);

FoyerCameraState  foyer_camera_get_state         (FoyerCamera  *self);
/* A sentence for the screen when unavailable, else NULL. */
const char       *foyer_camera_get_message       (FoyerCamera  *self);
/* What went wrong, for logs and admins (the GStreamer error), else NULL. */
const char       *foyer_camera_get_detail        (FoyerCamera  *self);
const char       *foyer_camera_get_source        (FoyerCamera  *self);

/* For the "scanned" being emitted (or the last one): µs from the frame's arrival at the
 * decode branch to the signal on the main thread (skipped frames, decoding, the hand-over). */
gint64            foyer_camera_get_last_scan_latency_us (FoyerCamera *self);
/* For the "scanned" being emitted (or the last one): where the code was in its frame; FALSE when
 * the decoder did not say (then *location is zeroed). Preview frames have the same size. */
gboolean          foyer_camera_get_last_scan_location (FoyerCamera       *self,
                                                       FoyerScanLocation *location);

void              foyer_camera_set_repeat_seconds (FoyerCamera *self,
                                                   guint        seconds);
void              foyer_camera_set_budget_ms     (FoyerCamera  *self,
                                                  guint         budget_ms);
/* How long to wait before trying an unavailable camera again (default 5 s). */
void              foyer_camera_set_retry_seconds (FoyerCamera  *self,
                                                  guint         seconds);

G_END_DECLS
