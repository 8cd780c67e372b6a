/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-gate-rules.h: who an entrance admits and when, read from [gate] in foyer.conf.
 *
 * The kiosk flow applies the rules offline to every badge scanned at an entry kiosk, one step at
 * a time in the order of docs/gate-rules.md (category, opening hours, then the visitor's entries
 * today); each step that refuses says why in words for the visitor and in detail for staff.
 * foyerctl gate --check prints them in words. No GTK: the kiosk, foyerctl and the tests share it.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"

G_BEGIN_DECLS

#define FOYER_GATE_RULES_ERROR (foyer_gate_rules_error_quark ())

typedef enum {
  FOYER_GATE_RULES_ERROR_INVALID = 1,   /* a [gate] value that cannot be a rule */
} FoyerGateRulesError;

GQuark foyer_gate_rules_error_quark (void);

#define FOYER_TYPE_GATE_RULES (foyer_gate_rules_get_type ())
G_DECLARE_FINAL_TYPE (FoyerGateRules, foyer_gate_rules, FOYER, GATE_RULES, GObject)

/* Reads [gate]; NULL with FOYER_GATE_RULES_ERROR_INVALID when a value cannot be a rule (a time
 * that is not HH:MM, open equal to close, an unknown time zone). Doubtful but usable rules (close
 * before open: open overnight; a category no visitor has) add a sentence to warnings, if given. */
FoyerGateRules *foyer_gate_rules_new_from_config (FoyerConfig     *config,
                                                  GPtrArray       *warnings,
                                                  GError         **error);
/* A kiosk's configuration file changed while it runs: when written's [gate] differs from
 * running's and makes valid rules, running takes written's [gate] and TRUE is returned (the
 * caller reloads its flow). Invalid new rules leave running as it was: FALSE with the reason in
 * error, so a typo made during the show does not stop the entrance. Unchanged: FALSE, no error. */
gboolean        foyer_gate_rules_take_config     (FoyerConfig     *running,
                                                  FoyerConfig     *written,
                                                  GError         **error);
/* TRUE when at least one rule is set: an entrance without [gate] admits every valid badge. */
gboolean        foyer_gate_rules_is_active       (FoyerGateRules  *self);
/* The time zone the opening hours are in ([gate] time-zone, else the kiosk's). */
GTimeZone      *foyer_gate_rules_get_time_zone   (FoyerGateRules  *self);
guint           foyer_gate_rules_get_max_entries (FoyerGateRules  *self);
/* The moment the rules are applied at: now, unless a fixed time was set (tests, and staff
 * checking what a gate will do at a given time). */
GDateTime      *foyer_gate_rules_now             (FoyerGateRules  *self);
void            foyer_gate_rules_set_fixed_time  (FoyerGateRules  *self,
                                                  GDateTime       *when);

/* The steps, in the order the kiosk flow takes them. Each returns TRUE when the visitor may go on,
 * else FALSE and, when the pointers are given, a reason for the visitor and one for staff (in the
 * current interface language). */
/* category: the registration's (NULL counts as trade_visitor). */
gboolean        foyer_gate_rules_admits_category (FoyerGateRules  *self,
                                                  const char      *category,
                                                  char           **visitor_reason,
                                                  char           **staff_reason);
gboolean        foyer_gate_rules_is_open         (FoyerGateRules  *self,
                                                  GDateTime       *now,
                                                  char           **visitor_reason,
                                                  char           **staff_reason);
/* entries_today: the visitor's entries (at any gate) since the start of now's entry day. */
gboolean        foyer_gate_rules_admits_entries  (FoyerGateRules  *self,
                                                  guint            entries_today,
                                                  char           **visitor_reason,
                                                  char           **staff_reason);

/* The entry day that now falls in, for counting entries: from the day's opening time ([gate] open
 * for that date, else 00:00) to the next day's, in the gate's time zone. */
void            foyer_gate_rules_get_entry_day   (FoyerGateRules  *self,
                                                  GDateTime       *now,
                                                  GDateTime      **start,
                                                  GDateTime      **end);

/* The rules in words, one sentence a line, in the current interface language. */
char           *foyer_gate_rules_describe        (FoyerGateRules  *self);

G_END_DECLS
