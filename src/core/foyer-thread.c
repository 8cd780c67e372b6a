/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-thread.c: see the header. Hand-written: GLib has no per-thread priority call, and
 * setpriority() on a thread id is Linux's way of setting one thread's nice value.
 *
 * Why background threads also sleep while a person waits, rather than only being nicer: the
 * kiosk's two cores are shared by the UI thread, the X server (or compositor) that shows its
 * frames, and a pull's writing and fetching threads. Nice values only weigh the shares; a UI
 * thread that wakes (from the disk, from the X server) still often found both cores taken and
 * waited for one (bench-ui during a pull of 200,000 rows: the UI thread's wait for a core per
 * scan p95 6 ms instead of 2 ms idle, on a quiet machine). An unprivileged thread cannot raise
 * its priority back (nor leave SCHED_IDLE) for the length of a visitor's answer, so the
 * background threads step aside by sleeping instead, between rows and between chunks of a
 * download, for as long as the answer takes: about 20 ms a scan. */
#define _GNU_SOURCE 1   /* SCHED_IDLE */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "foyer-thread.h"

static _Thread_local gboolean background;   /* this thread lowered its priority */
static gint64 foreground_until_us;          /* monotonic; 0: nobody waits. Atomic */
static GMutex foreground_lock;              /* for foreground_ended */
static GCond foreground_ended;

void
foyer_thread_lower_priority (int         niceness,
                             const char *what)
{
  id_t tid = (id_t)syscall (SYS_gettid);
  int current;

  background = TRUE;
  errno = 0;
  current = getpriority (PRIO_PROCESS, tid);
  if (errno == 0 && setpriority (PRIO_PROCESS, tid, MIN (current + niceness, 19)) != 0)
    g_debug ("cannot lower the priority of %s: %s", what, g_strerror (errno));
}

void
foyer_thread_idle_priority (const char *what)
{
  struct sched_param param = { 0 };

  if (sched_setscheduler ((pid_t)syscall (SYS_gettid), SCHED_IDLE, &param) == 0) {
    background = TRUE;
    return;
  }
  g_debug ("cannot move %s to SCHED_IDLE: %s", what, g_strerror (errno));
  foyer_thread_lower_priority (19, what);
}

void
foyer_thread_foreground_begin (void)
{
  __atomic_store_n (&foreground_until_us,
                    g_get_monotonic_time () + FOYER_THREAD_FOREGROUND_MAX_MS * G_TIME_SPAN_MILLISECOND,
                    __ATOMIC_RELAXED);
}

void
foyer_thread_foreground_end (void)
{
  g_mutex_lock (&foreground_lock);
  __atomic_store_n (&foreground_until_us, 0, __ATOMIC_RELAXED);
  g_cond_broadcast (&foreground_ended);
  g_mutex_unlock (&foreground_lock);
}

gboolean
foyer_thread_foreground_active (void)
{
  return g_get_monotonic_time () < __atomic_load_n (&foreground_until_us, __ATOMIC_RELAXED);
}

gboolean
foyer_thread_must_give_way (void)
{
  return background && foyer_thread_foreground_active ();
}

gint64
foyer_thread_give_way (void)
{
  gint64 start, until;

  if (!foyer_thread_must_give_way ())
    return 0;
  start = g_get_monotonic_time ();
  g_mutex_lock (&foreground_lock);
  /* A new wait (foreground_begin) may move the end while this sleeps: read it again. */
  while ((until = __atomic_load_n (&foreground_until_us, __ATOMIC_RELAXED)) > g_get_monotonic_time ())
    g_cond_wait_until (&foreground_ended, &foreground_lock, until);
  g_mutex_unlock (&foreground_lock);
  return g_get_monotonic_time () - start;
}
