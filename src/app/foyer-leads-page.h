/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-leads-page.h: booth mode's list of today's leads, with search and counts per rating. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_LEADS_PAGE (foyer_leads_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerLeadsPage, foyer_leads_page, FOYER, LEADS_PAGE, GtkWidget)

GtkWidget *foyer_leads_page_new         (void);
void       foyer_leads_page_set_store   (FoyerLeadsPage *self,
                                         FoyerStore     *store);
void       foyer_leads_page_set_config  (FoyerLeadsPage *self,
                                         FoyerConfig    *config);
/* Reloads today's leads from the store (after a save, when the page is shown). */
void       foyer_leads_page_refresh     (FoyerLeadsPage *self);
/* Filters the list (name, company, badge code, notes), as typing in the search entry does. */
void       foyer_leads_page_set_search  (FoyerLeadsPage *self,
                                         const char     *text);
/* For tests: rows shown, and today's count for a rating (hot/warm/cold) or all (NULL). */
guint      foyer_leads_page_get_n_shown (FoyerLeadsPage *self);
guint      foyer_leads_page_get_count   (FoyerLeadsPage *self,
                                         const char     *rating);
/* Drops every row (idle timeout): nothing of a visitor stays on screen. */
void       foyer_leads_page_clear       (FoyerLeadsPage *self);

G_END_DECLS
