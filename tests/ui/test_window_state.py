#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Maximized or not, the window comes back as it was closed, and its
unmaximized size survives a maximized session. Needs a window manager:
run-ui-test.sh starts one when PIGEON_TEST_WM is set."""

import subprocess

from dogtail import rawinput

from pigeon_ui import App, Tap, saved_settings, wait_for

tap = Tap()


def window_id():
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name',
                          '^Pigeon$'], capture_output=True, text=True).stdout
    ids = out.split()
    return ids[0] if ids else None


def double_click_title(win):
    """Double-clicks the header bar beside its title: GTK's title-bar
    gesture that maximizes and restores. (The title-bar buttons are not
    exposed to AT-SPI.)"""
    x, y = win.position
    w, _ = win.size
    rawinput.doubleClick(x + w // 4, y + 25)


def is_maximized():
    wid = window_id()
    if wid is None:
        return None
    out = subprocess.run(['xprop', '-id', wid, '_NET_WM_STATE'],
                         capture_output=True, text=True).stdout
    return ('_NET_WM_STATE_MAXIMIZED_VERT' in out
            and '_NET_WM_STATE_MAXIMIZED_HORZ' in out)


# --- first run: maximize with the header bar's button, quit ---------------
app = App()
win = app.frame('Pigeon')
tap.check(wait_for(lambda: is_maximized() is False, 10),
          'a first run starts unmaximized')
double_click_title(win)
tap.check(wait_for(is_maximized, 10),
          'double-clicking the header bar maximizes the window')
app.press('<Control>q', over=win)
tap.check(app.wait_exit() == 0, 'Ctrl+Q quits the maximized window')
saved = saved_settings()
tap.check(saved.get('window-maximized') == 'true',
          'the maximized state is saved', saved)
# The size to come back to is the unmaximized one, not the screen's.
tap.check(saved.get('window-width', '960') == '960'
          and saved.get('window-height', '640') == '640',
          'the unmaximized size is kept while maximized', saved)

# --- second run: comes back maximized; restore and quit -------------------
app = App()
win = app.frame('Pigeon')
tap.check(wait_for(is_maximized, 10), 'the window comes back maximized')
double_click_title(win)
tap.check(wait_for(lambda: is_maximized() is False, 10),
          'double-clicking the header bar again restores the window')
app.press('<Control>q', over=win)
tap.check(app.wait_exit() == 0, 'the second run quits with status 0')
tap.check(saved_settings().get('window-maximized') == 'false',
          'the restored state is saved', saved_settings())

tap.finish()
