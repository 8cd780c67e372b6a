/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-camera-view.h: the live camera picture with a framing guide, or why there is none. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-camera.h"

G_BEGIN_DECLS

#define FOYER_TYPE_CAMERA_VIEW (foyer_camera_view_get_type ())
G_DECLARE_FINAL_TYPE (FoyerCameraView, foyer_camera_view, FOYER, CAMERA_VIEW, GtkWidget)

GtkWidget   *foyer_camera_view_new        (void);
/* Shows this camera's frames and state; NULL detaches. Does not start or stop the camera. */
void         foyer_camera_view_set_camera (FoyerCameraView *self,
                                           FoyerCamera     *camera);
FoyerCamera *foyer_camera_view_get_camera (FoyerCameraView *self);
/* The newest frame as a texture (NULL before the first frame): for tests and snapshots. */
GdkTexture  *foyer_camera_view_get_texture (FoyerCameraView *self);
/* TRUE while the view marks where the camera read its last code (for a second after it), with
 * the place in *location when given. */
gboolean     foyer_camera_view_get_scan_mark (FoyerCameraView   *self,
                                              FoyerScanLocation *location);

G_END_DECLS
