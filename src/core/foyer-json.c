/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-json.c: depth-checked JSON parsing for untrusted input.
 *
 * The tokenizer is our own; the tree is json-glib's. json-glib 1.6's JsonParser reads through
 * a copy of GScanner one character at a time (with a GString per token and a GTokenValue per
 * call) and has no depth limit. Measured with perf under bench-hub, json_parser_load_from_data
 * was 28 % of the hub's CPU and the tokenizing, not the tree, was most of it. Every caller and
 * the core's validation (foyer_registration_from_json…) read JsonObject, so the tree stays:
 * nodes are built with json-glib's own constructors, and json_object_set_member() gives the
 * duplicate-member rule for free (the last value wins, at the first one's place).
 * yajl (Debian's libyajl 2.1.0, SAX) was the library candidate. We would still have needed its
 * raw-number callback to decide int64 or double as json-glib does (json-glib wraps integers
 * that overflow, yajl refuses them), a copy of every string to NUL-terminate it, and a
 * byte-exact span of each record (the hub stores records as they came). That glue would be
 * as long as this recursive descent, which is bounded by the depth cap, so no library fits.
 * tests/fuzz/fuzz-json.c checks, input by input, that this parser builds json-glib's tree.
 */
#define G_LOG_DOMAIN "foyer-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "foyer-json.h"

G_DEFINE_QUARK (foyer-json-error-quark, foyer_json_error)

gboolean
foyer_json_depth_ok (const char *data,
                     gssize      length,
                     guint       max_depth)
{
  gsize n;
  guint depth = 0;
  gboolean in_string = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  n = length < 0 ? strlen (data) : (gsize)length;
  for (gsize i = 0; i < n; i++) {
    char c = data[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '"')
      in_string = TRUE;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return FALSE;
    } else if ((c == ']' || c == '}') && depth > 0)
      depth--;
  }
  return TRUE;
}

typedef struct {
  const char        *data;
  const char        *p;
  const char        *end;
  guint              depth;       /* containers around the value being read */
  guint              max_depth;
  guint              span_depth;
  gboolean           canonical;   /* the value being read is still json-glib's own text */
  FoyerJsonSpanFunc  func;
  gpointer           user_data;
  GString           *scratch;     /* the string being read, NUL-terminated for json-glib */
  FoyerJsonError     code;        /* 0 until something fails */
  const char        *expected;    /* what the text lacked where it failed */
} Parser;

static JsonNode *parse_value (Parser *self);

static gboolean
fail (Parser *self, FoyerJsonError code, const char *expected)
{
  if (self->code == 0) {
    self->code = code;
    self->expected = expected;
  }
  return FALSE;
}

static gboolean
at (Parser *self, char c)
{
  return self->p < self->end && *self->p == c;
}

/* JSON's four whitespace characters; json_to_string writes none. */
static void
skip_space (Parser *self)
{
  const char *p = self->p;

  while (p < self->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  if (p != self->p)
    self->canonical = FALSE;
  self->p = p;
}

static gboolean
read_hex4 (Parser *self, gunichar *out)
{
  gunichar value = 0;

  if (self->end - self->p < 4)
    return fail (self, FOYER_JSON_ERROR_INVALID, "four hex digits after \\u");
  for (int i = 0; i < 4; i++) {
    int digit = g_ascii_xdigit_value (self->p[i]);

    if (digit < 0)
      return fail (self, FOYER_JSON_ERROR_INVALID, "four hex digits after \\u");
    value = value << 4 | (gunichar)digit;
  }
  self->p += 4;
  *out = value;
  return TRUE;
}

/* \uXXXX, a surrogate pair when it is one; a lone surrogate is refused (json-glib refuses most
 * and turns the rest into bytes that are not UTF-8). */
static gboolean
read_unicode_escape (Parser *self)
{
  gunichar c, low;

  if (!read_hex4 (self, &c))
    return FALSE;
  if (c >= 0xDC00 && c <= 0xDFFF)
    return fail (self, FOYER_JSON_ERROR_INVALID, "a high surrogate before a low one");
  if (c >= 0xD800 && c <= 0xDBFF) {
    if (self->end - self->p < 2 || self->p[0] != '\\' || self->p[1] != 'u')
      return fail (self, FOYER_JSON_ERROR_INVALID, "a low surrogate after a high one");
    self->p += 2;
    if (!read_hex4 (self, &low))
      return FALSE;
    if (low < 0xDC00 || low > 0xDFFF)
      return fail (self, FOYER_JSON_ERROR_INVALID, "a low surrogate after a high one");
    c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
  }
  /* U+0000 is appended as a NUL: json-glib's C strings end there, and so do ours */
  g_string_append_unichar (self->scratch, c);
  return TRUE;
}

static gboolean
read_escape (Parser *self)
{
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  const char *found;

  if (self->p >= self->end)
    return fail (self, FOYER_JSON_ERROR_INVALID, "an escape after \\");
  if (*self->p == 'u') {
    self->p++;
    return read_unicode_escape (self);
  }
  if (*self->p == '\0' || (found = strchr (from, *self->p)) == NULL)
    return fail (self, FOYER_JSON_ERROR_INVALID, "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
  g_string_append_c (self->scratch, to[found - from]);
  self->p++;
  return TRUE;
}

/* Characters json_to_string writes as they are (it escapes controls and DEL). */
static inline gboolean
is_plain (char c)
{
  return (guchar)c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
}

/* The string after its opening quote, into self->scratch. Raw control characters are taken,
 * as json-glib takes them (but not NUL, which it refuses). */
static gboolean
read_string (Parser *self)
{
  g_string_truncate (self->scratch, 0);
  for (;;) {
    const char *p = self->p;

    while (p < self->end && is_plain (*p))
      p++;
    g_string_append_len (self->scratch, self->p, p - self->p);
    self->p = p;
    if (p >= self->end || *p == '\0')
      return fail (self, FOYER_JSON_ERROR_INVALID, "the end of a string");
    self->p++;
    if (*p == '"')
      return TRUE;
    self->canonical = FALSE;
    if (*p != '\\')
      g_string_append_c (self->scratch, *p);
    else if (!read_escape (self))
      return FALSE;
  }
}

static const char *
skip_digits (const char *p, const char *end)
{
  while (p < end && g_ascii_isdigit (*p))
    p++;
  return p;
}

/* Integers as json-glib reads them: the digits as an unsigned 64-bit number (saturated at
 * G_MAXUINT64 when they overflow), negated modulo 2^64 after a minus. */
static gint64
integer_value (const char *digits, const char *end, gboolean negative)
{
  guint64 value = 0;

  for (const char *p = digits; p < end; p++) {
    guint digit = (guint)(*p - '0');

    if (value > (G_MAXUINT64 - digit) / 10) {
      value = G_MAXUINT64;
      break;
    }
    value = value * 10 + digit;
  }
  return (gint64)(negative ? 0 - value : value);
}

static JsonNode *
read_number (Parser *self)
{
  const char *p = self->p, *digits, *digits_end;
  gboolean negative = at (self, '-'), integral = TRUE;
  JsonNode *node;
  double value;

  p += negative;
  digits = p;
  if (p < self->end && *p == '0')
    p++;
  else if (p < self->end && *p >= '1' && *p <= '9')
    p = skip_digits (p, self->end);
  else
    return fail (self, FOYER_JSON_ERROR_INVALID, "a value"), NULL;
  digits_end = p;
  if (p < self->end && *p == '.') {
    integral = FALSE;
    if (p + 1 >= self->end || !g_ascii_isdigit (p[1]))
      return fail (self, FOYER_JSON_ERROR_INVALID, "digits after a decimal point"), NULL;
    p = skip_digits (p + 1, self->end);
  }
  if (p < self->end && (*p == 'e' || *p == 'E')) {
    integral = FALSE;
    p += p + 1 < self->end && (p[1] == '+' || p[1] == '-') ? 2 : 1;
    if (p >= self->end || !g_ascii_isdigit (*p))
      return fail (self, FOYER_JSON_ERROR_INVALID, "digits in an exponent"), NULL;
    p = skip_digits (p, self->end);
  }
  if (!integral) {
    g_string_truncate (self->scratch, 0);
    g_string_append_len (self->scratch, self->p, p - self->p);
    value = g_ascii_strtod (self->scratch->str, NULL);
    /* RFC 8259 §9 lets a parser limit the range of numbers. json-glib reads 1e400 as infinity
     * and json_to_string then writes "inf.0", which no JSON parser reads: a record the hub or
     * a kiosk stored that way could never be read back. Refused, with a clear reason. */
    if (!isfinite (value))
      return fail (self, FOYER_JSON_ERROR_INVALID, "a number within a double's range"), NULL;
    self->canonical = FALSE;   /* json_to_string writes doubles its own way */
    self->p = p;
    return json_node_init_double (json_node_alloc (), value);
  }
  node = json_node_init_int (json_node_alloc (), integer_value (digits, digits_end, negative));
  /* json_to_string writes "-0" as 0; more than 18 digits may have wrapped */
  if (digits_end - digits > 18 || (negative && json_node_get_int (node) == 0))
    self->canonical = FALSE;
  self->p = p;
  return node;
}

static JsonNode *
read_literal (Parser *self)
{
  static const char *const words[] = { "true", "false", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++) {
    gsize len = strlen (words[i]);

    if ((gsize)(self->end - self->p) >= len && memcmp (self->p, words[i], len) == 0) {
      self->p += len;
      if (i == 2)
        return json_node_init_null (json_node_alloc ());
      return json_node_init_boolean (json_node_alloc (), i == 0);
    }
  }
  return fail (self, FOYER_JSON_ERROR_INVALID, "a value"), NULL;
}

/* After an element or member: TRUE and *more when a comma follows, TRUE when the closing
 * bracket does. */
static gboolean
read_separator (Parser *self, char close, gboolean *more)
{
  skip_space (self);
  if (at (self, ',')) {
    self->p++;
    skip_space (self);
    *more = TRUE;
    return TRUE;
  }
  *more = FALSE;
  if (at (self, close)) {
    self->p++;
    return TRUE;
  }
  return fail (self, FOYER_JSON_ERROR_INVALID, close == ']' ? "',' or ']'" : "',' or '}'");
}

/* Past the opening bracket and any space: TRUE (and past it) when the closing one follows. */
static gboolean
is_empty_container (Parser *self, char close)
{
  self->p++;
  skip_space (self);
  if (!at (self, close))
    return FALSE;
  self->p++;
  return TRUE;
}

static JsonNode *
read_array (Parser *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  gboolean more = TRUE;

  json_node_take_array (node, array);
  if (is_empty_container (self, ']'))
    return g_steal_pointer (&node);
  while (more) {
    JsonNode *element = parse_value (self);

    if (element == NULL)
      return NULL;
    json_node_set_parent (element, node);
    json_array_add_element (array, element);
    if (!read_separator (self, ']', &more))
      return NULL;
  }
  return g_steal_pointer (&node);
}

/* A member's name, kept on the stack while its value is read (the scratch buffer is reused). */
static gboolean
read_member (Parser *self, JsonNode *node)
{
  char small[64];
  g_autofree char *large = NULL;
  const char *name;
  JsonNode *value;

  if (!at (self, '"'))
    return fail (self, FOYER_JSON_ERROR_INVALID, "a member name");
  self->p++;
  if (!read_string (self))
    return FALSE;
  if (self->scratch->len < sizeof small)
    name = memcpy (small, self->scratch->str, self->scratch->len + 1);
  else
    name = large = g_strdup (self->scratch->str);
  skip_space (self);
  if (!at (self, ':'))
    return fail (self, FOYER_JSON_ERROR_INVALID, "':' after a member name");
  self->p++;
  skip_space (self);
  if ((value = parse_value (self)) == NULL)
    return FALSE;
  json_node_set_parent (value, node);
  json_object_set_member (json_node_get_object (node), name, value);
  return TRUE;
}

static JsonNode *
read_object (Parser *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  gboolean more = TRUE;
  guint n_members = 0;

  json_node_take_object (node, object);
  if (is_empty_container (self, '}'))
    return g_steal_pointer (&node);
  while (more) {
    if (!read_member (self, node) || !read_separator (self, '}', &more))
      return NULL;
    n_members++;
  }
  /* json_to_string writes a duplicate member once */
  if (json_object_get_size (object) != n_members)
    self->canonical = FALSE;
  return g_steal_pointer (&node);
}

static JsonNode *
read_container (Parser *self)
{
  JsonNode *node;

  if (self->depth >= self->max_depth)
    return fail (self, FOYER_JSON_ERROR_TOO_DEEP, NULL), NULL;
  self->depth++;
  node = *self->p == '[' ? read_array (self) : read_object (self);
  self->depth--;
  return node;
}

static JsonNode *
read_any (Parser *self)
{
  if (self->p >= self->end)
    return fail (self, FOYER_JSON_ERROR_INVALID, "a value"), NULL;
  switch (*self->p) {
  case '[':
  case '{':
    return read_container (self);
  case '"':
    self->p++;
    if (!read_string (self))
      return NULL;
    return json_node_init_string (json_node_alloc (), self->scratch->str);
  case 't':
  case 'f':
  case 'n':
    return read_literal (self);
  default:
    return read_number (self);
  }
}

static JsonNode *
parse_value (Parser *self)
{
  const char *start = self->p;
  gboolean outer = self->canonical;
  JsonNode *node;

  self->canonical = TRUE;
  node = read_any (self);
  if (node != NULL && self->func != NULL && self->depth == self->span_depth) {
    FoyerJsonSpan span = { start - self->data, self->p - start, self->canonical };

    node = self->func (node, &span, self->user_data);
  }
  self->canonical = outer && self->canonical;
  return node;
}

JsonNode *
foyer_json_parse_spans (const char         *data,
                        gsize               length,
                        guint               max_depth,
                        guint               span_depth,
                        FoyerJsonSpanFunc   func,
                        gpointer            user_data,
                        GError            **error)
{
  Parser self = { .data = data, .p = data, .end = data + length, .max_depth = max_depth,
                  .span_depth = span_depth, .func = func, .user_data = user_data };
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  self.scratch = g_string_sized_new (128);
  /* json-glib skips a byte order mark */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    self.p += 3;
  skip_space (&self);
  root = parse_value (&self);
  skip_space (&self);
  if (root != NULL && self.p != self.end) {
    fail (&self, FOYER_JSON_ERROR_INVALID, "the end of the text");
    g_clear_pointer (&root, json_node_unref);
  }
  g_string_free (self.scratch, TRUE);
  if (root == NULL && self.code == FOYER_JSON_ERROR_TOO_DEEP)
    g_set_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_TOO_DEEP,
                 "JSON nested deeper than %u levels", max_depth);
  else if (root == NULL)
    g_set_error (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID,
                 "not JSON (expected %s at byte %" G_GSIZE_FORMAT ")", self.expected,
                 (gsize)(self.p - data));
  return root;
}

void
foyer_json_append_string (GString    *out,
                          const char *value)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *written = NULL;
  const char *p = value;

  g_return_if_fail (out != NULL && value != NULL);

  while (*p != '\0' && is_plain (*p))
    p++;
  if (*p == '\0') {
    g_string_append_c (out, '"');
    g_string_append_len (out, value, p - value);
    g_string_append_c (out, '"');
    return;
  }
  node = json_node_init_string (json_node_alloc (), value);
  written = json_to_string (node, FALSE);
  g_string_append (out, written);
}

/* json-glib 1.6's generator writes a double whose shortest form has no '.' with ".0" appended,
 * even after an exponent: 1e22 becomes "1e+22.0", which is not JSON (json-glib itself cannot
 * read it back). Everything else is written as json_to_string writes it, byte for byte (the
 * hub's canonical records depend on that; fuzz-json compares the two). */
static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value));
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");   /* a double stays a double */
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  switch (json_node_get_value_type (node)) {
  case G_TYPE_INT64:
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
    break;
  case G_TYPE_DOUBLE:
    append_double (out, json_node_get_double (node));
    break;
  case G_TYPE_BOOLEAN:
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
    break;
  case G_TYPE_STRING:
    foyer_json_append_string (out, json_node_get_string (node));
    break;
  default:
    g_string_append (out, "null");
    break;
  }
}

void
foyer_json_append_node (GString  *out,
                        JsonNode *node)
{
  g_return_if_fail (out != NULL && node != NULL);

  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) names = json_object_get_members (object);   /* in insertion order */

    g_string_append_c (out, '{');
    for (GList *l = names; l != NULL; l = l->next) {
      if (l != names)
        g_string_append_c (out, ',');
      foyer_json_append_string (out, l->data);
      g_string_append_c (out, ':');
      foyer_json_append_node (out, json_object_get_member (object, l->data));
    }
    g_string_append_c (out, '}');
  } else if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);
    guint n = json_array_get_length (array);

    g_string_append_c (out, '[');
    for (guint i = 0; i < n; i++) {
      if (i > 0)
        g_string_append_c (out, ',');
      foyer_json_append_node (out, json_array_get_element (array, i));
    }
    g_string_append_c (out, ']');
  } else if (JSON_NODE_HOLDS_VALUE (node)) {
    append_value (out, node);
  } else {
    g_string_append (out, "null");
  }
}

char *
foyer_json_to_string (JsonNode *node)
{
  GString *out = g_string_sized_new (256);

  foyer_json_append_node (out, node);
  return g_string_free (out, FALSE);
}

JsonNode *
foyer_json_parse (const char  *data,
                  gssize       length,
                  GError     **error)
{
  JsonNode *root;
  gsize n;

  if (data == NULL || length == 0 || (length < 0 && *data == '\0')) {
    g_set_error_literal (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID, "empty, not JSON");
    return NULL;
  }
  n = length < 0 ? strlen (data) : (gsize)length;
  if (n > G_MAXSSIZE || !g_utf8_validate_len (data, n, NULL)) {
    g_set_error_literal (error, FOYER_JSON_ERROR, FOYER_JSON_ERROR_INVALID,
                         "not JSON text (not UTF-8)");
    return NULL;
  }
  root = foyer_json_parse_spans (data, n, FOYER_JSON_MAX_DEPTH, 0, NULL, NULL, error);
  /* as json_parser_new_immutable() built them: callers share these trees read-only */
  if (root != NULL)
    json_node_seal (root);
  return root;
}
