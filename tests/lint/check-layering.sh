#!/usr/bin/env bash
# check-layering.sh SRC_DIR — DESIGN.md's arrows, checked on #include lines
# and meson dependencies:
#   ui -> engine -> {pop3, mime, store} -> util
# GTK and libhandy only in src/ui and the top (src/*.c, src/*.h); GMime
# only in src/mime; sqlite3.h only in src/store; pop3, mime and store never
# include each other; nothing includes upwards. Prints every violation,
# exits 1 if there is one.
set -u
src=${1:?usage: check-layering.sh SRC_DIR}
status=0

violation () {
  echo "layering: $1"
  status=1
}

# includes_in DIR REGEX — "file:line:text" of matching #include lines
includes_in () {
  [ -d "$1" ] || return 0
  grep -rnE --include='*.c' --include='*.h' "^[[:space:]]*#[[:space:]]*include[[:space:]]*$2" "$1" || true
}

forbid () {  # forbid DIR REGEX WHY
  local hits
  hits=$(includes_in "$src/$1" "$2")
  if [ -n "$hits" ]; then
    while IFS= read -r hit; do
      violation "$hit — $3"
    done <<< "$hits"
  fi
}

gtk='[<"](gtk/|gdk/|handy\.h|gdk-pixbuf/)'
for dir in util pop3 mime store engine cli; do
  forbid "$dir" "$gtk" "GTK belongs to src/ui and the top only"
done
for dir in util pop3 store engine cli ui; do
  forbid "$dir" '[<"]gmime/' "GMime belongs to src/mime only"
done
for dir in util pop3 mime engine cli ui; do
  forbid "$dir" '[<"]sqlite3\.h' "sqlite3.h belongs to src/store only"
done
# The top (src/*.c) may include GTK but no GMime or SQLite either.
for f in "$src"/*.c "$src"/*.h; do
  [ -e "$f" ] || continue
  if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](gmime/|sqlite3\.h)' "$f" >/dev/null; then
    violation "$f — GMime and SQLite stay below the engine"
  fi
done

# Module headers carry their module word, so the arrows are checkable.
forbid pop3 '"(mime|store|engine|pigeon)-' "pop3 sees only util"
forbid mime '"(pop3|store|engine|pigeon)-' "mime sees only util"
forbid store '"(pop3|mime|engine|pigeon)-' "store sees only util"
forbid util '"(pop3|mime|store|engine|pigeon)-' "util is the bottom layer"
forbid engine '"pigeon-' "the engine never sees the UI"
forbid cli '"pigeon-' "pigeon-cli never sees the UI"

# Below ui, no meson target may depend on GTK or libhandy.
for dir in util pop3 mime store engine cli; do
  build="$src/$dir/meson.build"
  if [ -f "$build" ] && grep -nE '\b(gtk_dep|handy_dep|ui_dep)\b' "$build" >/dev/null; then
    violation "$build — depends on GTK or the UI"
  fi
done

[ "$status" -eq 0 ] && echo "layering: ok"
exit "$status"
