/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hub-auth.c: passwords, sessions, CSRF, lockout, roles and exhibitor links, on a clock the
 * test moves — with the tables in memory and in a real hub database (SQLite), as foyer-hub keeps
 * them (hub-dashboard-live runs them on PostgreSQL too, through the hub).
 */
#include "config.h"

#include <string.h>

#include "foyer-hub-auth.h"
#include "foyer-test-util.h"

#define T0 1795482600

/* data: NULL for the in-memory tables, else "sqlite": a fresh hub database. */
static FoyerHubAuth *
new_auth (gconstpointer data)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FoyerHubStorage) storage = NULL;
  g_autoptr(GError) error = NULL;

  if (data == NULL)
    return foyer_hub_auth_new ();
  dir = foyer_test_make_tmpdir ("hub-auth");
  path = g_build_filename (dir, "hub.db", NULL);
  storage = foyer_hub_storage_open (path, 2, &error);
  g_assert_no_error (error);
  return foyer_hub_auth_new_for_storage (storage, "ev1");
}

static void
test_password_hash (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = foyer_hub_auth_hash_password ("correct horse 正确", &error);
  g_autofree char *b = foyer_hub_auth_hash_password ("correct horse 正确", NULL);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (a, "$argon2id$v=19$m=19456,t=2,p=1$"));
  g_assert_cmpstr (a, !=, b);                       /* a fresh salt each time */
  g_assert_true (foyer_hub_auth_verify_password (a, "correct horse 正确"));
  g_assert_true (foyer_hub_auth_verify_password (b, "correct horse 正确"));
  g_assert_false (foyer_hub_auth_verify_password (a, "correct horse"));
  g_assert_false (foyer_hub_auth_verify_password (a, ""));
  g_assert_false (foyer_hub_auth_verify_password ("plain-text", "plain-text"));
  g_assert_false (foyer_hub_auth_verify_password (NULL, "x"));
}

static void
test_tokens (void)
{
  g_autofree char *a = foyer_hub_auth_token_new ();
  g_autofree char *b = foyer_hub_auth_token_new ();
  g_autofree char *hash = foyer_hub_auth_token_hash (a);

  g_assert_cmpuint (strlen (a), ==, 43);
  g_assert_cmpuint (strspn (a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                    ==, 43);
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpuint (strlen (hash), ==, 64);
  g_assert_true (foyer_hub_auth_equal (a, a));
  g_assert_false (foyer_hub_auth_equal (a, b));
  g_assert_false (foyer_hub_auth_equal (a, NULL));
  g_assert_false (foyer_hub_auth_equal ("abc", "abcd"));
}

static void
test_users (gconstpointer data)
{
  g_autoptr(FoyerHubAuth) auth = new_auth (data);
  g_autoptr(GError) error = NULL;
  FoyerHubRole role;

  g_assert_true (foyer_hub_role_parse ("admin", &role));
  g_assert_cmpint (role, ==, FOYER_HUB_ROLE_ADMIN);
  g_assert_true (foyer_hub_role_parse ("viewer", &role));
  g_assert_cmpint (role, ==, FOYER_HUB_ROLE_VIEWER);
  g_assert_false (foyer_hub_role_parse ("root", &role));
  g_assert_cmpstr (foyer_hub_role_to_string (FOYER_HUB_ROLE_ADMIN), ==, "admin");

  g_assert_true (foyer_hub_auth_add_user (auth, "wang", "pw-1", FOYER_HUB_ROLE_ADMIN, &error));
  g_assert_no_error (error);
  g_assert_false (foyer_hub_auth_add_user (auth, "wang", "pw-2", FOYER_HUB_ROLE_VIEWER, &error));
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (foyer_hub_auth_add_user (auth, "", "pw", FOYER_HUB_ROLE_VIEWER, &error));
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (foyer_hub_auth_add_user (auth, "li", "", FOYER_HUB_ROLE_VIEWER, &error));
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (foyer_hub_auth_add_user (auth, "li", "pw", 7, &error));
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_INVALID);
}

static void
test_sessions (gconstpointer data)
{
  g_autoptr(FoyerHubAuth) auth = new_auth (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *viewer = NULL;
  const FoyerHubSession *session;
  g_autofree char *admin_csrf = NULL;

  foyer_hub_auth_set_now (auth, T0);
  g_assert_true (foyer_hub_auth_add_user (auth, "wang", "pw-admin", FOYER_HUB_ROLE_ADMIN, NULL));
  g_assert_true (foyer_hub_auth_add_user (auth, "zhao", "pw-view", FOYER_HUB_ROLE_VIEWER, NULL));
  admin = foyer_hub_auth_login (auth, "wang", "pw-admin", &error);
  g_assert_no_error (error);
  viewer = foyer_hub_auth_login (auth, "zhao", "pw-view", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin, !=, viewer);

  session = foyer_hub_auth_get_session (auth, admin);
  g_assert_nonnull (session);
  g_assert_cmpstr (session->user, ==, "wang");
  g_assert_cmpint (session->role, ==, FOYER_HUB_ROLE_ADMIN);
  admin_csrf = g_strdup (session->csrf_token);
  g_assert_cmpint (foyer_hub_auth_get_session (auth, viewer)->role, ==, FOYER_HUB_ROLE_VIEWER);

  /* CSRF: only this session's token */
  g_assert_true (foyer_hub_auth_check_csrf (auth, admin, admin_csrf));
  g_assert_false (foyer_hub_auth_check_csrf (auth, viewer, admin_csrf));
  g_assert_false (foyer_hub_auth_check_csrf (auth, admin, NULL));
  g_assert_false (foyer_hub_auth_check_csrf (auth, admin, ""));
  g_assert_false (foyer_hub_auth_check_csrf (auth, admin, admin));

  g_assert_null (foyer_hub_auth_get_session (auth, "made-up"));
  g_assert_null (foyer_hub_auth_get_session (auth, NULL));

  /* logout ends one session, not the other */
  foyer_hub_auth_logout (auth, admin);
  g_assert_null (foyer_hub_auth_get_session (auth, admin));
  g_assert_false (foyer_hub_auth_check_csrf (auth, admin, admin_csrf));
  g_assert_nonnull (foyer_hub_auth_get_session (auth, viewer));

  /* sessions expire */
  foyer_hub_auth_set_now (auth, T0 + FOYER_HUB_AUTH_SESSION_SECONDS - 1);
  g_assert_nonnull (foyer_hub_auth_get_session (auth, viewer));
  foyer_hub_auth_set_now (auth, T0 + FOYER_HUB_AUTH_SESSION_SECONDS);
  g_assert_null (foyer_hub_auth_get_session (auth, viewer));
}

static void
fail_login (FoyerHubAuth *auth, const char *name, const char *password, int code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = foyer_hub_auth_login (auth, name, password, &error);

  g_assert_null (token);
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, code);
}

static void
test_lockout (gconstpointer data)
{
  g_autoptr(FoyerHubAuth) auth = new_auth (data);
  g_autofree char *token = NULL;

  foyer_hub_auth_set_now (auth, T0);
  g_assert_true (foyer_hub_auth_add_user (auth, "wang", "pw", FOYER_HUB_ROLE_ADMIN, NULL));
  for (guint i = 0; i < FOYER_HUB_AUTH_MAX_FAILURES; i++)
    fail_login (auth, "wang", "guess", FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS);
  /* locked: even the right password waits */
  fail_login (auth, "wang", "pw", FOYER_HUB_AUTH_ERROR_LOCKED);
  foyer_hub_auth_set_now (auth, T0 + FOYER_HUB_AUTH_LOCK_SECONDS - 1);
  fail_login (auth, "wang", "pw", FOYER_HUB_AUTH_ERROR_LOCKED);
  foyer_hub_auth_set_now (auth, T0 + FOYER_HUB_AUTH_LOCK_SECONDS);
  token = foyer_hub_auth_login (auth, "wang", "pw", NULL);
  g_assert_nonnull (token);

  /* an unknown name locks the same way, and says the same thing before it does */
  for (guint i = 0; i < FOYER_HUB_AUTH_MAX_FAILURES; i++)
    fail_login (auth, "nobody", "guess", FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS);
  fail_login (auth, "nobody", "guess", FOYER_HUB_AUTH_ERROR_LOCKED);
}

static void
test_lockout_window (gconstpointer data)
{
  g_autoptr(FoyerHubAuth) auth = new_auth (data);
  g_autofree char *token = NULL;

  foyer_hub_auth_set_now (auth, T0);
  g_assert_true (foyer_hub_auth_add_user (auth, "wang", "pw", FOYER_HUB_ROLE_ADMIN, NULL));
  for (guint i = 0; i < FOYER_HUB_AUTH_MAX_FAILURES - 1; i++)
    fail_login (auth, "wang", "guess", FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS);
  /* failures further apart than the window do not add up */
  foyer_hub_auth_set_now (auth, T0 + FOYER_HUB_AUTH_LOCK_SECONDS + 1);
  for (guint i = 0; i < FOYER_HUB_AUTH_MAX_FAILURES - 1; i++)
    fail_login (auth, "wang", "guess", FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS);
  token = foyer_hub_auth_login (auth, "wang", "pw", NULL);
  g_assert_nonnull (token);
  g_clear_pointer (&token, g_free);
  /* and a success clears the count */
  for (guint i = 0; i < FOYER_HUB_AUTH_MAX_FAILURES - 1; i++)
    fail_login (auth, "wang", "guess", FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS);
  token = foyer_hub_auth_login (auth, "wang", "pw", NULL);
  g_assert_nonnull (token);
}

static void
test_links (gconstpointer data)
{
  g_autoptr(FoyerHubAuth) auth = new_auth (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *a1 = NULL;
  g_autofree char *a1_again = NULL;
  g_autofree char *b2 = NULL;
  const FoyerHubLink *link;

  foyer_hub_auth_set_now (auth, T0);
  a1 = foyer_hub_auth_link_new (auth, "A1", 7 * 86400);
  a1_again = foyer_hub_auth_link_new (auth, "A1", 86400);
  b2 = foyer_hub_auth_link_new (auth, "B2", 7 * 86400);
  g_assert_cmpstr (a1, !=, a1_again);

  link = foyer_hub_auth_link_check (auth, a1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link->booth, ==, "A1");
  g_assert_cmpstr (foyer_hub_auth_link_check (auth, b2, NULL)->booth, ==, "B2");
  g_assert_null (foyer_hub_auth_link_check (auth, "forged", &error));
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_UNKNOWN_TOKEN);
  g_clear_error (&error);
  g_assert_null (foyer_hub_auth_link_check (auth, NULL, NULL));

  /* expiry, per link */
  foyer_hub_auth_set_now (auth, T0 + 86400);
  g_assert_null (foyer_hub_auth_link_check (auth, a1_again, NULL));
  g_assert_nonnull (foyer_hub_auth_link_check (auth, a1, NULL));

  /* revoking a booth's links leaves other booths' */
  g_assert_cmpuint (foyer_hub_auth_link_revoke (auth, "A1"), ==, 2);
  g_assert_null (foyer_hub_auth_link_check (auth, a1, &error));
  g_assert_error (error, FOYER_HUB_AUTH_ERROR, FOYER_HUB_AUTH_ERROR_UNKNOWN_TOKEN);
  g_assert_nonnull (foyer_hub_auth_link_check (auth, b2, NULL));
  g_assert_cmpuint (foyer_hub_auth_link_revoke (auth, "A1"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hub-auth/password-hash", test_password_hash);
  g_test_add_func ("/hub-auth/tokens", test_tokens);
  for (guint i = 0; i < 2; i++) {
    const char *where = i == 0 ? "memory" : "sqlite";
    gconstpointer data = i == 0 ? NULL : "sqlite";
    g_autofree char *users = g_strdup_printf ("/hub-auth/%s/users", where);
    g_autofree char *sessions = g_strdup_printf ("/hub-auth/%s/sessions", where);
    g_autofree char *lockout = g_strdup_printf ("/hub-auth/%s/lockout", where);
    g_autofree char *window = g_strdup_printf ("/hub-auth/%s/lockout-window", where);
    g_autofree char *links = g_strdup_printf ("/hub-auth/%s/links", where);

    g_test_add_data_func (users, data, test_users);
    g_test_add_data_func (sessions, data, test_sessions);
    g_test_add_data_func (lockout, data, test_lockout);
    g_test_add_data_func (window, data, test_lockout_window);
    g_test_add_data_func (links, data, test_links);
  }
  return g_test_run ();
}
