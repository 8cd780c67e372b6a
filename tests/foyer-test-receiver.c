/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-test-receiver.c: start, drive and query tests/sync-receiver.py. */
#include "config.h"

#include <curl/curl.h>
#include <gio/gio.h>

#include "foyer-test-receiver.h"

struct _FoyerTestReceiver {
  GSubprocess *proc;
  guint        port;
  char        *url;
  gboolean     tls;
};

static char *
receiver_script (void)
{
  const char *root = g_getenv ("FOYER_SOURCE_ROOT");

  if (root != NULL)
    return g_build_filename (root, "tests", "sync-receiver.py", NULL);
  return g_test_build_filename (G_TEST_DIST, "sync-receiver.py", NULL);
}

FoyerTestReceiver *
foyer_test_receiver_start_tls (const char *token_file,
                               const char *cert,
                               const char *key)
{
  FoyerTestReceiver *self = g_new0 (FoyerTestReceiver, 1);
  g_autofree char *script = receiver_script ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;

  g_ptr_array_add (argv, "python3");
  g_ptr_array_add (argv, script);
  if (token_file != NULL) {
    g_ptr_array_add (argv, "--token-file");
    g_ptr_array_add (argv, (char *)token_file);
  }
  if (cert != NULL) {
    g_ptr_array_add (argv, "--tls-cert");
    g_ptr_array_add (argv, (char *)cert);
    g_ptr_array_add (argv, "--tls-key");
    g_ptr_array_add (argv, (char *)key);
  }
  g_ptr_array_add (argv, NULL);

  /* stdin stays an open pipe: the receiver exits when it closes (when this process dies). */
  self->proc = g_subprocess_newv ((const char * const *)argv->pdata,
                                  G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                  &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  self->port = (guint)g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (self->port, >, 0);
  self->url = g_strdup_printf ("%s://127.0.0.1:%u", cert != NULL ? "https" : "http", self->port);
  self->tls = cert != NULL;
  return self;
}

FoyerTestReceiver *
foyer_test_receiver_start (const char *token_file)
{
  return foyer_test_receiver_start_tls (token_file, NULL, NULL);
}

void
foyer_test_receiver_stop (FoyerTestReceiver *self)
{
  if (self == NULL)
    return;
  g_subprocess_force_exit (self->proc);
  g_subprocess_wait (self->proc, NULL, NULL);
  g_object_unref (self->proc);
  g_free (self->url);
  g_free (self);
}

const char *
foyer_test_receiver_pid (FoyerTestReceiver *self)
{
  return g_subprocess_get_identifier (self->proc);
}

guint
foyer_test_receiver_port (FoyerTestReceiver *self)
{
  return self->port;
}

const char *
foyer_test_receiver_url (FoyerTestReceiver *self)
{
  return self->url;
}

static size_t
collect_cb (char *data, size_t size, size_t nmemb, void *user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

static char *
request (FoyerTestReceiver *self,
         const char        *path,
         const char        *post)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  GString *body = g_string_new (NULL);
  CURL *curl = curl_easy_init ();
  CURLcode rc = CURLE_OK;
  long status = 0;

  /* The receiver may be coming back from "down": give it a moment. */
  for (int attempt = 0; attempt < 50; attempt++) {
    g_string_truncate (body, 0);
    curl_easy_reset (curl);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
    /* The test's own control channel; the code under test verifies certificates. */
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, self->tls ? 0L : 1L);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, self->tls ? 0L : 2L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_cb);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
    if (post != NULL)
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, post);
    rc = curl_easy_perform (curl);
    if (rc != CURLE_COULDNT_CONNECT)
      break;
    g_usleep (100 * 1000);
  }
  g_assert_cmpint (rc, ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  g_assert_cmpint (status, ==, 200);
  curl_easy_cleanup (curl);
  return g_string_free (body, FALSE);
}

void
foyer_test_receiver_control (FoyerTestReceiver *self,
                             const char        *format,
                             ...)
{
  va_list args;
  g_autofree char *json = NULL;
  g_autofree char *answer = NULL;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);
  answer = request (self, "/_control", json);
}

JsonObject *
foyer_test_receiver_get (FoyerTestReceiver *self,
                         const char        *path)
{
  g_autofree char *text = request (self, path, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

gint64
foyer_test_receiver_stat (FoyerTestReceiver *self,
                          const char        *name)
{
  g_autoptr(JsonObject) stats = foyer_test_receiver_get (self, "/_stats");

  return json_object_get_int_member (stats, name);
}
