#!/usr/bin/env bash
# check-todos.sh SOURCE_ROOT — STYLE.md H10: no TODO, XXX or WIP lands, and
# a FIXME names its issue ("FIXME(#12)" or "FIXME #12").
set -u
root=${1:?usage: check-todos.sh SOURCE_ROOT}
cd "$root" || exit 1
status=0
dirs=()
for d in src tests bench fuzz tools data help; do [ -d "$d" ] && dirs+=("$d"); done

hits=$(grep -rnwE 'TODO|XXX|WIP' "${dirs[@]}" --exclude-dir=data --exclude='check-todos.sh' 2>/dev/null)
if [ -n "$hits" ]; then
  printf '%s\n' "$hits" | sed 's/^/todos: unfinished work marked: /'
  status=1
fi
hits=$(grep -rnw 'FIXME' "${dirs[@]}" --exclude-dir=data --exclude='check-todos.sh' 2>/dev/null \
       | grep -vE 'FIXME[( ]*#[0-9]+')
if [ -n "$hits" ]; then
  printf '%s\n' "$hits" | sed 's/^/todos: FIXME without an issue number: /'
  status=1
fi
[ "$status" -eq 0 ] && echo "todos: ok"
exit "$status"
