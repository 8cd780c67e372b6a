/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-sync-backends.h: builds the sync backend a configuration names. The one place that
 * knows every backend; the engine and the interface do not. */
#pragma once

#include "foyer-config.h"
#include "foyer-sync-backend.h"

G_BEGIN_DECLS

/* The backend [sync] backend names: http-json, tryton. Returns NULL with no error for
 * backend=none (records wait in the outbox), NULL with FOYER_SYNC_ERROR_CONFIG when the backend
 * cannot be built from the configuration. */
FoyerSyncBackend *foyer_sync_backend_new_for_config (FoyerConfig  *config,
                                                     GError      **error);

G_END_DECLS
