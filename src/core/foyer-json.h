/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-json.h: the one way Foyer parses JSON that came from outside (answers from head office
 * and Tryton, import lines, `foyerctl register` input): size- and depth-checked before
 * json-glib sees it, because json-glib recurses once per nesting level and a few megabytes of
 * `[[[[…` exhaust the stack.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than any record, answer or import line Foyer reads; far below what the stack holds. */
#define FOYER_JSON_MAX_DEPTH 64

#define FOYER_JSON_ERROR (foyer_json_error_quark ())

typedef enum {
  FOYER_JSON_ERROR_INVALID = 1,   /* not JSON text (syntax, not UTF-8, empty) */
  FOYER_JSON_ERROR_TOO_DEEP,      /* nested deeper than allowed */
} FoyerJsonError;

GQuark    foyer_json_error_quark (void);

/* TRUE when no array/object in data nests deeper than max_depth (strings are skipped).
 * length -1: data is NUL-terminated. */
gboolean  foyer_json_depth_ok    (const char  *data,
                                  gssize       length,
                                  guint        max_depth);

/* Parses untrusted JSON text (length -1: NUL-terminated) into a new node, refusing text that is
 * not UTF-8 or nests deeper than FOYER_JSON_MAX_DEPTH. Errors are in FOYER_JSON_ERROR with a
 * message safe to show (it never quotes the input). */
JsonNode *foyer_json_parse       (const char  *data,
                                  gssize       length,
                                  GError     **error);

G_END_DECLS
