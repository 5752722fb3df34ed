# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of Pigeon's dogtail tests: start the app, find things with
a bounded wait, read the keyfile settings, print TAP."""

import configparser
import os
import subprocess
import sys
import time

# stdout is TAP and dogtail talks on stdout: keep a private copy of it for
# the TAP lines and send everything else to stderr.
TAP_OUT = os.fdopen(os.dup(1), 'w', buffering=1)
os.dup2(2, 1)

from dogtail import config  # noqa: E402

config.searchCutoffCount = 20      # give up after ~10 s instead of hanging
config.logDebugToFile = False
config.logDebugToStdOut = False    # stdout is TAP
config.defaultDelay = 0.3

from dogtail import rawinput, tree  # noqa: E402

SCRATCH = os.environ['PIGEON_TEST_SCRATCH']
BUILD = os.environ['PIGEON_TEST_BUILD']
PIGEON = os.path.join(BUILD, 'src', 'pigeon')
SCHEMA = 'io.github.pigeon_mail.Pigeon'


class Tap:
    """Collects results and prints them as TAP, one line a check."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, ok, description, detail=''):
        self.count += 1
        if ok:
            print(f'ok {self.count} - {description}', file=TAP_OUT)
        else:
            self.failed += 1
            print(f'not ok {self.count} - {description}', file=TAP_OUT)
            if detail:
                for line in str(detail).splitlines():
                    print(f'# {line}', file=TAP_OUT)
        return ok

    def finish(self):
        print(f'1..{self.count}', file=TAP_OUT)
        sys.exit(1 if self.failed else 0)


def wait_for(condition, timeout=10.0, interval=0.1):
    """Polls condition() until it returns something true, at most timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:  # the node may not exist yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


class App:
    """One run of the pigeon binary, found on the AT-SPI bus."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([PIGEON, *args])
        self.node = wait_for(lambda: tree.root.application('pigeon'), 20)
        if self.node is None:
            self.kill()
            raise RuntimeError('pigeon did not appear on the accessibility bus')

    def find(self, name=None, roleName=None, timeout=10.0):
        """The first showing node with that name and role, waiting for it."""
        def match(node):
            return (node.showing
                    and (name is None or node.name == name)
                    and (roleName is None or node.roleName == roleName))
        return wait_for(lambda: self.node.findChild(match, retry=False,
                                                    requireResult=False),
                        timeout)

    def find_settled(self, name=None, roleName=None, timeout=10.0):
        """Like find, once the node has stopped moving: a popover slides in,
        and a click at a position read mid-slide would miss."""
        node = self.find(name, roleName, timeout)
        if node is None:
            return None
        last = [None]

        def settled():
            pos = node.position
            same = pos == last[0]
            last[0] = pos
            return same
        wait_for(settled, timeout, interval=0.15)
        return node

    def frames(self):
        return [c for c in self.node.children
                if c.roleName in ('frame', 'dialog', 'window')]

    def frame(self, name, timeout=10.0):
        return wait_for(lambda: next((f for f in self.frames()
                                      if f.name == name and f.showing), None),
                        timeout)

    def press(self, combo, over=None):
        # No window manager: keyboard focus follows the pointer, so put it
        # over the window first or the keys go nowhere.
        if over is not None:
            x, y = over.position
            rawinput.absoluteMotion(x + 40, y + 80)
        rawinput.keyCombo(combo)

    def wait_exit(self, timeout=20):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def saved_settings():
    """What the app wrote through GSettings' keyfile backend."""
    path = os.path.join(os.environ['XDG_CONFIG_HOME'], 'glib-2.0',
                        'settings', 'keyfile')
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path)
    section = '/' + SCHEMA.replace('.', '/') + '/'
    section = section.replace('//', '/').rstrip('/')
    for name in parser.sections():
        if name.strip('/') == section.strip('/'):
            return dict(parser[name])
    return {}


def remove_help_handlers():
    """Leaves no viewer for help: URIs, not even a system Yelp."""
    path = os.path.join(os.environ['XDG_CONFIG_HOME'], 'mimeapps.list')
    with open(path, 'w') as f:
        f.write('[Removed Associations]\n'
                'x-scheme-handler/help=yelp.desktop;pigeon-test-help.desktop;\n')


def screenshot(name):
    """Saves the whole screen next to the test's build files."""
    out = os.path.join(BUILD, 'tests', 'ui', name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run(['import', '-window', 'root', out], check=False)
    return out
