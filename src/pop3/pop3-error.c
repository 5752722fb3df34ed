/* pop3-error.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pop3-error.h"

GQuark
pop3_error_quark (void)
{
  return g_quark_from_static_string ("pop3-error-quark");
}
