#!/usr/bin/env bash
# test-cli-mail.sh PIGEON_CLI MAIL_DIR — pigeon-cli's mail commands on a
# real store in a scratch PIGEON_DATA_DIR: import, list, search, show,
# mark, move, delete, folder, export, and every error path with its exit
# status. Expected values come from the fixtures themselves (grep,
# sha256sum, Python's email parser), never from pigeon-cli's own output.
# TAP.
set -u
cli=${1:?usage: test-cli-mail.sh PIGEON_CLI MAIL_DIR}
mail=${2:?usage: test-cli-mail.sh PIGEON_CLI MAIL_DIR}
work=$(mktemp -d)
[ -n "${KEEP_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
export PIGEON_DATA_DIR="$work/data"
# Local dates in the human list are checked against this zone.
export TZ=UTC
out="$work/out"
err="$work/err"

# shellcheck source=tap-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tap-lib.sh"

run () { "$cli" "$@" >"$out" 2>"$err"; rc=$?; }
status_is () { test "$rc" -eq "$1"; }
one_error_line () {  # stderr is one "pigeon-cli: ..." line containing $1
  test "$(wc -l <"$err")" -eq 1 && grep -q '^pigeon-cli: ' "$err" &&
    grep -qF -- "$1" "$err"
}
# The last run exited $1 with one stderr line containing $2.
fails_with () { test "$rc" -eq "$1" && one_error_line "$2"; }
py () { python3 -c "$@"; }
json_count () {  # json_count ARGS... — the number of messages list prints
  "$cli" "$@" --json | py 'import json,sys; print(len(json.load(sys.stdin)["messages"]))'
}
# The id of the message whose Message-ID is $1, in folder $2.
id_of () {
  "$cli" list --folder "$2" --limit 1000 --json |
    py 'import json,sys; print(next(m["id"] for m in json.load(sys.stdin)["messages"] if m["message_id"] == sys.argv[1]))' "$1"
}
message_id_of () {  # the Message-ID of fixture $1, without <>
  sed -n 's/^Message-ID: *<\(.*\)>\r\{0,1\}$/\1/Ip' "$1" | head -n 1
}

fixtures=("$mail"/*.eml)
nfixtures=${#fixtures[@]}

# --- import -----------------------------------------------------------------
run folder create Corpus
check "folder create exits 0" status_is 0
# The corpus directory: its .eml files, each one message (a file given
# alone that starts with "From " would be read as an mbox, as
# engine_mail_source_detect() documents; 055 does).
run import --folder Corpus "$mail"
check "import of the corpus directory exits 0" status_is 0
check "import says how many and where" \
  test "$(cat "$out")" = "Imported $nfixtures messages into Corpus"
check "import prints no progress when stderr is no terminal" test ! -s "$err"
"$cli" folder create Pair >/dev/null 2>&1
run import --folder Pair "$mail/001-plain-us-ascii.eml" "$mail/002-plain-utf8-8bit.eml"
check "import of several paths adds up their messages" \
  test "$rc" -eq 0 -a "$(cat "$out")" = "Imported 2 messages into Pair"

cat >"$work/birds.mbox" <<'MBOX'
From alice@example.org Mon Jan  1 10:00:00 2024
From: Alice Example <alice@example.org>
To: Bob <bob@example.org>
Subject: Pelican report
Date: Mon, 01 Jan 2024 10:00:00 +0000
Message-ID: <pelican-1@example.org>

The pelican flew north.
>From the coast it went inland.

From bob@example.org Tue Jan  2 11:00:00 2024
From: Bob <bob@example.org>
To: Alice Example <alice@example.org>, "Doe, Jane" <jane@example.org>
Cc: carol@example.org
Subject: Re: Pelican report
Date: Tue, 02 Jan 2024 11:00:00 +0000
Message-ID: <pelican-2@example.org>
In-Reply-To: <pelican-1@example.org>
Status: RO
X-Status: F

Good to hear.

MBOX
"$cli" folder create Birds >/dev/null 2>&1
run import --folder Birds "$work/birds.mbox"
check "import of an mbox exits 0 and counts 2" \
  test "$rc" -eq 0 -a "$(cat "$out")" = "Imported 2 messages into Birds"

# On a terminal (script(1) gives one), import draws its progress on
# stderr and search marks matches in bold.
if command -v script >/dev/null; then
  "$cli" folder create Tty >/dev/null 2>&1
  script -qec "'$cli' import --folder Tty '$work/birds.mbox'" /dev/null >"$work/tty"
  check "on a terminal, import shows its progress" \
    grep -q $'^\rImporting… 2 messages' "$work/tty"
  script -qec "'$cli' search pelican" /dev/null >"$work/tty"
  check "on a terminal, search shows the matched words in bold" \
    grep -q $'\e\\[1m[Pp]elican\e\\[0m' "$work/tty"
  "$cli" folder delete Tty >/dev/null 2>&1
  "$cli" delete --permanently $("$cli" list --folder Trash --json |
    py 'import json,sys; print(" ".join(str(m["id"]) for m in json.load(sys.stdin)["messages"]))') >/dev/null 2>&1
  check "... and the terminal test leaves Trash empty again" \
    test "$("$cli" list --folder Trash | wc -l)" -eq 0
else
  n=$((n + 1)); echo "ok $n # SKIP script(1) is missing: no terminal tests"
fi

# --- list ---------------------------------------------------------------------
"$cli" list --folder Birds --json >"$out" 2>"$err"
check "list --json is valid JSON" bash -c "python3 -m json.tool <'$out' >/dev/null"
check "list --json: the mbox's two messages, newest first, flags from Status/X-Status" py '
import json, sys
m = json.load(open(sys.argv[1]))["messages"]
assert [x["subject"] for x in m] == ["Re: Pelican report", "Pelican report"], m
assert [x["date"] for x in m] == ["2024-01-02T11:00:00Z", "2024-01-01T10:00:00Z"]
assert (m[0]["unread"], m[0]["flagged"]) == (False, True)
assert (m[1]["unread"], m[1]["flagged"]) == (True, False)
assert m[0]["from"] == {"name": "Bob", "address": "bob@example.org"}
assert m[0]["to"] == [{"name": "Alice Example", "address": "alice@example.org"},
                      {"name": "Doe, Jane", "address": "jane@example.org"},
                      {"name": None, "address": "carol@example.org"}], m[0]["to"]
assert m[0]["folder"] == "Birds" and m[0]["has_attachments"] is False
assert m[0]["thread_id"] == m[1]["thread_id"], "a reply shares its thread"
assert m[0]["message_id"] == "pelican-2@example.org"
assert "snippet" not in m[0], "list has no snippet"
' "$out"

"$cli" list --folder Corpus --limit 1000 --json >"$out" 2>"$err"
check "list --json of the whole corpus is valid JSON (hostile headers included)" \
  bash -c "python3 -m json.tool <'$out' >/dev/null"
check "list --json counts every fixture, newest first" py '
import json, sys
m = json.load(open(sys.argv[1]))["messages"]
assert len(m) == int(sys.argv[2]), len(m)
dates = [x["date"] for x in m]
assert dates == sorted(dates, reverse=True)
assert all(x["folder"] == "Corpus" for x in m)
' "$out" "$nfixtures"

# A known fixture, its values read from the file with Python's parser.
pdf="$mail/010-attachment-pdf.eml"
check "list --json describes 010-attachment-pdf.eml as its headers say" py '
import email, email.policy, email.utils, json, sys
m = json.load(open(sys.argv[1]))["messages"]
with open(sys.argv[2], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
mid = msg["Message-ID"].strip("<> ")
row = next(x for x in m if x["message_id"] == mid)
assert row["subject"] == str(msg["Subject"]), row["subject"]
assert row["from"]["address"] == msg["From"].addresses[0].addr_spec
date = email.utils.parsedate_to_datetime(msg["Date"]).astimezone(__import__("datetime").timezone.utc)
assert row["date"] == date.strftime("%Y-%m-%dT%H:%M:%SZ"), row["date"]
assert row["has_attachments"] is True
' "$out" "$pdf"

run list --folder Corpus
check "list prints the default 50 lines" test "$(wc -l <"$out")" -eq 50
run list --folder Corpus --limit 5
check "list --limit 5 prints 5 lines" test "$(wc -l <"$out")" -eq 5
run list --folder Corpus --limit 1000
check "every list line has id, date, flags, a sender column of 24 characters" py '
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == int(sys.argv[2])
width = max(len(l.split()[0]) for l in lines)
for l in lines:
    assert re.match(r"^ *[0-9]+  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  [N-][F-][A-]-  ", l), l
    start = width + 2 + 16 + 2 + 4 + 2
    # counted in characters: the column ends at the same place on every line
    assert l[start + 24:start + 26] == "  ", (l, l[start + 24:start + 26])
    assert "\x1b" not in l and "\r" not in l
' "$out" "$nfixtures"
check "the human list shows 010's subject and local date (TZ=UTC)" \
  grep -q '2025-03-03 08:15  --A-  Tallowmere Accounts       Invoice INV-2025-0117 for February 2025$' "$out"

# --- search -------------------------------------------------------------------
# The fixtures whose decoded Subject or text/plain body holds a word: what
# the index holds of them. A word in Received or Message-ID only is not
# indexed, so plain grep would overcount (e.g. "scanned").
expected_for () {
  py '
import email, email.policy, re, sys
word = sys.argv[1]
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    text = str(msg["Subject"] or "")
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            try:
                text += "\n" + part.get_content()
            except Exception:
                pass
    if re.search(r"\b%s\b" % re.escape(word), text, re.I):
        print(msg["Message-ID"].strip("<> "))
' "$@" | sort
}
for word in threading scanned; do
  expected=$(expected_for "$word" "${fixtures[@]}")
  "$cli" search "$word" --limit 100 --json >"$out" 2>"$err"
  got=$(py 'import json,sys; [print(m["message_id"]) for m in json.load(open(sys.argv[1]))["messages"]]' "$out" | sort)
  check "search $word finds exactly the fixtures that hold it ($(echo $expected | wc -w))" \
    test -n "$expected" -a "$got" = "$expected"
  check "search $word --json: each match offset points at the word" py '
import json, sys
for m in json.load(open(sys.argv[1]))["messages"]:
    assert m["matches"], m
    for start, length in m["matches"]:
        assert m["snippet"][start:start + length].lower().startswith(sys.argv[2]), m
' "$out" "$word"
done
# A lost search index (a backup restored without pigeon-index.db) is
# built again from the store, body texts included, and finds the same
# ("kitchen" is in bodies only, no subject).
mv "$PIGEON_DATA_DIR/pigeon-index.db" "$work/index-before-loss.db"
rm -f "$PIGEON_DATA_DIR/pigeon-index.db-wal" "$PIGEON_DATA_DIR/pigeon-index.db-shm"
for word in threading scanned kitchen; do
  expected=$(expected_for "$word" "${fixtures[@]}")
  "$cli" search "$word" --limit 100 --json >"$out" 2>>"$work/rebuild.err"
  got=$(py 'import json,sys; [print(m["message_id"]) for m in json.load(open(sys.argv[1]))["messages"]]' "$out" | sort)
  check "after the index was lost, search $word finds the same fixtures" \
    test -n "$expected" -a "$got" = "$expected"
done
check "... and says the index was built again, once" \
  test "$(grep -c "being built again" "$work/rebuild.err")" -eq 1
run search pelican
check "search marks the match with [..] when stdout is no terminal" \
  grep -q '^ *  .*\[[Pp]elican\]' "$out"
check "search prints two lines per message (row, snippet)" test "$(wc -l <"$out")" -eq 4
run search 'subject:"pelican report" is:flagged'
check "search filters: subject phrase and is:flagged find the one reply" \
  test "$rc" -eq 0 -a "$(wc -l <"$out")" -eq 2 -a -n "$(grep 'Re: Pelican report' "$out")"

# --- show ---------------------------------------------------------------------
pdf_id=$(id_of "$(message_id_of "$pdf")" Corpus)
run show "$pdf_id"
check "show exits 0" status_is 0
check "show prints Date, From, To, Subject, the attachment, a blank line, the body" py '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[0] == "Date: 2025-03-03 08:15", lines[0]
assert lines[1] == "From: Tallowmere Accounts <accounts@tallowmere.example.com>", lines[1]
assert lines[2].startswith("To: "), lines[2]
assert "Subject: Invoice INV-2025-0117 for February 2025" in lines
att = [l for l in lines if l.startswith("Attachment: ")]
assert len(att) == 1 and att[0].startswith("Attachment: INV-2025-0117.pdf (application/pdf, "), att
blank = lines.index("")
assert blank > lines.index(att[0])
assert any("please find attached invoice INV-2025-0117" in l for l in lines[blank:])
' "$out"
reply_id=$(id_of pelican-2@example.org Birds)
run show "$reply_id"
check "show prints To and Cc apart" \
  test "$(grep -c '^To: Alice Example <alice@example.org>, "Doe, Jane" <jane@example.org>$' "$out")" -eq 1 -a \
       "$(grep -c '^Cc: carol@example.org$' "$out")" -eq 1
# 016 names its attachments with ESC sequences, CR/LF and U+202E.
hostile="$mail/016-hostile-filename-control-long.eml"
run show "$(id_of "$(message_id_of "$hostile")" Corpus)"
check "show of 016 exits 0 and lists its attachments" \
  test "$rc" -eq 0 -a "$(grep -c '^Attachment: ' "$out")" -ge 2
check "show keeps terminal escapes and bidi overrides out" py '
import sys
text = open(sys.argv[1], encoding="utf-8").read()
assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
assert "\ufffd" in text, "the override is shown as U+FFFD"
' "$out"

# --raw, every fixture: the multiset of sha256 sums equals the fixtures'.
"$cli" list --folder Corpus --limit 1000 --json |
  py 'import json,sys; [print(m["id"]) for m in json.load(sys.stdin)["messages"]]' >"$work/ids"
while read -r id; do
  "$cli" show "$id" --raw | sha256sum | cut -d' ' -f1
done <"$work/ids" | sort >"$work/raw-sums"
sha256sum "${fixtures[@]}" | cut -d' ' -f1 | sort >"$work/fixture-sums"
check "show --raw gives every fixture back byte for byte" \
  cmp -s "$work/raw-sums" "$work/fixture-sums"
check "show --raw of 010 equals its sha256" \
  test "$("$cli" show "$pdf_id" --raw | sha256sum)" = "$(sha256sum <"$pdf")"

# --- export (before the corpus changes) ----------------------------------------
run export --folder Corpus --eml "$work/eml"
check "export --eml exits 0 and counts every message" \
  test "$rc" -eq 0 -a "$(cat "$out")" = "Exported $nfixtures messages from Corpus to $work/eml"
check "every exported .eml is byte for byte a fixture, each once" \
  cmp -s <(sha256sum "$work"/eml/*.eml | cut -d' ' -f1 | sort) "$work/fixture-sums"
run export --folder Birds --mbox "$work/birds-out.mbox"
check "export --mbox exits 0" status_is 0
"$cli" folder create Birds2 >/dev/null 2>&1
"$cli" import --folder Birds2 "$work/birds-out.mbox" >/dev/null 2>&1
"$cli" export --folder Birds --eml "$work/birds-eml" >/dev/null 2>&1
"$cli" export --folder Birds2 --eml "$work/birds2-eml" >/dev/null 2>&1
check "an mbox export imports back to the same bytes" \
  cmp -s <(sha256sum "$work"/birds-eml/*.eml | cut -d' ' -f1 | sort) \
         <(sha256sum "$work"/birds2-eml/*.eml | cut -d' ' -f1 | sort)
check "... and those are the messages of the mbox that was imported" \
  test "$(ls "$work"/birds-eml | wc -l)" -eq 2 -a \
       -n "$(grep -l '^From the coast' "$work"/birds-eml/*.eml)"
check "the exported mbox quotes a From line in a body again (mboxrd)" \
  grep -q '^>From the coast' "$work/birds-out.mbox"
before=$(sha256sum <"$work/birds-out.mbox")
run export --folder Corpus --mbox "$work/birds-out.mbox"
check "export onto an existing file exits 1 with a clear reason" \
  test "$rc" -eq 1 -a -n "$(grep 'exists already' "$err")"
check "... and leaves the file as it was" \
  test "$(sha256sum <"$work/birds-out.mbox")" = "$before"
run export --folder Corpus --eml "$work/eml"
check "export --eml onto files of the same name exits 1" status_is 1
run export --folder Corpus
check "export without --mbox or --eml is a usage error" status_is 2
run export --folder Corpus --mbox "$work/a" --eml "$work/b"
check "export with both --mbox and --eml is a usage error" status_is 2

# --- mark -----------------------------------------------------------------------
read -r a b c <<<"$(head -n 3 "$work/ids" | tr '\n' ' ')"
unread_before=$(json_count list --folder Corpus --unread --limit 1000)
run mark "$a" "$b" --unread --flagged
check "mark two IDs --unread --flagged exits 0" status_is 0
check "... list --unread shows two more" \
  test "$(json_count list --folder Corpus --unread --limit 1000)" -eq $((unread_before + 2))
check "... list --flagged shows exactly them" py '
import json, subprocess, sys
m = json.loads(subprocess.check_output([sys.argv[1], "list", "--folder", "Corpus", "--flagged", "--json"]))["messages"]
assert sorted(x["id"] for x in m) == sorted([int(sys.argv[2]), int(sys.argv[3])]), m
assert all(x["unread"] and x["flagged"] for x in m)
' "$cli" "$a" "$b"
# The view spans every folder but Trash: Birds and Birds2 hold one
# flagged reply each (X-Status: F, and its byte-exact export).
check "... the @flagged view is every folder's flagged messages" \
  test "$(json_count list --folder @flagged)" -eq \
       $(($(json_count list --folder Corpus --flagged) + \
          $(json_count list --folder Birds --flagged) + \
          $(json_count list --folder Birds2 --flagged))) -a \
       "$(json_count list --folder Birds --flagged)" -eq 1
run mark "$c" 999999 --flagged
check "mark with an unknown ID exits 1 naming it" \
  test "$rc" -eq 1 -a -n "$(grep -w 999999 "$err")"
check "... and changes nothing (all or none)" \
  test "$(json_count list --folder Corpus --flagged)" -eq 2
run mark "$a" "$b" --read --unflagged
check "mark --read --unflagged undoes it" \
  test "$rc" -eq 0 -a "$(json_count list --folder Corpus --flagged)" -eq 0 -a \
       "$(json_count list --folder Corpus --unread --limit 1000)" -eq "$unread_before"
run mark "$a"
check "mark without a state is a usage error" status_is 2
run mark "$a" --read --unread
check "mark --read --unread is a usage error" status_is 2
run mark 12abc --read
check "mark of an ID that is no number is a usage error naming it" \
  fails_with 2 12abc
run mark --read
check "mark without an ID is a usage error" status_is 2

# --- move, delete ---------------------------------------------------------------
"$cli" folder create Keep >/dev/null 2>&1
run move "$a" "$b" --folder Keep
check "move two messages exits 0" status_is 0
check "... Keep holds 2, Corpus 2 fewer" \
  test "$(json_count list --folder Keep)" -eq 2 -a \
       "$(json_count list --folder Corpus --limit 1000)" -eq $((nfixtures - 2))
run move "$a" --folder Nowhere
check "move to an unknown folder exits 1 naming it" \
  fails_with 1 Nowhere
run move "$a" --folder @all
check "move to a view exits 1" status_is 1
run move "$a"
check "move without --folder is a usage error" status_is 2
run delete "$a"
check "delete moves to Trash" \
  test "$rc" -eq 0 -a "$(json_count list --folder Trash)" -eq 1 -a \
       "$(json_count list --folder Keep)" -eq 1
run delete "$a" --permanently
check "delete --permanently removes it for good" \
  test "$rc" -eq 0 -a "$(json_count list --folder Trash)" -eq 0
run show "$a"
check "show of a deleted ID exits 1 naming the ID" \
  fails_with 1 "$a"
run delete 424242
check "delete of an unknown ID exits 1" \
  fails_with 1 424242

# --- folder ---------------------------------------------------------------------
run folder create Tmp
check "folder create Tmp" status_is 0
run folder create tmp
check "folder create of an existing name exits 1" status_is 1
run folder rename Tmp Tmp2
check "folder rename exits 0" status_is 0
run list --folder Tmp
check "... the old name is gone (exit 1)" fails_with 1 Tmp
run list --folder Tmp2
check "... the new one lists" status_is 0
"$cli" move "$b" --folder Tmp2 >/dev/null 2>&1
run folder delete Tmp2
check "folder delete exits 0" status_is 0
check "... its message went to Trash" py '
import json, subprocess, sys
m = json.loads(subprocess.check_output([sys.argv[1], "list", "--folder", "Trash", "--json"]))["messages"]
assert [x["id"] for x in m] == [int(sys.argv[2])], m
' "$cli" "$b"
run folder rename Trash Bin
check "renaming Trash exits 1" status_is 1
run folder delete Nope
check "deleting an unknown folder exits 1" fails_with 1 Nope
run folder frob x
check "folder with an unknown action is a usage error" status_is 2
run folder create
check "folder create without a name is a usage error" status_is 2

# --- errors -----------------------------------------------------------------------
for command in list search show mark move delete folder import export; do
  run "$command" --no-such-option
  check "$command --no-such-option exits 2 in one line" \
    fails_with 2 --no-such-option
done
run list --folder Nope
check "list of an unknown folder exits 1 naming it" \
  fails_with 1 Nope
run list --folder @nope
check "list of an unknown view exits 1" status_is 1
run list --limit 0
check "list --limit 0 is a usage error" status_is 2
run search '"unclosed'
check "a bad query exits 1 with the parser's reason" \
  fails_with 1 quote
run search
check "search without a query is a usage error" status_is 2
run show 1 2
check "show of two IDs is a usage error" status_is 2
run import --folder Corpus "$work/nothing-here"
check "import of a missing path exits 1" status_is 1
run import --folder Nope "$work/birds.mbox"
check "import into an unknown folder exits 1" fails_with 1 Nope

# Another Pigeon holds the store: flock(1) takes the lock the store takes
# (store-database.c take_writer_lock) and runs pigeon-cli under it.
check "a store locked by another process exits 5" bash -c '
  flock -x "$PIGEON_DATA_DIR/pigeon.db.lock" "$1" list --folder Corpus >/dev/null 2>"$2"
  test $? -eq 5' _ "$cli" "$err"
check "... with one line naming the lock" one_error_line "another Pigeon"

# A damaged store is a store error too, and is left as it was.
mkdir -p "$work/damaged"
head -c 8192 /dev/urandom >"$work/damaged/pigeon.db"
damaged_sum=$(sha256sum <"$work/damaged/pigeon.db")
PIGEON_DATA_DIR="$work/damaged" "$cli" list >"$out" 2>"$err"
rc=$?
check "a damaged store exits 5 in one line" fails_with 5 damaged
check "... and is left byte for byte" \
  test "$(sha256sum <"$work/damaged/pigeon.db")" = "$damaged_sum"

# --- a full disk ------------------------------------------------------------
# A real one: a 40 MB tmpfs mounted in a mount namespace of this test's own
# (so it goes when the test does), and 30 MB of mail imported into a store
# on it. The import stops with a store error; what it stored before the
# disk filled is said, is whole, and becomes searchable once there is room;
# importing the file again then brings in only the rest.
full=$work/full
mkdir -p "$full/mnt"
py '
import random, sys
rng = random.Random(7)
words = ["alpha", "bravo", "canal", "delta", "ember", "fjord", "grove", "harbor"]
with open(sys.argv[1], "w") as f:
    for i in range(1500):
        f.write("From sender@example.org Mon Jan  1 00:00:00 2024\n")
        f.write("From: Sender <sender@example.org>\nSubject: note %d\n" % i)
        f.write("Message-ID: <full-%d@example.org>\n" % i)
        f.write("Date: Mon, 1 Jan 2024 00:00:00 +0000\n\npelican\n")
        for _ in range(300):
            f.write(" ".join(rng.choice(words) + str(rng.randrange(10**6)) for _ in range(8)) + "\n")
        f.write("\n")
' "$full/mail.mbox"
unshare -m bash -c '
  set -u
  cli=$1 full=$2
  export PIGEON_DATA_DIR=$full/mnt/data
  mount -t tmpfs -o size=40m pigeon-test "$full/mnt" || exit 90
  "$cli" folder create Full >/dev/null || exit 91
  "$cli" import --folder Full "$full/mail.mbox" >"$full/out" 2>"$full/err"
  echo $? >"$full/rc"
  "$cli" list --folder Full --limit 5000 --json >"$full/listed" 2>/dev/null
  "$cli" export --folder Full --eml "$full/exported" >/dev/null 2>&1
  echo $? >"$full/export-rc"
  mount -o remount,size=200m "$full/mnt" || exit 92
  "$cli" search pelican --limit 5000 --json >"$full/found" 2>/dev/null
  "$cli" import --folder Full "$full/mail.mbox" >"$full/again" 2>&1
  echo $? >"$full/again-rc"
  "$cli" list --folder Full --limit 5000 --json >"$full/all" 2>/dev/null
' _ "$cli" "$full"
check "a private tmpfs for the full-disk test mounts" test $? -eq 0
listed=$(py 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$full/listed")
check "an import onto a full disk exits 5" test "$(cat "$full/rc")" -eq 5
check "... saying the disk is full" grep -q '^pigeon-cli: .*disk is full' "$full/err"
check "... in plain lines, none in GLib's log format" \
  sh -c '! grep -q -e "\*\*" -e "WARNING" "$1"' _ "$full/err"
check "... each said once (the index's warning too)" \
  test "$(grep -c 'search index' "$full/err")" -le 1 -a \
  "$(grep -c 'search index' "$full/err")" -eq \
  "$(grep -c '^pigeon-cli: warning: The search index' "$full/err")"
check "... after storing some of the mail" test "$listed" -gt 0 -a "$listed" -lt 1500
check "... and says how many it stored" \
  grep -qx "Imported $listed messages into Full before the failure" "$full/err"
check "what it stored is whole: every message exports" \
  test "$(cat "$full/export-rc")" -eq 0 -a \
  "$(find "$full/exported" -name '*.eml' | wc -l)" -eq "$listed"
check "once there is room, all of it is searchable" \
  test "$(py 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$full/found")" -eq "$listed"
check "importing the file again brings in only what is missing" \
  test "$(cat "$full/again-rc")" -eq 0 -a \
  "$(py 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$full/all")" -eq 1500
check "... and says so" \
  grep -qx "Imported $((1500 - listed)) messages into Full" "$full/again"
check "... with what it left out" \
  grep -qx "Left out $listed messages that Full already held" "$full/again"

# --- help --------------------------------------------------------------------------
run --help
for command in list search show mark move delete folder import export; do
  check "--help lists $command with a summary" grep -qE "^  $command +[A-Z]" "$out"
done
check "--help documents exit status 5" grep -qE '^  5  ' "$out"
run list --help
check "list --help shows list's options" \
  test "$rc" -eq 0 -a -n "$(grep -- '--unread' "$out")"
run mark --help
check "mark --help shows mark's options" \
  test "$rc" -eq 0 -a -n "$(grep -- '--unflagged' "$out")"

echo "1..$n"
exit "$failed"
