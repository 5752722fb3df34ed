#!/usr/bin/env bash
# Proves check-layering.sh catches what it exists to catch: a clean copy of
# src/ passes, and each planted violation makes it fail. Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: test-check-layering.sh SRC_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cases=(
  "store/store-error.c|#include <gtk/gtk.h>"
  "engine/engine-library.c|#include <handy.h>"
  "cli/pigeon-cli.c|#include <gdk/gdk.h>"
  "engine/engine-library.c|#include <gmime/gmime.h>"
  "ui/pigeon-window.c|#include <sqlite3.h>"
  "pop3/pop3-error.c|#include \"store-error.h\""
  "store/store-library.c|#include \"mime-library.h\""
  "util/util-paths.c|#include \"engine-library.h\""
  "engine/engine-library.c|#include \"pigeon-window.h\""
  "pigeon-application.c|#include <sqlite3.h>"
  "engine/meson.build|x = gtk_dep"
)

echo "1..$(( ${#cases[@]} + 1 ))"
n=1
cp -r "$src" "$work/src"
if "$here/check-layering.sh" "$work/src" >/dev/null; then
  echo "ok $n - the clean tree passes"
else
  echo "not ok $n - the clean tree fails"
fi

for c in "${cases[@]}"; do
  n=$((n + 1))
  file=${c%%|*}
  line=${c#*|}
  rm -rf "$work/src"
  cp -r "$src" "$work/src"
  printf '%s\n' "$line" >> "$work/src/$file"
  if "$here/check-layering.sh" "$work/src" >/dev/null; then
    echo "not ok $n - not caught: '$line' in $file"
  else
    echo "ok $n - caught '$line' in $file"
  fi
done
