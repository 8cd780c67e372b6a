/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-lead-page.h: booth mode's lead card: who was scanned, rating, qualifying answers. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_LEAD_PAGE (foyer_lead_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerLeadPage, foyer_lead_page, FOYER, LEAD_PAGE, GtkWidget)

GtkWidget  *foyer_lead_page_new           (void);
/* The UI thread's store and the configuration (booth, staff, questions). */
void        foyer_lead_page_set_store     (FoyerLeadPage *self,
                                           FoyerStore    *store);
void        foyer_lead_page_set_config    (FoyerLeadPage *self,
                                           FoyerConfig   *config);
/* zh_CN or en: the language of the configured question labels and options. */
void        foyer_lead_page_set_language  (FoyerLeadPage *self,
                                           const char    *language);
/* A scanned badge: opens today's lead of this visitor if there is one, else a new lead card
 * for the visitor from the store (registered or pre-registered), or for the bare badge code. */
gboolean    foyer_lead_page_open_badge    (FoyerLeadPage *self,
                                           const char    *badge_code,
                                           GBytes        *raw_payload,
                                           GError       **error);
/* A business card scanned at the booth: a new lead for the visitor it describes (stored with
 * the lead on save). */
gboolean    foyer_lead_page_open_contact  (FoyerLeadPage *self,
                                           const FoyerRegistration *visitor,
                                           GBytes        *raw_payload,
                                           GError       **error);
/* An existing lead, from the leads list. */
gboolean    foyer_lead_page_open_lead     (FoyerLeadPage *self,
                                           const char    *lead_id,
                                           GError       **error);
/* Forgets the visitor and every answer (idle timeout, after saving). */
void        foyer_lead_page_clear         (FoyerLeadPage *self);
/* Saves as "lead.save" does; FALSE with the error shown on the page. */
gboolean    foyer_lead_page_save          (FoyerLeadPage *self,
                                           GError       **error);
/* The id of the lead being edited (NULL for a new one). */
const char *foyer_lead_page_get_lead_id   (FoyerLeadPage *self);
/* The answers as they stand, {"question-id": "answer" | ["a","b"]}. */
char       *foyer_lead_page_dup_answers_json (FoyerLeadPage *self);

G_END_DECLS
