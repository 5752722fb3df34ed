#!/usr/bin/env bash
# run-tool.sh TOOL ARGS... — runs a validator, or fails saying it is missing:
# under tools/test a missing tool is a failure, never a skip.
set -u
tool=${1:?usage: run-tool.sh TOOL ARGS...}
shift
if ! command -v "$tool" >/dev/null 2>&1; then
  echo "$tool is not installed (tools/test installs it)"
  exit 1
fi
exec "$tool" "$@"
