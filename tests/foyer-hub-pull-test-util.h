/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-pull-test-util.h: devices, records and pulls over HTTP for the hub's two-way sync
 * tests and benchmark (docs/sync-protocol.md "Two-way sync"). */
#pragma once

#include <json-glib/json-glib.h>

#include "foyer-hub-test-util.h"

G_BEGIN_DECLS

/* `device add NAME --event E [--mode booth --booth B]`, enrolled: the device's token. */
char       *foyer_test_pull_device_token      (FoyerTestHub *hub,
                                               const char   *name,
                                               const char   *event,
                                               const char   *booth);
/* POST /v1/records {"records": [records_json]} (gzip); asserts 200 and nothing rejected. */
void        foyer_test_pull_post              (FoyerTestHub *hub,
                                               const char   *token,
                                               const char   *records_json);
/* Wire forms of event ev1's records. */
char       *foyer_test_pull_registration_json (const char   *id,
                                               const char   *badge,
                                               const char   *name,
                                               const char   *email);
char       *foyer_test_pull_check_in_json     (const char   *id,
                                               const char   *badge,
                                               gboolean      exit,
                                               const char   *area,
                                               const char   *at);
char       *foyer_test_pull_annulment_json    (const char   *id,
                                               const char   *annuls);

/* An answer as the hub sent it (no content decoder): status, gzip or not, the parsed body. */
typedef struct {
  guint     status;
  gboolean  gzipped;
  JsonNode *json;
  gsize     wire_bytes;
  gboolean  cached;       /* X-Foyer-Cache: hit (the hub's page cache answered) */
} FoyerTestAnswer;

void        foyer_test_pull_answer_clear      (FoyerTestAnswer *answer);
FoyerTestAnswer foyer_test_pull_get           (FoyerTestHub *hub,
                                               const char   *token,
                                               const char   *path,
                                               gboolean      gzip);
JsonArray  *foyer_test_pull_rows_of           (FoyerTestAnswer *answer);
const char *foyer_test_pull_cursor_of         (FoyerTestAnswer *answer);
gboolean    foyer_test_pull_more_of           (FoyerTestAnswer *answer);
/* inside.event (area NULL) or inside.areas[area] (0 when absent). */
gint64      foyer_test_pull_inside_of         (FoyerTestAnswer *answer,
                                               const char   *area);
/* The last row of rows whose string member key is value (later rows replace earlier ones). */
JsonObject *foyer_test_pull_row_where         (JsonArray    *rows,
                                               const char   *key,
                                               const char   *value);
/* "/v1/ENDPOINT?since=…&limit=…&wait=…" */
char       *foyer_test_pull_path              (const char   *endpoint,
                                               const char   *cursor,
                                               guint         limit,
                                               guint         wait);
/* Every row from cursor on, page by page (gzip) into `into`; *pages counts the requests;
 * returns the final cursor. */
char       *foyer_test_pull_all               (FoyerTestHub *hub,
                                               const char   *token,
                                               const char   *endpoint,
                                               const char   *cursor,
                                               guint         limit,
                                               JsonArray    *into,
                                               guint        *pages);
/* A CSV of n pre-registered attendees (badge codes P00000…), plus one with extra_email. */
char       *foyer_test_pull_write_preregistrations (guint       n,
                                                    const char *extra_email);
/* `import CSV --event ev1`. */
void        foyer_test_pull_import            (FoyerTestHub *hub,
                                               const char   *csv);

G_END_DECLS
