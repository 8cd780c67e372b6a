/* foyer-core.h: the GTK-free core that the kiosk, foyerctl and the tests share. */
#pragma once

#include "foyer-config.h"
#include "foyer-version.h"
#include "foyer-sync-backend.h"
#include "foyer-record.h"
#include "foyer-store.h"
#include "foyer-payload.h"
#include "foyer-pin.h"
#include "foyer-export.h"
#include "foyer-import.h"
