/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-tryton-server.h: a throw-away trytond on 127.0.0.1 for test-tryton and bench-tryton.
 *
 * Wraps tests/tryton/start-trytond.sh: a private SQLite database copied from a template cached
 * in the build tree, a "foyer" user with a password file, trytond started, killed and restarted
 * as a child of the test (it dies with the test).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char       *dir;
  char       *url;
  char       *database;
  char       *user;
  char       *password_file;
  char       *db_file;        /* the SQLite file trytond serves */
  int         port;
  /* private */
  GSubprocess *process;
  guint        starts;
} FoyerTrytonServer;

/* Sets the database up; NULL with *skip_reason when a Debian package is missing. */
FoyerTrytonServer *foyer_tryton_server_new      (char              **skip_reason);
/* Starts trytond and waits until it answers (asserts it does within 20 s). */
void               foyer_tryton_server_start    (FoyerTrytonServer  *server);
/* SIGKILL, as a crash or a pulled cable would: nothing is flushed or answered. */
void               foyer_tryton_server_kill     (FoyerTrytonServer  *server);
/* foyer.conf text: [sync] backend=tryton and [tryton] for this server (password_file may
 * override the right one). */
char              *foyer_tryton_server_config   (FoyerTrytonServer  *server,
                                                 const char         *password_file);
/* Deletes every Tryton session, as their expiry would: the next call must log in again. */
void               foyer_tryton_server_expire_sessions (FoyerTrytonServer *server);
/* HTTP requests trytond has logged since it was last started (werkzeug's access log). */
guint              foyer_tryton_server_count_requests (FoyerTrytonServer *server);
void               foyer_tryton_server_free     (FoyerTrytonServer  *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerTrytonServer, foyer_tryton_server_free)

/* A hostile fake Tryton on 127.0.0.1: whatever it is asked, it answers HTTP 200 with */
typedef enum {
  FOYER_HOSTILE_HUGE = 1,   /* an endless JSON string, no Content-Length, until the client hangs up */
  FOYER_HOSTILE_DEEP,       /* 2 MB of '[' */
} FoyerHostileKind;

typedef struct _FoyerHostileServer FoyerHostileServer;

FoyerHostileServer *foyer_hostile_server_start (FoyerHostileKind    kind);
/* http://127.0.0.1:PORT/ */
const char         *foyer_hostile_server_url   (FoyerHostileServer *server);
/* Bytes it managed to write before the client hung up (all connections so far). */
guint64             foyer_hostile_server_sent  (FoyerHostileServer *server);
void                foyer_hostile_server_stop  (FoyerHostileServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerHostileServer, foyer_hostile_server_stop)

G_END_DECLS
