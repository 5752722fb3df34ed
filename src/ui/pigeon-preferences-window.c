/* pigeon-preferences-window.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-preferences-window.h"

struct _PigeonPreferencesWindow
{
  HdyPreferencesWindow parent_instance;

  /* template widgets */
  GtkToggleButton *scheme_default;
  GtkToggleButton *scheme_light;
  GtkToggleButton *scheme_dark;

  /* owned */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (PigeonPreferencesWindow,
                     pigeon_preferences_window,
                     HDY_TYPE_PREFERENCES_WINDOW)

/* The settings are the one truth: the radio buttons show the saved style,
 * a click saves it, and the application applies whatever is saved (also
 * when it is changed from outside, by gsettings say). */
static void
show_saved_color_scheme (PigeonPreferencesWindow *self)
{
  g_autofree char *scheme =
      g_settings_get_string (self->settings, "color-scheme");
  GtkToggleButton *button = self->scheme_default;

  if (g_strcmp0 (scheme, "light") == 0)
    button = self->scheme_light;
  else if (g_strcmp0 (scheme, "dark") == 0)
    button = self->scheme_dark;

  /* In a radio group, activating one deactivates the others. */
  gtk_toggle_button_set_active (button, TRUE);
}

static void
on_scheme_toggled_cb (GtkToggleButton *button, PigeonPreferencesWindow *self)
{
  const char *scheme = "default";

  if (!gtk_toggle_button_get_active (button))
    return;

  if (button == self->scheme_light)
    scheme = "light";
  else if (button == self->scheme_dark)
    scheme = "dark";

  g_settings_set_string (self->settings, "color-scheme", scheme);
}

static void
on_settings_color_scheme_changed_cb (PigeonPreferencesWindow *self,
                                     const char              *key,
                                     GSettings               *settings)
{
  show_saved_color_scheme (self);
}

static void
pigeon_preferences_window_dispose (GObject *object)
{
  PigeonPreferencesWindow *self = PIGEON_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pigeon_preferences_window_parent_class)->dispose (object);
}

static void
pigeon_preferences_window_class_init (PigeonPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (
      widget_class, RESOURCE_BASE_PATH "/ui/pigeon-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonPreferencesWindow,
                                        scheme_default);
  gtk_widget_class_bind_template_child (widget_class, PigeonPreferencesWindow,
                                        scheme_light);
  gtk_widget_class_bind_template_child (widget_class, PigeonPreferencesWindow,
                                        scheme_dark);
  gtk_widget_class_bind_template_callback (widget_class, on_scheme_toggled_cb);
}

static void
pigeon_preferences_window_init (PigeonPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  show_saved_color_scheme (self);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (on_settings_color_scheme_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

/**
 * pigeon_preferences_window_new:
 * @application: the application the window belongs to
 * @parent: (nullable): the window to keep the preferences above
 *
 * Returns: (transfer none): a new preferences window, owned by GTK until
 *   it is closed.
 */
GtkWindow *
pigeon_preferences_window_new (GtkApplication *application, GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (PIGEON_TYPE_PREFERENCES_WINDOW, "application",
                       application, "transient-for", parent, "modal",
                       parent != NULL, NULL);
}
