/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-import.c: pre-registration lists (CSV per RFC 4180, or JSON lines) into the store.
 *
 * Organizers' lists come from Excel and web forms: Chinese or English headers, GB18030 files,
 * phone numbers without +86. A bad row is reported by line and skipped; it never costs the rest.
 */
#define G_LOG_DOMAIN "foyer-import"

#include "config.h"

#include <string.h>

#include "foyer-export.h"
#include "foyer-import.h"
#include "foyer-json.h"
#include "foyer-payload.h"

G_DEFINE_QUARK (foyer-import-error-quark, foyer_import_error)

#define MAX_CELL_CHARS 2048
/* A row (CSV record or JSON line) longer than this is reported and skipped, not buffered. */
#define MAX_ROW_BYTES (64 * 1024)
/* Rows per transaction, and the pause after each commit: a kiosk that ran into a chunk polls
 * the lock every millisecond (foyer-store.c busy_poll) and takes it in this gap. SQLite's own
 * busy timeout (sleeps growing to 100 ms) would have needed a gap as long as the chunk: p99
 * 231 ms with no gap, 35–93 ms with 10 ms gaps, and the import twice as slow. 500 rows hold
 * the lock ~10–20 ms on a loaded machine (p99 18–20 ms at load 8; 1000 rows: 43–90 ms at
 * load 14). test-store-import prints the latencies a kiosk gets. */
#define CHUNK_ROWS 500
#define CHUNK_GAP_US 2000

typedef enum {
  F_BADGE,
  F_NAME,
  F_FAMILY,
  F_GIVEN,
  F_ORG,
  F_TITLE,
  F_CATEGORY,
  F_EMAIL,
  F_PHONE,
  F_COUNTRY,
  F_CITY,
  N_FIELDS
} Field;

/* The first alias is the field's name in --map and its key in JSON lines. */
static const char * const field_aliases[N_FIELDS][12] = {
  [F_BADGE]    = { "badge", "badge_code", "code", "badge_no", "barcode", "ticket", "胸卡号",
                   "证件号", "胸卡编号", "条码", "编号", NULL },
  [F_NAME]     = { "name", "full_name", "fullname", "姓名", "名字", NULL },
  [F_FAMILY]   = { "family_name", "family", "last_name", "surname", "姓", NULL },
  [F_GIVEN]    = { "given_name", "given", "first_name", "名", NULL },
  [F_ORG]      = { "organization", "organisation", "company", "org", "公司", "单位", "公司名称",
                   "机构", NULL },
  [F_TITLE]    = { "title", "job_title", "position", "职位", "职务", NULL },
  [F_CATEGORY] = { "category", "visitor_category", "type", "类别", "观众类别", "身份", NULL },
  [F_EMAIL]    = { "email", "emails", "e_mail", "mail", "邮箱", "电子邮件", "电子邮箱", NULL },
  [F_PHONE]    = { "phone", "phones", "mobile", "telephone", "tel", "手机", "电话", "手机号",
                   "联系电话", NULL },
  [F_COUNTRY]  = { "country", "国家", "国家/地区", NULL },
  [F_CITY]     = { "city", "城市", NULL },
};

/* JSON-lines keys (the wire and card names) per field */
static const char * const json_keys[N_FIELDS] = {
  "badge_code", "full_name", "family_name", "given_name", "organization", "title", "category",
  "emails", "phones", "country", "city"
};

static const struct {
  const char *alias;
  const char *category;
} category_aliases[] = {
  { "trade visitor", FOYER_CATEGORY_TRADE_VISITOR },
  { "trade", FOYER_CATEGORY_TRADE_VISITOR },
  { "visitor", FOYER_CATEGORY_TRADE_VISITOR },
  { "专业观众", FOYER_CATEGORY_TRADE_VISITOR },
  { "public", FOYER_CATEGORY_PUBLIC },
  { "general public", FOYER_CATEGORY_PUBLIC },
  { "普通观众", FOYER_CATEGORY_PUBLIC },
  { "公众", FOYER_CATEGORY_PUBLIC },
  { "press", FOYER_CATEGORY_MEDIA },
  { "媒体", FOYER_CATEGORY_MEDIA },
  { "参展商", FOYER_CATEGORY_EXHIBITOR },
  { "展商", FOYER_CATEGORY_EXHIBITOR },
  { "贵宾", FOYER_CATEGORY_VIP },
  { "organiser", FOYER_CATEGORY_ORGANIZER },
  { "组展商", FOYER_CATEGORY_ORGANIZER },
  { "主办方", FOYER_CATEGORY_ORGANIZER },
  { "展会组织者", FOYER_CATEGORY_ORGANIZER },
};

void
foyer_import_result_clear (FoyerImportResult *result)
{
  g_clear_pointer (&result->encoding, g_free);
}

gboolean
foyer_import_format_parse (const char        *name,
                           FoyerImportFormat *format)
{
  if (g_strcmp0 (name, "csv") == 0)
    *format = FOYER_IMPORT_CSV;
  else if (g_strcmp0 (name, "jsonl") == 0)
    *format = FOYER_IMPORT_JSONL;
  else
    return FALSE;
  return TRUE;
}

char *
foyer_csv_unguard (const char *cell)
{
  if (cell != NULL && cell[0] == '\'' && foyer_csv_starts_formula (cell + 1))
    return g_strdup (cell + 1);
  return g_strdup (cell);
}

/* Lowercase ASCII, spaces and hyphens as '_', trimmed: "E-Mail " → "e_mail". */
static char *
normalize_header (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *lower = g_ascii_strdown (stripped, -1);

  for (char *p = lower; *p != '\0'; p++)
    if (*p == ' ' || *p == '-')
      *p = '_';
  return lower;
}

static int
field_for_name (const char *name)
{
  g_autofree char *norm = normalize_header (name);

  for (int f = 0; f < N_FIELDS; f++)
    for (guint i = 0; field_aliases[f][i] != NULL; i++)
      if (strcmp (norm, field_aliases[f][i]) == 0)
        return f;
  return -1;
}

/* --- reading --- */

/* A bounded buffered reader over the (possibly converted) stream. GDataInputStream's
 * read_line would buffer a 100 MB line whole; this one hands out bytes and the parsers cap
 * what they keep (MAX_ROW_BYTES). */
typedef struct {
  GInputStream *stream;
  guint8       *buf;
  gsize         pos;
  gsize         len;
  gboolean      eof;
  GError       *error;   /* the stream's failure, reported after the rows read before it */
} ByteSource;

#define SOURCE_BUFFER 65536

static gboolean
source_fill (ByteSource *src)
{
  gssize n;

  if (src->eof)
    return FALSE;
  n = g_input_stream_read (src->stream, src->buf, SOURCE_BUFFER, NULL, &src->error);
  if (n <= 0) {
    src->eof = TRUE;
    return FALSE;
  }
  src->pos = 0;
  src->len = n;
  return TRUE;
}

/* The next byte without consuming it, or -1 at the end of the data (or on a read error). */
static inline int
source_peek (ByteSource *src)
{
  if (src->pos >= src->len && !source_fill (src))
    return -1;
  return src->buf[src->pos];
}

static inline int
source_get (ByteSource *src)
{
  int c = source_peek (src);

  if (c >= 0)
    src->pos++;
  return c;
}

/* --- CSV reading --- */

typedef struct {
  ByteSource *src;
  guint       line;       /* current physical line, 1-based */
  gsize       row_bytes;  /* bytes of the current record so far */
  gboolean    too_long;   /* the record passed MAX_ROW_BYTES: its cells are dropped */
} CsvReader;

static inline void
csv_keep (CsvReader *reader, GString *cell, int c)
{
  if (++reader->row_bytes > MAX_ROW_BYTES)
    reader->too_long = TRUE;
  else
    g_string_append_c (cell, c);
}

/* Reads a quoted field's body (after its opening quote). FALSE when the data ends inside it. */
static gboolean
csv_quoted (CsvReader *reader, GString *cell)
{
  for (;;) {
    int c = source_get (reader->src);

    if (c < 0)
      return FALSE;
    if (c == '"') {
      if (source_peek (reader->src) != '"')
        return TRUE;
      source_get (reader->src);
    } else if (c == '\n') {
      reader->line++;
    }
    csv_keep (reader, cell, c);
  }
}

/* Reads one record into cells; *start_line is where it began. FALSE at the end of the data.
 * *unterminated is set when a quoted field runs to the end of the data; reader->too_long when
 * the record is over MAX_ROW_BYTES (it is read to its end, but no more than that is kept). */
static gboolean
csv_next (CsvReader *reader,
          GPtrArray *cells,
          guint     *start_line,
          gboolean  *unterminated)
{
  g_autoptr(GString) cell = g_string_new (NULL);

  g_ptr_array_set_size (cells, 0);
  *unterminated = FALSE;
  reader->row_bytes = 0;
  reader->too_long = FALSE;
  if (source_peek (reader->src) < 0)
    return FALSE;
  *start_line = reader->line;

  for (;;) {
    int c;

    g_string_truncate (cell, 0);
    if (source_peek (reader->src) == '"') {
      source_get (reader->src);
      if (!csv_quoted (reader, cell))
        *unterminated = TRUE;
    }
    /* unquoted text, or anything after a closing quote (lenient: kept) */
    while ((c = source_peek (reader->src)) >= 0 && c != ',' && c != '\n' && c != '\r')
      csv_keep (reader, cell, source_get (reader->src));
    if (!reader->too_long)
      g_ptr_array_add (cells, g_strndup (cell->str, cell->len));

    if ((c = source_get (reader->src)) < 0)
      return TRUE;
    if (c == ',') {
      csv_keep (reader, cell, c);
      continue;
    }
    /* end of record: CRLF, LF or a lone CR */
    if (c == '\r' && source_peek (reader->src) == '\n')
      source_get (reader->src);
    reader->line++;
    return TRUE;
  }
}

static gboolean
row_is_blank (GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++) {
    const char *c = g_ptr_array_index (cells, i);
    for (; *c != '\0'; c++)
      if (!g_ascii_isspace (*c))
        return FALSE;
  }
  return TRUE;
}

/* --- values --- */

static char *
clean_text (const char *value)
{
  char *copy;

  if (value == NULL)
    return NULL;
  copy = foyer_csv_unguard (value);
  g_strstrip (copy);
  if (*copy == '\0') {
    g_free (copy);
    return NULL;
  }
  return copy;
}

static char *
normalize_category (const char *value, gboolean *ok)
{
  g_autofree char *norm = NULL;

  *ok = TRUE;
  if (value == NULL)
    return NULL;
  norm = normalize_header (value);
  if (foyer_category_is_valid (norm))
    return g_steal_pointer (&norm);
  {
    g_autofree char *spaced = g_strstrip (g_ascii_strdown (value, -1));
    for (guint i = 0; i < G_N_ELEMENTS (category_aliases); i++)
      if (strcmp (spaced, category_aliases[i].alias) == 0)
        return g_strdup (category_aliases[i].category);
  }
  *ok = FALSE;
  return NULL;
}

static char **
split_list (const char *value)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  if (value == NULL)
    return NULL;
  parts = g_strsplit_set (value, ";,", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    g_strstrip (parts[i]);
    if (*parts[i] != '\0') {
      g_strv_builder_add (builder, parts[i]);
      any = TRUE;
    }
  }
  return any ? g_strv_builder_end (builder) : NULL;
}

/* Builds a pre-registration from one row's values (indexed by Field); NULL + reason when bad. */
static FoyerRegistration *
build_registration (char       **values,
                    const char  *event,
                    const char  *default_region,
                    char       **reason)
{
  g_autoptr(FoyerRegistration) reg = foyer_registration_new ();
  g_auto(GStrv) emails = NULL;
  g_auto(GStrv) phones = NULL;
  gboolean ok;

  for (int f = 0; f < N_FIELDS; f++) {
    if (values[f] != NULL && (!g_utf8_validate (values[f], -1, NULL) ||
                              g_utf8_strlen (values[f], -1) > MAX_CELL_CHARS)) {
      *reason = g_strdup_printf ("the %s is not text or longer than %d characters",
                                 field_aliases[f][0], MAX_CELL_CHARS);
      return NULL;
    }
  }

  if (values[F_BADGE] == NULL) {
    *reason = g_strdup ("no badge code");
    return NULL;
  }
  if (strpbrk (values[F_BADGE], " \t\r\n") != NULL) {
    *reason = g_strdup_printf ("badge code “%s” contains spaces", values[F_BADGE]);
    return NULL;
  }

  reg->event = g_strdup (event);
  reg->kind = g_strdup (FOYER_KIND_CHECK_IN);
  reg->badge_code = g_strdup (values[F_BADGE]);
  reg->full_name = g_strdup (values[F_NAME]);
  reg->family_name = g_strdup (values[F_FAMILY]);
  reg->given_name = g_strdup (values[F_GIVEN]);
  reg->organization = g_strdup (values[F_ORG]);
  reg->title = g_strdup (values[F_TITLE]);
  reg->country = g_strdup (values[F_COUNTRY]);
  reg->city = g_strdup (values[F_CITY]);

  if (reg->full_name == NULL && (reg->family_name != NULL || reg->given_name != NULL)) {
    const char *family = reg->family_name ? reg->family_name : "";
    const char *given = reg->given_name ? reg->given_name : "";
    gboolean cjk = g_utf8_get_char (*family ? family : given) >= 0x2E80;

    /* CJK names are written family name first, without a space */
    reg->full_name = cjk ? g_strconcat (family, given, NULL)
                         : g_strstrip (g_strjoin (" ", given, family, NULL));
  }

  reg->category = normalize_category (values[F_CATEGORY], &ok);
  if (!ok) {
    *reason = g_strdup_printf ("category “%s” is not one of trade_visitor, public, media, "
                               "exhibitor, vip, organizer", values[F_CATEGORY]);
    return NULL;
  }

  emails = split_list (values[F_EMAIL]);
  for (guint i = 0; emails != NULL && emails[i] != NULL; i++) {
    const char *at = strchr (emails[i], '@');
    if (at == NULL || at == emails[i] || at[1] == '\0' || strchr (emails[i], ' ') != NULL) {
      *reason = g_strdup_printf ("“%s” is not an e-mail address", emails[i]);
      return NULL;
    }
  }
  reg->emails = g_steal_pointer (&emails);

  phones = split_list (values[F_PHONE]);
  for (guint i = 0; phones != NULL && phones[i] != NULL; i++) {
    char *e164 = foyer_phone_normalize (phones[i], default_region);
    if (e164 == NULL) {
      *reason = g_strdup_printf ("phone “%s” is not a number in international form (+86…)",
                                 phones[i]);
      return NULL;
    }
    g_free (phones[i]);
    phones[i] = e164;
  }
  reg->phones = g_steal_pointer (&phones);
  return g_steal_pointer (&reg);
}

/* --- mapping --- */

/* field → header column, from the header's own names then --map overrides. */
static gboolean
resolve_csv_columns (GPtrArray  *header,
                     const char *mapping,
                     int        *columns,
                     GError    **error)
{
  for (int f = 0; f < N_FIELDS; f++)
    columns[f] = -1;
  for (guint c = 0; c < header->len; c++) {
    int f = field_for_name (g_ptr_array_index (header, c));
    if (f >= 0 && columns[f] < 0)
      columns[f] = c;
  }

  if (mapping != NULL) {
    g_auto(GStrv) entries = g_strsplit (mapping, ",", -1);

    for (guint i = 0; entries[i] != NULL; i++) {
      g_auto(GStrv) kv = NULL;
      int f;
      int column = -1;

      if (*g_strstrip (entries[i]) == '\0')
        continue;
      kv = g_strsplit (entries[i], "=", 2);
      if (kv[1] == NULL) {
        g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING,
                     "--map entry “%s” is not FIELD=COLUMN", entries[i]);
        return FALSE;
      }
      g_strstrip (kv[0]);
      g_strstrip (kv[1]);
      if ((f = field_for_name (kv[0])) < 0) {
        g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING,
                     "--map: unknown field “%s”; fields are badge, name, family_name, "
                     "given_name, organization, title, category, email, phone, country, city",
                     kv[0]);
        return FALSE;
      }
      for (guint c = 0; c < header->len && column < 0; c++) {
        g_autofree char *cell = g_strstrip (g_strdup (g_ptr_array_index (header, c)));
        if (strcmp (cell, kv[1]) == 0)
          column = c;
      }
      for (guint c = 0; c < header->len && column < 0; c++) {
        g_autofree char *cell = g_strstrip (g_strdup (g_ptr_array_index (header, c)));
        if (g_ascii_strcasecmp (cell, kv[1]) == 0)
          column = c;
      }
      if (column < 0) {
        g_autofree char *names = NULL;
        g_ptr_array_add (header, NULL);
        names = g_strjoinv (", ", (char **)header->pdata);
        g_ptr_array_remove_index (header, header->len - 1);
        g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING,
                     "--map %s=%s: the header row has no column “%s” (it has: %s)",
                     kv[0], kv[1], kv[1], names);
        return FALSE;
      }
      columns[f] = column;
    }
  }

  if (columns[F_BADGE] < 0) {
    g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING,
                 "No badge code column in the header row. Name it with --map badge=COLUMN.");
    return FALSE;
  }
  return TRUE;
}

/* --- rows to the store --- */

/* Where good rows go: collected whole (foyer_import_parse, no store) or written to the store
 * CHUNK_ROWS at a time, each chunk its own transaction, with a pause after it. */
typedef struct {
  FoyerStore            *store;
  GPtrArray             *regs;
  guint                  n_good;
  FoyerImportBadRowFunc  bad_row;
  gpointer               user_data;
  FoyerImportResult     *result;
} Sink;

static gboolean
sink_flush (Sink *sink, GError **error)
{
  guint inserted = 0, updated = 0;

  if (sink->store == NULL || sink->regs->len == 0)
    return TRUE;
  if (!foyer_store_import_preregistrations (sink->store, sink->regs, &inserted, &updated, error))
    return FALSE;
  sink->result->n_inserted += inserted;
  sink->result->n_updated += updated;
  g_ptr_array_set_size (sink->regs, 0);
  return TRUE;
}

/* Takes reg (good) or reports reason (bad) for the row that began on line. */
static gboolean
sink_take (Sink              *sink,
           guint              line,
           FoyerRegistration *reg,
           const char        *reason,
           GError           **error)
{
  if (reg == NULL) {
    sink->result->n_bad++;
    if (sink->bad_row != NULL)
      sink->bad_row (line, reason, sink->user_data);
    return TRUE;
  }
  sink->n_good++;
  g_ptr_array_add (sink->regs, reg);
  if (sink->store == NULL || sink->regs->len < CHUNK_ROWS)
    return TRUE;
  if (!sink_flush (sink, error))
    return FALSE;
  g_usleep (CHUNK_GAP_US);
  return TRUE;
}

static char *
row_too_long_reason (void)
{
  return g_strdup_printf ("the row is longer than %d KiB", MAX_ROW_BYTES / 1024);
}

/* --- drivers --- */

static gboolean
import_csv (ByteSource            *src,
            const char            *event,
            const char            *mapping,
            const char            *default_region,
            Sink                  *sink,
            GError               **error)
{
  CsvReader reader = { src, 1, 0, FALSE };
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  int columns[N_FIELDS];
  guint line = 1;
  gboolean unterminated;

  /* the header row: the first one that is not blank */
  do {
    if (!csv_next (&reader, header, &line, &unterminated)) {
      g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_FORMAT,
                   "The file is empty: a header row and one attendee per row are expected.");
      return FALSE;
    }
    if (reader.too_long) {
      g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_FORMAT,
                   "Line %u: the header row is longer than %d KiB.", line, MAX_ROW_BYTES / 1024);
      return FALSE;
    }
  } while (row_is_blank (header));
  if (!resolve_csv_columns (header, mapping, columns, error))
    return FALSE;

  while (csv_next (&reader, cells, &line, &unterminated)) {
    char *values[N_FIELDS] = { NULL };
    g_autofree char *reason = NULL;
    FoyerRegistration *reg = NULL;

    if (!reader.too_long && row_is_blank (cells))
      continue;
    sink->result->n_rows++;
    if (unterminated) {
      reason = g_strdup ("a quoted field is not closed (a \" is missing)");
    } else if (reader.too_long) {
      reason = row_too_long_reason ();
    } else if (cells->len != header->len) {
      reason = g_strdup_printf ("%u fields, but the header row has %u", cells->len, header->len);
    } else {
      for (int f = 0; f < N_FIELDS; f++)
        if (columns[f] >= 0)
          values[f] = clean_text (g_ptr_array_index (cells, columns[f]));
      reg = build_registration (values, event, default_region, &reason);
      for (int f = 0; f < N_FIELDS; f++)
        g_free (values[f]);
    }
    if (!sink_take (sink, line, reg, reason, error))
      return FALSE;
  }
  return TRUE;
}

static char *
json_member_text (JsonObject *object, const char *key, char **reason)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *item = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING) {
        *reason = g_strdup_printf ("“%s” must hold text", key);
        return NULL;
      }
      if (i > 0)
        g_string_append_c (joined, ';');
      g_string_append (joined, json_node_get_string (item));
    }
    return clean_text (joined->str);
  }
  if (JSON_NODE_HOLDS_VALUE (node)) {
    if (json_node_get_value_type (node) == G_TYPE_STRING)
      return clean_text (json_node_get_string (node));
    if (json_node_get_value_type (node) == G_TYPE_INT64)
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  }
  *reason = g_strdup_printf ("“%s” must hold text", key);
  return NULL;
}

/* Reads one line (without its '\n') into text, keeping at most MAX_ROW_BYTES; FALSE at the
 * end of the data. *too_long tells that more was dropped. */
static gboolean
jsonl_next (ByteSource *src, GString *text, gboolean *too_long)
{
  int c;

  g_string_truncate (text, 0);
  *too_long = FALSE;
  if (source_peek (src) < 0)
    return FALSE;
  while ((c = source_get (src)) >= 0 && c != '\n') {
    if (text->len >= MAX_ROW_BYTES)
      *too_long = TRUE;
    else
      g_string_append_c (text, c);
  }
  return TRUE;
}

static gboolean
jsonl_keys (const char  *mapping,
            const char **keys,
            GPtrArray   *owned_keys,
            GError     **error)
{
  g_auto(GStrv) entries = NULL;

  for (int f = 0; f < N_FIELDS; f++)
    keys[f] = json_keys[f];
  if (mapping == NULL)
    return TRUE;
  entries = g_strsplit (mapping, ",", -1);
  for (guint i = 0; entries[i] != NULL; i++) {
    g_auto(GStrv) kv = g_strsplit (entries[i], "=", 2);
    int f;

    if (*g_strstrip (kv[0]) == '\0' && kv[1] == NULL)
      continue;
    if (kv[1] == NULL || (f = field_for_name (kv[0])) < 0) {
      g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_MAPPING,
                   "--map entry “%s” is not FIELD=KEY with a known field", entries[i]);
      return FALSE;
    }
    keys[f] = g_strstrip (g_strdup (kv[1]));
    g_ptr_array_add (owned_keys, (char *)keys[f]);
  }
  return TRUE;
}

static FoyerRegistration *
jsonl_registration (const char  *text,
                    const char **keys,
                    const char  *event,
                    const char  *default_region,
                    char       **reason)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *values[N_FIELDS] = { NULL };
  FoyerRegistration *reg = NULL;
  JsonObject *object;

  /* depth-checked: 100k '[' on one line crashed json-glib's recursion (foyer-json.h) */
  if ((root = foyer_json_parse (text, -1, &parse_error)) == NULL) {
    *reason = g_strdup (parse_error->message);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    *reason = g_strdup ("not a JSON object");
    return NULL;
  }
  object = json_node_get_object (root);
  for (int f = 0; f < N_FIELDS && *reason == NULL; f++)
    values[f] = json_member_text (object, keys[f], reason);
  if (values[F_NAME] == NULL && *reason == NULL && keys[F_NAME] == json_keys[F_NAME])
    values[F_NAME] = json_member_text (object, "name", reason);
  if (*reason == NULL)
    reg = build_registration (values, event, default_region, reason);
  for (int f = 0; f < N_FIELDS; f++)
    g_free (values[f]);
  return reg;
}

static gboolean
import_jsonl (ByteSource            *src,
              const char            *event,
              const char            *mapping,
              const char            *default_region,
              Sink                  *sink,
              GError               **error)
{
  const char *keys[N_FIELDS];
  g_autoptr(GPtrArray) owned_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean too_long;
  guint line = 0;

  if (!jsonl_keys (mapping, keys, owned_keys, error))
    return FALSE;

  while (jsonl_next (src, text, &too_long)) {
    g_autofree char *reason = NULL;
    FoyerRegistration *reg = NULL;

    line++;
    if (!too_long && *g_strstrip (text->str) == '\0')
      continue;
    sink->result->n_rows++;
    if (too_long)
      reason = row_too_long_reason ();
    else
      reg = jsonl_registration (text->str, keys, event, default_region, &reason);
    if (!sink_take (sink, line, reg, reason, error))
      return FALSE;
  }
  return TRUE;
}

/* --- encoding --- */

/* UTF-8 when the first SOURCE_BUFFER bytes are (a character cut at the end of that window
 * counts as UTF-8), otherwise GB18030, converted as the stream is read. A non-UTF-8 byte
 * further down a UTF-8 file makes its row bad (build_registration checks every value). */
static GInputStream *
open_decoded (GInputStream *input, FoyerImportResult *result, GError **error)
{
  g_autoptr(GInputStream) buffered = g_buffered_input_stream_new_sized (input, SOURCE_BUFFER);
  g_autoptr(GCharsetConverter) converter = NULL;
  GBufferedInputStream *bis = G_BUFFERED_INPUT_STREAM (buffered);
  const char *head, *valid_end;
  gboolean eof = FALSE;
  gsize n;

  while (!eof && g_buffered_input_stream_get_available (bis) < SOURCE_BUFFER) {
    gssize got = g_buffered_input_stream_fill (bis, -1, NULL, error);
    if (got < 0)
      return NULL;
    eof = got == 0;
  }
  head = g_buffered_input_stream_peek_buffer (bis, &n);
  if (g_utf8_validate (head, n, &valid_end) ||
      (!eof && g_utf8_get_char_validated (valid_end, head + n - valid_end) == (gunichar)-2)) {
    result->encoding = g_strdup ("UTF-8");
    return g_steal_pointer (&buffered);
  }
  result->encoding = g_strdup ("GB18030");
  if ((converter = g_charset_converter_new ("UTF-8", "GB18030", error)) == NULL)
    return NULL;
  return g_converter_input_stream_new (buffered, G_CONVERTER (converter));
}

/* A read error is the stream's; a conversion error means the file is not text we know. */
static void
propagate_source_error (ByteSource *src, GError **error)
{
  if (g_error_matches (src->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA) ||
      g_error_matches (src->error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      src->error->domain == G_CONVERT_ERROR) {
    g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_FORMAT,
                 "The file is neither UTF-8 nor GB18030 text. Save it as “CSV UTF-8” and "
                 "import it again.");
    g_clear_error (&src->error);
  } else {
    g_propagate_error (error, g_steal_pointer (&src->error));
  }
}

static gboolean
import_run (GInputStream          *input,
            FoyerImportFormat      format,
            const char            *event,
            const char            *mapping,
            const char            *default_region,
            Sink                  *sink,
            GError               **error)
{
  g_autoptr(GInputStream) decoded = NULL;
  g_autofree guint8 *buf = NULL;
  ByteSource src = { NULL };
  gboolean ok;

  memset (sink->result, 0, sizeof *sink->result);
  if ((decoded = open_decoded (input, sink->result, error)) == NULL)
    return FALSE;
  src.stream = decoded;
  src.buf = buf = g_malloc (SOURCE_BUFFER);
  /* a byte-order mark (Excel's "CSV UTF-8"; GB18030's converts to the same) */
  if (source_peek (&src) == 0xEF && src.len - src.pos >= 3 &&
      memcmp (src.buf + src.pos, "\xEF\xBB\xBF", 3) == 0)
    src.pos += 3;

  if (format == FOYER_IMPORT_CSV)
    ok = import_csv (&src, event, mapping, default_region, sink, error);
  else
    ok = import_jsonl (&src, event, mapping, default_region, sink, error);
  if (ok && src.error != NULL) {
    propagate_source_error (&src, error);
    ok = FALSE;
  }
  g_clear_error (&src.error);
  return ok && sink_flush (sink, error);
}

gboolean
foyer_import_parse (FoyerImportFormat       format,
                    const char             *data,
                    gsize                   len,
                    const char             *event,
                    const char             *mapping,
                    const char             *default_region,
                    FoyerImportBadRowFunc   bad_row,
                    gpointer                user_data,
                    GPtrArray             **registrations,
                    FoyerImportResult      *result,
                    GError                **error)
{
  g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  g_autoptr(GInputStream) input = NULL;
  Sink sink = { NULL, regs, 0, bad_row, user_data, result };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (registrations != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  input = g_memory_input_stream_new_from_data (data != NULL ? data : "", len, NULL);
  if (!import_run (input, format, event, mapping, default_region, &sink, error))
    return FALSE;
  *registrations = g_steal_pointer (&regs);
  return TRUE;
}

gboolean
foyer_import_stream (FoyerStore            *store,
                     FoyerImportFormat      format,
                     GInputStream          *input,
                     const char            *event,
                     const char            *mapping,
                     const char            *default_region,
                     FoyerImportBadRowFunc  bad_row,
                     gpointer               user_data,
                     FoyerImportResult     *result,
                     GError               **error)
{
  g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func ((GDestroyNotify)foyer_registration_free);
  Sink sink = { store, regs, 0, bad_row, user_data, result };

  g_return_val_if_fail (FOYER_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (!import_run (input, format, event, mapping, default_region, &sink, error))
    return FALSE;
  if (sink.n_good == 0 && result->n_bad > 0) {
    g_set_error (error, FOYER_IMPORT_ERROR, FOYER_IMPORT_ERROR_NO_ROWS,
                 "Every one of the %u rows was bad: nothing was imported.", result->n_bad);
    return FALSE;
  }
  return TRUE;
}

gboolean
foyer_import_data (FoyerStore            *store,
                   FoyerImportFormat      format,
                   const char            *data,
                   gsize                   len,
                   const char            *event,
                   const char            *mapping,
                   const char            *default_region,
                   FoyerImportBadRowFunc  bad_row,
                   gpointer               user_data,
                   FoyerImportResult     *result,
                   GError               **error)
{
  g_autoptr(GInputStream) input = NULL;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  input = g_memory_input_stream_new_from_data (data != NULL ? data : "", len, NULL);
  return foyer_import_stream (store, format, input, event, mapping, default_region, bad_row,
                              user_data, result, error);
}
