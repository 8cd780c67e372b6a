/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-dashboard-live.c: the dashboard of a real `foyer-hub serve` filled by real kiosks
 * through `foyerctl sync`, on SQLite and on PostgreSQL: accounts made with `foyer-hub user add`,
 * the numbers against `foyer-hub stats --json`, cookie flags, CSRF, lockout and sessions that
 * survive a restart (and, on PostgreSQL, a second hub on the same database), viewer against
 * admin, exhibitor links from `foyer-hub exhibitor link` that see only their booth (the XLSX read
 * back with python3-openpyxl), `foyer-hub report` on the stored records; then headless Chromium:
 * sign in, the figures, a device going silent, the language switch, a screenshot of every page
 * in both languages.
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "foyer-config.h"
#include "foyer-hub-test-util.h"
#include "foyer-store.h"
#include "foyer-test-util.h"
#include "test-hub-dashboard-cdp.h"

typedef struct {
  const char *backend;   /* "sqlite" | "postgresql" */
} Param;

static FoyerTestHub *
new_hub (const Param *param)
{
  g_autofree char *database = NULL;

  if (g_str_equal (param->backend, "postgresql") &&
      (database = foyer_test_pg_shared_database ()) == NULL)
    return NULL;
  return foyer_test_hub_new (database, NULL);
}

/* `foyer-hub --config … ARGS…` with input on its standard input; the exit status. */
static int
hub_cli (FoyerTestHub *hub, const char *input, char **out, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("FOYER_HUB"));
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, hub->conf);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("foyer-hub %s: %s", args[0], err);
  return g_subprocess_get_exit_status (process);
}

/* ---- HTTP ---- */

typedef struct {
  guint  status;
  char  *body;
  char  *location;
  char  *set_cookie;
} Answer;

static void
answer_clear (Answer *a)
{
  g_free (a->body);
  g_free (a->location);
  g_free (a->set_cookie);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static SoupSession *session;

/* One request, redirects not followed. cookie: the session token; csrf: X-CSRF-Token. */
static void
http (const char *method, const char *url, const char *cookie, const char *csrf,
      const char *form, Answer *answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_message_get_response_headers (msg);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (cookie != NULL) {
    g_autofree char *header = g_strdup_printf ("foyer_session=%s", cookie);
    soup_message_headers_replace (request, "Cookie", header);
  }
  if (csrf != NULL)
    soup_message_headers_replace (request, "X-CSRF-Token", csrf);
  if (form != NULL) {
    g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  answer->location = g_strdup (soup_message_headers_get_one (response, "Location"));
  answer->set_cookie = g_strdup (soup_message_headers_get_one (response, "Set-Cookie"));
}

/* Signs in through the form: the session token, or NULL when refused (*location says why). */
static char *
sign_in (FoyerTestHub *hub, const char *user, const char *password, char **location)
{
  g_autofree char *url = g_strconcat (hub->url, "/login", NULL);
  g_autofree char *form = g_strdup_printf ("user=%s&password=%s&lang=en", user, password);
  g_auto(Answer) a = { 0 };
  const char *start, *end;

  http ("POST", url, NULL, NULL, form, &a);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_SEE_OTHER);
  if (location != NULL)
    *location = g_strdup (a.location);
  if (a.set_cookie == NULL)
    return NULL;
  start = a.set_cookie + strlen ("foyer_session=");
  end = strchr (start, ';');
  return g_strndup (start, end - start);
}

static JsonObject *
get_json (FoyerTestHub *hub, const char *path, const char *cookie, JsonNode **node)
{
  g_autofree char *url = g_strconcat (hub->url, path, NULL);
  g_auto(Answer) a = { 0 };

  http ("GET", url, cookie, NULL, NULL, &a);
  g_assert_cmpuint (a.status, ==, 200);
  *node = json_from_string (a.body, NULL);
  g_assert_nonnull (*node);
  return json_node_get_object (*node);
}

/* ---- a show: two entrance kiosks and two booth tablets, synced ---- */

static void
sync_kiosk (const char *conf)
{
  g_autoptr(GSubprocess) sync = foyer_test_kiosk_sync (conf, "20");

  g_assert_true (g_subprocess_wait (sync, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 0);
}

static char *
booth_device (FoyerTestHub *hub, const char *name, const char *booth)
{
  g_autofree char *out = NULL;
  const char *args[] = { "device", "add", name, "--event", "ev1", "--mode", "booth", "--booth",
                         booth, NULL };
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (hub_cli (hub, NULL, &out, args), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/* Booth tablet conf takes one lead per (name, rating) pair, as the app does. */
static void
take_leads (const char *conf, const char *booth, const char *const *names,
            const char *const *ratings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load (conf, &error);
  g_autofree char *db = foyer_config_get_path_value (config, "storage", "database");
  g_autoptr(FoyerStore) store = foyer_store_open (db, &error);

  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++) {
    g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
    g_autoptr(FoyerLead) lead = foyer_lead_new ();

    reg->event = g_strdup (foyer_config_get_string (config, "kiosk", "event"));
    reg->kiosk_id = g_strdup (foyer_config_get_string (config, "kiosk", "id"));
    reg->kind = g_strdup (FOYER_KIND_LEAD);
    reg->full_name = g_strdup (names[i]);
    reg->phones = g_strsplit (i == 0 ? "+8613800000001" : "+8613800000002", ",", -1);
    reg->source = g_strdup (FOYER_SOURCE_MANUAL);
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
    reg->consent_given = TRUE;
    reg->interests = g_strsplit ("机床,包装", ",", -1);
    foyer_store_add_registration (store, reg, NULL, &error);
    g_assert_no_error (error);
    lead->registration_id = g_strdup (reg->id);
    lead->event = g_strdup (reg->event);
    lead->kiosk_id = g_strdup (reg->kiosk_id);
    lead->booth = g_strdup (booth);
    lead->rating = g_strdup (ratings[i]);
    lead->follow_up = i == 0;
    lead->notes = g_strdup ("样品");
    g_assert_true (foyer_store_save_lead (store, lead, &error));
    g_assert_no_error (error);
  }
}

typedef struct {
  FoyerTestHub *hub;
  char         *admin;    /* session tokens */
  char         *viewer;
} Show;

static void
show_clear (Show *show)
{
  g_free (show->admin);
  g_free (show->viewer);
  g_clear_pointer (&show->hub, foyer_test_hub_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Show, show_clear)

static gboolean
open_show (const Param *param, Show *show)
{
  const char *admin[] = { "user", "add", "wang", "--role", "admin", NULL };
  const char *viewer[] = { "user", "add", "zhao", "--role", "viewer", NULL };
  const char *const a1_names[] = { "李伟", "张三", NULL };
  const char *const a1_ratings[] = { "hot", "warm", NULL };
  const char *const b2_names[] = { "Secret Beta Visitor", NULL };
  const char *const b2_ratings[] = { "cold", NULL };
  g_autofree char *k1 = NULL, *k2 = NULL, *b1 = NULL, *b2 = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GPtrArray) ids1 = NULL, ids2 = NULL;

  if ((show->hub = new_hub (param)) == NULL)
    return FALSE;
  foyer_test_hub_start (show->hub, NULL);
  code = foyer_test_hub_add_device (show->hub, "k1", "ev1");
  k1 = foyer_test_kiosk_new (code, 50);
  g_clear_pointer (&code, g_free);
  code = foyer_test_hub_add_device (show->hub, "k2", "ev1");
  k2 = foyer_test_kiosk_new (code, 50);
  g_clear_pointer (&code, g_free);
  code = booth_device (show->hub, "b1", "A1");
  b1 = foyer_test_kiosk_new (code, 50);
  g_clear_pointer (&code, g_free);
  code = booth_device (show->hub, "b2", "B2");
  b2 = foyer_test_kiosk_new (code, 50);
  ids1 = foyer_test_kiosk_register (k1, 5);
  ids2 = foyer_test_kiosk_register (k2, 3);
  take_leads (b1, "A1", a1_names, a1_ratings);
  take_leads (b2, "B2", b2_names, b2_ratings);
  sync_kiosk (k1);
  sync_kiosk (k2);
  sync_kiosk (b1);
  sync_kiosk (b2);

  /* the password comes on standard input, never in argv */
  g_assert_cmpint (hub_cli (show->hub, "pw-admin\n", NULL, admin), ==, 0);
  g_assert_cmpint (hub_cli (show->hub, "pw-view\n", NULL, viewer), ==, 0);
  g_assert_cmpint (hub_cli (show->hub, "other\n", NULL, admin), ==, 1);   /* taken */
  show->admin = sign_in (show->hub, "wang", "pw-admin", NULL);
  show->viewer = sign_in (show->hub, "zhao", "pw-view", NULL);
  g_assert_nonnull (show->admin);
  g_assert_nonnull (show->viewer);
  return TRUE;
}

static gint64
stats_count (FoyerTestHub *hub, const char *dimension, const char *key)
{
  g_autofree char *out = NULL;
  const char *args[] = { "stats", "--event", "ev1", "--json", NULL };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpint (hub_cli (hub, NULL, &out, args), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  object = json_object_get_object_member (json_node_get_object (node), dimension);
  return object != NULL ? json_object_get_int_member_with_default (object, key, 0) : 0;
}

/* The figures the overview shows are those of `foyer-hub stats`. */
static void
check_numbers (Show *show)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *overview = get_json (show->hub, "/api/overview.json", show->viewer, &node);
  g_autoptr(JsonNode) leads_node = NULL;
  JsonObject *leads = get_json (show->hub, "/api/leads.json", show->viewer, &leads_node);
  JsonArray *booths = json_object_get_array_member (leads, "booths");
  JsonObject *a1 = json_array_get_object_element (booths, 0);

  g_assert_cmpint (json_object_get_int_member (overview, "registrations"), ==,
                   stats_count (show->hub, "type", "registration"));
  g_assert_cmpint (json_object_get_int_member (overview, "registrations"), ==, 8 + 3);
  g_assert_cmpint (json_object_get_int_member (overview, "leads"), ==,
                   stats_count (show->hub, "type", "lead"));
  /* the 8 walk-ins registered at the entrances are inside; visitors captured at booths are not
   * entries (docs/sync-protocol.md "Occupancy"), and stats counts the same */
  g_assert_cmpint (json_object_get_int_member (overview, "inside"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (overview, "inside"), ==,
                   stats_count (show->hub, "inside", "event"));
  g_assert_cmpuint (json_array_get_length (booths), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (a1, "booth"), ==, "A1");
  g_assert_cmpint (json_object_get_int_member (a1, "leads"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (a1, "hot"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (a1, "follow_up"), ==, 1);
}

/* Plain-http loopback: HttpOnly and SameSite=Strict, no Secure; / without a session → /login. */
static void
check_cookie_and_redirect (Show *show)
{
  g_autofree char *url = g_strconcat (show->hub->url, "/login", NULL);
  g_autofree char *root = g_strconcat (show->hub->url, "/", NULL);
  g_auto(Answer) a = { 0 };
  g_auto(Answer) b = { 0 };

  http ("POST", url, NULL, NULL, "user=wang&password=pw-admin", &a);
  g_assert_nonnull (a.set_cookie);
  g_assert_nonnull (strstr (a.set_cookie, "HttpOnly"));
  g_assert_nonnull (strstr (a.set_cookie, "SameSite=Strict"));
  g_assert_null (strstr (a.set_cookie, "Secure"));
  http ("GET", root, NULL, NULL, NULL, &b);
  g_assert_cmpuint (b.status, ==, SOUP_STATUS_SEE_OTHER);
  g_assert_cmpstr (b.location, ==, "/login");
}

static void
check_roles_and_csrf (Show *show)
{
  g_autofree char *problems = g_strconcat (show->hub->url, "/api/problems.json", NULL);
  g_autofree char *links = g_strconcat (show->hub->url, "/api/links", NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *me = get_json (show->hub, "/api/session.json", show->admin, &node);
  const char *csrf = json_object_get_string_member (me, "csrf");
  g_auto(Answer) viewer = { 0 };
  g_auto(Answer) admin = { 0 };
  g_auto(Answer) forged = { 0 };
  g_auto(Answer) made = { 0 };

  http ("GET", problems, show->viewer, NULL, NULL, &viewer);
  g_assert_cmpuint (viewer.status, ==, SOUP_STATUS_FORBIDDEN);
  http ("GET", problems, show->admin, NULL, NULL, &admin);
  g_assert_cmpuint (admin.status, ==, 200);
  g_assert_nonnull (strstr (admin.body, "\"forwarding\""));
  http ("POST", links, show->admin, "not-the-token", "booth=A1", &forged);
  g_assert_cmpuint (forged.status, ==, SOUP_STATUS_FORBIDDEN);
  http ("POST", links, show->admin, csrf, "booth=A1", &made);
  g_assert_cmpuint (made.status, ==, 200);
  g_assert_nonnull (strstr (made.body, "/x/"));
}

/* Five wrong passwords lock the name, even against the right one. */
static void
lock_out (Show *show)
{
  for (guint i = 0; i < 5; i++) {
    g_autofree char *location = NULL;
    g_autofree char *token = sign_in (show->hub, "zhao", "wrong", &location);
    g_assert_null (token);
  }
  {
    g_autofree char *location = NULL;
    g_autofree char *token = sign_in (show->hub, "zhao", "pw-view", &location);
    g_assert_null (token);
    g_assert_nonnull (strstr (location, "error=locked"));
  }
}

/* After a restart (or on another hub of the same database): sessions still valid, the lockout
 * still on. */
static void
check_state_kept (FoyerTestHub *hub, Show *show)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *location = NULL;
  g_autofree char *token = NULL;
  JsonObject *me = get_json (hub, "/api/session.json", show->admin, &node);

  g_assert_cmpstr (json_object_get_string_member (me, "user"), ==, "wang");
  token = sign_in (hub, "zhao", "pw-view", &location);
  g_assert_null (token);
  g_assert_nonnull (strstr (location, "error=locked"));
}

static char *
exhibitor_link (Show *show, const char *booth)
{
  g_autofree char *out = NULL;
  const char *args[] = { "exhibitor", "link", booth, "--expires", "7", NULL };
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (hub_cli (show->hub, NULL, &out, args), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  /* the link is the last line, on the hub's own address */
  g_assert_true (g_str_has_prefix (lines[g_strv_length (lines) - 1], show->hub->url));
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

static void
check_xlsx (const char *url)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("live-xlsx");
  g_autofree char *path = g_build_filename (dir, "leads.xlsx", NULL);
  g_autofree char *xlsx_url = g_strconcat (url, "/leads.xlsx", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", xlsx_url);
  g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  g_autofree char *out = NULL, *err = NULL;
  /* the system python: Debian's python3-openpyxl is installed for it */
  const char *argv[] = { "/usr/bin/python3", "-c",
    "import sys, openpyxl\n"
    "ws = openpyxl.load_workbook(sys.argv[1]).active\n"
    "rows = list(ws.iter_rows(values_only=True))\n"
    "print(len(rows) - 1, ' '.join(sorted(str(r[1]) for r in rows[1:])), ws.auto_filter.ref)\n",
    path, NULL };
  g_autoptr(GSubprocess) python = NULL;

  g_assert_nonnull (bytes);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  python = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL);
  g_assert_nonnull (python);
  g_assert_true (g_subprocess_communicate_utf8 (python, NULL, NULL, &out, &err, NULL));
  g_test_message ("openpyxl: %s%s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (python), ==, 0);
  g_assert_true (g_str_has_prefix (out, "2 张三 李伟 A1:"));
}

/* A booth's link sees its leads only; a booth without leads gets a link too; revoked = gone. */
static void
check_exhibitor_links (Show *show)
{
  g_autofree char *a1 = exhibitor_link (show, "A1");
  g_autofree char *empty = exhibitor_link (show, "C9");
  g_autofree char *csv_url = g_strconcat (a1, "/leads.csv", NULL);
  g_autofree char *empty_url = g_strconcat (empty, "/leads.csv", NULL);
  const char *revoke[] = { "exhibitor", "revoke", "A1", NULL };
  g_auto(Answer) csv = { 0 };
  g_auto(Answer) none = { 0 };
  g_auto(Answer) gone = { 0 };

  http ("GET", csv_url, NULL, NULL, NULL, &csv);
  g_assert_cmpuint (csv.status, ==, 200);
  g_assert_nonnull (strstr (csv.body, "李伟"));
  g_assert_nonnull (strstr (csv.body, "张三"));
  g_assert_null (strstr (csv.body, "Secret Beta Visitor"));
  check_xlsx (a1);
  http ("GET", empty_url, NULL, NULL, NULL, &none);
  g_assert_cmpuint (none.status, ==, 200);
  g_assert_null (strstr (none.body, "李伟"));
  g_assert_cmpint (hub_cli (show->hub, NULL, NULL, revoke), ==, 0);
  http ("GET", csv_url, NULL, NULL, NULL, &gone);
  g_assert_cmpuint (gone.status, ==, SOUP_STATUS_NOT_FOUND);
}

/* `foyer-hub report` on the stored records: 8 walk-ins at k1/k2 and the 3 visitors the booth
 * tablets registered with their leads. */
static void
check_report (Show *show)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("live-report");
  g_autofree char *csv = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today_row = g_date_time_format (now, "\n%Y-%m-%d,10,");
  const char *args[] = { "report", "--event", "ev1", "--format", "csv", "--output", csv,
                         "--lang", "en", NULL };

  g_assert_cmpint (hub_cli (show->hub, NULL, NULL, args), ==, 0);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "Registrations,11"));
  g_assert_nonnull (strstr (text, "Visitors,10"));   /* 李伟 and the B2 visitor share a mobile */
  g_assert_nonnull (strstr (text, "Leads,3"));
  g_assert_nonnull (strstr (text, "\nk1,5,"));
  g_assert_nonnull (strstr (text, "A1,A1,2,1,1,0,0,50.0%"));
  g_assert_nonnull (strstr (text, "B2,B2,1,0,0,1,0,100.0%"));
  /* the three booth visitors chose two interests; two of them are one person (same mobile) */
  g_assert_nonnull (strstr (text, "\n机床,2,"));
  g_assert_nonnull (strstr (text, "\n包装,2,"));
  /* everyone came today (the hub's time zone) */
  g_assert_nonnull (strstr (text, today_row));

  /* against itself as the previous edition; an unknown edition is refused */
  {
    const char *compare[] = { "report", "--event", "ev1", "--compare", "ev1", "--format", "csv",
                              "--output", csv, "--lang", "en", NULL };
    const char *unknown[] = { "report", "--event", "ev1", "--compare", "expo-1999", "--format",
                              "csv", "--output", csv, NULL };
    g_autofree char *again = NULL;

    g_assert_cmpint (hub_cli (show->hub, NULL, NULL, compare), ==, 0);
    g_assert_true (g_file_get_contents (csv, &again, NULL, NULL));
    /* only people with a mobile or e-mail can be matched: the two booth visitors (three
     * registrations, one shared mobile); the eight walk-ins gave neither */
    g_assert_nonnull (strstr (again, "Returning visitors,2,20.0%"));
    g_assert_nonnull (strstr (again, "All visitors,10,2,20.0%,80.0%"));
    g_assert_cmpint (hub_cli (show->hub, NULL, NULL, unknown), ==, 1);
  }
}

static char *
run_tool (const char *const *argv)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

/* The PDF in Chinese: its figures (pdftotext), the Noto CJK face embedded (pdffonts), the pages
 * saved as screenshots (pdftoppm). */
static void
check_report_pdf (Show *show, const char *backend)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("live-report-pdf");
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *text = NULL, *fonts = NULL, *pages = NULL;
  const char *shots = g_getenv ("FOYER_SCREENSHOT_DIR");
  const char *args[] = { "report", "--event", "ev1", "--format", "pdf", "--output", pdf,
                         "--lang", "zh_CN", NULL };

  g_assert_cmpint (hub_cli (show->hub, NULL, NULL, args), ==, 0);
  text = run_tool ((const char *const[]) { "pdftotext", "-layout", pdf, "-", NULL });
  g_assert_nonnull (strstr (text, "展后报告"));
  g_assert_true (g_regex_match_simple ("登记\\S*\\s+11\\b", text, 0, 0));
  g_assert_nonnull (strstr (text, "A1"));
  g_assert_nonnull (strstr (text, "B2"));
  fonts = run_tool ((const char *const[]) { "pdffonts", pdf, NULL });
  g_assert_true (g_regex_match_simple ("NotoSansCJK\\S*\\s.*\\syes\\s+yes\\s", fonts, 0, 0));
  if (shots != NULL) {
    g_autofree char *prefix = g_strdup_printf ("%s/hub-live-report-%s", shots, backend);
    g_mkdir_with_parents (shots, 0700);
    pages = run_tool ((const char *const[]) { "pdftoppm", "-png", "-r", "60", pdf, prefix,
                                              NULL });
  }
}

static void
test_live (gconstpointer data)
{
  const Param *param = data;
  g_auto(Show) show = { NULL, NULL, NULL };

  if (!open_show (param, &show))
    return;
  check_numbers (&show);
  check_cookie_and_redirect (&show);
  check_roles_and_csrf (&show);
  lock_out (&show);
  check_exhibitor_links (&show);
  check_report (&show);
  check_report_pdf (&show, param->backend);

  foyer_test_hub_kill (show.hub, SIGTERM);
  g_assert_cmpint (foyer_test_hub_wait (show.hub), ==, 0);
  foyer_test_hub_start (show.hub, NULL);
  check_state_kept (show.hub, &show);
  if (g_str_equal (param->backend, "postgresql")) {
    FoyerTestHub *peer = foyer_test_hub_new_peer (show.hub);
    foyer_test_hub_start (peer, NULL);
    check_state_kept (peer, &show);
    foyer_test_hub_free (peer);
  }
}

/* ---- in a real browser (SQLite) ---- */

static void
browser_sign_in (TestBrowser *browser, const char *base)
{
  g_autoptr(JsonNode) ignored = NULL;

  test_browser_navigate (browser, base);
  g_assert_true (test_browser_wait (browser, "location.pathname === '/login'", 5000));
  g_assert_true (test_browser_wait (browser, "document.getElementById('sign-in').textContent "
                                             "=== '登录'", 5000));
  test_browser_screenshot (browser, "hub-live-login-zh_CN");
  ignored = test_browser_eval (browser, "document.getElementById('user').value = 'wang';"
                                        "document.getElementById('password').value = 'pw-admin';"
                                        "document.querySelector('form').submit(); true");
  g_assert_true (test_browser_wait (browser, "location.pathname === '/' && "
                                             "document.body.dataset.loaded === 'overview'", 10000));
}

static void
check_shown (TestBrowser *browser, FoyerTestHub *hub)
{
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               stats_count (hub, "type", "registration"));
  g_autofree char *wait = g_strdup_printf ("document.getElementById('registrations')"
                                           ".textContent === '%s'", expected);

  g_assert_true (test_browser_wait (browser, wait, 5000));
}

/* k2 stops syncing: its last contact is put 6 minutes back (what 6 minutes of silence leaves in
 * the database), and the open page marks it within 5 s. */
static void
silence_device (TestBrowser *browser, FoyerTestHub *hub)
{
  sqlite3 *db = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_minutes (now, -6);
  g_autofree char *stamp = g_date_time_format (then, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autofree char *sql = g_strdup_printf ("UPDATE devices SET last_seen_at = '%s' WHERE "
                                          "name = 'k2'", stamp);

  g_assert_true (test_browser_wait (browser, "document.querySelector('tr[data-device=k2]') "
                                             "!== null && !document.querySelector("
                                             "'tr[data-device=k2]').classList.contains('silent')",
                                    5000));
  g_assert_cmpint (sqlite3_open (hub->database, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (test_browser_wait (browser, "document.querySelector('tr[data-device=k2]')"
                                             ".classList.contains('silent')", 5000));
}

static void
test_browser_live (void)
{
  static const Param sqlite = { "sqlite" };
  g_auto(Show) show = { NULL, NULL, NULL };
  const char *pages[] = { "overview", "devices", "problems", "leads" };
  g_autofree char *base = NULL, *english = NULL, *nav = NULL;
  TestBrowser *browser;

  if (!open_show (&sqlite, &show))
    return;
  base = g_strconcat (show.hub->url, "/", NULL);
  english = g_strconcat (show.hub->url, "/?lang=en#overview", NULL);
  browser = test_browser_start ();
  browser_sign_in (browser, base);
  check_shown (browser, show.hub);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    test_browser_show_page (browser, "hub-live", pages[i], "zh_CN");
  test_browser_show_page (browser, "hub-live", "devices", "zh_CN");
  silence_device (browser, show.hub);
  test_browser_screenshot (browser, "hub-live-devices-silent-zh_CN");

  test_browser_navigate (browser, english);
  g_assert_true (test_browser_wait (browser, "document.body.dataset.loaded === 'overview'", 5000));
  nav = test_browser_eval_string (browser, "document.querySelector('[data-page=overview]')"
                                           ".textContent");
  g_assert_cmpstr (nav, ==, "Overview");
  check_shown (browser, show.hub);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    test_browser_show_page (browser, "hub-live", pages[i], "en");
  test_browser_stop (browser);
}

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors,
            gpointer data)
{
  return TRUE;   /* the test's own self-signed certificate */
}

/* A hub that serves TLS sets Secure on the session cookie. */
static void
test_tls_cookie (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("live-tls");
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *conf = NULL, *extra = NULL, *all = NULL, *url = NULL;
  const char *admin[] = { "user", "add", "wang", "--role", "admin", NULL };
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) form = g_bytes_new_static ("user=wang&password=pw-admin", 27);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *cookie;
  FoyerTestHub *hub;

  g_free (run_tool ((const char *const[]) {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", NULL }));
  hub = foyer_test_hub_new (NULL, NULL);
  extra = g_strdup_printf ("certificate=%s\nkey=%s\n", cert, key);
  g_assert_true (g_file_get_contents (hub->conf, &conf, NULL, NULL));
  all = g_strconcat (conf, extra, NULL);
  g_assert_true (g_file_set_contents (hub->conf, all, -1, NULL));
  foyer_test_hub_start (hub, NULL);
  g_assert_cmpint (hub_cli (hub, "pw-admin\n", NULL, admin), ==, 0);

  url = g_strdup_printf ("https://127.0.0.1:%u/login", hub->port);
  msg = soup_message_new ("POST", url);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", form);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_SEE_OTHER);
  cookie = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Set-Cookie");
  g_assert_nonnull (cookie);
  g_assert_nonnull (strstr (cookie, "; Secure"));
  g_assert_nonnull (strstr (cookie, "HttpOnly"));
  foyer_test_hub_free (hub);
}

int
main (int argc, char **argv)
{
  static const Param sqlite = { "sqlite" }, postgresql = { "postgresql" };
  int status;

  g_test_init (&argc, &argv, NULL);
  session = soup_session_new ();
  g_test_add_data_func ("/hub-live/sqlite/show", &sqlite, test_live);
  g_test_add_data_func ("/hub-live/postgresql/show", &postgresql, test_live);
  g_test_add_func ("/hub-live/sqlite/browser", test_browser_live);
  g_test_add_func ("/hub-live/sqlite/tls-cookie", test_tls_cookie);
  status = g_test_run ();
  foyer_test_pg_shared_stop ();
  g_object_unref (session);
  return status;
}
