/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-badge-printer.c: badge printing over the CUPS API (IPP to cupsd).
 *
 * A kiosk has no print dialog and nobody watching a print queue, so every way a badge can fail
 * to come out (no queue, queue stopped, printer offline, out of labels, job aborted, nothing
 * happening for too long) is turned into an error a staff member can act on.
 */
#define G_LOG_DOMAIN "foyer-badge"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include <cups/cups.h>

#include "foyer-badge-printer.h"

G_DEFINE_QUARK (foyer-badge-printer-error-quark, foyer_badge_printer_error)

#define DEFAULT_TIMEOUT_S      60
#define POLL_INTERVAL_US       (200 * 1000)
#define OFFLINE_GRACE_US       (5 * G_USEC_PER_SEC)   /* "offline" while a USB printer wakes up */
#define CONNECT_TIMEOUT_MS     5000
#define IPP_TIMEOUT_S          15.0

struct _FoyerBadgePrinter {
  GObject             parent_instance;

  char               *queue;
  FoyerBadgeRenderer *renderer;
  guint               timeout_s;
};

G_DEFINE_FINAL_TYPE (FoyerBadgePrinter, foyer_badge_printer, G_TYPE_OBJECT)

static void
foyer_badge_printer_finalize (GObject *object)
{
  FoyerBadgePrinter *self = (FoyerBadgePrinter *)object;

  g_clear_pointer (&self->queue, g_free);
  g_clear_object (&self->renderer);

  G_OBJECT_CLASS (foyer_badge_printer_parent_class)->finalize (object);
}

static void
foyer_badge_printer_class_init (FoyerBadgePrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_badge_printer_finalize;
}

static void
foyer_badge_printer_init (FoyerBadgePrinter *self)
{
  self->timeout_s = DEFAULT_TIMEOUT_S;
}

FoyerBadgePrinter *
foyer_badge_printer_new (const char         *queue,
                         FoyerBadgeRenderer *renderer)
{
  FoyerBadgePrinter *self;

  g_return_val_if_fail (queue != NULL && *queue != '\0', NULL);
  g_return_val_if_fail (FOYER_IS_BADGE_RENDERER (renderer), NULL);

  self = g_object_new (FOYER_TYPE_BADGE_PRINTER, NULL);
  self->queue = g_strdup (queue);
  self->renderer = g_object_ref (renderer);
  return self;
}

FoyerBadgePrinter *
foyer_badge_printer_new_from_config (FoyerConfig  *config,
                                     GError      **error)
{
  g_autoptr(FoyerBadgeRenderer) renderer = NULL;
  g_auto(GStrv) queues = NULL;
  const char *queue;
  FoyerBadgePrinter *self;

  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);

  /* [badge] printer is a list (the print queue fails over along it): this is its first. */
  queues = foyer_config_get_string_list (config, "badge", "printer");
  queue = queues[0];
  if (queue == NULL || *queue == '\0') {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_NO_PRINTER,
                 _("No badge printer is configured: set [badge] printer= to a CUPS queue "
                   "(lpstat -p lists them)"));
    return NULL;
  }
  renderer = foyer_badge_renderer_new_from_config (config);
  self = foyer_badge_printer_new (queue, renderer);
  foyer_badge_printer_set_timeout (self, foyer_config_get_int (config, "badge", "print-timeout"));
  return self;
}

const char *
foyer_badge_printer_get_queue (FoyerBadgePrinter *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), NULL);
  return self->queue;
}

FoyerBadgeRenderer *
foyer_badge_printer_get_renderer (FoyerBadgePrinter *self)
{
  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), NULL);
  return self->renderer;
}

void
foyer_badge_printer_set_timeout (FoyerBadgePrinter *self,
                                 guint              seconds)
{
  g_return_if_fail (FOYER_IS_BADGE_PRINTER (self));
  self->timeout_s = seconds > 0 ? seconds : DEFAULT_TIMEOUT_S;
}

/* --- IPP helpers --- */

typedef struct {
  ipp_pstate_t state;
  gboolean     accepting;
  char       **reasons;      /* printer-state-reasons keywords */
  char        *message;      /* printer-state-message, may be NULL */
  int          queued_jobs;  /* queued-job-count */
} PrinterStatus;

static void
printer_status_clear (PrinterStatus *status)
{
  g_clear_pointer (&status->reasons, g_strfreev);
  g_clear_pointer (&status->message, g_free);
}

static http_t *
connect_cupsd (GError **error)
{
  http_t *http = httpConnect2 (cupsServer (), ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1,
                               CONNECT_TIMEOUT_MS, NULL);

  if (http == NULL) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_UNAVAILABLE,
                 _("Cannot reach the print service (CUPS at %s): is cupsd running?"),
                 cupsServer ());
    return NULL;
  }
  /* A hung cupsd must not hold the print worker forever: each request gives up after this. */
  httpSetTimeout (http, IPP_TIMEOUT_S, NULL, NULL);
  return http;
}

static void
printer_uri (const char *queue,
             char       *uri,
             gsize       size)
{
  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, (int)size, "ipp", NULL, "localhost", ippPort (),
                    "/printers/%s", queue);
}

/* Sets error from the last IPP status of this thread. */
static void
set_ipp_error (GError     **error,
               const char  *queue)
{
  ipp_status_t status = cupsLastError ();
  const char *message = cupsLastErrorString ();

  if (status == IPP_STATUS_ERROR_NOT_FOUND) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_NOT_FOUND,
                 _("There is no printer queue named “%s”: check [badge] printer= "
                   "(lpstat -p lists the queues)"), queue);
  } else if (status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE ||
             (status == IPP_STATUS_ERROR_INTERNAL && message != NULL &&
              strstr (message, "connect") != NULL)) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_UNAVAILABLE,
                 _("Cannot reach the print service (CUPS at %s): %s"), cupsServer (),
                 message != NULL ? message : ippErrorString (status));
  } else if (status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_STOPPED,
                 _("The badge printer “%s” is not accepting jobs: a staff member must enable "
                   "it (cupsaccept %s)"), queue, queue);
  } else {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_FAILED,
                 _("The print service refused the badge for “%s”: %s"), queue,
                 message != NULL ? message : ippErrorString (status));
  }
}

static char **
strings_of (ipp_t      *response,
            const char *name)
{
  ipp_attribute_t *attr = ippFindAttribute (response, name, IPP_TAG_ZERO);
  GPtrArray *out = g_ptr_array_new ();

  for (int i = 0; attr != NULL && i < ippGetCount (attr); i++) {
    const char *value = ippGetString (attr, i, NULL);
    if (value != NULL)
      g_ptr_array_add (out, g_strdup (value));
  }
  g_ptr_array_add (out, NULL);
  return (char **)g_ptr_array_free (out, FALSE);
}

/* A copy of the first value of a text attribute, NULL when it is missing or empty. */
static char *
text_of (ipp_t      *response,
         const char *name)
{
  ipp_attribute_t *attr = ippFindAttribute (response, name, IPP_TAG_TEXT);
  const char *value = attr != NULL ? ippGetString (attr, 0, NULL) : NULL;

  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

/* The answer to a Get-Printer-Attributes or Get-Job-Attributes (of job_id) request for the
 * wanted attributes of queue, or NULL with error set; ippDelete() it. */
static ipp_t *
get_attributes (http_t             *http,
                ipp_op_t            op,
                const char         *queue,
                int                 job_id,
                const char * const *wanted,
                int                 n_wanted,
                GError            **error)
{
  char uri[HTTP_MAX_URI];
  ipp_t *request, *response;

  printer_uri (queue, uri, sizeof uri);
  request = ippNewRequest (op);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  if (op == IPP_OP_GET_JOB_ATTRIBUTES)
    ippAddInteger (request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 n_wanted, NULL, wanted);
  response = cupsDoRequest (http, request, "/");
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_CONFLICTING) {
    ippDelete (response);
    set_ipp_error (error, queue);
    return NULL;
  }
  return response;
}

static gboolean
get_printer_status (http_t         *http,
                    const char     *queue,
                    PrinterStatus  *status,
                    GError        **error)
{
  static const char * const wanted[] = {
    "printer-state", "printer-state-reasons", "printer-state-message",
    "printer-is-accepting-jobs", "queued-job-count",
  };
  ipp_attribute_t *attr;
  ipp_t *response;

  response = get_attributes (http, IPP_OP_GET_PRINTER_ATTRIBUTES, queue, 0, wanted,
                             G_N_ELEMENTS (wanted), error);
  if (response == NULL)
    return FALSE;

  attr = ippFindAttribute (response, "printer-state", IPP_TAG_ENUM);
  status->state = attr != NULL ? (ipp_pstate_t)ippGetInteger (attr, 0) : IPP_PSTATE_IDLE;
  attr = ippFindAttribute (response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
  status->accepting = attr != NULL ? ippGetBoolean (attr, 0) : TRUE;
  status->reasons = strings_of (response, "printer-state-reasons");
  status->message = text_of (response, "printer-state-message");
  attr = ippFindAttribute (response, "queued-job-count", IPP_TAG_INTEGER);
  status->queued_jobs = attr != NULL ? ippGetInteger (attr, 0) : 0;
  ippDelete (response);
  return TRUE;
}

/* A reason keyword with or without its -error/-warning/-report suffix. */
static gboolean
has_reason (PrinterStatus *status,
            const char    *keyword)
{
  gsize len = strlen (keyword);

  for (guint i = 0; status->reasons != NULL && status->reasons[i] != NULL; i++) {
    const char *r = status->reasons[i];

    if (strncmp (r, keyword, len) == 0 &&
        (r[len] == '\0' || strcmp (r + len, "-error") == 0 || strcmp (r + len, "-warning") == 0 ||
         strcmp (r + len, "-report") == 0))
      return TRUE;
  }
  return FALSE;
}

static char *
status_detail (PrinterStatus *status)
{
  if (status->message != NULL)
    return g_strdup (status->message);
  if (status->reasons != NULL && status->reasons[0] != NULL &&
      strcmp (status->reasons[0], "none") != 0)
    return g_strjoinv (", ", status->reasons);
  return g_strdup (_("no reason given"));
}

/* An error when the printer cannot print now. offline_since tracks how long it has said so. */
static gboolean
check_printer (const char    *queue,
               PrinterStatus *status,
               gboolean       before_submit,
               gint64        *offline_since,
               GError       **error)
{
  g_autofree char *detail = status_detail (status);

  if (has_reason (status, "media-empty") || has_reason (status, "media-needed")) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_MEDIA_EMPTY,
                 _("The badge printer “%s” is out of labels: load labels, then reprint"), queue);
    return FALSE;
  }
  if (has_reason (status, "media-jam")) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_MEDIA_JAM,
                 _("The badge printer “%s” has a label jam: clear it, then reprint"), queue);
    return FALSE;
  }
  if (status->state == IPP_PSTATE_STOPPED || has_reason (status, "paused")) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_STOPPED,
                 _("The badge printer “%s” is stopped (%s): a staff member must check it and "
                   "resume the queue (cupsenable %s)"), queue, detail, queue);
    return FALSE;
  }
  if (before_submit && !status->accepting) {
    g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_STOPPED,
                 _("The badge printer “%s” is not accepting jobs: a staff member must enable "
                   "it (cupsaccept %s)"), queue, queue);
    return FALSE;
  }
  if (has_reason (status, "offline") || has_reason (status, "shutdown") ||
      has_reason (status, "timed-out")) {
    gint64 now = g_get_monotonic_time ();

    if (*offline_since == 0)
      *offline_since = now;
    if (now - *offline_since >= OFFLINE_GRACE_US) {
      g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_OFFLINE,
                   _("The badge printer “%s” is offline: check its power and cable"), queue);
      return FALSE;
    }
  } else {
    *offline_since = 0;
  }
  return TRUE;
}

static gboolean
submit_job (http_t      *http,
            const char  *queue,
            const char  *media,
            GBytes      *pdf,
            const char  *title,
            int         *job_id,
            GError     **error)
{
  cups_option_t *options = NULL;
  int n_options = 0;
  gconstpointer data;
  gsize size;
  int id;

  n_options = cupsAddOption ("media", media, n_options, &options);
  /* The PDF is exactly the label: print it 1:1, never fitted or rotated onto other media. */
  n_options = cupsAddOption ("print-scaling", "none", n_options, &options);
  n_options = cupsAddOption ("copies", "1", n_options, &options);

  id = cupsCreateJob (http, queue, title, n_options, options);
  cupsFreeOptions (n_options, options);
  if (id <= 0) {
    set_ipp_error (error, queue);
    return FALSE;
  }
  *job_id = id;

  data = g_bytes_get_data (pdf, &size);
  if (cupsStartDocument (http, queue, id, "badge.pdf", CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE ||
      cupsWriteRequestData (http, data, size) != HTTP_STATUS_CONTINUE) {
    set_ipp_error (error, queue);
    cupsFinishDocument (http, queue);
    return FALSE;
  }
  if (cupsFinishDocument (http, queue) > IPP_STATUS_OK_CONFLICTING) {
    set_ipp_error (error, queue);
    return FALSE;
  }
  return TRUE;
}

typedef struct {
  ipp_jstate_t state;
  char        *reasons;
  char        *message;
  gboolean     started;   /* time-at-processing is set: the printer began it */
} JobStatus;

static gboolean
get_job_status (http_t      *http,
                const char  *queue,
                int          job_id,
                JobStatus   *job,
                GError     **error)
{
  static const char * const wanted[] = {
    "job-state", "job-state-reasons", "job-printer-state-message", "time-at-processing",
  };
  ipp_attribute_t *attr;
  ipp_t *response;
  g_auto(GStrv) reasons = NULL;

  response = get_attributes (http, IPP_OP_GET_JOB_ATTRIBUTES, queue, job_id, wanted,
                             G_N_ELEMENTS (wanted), error);
  if (response == NULL)
    return FALSE;
  attr = ippFindAttribute (response, "job-state", IPP_TAG_ENUM);
  job->state = attr != NULL ? (ipp_jstate_t)ippGetInteger (attr, 0) : IPP_JSTATE_PENDING;
  reasons = strings_of (response, "job-state-reasons");
  job->reasons = g_strjoinv (", ", reasons);
  job->message = text_of (response, "job-printer-state-message");
  attr = ippFindAttribute (response, "time-at-processing", IPP_TAG_INTEGER);
  job->started = attr != NULL && ippGetInteger (attr, 0) > 0;
  ippDelete (response);
  return TRUE;
}

static void
cancel_job (http_t     *http,
            const char *queue,
            int         job_id)
{
  if (job_id > 0 && cupsCancelJob2 (http, queue, job_id, 0) > IPP_STATUS_OK_CONFLICTING)
    g_debug ("cancelling job %d on %s: %s", job_id, queue, cupsLastErrorString ());
}

gboolean
foyer_badge_printer_print_pdf (FoyerBadgePrinter  *self,
                               GBytes             *pdf,
                               const char         *title,
                               int                *out_job_id,
                               GCancellable       *cancellable,
                               GError            **error)
{
  const char *media;
  PrinterStatus status = { 0 };
  gint64 offline_since = 0;
  gint64 deadline;
  http_t *http;
  int job_id = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), FALSE);
  g_return_val_if_fail (pdf != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if ((http = connect_cupsd (error)) == NULL)
    return FALSE;

  /* A stopped queue would hold the badge and print it whenever someone resumes it, long after
   * the visitor left: refuse up front instead. */
  if (!get_printer_status (http, self->queue, &status, error) ||
      !check_printer (self->queue, &status, TRUE, &offline_since, error))
    goto out;
  printer_status_clear (&status);

  media = foyer_badge_media_get_cups_name (foyer_badge_renderer_get_media (self->renderer));
  if (!submit_job (http, self->queue, media, pdf, title != NULL ? title : "Foyer badge",
                   &job_id, error))
    goto out;
  g_debug ("badge job %d sent to %s", job_id, self->queue);

  deadline = g_get_monotonic_time () + (gint64)self->timeout_s * G_USEC_PER_SEC;
  for (;;) {
    JobStatus job = { 0 };
    gboolean got;

    got = get_job_status (http, self->queue, job_id, &job, error);
    if (!got)
      goto cancel;
    if (job.state == IPP_JSTATE_COMPLETED) {
      g_free (job.reasons);
      g_free (job.message);
      ok = TRUE;
      goto out;
    }
    if (job.state == IPP_JSTATE_CANCELED || job.state == IPP_JSTATE_ABORTED) {
      g_autofree char *detail = job.message != NULL ? g_strdup (job.message)
                                : job.reasons != NULL && *job.reasons ? g_strdup (job.reasons)
                                : g_strdup (_("no reason given"));

      g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_JOB_FAILED,
                   job.state == IPP_JSTATE_ABORTED
                     ? _("The badge printer “%s” could not print the badge: the print job was "
                         "aborted (%s). Check the printer, then reprint")
                     : _("The badge printer “%s” could not print the badge: the print job was "
                         "cancelled (%s). Check the printer, then reprint"),
                   self->queue, detail);
      g_free (job.reasons);
      g_free (job.message);
      goto out;
    }
    g_free (job.reasons);
    g_free (job.message);

    if (!get_printer_status (http, self->queue, &status, error) ||
        !check_printer (self->queue, &status, FALSE, &offline_since, error))
      goto cancel;
    printer_status_clear (&status);

    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      goto cancel;
    if (g_get_monotonic_time () >= deadline) {
      g_set_error (error, FOYER_BADGE_PRINTER_ERROR, FOYER_BADGE_PRINTER_ERROR_TIMEOUT,
                   _("The badge printer “%s” did not print the badge within %u seconds: check "
                     "it, then reprint"), self->queue, self->timeout_s);
      goto cancel;
    }
    g_usleep (POLL_INTERVAL_US);
  }

cancel:
  cancel_job (http, self->queue, job_id);
out:
  printer_status_clear (&status);
  httpClose (http);
  if (out_job_id != NULL)
    *out_job_id = job_id;
  return ok;
}

gboolean
foyer_badge_printer_print (FoyerBadgePrinter       *self,
                           const FoyerRegistration *reg,
                           const char              *payload,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), FALSE);
  g_return_val_if_fail (reg != NULL, FALSE);

  pdf = foyer_badge_renderer_render (self->renderer, reg, payload, FOYER_BADGE_FORMAT_PDF, error);
  if (pdf == NULL)
    return FALSE;
  /* The job title shows in print queues: the short record id, never the visitor's name. */
  short_id = reg->id != NULL ? foyer_badge_code_short_id (reg->id) : NULL;
  title = g_strdup_printf ("Foyer badge %s", short_id != NULL ? short_id : "");
  return foyer_badge_printer_print_pdf (self, pdf, g_strstrip (title), NULL, cancellable, error);
}

/* --- async --- */

typedef struct {
  FoyerRegistration *reg;    /* only the fields a badge shows */
  char              *payload;
  FoyerStore        *store;  /* caller's thread only */
  GError            *print_error;
} PrintData;

static FoyerRegistration *
copy_for_badge (const FoyerRegistration *reg)
{
  FoyerRegistration *copy = g_new0 (FoyerRegistration, 1);

  copy->id = g_strdup (reg->id);
  copy->event = g_strdup (reg->event);
  copy->category = g_strdup (reg->category);
  copy->full_name = g_strdup (reg->full_name);
  copy->family_name = g_strdup (reg->family_name);
  copy->given_name = g_strdup (reg->given_name);
  copy->organization = g_strdup (reg->organization);
  copy->badge_code = g_strdup (reg->badge_code);
  return copy;
}

static void
free_badge_copy (FoyerRegistration *reg)
{
  g_free (reg->id);
  g_free (reg->event);
  g_free (reg->category);
  g_free (reg->full_name);
  g_free (reg->family_name);
  g_free (reg->given_name);
  g_free (reg->organization);
  g_free (reg->badge_code);
  g_free (reg);
}

static void
print_data_free (PrintData *data)
{
  g_clear_pointer (&data->reg, free_badge_copy);
  g_free (data->payload);
  g_clear_object (&data->store);
  g_clear_error (&data->print_error);
  g_free (data);
}

static void
print_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FoyerBadgePrinter *self = source_object;
  PrintData *data = task_data;
  GError *error = NULL;

  if (foyer_badge_printer_print (self, data->reg, data->payload, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Back in the caller's thread: record the outcome, then hand it to the caller. */
static void
print_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  FoyerBadgePrinter *self = FOYER_BADGE_PRINTER (source);
  PrintData *data = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);

  if (data->store != NULL && data->reg->id != NULL) {
    g_autoptr(GError) store_error = NULL;

    if (!foyer_badge_printer_record (data->store, data->reg->id, self->queue, error,
                                     &store_error))
      g_warning ("Could not record the badge print: %s", store_error->message);
  }

  if (error != NULL) {
    g_message ("Badge not printed on %s: %s", self->queue, error->message);
    g_task_return_error (outer, g_steal_pointer (&error));
  } else {
    g_task_return_boolean (outer, TRUE);
  }
}

void
foyer_badge_printer_print_async (FoyerBadgePrinter       *self,
                                 const FoyerRegistration *reg,
                                 const char              *payload,
                                 FoyerStore              *store,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  PrintData *data;

  g_return_if_fail (FOYER_IS_BADGE_PRINTER (self));
  g_return_if_fail (reg != NULL);
  g_return_if_fail (store == NULL || FOYER_IS_STORE (store));

  data = g_new0 (PrintData, 1);
  data->reg = copy_for_badge (reg);
  data->payload = g_strdup (payload);
  data->store = store != NULL ? g_object_ref (store) : NULL;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, foyer_badge_printer_print_async);
  g_task_set_task_data (outer, data, (GDestroyNotify)print_data_free);
  /* The outcome is recorded even when the caller cancels: the job may already be out. */
  g_task_set_check_cancellable (outer, FALSE);

  inner = g_task_new (self, cancellable, print_done_cb, g_object_ref (outer));
  g_task_set_source_tag (inner, print_thread);
  g_task_set_task_data (inner, data, NULL);
  g_task_run_in_thread (inner, print_thread);
}

gboolean
foyer_badge_printer_print_finish (FoyerBadgePrinter  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == foyer_badge_printer_print_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
foyer_badge_printer_record (FoyerStore    *store,
                            const char    *record_id,
                            const char    *queue,
                            const GError  *print_error,
                            GError       **error)
{
  g_return_val_if_fail (FOYER_IS_STORE (store), FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);

  return foyer_store_record_print (store, record_id, queue,
                                   print_error == NULL,
                                   print_error != NULL ? print_error->message : _("printed"),
                                   error);
}

/* --- one step at a time, for the print queue --- */

void
foyer_printer_status_free (FoyerPrinterStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->queue);
  g_strfreev (status->reasons);
  g_free (status->message);
  g_free (status);
}

FoyerPrinterStatus *
foyer_printer_status_copy (const FoyerPrinterStatus *status)
{
  FoyerPrinterStatus *copy = g_memdup2 (status, sizeof *status);

  copy->queue = g_strdup (status->queue);
  copy->reasons = g_strdupv (status->reasons);
  copy->message = g_strdup (status->message);
  return copy;
}

/* keyword without its -error/-warning/-report suffix */
static char *
reason_base (const char *keyword)
{
  static const char * const suffixes[] = { "-error", "-warning", "-report" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (keyword, suffixes[i]))
      return g_strndup (keyword, strlen (keyword) - strlen (suffixes[i]));
  return g_strdup (keyword);
}

static gboolean
reason_stops_printing (const char *keyword)
{
  static const char * const stopping[] = {
    "media-empty", "media-needed", "media-jam", "offline", "shutdown", "timed-out", "paused",
    "door-open", "cover-open", "marker-supply-empty", "toner-empty", "input-tray-missing",
  };
  g_autofree char *base = reason_base (keyword);

  if (g_str_has_suffix (keyword, "-error"))
    return TRUE;
  return g_strv_contains (stopping, base);
}

gboolean
foyer_printer_status_is_ready (const FoyerPrinterStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  if (status->state != FOYER_PRINTER_STATE_IDLE && status->state != FOYER_PRINTER_STATE_PROCESSING)
    return FALSE;
  if (!status->accepting)
    return FALSE;
  for (guint i = 0; status->reasons != NULL && status->reasons[i] != NULL; i++)
    if (reason_stops_printing (status->reasons[i]))
      return FALSE;
  return TRUE;
}

char *
foyer_printer_reason_describe (const char *keyword)
{
  static const struct { const char *keyword; const char *words; } known[] = {
    { "media-empty", N_("out of labels") },
    { "media-needed", N_("out of labels") },
    { "media-low", N_("labels running low") },
    { "media-jam", N_("label jam") },
    { "offline", N_("offline") },
    { "shutdown", N_("switched off") },
    { "timed-out", N_("not answering") },
    { "paused", N_("paused") },
    { "door-open", N_("cover open") },
    { "cover-open", N_("cover open") },
    { "marker-supply-empty", N_("out of ribbon or ink") },
    { "toner-empty", N_("out of ribbon or ink") },
    { "marker-supply-low", N_("ribbon or ink running low") },
    { "toner-low", N_("ribbon or ink running low") },
    { "connecting-to-device", N_("connecting") },
    { "cups-waiting-for-job-completed", N_("finishing a job") },
  };
  g_autofree char *base = NULL;

  g_return_val_if_fail (keyword != NULL, NULL);
  base = reason_base (keyword);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (base, known[i].keyword) == 0)
      return g_strdup (_(known[i].words));
  return g_strdup (keyword);
}

char *
foyer_printer_status_describe (const FoyerPrinterStatus *status)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (status != NULL, NULL);

  switch (status->state) {
  case FOYER_PRINTER_STATE_IDLE:
    g_string_append (text, _("Ready"));
    break;
  case FOYER_PRINTER_STATE_PROCESSING:
    g_string_append (text, _("Printing"));
    break;
  case FOYER_PRINTER_STATE_STOPPED:
    g_string_append (text, _("Stopped"));
    break;
  case FOYER_PRINTER_STATE_UNREACHABLE:
    g_string_append (text, _("Cannot be reached"));
    break;
  case FOYER_PRINTER_STATE_UNKNOWN:
  default:
    g_string_append (text, _("Not checked yet"));
    break;
  }
  if (status->state != FOYER_PRINTER_STATE_UNREACHABLE && !status->accepting &&
      status->state != FOYER_PRINTER_STATE_UNKNOWN)
    g_string_append_printf (text, " · %s", _("not accepting jobs"));
  for (guint i = 0; status->reasons != NULL && status->reasons[i] != NULL; i++) {
    g_autofree char *words = NULL;

    /* cupsdisable says "paused" as well as stopped: once is enough. */
    if (status->state == FOYER_PRINTER_STATE_STOPPED && g_str_has_prefix (status->reasons[i], "paused"))
      continue;
    words = foyer_printer_reason_describe (status->reasons[i]);

    /* media-empty and media-needed say the same to staff: once. */
    if (g_ptr_array_find_with_equal_func (said, words, g_str_equal, NULL))
      continue;
    g_string_append_printf (text, " · %s", words);
    g_ptr_array_add (said, g_steal_pointer (&words));
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

FoyerPrinterStatus *
foyer_badge_printer_query (FoyerBadgePrinter *self)
{
  FoyerPrinterStatus *out = g_new0 (FoyerPrinterStatus, 1);
  PrinterStatus status = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new ();
  http_t *http;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), NULL);

  out->queue = g_strdup (self->queue);
  if ((http = connect_cupsd (&error)) == NULL || !get_printer_status (http, self->queue, &status,
                                                                        &error)) {
    out->state = FOYER_PRINTER_STATE_UNREACHABLE;
    out->reasons = g_new0 (char *, 1);
    out->message = g_strdup (error->message);
    g_clear_pointer (&http, httpClose);
    return out;
  }
  httpClose (http);
  out->state = status.state == IPP_PSTATE_STOPPED ? FOYER_PRINTER_STATE_STOPPED
               : status.state == IPP_PSTATE_PROCESSING ? FOYER_PRINTER_STATE_PROCESSING
               : FOYER_PRINTER_STATE_IDLE;
  out->accepting = status.accepting;
  for (guint i = 0; status.reasons != NULL && status.reasons[i] != NULL; i++)
    if (strcmp (status.reasons[i], "none") != 0)
      g_ptr_array_add (reasons, g_strdup (status.reasons[i]));
  g_ptr_array_add (reasons, NULL);
  out->reasons = (char **)g_ptr_array_free (g_steal_pointer (&reasons), FALSE);
  out->message = g_steal_pointer (&status.message);
  out->queued_jobs = status.queued_jobs;
  printer_status_clear (&status);
  return out;
}

gboolean
foyer_badge_printer_submit_pdf (FoyerBadgePrinter  *self,
                                GBytes             *pdf,
                                const char         *title,
                                int                *job_id,
                                GError            **error)
{
  PrinterStatus status = { 0 };
  gint64 offline_since = 0;
  const char *media;
  gboolean ok = FALSE;
  http_t *http;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), FALSE);
  g_return_val_if_fail (pdf != NULL && job_id != NULL, FALSE);

  if ((http = connect_cupsd (error)) == NULL)
    return FALSE;
  media = foyer_badge_media_get_cups_name (foyer_badge_renderer_get_media (self->renderer));
  ok = get_printer_status (http, self->queue, &status, error) &&
       check_printer (self->queue, &status, TRUE, &offline_since, error) &&
       submit_job (http, self->queue, media, pdf, title != NULL ? title : "Foyer badge", job_id,
                   error);
  printer_status_clear (&status);
  httpClose (http);
  return ok;
}

gboolean
foyer_badge_printer_get_job_state (FoyerBadgePrinter  *self,
                                   int                 job_id,
                                   char              **state,
                                   char              **detail,
                                   gboolean           *started,
                                   GError            **error)
{
  JobStatus job = { 0 };
  http_t *http;
  gboolean ok;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  if ((http = connect_cupsd (error)) == NULL)
    return FALSE;
  ok = get_job_status (http, self->queue, job_id, &job, error);
  httpClose (http);
  if (!ok)
    return FALSE;
  *state = g_strdup (ippEnumString ("job-state", (int)job.state));
  if (started != NULL)
    *started = job.started;
  if (detail != NULL)
    *detail = job.message != NULL ? g_strdup (job.message)
              : job.reasons != NULL && *job.reasons != '\0' ? g_strdup (job.reasons) : NULL;
  g_free (job.reasons);
  g_free (job.message);
  return TRUE;
}

gboolean
foyer_badge_printer_cancel_job (FoyerBadgePrinter  *self,
                                int                 job_id,
                                GError            **error)
{
  http_t *http;
  gboolean ok;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), FALSE);

  if ((http = connect_cupsd (error)) == NULL)
    return FALSE;
  ok = cupsCancelJob2 (http, self->queue, job_id, 0) <= IPP_STATUS_OK_CONFLICTING;
  if (!ok)
    set_ipp_error (error, self->queue);
  httpClose (http);
  return ok;
}

int
foyer_badge_printer_find_job (FoyerBadgePrinter  *self,
                              const char         *title,
                              gint64              since,
                              GError            **error)
{
  cups_job_t *jobs = NULL;
  http_t *http;
  int n, found = 0;

  g_return_val_if_fail (FOYER_IS_BADGE_PRINTER (self), 0);
  g_return_val_if_fail (title != NULL, 0);

  if ((http = connect_cupsd (error)) == NULL)
    return 0;
  n = cupsGetJobs2 (http, &jobs, self->queue, 0, CUPS_WHICHJOBS_ALL);
  if (n < 0)
    set_ipp_error (error, self->queue);
  for (int i = 0; i < n; i++)
    if (g_strcmp0 (jobs[i].title, title) == 0 && jobs[i].creation_time >= since &&
        jobs[i].id > found)
      found = jobs[i].id;
  cupsFreeJobs (MAX (n, 0), jobs);
  httpClose (http);
  return found;
}
