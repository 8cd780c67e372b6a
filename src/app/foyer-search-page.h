/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-search-page.h: staff find a pre-registered visitor who has no badge with them (by name,
 * company or the last 4 digits of a phone) and check them in from the result. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_SEARCH_PAGE (foyer_search_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerSearchPage, foyer_search_page, FOYER, SEARCH_PAGE, GtkWidget)

GtkWidget  *foyer_search_page_new           (void);
/* Searches as typing in the entry does (tests, a hardware keyboard). */
void        foyer_search_page_set_query     (FoyerSearchPage *self,
                                             const char      *query);
/* For tests: the hits shown, the badge code of hit i, and the line under the entry. */
guint       foyer_search_page_get_n_results (FoyerSearchPage *self);
const char *foyer_search_page_get_badge     (FoyerSearchPage *self,
                                             guint            i);
const char *foyer_search_page_get_message   (FoyerSearchPage *self);

G_END_DECLS
