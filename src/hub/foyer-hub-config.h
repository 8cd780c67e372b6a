/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-config.h: hub.conf, read from a GKeyFile and validated against one schema.
 *
 * Lookup: --config FILE, $FOYER_HUB_CONFIG, ~/.config/foyer/hub.conf, /etc/foyer/hub.conf
 * ($FOYER_SYSCONFDIR stands in for /etc), else the built-in defaults. Unknown keys are warnings;
 * a value outside its allowed set is an error. data/hub.conf documents every key.
 */
#pragma once

#include <glib-object.h>

#include "foyer-config.h"

G_BEGIN_DECLS

#define FOYER_HUB_TYPE_CONFIG (foyer_hub_config_get_type ())
G_DECLARE_FINAL_TYPE (FoyerHubConfig, foyer_hub_config, FOYER_HUB, CONFIG, GObject)

/* Errors are FOYER_CONFIG_ERROR, as for the kiosk's configuration. */
FoyerHubConfig *foyer_hub_config_load           (const char     *explicit_path,
                                                 GError        **error);
FoyerHubConfig *foyer_hub_config_load_from_data (const char     *data,
                                                 gsize           len,
                                                 const char     *origin,
                                                 GError        **error);
const char     *foyer_hub_config_get_path       (FoyerHubConfig *self);
GPtrArray      *foyer_hub_config_get_warnings   (FoyerHubConfig *self);
const char     *foyer_hub_config_get_string     (FoyerHubConfig *self,
                                                 const char     *group,
                                                 const char     *key);
gint64          foyer_hub_config_get_int        (FoyerHubConfig *self,
                                                 const char     *group,
                                                 const char     *key);
gboolean        foyer_hub_config_get_boolean    (FoyerHubConfig *self,
                                                 const char     *group,
                                                 const char     *key);
/* A path value resolved against the file's directory; NULL when unset. */
char           *foyer_hub_config_get_path_value (FoyerHubConfig *self,
                                                 const char     *group,
                                                 const char     *key);
/* [hub] database, defaulting to ~/.local/share/foyer-hub/hub.db; a relative path is resolved. */
char           *foyer_hub_config_get_database   (FoyerHubConfig *self);
/* The effective configuration as key file text that reads back as the same configuration: set
 * values as written, defaults commented out ("#key=value  (default)"). */
char           *foyer_hub_config_to_data        (FoyerHubConfig *self);
/* The kiosk-side configuration object for the [tryton] group (the Tryton backend reads it). */
FoyerConfig    *foyer_hub_config_get_tryton     (FoyerHubConfig *self,
                                                 GError        **error);

G_END_DECLS
