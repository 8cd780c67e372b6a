/* test-pin.c: the staff PIN hash (PBKDF2-SHA256) and the lockout after five wrong PINs. */
#include "config.h"

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
  const char *good[] = { "0000", "1234", "123456789012", NULL };
  const char *bad[] = { "", "123", "1234567890123", "12a4", "12 34", "１２３４", "-1234", NULL };

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

  return g_test_run ();
}
