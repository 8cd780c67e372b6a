/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-application.h: the kiosk application (config, actions, windows). */
#pragma once

#include <adwaita.h>

#include "foyer-core.h"

G_BEGIN_DECLS

#define FOYER_TYPE_APPLICATION (foyer_application_get_type ())
G_DECLARE_FINAL_TYPE (FoyerApplication, foyer_application, FOYER, APPLICATION, AdwApplication)

FoyerApplication *foyer_application_new        (void);
FoyerConfig      *foyer_application_get_config (FoyerApplication *self);
void              foyer_application_set_config (FoyerApplication *self,
                                                FoyerConfig      *config);
FoyerStore       *foyer_application_get_store  (FoyerApplication *self);
const GError     *foyer_application_get_store_error (FoyerApplication *self);
/* The background sync engine, or NULL (no store, or a sync configuration that cannot work). */
FoyerSyncEngine  *foyer_application_get_sync_engine (FoyerApplication *self);
/* Stops the background services (the sync engine): what shutdown does; for code that drives
 * the application without g_application_run() (tests). */
void              foyer_application_stop_services (FoyerApplication *self);
const char       *foyer_application_get_language (FoyerApplication *self);
void              foyer_application_set_language (FoyerApplication *self,
                                                  const char       *language);

/* The configuration's [sync] changed (the kiosk was enrolled from Admin): the running engine
 * rebuilds its backend, or one is started when none could be before. */
gboolean          foyer_application_reconfigure_sync (FoyerApplication  *self,
                                                      GError           **error);

G_END_DECLS
