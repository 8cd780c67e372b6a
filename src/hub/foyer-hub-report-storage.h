/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-storage.h: a post-show report's rows read from the hub's database. */
#pragma once

#include "foyer-hub-report-model.h"
#include "foyer-hub-storage.h"

G_BEGIN_DECLS

/* The model of event: one visitor row per arrival (walk-in registrations and entry check-ins;
 * a badge checked in again is the same registration), one lead row per stored lead. Days and
 * hours in tz_identifier (NULL: the machine's, i.e. $TZ). NULL with NOT_FOUND for an unknown
 * event. */
FoyerHubReportModel *foyer_hub_report_model_load (FoyerHubStorage  *storage,
                                                  const char       *event,
                                                  const char       *tz_identifier,
                                                  GError          **error);

G_END_DECLS
