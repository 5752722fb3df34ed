# tap-lib.sh — sourced by the pigeon-cli test scripts: TAP output for
# checks on a command's last run, whose output is in "$out" and "$err".
n=0
failed=0

check () {  # check DESCRIPTION COMMAND...
  local description=$1
  shift
  n=$((n + 1))
  if "$@"; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    sed 's/^/# stdout: /' "$out" | head -n 20
    sed 's/^/# stderr: /' "$err" | head -n 20
    failed=1
  fi
}
