/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-config.h: the kiosk's configuration, read from a GKeyFile and validated.
 *
 * Every later module reads its settings through here so that unknown keys, bad values and the
 * lookup order behave the same everywhere (kiosk, foyerctl, tests).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FOYER_CONFIG_ERROR (foyer_config_error_quark ())

typedef enum {
  FOYER_CONFIG_ERROR_NOT_FOUND = 1,   /* an explicitly named file does not exist */
  FOYER_CONFIG_ERROR_UNREADABLE,      /* exists but cannot be read or is not a key file */
  FOYER_CONFIG_ERROR_INVALID_VALUE,   /* a known key with a value outside its allowed set */
} FoyerConfigError;

GQuark foyer_config_error_quark (void);

#define FOYER_TYPE_CONFIG (foyer_config_get_type ())
G_DECLARE_FINAL_TYPE (FoyerConfig, foyer_config, FOYER, CONFIG, GObject)

FoyerConfig  *foyer_config_new_default       (void);
FoyerConfig  *foyer_config_load              (const char   *explicit_path,
                                              GError      **error);
FoyerConfig  *foyer_config_load_from_file    (const char   *path,
                                              GError      **error);
FoyerConfig  *foyer_config_load_from_data    (const char   *data,
                                              const char   *origin,
                                              GError      **error);

const char   *foyer_config_get_path          (FoyerConfig  *self);
GPtrArray    *foyer_config_get_warnings      (FoyerConfig  *self);
void          foyer_config_print_warnings    (FoyerConfig  *self);

/* value as a string that lives for the process, one copy per distinct value (the hub's
 * configuration hands its values out the same way). */
const char   *foyer_config_intern            (const char   *value);
const char   *foyer_config_get_string        (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key);
char         *foyer_config_get_locale_string (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key,
                                              const char   *language);
int           foyer_config_get_int           (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key);
gboolean      foyer_config_get_boolean       (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key);
char         *foyer_config_get_path_value    (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key);
char        **foyer_config_get_string_list   (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key);
gboolean      foyer_config_has_key           (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key);
void          foyer_config_set_string        (FoyerConfig  *self,
                                              const char   *group,
                                              const char   *key,
                                              const char   *value);
GKeyFile     *foyer_config_get_key_file      (FoyerConfig  *self);
char         *foyer_config_to_data           (FoyerConfig  *self);

char         *foyer_config_default_database_path (void);

/* Whether [group] key's raw value ends in an unpaired backslash, which GLib 2.74 cannot read
 * cleanly: hub.conf's reader refuses such a value as foyer.conf's does. */
gboolean      foyer_key_file_ends_in_lone_backslash (GKeyFile   *keys,
                                                     const char *group,
                                                     const char *key);

G_END_DECLS
