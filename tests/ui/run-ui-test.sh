#!/usr/bin/env bash
# run-ui-test.sh BUILD_DIR SCRIPT [ARGS...]   (run inside dbus-run-session)
#
# Gives a UI test its own world: an Xvfb display, AT-SPI on this private
# session bus, scratch XDG directories with a keyfile GSettings backend (so
# the test can read what the app saved), and a stand-in "help:" handler
# that records the URI it was asked to open. Nothing of the user's desktop
# is read or written. A missing Xvfb is a failure, not a skip.
#
# PIGEON_TEST_WM=openbox also starts a window manager, for what only a
# window manager does (maximizing); without it there is none, as in most
# tests: windows sit at 0,0 and focus follows the pointer.
set -euo pipefail
build=$(cd "${1:?usage: run-ui-test.sh BUILD_DIR SCRIPT}" && pwd)
script=${2:?usage: run-ui-test.sh BUILD_DIR SCRIPT}
shift 2

command -v Xvfb >/dev/null || { echo "Xvfb is not installed (tools/test installs it)"; exit 1; }

scratch=$(mktemp -d)
xvfb_pid=""
wm_pid=""
cleanup () {
  [ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null && wait "$wm_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

# -displayfd writes the display number once Xvfb is ready: no sleep, no race.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$scratch/display" 2>"$scratch/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$scratch/display" ] && break; sleep 0.1; done
[ -s "$scratch/display" ] || { echo "Xvfb did not start:"; cat "$scratch/xvfb.log"; exit 1; }
export DISPLAY=":$(head -n1 "$scratch/display")"
unset WAYLAND_DISPLAY

if [ -n "${PIGEON_TEST_WM:-}" ]; then
  command -v "$PIGEON_TEST_WM" >/dev/null || { echo "$PIGEON_TEST_WM is not installed (tools/test installs it)"; exit 1; }
  "$PIGEON_TEST_WM" >"$scratch/wm.log" 2>&1 &
  wm_pid=$!
  # The window manager is up once it names itself on the root window.
  for _ in $(seq 100); do
    xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && break
    sleep 0.1
  done
  if ! xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id'; then
    # Once seen: openbox could not open a display Xvfb had announced.
    # What Xvfb said, and whether it still runs, tell the next one why.
    echo "$PIGEON_TEST_WM did not start on $DISPLAY:"
    cat "$scratch/wm.log"
    kill -0 "$xvfb_pid" 2>/dev/null && echo "(Xvfb still runs)" || echo "(Xvfb is gone)"
    echo "Xvfb said:"
    cat "$scratch/xvfb.log"
    exit 1
  fi
fi

export HOME="$scratch/home"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_DATA_HOME="$scratch/data"
export XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
export PIGEON_DATA_DIR="$scratch/pigeon"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME/applications" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR="$build/data"
export NO_AT_BRIDGE=0

# The stand-in help viewer: records the URI, exits.
cat > "$scratch/help-viewer" <<EOS
#!/bin/sh
printf '%s\n' "\$1" >> "$scratch/help-opened"
EOS
chmod +x "$scratch/help-viewer"
cat > "$XDG_DATA_HOME/applications/pigeon-test-help.desktop" <<EOS
[Desktop Entry]
Type=Application
Name=Pigeon test help viewer
Exec=$scratch/help-viewer %u
MimeType=x-scheme-handler/help;
NoDisplay=true
EOS
printf '[Default Applications]\nx-scheme-handler/help=pigeon-test-help.desktop\n' \
  > "$XDG_CONFIG_HOME/mimeapps.list"

# ESSENTIAL: the bus started before X, so the AT-SPI services it activates
# would otherwise get no DISPLAY and dogtail's clicks would do nothing.
dbus-update-activation-environment DISPLAY XAUTHORITY XDG_RUNTIME_DIR \
  XDG_CONFIG_HOME XDG_DATA_HOME GSETTINGS_BACKEND 2>/dev/null
gsettings set org.gnome.desktop.interface toolkit-accessibility true

export PIGEON_TEST_SCRATCH="$scratch"
export PIGEON_TEST_BUILD="$build"
/usr/bin/python3 "$script" "$@"
