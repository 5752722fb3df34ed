/* pigeon-application.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pigeon-application.h"

#include <glib/gi18n.h>
#include <handy.h>

#include "engine-library.h"
#include "pigeon-preferences-window.h"
#include "pigeon-window.h"

struct _PigeonApplication
{
  GtkApplication parent_instance;

  /* owned */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (PigeonApplication,
                     pigeon_application,
                     GTK_TYPE_APPLICATION)

static GtkWindow *
get_main_window (PigeonApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
       l != NULL; l = l->next)
    {
      if (PIGEON_IS_WINDOW (l->data))
        return GTK_WINDOW (l->data);
    }

  return NULL;
}

/* The style preference maps onto libhandy's colour schemes: "default"
 * follows the desktop's dark-style preference and falls back to light. */
static void
apply_color_scheme (PigeonApplication *self)
{
  HdyStyleManager *manager = hdy_style_manager_get_default ();
  g_autofree char *scheme =
      g_settings_get_string (self->settings, "color-scheme");

  if (g_strcmp0 (scheme, "dark") == 0)
    hdy_style_manager_set_color_scheme (manager, HDY_COLOR_SCHEME_FORCE_DARK);
  else if (g_strcmp0 (scheme, "light") == 0)
    hdy_style_manager_set_color_scheme (manager, HDY_COLOR_SCHEME_FORCE_LIGHT);
  else
    hdy_style_manager_set_color_scheme (manager, HDY_COLOR_SCHEME_PREFER_LIGHT);
}

static void
on_settings_color_scheme_changed_cb (PigeonApplication *self,
                                     const char        *key,
                                     GSettings         *settings)
{
  apply_color_scheme (self);
}

static void
show_error_dialog (GtkWindow  *parent,
                   const char *primary,
                   const char *secondary)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (
      parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
      GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
pigeon_application_preferences_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  PigeonApplication *self = user_data;
  GtkWindow         *preferences;

  preferences = pigeon_preferences_window_new (GTK_APPLICATION (self),
                                               get_main_window (self));
  gtk_window_present (preferences);
}

static void
on_help_launched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonApplication) self = user_data;
  g_autoptr (GError)            error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* GIO says "Operation not supported" when nothing handles help: URIs,
   * which tells the user nothing: name what is missing instead. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    show_error_dialog (get_main_window (self), _ ("Could Not Open Help"),
                       _ ("No help viewer is installed. Install the GNOME "
                          "Help application (Yelp) to read Pigeon’s "
                          "manual."));
  else
    show_error_dialog (get_main_window (self), _ ("Could Not Open Help"),
                       error->message);
}

static void
pigeon_application_help_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  PigeonApplication              *self = user_data;
  g_autoptr (GdkAppLaunchContext) context = NULL;

  /* Not gtk_show_uri_on_window (): GTK 3.24 reports a failure to launch
   * only on the terminal. GIO's async launch tells us, and uses the
   * OpenURI portal by itself inside Flatpak. */
  context = gdk_display_get_app_launch_context (gdk_display_get_default ());
  g_app_info_launch_default_for_uri_async (
      "help:pigeon", G_APP_LAUNCH_CONTEXT (context), NULL, on_help_launched_cb,
      g_object_ref (self));
}

static void
pigeon_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  PigeonApplication *self = user_data;
  const char        *authors[] = { _ ("The Pigeon authors"), NULL };
  g_autofree char   *versions = engine_library_describe_versions ();

  gtk_show_about_dialog (
      get_main_window (self), "program-name", _ ("Pigeon"), "logo-icon-name",
      APPLICATION_ID, "version", PACKAGE_VERSION, "comments",
      _ ("Read your POP3 mail offline, every account in "
         "one window"),
      "copyright", _ ("© The Pigeon authors"), "license-type",
      GTK_LICENSE_GPL_3_0, "website", PACKAGE_WEBSITE, "website-label",
      _ ("Website"), "authors", authors,
      /* Translators: put your names here, one a line. */
      "translator-credits", _ ("translator-credits"), "system-information",
      versions, NULL);
}

static void
pigeon_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  PigeonApplication *self = user_data;
  GList             *windows;

  /* Destroying the windows, not only quitting the main loop, lets each
   * save its state and cancel its work before the process ends. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_widget_destroy (GTK_WIDGET (l->data));
  g_list_free (windows);

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_entries[] = {
  { "preferences", pigeon_application_preferences_action },
  { "help", pigeon_application_help_action },
  { "about", pigeon_application_about_action },
  { "quit", pigeon_application_quit_action },
};

static void
pigeon_application_startup (GApplication *application)
{
  PigeonApplication *self = PIGEON_APPLICATION (application);
  g_autoptr (GError) error = NULL;
  GtkIconTheme      *icon_theme;

  G_APPLICATION_CLASS (pigeon_application_parent_class)->startup (application);

  hdy_init ();

  if (!engine_library_init (&error))
    g_error ("Pigeon cannot start: %s", error->message);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);

  gtk_application_set_accels_for_action (
      GTK_APPLICATION (self), "app.quit",
      (const char *[]){ "<Control>q", NULL });
  gtk_application_set_accels_for_action (
      GTK_APPLICATION (self), "app.preferences",
      (const char *[]){ "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help",
                                         (const char *[]){ "F1", NULL });

  /* The icons are in the resource too, so the About dialog and the window
   * show them when Pigeon runs from its build tree. */
  icon_theme = gtk_icon_theme_get_default ();
  gtk_icon_theme_add_resource_path (icon_theme, RESOURCE_BASE_PATH "/icons");
  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (on_settings_color_scheme_changed_cb),
                           self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
}

static void
pigeon_application_activate (GApplication *application)
{
  PigeonApplication *self = PIGEON_APPLICATION (application);
  GtkWindow         *window = get_main_window (self);

  if (window == NULL)
    window = GTK_WINDOW (pigeon_window_new (GTK_APPLICATION (self)));

  gtk_window_present (window);
}

static void
pigeon_application_shutdown (GApplication *application)
{
  /* Settings are written asynchronously; the window's size must reach the
   * disk before the process goes. */
  g_settings_sync ();

  G_APPLICATION_CLASS (pigeon_application_parent_class)->shutdown (application);
}

static void
pigeon_application_finalize (GObject *object)
{
  PigeonApplication *self = PIGEON_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pigeon_application_parent_class)->finalize (object);
}

static void
pigeon_application_class_init (PigeonApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = pigeon_application_finalize;

  app_class->startup = pigeon_application_startup;
  app_class->activate = pigeon_application_activate;
  app_class->shutdown = pigeon_application_shutdown;
}

static void
pigeon_application_init (PigeonApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
}

PigeonApplication *
pigeon_application_new (void)
{
  return g_object_new (PIGEON_TYPE_APPLICATION, "application-id",
                       APPLICATION_ID, "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE_PATH, NULL);
}
