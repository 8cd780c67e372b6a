/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-test-util.h: real hubs, real kiosks and a real PostgreSQL for the hub's tests. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A PostgreSQL 15 cluster of its own (initdb + pg_ctl, as `nobody` when run as root), on a Unix
 * socket in a temporary directory. NULL (and the test skipped) when postgresql-15 is missing. */
typedef struct {
  char *dir;
  char *bindir;
  char *user;      /* the system user running the server, NULL = ourselves */
  char *socket_dir;
  guint next_db;
} FoyerTestPg;

FoyerTestPg *foyer_test_pg_start      (void);
void         foyer_test_pg_stop       (FoyerTestPg *pg);
/* A fresh database in the cluster; returns its libpq connection string. */
char        *foyer_test_pg_new_database (FoyerTestPg *pg);
/* A fresh database in the test program's one cluster, started by the first call; NULL, and the
 * calling test marked skipped, when postgresql-15 is missing. foyer_test_pg_shared_stop() ends
 * the cluster (at the end of main). */
char        *foyer_test_pg_shared_database (void);
void         foyer_test_pg_shared_stop     (void);

typedef struct {
  char        *dir;
  char        *conf;        /* hub.conf */
  char        *database;    /* path or conninfo */
  guint16      port;
  char        *url;
  GSubprocess *process;
  GDataInputStream *out;    /* the process's stdout, after its "serving" line */
} FoyerTestHub;

/* Writes dir/hub.conf (listen on a free loopback port, database, extra lines). */
FoyerTestHub *foyer_test_hub_new      (const char   *database,
                                       const char   *extra_conf);
/* A SQLite hub serving https with a self-signed certificate for 127.0.0.1 (openssl req). */
FoyerTestHub *foyer_test_hub_new_tls  (void);
/* A second hub on the same database and its own port. */
FoyerTestHub *foyer_test_hub_new_peer (FoyerTestHub *other);
/* Starts `foyer-hub serve`, waiting for its "serving" line. env: NULL-terminated NAME=VALUE. */
void          foyer_test_hub_start    (FoyerTestHub *hub,
                                       const char * const *env);
/* Reads the running hub's stdout (its log when started with G_MESSAGES_DEBUG=foyer-hub) up to
 * and including the next line holding text; fails the test after timeout_s seconds. */
void          foyer_test_hub_wait_line (FoyerTestHub *hub,
                                        const char   *text,
                                        guint         timeout_s);
void          foyer_test_hub_kill     (FoyerTestHub *hub,
                                       int           signum);
/* Waits for the process to exit; returns its exit status (or 128+signal). */
int           foyer_test_hub_wait     (FoyerTestHub *hub);
void          foyer_test_hub_free     (FoyerTestHub *hub);
/* CPU seconds (user + system) the running hub process has used. */
double        foyer_test_hub_cpu_s    (FoyerTestHub *hub);
/* Runs `foyer-hub --config hub.conf ARGS…`; exit status. */
int           foyer_test_hub_run      (FoyerTestHub *hub,
                                       char        **out_stdout,
                                       char        **out_stderr,
                                       ...) G_GNUC_NULL_TERMINATED;
/* `device add NAME --event EVENT`: the enrollment code (the last stdout line). */
char         *foyer_test_hub_add_device (FoyerTestHub *hub,
                                         const char   *name,
                                         const char   *event);
/* The ids of `export --event EVENT --format jsonl`, with how often each occurs. */
GHashTable   *foyer_test_hub_export_ids (FoyerTestHub *hub,
                                         const char   *event,
                                         guint        *n_lines);

/* A kiosk directory with foyer.conf (its own store, quick backoff), enrolled with code. */
char         *foyer_test_kiosk_new    (const char   *code,
                                       guint         batch_size);
/* Stores n walk-ins in the kiosk's store (as the app would); returns their ids. */
GPtrArray    *foyer_test_kiosk_register (const char *kiosk_conf,
                                         guint       n);
/* Starts `foyerctl --config CONF sync ARGS…`. */
GSubprocess  *foyer_test_kiosk_sync   (const char   *kiosk_conf,
                                       const char   *max_wait_s);

/* One HTTP request to the hub: status, body (may be NULL), response headers. */
guint         foyer_test_http         (const char   *method,
                                       const char   *url,
                                       const char   *token,
                                       const char   *idempotency_key,
                                       const char   *body,
                                       gsize         len,
                                       gboolean      gzip,
                                       char        **answer,
                                       char        **retry_after);
/* body compressed as a gzip member (what kiosks send). */
GBytes       *foyer_test_gzip_bytes   (const char   *body,
                                       gsize         len);
/* The token an enrollment code exchanges for (POST /v1/enroll), NULL on refusal. */
char         *foyer_test_enroll_token (const char   *code);

G_END_DECLS
