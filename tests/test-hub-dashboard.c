/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-dashboard.c: the dashboard on a real libsoup server on 127.0.0.1 — sign-in, cookie
 * flags, CSRF, lockout, viewer against admin, an exhibitor link that sees only its booth (over
 * HTTP), and the pages in a real headless Chromium in both languages, with screenshots.
 *
 * The data source here is a fixture (the hub's storage replaces it once the hub lands).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "foyer-hub-dashboard.h"
#include "foyer-hub-report.h"
#include "foyer-hub-report-i18n.h"
#include "foyer-record.h"
#include "foyer-hub-report.h"
#include "foyer-hub-report-i18n.h"
#include "foyer-test-util.h"
#include "test-hub-dashboard-cdp.h"

/* --- a data source over a fixture --- */

#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, GObject)

struct _TestSource {
  GObject parent_instance;
  GMutex  lock;
  gint64  k2_last_seen;
};

static void test_source_iface_init (FoyerHubDashboardSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSource, test_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_HUB_DASHBOARD_SOURCE,
                                                      test_source_iface_init))

static void
test_source_class_init (TestSourceClass *klass)
{
}

static void
test_source_init (TestSource *self)
{
  g_mutex_init (&self->lock);
  self->k2_last_seen = g_get_real_time () / G_USEC_PER_SEC - 5;
}

static JsonNode *
source_query (FoyerHubDashboardSource *source, FoyerHubDashboardView view, const char *event,
              GError **error)
{
  TestSource *self = TEST_SOURCE (source);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *json = NULL;

  g_mutex_lock (&self->lock);
  switch (view) {
  case FOYER_HUB_DASHBOARD_OVERVIEW:
    json = g_strdup ("{\"registrations\":1234,\"check_ins\":987,\"inside\":321,"
                     "\"today\":\"2026-12-05\",\"per_hour\":[{\"hour\":\"09:00\",\"count\":120},"
                     "{\"hour\":\"10:00\",\"count\":340}],\"by_category\":[{\"category\":"
                     "\"trade_visitor\",\"count\":800},{\"category\":\"media\",\"count\":12}],"
                     "\"by_gate\":[{\"gate\":\"A\",\"area\":\"Hall 1\",\"count\":600},"
                     "{\"gate\":\"B\",\"area\":\"Hall 2\",\"count\":387}]}");
    break;
  case FOYER_HUB_DASHBOARD_DEVICES:
    json = g_strdup_printf (
        "{\"now\":%" G_GINT64_FORMAT ",\"devices\":["
        "{\"name\":\"k1\",\"mode\":\"entry\",\"booth\":null,\"last_seen\":%" G_GINT64_FORMAT ","
        "\"pending\":0,\"version\":\"0.1.0\",\"revoked\":false},"
        "{\"name\":\"k2\",\"mode\":\"entry\",\"booth\":null,\"last_seen\":%" G_GINT64_FORMAT ","
        "\"pending\":4,\"version\":\"0.1.0\",\"revoked\":false},"
        "{\"name\":\"b1\",\"mode\":\"booth\",\"booth\":\"A1\",\"last_seen\":%" G_GINT64_FORMAT ","
        "\"pending\":17,\"version\":\"0.1.0\",\"revoked\":false},"
        "{\"name\":\"k3\",\"mode\":\"entry\",\"booth\":null,\"last_seen\":null,"
        "\"pending\":0,\"version\":null,\"revoked\":true}]}",
        now, now - 10, self->k2_last_seen, now - 900);
    break;
  case FOYER_HUB_DASHBOARD_PROBLEMS:
    json = g_strdup ("{\"dead\":[{\"record\":\"r-1\",\"kind\":\"registration\",\"reason\":"
                     "\"phone: not E.164\",\"at\":1795482600}],\"forwarding\":{\"backend\":"
                     "\"tryton\",\"queued\":3,\"failed\":1,\"forwarded\":950}}");
    break;
  case FOYER_HUB_DASHBOARD_LEADS:
  default:
    json = g_strdup ("{\"booths\":[{\"booth\":\"A1\",\"exhibitor\":\"Acme\",\"leads\":2,\"hot\":1,"
                     "\"warm\":1,\"cold\":0,\"follow_up\":1},{\"booth\":\"B2\",\"exhibitor\":"
                     "\"Beta\",\"leads\":1,\"hot\":0,\"warm\":0,\"cold\":1,\"follow_up\":0},"
                     "{\"booth\":\"C3\",\"exhibitor\":\"Gamma <b>GmbH</b>\",\"leads\":0,\"hot\":0,\"warm\":0,"
                     "\"cold\":0,\"follow_up\":0}]}");
    break;
  }
  g_mutex_unlock (&self->lock);
  return json_from_string (json, error);
}

static void
add_lead (GPtrArray *leads, GPtrArray *visitors, const char *booth, const char *name,
          const char *rating)
{
  FoyerLead *lead = foyer_lead_new ();
  FoyerRegistration *visitor = foyer_registration_new ();

  lead->booth = g_strdup (booth);
  lead->rating = g_strdup (rating);
  lead->created_at = g_strdup ("2026-12-05T02:00:00.000Z");
  visitor->full_name = g_strdup (name);
  g_ptr_array_add (leads, lead);
  g_ptr_array_add (visitors, visitor);
}

static gboolean
source_booth_leads (FoyerHubDashboardSource *source, const char *event, const char *booth,
                    GPtrArray **leads, GPtrArray **visitors, GError **error)
{
  *leads = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_lead_free);
  *visitors = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_registration_free);
  if (g_strcmp0 (booth, "A1") == 0) {
    add_lead (*leads, *visitors, "A1", "Li Wei", "hot");
    add_lead (*leads, *visitors, "A1", "Zhang San", "warm");
  } else if (g_strcmp0 (booth, "B2") == 0) {
    add_lead (*leads, *visitors, "B2", "Secret Beta Visitor", "cold");
  }
  return TRUE;
}

static void
test_source_iface_init (FoyerHubDashboardSourceInterface *iface)
{
  iface->query = source_query;
  iface->booth_leads = source_booth_leads;
}

/* --- a hub: the dashboard on a libsoup server in its own thread and main loop --- */

typedef struct {
  GThread           *thread;
  GMainContext      *context;
  GMainLoop         *loop;
  FoyerHubAuth      *auth;
  TestSource        *source;
  FoyerHubDashboard *dashboard;
  gboolean           secure;
  guint              port;
  GMutex             lock;
  GCond              cond;
  gboolean           ready;
} Hub;

static Hub hub, secure_hub;

static gpointer
hub_thread (gpointer data)
{
  Hub *h = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (h->context);
  server = soup_server_new (NULL, NULL);
  foyer_hub_dashboard_attach (h->dashboard, server);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&h->lock);
  h->port = g_uri_get_port (uris->data);
  h->ready = TRUE;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (h->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (h->context);
  return NULL;
}

static void
hub_start (Hub *h, gboolean secure)
{
  g_autofree char *url = NULL;

  h->secure = secure;
  h->context = g_main_context_new ();
  h->loop = g_main_loop_new (h->context, FALSE);
  h->auth = foyer_hub_auth_new ();
  h->source = g_object_new (TEST_TYPE_SOURCE, NULL);
  g_assert_true (foyer_hub_auth_add_user (h->auth, "wang", "pw-admin", FOYER_HUB_ROLE_ADMIN, NULL));
  g_assert_true (foyer_hub_auth_add_user (h->auth, "zhao", "pw-view", FOYER_HUB_ROLE_VIEWER, NULL));
  g_assert_true (foyer_hub_auth_add_user (h->auth, "locky", "pw-lock", FOYER_HUB_ROLE_ADMIN, NULL));
  /* exhibitors reach the hub under the address it listens on; known once it listens, so the
   * links the tests use are built from the port below */
  h->dashboard = foyer_hub_dashboard_new (h->auth, FOYER_HUB_DASHBOARD_SOURCE (h->source),
                                          "expo-2026", "http://127.0.0.1:0", secure);
  h->thread = g_thread_new ("hub", hub_thread, h);
  g_mutex_lock (&h->lock);
  while (!h->ready)
    g_cond_wait (&h->cond, &h->lock);
  g_mutex_unlock (&h->lock);
}

typedef struct {
  Hub        *hub;
  GSourceFunc func;
  gpointer    data;
  gboolean    done;
} HubCall;

static gboolean
hub_call_cb (gpointer data)
{
  HubCall *call = data;

  call->func (call->data);
  g_mutex_lock (&call->hub->lock);
  call->done = TRUE;
  g_cond_broadcast (&call->hub->cond);
  g_mutex_unlock (&call->hub->lock);
  return G_SOURCE_REMOVE;
}

/* Runs func on the hub's thread (FoyerHubAuth belongs to it) and waits. */
static void
hub_run (Hub *h, GSourceFunc func, gpointer data)
{
  HubCall call = { h, func, data, FALSE };
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, hub_call_cb, &call, NULL);
  g_source_attach (source, h->context);
  g_mutex_lock (&h->lock);
  while (!call.done)
    g_cond_wait (&h->cond, &h->lock);
  g_mutex_unlock (&h->lock);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
hub_stop (Hub *h)
{
  hub_run (h, quit_cb, h->loop);
  g_thread_join (h->thread);
  g_clear_object (&h->dashboard);
  g_clear_object (&h->auth);
  g_clear_object (&h->source);
  g_main_loop_unref (h->loop);
  g_main_context_unref (h->context);
}

/* --- HTTP, as curl would --- */

typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  char               *body;
} Answer;

static void
answer_clear (Answer *a)
{
  g_clear_pointer (&a->headers, soup_message_headers_unref);
  g_clear_pointer (&a->body, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
http (Hub *h, const char *method, const char *path, const char *cookie, const char *csrf,
      const char *form, Answer *answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", h->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (cookie != NULL) {
    g_autofree char *header = g_strdup_printf ("%s=%s", FOYER_HUB_DASHBOARD_COOKIE, cookie);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie", header);
  }
  if (csrf != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-CSRF-Token", csrf);
  if (form != NULL) {
    g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  answer->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* Signs in and returns the session cookie's value; the Set-Cookie line in *set_cookie. */
static char *
sign_in (Hub *h, const char *user, const char *password, char **set_cookie)
{
  g_auto(Answer) answer = { 0 };
  g_autofree char *form = g_strdup_printf ("user=%s&password=%s", user, password);
  const char *header;
  const char *start;

  http (h, "POST", "/login", NULL, NULL, form, &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_SEE_OTHER);
  g_assert_cmpstr (soup_message_headers_get_one (answer.headers, "Location"), ==, "/");
  header = soup_message_headers_get_one (answer.headers, "Set-Cookie");
  g_assert_nonnull (header);
  if (set_cookie != NULL)
    *set_cookie = g_strdup (header);
  start = header + strlen (FOYER_HUB_DASHBOARD_COOKIE "=");
  return g_strndup (start, strcspn (start, ";"));
}

static char *
csrf_of (Hub *h, const char *cookie)
{
  g_auto(Answer) answer = { 0 };
  g_autoptr(JsonNode) node = NULL;

  http (h, "GET", "/api/session.json", cookie, NULL, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  node = json_from_string (answer.body, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "csrf"));
}

/* --- the tests --- */

static void
test_redirect_without_session (void)
{
  g_auto(Answer) root = { 0 };
  g_auto(Answer) api = { 0 };
  g_auto(Answer) forged = { 0 };
  g_auto(Answer) login = { 0 };

  http (&hub, "GET", "/", NULL, NULL, NULL, &root);
  g_assert_cmpuint (root.status, ==, SOUP_STATUS_SEE_OTHER);
  g_assert_cmpstr (soup_message_headers_get_one (root.headers, "Location"), ==, "/login");
  http (&hub, "GET", "/api/overview.json", NULL, NULL, NULL, &api);
  g_assert_cmpuint (api.status, ==, SOUP_STATUS_UNAUTHORIZED);
  http (&hub, "GET", "/api/overview.json", "forged-token", NULL, NULL, &forged);
  g_assert_cmpuint (forged.status, ==, SOUP_STATUS_UNAUTHORIZED);
  http (&hub, "GET", "/login", NULL, NULL, NULL, &login);
  g_assert_cmpuint (login.status, ==, 200);
  g_assert_nonnull (strstr (login.body, "<form class=\"login\" method=\"post\" action=\"/login\">"));
}

static void
test_cookie_flags (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *tls = NULL;
  g_autofree char *a = sign_in (&hub, "wang", "pw-admin", &plain);
  g_autofree char *b = sign_in (&secure_hub, "wang", "pw-admin", &tls);

  /* plain-http loopback hub: no Secure (the browser would drop the cookie); TLS hub: Secure */
  g_assert_cmpstr (strchr (plain, ';'), ==, "; Path=/; HttpOnly; SameSite=Strict");
  g_assert_cmpstr (strchr (tls, ';'), ==, "; Path=/; HttpOnly; SameSite=Strict; Secure");
  g_assert_cmpuint (strlen (a), ==, 43);
}

static void
test_csrf_and_roles (void)
{
  g_autofree char *admin = sign_in (&hub, "wang", "pw-admin", NULL);
  g_autofree char *viewer = sign_in (&hub, "zhao", "pw-view", NULL);
  g_autofree char *admin_csrf = csrf_of (&hub, admin);
  g_autofree char *viewer_csrf = csrf_of (&hub, viewer);
  g_auto(Answer) no_csrf = { 0 };
  g_auto(Answer) wrong_csrf = { 0 };
  g_auto(Answer) created = { 0 };
  g_auto(Answer) viewer_link = { 0 };
  g_auto(Answer) viewer_problems = { 0 };
  g_auto(Answer) admin_problems = { 0 };
  g_auto(Answer) viewer_overview = { 0 };

  http (&hub, "POST", "/api/links", admin, NULL, "booth=A1", &no_csrf);
  g_assert_cmpuint (no_csrf.status, ==, SOUP_STATUS_FORBIDDEN);
  http (&hub, "POST", "/api/links", admin, viewer_csrf, "booth=A1", &wrong_csrf);
  g_assert_cmpuint (wrong_csrf.status, ==, SOUP_STATUS_FORBIDDEN);
  http (&hub, "POST", "/api/links", admin, admin_csrf, "booth=A1", &created);
  g_assert_cmpuint (created.status, ==, 200);
  g_assert_nonnull (strstr (created.body, "\"url\":\"http://127.0.0.1:0/x/"));
  /* a viewer may not hand out links, even with its own valid token */
  http (&hub, "POST", "/api/links", viewer, viewer_csrf, "booth=A1", &viewer_link);
  g_assert_cmpuint (viewer_link.status, ==, SOUP_STATUS_FORBIDDEN);
  /* dead letters name records: admin only; counts are for everyone */
  http (&hub, "GET", "/api/problems.json", viewer, NULL, NULL, &viewer_problems);
  g_assert_cmpuint (viewer_problems.status, ==, SOUP_STATUS_FORBIDDEN);
  http (&hub, "GET", "/api/problems.json", admin, NULL, NULL, &admin_problems);
  g_assert_cmpuint (admin_problems.status, ==, 200);
  g_assert_nonnull (strstr (admin_problems.body, "\"reason\":\"phone: not E.164\""));
  http (&hub, "GET", "/api/overview.json", viewer, NULL, NULL, &viewer_overview);
  g_assert_cmpuint (viewer_overview.status, ==, 200);
  g_assert_nonnull (strstr (viewer_overview.body, "\"registrations\":1234"));
}

/* A page of another site may not post to the hub, not even to sign in. */
static void
test_cross_site_post (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/login", hub.port);
  g_autofree char *own = g_strdup_printf ("http://127.0.0.1:%u", hub.port);
  const char *origins[] = { "http://evil.example", own };
  const guint expected[] = { SOUP_STATUS_FORBIDDEN, SOUP_STATUS_SEE_OTHER };

  for (guint i = 0; i < G_N_ELEMENTS (origins); i++) {
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) form = g_bytes_new_static ("user=wang&password=pw-admin", 27);
    g_autoptr(GBytes) body = NULL;

    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin", origins[i]);
    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", form);
    body = soup_session_send_and_read (session, msg, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (msg), ==, expected[i]);
    g_assert_true ((soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                  "Set-Cookie") != NULL) == (i == 1));
  }
}

static void
test_logout (void)
{
  g_autofree char *cookie = sign_in (&hub, "wang", "pw-admin", NULL);
  g_autofree char *csrf = csrf_of (&hub, cookie);
  g_autofree char *form = g_strdup_printf ("csrf=%s", csrf);
  g_auto(Answer) refused = { 0 };
  g_auto(Answer) out = { 0 };
  g_auto(Answer) after = { 0 };

  http (&hub, "POST", "/logout", cookie, NULL, "csrf=wrong", &refused);
  g_assert_cmpuint (refused.status, ==, SOUP_STATUS_FORBIDDEN);
  http (&hub, "POST", "/logout", cookie, NULL, form, &out);
  g_assert_cmpuint (out.status, ==, SOUP_STATUS_SEE_OTHER);
  g_assert_nonnull (strstr (soup_message_headers_get_one (out.headers, "Set-Cookie"),
                            "Max-Age=0"));
  http (&hub, "GET", "/api/session.json", cookie, NULL, NULL, &after);
  g_assert_cmpuint (after.status, ==, SOUP_STATUS_UNAUTHORIZED);
}

static void
test_lockout (void)
{
  for (guint i = 0; i <= FOYER_HUB_AUTH_MAX_FAILURES; i++) {
    g_auto(Answer) answer = { 0 };
    http (&hub, "POST", "/login", NULL, NULL,
          i < FOYER_HUB_AUTH_MAX_FAILURES ? "user=locky&password=guess"
                                          : "user=locky&password=pw-lock", &answer);
    g_assert_cmpuint (answer.status, ==, SOUP_STATUS_SEE_OTHER);
    g_assert_null (soup_message_headers_get_one (answer.headers, "Set-Cookie"));
    g_assert_cmpstr (soup_message_headers_get_one (answer.headers, "Location"), ==,
                     i < FOYER_HUB_AUTH_MAX_FAILURES ? "/login?lang=zh_CN&error=bad"
                                                     : "/login?lang=zh_CN&error=locked");
  }
}

typedef struct {
  const char *booth;
  char       *path;
} LinkCall;

static gboolean
new_link_cb (gpointer data)
{
  LinkCall *call = data;
  g_autofree char *url = foyer_hub_dashboard_new_link (hub.dashboard, call->booth);

  call->path = g_strdup (strstr (url, "/x/"));
  return G_SOURCE_REMOVE;
}

static char *
new_link_path (const char *booth)
{
  LinkCall call = { booth, NULL };

  hub_run (&hub, new_link_cb, &call);
  return call.path;
}

static gboolean
revoke_a1_cb (gpointer data)
{
  g_assert_cmpuint (foyer_hub_auth_link_revoke (hub.auth, "A1"), >=, 1);
  return G_SOURCE_REMOVE;
}

static void
test_exhibitor_link (void)
{
  g_autofree char *a1 = new_link_path ("A1");
  g_autofree char *c3 = new_link_path ("C3");
  g_autofree char *a1_csv = g_strconcat (a1, "/leads.csv", NULL);
  g_autofree char *a1_xlsx = g_strconcat (a1, "/leads.xlsx", NULL);
  g_autofree char *c3_csv = g_strconcat (c3, "/leads.csv", NULL);
  g_auto(Answer) page = { 0 };
  g_auto(Answer) csv = { 0 };
  g_auto(Answer) xlsx = { 0 };
  g_auto(Answer) empty = { 0 };
  g_auto(Answer) forged = { 0 };
  g_auto(Answer) revoked = { 0 };

  http (&hub, "GET", a1, NULL, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "<span id=\"booth\">A1</span>"));
  http (&hub, "GET", a1_csv, NULL, NULL, NULL, &csv);
  g_assert_cmpuint (csv.status, ==, 200);
  g_assert_nonnull (strstr (csv.body, "Li Wei"));
  g_assert_nonnull (strstr (csv.body, "Zhang San"));
  g_assert_null (strstr (csv.body, "Secret Beta Visitor"));     /* only its own booth */
  g_assert_cmpstr (soup_message_headers_get_one (csv.headers, "Content-Disposition"), ==,
                   "attachment; filename=\"leads-A1.csv\"");
  http (&hub, "GET", a1_xlsx, NULL, NULL, NULL, &xlsx);
  g_assert_cmpuint (xlsx.status, ==, 200);
  g_assert_true (g_str_has_prefix (xlsx.body, "PK"));
  /* a booth with no leads yet: a header and nothing else */
  http (&hub, "GET", c3_csv, NULL, NULL, NULL, &empty);
  g_assert_cmpuint (empty.status, ==, 200);
  g_assert_true (strstr (empty.body, "\r\n") + 2 == empty.body + strlen (empty.body));
  g_assert_null (strstr (empty.body, "Li Wei"));
  http (&hub, "GET", "/x/forged/leads.csv", NULL, NULL, NULL, &forged);
  g_assert_cmpuint (forged.status, ==, SOUP_STATUS_NOT_FOUND);
  hub_run (&hub, revoke_a1_cb, NULL);
  http (&hub, "GET", a1_csv, NULL, NULL, NULL, &revoked);
  g_assert_cmpuint (revoked.status, ==, SOUP_STATUS_NOT_FOUND);
}

/* --- in a real browser --- */

static void
sign_in_browser (TestBrowser *browser, const char *base, const char *user, const char *password,
                 const char *lang, const char *sign_in_text)
{
  g_autofree char *translated = g_strdup_printf ("document.getElementById('sign-in').textContent "
                                                 "=== '%s'", sign_in_text);
  g_autofree char *screenshot = g_strdup_printf ("hub-dashboard-login-%s", lang);
  g_autoptr(JsonNode) ignored = NULL;
  g_autofree char *fill = g_strdup_printf ("document.getElementById('user').value = '%s';"
                                           "document.getElementById('password').value = '%s';"
                                           "document.querySelector('form').submit(); true",
                                           user, password);

  test_browser_navigate (browser, base);
  g_assert_true (test_browser_wait (browser, "location.pathname === '/login'", 5000));
  g_assert_true (test_browser_wait (browser, translated, 5000));
  test_browser_screenshot (browser, screenshot);
  ignored = test_browser_eval (browser, fill);
  g_assert_true (test_browser_wait (browser, "location.pathname === '/' && "
                                             "document.body.dataset.loaded === 'overview'", 10000));
}

static void
check_overview_numbers (TestBrowser *browser)
{
  const char *const ids[][2] = {
    { "registrations", "1234" }, { "check-ins", "987" }, { "inside", "321" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    g_autofree char *expression = g_strdup_printf (
        "document.getElementById('%s').textContent", ids[i][0]);
    g_autofree char *shown = test_browser_eval_string (browser, expression);
    g_assert_cmpstr (shown, ==, ids[i][1]);
  }
  /* the session cookie is HttpOnly: no script sees it */
  g_assert_true (test_browser_wait (browser,
                                    "!document.cookie.includes('" FOYER_HUB_DASHBOARD_COOKIE "')",
                                    100));
}

static void
check_device_goes_offline (TestBrowser *browser)
{
  g_assert_true (test_browser_wait (browser, "document.querySelector('tr[data-device=b1]')"
                                             ".classList.contains('silent')", 100));
  g_assert_true (test_browser_wait (browser, "!document.querySelector('tr[data-device=k2]')"
                                             ".classList.contains('silent')", 100));
  g_mutex_lock (&hub.source->lock);
  hub.source->k2_last_seen = g_get_real_time () / G_USEC_PER_SEC - 6 * 60;
  g_mutex_unlock (&hub.source->lock);
  /* the page polls: within 5 s k2 shows as silent, with no reload */
  g_assert_true (test_browser_wait (browser, "document.querySelector('tr[data-device=k2]')"
                                             ".classList.contains('silent')", 5000));
}

/* Sign out through the page's own form, then a viewer sees counts but no dead letters and
 * cannot hand out links. */
static void
check_viewer (TestBrowser *browser, const char *base)
{
  g_autoptr(JsonNode) ignored = test_browser_eval (browser, "document.getElementById('logout')"
                                                            ".submit(); true");

  g_assert_true (test_browser_wait (browser, "location.pathname === '/login'", 5000));
  sign_in_browser (browser, base, "zhao", "pw-view", "en", "Sign in");
  check_overview_numbers (browser);
  g_clear_pointer (&ignored, json_node_unref);
  ignored = test_browser_eval (browser, "location.hash = '#problems'; true");
  g_assert_true (test_browser_wait (browser, "!document.getElementById('admin-only').hidden && "
                                             "document.querySelectorAll('#dead-rows tr')"
                                             ".length === 0", 5000));
  test_browser_screenshot (browser, "hub-dashboard-problems-viewer-en");
  test_browser_show_page (browser, "hub-dashboard", "leads", "en-viewer");
  g_assert_true (test_browser_wait (browser, "document.querySelectorAll('#booth-rows tr')"
                                             ".length === 3 && document.querySelectorAll("
                                             "'#booth-rows button').length === 0", 100));
}

/* The HTML report opened from a file, offline: Chart.js (inlined) draws one chart per canvas. */
static void
check_html_report (TestBrowser *browser)
{
  g_autoptr(FoyerHubReportModel) model = foyer_hub_report_model_new ("expo-2026", "Asia/Shanghai");
  const char *const interests[] = { "机床", NULL };
  const FoyerHubVisitorRow visitors[] = {
    { "r1", "trade_visitor", 1795482600, "A", "一号馆", interests, "13800000001", NULL, TRUE },
    { "r2", "media", 1795486200, "B", "二号馆", NULL, NULL, "x@press.cn", TRUE },
  };
  const FoyerHubLeadRow lead = { "A1", "上海机械", "hot", TRUE };
  g_autoptr(FoyerHubReport) report = NULL;
  g_autofree char *dir = foyer_test_make_tmpdir ("hub-report-html");
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *url = g_filename_to_uri (path, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (visitors); i++)
    foyer_hub_report_model_add_visitor (model, &visitors[i]);
  foyer_hub_report_model_add_lead (model, &lead);
  report = foyer_hub_report_new (model, NULL, "zh_CN");
  g_assert_true (foyer_hub_report_write (report, FOYER_HUB_REPORT_HTML, path, NULL));
  test_browser_navigate (browser, url);
  g_assert_true (test_browser_wait (browser, "typeof Chart !== 'undefined' && "
                                             "document.querySelectorAll('canvas').length >= 5 && "
                                             "Object.keys(Chart.instances).length === "
                                             "document.querySelectorAll('canvas').length", 5000));
  test_browser_screenshot (browser, "hub-report-html-zh_CN");
}

static void
test_browser (void)
{
  TestBrowser *browser = test_browser_start ();
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u/", hub.port);
  g_autofree char *english = g_strdup_printf ("http://127.0.0.1:%u/?lang=en#overview", hub.port);
  const char *pages[] = { "overview", "devices", "problems", "leads" };
  g_autofree char *nav = NULL;
  g_autofree char *link = NULL;
  g_autoptr(JsonNode) ignored = NULL;

  check_html_report (browser);
  sign_in_browser (browser, base, "wang", "pw-admin", "zh_CN", "登录");
  check_overview_numbers (browser);
  nav = test_browser_eval_string (browser, "document.querySelector('[data-page=overview]')"
                                           ".textContent");
  g_assert_cmpstr (nav, ==, "概览");
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    test_browser_show_page (browser, "hub-dashboard", pages[i], "zh_CN");
  test_browser_show_page (browser, "hub-dashboard", "devices", "zh_CN");
  check_device_goes_offline (browser);
  test_browser_screenshot (browser, "hub-dashboard-devices-offline-zh_CN");

  /* an admin hands out a booth's link from the leads page */
  test_browser_show_page (browser, "hub-dashboard", "leads", "zh_CN");
  ignored = test_browser_eval (browser, "document.querySelector('tr[data-booth=C3] button')"
                                        ".click(); true");
  g_assert_true (test_browser_wait (browser, "document.querySelector('tr[data-booth=C3] a') "
                                             "!== null", 5000));
  link = test_browser_eval_string (browser, "document.querySelector('tr[data-booth=C3] a').href");
  g_assert_nonnull (strstr (link, "/x/"));
  /* names are data, never markup */
  g_assert_true (test_browser_wait (browser, "document.querySelector('tr[data-booth=C3]')"
                                             ".children[1].textContent === 'Gamma <b>GmbH</b>' && "
                                             "document.querySelector('#booth-rows b') === null",
                                    100));

  /* switch language */
  test_browser_navigate (browser, english);
  g_assert_true (test_browser_wait (browser, "document.body.dataset.loaded === 'overview'", 5000));
  g_clear_pointer (&nav, g_free);
  nav = test_browser_eval_string (browser, "document.querySelector('[data-page=overview]')"
                                           ".textContent");
  g_assert_cmpstr (nav, ==, "Overview");
  check_overview_numbers (browser);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    test_browser_show_page (browser, "hub-dashboard", pages[i], "en");
  check_viewer (browser, base);
  test_browser_stop (browser);
}

/* Every string the pages ask for (data-i18n="…", t('…')) is in the hub's list and translated. */
static void
test_page_strings (void)
{
  const char *const assets[] = { "login.html", "dashboard.html", "dashboard.js" };
  const FoyerHubI18n *zh = foyer_hub_i18n_get ("zh_CN");
  g_autoptr(GRegex) regex = g_regex_new ("data-i18n=\"([^\"]+)\"|\\bt\\('([^']+)'\\)", 0, 0,
                                         NULL);
  guint checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (assets); i++) {
    g_autofree char *path = g_strconcat ("/io/github/foyer/Hub/web/", assets[i], NULL);
    g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
    g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_autoptr(GMatchInfo) match = NULL;

    g_regex_match (regex, text, 0, &match);
    for (; g_match_info_matches (match); g_match_info_next (match, NULL)) {
      g_autofree char *a = g_match_info_fetch (match, 1);
      g_autofree char *b = g_match_info_fetch (match, 2);
      const char *msgid = a != NULL && *a != '\0' ? a : b;
      if (g_strcmp0 (foyer_hub_i18n_text (zh, msgid), msgid) == 0)
        g_error ("%s: “%s” has no Chinese translation in the hub's list", assets[i], msgid);
      checked++;
    }
  }
  g_assert_cmpuint (checked, >, 40);
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FOYER_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* both tables before any thread: building one briefly sets LANGUAGE */
  foyer_hub_i18n_get ("zh_CN");
  foyer_hub_i18n_get ("en");
  hub_start (&hub, FALSE);
  hub_start (&secure_hub, TRUE);
  g_test_add_func ("/hub-dashboard/redirect-without-session", test_redirect_without_session);
  g_test_add_func ("/hub-dashboard/cookie-flags", test_cookie_flags);
  g_test_add_func ("/hub-dashboard/csrf-and-roles", test_csrf_and_roles);
  g_test_add_func ("/hub-dashboard/cross-site-post", test_cross_site_post);
  g_test_add_func ("/hub-dashboard/logout", test_logout);
  g_test_add_func ("/hub-dashboard/lockout", test_lockout);
  g_test_add_func ("/hub-dashboard/exhibitor-link", test_exhibitor_link);
  g_test_add_func ("/hub-dashboard/page-strings", test_page_strings);
  g_test_add_func ("/hub-dashboard/browser", test_browser);
  status = g_test_run ();
  hub_stop (&secure_hub);
  hub_stop (&hub);
  return status;
}
