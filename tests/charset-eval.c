/* SPDX-License-Identifier: GPL-3.0-or-later */
/* charset-eval.c: the payload layer's charset choice over a list of samples, with every
 * candidate's score; the data behind the scoring rules in foyer-text-decode.c.
 *
 *   charset-eval FILE…
 *
 * Each line: `CHARSET<TAB>TEXT` (TEXT is UTF-8, encoded with CHARSET, an iconv name, before
 * decoding; `\r` and `\n` are escapes) or `HEX<TAB>EXPECTED<TAB>HEXBYTES` (raw bytes whose right
 * reading is EXPECTED, an encoding name as foyer_payload_decode_text() reports it). Prints one
 * line per sample (ok/XX, chosen encoding, candidate scores, text) and the totals.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "foyer-payload.h"

static GString *scores;

static GLogWriterOutput
capture_scores (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++) {
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 &&
        g_str_has_prefix (fields[i].value, "charset candidate ")) {
      g_string_append_printf (scores, " %s", (const char *) fields[i].value + 18);
      return G_LOG_WRITER_HANDLED;
    }
  }
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static const char *
display_name (const char *iconv_name)
{
  if (g_ascii_strcasecmp (iconv_name, "BIG5") == 0)
    return "Big5";
  if (g_ascii_strcasecmp (iconv_name, "CP932") == 0 || g_ascii_strcasecmp (iconv_name, "SHIFT_JIS") == 0)
    return "Shift_JIS";
  return iconv_name;
}

int
main (int argc, char **argv)
{
  guint total = 0, right = 0;
  g_autoptr(GHashTable) wrong_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_setenv ("G_MESSAGES_DEBUG", "foyer-payload", TRUE);
  g_log_set_writer_func (capture_scores, NULL, NULL);
  scores = g_string_new (NULL);

  for (int a = 1; a < argc; a++) {
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents (argv[a], &contents, NULL, NULL)) {
      g_printerr ("cannot read %s\n", argv[a]);
      return 2;
    }
    lines = g_strsplit (contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autofree guint8 *bytes = NULL;
      gsize len = 0;
      const char *expected;
      g_autofree char *text = NULL;
      g_autofree char *encoding = NULL;
      gboolean ok;

      if (f[0] == NULL || f[1] == NULL || lines[i][0] == '#')
        continue;
      if (strcmp (f[0], "HEX") == 0) {
        const char *h = f[2] != NULL ? f[2] : "";
        len = strlen (h) / 2;
        bytes = g_malloc (len + 1);
        for (gsize k = 0; k < len; k++)
          bytes[k] = (g_ascii_xdigit_value (h[2 * k]) << 4) | g_ascii_xdigit_value (h[2 * k + 1]);
        expected = f[1];
      } else {
        g_autofree char *s = g_strcompress (f[1]);
        bytes = (guint8 *) g_convert (s, -1, f[0], "UTF-8", NULL, &len, NULL);
        if (bytes == NULL) {
          g_printerr ("line %u: not encodable in %s: %s\n", i + 1, f[0], f[1]);
          continue;
        }
        expected = display_name (f[0]);
      }
      g_string_truncate (scores, 0);
      text = foyer_payload_decode_text (bytes, len, &encoding, NULL, NULL);
      ok = g_strcmp0 (encoding, expected) == 0;
      total++;
      right += ok;
      if (!ok) {
        g_autofree char *key = g_strdup_printf ("%s read as %s", expected, encoding);
        g_hash_table_insert (wrong_by, g_strdup (key),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (wrong_by, key)) + 1));
      }
      {
        g_autoptr(GString) shown = g_string_new (NULL);
        for (const char *p = text != NULL ? text : "(null)"; *p != '\0'; p++) {
          if (*p == '\r')
            g_string_append (shown, "\\r");
          else if (*p == '\n')
            g_string_append (shown, "\\n");
          else
            g_string_append_c (shown, *p);
        }
        printf ("%s %-9s want %-9s |%s | %s\n", ok ? "ok" : "XX", encoding, expected, scores->str,
                shown->str);
      }
    }
  }
  printf ("right %u/%u\n", right, total);
  {
    GHashTableIter iter;
    gpointer k, v;
    g_hash_table_iter_init (&iter, wrong_by);
    while (g_hash_table_iter_next (&iter, &k, &v))
      printf ("  %s: %u\n", (char *) k, GPOINTER_TO_UINT (v));
  }
  return 0;
}
