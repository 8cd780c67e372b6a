/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-config.c: libFuzzer target for foyer.conf and hub.conf parsing: a config file copied from
 * a USB stick or written by head office is untrusted input too. Each input goes to both readers. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "foyer-core.h"
#include "foyer-hub-config.h"

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

static void
fuzz_kiosk_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerConfig) config = foyer_config_load_from_data (text, "fuzz.conf", &error);
  g_autofree char *dump = NULL;
  g_auto(GStrv) interests = NULL;
  g_autofree char *consent = NULL;

  if (config == NULL) {
    g_assert (error != NULL);
    return;
  }
  (void) foyer_config_get_warnings (config);
  (void) foyer_config_get_string (config, "kiosk", "default-region");
  (void) foyer_config_get_int (config, "kiosk", "idle-seconds");
  (void) foyer_config_get_boolean (config, "kiosk", "fullscreen");
  interests = foyer_config_get_string_list (config, "kiosk", "interests");
  consent = foyer_config_get_locale_string (config, "consent", "text", "zh_CN");
  dump = foyer_config_to_data (config);
  g_assert (dump != NULL);
}

/* hub.conf: its effective text must read back as the same configuration. */
static void
fuzz_hub_config (const char *text, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerHubConfig) config = foyer_hub_config_load_from_data (text, size, "fuzz.conf",
                                                                      &error);
  g_autoptr(FoyerHubConfig) again = NULL;
  g_autofree char *dump = NULL;
  static const char *keys[][2] = { { "hub", "listen" }, { "hub", "public-url" },
                                   { "hub", "database" }, { "forward", "backend" },
                                   { "tryton", "url" }, { "tryton", "company" } };

  if (config == NULL) {
    g_assert (error != NULL);
    return;
  }
  (void) foyer_hub_config_get_warnings (config);
  (void) foyer_hub_config_get_int (config, "hub", "max-body-bytes");
  (void) foyer_hub_config_get_boolean (config, "hub", "allow-plain-http");
  g_free (foyer_hub_config_get_database (config));
  dump = foyer_hub_config_to_data (config);
  again = foyer_hub_config_load_from_data (dump, strlen (dump), "dump.conf", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_cmpstr (foyer_hub_config_get_string (again, keys[i][0], keys[i][1]), ==,
                     foyer_hub_config_get_string (config, keys[i][0], keys[i][1]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  fuzz_kiosk_config (text);
  fuzz_hub_config (text, strlen (text));
  return 0;
}
