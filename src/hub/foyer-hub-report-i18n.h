/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-i18n.h: the hub's strings in one language, looked up from the project's gettext
 * catalog once per language, so that a server answering zh_CN and en at the same time never
 * switches the process-wide LANGUAGE while it serves.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FoyerHubI18n FoyerHubI18n;

/* "zh_CN" (or anything starting with "zh") or "en"; the default is zh_CN. */
const char         *foyer_hub_i18n_normalize_language (const char *language);
/* The table for language, built on first use from the catalog and kept for the process's life
 * (thread-safe; the first call of each language briefly sets LANGUAGE, so make it early). */
const FoyerHubI18n *foyer_hub_i18n_get                (const char *language);
/* msgid translated; msgid itself when the catalog has no translation or msgid is not listed
 * in foyer-hub-report-i18n.c. */
const char         *foyer_hub_i18n_text               (const FoyerHubI18n *i18n,
                                                       const char         *msgid);
const char         *foyer_hub_i18n_language           (const FoyerHubI18n *i18n);
/* Every listed string: {"msgid": "translation", …}, for the dashboard's pages. */
char               *foyer_hub_i18n_to_json            (const FoyerHubI18n *i18n);
/* Visitor category id (FOYER_CATEGORY_*) → its translated name; unknown ids as they are. */
const char         *foyer_hub_i18n_category           (const FoyerHubI18n *i18n,
                                                       const char         *category);
/* Lead rating id → translated name. */
const char         *foyer_hub_i18n_rating             (const FoyerHubI18n *i18n,
                                                       const char         *rating);

G_END_DECLS
