/* engine-error.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "engine-error.h"

GQuark
engine_error_quark (void)
{
  return g_quark_from_static_string ("engine-error-quark");
}
