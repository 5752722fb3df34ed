/* store-library-private.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "store-library.h"

G_BEGIN_DECLS

void _store_library_init (void);

/* The function store_library_set_body_text_func() set, or NULL. */
StoreBodyTextFunc _store_library_get_body_text_func (void);

G_END_DECLS
