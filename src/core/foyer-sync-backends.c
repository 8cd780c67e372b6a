/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-sync-backends.c: the factory that maps [sync] backend onto a backend type. */
#define G_LOG_DOMAIN "foyer-sync"

#include "config.h"

#include <string.h>

#include "foyer-sync-backends.h"
#include "foyer-http-backend.h"
#include "foyer-tryton-backend.h"

FoyerSyncBackend *
foyer_sync_backend_new_for_config (FoyerConfig  *config,
                                   GError      **error)
{
  const char *name;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  name = foyer_config_get_string (config, "sync", "backend");
  if (name == NULL || strcmp (name, "none") == 0)
    return NULL;

  if (strcmp (name, "http-json") == 0)
    return FOYER_SYNC_BACKEND (foyer_http_backend_new (config, error));

  if (strcmp (name, "tryton") == 0)
    return FOYER_SYNC_BACKEND (foyer_tryton_backend_new (config, error));

  g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
               "[sync] backend “%s” is not known: use none, http-json or tryton", name);
  return NULL;
}
