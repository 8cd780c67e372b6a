/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-wedge.c: keystroke-rhythm classification for keyboard-wedge scanners. */
#define G_LOG_DOMAIN "foyer-wedge"

#include "config.h"

#include "foyer-wedge.h"

struct _FoyerWedge {
  GObject   parent_instance;

  gint64    interkey_us;
  GString  *burst;         /* UTF-8 of the current burst */
  guint     burst_chars;
  gint64    last_time;     /* of the last key; G_MININT64 when none */
};

G_DEFINE_FINAL_TYPE (FoyerWedge, foyer_wedge, G_TYPE_OBJECT)

static void
foyer_wedge_finalize (GObject *object)
{
  FoyerWedge *self = (FoyerWedge *)object;

  g_string_free (self->burst, TRUE);

  G_OBJECT_CLASS (foyer_wedge_parent_class)->finalize (object);
}

static void
foyer_wedge_class_init (FoyerWedgeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = foyer_wedge_finalize;
}

static void
foyer_wedge_init (FoyerWedge *self)
{
  self->burst = g_string_new (NULL);
  self->interkey_us = 30 * 1000;
  self->last_time = G_MININT64;
}

FoyerWedge *
foyer_wedge_new (guint interkey_ms)
{
  FoyerWedge *self = g_object_new (FOYER_TYPE_WEDGE, NULL);

  self->interkey_us = (gint64)MAX (interkey_ms, 1) * 1000;
  return self;
}

FoyerWedge *
foyer_wedge_new_from_config (FoyerConfig *config)
{
  g_return_val_if_fail (FOYER_IS_CONFIG (config), NULL);
  return foyer_wedge_new (foyer_config_get_int (config, "scanner", "interkey-ms"));
}

guint
foyer_wedge_get_interkey_ms (FoyerWedge *self)
{
  g_return_val_if_fail (FOYER_IS_WEDGE (self), 0);
  return (guint)(self->interkey_us / 1000);
}

void
foyer_wedge_reset (FoyerWedge *self)
{
  g_return_if_fail (FOYER_IS_WEDGE (self));

  g_string_truncate (self->burst, 0);
  self->burst_chars = 0;
  self->last_time = G_MININT64;
}

static gboolean
within_burst (FoyerWedge *self,
              gint64      time_us)
{
  /* Events can arrive with equal times (the X server's ms clock) but never earlier. */
  return self->last_time != G_MININT64 && time_us >= self->last_time &&
         time_us - self->last_time <= self->interkey_us;
}

FoyerWedgeVerdict
foyer_wedge_feed (FoyerWedge *self,
                  gunichar    c,
                  gint64      time_us)
{
  FoyerWedgeVerdict verdict;

  g_return_val_if_fail (FOYER_IS_WEDGE (self), FOYER_WEDGE_HUMAN);

  if (within_burst (self, time_us)) {
    verdict = FOYER_WEDGE_BURST;
  } else {
    /* Too slow for a scanner: whatever came before was a person; start afresh. */
    g_string_truncate (self->burst, 0);
    self->burst_chars = 0;
    verdict = FOYER_WEDGE_HUMAN;
  }
  g_string_append_unichar (self->burst, c);
  self->burst_chars++;
  self->last_time = time_us;
  return verdict;
}

GBytes *
foyer_wedge_feed_enter (FoyerWedge *self,
                        gint64      time_us)
{
  GBytes *code = NULL;

  g_return_val_if_fail (FOYER_IS_WEDGE (self), NULL);

  if (within_burst (self, time_us) && self->burst_chars >= FOYER_WEDGE_MIN_LENGTH)
    code = g_bytes_new (self->burst->str, self->burst->len);
  foyer_wedge_reset (self);
  return code;
}

guint
foyer_wedge_get_burst_length (FoyerWedge *self)
{
  g_return_val_if_fail (FOYER_IS_WEDGE (self), 0);
  return self->burst_chars;
}
