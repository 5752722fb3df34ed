#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# with-keyring.sh CMD [ARG...] — runs CMD against a real GNOME Keyring of
# its own (TOOLING.md §4). Run it inside a private session bus:
#
#   dbus-run-session -- tests/with-keyring.sh ./_build/tests/engine/test-engine-secret
#
# The keyring lives in a throw-away HOME and XDG_RUNTIME_DIR, so a test
# never sees or touches the user's passwords; its exit status is CMD's.
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: with-keyring.sh CMD [ARG...]" >&2
  exit 2
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "with-keyring.sh: no session bus; run it under dbus-run-session" >&2
  exit 2
fi

# Whatever the bus activates (the keyring's unlock prompter) must find no
# display: a prompt on the developer's screen would hold the test until
# someone answers it, and headless it fails at once, which is what the
# locked-keyring tests expect.
unset DISPLAY WAYLAND_DISPLAY
dbus-update-activation-environment DISPLAY= WAYLAND_DISPLAY=

HOME=$(mktemp -d -t pigeon-keyring-home-XXXXXX)
XDG_RUNTIME_DIR=$(mktemp -d -t pigeon-keyring-run-XXXXXX)
export HOME XDG_RUNTIME_DIR
export XDG_DATA_HOME="$HOME/.local/share"
chmod 700 "$XDG_RUNTIME_DIR"
KEYRING_PID=

cleanup () {
  if [ -n "$KEYRING_PID" ]; then
    kill "$KEYRING_PID" 2>/dev/null || true
    # Gone, or a zombie its reaper has not collected yet: either way it
    # no longer holds the keyring files removed below.
    for _ in $(seq 100); do
      state=$(sed 's/.*) \(.\).*/\1/' "/proc/$KEYRING_PID/stat" 2>/dev/null || true)
      [ -z "$state" ] || [ "$state" = Z ] && break
      sleep 0.05
    done
  fi
  rm -rf "$HOME" "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT

# --unlock reads the password of a new "login" keyring (the default
# collection) on stdin and leaves it unlocked. It must not be empty: with
# an empty one the daemon asks a prompter, which needs a display, and
# every store fails with "Object does not exist at path .../login".
printf 'pigeon-test-keyring' \
  | gnome-keyring-daemon --unlock --components=secrets >/dev/null

# The daemon forks: wait for its bus name, or the test's first call would
# D-Bus-activate a second daemon.
gdbus wait --session --timeout 10 org.freedesktop.secrets
KEYRING_PID=$(gdbus call --session --dest org.freedesktop.DBus \
  --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.GetConnectionUnixProcessID \
  org.freedesktop.secrets | sed -n 's/^(uint32 \([0-9]*\),)$/\1/p')
if [ -z "$KEYRING_PID" ]; then
  echo "with-keyring.sh: cannot find the keyring daemon's process" >&2
  exit 1
fi

rc=0
"$@" || rc=$?
exit "$rc"
