#!/usr/bin/env bash
# test-cli-fetch.sh PIGEON_CLI DOVECOT_SERVE MAIL_DIR — pigeon-cli's
# account and fetch commands end to end: a real Dovecot (seeded with the
# corpus), a real GNOME Keyring (run under tests/with-keyring.sh), a real
# store. Messages must arrive byte for byte, the server must hold what
# each policy says, and the password must show up nowhere but the
# keyring. TAP.
set -u
cli=${1:?usage: test-cli-fetch.sh PIGEON_CLI DOVECOT_SERVE MAIL_DIR}
serve=${2:?usage: test-cli-fetch.sh PIGEON_CLI DOVECOT_SERVE MAIL_DIR}
mail=${3:?usage: test-cli-fetch.sh PIGEON_CLI DOVECOT_SERVE MAIL_DIR}
work=$(mktemp -d)
export PIGEON_DATA_DIR="$work/data"
export XDG_CONFIG_HOME="$work/config"
export XDG_CACHE_HOME="$work/cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
out="$work/out"
err="$work/err"

# The server runs as a coprocess; closing its stdin stops it.
coproc SERVER { "$serve" --seed-dir "$mail"; }
server_pid=$SERVER_PID
cleanup () {
  exec {SERVER[1]}>&- 2>/dev/null
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill "$server_pid" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
while read -r line <&"${SERVER[0]}"; do
  [ "$line" = READY ] && break
  eval "$line"
done
if [ -z "${TLS_PORT:-}" ]; then
  echo "Bail out! the Dovecot server did not start"
  exit 1
fi

# shellcheck source=tap-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap-lib.sh"

run () { "$cli" "$@" >"$out" 2>"$err" </dev/null; rc=$?; }
run_with_password () {  # run_with_password PASSWORD ARGS...
  local password=$1
  shift
  printf '%s\n' "$password" | "$cli" "$@" >"$out" 2>"$err"
  rc=$?
}
status_is () { test "$rc" -eq "$1"; }
stdout_is () { test "$(cat "$out")" = "$1"; }
stderr_has () { grep -qF -- "$1" "$err"; }
on_server () { find "$MAILDIR/cur" "$MAILDIR/new" -type f | wc -l; }
server_holds () { test "$(on_server)" -eq "$1"; }
fixtures=$(find "$mail" -maxdepth 1 -name '*.eml' | wc -l)

# What Dovecot serves for a fixture: LF made CRLF, a final line end added.
expected_sums () {
  python3 - "$mail" <<'EOF'
import hashlib, pathlib, re, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob('*.eml')):
    data = re.sub(rb'(?<!\r)\n', b'\r\n', path.read_bytes())
    if not data.endswith(b'\r\n'):
        data += b'\r\n'
    print(hashlib.sha256(data).hexdigest())
EOF
}
exported_sums () {
  for f in "$1"/*; do sha256sum "$f" | cut -d' ' -f1; done | sort
}

# --- account add, list ------------------------------------------------
run_with_password "$POP3_PASSWORD" account add --name work \
  --email alice@example.org --host 127.0.0.1 --port "$TLS_PORT" \
  --security tls --user "$POP3_USER" --ca-file "$CA_FILE" \
  --keep-on-server --password-stdin
check "account add exits 0" status_is 0

run account list --json
is_json () { python3 -m json.tool "$1" >/dev/null; }
# keyring_holds PASSWORD — the keyring's password of the account "work".
keyring_holds () {
  local uuid
  uuid=$(python3 -c "import sqlite3; print(sqlite3.connect('$PIGEON_DATA_DIR/pigeon.db').execute(\"select uuid from accounts where name = 'work'\").fetchone()[0])")
  secret-tool lookup account "$uuid" | grep -qxF -- "$1"
}
check "account list --json is JSON" is_json "$out"
check "account list --json gives the settings" python3 - "$out" "$TLS_PORT" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
[a] = doc['accounts']
assert a['name'] == 'work' and a['host'] == '127.0.0.1', a
assert a['port'] == int(sys.argv[2]) and a['security'] == 'tls', a
assert a['keep_on_server'] is True and a['delete_after_days'] == 0, a
assert a['last_fetch'] is None, a
EOF
check "account list never shows the password" \
  bash -c "! grep -qF -- '$POP3_PASSWORD' '$out'"

run_with_password "$POP3_PASSWORD" account add --name work \
  --email a@example.org --host 127.0.0.1 --user x --password-stdin
check "a second account of the same name exits 1" status_is 1
check "... and says the name is taken" stderr_has "already"

run account add --name bad --email nobody --host 127.0.0.1 --user x
check "an invalid address exits 1" status_is 1
check "... and names the setting" stderr_has "email address"

run account add --name bad --email bad@example.org --host 127.0.0.1 --user x \
  --pin-certificate "$FINGERPRINT" --ca-file "$CA_FILE"
check "a pin and a CA file together exit 2" status_is 2
check "... naming both" stderr_has "--pin-certificate and --ca-file contradict"
run account edit work --enable --disable
check "contradicting options to edit exit 2" status_is 2
check "... naming both" stderr_has "--enable and --disable contradict"

# --- fetch, keeping copies --------------------------------------------
# With the protocol log on (GLib prints debug messages on stdout).
G_MESSAGES_DEBUG=all "$cli" fetch >"$work/debug.log" 2>&1 </dev/null
rc=$?
cp "$work/debug.log" "$out"
check "fetch exits 0" status_is 0
check "fetch says what it did" grep -qx \
  "work: $fixtures new, $fixtures kept on server, 0 deleted from server" \
  "$work/debug.log"
check "the server keeps every message" server_holds "$fixtures"

run export --folder work/Inbox --eml "$work/eml"
check "export exits 0" status_is 0
check "every message arrived byte for byte, once" \
  test "$(exported_sums "$work/eml")" = "$(expected_sums | sort)"

run fetch
check "a second fetch finds nothing new" \
  stdout_is "work: 0 new, $fixtures kept on server, 0 deleted from server"
run fetch --account work --account WORK
check "an account named twice is fetched once" \
  stdout_is "work: 0 new, $fixtures kept on server, 0 deleted from server"
check "... and the fetch exits 0" status_is 0

# Several accounts fetch at once; one whose server is down holds up no
# other, and the exit status says what went wrong.
printf '%s\n' "$POP3_PASSWORD" | "$cli" account add --name down \
  --email down@example.org --host 127.0.0.1 --port 1 --user x \
  --password-stdin >/dev/null 2>&1
run fetch
check "with an account whose server is down, fetch exits 4" status_is 4
check "... the other account still fetches" \
  stdout_is "work: 0 new, $fixtures kept on server, 0 deleted from server"
check "... and the failure names its account" stderr_has "down: "
run account remove down
check "account remove exits 0" status_is 0

# DESIGN.md invariant 6: the password is in the keyring and nowhere else.
check "the password is not in the store" \
  bash -c "! grep -rqaF -- '$POP3_PASSWORD' '$PIGEON_DATA_DIR'"
check "the password is not in the settings or cache" \
  bash -c "! grep -rqaF -- '$POP3_PASSWORD' '$XDG_CONFIG_HOME' '$XDG_CACHE_HOME'"
check "the protocol log was written" grep -q "C: PASS\|C: AUTH" "$work/debug.log"
check "the password is not in the protocol log" \
  bash -c "! grep -qaF -- '$POP3_PASSWORD' '$work/debug.log'"

# --- certificates ------------------------------------------------------
run account edit work --no-pin
check "account edit exits 0" status_is 0
run fetch
check "an untrusted certificate exits 4" status_is 4
check "... showing its fingerprint and how to pin it" \
  stderr_has "--pin-certificate $FINGERPRINT"
run account edit work --pin-certificate "$FINGERPRINT"
run fetch
check "the pinned certificate is accepted" status_is 0

# --- bad password, once -----------------------------------------------
run_with_password "not-the-password" fetch --account work --password-stdin
check "a refused password exits 3" status_is 3
check "... saying so" stderr_has "refused the user name or password"
check "... and the keyring keeps the password it had" \
  keyring_holds "$POP3_PASSWORD"

# --- a refused password is asked for again on a terminal --------------
run_with_password "not-the-password" account edit work --password-stdin
check "account edit --password-stdin exits 0" status_is 0
# --password-stdin is for one run: the keyring is left as it was.
run_with_password "$POP3_PASSWORD" fetch --password-stdin
check "fetch --password-stdin with the right password exits 0" status_is 0
check "... and the keyring keeps the password it had" \
  keyring_holds "not-the-password"
# On a pseudo-terminal, as a user types: the first prompt gets a wrong
# password again, the second the right one.
pty_answer () { python3 "$(dirname "${BASH_SOURCE[0]}")/answer-on-pty.py" "$@"; }
pty_answer "$work/pty.log" "Password for work (" still-wrong "$POP3_PASSWORD" \
  -- "$cli" fetch
rc=$?
check "on a terminal, a refused password is asked for again, and works" \
  status_is 0
check "... saying twice that it was refused" \
  test "$(grep -c "refused the user name or password" "$work/pty.log")" -eq 2
check "... echoing neither password" \
  bash -c "! grep -qaF -e still-wrong -e '$POP3_PASSWORD' '$work/pty.log'"
check "... and fetching" grep -q "work: 0 new," "$work/pty.log"
check "... and the keyring keeps the password that worked" \
  keyring_holds "$POP3_PASSWORD"

# Without a keyring (a session with no Secret Service, as over SSH) the
# password is asked for on the terminal, works for this run, and the
# user is told it was not kept.
DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-bus" \
  pty_answer "$work/pty-nokeyring.log" "Password for work (" "$POP3_PASSWORD" \
  -- "$cli" fetch
rc=$?
check "without a keyring, the password is asked for on a terminal" \
  status_is 0
check "... fetches" grep -q "work: 0 new," "$work/pty-nokeyring.log"
check "... says the keyring did not keep it" \
  grep -q "did not keep it" "$work/pty-nokeyring.log"
check "... and does not echo it" \
  bash -c "! grep -qaF -- '$POP3_PASSWORD' '$work/pty-nokeyring.log'"

# --- size limit, and the rest on request ------------------------------
run account edit work --size-limit 10
check "account edit --size-limit exits 0" status_is 0
big="$work/big.eml"
python3 - "$big" <<'EOF'
import sys
lines = ['From: Big Sender <big@example.org>', 'To: alice@example.org',
         'Subject: the big one', 'Date: Mon, 2 Oct 2023 09:00:00 +0000',
         'Message-ID: <big@example.org>', 'MIME-Version: 1.0',
         'Content-Type: multipart/mixed; boundary="b"', '', '--b',
         'Content-Type: text/plain; charset=utf-8', '',
         'The word zanzibarquokka is only in the body.', '--b',
         'Content-Type: application/octet-stream; name="data.bin"',
         'Content-Disposition: attachment; filename="data.bin"',
         'Content-Transfer-Encoding: base64', '']
lines += ['QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2'] * 400
lines += ['--b--', '']
open(sys.argv[1], 'wb').write('\r\n'.join(lines).encode())
EOF
cp "$big" "$MAILDIR/new/1700000000.big.test"
total=$((fixtures + 1))
run fetch
check "a message over the size limit is fetched" \
  stdout_is "work: 1 new, $total kept on server, 0 deleted from server"
run list --folder work/Inbox --limit 1000 --json
big_id=$(python3 -c "
import json
[m] = [m for m in json.load(open('$out'))['messages'] if m['headers_only']]
assert m['subject'] == 'the big one', m
print(m['id'])")
check "list --json marks it headers only, and only it" test -n "$big_id"
run list --folder work/Inbox --limit 1000
check "list marks it H" grep -q "^ *$big_id  .*  N--H  " "$out"
run show "$big_id"
check "show says only the headers are here, and how to get the rest" \
  grep -qF "pigeon-cli fetch --rest $big_id" "$out"
run search zanzibarquokka
check "its body is not searchable yet" stdout_is ""
run fetch --rest "$big_id"
check "fetch --rest exits 0" status_is 0
check "... and says what it did" stdout_is "work: 0 new, $total kept on server, 0 deleted from server
work: the rest of 1 message downloaded"
run show --raw "$big_id"
check "the rest arrived byte for byte" cmp -s "$out" "$big"
run search zanzibarquokka
check "its body is searchable" grep -q "^ *$big_id " "$out"
run list --folder work/Inbox --limit 1000
check "list no longer marks it H" grep -q "^ *$big_id  .*  N-A-  " "$out"
run fetch --rest "$big_id"
check "fetch --rest of a whole message exits 2" status_is 2
check "... saying why" stderr_has "was downloaded whole already"
run fetch --rest "$big_id" --account work
check "fetch --rest with --account exits 2" status_is 2
run account edit work --size-limit 0

# --- delete from the server when deleted here ---------------------------
run account edit work --delete-when-deleted-locally
run list --folder work/Inbox --limit 1 --json
gone_id=$(python3 -c "import json; print(json.load(open('$out'))['messages'][0]['id'])")
run delete "$gone_id"
check "a message deleted here goes to Trash" status_is 0
run fetch
check "delete-when-deleted-locally deletes its server copy, only it" \
  stdout_is "work: 0 new, $((total - 1)) kept on server, 1 deleted from server"
check "... and the server holds the rest" server_holds $((total - 1))
run fetch
check "... and the next fetch deletes nothing more" \
  stdout_is "work: 0 new, $((total - 1)) kept on server, 0 deleted from server"

# --- keep for N days ----------------------------------------------------
run account edit work --delete-after-days 3
run fetch
check "copies younger than 3 days stay" \
  stdout_is "work: 0 new, $((total - 1)) kept on server, 0 deleted from server"
# Two copies were first seen 4 days ago (the store is closed meanwhile).
python3 - "$PIGEON_DATA_DIR/pigeon.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("update uidl_ledger set first_seen = first_seen - 4 * 86400 "
           "where id in (select id from uidl_ledger order by id limit 2)")
db.commit()
EOF
run fetch
check "copies older than 3 days are deleted from the server" \
  stdout_is "work: 0 new, $((total - 3)) kept on server, 2 deleted from server"
check "... and the server holds the rest" server_holds $((total - 3))
run list --folder work/Inbox --limit 1000 --json
check "... while the local copies stay" python3 -c "
import json
assert len(json.load(open('$out'))['messages']) == $((total - 1))"

# --- delete after download --------------------------------------------
run account edit work --delete-from-server
run fetch
check "delete-from-server deletes every downloaded copy" \
  stdout_is "work: 0 new, 0 kept on server, $((total - 3)) deleted from server"
check "the server is empty" server_holds 0
run list --folder work/Inbox --limit 1000 --json
check "the local copies stay" python3 -c "
import json, sys
assert len(json.load(open('$out'))['messages']) == $((total - 1))"

# --- remove -----------------------------------------------------------
uuid=$(python3 - "$PIGEON_DATA_DIR/pigeon.db" <<'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select uuid from accounts").fetchone()[0])
EOF
)
check "the keyring holds the password" \
  bash -c "secret-tool lookup account '$uuid' | grep -qxF -- '$POP3_PASSWORD'"
run account remove work
check "account remove exits 0" status_is 0
check "... and clears the password" \
  bash -c "! secret-tool lookup account '$uuid' >/dev/null 2>&1"
run list --folder Archive --limit 1000 --json
check "... and keeps the mail in Archive" python3 -c "
import json, sys
assert len(json.load(open('$out'))['messages']) == $((total - 1))"

# Added again, it downloads what the server holds again; removed with
# --delete-mail, that mail goes, and the mail kept in Archive stays.
cp "$big" "$MAILDIR/new/1700000001.again.test"
on_server_now=$(on_server)
stored_messages () {
  python3 -c "import sqlite3; print(sqlite3.connect('$PIGEON_DATA_DIR/pigeon.db').execute('select count(*) from messages').fetchone()[0])"
}
stored_before=$(stored_messages)
run_with_password "$POP3_PASSWORD" account add --name work \
  --email alice@example.org --host 127.0.0.1 --port "$TLS_PORT" \
  --security tls --user "$POP3_USER" --ca-file "$CA_FILE" \
  --keep-on-server --password-stdin
run fetch
check "an account added again downloads the server's copies again" \
  stdout_is "work: $on_server_now new, $on_server_now kept on server, 0 deleted from server"
run account remove work --delete-mail
check "account remove --delete-mail exits 0" status_is 0
check "... and deletes its mail, not what is in Archive" \
  test "$(stored_messages)" -eq "$stored_before"
check "... nor what is on the server" server_holds "$on_server_now"

run fetch
check "fetch without accounts exits 2" status_is 2

echo "1..$n"
exit $failed
