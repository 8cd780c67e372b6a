/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-config.c: hub.conf's schema, lookup and validation.
 *
 * The kiosk's FoyerConfig has its schema built in, so the hub keeps its own small table here,
 * with the same rules (unknown keys warned with their line, bad values refused). The [tryton]
 * group is handed to the kiosk's FoyerConfig so the Tryton backend validates it as for a kiosk.
 */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <glib/gi18n.h>

#include "foyer-hub-config.h"

typedef enum { KEY_STRING, KEY_INT, KEY_BOOL, KEY_ENUM, KEY_PATH } KeyType;

typedef struct {
  const char *group;
  const char *key;
  KeyType     type;
  const char *default_value;
  const char *allowed;
  gint64      min;
  gint64      max;
} KeySpec;

static const KeySpec schema[] = {
  { "hub", "listen", KEY_STRING, "127.0.0.1:8470", NULL, 0, 0 },
  { "hub", "public-url", KEY_STRING, NULL, NULL, 0, 0 },
  { "hub", "database", KEY_STRING, NULL, NULL, 0, 0 },
  { "hub", "certificate", KEY_PATH, NULL, NULL, 0, 0 },
  { "hub", "key", KEY_PATH, NULL, NULL, 0, 0 },
  { "hub", "allow-plain-http", KEY_BOOL, "false", NULL, 0, 0 },
  { "hub", "max-body-bytes", KEY_INT, "16777216", NULL, 1024, G_GINT64_CONSTANT (1) << 32 },
  { "hub", "enroll-ttl", KEY_INT, "86400", NULL, 60, 31536000 },
  { "hub", "max-connections", KEY_INT, "512", NULL, 1, 65536 },
  { "hub", "request-timeout", KEY_INT, "30", NULL, 1, 3600 },
  { "hub", "workers", KEY_INT, "4", NULL, 1, 64 },
  { "hub", "max-queue", KEY_INT, "256", NULL, 1, 100000 },
  { "hub", "pull-cache-mb", KEY_INT, "32", NULL, 0, 4096 },

  { "forward", "backend", KEY_ENUM, "none", "none|tryton", 0, 0 },
  { "forward", "batch-size", KEY_INT, "50", NULL, 1, 1000 },
  { "forward", "backoff-min-ms", KEY_INT, "1000", NULL, 1, 3600000 },
  { "forward", "backoff-max-ms", KEY_INT, "300000", NULL, 1, 86400000 },
  { "forward", "max-attempts", KEY_INT, "20", NULL, 1, 100000 },

  { "tryton", "url", KEY_STRING, NULL, NULL, 0, 0 },
  { "tryton", "database", KEY_STRING, NULL, NULL, 0, 0 },
  { "tryton", "user", KEY_STRING, NULL, NULL, 0, 0 },
  { "tryton", "password-file", KEY_PATH, NULL, NULL, 0, 0 },
  { "tryton", "company", KEY_INT, "0", NULL, 0, G_MAXINT },
};

struct _FoyerHubConfig {
  GObject    parent_instance;
  GKeyFile  *keys;
  char      *path;
  char      *data;
  GPtrArray *warnings;
};

G_DEFINE_FINAL_TYPE (FoyerHubConfig, foyer_hub_config, G_TYPE_OBJECT)

static void
foyer_hub_config_finalize (GObject *object)
{
  FoyerHubConfig *self = FOYER_HUB_CONFIG (object);

  g_key_file_unref (self->keys);
  g_free (self->path);
  g_free (self->data);
  g_ptr_array_unref (self->warnings);
  G_OBJECT_CLASS (foyer_hub_config_parent_class)->finalize (object);
}

static void
foyer_hub_config_class_init (FoyerHubConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_config_finalize;
}

static void
foyer_hub_config_init (FoyerHubConfig *self)
{
  self->keys = g_key_file_new ();
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

static const KeySpec *
find_spec (const char *group, const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (strcmp (schema[i].group, group) == 0 && strcmp (schema[i].key, key) == 0)
      return &schema[i];
  return NULL;
}

static gboolean
group_known (const char *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (strcmp (schema[i].group, group) == 0)
      return TRUE;
  return FALSE;
}

/* The 1-based line of [group] key= in the text, for messages (0 when not found). */
static guint
line_of (const char *data, const char *group, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (data != NULL ? data : "", "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;

  for (guint i = 0; lines[i] != NULL; i++) {
    const char *line = g_strchug (lines[i]);

    if (line[0] == '[')
      in_group = g_str_has_prefix (line, header);
    else if (in_group && key != NULL && g_str_has_prefix (line, key)
             && (line[strlen (key)] == '=' || line[strlen (key)] == ' '))
      return i + 1;
  }
  return 0;
}

static gboolean
check_value (FoyerHubConfig *self, const KeySpec *spec, const char *value, GError **error)
{
  guint line = line_of (self->data, spec->group, spec->key);
  const char *origin = self->path != NULL ? self->path : "hub.conf";
  gint64 number;

  if (spec->type == KEY_INT && (!g_ascii_string_to_signed (value, 10, spec->min, spec->max,
                                                           &number, NULL))) {
    g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                 _("%s:%u: [%s] %s must be a whole number from %lld to %lld, not “%s”"), origin,
                 line, spec->group, spec->key, (long long) spec->min, (long long) spec->max,
                 value);
    return FALSE;
  }
  if (spec->type == KEY_BOOL && strcmp (value, "true") != 0 && strcmp (value, "false") != 0) {
    g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                 _("%s:%u: [%s] %s must be true or false, not “%s”"), origin, line,
                 spec->group, spec->key, value);
    return FALSE;
  }
  if (spec->type == KEY_ENUM) {
    g_auto(GStrv) allowed = g_strsplit (spec->allowed, "|", -1);
    if (!g_strv_contains ((const char * const *) allowed, value)) {
      g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                   _("%s:%u: [%s] %s must be one of %s, not “%s”"), origin, line, spec->group,
                   spec->key, spec->allowed, value);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
has_control_character (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

static gboolean
validate (FoyerHubConfig *self, GError **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (self->keys, NULL);
  const char *origin = self->path != NULL ? self->path : "hub.conf";

  for (guint g = 0; groups[g] != NULL; g++) {
    g_auto(GStrv) keys = g_key_file_get_keys (self->keys, groups[g], NULL, NULL);

    if (!group_known (groups[g])) {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("%s:%u: unknown group [%s] (ignored)"), origin,
                                        line_of (self->data, groups[g], NULL), groups[g]));
      continue;
    }
    for (guint k = 0; keys != NULL && keys[k] != NULL; k++) {
      const KeySpec *spec = find_spec (groups[g], keys[k]);
      g_autofree char *value = NULL;
      g_autoptr(GError) local = NULL;

      if (spec == NULL) {
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("%s:%u: unknown key “%s” in [%s] (ignored)"), origin,
                                          line_of (self->data, groups[g], keys[k]), keys[k],
                                          groups[g]));
        continue;
      }
      if (foyer_key_file_ends_in_lone_backslash (self->keys, groups[g], keys[k])) {
        g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE,
                     _("%s:%u: the value of “%s” in [%s] ends with a lone backslash (write \\\\ "
                       "for one)"), origin, line_of (self->data, groups[g], keys[k]), keys[k],
                     groups[g]);
        return FALSE;
      }
      value = g_key_file_get_string (self->keys, groups[g], keys[k], &local);
      if (value == NULL) {
        g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE,
                     _("%s:%u: the value of “%s” in [%s] cannot be read: %s"), origin,
                     line_of (self->data, groups[g], keys[k]), keys[k], groups[g],
                     local->message);
        return FALSE;
      }
      /* GLib keeps a "\r" that ends the file but drops one before "\n", and unescapes "\n"
       * into a line break: no key of hub.conf takes a control character, so none is guessed at */
      if (has_control_character (value)) {
        g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                     _("%s:%u: the value of “%s” in [%s] contains a control character"), origin,
                     line_of (self->data, groups[g], keys[k]), keys[k], groups[g]);
        return FALSE;
      }
      if (!check_value (self, spec, value, error))
        return FALSE;
    }
  }
  return TRUE;
}

FoyerHubConfig *
foyer_hub_config_load_from_data (const char *data, gsize len, const char *origin,
                                 GError **error)
{
  g_autoptr(FoyerHubConfig) self = g_object_new (FOYER_HUB_TYPE_CONFIG, NULL);
  g_autoptr(GError) local = NULL;

  self->path = g_strdup (origin);
  self->data = g_strndup (data, len);
  if (!g_key_file_load_from_data (self->keys, self->data, len, G_KEY_FILE_NONE, &local)) {
    g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE,
                 _("%s is not a configuration file: %s"), origin != NULL ? origin : "hub.conf",
                 local->message);
    return NULL;
  }
  if (!validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static FoyerHubConfig *
load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &local)) {
    g_set_error (error, FOYER_CONFIG_ERROR,
                 g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                 ? FOYER_CONFIG_ERROR_NOT_FOUND : FOYER_CONFIG_ERROR_UNREADABLE,
                 _("cannot read %s: %s"), path, local->message);
    return NULL;
  }
  return foyer_hub_config_load_from_data (data, len, path, error);
}

FoyerHubConfig *
foyer_hub_config_load (const char *explicit_path, GError **error)
{
  const char *env = g_getenv ("FOYER_HUB_CONFIG");
  g_autofree char *user = NULL;
  g_autofree char *system = NULL;

  if (explicit_path != NULL && *explicit_path != '\0')
    return load_file (explicit_path, error);
  if (env != NULL && *env != '\0')
    return load_file (env, error);
  user = g_build_filename (g_get_user_config_dir (), "foyer", "hub.conf", NULL);
  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return load_file (user, error);
  system = g_build_filename (g_getenv ("FOYER_SYSCONFDIR") ? g_getenv ("FOYER_SYSCONFDIR")
                                                          : SYSCONFDIR,
                             "foyer", "hub.conf", NULL);
  if (g_file_test (system, G_FILE_TEST_EXISTS))
    return load_file (system, error);
  return foyer_hub_config_load_from_data ("", 0, NULL, error);
}

const char *
foyer_hub_config_get_path (FoyerHubConfig *self)
{
  return self->path;
}

GPtrArray *
foyer_hub_config_get_warnings (FoyerHubConfig *self)
{
  return self->warnings;
}

const char *
foyer_hub_config_get_string (FoyerHubConfig *self, const char *group, const char *key)
{
  const KeySpec *spec = find_spec (group, key);
  g_autofree char *value = g_key_file_get_string (self->keys, group, key, NULL);

  g_return_val_if_fail (spec != NULL, NULL);
  if (value != NULL && *value != '\0')
    return foyer_config_intern (value);
  return spec->default_value;
}

gint64
foyer_hub_config_get_int (FoyerHubConfig *self, const char *group, const char *key)
{
  const char *value = foyer_hub_config_get_string (self, group, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
foyer_hub_config_get_boolean (FoyerHubConfig *self, const char *group, const char *key)
{
  return g_strcmp0 (foyer_hub_config_get_string (self, group, key), "true") == 0;
}

char *
foyer_hub_config_get_path_value (FoyerHubConfig *self, const char *group, const char *key)
{
  const char *value = foyer_hub_config_get_string (self, group, key);
  g_autofree char *dir = NULL;

  if (value == NULL)
    return NULL;
  if (g_path_is_absolute (value) || self->path == NULL)
    return g_strdup (value);
  dir = g_path_get_dirname (self->path);
  return g_build_filename (dir, value, NULL);
}

char *
foyer_hub_config_get_database (FoyerHubConfig *self)
{
  const char *value = foyer_hub_config_get_string (self, "hub", "database");

  if (value == NULL)
    return g_build_filename (g_get_user_data_dir (), "foyer-hub", "hub.db", NULL);
  if (strstr (value, "://") != NULL || strchr (value, '=') != NULL)
    return g_strdup (value);
  return foyer_hub_config_get_path_value (self, "hub", "database");
}

char *
foyer_hub_config_to_data (FoyerHubConfig *self)
{
  GString *out = g_string_new (NULL);
  const char *group = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (schema); i++) {
    const KeySpec *spec = &schema[i];
    /* raw, escapes kept: the text reads back as the same value */
    g_autofree char *set = g_key_file_get_value (self->keys, spec->group, spec->key, NULL);

    if (g_strcmp0 (group, spec->group) != 0) {
      g_string_append_printf (out, "%s[%s]\n", group != NULL ? "\n" : "", spec->group);
      group = spec->group;
    }
    if (set != NULL)
      g_string_append_printf (out, "%s=%s\n", spec->key, set);
    else if (spec->default_value != NULL)
      g_string_append_printf (out, "#%s=%s  (default)\n", spec->key, spec->default_value);
    else
      g_string_append_printf (out, "#%s=\n", spec->key);
  }
  return g_string_free (out, FALSE);
}

/* Set through a GKeyFile, not pasted as text: a value read back unescaped (a "\n" in a URL,
 * say) must not become a line of its own in the kiosk-side configuration. */
FoyerConfig *
foyer_hub_config_get_tryton (FoyerHubConfig *self, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  const char *names[] = { "url", "database", "user", "password-file", "company" };
  g_autofree char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree char *value = g_str_equal (names[i], "password-file")
                             ? foyer_hub_config_get_path_value (self, "tryton", names[i])
                             : g_strdup (foyer_hub_config_get_string (self, "tryton", names[i]));
    if (value != NULL)
      g_key_file_set_string (keys, "tryton", names[i], value);
  }
  g_key_file_set_string (keys, "sync", "backend", "tryton");
  text = g_key_file_to_data (keys, NULL, NULL);
  return foyer_config_load_from_data (text, self->path, error);
}
