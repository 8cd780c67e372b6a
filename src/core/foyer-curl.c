/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-curl.c: the shared libcurl setup of the sync backends. */
#define G_LOG_DOMAIN "foyer-sync"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "foyer-curl.h"
#include "foyer-sync-backend.h"
#include "foyer-thread.h"
#include "foyer-version.h"

struct _FoyerCurlSettings {
  char      *user_agent;
  char      *ca_file;
  gboolean   insecure;
  gboolean   allow_plain_http;
  long       connect_timeout_ms;
  long       timeout_ms;
  GPtrArray *warnings;        /* NULL-terminated */
};

static void
ensure_global_init (void)
{
  static gsize once = 0;

  /* Once per process, before any thread uses libcurl. */
  if (g_once_init_enter (&once)) {
    curl_global_init (CURL_GLOBAL_DEFAULT);
    g_once_init_leave (&once, 1);
  }
}

static void
add_warning (FoyerCurlSettings *self,
             char              *warning)
{
  /* keep the array NULL-terminated */
  g_ptr_array_insert (self->warnings, (int)self->warnings->len - 1, warning);
  g_message ("WARNING: %s", warning);
}

FoyerCurlSettings *
foyer_curl_settings_new (FoyerConfig  *config,
                         GError      **error)
{
  g_autoptr(FoyerCurlSettings) self = g_new0 (FoyerCurlSettings, 1);
  const char *kiosk = foyer_config_get_string (config, "kiosk", "id");

  ensure_global_init ();
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->user_agent = kiosk != NULL ? g_strdup_printf ("Foyer/%s (%s)", foyer_get_version (), kiosk)
                                   : g_strdup_printf ("Foyer/%s", foyer_get_version ());
  self->connect_timeout_ms = 1000L * foyer_config_get_int (config, "sync", "connect-timeout");
  self->timeout_ms = 1000L * foyer_config_get_int (config, "sync", "timeout");
  self->ca_file = foyer_config_get_path_value (config, "sync", "ca-file");
  self->insecure = foyer_config_get_boolean (config, "sync", "insecure");
  self->allow_plain_http = foyer_config_get_boolean (config, "sync", "allow-plain-http");

  if (self->ca_file != NULL && g_access (self->ca_file, R_OK) != 0) {
    int saved = errno;

    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot read the certificate authority file %s ([sync] ca-file): %s",
                 self->ca_file, g_strerror (saved));
    return NULL;
  }
  if (self->insecure)
    add_warning (self, g_strdup ("TLS certificate checks are OFF ([sync] insecure=true): anyone "
                                 "on this network can read and alter what the kiosk sends to "
                                 "head office"));
  return g_steal_pointer (&self);
}

void
foyer_curl_settings_free (FoyerCurlSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->user_agent);
  g_free (self->ca_file);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_free (self);
}

const char * const *
foyer_curl_settings_get_warnings (const FoyerCurlSettings *self)
{
  return (const char * const *)self->warnings->pdata;
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  /* GUri keeps the brackets off IPv6 literals, but be lenient */
  bare = g_strdup (host);
  if (bare[0] == '[' && g_str_has_suffix (bare, "]")) {
    memmove (bare, bare + 1, strlen (bare));
    bare[strlen (bare) - 1] = '\0';
  }
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

char *
foyer_curl_settings_check_url (FoyerCurlSettings  *self,
                               const char         *url,
                               const char         *config_key,
                               GError            **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "%s “%s” is not an http:// or https:// address", config_key, url);
    return NULL;
  }
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_loopback_host (host)) {
    if (!self->allow_plain_http) {
      g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                   "%s “%s” is plain http://: the kiosk's credentials and visitors' data would "
                   "cross the network unencrypted; use https:// (or set [sync] "
                   "allow-plain-http=true on a network you trust)", config_key, url);
      return NULL;
    }
    add_warning (self, g_strdup_printf ("plain http:// to %s ([sync] allow-plain-http=true): "
                                        "anyone on this network can read what the kiosk sends "
                                        "to head office", host));
  }
  return g_strdup (host);
}

FoyerCurlResponse *
foyer_curl_response_new (void)
{
  FoyerCurlResponse *response = g_new0 (FoyerCurlResponse, 1);

  response->body = g_byte_array_new ();
  return response;
}

void
foyer_curl_response_free (FoyerCurlResponse *response)
{
  if (response == NULL)
    return;
  g_byte_array_unref (response->body);
  g_free (response->retry_after);
  g_free (response);
}

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  nmemb,
          void   *user_data)
{
  FoyerCurlResponse *response = user_data;
  gsize n = size * nmemb;

  if (response->body->len + n > FOYER_CURL_MAX_RESPONSE_BYTES)
    return 0;   /* CURLE_WRITE_ERROR */
  g_byte_array_append (response->body, (const guint8 *)data, n);
  /* A background transfer (a sync thread's) sleeps while the kiosk answers a visitor: a page
   * of a pull arrives and is inflated in chunks of 16 KiB, each a few hundred microseconds of a
   * core. */
  foyer_thread_give_way ();
  return n;
}

static size_t
header_cb (char   *data,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  FoyerCurlResponse *response = user_data;
  gsize n = size * nmemb;
  static const char name[] = "retry-after:";

  /* A new status line (after 100 Continue, or a redirect) starts a new header set. */
  if (n >= 5 && strncmp (data, "HTTP/", 5) == 0)
    g_clear_pointer (&response->retry_after, g_free);
  else if (n > sizeof name - 1 && g_ascii_strncasecmp (data, name, sizeof name - 1) == 0) {
    g_free (response->retry_after);
    response->retry_after = g_strstrip (g_strndup (data + sizeof name - 1,
                                                   n - (sizeof name - 1)));
  }
  return n;
}

/* libcurl calls this at least about once a second, even while stalled: that is what lets the
 * sync thread stop within its shutdown budget. */
static int
xferinfo_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  GCancellable *cancellable = user_data;

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable) ? 1 : 0;
}

void
foyer_curl_prepare (CURL                    *curl,
                    const FoyerCurlSettings *settings,
                    const char              *url,
                    FoyerCurlResponse       *response,
                    GCancellable            *cancellable)
{
  curl_easy_reset (curl);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, settings->user_agent);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, settings->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, settings->timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FOYER_CURL_MAX_RESPONSE_BYTES);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, response->errbuf);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, response);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, response);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, cancellable);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, settings->insecure ? 0L : 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, settings->insecure ? 0L : 2L);
  if (settings->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, settings->ca_file);

  response->errbuf[0] = '\0';
  response->status = 0;
  g_byte_array_set_size (response->body, 0);
  g_clear_pointer (&response->retry_after, g_free);
}

/* A transfer's outcome mapped onto FOYER_SYNC_ERROR (see foyer_curl_perform()). */
static gboolean
map_result (CURL               *curl,
            CURLcode            rc,
            FoyerCurlResponse  *response,
            const char         *peer,
            GCancellable       *cancellable,
            GError            **error)
{
  const char *detail = response->errbuf[0] != '\0' ? response->errbuf : curl_easy_strerror (rc);

  if (rc == CURLE_OK) {
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &response->status);
    return TRUE;
  }
  if (g_cancellable_is_cancelled (cancellable) || rc == CURLE_ABORTED_BY_CALLBACK) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED, "sync stopped");
    return FALSE;
  }

  switch (rc) {
  case CURLE_URL_MALFORMAT:
  case CURLE_UNSUPPORTED_PROTOCOL:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "the address of %s is not usable: %s", peer, detail);
    break;
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "cannot use the certificate authority file ([sync] ca-file): %s", detail);
    break;
  case CURLE_OPERATION_TIMEDOUT:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "%s did not answer in time: %s", peer, detail);
    break;
  case CURLE_PEER_FAILED_VERIFICATION:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "the certificate of %s could not be verified (for a private CA set "
                 "[sync] ca-file): %s", peer, detail);
    break;
  case CURLE_WRITE_ERROR:
  case CURLE_FILESIZE_EXCEEDED:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "%s sent an answer larger than %d MiB", peer,
                 FOYER_CURL_MAX_RESPONSE_BYTES >> 20);
    break;
  default:
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "cannot reach %s: %s", peer, detail);
    break;
  }
  return FALSE;
}

gboolean
foyer_curl_perform (CURL               *curl,
                    FoyerCurlResponse  *response,
                    const char         *peer,
                    GCancellable       *cancellable,
                    GError            **error)
{
  return map_result (curl, curl_easy_perform (curl), response, peer, cancellable, error);
}

static void
wake_multi_cb (GCancellable *cancellable,
               gpointer      multi)
{
  curl_multi_wakeup (multi);
}

/* curl_easy_perform() through a multi handle, so that cancelling wakes the wait at once
 * instead of at the next progress callback (about a second when nothing moves). */
static CURLcode
perform_wakeable (CURL         *curl,
                  GCancellable *cancellable)
{
  CURLM *multi = curl_multi_init ();
  CURLcode rc = CURLE_FAILED_INIT;
  CURLMsg *msg;
  gulong handler = 0;
  int running = 1, left;

  if (multi == NULL)
    return curl_easy_perform (curl);
  curl_multi_add_handle (multi, curl);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_multi_cb), multi, NULL);
  while (running) {
    if (curl_multi_perform (multi, &running) != CURLM_OK)
      break;
    if (running && g_cancellable_is_cancelled (cancellable)) {
      rc = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    if (running)
      curl_multi_poll (multi, NULL, 0, 1000, NULL);
  }
  while ((msg = curl_multi_info_read (multi, &left)) != NULL)
    if (msg->msg == CURLMSG_DONE)
      rc = msg->data.result;
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  curl_multi_remove_handle (multi, curl);
  curl_multi_cleanup (multi);
  return rc;
}

gboolean
foyer_curl_perform_wakeable (CURL               *curl,
                             FoyerCurlResponse  *response,
                             const char         *peer,
                             GCancellable       *cancellable,
                             GError            **error)
{
  return map_result (curl, perform_wakeable (curl, cancellable), response, peer, cancellable,
                     error);
}
