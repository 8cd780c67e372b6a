/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-http-backend.h: the http-json v1 sync backend (libcurl), see docs/sync-protocol.md.
 *
 * One instance owns one curl easy handle (kept-alive connection) and is used from the sync
 * thread only. Status codes and transport failures map onto FoyerSyncError for the engine.
 */
#pragma once

#include "foyer-config.h"
#include "foyer-sync-backend.h"

G_BEGIN_DECLS

#define FOYER_HTTP_BACKEND_GZIP_THRESHOLD 1024

#define FOYER_TYPE_HTTP_BACKEND (foyer_http_backend_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHttpBackend, foyer_http_backend, FOYER, HTTP_BACKEND, GObject)

/* Reads [sync] url, token-file, ca-file, insecure, allow-plain-http, connect-timeout, timeout
 * and [kiosk] id, event (transport settings through foyer-curl.h). Fails with
 * FOYER_SYNC_ERROR_CONFIG when the URL is missing, not http(s), plain http to another machine
 * without allow-plain-http, or a named ca-file cannot be read. The token file is read (and its
 * mode checked) at each request. */
FoyerHttpBackend *foyer_http_backend_new              (FoyerConfig       *config,
                                                       GError           **error);
/* The first of the backend's warnings (foyer_sync_backend_get_warnings()), else NULL. */
const char       *foyer_http_backend_get_warning      (FoyerHttpBackend  *self);
/* Number of HTTP requests made (batches and health checks); any thread. */
guint64           foyer_http_backend_get_n_requests   (FoyerHttpBackend  *self);

/* The exact request body send_batch() posts for records; *gzipped tells whether it is
 * gzip-compressed (bodies over FOYER_HTTP_BACKEND_GZIP_THRESHOLD bytes). For benchmarks. */
GBytes           *foyer_http_backend_build_body       (FoyerHttpBackend  *self,
                                                       JsonArray         *records,
                                                       gboolean          *gzipped);

/* Parses a 200 answer: a FoyerSyncItemResult per well-formed entry whose id is in batch_ids
 * (NULL = any id), first answer per id wins. Anything that is not a JSON object with a
 * "results" array fails with FOYER_SYNC_ERROR_TRANSIENT. */
GPtrArray        *foyer_http_backend_parse_results    (const char        *body,
                                                       gsize              length,
                                                       GHashTable        *batch_ids,
                                                       GError           **error);
/* Parses a pull answer (two-way sync): a JSON object with a "rows" array, a string "cursor"
 * and, if present, a boolean "more"; anything else fails with FOYER_SYNC_ERROR_TRANSIENT. */
JsonObject       *foyer_http_backend_parse_page       (const char        *body,
                                                       gsize              length,
                                                       GError           **error);
/* Retry-After as delta seconds or an HTTP date, relative to now_us (g_get_real_time base), in
 * milliseconds; 0 when absent or unparseable, capped at one hour. */
gint64            foyer_http_backend_parse_retry_after (const char       *value,
                                                        gint64            now_us);

G_END_DECLS
