/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-config.c: libFuzzer target for foyer.conf parsing: a config file copied from a USB stick
 * or written by head office is untrusted input too. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "foyer-core.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* GLib traps (SIGTRAP) on fatal messages, which libFuzzer does not catch: abort instead so the
 * crashing input is saved. A critical (failed precondition) or warning is a bug here. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
    g_log_writer_standard_streams (level, fields, n_fields, user_data);
    abort ();
  }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data (text, "fuzz.conf", &error);
  g_autofree char *dump = NULL;
  g_auto(GStrv) interests = NULL;
  g_autofree char *consent = NULL;

  if (config == NULL) {
    g_assert (error != NULL);
    return 0;
  }
  (void) foyer_config_get_warnings (config);
  (void) foyer_config_get_string (config, "kiosk", "default-region");
  (void) foyer_config_get_int (config, "kiosk", "idle-seconds");
  (void) foyer_config_get_boolean (config, "kiosk", "fullscreen");
  interests = foyer_config_get_string_list (config, "kiosk", "interests");
  consent = foyer_config_get_locale_string (config, "consent", "text", "zh_CN");
  dump = foyer_config_to_data (config);
  g_assert (dump != NULL);
  return 0;
}
