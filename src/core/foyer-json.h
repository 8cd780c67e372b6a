/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-json.h: the one way Foyer parses JSON that came from outside (answers from head office
 * and Tryton, import lines, `foyerctl register` input, the hub's batches): depth-checked, and
 * built into the json-glib tree (JsonNode/JsonObject/JsonArray) that json-glib's own parser
 * would build, by a tokenizer several times cheaper than json-glib's (foyer-json.c says why).
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

/* Where a value's text lies in the parsed data. canonical: its bytes are exactly what
 * foyer_json_to_string (node) writes (compact, no escapes, no duplicate member, only integers
 * of up to 18 digits), so a caller may keep the bytes instead of serialising the node. */
typedef struct {
  gsize    offset;
  gsize    length;
  gboolean canonical;
} FoyerJsonSpan;

/* Called once for each value that lies span_depth containers deep (the root is 0, the elements
 * of a root array 1), after the value's node is complete. It takes node and returns the node
 * the tree holds in its place: node itself, or a stand-in once it has used node (the hub
 * validates each record as soon as it is parsed and frees it, so a batch's records are never
 * all in memory as trees at once). */
typedef JsonNode *(*FoyerJsonSpanFunc) (JsonNode            *node,
                                        const FoyerJsonSpan *span,
                                        gpointer             user_data);

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

/* The parser underneath foyer_json_parse(), for callers that want the text of some values too
 * (the hub stores each record of a batch as it came). data must be valid UTF-8 (the caller has
 * checked it: the hub marks invalid bytes first). Strict JSON (RFC 8259): what json-glib also
 * accepts beyond it (comments, single quotes, leading zeros, hex, trailing text) is refused,
 * and so are numbers beyond a double's range (json-glib's infinity, which it writes as "inf.0");
 * for everything else the tree is json-glib's, integer overflow included (it wraps as
 * json-glib's does). Empty text is FOYER_JSON_ERROR_INVALID. The nodes are not sealed. */
JsonNode *foyer_json_parse_spans (const char         *data,
                                  gsize               length,
                                  guint               max_depth,
                                  guint               span_depth,
                                  FoyerJsonSpanFunc   func,
                                  gpointer            user_data,
                                  GError            **error);

/* Appends value (UTF-8) as a JSON string, byte for byte as json_to_string writes it; text that
 * needs no escape (the usual case) is copied without building a node. */
void      foyer_json_append_string (GString    *out,
                                    const char *value);

/* Writes node as compact JSON: what json_to_string (node, FALSE) writes, byte for byte, except
 * for doubles that json-glib 1.6 writes as no JSON parser reads them (1e22 as "1e+22.0"):
 * those are written "1e+22". Use it, not json_to_string, for anything built from outside
 * input. */
void      foyer_json_append_node   (GString    *out,
                                    JsonNode   *node);
char     *foyer_json_to_string     (JsonNode   *node);

G_END_DECLS
