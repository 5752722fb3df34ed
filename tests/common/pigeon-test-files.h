/* pigeon-test-files.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void pigeon_test_remove_tree (const char *path);

G_END_DECLS
