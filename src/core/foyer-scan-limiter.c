/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-scan-limiter.c: a sliding one-minute window of unknown codes (see the header). */
#define G_LOG_DOMAIN "foyer-limiter"

#include "config.h"

#include "foyer-scan-limiter.h"

struct _FoyerScanLimiter {
  GObject                parent_instance;

  guint                  limit;
  GQueue                 times;     /* gint64 µs of the unknown codes in the window, oldest first */
  gboolean               locked;
  FoyerScanLimiterClock  clock;
  gpointer               clock_data;
};

G_DEFINE_FINAL_TYPE (FoyerScanLimiter, foyer_scan_limiter, G_TYPE_OBJECT)

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
foyer_scan_limiter_finalize (GObject *object)
{
  FoyerScanLimiter *self = (FoyerScanLimiter *)object;

  g_queue_clear_full (&self->times, g_free);
  G_OBJECT_CLASS (foyer_scan_limiter_parent_class)->finalize (object);
}

static void
foyer_scan_limiter_class_init (FoyerScanLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_scan_limiter_finalize;
}

static void
foyer_scan_limiter_init (FoyerScanLimiter *self)
{
  g_queue_init (&self->times);
  self->clock = default_clock;
}

FoyerScanLimiter *
foyer_scan_limiter_new (guint limit)
{
  FoyerScanLimiter *self = g_object_new (FOYER_TYPE_SCAN_LIMITER, NULL);

  self->limit = limit;
  return self;
}

void
foyer_scan_limiter_set_clock (FoyerScanLimiter      *self,
                              FoyerScanLimiterClock  clock,
                              gpointer               user_data)
{
  g_return_if_fail (FOYER_IS_SCAN_LIMITER (self));
  self->clock = clock != NULL ? clock : default_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
}

gboolean
foyer_scan_limiter_add_unknown (FoyerScanLimiter *self)
{
  gint64 now;

  g_return_val_if_fail (FOYER_IS_SCAN_LIMITER (self), FALSE);

  if (self->limit == 0 || self->locked)
    return FALSE;
  now = self->clock (self->clock_data);
  while (!g_queue_is_empty (&self->times) &&
         *(gint64 *)g_queue_peek_head (&self->times) <=
         now - (gint64)FOYER_SCAN_LIMITER_WINDOW_SECONDS * G_USEC_PER_SEC)
    g_free (g_queue_pop_head (&self->times));
  g_queue_push_tail (&self->times, g_memdup2 (&now, sizeof now));
  if (g_queue_get_length (&self->times) < self->limit)
    return FALSE;
  self->locked = TRUE;
  g_message ("%u unknown codes within %d s: scanning is locked until staff enter the PIN",
             self->limit, FOYER_SCAN_LIMITER_WINDOW_SECONDS);
  return TRUE;
}

gboolean
foyer_scan_limiter_is_locked (FoyerScanLimiter *self)
{
  g_return_val_if_fail (FOYER_IS_SCAN_LIMITER (self), FALSE);
  return self->locked;
}

void
foyer_scan_limiter_unlock (FoyerScanLimiter *self)
{
  g_return_if_fail (FOYER_IS_SCAN_LIMITER (self));
  self->locked = FALSE;
  g_queue_clear_full (&self->times, g_free);
}
