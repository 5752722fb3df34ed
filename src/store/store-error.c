/* store-error.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "store-error.h"

GQuark
store_error_quark (void)
{
  return g_quark_from_static_string ("store-error-quark");
}
