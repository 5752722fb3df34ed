/* pigeon-window.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <handy.h>

G_BEGIN_DECLS

#define PIGEON_TYPE_WINDOW (pigeon_window_get_type ())

G_DECLARE_FINAL_TYPE (
    PigeonWindow, pigeon_window, PIGEON, WINDOW, HdyApplicationWindow)

PigeonWindow *pigeon_window_new (GtkApplication *application);

G_END_DECLS
