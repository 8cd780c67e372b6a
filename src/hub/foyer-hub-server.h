/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-server.h: `foyer-hub serve`: the HTTP(S) service kiosks sync with.
 *
 * Routes (one table in foyer-hub-server.c): POST /v1/records, GET /v1/health, POST /v1/enroll.
 * Connections are accepted by a GSocketService of our own and handed to libsoup, so that their
 * number is bounded and each socket gets the slow-client timeout; TLS is done here too (when
 * [hub] certificate/key are set). Ingest runs on a pool of worker threads behind a bounded queue
 * (429 + Retry-After when full); the main loop only routes and checks headers.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "foyer-hub-config.h"
#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_SERVER_ERROR (foyer_hub_server_error_quark ())

typedef enum {
  FOYER_HUB_SERVER_ERROR_CONFIG = 1,   /* listen address, TLS files, plain http off loopback */
  FOYER_HUB_SERVER_ERROR_LISTEN,       /* cannot bind */
} FoyerHubServerError;

GQuark foyer_hub_server_error_quark (void);

#define FOYER_HUB_TYPE_SERVER (foyer_hub_server_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubServer, foyer_hub_server, FOYER_HUB, SERVER, GObject)

FoyerHubServer *foyer_hub_server_new       (FoyerHubConfig   *config,
                                            FoyerHubStorage  *storage,
                                            GError          **error);
/* Binds [hub] listen and starts accepting. */
gboolean        foyer_hub_server_start     (FoyerHubServer   *self,
                                            GError          **error);
/* The URL kiosks use: [hub] public-url, or http(s)://listen-address:port. */
const char     *foyer_hub_server_get_url   (FoyerHubServer   *self);
/* Stops taking new batches (503) and calls done on the main context once every batch in
 * flight has been stored and answered. */
void            foyer_hub_server_shutdown  (FoyerHubServer   *self,
                                            GCallback         done,
                                            gpointer          user_data);

/* The libsoup server, for more routes (the dashboard adds its own at "/", after /v1/…). */
SoupServer     *foyer_hub_server_get_soup  (FoyerHubServer   *self);
/* TRUE when the hub serves TLS ([hub] certificate and key). */
gboolean        foyer_hub_server_is_tls    (FoyerHubServer   *self);

/* TRUE when host names the loopback interface (127.0.0.0/8, ::1, localhost). */
gboolean        foyer_hub_host_is_loopback (const char       *host);
/* "sha256:<hex>" of a PEM certificate file's DER bytes: the pin carried by enrollment codes. */
char           *foyer_hub_certificate_pin  (const char       *certificate_path,
                                            GError          **error);

G_END_DECLS
