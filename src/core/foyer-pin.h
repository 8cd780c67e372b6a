/* foyer-pin.h: the staff PIN that guards Admin and leaving the fullscreen kiosk.
 *
 * The config keeps only a salted PBKDF2-SHA256 hash ([kiosk] admin-pin-hash, written by
 * `foyerctl set-pin`); a FoyerPinGuard checks entries against it and locks after repeated
 * wrong PINs so that a visitor cannot guess a four-digit PIN at the kiosk.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FOYER_PIN_ERROR (foyer_pin_error_quark ())

typedef enum {
  FOYER_PIN_ERROR_INVALID = 1,   /* not 4–12 digits */
  FOYER_PIN_ERROR_MALFORMED_HASH,/* the configured hash cannot be parsed */
  FOYER_PIN_ERROR_WRONG,         /* the PIN does not match */
  FOYER_PIN_ERROR_LOCKED,        /* too many wrong PINs; try again later */
  FOYER_PIN_ERROR_NOT_SET,       /* no PIN configured */
  FOYER_PIN_ERROR_FAILED,        /* the crypto library failed */
} FoyerPinError;

GQuark foyer_pin_error_quark (void);

#define FOYER_PIN_MIN_DIGITS        4
#define FOYER_PIN_MAX_DIGITS        12
#define FOYER_PIN_DEFAULT_ITERATIONS 100000
#define FOYER_PIN_MAX_ATTEMPTS      5
#define FOYER_PIN_LOCKOUT_SECONDS   60

/* TRUE when pin is 4–12 ASCII digits; otherwise FOYER_PIN_ERROR_INVALID with a message. */
gboolean  foyer_pin_validate     (const char  *pin,
                                  GError     **error);
/* "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" with a fresh random 16-byte salt;
 * iterations 0 = FOYER_PIN_DEFAULT_ITERATIONS. */
char     *foyer_pin_hash         (const char  *pin,
                                  guint        iterations,
                                  GError     **error);
/* TRUE on a match (constant-time compare). FALSE with FOYER_PIN_ERROR_WRONG on a mismatch, or
 * FOYER_PIN_ERROR_MALFORMED_HASH when hash is not one foyer_pin_hash() writes. */
gboolean  foyer_pin_verify       (const char  *pin,
                                  const char  *hash,
                                  GError     **error);
/* TRUE when hash parses (so a typo in the config is reported, not a silently open kiosk). */
gboolean  foyer_pin_hash_is_valid (const char *hash);

/* Returns the current time in microseconds (monotonic); tests inject their own clock. */
typedef gint64 (*FoyerPinClock) (gpointer user_data);

#define FOYER_TYPE_PIN_GUARD (foyer_pin_guard_get_type ())
G_DECLARE_FINAL_TYPE (FoyerPinGuard, foyer_pin_guard, FOYER, PIN_GUARD, GObject)

/* hash NULL or "" = no PIN configured (every check fails with FOYER_PIN_ERROR_NOT_SET). */
FoyerPinGuard *foyer_pin_guard_new            (const char     *hash);
void           foyer_pin_guard_set_clock      (FoyerPinGuard  *self,
                                               FoyerPinClock   clock,
                                               gpointer        user_data);
gboolean       foyer_pin_guard_has_pin        (FoyerPinGuard  *self);
/* Checks pin; counts wrong entries, and after FOYER_PIN_MAX_ATTEMPTS wrong ones refuses every
 * entry (FOYER_PIN_ERROR_LOCKED) for FOYER_PIN_LOCKOUT_SECONDS. A right PIN resets the count. */
gboolean       foyer_pin_guard_check          (FoyerPinGuard  *self,
                                               const char     *pin,
                                               GError        **error);
/* Seconds of lockout left (rounded up), 0 when not locked. */
int            foyer_pin_guard_lock_remaining (FoyerPinGuard  *self);
/* Wrong entries left before a lockout. */
int            foyer_pin_guard_attempts_left  (FoyerPinGuard  *self);

G_END_DECLS
