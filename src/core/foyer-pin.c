/* foyer-pin.c: hashing, checking and rate-limiting the staff PIN (OpenSSL libcrypto).
 *
 * A PIN has few digits, so the hash alone cannot keep it secret from someone holding the config
 * file; its job is to keep the PIN out of plain sight. At the kiosk the lockout is what stops
 * guessing.
 */
#define G_LOG_DOMAIN "foyer-pin"

#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "foyer-pin.h"

G_DEFINE_QUARK (foyer-pin-error-quark, foyer_pin_error)

#define PIN_SCHEME      "pbkdf2-sha256"
#define PIN_SALT_LEN    16
#define PIN_HASH_LEN    32
#define PIN_MIN_ITER    1000
#define PIN_MAX_ITER    10000000

gboolean
foyer_pin_validate (const char  *pin,
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
  if (len < FOYER_PIN_MIN_DIGITS || len > FOYER_PIN_MAX_DIGITS) {
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_INVALID,
                 "the PIN must have %d to %d digits", FOYER_PIN_MIN_DIGITS,
                 FOYER_PIN_MAX_DIGITS);
    return FALSE;
  }
  return TRUE;
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

  if (!foyer_pin_validate (pin, error))
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
  if (pin == NULL || !foyer_pin_validate (pin, NULL)) {
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

struct _FoyerPinGuard {
  GObject        parent_instance;

  char          *hash;
  int            failures;
  gint64         locked_until;   /* clock time, 0 = not locked */
  FoyerPinClock  clock;
  gpointer       clock_data;
};

G_DEFINE_FINAL_TYPE (FoyerPinGuard, foyer_pin_guard, G_TYPE_OBJECT)

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
foyer_pin_guard_finalize (GObject *object)
{
  FoyerPinGuard *self = (FoyerPinGuard *)object;

  g_clear_pointer (&self->hash, g_free);

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

int
foyer_pin_guard_lock_remaining (FoyerPinGuard *self)
{
  gint64 now;

  g_return_val_if_fail (FOYER_IS_PIN_GUARD (self), 0);

  if (self->locked_until == 0)
    return 0;
  now = self->clock (self->clock_data);
  if (now >= self->locked_until) {
    /* The minute is over: a fresh set of attempts. */
    self->locked_until = 0;
    self->failures = 0;
    return 0;
  }
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
    self->failures = 0;
    return TRUE;
  }

  if (!g_error_matches (local, FOYER_PIN_ERROR, FOYER_PIN_ERROR_WRONG)) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }

  self->failures++;
  if (self->failures >= FOYER_PIN_MAX_ATTEMPTS) {
    self->locked_until = self->clock (self->clock_data) +
                         (gint64)FOYER_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC;
    g_set_error (error, FOYER_PIN_ERROR, FOYER_PIN_ERROR_LOCKED,
                 "too many wrong PINs: try again in %d s", FOYER_PIN_LOCKOUT_SECONDS);
    return FALSE;
  }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
