/* foyer-window.h: the kiosk's single window, which stacks the pages and routes scanned codes.
 *
 * Window actions (see HACKING.md, "Adding a page"):
 *   win.go-home             clears every page's visitor data and shows the home page
 *   win.show-page::NAME     shows the stack page NAME (no data is cleared)
 *   win.set-language::LANG  "zh_CN" or "en"; goes home and rebuilds every page in that language
 *   win.register-manually   the empty registration form
 *   win.scan-code (ay)      a decoded code's raw bytes (camera, hardware scanner, tests)
 *   win.print-badge         prints the badge of the registration on the done page
 *
 * Signal "code-scanned" (GBytes *raw) → gboolean: every code, before the entry flow; return TRUE
 * to take it (booth mode).
 */
#pragma once

#include <adwaita.h>

#include "foyer-application.h"

G_BEGIN_DECLS

#define FOYER_TYPE_WINDOW (foyer_window_get_type ())
G_DECLARE_FINAL_TYPE (FoyerWindow, foyer_window, FOYER, WINDOW, AdwApplicationWindow)

FoyerWindow *foyer_window_new                   (FoyerApplication  *application);
/* The FoyerWindow a page sits in, or NULL while it is not in one. */
FoyerWindow *foyer_window_from_widget           (GtkWidget         *widget);

FoyerConfig *foyer_window_get_config            (FoyerWindow       *self);
/* NULL when the database could not be opened (the window says why). */
FoyerStore  *foyer_window_get_store             (FoyerWindow       *self);
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

/* What win.scan-code does: parse, look up or store, and show the matching page. */
void         foyer_window_handle_code           (FoyerWindow       *self,
                                                 GBytes            *raw);
/* Stores reg (a walk-in from the form) and shows the done page, or the welcome page when its
 * badge was registered before. FALSE with an error the form shows when it cannot be stored. */
gboolean     foyer_window_register              (FoyerWindow       *self,
                                                 FoyerRegistration *reg,
                                                 GError           **error);
/* A short message at the bottom of the window. */
void         foyer_window_show_toast            (FoyerWindow       *self,
                                                 const char        *message);

G_END_DECLS
