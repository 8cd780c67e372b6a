/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-thread.c: see the header. Hand-written: GLib has no per-thread priority call, and
 * setpriority() on a thread id is Linux's way of setting one thread's nice value. */
#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "foyer-thread.h"

void
foyer_thread_lower_priority (int         niceness,
                             const char *what)
{
  id_t tid = (id_t)syscall (SYS_gettid);
  int current;

  errno = 0;
  current = getpriority (PRIO_PROCESS, tid);
  if (errno == 0 && setpriority (PRIO_PROCESS, tid, MIN (current + niceness, 19)) != 0)
    g_debug ("cannot lower the priority of %s: %s", what, g_strerror (errno));
}
