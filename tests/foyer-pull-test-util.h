/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-pull-test-util.h: running a kiosk's real sync engine until it is current (two-way
 * sync tests and benchmarks). */
#pragma once

#include "foyer-core.h"

G_BEGIN_DECLS

/* Follows an engine's status: done once everything is uploaded and the pull is current. */
typedef struct {
  gboolean         done;
  guint64          changes;
  FoyerSyncStatus *last;
} FoyerTestSyncWatch;

void             foyer_test_sync_watch_cb        (FoyerSyncEngine       *engine,
                                                  const FoyerSyncStatus *status,
                                                  FoyerTestSyncWatch    *watch);
/* Iterates the default main context until *flag or seconds pass; returns *flag. */
gboolean         foyer_test_main_loop_until      (gboolean              *flag,
                                                  guint                  seconds);
/* Runs a sync engine on db_path until it is current (as `foyerctl sync` waits); aborts after
 * timeout_s. Returns the last status. */
FoyerSyncStatus *foyer_test_sync_until_current   (FoyerConfig           *config,
                                                  const char            *db_path,
                                                  guint                  timeout_s);

G_END_DECLS
