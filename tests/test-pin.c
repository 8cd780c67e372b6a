/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pin.c: the staff PIN hash (PBKDF2-SHA256) and the lockout after five wrong PINs. */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <string.h>

#include "foyer-core.h"
#include "foyer-test-util.h"

/* Few iterations keep the tests fast; the format and the maths are the same. */
#define TEST_ITER 1000

static void
test_hash_and_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = foyer_pin_hash ("2468", TEST_ITER, &error);
  g_autofree char *again = NULL;
  g_auto(GStrv) parts = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "pbkdf2-sha256$1000$"));
  parts = g_strsplit (hash, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_true (foyer_pin_hash_is_valid (hash));
  g_assert_null (strstr (hash, "2468"));

  g_assert_true (foyer_pin_verify ("2468", hash, &error));
  g_assert_no_error (error);

  /* A fresh salt each time: the same PIN never gives the same hash. */
  again = foyer_pin_hash ("2468", TEST_ITER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, !=, again);
  g_assert_true (foyer_pin_verify ("2468", again, NULL));
}

/* One full-strength hash (slow under sanitizers, where every allocation unwinds the stack). */
static void
test_default_iterations (void)
{
  g_autofree char *hash = foyer_pin_hash ("123456789012", 0, NULL);
  g_autofree char *prefix = g_strdup_printf ("pbkdf2-sha256$%d$", FOYER_PIN_DEFAULT_ITERATIONS);

  g_assert_true (g_str_has_prefix (hash, prefix));
  g_assert_true (foyer_pin_hash_is_valid (hash));
}

static void
test_wrong_pin (void)
{
  g_autofree char *hash = foyer_pin_hash ("2468", TEST_ITER, NULL);
  const char *wrong[] = { "2469", "24680", "0000", "", "abcd", "2468 ", NULL };

  for (guint i = 0; wrong[i] != NULL; i++) {
    g_autoptr(GError) error = NULL;
    g_assert_false (foyer_pin_verify (wrong[i], hash, &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (foyer_pin_verify (NULL, hash, &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG);
  }
}

static void
test_validate (void)
{
  const char *good[] = { "000000", "123456", "123456789012", NULL };
  const char *bad[] = { "", "123", "1234567890123", "12a4", "12 34", "１２３４", "-1234",
                        "12a456", NULL };
  /* Set before PINs needed six digits: refused as new PINs, still hashed and checked. */
  const char *legacy[] = { "0000", "1234", "12345", NULL };

  for (guint i = 0; good[i] != NULL; i++)
    g_assert_true (foyer_pin_validate (good[i], NULL));
  for (guint i = 0; bad[i] != NULL; i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = NULL;

    g_assert_false (foyer_pin_validate (bad[i], &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID);
    g_clear_error (&error);
    hash = foyer_pin_hash (bad[i], TEST_ITER, &error);
    g_assert_null (hash);
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID);
  }
  for (guint i = 0; legacy[i] != NULL; i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = NULL;

    g_assert_false (foyer_pin_validate (legacy[i], &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "6 to 12 digits"));
    hash = foyer_pin_hash (legacy[i], TEST_ITER, NULL);
    g_assert_true (foyer_pin_verify (legacy[i], hash, NULL));
  }
}

static void
test_malformed_hashes (void)
{
  g_autofree char *good = foyer_pin_hash ("2468", TEST_ITER, NULL);
  g_auto(GStrv) p = g_strsplit (good, "$", -1);
  g_autofree char *wrong_scheme = g_strdup_printf ("pbkdf2-sha1$%s$%s$%s", p[1], p[2], p[3]);
  g_autofree char *few_iter = g_strdup_printf ("%s$10$%s$%s", p[0], p[2], p[3]);
  g_autofree char *huge_iter = g_strdup_printf ("%s$999999999$%s$%s", p[0], p[2], p[3]);
  g_autofree char *neg_iter = g_strdup_printf ("%s$-1000$%s$%s", p[0], p[2], p[3]);
  g_autofree char *bad_salt = g_strdup_printf ("%s$%s$!!!!$%s", p[0], p[1], p[3]);
  g_autofree char *short_hash = g_strdup_printf ("%s$%s$%s$AAAA", p[0], p[1], p[2]);
  g_autofree char *extra = g_strdup_printf ("%s$extra", good);
  g_autofree char *truncated = g_strndup (good, strlen (good) - 4);
  const char *malformed[] = {
    "", "2468", "pbkdf2-sha256", "pbkdf2-sha256$$$", wrong_scheme, few_iter, huge_iter,
    neg_iter, bad_salt, short_hash, extra, truncated, NULL
  };

  for (guint i = 0; malformed[i] != NULL; i++) {
    g_autoptr(GError) error = NULL;

    g_test_message ("malformed: %s", malformed[i]);
    g_assert_false (foyer_pin_hash_is_valid (malformed[i]));
    g_assert_false (foyer_pin_verify ("2468", malformed[i], &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_MALFORMED_HASH);
  }
  g_assert_false (foyer_pin_hash_is_valid (NULL));
}

typedef struct {
  gint64 now;
} FakeClock;

static gint64
fake_clock (gpointer user_data)
{
  return ((FakeClock *)user_data)->now;
}

static void
test_lockout (void)
{
  g_autofree char *hash = foyer_pin_hash ("2468", TEST_ITER, NULL);
  g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);
  FakeClock clock = { 1000 * G_USEC_PER_SEC };
  g_autoptr(GError) error = NULL;

  foyer_pin_guard_set_clock (guard, fake_clock, &clock);
  g_assert_true (foyer_pin_guard_has_pin (guard));
  g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, 5);

  /* Four wrong PINs, then the right one resets the count. */
  for (int i = 0; i < 4; i++) {
    g_assert_false (foyer_pin_guard_check (guard, "1111", &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG);
    g_clear_error (&error);
  }
  g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, 1);
  g_assert_true (foyer_pin_guard_check (guard, "2468", &error));
  g_assert_no_error (error);
  g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, 5);

  /* Five wrong PINs lock. */
  for (int i = 0; i < 4; i++) {
    g_assert_false (foyer_pin_guard_check (guard, "1111", &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG);
    g_clear_error (&error);
  }
  g_assert_false (foyer_pin_guard_check (guard, "1111", &error));
  g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 60);
  g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, 0);

  /* Locked: even the right PIN is refused. */
  clock.now += 30 * G_USEC_PER_SEC;
  g_assert_false (foyer_pin_guard_check (guard, "2468", &error));
  g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "30 s"));
  g_clear_error (&error);
  g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 30);

  clock.now += 29 * G_USEC_PER_SEC + 500000;
  g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 1);

  /* After the minute the right PIN works again, with a fresh set of attempts. */
  clock.now += 500000;
  g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 0);
  g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, 5);
  g_assert_true (foyer_pin_guard_check (guard, "2468", &error));
  g_assert_no_error (error);
}

static void
test_guard_without_pin (void)
{
  g_autoptr(FoyerPinGuard) none = foyer_pin_guard_new (NULL);
  g_autoptr(FoyerPinGuard) empty = foyer_pin_guard_new ("");
  g_autoptr(FoyerPinGuard) broken = foyer_pin_guard_new ("pbkdf2-sha256$nonsense");
  g_autoptr(GError) error = NULL;

  g_assert_false (foyer_pin_guard_has_pin (none));
  g_assert_false (foyer_pin_guard_has_pin (empty));
  g_assert_false (foyer_pin_guard_check (none, "1234", &error));
  g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_NOT_SET);
  g_clear_error (&error);

  /* A damaged hash never opens the door and never counts as a wrong guess. */
  g_assert_true (foyer_pin_guard_has_pin (broken));
  for (int i = 0; i < 7; i++) {
    g_assert_false (foyer_pin_guard_check (broken, "1234", &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_MALFORMED_HASH);
    g_clear_error (&error);
  }
}

/* Wrong PINs until the pad locks; returns the lockout in seconds. */
static int
lock_with_wrong_pins (FoyerPinGuard *guard,
                      const char    *wrong)
{
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < FOYER_PIN_MAX_ATTEMPTS - 1; i++) {
    g_assert_false (foyer_pin_guard_check (guard, wrong, &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG);
    g_clear_error (&error);
  }
  g_assert_false (foyer_pin_guard_check (guard, wrong, &error));
  g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED);
  return foyer_pin_guard_lock_remaining (guard);
}

/* Each run of wrong PINs locks for longer (1, 5, 15, 60, 240, 1440, 1440 min); the right PIN
 * after a lockout starts again from one minute. */
static void
test_escalating_lockout (void)
{
  g_autofree char *hash = foyer_pin_hash ("246810", TEST_ITER, NULL);
  g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);
  FakeClock clock = { G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC };
  const int minutes[] = { 1, 5, 15, 60, 240, 1440, 1440 };

  foyer_pin_guard_set_clock (guard, fake_clock, &clock);
  for (guint i = 0; i < G_N_ELEMENTS (minutes); i++) {
    g_assert_cmpint (foyer_pin_guard_next_lockout_seconds (guard), ==, minutes[i] * 60);
    g_assert_cmpint (lock_with_wrong_pins (guard, "135790"), ==, minutes[i] * 60);
    clock.now += (gint64)minutes[i] * 60 * G_USEC_PER_SEC;
    g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 0);
  }
  g_assert_true (foyer_pin_guard_check (guard, "246810", NULL));
  g_assert_cmpint (lock_with_wrong_pins (guard, "135790"), ==, 60);

  /* A clock set back a day does not lock staff out for a day. */
  clock.now -= G_GINT64_CONSTANT (24 * 3600) * G_USEC_PER_SEC;
  g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), <=, 60);
  g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), >, 0);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

/* The lockout and the log of wrong entries are in the store: a new guard (a restarted kiosk)
 * is still locked and lists them; no digit typed is stored. */
static void
test_lockout_survives_restart (void)
{
  g_autofree char *dir = foyer_test_make_tmpdir ("pin");
  g_autofree char *path = g_build_filename (dir, "foyer.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *hash = foyer_pin_hash ("246810", TEST_ITER, NULL);
  g_autoptr(FoyerStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) failures = NULL;
  FakeClock clock = { G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC };
  gint64 start = clock.now;

  store = foyer_store_open (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);

    foyer_pin_guard_set_clock (guard, fake_clock, &clock);
    g_assert_true (foyer_pin_guard_set_database (guard, path, &error));
    g_assert_no_error (error);
    g_assert_false (foyer_pin_guard_check (guard, "97531864", NULL));
    clock.now += G_USEC_PER_SEC;
    for (int i = 0; i < FOYER_PIN_MAX_ATTEMPTS - 2; i++)
      g_assert_false (foyer_pin_guard_check (guard, "97531864", NULL));
    g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, 1);
    g_assert_false (foyer_pin_guard_check (guard, "97531864", &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED);
    g_clear_error (&error);
    g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 60);
  }

  clock.now += 10 * G_USEC_PER_SEC;
  {
    g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);

    foyer_pin_guard_set_clock (guard, fake_clock, &clock);
    g_assert_true (foyer_pin_guard_set_database (guard, path, &error));
    g_assert_cmpint (foyer_pin_guard_lock_remaining (guard), ==, 50);
    g_assert_false (foyer_pin_guard_check (guard, "246810", NULL));

    failures = foyer_pin_guard_list_failures (guard, 0);
    g_assert_cmpuint (failures->len, ==, 5);
    /* Newest first: the one that locked the pad. */
    g_assert_cmpint (g_array_index (failures, FoyerPinFailure, 0).lockout_seconds, ==, 60);
    g_assert_cmpint (g_array_index (failures, FoyerPinFailure, 0).time, ==,
                     start + G_USEC_PER_SEC);
    g_assert_cmpint (g_array_index (failures, FoyerPinFailure, 4).lockout_seconds, ==, 0);
    g_assert_cmpint (g_array_index (failures, FoyerPinFailure, 4).time, ==, start);
    g_assert_cmpuint (foyer_pin_guard_count_failures_since (guard, start + 1), ==, 4);

    /* After the lockout the escalation continues where the first run left it. */
    clock.now += 60 * G_USEC_PER_SEC;
    g_assert_cmpint (foyer_pin_guard_next_lockout_seconds (guard), ==, 300);
    g_assert_true (foyer_pin_guard_check (guard, "246810", NULL));
  }
  {
    g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);

    g_assert_true (foyer_pin_guard_set_database (guard, path, &error));
    g_assert_cmpint (foyer_pin_guard_next_lockout_seconds (guard), ==, 60);
    g_assert_cmpint (foyer_pin_guard_attempts_left (guard), ==, FOYER_PIN_MAX_ATTEMPTS);
  }
  g_assert_false (file_contains (path, "97531864"));
  g_assert_false (file_contains (wal, "97531864"));

  /* A file that is not a store: said, and the guard still works from memory. */
  {
    g_autoptr(FoyerPinGuard) guard = foyer_pin_guard_new (hash);
    g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);

    g_assert_false (foyer_pin_guard_set_database (guard, missing, &error));
    g_assert_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_FAILED);
    g_clear_error (&error);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
    g_assert_true (foyer_pin_guard_check (guard, "246810", NULL));
  }
}

/* A 4-digit PIN from an older foyerctl still opens Admin, and the guard then says it is short. */
static void
test_short_pin (void)
{
  g_autofree char *old = foyer_pin_hash ("2468", TEST_ITER, NULL);
  g_autofree char *new = foyer_pin_hash ("246810", TEST_ITER, NULL);
  g_autoptr(FoyerPinGuard) old_guard = foyer_pin_guard_new (old);
  g_autoptr(FoyerPinGuard) new_guard = foyer_pin_guard_new (new);

  g_assert_false (foyer_pin_guard_get_pin_is_short (old_guard));
  g_assert_true (foyer_pin_guard_check (old_guard, "2468", NULL));
  g_assert_true (foyer_pin_guard_get_pin_is_short (old_guard));
  g_assert_true (foyer_pin_guard_check (new_guard, "246810", NULL));
  g_assert_false (foyer_pin_guard_get_pin_is_short (new_guard));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pin/hash-and-verify", test_hash_and_verify);
  g_test_add_func ("/pin/default-iterations", test_default_iterations);
  g_test_add_func ("/pin/wrong-pin", test_wrong_pin);
  g_test_add_func ("/pin/validate", test_validate);
  g_test_add_func ("/pin/malformed-hashes", test_malformed_hashes);
  g_test_add_func ("/pin/lockout", test_lockout);
  g_test_add_func ("/pin/guard-without-pin", test_guard_without_pin);
  g_test_add_func ("/pin/escalating-lockout", test_escalating_lockout);
  g_test_add_func ("/pin/lockout-survives-restart", test_lockout_survives_restart);
  g_test_add_func ("/pin/short-pin", test_short_pin);

  return g_test_run ();
}
