/* foyer-store-private.h: the store's schema history, shared by foyer-store.c and the tests that
 * build databases of every older version to test the migrations from them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* _foyer_store_migrations[i] takes a database from PRAGMA user_version i to i + 1. Forward only:
 * a released step is never edited, a change is a new step. */
extern const char * const _foyer_store_migrations[];
extern const int _foyer_store_schema_version;
#define FOYER_STORE_SCHEMA_VERSION _foyer_store_schema_version

G_END_DECLS
