#!/usr/bin/env python3
# test-crash.py PIGEON_CLI DOVECOT_SERVE POLICY [KILLS] [MESSAGES] [SEED]
#
# The no-loss contract under kill -9 (DESIGN.md invariants 1, 2, 5):
# a private Dovecot holds MESSAGES generated messages (2,000); `pigeon-cli
# fetch` is killed with SIGKILL at KILLS (30) moments chosen at random
# (with SEED, printed, so a failure can be replayed) and spread over every
# phase of a fetch: during the RETR stream, after a chunk is stored,
# between the durable commit and the first DELE, during the DELEs, at
# QUIT, and at random times. Then fetches run to completion. Every
# original message must be in the store exactly once, byte for byte, and
# the server must hold what POLICY says: "delete" (delete after
# download: nothing) or "keep" (keep copies: everything). TAP.
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

cli, serve, policy = sys.argv[1], sys.argv[2], sys.argv[3]
kills = int(sys.argv[4]) if len(sys.argv) > 4 else 30
count = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
seed = int(sys.argv[6]) if len(sys.argv) > 6 else random.randrange(1 << 30)
assert policy in ("delete", "keep")
rng = random.Random(seed)
print(f"# policy {policy}, {kills} kills, {count} messages, seed {seed}")

work = tempfile.mkdtemp(prefix="pigeon-crash-")
env = dict(os.environ, PIGEON_DATA_DIR=os.path.join(work, "data"),
           XDG_CONFIG_HOME=os.path.join(work, "config"),
           G_MESSAGES_DEBUG="pigeon-pop3 pigeon-engine")
n = 0
failed = False


def check(description, ok, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {description}")
    if not ok:
        failed = True
        for line in str(detail).splitlines()[:20]:
            print(f"# {line}")


server = subprocess.Popen([serve, "--generate", str(count)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True)
info = {}
deadline = time.monotonic() + 120
for line in server.stdout:
    line = line.strip()
    if line == "READY" or time.monotonic() > deadline:
        break
    key, _, value = line.partition("=")
    info[key] = value
if "TLS_PORT" not in info:
    print("Bail out! the Dovecot server did not start")
    sys.exit(1)


def server_files():
    return [os.path.join(d, f)
            for d in (os.path.join(info["MAILDIR"], "cur"),
                      os.path.join(info["MAILDIR"], "new"))
            for f in os.listdir(d)]


def digest(data):
    return hashlib.sha256(data).hexdigest()


# What the server holds before any fetch: the bytes each message must
# arrive with (generated with CRLF, so served as stored).
expected = sorted(digest(open(p, "rb").read()) for p in server_files())


def cli_run(*args, stdin=None):
    return subprocess.run([cli, *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)


add = ["account", "add", "--name", "crash", "--email", "demo@example.org",
       "--host", "127.0.0.1", "--port", info["TLS_PORT"], "--security", "tls",
       "--user", info["POP3_USER"], "--ca-file", info["CA_FILE"]]
if policy == "keep":
    add.append("--keep-on-server")
result = cli_run(*add)
check("account add", result.returncode == 0, result.stderr)

# The moments: (kind, parameter). Each kind is a point of the fetch where
# a crash must lose nothing; the number of each kind scales with KILLS.
kinds = ["retr", "stored", "time", "quit"]
if policy == "delete":
    kinds += ["marked", "dele"]
plan = [kinds[i % len(kinds)] for i in range(kills)]
rng.shuffle(plan)


def ledger_rows():
    path = os.path.join(env["PIGEON_DATA_DIR"], "pigeon.db")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM uidl_ledger").fetchone()[0]
    finally:
        db.close()


extra = 0


def deliver_more(how_many):
    """Delivers new messages the way an MTA does, into Maildir/new, once a
    completed fetch emptied the server, so that later kills still find a
    fetch to crash."""
    global extra
    for _ in range(how_many):
        extra += 1
        data = (f"From: Late Sender <late{extra}@example.org>\r\n"
                f"Subject: Late message {extra}\r\n"
                f"Message-ID: <late-{extra}@example.org>\r\n\r\n"
                f"Delivered after a crash, number {extra}.\r\n").encode()
        name = f"{int(time.time())}.late{extra}.pigeon-test"
        tmp = os.path.join(info["MAILDIR"], "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(info["MAILDIR"], "new", name))
        expected.append(digest(data))
    expected.sort()


def fetch_and_kill(kind):
    """Runs a fetch and kills it at a moment of KIND; returns whether the
    kill happened (the fetch may finish first)."""
    proc = subprocess.Popen([cli, "fetch", "--password-stdin"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    proc.stdin.write(info["POP3_PASSWORD"] + "\n")
    proc.stdin.close()
    on_server = len(server_files())
    new = max(1, on_server - ledger_rows())
    target = {"retr": rng.randint(1, new), "stored": rng.randint(1, 3),
              "dele": rng.randint(1, max(1, on_server))}.get(kind, 1)
    seen = 0
    if kind == "time":
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
    else:
        for line in proc.stdout:
            hit = ((kind == "retr" and "C: RETR" in line) or
                   (kind == "stored" and "messages stored" in line) or
                   (kind == "marked" and "may go from the server" in line) or
                   (kind == "dele" and "C: DELE" in line) or
                   (kind == "quit" and "C: QUIT" in line))
            if hit:
                seen += 1
                if seen >= target:
                    proc.send_signal(signal.SIGKILL)
                    break
    proc.stdout.close()
    proc.wait(timeout=120)
    return proc.returncode == -signal.SIGKILL


# Until KILLS kills landed: a fetch may finish before its moment comes.
killed = 0
tried = 0
while killed < kills and tried < 3 * kills:
    if fetch_and_kill(plan[tried % len(plan)]):
        killed += 1
    tried += 1
    if not server_files() or ledger_rows() >= len(server_files()):
        deliver_more(300)
check(f"pigeon-cli was killed at {killed} moments ({tried} fetches)",
      killed >= kills, f"killed {killed}")

# Then to completion: a fetch that finds nothing new and deletes nothing.
for attempt in range(5):
    result = cli_run("fetch", "--password-stdin",
                     stdin=info["POP3_PASSWORD"] + "\n")
    if result.returncode == 0 and " 0 new" in result.stdout and \
       " 0 deleted" in result.stdout:
        break
check("fetches complete after the crashes",
      result.returncode == 0, result.stdout + result.stderr)

export = os.path.join(work, "eml")
result = cli_run("export", "--folder", "crash/Inbox", "--eml", export)
check("export", result.returncode == 0, result.stderr)
stored = sorted(digest(open(os.path.join(export, f), "rb").read())
                for f in os.listdir(export)) if os.path.isdir(export) else []
missing = len(set(expected) - set(stored))
duplicated = len(stored) - len(set(stored))
check(f"every message is stored exactly once ({len(stored)} of "
      f"{len(expected)})",
      stored == expected,
      f"missing {missing}, duplicated {duplicated}, stored {len(stored)}")
left = len(server_files())
check("the server holds what the policy says",
      left == (0 if policy == "delete" else len(expected)),
      f"{left} on the server")

server.stdin.close()
server.wait(timeout=60)
shutil.rmtree(work, ignore_errors=True)
print(f"1..{n}")
sys.exit(1 if failed else 0)
