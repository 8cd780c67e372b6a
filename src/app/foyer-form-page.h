/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-form-page.h: the registration form, empty (manual) or prefilled from a scanned card. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_FORM_PAGE (foyer_form_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerFormPage, foyer_form_page, FOYER, FORM_PAGE, GtkWidget)

/* The empty form (win.register-manually). */
void      foyer_form_page_show_manual  (FoyerFormPage      *self);
/* The review form: every field prefilled from contact, all editable. source is FOYER_SOURCE_*;
 * raw the scanned bytes, kept with the registration. */
void      foyer_form_page_show_contact (FoyerFormPage      *self,
                                        const FoyerContact *contact,
                                        const char         *source,
                                        GBytes             *raw);
/* What form.register does: validate, then hand the registration to the kiosk flow ("flow"
 * property) and emit ::submitted with its answer. FALSE when a field needs correcting (the page
 * shows why) or the flow could not store it (the page shows the message). */
gboolean  foyer_form_page_submit       (FoyerFormPage      *self);

/* For tests and the on-screen keyboard glue: the form's fields by name ("name", "family",
 * "given", "organization", "title", "phone", "email"). */
GtkEditable *foyer_form_page_get_field (FoyerFormPage      *self,
                                        const char         *name);
/* The inline message under a field ("name", "phone", "email", "consent", "submit"), "" if none. */
const char  *foyer_form_page_get_error (FoyerFormPage      *self,
                                        const char         *name);
void      foyer_form_page_set_category (FoyerFormPage      *self,
                                        const char         *category);
void      foyer_form_page_set_consent  (FoyerFormPage      *self,
                                        gboolean            consent);
/* Ticks the interest of that name (as configured in [kiosk] interests). */
gboolean  foyer_form_page_set_interest (FoyerFormPage      *self,
                                        const char         *interest,
                                        gboolean            active);

G_END_DECLS
