# shellcheck shell=bash
# The Debian packages Pigeon needs, and one function that installs those
# that are missing. Sourced by tools/run and tools/test; keep both lists
# here so they cannot drift apart.

# To build and run the app.
PIGEON_BUILD_PACKAGES=(
  gcc libc6-dev pkg-config meson ninja-build git gettext itstool
  libglib2.0-dev libgtk-3-dev libhandy-1-dev libgmime-3.0-dev
  libsqlite3-dev libsecret-1-dev
  glib-networking gnome-keyring desktop-file-utils appstream yelp-tools
)

# What the window needs at run time beyond the libraries: Help.
PIGEON_RUN_PACKAGES=(yelp)

# What `tools/run --demo` adds: a loopback POP3 server with sample mail.
PIGEON_DEMO_PACKAGES=(dovecot-core dovecot-pop3d openssl)

# What the test suites start or call: a real POP3 server, an X server and
# AT-SPI for the UI, a keyring (gnome-keyring is in the build list; the
# tests drive it with dbus-run-session, gdbus and secret-tool), the
# validators and the formatter.
PIGEON_TEST_PACKAGES=(
  dovecot-core dovecot-pop3d openssl
  xvfb xauth dbus dbus-x11 at-spi2-core python3 python3-dogtail
  libsecret-tools libglib2.0-bin clang-format flatpak-builder
  x11-utils xdotool imagemagick openbox
)

# What the benchmarks in bench/ run beside Pigeon: the peers (mpop and
# fetchmail for POP3 retrieval, notmuch for the store), the POP3 server
# they fetch from, GNU time for peak RSS and python3 for the generated
# mail.
PIGEON_BENCH_PACKAGES=(
  dovecot-core dovecot-pop3d openssl mpop fetchmail notmuch time python3
)

# pigeon_missing_packages PKG... — prints the ones not installed.
pigeon_missing_packages () {
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
  done
}

# pigeon_install_packages PKG... — installs whatever is missing, quietly,
# without recommends, and never lets a package start a system service
# (dovecot-core's postinst would start a Dovecot on every interface).
pigeon_install_packages () {
  local missing guard=""
  mapfile -t missing < <(pigeon_missing_packages "$@")
  [ "${#missing[@]}" -eq 0 ] && return 0

  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "tools: these Debian packages are missing and only root can install them: ${missing[*]}" >&2
    return 1
  fi

  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
  fi

  local rc=0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || rc=$?
  if [ "$rc" -eq 0 ]; then
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  fi

  [ -n "$guard" ] && rm -f "$guard"
  if [ "$rc" -ne 0 ]; then
    echo "tools: apt-get failed (exit $rc) installing: ${missing[*]}" >&2
  fi
  return "$rc"
}
