/* pigeon-preferences-window.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <handy.h>

G_BEGIN_DECLS

#define PIGEON_TYPE_PREFERENCES_WINDOW (pigeon_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (PigeonPreferencesWindow,
                      pigeon_preferences_window,
                      PIGEON,
                      PREFERENCES_WINDOW,
                      HdyPreferencesWindow)

GtkWindow *pigeon_preferences_window_new (GtkApplication *application,
                                          GtkWindow      *parent);

G_END_DECLS
