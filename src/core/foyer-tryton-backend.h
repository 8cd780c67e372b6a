/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-tryton-backend.h: the sync backend that delivers records into a Tryton 6.0 CRM.
 *
 * Registrations become party.party records, leads and trade visitors sale.opportunity records,
 * over Tryton's JSON-RPC. Foyer's record ids are stored in Tryton ("foyer:<id>" as a party
 * identifier and as the opportunity's reference) and searched before creating, so a resend
 * creates nothing new. Config: [tryton] url, database, user, password-file, company; timeouts,
 * TLS and the plain-http rule from [sync] (foyer-curl.h). It needs no kiosk: config in, records
 * in, per-record results out (docs/tryton.md).
 */
#pragma once

#include "foyer-config.h"
#include "foyer-sync-backend.h"

G_BEGIN_DECLS

/* The prefix of the markers Foyer leaves in Tryton: identifier code and opportunity reference. */
#define FOYER_TRYTON_MARKER_PREFIX "foyer:"

#define FOYER_TYPE_TRYTON_BACKEND (foyer_tryton_backend_get_type ())
G_DECLARE_FINAL_TYPE (FoyerTrytonBackend, foyer_tryton_backend, FOYER, TRYTON_BACKEND, GObject)

/* Reads [tryton] and [sync] from config; fails with FOYER_SYNC_ERROR_CONFIG when url, database
 * or user is missing, or the url is plain http to another machine without [sync]
 * allow-plain-http. Nothing is contacted yet; the password file is read (and its mode checked)
 * at each login, so a fixed file is picked up at the next attempt. */
FoyerTrytonBackend *foyer_tryton_backend_new               (FoyerConfig         *config,
                                                            GError             **error);

/* One JSON-RPC call on the database, logged in (and logged in again once if the session has
 * expired). params is the positional parameter list without the trailing context, which the
 * backend appends. Returns the "result" member. Errors are in FOYER_SYNC_ERROR; a Tryton
 * UserError/UserWarning comes back as FOYER_SYNC_ERROR_BAD_BATCH with Tryton's message.
 * For head-office scripts and tests. */
JsonNode           *foyer_tryton_backend_call              (FoyerTrytonBackend  *self,
                                                            const char          *method,
                                                            JsonArray           *params,
                                                            GCancellable        *cancellable,
                                                            GError             **error);

/* HTTP requests made since creation (logins included): the benchmark's requests per record. */
guint64             foyer_tryton_backend_get_request_count (FoyerTrytonBackend  *self);

G_END_DECLS
