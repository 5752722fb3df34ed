#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window as a user meets it: empty state, primary menu,
Preferences, Keyboard Shortcuts, Help, About, Quit, and the window size
and style remembered across runs. Run by run-ui-test.sh."""

import os
import subprocess
import time

from pigeon_ui import (SCRATCH, App, Tap, saved_settings, screenshot,
                       remove_help_handlers, wait_for)

tap = Tap()


def window_size(name):
    """The X window's size as xdotool sees it (no window manager here)."""
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name',
                          f'^{name}$', 'getwindowgeometry', '%@'],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        if 'Geometry:' in line:
            w, h = line.split()[-1].split('x')
            return int(w), int(h)
    return None


def resize(name, width, height):
    subprocess.run(['xdotool', 'search', '--onlyvisible', '--name',
                    f'^{name}$', 'windowsize', '%@', str(width), str(height)],
                   check=False)


def help_opened():
    try:
        with open(os.path.join(SCRATCH, 'help-opened')) as f:
            return f.read().split()
    except FileNotFoundError:
        return []


def open_menu_item(app, win, label):
    menu = app.find(name='Main Menu', roleName='toggle button')
    menu.click()
    item = app.find_settled(name=label, roleName='push button')
    if item is None:
        return False
    item.click()
    return True


# --- first run: defaults, menu, preferences, shortcuts, help, about -------
app = App()
win = app.frame('Pigeon')
tap.check(win is not None, 'the main window is titled Pigeon')
wait_for(lambda: window_size('Pigeon'), 5)
first_size = window_size('Pigeon')

empty = app.find(name='No Accounts Yet')
tap.check(empty is not None and 'command line' in empty.description
          and 'Learn More' in empty.description,
          'the empty state says there are no accounts and where to add one',
          getattr(empty, 'description', 'no empty state'))
tap.check(app.find(name='Learn More', roleName='push button') is not None,
          'the empty state offers Learn More')
screenshot('pigeon-window.png')

menu = app.find(name='Main Menu', roleName='toggle button')
menu.click()
items = [app.find_settled(name=n, roleName='push button', timeout=5) for n in
         ('Preferences', 'Keyboard Shortcuts', 'Help', 'About Pigeon', 'Quit')]
tap.check(all(i is not None for i in items),
          'the primary menu has Preferences, Keyboard Shortcuts, Help, About and Quit',
          [i is not None for i in items])
screenshot('pigeon-menu.png')
items[0].click()
prefs = app.frame('Preferences')
tap.check(prefs is not None, 'Preferences opens')
dark = app.find(name='Dark', roleName='radio button')
follow = app.find(name='Follow System', roleName='radio button')
tap.check(follow is not None and follow.checked,
          'Follow System is the default style')
if dark is not None:
    dark.click()
tap.check(wait_for(lambda: dark.checked, 5) is True,
          'choosing Dark checks it')
tap.check(wait_for(lambda: not follow.checked, 5) is True,
          'choosing Dark unchecks Follow System')
screenshot('pigeon-preferences-dark.png')
if prefs is not None:
    app.press('Escape', over=prefs)
tap.check(wait_for(lambda: app.frame('Preferences', timeout=0.1) is None, 5),
          'Escape closes Preferences')

tap.check(open_menu_item(app, win, 'Keyboard Shortcuts')
          and app.frame('Keyboard Shortcuts') is not None,
          'Keyboard Shortcuts opens the shortcuts window')
shortcuts = app.frame('Keyboard Shortcuts', timeout=1)
if shortcuts is not None:
    listed = wait_for(lambda: {n.name for n in shortcuts.findChildren(
        lambda n: n.roleName == 'label' and n.showing)} >= {'Preferences', 'Help', 'Quit'}, 5)
    tap.check(listed, 'the shortcuts window lists Preferences, Help and Quit',
              [n.name for n in shortcuts.findChildren(lambda n: n.roleName == 'label')])
    screenshot('pigeon-shortcuts.png')
    app.press('Escape', over=shortcuts)
    wait_for(lambda: app.frame('Keyboard Shortcuts', timeout=0.1) is None, 5)
else:
    tap.check(False, 'the shortcuts window lists Preferences, Help and Quit')

tap.check(open_menu_item(app, win, 'Help')
          and wait_for(lambda: 'help:pigeon' in help_opened(), 10),
          'Help opens help:pigeon in the help viewer', help_opened())

tap.check(open_menu_item(app, win, 'About Pigeon'),
          'About Pigeon is in the menu')
about = wait_for(lambda: next((f for f in app.frames()
                               if f.name.startswith('About')), None), 10)
tap.check(about is not None, 'the About dialog opens')
if about is not None:
    tap.check(app.find(name='0.1.0', timeout=5) is not None
              or app.find(name='Version 0.1.0', timeout=1) is not None,
              'About shows the version from meson')
    tap.check(app.find(name='Website', timeout=5) is not None,
              'About links the website')
    screenshot('pigeon-about.png')
    app.press('Escape', over=about)

resize('Pigeon', 720, 520)
time.sleep(1)
tap.check(window_size('Pigeon') == (720, 520), 'the window can be resized',
          window_size('Pigeon'))
app.press('<Control>q', over=win)
tap.check(app.wait_exit() == 0, 'Ctrl+Q quits with status 0')

# GTK saves the size without the client-side shadow around the X window,
# so what was saved moved by as much as the X window did.
saved = saved_settings()
tap.check(first_size is not None
          and saved.get('window-width') == str(960 - (first_size[0] - 720))
          and saved.get('window-height') == str(640 - (first_size[1] - 520)),
          'the window size is saved on quit', (first_size, saved))
tap.check(saved.get('color-scheme') == "'dark'",
          'the chosen style is saved', saved)

# --- second run: the size comes back; a broken help viewer is reported ----
remove_help_handlers()
app = App()
win = app.frame('Pigeon')
tap.check(win is not None
          and wait_for(lambda: window_size('Pigeon') == (720, 520), 5),
          'the window comes back at its saved size', window_size('Pigeon'))
app.press('F1', over=win)
error = wait_for(lambda: app.find(name='Could Not Open Help', timeout=0.5), 10)
tap.check(error is not None, 'Help without a help viewer is reported, not ignored')
if error is not None:
    screenshot('pigeon-help-error.png')
    close = app.find(name='Close', roleName='push button')
    if close is not None:
        close.click()
app.press('<Control>q', over=win)
tap.check(app.wait_exit() == 0, 'the second run quits with status 0')

tap.finish()
