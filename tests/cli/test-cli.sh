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
for command in account fetch list search show mark move delete folder \
  import export; do
  check "--help lists the $command command" grep -qE "^  $command " "$out"
done
for status in 0 1 2 3 4 5; do
  check "--help says what exit status $status means" \
    grep -qE "^  $status  [a-z]" "$out"
done

# Each command's --help shows the options issue #5 gives it.
help_has () {  # help_has "COMMAND WORDS" OPTION...
  local command=$1 option
  shift
  # shellcheck disable=SC2086 # the command's words are split on purpose
  "$cli" $command --help >"$out" 2>&1 || return 1
  for option in "$@"; do
    grep -qE -- "(^| )$option([ =,]|$)" "$out" || return 1
  done
}
check "account add --help shows its options" help_has "account add" \
  --name --email --host --port --security --user --password-stdin \
  --keep-on-server --delete-after-days --delete-when-deleted-locally \
  --size-limit --ca-file --pin-certificate --allow-insecure-auth
check "account list --help shows --json" help_has "account list" --json
check "fetch --help shows its options" help_has fetch --account \
  --password-stdin
check "list --help shows its options" help_has list --folder --unread \
  --flagged --limit --json
check "search --help shows its options" help_has search --limit --json
check "show --help shows --raw" help_has show --raw
check "mark --help shows its options" help_has mark --read --unread \
  --flagged --unflagged
check "move --help shows --folder" help_has move --folder
check "delete --help shows --permanently" help_has delete --permanently
check "import --help shows --folder" help_has import --folder
check "export --help shows its options" help_has export --folder --mbox --eml

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
