#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-corpus.py - sanity checks for Pigeon's test mail corpus.
#
# Copyright The Pigeon authors
#
# Usage: check-corpus.py DIR        (DIR = tests/data/mail)
#
# Prints TAP (plan first) and exits non-zero if any check fails.  Checks that
# MANIFEST.tsv and the .eml files agree (names, SHA-256, sizes, line-ending
# class) so that editors or git line-ending conversion cannot silently change
# a fixture, that the corpus still covers the edge cases the other tests rely
# on, that Python's email package can read every file, and - when
# make-corpus.py sits next to this script - that the generator reproduces the
# directory byte for byte.
#
# Python 3 standard library only.

import email
import email.policy
import filecmp
import hashlib
import os
import re
import subprocess
import sys
import tempfile

MIN_MESSAGES = 40
LARGE_MIN_BYTES = 5_000_000
LONG_LINE_MIN = 20_000

VOCABULARY = {
    "plain", "html", "alternative", "attachment", "nested", "encoded-header",
    "thread", "large", "malformed", "dot-lines", "hostile-filename", "list",
    "signed", "encrypted", "calendar", "report", "related",
}
CHARSET_TAG = re.compile(r"^charset-[a-z0-9][a-z0-9._:+-]*$")
REQUIRED_TAGS = sorted(VOCABULARY) + [
    "charset-utf-8", "charset-iso-8859-1", "charset-shift_jis",
    "charset-koi8-r", "charset-windows-1252",
]
NAME_RE = re.compile(r"^[0-9]{3}-[a-z0-9][a-z0-9-]*\.eml$")
MANIFEST_HEADER = ["file", "sha256", "bytes", "crlf", "tags"]


class Tap:
    def __init__(self):
        self.results = []  # (ok, name, diagnostics, skip_reason)

    def check(self, ok, name, diag=None):
        self.results.append((bool(ok), name, diag, None))
        return ok

    def skip(self, name, reason):
        self.results.append((True, name, None, reason))

    def finish(self):
        print("1..%d" % len(self.results))
        failed = 0
        for i, (ok, name, diag, skip) in enumerate(self.results, 1):
            line = "%s %d - %s" % ("ok" if ok else "not ok", i, name)
            if skip:
                line += " # SKIP " + skip
            print(line)
            if not ok:
                failed += 1
                for d in (diag if isinstance(diag, list) else [diag] if diag else []):
                    for dl in str(d).splitlines():
                        print("#   " + dl)
        if failed:
            print("# %d of %d checks failed. If sha256/bytes/crlf checks fail right after a "
                  "checkout, suspect line-ending conversion (see tests/data/mail/README.md)."
                  % (failed, len(self.results)))
        return 1 if failed else 0


def eol_kind(data):
    crlf = data.count(b"\r\n")
    cr = data.count(b"\r") - crlf
    lf = data.count(b"\n") - crlf
    if cr == 0 and lf == 0:
        return "yes"
    if crlf == 0 and cr == 0:
        return "no"
    return "mixed"


def body_lines(data):
    """Lines after the first empty line (the header/body separator)."""
    lines = re.split(rb"\r\n|\n|\r", data)
    for i, ln in enumerate(lines):
        if ln == b"":
            return lines[i + 1:]
    return []


def short(items, n=10):
    items = list(items)
    s = ", ".join(items[:n])
    return s + (" ... (%d more)" % (len(items) - n) if len(items) > n else "")


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("Bail out! usage: check-corpus.py DIR (the tests/data/mail directory)")
        return 2
    root = argv[1]
    tap = Tap()

    emls = sorted(f for f in os.listdir(root) if f.endswith(".eml"))
    data = {}
    for f in emls:
        with open(os.path.join(root, f), "rb") as fp:
            data[f] = fp.read()

    # --- MANIFEST.tsv ------------------------------------------------------
    manifest, bad_rows = {}, []
    mpath = os.path.join(root, "MANIFEST.tsv")
    header_ok = False
    if os.path.isfile(mpath):
        with open(mpath, "rb") as fp:
            raw = fp.read()
        text = raw.decode("utf-8", "replace")
        rows = text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        header_ok = bool(rows) and rows[0].split("\t") == MANIFEST_HEADER and b"\r" not in raw
        for n, row in enumerate(rows[1:], 2):
            cols = row.split("\t")
            if (len(cols) != 5 or not re.fullmatch(r"[0-9a-f]{64}", cols[1])
                    or not cols[2].isdigit() or cols[3] not in ("yes", "no", "mixed")
                    or not cols[4] or cols[0] in manifest):
                bad_rows.append("line %d: %r" % (n, row[:120]))
                continue
            manifest[cols[0]] = {"sha256": cols[1], "bytes": int(cols[2]),
                                 "crlf": cols[3], "tags": cols[4].split(",")}
    tap.check(header_ok, "MANIFEST.tsv exists with header '%s' and LF line ends"
              % "\\t".join(MANIFEST_HEADER))
    tap.check(not bad_rows, "MANIFEST.tsv rows are well formed (5 columns, hex sha256, "
              "integer bytes, crlf yes/no/mixed, tags, no duplicates)", bad_rows)

    unlisted = [f for f in emls if f not in manifest]
    missing = [f for f in manifest if f not in data]
    tap.check(not unlisted, "every .eml file is listed in MANIFEST.tsv",
              "not in MANIFEST.tsv: " + short(unlisted))
    tap.check(not missing, "every MANIFEST.tsv entry exists as a file",
              "listed but missing: " + short(missing))
    badnames = [f for f in emls if not NAME_RE.match(f)]
    tap.check(not badnames, "file names look like NNN-short-description.eml",
              "bad names: " + short(badnames))
    tap.check(len(emls) >= MIN_MESSAGES, "at least %d messages (found %d)"
              % (MIN_MESSAGES, len(emls)))

    # --- tags ---------------------------------------------------------------
    all_tags = {t for m in manifest.values() for t in m["tags"]}
    unknown = sorted(t for t in all_tags if t not in VOCABULARY and not CHARSET_TAG.match(t))
    tap.check(not unknown, "all tags come from the vocabulary",
              "unknown tags: " + short(unknown))
    absent = [t for t in REQUIRED_TAGS if t not in all_tags]
    tap.check(not absent, "every required tag appears at least once",
              "missing tags: " + short(absent, 30))

    # --- content properties ------------------------------------------------
    empty = [f for f, d in data.items() if not d]
    tap.check(not empty, "no zero-byte files", "empty: " + short(empty))

    large = [f for f, m in manifest.items() if "large" in m["tags"]]
    small_large = [f for f in large if len(data.get(f, b"")) < LARGE_MIN_BYTES]
    tap.check(large and not small_large,
              "messages tagged 'large' exist and are >= %d bytes" % LARGE_MIN_BYTES,
              "tagged large: %s; too small: %s" % (short(large), short(small_large)))

    longest, longest_file = 0, None
    for f, d in data.items():
        for ln in d.split(b"\n"):
            n = len(ln.rstrip(b"\r"))
            if n > longest:
                longest, longest_file = n, f
    tap.check(longest >= LONG_LINE_MIN, "some line is >= %d characters (longest: %d in %s)"
              % (LONG_LINE_MIN, longest, longest_file))

    kinds = {f: eol_kind(d) for f, d in data.items()}
    tap.check("no" in kinds.values(), "at least one file uses bare LF line endings only")
    tap.check("yes" in kinds.values(), "at least one file uses CRLF line endings only")
    tap.check("mixed" in kinds.values(), "at least one file mixes line-ending styles")

    dot_start = [f for f, d in data.items() if any(l.startswith(b".") for l in body_lines(d))]
    dot_only = [f for f, d in data.items() if b"." in body_lines(d)]
    tap.check(dot_start, "at least one body line begins with '.' (POP3 dot-stuffing)")
    tap.check(dot_only, "at least one body line is exactly '.'")
    dot_tagged = [f for f, m in manifest.items() if "dot-lines" in m["tags"]]
    not_dotty = [f for f in dot_tagged if f in data and f not in dot_start]
    tap.check(not not_dotty, "files tagged dot-lines really have body lines starting with '.'",
              "no dot lines in: " + short(not_dotty))

    rpath = os.path.join(root, "README.md")
    if os.path.isfile(rpath):
        with open(rpath, encoding="utf-8", errors="replace") as fp:
            readme = fp.read()
        undocumented = [f for f in emls if f not in readme]
        tap.check(not undocumented, "README.md describes every file",
                  "not mentioned: " + short(undocumented))
    else:
        tap.check(False, "README.md describes every file", "README.md is missing")

    # --- per file -------------------------------------------------------------
    for f in emls:
        d = data[f]
        m = manifest.get(f)
        if m is None:
            tap.check(False, "%s: sha256 and size match MANIFEST.tsv" % f, "not in MANIFEST.tsv")
            tap.check(False, "%s: line-ending class matches MANIFEST.tsv" % f, "not in MANIFEST.tsv")
        else:
            sha = hashlib.sha256(d).hexdigest()
            tap.check(sha == m["sha256"] and len(d) == m["bytes"],
                      "%s: sha256 and size match MANIFEST.tsv" % f,
                      ["expected %s %d bytes" % (m["sha256"], m["bytes"]),
                       "found    %s %d bytes" % (sha, len(d))])
            tap.check(kinds[f] == m["crlf"],
                      "%s: line endings are crlf=%s" % (f, m["crlf"]),
                      "file has crlf=%s" % kinds[f])
        try:
            msg = email.message_from_bytes(d, policy=email.policy.compat32)
            for part in msg.walk():
                part.get_payload(decode=True)
            tap.check(True, "%s: parsed by Python email (compat32)" % f)
        except Exception as e:  # noqa: BLE001 - smoke test, report anything
            tap.check(False, "%s: parsed by Python email (compat32)" % f,
                      "%s: %s" % (type(e).__name__, e))

    # --- generator reproducibility ------------------------------------------
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-corpus.py")
    name = "make-corpus.py reproduces the corpus byte for byte"
    if not os.path.isfile(gen):
        tap.skip(name, "make-corpus.py not found next to check-corpus.py")
    else:
        with tempfile.TemporaryDirectory(prefix="pigeon-corpus-") as tmp:
            try:
                r = subprocess.run([sys.executable, gen, "--out", tmp],
                                   capture_output=True, text=True, timeout=300)
            except Exception as e:  # noqa: BLE001
                r = None
                tap.check(False, name, "could not run generator: %s" % e)
            if r is not None and r.returncode != 0:
                tap.check(False, name, ["generator exited %d" % r.returncode] +
                          r.stderr.strip().splitlines()[-10:])
            elif r is not None:
                gen_files = sorted(os.listdir(tmp))
                want = sorted(emls + [x for x in ("MANIFEST.tsv", "README.md")
                                      if os.path.exists(os.path.join(root, x))])
                differ = [x for x in gen_files if x in want and
                          not filecmp.cmp(os.path.join(tmp, x), os.path.join(root, x),
                                          shallow=False)]
                only_gen = [x for x in gen_files if x not in want]
                only_dir = [x for x in want if x not in gen_files]
                tap.check(not (differ or only_gen or only_dir), name,
                          ["differ: " + short(differ), "only generated: " + short(only_gen),
                           "only in %s: %s" % (root, short(only_dir)),
                           "regenerate with: python3 tests/mail/make-corpus.py"])

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
