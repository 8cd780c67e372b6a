/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-auth.h: who may see the dashboard and the exhibitors' leads — Argon2id password
 * hashes, server-side sessions with their CSRF token, lockout after repeated failures, roles,
 * and the exhibitors' own download links (a token per link, revocable, expiring).
 *
 * Tokens are handed out once and kept only as SHA-256 hashes, so a copy of the tables lets
 * nobody in. The tables live in memory (tests) or in the hub's database. Not thread-safe: one
 * thread (the server's) owns a FoyerHubAuth.
 */
#pragma once

#include <glib-object.h>

#include "foyer-hub-storage.h"

G_BEGIN_DECLS

#define FOYER_HUB_AUTH_ERROR (foyer_hub_auth_error_quark ())
GQuark foyer_hub_auth_error_quark (void);

typedef enum {
  FOYER_HUB_AUTH_ERROR_BAD_CREDENTIALS = 1,  /* wrong name or password (never says which) */
  FOYER_HUB_AUTH_ERROR_LOCKED,               /* too many failures: wait */
  FOYER_HUB_AUTH_ERROR_EXISTS,               /* user add: the name is taken */
  FOYER_HUB_AUTH_ERROR_INVALID,              /* empty or over-long name or password, bad role */
  FOYER_HUB_AUTH_ERROR_UNKNOWN_TOKEN,        /* no such session or link, or it expired/was revoked */
  FOYER_HUB_AUTH_ERROR_FAILED,               /* the hashing library failed */
} FoyerHubAuthError;

typedef enum {
  FOYER_HUB_ROLE_VIEWER = 1,   /* counts only */
  FOYER_HUB_ROLE_ADMIN,        /* also lists with personal data, and changes */
} FoyerHubRole;

/* "admin" / "viewer". */
gboolean    foyer_hub_role_parse      (const char    *name,
                                       FoyerHubRole  *role);
const char *foyer_hub_role_to_string  (FoyerHubRole   role);

/* The PHC string "$argon2id$v=19$m=…,t=…,p=…$salt$hash" with a fresh random salt. */
char       *foyer_hub_auth_hash_password   (const char  *password,
                                            GError     **error);
gboolean    foyer_hub_auth_verify_password (const char  *encoded,
                                            const char  *password);
/* 256 random bits from the kernel, base64url without padding (43 characters). */
char       *foyer_hub_auth_token_new       (void);
/* Lower-case hex SHA-256: the form a token is stored in. */
char       *foyer_hub_auth_token_hash      (const char  *token);
/* Compares two strings in time that depends on their length only. */
gboolean    foyer_hub_auth_equal           (const char  *a,
                                            const char  *b);

typedef struct {
  char        *user;
  FoyerHubRole role;
  char        *csrf_token;     /* sent with every state-changing request */
  gint64       expires_at;     /* Unix seconds */
} FoyerHubSession;

typedef struct {
  char        *booth;
  gint64       expires_at;
  char        *event;          /* the event the link was made for (NULL in memory) */
} FoyerHubLink;

#define FOYER_TYPE_HUB_AUTH (foyer_hub_auth_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubAuth, foyer_hub_auth, FOYER, HUB_AUTH, GObject)

FoyerHubAuth          *foyer_hub_auth_new            (void);
/* The same, with the tables in the hub's database (hashes only): users, sessions, lockout
 * counters and links survive a restart and are shared by every hub on that database. event:
 * the event new links are made for. A database error counts as "no such user / session /
 * link" (logged), never as a way in. */
FoyerHubAuth          *foyer_hub_auth_new_for_storage (FoyerHubStorage *storage,
                                                       const char      *event);
/* For tests: the clock (Unix seconds); 0 returns to the real one. */
void                   foyer_hub_auth_set_now        (FoyerHubAuth  *self,
                                                      gint64         now);
gboolean               foyer_hub_auth_add_user       (FoyerHubAuth  *self,
                                                      const char    *name,
                                                      const char    *password,
                                                      FoyerHubRole   role,
                                                      GError       **error);
/* Checks name and password; a new session's token (give it to the browser once) or NULL with
 * BAD_CREDENTIALS, or LOCKED after FOYER_HUB_AUTH_MAX_FAILURES failures for that name within
 * FOYER_HUB_AUTH_LOCK_SECONDS (then even the right password waits that long). */
#define FOYER_HUB_AUTH_MAX_FAILURES   5
#define FOYER_HUB_AUTH_LOCK_SECONDS   (15 * 60)
#define FOYER_HUB_AUTH_SESSION_SECONDS (12 * 60 * 60)
char                  *foyer_hub_auth_login          (FoyerHubAuth  *self,
                                                      const char    *name,
                                                      const char    *password,
                                                      GError       **error);
/* foyer_hub_auth_login() in steps, so that a server verifies the password (the slow part) in a
 * worker thread while self stays on its own thread: begin checks the lockout and returns the
 * Argon2 hash to verify against (a dummy one for an unknown name), or NULL with the error;
 * finish counts a failure or opens the session. */
char                  *foyer_hub_auth_login_begin    (FoyerHubAuth  *self,
                                                      const char    *name,
                                                      const char    *password,
                                                      GError       **error);
char                  *foyer_hub_auth_login_finish   (FoyerHubAuth  *self,
                                                      const char    *name,
                                                      gboolean       verified,
                                                      GError       **error);
/* The live session of token, or NULL (unknown, expired or logged out). Valid until the next
 * call on self. */
const FoyerHubSession *foyer_hub_auth_get_session    (FoyerHubAuth  *self,
                                                      const char    *token);
/* TRUE when presented is the CSRF token of the live session of token. */
gboolean               foyer_hub_auth_check_csrf     (FoyerHubAuth  *self,
                                                      const char    *token,
                                                      const char    *presented);
void                   foyer_hub_auth_logout         (FoyerHubAuth  *self,
                                                      const char    *token);
/* A download link token for booth, valid ttl_seconds. */
char                  *foyer_hub_auth_link_new       (FoyerHubAuth  *self,
                                                      const char    *booth,
                                                      gint64         ttl_seconds);
/* The link of token, or NULL with UNKNOWN_TOKEN (never issued, expired or revoked). */
const FoyerHubLink    *foyer_hub_auth_link_check     (FoyerHubAuth  *self,
                                                      const char    *token,
                                                      GError       **error);
/* Revokes every link of booth; the number revoked. */
guint                  foyer_hub_auth_link_revoke    (FoyerHubAuth  *self,
                                                      const char    *booth);

G_END_DECLS
