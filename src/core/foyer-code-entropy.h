/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-code-entropy.h: how easily a pre-registration list's badge codes can be guessed.
 *
 * An unsigned badge code is accepted when it is in the event's list ([badge] accept-unsigned=
 * list), so whoever guesses one checks in as that visitor and sees their name. The estimate is
 * the better of two attacks: trying every string of the list's shape (which characters occur at
 * each position), and counting through the range of a numbered list. `foyerctl import` warns
 * below FOYER_CODE_ENTROPY_MIN_BITS.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FOYER_CODE_ENTROPY_MIN_BITS 40.0

typedef enum {
  FOYER_CODE_GUESS_SHAPE,       /* short codes, or few characters that vary */
  FOYER_CODE_GUESS_SEQUENCE,    /* numbers from a dense range */
} FoyerCodeGuess;

/* Bits an attacker must guess to hit SOME code of the n codes (log2 of tries per hit), and
 * which attack that is. 0 for fewer than 2 codes (nothing to learn a shape from) is not a
 * verdict: callers skip lists that small. */
double  foyer_code_entropy_bits        (const char * const *codes,
                                        gsize               n,
                                        FoyerCodeGuess     *attack);
/* The warning for the badge codes of event in the store at db_path, or NULL when they are hard
 * enough to guess (or fewer than 2). FALSE with error when the store cannot be read. */
gboolean foyer_code_entropy_check_preregistrations (const char  *db_path,
                                                    const char  *event,
                                                    char       **warning,
                                                    GError     **error);

G_END_DECLS
