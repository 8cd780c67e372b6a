/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-dashboard.c: the dashboard's routes — sessions and CSRF in front, the data source's
 * queries in worker threads behind, so a slow query never stalls the kiosks' sync requests
 * served by the same loop.
 */
#define G_LOG_DOMAIN "foyer-hub-dashboard"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "foyer-hub-dashboard.h"
#include "foyer-hub-report-i18n.h"
#include "foyer-hub-report-leads.h"
#include "foyer-json.h"

#define RESOURCE_PREFIX   "/io/github/foyer/Hub/web/"
#define MAX_FORM_BYTES    (64 * 1024)

struct _FoyerHubDashboard {
  GObject                  parent_instance;

  FoyerHubAuth            *auth;
  FoyerHubDashboardSource *source;
  char                    *event;
  char                    *public_url;
  gboolean                 secure;
};

G_DEFINE_FINAL_TYPE (FoyerHubDashboard, foyer_hub_dashboard, G_TYPE_OBJECT)

static void
foyer_hub_dashboard_finalize (GObject *object)
{
  FoyerHubDashboard *self = FOYER_HUB_DASHBOARD (object);

  g_clear_object (&self->auth);
  g_clear_object (&self->source);
  g_free (self->event);
  g_free (self->public_url);

  G_OBJECT_CLASS (foyer_hub_dashboard_parent_class)->finalize (object);
}

static void
foyer_hub_dashboard_class_init (FoyerHubDashboardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_dashboard_finalize;
}

static void
foyer_hub_dashboard_init (FoyerHubDashboard *self)
{
}

FoyerHubDashboard *
foyer_hub_dashboard_new (FoyerHubAuth            *auth,
                         FoyerHubDashboardSource *source,
                         const char              *event,
                         const char              *public_url,
                         gboolean                 secure)
{
  FoyerHubDashboard *self;

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (auth), NULL);
  g_return_val_if_fail (FOYER_IS_HUB_DASHBOARD_SOURCE (source), NULL);
  g_return_val_if_fail (public_url != NULL, NULL);

  self = g_object_new (FOYER_TYPE_HUB_DASHBOARD, NULL);
  self->auth = g_object_ref (auth);
  self->source = g_object_ref (source);
  self->event = g_strdup (event);
  self->public_url = g_strdup (public_url);
  self->secure = secure;
  return self;
}

char *
foyer_hub_dashboard_new_link (FoyerHubDashboard *self,
                              const char        *booth)
{
  g_autofree char *token = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (FOYER_IS_HUB_DASHBOARD (self), NULL);
  g_return_val_if_fail (booth != NULL && *booth != '\0', NULL);

  token = foyer_hub_auth_link_new (self->auth, booth, FOYER_HUB_DASHBOARD_LINK_TTL);
  if (token == NULL)
    return NULL;
  base = g_strdup (self->public_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/x/%s", base, token);
}

/* --- answers --- */

static void
respond_bytes (SoupServerMessage *msg, guint status, const char *type, GBytes *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  /* same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with the
   * pages' own form posts, which same_origin() must refuse (sandboxed frames send it too) */
  soup_message_headers_replace (headers, "Referrer-Policy", "same-origin");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; form-action 'self'");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
respond_text (SoupServerMessage *msg, guint status, const char *type, const char *text)
{
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  respond_bytes (msg, status, type, body);
}

static void
respond_error (SoupServerMessage *msg, guint status, const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = foyer_json_to_string (root);
  respond_text (msg, status, "application/json", text);
}

static void
respond_json (SoupServerMessage *msg, JsonNode *node)
{
  g_autofree char *text = foyer_json_to_string (node);

  respond_text (msg, SOUP_STATUS_OK, "application/json", text);
}

static void
redirect (SoupServerMessage *msg, const char *location)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                location);
  respond_text (msg, SOUP_STATUS_SEE_OTHER, "text/plain", "");
}

static void
set_session_cookie (FoyerHubDashboard *self, SoupServerMessage *msg, const char *token)
{
  g_autofree char *cookie = g_strdup_printf (
      "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", FOYER_HUB_DASHBOARD_COOKIE,
      token != NULL ? token : "", token == NULL ? "; Max-Age=0" : "",
      self->secure ? "; Secure" : "");

  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie",
                               cookie);
}

/* --- requests --- */

static char *
session_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "Cookie");
  g_autoptr(GHashTable) cookies = NULL;

  if (header == NULL)
    return NULL;
  cookies = soup_header_parse_semi_param_list (header);
  return g_strdup (g_hash_table_lookup (cookies, FOYER_HUB_DASHBOARD_COOKIE));
}

static const FoyerHubSession *
current_session (FoyerHubDashboard *self, SoupServerMessage *msg, char **token_out)
{
  g_autofree char *token = session_token (msg);
  const FoyerHubSession *session = foyer_hub_auth_get_session (self->auth, token);

  if (token_out != NULL)
    *token_out = g_steal_pointer (&token);
  return session;
}

/* The form of a POST (NULL when too large or not a form). */
static GHashTable *
read_form (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  if (body->length > MAX_FORM_BYTES)
    return NULL;
  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_form_decode (text);
}

/* State-changing requests carry the session's CSRF token in X-CSRF-Token or a csrf field. */
static gboolean
csrf_ok (FoyerHubDashboard *self, SoupServerMessage *msg, const char *token, GHashTable *form)
{
  const char *presented = soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "X-CSRF-Token");

  if (presented == NULL && form != NULL)
    presented = g_hash_table_lookup (form, "csrf");
  return foyer_hub_auth_check_csrf (self->auth, token, presented);
}

/* --- static pages --- */

static const struct {
  const char *path;
  const char *resource;
  const char *type;
} static_files[] = {
  { "/login", "login.html", "text/html; charset=utf-8" },
  { "/static/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8" },
  { "/static/dashboard.css", "dashboard.css", "text/css; charset=utf-8" },
  { "/static/chart.min.js", "chart.min.js", "text/javascript; charset=utf-8" },
};

static void
respond_resource (SoupServerMessage *msg, const char *name, const char *type)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, name, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);

  if (bytes == NULL)
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "not found");
  else
    respond_bytes (msg, SOUP_STATUS_OK, type, bytes);
}

static gboolean
serve_static (SoupServerMessage *msg, const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (static_files); i++)
    if (strcmp (path, static_files[i].path) == 0) {
      respond_resource (msg, static_files[i].resource, static_files[i].type);
      return TRUE;
    }
  return FALSE;
}

/* --- sign in and out --- */

static void
redirect_login_error (SoupServerMessage *msg, const char *lang, const GError *error)
{
  g_autofree char *location = g_strdup_printf (
      "/login?lang=%s&error=%s", lang,
      g_error_matches (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_LOCKED) ? "locked"
                                                                                : "bad");
  redirect (msg, location);
}

typedef struct {
  FoyerHubDashboard *self;
  SoupServerMessage *msg;
  char              *name;
  char              *password;
  char              *hash;
  const char        *lang;
} Login;

static void
login_free (gpointer data)
{
  Login *login = data;

  g_object_unref (login->self);
  g_object_unref (login->msg);
  g_free (login->name);
  if (login->password != NULL)
    explicit_bzero (login->password, strlen (login->password));
  g_free (login->password);
  g_free (login->hash);
  g_free (login);
}

/* Argon2 takes tens of milliseconds on purpose: not on the loop that serves the kiosks. */
static void
verify_password_thread (GTask *task, gpointer object, gpointer data, GCancellable *cancellable)
{
  Login *login = data;

  g_task_return_boolean (task, foyer_hub_auth_verify_password (login->hash, login->password));
}

static void
login_verified (GObject *object, GAsyncResult *result, gpointer data)
{
  Login *login = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *token = foyer_hub_auth_login_finish (
      login->self->auth, login->name, g_task_propagate_boolean (G_TASK (result), NULL), &error);

  if (token == NULL) {
    redirect_login_error (login->msg, login->lang, error);
  } else {
    set_session_cookie (login->self, login->msg, token);
    redirect (login->msg, "/");
  }
  soup_server_message_unpause (login->msg);
}

static void
handle_login (FoyerHubDashboard *self, SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = read_form (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  const char *lang = foyer_hub_i18n_normalize_language (
      form != NULL ? g_hash_table_lookup (form, "lang") : NULL);
  const char *name = form != NULL ? g_hash_table_lookup (form, "user") : NULL;
  const char *password = form != NULL ? g_hash_table_lookup (form, "password") : NULL;
  g_autofree char *hash = foyer_hub_auth_login_begin (self->auth, name, password, &error);
  Login *login;

  if (hash == NULL) {
    redirect_login_error (msg, lang, error);
    return;
  }
  login = g_new0 (Login, 1);
  login->self = g_object_ref (self);
  login->msg = g_object_ref (msg);
  login->name = g_strdup (name);
  login->password = g_strdup (password);
  login->hash = g_steal_pointer (&hash);
  login->lang = lang;
  task = g_task_new (self, NULL, login_verified, NULL);
  g_task_set_source_tag (task, handle_login);
  g_task_set_task_data (task, login, login_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, verify_password_thread);
}

static void
handle_logout (FoyerHubDashboard *self, SoupServerMessage *msg)
{
  g_autofree char *token = NULL;
  g_autoptr(GHashTable) form = read_form (msg);

  current_session (self, msg, &token);
  if (!csrf_ok (self, msg, token, form)) {
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "CSRF token missing or wrong");
    return;
  }
  foyer_hub_auth_logout (self->auth, token);
  set_session_cookie (self, msg, NULL);
  redirect (msg, "/login");
}

/* --- JSON --- */

static void
respond_session (SoupServerMessage *msg, const FoyerHubSession *session, const char *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, session->user);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, foyer_hub_role_to_string (session->role));
  json_builder_set_member_name (builder, "csrf");
  json_builder_add_string_value (builder, session->csrf_token);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond_json (msg, root);
}

typedef struct {
  FoyerHubDashboardSource *source;
  FoyerHubDashboardView    view;
  char                    *event;
  char                    *booth;
  FoyerHubLeadsFormat      format;
  char                    *language;
} Query;

static void
query_free (gpointer data)
{
  Query *query = data;

  g_object_unref (query->source);
  g_free (query->event);
  g_free (query->booth);
  g_free (query->language);
  g_free (query);
}

static void
run_query (GTask *task, gpointer object, gpointer data, GCancellable *cancellable)
{
  Query *query = data;
  GError *error = NULL;
  JsonNode *node = foyer_hub_dashboard_source_query (query->source, query->view, query->event,
                                                     &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void respond_leads_file (SoupServerMessage *msg, const Query *query, GBytes *bytes);

/* Answers a paused message with what the worker found: JSON for a view, a file for a booth. */
static void
query_done (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(SoupServerMessage) msg = data;
  g_autoptr(GError) error = NULL;
  const Query *query = g_task_get_task_data (G_TASK (result));
  gpointer answer = g_task_propagate_pointer (G_TASK (result), &error);

  if (answer == NULL) {
    g_warning ("Dashboard query failed: %s", error->message);
    respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
  } else if (query->booth == NULL) {
    respond_json (msg, answer);
    json_node_unref (answer);
  } else {
    respond_leads_file (msg, query, answer);
    g_bytes_unref (answer);
  }
  soup_server_message_unpause (msg);
}

/* Pauses msg and answers it from a worker thread. */
static void
start_query (FoyerHubDashboard *self, SoupServerMessage *msg, Query *query, GTaskThreadFunc func)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, query_done, g_object_ref (msg));

  g_task_set_source_tag (task, start_query);
  query->source = g_object_ref (self->source);
  if (query->event == NULL)
    query->event = g_strdup (self->event);
  g_task_set_task_data (task, query, query_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, func);
}

static const struct {
  const char           *path;
  FoyerHubDashboardView view;
  gboolean              admin_only;
} views[] = {
  { "/api/overview.json", FOYER_HUB_DASHBOARD_OVERVIEW, FALSE },
  { "/api/devices.json", FOYER_HUB_DASHBOARD_DEVICES, FALSE },
  { "/api/problems.json", FOYER_HUB_DASHBOARD_PROBLEMS, TRUE },
  { "/api/leads.json", FOYER_HUB_DASHBOARD_LEADS, FALSE },
};

static gboolean
serve_view (FoyerHubDashboard *self, SoupServerMessage *msg, const char *path,
            const FoyerHubSession *session)
{
  for (guint i = 0; i < G_N_ELEMENTS (views); i++) {
    Query *query;
    if (strcmp (path, views[i].path) != 0)
      continue;
    if (views[i].admin_only && session->role != FOYER_HUB_ROLE_ADMIN) {
      respond_error (msg, SOUP_STATUS_FORBIDDEN, "administrators only");
      return TRUE;
    }
    query = g_new0 (Query, 1);
    query->view = views[i].view;
    start_query (self, msg, query, run_query);
    return TRUE;
  }
  return FALSE;
}

static void
handle_new_link (FoyerHubDashboard *self, SoupServerMessage *msg, const char *token,
                 const FoyerHubSession *session)
{
  g_autoptr(GHashTable) form = read_form (msg);
  const char *booth = form != NULL ? g_hash_table_lookup (form, "booth") : NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = NULL;

  if (!csrf_ok (self, msg, token, form)) {
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "CSRF token missing or wrong");
    return;
  }
  if (session->role != FOYER_HUB_ROLE_ADMIN) {
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "administrators only");
    return;
  }
  if (booth == NULL || *booth == '\0' || strlen (booth) > 64 || !g_utf8_validate (booth, -1, NULL)) {
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "booth missing or invalid");
    return;
  }
  url = foyer_hub_dashboard_new_link (self, booth);
  if (url == NULL) {
    respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the link could not be stored");
    return;
  }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "booth");
  json_builder_add_string_value (builder, booth);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond_json (msg, root);
}

/* --- the exhibitors' links --- */

static void
run_leads_export (GTask *task, gpointer object, gpointer data, GCancellable *cancellable)
{
  Query *query = data;
  g_autoptr(GPtrArray) leads = NULL;
  g_autoptr(GPtrArray) visitors = NULL;
  g_autofree FoyerHubLeadEntry *entries = NULL;
  GError *error = NULL;
  GBytes *bytes;

  if (!foyer_hub_dashboard_source_booth_leads (query->source, query->event, query->booth, &leads,
                                               &visitors, &error)) {
    g_task_return_error (task, error);
    return;
  }
  entries = g_new0 (FoyerHubLeadEntry, leads->len + 1);
  for (guint i = 0; i < leads->len; i++) {
    entries[i].lead = g_ptr_array_index (leads, i);
    entries[i].visitor = i < visitors->len ? g_ptr_array_index (visitors, i) : NULL;
  }
  bytes = foyer_hub_leads_export (entries, leads->len, query->format, query->language, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
respond_leads_file (SoupServerMessage *msg, const Query *query, GBytes *bytes)
{
  /* the booth id may hold anything: keep the file name to safe characters */
  g_autofree char *booth = g_strcanon (g_strdup (query->booth),
                                       G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_", '_');
  g_autofree char *disposition = g_strdup_printf (
      "attachment; filename=\"leads-%s.%s\"", booth, foyer_hub_leads_extension (query->format));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Disposition", disposition);
  respond_bytes (msg, SOUP_STATUS_OK, foyer_hub_leads_content_type (query->format), bytes);
}

static void
respond_exhibitor_page (SoupServerMessage *msg, const char *token, const char *booth,
                        const char *language)
{
  const FoyerHubI18n *i18n = foyer_hub_i18n_get (language);
  g_autofree char *safe_booth = g_markup_escape_text (booth, -1);
  g_autofree char *html = g_strdup_printf (
      "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s — %s</title>"
      "<link rel=\"stylesheet\" href=\"/static/dashboard.css\"></head><body class=\"exhibitor\">"
      "<h1>%s: <span id=\"booth\">%s</span></h1><ul id=\"downloads\">"
      "<li><a href=\"/x/%s/leads.xlsx\">Excel (XLSX)</a></li>"
      "<li><a href=\"/x/%s/leads.csv\">CSV</a></li>"
      "<li><a href=\"/x/%s/leads.vcf\">vCard</a></li></ul></body></html>\n",
      g_str_has_prefix (foyer_hub_i18n_language (i18n), "zh") ? "zh-CN" : "en",
      foyer_hub_i18n_text (i18n, N_("Leads")), safe_booth,
      foyer_hub_i18n_text (i18n, N_("Booth")), safe_booth, token, token, token);

  respond_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", html);
}

/* /x/TOKEN or /x/TOKEN/leads.EXT: the token alone decides which booth (and only that one). */
static void
serve_exhibitor (FoyerHubDashboard *self, SoupServerMessage *msg, const char *path,
                 GHashTable *query_params)
{
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/x/"), "/", 3);
  const FoyerHubLink *link = parts[0] != NULL
                             ? foyer_hub_auth_link_check (self->auth, parts[0], NULL) : NULL;
  const char *language = foyer_hub_i18n_normalize_language (
      query_params != NULL ? g_hash_table_lookup (query_params, "lang") : NULL);
  FoyerHubLeadsFormat format;
  Query *query;

  if (link == NULL) {
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain; charset=utf-8",
                  _("This link is not valid: it has expired or been withdrawn. Ask the "
                    "organiser for a new one."));
    return;
  }
  if (parts[1] == NULL) {
    respond_exhibitor_page (msg, parts[0], link->booth, language);
    return;
  }
  if (!g_str_has_prefix (parts[1], "leads.") || parts[2] != NULL
      || !foyer_hub_leads_format_parse (parts[1] + strlen ("leads."), &format)) {
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "not found");
    return;
  }
  query = g_new0 (Query, 1);
  query->event = g_strdup (link->event);   /* a link of the database names its event */
  query->booth = g_strdup (link->booth);
  query->format = format;
  query->language = g_strdup (language);
  start_query (self, msg, query, run_leads_export);
}

/* --- routing --- */

static void
serve_signed_in (FoyerHubDashboard *self, SoupServerMessage *msg, const char *path,
                 const char *method)
{
  g_autofree char *token = NULL;
  const FoyerHubSession *session = current_session (self, msg, &token);

  if (session == NULL) {
    if (g_str_has_prefix (path, "/api/"))
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "sign in first");
    else
      redirect (msg, "/login");
    return;
  }
  if (strcmp (method, "POST") == 0 && strcmp (path, "/logout") == 0)
    handle_logout (self, msg);
  else if (strcmp (method, "POST") == 0 && strcmp (path, "/api/links") == 0)
    handle_new_link (self, msg, token, session);
  else if (strcmp (method, "GET") != 0)
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method not allowed");
  else if (strcmp (path, "/") == 0)
    respond_resource (msg, "dashboard.html", "text/html; charset=utf-8");
  else if (strcmp (path, "/api/session.json") == 0)
    respond_session (msg, session, self->event);
  else if (!serve_view (self, msg, path, session))
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "not found");
}

static void
serve_strings (SoupServerMessage *msg, GHashTable *query_params)
{
  const FoyerHubI18n *i18n = foyer_hub_i18n_get (
      query_params != NULL ? g_hash_table_lookup (query_params, "lang") : NULL);
  g_autofree char *json = foyer_hub_i18n_to_json (i18n);

  respond_text (msg, SOUP_STATUS_OK, "application/json", json);
}

/* A browser names the page a POST comes from in Origin: another site's page may not sign anyone
 * in (login CSRF) or act for a session, whatever its cookies. Clients that send no Origin
 * (curl, the CLI) are judged by the session and CSRF token alone. */
static gboolean
same_origin (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *host = soup_message_headers_get_one (headers, "Host");
  const char *rest;

  if (origin == NULL)
    return TRUE;
  if (host == NULL)
    return FALSE;
  rest = g_str_has_prefix (origin, "https://") ? origin + strlen ("https://")
         : g_str_has_prefix (origin, "http://") ? origin + strlen ("http://") : NULL;
  return rest != NULL && g_ascii_strcasecmp (rest, host) == 0;
}

static void
dashboard_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query_params,
              gpointer           user_data)
{
  FoyerHubDashboard *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (method, "POST") == 0 && !same_origin (msg))
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "cross-site request refused");
  else if (strcmp (method, "POST") == 0 && strcmp (path, "/login") == 0)
    handle_login (self, msg);
  else if (strcmp (method, "GET") == 0 && serve_static (msg, path))
    return;
  else if (strcmp (method, "GET") == 0 && strcmp (path, "/api/strings.json") == 0)
    serve_strings (msg, query_params);
  else if (strcmp (method, "GET") == 0 && g_str_has_prefix (path, "/x/"))
    serve_exhibitor (self, msg, path, query_params);
  else if (g_str_has_prefix (path, "/v1/"))   /* the sync API's unknown endpoints */
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
  else
    serve_signed_in (self, msg, path, method);
}

void
foyer_hub_dashboard_attach (FoyerHubDashboard *self,
                            SoupServer        *server)
{
  g_return_if_fail (FOYER_IS_HUB_DASHBOARD (self));
  g_return_if_fail (SOUP_IS_SERVER (server));

  /* "/" catches every path no longer handler (the hub's /v1/…) claims */
  soup_server_add_handler (server, "/", dashboard_cb, g_object_ref (self), g_object_unref);
}
