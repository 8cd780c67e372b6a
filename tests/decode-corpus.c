/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decode-corpus.c: measures the decoder on tests/data/qr-photos (or DIR), image by image.
 *
 *   decode-corpus [--budget MS] [--frames N] [--passes a,b,c] [--matrix] [DIR]
 *   decode-corpus --compare [DIR]
 *
 * Default: one line per image (found or not, the pass that found it, ms) and the total.
 * --frames N: as the camera reads, the image held up for N frames in a row (stream mode, which
 * spreads its passes over consecutive frames); ms is the sum over the frames it took.
 * --matrix: every pass alone on every image, then which images only one pass rescues and each
 * pass's payoff per millisecond: the figures that order the decoder's passes.
 * --compare: Foyer (as foyerctl decode reads stills), zbarimg and ZXingReader side by side on
 * every corpus of the project (tests/data/qr-photos, tests/data/cards, the generated corpus in
 * $FOYER_GENERATED_CORPUS) or on DIR, per class (folder): the table in docs/decoder.md.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "foyer-decoder.h"
#include "foyer-test-util.h"
#include "decode-corpus-util.h"

static int
compare_corpora (const char *dir)
{
  g_autoptr(GPtrArray) table = g_ptr_array_new ();
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  const char *generated = g_getenv ("FOYER_GENERATED_CORPUS");
  g_autofree char *cards = foyer_test_data_path ("cards", NULL);
  struct { const char *label; const char *dir; } corpora[] = {
    { "qr-photos", NULL }, { "cards", cards }, { "generated", generated },
  };

  for (guint c = 0; c < G_N_ELEMENTS (corpora); c++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) images = NULL;
    GPtrArray *classes;

    if (dir != NULL && c > 0)
      break;
    if (dir == NULL && c > 0 && corpora[c].dir == NULL) {
      g_printerr ("%s: not found (FOYER_GENERATED_CORPUS; meson test builds it)\n", corpora[c].label);
      return 2;
    }
    images = dir != NULL ? corpus_load (dir, &error)
             : corpora[c].dir != NULL ? corpus_load (corpora[c].dir, &error)
             : corpus_load_named (corpora[c].label, &error);
    if (images == NULL) {
      g_printerr ("%s\n", error->message);
      return 2;
    }
    classes = corpus_compare (images, dir != NULL ? dir : corpora[c].label);
    g_ptr_array_add (keep, classes);
    for (guint i = 0; i < classes->len; i++)
      g_ptr_array_add (table, g_ptr_array_index (classes, i));
  }
  corpus_print_table (table);
  return 0;
}

int
main (int argc, char **argv)
{
  int budget = 0;
  int frames = 0;
  gboolean matrix = FALSE;
  gboolean find_all = FALSE;
  gboolean compare = FALSE;
  g_autofree char *passes = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("[DIR]");
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "budget", 'b', 0, G_OPTION_ARG_INT, &budget, "Second-chance budget per image (0: none)", "MS" },
    { "frames", 'f', 0, G_OPTION_ARG_INT, &frames, "Camera frames per image (0: a still)", "N" },
    { "passes", 'p', 0, G_OPTION_ARG_STRING, &passes, "Comma-separated passes", "LIST" },
    { "matrix", 'm', 0, G_OPTION_ARG_NONE, &matrix, "Each pass alone on each image", NULL },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &find_all, "Every code in the image (as foyerctl decode)", NULL },
    { "compare", 'c', 0, G_OPTION_ARG_NONE, &compare, "Foyer, zbarimg and ZXingReader per class", NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) images = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (argc > 1)
    dir = g_strdup (argv[1]);

  if (compare)
    return compare_corpora (dir);
  images = dir != NULL ? corpus_load (dir, &error) : corpus_load_named ("qr-photos", &error);
  if (images == NULL) {
    g_printerr ("%s\n", error->message);
    return 2;
  }

  if (!matrix) {
    g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();
    g_auto(GStrv) names = passes != NULL ? g_strsplit (passes, ",", -1) : NULL;
    guint found = 0, payload_found = 0;
    double total_ms = 0;

    foyer_decoder_set_budget_ms (decoder, budget);
    foyer_decoder_set_find_all (decoder, find_all);
    if (names != NULL)
      foyer_decoder_set_passes (decoder, (const char * const *)names);
    for (guint i = 0; i < images->len; i++) {
      CorpusImage *image = g_ptr_array_index (images, i);
      double ms = 0;
      g_autofree char *pass = NULL;
      gboolean payload_ok = FALSE;
      gboolean ok = FALSE;

      /* stream mode restarts its turns for each image: the first frame it is seen in */
      foyer_decoder_set_stream_mode (decoder, frames > 0);
      for (int f = 0; f < MAX (frames, 1) && !ok; f++) {
        double frame_ms = 0;

        g_clear_pointer (&pass, g_free);
        ok = corpus_decode_full (decoder, image, &pass, &frame_ms, &payload_ok);
        ms += frame_ms;
      }

      found += ok;
      payload_found += payload_ok;
      total_ms += ms;
      g_print ("%-4s %-45s %-14s %7.1f ms  %ux%u%s\n", ok ? "ok" : "--", image->name,
               pass != NULL ? pass : "-", ms, image->width, image->height,
               ok && !payload_ok ? "  (bytes match; the payload layer's text differs)" : "");
    }
    g_print ("found %u/%u (%u/%u with the payload layer's text), %.0f ms total\n", found,
             images->len, payload_found, images->len, total_ms);
    return 0;
  }

  {
    const char * const *all = foyer_decoder_list_passes ();
    guint n_passes = g_strv_length ((char **)all);
    g_autofree gboolean *ok = g_new0 (gboolean, (gsize)n_passes * images->len);
    g_autofree double *cost = g_new0 (double, n_passes);
    g_autoptr(FoyerDecoder) decoder = foyer_decoder_new ();

    foyer_decoder_set_budget_ms (decoder, 0);
    for (guint p = 0; p < n_passes; p++) {
      const char *one[] = { all[p], NULL };
      guint count = 0;

      foyer_decoder_set_passes (decoder, one);
      for (guint i = 0; i < images->len; i++) {
        double ms;
        ok[p * images->len + i] = corpus_decode (decoder, g_ptr_array_index (images, i), NULL, &ms);
        count += ok[p * images->len + i];
        cost[p] += ms;
      }
      g_print ("%-16s %3u images  %8.1f ms total\n", all[p], count, cost[p]);
    }
    g_print ("\nper image (passes that read it):\n");
    for (guint i = 0; i < images->len; i++) {
      CorpusImage *image = g_ptr_array_index (images, i);
      g_autoptr(GString) line = g_string_new (NULL);
      for (guint p = 0; p < n_passes; p++)
        if (ok[p * images->len + i])
          g_string_append_printf (line, " %s", all[p]);
      g_print ("%-45s%s\n", image->name, line->len ? line->str : " NONE");
    }
  }
  return 0;
}
