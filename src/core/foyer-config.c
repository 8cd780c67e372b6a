/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-config.c: lookup order, schema and validation of foyer.conf.
 *
 * The schema below is the single list of keys Foyer understands; a key that is not in it is
 * reported (file and line) so that a typo in a show-floor config does not silently fall back to
 * a default.
 */
#define G_LOG_DOMAIN "foyer-config"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "foyer-config.h"
#include "foyer-gate-rules.h"

G_DEFINE_QUARK (foyer-config-error-quark, foyer_config_error)

typedef enum {
  KEY_STRING,
  KEY_LOCALE_STRING,   /* accepts key[lang]= variants */
  KEY_INT,
  KEY_BOOL,
  KEY_ENUM,            /* allowed: "a|b|prefix:*" */
  KEY_PATH,
  KEY_LIST,
} KeyType;

typedef struct {
  const char *group;   /* "question:*" matches every group with that prefix */
  const char *key;
  KeyType     type;
  const char *default_value;
  const char *allowed;
  int         min;
  int         max;
} KeySpec;

/* Defaults that depend on the environment are computed in default_for(). */
static const KeySpec schema[] = {
  { "kiosk", "id", KEY_STRING, NULL, NULL, 0, 0 },
  { "kiosk", "event", KEY_STRING, "default-event", NULL, 0, 0 },
  { "kiosk", "mode", KEY_ENUM, "entry", "entry|booth", 0, 0 },
  { "kiosk", "language", KEY_ENUM, NULL, "zh_CN|en", 0, 0 },
  { "kiosk", "fullscreen", KEY_BOOL, "false", NULL, 0, 0 },
  { "kiosk", "idle-seconds", KEY_INT, "45", NULL, 10, 3600 },
  { "kiosk", "default-region", KEY_STRING, "CN", NULL, 0, 0 },
  { "kiosk", "admin-pin-hash", KEY_STRING, NULL, NULL, 0, 0 },
  { "kiosk", "interests", KEY_LIST, NULL, NULL, 0, 0 },
  { "kiosk", "booth", KEY_STRING, NULL, NULL, 0, 0 },
  { "kiosk", "staff-id", KEY_STRING, NULL, NULL, 0, 0 },
  { "kiosk", "questions", KEY_LIST, NULL, NULL, 0, 0 },
  { "kiosk", "sounds", KEY_ENUM, "on", "on|off", 0, 0 },
  { "kiosk", "direction", KEY_ENUM, "entry", "entry|exit|both", 0, 0 },
  { "kiosk", "area", KEY_STRING, NULL, NULL, 0, 0 },

  { "gate", "reentry", KEY_ENUM, "warn", "allow|warn|refuse", 0, 0 },

  { "consent", "text", KEY_LOCALE_STRING, NULL, NULL, 0, 0 },
  { "consent", "version", KEY_STRING, "1", NULL, 0, 0 },

  { "question:*", "label", KEY_LOCALE_STRING, NULL, NULL, 0, 0 },
  { "question:*", "type", KEY_ENUM, "single", "single|multiple|text", 0, 0 },
  { "question:*", "options", KEY_LIST, NULL, NULL, 0, 0 },

  { "storage", "database", KEY_PATH, NULL, NULL, 0, 0 },
  { "storage", "retain-days", KEY_INT, "0", NULL, 0, 36500 },

  { "sync", "backend", KEY_ENUM, "none", "none|http-json|tryton", 0, 0 },
  { "sync", "url", KEY_STRING, NULL, NULL, 0, 0 },
  { "sync", "token-file", KEY_PATH, NULL, NULL, 0, 0 },
  { "sync", "batch-size", KEY_INT, "200", NULL, 1, 10000 },
  { "sync", "ca-file", KEY_PATH, NULL, NULL, 0, 0 },
  { "sync", "insecure", KEY_BOOL, "false", NULL, 0, 0 },
  { "sync", "allow-plain-http", KEY_BOOL, "false", NULL, 0, 0 },
  { "sync", "connect-timeout", KEY_INT, "5", NULL, 1, 600 },
  { "sync", "timeout", KEY_INT, "30", NULL, 1, 3600 },
  { "sync", "health-interval", KEY_INT, "30", NULL, 1, 86400 },
  { "sync", "backoff-min-ms", KEY_INT, "1000", NULL, 1, 3600000 },
  { "sync", "backoff-max-ms", KEY_INT, "300000", NULL, 1, 86400000 },
  { "sync", "pull-interval", KEY_INT, "10", NULL, 1, 86400 },

  { "tryton", "url", KEY_STRING, NULL, NULL, 0, 0 },
  { "tryton", "database", KEY_STRING, NULL, NULL, 0, 0 },
  { "tryton", "user", KEY_STRING, NULL, NULL, 0, 0 },
  { "tryton", "password-file", KEY_PATH, NULL, NULL, 0, 0 },
  { "tryton", "company", KEY_INT, "0", NULL, 0, G_MAXINT },

  { "camera", "source", KEY_ENUM, "auto", "auto|none|test|v4l2:*|file:*", 0, 0 },
  { "camera", "repeat-seconds", KEY_INT, "3", NULL, 0, 3600 },
  { "camera", "decode-budget-ms", KEY_INT, "30", NULL, 1, 1000 },

  { "scanner", "serial", KEY_PATH, NULL, NULL, 0, 0 },
  { "scanner", "interkey-ms", KEY_INT, "30", NULL, 1, 1000 },

  { "badge", "pattern", KEY_STRING, NULL, NULL, 0, 0 },
  { "badge", "signing-key", KEY_PATH, NULL, NULL, 0, 0 },
  { "badge", "verify-key", KEY_PATH, NULL, NULL, 0, 0 },
  { "badge", "accept-unsigned", KEY_ENUM, "list", "list|never", 0, 0 },
  { "badge", "unknown-limit", KEY_INT, "10", NULL, 0, 1000 },
  { "badge", "printer", KEY_LIST, NULL, NULL, 0, 0 },
  { "badge", "auto-print", KEY_BOOL, "false", NULL, 0, 0 },
  { "badge", "print-on", KEY_ENUM, NULL, "registration|check-in|both", 0, 0 },
  { "badge", "failover-seconds", KEY_INT, "20", NULL, 1, 3600 },
  { "badge", "media", KEY_ENUM, "label-100x70", "label-100x70|4x3in|a6", 0, 0 },
  { "badge", "event-name", KEY_LOCALE_STRING, NULL, NULL, 0, 0 },
  { "badge", "print-timeout", KEY_INT, "60", NULL, 5, 3600 },

  /* who this entrance admits and when: foyer-gate-rules.c reads and checks them */
  { "gate", "name", KEY_LOCALE_STRING, NULL, NULL, 0, 0 },
  { "gate", "categories", KEY_LIST, NULL, NULL, 0, 0 },
  { "gate", "open", KEY_LIST, NULL, NULL, 0, 0 },
  { "gate", "close", KEY_LIST, NULL, NULL, 0, 0 },
  { "gate", "time-zone", KEY_STRING, NULL, NULL, 0, 0 },
  { "gate", "max-entries-per-day", KEY_INT, "0", NULL, 0, 100000 },
  { "gate", "other-entrance", KEY_LOCALE_STRING, NULL, NULL, 0, 0 },
  { "gate", "reentry", KEY_ENUM, "warn", "allow|warn|refuse", 0, 0 },
};

struct _FoyerConfig {
  GObject     parent_instance;

  GKeyFile   *key_file;
  char       *path;       /* NULL when built-in defaults are used */
  char       *origin;     /* path or a name for messages */
  GHashTable *lines;      /* "group\x1fkey" -> line number */
  GPtrArray  *warnings;
};

G_DEFINE_FINAL_TYPE (FoyerConfig, foyer_config, G_TYPE_OBJECT)

static void
foyer_config_finalize (GObject *object)
{
  FoyerConfig *self = (FoyerConfig *)object;

  g_clear_pointer (&self->key_file, g_key_file_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->lines, g_hash_table_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (foyer_config_parent_class)->finalize (object);
}

static void
foyer_config_class_init (FoyerConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_config_finalize;
}

static void
foyer_config_init (FoyerConfig *self)
{
  self->key_file = g_key_file_new ();
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
group_matches (const char *pattern,
               const char *group)
{
  gsize len = strlen (pattern);

  if (len > 0 && pattern[len - 1] == '*')
    return strncmp (pattern, group, len - 1) == 0 && group[len - 1] != '\0';
  return strcmp (pattern, group) == 0;
}

static const KeySpec *
find_spec (const char *group,
           const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (group_matches (schema[i].group, group) && strcmp (schema[i].key, key) == 0)
      return &schema[i];
  return NULL;
}

static gboolean
group_known (const char *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (group_matches (schema[i].group, group))
      return TRUE;
  return FALSE;
}

static char *
line_key (const char *group,
          const char *key)
{
  return g_strconcat (group, "\x1f", key, NULL);
}

static int
line_of (FoyerConfig *self,
         const char  *group,
         const char  *key)
{
  g_autofree char *k = line_key (group, key != NULL ? key : "");

  return GPOINTER_TO_INT (g_hash_table_lookup (self->lines, k));
}

/* GKeyFile keeps no line numbers, so note where each group and key was written. */
static void
index_lines (FoyerConfig *self,
             const char  *data)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autofree char *group = g_strdup ("");

  for (guint i = 0; lines[i] != NULL; i++) {
    g_autofree char *line = g_strstrip (g_strdup (lines[i]));
    const char *eq;

    if (line[0] == '\0' || line[0] == '#')
      continue;
    if (line[0] == '[') {
      char *end = strchr (line, ']');
      if (end != NULL) {
        g_free (group);
        group = g_strndup (line + 1, end - line - 1);
        g_hash_table_insert (self->lines, line_key (group, ""), GINT_TO_POINTER (i + 1));
      }
      continue;
    }
    if ((eq = strchr (line, '=')) != NULL) {
      g_autofree char *key = g_strstrip (g_strndup (line, eq - line));
      char *bracket = strchr (key, '[');

      if (bracket != NULL)
        *bracket = '\0';
      g_hash_table_insert (self->lines, line_key (group, key), GINT_TO_POINTER (i + 1));
    }
  }
}

static gboolean
enum_allows (const char *allowed,
             const char *value)
{
  g_auto(GStrv) options = g_strsplit (allowed, "|", -1);

  for (guint i = 0; options[i] != NULL; i++) {
    gsize len = strlen (options[i]);

    if (len > 0 && options[i][len - 1] == '*') {
      if (strncmp (options[i], value, len - 1) == 0 && value[len - 1] != '\0')
        return TRUE;
    } else if (strcmp (options[i], value) == 0) {
      return TRUE;
    }
  }
  return FALSE;
}

static char *
describe_allowed (const char *allowed)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_auto(GStrv) options = g_strsplit (allowed, "|", -1);

  for (guint i = 0; options[i] != NULL; i++) {
    if (i > 0)
      g_string_append (s, options[i + 1] == NULL ? " or " : ", ");
    if (g_str_has_suffix (options[i], "*"))
      g_string_append_printf (s, "%.*sVALUE", (int)strlen (options[i]) - 1, options[i]);
    else
      g_string_append (s, options[i]);
  }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
validate_value (FoyerConfig    *self,
                const KeySpec  *spec,
                const char     *group,
                const char     *key,
                GError        **error)
{
  g_autofree char *value = g_key_file_get_value (self->key_file, group, key, NULL);
  int line = line_of (self, group, key);
  g_autofree char *where = line > 0 ? g_strdup_printf ("%s:%d", self->origin, line)
                                    : g_strdup (self->origin);

  if (value == NULL)
    return TRUE;

  switch (spec->type) {
  case KEY_ENUM:
    if (!enum_allows (spec->allowed, value)) {
      g_autofree char *allowed = describe_allowed (spec->allowed);
      g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                   "%s: invalid value “%s” for [%s] %s: allowed values are %s",
                   where, value, group, key, allowed);
      return FALSE;
    }
    break;

  case KEY_INT: {
    gint64 v;
    g_autoptr(GError) local = NULL;

    if (!g_ascii_string_to_signed (g_strstrip (value), 10, spec->min, spec->max, &v, &local)) {
      g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                   "%s: invalid value “%s” for [%s] %s: allowed values are whole numbers "
                   "from %d to %d", where, value, group, key, spec->min, spec->max);
      return FALSE;
    }
    break;
  }

  case KEY_BOOL: {
    g_autoptr(GError) local = NULL;

    g_key_file_get_boolean (self->key_file, group, key, &local);
    if (local != NULL) {
      g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE,
                   "%s: invalid value “%s” for [%s] %s: allowed values are true or false",
                   where, value, group, key);
      return FALSE;
    }
    break;
  }

  case KEY_STRING:
  case KEY_LOCALE_STRING:
  case KEY_PATH:
  case KEY_LIST:
  default:
    break;
  }

  return TRUE;
}

/* [gate] keys make sense only together (open before close, known categories): the gate rules
 * read them whole, here as at the kiosk. */
static gboolean
validate_gate (FoyerConfig  *self,
               GError      **error)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FoyerGateRules) rules = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_key_file_has_group (self->key_file, "gate"))
    return TRUE;
  rules = foyer_gate_rules_new_from_config (self, warnings, &local);
  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (self->warnings, g_strdup_printf ("%s:%d: %s", self->origin,
                                                      line_of (self, "gate", NULL),
                                                      (char *)g_ptr_array_index (warnings, i)));
  if (rules == NULL) {
    g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_INVALID_VALUE, "%s:%d: %s",
                 self->origin, line_of (self, "gate", NULL), local->message);
    return FALSE;
  }
  return TRUE;
}

/* Whether the value's last character is an unpaired backslash (an escape with nothing to
 * escape). GLib 2.74's g_key_file_get_string() sets its error twice on such a value and warns
 * (found by fuzz-config), so both configuration readers refuse it before any read meets it. */
gboolean
foyer_key_file_ends_in_lone_backslash (GKeyFile   *keys,
                                       const char *group,
                                       const char *key)
{
  g_autofree char *raw = g_key_file_get_value (keys, group, key, NULL);
  gsize len = raw != NULL ? strlen (raw) : 0, run = 0;

  while (run < len && raw[len - 1 - run] == '\\')
    run++;
  return run % 2 == 1;
}

static gboolean
validate (FoyerConfig  *self,
          GError      **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (self->key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++) {
    g_auto(GStrv) keys = NULL;

    if (!group_known (groups[i])) {
      int line = line_of (self, groups[i], NULL);
      g_ptr_array_add (self->warnings,
                       g_strdup_printf ("%s:%d: unknown group [%s] ignored",
                                        self->origin, line, groups[i]));
      continue;
    }

    keys = g_key_file_get_keys (self->key_file, groups[i], NULL, NULL);
    for (guint j = 0; keys[j] != NULL; j++) {
      g_autofree char *base = g_strdup (keys[j]);
      char *bracket = strchr (base, '[');
      const KeySpec *spec;

      if (bracket != NULL)
        *bracket = '\0';
      spec = find_spec (groups[i], base);
      if (foyer_key_file_ends_in_lone_backslash (self->key_file, groups[i], keys[j])) {
        g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE,
                     "%s:%d: the value of “%s” in group [%s] ends with a lone backslash "
                     "(write \\\\ for one)", self->origin, line_of (self, groups[i], base),
                     keys[j], groups[i]);
        return FALSE;
      }

      /* Lists may be translated too (question options); the untranslated list stays the
       * value that is stored, the translation is only shown. */
      if (spec == NULL || (bracket != NULL && spec->type != KEY_LOCALE_STRING &&
                           spec->type != KEY_LIST)) {
        int line = line_of (self, groups[i], base);
        g_ptr_array_add (self->warnings,
                         g_strdup_printf ("%s:%d: unknown key “%s” in group [%s] ignored",
                                          self->origin, line, keys[j], groups[i]));
        continue;
      }
      if (bracket == NULL && !validate_value (self, spec, groups[i], keys[j], error))
        return FALSE;
    }
  }
  return validate_gate (self, error);
}

FoyerConfig *
foyer_config_new_default (void)
{
  FoyerConfig *self = g_object_new (FOYER_TYPE_CONFIG, NULL);

  self->origin = g_strdup ("(built-in defaults)");
  return self;
}

FoyerConfig *
foyer_config_load_from_data (const char  *data,
                             const char  *origin,
                             GError     **error)
{
  g_autoptr(FoyerConfig) self = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (FOYER_TYPE_CONFIG, NULL);
  self->origin = g_strdup (origin != NULL ? origin : "(config)");

  if (!g_key_file_load_from_data (self->key_file, data, -1,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                  &local)) {
    g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE,
                 "%s: not a valid configuration file: %s", self->origin, local->message);
    return NULL;
  }

  index_lines (self, data);
  if (!validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

FoyerConfig *
foyer_config_load_from_file (const char  *path,
                             GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  FoyerConfig *self;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, NULL, &local)) {
    if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_NOT_FOUND,
                   "configuration file %s does not exist", path);
    else
      g_set_error (error, FOYER_CONFIG_ERROR, FOYER_CONFIG_ERROR_UNREADABLE,
                   "cannot read configuration file %s: %s", path, local->message);
    return NULL;
  }

  self = foyer_config_load_from_data (data, path, error);
  if (self != NULL)
    self->path = g_canonicalize_filename (path, NULL);
  return self;
}

/* --config FILE, else $FOYER_CONFIG, else $XDG_CONFIG_HOME/foyer/foyer.conf, else
 * /etc/foyer/foyer.conf, else built-in defaults. A file that is named explicitly must exist. */
FoyerConfig *
foyer_config_load (const char  *explicit_path,
                   GError     **error)
{
  const char *env = g_getenv ("FOYER_CONFIG");
  g_autofree char *user = NULL;
  g_autofree char *system = NULL;

  if (explicit_path != NULL && *explicit_path != '\0')
    return foyer_config_load_from_file (explicit_path, error);
  if (env != NULL && *env != '\0')
    return foyer_config_load_from_file (env, error);

  user = g_build_filename (g_get_user_config_dir (), "foyer", "foyer.conf", NULL);
  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return foyer_config_load_from_file (user, error);

  /* FOYER_SYSCONFDIR lets tests and relocated installs stand in for /etc. */
  system = g_build_filename (g_getenv ("FOYER_SYSCONFDIR") ? g_getenv ("FOYER_SYSCONFDIR")
                                                          : SYSCONFDIR,
                             "foyer", "foyer.conf", NULL);
  if (g_file_test (system, G_FILE_TEST_EXISTS))
    return foyer_config_load_from_file (system, error);

  return foyer_config_new_default ();
}

const char *
foyer_config_get_path (FoyerConfig *self)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);
  return self->path;
}

GPtrArray *
foyer_config_get_warnings (FoyerConfig *self)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);
  return self->warnings;
}

void
foyer_config_print_warnings (FoyerConfig *self)
{
  g_return_if_fail (FOYER_IS_CONFIG (self));

  for (guint i = 0; i < self->warnings->len; i++)
    g_printerr ("warning: %s\n", (const char *)g_ptr_array_index (self->warnings, i));
}

GKeyFile *
foyer_config_get_key_file (FoyerConfig *self)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);
  return self->key_file;
}

static const char *
default_for (const KeySpec *spec)
{
  if (strcmp (spec->group, "kiosk") == 0 && strcmp (spec->key, "id") == 0)
    return g_get_host_name ();

  if (strcmp (spec->group, "kiosk") == 0 && strcmp (spec->key, "language") == 0) {
    const char * const *langs = g_get_language_names ();

    for (guint i = 0; langs[i] != NULL; i++) {
      if (g_str_has_prefix (langs[i], "zh"))
        return "zh_CN";
      if (g_str_has_prefix (langs[i], "en"))
        return "en";
    }
    return "zh_CN";
  }

  return spec->default_value;
}

/* Config values are handed out as strings that live for the process (callers keep them across
 * reloads). Not through g_intern_string(): GLib drops its quark array without freeing it each
 * time it grows past another 2,048 strings (the old one may still be read without a lock), which
 * LeakSanitizer reports as a leak once the config fuzzer has read a few thousand values. */
const char *
foyer_config_intern (const char *value)
{
  static GMutex lock;
  static GHashTable *pool;
  const char *kept;

  g_mutex_lock (&lock);
  if (pool == NULL)
    pool = g_hash_table_new (g_str_hash, g_str_equal);
  kept = g_hash_table_lookup (pool, value);
  if (kept == NULL) {
    char *copy = g_strdup (value);

    g_hash_table_add (pool, copy);
    kept = copy;
  }
  g_mutex_unlock (&lock);
  return kept;
}

const char *
foyer_config_get_string (FoyerConfig *self,
                         const char  *group,
                         const char  *key)
{
  const KeySpec *spec;
  g_autofree char *value = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);

  value = g_key_file_get_string (self->key_file, group, key, NULL);
  if (value != NULL) {
    g_strstrip (value);
    /* Callers need not free it; config values are few. */
    return foyer_config_intern (value);
  }

  spec = find_spec (group, key);
  return spec != NULL ? default_for (spec) : NULL;
}

char *
foyer_config_get_locale_string (FoyerConfig *self,
                                const char  *group,
                                const char  *key,
                                const char  *language)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);
  return g_key_file_get_locale_string (self->key_file, group, key, language, NULL);
}

int
foyer_config_get_int (FoyerConfig *self,
                      const char  *group,
                      const char  *key)
{
  const char *value = foyer_config_get_string (self, group, key);

  return value != NULL ? (int)g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
foyer_config_get_boolean (FoyerConfig *self,
                          const char  *group,
                          const char  *key)
{
  const char *value = foyer_config_get_string (self, group, key);

  return value != NULL && (strcmp (value, "true") == 0 || strcmp (value, "1") == 0);
}

char *
foyer_config_default_database_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "foyer", "foyer.db", NULL);
}

/* Paths in a config file are relative to the file's own folder; "~/" is the home folder. */
char *
foyer_config_get_path_value (FoyerConfig *self,
                             const char  *group,
                             const char  *key)
{
  const char *value = foyer_config_get_string (self, group, key);

  if (value == NULL || *value == '\0') {
    if (strcmp (group, "storage") == 0 && strcmp (key, "database") == 0)
      return foyer_config_default_database_path ();
    return NULL;
  }

  if (g_str_has_prefix (value, "~/"))
    return g_build_filename (g_get_home_dir (), value + 2, NULL);
  if (g_path_is_absolute (value) || self->path == NULL)
    return g_canonicalize_filename (value, NULL);

  {
    g_autofree char *dir = g_path_get_dirname (self->path);
    return g_canonicalize_filename (value, dir);
  }
}

char **
foyer_config_get_string_list (FoyerConfig *self,
                              const char  *group,
                              const char  *key)
{
  char **list;

  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);

  list = g_key_file_get_string_list (self->key_file, group, key, NULL, NULL);
  if (list == NULL)
    return g_new0 (char *, 1);
  for (guint i = 0; list[i] != NULL; i++)
    g_strstrip (list[i]);
  return list;
}

gboolean
foyer_config_has_key (FoyerConfig *self,
                      const char  *group,
                      const char  *key)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (self), FALSE);
  return g_key_file_has_key (self->key_file, group, key, NULL);
}

/* For tests and for options given on the command line; not written back to disk. */
void
foyer_config_set_string (FoyerConfig *self,
                         const char  *group,
                         const char  *key,
                         const char  *value)
{
  g_return_if_fail (FOYER_IS_CONFIG (self));
  g_key_file_set_string (self->key_file, group, key, value);
}

/* The effective configuration, every key with its value or default, as a key file. */
char *
foyer_config_to_data (FoyerConfig *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *group = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (self), NULL);

  g_string_append_printf (out, "# from %s\n", self->origin);
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++) {
    const KeySpec *spec = &schema[i];
    const char *value;

    if (strchr (spec->group, '*') != NULL)
      continue;
    if (group == NULL || strcmp (group, spec->group) != 0) {
      group = spec->group;
      g_string_append_printf (out, "%s[%s]\n", out->len > 0 ? "\n" : "", group);
    }
    if (spec->type == KEY_PATH) {
      g_autofree char *path = foyer_config_get_path_value (self, spec->group, spec->key);
      g_string_append_printf (out, "%s=%s\n", spec->key, path != NULL ? path : "");
      continue;
    }
    value = foyer_config_get_string (self, spec->group, spec->key);
    g_string_append_printf (out, "%s=%s\n", spec->key, value != NULL ? value : "");
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
