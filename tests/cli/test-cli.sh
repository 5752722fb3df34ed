#!/usr/bin/env bash
# test-cli.sh PIGEON_CLI VERSION — pigeon-cli's interface as scripts see
# it: exit statuses, --version, --help, and no GTK in the binary. TAP.
set -u
cli=${1:?usage: test-cli.sh PIGEON_CLI VERSION}
version=${2:?usage: test-cli.sh PIGEON_CLI VERSION}
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# shellcheck source=tap-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap-lib.sh"

run () { "$cli" "$@" >"$out" 2>"$err"; rc=$?; }

run --version
check "--version exits 0" test "$rc" -eq 0
check "--version names pigeon-cli $version" test "$(head -n1 "$out")" = "pigeon-cli $version"
check "--version names the GLib, GMime and SQLite it runs with" \
  grep -qE '^GLib 2\.[0-9]+\.[0-9]+, GMime 3\.[0-9]+\.[0-9]+, SQLite 3\.[0-9]+\.[0-9]+$' "$out"

run --help
check "--help exits 0" test "$rc" -eq 0
check "--help lists --version" grep -q -- '--version' "$out"
check "--help says what pigeon-cli is" grep -q 'without a display' "$out"

run --no-such-option
check "an unknown option exits 2" test "$rc" -eq 2
check "an unknown option is named on stderr in one line" \
  test "$(wc -l <"$err")" -eq 1 -a -n "$(grep -- '--no-such-option' "$err")"

run frobnicate
check "an unknown command exits 2" test "$rc" -eq 2
check "an unknown command is named on stderr" grep -q 'frobnicate' "$err"
check "an unknown command prints nothing on stdout" test ! -s "$out"

run
check "no command exits 2 with the usage" test "$rc" -eq 2 -a -n "$(grep Usage "$err")"

# DESIGN.md: pigeon-cli is the engine without GTK.
check "pigeon-cli links no GTK, GDK or libhandy" \
  bash -c "! ldd '$cli' | grep -qE 'lib(gtk|gdk|handy)-'"

echo "1..$n"
exit "$failed"
