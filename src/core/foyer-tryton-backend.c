/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-tryton-backend.c: delivers Foyer's records into Tryton 6.0 over JSON-RPC.
 *
 * One batch costs a handful of requests whatever its size: search the markers already in Tryton
 * (party identifiers, opportunity references), search the contact mechanisms that may name an
 * existing party, then one create (or write) per model with the whole list. A list that Tryton
 * rejects with a UserError is halved until the offending records are found; they alone come back
 * REJECTED with Tryton's message, the rest goes through. A refusal that comes from Tryton's
 * configuration (access rules, a user without a company, a module not activated, a database that
 * does not exist) is not the records' fault: it pauses
 * the sync with FOYER_SYNC_ERROR_CONFIG and every record stays pending.
 */
#define G_LOG_DOMAIN "foyer-tryton"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "foyer-curl.h"
#include "foyer-json.h"
#include "foyer-record.h"
#include "foyer-secret.h"
#include "foyer-tryton-backend.h"

/* Why an RPC failed, before it is mapped to FOYER_SYNC_ERROR for the engine. */
typedef enum {
  RPC_OK,
  RPC_TRANSPORT,     /* no answer, 5xx, garbage */
  RPC_UNAUTHORIZED,  /* 401/403: session expired or login refused */
  RPC_CONFIG,        /* no such database, unusable url or CA file, access rules, no company */
  RPC_RATE_LIMITED,  /* 429 */
  RPC_TOO_LARGE,     /* 413: above Tryton's [request] max_size */
  RPC_USER_ERROR,    /* Tryton refused the data: UserError, UserWarning */
  RPC_SERVER_ERROR,  /* any other exception inside Tryton, ConcurrencyException */
  RPC_CANCELLED,
} RpcStatus;

/* The category and the note that mark a party Foyer created although another party shares its
 * e-mail or phone under a different name (docs/tryton.md). */
#define POSSIBLE_DUPLICATE_CATEGORY "Foyer: possible duplicate"

struct _FoyerTrytonBackend {
  GObject parent_instance;

  /* settings, fixed at construction */
  FoyerCurlSettings *settings;
  char              *url;            /* ends with '/' */
  char              *peer;           /* "Tryton at URL", for messages */
  char              *database;
  char              *user;
  char              *password_file;
  int                company;

  /* session, under lock: check_health may run beside send_batch */
  GMutex      lock;
  char       *authorization;  /* "Session base64(login:id:key)", NULL when logged out */
  JsonObject *context;        /* company, language from res.user.get_preferences */
  GStrv       refusal_prefixes; /* the rule messages in the user's language, up to "%(" */
  guint64     request_count;
  gint64      next_id;

  /* sync thread only */
  gint64      retry_after_ms;  /* what the failure of the current batch asks the engine to wait */
};

static void     foyer_tryton_backend_iface_init (FoyerSyncBackendInterface *iface);
static const char *member_string                (JsonObject                *object,
                                                 const char                *name);
static gboolean member_true                     (JsonObject                *object,
                                                 const char                *name);

G_DEFINE_FINAL_TYPE_WITH_CODE (FoyerTrytonBackend, foyer_tryton_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FOYER_TYPE_SYNC_BACKEND,
                                                      foyer_tryton_backend_iface_init))

static void
foyer_tryton_backend_finalize (GObject *object)
{
  FoyerTrytonBackend *self = FOYER_TRYTON_BACKEND (object);

  g_clear_pointer (&self->settings, foyer_curl_settings_free);
  g_free (self->url);
  g_free (self->peer);
  g_free (self->database);
  g_free (self->user);
  g_free (self->password_file);
  g_free (self->authorization);
  g_clear_pointer (&self->context, json_object_unref);
  g_clear_pointer (&self->refusal_prefixes, g_strfreev);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (foyer_tryton_backend_parent_class)->finalize (object);
}

static void
foyer_tryton_backend_class_init (FoyerTrytonBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = foyer_tryton_backend_finalize;
}

static void
foyer_tryton_backend_init (FoyerTrytonBackend *self)
{
  g_mutex_init (&self->lock);
}

FoyerTrytonBackend *
foyer_tryton_backend_new (FoyerConfig  *config,
                          GError      **error)
{
  g_autoptr(FoyerTrytonBackend) self = NULL;
  g_autofree char *host = NULL;
  const char *url;
  const char *database;
  const char *user;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  url = foyer_config_get_string (config, "tryton", "url");
  database = foyer_config_get_string (config, "tryton", "database");
  user = foyer_config_get_string (config, "tryton", "user");
  if (url == NULL || *url == '\0' || database == NULL || *database == '\0' || user == NULL ||
      *user == '\0') {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "backend=tryton needs url, database and user in the [tryton] section");
    return NULL;
  }

  self = g_object_new (FOYER_TYPE_TRYTON_BACKEND, NULL);
  self->settings = foyer_curl_settings_new (config, error);
  if (self->settings == NULL)
    return NULL;
  host = foyer_curl_settings_check_url (self->settings, url, "[tryton] url", error);
  if (host == NULL)
    return NULL;
  self->url = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  self->peer = g_strdup_printf ("Tryton at %s", self->url);
  self->database = g_strdup (database);
  self->user = g_strdup (user);
  self->password_file = foyer_config_get_path_value (config, "tryton", "password-file");
  self->company = foyer_config_get_int (config, "tryton", "company");
  return g_steal_pointer (&self);
}

guint64
foyer_tryton_backend_get_request_count (FoyerTrytonBackend *self)
{
  guint64 count;

  g_return_val_if_fail (FOYER_IS_TRYTON_BACKEND (self), 0);
  g_mutex_lock (&self->lock);
  count = self->request_count;
  g_mutex_unlock (&self->lock);
  return count;
}

/* ---- HTTP and JSON-RPC ------------------------------------------------------------------- */

/* Exactly id, method and params: only then does Tryton wrap errors in a JSON-RPC answer. */
static char *
rpc_request_text (FoyerTrytonBackend *self,
                  const char         *method,
                  JsonArray          *params)
{
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  gint64 id;

  g_mutex_lock (&self->lock);
  id = ++self->next_id;
  self->request_count++;
  g_mutex_unlock (&self->lock);

  json_object_set_int_member (request, "id", id);
  json_object_set_string_member (request, "method", method);
  json_object_set_array_member (request, "params", json_array_ref (params));
  json_node_set_object (node, request);
  return foyer_json_to_string (node);
}

/* One POST through the shared curl setup (a handle per request: check_health may run on
 * another thread meanwhile). The answer lands in response. */
static RpcStatus
rpc_transfer (FoyerTrytonBackend  *self,
              const char          *url,
              const char          *authorization,
              const char          *payload,
              FoyerCurlResponse   *response,
              GCancellable        *cancellable,
              char               **message)
{
  g_autofree char *auth_header = NULL;
  g_autoptr(GError) local = NULL;
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  gboolean ok;

  if (curl == NULL) {
    *message = g_strdup ("could not initialise libcurl");
    return RPC_TRANSPORT;
  }
  foyer_curl_prepare (curl, self->settings, url, response, cancellable);
  headers = curl_slist_append (headers, "Content-Type: application/json");
  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Expect:");
  if (authorization != NULL) {
    auth_header = g_strconcat ("Authorization: ", authorization, NULL);
    headers = curl_slist_append (headers, auth_header);
  }
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, payload);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) strlen (payload));

  ok = foyer_curl_perform (curl, response, self->peer, cancellable, &local);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (ok)
    return RPC_OK;

  *message = g_strdup (local->message);
  if (g_error_matches (local, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED))
    return RPC_CANCELLED;
  if (g_error_matches (local, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG))
    return RPC_CONFIG;
  return RPC_TRANSPORT;
}

static RpcStatus
status_for_http (FoyerTrytonBackend  *self,
                 long                 status,
                 const char          *method,
                 char               **message)
{
  switch (status) {
  case 200:
    return RPC_OK;
  case 401:
  case 403:
    *message = g_strdup_printf ("Tryton answered %ld to %s", status, method);
    return RPC_UNAUTHORIZED;
  case 404:
    *message = g_strdup_printf ("Tryton at %s has no database “%s”: check [tryton] database",
                                self->url, self->database);
    return RPC_CONFIG;
  case 429:
    *message = g_strdup ("Tryton refuses logins for now: too many failed attempts");
    return RPC_RATE_LIMITED;
  case 413:
    *message = g_strdup ("the batch is larger than Tryton accepts ([request] max_size)");
    return RPC_TOO_LARGE;
  default:
    *message = g_strdup_printf ("Tryton answered HTTP %ld to %s", status, method);
    return RPC_TRANSPORT;
  }
}

/* Refusals that come from how Tryton is set up, not from the record: the access-rule and
 * record-rule messages of trytond's ir/message.xml ("You are not allowed to create records of …
 * because they fail on at least one of these rules: User in companies"). Tryton raises them as
 * AccessError, a UserError subclass, and JSON-RPC sends only ["UserError", [text, …]]: the type
 * does not cross the wire (protocols/jsonrpc.py sends exception.args). So the text tells them
 * apart: the English one, and the same messages in the user's language read at login
 * (fetch_refusal_prefixes). */
static gboolean
is_configuration_refusal (FoyerTrytonBackend *self,
                          const char         *text)
{
  gboolean found = FALSE;

  if (text == NULL)
    return FALSE;
  if (g_str_has_prefix (text, "You are not allowed to "))
    return TRUE;
  g_mutex_lock (&self->lock);
  for (guint i = 0; !found && self->refusal_prefixes != NULL && self->refusal_prefixes[i]; i++)
    found = g_str_has_prefix (text, self->refusal_prefixes[i]);
  g_mutex_unlock (&self->lock);
  return found;
}

static const char *
array_string (JsonArray *array,
              guint      index)
{
  JsonNode *node = index < json_array_get_length (array) ?
    json_array_get_element (array, index) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A Python KeyError's text: the quoted key, here a model name such as 'sale.opportunity'. */
static char *
missing_model_name (const char *text)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len < 5 || text[0] != '\'' || text[len - 1] != '\'' || strchr (text + 1, '.') == NULL)
    return NULL;
  for (gsize i = 1; i < len - 1; i++)
    if (!g_ascii_islower (text[i]) && !g_ascii_isdigit (text[i]) && text[i] != '_' &&
        text[i] != '.')
      return NULL;
  return g_strndup (text + 1, len - 2);
}

/* Any other Python exception reaches the client as [str(exception), traceback]
 * (trytond/protocols/jsonrpc.py, JSONProtocol.response). Two of them are configuration, not a
 * passing fault: the KeyError of Pool.get when a model's module is not activated in that
 * database (protocols/dispatcher.py get_object_method, ir/model.py ModelAccess.get_access: the
 * login's group check meets it first), and the IOError of the SQLite backend for a database
 * that does not exist (backend/sqlite/database.py; PostgreSQL answers 404, see
 * status_for_http). */
static RpcStatus
exception_status (FoyerTrytonBackend  *self,
                  const char          *text,
                  const char          *method,
                  char               **message)
{
  g_autofree char *model = missing_model_name (text);

  if (model != NULL) {
    *message = g_strdup_printf ("Tryton's database “%s” has no model %s: activate its module "
                                "in Tryton (sale_opportunity for sale.opportunity), then press "
                                "retry", self->database, model);
    return RPC_CONFIG;
  }
  if (text != NULL && g_str_has_prefix (text, "Database ") &&
      g_str_has_suffix (text, " doesn't exist!")) {
    *message = g_strdup_printf ("Tryton at %s has no database “%s”: check [tryton] database",
                                self->url, self->database);
    return RPC_CONFIG;
  }
  *message = g_strdup_printf ("Tryton failed on %s: %s", method,
                              text != NULL ? text : "unknown error");
  return RPC_SERVER_ERROR;
}

/* TrytonException: ["UserError", [message, description, domain]],
 * ["UserWarning", [name, message, description]]; others: [str, traceback]. */
static RpcStatus
rpc_error_status (FoyerTrytonBackend  *self,
                  JsonNode            *error_node,
                  const char          *method,
                  char               **message)
{
  JsonArray *error = JSON_NODE_HOLDS_ARRAY (error_node) ? json_node_get_array (error_node) : NULL;
  const char *kind = NULL;
  JsonNode *args = NULL;
  JsonArray *a;
  guint first;
  const char *text;
  const char *description;

  if (error != NULL && json_array_get_length (error) >= 2) {
    JsonNode *kind_node = json_array_get_element (error, 0);

    if (JSON_NODE_HOLDS_VALUE (kind_node) && json_node_get_value_type (kind_node) == G_TYPE_STRING)
      kind = json_node_get_string (kind_node);
    args = json_array_get_element (error, 1);
  }
  if (g_strcmp0 (kind, "LoginException") == 0) {
    *message = g_strdup ("Tryton asks for more than a password to log in");
    return RPC_UNAUTHORIZED;
  }
  if ((g_strcmp0 (kind, "UserError") != 0 && g_strcmp0 (kind, "UserWarning") != 0) ||
      args == NULL || !JSON_NODE_HOLDS_ARRAY (args))
    return exception_status (self, kind, method, message);

  a = json_node_get_array (args);
  first = strcmp (kind, "UserWarning") == 0 ? 1 : 0;  /* (name, message, description) */
  text = array_string (a, first);
  description = array_string (a, first + 1);

  if (description != NULL && *description != '\0')
    *message = g_strdup_printf ("%s %s", text != NULL ? text : kind, description);
  else
    *message = g_strdup (text != NULL ? text : kind);
  if (is_configuration_refusal (self, text)) {
    g_autofree char *detail = g_steal_pointer (message);

    *message = g_strdup_printf ("Tryton refuses what Foyer's user “%s” asks because of how "
                                "Tryton is set up (fix the user's companies, groups or rules "
                                "in Tryton, then press retry): %s", self->user, detail);
    return RPC_CONFIG;
  }
  return RPC_USER_ERROR;
}

/* Reads an HTTP 200 answer: its "result", or the status of its "error". */
static RpcStatus
parse_rpc_answer (FoyerTrytonBackend  *self,
                  GByteArray          *body,
                  const char          *method,
                  JsonNode           **result,
                  char               **message)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = foyer_json_parse ((const char *) body->data, body->len,
                                               &parse_error);
  JsonObject *response;
  JsonNode *error_node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    *message = g_strdup_printf ("Tryton's answer to %s is not JSON-RPC: %s", method,
                                parse_error != NULL ? parse_error->message : "not an object");
    return RPC_TRANSPORT;
  }
  response = json_node_get_object (root);
  error_node = json_object_get_member (response, "error");
  if (error_node != NULL && !JSON_NODE_HOLDS_NULL (error_node))
    return rpc_error_status (self, error_node, method, message);
  if (!json_object_has_member (response, "result")) {
    *message = g_strdup_printf ("Tryton's answer to %s has no result", method);
    return RPC_TRANSPORT;
  }
  *result = json_node_copy (json_object_get_member (response, "result"));
  return RPC_OK;
}

/* One POST. On RPC_OK *result holds the "result" member (may be a null node). Otherwise
 * *message says what went wrong in words a person can act on. */
static RpcStatus
rpc_post (FoyerTrytonBackend  *self,
          const char          *path,
          const char          *authorization,
          const char          *method,
          JsonArray           *params,
          GCancellable        *cancellable,
          JsonNode           **result,
          char               **message)
{
  g_autoptr(FoyerCurlResponse) response = foyer_curl_response_new ();
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autofree char *payload = NULL;
  gint64 started;
  RpcStatus status;

  *result = NULL;
  *message = NULL;
  if (g_cancellable_is_cancelled (cancellable))
    return RPC_CANCELLED;

  payload = rpc_request_text (self, method, params);
  started = g_get_monotonic_time ();
  status = rpc_transfer (self, url, authorization, payload, response, cancellable, message);
  if (status != RPC_OK)
    return status;
  g_debug ("%s -> HTTP %ld, %u bytes in %" G_GINT64_FORMAT " ms", method, response->status,
           response->body->len, (g_get_monotonic_time () - started) / 1000);
  status = status_for_http (self, response->status, method, message);
  if (status != RPC_OK)
    return status;
  return parse_rpc_answer (self, response->body, method, result, message);
}

static void
set_error_from_status (GError     **error,
                       RpcStatus    status,
                       const char  *message)
{
  switch (status) {
  case RPC_OK:
    g_assert_not_reached ();
  case RPC_CANCELLED:
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CANCELLED, "cancelled");
    break;
  case RPC_UNAUTHORIZED:
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH, message);
    break;
  case RPC_CONFIG:
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG, message);
    break;
  case RPC_USER_ERROR:
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_BAD_BATCH, message);
    break;
  case RPC_TOO_LARGE:
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TOO_LARGE, message);
    break;
  case RPC_TRANSPORT:
  case RPC_RATE_LIMITED:
  case RPC_SERVER_ERROR:
  default:
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT, message);
    break;
  }
}

/* The permission check runs at every login, so a loosened file is refused at the next one. */
static char *
read_password (FoyerTrytonBackend  *self,
               GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (self->password_file == NULL) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "[tryton] password-file is not set: Foyer cannot log in as “%s”", self->user);
    return NULL;
  }
  if (!foyer_secret_read_file (self->password_file,
                               "the Tryton password file ([tryton] password-file)", &contents,
                               NULL, &local_error)) {
    g_set_error_literal (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                         local_error->message);
    return NULL;
  }
  g_strchomp (contents);
  return contents;
}

static char *
database_path (FoyerTrytonBackend *self)
{
  g_autofree char *escaped = g_uri_escape_string (self->database, NULL, FALSE);

  return g_strconcat (escaped, "/", NULL);
}

/* common.db.login: the "Session …" authorization for the next calls, or NULL. */
static char *
open_session (FoyerTrytonBackend  *self,
              const char          *path,
              GCancellable        *cancellable,
              GError             **error)
{
  char *password = NULL;
  g_autofree char *message = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(JsonNode) result = NULL;
  JsonArray *pair;
  RpcStatus status;

  password = read_password (self, error);
  if (password == NULL)
    return NULL;
  json_object_set_string_member (parameters, "password", password);
  foyer_secret_free (password);
  json_array_add_string_element (params, self->user);
  json_array_add_object_element (params, json_object_ref (parameters));
  status = rpc_post (self, path, NULL, "common.db.login", params, cancellable, &result, &message);
  if (status == RPC_UNAUTHORIZED) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH,
                 "Tryton refused the login of “%s” on database “%s”: wrong user or password "
                 "(check %s)", self->user, self->database, self->password_file);
    return NULL;
  }
  if (status == RPC_RATE_LIMITED) {
    /* Tryton forgets failed attempts by itself: not a pause, a wait */
    self->retry_after_ms = 60 * 1000;
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "Tryton blocks the login of “%s” for now after too many failed attempts",
                 self->user);
    return NULL;
  }
  if (status != RPC_OK) {
    set_error_from_status (error, status, message);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_ARRAY (result) || json_array_get_length (json_node_get_array (result)) != 2) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "Tryton's answer to common.db.login is not [user id, session]");
    return NULL;
  }
  pair = json_node_get_array (result);
  credentials = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", self->user,
                                 json_array_get_int_element (pair, 0),
                                 json_array_get_string_element (pair, 1));
  encoded = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  return g_strconcat ("Session ", encoded, NULL);
}

/* model.res.user.get_preferences with context_only=false: it also lists the user's companies. */
static JsonObject *
fetch_preferences (FoyerTrytonBackend  *self,
                   const char          *path,
                   const char          *authorization,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(JsonNode) prefs = NULL;
  g_autofree char *message = NULL;
  RpcStatus status;

  json_array_add_boolean_element (params, FALSE);
  json_array_add_object_element (params, json_object_new ());
  status = rpc_post (self, path, authorization, "model.res.user.get_preferences", params,
                     cancellable, &prefs, &message);
  if (status != RPC_OK) {
    set_error_from_status (error, status, message);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_OBJECT (prefs))
    return json_object_new ();
  return json_object_ref (json_node_get_object (prefs));
}

/* Without the groups every create would come back as a refused record and fill the dead
 * letters; say so once, as a pause, instead. */
static gboolean
check_model_access (FoyerTrytonBackend  *self,
                    const char          *path,
                    const char          *authorization,
                    GCancellable        *cancellable,
                    GError             **error)
{
  static const struct { const char *model, *what, *group; } needs[] = {
    { "party.party", "parties", "Party Administration" },
    { "sale.opportunity", "opportunities", "Sales Opportunity" },
  };
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(JsonNode) access = NULL;
  g_autofree char *message = NULL;
  JsonArray *models = json_array_new ();
  RpcStatus status;

  for (gsize i = 0; i < G_N_ELEMENTS (needs); i++)
    json_array_add_string_element (models, needs[i].model);
  json_array_add_array_element (params, models);
  json_array_add_object_element (params, json_object_new ());
  status = rpc_post (self, path, authorization, "model.ir.model.access.get_access", params,
                     cancellable, &access, &message);
  if (status != RPC_OK) {
    set_error_from_status (error, status, message);
    return FALSE;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (needs); i++) {
    JsonObject *perms = JSON_NODE_HOLDS_OBJECT (access) ?
      json_object_get_object_member (json_node_get_object (access), needs[i].model) : NULL;

    if (perms == NULL || !member_true (perms, "create") || !member_true (perms, "write") ||
        !member_true (perms, "read")) {
      g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH,
                   "Tryton user “%s” may not create %s: add it to the “%s” group",
                   self->user, needs[i].what, needs[i].group);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
int_list_contains (JsonArray *list,
                   gint64     value)
{
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++) {
    JsonNode *node = json_array_get_element (list, i);

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
        json_node_get_int (node) == value)
      return TRUE;
  }
  return FALSE;
}

/* Opportunities belong to a company, and Tryton's "User in companies" rule refuses every one a
 * user outside that company creates: check before the first record, not record by record. */
static gboolean
check_company (FoyerTrytonBackend  *self,
               JsonObject          *prefs,
               GError             **error)
{
  JsonNode *companies_node = json_object_get_member (prefs, "companies");
  JsonArray *companies;

  if (companies_node == NULL || !JSON_NODE_HOLDS_ARRAY (companies_node))
    return TRUE;   /* not a preference this Tryton has: nothing to check against */
  companies = json_node_get_array (companies_node);
  if (json_array_get_length (companies) == 0) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "Tryton user “%s” belongs to no company, so Tryton would refuse every "
                 "opportunity: add the show's company to the user's companies in Tryton, then "
                 "press retry", self->user);
    return FALSE;
  }
  if (self->company > 0 && !int_list_contains (companies, self->company)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_CONFIG,
                 "Tryton user “%s” does not belong to company %d ([tryton] company): add the "
                 "company to the user's companies in Tryton, or change [tryton] company",
                 self->user, self->company);
    return FALSE;
  }
  return TRUE;
}

/* The context every call carries: the user's language and company ([tryton] company wins). */
static JsonObject *
session_context (FoyerTrytonBackend *self,
                 JsonObject         *prefs)
{
  JsonObject *context = json_object_new ();
  static const char * const keys[] = { "language", "company" };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (json_object_has_member (prefs, keys[i]))
      json_object_set_member (context, keys[i],
                              json_node_copy (json_object_get_member (prefs, keys[i])));
  if (self->company > 0)
    json_object_set_int_member (context, "company", self->company);
  return context;
}

/* Row i of a search_read or read answer; NULL when Tryton sent something else. */
static JsonObject *
answer_row (JsonNode *answer,
            guint     i)
{
  JsonNode *row = json_array_get_element (json_node_get_array (answer), i);

  return JSON_NODE_HOLDS_OBJECT (row) ? json_node_get_object (row) : NULL;
}

/* The ids of ir/message.xml's rule messages (ir.model.data), then their text in the context's
 * language; each one's text before its first placeholder. NULL when Tryton does not say: the
 * English text is still recognised. */
static GStrv
fetch_refusal_prefixes (FoyerTrytonBackend  *self,
                        const char          *path,
                        const char          *authorization,
                        JsonObject          *context,
                        GCancellable        *cancellable)
{
  static const char * const names[] = {
    "msg_access_rule_error", "msg_access_rule_field_error", "msg_create_rule_error",
    "msg_read_rule_error", "msg_write_rule_error", "msg_delete_rule_error",
  };
  g_autofree char *names_json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autoptr(GStrvBuilder) prefixes = g_strv_builder_new ();
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(JsonArray) read_params = json_array_new ();
  JsonArray *fields = json_array_new ();

  names_json = g_strjoinv ("\",\"", (char **) names);
  text = g_strdup_printf ("[[[\"module\",\"=\",\"ir\"],[\"fs_id\",\"in\",[\"%s\"]]],"
                          "0,null,null,[\"db_id\"]]", names_json);
  params = json_from_string (text, NULL);
  json_array_add_object_element (json_node_get_array (params), json_object_ref (context));
  if (rpc_post (self, path, authorization, "model.ir.model.data.search_read",
                json_node_get_array (params), cancellable, &found, &message) != RPC_OK ||
      !JSON_NODE_HOLDS_ARRAY (found))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (found)); i++) {
    JsonObject *row = answer_row (found, i);
    JsonNode *db_id = row != NULL ? json_object_get_member (row, "db_id") : NULL;

    if (db_id != NULL && JSON_NODE_HOLDS_VALUE (db_id) &&
        json_node_get_value_type (db_id) == G_TYPE_INT64)
      json_array_add_int_element (ids, json_node_get_int (db_id));
  }
  json_array_add_array_element (read_params, json_array_ref (ids));
  json_array_add_string_element (fields, "text");
  json_array_add_array_element (read_params, fields);
  json_array_add_object_element (read_params, json_object_ref (context));
  g_clear_pointer (&message, g_free);
  if (rpc_post (self, path, authorization, "model.ir.message.read", read_params, cancellable,
                &messages, &message) != RPC_OK || !JSON_NODE_HOLDS_ARRAY (messages))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (messages)); i++) {
    const char *found_text = member_string (answer_row (messages, i), "text");
    const char *msg = found_text != NULL ? found_text : "";
    const char *end = strstr (msg, "%(");
    gsize len = end != NULL ? (gsize) (end - msg) : strlen (msg);

    g_autofree char *prefix = g_strndup (msg, len);

    if (len >= 6)  /* a prefix too short to tell a refusal from a record's own error is left */
      g_strv_builder_add (prefixes, prefix);
  }
  return g_strv_builder_end (prefixes);
}

/* common.db.login, then the user's preferences, groups and company, checked once per session. */
static gboolean
login (FoyerTrytonBackend  *self,
       GCancellable        *cancellable,
       GError             **error)
{
  g_autofree char *path = database_path (self);
  g_autofree char *authorization = NULL;
  g_autoptr(JsonObject) prefs = NULL;
  g_autoptr(JsonObject) context = NULL;
  g_auto(GStrv) refusals = NULL;

  authorization = open_session (self, path, cancellable, error);
  if (authorization == NULL)
    return FALSE;
  prefs = fetch_preferences (self, path, authorization, cancellable, error);
  if (prefs == NULL ||
      !check_model_access (self, path, authorization, cancellable, error) ||
      !check_company (self, prefs, error))
    return FALSE;
  context = session_context (self, prefs);
  refusals = fetch_refusal_prefixes (self, path, authorization, context, cancellable);

  g_mutex_lock (&self->lock);
  g_free (self->authorization);
  self->authorization = g_steal_pointer (&authorization);
  g_clear_pointer (&self->context, json_object_unref);
  self->context = session_context (self, prefs);
  g_clear_pointer (&self->refusal_prefixes, g_strfreev);
  self->refusal_prefixes = g_steal_pointer (&refusals);
  g_mutex_unlock (&self->lock);
  g_debug ("logged in to Tryton database %s", self->database);
  return TRUE;
}

/* The session's authorization and context, logging in first when there is none. */
static gboolean
current_session (FoyerTrytonBackend  *self,
                 char               **authorization,
                 JsonObject         **context,
                 GCancellable        *cancellable,
                 GError             **error)
{
  for (int attempt = 0; attempt < 2; attempt++) {
    g_mutex_lock (&self->lock);
    *authorization = g_strdup (self->authorization);
    *context = self->context != NULL ? json_object_ref (self->context) : NULL;
    g_mutex_unlock (&self->lock);
    if (*authorization != NULL && *context != NULL)
      return TRUE;
    g_clear_pointer (authorization, g_free);
    g_clear_pointer (context, json_object_unref);
    if (attempt == 0 && !login (self, cancellable, error))
      return FALSE;
  }
  g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
               "the Tryton session ended while logging in");
  return FALSE;
}

/* A call on the database with the session, logging in first or again once when Tryton says the
 * session is gone. Returns the status; on RPC_OK *result is set, else *error. */
static RpcStatus
call (FoyerTrytonBackend  *self,
      const char          *method,
      JsonArray           *params,
      GCancellable        *cancellable,
      JsonNode           **result,
      GError             **error)
{
  g_autofree char *path = database_path (self);

  for (int attempt = 0; attempt < 2; attempt++) {
    g_autoptr(JsonArray) full = json_array_new ();
    g_autofree char *authorization = NULL;
    g_autofree char *message = NULL;
    JsonObject *context = NULL;
    RpcStatus status;

    if (!current_session (self, &authorization, &context, cancellable, error))
      return RPC_UNAUTHORIZED;
    for (guint i = 0; i < json_array_get_length (params); i++)
      json_array_add_element (full, json_node_copy (json_array_get_element (params, i)));
    json_array_add_object_element (full, context);

    status = rpc_post (self, path, authorization, method, full, cancellable, result, &message);
    if (status == RPC_UNAUTHORIZED && attempt == 0) {
      g_debug ("Tryton session expired; logging in again");
      g_mutex_lock (&self->lock);
      if (g_strcmp0 (self->authorization, authorization) == 0)
        g_clear_pointer (&self->authorization, g_free);
      g_mutex_unlock (&self->lock);
      continue;
    }
    if (status == RPC_UNAUTHORIZED) {
      g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_AUTH,
                   "Tryton user “%s” may not call %s: give it the Sales Opportunity and Party "
                   "groups", self->user, method);
      return status;
    }
    if (status != RPC_OK)
      set_error_from_status (error, status, message);
    return status;
  }
  g_assert_not_reached ();
}

JsonNode *
foyer_tryton_backend_call (FoyerTrytonBackend  *self,
                           const char          *method,
                           JsonArray           *params,
                           GCancellable        *cancellable,
                           GError             **error)
{
  JsonNode *result = NULL;

  g_return_val_if_fail (FOYER_IS_TRYTON_BACKEND (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  if (call (self, method, params, cancellable, &result, error) != RPC_OK)
    return NULL;
  return result;
}

/* ---- the records --------------------------------------------------------------------------- */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return *json_node_get_string (node) != '\0' ? json_node_get_string (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
member_true (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  /* Tryton answers some flags as 0/1 (ir.model.access.get_access) */
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  return json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static char *
marker (const char *id)
{
  return g_strconcat (FOYER_TRYTON_MARKER_PREFIX, id, NULL);
}

static const char *
category_label (const char *category)
{
  static const struct { const char *id, *label; } labels[] = {
    { FOYER_CATEGORY_TRADE_VISITOR, "trade visitor" },
    { FOYER_CATEGORY_PUBLIC, "public visitor" },
    { FOYER_CATEGORY_MEDIA, "media" },
    { FOYER_CATEGORY_EXHIBITOR, "exhibitor" },
    { FOYER_CATEGORY_VIP, "VIP" },
    { FOYER_CATEGORY_ORGANIZER, "organizer" },
  };

  for (gsize i = 0; category != NULL && i < G_N_ELEMENTS (labels); i++)
    if (strcmp (labels[i].id, category) == 0)
      return labels[i].label;
  return category;
}

/* The name Tryton shows: the full name as written (CJK names keep their order), else the parts,
 * else the organization, else the first e-mail. */
static char *
party_name (JsonObject *reg)
{
  const char *full = member_string (reg, "full_name");
  const char *given = member_string (reg, "given_name");
  const char *family = member_string (reg, "family_name");
  JsonArray *emails = member_array (reg, "emails");

  if (full != NULL)
    return g_strdup (full);
  if (given != NULL && family != NULL)
    return g_strdup_printf ("%s %s", given, family);
  if (given != NULL || family != NULL)
    return g_strdup (given != NULL ? given : family);
  if (member_string (reg, "organization") != NULL)
    return g_strdup (member_string (reg, "organization"));
  if (emails != NULL && json_array_get_length (emails) > 0 &&
      json_array_get_string_element (emails, 0) != NULL)
    return g_strdup (json_array_get_string_element (emails, 0));
  return g_strdup (member_string (reg, "badge_code") != NULL ?
                   member_string (reg, "badge_code") : "Foyer visitor");
}

static JsonNode *
date_node (const char *created_at)
{
  g_autoptr(GDateTime) dt = created_at != NULL ? g_date_time_new_from_iso8601 (created_at, NULL)
                                                : NULL;
  g_autoptr(JsonObject) date = json_object_new ();

  if (dt == NULL)
    dt = g_date_time_new_now_utc ();
  json_object_set_string_member (date, "__class__", "date");
  json_object_set_int_member (date, "year", g_date_time_get_year (dt));
  json_object_set_int_member (date, "month", g_date_time_get_month (dt));
  json_object_set_int_member (date, "day", g_date_time_get_day_of_month (dt));
  return json_node_init_object (json_node_alloc (), date);
}

/* A case-insensitive key for e-mails, the number as is for phones. */
static char *
contact_key (const char *type,
             const char *value)
{
  if (strcmp (type, "email") == 0)
    return g_utf8_casefold (value, -1);
  return g_strdup (value);
}

static void
append_answers (GString    *out,
                JsonObject *lead)
{
  g_autoptr(JsonNode) parsed = NULL;
  JsonObject *answers = NULL;
  JsonNode *node = json_object_get_member (lead, "answers_json");
  const char *text = member_string (lead, "answers_json");
  GList *members;

  /* the wire form carries the answers as an object; a string holding one is accepted too */
  if (node == NULL)
    node = json_object_get_member (lead, "answers");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) {
    answers = json_node_get_object (node);
  } else if (text != NULL) {
    /* records may come from other kiosks (foyer-hub): untrusted, so depth-checked */
    parsed = foyer_json_parse (text, -1, NULL);
    if (parsed != NULL && JSON_NODE_HOLDS_OBJECT (parsed))
      answers = json_node_get_object (parsed);
  }
  if (answers == NULL || json_object_get_size (answers) == 0)
    return;

  g_string_append (out, "Answers:\n");
  members = json_object_get_members (answers);
  for (GList *l = members; l != NULL; l = l->next) {
    JsonNode *value = json_object_get_member (answers, l->data);

    g_string_append_printf (out, "  %s: ", (const char *) l->data);
    if (JSON_NODE_HOLDS_ARRAY (value)) {
      JsonArray *a = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (a); i++) {
        JsonNode *e = json_array_get_element (a, i);

        if (i > 0)
          g_string_append (out, ", ");
        if (JSON_NODE_TYPE (e) == JSON_NODE_VALUE && json_node_get_value_type (e) == G_TYPE_STRING)
          g_string_append (out, json_node_get_string (e));
      }
    } else if (JSON_NODE_TYPE (value) == JSON_NODE_VALUE &&
               json_node_get_value_type (value) == G_TYPE_STRING) {
      g_string_append (out, json_node_get_string (value));
    } else {
      g_autofree char *s = foyer_json_to_string (value);
      g_string_append (out, s);
    }
    g_string_append_c (out, '\n');
  }
  g_list_free (members);
}

static void
append_line (GString    *out,
             const char *label,
             const char *value)
{
  if (value != NULL)
    g_string_append_printf (out, "%s: %s\n", label, value);
}

/* description, comment, conversion probability, start date of an opportunity.
 * lead is NULL for a trade visitor's registration. */
static JsonObject *
opportunity_values (JsonObject *lead,
                    JsonObject *visitor,
                    const char *record_id,
                    gint64      party,
                    int         company)
{
  JsonObject *values = json_object_new ();
  g_autoptr(GString) description = g_string_new (NULL);
  g_autoptr(GString) comment = g_string_new (NULL);
  JsonObject *source = lead != NULL ? lead : visitor;
  const char *event = member_string (source, "event");
  const char *category = member_string (visitor, "category");
  const char *rating = member_string (lead, "rating");
  const char *booth = member_string (lead, "booth");
  JsonArray *interests = member_array (visitor, "interests");
  double probability = 0.5;

  if (event == NULL)
    event = member_string (visitor, "event");
  g_string_append (description, event != NULL ? event : "Foyer");
  if (lead != NULL) {
    g_string_append (description, " · lead");
    if (booth != NULL)
      g_string_append_printf (description, " at %s", booth);
  }
  if (category != NULL)
    g_string_append_printf (description, " · %s", category_label (category));

  append_line (comment, "Notes", member_string (lead, "notes"));
  append_line (comment, "Rating", rating);
  if (lead != NULL)
    append_answers (comment, lead);
  append_line (comment, "Organization", member_string (visitor, "organization"));
  append_line (comment, "Title", member_string (visitor, "title"));
  if (interests != NULL && json_array_get_length (interests) > 0) {
    g_string_append (comment, "Interests:");
    for (guint i = 0; i < json_array_get_length (interests); i++) {
      const char *s = json_array_get_string_element (interests, i);
      if (s != NULL)
        g_string_append_printf (comment, "%s %s", i > 0 ? "," : "", s);
    }
    g_string_append_c (comment, '\n');
  }
  append_line (comment, "Visitor notes", lead == NULL ? member_string (visitor, "notes") : NULL);
  append_line (comment, "Badge", member_string (visitor, "badge_code"));
  append_line (comment, "Staff", member_string (lead, "staff_id"));
  if (member_true (lead, "follow_up"))
    g_string_append (comment, "Follow-up requested\n");
  g_string_append_printf (comment, "Foyer record %s", record_id);
  if (member_string (source, "kiosk_id") != NULL)
    g_string_append_printf (comment, " from kiosk %s", member_string (source, "kiosk_id"));

  if (g_strcmp0 (rating, FOYER_RATING_HOT) == 0)
    probability = 0.8;
  else if (g_strcmp0 (rating, FOYER_RATING_COLD) == 0)
    probability = 0.2;

  {
    g_autofree char *ref = marker (record_id);
    json_object_set_string_member (values, "reference", ref);
  }
  json_object_set_int_member (values, "party", party);
  json_object_set_string_member (values, "description", description->str);
  json_object_set_string_member (values, "comment", comment->str);
  json_object_set_double_member (values, "conversion_probability", probability);
  json_object_set_member (values, "start_date",
                          date_node (member_string (source, "created_at")));
  if (company > 0)
    json_object_set_int_member (values, "company", company);
  return values;
}

/* ---- one batch ----------------------------------------------------------------------------- */

/* A person behind one or more records of the batch (a registration and its leads). */
typedef struct {
  char       *id;             /* the registration's id: its marker names the party */
  JsonObject *reg;            /* borrowed; NULL for a lead that carries no visitor */
  gint64      party;          /* 0 until known */
  gboolean    party_found;    /* the marker was in Tryton before this batch */
  char       *rejected;
} Visitor;

typedef struct {
  const char *id;
  JsonObject *record;         /* borrowed */
  Visitor    *visitor;        /* borrowed from the batch's table */
  gboolean    is_lead;
  gboolean    wants_opportunity;
  gboolean    opportunity_found;
  JsonObject *opportunity;    /* borrowed: the row Tryton has, for a lead edited since */
  gboolean    updated;
  char       *rejected;
} Item;

/* A party this batch creates, or an existing one it adds markers and contacts to. */
typedef struct {
  gint64      party;          /* 0: to create */
  JsonObject *values;         /* create: the whole party */
  JsonArray  *identifiers;
  JsonArray  *mechanisms;
  GHashTable *keys;           /* contact keys the party has or will have */
  GPtrArray  *visitors;       /* borrowed Visitor* */
  gint64      duplicate_of;   /* create: a party with another name sharing a contact, or 0 */
} PartyPlan;

static void
visitor_free (Visitor *v)
{
  g_free (v->id);
  g_free (v->rejected);
  g_free (v);
}

static void
item_clear (Item *item)
{
  g_free (item->rejected);
}

static void
party_plan_free (PartyPlan *plan)
{
  g_clear_pointer (&plan->values, json_object_unref);
  g_clear_pointer (&plan->identifiers, json_array_unref);
  g_clear_pointer (&plan->mechanisms, json_array_unref);
  g_clear_pointer (&plan->keys, g_hash_table_unref);
  g_clear_pointer (&plan->visitors, g_ptr_array_unref);
  g_free (plan);
}

static PartyPlan *
party_plan_new (gint64 party)
{
  PartyPlan *plan = g_new0 (PartyPlan, 1);

  plan->party = party;
  plan->identifiers = json_array_new ();
  plan->mechanisms = json_array_new ();
  plan->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plan->visitors = g_ptr_array_new ();
  return plan;
}

/* Calls every contact (type, value) of reg. */
typedef void (*ContactFunc) (const char *type, const char *value, gpointer user_data);

static void
foreach_contact (JsonObject  *reg,
                 ContactFunc  func,
                 gpointer     user_data)
{
  static const struct { const char *member, *type; } lists[] = {
    { "emails", "email" },
    { "phones", "phone" },
  };

  for (gsize l = 0; l < G_N_ELEMENTS (lists); l++) {
    JsonArray *values = member_array (reg, lists[l].member);

    for (guint i = 0; values != NULL && i < json_array_get_length (values); i++) {
      JsonNode *node = json_array_get_element (values, i);

      if (JSON_NODE_TYPE (node) == JSON_NODE_VALUE &&
          json_node_get_value_type (node) == G_TYPE_STRING &&
          *json_node_get_string (node) != '\0')
        func (lists[l].type, json_node_get_string (node), user_data);
    }
  }
}

static void
collect_value_cb (const char *type,
                  const char *value,
                  gpointer    user_data)
{
  GHashTable *set = user_data;

  g_hash_table_add (set, g_strdup (value));
  if (strcmp (type, "email") == 0)
    g_hash_table_add (set, g_utf8_strdown (value, -1));
}

static void
add_mechanism_cb (const char *type,
                  const char *value,
                  gpointer    user_data)
{
  PartyPlan *plan = user_data;
  char *key = contact_key (type, value);
  JsonObject *mechanism;

  if (g_hash_table_contains (plan->keys, key)) {
    g_free (key);
    return;
  }
  g_hash_table_add (plan->keys, key);
  mechanism = json_object_new ();
  json_object_set_string_member (mechanism, "type", type);
  json_object_set_string_member (mechanism, "value", value);
  json_array_add_object_element (plan->mechanisms, mechanism);
}

static void
add_marker (PartyPlan *plan,
            Visitor   *visitor)
{
  JsonObject *identifier = json_object_new ();
  g_autofree char *code = marker (visitor->id);

  json_object_set_string_member (identifier, "code", code);
  json_array_add_object_element (plan->identifiers, identifier);
  g_ptr_array_add (plan->visitors, visitor);
}

/* [["create", [values…]]] */
static JsonNode *
create_action (JsonArray *values)
{
  JsonArray *action = json_array_new ();
  JsonArray *actions = json_array_new ();

  json_array_add_string_element (action, "create");
  json_array_add_array_element (action, json_array_ref (values));
  json_array_add_array_element (actions, action);
  return json_node_init_array (json_node_alloc (), actions);
}

/* [["add", [id]]] */
static JsonNode *
add_action (gint64 id)
{
  JsonArray *action = json_array_new ();
  JsonArray *ids = json_array_new ();
  JsonArray *actions = json_array_new ();

  json_array_add_int_element (ids, id);
  json_array_add_string_element (action, "add");
  json_array_add_array_element (action, ids);
  json_array_add_array_element (actions, action);
  return json_node_init_array (json_node_alloc (), actions);
}

static JsonArray *
string_list (GHashTable *set)
{
  JsonArray *list = json_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    json_array_add_string_element (list, key);
  return list;
}

/* model.M.search_read(domain, 0, null, null, fields): every row, as an array of objects. */
static JsonArray *
search_read (FoyerTrytonBackend  *self,
             const char          *model,
             JsonNode            *domain,
             const char * const  *fields,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *method = g_strdup_printf ("model.%s.search_read", model);
  JsonArray *field_list = json_array_new ();

  for (gsize i = 0; fields[i] != NULL; i++)
    json_array_add_string_element (field_list, fields[i]);
  json_array_add_element (params, domain);
  json_array_add_int_element (params, 0);
  json_array_add_null_element (params);
  json_array_add_null_element (params);
  json_array_add_array_element (params, field_list);
  if (call (self, method, params, cancellable, &result, error) != RPC_OK)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (result)) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                 "Tryton's answer to %s is not a list", method);
    return NULL;
  }
  return json_array_ref (json_node_get_array (result));
}

/* [field, "in", [values…]] */
static JsonArray *
in_clause (const char *field,
           JsonArray  *values)
{
  JsonArray *clause = json_array_new ();

  json_array_add_string_element (clause, field);
  json_array_add_string_element (clause, "in");
  json_array_add_array_element (clause, json_array_ref (values));
  return clause;
}

/* [[field, "in", [values…]]] */
static JsonNode *
in_domain (const char *field,
           JsonArray  *values)
{
  JsonArray *domain = json_array_new ();

  json_array_add_array_element (domain, in_clause (field, values));
  return json_node_init_array (json_node_alloc (), domain);
}

static gint64
row_int (JsonObject *row,
         const char *name)
{
  JsonNode *node = json_object_get_member (row, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/* Sends units[start, start+len) in one call: create (one values object per unit, returns their
 * ids) or write (one [[id], values] pair per unit). When Tryton refuses the data, halves the
 * range until the refused units are alone; their reasons land in reasons[]. FALSE only for a
 * failure that is not about the data (network, auth…), which ends the batch. */
static gboolean
send_units (FoyerTrytonBackend  *self,
            const char          *model,
            gboolean             write,
            GPtrArray           *units,
            guint                start,
            guint                len,
            gint64              *ids,
            char               **reasons,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *method = g_strdup_printf ("model.%s.%s", model, write ? "write" : "create");
  RpcStatus status;

  if (len == 0)
    return TRUE;
  if (write) {
    for (guint i = start; i < start + len; i++) {
      JsonArray *pair = units->pdata[i];
      json_array_add_element (params, json_node_copy (json_array_get_element (pair, 0)));
      json_array_add_element (params, json_node_copy (json_array_get_element (pair, 1)));
    }
  } else {
    JsonArray *list = json_array_new ();
    for (guint i = start; i < start + len; i++)
      json_array_add_object_element (list, json_object_ref (units->pdata[i]));
    json_array_add_array_element (params, list);
  }

  status = call (self, method, params, cancellable, &result, &local_error);
  if (status == RPC_OK) {
    if (!write) {
      JsonArray *created = JSON_NODE_HOLDS_ARRAY (result) ? json_node_get_array (result) : NULL;

      if (created == NULL || json_array_get_length (created) != len) {
        g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT,
                     "Tryton's answer to %s does not list the new ids", method);
        return FALSE;
      }
      for (guint i = 0; i < len; i++)
        ids[start + i] = json_array_get_int_element (created, i);
    }
    return TRUE;
  }
  if (status != RPC_USER_ERROR) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (len == 1) {
    g_debug ("Tryton refused one %s: %s", model, local_error->message);
    reasons[start] = g_strdup_printf ("Tryton refused the %s: %s", model, local_error->message);
    return TRUE;
  }
  return send_units (self, model, write, units, start, len / 2, ids, reasons, cancellable,
                     error) &&
         send_units (self, model, write, units, start + len / 2, len - len / 2, ids, reasons,
                     cancellable, error);
}

static JsonObject *
new_party_values (JsonObject *reg,
                  GHashTable *countries)
{
  JsonObject *values = json_object_new ();
  g_autofree char *name = party_name (reg);
  const char *city = member_string (reg, "city");
  const char *country = member_string (reg, "country");
  gpointer country_id = country != NULL ? g_hash_table_lookup (countries, country) : NULL;
  JsonArray *addresses = json_array_new ();

  json_object_set_string_member (values, "name", name);
  /* An explicit address list, so that Tryton does not add an empty default one. */
  if (city != NULL || country_id != NULL) {
    JsonObject *address = json_object_new ();

    if (city != NULL)
      json_object_set_string_member (address, "city", city);
    if (country_id != NULL)
      json_object_set_int_member (address, "country", GPOINTER_TO_INT (country_id));
    json_array_add_object_element (addresses, address);
    json_object_set_member (values, "addresses", create_action (addresses));
  } else {
    json_object_set_array_member (values, "addresses", json_array_new ());
  }
  json_array_unref (addresses);
  return values;
}

/* What planning the parties of a batch needs to know and decides. */
typedef struct {
  GHashTable *by_key;        /* contact key → GArray of gint64 parties that have it */
  GHashTable *names;         /* gint64 party → its name key (name_key()) */
  GHashTable *countries;     /* ISO code → country id */
  GHashTable *existing;      /* gint64 party → PartyPlan* (owned) */
  GHashTable *new_by_key;    /* name key + contact key → PartyPlan* (borrowed) */
  GPtrArray  *new_plans;     /* owned PartyPlan*, in order */
} Planning;

static void
planning_init (Planning *planning)
{
  planning->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_array_unref);
  planning->names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  planning->countries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  planning->existing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                              (GDestroyNotify) party_plan_free);
  planning->new_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  planning->new_plans = g_ptr_array_new_with_free_func ((GDestroyNotify) party_plan_free);
}

static void
planning_clear (Planning *planning)
{
  g_clear_pointer (&planning->by_key, g_hash_table_unref);
  g_clear_pointer (&planning->names, g_hash_table_unref);
  g_clear_pointer (&planning->countries, g_hash_table_unref);
  g_clear_pointer (&planning->existing, g_hash_table_unref);
  g_clear_pointer (&planning->new_by_key, g_hash_table_unref);
  g_clear_pointer (&planning->new_plans, g_ptr_array_unref);
}

static gint64 *
int64_dup (gint64 value)
{
  return g_memdup2 (&value, sizeof value);
}

/* Names compare exactly, except for surrounding spaces, Unicode normalization and case. */
static char *
name_key (const char *name)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  g_autofree char *normalized = g_utf8_normalize (trimmed, -1, G_NORMALIZE_NFKC);

  return g_utf8_casefold (normalized != NULL ? normalized : trimmed, -1);
}

/* ["value", "ilike", e-mail] for each e-mail: Tryton stores e-mails as typed, and a visitor's
 * Alice@Example.com must find a stored alice@example.COM. ilike's wildcards (_ and %) may match
 * more rows than wanted; contact_key() compares exactly afterwards. */
static void
add_email_clause_cb (const char *type,
                     const char *value,
                     gpointer    user_data)
{
  JsonArray *domain = user_data;
  JsonArray *clause;

  if (strcmp (type, "email") != 0)
    return;
  clause = json_array_new ();
  json_array_add_string_element (clause, "value");
  json_array_add_string_element (clause, "ilike");
  json_array_add_string_element (clause, value);
  json_array_add_array_element (domain, clause);
}

static void
index_contact_row (Planning   *planning,
                   JsonObject *row)
{
  const char *type = member_string (row, "type");
  gint64 party = row_int (row, "party");
  const char *candidates[] = { member_string (row, "value"), member_string (row, "value_compact") };

  if (type == NULL || party == 0)
    return;
  for (gsize c = 0; c < G_N_ELEMENTS (candidates); c++) {
    char *key;
    GArray *parties;

    if (candidates[c] == NULL)
      continue;
    key = contact_key (strcmp (type, "email") == 0 ? "email" : "phone", candidates[c]);
    parties = g_hash_table_lookup (planning->by_key, key);
    if (parties == NULL) {
      parties = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (planning->by_key, key, parties);
    } else {
      g_free (key);
    }
    g_array_append_val (parties, party);
  }
}

/* Every contact mechanism in Tryton that shares a value with the visitors. */
static gboolean
search_contacts (FoyerTrytonBackend  *self,
                 GPtrArray           *visitors,
                 Planning            *planning,
                 GCancellable        *cancellable,
                 GError             **error)
{
  static const char * const fields[] = { "type", "value", "value_compact", "party", NULL };
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) rows = NULL;
  JsonArray *domain;

  for (guint i = 0; i < visitors->len; i++)
    foreach_contact (((Visitor *) visitors->pdata[i])->reg, collect_value_cb, values);
  if (g_hash_table_size (values) == 0)
    return TRUE;

  list = string_list (values);
  domain = json_array_new ();
  json_array_add_string_element (domain, "OR");
  json_array_add_array_element (domain, in_clause ("value", list));
  json_array_add_array_element (domain, in_clause ("value_compact", list));
  for (guint i = 0; i < visitors->len; i++)
    foreach_contact (((Visitor *) visitors->pdata[i])->reg, add_email_clause_cb, domain);
  rows = search_read (self, "party.contact_mechanism",
                      json_node_init_array (json_node_alloc (), domain), fields, cancellable,
                      error);
  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < json_array_get_length (rows); r++)
    index_contact_row (planning, json_array_get_object_element (rows, r));
  return TRUE;
}

/* The names of the parties that share a contact with a visitor: a merge needs the name too. */
static gboolean
fetch_party_names (FoyerTrytonBackend  *self,
                   Planning            *planning,
                   GCancellable        *cancellable,
                   GError             **error)
{
  static const char * const fields[] = { "name", NULL };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(JsonArray) rows = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, planning->by_key);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    GArray *parties = value;

    for (guint i = 0; i < parties->len; i++) {
      gint64 party = g_array_index (parties, gint64, i);

      if (g_hash_table_add (seen, int64_dup (party)))
        json_array_add_int_element (ids, party);
    }
  }
  if (json_array_get_length (ids) == 0)
    return TRUE;
  rows = search_read (self, "party.party", in_domain ("id", ids), fields, cancellable, error);
  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < json_array_get_length (rows); r++) {
    JsonObject *row = json_array_get_object_element (rows, r);

    g_hash_table_insert (planning->names, int64_dup (row_int (row, "id")),
                         name_key (member_string (row, "name")));
  }
  return TRUE;
}

static gboolean
fetch_countries (FoyerTrytonBackend  *self,
                 GPtrArray           *visitors,
                 Planning            *planning,
                 GCancellable        *cancellable,
                 GError             **error)
{
  static const char * const fields[] = { "code", NULL };
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) rows = NULL;

  for (guint i = 0; i < visitors->len; i++) {
    Visitor *v = visitors->pdata[i];

    if (member_string (v->reg, "country") != NULL)
      g_hash_table_add (codes, g_utf8_strup (member_string (v->reg, "country"), -1));
  }
  if (g_hash_table_size (codes) == 0)
    return TRUE;
  list = string_list (codes);
  rows = search_read (self, "country.country", in_domain ("code", list), fields, cancellable,
                      error);
  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < json_array_get_length (rows); r++) {
    JsonObject *row = json_array_get_object_element (rows, r);
    if (member_string (row, "code") != NULL)
      g_hash_table_insert (planning->countries, g_strdup (member_string (row, "code")),
                           GINT_TO_POINTER ((int) row_int (row, "id")));
  }
  return TRUE;
}

typedef struct {
  Planning   *planning;
  const char *name;          /* the visitor's name key */
  gint64      match;         /* lowest party with this name and a shared contact */
  gint64      other;         /* lowest party sharing a contact under another name */
} MatchData;

static void
match_cb (const char *type,
          const char *value,
          gpointer    user_data)
{
  MatchData *data = user_data;
  g_autofree char *key = contact_key (type, value);
  GArray *parties = g_hash_table_lookup (data->planning->by_key, key);

  for (guint i = 0; parties != NULL && i < parties->len; i++) {
    gint64 party = g_array_index (parties, gint64, i);
    const char *name = g_hash_table_lookup (data->planning->names, &party);

    if (g_strcmp0 (name, data->name) == 0) {
      if (data->match == 0 || party < data->match)
        data->match = party;
    } else if (data->other == 0 || party < data->other) {
      data->other = party;
    }
  }
}

/* The plan of an existing party, created on first use; what Tryton has already of its
 * contacts is not added again. */
static PartyPlan *
existing_plan (Planning *planning,
               gint64    party)
{
  PartyPlan *plan = g_hash_table_lookup (planning->existing, &party);
  GHashTableIter iter;
  gpointer contact, parties;

  if (plan != NULL)
    return plan;
  plan = party_plan_new (party);
  g_hash_table_insert (planning->existing, int64_dup (party), plan);
  g_hash_table_iter_init (&iter, planning->by_key);
  while (g_hash_table_iter_next (&iter, &contact, &parties))
    for (guint i = 0; i < ((GArray *) parties)->len; i++)
      if (g_array_index ((GArray *) parties, gint64, i) == party)
        g_hash_table_add (plan->keys, g_strdup (contact));
  return plan;
}

typedef struct {
  GHashTable *index;         /* name key + contact key → PartyPlan* */
  const char *name;
  PartyPlan  *found;         /* find: the plan; index: the plan to record */
} NewPartyData;

static char *
new_party_key (const char *name,
               const char *type,
               const char *value)
{
  g_autofree char *contact = contact_key (type, value);

  return g_strconcat (name, "\x1f", contact, NULL);
}

static void
find_new_party_cb (const char *type,
                   const char *value,
                   gpointer    user_data)
{
  NewPartyData *data = user_data;
  g_autofree char *key = NULL;

  if (data->found != NULL)
    return;
  key = new_party_key (data->name, type, value);
  data->found = g_hash_table_lookup (data->index, key);
}

static void
index_new_party_cb (const char *type,
                    const char *value,
                    gpointer    user_data)
{
  NewPartyData *data = user_data;
  char *key = new_party_key (data->name, type, value);

  if (g_hash_table_contains (data->index, key))
    g_free (key);
  else
    g_hash_table_insert (data->index, key, data->found);
}

/* The party a visitor goes to: an existing one with the same name and a shared e-mail or phone,
 * one this batch creates for the same name and contact, or a new one; a new party that shares
 * a contact with a differently named party is marked as a possible duplicate of it. */
static PartyPlan *
plan_party_for (Planning *planning,
                Visitor  *v)
{
  g_autofree char *display_name = party_name (v->reg);
  g_autofree char *name = name_key (display_name);
  MatchData match = { planning, name, 0, 0 };
  NewPartyData pending = { planning->new_by_key, name, NULL };
  PartyPlan *plan;

  foreach_contact (v->reg, match_cb, &match);
  if (match.match != 0)
    return existing_plan (planning, match.match);

  foreach_contact (v->reg, find_new_party_cb, &pending);
  plan = pending.found;
  if (plan == NULL) {
    plan = party_plan_new (0);
    plan->values = new_party_values (v->reg, planning->countries);
    plan->duplicate_of = match.other;
    g_ptr_array_add (planning->new_plans, plan);
    pending.found = plan;
    foreach_contact (v->reg, index_new_party_cb, &pending);
  }
  return plan;
}

/* The category that lets staff in Tryton list the parties to review; created once. */
static gint64
duplicate_category (FoyerTrytonBackend  *self,
                    GCancellable        *cancellable,
                    GError             **error)
{
  static const char * const fields[] = { "name", NULL };
  g_autoptr(JsonArray) names = json_array_new ();
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               json_object_unref);
  g_autofree char *reason = NULL;
  JsonObject *values;
  gint64 id = 0;

  json_array_add_string_element (names, POSSIBLE_DUPLICATE_CATEGORY);
  rows = search_read (self, "party.category", in_domain ("name", names), fields, cancellable,
                      error);
  if (rows == NULL)
    return -1;
  if (json_array_get_length (rows) > 0)
    return row_int (json_array_get_object_element (rows, 0), "id");
  values = json_object_new ();
  json_object_set_string_member (values, "name", POSSIBLE_DUPLICATE_CATEGORY);
  g_ptr_array_add (units, values);
  if (!send_units (self, "party.category", FALSE, units, 0, 1, &id, &reason, cancellable, error))
    return -1;
  if (reason != NULL) {
    g_set_error (error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_TRANSIENT, "%s", reason);
    return -1;
  }
  return id;
}

/* A note on each possibly duplicated party, naming the party it may duplicate. */
static gboolean
note_possible_duplicates (FoyerTrytonBackend  *self,
                          Planning            *planning,
                          const gint64        *ids,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               json_object_unref);
  g_autofree gint64 *note_ids = NULL;
  g_autofree char **reasons = NULL;
  gboolean ok;

  for (guint i = 0; i < planning->new_plans->len; i++) {
    PartyPlan *plan = planning->new_plans->pdata[i];
    JsonObject *note;
    g_autofree char *resource = NULL;
    g_autofree char *message = NULL;

    if (plan->duplicate_of == 0 || ids[i] == 0)
      continue;
    resource = g_strdup_printf ("party.party,%" G_GINT64_FORMAT, ids[i]);
    message = g_strdup_printf ("Foyer: possible duplicate of party %" G_GINT64_FORMAT
                               " (same e-mail or phone, another name). Merge by hand if it is "
                               "the same person.", plan->duplicate_of);
    note = json_object_new ();
    json_object_set_string_member (note, "resource", resource);
    json_object_set_string_member (note, "message", message);
    g_ptr_array_add (notes, note);
  }
  if (notes->len == 0)
    return TRUE;
  note_ids = g_new0 (gint64, notes->len);
  reasons = g_new0 (char *, notes->len);
  ok = send_units (self, "ir.note", FALSE, notes, 0, notes->len, note_ids, reasons, cancellable,
                   error);
  for (guint i = 0; i < notes->len; i++)
    g_free (reasons[i]);   /* a note Tryton refuses does not make the party wrong */
  return ok;
}

/* New parties: one create for all of them, the possible duplicates in their category. */
static gboolean
create_new_parties (FoyerTrytonBackend  *self,
                    Planning            *planning,
                    GCancellable        *cancellable,
                    GError             **error)
{
  guint n = planning->new_plans->len;
  g_autoptr(GPtrArray) units = g_ptr_array_new ();
  g_autofree gint64 *ids = g_new0 (gint64, MAX (n, 1));
  g_autofree char **reasons = g_new0 (char *, MAX (n, 1));
  gint64 category = 0;

  for (guint i = 0; i < n; i++) {
    PartyPlan *plan = planning->new_plans->pdata[i];

    if (plan->duplicate_of != 0 && category == 0 &&
        (category = duplicate_category (self, cancellable, error)) < 0)
      return FALSE;
    json_object_set_member (plan->values, "identifiers", create_action (plan->identifiers));
    json_object_set_member (plan->values, "contact_mechanisms", create_action (plan->mechanisms));
    if (plan->duplicate_of != 0)
      json_object_set_member (plan->values, "categories", add_action (category));
    g_ptr_array_add (units, plan->values);
  }
  if (!send_units (self, "party.party", FALSE, units, 0, n, ids, reasons, cancellable, error)) {
    for (guint i = 0; i < n; i++)
      g_free (reasons[i]);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    PartyPlan *plan = planning->new_plans->pdata[i];

    for (guint j = 0; j < plan->visitors->len; j++) {
      Visitor *v = plan->visitors->pdata[j];

      v->party = ids[i];
      v->rejected = g_strdup (reasons[i]);
    }
    if (reasons[i] != NULL)
      ids[i] = 0;
    g_free (reasons[i]);
  }
  return note_possible_duplicates (self, planning, ids, cancellable, error);
}

/* Existing parties: one write with a ([id], values) pair each, adding markers and contacts. */
static gboolean
extend_existing_parties (FoyerTrytonBackend  *self,
                         Planning            *planning,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);
  g_autoptr(GPtrArray) plans = g_ptr_array_new ();
  g_autofree char **reasons = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, planning->existing);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    PartyPlan *plan = value;
    JsonArray *pair = json_array_new ();
    JsonArray *party_ids = json_array_new ();
    JsonObject *write_values = json_object_new ();

    json_array_add_int_element (party_ids, plan->party);
    json_object_set_member (write_values, "identifiers", create_action (plan->identifiers));
    if (json_array_get_length (plan->mechanisms) > 0)
      json_object_set_member (write_values, "contact_mechanisms",
                              create_action (plan->mechanisms));
    json_array_add_array_element (pair, party_ids);
    json_array_add_object_element (pair, write_values);
    g_ptr_array_add (pairs, pair);
    g_ptr_array_add (plans, plan);
  }
  reasons = g_new0 (char *, MAX (pairs->len, 1));
  if (!send_units (self, "party.party", TRUE, pairs, 0, pairs->len, NULL, reasons, cancellable,
                   error)) {
    for (guint i = 0; i < pairs->len; i++)
      g_free (reasons[i]);
    return FALSE;
  }
  for (guint i = 0; i < plans->len; i++) {
    PartyPlan *plan = plans->pdata[i];

    for (guint j = 0; j < plan->visitors->len; j++) {
      Visitor *v = plan->visitors->pdata[j];

      v->party = plan->party;
      v->rejected = g_strdup (reasons[i]);
    }
    g_free (reasons[i]);
  }
  return TRUE;
}

/* Gives every visitor without a party one (see plan_party_for()), then sends the new parties
 * and the markers and contacts the existing ones gain. */
static gboolean
plan_and_send_parties (FoyerTrytonBackend  *self,
                       GPtrArray           *visitors,
                       GCancellable        *cancellable,
                       GError             **error)
{
  Planning planning = { 0 };
  gboolean ok;

  planning_init (&planning);
  ok = search_contacts (self, visitors, &planning, cancellable, error) &&
       fetch_party_names (self, &planning, cancellable, error) &&
       fetch_countries (self, visitors, &planning, cancellable, error);
  if (ok) {
    for (guint i = 0; i < visitors->len; i++) {
      Visitor *v = visitors->pdata[i];
      PartyPlan *plan = plan_party_for (&planning, v);

      add_marker (plan, v);
      foreach_contact (v->reg, add_mechanism_cb, plan);
    }
    ok = create_new_parties (self, &planning, cancellable, error) &&
         extend_existing_parties (self, &planning, cancellable, error);
  }
  planning_clear (&planning);
  return ok;
}

/* One batch on its way: the records, the visitors behind them, what Tryton has already. */
typedef struct {
  guint       n;
  Item       *items;
  GHashTable *visitors;        /* registration id → Visitor* (owned) */
  GPtrArray  *visitor_order;   /* borrowed Visitor*, in record order */
  GHashTable *markers;         /* party identifier codes to look for */
  GHashTable *references;      /* opportunity references to look for */
  JsonArray  *opportunities;   /* rows Tryton has for references */
} Batch;

static void
batch_clear (Batch *batch)
{
  for (guint i = 0; i < batch->n; i++)
    item_clear (&batch->items[i]);
  g_clear_pointer (&batch->items, g_free);
  g_clear_pointer (&batch->visitors, g_hash_table_unref);
  g_clear_pointer (&batch->visitor_order, g_ptr_array_unref);
  g_clear_pointer (&batch->markers, g_hash_table_unref);
  g_clear_pointer (&batch->references, g_hash_table_unref);
  g_clear_pointer (&batch->opportunities, json_array_unref);
}

/* Which visitor a record is about: itself for a registration, the lead's visitor for a lead.
 * NULL (with item->rejected set when it deserves an answer) when there is none. */
static JsonObject *
classify_item (Item        *item,
               const char **visitor_id)
{
  const char *type = member_string (item->record, "type");
  JsonObject *reg = NULL;

  *visitor_id = NULL;
  if (g_strcmp0 (type, "registration") == 0 || g_strcmp0 (type, "check_in") == 0) {
    *visitor_id = item->id;
    item->wants_opportunity = g_strcmp0 (member_string (item->record, "category"),
                                         FOYER_CATEGORY_TRADE_VISITOR) == 0;
    return item->record;
  }
  if (g_strcmp0 (type, "lead") == 0) {
    JsonNode *vn = json_object_get_member (item->record, "visitor");

    item->is_lead = TRUE;
    item->wants_opportunity = TRUE;
    reg = vn != NULL && JSON_NODE_HOLDS_OBJECT (vn) ? json_node_get_object (vn) : NULL;
    *visitor_id = member_string (reg, "id");
    if (*visitor_id == NULL)
      *visitor_id = member_string (item->record, "registration_id");
    if (*visitor_id == NULL)
      item->rejected = g_strdup ("the lead names no visitor");
    return reg;
  }
  item->rejected = g_strdup_printf ("Foyer's Tryton backend does not know records of type "
                                    "“%s”", type != NULL ? type : "(none)");
  return NULL;
}

/* Who is who: every record names a visitor (itself for a registration). */
static void
batch_init (Batch     *batch,
            JsonArray *records)
{
  batch->n = json_array_get_length (records);
  batch->items = g_new0 (Item, MAX (batch->n, 1));
  batch->visitors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) visitor_free);
  batch->visitor_order = g_ptr_array_new ();
  batch->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  batch->references = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < batch->n; i++) {
    Item *item = &batch->items[i];
    JsonNode *node = json_array_get_element (records, i);
    const char *visitor_id;
    JsonObject *reg;
    Visitor *v;

    item->record = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    item->id = member_string (item->record, "id");
    if (item->id == NULL)
      continue;  /* nothing to answer for */
    reg = classify_item (item, &visitor_id);
    if (visitor_id == NULL)
      continue;

    v = g_hash_table_lookup (batch->visitors, visitor_id);
    if (v == NULL) {
      v = g_new0 (Visitor, 1);
      v->id = g_strdup (visitor_id);
      g_hash_table_insert (batch->visitors, v->id, v);
      g_ptr_array_add (batch->visitor_order, v);
    }
    if (v->reg == NULL)
      v->reg = reg;
    item->visitor = v;
    g_hash_table_add (batch->markers, marker (v->id));
    if (item->wants_opportunity)
      g_hash_table_add (batch->references, marker (item->id));
  }
}

/* The parties Tryton already has for these visitors (their identifier carries the marker). */
static gboolean
find_known_parties (FoyerTrytonBackend  *self,
                    Batch               *batch,
                    GCancellable        *cancellable,
                    GError             **error)
{
  static const char * const fields[] = { "code", "party", NULL };
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) rows = NULL;

  if (g_hash_table_size (batch->markers) == 0)
    return TRUE;
  list = string_list (batch->markers);
  rows = search_read (self, "party.identifier", in_domain ("code", list), fields, cancellable,
                      error);
  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < json_array_get_length (rows); r++) {
    JsonObject *row = json_array_get_object_element (rows, r);
    const char *code = member_string (row, "code");
    Visitor *v;

    if (code == NULL || !g_str_has_prefix (code, FOYER_TRYTON_MARKER_PREFIX))
      continue;
    v = g_hash_table_lookup (batch->visitors, code + strlen (FOYER_TRYTON_MARKER_PREFIX));
    if (v != NULL && row_int (row, "party") != 0) {
      v->party = row_int (row, "party");
      v->party_found = TRUE;
    }
  }
  return TRUE;
}

/* The opportunities Tryton already has for these records (their reference is the marker). */
static gboolean
find_known_opportunities (FoyerTrytonBackend  *self,
                          Batch               *batch,
                          GCancellable        *cancellable,
                          GError             **error)
{
  static const char * const fields[] = { "reference", "party", "state", "description",
                                         "comment", "conversion_probability", NULL };
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GHashTable) found = NULL;

  if (g_hash_table_size (batch->references) == 0)
    return TRUE;
  list = string_list (batch->references);
  found = g_hash_table_new (g_str_hash, g_str_equal);
  batch->opportunities = search_read (self, "sale.opportunity", in_domain ("reference", list),
                                      fields, cancellable, error);
  if (batch->opportunities == NULL)
    return FALSE;
  for (guint r = 0; r < json_array_get_length (batch->opportunities); r++) {
    JsonObject *row = json_array_get_object_element (batch->opportunities, r);
    const char *ref = member_string (row, "reference");
    if (ref != NULL)
      g_hash_table_insert (found, (gpointer) ref, row);
  }
  for (guint i = 0; i < batch->n; i++) {
    Item *item = &batch->items[i];
    g_autofree char *ref = NULL;

    if (!item->wants_opportunity || item->id == NULL)
      continue;
    ref = marker (item->id);
    item->opportunity = g_hash_table_lookup (found, ref);
    item->opportunity_found = item->opportunity != NULL;
  }
  return TRUE;
}

/* Parties for the visitors Tryton does not know yet. A lead whose opportunity exists needs
 * none; a lead without visitor data cannot make one. */
static gboolean
give_visitors_parties (FoyerTrytonBackend  *self,
                       Batch               *batch,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autoptr(GPtrArray) needing = g_ptr_array_new ();

  for (guint i = 0; i < batch->visitor_order->len; i++) {
    Visitor *v = batch->visitor_order->pdata[i];
    gboolean needed = FALSE;

    if (v->party != 0)
      continue;
    for (guint j = 0; j < batch->n && !needed; j++) {
      Item *item = &batch->items[j];

      needed = item->visitor == v && item->rejected == NULL &&
        (!item->is_lead || !item->opportunity_found);
    }
    if (!needed)
      continue;
    if (v->reg == NULL)
      v->rejected = g_strdup ("the lead carries no visitor and Tryton has no party for it");
    else
      g_ptr_array_add (needing, v);
  }
  return needing->len == 0 || plan_and_send_parties (self, needing, cancellable, error);
}

/* Sends units (create or write) and hands each refusal to the record that owns the unit. */
static gboolean
send_owned_units (FoyerTrytonBackend  *self,
                  Batch               *batch,
                  gboolean             write,
                  GPtrArray           *units,
                  GArray              *owners,
                  GCancellable        *cancellable,
                  GError             **error)
{
  g_autofree char **reasons = g_new0 (char *, MAX (units->len, 1));
  g_autofree gint64 *ids = g_new0 (gint64, MAX (units->len, 1));

  if (!send_units (self, "sale.opportunity", write, units, 0, units->len, write ? NULL : ids,
                   reasons, cancellable, error)) {
    for (guint u = 0; u < units->len; u++)
      g_free (reasons[u]);
    return FALSE;
  }
  for (guint u = 0; u < units->len; u++)
    batch->items[g_array_index (owners, guint, u)].rejected = reasons[u];
  return TRUE;
}

/* Opportunities: one create for the leads and trade visitors that have none yet. */
static gboolean
create_opportunities (FoyerTrytonBackend  *self,
                      Batch               *batch,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               json_object_unref);
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < batch->n; i++) {
    Item *item = &batch->items[i];

    if (!item->wants_opportunity || item->opportunity_found || item->rejected != NULL ||
        item->visitor == NULL || item->visitor->rejected != NULL || item->visitor->party == 0)
      continue;
    g_ptr_array_add (units, opportunity_values (item->is_lead ? item->record : NULL,
                                                item->visitor->reg, item->id,
                                                item->visitor->party, self->company));
    g_array_append_val (owners, i);
  }
  return send_owned_units (self, batch, FALSE, units, owners, cancellable, error);
}

/* The write a lead edited at the booth needs, or NULL when its opportunity already says the
 * same (a plain resend) or sales has moved it on. */
static JsonArray *
opportunity_update (Item *item)
{
  g_autoptr(JsonObject) values = NULL;
  const char *state = member_string (item->opportunity, "state");
  JsonNode *probability;
  JsonArray *pair;
  JsonArray *opportunity_ids;

  if (!item->is_lead || item->opportunity == NULL || item->rejected != NULL ||
      (g_strcmp0 (state, "lead") != 0 && g_strcmp0 (state, "opportunity") != 0))
    return NULL;
  values = opportunity_values (item->record, item->visitor->reg, item->id,
                               row_int (item->opportunity, "party"), 0);
  probability = json_object_get_member (item->opportunity, "conversion_probability");
  if (g_strcmp0 (member_string (values, "description"),
                 member_string (item->opportunity, "description")) == 0 &&
      g_strcmp0 (member_string (values, "comment"),
                 member_string (item->opportunity, "comment")) == 0 &&
      probability != NULL && JSON_NODE_TYPE (probability) == JSON_NODE_VALUE &&
      ABS (json_node_get_double (probability) -
           json_object_get_double_member (values, "conversion_probability")) < 1e-6)
    return NULL;
  json_object_remove_member (values, "reference");
  json_object_remove_member (values, "party");
  json_object_remove_member (values, "start_date");
  pair = json_array_new ();
  opportunity_ids = json_array_new ();
  json_array_add_int_element (opportunity_ids, row_int (item->opportunity, "id"));
  json_array_add_array_element (pair, opportunity_ids);
  json_array_add_object_element (pair, g_steal_pointer (&values));
  return pair;
}

/* A lead edited at the booth is queued again: bring its opportunity up to date while sales
 * has not moved it on. A plain resend changes nothing and costs no request. */
static gboolean
update_edited_opportunities (FoyerTrytonBackend  *self,
                             Batch               *batch,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               json_array_unref);
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < batch->n; i++) {
    JsonArray *pair = opportunity_update (&batch->items[i]);

    if (pair == NULL)
      continue;
    g_ptr_array_add (pairs, pair);
    g_array_append_val (owners, i);
    batch->items[i].updated = TRUE;
  }
  return send_owned_units (self, batch, TRUE, pairs, owners, cancellable, error);
}

/* The answer, record by record. */
static GPtrArray *
batch_results (Batch *batch)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) foyer_sync_item_result_free);

  for (guint i = 0; i < batch->n; i++) {
    Item *item = &batch->items[i];
    const char *reason = item->rejected;
    gboolean duplicate;

    if (item->id == NULL)
      continue;
    if (reason == NULL && item->visitor != NULL && item->visitor->rejected != NULL &&
        (!item->is_lead || !item->opportunity_found))
      reason = item->visitor->rejected;
    if (reason != NULL) {
      g_ptr_array_add (out, foyer_sync_item_result_new (item->id, FOYER_SYNC_ITEM_REJECTED,
                                                        reason));
      continue;
    }
    if (item->is_lead)
      duplicate = item->opportunity_found && !item->updated;
    else
      duplicate = item->visitor->party_found &&
        (!item->wants_opportunity || item->opportunity_found);
    g_ptr_array_add (out, foyer_sync_item_result_new (item->id,
                                                      duplicate ? FOYER_SYNC_ITEM_DUPLICATE
                                                                : FOYER_SYNC_ITEM_ACCEPTED,
                                                      NULL));
  }
  return out;
}

static gboolean
foyer_tryton_backend_send_batch (FoyerSyncBackend  *backend,
                                 const char        *batch_id,
                                 JsonArray         *records,
                                 GPtrArray        **results,
                                 gint64            *retry_after_ms,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  FoyerTrytonBackend *self = FOYER_TRYTON_BACKEND (backend);
  Batch batch = { 0 };
  gboolean ok;

  g_debug ("batch %s: %u records", batch_id != NULL ? batch_id : "-",
           json_array_get_length (records));
  self->retry_after_ms = 0;

  batch_init (&batch, records);
  ok = find_known_parties (self, &batch, cancellable, error) &&
       find_known_opportunities (self, &batch, cancellable, error) &&
       give_visitors_parties (self, &batch, cancellable, error) &&
       create_opportunities (self, &batch, cancellable, error) &&
       update_edited_opportunities (self, &batch, cancellable, error);
  if (ok) {
    *results = batch_results (&batch);
  } else {
    if (error != NULL && *error != NULL &&
        g_error_matches (*error, FOYER_SYNC_ERROR, FOYER_SYNC_ERROR_BAD_BATCH))
      (*error)->code = FOYER_SYNC_ERROR_TRANSIENT;  /* a refused search is not the data's fault */
    if (retry_after_ms != NULL)
      *retry_after_ms = self->retry_after_ms;
  }
  batch_clear (&batch);
  return ok;
}

static gboolean
foyer_tryton_backend_check_health (FoyerSyncBackend  *backend,
                                   GCancellable      *cancellable,
                                   GError           **error)
{
  FoyerTrytonBackend *self = FOYER_TRYTON_BACKEND (backend);
  g_autoptr(JsonArray) params = json_array_new ();
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *message = NULL;
  RpcStatus status;

  /* The server's version: answered without a database or a login, so it costs Tryton nothing. */
  status = rpc_post (self, "", NULL, "common.server.version", params, cancellable, &result,
                     &message);
  if (status != RPC_OK) {
    set_error_from_status (error, status, message);
    return FALSE;
  }
  return TRUE;
}

static const char * const *
foyer_tryton_backend_get_warnings (FoyerSyncBackend *backend)
{
  return foyer_curl_settings_get_warnings (FOYER_TRYTON_BACKEND (backend)->settings);
}

static guint64
foyer_tryton_backend_iface_get_request_count (FoyerSyncBackend *backend)
{
  return foyer_tryton_backend_get_request_count (FOYER_TRYTON_BACKEND (backend));
}

static void
foyer_tryton_backend_iface_init (FoyerSyncBackendInterface *iface)
{
  iface->send_batch = foyer_tryton_backend_send_batch;
  iface->check_health = foyer_tryton_backend_check_health;
  iface->get_warnings = foyer_tryton_backend_get_warnings;
  iface->get_request_count = foyer_tryton_backend_iface_get_request_count;
}
