/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-enroll-page.h: Admin → "Connect to head office": an enrollment code from the camera,
 * a hardware scanner or the clipboard, what it is for, then the connection (FoyerEnroll). */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_ENROLL_PAGE (foyer_enroll_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerEnrollPage, foyer_enroll_page, FOYER, ENROLL_PAGE, GtkWidget)

/* A scanned code (camera, keyboard-wedge or serial scanner): shown for confirmation, or why it
 * is not an enrollment code. */
void        foyer_enroll_page_take_code          (FoyerEnrollPage *self,
                                                  GBytes          *raw);
/* The camera's live view, so staff see what they hold up (the window owns the camera). */
void        foyer_enroll_page_set_camera_widget  (FoyerEnrollPage *self,
                                                  GtkWidget       *view);
/* Re-reads whether the kiosk is already connected; forgets any code. */
void        foyer_enroll_page_refresh            (FoyerEnrollPage *self);
/* For tests: the outcome line ("Connected to head office as …" or why not), or "". */
const char *foyer_enroll_page_get_result         (FoyerEnrollPage *self);
/* For tests: TRUE while the exchange runs. */
gboolean    foyer_enroll_page_get_busy           (FoyerEnrollPage *self);

G_END_DECLS
