/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-pin.c: hashing, checking and rate-limiting the staff PIN (OpenSSL libcrypto).
 *
 * A PIN has few digits, so the hash alone cannot keep it secret from someone holding the config
 * file; its job is to keep the PIN out of plain sight. At the kiosk the lockout is what stops
 * guessing: with 5 tries per lockout and lockouts of 1, 5, 15, 60, 240 and then 1440 minutes,
 * a million 6-digit PINs take centuries at the pad, and a restart does not help (the state is
 * in the store, see foyer_pin_guard_set_database()).
 */
#define G_LOG_DOMAIN "foyer-pin"

#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "foyer-pin.h"

G_DEFINE_QUARK (foyer-pin-error-quark, foyer_pin_error)

#define PIN_SCHEME      "pbkdf2-sha256"
#define PIN_SALT_LEN    16
#define PIN_HASH_LEN    32
#define PIN_MIN_ITER    1000
#define PIN_MAX_ITER    10000000

static gboolean
validate_digits (const char  *pin,
                 guint        min_digits,
                 GError     **error)
{
  gsize len;

  if (pin == NULL || *pin == '\0') {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID, "the PIN is empty");
    return FALSE;
  }
  len = strlen (pin);
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isdigit (pin[i])) {
      g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID,
                   "the PIN may contain only the digits 0–9");
      return FALSE;
    }
  }
  if (len < min_digits || len > FOYER_PIN_MAX_DIGITS) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID,
                 "the PIN must have %u to %d digits", min_digits, FOYER_PIN_MAX_DIGITS);
    return FALSE;
  }
  return TRUE;
}

gboolean
foyer_pin_validate (const char  *pin,
                    GError     **error)
{
  return validate_digits (pin, FOYER_PIN_MIN_DIGITS, error);
}

static gboolean
derive (const char    *pin,
        const guchar  *salt,
        gsize          salt_len,
        guint          iterations,
        guchar         out[PIN_HASH_LEN],
        GError       **error)
{
  if (PKCS5_PBKDF2_HMAC (pin, (int)strlen (pin), salt, (int)salt_len, (int)iterations,
                         EVP_sha256 (), PIN_HASH_LEN, out) != 1) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_FAILED,
                 "cannot compute the PIN hash (OpenSSL PBKDF2 failed)");
    return FALSE;
  }
  return TRUE;
}

char *
foyer_pin_hash (const char  *pin,
                guint        iterations,
                GError     **error)
{
  guchar salt[PIN_SALT_LEN];
  guchar hash[PIN_HASH_LEN];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;
  char *result;

  if (!validate_digits (pin, FOYER_PIN_LEGACY_MIN_DIGITS, error))
    return NULL;
  if (iterations == 0)
    iterations = FOYER_PIN_DEFAULT_ITERATIONS;
  g_return_val_if_fail (iterations >= PIN_MIN_ITER && iterations <= PIN_MAX_ITER, NULL);

  if (RAND_bytes (salt, sizeof salt) != 1) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_FAILED,
                 "cannot get random bytes for the PIN salt");
    return NULL;
  }
  if (!derive (pin, salt, sizeof salt, iterations, hash, error))
    return NULL;

  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  result = g_strdup_printf (PIN_SCHEME "$%u$%s$%s", iterations, salt64, hash64);
  OPENSSL_cleanse (hash, sizeof hash);
  return result;
}

/* Strict base64: g_base64_decode() skips junk, which would let a damaged hash pass as valid. */
static guchar *
decode_b64 (const char *text,
            gsize      *len)
{
  gsize n = strlen (text);

  if (n == 0 || n % 4 != 0)
    return NULL;
  for (gsize i = 0; i < n; i++) {
    char c = text[i];
    if (!(g_ascii_isalnum (c) || c == '+' || c == '/' || (c == '=' && i >= n - 2)))
      return NULL;
    if (c != '=' && i > 0 && text[i - 1] == '=')
      return NULL;
  }
  return g_base64_decode (text, len);
}

typedef struct {
  guint   iterations;
  guchar *salt;
  gsize   salt_len;
  guchar *hash;
  gsize   hash_len;
} ParsedHash;

static void
parsed_hash_clear (ParsedHash *p)
{
  g_clear_pointer (&p->salt, g_free);
  g_clear_pointer (&p->hash, g_free);
}

static gboolean
parse_hash (const char  *text,
            ParsedHash  *out,
            GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 iterations;

  memset (out, 0, sizeof *out);
  if (text == NULL)
    goto malformed;

  parts = g_strsplit (text, "$", -1);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], PIN_SCHEME) != 0)
    goto malformed;
  if (!g_ascii_string_to_unsigned (parts[1], 10, PIN_MIN_ITER, PIN_MAX_ITER, &iterations, NULL))
    goto malformed;
  out->iterations = (guint)iterations;
  out->salt = decode_b64 (parts[2], &out->salt_len);
  out->hash = decode_b64 (parts[3], &out->hash_len);
  if (out->salt == NULL || out->salt_len < 8 || out->hash == NULL || out->hash_len != PIN_HASH_LEN)
    goto malformed;
  return TRUE;

malformed:
  parsed_hash_clear (out);
  g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_MALFORMED_HASH,
               "[kiosk] admin-pin-hash is not a PIN hash written by “foyerctl set-pin”; "
               "set the PIN again");
  return FALSE;
}

gboolean
foyer_pin_hash_is_valid (const char *hash)
{
  ParsedHash parsed;

  if (!parse_hash (hash, &parsed, NULL))
    return FALSE;
  parsed_hash_clear (&parsed);
  return TRUE;
}

gboolean
foyer_pin_verify (const char  *pin,
                  const char  *hash,
                  GError     **error)
{
  ParsedHash parsed;
  guchar computed[PIN_HASH_LEN];
  gboolean match;

  if (!parse_hash (hash, &parsed, error))
    return FALSE;

  /* Anything that is not a valid PIN cannot match; say "wrong" rather than why. */
  if (pin == NULL || !validate_digits (pin, FOYER_PIN_LEGACY_MIN_DIGITS, NULL)) {
    parsed_hash_clear (&parsed);
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG, "wrong PIN");
    return FALSE;
  }

  if (!derive (pin, parsed.salt, parsed.salt_len, parsed.iterations, computed, error)) {
    parsed_hash_clear (&parsed);
    return FALSE;
  }
  match = CRYPTO_memcmp (computed, parsed.hash, PIN_HASH_LEN) == 0;
  OPENSSL_cleanse (computed, sizeof computed);
  parsed_hash_clear (&parsed);

  if (!match) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG, "wrong PIN");
    return FALSE;
  }
  return TRUE;
}

/* --- FoyerPinGuard --- */

/* Minutes of each lockout in turn; the last one repeats. */
static const int lockout_minutes[] = { 1, 5, 15, 60, 240, 1440 };

struct _FoyerPinGuard {
  GObject        parent_instance;

  char          *hash;
  int            failures;       /* wrong PINs in a row since the last lockout or right PIN */
  int            level;          /* lockouts since the last right PIN */
  gint64         locked_until;   /* clock time, 0 = not locked */
  gboolean       short_pin;
  GArray        *log;            /* FoyerPinFailure, oldest first */
  sqlite3       *db;
  FoyerPinClock  clock;
  gpointer       clock_data;
};

G_DEFINE_FINAL_TYPE (FoyerPinGuard, foyer_pin_guard, G_TYPE_OBJECT)

static gint64
default_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static int
lockout_seconds_for_level (int level)
{
  return lockout_minutes[MIN (level, (int)G_N_ELEMENTS (lockout_minutes) - 1)] * 60;
}

static void
foyer_pin_guard_finalize (GObject *object)
{
  FoyerPinGuard *self = (FoyerPinGuard *)object;

  g_clear_pointer (&self->hash, g_free);
  g_clear_pointer (&self->log, g_array_unref);
  g_clear_pointer (&self->db, sqlite3_close);

  G_OBJECT_CLASS (foyer_pin_guard_parent_class)->finalize (object);
}

static void
foyer_pin_guard_class_init (FoyerPinGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_pin_guard_finalize;
}

static void
foyer_pin_guard_init (FoyerPinGuard *self)
{
  self->clock = default_clock;
  self->log = g_array_new (FALSE, FALSE, sizeof (FoyerPinFailure));
}

FoyerPinGuard *
foyer_pin_guard_new (const char *hash)
{
  FoyerPinGuard *self = g_object_new (FOYER_TYPE_PIN_GUARD, NULL);

  if (hash != NULL && *hash != '\0')
    self->hash = g_strstrip (g_strdup (hash));
  return self;
}

void
foyer_pin_guard_set_clock (FoyerPinGuard *self,
                           FoyerPinClock  clock,
                           gpointer       user_data)
{
  g_return_if_fail (FOYER_IS_PIN_GUARD (self));

  self->clock = clock != NULL ? clock : default_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
}

gboolean
foyer_pin_guard_has_pin (FoyerPinGuard *self)
{
  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), FALSE);
  return self->hash != NULL;
}

/* --- persistence --- */

static gboolean
db_exec (sqlite3     *db,
         const char  *sql,
         const char  *what,
         GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_FAILED, "cannot %s: %s", what,
               message != NULL ? message : sqlite3_errmsg (db));
  sqlite3_free (message);
  return FALSE;
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC +
                        g_date_time_get_microsecond (time) : 0;
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) precise = g_date_time_add (time, usec % G_USEC_PER_SEC);

  return g_date_time_format (precise, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static gboolean
load_state (FoyerPinGuard  *self,
            GError        **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT failures, level, locked_until FROM pin_lockout "
                          "WHERE id = 1", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  if (sqlite3_step (stmt) == SQLITE_ROW) {
    self->failures = CLAMP (sqlite3_column_int (stmt, 0), 0, FOYER_PIN_MAX_ATTEMPTS - 1);
    self->level = CLAMP (sqlite3_column_int (stmt, 1), 0, 1000);
    self->locked_until = MAX (sqlite3_column_int64 (stmt, 2), 0);
  }
  sqlite3_finalize (stmt);

  if (sqlite3_prepare_v2 (self->db, "SELECT failed_at, lockout_seconds FROM (SELECT id, "
                          "failed_at, lockout_seconds FROM pin_failures ORDER BY id DESC "
                          "LIMIT ?) ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  sqlite3_bind_int (stmt, 1, FOYER_PIN_FAILURE_LOG_SIZE);
  g_array_set_size (self->log, 0);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    FoyerPinFailure failure = {
      parse_time ((const char *)sqlite3_column_text (stmt, 0)),
      sqlite3_column_int (stmt, 1),
    };
    g_array_append_val (self->log, failure);
  }
  sqlite3_finalize (stmt);
  return TRUE;

failed:
  g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_FAILED,
               "cannot read the PIN lockout from the database: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
foyer_pin_guard_set_database (FoyerPinGuard  *self,
                              const char     *path,
                              GError        **error)
{
  sqlite3 *db = NULL;

  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_clear_pointer (&self->db, sqlite3_close);
  /* No CREATE: the store made the file and its tables. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_FAILED,
                 "cannot open %s for the PIN lockout: %s", path,
                 db != NULL ? sqlite3_errmsg (db) : "out of memory");
    sqlite3_close (db);
    return FALSE;
  }
  sqlite3_busy_timeout (db, 5000);
  self->db = db;
  if (!load_state (self, error)) {
    g_clear_pointer (&self->db, sqlite3_close);
    return FALSE;
  }
  return TRUE;
}

static gboolean
db_run (sqlite3              *db,
        const char           *sql,
        const gint64         *ints,
        guint                 n_ints,
        const char           *text)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  for (guint i = 0; i < n_ints; i++)
    sqlite3_bind_int64 (stmt, (int)i + 1, ints[i]);
  if (text != NULL)
    sqlite3_bind_text (stmt, (int)n_ints + 1, text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* Writes the state and, when failure is not NULL, logs it (keeping the newest
 * FOYER_PIN_FAILURE_LOG_SIZE). A database that refuses is reported in the log but never opens
 * the pad: the state in memory still counts. */
static void
save_state (FoyerPinGuard         *self,
            const FoyerPinFailure *failure)
{
  g_autoptr(GError) error = NULL;
  const gint64 state[] = { self->failures, self->level, self->locked_until };
  const gint64 keep[] = { FOYER_PIN_FAILURE_LOG_SIZE };
  gboolean ok;

  if (self->db == NULL)
    return;
  if (!db_exec (self->db, "BEGIN IMMEDIATE", "save the PIN lockout", &error)) {
    g_message ("%s", error->message);
    return;
  }
  ok = db_run (self->db, "INSERT OR REPLACE INTO pin_lockout (id, failures, level, locked_until) "
               "VALUES (1, ?, ?, ?)", state, G_N_ELEMENTS (state), NULL);
  if (ok && failure != NULL) {
    g_autofree char *when = format_time (failure->time);
    const gint64 lockout[] = { failure->lockout_seconds };

    ok = db_run (self->db, "INSERT INTO pin_failures (lockout_seconds, failed_at) VALUES (?, ?)",
                 lockout, 1, when) &&
         db_run (self->db, "DELETE FROM pin_failures WHERE id <= "
                 "(SELECT max(id) FROM pin_failures) - ?", keep, 1, NULL);
  }
  if (!ok) {
    g_message ("cannot save the PIN lockout: %s", sqlite3_errmsg (self->db));
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    return;
  }
  if (!db_exec (self->db, "COMMIT", "save the PIN lockout", &error)) {
    g_message ("%s", error->message);
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  }
}

/* --- checking --- */

int
foyer_pin_guard_lock_remaining (FoyerPinGuard *self)
{
  gint64 now;
  gint64 longest;

  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), 0);

  if (self->locked_until == 0)
    return 0;
  now = self->clock (self->clock_data);
  if (now >= self->locked_until) {
    /* The lockout is over: a fresh set of attempts, the escalation stays. */
    self->locked_until = 0;
    self->failures = 0;
    save_state (self, NULL);
    return 0;
  }
  /* A clock set back must not lock staff out for longer than the lockout itself. */
  longest = (gint64)lockout_seconds_for_level (MAX (self->level - 1, 0)) * G_USEC_PER_SEC;
  if (self->locked_until - now > longest)
    self->locked_until = now + longest;
  return (int)((self->locked_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

int
foyer_pin_guard_attempts_left (FoyerPinGuard *self)
{
  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), 0);

  if (foyer_pin_guard_lock_remaining (self) > 0)
    return 0;
  return FOYER_PIN_MAX_ATTEMPTS - self->failures;
}

int
foyer_pin_guard_next_lockout_seconds (FoyerPinGuard *self)
{
  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), 0);
  return lockout_seconds_for_level (self->level);
}

gboolean
foyer_pin_guard_get_pin_is_short (FoyerPinGuard *self)
{
  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), FALSE);
  return self->short_pin;
}

GArray *
foyer_pin_guard_list_failures (FoyerPinGuard *self,
                               guint          max)
{
  GArray *out;

  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), NULL);

  out = g_array_new (FALSE, FALSE, sizeof (FoyerPinFailure));
  for (guint i = self->log->len; i > 0 && (max == 0 || out->len < max); i--)
    g_array_append_val (out, g_array_index (self->log, FoyerPinFailure, i - 1));
  return out;
}

guint
foyer_pin_guard_count_failures_since (FoyerPinGuard *self,
                                      gint64         time)
{
  guint count = 0;

  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), 0);

  for (guint i = 0; i < self->log->len; i++)
    if (g_array_index (self->log, FoyerPinFailure, i).time >= time)
      count++;
  return count;
}

/* A wrong PIN: counted, logged, and the pad locked when it was the last attempt. */
static int
record_failure (FoyerPinGuard *self)
{
  FoyerPinFailure failure = { self->clock (self->clock_data), 0 };

  self->failures++;
  if (self->failures >= FOYER_PIN_MAX_ATTEMPTS) {
    failure.lockout_seconds = lockout_seconds_for_level (self->level);
    self->locked_until = failure.time + (gint64)failure.lockout_seconds * G_USEC_PER_SEC;
    self->level++;
    self->failures = 0;
  }
  g_array_append_val (self->log, failure);
  if (self->log->len > FOYER_PIN_FAILURE_LOG_SIZE)
    g_array_remove_range (self->log, 0, self->log->len - FOYER_PIN_FAILURE_LOG_SIZE);
  save_state (self, &failure);
  return failure.lockout_seconds;
}

gboolean
foyer_pin_guard_check (FoyerPinGuard  *self,
                       const char     *pin,
                       GError        **error)
{
  g_autoptr(GError) local = NULL;
  int remaining;

  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), FALSE);

  if (self->hash == NULL) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_NOT_SET,
                 "no staff PIN is set; set one with “foyerctl set-pin”");
    return FALSE;
  }

  if ((remaining = foyer_pin_guard_lock_remaining (self)) > 0) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED,
                 "too many wrong PINs: try again in %d s", remaining);
    return FALSE;
  }

  if (foyer_pin_verify (pin, self->hash, &local)) {
    gboolean was_clean = self->failures == 0 && self->level == 0;

    self->failures = 0;
    self->level = 0;
    self->short_pin = strlen (pin) < FOYER_PIN_MIN_DIGITS;
    if (!was_clean)
      save_state (self, NULL);
    return TRUE;
  }

  if (!g_error_matches (local, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG)) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }

  if ((remaining = record_failure (self)) > 0) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED,
                 "too many wrong PINs: try again in %d s", remaining);
    return FALSE;
  }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
