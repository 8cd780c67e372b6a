/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-store.c: the durable local store and outbox on SQLite.
 *
 * A registration is on disk (WAL, synchronous=FULL) before any call returns; the outbox row that
 * carries it to head office is written in the same transaction. Every SQLite failure is mapped to
 * a FOYER_STORE_ERROR with a message an attendant can act on, and a damaged file is moved aside,
 * never overwritten.
 */
#define G_LOG_DOMAIN "foyer-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "foyer-store.h"
#include "foyer-store-private.h"
#include "foyer-thread.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define BUSY_POLL_US 1000

G_DEFINE_QUARK (foyer-store-error-quark, foyer_store_error)


G_DEFINE_FINAL_TYPE (FoyerStore, foyer_store, G_TYPE_OBJECT)

enum {
  RECORD_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Connections of this process that are alive, by owner token: open() gives back the in_flight
 * rows of owners that died, and must not take those of a live sibling connection. */
G_LOCK_DEFINE_STATIC (live_owners);
static GHashTable *live_owners;
static guint owner_serial;

/* --- statements --- */

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

void
_foyer_store_cached_stmt_reset (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}


CachedStmt *
_foyer_store_get_stmt (FoyerStore  *self,
          const char  *sql,
          GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK) {
    _foyer_store_set_error_from_db (self, rc, error);
    return NULL;
  }
  g_hash_table_insert (self->stmts, (gpointer)sql, stmt);
  return stmt;
}

void
_foyer_store_bind_text (sqlite3_stmt *stmt, int i, const char *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, i, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

char *
_foyer_store_column_text (sqlite3_stmt *stmt, int i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);

  return text != NULL ? g_strdup ((const char *)text) : NULL;
}

/* --- errors --- */

static char *
timestamp_suffix (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y%m%d-%H%M%S");
}

/* SQLite reports ENOSPC as SQLITE_FULL only for short writes; a write that fails outright, or
 * one over RLIMIT_FSIZE (EFBIG), comes back as SQLITE_IOERR_WRITE with errno already gone. Ask
 * the file system whether the disk (or the size limit) is what ran out. */
static gboolean
out_of_space (FoyerStore *self)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  struct statvfs vfs;
  struct rlimit limit;
  struct stat st;

  if (statvfs (dir, &vfs) == 0 && (guint64)vfs.f_bavail * vfs.f_frsize < 1024 * 1024)
    return TRUE;
  if (getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const char *files[] = { self->path, wal };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      if (g_stat (files[i], &st) == 0 && (guint64)st.st_size + 128 * 1024 >= limit.rlim_cur)
        return TRUE;
  }
  return FALSE;
}

gboolean
_foyer_store_set_error_from_db (FoyerStore *self, int rc, GError **error)
{
  int ext = self->db != NULL ? sqlite3_extended_errcode (self->db) : rc;
  int sys = self->db != NULL ? sqlite3_system_errno (self->db) : 0;
  const char *msg = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  int primary = (rc & 0xff) != SQLITE_OK ? (rc & 0xff) : (ext & 0xff);

  g_debug ("SQLite error %d (extended %d, errno %d): %s", rc, ext, sys, msg);

  if (primary == SQLITE_FULL ||
      (primary == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG || sys == EDQUOT ||
                                   out_of_space (self)))) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FULL,
                 _("Disk full: registrations are not being saved. Free space on the disk that "
                 "holds %s, then try again."), self->path);
  } else if (primary == SQLITE_IOERR) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_IO,
                 _("The kiosk cannot read or write its database %s (%s): registrations are not "
                 "being saved. Check the disk or memory card, then restart Foyer."),
                 self->path, msg);
  } else if (primary == SQLITE_READONLY || primary == SQLITE_PERM || primary == SQLITE_CANTOPEN ||
             primary == SQLITE_AUTH) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY,
                 _("The database %s cannot be written (%s): registrations are not being saved. "
                 "Check that the disk is not read-only and that Foyer may write the file and "
                 "its folder."), self->path, msg);
  } else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_CORRUPT,
                 _("The database %s is damaged (%s). Restart Foyer: it moves the file aside "
                 "(nothing is deleted) and starts a fresh one."), self->path, msg);
  } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_LOCKED,
                 _("The database %s is locked by another program: registrations are not being "
                 "saved. Close the other program (a backup, another Foyer, foyerctl) and try "
                 "again."), self->path);
  } else if (primary == SQLITE_CONSTRAINT) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_INVALID,
                 _("The record breaks a rule of the database (%s)."), msg);
  } else {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED,
                 _("Database error on %s: %s"), self->path, msg);
  }
  return FALSE;
}

gboolean
_foyer_store_exec (FoyerStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _foyer_store_set_error_from_db (self, rc, error);
  return TRUE;
}

gboolean
_foyer_store_begin (FoyerStore *self, GError **error)
{
  if (self->readonly) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY,
                 _("The database %s was opened read-only: nothing can be saved."), self->path);
    return FALSE;
  }
  /* IMMEDIATE takes the write lock up front, so a busy database fails here (after the busy
   * timeout) instead of half-way through. */
  return _foyer_store_exec (self, "BEGIN IMMEDIATE", error);
}

void
_foyer_store_rollback (FoyerStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_foyer_store_commit (FoyerStore *self, GError **error)
{
  int rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK) {
    _foyer_store_set_error_from_db (self, rc, error);
    _foyer_store_rollback (self);
    return FALSE;
  }
  return TRUE;
}

/* Steps a statement expected to finish (INSERT/UPDATE). */
gboolean
_foyer_store_step_done (FoyerStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return _foyer_store_set_error_from_db (self, rc, error);
  return TRUE;
}

/* --- lists as JSON text --- */

char *
_foyer_store_strv_to_json (char **values)
{
  g_autoptr(GString) out = NULL;

  if (values == NULL || values[0] == NULL)
    return NULL;
  out = g_string_new ("[");
  for (guint i = 0; values[i] != NULL; i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    g_string_append_c (out, '"');
    for (const char *p = values[i]; *p != '\0'; p++) {
      switch (*p) {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      default:
        if ((guchar)*p < 0x20)
          g_string_append_printf (out, "\\u%04x", (guchar)*p);
        else
          g_string_append_c (out, *p);
      }
    }
    g_string_append_c (out, '"');
  }
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* The store writes these arrays itself (strv_to_json), so a small reader does: the sync thread
 * reads three per record and a JsonParser per array would dominate outbox_take. Anything it does
 * not expect goes to json-glib. */
static char **
strv_from_json_fast (const char *p, gboolean *ok)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) item = g_string_new (NULL);

  *ok = FALSE;
  if (*p++ != '[')
    return NULL;
  if (*p == ']' && p[1] == '\0') {
    *ok = TRUE;
    return g_strv_builder_end (builder);
  }
  for (;;) {
    if (*p++ != '"')
      return NULL;
    g_string_truncate (item, 0);
    while (*p != '"') {
      if (*p == '\0' || (guchar)*p < 0x20)
        return NULL;
      if (*p != '\\') {
        g_string_append_c (item, *p++);
        continue;
      }
      p++;
      switch (*p++) {
      case '"': g_string_append_c (item, '"'); break;
      case '\\': g_string_append_c (item, '\\'); break;
      case '/': g_string_append_c (item, '/'); break;
      case 'b': g_string_append_c (item, '\b'); break;
      case 'f': g_string_append_c (item, '\f'); break;
      case 'n': g_string_append_c (item, '\n'); break;
      case 'r': g_string_append_c (item, '\r'); break;
      case 't': g_string_append_c (item, '\t'); break;
      case 'u':
        {
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int h = hex_value (p[i]);
            if (h < 0)
              return NULL;
            v = v * 16 + h;
          }
          if (v == 0 || (v >= 0xD800 && v <= 0xDFFF))
            return NULL;   /* NUL or surrogates: json-glib's business */
          g_string_append_unichar (item, v);
          p += 4;
        }
        break;
      default:
        return NULL;
      }
    }
    p++;
    g_strv_builder_add (builder, item->str);
    if (*p == ',') {
      p++;
      continue;
    }
    if (*p == ']' && p[1] == '\0')
      break;
    return NULL;
  }
  *ok = TRUE;
  return g_strv_builder_end (builder);
}

char **
_foyer_store_strv_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *root;
  JsonArray *array;

  if (text == NULL)
    return NULL;
  {
    gboolean ok;
    char **fast = strv_from_json_fast (text, &ok);
    if (ok)
      return fast;
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  array = json_node_get_array (root);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++) {
    const char *s = json_array_get_string_element (array, i);
    if (s != NULL)
      g_strv_builder_add (builder, s);
  }
  return g_strv_builder_end (builder);
}

char *
_foyer_store_strv_array_to_json (const char * const *ids)
{
  return _foyer_store_strv_to_json ((char **)ids);
}

/* --- registration rows --- */

#define REG_COLUMNS \
  "id, event, kiosk_id, created_at, kind, category, full_name, family_name, given_name, " \
  "organization, title, emails, phones, country, city, interests, badge_code, source, " \
  "raw_payload, consent_given, consent_version, consent_at, notes, possible_duplicate, purged, " \
  "phones_unverified"
#define REG_N_COLUMNS 26

static char **
strv_from_json_column (sqlite3_stmt *stmt, int i)
{
  g_autofree char *text = _foyer_store_column_text (stmt, i);

  return _foyer_store_strv_from_json (text);
}

static FoyerRegistration *
read_registration (sqlite3_stmt *stmt)
{
  FoyerRegistration *reg = foyer_registration_new ();
  int i = 0;
  g_autofree char *emails = NULL;
  g_autofree char *phones = NULL;
  g_autofree char *interests = NULL;

  reg->id = _foyer_store_column_text (stmt, i++);
  reg->event = _foyer_store_column_text (stmt, i++);
  reg->kiosk_id = _foyer_store_column_text (stmt, i++);
  reg->created_at = _foyer_store_column_text (stmt, i++);
  reg->kind = _foyer_store_column_text (stmt, i++);
  reg->category = _foyer_store_column_text (stmt, i++);
  reg->full_name = _foyer_store_column_text (stmt, i++);
  reg->family_name = _foyer_store_column_text (stmt, i++);
  reg->given_name = _foyer_store_column_text (stmt, i++);
  reg->organization = _foyer_store_column_text (stmt, i++);
  reg->title = _foyer_store_column_text (stmt, i++);
  emails = _foyer_store_column_text (stmt, i++);
  phones = _foyer_store_column_text (stmt, i++);
  reg->country = _foyer_store_column_text (stmt, i++);
  reg->city = _foyer_store_column_text (stmt, i++);
  interests = _foyer_store_column_text (stmt, i++);
  reg->badge_code = _foyer_store_column_text (stmt, i++);
  reg->source = _foyer_store_column_text (stmt, i++);
  if (sqlite3_column_type (stmt, i) != SQLITE_NULL)
    reg->raw_payload = g_bytes_new (sqlite3_column_blob (stmt, i),
                                    sqlite3_column_bytes (stmt, i));
  i++;
  reg->consent_given = sqlite3_column_int (stmt, i++) != 0;
  reg->consent_version = _foyer_store_column_text (stmt, i++);
  reg->consent_at = _foyer_store_column_text (stmt, i++);
  reg->notes = _foyer_store_column_text (stmt, i++);
  reg->possible_duplicate = sqlite3_column_int (stmt, i++) != 0;
  reg->purged = sqlite3_column_int (stmt, i++) != 0;
  reg->phones_unverified = strv_from_json_column (stmt, i++);
  g_assert (i == REG_N_COLUMNS);

  reg->emails = _foyer_store_strv_from_json (emails);
  reg->phones = _foyer_store_strv_from_json (phones);
  reg->interests = _foyer_store_strv_from_json (interests);
  return reg;
}

static void
bind_registration (sqlite3_stmt *stmt, const FoyerRegistration *reg)
{
  int i = 1;

  _foyer_store_bind_text (stmt, i++, reg->id);
  _foyer_store_bind_text (stmt, i++, reg->event);
  _foyer_store_bind_text (stmt, i++, reg->kiosk_id);
  _foyer_store_bind_text (stmt, i++, reg->created_at);
  _foyer_store_bind_text (stmt, i++, reg->kind);
  _foyer_store_bind_text (stmt, i++, reg->category);
  _foyer_store_bind_text (stmt, i++, reg->full_name);
  _foyer_store_bind_text (stmt, i++, reg->family_name);
  _foyer_store_bind_text (stmt, i++, reg->given_name);
  _foyer_store_bind_text (stmt, i++, reg->organization);
  _foyer_store_bind_text (stmt, i++, reg->title);
  sqlite3_bind_text (stmt, i++, _foyer_store_strv_to_json (reg->emails), -1, g_free);
  sqlite3_bind_text (stmt, i++, _foyer_store_strv_to_json (reg->phones), -1, g_free);
  _foyer_store_bind_text (stmt, i++, reg->country);
  _foyer_store_bind_text (stmt, i++, reg->city);
  sqlite3_bind_text (stmt, i++, _foyer_store_strv_to_json (reg->interests), -1, g_free);
  _foyer_store_bind_text (stmt, i++, reg->badge_code);
  _foyer_store_bind_text (stmt, i++, reg->source);
  if (reg->raw_payload != NULL) {
    gsize len;
    const void *data = g_bytes_get_data (reg->raw_payload, &len);
    sqlite3_bind_blob64 (stmt, i++, data != NULL ? data : "", len, SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null (stmt, i++);
  }
  sqlite3_bind_int (stmt, i++, reg->consent_given ? 1 : 0);
  _foyer_store_bind_text (stmt, i++, reg->consent_version);
  _foyer_store_bind_text (stmt, i++, reg->consent_at);
  _foyer_store_bind_text (stmt, i++, reg->notes);
  sqlite3_bind_int (stmt, i++, reg->possible_duplicate ? 1 : 0);
  sqlite3_bind_int (stmt, i++, reg->purged ? 1 : 0);
  sqlite3_bind_text (stmt, i++, _foyer_store_strv_to_json (reg->phones_unverified), -1, g_free);
  g_assert (i == REG_N_COLUMNS + 1);
}

/* --- opening --- */

/* The start time of a process (clock ticks since boot, /proc/PID/stat field 22), so that a pid
 * reused after a restart is not taken for the process that claimed the rows. 0 when unknown. */
static guint64
process_start_time (long pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%ld/stat", pid);
  g_autofree char *contents = NULL;
  const char *p;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  /* the command name (field 2) is in parentheses and may hold spaces: count after its end */
  if ((p = strrchr (contents, ')')) == NULL)
    return 0;
  for (int field = 2; field < 22 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  return p != NULL ? g_ascii_strtoull (p + 1, NULL, 10) : 0;
}

static char *
make_owner_token (void)
{
  static guint64 start_time;
  char *token;

  G_LOCK (live_owners);
  if (live_owners == NULL)
    live_owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (start_time == 0)
    start_time = process_start_time ((long)getpid ());
  token = g_strdup_printf ("%ld:%" G_GUINT64_FORMAT ":%u", (long)getpid (), start_time,
                           ++owner_serial);
  g_hash_table_add (live_owners, g_strdup (token));
  G_UNLOCK (live_owners);
  return token;
}

/* Whether the connection that claimed rows as owner ("pid:start-time:serial") still runs. */
static gboolean
owner_is_alive (const char *owner)
{
  char *end = NULL;
  long pid;
  guint64 start_time = 0;
  gboolean alive;

  if (owner == NULL)
    return FALSE;
  pid = strtol (owner, &end, 10);
  if (pid <= 0)
    return FALSE;
  if (end != NULL && *end == ':')
    start_time = g_ascii_strtoull (end + 1, NULL, 10);

  G_LOCK (live_owners);
  alive = live_owners != NULL && g_hash_table_contains (live_owners, owner);
  G_UNLOCK (live_owners);
  if (alive)
    return TRUE;
  if (pid == (long)getpid ())
    return FALSE;   /* ours, but not a live connection: a closed one, or a pid reused */
  if (kill ((pid_t)pid, 0) != 0 && errno != EPERM)
    return FALSE;
  /* a process with that pid runs: the claimant only if it started at the same moment */
  return start_time == 0 || process_start_time (pid) == start_time;
}

static void
close_db (FoyerStore *self)
{
  g_hash_table_remove_all (self->stmts);
  if (self->db != NULL) {
    sqlite3_close_v2 (self->db);
    self->db = NULL;
  }
}

/* foyer_fold(text): Unicode case folding for searches (SQLite's lower() folds ASCII only). */
static void
sql_fold (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const char *text = (const char *)sqlite3_value_text (argv[0]);

  if (text == NULL)
    sqlite3_result_text (context, "", 0, SQLITE_STATIC);
  else
    sqlite3_result_text (context, g_utf8_casefold (text, -1), -1, g_free);
}


static void
chmod_if_exists (const char *path, mode_t mode)
{
  struct stat st;

  if (g_stat (path, &st) == 0 && (st.st_mode & 0777) != mode)
    g_chmod (path, mode);
}

static void
tighten_sidecars (FoyerStore *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

  /* SQLite gives -wal and -shm the database file's mode; this catches files that an older
   * version or a hand-run sqlite3 left readable by others. */
  chmod_if_exists (wal, 0600);
  chmod_if_exists (shm, 0600);
}

/* Moves the damaged database (and its WAL, which may hold the last commits) aside under one
 * timestamp, never overwriting an earlier copy. */
static gboolean
move_aside (FoyerStore *self, GError **error)
{
  g_autofree char *stamp = timestamp_suffix ();
  g_autofree char *target = NULL;
  static const char * const sidecars[] = { "-wal", "-shm", "-journal", NULL };

  for (guint n = 0; ; n++) {
    g_free (target);
    target = n == 0 ? g_strdup_printf ("%s.corrupt-%s", self->path, stamp)
                    : g_strdup_printf ("%s.corrupt-%s-%u", self->path, stamp, n);
    if (!g_file_test (target, G_FILE_TEST_EXISTS))
      break;
  }

  if (g_rename (self->path, target) != 0) {
    int saved = errno;
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_CORRUPT,
                 _("The database %s is damaged and could not be moved aside (%s): registrations "
                 "are not being saved. Move the file away by hand and restart Foyer."),
                 self->path, g_strerror (saved));
    return FALSE;
  }
  for (guint i = 0; sidecars[i] != NULL; i++) {
    g_autofree char *from = g_strconcat (self->path, sidecars[i], NULL);
    g_autofree char *to = g_strconcat (target, sidecars[i], NULL);
    if (g_file_test (from, G_FILE_TEST_EXISTS))
      g_rename (from, to);
  }
  g_message ("The damaged database %s was moved to %s; a fresh one is started.",
             self->path, target);
  g_free (self->recovered_from);
  self->recovered_from = g_steal_pointer (&target);
  return TRUE;
}

static gboolean
prepare_file (FoyerStore *self, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  struct stat st;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    if (g_mkdir_with_parents (dir, 0700) != 0) {
      int saved = errno;
      g_set_error (error, FOYER_STORE_ERROR,
                   saved == ENOSPC ? FOYER_STORE_ERROR_FULL : FOYER_STORE_ERROR_READONLY,
                   _("Cannot create the folder %s for the database: %s. Check [storage] database "
                   "in foyer.conf and the folder's permissions."), dir, g_strerror (saved));
      return FALSE;
    }
  }

  if (g_stat (self->path, &st) != 0) {
    /* Created here rather than by SQLite so it is 0600 from its first byte, whatever the
     * umask; SQLite then gives -wal and -shm the same mode. */
    int fd = open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      int saved = errno;
      g_set_error (error, FOYER_STORE_ERROR,
                   saved == ENOSPC ? FOYER_STORE_ERROR_FULL :
                   saved == EIO ? FOYER_STORE_ERROR_IO : FOYER_STORE_ERROR_READONLY,
                   _("Cannot create the database %s: %s. Check [storage] database in foyer.conf "
                   "and that Foyer may write the folder."), self->path, g_strerror (saved));
      return FALSE;
    }
    if (fd >= 0)
      close (fd);
  } else if ((st.st_mode & 077) != 0) {
    g_chmod (self->path, 0600);
  }
  return TRUE;
}

static gboolean
migrate (FoyerStore *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;
  int rc;

  if (!_foyer_store_begin (self, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    version = sqlite3_column_int (stmt, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK) {
    _foyer_store_set_error_from_db (self, rc, error);
    _foyer_store_rollback (self);
    return FALSE;
  }

  if (version > FOYER_STORE_SCHEMA_VERSION) {
    _foyer_store_rollback (self);
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_FAILED,
                 _("The database %s was written by a newer Foyer (schema %d, this one knows %d). "
                 "Install the newer Foyer again; nothing was changed."),
                 self->path, version, FOYER_STORE_SCHEMA_VERSION);
    return FALSE;
  }

  for (int v = version; v < FOYER_STORE_SCHEMA_VERSION; v++) {
    g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

    g_debug ("migrating %s from schema %d to %d", self->path, v, v + 1);
    if (!_foyer_store_exec (self, _foyer_store_migrations[v], error) || !_foyer_store_exec (self, set_version, error)) {
      g_prefix_error (error, "Upgrading the database to schema %d failed: ", v + 1);
      _foyer_store_rollback (self);
      return FALSE;
    }
  }
  self->schema_version = FOYER_STORE_SCHEMA_VERSION;
  return _foyer_store_commit (self, error);
}

/* Switching a file to WAL needs it to itself for a moment, and SQLite answers SQLITE_BUSY at
 * once rather than through the busy handler. Two connections that open a new database together
 * (the kiosk's UI and its sync thread on a first start, or foyerctl beside the kiosk) met that:
 * the sync thread got "locked by another program" and paused until staff pressed retry
 * (/store/open-race). So it is retried here for as long as the busy timeout; once the other
 * connection has switched the file, the pragma finds WAL already and returns at once. */
static gboolean
set_wal_mode (FoyerStore *self, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)self->busy_timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;) {
    int rc = sqlite3_exec (self->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

    if (rc == SQLITE_OK)
      return TRUE;
    if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time () >= deadline)
      return _foyer_store_set_error_from_db (self, rc, error);
    g_usleep (5 * 1000);
  }
}

static int
read_schema_version (FoyerStore *self, int *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    version = sqlite3_column_int (stmt, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize (stmt);
  *rc_out = rc;
  return version;
}

/* Touches the schema and every table's root page: a file that is not a database or that was cut
 * short fails here, at open, rather than on the first registration. */
static int
probe (FoyerStore *self)
{
  static const char * const probes[] = {
    "SELECT count(*) FROM sqlite_master",
    "SELECT id FROM registrations ORDER BY rowid DESC LIMIT 1",
    "SELECT id FROM leads ORDER BY rowid DESC LIMIT 1",
    "SELECT record_id FROM outbox ORDER BY rowid DESC LIMIT 1",
    "SELECT badge_code FROM preregistrations LIMIT 1",
    NULL
  };

  for (guint i = 0; probes[i] != NULL; i++) {
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2 (self->db, probes[i], -1, &stmt, NULL);

    if (rc == SQLITE_OK) {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        ;
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_ERROR)   /* ERROR: table not created yet */
      return rc;
    if (i == 0 && self->schema_version < 1)
      break;
  }
  return SQLITE_OK;
}

static gboolean
release_dead_owners (FoyerStore *self, GError **error)
{
  g_autoptr(GPtrArray) dead = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dead_json = NULL;
  g_autoptr(CachedStmt) stmt = NULL;
  gboolean any_null = FALSE;
  int rc;

  if ((stmt = _foyer_store_get_stmt (self, "SELECT DISTINCT claimed_by FROM outbox WHERE state = 'in_flight'",
                        error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    const char *owner = (const char *)sqlite3_column_text (stmt, 0);
    if (owner == NULL)
      any_null = TRUE;
    else if (!owner_is_alive (owner))
      g_ptr_array_add (dead, g_strdup (owner));
  }
  if (rc != SQLITE_DONE)
    return _foyer_store_set_error_from_db (self, rc, error);
  g_clear_pointer (&stmt, _foyer_store_cached_stmt_reset);

  if (dead->len == 0 && !any_null)
    return TRUE;

  g_ptr_array_add (dead, NULL);
  dead_json = _foyer_store_strv_array_to_json ((const char * const *)dead->pdata);
  if ((stmt = _foyer_store_get_stmt (self,
                        "UPDATE outbox SET state = 'pending', claimed_by = NULL "
                        "WHERE state = 'in_flight' AND (claimed_by IS NULL OR claimed_by IN "
                        "(SELECT value FROM json_each(?1)))", error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, dead_json != NULL ? dead_json : "[]");
  if (!_foyer_store_step_done (self, stmt, error))
    return FALSE;
  g_debug ("gave back %d records left in flight by a crashed sync", sqlite3_changes (self->db));
  return TRUE;
}

static gboolean
is_corrupt_rc (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* SQLite's own busy timeout sleeps 1, 2, 5 … 100 ms between polls, so a registration that
 * meets a long import's chunk sleeps through the short gaps the importer leaves between its
 * chunks (foyer-import.c) and waits for the whole import. This polls every millisecond up to
 * the connection's timeout instead (a waiting connection costs ~1000 wake-ups a second, only
 * while it waits).
 *
 * A connection that does not yield (the kiosk's UI, foyerctl) also notes at every poll that a
 * writer of this process waits; a connection that writes in the background (a pull) reads it
 * between two rows and commits at once (_foyer_store_writer_waiting), so that the check-in
 * waits for one row instead of the rest of a transaction. */
static gint64 foreground_wait_us;   /* monotonic time of the last such poll; atomic */

static int
busy_poll (void *data,
           int   count)
{
  FoyerStore *self = data;
  static _Thread_local gint64 wait_start;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    wait_start = now;
  if (now - wait_start >= (gint64)self->busy_timeout_ms * 1000)
    return 0;
  if (!self->yields)
    __atomic_store_n (&foreground_wait_us, now, __ATOMIC_RELAXED);
  g_usleep (BUSY_POLL_US);
  return 1;
}

gboolean
_foyer_store_writer_waiting (void)
{
  gint64 last = __atomic_load_n (&foreground_wait_us, __ATOMIC_RELAXED);

  /* A waiter polls every BUSY_POLL_US: two periods without a poll, it has the lock or gave up. */
  return last != 0 && g_get_monotonic_time () - last <= 2 * BUSY_POLL_US;
}

void
_foyer_store_set_yields (FoyerStore *self,
                         gboolean    yields)
{
  self->yields = yields;
}

/* WAL pages after which a commit checkpoints: SQLite's own default (sqlite3_wal_autocheckpoint). */
#define CHECKPOINT_PAGES 1000
/* A yielding connection that committed within this long is still pulling. */
#define BACKGROUND_ACTIVE_US (100 * G_TIME_SPAN_MILLISECOND)

static gint64 background_commit_us;   /* monotonic time of a yielding connection's last commit */

/* SQLite's automatic checkpoint (PASSIVE, once the WAL holds CHECKPOINT_PAGES), except that a
 * connection that does not yield (the kiosk's UI) leaves it to a pull that is writing: a
 * checkpoint copies up to thousands of pages into the database and syncs it, 9-11 ms that
 * bench-ui saw added to a check-in's commit during a pull, and the pull's next commit, a few
 * milliseconds later, does the same on the sync thread. Called after every commit, the write
 * lock already released. */
static int
checkpoint_when_full (void       *data,
                      sqlite3    *db,
                      const char *name,
                      int         n_pages)
{
  FoyerStore *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->yields)
    __atomic_store_n (&background_commit_us, now, __ATOMIC_RELAXED);
  else if (now - __atomic_load_n (&background_commit_us, __ATOMIC_RELAXED) < BACKGROUND_ACTIVE_US)
    return SQLITE_OK;
  if (n_pages < CHECKPOINT_PAGES)
    return SQLITE_OK;
  if (self->yields && foyer_thread_must_give_way ()) {
    /* The pull committed because a person waits for the kiosk: the checkpoint's syncs would
     * compete with the check-in's (bench-ui, strace: the UI's fdatasync took as long as the
     * pull's checkpoint running beside it, up to 140 ms). The pull runs it once the answer
     * is on screen (_foyer_store_checkpoint_deferred). */
    self->checkpoint_deferred = TRUE;
    return SQLITE_OK;
  }
  self->checkpoint_deferred = FALSE;
  sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

void
_foyer_store_checkpoint_deferred (FoyerStore *self)
{
  if (!self->checkpoint_deferred || foyer_thread_must_give_way ())
    return;
  self->checkpoint_deferred = FALSE;
  sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void
set_busy_timeout (FoyerStore *self,
                  int         timeout_ms)
{
  self->busy_timeout_ms = timeout_ms;
  if (timeout_ms > 0)
    sqlite3_busy_handler (self->db, busy_poll, self);
  else
    sqlite3_busy_handler (self->db, NULL, NULL);
}

static gboolean
is_corrupt_error (GError *error)
{
  return g_error_matches (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_CORRUPT);
}

/* One attempt at opening; *corrupt says whether moving the file aside may help. */
static gboolean
open_once (FoyerStore          *self,
           FoyerStoreOpenFlags  flags,
           gboolean            *corrupt,
           GError             **error)
{
  int open_flags;
  int rc;
  int version;

  *corrupt = FALSE;
  self->readonly = (flags & FOYER_STORE_OPEN_READONLY) != 0;

  if (self->readonly) {
    if (!g_file_test (self->path, G_FILE_TEST_EXISTS)) {
      g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                   "There is no database at %s yet: nothing has been registered on this "
                   "kiosk, or [storage] database in foyer.conf names another file.", self->path);
      return FALSE;
    }
    open_flags = SQLITE_OPEN_READONLY;
  } else {
    if (!prepare_file (self, error))
      return FALSE;
    open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  }
  open_flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;

  rc = sqlite3_open_v2 (self->path, &self->db, open_flags, NULL);
  if (rc != SQLITE_OK) {
    _foyer_store_set_error_from_db (self, rc, error);
    close_db (self);
    return FALSE;
  }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_create_function (self->db, "foyer_fold", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           sql_fold, NULL, NULL);
  _foyer_store_register_search_functions (self->db);
  set_busy_timeout (self, DEFAULT_BUSY_TIMEOUT_MS);
  sqlite3_wal_hook (self->db, checkpoint_when_full, self);

  version = read_schema_version (self, &rc);
  if (rc != SQLITE_OK) {
    *corrupt = is_corrupt_rc (rc);
    return _foyer_store_set_error_from_db (self, rc, error);
  }
  self->schema_version = version;

  if (!self->readonly) {
    g_autoptr(GError) local_error = NULL;

    /* WAL: readers never block the writer; FULL: a commit is on disk when COMMIT returns. */
    if (!set_wal_mode (self, &local_error)) {
      *corrupt = is_corrupt_error (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  }
  /* secure_delete: what is deleted or overwritten is zeroed, not left in free space, so that
   * retention (foyer-store-retention.c) leaves no visitor's data behind in the file. */
  if (!_foyer_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !_foyer_store_exec (self, "PRAGMA secure_delete = ON", error) ||
      !_foyer_store_exec (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (!self->readonly) {
    g_autoptr(GError) local_error = NULL;

    if (!migrate (self, &local_error)) {
      *corrupt = is_corrupt_error (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  } else if (version < FOYER_STORE_SCHEMA_VERSION) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_READONLY,
                 "The database %s has an older layout (schema %d) and was opened read-only, "
                 "so it cannot be upgraded. Start Foyer once to upgrade it.", self->path, version);
    return FALSE;
  }

  rc = probe (self);
  if (rc != SQLITE_OK) {
    *corrupt = is_corrupt_rc (rc);
    return _foyer_store_set_error_from_db (self, rc, error);
  }

  if (!self->readonly) {
    tighten_sidecars (self);
    if (!release_dead_owners (self, error))
      return FALSE;
  }
  return TRUE;
}

FoyerStore *
foyer_store_open_with_flags (const char           *path,
                             FoyerStoreOpenFlags   flags,
                             GError              **error)
{
  g_autoptr(FoyerStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean corrupt = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (FOYER_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (open_once (self, flags, &corrupt, &local_error))
    return g_steal_pointer (&self);

  close_db (self);
  if (!corrupt || (flags & FOYER_STORE_OPEN_READONLY) != 0) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }

  g_debug ("%s is damaged: %s", path, local_error->message);
  g_clear_error (&local_error);
  if (!move_aside (self, error))
    return NULL;
  if (!open_once (self, flags, &corrupt, error)) {
    close_db (self);
    return NULL;
  }
  return g_steal_pointer (&self);
}

FoyerStore *
foyer_store_open (const char  *path,
                  GError     **error)
{
  return foyer_store_open_with_flags (path, FOYER_STORE_OPEN_DEFAULT, error);
}

/* A write failed with CORRUPT on an open store: move the file aside now and continue on a fresh
 * database, so the next registration is saved. The error that is returned says so. */
void
_foyer_store_recover_at_runtime (FoyerStore *self, GError **error)
{
  gboolean corrupt;
  g_autoptr(GError) local_error = NULL;

  if (error == NULL || *error == NULL || !is_corrupt_error (*error) || self->readonly)
    return;
  close_db (self);
  if (!move_aside (self, &local_error) || !open_once (self, 0, &corrupt, &local_error)) {
    g_warning ("Recovering from a damaged database failed: %s", local_error->message);
    return;
  }
  g_clear_error (error);
  g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_CORRUPT,
               _("The database was damaged. It was moved to %s (nothing is deleted) and a fresh "
               "one was started: repeat the last registration."), self->recovered_from);
}

const char *
foyer_store_get_path (FoyerStore *self)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  return self->path;
}

const char *
foyer_store_get_recovered_from (FoyerStore *self)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  return self->recovered_from;
}

int
foyer_store_get_schema_version (FoyerStore *self)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), -1);
  return self->schema_version;
}

void
foyer_store_set_busy_timeout (FoyerStore *self,
                              int         ms)
{
  g_return_if_fail (FOYER_IS_STORE (self));
  if (self->db != NULL)
    set_busy_timeout (self, ms);
}

/* --- registrations --- */

static char *
contact_key (const char *prefix, const char *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (value));
  g_autofree char *lower = g_ascii_strdown (stripped, -1);

  return g_strconcat (prefix, prefix[0] == 'e' ? lower : stripped, NULL);
}

/* Names compare equal regardless of case, width and spaces: "张 伟" = "张伟", "JOHN smith" =
 * "John Smith". */
static char *
normalize_name (const char *name)
{
  g_autofree char *nfkc = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (name == NULL)
    return g_strdup ("");
  nfkc = g_utf8_normalize (name, -1, G_NORMALIZE_ALL_COMPOSE);
  if (nfkc == NULL)
    return g_strdup (name);
  folded = g_utf8_casefold (nfkc, -1);
  out = g_string_new (NULL);
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (!g_unichar_isspace (c) && c != '.' && c != ',')
      g_string_append_unichar (out, c);
  }
  return g_string_free (out, FALSE);
}

/* The row sql (?1 event, ?2 badge code) selects, read by read_row; *out is
 * NULL when there is none. */
gboolean
_foyer_store_lookup_badge_in (FoyerStore          *self,
                 const char          *sql,
                 FoyerRegistration *(*read_row) (sqlite3_stmt *stmt),
                 const char          *event,
                 const char          *badge_code,
                 FoyerRegistration  **out,
                 GError             **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  *out = NULL;
  if ((stmt = _foyer_store_get_stmt (self, sql, error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, badge_code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = read_row (stmt);
  else if (rc != SQLITE_DONE)
    return _foyer_store_set_error_from_db (self, rc, error);
  return TRUE;
}

gboolean
_foyer_store_lookup_badge (FoyerStore         *self,
              const char         *event,
              const char         *badge_code,
              FoyerRegistration **out,
              GError            **error)
{
  return _foyer_store_lookup_badge_in (self, "SELECT " REG_COLUMNS " FROM registrations "
                          "WHERE event = ?1 AND badge_code = ?2", read_registration,
                          event, badge_code, out, error);
}

static gboolean
check_possible_duplicate (FoyerStore        *self,
                          FoyerRegistration *reg,
                          GPtrArray         *keys,
                          GError           **error)
{
  g_autofree char *name = NULL;
  int rc;

  if (keys->len == 0)
    return TRUE;
  name = normalize_name (reg->full_name);
  for (guint i = 0; i < keys->len && !reg->possible_duplicate; i++) {
    g_autoptr(CachedStmt) stmt = NULL;

    if ((stmt = _foyer_store_get_stmt (self, "SELECT r.full_name FROM contact_keys k "
                          "JOIN registrations r ON r.id = k.registration_id "
                          "WHERE k.event = ?1 AND k.key = ?2", error)) == NULL)
      return FALSE;
    _foyer_store_bind_text (stmt, 1, reg->event);
    _foyer_store_bind_text (stmt, 2, g_ptr_array_index (keys, i));
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
      g_autofree char *other = normalize_name ((const char *)sqlite3_column_text (stmt, 0));
      if (strcmp (other, name) != 0) {
        reg->possible_duplicate = TRUE;
        break;
      }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return _foyer_store_set_error_from_db (self, rc, error);
  }
  return TRUE;
}

/* Inside a transaction: the duplicate check, the row, its contact keys and its outbox row. */
gboolean
_foyer_store_insert_registration (FoyerStore        *self,
                     FoyerRegistration *reg,
                     GError           **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CachedStmt) stmt = NULL;

  if (reg->id == NULL)
    reg->id = foyer_record_id_new ();
  if (reg->created_at == NULL)
    reg->created_at = foyer_timestamp_now ();
  reg->possible_duplicate = FALSE;

  for (guint i = 0; reg->emails != NULL && reg->emails[i] != NULL; i++)
    g_ptr_array_add (keys, contact_key ("e:", reg->emails[i]));
  for (guint i = 0; reg->phones != NULL && reg->phones[i] != NULL; i++)
    g_ptr_array_add (keys, contact_key ("p:", reg->phones[i]));
  if (!check_possible_duplicate (self, reg, keys, error))
    return FALSE;

  if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO registrations (" REG_COLUMNS ") VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        error)) == NULL)
    return FALSE;
  bind_registration (stmt, reg);
  if (!_foyer_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _foyer_store_cached_stmt_reset);

  for (guint i = 0; i < keys->len; i++) {
    if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO contact_keys (event, key, registration_id) "
                          "VALUES (?1, ?2, ?3)", error)) == NULL)
      return FALSE;
    _foyer_store_bind_text (stmt, 1, reg->event);
    _foyer_store_bind_text (stmt, 2, g_ptr_array_index (keys, i));
    _foyer_store_bind_text (stmt, 3, reg->id);
    if (!_foyer_store_step_done (self, stmt, error))
      return FALSE;
    g_clear_pointer (&stmt, _foyer_store_cached_stmt_reset);
  }

  return _foyer_store_queue_record (self, reg->id, foyer_registration_wire_type (reg), reg->created_at, error);
}

static void
apply_defaults (FoyerRegistration *reg)
{
  if (reg->kind == NULL)
    reg->kind = g_strdup (FOYER_KIND_WALK_IN);
  if (reg->category == NULL)
    reg->category = g_strdup (FOYER_CATEGORY_TRADE_VISITOR);
  if (reg->badge_code != NULL && *reg->badge_code == '\0')
    g_clear_pointer (&reg->badge_code, g_free);
}

gboolean
foyer_store_add_registration (FoyerStore         *self,
                              FoyerRegistration  *reg,
                              FoyerRegistration **existing,
                              GError            **error)
{
  g_autoptr(FoyerRegistration) found = NULL;
  gboolean id_was_null, created_was_null;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (reg != NULL, FALSE);
  g_return_val_if_fail (existing == NULL || *existing == NULL, FALSE);

  apply_defaults (reg);
  if (!foyer_registration_validate (reg, error))
    return FALSE;
  if (!_foyer_store_begin (self, error))
    return FALSE;

  if (reg->badge_code != NULL) {
    if (!_foyer_store_lookup_badge (self, reg->event, reg->badge_code, &found, error))
      goto fail;
    if (found != NULL) {
      _foyer_store_rollback (self);
      if (existing != NULL)
        *existing = g_steal_pointer (&found);
      return TRUE;
    }
  }

  id_was_null = reg->id == NULL;
  created_was_null = reg->created_at == NULL;
  if (!_foyer_store_insert_registration (self, reg, error) || !_foyer_store_commit (self, error)) {
    /* Leave the caller's record as it was: it was not saved. */
    if (id_was_null)
      g_clear_pointer (&reg->id, g_free);
    if (created_was_null)
      g_clear_pointer (&reg->created_at, g_free);
    goto fail;
  }

  g_signal_emit (self, signals[RECORD_ADDED], 0, reg->id, foyer_registration_wire_type (reg));
  return TRUE;

fail:
  _foyer_store_rollback (self);
  _foyer_store_recover_at_runtime (self, error);
  return FALSE;
}

FoyerRegistration *
foyer_store_get_registration (FoyerStore  *self,
                              const char  *id,
                              GError     **error)
{
  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return _foyer_store_get_by_id (self, "SELECT " REG_COLUMNS " FROM registrations WHERE id = ?1",
                                 (gpointer (*) (sqlite3_stmt *)) read_registration, "record", id,
                                 error);
}

gpointer
_foyer_store_get_by_id (FoyerStore   *self,
                        const char   *sql,
                        gpointer    (*read_row) (sqlite3_stmt *stmt),
                        const char   *what,
                        const char   *id,
                        GError      **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  if ((stmt = _foyer_store_get_stmt (self, sql, error)) == NULL)
    return NULL;
  _foyer_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 "There is no %s %s on this kiosk.", what, id);
  else
    _foyer_store_set_error_from_db (self, rc, error);
  return NULL;
}

FoyerRegistration *
foyer_store_find_by_badge (FoyerStore  *self,
                           const char  *event,
                           const char  *badge_code,
                           GError     **error)
{
  FoyerRegistration *found = NULL;

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (badge_code != NULL, NULL);

  _foyer_store_lookup_badge (self, event, badge_code, &found, error);
  return found;
}

/* --- prints --- */

gboolean
foyer_store_record_print (FoyerStore  *self,
                          const char  *record_id,
                          const char  *printer,
                          gboolean     success,
                          const char  *message,
                          GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *now = foyer_timestamp_now ();

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);

  if (self->readonly)
    return _foyer_store_begin (self, error);
  if ((stmt = _foyer_store_get_stmt (self, "INSERT INTO prints (record_id, printed_at, printer, success, "
                        "message) SELECT ?1, ?2, ?3, ?4, ?5 "
                        "WHERE EXISTS (SELECT 1 FROM registrations WHERE id = ?1)",
                        error)) == NULL)
    return FALSE;
  _foyer_store_bind_text (stmt, 1, record_id);
  _foyer_store_bind_text (stmt, 2, now);
  _foyer_store_bind_text (stmt, 3, printer);
  sqlite3_bind_int (stmt, 4, success ? 1 : 0);
  _foyer_store_bind_text (stmt, 5, message);
  if (!_foyer_store_step_done (self, stmt, error)) {
    _foyer_store_recover_at_runtime (self, error);
    return FALSE;
  }
  if (sqlite3_changes (self->db) == 0) {
    g_set_error (error, FOYER_STORE_ERROR, FOYER_STORE_ERROR_NOT_FOUND,
                 "There is no record %s on this kiosk to print a badge for.", record_id);
    return FALSE;
  }
  return TRUE;
}

/* --- reading many --- */

gboolean
foyer_store_foreach_registration (FoyerStore            *self,
                                  const char            *event,
                                  const char            *since,
                                  FoyerRegistrationFunc  func,
                                  gpointer               user_data,
                                  GError               **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* Not cached: the callback may call back into the store. */
  rc = sqlite3_prepare_v2 (self->db, "SELECT " REG_COLUMNS " FROM registrations "
                           "WHERE (?1 IS NULL OR event = ?1) AND (?2 IS NULL OR created_at >= ?2) "
                           "ORDER BY created_at, rowid", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _foyer_store_set_error_from_db (self, rc, error);
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr(FoyerRegistration) reg = read_registration (stmt);

    if (!func (reg, user_data)) {
      rc = SQLITE_DONE;
      break;
    }
  }
  if (rc != SQLITE_DONE) {
    _foyer_store_set_error_from_db (self, rc, error);
    sqlite3_finalize (stmt);
    return FALSE;
  }
  sqlite3_finalize (stmt);
  return TRUE;
}

gint64
foyer_store_count_registrations (FoyerStore  *self,
                                 const char  *event,
                                 GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FOYER_IS_STORE (self), -1);

  if ((stmt = _foyer_store_get_stmt (self, "SELECT count(*) FROM registrations WHERE ?1 IS NULL OR event = ?1",
                        error)) == NULL)
    return -1;
  _foyer_store_bind_text (stmt, 1, event);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW) {
    _foyer_store_set_error_from_db (self, rc, error);
    return -1;
  }
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
count_grouped (FoyerStore  *self,
               const char  *sql,
               const char  *event,
               const char  *since,
               JsonObject  *into,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _foyer_store_set_error_from_db (self, rc, error);
  _foyer_store_bind_text (stmt, 1, event);
  _foyer_store_bind_text (stmt, 2, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text (stmt, 0);
    json_object_set_int_member (into, key != NULL ? key : "", sqlite3_column_int64 (stmt, 1));
  }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _foyer_store_set_error_from_db (self, rc, error);
  return TRUE;
}

JsonObject *
foyer_store_stats (FoyerStore  *self,
                   const char  *event,
                   const char  *since,
                   GError     **error)
{
  g_autoptr(JsonObject) stats = json_object_new ();
  JsonObject *by_kind = json_object_new ();
  JsonObject *by_category = json_object_new ();
  JsonObject *by_hour = json_object_new ();
  JsonObject *totals = json_object_new ();
  JsonObject *outbox = json_object_new ();
  FoyerOutboxCounts counts;
#define WHERE " WHERE (?1 IS NULL OR event = ?1) AND (?2 IS NULL OR created_at >= ?2) "

  g_return_val_if_fail (FOYER_IS_STORE (self), NULL);

  json_object_set_object_member (stats, "by_kind", by_kind);
  json_object_set_object_member (stats, "by_category", by_category);
  json_object_set_object_member (stats, "by_hour", by_hour);
  json_object_set_object_member (stats, "totals", totals);
  json_object_set_object_member (stats, "outbox", outbox);

  if (!count_grouped (self, "SELECT kind, count(*) FROM registrations" WHERE "GROUP BY kind",
                      event, since, by_kind, error) ||
      !count_grouped (self, "SELECT category, count(*) FROM registrations" WHERE
                      "GROUP BY category", event, since, by_category, error) ||
      !count_grouped (self, "SELECT substr(created_at, 1, 13), count(*) FROM registrations"
                      WHERE "GROUP BY 1 ORDER BY 1", event, since, by_hour, error) ||
      !count_grouped (self, "SELECT 'registrations', count(*) FROM registrations" WHERE
                      "UNION ALL SELECT 'possible_duplicates', count(*) FROM registrations" WHERE
                      "AND possible_duplicate = 1 "
                      "UNION ALL SELECT 'purged', count(*) FROM registrations" WHERE
                      "AND purged = 1 "
                      "UNION ALL SELECT 'leads', count(*) FROM leads" WHERE
                      "UNION ALL SELECT 'preregistrations', count(*) FROM preregistrations "
                      "WHERE (?1 IS NULL OR event = ?1)", event, since, totals, error) ||
      !foyer_store_outbox_counts (self, &counts, error))
    return NULL;
#undef WHERE

  json_object_set_int_member (outbox, FOYER_OUTBOX_PENDING, counts.pending);
  json_object_set_int_member (outbox, FOYER_OUTBOX_IN_FLIGHT, counts.in_flight);
  json_object_set_int_member (outbox, FOYER_OUTBOX_DONE, counts.done);
  json_object_set_int_member (outbox, FOYER_OUTBOX_DEAD, counts.dead);
  return g_steal_pointer (&stats);
}

void
_foyer_store_emit_record_added (FoyerStore *self,
                                const char *record_id,
                                const char *record_type)
{
  g_signal_emit (self, signals[RECORD_ADDED], 0, record_id, record_type);
}

/* --- GObject --- */

static void
foyer_store_finalize (GObject *object)
{
  FoyerStore *self = (FoyerStore *)object;

  /* Hand back what this connection had in flight, so the next sync sends it at once. */
  if (self->db != NULL && !self->readonly) {
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2 (self->db, "UPDATE outbox SET state = 'pending', claimed_by = NULL "
                            "WHERE state = 'in_flight' AND claimed_by = ?1",
                            -1, &stmt, NULL) == SQLITE_OK) {
      _foyer_store_bind_text (stmt, 1, self->owner);
      sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
  }
  close_db (self);
  g_clear_pointer (&self->stmts, g_hash_table_unref);

  G_LOCK (live_owners);
  if (live_owners != NULL)
    g_hash_table_remove (live_owners, self->owner);
  G_UNLOCK (live_owners);

  g_free (self->owner);
  g_free (self->path);
  g_free (self->recovered_from);

  G_OBJECT_CLASS (foyer_store_parent_class)->finalize (object);
}

static void
foyer_store_class_init (FoyerStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = foyer_store_finalize;

  /**
   * FoyerStore::record-added:
   * @record_id: the outbox row's record id
   * @record_type: registration, check_in or lead
   *
   * A new or re-queued record is committed and waits in the outbox. Emitted in the thread
   * that wrote it.
   */
  signals[RECORD_ADDED] = g_signal_new ("record-added", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
foyer_store_init (FoyerStore *self)
{
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       stmt_finalize);
  self->owner = make_owner_token ();
}
