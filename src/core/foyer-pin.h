/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-pin.h: the staff PIN that guards Admin and leaving the fullscreen kiosk.
 *
 * The config keeps only a salted PBKDF2-SHA256 hash ([kiosk] admin-pin-hash, written by
 * `foyerctl set-pin`); a FoyerPinGuard checks entries against it and locks after repeated
 * wrong PINs so that a visitor cannot guess the PIN at the kiosk.
 *
 * New PINs have 6 to 12 digits (a million PINs at least); a 4- or 5-digit PIN set by an older
 * `foyerctl set-pin` keeps working, and the guard reports it as short once it was entered, so
 * that Admin can ask staff to change it. Each run of FOYER_PIN_MAX_ATTEMPTS wrong PINs locks the
 * pad for longer: 1, 5, 15, 60, 240 and then 1440 minutes, until the right PIN is entered. With a
 * database (foyer_pin_guard_set_database()) the count, the lockout and a log of the wrong
 * entries (times only) survive a restart.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FOYER_PIN_ERROR (foyer_pin_error_quark ())

typedef enum {
  FOYER_PIN_ERROR_INVALID = 1,   /* not 6–12 digits (a new PIN) or 4–12 (an existing one) */
  FOYER_PIN_ERROR_MALFORMED_HASH,/* the configured hash cannot be parsed */
  FOYER_PIN_ERROR_WRONG,         /* the PIN does not match */
  FOYER_PIN_ERROR_LOCKED,        /* too many wrong PINs; try again later */
  FOYER_PIN_ERROR_NOT_SET,       /* no PIN configured */
  FOYER_PIN_ERROR_FAILED,        /* the crypto library failed */
} FoyerPinError;

GQuark foyer_pin_error_quark (void);

/* A new PIN has at least FOYER_PIN_MIN_DIGITS; one set before that rule keeps working down to
 * FOYER_PIN_LEGACY_MIN_DIGITS. */
#define FOYER_PIN_MIN_DIGITS        6
#define FOYER_PIN_LEGACY_MIN_DIGITS 4
#define FOYER_PIN_MAX_DIGITS        12
#define FOYER_PIN_DEFAULT_ITERATIONS 100000
#define FOYER_PIN_MAX_ATTEMPTS      5
/* The first lockout; later ones are longer (see above). */
#define FOYER_PIN_LOCKOUT_SECONDS   60
/* How many wrong entries the log keeps (the oldest go first). */
#define FOYER_PIN_FAILURE_LOG_SIZE  200

/* TRUE when pin is acceptable as a NEW PIN: 6–12 ASCII digits; otherwise
 * FOYER_PIN_ERROR_INVALID with a message. */
gboolean  foyer_pin_validate     (const char  *pin,
                                  GError     **error);
/* "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" with a fresh random 16-byte salt;
 * iterations 0 = FOYER_PIN_DEFAULT_ITERATIONS. Hashes any PIN the kiosk accepts (4–12 digits,
 * for existing PINs and tests): whoever sets a new PIN calls foyer_pin_validate() first. */
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

/* Returns the current wall-clock time in microseconds since the epoch (a lockout must outlive a
 * restart); tests inject their own clock. */
typedef gint64 (*FoyerPinClock) (gpointer user_data);

#define FOYER_TYPE_PIN_GUARD (foyer_pin_guard_get_type ())
G_DECLARE_FINAL_TYPE (FoyerPinGuard, foyer_pin_guard, FOYER, PIN_GUARD, GObject)

/* hash NULL or "" = no PIN configured (every check fails with FOYER_PIN_ERROR_NOT_SET). */
FoyerPinGuard *foyer_pin_guard_new            (const char     *hash);
void           foyer_pin_guard_set_clock      (FoyerPinGuard  *self,
                                               FoyerPinClock   clock,
                                               gpointer        user_data);
gboolean       foyer_pin_guard_has_pin        (FoyerPinGuard  *self);
/* Keeps the guard's state in the SQLite database at path (the kiosk's store, already opened
 * and migrated by foyer_store_open()) and loads what an earlier run left there: a restart does
 * not reset a lockout. FALSE with an error when it cannot be opened; the guard then works from
 * memory. */
gboolean       foyer_pin_guard_set_database   (FoyerPinGuard  *self,
                                               const char     *path,
                                               GError        **error);
/* Checks pin; counts wrong entries, and after FOYER_PIN_MAX_ATTEMPTS wrong ones in a row refuses
 * every entry (FOYER_PIN_ERROR_LOCKED) for the next lockout period (1, 5, 15, 60… minutes). A
 * right PIN resets the count and the escalation. */
gboolean       foyer_pin_guard_check          (FoyerPinGuard  *self,
                                               const char     *pin,
                                               GError        **error);
/* Seconds of lockout left (rounded up), 0 when not locked. */
int            foyer_pin_guard_lock_remaining (FoyerPinGuard  *self);
/* Wrong entries left before a lockout. */
int            foyer_pin_guard_attempts_left  (FoyerPinGuard  *self);
/* How long the lockout that the next run of wrong entries starts will last, in seconds. */
int            foyer_pin_guard_next_lockout_seconds (FoyerPinGuard *self);
/* TRUE once the right PIN was entered and it has fewer than FOYER_PIN_MIN_DIGITS digits:
 * staff should set a new one with `foyerctl set-pin`. */
gboolean       foyer_pin_guard_get_pin_is_short (FoyerPinGuard *self);

/* One wrong PIN entry: when (µs since the epoch, UTC) and the lockout it started (0 = none). */
typedef struct {
  gint64 time;
  int    lockout_seconds;
} FoyerPinFailure;

/* The wrong entries, newest first, at most max (0 = all kept): an array of FoyerPinFailure. */
GArray        *foyer_pin_guard_list_failures  (FoyerPinGuard  *self,
                                               guint           max);
/* Wrong entries logged since time (µs since the epoch). */
guint          foyer_pin_guard_count_failures_since (FoyerPinGuard *self,
                                                     gint64         time);

G_END_DECLS
