/* pigeon-window.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-window.h"

struct _PigeonWindow
{
  HdyApplicationWindow parent_instance;

  /* owned */
  GSettings    *settings;
  GCancellable *cancellable;

  /* The last size the window had while it was not maximized: what it
   * should come back to, whatever state it is closed in. */
  int      saved_width;
  int      saved_height;
  gboolean is_maximized;
};

G_DEFINE_FINAL_TYPE (PigeonWindow, pigeon_window, HDY_TYPE_APPLICATION_WINDOW)

static void
restore_window_state (PigeonWindow *self)
{
  self->saved_width = g_settings_get_int (self->settings, "window-width");
  self->saved_height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), self->saved_width,
                               self->saved_height);

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (PigeonWindow *self)
{
  g_settings_set_int (self->settings, "window-width", self->saved_width);
  g_settings_set_int (self->settings, "window-height", self->saved_height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          self->is_maximized);
}

static void
pigeon_window_size_allocate (GtkWidget *widget, GtkAllocation *allocation)
{
  PigeonWindow *self = PIGEON_WINDOW (widget);

  GTK_WIDGET_CLASS (pigeon_window_parent_class)
      ->size_allocate (widget, allocation);

  if (!self->is_maximized)
    gtk_window_get_size (GTK_WINDOW (self), &self->saved_width,
                         &self->saved_height);
}

static gboolean
pigeon_window_window_state_event (GtkWidget *widget, GdkEventWindowState *event)
{
  PigeonWindow *self = PIGEON_WINDOW (widget);

  self->is_maximized =
      (event->new_window_state & GDK_WINDOW_STATE_MAXIMIZED) != 0;

  return GTK_WIDGET_CLASS (pigeon_window_parent_class)
      ->window_state_event (widget, event);
}

static void
pigeon_window_dispose (GObject *object)
{
  PigeonWindow *self = PIGEON_WINDOW (object);

  /* dispose runs first when the window is destroyed (and may run again):
   * save once, while the settings are still here. */
  if (self->settings != NULL)
    save_window_state (self);

  /* Whatever this window started stops with it. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pigeon_window_parent_class)->dispose (object);
}

static void
pigeon_window_class_init (PigeonWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_window_dispose;

  widget_class->size_allocate = pigeon_window_size_allocate;
  widget_class->window_state_event = pigeon_window_window_state_event;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH
                                               "/ui/pigeon-window.ui");
}

static void
pigeon_window_init (PigeonWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();

  restore_window_state (self);
}

/**
 * pigeon_window_new:
 * @application: the #GtkApplication the window belongs to
 *
 * Returns: (transfer none): a new main window, owned by its application.
 */
PigeonWindow *
pigeon_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (PIGEON_TYPE_WINDOW, "application", application, NULL);
}
