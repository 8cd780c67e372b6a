/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-window.h: the kiosk's single window, which stacks the pages and routes scanned codes.
 *
 * Window actions (see HACKING.md, "Adding a page"):
 *   win.go-home             clears every page's visitor data and shows the home page
 *   win.show-page::NAME     shows the stack page NAME (no data is cleared)
 *   win.set-language::LANG  "zh_CN" or "en"; goes home and rebuilds every page in that language
 *   win.register-manually   the empty registration form
 *   win.scan-code (ay)      a decoded code's raw bytes (camera, hardware scanner, tests)
 *   win.print-badge         prints the badge of the registration on the done page
 *   win.note-activity       a page saw the visitor act (typing via an input method): restart
 *                           the idle countdown
 *
 * Signal "code-scanned" (GBytes *raw) → gboolean: every code, before the kiosk flow sees it;
 * a handler returns TRUE to take it (tests use it to watch the codes). Booth mode does not
 * need it: the kiosk flow answers booth scans itself (FOYER_FLOW_STATUS_LEAD).
 */
#pragma once

#include <adwaita.h>

#include "foyer-application.h"

G_BEGIN_DECLS

#define FOYER_TYPE_WINDOW (foyer_window_get_type ())
G_DECLARE_FINAL_TYPE (FoyerWindow, foyer_window, FOYER, WINDOW, AdwApplicationWindow)

FoyerWindow *foyer_window_new                   (FoyerApplication  *application);

FoyerConfig *foyer_window_get_config            (FoyerWindow       *self);
/* NULL when the database could not be opened (the window says why). */
FoyerStore  *foyer_window_get_store             (FoyerWindow       *self);
/* NULL when no server is configured or the store is missing. */
FoyerSyncEngine *foyer_window_get_sync_engine   (FoyerWindow       *self);
/* The kiosk flow that judges every code and form (NULL until the application is set). */
FoyerKioskFlow *foyer_window_get_flow           (FoyerWindow       *self);
/* "zh_CN" or "en" */
const char  *foyer_window_get_language          (FoyerWindow       *self);

/* The page named name in the stack. Pages are recreated on a language switch: look them up
 * each time, never keep the pointer. */
GtkWidget   *foyer_window_get_page              (FoyerWindow       *self,
                                                 const char        *name);
const char  *foyer_window_get_visible_page_name (FoyerWindow       *self);
/* The page win.go-home shows: "scan" in entry mode. */
const char  *foyer_window_get_home_page_name    (FoyerWindow       *self);
void         foyer_window_set_home_page_name    (FoyerWindow       *self,
                                                 const char        *name);

/* What win.scan-code does: hands the code to the kiosk flow and shows the page that answers
 * its result (unless a code-scanned handler takes it or an open form keeps it). */
void         foyer_window_handle_code           (FoyerWindow       *self,
                                                 GBytes            *raw);
/* A short message at the bottom of the window. */
void         foyer_window_show_toast            (FoyerWindow       *self,
                                                 const char        *message);

G_END_DECLS
