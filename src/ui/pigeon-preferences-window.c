/* pigeon-preferences-window.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-preferences-window.h"

/* The rows are bound to the stateful "app.color-scheme" action that the
 * application makes from its GSettings key, so the window holds no state
 * of its own: what it shows is what is saved. */
struct _PigeonPreferencesWindow
{
  HdyPreferencesWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (PigeonPreferencesWindow,
                     pigeon_preferences_window,
                     HDY_TYPE_PREFERENCES_WINDOW)

static void
pigeon_preferences_window_class_init (PigeonPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (
      widget_class,
      RESOURCE_BASE_PATH "/ui/pigeon-preferences-window.ui");
}

static void
pigeon_preferences_window_init (PigeonPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * pigeon_preferences_window_new:
 * @application: the application whose actions the rows drive
 * @parent: (nullable): the window to keep the preferences above
 *
 * Returns: (transfer none): a new preferences window, owned by GTK until
 *   it is closed.
 */
GtkWindow *
pigeon_preferences_window_new (GtkApplication *application,
                               GtkWindow      *parent)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (PIGEON_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
