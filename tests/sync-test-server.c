/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sync-test-server.c: the receiver or a real hub behind one interface (sync-test-server.h). */
#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sync-test-server.h"
#include "foyer-hub-test-util.h"
#include "foyer-test-receiver.h"
#include "foyer-test-util.h"

struct _SyncServer {
  SyncServerKind     kind;
  char              *dir;
  char              *token_file;         /* the kiosk's */
  char              *server_token_file;  /* the receiver's */
  FoyerTestReceiver *receiver;
  FoyerTestHub      *hub;
  char             **hub_env;
};

static char *
write_secret (const char *dir, const char *name, const char *text)
{
  char *path = foyer_test_write_file (dir, name, text);

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  return path;
}

static void
start_receiver (SyncServer *self, const SyncServerOptions *options)
{
  self->server_token_file = write_secret (self->dir, "server-token", "s3cret\n");
  self->token_file = write_secret (self->dir, "kiosk-token", "s3cret\n");
  self->receiver = foyer_test_receiver_start (self->server_token_file);
  if (options->small_bodies)
    foyer_test_receiver_control (self->receiver, "{\"mode\":\"too-large\",\"max_records\":7}");
  else if (options->slow)
    foyer_test_receiver_control (self->receiver, "{\"mode\":\"stall\",\"seconds\":0.2}");
}

static void
start_hub (SyncServer *self, const SyncServerOptions *options)
{
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *out = NULL, *err = NULL;

  self->hub = foyer_test_hub_new (NULL, options->small_bodies ? "max-body-bytes=2048" : NULL);
  if (options->slow)
    self->hub_env = g_strsplit ("FOYER_HUB_TEST_INGEST_DELAY_MS=200", "\n", -1);
  foyer_test_hub_start (self->hub, (const char * const *) self->hub_env);
  g_assert_cmpint (foyer_test_hub_run (self->hub, &out, &err, "event", "add", SYNC_SERVER_EVENT,
                                       NULL), ==, 0);
  code = foyer_test_hub_add_device (self->hub, SYNC_SERVER_KIOSK, SYNC_SERVER_EVENT);
  token = foyer_test_enroll_token (code);
  g_assert_nonnull (token);
  self->token_file = write_secret (self->dir, "kiosk-token", token);
}

SyncServer *
sync_server_start (SyncServerKind kind, const SyncServerOptions *options)
{
  static const SyncServerOptions defaults = { FALSE, FALSE };
  SyncServer *self = g_new0 (SyncServer, 1);

  self->kind = kind;
  self->dir = foyer_test_make_tmpdir ("sync-server");
  if (kind == SYNC_SERVER_HUB)
    start_hub (self, options != NULL ? options : &defaults);
  else
    start_receiver (self, options != NULL ? options : &defaults);
  return self;
}

void
sync_server_stop (SyncServer *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->receiver, foyer_test_receiver_stop);
  g_clear_pointer (&self->hub, foyer_test_hub_free);
  g_strfreev (self->hub_env);
  g_free (self->token_file);
  g_free (self->server_token_file);
  g_free (self->dir);
  g_free (self);
}

const char *
sync_server_name (SyncServer *self)
{
  return self->kind == SYNC_SERVER_HUB ? "foyer-hub" : "sync-receiver.py";
}

const char *
sync_server_url (SyncServer *self)
{
  return self->kind == SYNC_SERVER_HUB ? self->hub->url : foyer_test_receiver_url (self->receiver);
}

const char *
sync_server_token_file (SyncServer *self)
{
  return self->token_file;
}

GHashTable *
sync_server_stored (SyncServer *self)
{
  g_autoptr(JsonObject) all = NULL;
  JsonObject *counts;
  GHashTable *stored;
  GList *members;
  guint n_lines;

  if (self->kind == SYNC_SERVER_HUB)
    return foyer_test_hub_export_ids (self->hub, SYNC_SERVER_EVENT, &n_lines);
  stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  all = foyer_test_receiver_get (self->receiver, "/_ids");
  counts = json_object_get_object_member (all, "counts");
  members = json_object_get_members (counts);
  for (GList *m = members; m != NULL; m = m->next)
    g_hash_table_insert (stored, g_strdup (m->data),
                         GUINT_TO_POINTER ((guint) json_object_get_int_member (counts, m->data)));
  g_list_free (members);
  return stored;
}

void
sync_server_revoke (SyncServer *self)
{
  if (self->kind == SYNC_SERVER_HUB) {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (foyer_test_hub_run (self->hub, &out, &err, "device", "revoke",
                                         SYNC_SERVER_KIOSK, NULL), ==, 0);
    return;
  }
  g_free (write_secret (self->dir, "server-token", "rotated\n"));
}

void
sync_server_restart (SyncServer *self)
{
  if (self->kind == SYNC_SERVER_HUB) {
    foyer_test_hub_kill (self->hub, SIGKILL);
    g_assert_cmpint (foyer_test_hub_wait (self->hub), ==, 128 + SIGKILL);
    foyer_test_hub_start (self->hub, (const char * const *) self->hub_env);
    return;
  }
  foyer_test_receiver_control (self->receiver, "{\"mode\":\"down\",\"seconds\":1}");
}
