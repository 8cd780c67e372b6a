/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyerctl-store-util.c: opening the kiosk's database for the store commands of foyerctl. */
#define G_LOG_DOMAIN "foyerctl"

#include "config.h"

#include <glib/gi18n.h>

#include "foyerctl-store-util.h"

int
foyerctl_status_for_error (const GError *error)
{
  if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED))
    return FOYERCTL_EXIT_TEMPFAIL;
  if (g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID) ||
      g_error_matches (error, FOYER_RECORD_ERROR, FOYER_RECORD_ERROR_INVALID))
    return FOYERCTL_EXIT_DATAERR;
  return FOYERCTL_EXIT_FAILURE;
}

FoyerStore *
foyerctl_open_store (FoyerctlContext *ctx,
                     gboolean         must_exist,
                     int             *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  FoyerConfig *config;
  FoyerStore *store;

  if ((config = foyerctl_get_config (ctx)) == NULL) {
    *status = FOYERCTL_EXIT_FAILURE;
    return NULL;
  }
  path = foyer_config_get_path_value (config, "storage", "database");
  if (must_exist && !g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_printerr (_("foyerctl: there is no database at %s yet (nothing registered on this kiosk, "
                  "or [storage] database names another file)\n"), path);
    *status = FOYERCTL_EXIT_FAILURE;
    return NULL;
  }
  store = foyer_store_open (path, &error);
  if (store == NULL) {
    g_printerr ("foyerctl: %s\n", error->message);
    *status = foyerctl_status_for_error (error);
    return NULL;
  }
  if (foyer_store_get_recovered_from (store) != NULL)
    g_printerr (_("foyerctl: the database was damaged and moved to %s; a fresh one was started\n"),
                foyer_store_get_recovered_from (store));
  *status = FOYERCTL_EXIT_OK;
  return store;
}

FoyerStore *
foyerctl_open_event_store (FoyerctlContext  *ctx,
                           gboolean          all_events,
                           const char      **event,
                           int              *status)
{
  FoyerConfig *config;

  if ((config = foyerctl_get_config (ctx)) == NULL) {
    *status = FOYERCTL_EXIT_FAILURE;
    return NULL;
  }
  *event = all_events ? NULL : foyer_config_get_string (config, "kiosk", "event");
  return foyerctl_open_store (ctx, TRUE, status);
}
