/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-hub-report-model.c: the rows a report is computed from, normalised on the way in so that
 * matching across events compares like with like.
 */
#define G_LOG_DOMAIN "foyer-hub-report"

#include "config.h"

#include "foyer-payload.h"
#include "foyer-hub-report-model.h"

struct _FoyerHubReportModel {
  GObject    parent_instance;

  char      *event;
  char      *name;
  char      *region;
  GTimeZone *timezone;
  GArray    *visitors;   /* FoyerHubVisitor */
  GArray    *leads;      /* FoyerHubLead */
};

G_DEFINE_FINAL_TYPE (FoyerHubReportModel, foyer_hub_report_model, G_TYPE_OBJECT)

static void
visitor_clear (gpointer data)
{
  FoyerHubVisitor *v = data;

  g_free (v->registration_id);
  g_free (v->category);
  g_free (v->gate);
  g_free (v->area);
  g_strfreev (v->interests);
  g_free (v->mobile);
  g_free (v->email);
  g_free (v->region);
}

static void
lead_clear (gpointer data)
{
  FoyerHubLead *l = data;

  g_free (l->booth);
  g_free (l->exhibitor);
  g_free (l->rating);
}

static void
foyer_hub_report_model_finalize (GObject *object)
{
  FoyerHubReportModel *self = FOYER_HUB_REPORT_MODEL (object);

  g_free (self->event);
  g_free (self->name);
  g_free (self->region);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_clear_pointer (&self->visitors, g_array_unref);
  g_clear_pointer (&self->leads, g_array_unref);

  G_OBJECT_CLASS (foyer_hub_report_model_parent_class)->finalize (object);
}

static void
foyer_hub_report_model_class_init (FoyerHubReportModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_hub_report_model_finalize;
}

static void
foyer_hub_report_model_init (FoyerHubReportModel *self)
{
  self->visitors = g_array_new (FALSE, TRUE, sizeof (FoyerHubVisitor));
  g_array_set_clear_func (self->visitors, visitor_clear);
  self->leads = g_array_new (FALSE, TRUE, sizeof (FoyerHubLead));
  g_array_set_clear_func (self->leads, lead_clear);
  self->region = g_strdup ("CN");
}

FoyerHubReportModel *
foyer_hub_report_model_new (const char *event,
                            const char *tz_identifier)
{
  FoyerHubReportModel *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (FOYER_TYPE_HUB_REPORT_MODEL, NULL);
  self->event = g_strdup (event);
  self->timezone = tz_identifier != NULL ? g_time_zone_new_identifier (tz_identifier) : NULL;
  if (self->timezone == NULL)
    self->timezone = g_time_zone_new_local ();
  return self;
}

const char *
foyer_hub_report_model_get_event (FoyerHubReportModel *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT_MODEL (self), NULL);
  return self->event;
}

void
foyer_hub_report_model_set_name (FoyerHubReportModel *self,
                                 const char          *name)
{
  g_return_if_fail (FOYER_IS_HUB_REPORT_MODEL (self));
  g_free (self->name);
  self->name = g_strdup (name);
}

const char *
foyer_hub_report_model_get_name (FoyerHubReportModel *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT_MODEL (self), NULL);
  return self->name != NULL ? self->name : self->event;
}

GTimeZone *
foyer_hub_report_model_get_timezone (FoyerHubReportModel *self)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT_MODEL (self), NULL);
  return self->timezone;
}

void
foyer_hub_report_model_set_region (FoyerHubReportModel *self,
                                   const char          *region)
{
  g_return_if_fail (FOYER_IS_HUB_REPORT_MODEL (self));
  g_free (self->region);
  self->region = g_strdup (region != NULL ? region : "CN");
}

/* Matching keys: the whole address lower-cased (mail servers ignore the local part's case in
 * practice, and a visitor types it differently at each show). */
static char *
email_key (const char *email)
{
  g_autofree char *normal = NULL;

  if (email == NULL || *email == '\0')
    return NULL;
  normal = foyer_email_normalize (email);
  return normal != NULL ? g_utf8_strdown (normal, -1) : NULL;
}

void
foyer_hub_report_model_add_visitor (FoyerHubReportModel      *self,
                                    const FoyerHubVisitorRow *row)
{
  FoyerHubVisitor v = { 0 };

  g_return_if_fail (FOYER_IS_HUB_REPORT_MODEL (self));
  g_return_if_fail (row != NULL && row->registration_id != NULL);

  v.registration_id = g_strdup (row->registration_id);
  v.category = g_strdup (row->category);
  v.seen_at = row->seen_at;
  v.gate = g_strdup (row->gate);
  v.area = g_strdup (row->area);
  v.interests = g_strdupv ((char **) row->interests);
  v.mobile = row->mobile != NULL && *row->mobile != '\0'
             ? foyer_phone_normalize (row->mobile, self->region) : NULL;
  v.email = email_key (row->email);
  v.consent = row->consent;
  v.has_company = row->has_company;
  v.has_title = row->has_title;
  v.region = g_strdup (row->region);
  g_array_append_val (self->visitors, v);
}

void
foyer_hub_report_model_add_lead (FoyerHubReportModel   *self,
                                 const FoyerHubLeadRow *row)
{
  FoyerHubLead l = { 0 };

  g_return_if_fail (FOYER_IS_HUB_REPORT_MODEL (self));
  g_return_if_fail (row != NULL && row->booth != NULL);

  l.booth = g_strdup (row->booth);
  l.exhibitor = g_strdup (row->exhibitor != NULL ? row->exhibitor : row->booth);
  l.rating = g_strdup (row->rating);
  l.follow_up = row->follow_up;
  g_array_append_val (self->leads, l);
}

const FoyerHubVisitor *
foyer_hub_report_model_get_visitors (FoyerHubReportModel *self,
                                     guint               *n_visitors)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT_MODEL (self), NULL);
  *n_visitors = self->visitors->len;
  return (const FoyerHubVisitor *) (gpointer) self->visitors->data;
}

const FoyerHubLead *
foyer_hub_report_model_get_leads (FoyerHubReportModel *self,
                                  guint               *n_leads)
{
  g_return_val_if_fail (FOYER_IS_HUB_REPORT_MODEL (self), NULL);
  *n_leads = self->leads->len;
  return (const FoyerHubLead *) (gpointer) self->leads->data;
}
