/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window-private.h: the window's instance struct, shared by foyer-window.c (the visitor
 * flow) and foyer-window-staff.c (PIN, Admin, booth), and what the UI tests use beyond the
 * public API. Pages never include this file. */
#pragma once

#include "foyer-camera.h"
#include "foyer-feedback.h"
#include "foyer-serial-scanner.h"
#include "foyer-wedge-controller.h"
#include "foyer-window.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_PIN_FOR_NOTHING = 0,
  FOYER_PIN_FOR_ADMIN,
  FOYER_PIN_FOR_LEAVE_FULLSCREEN,
  FOYER_PIN_FOR_RESUME_SCANNING,   /* a burst of unknown codes paused scanning */
  FOYER_PIN_FOR_REPRINT,           /* a second print of the done page's badge */
  FOYER_PIN_FOR_SEARCH,            /* staff check a visitor in without a badge */
  FOYER_PIN_FOR_ANNUL,             /* staff annul one of this kiosk's last check-ins */
  FOYER_PIN_FOR_DIRECTION,         /* staff switch between entry and exit */
} FoyerPinTarget;

struct _FoyerWindow {
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkMenuButton        *menu_button;
  GtkWidget            *back_button;
  GtkWidget            *leads_button;
  AdwButtonContent     *leads_button_content;
  GtkWidget            *staff_button;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkRevealer          *print_revealer;      /* badges do not go to the first printer */
  GtkLabel             *print_label;
  GtkStack             *stack;
  GtkRevealer          *idle_revealer;
  GtkLabel             *idle_label;
  FoyerFeedback        *feedback;            /* sound and flash of every answer */

  /* owned */
  FoyerKioskFlow       *flow;                /* the kiosk's decisions; NULL before the app is set */
  FoyerCamera          *camera;
  FoyerWedgeController *wedge;
  FoyerSerialScanner   *serial;              /* NULL unless [scanner] serial is set */
  FoyerPrintQueue      *print_queue;         /* NULL when [badge] printer is not set */
  gint64                done_job_id;         /* the print job whose outcome the visitor awaits */
  GCancellable         *cancellable;
  char                 *home_page;
  FoyerFlowResult      *done_result;         /* the registration on the done page, for printing */
  gint64                idle_deadline;       /* monotonic µs; 0 when no visitor data is shown */
  gint64                idle_timeout_ms;
  guint                 idle_source;

  /* staff state (foyer-window-staff.c) */
  FoyerPinGuard        *pin_guard;           /* every PIN prompt shares it: lockouts hold */
  gboolean              kiosk_locked;        /* fullscreen, no window controls */
  FoyerPinTarget        pin_target;          /* what the PIN page on screen unlocks */
};

/* Re-reads the outbox counts into the scan page's status line. */
void   _foyer_window_refresh_status        (FoyerWindow *self);
/* Switches gettext and rebuilds every page (what win.set-language does). */
void   _foyer_window_apply_language        (FoyerWindow *self,
                                            const char  *language);
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

/* Shows the PIN page for target, with purpose above the pad. foyer-window-staff.c */
void   _foyer_window_staff_ask_pin         (FoyerWindow    *self,
                                            FoyerPinTarget  target,
                                            const char     *purpose);

/* Stops the camera and starts it again from [camera] source (Admin's camera choice). */
void   _foyer_window_restart_camera        (FoyerWindow *self);

G_END_DECLS
