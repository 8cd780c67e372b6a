/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-dashboard-cdp.c: the smallest DevTools-protocol client the dashboard tests need. */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "foyer-test-util.h"
#include "test-hub-dashboard-cdp.h"

struct _TestBrowser {
  GSubprocess *process;
  int          to_browser;
  int          from_browser;
  GString     *pending;        /* bytes read past the last message */
  guint        next_id;
  char        *session;
  char        *profile;
};

static void
send_message (TestBrowser *browser, JsonNode *message)
{
  g_autofree char *text = json_to_string (message, FALSE);
  gsize len = strlen (text) + 1;   /* with its NUL */
  const char *p = text;

  while (len > 0) {
    gssize n = write (browser->to_browser, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    g_assert_cmpint (n, >, 0);
    p += n;
    len -= (gsize) n;
  }
}

static JsonNode *
read_message (TestBrowser *browser)
{
  for (;;) {
    const char *end = memchr (browser->pending->str, '\0', browser->pending->len);
    char buffer[65536];
    gssize n;

    if (end != NULL) {
      gsize len = (gsize) (end - browser->pending->str);
      JsonNode *node = json_from_string (browser->pending->str, NULL);
      g_string_erase (browser->pending, 0, len + 1);
      g_assert_nonnull (node);
      return node;
    }
    n = read (browser->from_browser, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      g_error ("Chromium closed its DevTools pipe");
    g_string_append_len (browser->pending, buffer, n);
  }
}

/* Sends method with params (owned) and returns its "result" (events on the way are dropped). */
static JsonObject *
call (TestBrowser *browser, const char *method, JsonObject *params)
{
  g_autoptr(JsonObject) message = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  guint id = ++browser->next_id;

  json_object_set_int_member (message, "id", id);
  json_object_set_string_member (message, "method", method);
  json_object_set_object_member (message, "params", params != NULL ? params : json_object_new ());
  if (browser->session != NULL)
    json_object_set_string_member (message, "sessionId", browser->session);
  json_node_set_object (node, message);
  send_message (browser, node);
  for (;;) {
    g_autoptr(JsonNode) answer = read_message (browser);
    JsonObject *object = json_node_get_object (answer);
    if (!json_object_has_member (object, "id")
        || (guint) json_object_get_int_member (object, "id") != id)
      continue;
    if (json_object_has_member (object, "error"))
      g_error ("%s failed: %s", method,
               json_to_string (json_object_get_member (object, "error"), FALSE));
    return json_object_ref (json_object_get_object_member (object, "result"));
  }
}

static void
take_pipe_end (GSubprocessLauncher *launcher, int fds[2], gboolean child_reads, int child_fd,
               int *parent_fd)
{
  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  g_subprocess_launcher_take_fd (launcher, child_reads ? fds[0] : fds[1], child_fd);
  *parent_fd = child_reads ? fds[1] : fds[0];
}

TestBrowser *
test_browser_start (void)
{
  TestBrowser *browser = g_new0 (TestBrowser, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *profile_arg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) target = NULL;
  g_autoptr(JsonObject) attached = NULL;
  JsonObject *params;
  int to[2], from[2];

  browser->pending = g_string_new (NULL);
  browser->profile = foyer_test_make_tmpdir ("chromium-profile");
  profile_arg = g_strconcat ("--user-data-dir=", browser->profile, NULL);
  take_pipe_end (launcher, to, TRUE, 3, &browser->to_browser);
  take_pipe_end (launcher, from, FALSE, 4, &browser->from_browser);
  /* as root Chromium needs --no-sandbox; the rest keeps it off the network and quiet */
  browser->process = g_subprocess_launcher_spawn (
      launcher, &error, "chromium", "--headless", "--no-sandbox", "--disable-gpu",
      "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--remote-debugging-pipe",
      "--window-size=1280,900", profile_arg, "about:blank", NULL);
  g_assert_no_error (error);

  params = json_object_new ();
  json_object_set_string_member (params, "url", "about:blank");
  target = call (browser, "Target.createTarget", params);
  params = json_object_new ();
  json_object_set_string_member (params, "targetId",
                                 json_object_get_string_member (target, "targetId"));
  json_object_set_boolean_member (params, "flatten", TRUE);
  attached = call (browser, "Target.attachToTarget", params);
  browser->session = g_strdup (json_object_get_string_member (attached, "sessionId"));
  json_object_unref (call (browser, "Page.enable", NULL));
  params = json_object_new ();
  json_object_set_int_member (params, "width", 1280);
  json_object_set_int_member (params, "height", 900);
  json_object_set_int_member (params, "deviceScaleFactor", 1);
  json_object_set_boolean_member (params, "mobile", FALSE);
  json_object_unref (call (browser, "Emulation.setDeviceMetricsOverride", params));
  return browser;
}

void
test_browser_stop (TestBrowser *browser)
{
  g_clear_pointer (&browser->session, g_free);
  json_object_unref (call (browser, "Browser.close", NULL));
  g_subprocess_wait (browser->process, NULL, NULL);
  close (browser->to_browser);
  close (browser->from_browser);
  g_object_unref (browser->process);
  g_string_free (browser->pending, TRUE);
  g_free (browser->profile);
  g_free (browser);
}

void
test_browser_navigate (TestBrowser *browser,
                       const char  *url)
{
  JsonObject *params = json_object_new ();

  json_object_set_string_member (params, "url", url);
  json_object_unref (call (browser, "Page.navigate", params));
  g_assert_true (test_browser_wait (browser, "document.readyState === 'complete'", 15000));
}

JsonNode *
test_browser_eval (TestBrowser *browser,
                   const char  *expression)
{
  JsonObject *params = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  JsonObject *value;

  json_object_set_string_member (params, "expression", expression);
  json_object_set_boolean_member (params, "returnByValue", TRUE);
  json_object_set_boolean_member (params, "awaitPromise", TRUE);
  result = call (browser, "Runtime.evaluate", params);
  if (json_object_has_member (result, "exceptionDetails"))
    return NULL;
  value = json_object_get_object_member (result, "result");
  if (!json_object_has_member (value, "value"))
    return json_node_new (JSON_NODE_NULL);
  return json_node_copy (json_object_get_member (value, "value"));
}

char *
test_browser_eval_string (TestBrowser *browser,
                          const char  *expression)
{
  g_autoptr(JsonNode) node = test_browser_eval (browser, expression);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

gboolean
test_browser_wait (TestBrowser *browser,
                   const char  *expression,
                   guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  do {
    g_autoptr(JsonNode) node = test_browser_eval (browser, expression);
    if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
        && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node))
      return TRUE;
    g_usleep (100 * 1000);
  } while (g_get_monotonic_time () < deadline);
  return FALSE;
}

void
test_browser_screenshot (TestBrowser *browser,
                         const char  *name)
{
  const char *dir = g_getenv ("FOYER_SCREENSHOT_DIR");
  JsonObject *params = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autofree guchar *png = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  gsize len;

  json_object_set_string_member (params, "format", "png");
  result = call (browser, "Page.captureScreenshot", params);
  png = g_base64_decode (json_object_get_string_member (result, "data"), &len);
  g_assert_cmpuint (len, >, 1000);
  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (g_file_set_contents (path, (const char *) png, len, NULL));
}

void
test_browser_show_page (TestBrowser *browser, const char *prefix, const char *page,
                        const char *lang)
{
  g_autofree char *go = g_strdup_printf ("location.hash = '#%s'; true", page);
  g_autofree char *loaded = g_strdup_printf ("document.body.dataset.loaded === '%s'", page);
  g_autofree char *name = g_strdup_printf ("%s-%s-%s", prefix, page, lang);
  g_autoptr(JsonNode) ignored = test_browser_eval (browser, go);

  g_assert_true (test_browser_wait (browser, loaded, 5000));
  test_browser_screenshot (browser, name);
}
