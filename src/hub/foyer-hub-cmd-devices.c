/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-cmd-devices.c: `foyer-hub event …` and `foyer-hub device …`. */
#define G_LOG_DOMAIN "foyer-hub"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <sys/random.h>
#include <cairo.h>
#include <qrencode.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "foyer-hub-cli.h"
#include "foyer-hub-server.h"
#include "foyer-badge-code.h"
#include "foyer-enroll-code.h"
#include "foyer-record.h"

/* ---- events ---- */

/* A fresh Ed25519 pair for an event, as PEM texts (written by the core, read back). */
static gboolean
generate_event_keys (FoyerHubEvent *event, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("foyer-hub-keys-XXXXXX", error);
  g_autofree char *priv = NULL;
  g_autofree char *pub = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;
  priv = g_build_filename (dir, "signing.pem", NULL);
  pub = g_build_filename (dir, "verify.pem", NULL);
  ok = foyer_badge_code_generate_keys (priv, pub, error)
       && g_file_get_contents (priv, &event->signing_key, NULL, error)
       && g_file_get_contents (pub, &event->verify_key, NULL, error);
  g_unlink (priv);
  g_unlink (pub);
  g_rmdir (dir);
  return ok;
}

/* Adds the event (with its badge keys) unless it exists. */
static gboolean
ensure_event (FoyerHubStorage *storage, const char *id, const char *name, gboolean *created,
              GError **error)
{
  g_autoptr(FoyerHubEvent) event = g_new0 (FoyerHubEvent, 1);

  event->id = g_strdup (id);
  event->name = g_strdup (name != NULL ? name : id);
  if (!generate_event_keys (event, error))
    return FALSE;
  return foyer_hub_storage_event_add (storage, event, created, error);
}

static int
event_add (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The event's name, shown to staff"),
      N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  if (!foyer_hub_parse_options (ctx, "event add", "ID", _("Add an event (its badge keys are "
                                "made here). Adding an existing event changes nothing."),
                                entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 2 || *argv[1] == '\0' || strlen (argv[1]) > FOYER_BADGE_CODE_MAX_EVENT) {
    g_printerr (_("Usage: foyer-hub event add ID [--name NAME]\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (!ensure_event (ctx->storage, argv[1], name, &created, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  g_print (created ? _("Event %s added.\n") : _("Event %s exists already.\n"), argv[1]);
  return FOYER_HUB_EXIT_OK;
}

static int
event_list (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  if (!foyer_hub_parse_options (ctx, "event list", NULL, NULL, NULL, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if ((events = foyer_hub_storage_event_list (ctx->storage, &error)) == NULL) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  for (guint i = 0; i < events->len; i++) {
    FoyerHubEvent *event = g_ptr_array_index (events, i);
    g_print ("%s\t%s\t%" G_GINT64_FORMAT "\n", event->id, event->name, event->last_seq);
  }
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_event (FoyerHubContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "add") == 0)
    return event_add (ctx, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return event_list (ctx, argc - 1, argv + 1);
  g_printerr (_("Usage: foyer-hub event add ID [--name NAME] | foyer-hub event list\n"));
  return argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
         ? FOYER_HUB_EXIT_OK : FOYER_HUB_EXIT_USAGE;
}

/* ---- the enrollment code and its QR code ---- */

static QRcode *
encode_qr (const char *text)
{
  return QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
}

/* Two modules per character (upper and lower half blocks), with a quiet zone. */
static void
print_qr_terminal (const char *text)
{
  QRcode *qr = encode_qr (text);
  int quiet = 2;

  if (qr == NULL)
    return;
  for (int y = -quiet; y < qr->width + quiet; y += 2) {
    for (int x = -quiet; x < qr->width + quiet; x++) {
      gboolean top = x >= 0 && y >= 0 && x < qr->width && y < qr->width
                     && (qr->data[y * qr->width + x] & 1);
      gboolean bottom = x >= 0 && y + 1 >= 0 && x < qr->width && y + 1 < qr->width
                        && (qr->data[(y + 1) * qr->width + x] & 1);
      /* Dark modules are printed as spaces on a light terminal background and vice versa:
       * here dark = the block character, for a dark-on-light QR code on light themes. */
      g_print ("%s", top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ");
    }
    g_print ("\n");
  }
  QRcode_free (qr);
}

static gboolean
write_qr_png (const char *text, const char *path, GError **error)
{
  QRcode *qr = encode_qr (text);
  const int scale = 8, quiet = 4;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  int size;

  if (qr == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot make the QR code"));
    return FALSE;
  }
  size = (qr->width + 2 * quiet) * scale;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size, size);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      if (qr->data[y * qr->width + x] & 1)
        cairo_rectangle (cr, (x + quiet) * scale, (y + quiet) * scale, scale, scale);
  cairo_fill (cr);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  QRcode_free (qr);
  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot write %s: %s"), path,
                 cairo_status_to_string (status));
    return FALSE;
  }
  return TRUE;
}

static char *
random_secret (void)
{
  guchar bytes[24];
  char *text;

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("getrandom failed");
  text = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (text, "+/", '-');
  return text;
}

/* The pin of [hub] certificate, NULL for plain http (or with an error). */
static gboolean
hub_pin (FoyerHubConfig *config, char **pin, GError **error)
{
  g_autofree char *cert = foyer_hub_config_get_path_value (config, "hub", "certificate");

  *pin = NULL;
  if (cert == NULL)
    return TRUE;
  *pin = foyer_hub_certificate_pin (cert, error);
  return *pin != NULL;
}

char *
foyer_hub_public_url (FoyerHubConfig *config)
{
  const char *url = foyer_hub_config_get_string (config, "hub", "public-url");
  const char *listen = foyer_hub_config_get_string (config, "hub", "listen");
  g_autofree char *cert = foyer_hub_config_get_path_value (config, "hub", "certificate");

  if (url != NULL)
    return g_strdup (url);
  return g_strdup_printf ("%s://%s", cert != NULL ? "https" : "http", listen);
}

/* ---- devices ---- */

typedef struct {
  char     *event;
  char     *mode;
  char     *booth;
  char     *png;
  gboolean  prints;
} DeviceAddOptions;

static gboolean
device_add_check (DeviceAddOptions *opts, int argc, char **argv)
{
  /* The default is set after parsing: GOption replaces a string it is given
   * without freeing the value that was there. */
  if (opts->mode == NULL)
    opts->mode = g_strdup ("entry");
  if (argc != 2 || *argv[1] == '\0' || opts->event == NULL) {
    g_printerr (_("Usage: foyer-hub device add NAME --event EVENT [--mode entry|booth] "
                  "[--booth BOOTH] [--prints] [--png FILE]\n"));
    return FALSE;
  }
  if (g_strcmp0 (opts->mode, "entry") != 0 && g_strcmp0 (opts->mode, "booth") != 0) {
    g_printerr (_("foyer-hub: --mode must be entry or booth\n"));
    return FALSE;
  }
  if (g_str_equal (opts->mode, "booth") && opts->booth == NULL) {
    g_printerr (_("foyer-hub: a booth device needs --booth BOOTH\n"));
    return FALSE;
  }
  return TRUE;
}

static FoyerHubDevice *
new_device (FoyerHubConfig *config, const char *name, DeviceAddOptions *opts)
{
  FoyerHubDevice *device = g_new0 (FoyerHubDevice, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_seconds (
    now, foyer_hub_config_get_int (config, "hub", "enroll-ttl"));
  g_autofree char *base = g_date_time_format (expires, "%Y-%m-%dT%H:%M:%S");

  device->name = g_strdup (name);
  device->event = g_strdup (opts->event);
  device->mode = g_strdup (opts->mode);
  device->booth = g_strdup (opts->booth);
  device->prints = opts->prints;
  device->created_at = foyer_timestamp_now ();
  device->enroll_expires_at = g_strdup_printf ("%s.%03dZ", base,
                                               g_date_time_get_microsecond (expires) / 1000);
  return device;
}

static int
device_add (FoyerHubContext *ctx, int argc, char **argv)
{
  DeviceAddOptions opts = { NULL, NULL, NULL, NULL, FALSE };
  const GOptionEntry entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &opts.event, N_("The event it registers for"),
      N_("EVENT") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &opts.mode, N_("entry (default) or booth"), N_("MODE") },
    { "booth", 0, 0, G_OPTION_ARG_STRING, &opts.booth, N_("The booth of a booth tablet"),
      N_("BOOTH") },
    { "prints", 0, 0, G_OPTION_ARG_NONE, &opts.prints,
      N_("It prints walk-in badges: give it the event's signing key"), NULL },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &opts.png, N_("Also write the QR code to FILE (PNG)"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(FoyerHubDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FoyerEnrollCode) code = g_new0 (FoyerEnrollCode, 1);
  g_autofree char *secret_hash = NULL;
  g_autofree char *text = NULL;
  gboolean created = FALSE;
  int status = FOYER_HUB_EXIT_FAILURE;

  if (!foyer_hub_parse_options (ctx, "device add", "NAME",
                                _("Add a device and print its one-time enrollment code (alone "
                                  "on the last line)."), entries, &argc, &argv)
      || !device_add_check (&opts, argc, argv)) {
    status = FOYER_HUB_EXIT_USAGE;
    goto out;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    goto out;
  if (!hub_pin (ctx->config, &code->pin, &error)
      || !ensure_event (ctx->storage, opts.event, NULL, &created, &error))
    goto fail;
  if (created)
    g_print (_("Event %s added.\n"), opts.event);
  device = new_device (ctx->config, argv[1], &opts);
  code->url = foyer_hub_public_url (ctx->config);
  code->event = g_strdup (opts.event);
  code->device = g_strdup (device->name);   /* shown by the kiosk before it connects */
  code->secret = random_secret ();
  secret_hash = foyer_hub_hash_secret (code->secret);
  if (!foyer_hub_storage_device_add (ctx->storage, device, secret_hash, &error))
    goto fail;
  text = foyer_enroll_code_encode (code);
  if (opts.png != NULL && !write_qr_png (text, opts.png, &error))
    goto fail;
  g_print (_("Device %s added for event %s. Enroll it before %s with:\n"
             "  foyerctl enroll CODE   (or scan the QR code on the kiosk's Admin page)\n"),
           device->name, device->event, device->enroll_expires_at);
  if (isatty (STDOUT_FILENO))
    print_qr_terminal (text);
  g_print ("%s\n", text);
  status = FOYER_HUB_EXIT_OK;
  goto out;

fail:
  g_printerr ("foyer-hub: %s\n", error->message);
out:
  g_free (opts.event);
  g_free (opts.mode);
  g_free (opts.booth);
  g_free (opts.png);
  return status;
}

static void
add_device_json (JsonBuilder *b, FoyerHubDevice *d)
{
  const char *keys[] = { "name", "event", "mode", "booth", "created_at", "enrolled_at",
                         "revoked_at", "last_seen_at", "last_address", "software_version" };
  const char *values[] = { d->name, d->event, d->mode, d->booth, d->created_at, d->enrolled_at,
                           d->revoked_at, d->last_seen_at, d->last_address,
                           d->software_version };

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    json_builder_set_member_name (b, keys[i]);
    if (values[i] != NULL)
      json_builder_add_string_value (b, values[i]);
    else
      json_builder_add_null_value (b);
  }
  json_builder_set_member_name (b, "prints");
  json_builder_add_boolean_value (b, d->prints);
  json_builder_set_member_name (b, "revoked");
  json_builder_add_boolean_value (b, d->revoked_at != NULL);
  json_builder_set_member_name (b, "pending_reported");
  if (d->pending_reported >= 0)
    json_builder_add_int_value (b, d->pending_reported);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
print_devices (GPtrArray *devices, gboolean as_json)
{
  if (as_json) {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_array (b);
    for (guint i = 0; i < devices->len; i++)
      add_device_json (b, g_ptr_array_index (devices, i));
    json_builder_end_array (b);
    root = json_builder_get_root (b);
    text = json_to_string (root, TRUE);
    g_print ("%s\n", text);
    return;
  }
  g_print ("%-20s %-16s %-6s %-10s %-24s %-16s %-10s %s\n", _("NAME"), _("EVENT"), _("MODE"),
           _("BOOTH"), _("LAST SEEN"), _("ADDRESS"), _("VERSION"), _("STATE"));
  for (guint i = 0; i < devices->len; i++) {
    FoyerHubDevice *d = g_ptr_array_index (devices, i);
    const char *state = d->revoked_at != NULL ? _("revoked")
                        : d->enrolled_at != NULL ? _("enrolled") : _("waiting for enrollment");
    g_print ("%-20s %-16s %-6s %-10s %-24s %-16s %-10s %s\n", d->name, d->event, d->mode,
             d->booth ? d->booth : "-", d->last_seen_at ? d->last_seen_at : "-",
             d->last_address ? d->last_address : "-",
             d->software_version ? d->software_version : "-", state);
  }
}

static int
device_list (FoyerHubContext *ctx, int argc, char **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  if (!foyer_hub_parse_options (ctx, "device list", NULL, NULL, entries, &argc, &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if ((devices = foyer_hub_storage_device_list (ctx->storage, &error)) == NULL) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  print_devices (devices, as_json);
  return FOYER_HUB_EXIT_OK;
}

static int
device_revoke (FoyerHubContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now = foyer_timestamp_now ();

  if (!foyer_hub_parse_options (ctx, "device revoke", "NAME",
                                _("Revoke a device: its next request is refused."), NULL, &argc,
                                &argv))
    return FOYER_HUB_EXIT_USAGE;
  if (argc != 2) {
    g_printerr (_("Usage: foyer-hub device revoke NAME\n"));
    return FOYER_HUB_EXIT_USAGE;
  }
  if (foyer_hub_get_storage (ctx, 1) == NULL)
    return FOYER_HUB_EXIT_FAILURE;
  if (!foyer_hub_storage_device_revoke (ctx->storage, argv[1], now, &error)) {
    g_printerr ("foyer-hub: %s\n", error->message);
    return FOYER_HUB_EXIT_FAILURE;
  }
  g_print (_("Device %s revoked.\n"), argv[1]);
  return FOYER_HUB_EXIT_OK;
}

int
foyer_hub_cmd_device (FoyerHubContext *ctx, int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "add") == 0)
    return device_add (ctx, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return device_list (ctx, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "revoke") == 0)
    return device_revoke (ctx, argc - 1, argv + 1);
  g_printerr (_("Usage: foyer-hub device add NAME --event EVENT … | device list [--json] | "
                "device revoke NAME\n"));
  return argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
         ? FOYER_HUB_EXIT_OK : FOYER_HUB_EXIT_USAGE;
}
