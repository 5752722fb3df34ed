#!/usr/bin/env python3
# bench/make-mail.py
#
# Copyright The Pigeon authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a deterministic, realistic Maildir for the store benchmark.

make-mail.py --count N [--seed S] --maildir DIR
             [--queries FILE] [--notmuch-queries FILE] [--check]

The same count and seed always give the same bytes, so Pigeon and its peer
(notmuch) index the same mail and a figure can be compared across runs.
The mail is made to look like a real mailbox where it matters to a store:
about 2,000 senders of very unequal activity (some with accented, umlauted
or CJK names in RFC 2047 headers), To/Cc lists, mailing-list mail, threads
(Message-ID, In-Reply-To, References, "Re:"), ten years of dates in several
time zones (a few missing), text from a Zipf-distributed vocabulary (about
300 real English words, then syllable pseudo-words down to hapaxes, so that
rare words exist), transfer encodings of every kind, HTML alternatives,
attachments on about 15% and a few messages of up to 2 MB; mean size about
20 KB.  About 30% are unread (Maildir flags without S), some are flagged.

--queries writes the benchmark's 50 queries in Pigeon's search syntax, one
per line, picked from the generated vocabulary and senders so that each
matches something; --notmuch-queries writes the same queries, line for
line, in notmuch's syntax.  --check parses a sample of the written files
with Python's email package and fails if one is malformed.

Standard library only.
"""

import argparse
import base64
import binascii
import bisect
import calendar
import email.parser
import email.policy
import itertools
import os
import random
import sys
import time
import unicodedata

# The ~300 most common words of English mail, most common first; they take
# the first ranks of the Zipf vocabulary.
REAL_WORDS = """
the to and of a in is for that you it on with this be are we have not at
as will from your or by can if an but all they was our please me my so do
would there about thanks what any know just one new more time get should
like also out up which has been some when us could here let them need see
meeting project report team today week next work call update email review
thank date question information issue send attached file support help new
release version change changes problem test data server client code build
before after good great sure first last best regards hello hi dear make
back now still well only other into than then those these very much many
customer order invoice payment account price offer service product sales
plan budget cost quarter year month monday tuesday wednesday thursday
friday weekend morning afternoon evening tomorrow yesterday office home
document draft final proposal contract agreement schedule deadline event
conference travel hotel flight ticket room lunch dinner coffee party
group list members board committee manager director staff people user
users system network security password login access website page link
download upload install configure error warning bug fix patch feature
request response reply message note notes comment comments feedback
discussion decision idea ideas point points detail details summary
section chapter figure table image photo picture video audio slides
deck presentation demo training course student students school class
research paper article journal book books library reference source
results analysis model models design product market strategy growth
revenue profit loss risk value quality status progress task tasks
ticket tickets support sprint backlog milestone roadmap launch ship
shipping delivery package address phone number contact details family
friends children weather holiday vacation birthday congratulations
welcome sorry unfortunately hopefully already actually probably maybe
""".split()

# Words outside ASCII, so that bodies need a charset (most are Latin-1).
ACCENTED_WORDS = """
café naïve über Größe résumé façade señor jalapeño crème brûlée déjà
fiancée Zürich München Straße Ærø São Málaga Bogotá Köln Genève Besançon
Düsseldorf Ångström Øresund Tromsø Çanakkale Mañana Québec Göteborg
""".split()
CJK_WORDS = "会议 报告 東京 大阪 안녕하세요 감사합니다 ありがとう 資料".split()

ONSETS = ("b c d f g h j k l m n p r s t v w z br ch cl dr fl gr kr pl pr "
          "sc sh sl sp st str th tr").split()
VOWELS = "a e i o u a e i o ai ea ou io".split()
CODAS = ["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk", "x"]

FIRST_NAMES = [
    ("James", "james"), ("Mary", "mary"), ("John", "john"), ("Linda", "linda"),
    ("Michael", "michael"), ("Sarah", "sarah"), ("David", "david"),
    ("Emma", "emma"), ("Robert", "robert"), ("Olivia", "olivia"),
    ("Thomas", "thomas"), ("Anna", "anna"), ("Peter", "peter"),
    ("Laura", "laura"), ("Daniel", "daniel"), ("Julia", "julia"),
    ("Mark", "mark"), ("Rachel", "rachel"), ("Paul", "paul"), ("Kate", "kate"),
    ("Jürgen", "juergen"), ("Jörg", "joerg"), ("Björn", "bjoern"),
    ("Günther", "guenther"), ("Käthe", "kaethe"), ("Hélène", "helene"),
    ("François", "francois"), ("Zoë", "zoe"), ("Chloé", "chloe"),
    ("José", "jose"), ("Inés", "ines"), ("Ramón", "ramon"), ("Søren", "soren"),
    ("Åsa", "asa"), ("Łukasz", "lukasz"), ("Małgorzata", "malgorzata"),
    ("Ана", "ana"), ("Dmitri", "dmitri"), ("Priya", "priya"),
    ("Rahul", "rahul"), ("Mei", "mei"), ("Kenji", "kenji"), ("Yuki", "yuki"),
    ("Ahmed", "ahmed"), ("Fatima", "fatima"), ("Oğuz", "oguz"),
]
LAST_NAMES = [
    ("Smith", "smith"), ("Johnson", "johnson"), ("Brown", "brown"),
    ("Taylor", "taylor"), ("Wilson", "wilson"), ("Clark", "clark"),
    ("Walker", "walker"), ("Young", "young"), ("Hall", "hall"),
    ("Wright", "wright"), ("Green", "green"), ("Baker", "baker"),
    ("Adams", "adams"), ("Nelson", "nelson"), ("Carter", "carter"),
    ("Mitchell", "mitchell"), ("Roberts", "roberts"), ("Turner", "turner"),
    ("Phillips", "phillips"), ("Campbell", "campbell"), ("Parker", "parker"),
    ("Evans", "evans"), ("Edwards", "edwards"), ("Collins", "collins"),
    ("Stewart", "stewart"), ("Morris", "morris"), ("Murphy", "murphy"),
    ("Cooper", "cooper"), ("Richardson", "richardson"), ("Cox", "cox"),
    ("Müller", "mueller"), ("Schmidt", "schmidt"), ("Schneider", "schneider"),
    ("Fischer", "fischer"), ("Weber", "weber"), ("Schäfer", "schaefer"),
    ("Köhler", "koehler"), ("Dubois", "dubois"), ("Lefèvre", "lefevre"),
    ("Moreau", "moreau"), ("Girard", "girard"), ("García", "garcia"),
    ("Martínez", "martinez"), ("López", "lopez"), ("Núñez", "nunez"),
    ("Rossi", "rossi"), ("Bianchi", "bianchi"), ("Nguyen", "nguyen"),
    ("Kowalski", "kowalski"), ("Nowak", "nowak"), ("Jensen", "jensen"),
    ("Østergaard", "ostergaard"), ("Lindqvist", "lindqvist"),
    ("Petrov", "petrov"), ("Ivanova", "ivanova"), ("Sharma", "sharma"),
    ("Patel", "patel"), ("Yılmaz", "yilmaz"), ("Cohen", "cohen"),
    ("Kim", "kim"), ("Park", "park"), ("Tanaka", "tanaka"), ("Sato", "sato"),
]
CJK_NAMES = [
    ("王伟", "wang.wei"), ("李娜", "li.na"), ("张敏", "zhang.min"),
    ("刘洋", "liu.yang"), ("陈静", "chen.jing"), ("田中 太郎", "taro.tanaka"),
    ("佐藤 花子", "hanako.sato"), ("鈴木 一郎", "ichiro.suzuki"),
    ("김민준", "minjun.kim"), ("이서연", "seoyeon.lee"), ("박지훈", "jihoon.park"),
]
DOMAINS = ("gmail.com yahoo.com outlook.com posteo.de web.de gmx.net "
           "orange.fr free.fr example.org example.com acme-corp.example "
           "university.example.edu lists.example.org mail.example.jp "
           "naver.example.kr startup.example.io consulting.example.co.uk "
           "hospital.example.ch ministry.example.gov").split()
MY_ADDRESSES = ["Alex Reader <alex@example.net>",
                "Alex Reader <alex.reader@work.example.com>",
                "Alex <alex@old-isp.example>"]
MAILING_LISTS = ["dev", "users", "announce", "security", "photography",
                 "cycling-club", "book-club", "neighbourhood", "jobs",
                 "rust-users", "debian-user", "release-team"]
TIMEZONES = [0, 0, 60, 60, 120, -300, -240, -480, 540, 330, -180, 600]
MAILERS = ["Mozilla Thunderbird 115.3.1", "Apple Mail (2.3731)",
           "Microsoft Outlook 16.0", "Evolution 3.46.4", "Mutt/2.2.9",
           "Roundcube Webmail/1.6.1", "K-9 Mail for Android", None, None]
ATTACHMENT_KINDS = [("application/pdf", "pdf"), ("image/png", "png"),
                    ("application/zip", "zip"), ("image/jpeg", "jpg"),
                    ("application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document", "docx")]
DAYNAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHNAMES = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
              "Sep", "Oct", "Nov", "Dec"]

START = calendar.timegm((2016, 1, 1, 0, 0, 0))
END = calendar.timegm((2026, 1, 1, 0, 0, 0))
VOCAB_PSEUDO = 400_000   # pseudo-words after the real ones: a long tail
WORD_ZIPF = 1.0
SENDER_ZIPF = 0.8
B64_LINE = 77            # 76 base64 characters and a newline: 57 bytes


def zipf_cum_weights(n, s):
    """Cumulative Zipf weights for ranks 1..n (for random.choices)."""
    return list(itertools.accumulate(r ** -s for r in range(1, n + 1)))


def ascii_fold(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def q_encode_word(text, charset):
    """RFC 2047 Q-encoding of one header word."""
    raw = text.encode(charset)
    out = []
    for byte in raw:
        ch = chr(byte)
        if ch.isalnum() and byte < 128:
            out.append(ch)
        elif ch == " ":
            out.append("_")
        else:
            out.append("=%02X" % byte)
    return "=?%s?Q?%s?=" % (charset.upper(), "".join(out))


def b_encode_word(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()


def encode_phrase(rng, text):
    """A display name or subject as it would appear in a header."""
    if text.isascii():
        return text
    try:
        text.encode("latin-1")
        latin = True
    except UnicodeEncodeError:
        latin = False
    if latin and rng.random() < 0.4:
        return q_encode_word(text, "iso-8859-1")
    if rng.random() < 0.5:
        return b_encode_word(text)
    return q_encode_word(text, "utf-8")


def format_date(ts, tz_minutes):
    tm = time.gmtime(ts + tz_minutes * 60)
    sign = "-" if tz_minutes < 0 else "+"
    off = abs(tz_minutes)
    return "%s, %d %s %04d %02d:%02d:%02d %s%02d%02d" % (
        DAYNAMES[tm.tm_wday], tm.tm_mday, MONTHNAMES[tm.tm_mon], tm.tm_year,
        tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off // 60, off % 60)


class Corpus:
    """Vocabulary, phrases and senders, all drawn from one seeded RNG."""

    def __init__(self, seed):
        rng = random.Random("vocabulary-%d" % seed)
        self.rng = rng
        words = list(REAL_WORDS)
        seen = set(words)
        pseudo = []
        while len(pseudo) < VOCAB_PSEUDO:
            rank = len(pseudo)
            nsyl = 2 if rank < 3000 else (3 if rank < 120_000 else 4)
            if rank > 3000 and rng.random() < 0.3:
                nsyl -= 1
            word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS)
                           for _ in range(nsyl)) + rng.choice(CODAS)
            if word not in seen and len(word) >= 4:
                seen.add(word)
                pseudo.append(word)
        # Non-ASCII words sit at middle ranks, as names of places do.
        for i, w in enumerate(ACCENTED_WORDS):
            pseudo.insert(200 + i * 97, w)
        for i, w in enumerate(CJK_WORDS):
            pseudo.insert(1500 + i * 311, w)
        self.words = words + pseudo
        self.cum = zipf_cum_weights(len(self.words), WORD_ZIPF)
        self.total_weight = self.cum[-1]

        # Collocations: two-word phrases inserted as units, so that phrase
        # queries have something to find; Zipf-distributed themselves.
        self.phrases = []
        for i in range(400):
            a = self.words[rng.randrange(40, 300)] if i % 3 else \
                self.words[rng.randrange(300, 5000)]
            b = self.words[rng.randrange(300, 20000)]
            if a.isascii() and b.isascii():
                self.phrases.append(a + " " + b)
        self.phrase_cum = zipf_cum_weights(len(self.phrases), 1.0)

        # Senders: distinct (name, address), Zipf-distributed activity.
        self.senders = []
        seen_addr = set()
        while len(self.senders) < 2000:
            x = rng.random()
            if x < 0.05:
                name, local = rng.choice(CJK_NAMES)
            else:
                first, flocal = rng.choice(FIRST_NAMES)
                last, llocal = rng.choice(LAST_NAMES)
                name = first + " " + last
                local = rng.choice([flocal + "." + llocal, flocal[0] + llocal,
                                    flocal + llocal[:1], llocal])
            if rng.random() < 0.3:
                local += str(rng.randrange(2, 99))
            addr = local + "@" + rng.choice(DOMAINS)
            if addr in seen_addr:
                continue
            seen_addr.add(addr)
            if rng.random() < 0.08:
                name = ""   # a bare address
            self.senders.append((name, addr))
        self.sender_cum = zipf_cum_weights(len(self.senders), SENDER_ZIPF)

    def expected_count(self, rank, total_words):
        """How often the word at 0-based rank is expected in total_words."""
        prev = self.cum[rank - 1] if rank else 0.0
        return total_words * (self.cum[rank] - prev) / self.total_weight


class Generator:
    def __init__(self, corpus, seed, count):
        self.c = corpus
        self.count = count
        self.attachment_rate = 0.15
        self.rng = random.Random("messages-%d" % seed)
        blob_rng = random.Random("blobs-%d" % seed)
        raw = blob_rng.randbytes(57 * 40_000)   # 2.28 MB, 40,000 lines
        self.blob = base64.encodebytes(raw).decode()  # 76 chars + \n a line
        self.blob_lines = len(self.blob) // B64_LINE
        self.flat = self.blob.replace("\n", "")
        self.threads = []     # open threads: [root subject, [ids], list]
        self.total_words = 0
        self.stats = {"bytes": 0, "unread": 0, "flagged": 0, "attach": 0,
                      "html": 0, "replies": 0, "list": 0, "large": 0}

    # -- text --------------------------------------------------------------

    def words(self, n):
        self.total_words += n
        return self.rng.choices(self.c.words, cum_weights=self.c.cum, k=n)

    def body_text(self, nwords):
        rng = self.rng
        w = self.words(nwords)
        # Collocations replace about one word in forty.
        for _ in range(nwords // 40):
            w[rng.randrange(nwords)] = rng.choices(
                self.c.phrases, cum_weights=self.c.phrase_cum)[0]
        # Sentences of 6-20 words; paragraphs of 2-6 sentences; lines of
        # ten words (a cheap wrap that keeps lines near 70 columns).
        paras = []
        i = 0
        while i < nwords:
            para = []
            for _ in range(rng.randint(2, 6)):
                if i >= nwords:
                    break
                j = min(nwords, i + rng.randint(6, 20))
                sent = w[i:j]
                sent[0] = sent[0][:1].upper() + sent[0][1:]
                sent[-1] += rng.choice(".....?!")
                para.extend(sent)
                i = j
            paras.append("\n".join(" ".join(para[k:k + 10])
                                   for k in range(0, len(para), 10)))
        return paras

    def b64_slice(self, nbytes):
        """Base64 lines of random bytes, nbytes long or a little less."""
        nlines = max(1, nbytes // B64_LINE)
        nlines = min(nlines, self.blob_lines)
        start = self.rng.randrange(self.blob_lines - nlines + 1)
        return self.blob[start * B64_LINE:(start + nlines) * B64_LINE]

    def token(self, n):
        start = self.rng.randrange(len(self.flat) - n)
        return self.flat[start:start + n]

    # -- parts -------------------------------------------------------------

    def text_part(self, text, subtype):
        """Headers and body (bytes) of one text part, in a random encoding."""
        rng = self.rng
        x = rng.random()
        charset = "utf-8"
        if x < 0.15:
            try:
                data = text.encode("iso-8859-1")
                charset = "iso-8859-1"
            except UnicodeEncodeError:
                data = text.encode()
        else:
            data = text.encode()
        y = rng.random()
        if y < 0.18 or (subtype == "html" and y < 0.6):
            cte = "quoted-printable"
            body = binascii.b2a_qp(data)
        elif y < 0.28:
            cte = "base64"
            body = base64.encodebytes(data)
        else:
            cte = "8bit" if any(b > 127 for b in data[:4000]) or \
                not data.isascii() else "7bit"
            body = data
        if charset == "utf-8" and cte == "7bit" and rng.random() < 0.5:
            charset = "us-ascii"
        ctype = "text/%s; charset=%s" % (subtype, charset)
        if subtype == "plain" and rng.random() < 0.2:
            ctype += "; format=flowed"
        head = "Content-Type: %s\nContent-Transfer-Encoding: %s\n" % (ctype, cte)
        return head, body

    def html_of(self, paras):
        parts = ["<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                 "<style>p{margin:0 0 1em 0}</style></head>\n<body>\n"]
        for p in paras:
            esc = p.replace("&", "&amp;").replace("<", "&lt;")
            if self.rng.random() < 0.2:
                esc = "<b>" + esc + "</b>"
            parts.append("<div dir=\"ltr\"><p>" + esc.replace("\n", "\n")
                         + "</p></div>\n")
        if self.rng.random() < 0.3:
            parts.append("<p><a href=\"https://example.com/%s\">%s</a></p>\n"
                         % (self.token(12), self.token(8)))
        parts.append("</body></html>\n")
        return "".join(parts)

    def attachment(self, size):
        ctype, ext = self.rng.choice(ATTACHMENT_KINDS)
        stem = "-".join(self.rng.choices(self.c.words[40:3000], k=2))
        stem = ascii_fold(stem) or "file"
        name = "%s-%d.%s" % (stem, self.rng.randrange(1, 400), ext)
        head = ("Content-Type: %s; name=\"%s\"\n"
                "Content-Disposition: attachment; filename=\"%s\"\n"
                "Content-Transfer-Encoding: base64\n" % (ctype, name, name))
        return head, self.b64_slice(size * 4 // 3).encode()

    # -- one message -------------------------------------------------------

    def sender(self):
        return self.rng.choices(self.c.senders, cum_weights=self.c.sender_cum)[0]

    def mailbox(self, who):
        name, addr = who
        if not name:
            return addr
        enc = encode_phrase(self.rng, name)
        if enc == name and any(ch in name for ch in ",.\"()"):
            enc = '"%s"' % name
        return "%s <%s>" % (enc, addr)

    def message(self, n):
        rng = self.rng
        st = self.stats
        base = START + (END - START) * n // self.count
        ts = base + rng.randrange(-86400, 86400)
        ts = min(max(ts, START), END - 1)
        who = self.sender()
        domain = who[1].split("@")[1]
        msgid = "<%d.%s@%s>" % (ts, self.token(10).replace("/", "x")
                                .replace("+", "y"), domain)

        # Thread: a reply to a recent open thread, or a new one.
        reply_to = None
        if self.threads and rng.random() < 0.4:
            k = len(self.threads) - 1 - int(len(self.threads) * rng.random() ** 3)
            reply_to = self.threads[max(k, 0)]
        if reply_to:
            subject = reply_to[0]
            if not subject.startswith("Re: ") or rng.random() < 0.1:
                subject = "Re: " + subject
            refs = reply_to[1]
            mlist = reply_to[2]
            st["replies"] += 1
        else:
            nsub = rng.randint(2, 9)
            subject = " ".join(self.words(nsub))
            subject = subject[:1].upper() + subject[1:]
            refs = []
            mlist = rng.choice(MAILING_LISTS) if rng.random() < 0.25 else None
            if mlist:
                subject = "[%s] %s" % (mlist, subject)
            if rng.random() < 0.03:
                subject = ""

        # Headers.
        h = []
        h.append("Return-Path: <%s>\n" % who[1])
        for hop in range(rng.randint(1, 3)):
            h.append("Received: from mail%d.%s (mail%d.%s [198.51.100.%d])\n"
                     "\tby mx%d.example.net (Postfix) with ESMTPS id %s\n"
                     "\tfor <alex@example.net>; %s\n"
                     % (hop, domain, hop, domain, rng.randrange(1, 255), hop,
                        self.token(11).upper().replace("/", "Q")
                        .replace("+", "P"), format_date(ts + 2 + hop, 0)))
        if rng.random() < 0.45:
            h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;"
                     " d=%s; s=s%d;\n\th=from:to:subject:date:message-id;\n"
                     "\tbh=%s=;\n\tb=%s\n\t %s\n\t %s\n"
                     % (domain, rng.randrange(1, 9), self.token(43),
                        self.token(70), self.token(70), self.token(70)))
        if rng.random() > 0.005:
            h.append("Date: %s\n" % format_date(ts, rng.choice(TIMEZONES)))
        h.append("From: %s\n" % self.mailbox(who))
        if mlist:
            st["list"] += 1
            h.append("To: %s@lists.example.org\n" % mlist)
        else:
            to = [rng.choice(MY_ADDRESSES)]
            for _ in range(int(rng.random() ** 3 * 6)):
                to.append(self.mailbox(self.sender()))
            h.append("To: %s\n" % ",\n ".join(to))
            if rng.random() < 0.25:
                cc = [self.mailbox(self.sender())
                      for _ in range(rng.randint(1, 4))]
                h.append("Cc: %s\n" % ",\n ".join(cc))
        if subject:
            h.append("Subject: %s\n" % encode_phrase(rng, subject))
        h.append("Message-ID: %s\n" % msgid)
        if refs:
            h.append("In-Reply-To: %s\n" % refs[-1])
            shown = refs if len(refs) <= 12 else refs[:1] + refs[-11:]
            h.append("References: %s\n" % "\n ".join(shown))
        if mlist:
            h.append("List-Id: <%s.lists.example.org>\n"
                     "List-Unsubscribe: <mailto:%s-leave@lists.example.org>\n"
                     "Precedence: list\n" % (mlist, mlist))
        mailer = rng.choice(MAILERS)
        if mailer:
            h.append("X-Mailer: %s\n" % mailer)
        h.append("MIME-Version: 1.0\n")

        # Body text: a log-normal number of words, median about 120.
        nwords = min(3000, max(3, int(rng.lognormvariate(4.8, 0.8))))
        paras = self.body_text(nwords)
        if reply_to:
            quoted = self.body_text(rng.randint(10, 80))
            paras.append("On %s, %s wrote:" % (format_date(ts - 3600, 0),
                                                 who[0] or who[1]))
            paras.append("\n".join("> " + line for p in quoted
                                   for line in p.split("\n")))
        if rng.random() < 0.5:
            paras.append("-- \n%s\n%s" % (who[0] or who[1], who[1]))
        text = "\n\n".join(paras) + "\n"

        # Structure.
        body_parts = []
        with_html = rng.random() < 0.3
        if with_html:
            st["html"] += 1
            boundary = "alt-" + self.token(16).replace("/", "_").replace("+", "-")
            ph, pb = self.text_part(text, "plain")
            hh, hb = self.text_part(self.html_of(paras), "html")
            main_head = ("Content-Type: multipart/alternative; "
                         "boundary=\"%s\"\n" % boundary)
            main_body = b"".join([
                ("--%s\n%s\n" % (boundary, ph)).encode(), pb,
                ("\n--%s\n%s\n" % (boundary, hh)).encode(), hb,
                ("\n--%s--\n" % boundary).encode()])
        else:
            main_head, main_body = self.text_part(text, "plain")

        x = rng.random()
        if x < self.attachment_rate:
            st["attach"] += 1
            if x < 0.002:
                st["large"] += 1
                sizes = [rng.randrange(600_000, 1_500_000)]
            else:
                sizes = [int(min(1_000_000, rng.lognormvariate(10.5, 1.0)))
                         for _ in range(1 if rng.random() < 0.8 else 2)]
            boundary = "mix-" + self.token(16).replace("/", "_").replace("+", "-")
            chunks = [("Content-Type: multipart/mixed; boundary=\"%s\"\n\n"
                       "This is a multi-part message in MIME format.\n\n"
                       "--%s\n%s\n" % (boundary, boundary, main_head)).encode(),
                      main_body]
            for size in sizes:
                ah, ab = self.attachment(size)
                chunks.append(("\n--%s\n%s\n" % (boundary, ah)).encode())
                chunks.append(ab)
            chunks.append(("\n--%s--\n" % boundary).encode())
            body = b"".join(chunks)
            h.append("")
        else:
            h.append(main_head + "\n")
            body = main_body
        data = "".join(h).encode() + body

        # Keep the thread open for replies.
        if reply_to:
            reply_to[1] = refs + [msgid]
        else:
            self.threads.append([subject or "(no subject)", [msgid], mlist])
            if len(self.threads) > 400:
                del self.threads[0]

        # Maildir flags: ~30% unread, ~4% flagged.
        unread = rng.random() < 0.3
        flagged = rng.random() < 0.04
        flags = ("F" if flagged else "") + ("" if unread else "S")
        st["unread"] += unread
        st["flagged"] += flagged
        st["bytes"] += len(data)
        return "%d.bench:2,%s" % (n, flags), data


# -- queries -----------------------------------------------------------------

def make_queries(corpus, gen, seed):
    """50 queries in Pigeon's syntax and the same in notmuch's.

    Each query is a list of terms; a term is (kind, value).  The two
    renderings differ only in the filters' names and in how negation and
    conjunction are written.
    """
    rng = random.Random("queries-%d" % seed)
    words = corpus.words
    total = gen.total_words

    def ascii_word(lo, hi):
        while True:
            w = words[rng.randrange(lo, hi)]
            if w.isascii() and len(w) >= 4:
                return w

    # Real words ranked 40-300 ("meeting", "invoice"), never the, to, and.
    common = []
    while len(common) < 10:
        w = ascii_word(40, len(REAL_WORDS))
        if w not in common:
            common.append(w)

    def rank_below(expected, start=0):
        """The first rank from start whose word is expected < expected times."""
        return next((r for r in range(start, len(words))
                     if corpus.expected_count(r, total) < expected), len(words))

    # Rare: words expected about 4-40 times in this whole corpus.
    lo = rank_below(40)
    hi = max(rank_below(4, lo), lo + 1)
    rare = []
    while len(rare) < 10:
        w = ascii_word(lo, hi)
        if w not in rare:
            rare.append(w)

    # Phrases: collocations of very different frequencies.
    phrases = [corpus.phrases[i] for i in (0, 2, 5, 11, 23, 47, 95, 190)]

    # Prefixes of 3-5 letters, from words of every rank band down to words
    # expected about 10 times, so that even the longest prefix matches.
    tail = max(rank_below(10), 3200)
    prefixes = []
    for lo_r, hi_r, n in ((300, 3000, 3), (3000, (3000 + tail) // 2, 3),
                          ((3000 + tail) // 2, tail, 2)):
        for _ in range(n):
            w = ascii_word(lo_r, hi_r)
            prefixes.append(w[:rng.choice((3, 4, 5))] + "*")

    # Senders: surnames (or address local parts) by activity rank.
    def sender_term(rank):
        name = corpus.senders[rank][0].split()
        if len(name) == 2 and name[1].isascii() and name[1].isalpha():
            return name[1].lower()
        return None
    froms = []
    for rank in (0, 3, 15, 60, 300, 1200):
        r = rank
        while sender_term(r) is None or sender_term(r) in froms:
            r += 1
        froms.append(sender_term(r))

    q = []
    q += [[("word", w)] for w in common]
    q += [[("word", w)] for w in rare]
    q += [[("phrase", p)] for p in phrases]
    q += [[("prefix", p)] for p in prefixes]
    q += [[("from", f)] for f in froms]
    q += [
        [("from", froms[1]), ("word", common[0])],
        [("word", common[1]), ("unread", None)],
        [("word", common[2]), ("after", "2020-01-01")],
        [("subject", ascii_word(40, len(REAL_WORDS))), ("attachment", None)],
        [("word", common[3]), ("not", common[4])],
        [("or", (rare[0], common[5]))],
        [("word", common[6]), ("flagged", None)],
        [("subject", ascii_word(40, len(REAL_WORDS))),
         ("before", "2018-06-30")],
    ]
    assert len(q) == 50, len(q)
    return q


def render_pigeon(query):
    out = []
    for kind, v in query:
        out.append({
            "word": lambda: v, "prefix": lambda: v,
            "phrase": lambda: '"%s"' % v,
            "from": lambda: "from:" + v, "subject": lambda: "subject:" + v,
            "unread": lambda: "is:unread", "flagged": lambda: "is:flagged",
            "attachment": lambda: "has:attachment",
            "after": lambda: "after:" + v, "before": lambda: "before:" + v,
            "not": lambda: "-" + v, "or": lambda: "%s OR %s" % v,
        }[kind]())
    return " ".join(out)


def render_notmuch(query):
    out = []
    for kind, v in query:
        out.append({
            "word": lambda: v, "prefix": lambda: v,
            "phrase": lambda: '"%s"' % v,
            "from": lambda: "from:" + v, "subject": lambda: "subject:" + v,
            "unread": lambda: "tag:unread", "flagged": lambda: "tag:flagged",
            "attachment": lambda: "tag:attachment",
            "after": lambda: "date:%s.." % v, "before": lambda: "date:..%s" % v,
            "not": lambda: "NOT " + v, "or": lambda: "(%s OR %s)" % v,
        }[kind]())
    return " AND ".join(out)


# -- check -------------------------------------------------------------------

def check(maildir, sample):
    """Parse a sample of the Maildir with the email package; count faults."""
    cur = os.path.join(maildir, "cur")
    names = sorted(os.listdir(cur), key=lambda s: int(s.split(".")[0]))
    step = max(1, len(names) // sample)
    parser = email.parser.BytesParser(policy=email.policy.default)
    faults = 0
    seen = {"parts": 0, "attachments": 0, "dates": 0, "non-ascii names": 0}
    for name in names[::step]:
        path = os.path.join(cur, name)
        with open(path, "rb") as f:
            raw = f.read()
        try:
            msg = parser.parsebytes(raw)
            problems = list(msg.defects)
            frm = msg["From"]
            if frm is None or not frm.addresses:
                problems.append("no From")
            elif not frm.addresses[0].display_name.isascii():
                seen["non-ascii names"] += 1
            if msg["Message-ID"] is None:
                problems.append("no Message-ID")
            if msg["Date"] is not None:
                if msg["Date"].datetime is None:
                    problems.append("bad Date")
                seen["dates"] += 1
            str(msg["Subject"] or "")
            str(msg["To"] or "")
            for part in msg.walk():
                problems.extend(part.defects)
                if part.is_multipart():
                    continue
                seen["parts"] += 1
                if part.get_content_disposition() == "attachment":
                    seen["attachments"] += 1
                    if not part.get_filename():
                        problems.append("attachment without name")
                    if not part.get_content():
                        problems.append("empty attachment")
                elif part.get_content_maintype() == "text":
                    if not part.get_content().strip():
                        problems.append("empty text")
            flags = name.split(":2,")[1]
            if flags not in ("", "S", "F", "FS"):
                problems.append("bad flags " + flags)
        except Exception as e:   # a crash in the parser is a fault too
            problems = ["%s: %s" % (type(e).__name__, e)]
        if problems:
            faults += 1
            if faults <= 5:
                print("check: %s: %s" % (name, problems), file=sys.stderr)
    checked = len(names[::step])
    print("check: %d of %d messages parsed, %d faulty; %s"
          % (checked, len(names), faults,
             ", ".join("%s %d" % kv for kv in seen.items())))
    return faults == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--attachment-rate", type=float, default=0.15,
                    help="share of messages with attachments (0.15: mean "
                         "~20 KB; 0.27: ~30 KB)")
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--queries", help="write Pigeon-syntax queries here")
    ap.add_argument("--notmuch-queries", help="write notmuch queries here")
    ap.add_argument("--check", action="store_true",
                    help="parse a sample of the Maildir with the email package")
    ap.add_argument("--check-only", action="store_true",
                    help="check an existing Maildir, write nothing")
    args = ap.parse_args()

    if args.check_only:
        return 0 if check(args.maildir, 1000) else 1

    t0 = time.monotonic()
    corpus = Corpus(args.seed)
    gen = Generator(corpus, args.seed, args.count)
    gen.attachment_rate = args.attachment_rate
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    cur = os.path.join(args.maildir, "cur")
    for n in range(1, args.count + 1):
        name, data = gen.message(n)
        with open(os.path.join(cur, name), "wb") as f:
            f.write(data)
    st = gen.stats
    elapsed = time.monotonic() - t0
    print("make-mail: %d messages, %.1f MB, mean %.1f KB, unread %.0f%%, "
          "flagged %.0f%%, attachments %.0f%% (%d large), HTML %.0f%%, "
          "replies %.0f%%, list mail %.0f%%; %.1f s"
          % (args.count, st["bytes"] / 1e6, st["bytes"] / args.count / 1024,
             100 * st["unread"] / args.count, 100 * st["flagged"] / args.count,
             100 * st["attach"] / args.count, st["large"],
             100 * st["html"] / args.count, 100 * st["replies"] / args.count,
             100 * st["list"] / args.count, elapsed))

    if args.queries or args.notmuch_queries:
        queries = make_queries(corpus, gen, args.seed)
        if args.queries:
            with open(args.queries, "w", encoding="utf-8") as f:
                f.writelines(render_pigeon(q) + "\n" for q in queries)
        if args.notmuch_queries:
            with open(args.notmuch_queries, "w", encoding="utf-8") as f:
                f.writelines(render_notmuch(q) + "\n" for q in queries)
    if args.check and not check(args.maildir, 1000):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
