/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-auth.c: passwords (Argon2id through Debian's libargon2), sessions, CSRF tokens,
 * lockout and the exhibitors' link tokens.
 */
#define G_LOG_DOMAIN "foyer-hub-auth"

#include "config.h"

#include <argon2.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "foyer-hub-auth.h"

G_DEFINE_QUARK (foyer-hub-auth-error-quark, foyer_hub_auth_error)

/* OWASP's Argon2id floor (19 MiB, 2 passes): about 30 ms a login on a small server. */
#define ARGON2_T_COST   2
#define ARGON2_M_COST   (19 * 1024)
#define ARGON2_LANES    1
#define ARGON2_SALT_LEN 16
#define ARGON2_HASH_LEN 32
#define MAX_NAME_LEN    128
#define MAX_PASSWORD_LEN 1024

typedef struct {
  char        *hash;
  FoyerHubRole role;
} User;

typedef struct {
  guint  failures;
  gint64 first_failure;
  gint64 locked_until;
} Failures;

struct _FoyerHubAuth {
  GObject     parent_instance;

  gint64      now;          /* 0 = real time */
  char       *dummy_hash;   /* verified for unknown names, so that timing tells nothing */
  GHashTable *users;        /* name → User */
  GHashTable *sessions;     /* SHA-256(token) → FoyerHubSession */
  GHashTable *failures;     /* name → Failures */
  GHashTable *links;        /* SHA-256(token) → FoyerHubLink */
  FoyerHubStorage *storage; /* when set, the tables above stay empty: the database has them */
  char       *event;        /* the event of new links (storage only) */
  FoyerHubSession *current; /* the last session read from the database */
  FoyerHubLink *current_link;
};

G_DEFINE_FINAL_TYPE (FoyerHubAuth, foyer_hub_auth, G_TYPE_OBJECT)

gboolean
foyer_hub_role_parse (const char   *name,
                      FoyerHubRole *role)
{
  if (g_strcmp0 (name, "admin") == 0)
    *role = FOYER_HUB_ROLE_ADMIN;
  else if (g_strcmp0 (name, "viewer") == 0)
    *role = FOYER_HUB_ROLE_VIEWER;
  else
    return FALSE;
  return TRUE;
}

const char *
foyer_hub_role_to_string (FoyerHubRole role)
{
  return role == FOYER_HUB_ROLE_ADMIN ? "admin" : "viewer";
}

static gboolean
random_bytes (guint8 *buffer, gsize len)
{
  gsize got = 0;

  while (got < len) {
    gssize n = getrandom (buffer + got, len - got, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    got += (gsize) n;
  }
  return TRUE;
}

char *
foyer_hub_auth_hash_password (const char  *password,
                              GError     **error)
{
  guint8 salt[ARGON2_SALT_LEN];
  gsize len = argon2_encodedlen (ARGON2_T_COST, ARGON2_M_COST, ARGON2_LANES, ARGON2_SALT_LEN,
                                 ARGON2_HASH_LEN, Argon2_id);
  g_autofree char *encoded = g_malloc0 (len);
  int status;

  g_return_val_if_fail (password != NULL, NULL);

  if (!random_bytes (salt, sizeof salt)) {
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_FAILED,
                 _("No random numbers from the kernel: %s"), g_strerror (errno));
    return NULL;
  }
  status = argon2id_hash_encoded (ARGON2_T_COST, ARGON2_M_COST, ARGON2_LANES, password,
                                  strlen (password), salt, sizeof salt, ARGON2_HASH_LEN,
                                  encoded, len);
  if (status != ARGON2_OK) {
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_FAILED,
                 _("Cannot hash the password: %s"), argon2_error_message (status));
    return NULL;
  }
  return g_steal_pointer (&encoded);
}

gboolean
foyer_hub_auth_verify_password (const char *encoded,
                                const char *password)
{
  if (encoded == NULL || password == NULL || !g_str_has_prefix (encoded, "$argon2id$"))
    return FALSE;
  return argon2id_verify (encoded, password, strlen (password)) == ARGON2_OK;
}

char *
foyer_hub_auth_token_new (void)
{
  guint8 bytes[32];
  g_autofree char *text = NULL;

  if (!random_bytes (bytes, sizeof bytes))
    g_error ("getrandom failed: %s", g_strerror (errno));   /* the kernel always has entropy */
  text = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  text[strcspn (text, "=")] = '\0';
  return g_steal_pointer (&text);
}

char *
foyer_hub_auth_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

gboolean
foyer_hub_auth_equal (const char *a,
                      const char *b)
{
  gsize len;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  len = strlen (a);
  if (len != strlen (b))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];
  return diff == 0;
}

static void
user_free (gpointer data)
{
  User *user = data;
  g_free (user->hash);
  g_free (user);
}

static void
session_free (gpointer data)
{
  FoyerHubSession *session = data;
  g_free (session->user);
  g_free (session->csrf_token);
  g_free (session);
}

static void
link_free (gpointer data)
{
  FoyerHubLink *link = data;
  g_free (link->booth);
  g_free (link->event);
  g_free (link);
}

static void
foyer_hub_auth_finalize (GObject *object)
{
  FoyerHubAuth *self = FOYER_HUB_AUTH (object);

  g_free (self->dummy_hash);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->current, session_free);
  g_clear_pointer (&self->current_link, link_free);
  g_clear_object (&self->storage);
  g_free (self->event);

  G_OBJECT_CLASS (foyer_hub_auth_parent_class)->finalize (object);
}

static void
foyer_hub_auth_class_init (FoyerHubAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_auth_finalize;
}

static void
foyer_hub_auth_init (FoyerHubAuth *self)
{
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, user_free);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_free);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, link_free);
}

FoyerHubAuth *
foyer_hub_auth_new (void)
{
  return g_object_new (FOYER_TYPE_HUB_AUTH, NULL);
}

FoyerHubAuth *
foyer_hub_auth_new_for_storage (FoyerHubStorage *storage,
                                const char      *event)
{
  FoyerHubAuth *self = foyer_hub_auth_new ();

  g_return_val_if_fail (FOYER_HUB_IS_STORAGE (storage), NULL);
  self->storage = g_object_ref (storage);
  self->event = g_strdup (event);
  return self;
}

/* A database error is logged and taken as "not found": it never lets anyone in. */
static void
storage_failed (const char *what, GError *error)
{
  if (error != NULL)
    g_warning ("dashboard accounts: %s: %s", what, error->message);
}

void
foyer_hub_auth_set_now (FoyerHubAuth *self,
                        gint64        now)
{
  g_return_if_fail (FOYER_IS_HUB_AUTH (self));
  self->now = now;
}

static gint64
auth_now (FoyerHubAuth *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
check_length (const char *message, const char *value, gsize max, GError **error)
{
  if (value != NULL && *value != '\0' && strlen (value) <= max && g_utf8_validate (value, -1, NULL))
    return TRUE;
  g_set_error_literal (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
add_user_to_storage (FoyerHubAuth *self, const char *name, char *hash, FoyerHubRole role,
                     GError **error)
{
  g_autofree char *owned = hash;
  g_autoptr(GError) local = NULL;

  if (foyer_hub_storage_user_add (self->storage, name, owned,
                                  foyer_hub_role_to_string (role), &local))
    return TRUE;
  g_set_error_literal (error, FOYER_HUB_AUTH_ERROR,
                       g_error_matches (local, FOYER_HUB_STORAGE_ERROR,
                                        FOYER_HUB_STORAGE_ERROR_EXISTS)
                       ? FOYER_HUB_AUTH_ERROR_EXISTS : FOYER_HUB_AUTH_ERROR_FAILED,
                       local->message);
  return FALSE;
}

gboolean
foyer_hub_auth_add_user (FoyerHubAuth  *self,
                         const char    *name,
                         const char    *password,
                         FoyerHubRole   role,
                         GError       **error)
{
  User *user;
  char *hash;

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), FALSE);

  if (!check_length (_("The user name must be 1 to 128 bytes of UTF-8 text."), name,
                     MAX_NAME_LEN, error)
      || !check_length (_("The password must be 1 to 1024 bytes of UTF-8 text."), password,
                        MAX_PASSWORD_LEN, error))
    return FALSE;
  if (role != FOYER_HUB_ROLE_ADMIN && role != FOYER_HUB_ROLE_VIEWER) {
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_INVALID,
                 _("The role must be admin or viewer"));
    return FALSE;
  }
  if (self->storage == NULL && g_hash_table_contains (self->users, name)) {
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_EXISTS,
                 _("There is already a user called %s"), name);
    return FALSE;
  }
  hash = foyer_hub_auth_hash_password (password, error);
  if (hash == NULL)
    return FALSE;
  if (self->storage != NULL)
    return add_user_to_storage (self, name, hash, role, error);
  user = g_new0 (User, 1);
  user->hash = hash;
  user->role = role;
  g_hash_table_insert (self->users, g_strdup (name), user);
  return TRUE;
}

/* The failures of name (zeros when none). */
static void
load_failures (FoyerHubAuth *self, const char *name, Failures *out)
{
  g_autoptr(GError) error = NULL;
  Failures *f;
  gint64 failures = 0;

  *out = (Failures) { 0, 0, 0 };
  if (self->storage == NULL) {
    if ((f = g_hash_table_lookup (self->failures, name)) != NULL)
      *out = *f;
    return;
  }
  if (!foyer_hub_storage_failures_get (self->storage, name, &failures, &out->first_failure,
                                       &out->locked_until, &error))
    storage_failed ("reading the lockout", error);
  out->failures = failures;
}

static void
save_failures (FoyerHubAuth *self, const char *name, const Failures *f)
{
  g_autoptr(GError) error = NULL;

  if (self->storage == NULL)
    g_hash_table_insert (self->failures, g_strdup (name), g_memdup2 (f, sizeof *f));
  else if (!foyer_hub_storage_failures_put (self->storage, name, f->failures, f->first_failure,
                                            f->locked_until, &error))
    storage_failed ("writing the lockout", error);
}

/* Counts a failure for name, locking it at the last one allowed. */
static void
note_failure (FoyerHubAuth *self, const char *name, gint64 now)
{
  Failures stored;
  Failures *f = &stored;

  load_failures (self, name, f);
  if (f->failures == 0 || now - f->first_failure > FOYER_HUB_AUTH_LOCK_SECONDS) {
    f->failures = 0;
    f->first_failure = now;
  }
  if (++f->failures >= FOYER_HUB_AUTH_MAX_FAILURES) {
    f->locked_until = now + FOYER_HUB_AUTH_LOCK_SECONDS;
    f->failures = 0;
    g_message ("Sign-in locked for %d minutes after %d failed attempts",
               FOYER_HUB_AUTH_LOCK_SECONDS / 60, FOYER_HUB_AUTH_MAX_FAILURES);
  }
  save_failures (self, name, f);
}

static gboolean
is_locked (FoyerHubAuth *self, const char *name, gint64 now)
{
  Failures f;

  load_failures (self, name, &f);
  return f.locked_until > now;
}

static char *
session_new (FoyerHubAuth *self, const char *name, FoyerHubRole role, gint64 now)
{
  FoyerHubSession *session = g_new0 (FoyerHubSession, 1);
  char *token = foyer_hub_auth_token_new ();

  session->user = g_strdup (name);
  session->role = role;
  session->csrf_token = foyer_hub_auth_token_new ();
  session->expires_at = now + FOYER_HUB_AUTH_SESSION_SECONDS;
  if (self->storage != NULL) {
    g_autofree char *key = foyer_hub_auth_token_hash (token);
    g_autoptr(GError) error = NULL;
    gboolean ok = foyer_hub_storage_session_put (self->storage, key, name,
                                                 session->csrf_token, session->expires_at,
                                                 now, &error);
    session_free (session);
    if (!ok) {
      storage_failed ("storing a session", error);
      g_clear_pointer (&token, g_free);
    }
    return token;
  }
  g_hash_table_insert (self->sessions, foyer_hub_auth_token_hash (token), session);
  return token;
}

/* The user's hash and role, from memory or the database; NULL: no such user. */
static char *
lookup_user (FoyerHubAuth *self, const char *name, FoyerHubRole *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *role_name = NULL;
  char *hash;
  User *user;

  if (self->storage == NULL) {
    user = g_hash_table_lookup (self->users, name);
    if (user == NULL)
      return NULL;
    *role = user->role;
    return g_strdup (user->hash);
  }
  hash = foyer_hub_storage_user_get (self->storage, name, &role_name, &error);
  storage_failed ("reading a user", error);
  if (hash != NULL && !foyer_hub_role_parse (role_name, role))
    g_clear_pointer (&hash, g_free);
  return hash;
}

char *
foyer_hub_auth_login_begin (FoyerHubAuth  *self,
                            const char    *name,
                            const char    *password,
                            GError       **error)
{
  FoyerHubRole role;
  char *hash;

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), NULL);

  if (name == NULL || password == NULL || strlen (name) > MAX_NAME_LEN
      || strlen (password) > MAX_PASSWORD_LEN) {
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS,
                 _("Wrong user name or password."));
    return NULL;
  }
  if (is_locked (self, name, auth_now (self))) {
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_LOCKED,
                 _("Too many failed attempts. Try again in a few minutes."));
    return NULL;
  }
  hash = lookup_user (self, name, &role);
  if (hash != NULL)
    return hash;
  if (self->dummy_hash == NULL)
    self->dummy_hash = foyer_hub_auth_hash_password ("foyer-hub-no-such-user", NULL);
  /* not a hash of anything the caller can type: the check costs the same and fails */
  return g_strdup (self->dummy_hash);
}

char *
foyer_hub_auth_login_finish (FoyerHubAuth  *self,
                             const char    *name,
                             gboolean       verified,
                             GError       **error)
{
  gint64 now = auth_now (self);
  g_autofree char *hash = NULL;
  FoyerHubRole role = FOYER_HUB_ROLE_VIEWER;
  const Failures none = { 0, 0, 0 };

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), NULL);

  hash = lookup_user (self, name, &role);
  if (!verified || hash == NULL) {
    note_failure (self, name, now);
    g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS,
                 _("Wrong user name or password."));
    return NULL;
  }
  save_failures (self, name, &none);
  return session_new (self, name, role, now);
}

char *
foyer_hub_auth_login (FoyerHubAuth  *self,
                      const char    *name,
                      const char    *password,
                      GError       **error)
{
  g_autofree char *hash = foyer_hub_auth_login_begin (self, name, password, error);

  if (hash == NULL)
    return NULL;
  return foyer_hub_auth_login_finish (self, name,
                                      foyer_hub_auth_verify_password (hash, password), error);
}

static const FoyerHubSession *
load_session (FoyerHubAuth *self, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *role = NULL;
  FoyerHubSession *session = g_new0 (FoyerHubSession, 1);

  g_clear_pointer (&self->current, session_free);
  if (!foyer_hub_storage_session_get (self->storage, key, auth_now (self), &session->user,
                                      &role, &session->csrf_token, &session->expires_at, &error)
      || !foyer_hub_role_parse (role, &session->role)) {
    storage_failed ("reading a session", error);
    session_free (session);
    return NULL;
  }
  self->current = session;
  return session;
}

const FoyerHubSession *
foyer_hub_auth_get_session (FoyerHubAuth *self,
                            const char   *token)
{
  g_autofree char *key = NULL;
  FoyerHubSession *session;

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), NULL);

  if (token == NULL || *token == '\0')
    return NULL;
  key = foyer_hub_auth_token_hash (token);
  if (self->storage != NULL)
    return load_session (self, key);
  session = g_hash_table_lookup (self->sessions, key);
  if (session != NULL && session->expires_at <= auth_now (self)) {
    g_hash_table_remove (self->sessions, key);
    return NULL;
  }
  return session;
}

gboolean
foyer_hub_auth_check_csrf (FoyerHubAuth *self,
                           const char   *token,
                           const char   *presented)
{
  const FoyerHubSession *session;

  /* the session read last stays valid for the caller, who may hold it */
  if (self->storage != NULL && token != NULL && presented != NULL) {
    g_autofree char *key = foyer_hub_auth_token_hash (token);
    g_autofree char *user = NULL, *role = NULL, *csrf = NULL;
    gint64 expires_at;

    return foyer_hub_storage_session_get (self->storage, key, auth_now (self), &user, &role,
                                          &csrf, &expires_at, NULL)
           && foyer_hub_auth_equal (csrf, presented);
  }
  session = foyer_hub_auth_get_session (self, token);
  return session != NULL && presented != NULL
         && foyer_hub_auth_equal (session->csrf_token, presented);
}

void
foyer_hub_auth_logout (FoyerHubAuth *self,
                       const char   *token)
{
  g_autofree char *key = NULL;

  g_return_if_fail (FOYER_IS_HUB_AUTH (self));
  if (token == NULL)
    return;
  key = foyer_hub_auth_token_hash (token);
  if (self->storage != NULL) {
    g_autoptr(GError) error = NULL;
    if (!foyer_hub_storage_session_delete (self->storage, key, &error))
      storage_failed ("ending a session", error);
    return;
  }
  g_hash_table_remove (self->sessions, key);
}

char *
foyer_hub_auth_link_new (FoyerHubAuth *self,
                         const char   *booth,
                         gint64        ttl_seconds)
{
  FoyerHubLink *link;
  char *token;

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), NULL);
  g_return_val_if_fail (booth != NULL && *booth != '\0', NULL);
  g_return_val_if_fail (ttl_seconds > 0, NULL);

  token = foyer_hub_auth_token_new ();
  if (self->storage != NULL) {
    g_autofree char *key = foyer_hub_auth_token_hash (token);
    g_autoptr(GError) error = NULL;
    g_autofree char *event = self->event != NULL
                             ? g_strdup (self->event)
                             : foyer_hub_storage_default_event (self->storage, &error);

    if (event == NULL
        || !foyer_hub_storage_link_put (self->storage, key, event, booth,
                                        auth_now (self) + ttl_seconds, &error)) {
      storage_failed ("storing a link", error);
      g_clear_pointer (&token, g_free);
    }
    return token;
  }
  link = g_new0 (FoyerHubLink, 1);
  link->booth = g_strdup (booth);
  link->expires_at = auth_now (self) + ttl_seconds;
  g_hash_table_insert (self->links, foyer_hub_auth_token_hash (token), link);
  return token;
}

static FoyerHubLink *
load_link (FoyerHubAuth *self, const char *key)
{
  g_autoptr(GError) error = NULL;
  FoyerHubLink *link = g_new0 (FoyerHubLink, 1);

  g_clear_pointer (&self->current_link, link_free);
  if (!foyer_hub_storage_link_get (self->storage, key, auth_now (self), &link->event,
                                   &link->booth, &link->expires_at, &error)) {
    storage_failed ("reading a link", error);
    link_free (link);
    return NULL;
  }
  self->current_link = link;
  return link;
}

const FoyerHubLink *
foyer_hub_auth_link_check (FoyerHubAuth  *self,
                           const char    *token,
                           GError       **error)
{
  g_autofree char *key = NULL;
  FoyerHubLink *link = NULL;

  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), NULL);

  if (token != NULL && *token != '\0') {
    key = foyer_hub_auth_token_hash (token);
    link = self->storage != NULL ? load_link (self, key) : g_hash_table_lookup (self->links, key);
  }
  if (link != NULL && link->expires_at > auth_now (self))
    return link;
  g_set_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_UNKNOWN_TOKEN,
               _("This link is not valid: it has expired or been withdrawn. Ask the organiser "
                 "for a new one."));
  return NULL;
}

static gboolean
link_of_booth (gpointer key, gpointer value, gpointer booth)
{
  return g_strcmp0 (((FoyerHubLink *) value)->booth, booth) == 0;
}

guint
foyer_hub_auth_link_revoke (FoyerHubAuth *self,
                            const char   *booth)
{
  g_return_val_if_fail (FOYER_IS_HUB_AUTH (self), 0);
  if (self->storage != NULL) {
    g_autoptr(GError) error = NULL;
    gint64 n = self->event != NULL
               ? foyer_hub_storage_link_revoke (self->storage, self->event, booth, &error) : 0;
    storage_failed ("revoking links", error);
    return MAX (n, 0);
  }
  return g_hash_table_foreach_remove (self->links, link_of_booth, (gpointer) booth);
}
