/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-curl.h: the libcurl setup every sync backend shares.
 *
 * Timeouts, TLS (verification, [sync] ca-file, insecure), the user agent, the 16 MiB answer cap,
 * cancellation and the rule on plain http:// all live here, so that a backend cannot forget
 * one. The warnings staff must see (TLS checks off, plain http allowed) come from here too.
 */
#pragma once

#include <curl/curl.h>
#include <gio/gio.h>

#include "foyer-config.h"

G_BEGIN_DECLS

/* An answer larger than this is no answer to one batch: the transfer is cut off. */
#define FOYER_CURL_MAX_RESPONSE_BYTES (16 * 1024 * 1024)

typedef struct _FoyerCurlSettings FoyerCurlSettings;

/* Reads [sync] connect-timeout, timeout, ca-file, insecure, allow-plain-http and [kiosk] id (for
 * the user agent). Fails with FOYER_SYNC_ERROR_CONFIG when a named ca-file cannot be read. */
FoyerCurlSettings  *foyer_curl_settings_new          (FoyerConfig              *config,
                                                      GError                  **error);
void                foyer_curl_settings_free         (FoyerCurlSettings        *settings);

/* Checks a head-office address named by config_key (e.g. "[sync] url"): http or https with a
 * host; plain http only to a loopback host unless [sync] allow-plain-http=true, in which case
 * a warning is added to the settings. Returns the host (for messages). */
char               *foyer_curl_settings_check_url    (FoyerCurlSettings        *settings,
                                                      const char               *url,
                                                      const char               *config_key,
                                                      GError                  **error);

/* What staff must be told about this transport (NULL-terminated, may be empty, never NULL). */
const char * const *foyer_curl_settings_get_warnings (const FoyerCurlSettings  *settings);

/* One transfer's answer. */
typedef struct {
  GByteArray *body;
  char       *retry_after;           /* the Retry-After header, or NULL */
  long        status;                /* HTTP status, 0 before an answer */
  char        errbuf[CURL_ERROR_SIZE];
} FoyerCurlResponse;

FoyerCurlResponse  *foyer_curl_response_new          (void);
void                foyer_curl_response_free         (FoyerCurlResponse        *response);

/* curl_easy_reset() (which keeps the connection cache) and every shared option; the answer goes
 * to response, which is emptied first. The caller adds method, headers and body. */
void                foyer_curl_prepare               (CURL                     *curl,
                                                      const FoyerCurlSettings  *settings,
                                                      const char               *url,
                                                      FoyerCurlResponse        *response,
                                                      GCancellable             *cancellable);

/* curl_easy_perform() with its failures mapped onto FOYER_SYNC_ERROR (CANCELLED; CONFIG for
 * an unusable url or CA file; TRANSIENT otherwise, saying whether the answer was too large).
 * peer names head office in messages ("head office at crm.example.com"). Sets response->status. */
gboolean            foyer_curl_perform               (CURL                     *curl,
                                                      FoyerCurlResponse        *response,
                                                      const char               *peer,
                                                      GCancellable             *cancellable,
                                                      GError                  **error);

/* The same for a long wait (a long-poll): cancelling ends it at once rather than within about
 * a second. The connection is not kept for the next request. */
gboolean            foyer_curl_perform_wakeable      (CURL                     *curl,
                                                      FoyerCurlResponse        *response,
                                                      const char               *peer,
                                                      GCancellable             *cancellable,
                                                      GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerCurlSettings, foyer_curl_settings_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerCurlResponse, foyer_curl_response_free)

G_END_DECLS
