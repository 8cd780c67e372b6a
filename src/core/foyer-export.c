/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-export.c: CSV, vCard 3.0 and JSON-lines writers over FoyerStore.
 *
 * Rows stream from the store one at a time into a buffered output stream, so a show's million
 * registrations export in constant memory.
 */
#define G_LOG_DOMAIN "foyer-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>

#include "foyer-export.h"
#include "foyer-json.h"

gboolean
foyer_export_format_parse (const char        *name,
                           FoyerExportFormat *format)
{
  if (g_strcmp0 (name, "csv") == 0)
    *format = FOYER_EXPORT_CSV;
  else if (g_strcmp0 (name, "vcard") == 0 || g_strcmp0 (name, "vcf") == 0)
    *format = FOYER_EXPORT_VCARD;
  else if (g_strcmp0 (name, "jsonl") == 0)
    *format = FOYER_EXPORT_JSONL;
  else
    return FALSE;
  return TRUE;
}

/* --- CSV --- */

gboolean
foyer_csv_starts_formula (const char *value)
{
  /* Spreadsheets (LibreOffice, Excel with an East Asian IME) also read the full-width forms
   * U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠ as the start of a formula. */
  static const char * const full_width[] = { "\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
                                             "\xEF\xBC\xA0" };

  if (value == NULL || *value == '\0')
    return FALSE;
  if (strchr ("=+-@\t\r", value[0]) != NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (full_width); i++)
    if (g_str_has_prefix (value, full_width[i]))
      return TRUE;
  return FALSE;
}

void
foyer_csv_append_cell (GString    *out,
                       const char *value)
{
  gboolean formula;
  gboolean quote;

  if (value == NULL || *value == '\0')
    return;
  formula = foyer_csv_starts_formula (value);
  /* ';' too: a spreadsheet in a locale whose list separator is ';' (most of Europe) would split
   * the cell there. */
  quote = strpbrk (value, ",;\"\r\n") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++) {
    if (*p == '"')
      g_string_append_c (out, '"');
    g_string_append_c (out, *p);
  }
  if (quote)
    g_string_append_c (out, '"');
}

static const char * const csv_columns[] = {
  "id", "event", "kiosk_id", "created_at", "kind", "category", "full_name", "family_name",
  "given_name", "organization", "title", "emails", "phones", "country", "city", "interests",
  "badge_code", "source", "consent_given", "consent_version", "consent_at", "notes",
  "possible_duplicate", "purged", "phones_unverified", NULL
};

static void
append_list_cell (GString *out, char **values)
{
  g_autofree char *joined = NULL;

  if (values == NULL)
    return;
  joined = g_strjoinv ("; ", values);
  foyer_csv_append_cell (out, joined);
}

/* A cell and the comma after it (every column but the last). */
static void
csv_cell (GString *out, const char *value)
{
  foyer_csv_append_cell (out, value);
  g_string_append_c (out, ',');
}

static void
csv_list (GString *out, char **values)
{
  append_list_cell (out, values);
  g_string_append_c (out, ',');
}

/* The visitor's organization, title, e-mails, phones, country and city: the same run of columns
 * in the registrations' and the leads' CSV. */
static void
csv_contact_cells (GString *out, const FoyerRegistration *reg)
{
  csv_cell (out, reg->organization);
  csv_cell (out, reg->title);
  csv_list (out, reg->emails);
  csv_list (out, reg->phones);
  csv_cell (out, reg->country);
  csv_cell (out, reg->city);
}

static void
append_csv_row (GString *out, const FoyerRegistration *reg)
{
  csv_cell (out, reg->id);
  csv_cell (out, reg->event);
  csv_cell (out, reg->kiosk_id);
  csv_cell (out, reg->created_at);
  csv_cell (out, reg->kind);
  csv_cell (out, reg->category);
  csv_cell (out, reg->full_name);
  csv_cell (out, reg->family_name);
  csv_cell (out, reg->given_name);
  csv_contact_cells (out, reg);
  csv_list (out, reg->interests);
  csv_cell (out, reg->badge_code);
  csv_cell (out, reg->source);
  csv_cell (out, reg->consent_given ? "true" : "false");
  csv_cell (out, reg->consent_version);
  csv_cell (out, reg->consent_at);
  csv_cell (out, reg->notes);
  csv_cell (out, reg->possible_duplicate ? "true" : "false");
  csv_cell (out, reg->purged ? "true" : "false");
  append_list_cell (out, reg->phones_unverified);
  g_string_append (out, "\r\n");
}

/* --- vCard 3.0 --- */

char *
foyer_vcard_escape (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++) {
    switch (*p) {
    case '\\': g_string_append (out, "\\\\"); break;
    case ',': g_string_append (out, "\\,"); break;
    case ';': g_string_append (out, "\\;"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\r':
      if (p[1] != '\n')
        g_string_append (out, "\\n");
      break;
    default: g_string_append_c (out, *p);
    }
  }
  return g_string_free (out, FALSE);
}

void
foyer_vcard_append_line (GString    *out,
                         const char *line)
{
  gsize len = strlen (line);
  gsize pos = 0;
  gsize room = 75;

  while (len - pos > room) {
    gsize cut = pos + room;

    /* back up to the start of a UTF-8 character: never split one across lines */
    while (cut > pos && ((guchar)line[cut] & 0xC0) == 0x80)
      cut--;
    g_string_append_len (out, line + pos, cut - pos);
    g_string_append (out, "\r\n ");
    pos = cut;
    room = 74;   /* the leading space of a continuation line counts */
  }
  g_string_append_len (out, line + pos, len - pos);
  g_string_append (out, "\r\n");
}

void
foyer_vcard_append_property (GString    *out,
                             const char *name,
                             const char *value)
{
  g_autofree char *escaped = NULL;
  g_autofree char *line = NULL;

  if (value == NULL || *value == '\0')
    return;
  escaped = foyer_vcard_escape (value);
  line = g_strconcat (name, ":", escaped, NULL);
  foyer_vcard_append_line (out, line);
}

static void
append_vcard (GString *out, const FoyerRegistration *reg, const FoyerLead *lead)
{
  const char *fn = reg->full_name;
  g_autofree char *joined_name = NULL;

  if (fn == NULL || *fn == '\0') {
    if (reg->family_name != NULL || reg->given_name != NULL)
      fn = joined_name = g_strjoin (" ", reg->given_name ? reg->given_name : "",
                                    reg->family_name ? reg->family_name : "", NULL);
    else if (reg->emails != NULL && reg->emails[0] != NULL)
      fn = reg->emails[0];
    else if (reg->badge_code != NULL)
      fn = reg->badge_code;
    else
      fn = "";
  }

  foyer_vcard_append_line (out, "BEGIN:VCARD");
  foyer_vcard_append_line (out, "VERSION:3.0");
  {
    g_autofree char *uid = g_strconcat ("UID:urn:uuid:", reg->id, NULL);
    foyer_vcard_append_line (out, uid);
  }
  {
    g_autofree char *escaped = foyer_vcard_escape (fn);
    g_autofree char *line = g_strconcat ("FN:", escaped, NULL);
    foyer_vcard_append_line (out, line);
  }
  {
    /* N is required in 3.0; a name without parts (a CJK name as typed) goes in the family slot */
    g_autofree char *family = foyer_vcard_escape (reg->family_name != NULL || reg->given_name != NULL
                                                  ? reg->family_name : fn);
    g_autofree char *given = foyer_vcard_escape (reg->given_name);
    g_autofree char *line = g_strdup_printf ("N:%s;%s;;;", family, given);
    foyer_vcard_append_line (out, line);
  }
  foyer_vcard_append_property (out, "ORG", reg->organization);
  foyer_vcard_append_property (out, "TITLE", reg->title);
  for (guint i = 0; reg->emails != NULL && reg->emails[i] != NULL; i++)
    foyer_vcard_append_property (out, "EMAIL;TYPE=INTERNET", reg->emails[i]);
  for (guint i = 0; reg->phones != NULL && reg->phones[i] != NULL; i++) {
    /* a number kept as written is exported as written, and says so */
    gboolean unverified = reg->phones_unverified != NULL &&
                          g_strv_contains ((const char * const *) reg->phones_unverified,
                                           reg->phones[i]);

    foyer_vcard_append_property (out, unverified ? "TEL;TYPE=X-UNVERIFIED" : "TEL", reg->phones[i]);
  }
  if (reg->city != NULL || reg->country != NULL) {
    g_autofree char *city = foyer_vcard_escape (reg->city);
    g_autofree char *country = foyer_vcard_escape (reg->country);
    g_autofree char *line = g_strdup_printf ("ADR;TYPE=WORK:;;;%s;;;%s", city, country);
    foyer_vcard_append_line (out, line);
  }
  if (reg->interests != NULL && reg->interests[0] != NULL) {
    g_autoptr(GString) line = g_string_new ("CATEGORIES:");
    for (guint i = 0; reg->interests[i] != NULL; i++) {
      g_autofree char *escaped = foyer_vcard_escape (reg->interests[i]);
      if (i > 0)
        g_string_append_c (line, ',');
      g_string_append (line, escaped);
    }
    foyer_vcard_append_line (out, line->str);
  }
  if (lead != NULL && lead->notes != NULL) {
    g_autofree char *both = reg->notes != NULL ? g_strconcat (reg->notes, "\n", lead->notes, NULL)
                                               : g_strdup (lead->notes);
    foyer_vcard_append_property (out, "NOTE", both);
  } else {
    foyer_vcard_append_property (out, "NOTE", reg->notes);
  }
  foyer_vcard_append_property (out, "REV", reg->created_at);
  foyer_vcard_append_property (out, "X-FOYER-BADGE", reg->badge_code);
  foyer_vcard_append_property (out, "X-FOYER-CATEGORY", reg->category);
  foyer_vcard_append_property (out, "X-FOYER-KIND", reg->kind);
  foyer_vcard_append_property (out, "X-FOYER-EVENT", reg->event);
  if (lead != NULL) {
    foyer_vcard_append_property (out, "X-FOYER-LEAD-RATING", lead->rating);
    foyer_vcard_append_property (out, "X-FOYER-LEAD-BOOTH", lead->booth);
    foyer_vcard_append_property (out, "X-FOYER-LEAD-FOLLOW-UP", lead->follow_up ? "true" : "false");
  }
  foyer_vcard_append_line (out, "END:VCARD");
}

/* --- driver --- */

typedef struct {
  FoyerExportFormat  format;
  GOutputStream     *out;
  GString           *buffer;
  guint64            n;
  GError            *error;
} ExportState;

static gboolean
flush_buffer (ExportState *state)
{
  if (state->buffer->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (state->out, state->buffer->str, state->buffer->len, NULL, NULL,
                                  &state->error))
    return FALSE;
  g_string_truncate (state->buffer, 0);
  return TRUE;
}

/* One more row written; the buffer goes out when it holds 64 KiB. FALSE on a write error. */
static gboolean
count_and_flush (ExportState *state)
{
  state->n++;
  if (state->buffer->len >= 64 * 1024)
    return flush_buffer (state);
  return TRUE;
}

/* object (taken) as one JSON line. */
static void
append_json_line (GString    *buffer,
                  JsonObject *object)
{
  g_autoptr(JsonObject) owned = object;
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), owned);
  g_autofree char *text = foyer_json_to_string (node);

  g_string_append (buffer, text);
  g_string_append_c (buffer, '\n');
}

/* Flushes what is left and the stream; the first error met while exporting wins. */
static gboolean
finish_export (ExportState  *state,
               guint64      *n_written,
               GError      **error)
{
  if (state->error != NULL || !flush_buffer (state) ||
      !g_output_stream_flush (state->out, NULL, &state->error)) {
    g_propagate_error (error, state->error);
    return FALSE;
  }
  if (n_written != NULL)
    *n_written = state->n;
  return TRUE;
}

/* The optional UTF-8 BOM (Excel) and the header row. */
static void
append_csv_header (GString            *buffer,
                   FoyerExportFlags    flags,
                   const char * const *columns)
{
  if (flags & FOYER_EXPORT_FLAG_EXCEL_BOM)
    g_string_append (buffer, "\xEF\xBB\xBF");
  for (guint i = 0; columns[i] != NULL; i++) {
    if (i > 0)
      g_string_append_c (buffer, ',');
    g_string_append (buffer, columns[i]);
  }
  g_string_append (buffer, "\r\n");
}

static gboolean
export_one_cb (const FoyerRegistration *reg,
               gpointer                 user_data)
{
  ExportState *state = user_data;

  switch (state->format) {
  case FOYER_EXPORT_CSV:
    append_csv_row (state->buffer, reg);
    break;
  case FOYER_EXPORT_VCARD:
    if (reg->purged)
      return TRUE;
    append_vcard (state->buffer, reg, NULL);
    break;
  case FOYER_EXPORT_JSONL:
    append_json_line (state->buffer, foyer_registration_to_json (reg));
    break;
  default:
    g_assert_not_reached ();
  }
  return count_and_flush (state);
}

gboolean
foyer_store_export (FoyerStore         *store,
                    FoyerExportFormat   format,
                    FoyerExportFlags    flags,
                    const char         *event,
                    const char         *since,
                    GOutputStream      *out,
                    guint64            *n_written,
                    GError            **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (80 * 1024);
  ExportState state = { format, out, buffer, 0, NULL };

  g_return_val_if_fail (FOYER_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  if (format == FOYER_EXPORT_CSV)
    append_csv_header (buffer, flags, csv_columns);

  if (!foyer_store_foreach_registration (store, event, since, export_one_cb, &state, error)) {
    g_clear_error (&state.error);
    return FALSE;
  }
  return finish_export (&state, n_written, error);
}

/* --- leads --- */

static const char * const lead_csv_columns[] = {
  "id", "created_at", "updated_at", "event", "kiosk_id", "booth", "staff_id", "rating",
  "follow_up", "notes", "answers_json", "registration_id", "full_name", "organization", "title",
  "emails", "phones", "country", "city", "badge_code", "category", "consent_given",
  "phones_unverified", NULL
};

static void
append_lead_csv_row (GString *out, const FoyerLead *lead, const FoyerRegistration *reg)
{
  csv_cell (out, lead->id);
  csv_cell (out, lead->created_at);
  csv_cell (out, lead->updated_at);
  csv_cell (out, lead->event);
  csv_cell (out, lead->kiosk_id);
  csv_cell (out, lead->booth);
  csv_cell (out, lead->staff_id);
  csv_cell (out, lead->rating);
  csv_cell (out, lead->follow_up ? "true" : "false");
  csv_cell (out, lead->notes);
  csv_cell (out, lead->answers_json);
  csv_cell (out, lead->registration_id);
  csv_cell (out, reg->full_name);
  csv_contact_cells (out, reg);
  csv_cell (out, reg->badge_code);
  csv_cell (out, reg->category);
  csv_cell (out, reg->consent_given ? "true" : "false");
  append_list_cell (out, reg->phones_unverified);
  g_string_append (out, "\r\n");
}

gboolean
foyer_store_export_leads (FoyerStore         *store,
                          FoyerExportFormat   format,
                          FoyerExportFlags    flags,
                          const char         *event,
                          const char         *since,
                          GOutputStream      *out,
                          guint64            *n_written,
                          GError            **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (80 * 1024);
  g_autoptr(GPtrArray) leads = NULL;
  ExportState state = { format, out, buffer, 0, NULL };

  g_return_val_if_fail (FOYER_IS_STORE (store), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  /* a booth takes hundreds of leads, not millions: listing them at once is fine */
  if ((leads = foyer_store_list_leads (store, event, since, NULL, error)) == NULL)
    return FALSE;

  if (format == FOYER_EXPORT_CSV)
    append_csv_header (buffer, flags, lead_csv_columns);

  /* listed newest first; exported oldest first like registrations */
  for (guint i = leads->len; i > 0; i--) {
    FoyerLead *lead = g_ptr_array_index (leads, i - 1);
    g_autoptr(FoyerRegistration) reg = foyer_store_get_registration (store, lead->registration_id,
                                                                     error);

    if (reg == NULL)
      return FALSE;
    switch (format) {
    case FOYER_EXPORT_CSV:
      append_lead_csv_row (buffer, lead, reg);
      break;
    case FOYER_EXPORT_VCARD:
      append_vcard (buffer, reg, lead);
      break;
    case FOYER_EXPORT_JSONL:
      append_json_line (buffer, foyer_lead_to_json_with_visitor (lead, reg));
      break;
    default:
      g_assert_not_reached ();
    }
    if (!count_and_flush (&state))
      break;
  }
  return finish_export (&state, n_written, error);
}

/* --- files --- */

static char *
part_path (const char *path)
{
  return g_strconcat (path, ".part", NULL);
}

GOutputStream *
foyer_export_file_open (const char  *path,
                        GError     **error)
{
  g_autofree char *part = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  part = part_path (path);
  /* O_EXCL: never write through a symlink planted there, never share the file with another
   * export running at the same time. */
  fd = g_open (part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    int saved = errno;

    if (saved == EEXIST)
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s exists: another export is writing it, or one was interrupted (remove "
                     "it and try again)"), part);
    else
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot create %s: %s"),
                   part, g_strerror (saved));
    return NULL;
  }
  return g_unix_output_stream_new (fd, TRUE);
}

static gboolean
sync_directory_of (const char  *path,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0 || fsync (fd) != 0) {
    saved = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot sync %s: %s"), dir,
                 g_strerror (saved));
    return FALSE;
  }
  close (fd);
  return TRUE;
}

gboolean
foyer_export_file_commit (GOutputStream  *out,
                          const char     *path,
                          GError        **error)
{
  g_autofree char *part = NULL;
  int fd;

  g_return_val_if_fail (G_IS_UNIX_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  part = part_path (path);
  fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (out));
  if (!g_output_stream_flush (out, NULL, error))
    goto fail;
  if (fsync (fd) != 0) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot write %s: %s"),
                 part, g_strerror (saved));
    goto fail;
  }
  if (!g_output_stream_close (out, NULL, error))
    goto fail;
  if (g_rename (part, path) != 0) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot rename %s to %s: %s"),
                 part, path, g_strerror (saved));
    goto fail;
  }
  return sync_directory_of (path, error);

fail:
  foyer_export_file_discard (out, path);
  return FALSE;
}

void
foyer_export_file_discard (GOutputStream *out,
                           const char    *path)
{
  g_autofree char *part = part_path (path);

  if (out != NULL && !g_output_stream_is_closed (out))
    g_output_stream_close (out, NULL, NULL);
  g_unlink (part);
}

/* --- for the hub (src/hub), which holds registrations as wire JSON, not in a FoyerStore --- */

void
foyer_export_append_header (GString *out, FoyerExportFormat format, FoyerExportFlags flags)
{
  if (format == FOYER_EXPORT_CSV)
    append_csv_header (out, flags, csv_columns);
}

gboolean
foyer_export_append_registration (GString *out, FoyerExportFormat format,
                                  const FoyerRegistration *reg)
{
  ExportState state = { format, NULL, out, 0, NULL };

  return export_one_cb (reg, &state);
}
