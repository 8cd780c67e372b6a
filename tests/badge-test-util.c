/* badge-test-util.c: helpers of the badge tests (see badge-test-util.h). */
#include "config.h"

#include <gio/gio.h>

#include "badge-test-util.h"

int
badge_test_run (const char * const *argv,
                char              **out,
                char              **err)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                  G_SUBPROCESS_FLAGS_STDIN_PIPE, &error);
  g_assert_no_error (error);
  g_autoptr(GBytes) in = g_bytes_new (NULL, 0);

  g_subprocess_communicate (proc, in, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);
  /* g_strndup (NULL, 0) is NULL: empty output must still be a string. */
  if (out != NULL)
    *out = g_strndup (g_bytes_get_size (out_bytes) > 0 ? g_bytes_get_data (out_bytes, NULL) : "",
                      g_bytes_get_size (out_bytes));
  if (err != NULL)
    *err = g_strndup (g_bytes_get_size (err_bytes) > 0 ? g_bytes_get_data (err_bytes, NULL) : "",
                      g_bytes_get_size (err_bytes));
  if (g_subprocess_get_if_signaled (proc))
    return 128 + g_subprocess_get_term_sig (proc);
  return g_subprocess_get_exit_status (proc);
}

char *
badge_test_decode_png (const char *png_path)
{
  /* zbarimg until the scan module's decoder (foyer-decoder.h) is in main. */
  const char *argv[] = { "zbarimg", "--quiet", "--raw", "-Sbinary", png_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize len;

  if (badge_test_run (argv, &out, &err) != 0) {
    g_test_message ("zbarimg %s: %s", png_path, err);
    return NULL;
  }
  len = strlen (out);
  if (len > 0 && out[len - 1] == '\n')
    out[len - 1] = '\0';
  return g_steal_pointer (&out);
}

char *
badge_test_pdf_text (const char *pdf_path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf_path, "-", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (badge_test_run (argv, &out, &err), ==, 0);
  return g_steal_pointer (&out);
}

char *
badge_test_squeeze (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (!g_unichar_isspace (c))
      g_string_append_unichar (out, c);
  }
  return g_string_free (out, FALSE);
}
