/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-serial-scanner.c: lines from a serial barcode scanner, read without blocking. */
#define G_LOG_DOMAIN "foyer-scanner"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "foyer-serial-scanner.h"

#define DEFAULT_RETRY_SECONDS 5
/* Longer than any code we accept; a line that never ends is noise. */
#define MAX_LINE 8192

struct _FoyerSerialScanner {
  GObject        parent_instance;

  char          *path;
  guint          retry_seconds;
  gboolean       wanted;
  gboolean       available;
  char          *detail;

  GInputStream  *stream;
  GCancellable  *cancellable;
  GByteArray    *line;
  guint          retry_id;
};

G_DEFINE_FINAL_TYPE (FoyerSerialScanner, foyer_serial_scanner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

enum {
  SIGNAL_SCANNED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void open_device (FoyerSerialScanner *self);

static void
set_available (FoyerSerialScanner *self,
               gboolean            available,
               const char         *detail)
{
  g_free (self->detail);
  self->detail = g_strdup (detail);
  if (self->available != available) {
    self->available = available;
    if (!available)
      g_message ("serial scanner %s unavailable: %s", self->path, detail);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  }
}

static void
close_device (FoyerSerialScanner *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stream);
  g_byte_array_set_size (self->line, 0);
}

static gboolean
retry_cb (gpointer user_data)
{
  FoyerSerialScanner *self = user_data;

  self->retry_id = 0;
  if (self->wanted)
    open_device (self);
  return G_SOURCE_REMOVE;
}

static void
fail (FoyerSerialScanner *self,
      const char         *detail)
{
  close_device (self);
  set_available (self, FALSE, detail);
  if (self->wanted && self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (self->retry_seconds, retry_cb, self);
}

static void
emit_line (FoyerSerialScanner *self)
{
  g_autoptr(GBytes) code = NULL;

  if (self->line->len == 0)
    return;
  code = g_bytes_new (self->line->data, self->line->len);
  g_byte_array_set_size (self->line, 0);
  g_debug ("serial scan of %zu bytes", g_bytes_get_size (code));
  g_signal_emit (self, signals[SIGNAL_SCANNED], 0, code);
}

static void read_next (FoyerSerialScanner *self);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FoyerSerialScanner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  const guint8 *data;
  gsize len;

  if (bytes == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      fail (self, error->message);
    return;
  }
  if (source != (GObject *)self->stream)
    return;  /* a read from a device that was closed meanwhile */

  data = g_bytes_get_data (bytes, &len);
  if (len == 0) {
    fail (self, "the scanner was disconnected");
    return;
  }
  for (gsize i = 0; i < len; i++) {
    if (data[i] == '\r' || data[i] == '\n') {
      emit_line (self);
      if (self->stream == NULL)
        return;  /* a handler stopped us */
    } else if (self->line->len < MAX_LINE) {
      g_byte_array_append (self->line, &data[i], 1);
    }
  }
  read_next (self);
}

static void
read_next (FoyerSerialScanner *self)
{
  g_input_stream_read_bytes_async (self->stream, 1024, G_PRIORITY_DEFAULT, self->cancellable,
                                   read_cb, g_object_ref (self));
}

static void
open_device (FoyerSerialScanner *self)
{
  struct termios tio;
  int fd;

  close_device (self);
  fd = open (self->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    g_autofree char *detail = g_strdup_printf ("%s: %s", self->path, g_strerror (errno));
    fail (self, detail);
    return;
  }
  /* Raw: no echo, no line editing, no CR→LF mapping; the scanner's bytes as they come. */
  if (tcgetattr (fd, &tio) == 0) {
    cfmakeraw (&tio);
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr (fd, TCSANOW, &tio);
  }
  self->stream = g_unix_input_stream_new (fd, TRUE);
  self->cancellable = g_cancellable_new ();
  set_available (self, TRUE, NULL);
  read_next (self);
}

static void
foyer_serial_scanner_dispose (GObject *object)
{
  FoyerSerialScanner *self = (FoyerSerialScanner *)object;

  self->wanted = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  close_device (self);

  G_OBJECT_CLASS (foyer_serial_scanner_parent_class)->dispose (object);
}

static void
foyer_serial_scanner_finalize (GObject *object)
{
  FoyerSerialScanner *self = (FoyerSerialScanner *)object;

  g_free (self->path);
  g_free (self->detail);
  g_byte_array_unref (self->line);

  G_OBJECT_CLASS (foyer_serial_scanner_parent_class)->finalize (object);
}

static void
foyer_serial_scanner_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FoyerSerialScanner *self = FOYER_SERIAL_SCANNER (object);

  switch (prop_id) {
  case PROP_AVAILABLE:
    g_value_set_boolean (value, self->available);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
foyer_serial_scanner_class_init (FoyerSerialScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = foyer_serial_scanner_dispose;
  object_class->finalize = foyer_serial_scanner_finalize;
  object_class->get_property = foyer_serial_scanner_get_property;

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
foyer_serial_scanner_init (FoyerSerialScanner *self)
{
  self->line = g_byte_array_new ();
  self->retry_seconds = DEFAULT_RETRY_SECONDS;
}

FoyerSerialScanner *
foyer_serial_scanner_new (const char *path)
{
  FoyerSerialScanner *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (FOYER_TYPE_SERIAL_SCANNER, NULL);
  self->path = g_strdup (path);
  return self;
}

FoyerSerialScanner *
foyer_serial_scanner_new_from_config (FoyerConfig *config)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  path = foyer_config_get_path_value (config, "scanner", "serial");
  if (path == NULL || *path == '\0')
    return NULL;
  return foyer_serial_scanner_new (path);
}

void
foyer_serial_scanner_start (FoyerSerialScanner *self)
{
  g_return_if_fail (FOYER_IS_SERIAL_SCANNER (self));

  if (self->wanted)
    return;
  self->wanted = TRUE;
  open_device (self);
}

void
foyer_serial_scanner_stop (FoyerSerialScanner *self)
{
  g_return_if_fail (FOYER_IS_SERIAL_SCANNER (self));

  self->wanted = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  close_device (self);
}

gboolean
foyer_serial_scanner_get_available (FoyerSerialScanner *self)
{
  g_return_val_if_fail (FOYER_IS_SERIAL_SCANNER (self), FALSE);
  return self->available;
}

const char *
foyer_serial_scanner_get_detail (FoyerSerialScanner *self)
{
  g_return_val_if_fail (FOYER_IS_SERIAL_SCANNER (self), NULL);
  return self->detail;
}

void
foyer_serial_scanner_set_retry_seconds (FoyerSerialScanner *self,
                                        guint               seconds)
{
  g_return_if_fail (FOYER_IS_SERIAL_SCANNER (self));
  self->retry_seconds = MAX (seconds, 1);
}
