/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-annul-page.h: staff (behind the PIN) annul one of this kiosk's last check-ins — the
 * turnstile did not turn, the wrong person was checked in — after a confirmation. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_ANNUL_PAGE (foyer_annul_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerAnnulPage, foyer_annul_page, FOYER, ANNUL_PAGE, GtkWidget)

GtkWidget  *foyer_annul_page_new             (void);
/* Reads this kiosk's last check-ins from the store again (when the page is shown). */
void        foyer_annul_page_refresh         (FoyerAnnulPage *self);
/* Asks staff to confirm annulling check_in_id, as its row's button does (annul.ask). */
void        foyer_annul_page_ask             (FoyerAnnulPage *self,
                                              const char     *check_in_id);
/* For tests: the rows listed, the id of row i, the confirmation on screen (NULL when none)
 * and the line above the list. */
guint       foyer_annul_page_get_n_rows      (FoyerAnnulPage *self);
const char *foyer_annul_page_get_id          (FoyerAnnulPage *self,
                                              guint           i);
GtkWidget  *foyer_annul_page_get_dialog      (FoyerAnnulPage *self);
const char *foyer_annul_page_get_message     (FoyerAnnulPage *self);

G_END_DECLS
