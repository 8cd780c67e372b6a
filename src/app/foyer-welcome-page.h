/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-welcome-page.h: "Welcome, 张伟 — checked in" after a badge scan. */
#pragma once

#include <gtk/gtk.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_WELCOME_PAGE (foyer_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (FoyerWelcomePage, foyer_welcome_page, FOYER, WELCOME_PAGE, GtkWidget)

/* reg: the check-in just taken, or (repeat) the first one, whose time and kiosk are shown. */
void        foyer_welcome_page_show            (FoyerWelcomePage        *self,
                                                const FoyerRegistration *reg,
                                                gboolean                 repeat);
/* The visitor came in before: when (RFC 3339) and at which gate; warning, when set, is said
 * instead in the warning style (a repeat that [gate] reentry=warn lets in). reg may be NULL
 * when only the badge is known. */
void        foyer_welcome_page_show_repeat     (FoyerWelcomePage        *self,
                                                const FoyerRegistration *reg,
                                                const char              *previous_time,
                                                const char              *previous_gate,
                                                const char              *warning);
/* An exit kiosk's answer: "Goodbye, 张伟". reg may be NULL. */
void        foyer_welcome_page_show_exit       (FoyerWelcomePage        *self,
                                                const FoyerRegistration *reg);
const char *foyer_welcome_page_get_title       (FoyerWelcomePage        *self);
const char *foyer_welcome_page_get_detail      (FoyerWelcomePage        *self);
/* Seconds before the page goes home by itself. */
#define FOYER_WELCOME_PAGE_SECONDS 6

/* A category code (FOYER_CATEGORY_*) in the visitor's language. */
const char *foyer_category_display_name        (const char              *category);

G_END_DECLS
