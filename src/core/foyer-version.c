/* SPDX-License-Identifier: GPL-3.0-or-later */
/* foyer-version.c: one place for the version string (User-Agent, --version, about). */
#include "config.h"

#include "foyer-version.h"

const char *
foyer_get_version (void)
{
  return PACKAGE_VERSION;
}
