/* foyer-window-private.h: what the window's pages and the UI tests use beyond the public API. */
#pragma once

#include "foyer-window.h"

G_BEGIN_DECLS

/* Re-reads the outbox counts into the scan page's status line. */
void   _foyer_window_refresh_status        (FoyerWindow *self);
/* Switches gettext and rebuilds every page (what win.set-language does). */
void   _foyer_window_apply_language        (FoyerWindow *self,
                                            const char  *language);
/* A page saw the visitor do something (typing by on-screen keyboard, say): restart the idle
 * countdown. */
void   _foyer_window_note_activity         (FoyerWindow *self);
/* What the window's key controller does with a key at time_us (the hardware-scanner path);
 * TRUE when it ended a scan. */
gboolean _foyer_window_wedge_key           (FoyerWindow     *self,
                                            guint            keyval,
                                            GdkModifierType  state,
                                            gint64           time_us);
/* Tests: an idle timeout below [kiosk] idle-seconds' minimum; -1 when no countdown runs. */
void   _foyer_window_set_idle_timeout_ms   (FoyerWindow *self,
                                            gint64       timeout_ms);
gint64 _foyer_window_get_idle_remaining_ms (FoyerWindow *self);

/* Stops the camera and starts it again from [camera] source (Admin's camera choice). */
void   _foyer_window_restart_camera        (FoyerWindow *self);

G_END_DECLS
