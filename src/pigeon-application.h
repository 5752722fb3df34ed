/* pigeon-application.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PIGEON_TYPE_APPLICATION (pigeon_application_get_type ())

G_DECLARE_FINAL_TYPE (
    PigeonApplication, pigeon_application, PIGEON, APPLICATION, GtkApplication)

PigeonApplication *pigeon_application_new (void);

G_END_DECLS
