/* foyer-core.h: the GTK-free core that the kiosk, foyerctl and the tests share. */
#pragma once

#include "foyer-config.h"
#include "foyer-version.h"
#include "foyer-sync-backend.h"
#include "foyer-record.h"
#include "foyer-store.h"
#include "foyer-payload.h"
#include "foyer-tryton-backend.h"
#include "foyer-badge-code.h"
#include "foyer-badge-renderer.h"
#include "foyer-badge-printer.h"
#include "foyer-export.h"
#include "foyer-import.h"
#include "foyer-http-backend.h"
#include "foyer-sync-engine.h"
