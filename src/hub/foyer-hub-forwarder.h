/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-forwarder.h: [forward] backend=tryton: accepted records into the CRM.
 *
 * Ingest queues every accepted record in the hub's forward_outbox in the transaction that stores
 * it; this thread sends them through the kiosk's own Tryton backend (foyer-sync-backend.h, so
 * the CRM sees what a kiosk with backend=tryton would send, with the same exactly-once markers),
 * with backoff, and parks refused records as dead letters (`foyer-hub outbox --dead`,
 * `--requeue`).
 */
#pragma once

#include <gio/gio.h>

#include "foyer-hub-config.h"
#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_TYPE_FORWARDER (foyer_hub_forwarder_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubForwarder, foyer_hub_forwarder, FOYER_HUB, FORWARDER, GObject)

FoyerHubForwarder *foyer_hub_forwarder_new   (FoyerHubConfig    *config,
                                              FoyerHubStorage   *storage,
                                              GError           **error);
void               foyer_hub_forwarder_start (FoyerHubForwarder *self);
/* Returns once the thread has stopped (a request in flight is cancelled; its records stay). */
void               foyer_hub_forwarder_stop  (FoyerHubForwarder *self);
/* One pass over what is due; the number of records settled (done or dead), -1 on error. */
gint64             foyer_hub_forwarder_run_once (FoyerHubForwarder *self,
                                                 GCancellable      *cancellable,
                                                 GError           **error);

G_END_DECLS
