/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-search.c: the staff search over pre-registrations on a real SQLite file: Latin
 * names without case or accents, Chinese names by their characters, phones by their last 4
 * digits, the limits (2 characters, 20 hits, no browsing), and the index following every
 * writer (import, update, retention, migration of an older database). */
#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "foyer-core.h"
#include "foyer-store-private.h"
#include "foyer-test-util.h"

#define EVENT "expo-2026"

static FoyerRegistration *
prereg (const char *badge,
        const char *name,
        const char *company,
        const char *phone)
{
  FoyerRegistration *reg = foyer_registration_new ();

  reg->event = g_strdup (EVENT);
  reg->badge_code = g_strdup (badge);
  reg->full_name = g_strdup (name);
  reg->organization = g_strdup (company);
  if (phone != NULL)
    reg->phones = g_strsplit (phone, ",", -1);
  return reg;
}

static void
import (FoyerStore *store,
        GPtrArray  *regs)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (foyer_store_import_preregistrations (store, regs, NULL, NULL, &error));
  g_assert_no_error (error);
}

static FoyerStore *
open_store (const char *tag)
{
  g_autofree char *dir = foyer_test_make_tmpdir (tag);
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  FoyerStore *store = foyer_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* A small fair: Latin, Chinese and mixed names, companies, phones. */
static FoyerStore *
open_fair (const char *tag)
{
  FoyerStore *store = open_store (tag);
  g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);

  g_ptr_array_add (regs, prereg ("B-001", "Jürgen Müller", "Bäckerei Straße GmbH", "+49 30 1234 5678"));
  g_ptr_array_add (regs, prereg ("B-002", "François Lefèvre", "Société Générale", "+33 1 42 00 92 54"));
  g_ptr_array_add (regs, prereg ("B-003", "王小明", "深圳智能传感有限公司", "+86 138 0013 9254"));
  g_ptr_array_add (regs, prereg ("B-004", "张伟", "北京华为", "13900001111,+86 10 6666 4321"));
  g_ptr_array_add (regs, prereg ("B-005", "Anna Wang", "Wang & Partners", NULL));
  g_ptr_array_add (regs, prereg ("B-006", "小王", "Müller AG", NULL));
  {
    /* names in parts only, as some registration systems export them */
    FoyerRegistration *parts = prereg ("B-007", NULL, "ACME", NULL);

    parts->family_name = g_strdup ("Østergaard");
    parts->given_name = g_strdup ("Søren");
    g_ptr_array_add (regs, parts);
  }
  import (store, regs);
  return store;
}

/* The badge codes a query finds, comma-separated in result order. */
static char *
found (FoyerStore *store,
       const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = foyer_store_search_preregistrations (store, EVENT, query, NULL,
                                                                   &error);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  for (guint i = 0; i < hits->len; i++) {
    FoyerSearchHit *hit = g_ptr_array_index (hits, i);

    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", hit->registration->badge_code);
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_found(store, query, expected) \
  G_STMT_START { \
    g_autofree char *got_ = found ((store), (query)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

static void
test_fold (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "Müller", "muller" },
    { "FRANÇOIS", "francois" },
    { "Straße", "strasse" },
    { "ＡＢＣ１２３", "abc123" },   /* full width, as Chinese input methods type it */
    { "王小明", "王小明" },
    { "Ångström", "angstrom" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *folded = foyer_store_search_fold (cases[i].in);

    g_assert_cmpstr (folded, ==, cases[i].out);
  }
}

static void
test_latin (void)
{
  g_autoptr(FoyerStore) store = open_fair ("latin");

  /* case and accents do not matter, either way round */
  assert_found (store, "muller", "B-001,B-006");
  assert_found (store, "MÜLLER", "B-001,B-006");
  assert_found (store, "jurgen", "B-001");
  assert_found (store, "Jür", "B-001");
  assert_found (store, "francois lefevre", "B-002");
  assert_found (store, "lefèvre françois", "B-002");
  assert_found (store, "societe", "B-002");
  assert_found (store, "strasse", "B-001");
  assert_found (store, "ＭＵＬＬＥＲ", "B-001,B-006");
  /* names given in parts */
  assert_found (store, "søren", "B-007");
  assert_found (store, "ØSTERGAARD søren", "B-007");
  /* words start where they start: no match inside a Latin word */
  assert_found (store, "ller", "");
  /* every word must match the same person */
  assert_found (store, "wang anna", "B-005");
  assert_found (store, "wang jurgen", "");
  /* the badge itself is not searched: the code is on the badge the visitor does not have */
  assert_found (store, "B-001", "");
}

static void
test_chinese (void)
{
  g_autoptr(FoyerStore) store = open_fair ("chinese");

  assert_found (store, "王小明", "B-003");
  assert_found (store, "小明", "B-003");
  assert_found (store, "王小", "B-003");
  /* 小王 is another person: characters in order, not a bag of characters */
  assert_found (store, "小王", "B-006");
  assert_found (store, "张伟", "B-004");
  /* the company by any part of it */
  assert_found (store, "智能", "B-003");
  assert_found (store, "有限公司", "B-003");
  assert_found (store, "华为", "B-004");
  assert_found (store, "华为 张伟", "B-004");
  assert_found (store, "小明 华为", "");
}

static void
test_phone (void)
{
  g_autoptr(FoyerStore) store = open_fair ("phone");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  FoyerSearchHit *hit;

  /* the last 4 digits, as the visitor reads them out */
  assert_found (store, "9254", "B-002,B-003");
  assert_found (store, "92 54", "B-002,B-003");
  assert_found (store, "5678", "B-001");
  /* every phone of a person counts */
  assert_found (store, "1111", "B-004");
  assert_found (store, "4321", "B-004");
  /* other digits of a phone find nothing: no browsing of numbers */
  assert_found (store, "925", "");
  assert_found (store, "0013", "");
  assert_found (store, "138", "");
  assert_found (store, "13800139254", "");

  hits = foyer_store_search_preregistrations (store, EVENT, "5678", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (hit->phone_tail, ==, "5678");
  /* what staff see of a hit: no e-mail, no full phone */
  g_assert_null (hit->registration->phones);
  g_assert_null (hit->registration->emails);
  g_assert_cmpstr (hit->registration->organization, ==, "Bäckerei Straße GmbH");
}

static void
assert_refused (FoyerStore *store,
                const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = foyer_store_search_preregistrations (store, EVENT, query, NULL,
                                                                   &error);

  g_assert_null (hits);
  g_assert_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "2"));
}

static void
test_limits (void)
{
  g_autoptr(FoyerStore) store = open_fair ("limits");
  g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  gboolean more = TRUE;

  /* fewer than 2 characters in every word: no list of everybody */
  assert_refused (store, "");
  assert_refused (store, "   ");
  assert_refused (store, "m");
  assert_refused (store, "王");
  assert_refused (store, "a b c");
  assert_refused (store, "-- ..");

  /* 20 Zhangs are shown; the 21st says "type more", never a page 2 */
  for (guint i = 0; i < 21; i++) {
    g_autofree char *badge = g_strdup_printf ("Z-%03u", i);
    g_autofree char *name = g_strdup_printf ("Zhang %c%c", 'a' + i % 26, 'a' + i / 26);

    g_ptr_array_add (regs, prereg (badge, name, "Zhang Holdings", NULL));
  }
  import (store, regs);
  hits = foyer_store_search_preregistrations (store, EVENT, "zhang", &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, FOYER_STORE_SEARCH_MAX_RESULTS);
  g_assert_true (more);
  /* sorted by name */
  g_assert_cmpstr (((FoyerSearchHit *)g_ptr_array_index (hits, 0))->registration->full_name, ==,
                   "Zhang aa");
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* exactly 20 is not "more" */
  hits = foyer_store_search_preregistrations (store, EVENT, "zhang a", &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_false (more);
  g_clear_pointer (&hits, g_ptr_array_unref);
  g_ptr_array_set_size (regs, 0);
  g_ptr_array_add (regs, prereg ("Z-020", NULL, "Elsewhere", NULL));
  import (store, regs);
  hits = foyer_store_search_preregistrations (store, EVENT, "zhang", &more, &error);
  g_assert_cmpuint (hits->len, ==, 20);
  g_assert_false (more);
}

static void
exec_raw (FoyerStore *store,
          const char *sql)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (foyer_store_get_path (store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The rows that hold a search text: the names it is made of are personal. */
static gint64
count_search_texts (FoyerStore *store)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_open (foyer_store_get_path (store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM preregistrations "
                                       "WHERE search_text IS NOT NULL", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_index_follows_writes (void)
{
  g_autoptr(FoyerStore) store = open_fair ("follows");
  g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  FoyerPurgeResult purged = { 0 };

  /* a corrected name replaces the old one */
  g_ptr_array_add (regs, prereg ("B-003", "王晓明", "深圳智能传感有限公司", "+86 138 0013 9254"));
  import (store, regs);
  assert_found (store, "小明", "");
  assert_found (store, "晓明", "B-003");
  assert_found (store, "9254", "B-002,B-003");

  /* another event's attendees are not this kiosk's */
  g_ptr_array_set_size (regs, 0);
  g_ptr_array_add (regs, prereg ("O-001", "Jürgen Other", NULL, NULL));
  g_free (((FoyerRegistration *)g_ptr_array_index (regs, 0))->event);
  ((FoyerRegistration *)g_ptr_array_index (regs, 0))->event = g_strdup ("other-show");
  import (store, regs);
  assert_found (store, "jurgen", "B-001");
  hits = foyer_store_search_preregistrations (store, "other-show", "jurgen", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  /* retention deletes the attendees and with them their search text (names are personal) */
  g_assert_cmpint (count_search_texts (store), ==, 8);
  exec_raw (store, "UPDATE preregistrations SET imported_at = '2026-01-01T10:00:00.000Z'");
  assert_found (store, "jurgen", "B-001");
  g_assert_true (foyer_store_purge (store, 1, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged.preregistrations, ==, 8);
  g_assert_cmpint (count_search_texts (store), ==, 0);
  assert_found (store, "jurgen", "");
}

/* Attendees pulled from head office are found too, by their phone tail; a pull over an
 * imported attendee keeps the name parts the pull does not carry. */
static void
test_pulled (void)
{
  g_autoptr(FoyerStore) store = open_fair ("pulled");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  guint applied = 0;

  g_assert_true (json_parser_load_from_data (parser,
    "[{\"badge_code\": \"R1\", \"status\": \"valid\", \"display_name\": \"李晓峰\","
    "  \"company\": \"Électronique Lyon\", \"phone_tail\": \"7731\"},"
    " {\"badge_code\": \"B-007\", \"status\": \"valid\", \"company\": \"ACME Nord\"}]",
    -1, &error));
  g_assert_true (foyer_store_apply_pull (store, FOYER_PULL_REGISTRATIONS, EVENT, NULL,
                                         json_node_get_array (json_parser_get_root (parser)),
                                         "c1", NULL, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 2);
  assert_found (store, "晓峰", "R1");
  assert_found (store, "electronique", "R1");
  assert_found (store, "7731", "R1");
  assert_found (store, "nord", "B-007");
  assert_found (store, "søren", "B-007");
}

/* A kiosk updated with attendees already imported: the migration indexes them. */
static void
test_migration_indexes_existing (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("migrate");
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerStore) store = NULL;
  int step = -1;
  sqlite3 *db;

  for (int v = 0; _foyer_store_migrations[v] != NULL; v++) {
    if (strstr (_foyer_store_migrations[v], "ADD COLUMN search_text") != NULL)
      step = v;
  }
  g_assert_cmpint (step, >, 0);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (int v = 0; v < step; v++) {
    g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

    g_assert_cmpint (sqlite3_exec (db, _foyer_store_migrations[v], NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, set, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO preregistrations (event, badge_code, full_name, "
                                 "organization, phones, imported_at) VALUES ('" EVENT "', "
                                 "'OLD-1', 'Élodie Dupré', '上海展览', '[\"+33 6 11 22 33 44\"]', "
                                 "'2026-11-20T00:00:00.000Z')", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  assert_found (store, "elodie", "OLD-1");
  assert_found (store, "展览", "OLD-1");
  assert_found (store, "3344", "OLD-1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store-search/fold", test_fold);
  g_test_add_func ("/store-search/latin", test_latin);
  g_test_add_func ("/store-search/chinese", test_chinese);
  g_test_add_func ("/store-search/phone", test_phone);
  g_test_add_func ("/store-search/limits", test_limits);
  g_test_add_func ("/store-search/index-follows-writes", test_index_follows_writes);
  g_test_add_func ("/store-search/pulled", test_pulled);
  g_test_add_func ("/store-search/migration-indexes-existing", test_migration_indexes_existing);
  return g_test_run ();
}
