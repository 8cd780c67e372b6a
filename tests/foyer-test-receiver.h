/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-test-receiver.h: runs tests/sync-receiver.py (a real HTTP head office on 127.0.0.1). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FoyerTestReceiver FoyerTestReceiver;

/* Starts the receiver; token_file (may be NULL) is the token it requires. */
FoyerTestReceiver *foyer_test_receiver_start   (const char        *token_file);
/* The same over HTTPS with a PEM certificate and key (url is then https://127.0.0.1:PORT). */
FoyerTestReceiver *foyer_test_receiver_start_tls (const char      *token_file,
                                                  const char      *cert,
                                                  const char      *key);
void               foyer_test_receiver_stop    (FoyerTestReceiver *receiver);
guint              foyer_test_receiver_port    (FoyerTestReceiver *receiver);
/* The receiver's process id, as text (g_subprocess_get_identifier). */
const char        *foyer_test_receiver_pid     (FoyerTestReceiver *receiver);
/* http://127.0.0.1:PORT */
const char        *foyer_test_receiver_url     (FoyerTestReceiver *receiver);
/* POST /_control with a JSON object (printf-style). */
void               foyer_test_receiver_control (FoyerTestReceiver *receiver,
                                                const char        *format,
                                                ...) G_GNUC_PRINTF (2, 3);
/* GET path (/_stats, /_ids) as a JSON object. */
JsonObject        *foyer_test_receiver_get     (FoyerTestReceiver *receiver,
                                                const char        *path);
/* Convenience: an integer member of /_stats. */
gint64             foyer_test_receiver_stat    (FoyerTestReceiver *receiver,
                                                const char        *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoyerTestReceiver, foyer_test_receiver_stop)

G_END_DECLS
