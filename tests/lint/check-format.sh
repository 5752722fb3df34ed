#!/usr/bin/env bash
# check-format.sh SOURCE_ROOT — every C file we write must be as the root
# .clang-format (STYLE.md H12) formats it. The major version is pinned:
# another clang-format formats differently, and its verdict would be noise.
set -u
root=${1:?usage: check-format.sh SOURCE_ROOT}
want_major=14

version=$(clang-format --version 2>/dev/null) || {
  echo "format: clang-format is not installed"; exit 1; }
case "$version" in
  *"version $want_major."*) ;;
  *) echo "format: need clang-format $want_major, found: $version"; exit 1 ;;
esac

cd "$root" || exit 1
mapfile -t files < <(find src tests bench fuzz -type f \( -name '*.c' -o -name '*.h' \) \
                       -not -path 'tests/data/*' 2>/dev/null | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "format: no C files found under $root"; exit 1
fi

# One clang-format for all files first: one process per file took ~28 s
# of the test's 30 s timeout on the 2-core CI machine. Only when that
# finds something are the files checked one by one, to name each.
if clang-format --dry-run --Werror "${files[@]}" >/dev/null 2>&1; then
  echo "format: ok (${#files[@]} files)"
  exit 0
fi

bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "format: $f is not as clang-format $want_major formats it (clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
if [ "$bad" -ne 0 ]; then
  echo "format: $bad of ${#files[@]} files need 'meson compile -C _build clang-format'"
  exit 1
fi
echo "format: ok (${#files[@]} files)"
