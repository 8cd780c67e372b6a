/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-feedback.h: what a visitor notices without reading: a sound and a full-screen flash for
 * every answer of the kiosk flow.
 *
 * Accepted, repeat and refused answers each have their own sound (freedesktop sound theme,
 * through GSound; [kiosk] sounds=on|off) and their own flash: green circle with a tick, amber
 * triangle with an exclamation mark, red octagon with a cross, for 600 ms, so that the shape and
 * the sign tell them apart without the colour. Camera, keyboard-wedge and serial scanners all
 * reach it the same way: the window hands it each result it shows.
 */
#pragma once

#include <gtk/gtk.h>

#include "foyer-flow-result.h"

G_BEGIN_DECLS

typedef enum {
  FOYER_FEEDBACK_NONE = 0,   /* no gate answer (a business card opens the form) */
  FOYER_FEEDBACK_ACCEPTED,
  FOYER_FEEDBACK_REPEAT,
  FOYER_FEEDBACK_REFUSED,
} FoyerFeedbackKind;

#define FOYER_FEEDBACK_FLASH_MS 600

#define FOYER_TYPE_FEEDBACK (foyer_feedback_get_type ())
G_DECLARE_FINAL_TYPE (FoyerFeedback, foyer_feedback, FOYER, FEEDBACK, GtkWidget)

/* Properties: sounds-enabled (gboolean, read-write), sound-id (string: the freedesktop event id
 * of the last sound asked for, NULL before the first), flash (string: "accepted", "repeat" or
 * "refused" while a flash is on screen, else NULL). Signal: sound-requested (const char *id),
 * emitted for every sound asked for, whether or not a sound card plays it. */

GtkWidget         *foyer_feedback_new                 (void);
/* Which feedback an answer gets. */
FoyerFeedbackKind  foyer_feedback_kind_for_result     (FoyerFlowResult   *result);
const char        *foyer_feedback_kind_to_nick        (FoyerFeedbackKind  kind);
/* The freedesktop sound theme event id of each kind ("complete", "dialog-warning",
 * "dialog-error"), NULL for none. */
const char        *foyer_feedback_sound_id            (FoyerFeedbackKind  kind);

/* Plays the sound and starts the flash for result (nothing for FOYER_FEEDBACK_NONE). */
void               foyer_feedback_show_result         (FoyerFeedback     *self,
                                                       FoyerFlowResult   *result);
void               foyer_feedback_show                (FoyerFeedback     *self,
                                                       FoyerFeedbackKind  kind);
void               foyer_feedback_set_sounds_enabled  (FoyerFeedback     *self,
                                                       gboolean           enabled);
gboolean           foyer_feedback_get_sounds_enabled  (FoyerFeedback     *self);
/* How long a flash stays (FOYER_FEEDBACK_FLASH_MS unless changed; tests that shoot it on a slow
 * sanitizer build hold it longer). */
void               foyer_feedback_set_duration_ms     (FoyerFeedback     *self,
                                                       guint              duration_ms);
const char        *foyer_feedback_get_sound_id        (FoyerFeedback     *self);
/* The kind on screen now, FOYER_FEEDBACK_NONE when no flash is shown. */
FoyerFeedbackKind  foyer_feedback_get_flash           (FoyerFeedback     *self);

G_END_DECLS
