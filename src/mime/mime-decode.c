/* mime-decode.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <iconv.h>
#include <string.h>

#include "mime-decode-private.h"
#include "mime-summary.h"

/* Longest charset name worth looking up; anything longer is garbage. */
#define MAX_CHARSET_LENGTH 64

/* Longest encoded-word payload accepted. RFC 2047 allows 75 characters
 * for the whole word; mailers exceed that, but a cap keeps a header of
 * unterminated "=?x?Q?..." words from costing quadratic time. */
#define MAX_PAYLOAD_LENGTH 1024

/* Windows-1252 bytes 0x80-0x9F; the five undefined ones become U+FFFD. */
static const gunichar windows_1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
  0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static void
append_windows_1252 (GString *out, const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) data[i];

      if (c == 0)
        continue;
      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else if (c < 0xA0)
        g_string_append_unichar (out, windows_1252_high[c - 0x80]);
      else
        g_string_append_unichar (out, c);
    }
}

/**
 * _mime_windows_1252_to_utf8:
 *
 * Converts Windows-1252 (a superset of ISO-8859-1 as mail uses it) to
 * UTF-8. Every byte maps to something, so this is the last fallback of all
 * conversions; NUL bytes are dropped.
 *
 * Returns: (transfer full): valid UTF-8
 */
char *
_mime_windows_1252_to_utf8 (const char *data, gsize length)
{
  GString *out = g_string_sized_new (length + length / 8 + 1);

  append_windows_1252 (out, data, length);
  return g_string_free (out, FALSE);
}

/* Appends @data line by line: a line that is valid UTF-8 is kept, any other
 * is read as Windows-1252. Mail that mixes the two (PHP mail(), mailing
 * list footers) then shows both halves correctly. */
static void
append_utf8_or_1252 (GString *out, const char *data, gsize length)
{
  const char *end = data + length;

  while (data < end)
    {
      const char *nl = memchr (data, '\n', end - data);
      gsize       line = (nl != NULL ? nl + 1 : end) - data;

      if (g_utf8_validate_len (data, line, NULL))
        g_string_append_len (out, data, line);
      else
        append_windows_1252 (out, data, line);
      data += line;
    }
}

static gboolean
charset_is_utf8 (const char *charset)
{
  return charset == NULL || *charset == '\0' ||
         g_ascii_strcasecmp (charset, "utf-8") == 0 ||
         g_ascii_strcasecmp (charset, "utf8") == 0 ||
         g_ascii_strcasecmp (charset, "us-ascii") == 0 ||
         g_ascii_strcasecmp (charset, "ascii") == 0 ||
         g_ascii_strcasecmp (charset, "unknown-8bit") == 0 ||
         g_ascii_strcasecmp (charset, "x-unknown") == 0;
}

static gboolean
charset_is_1252 (const char *charset)
{
  return g_ascii_strcasecmp (charset, "iso-8859-1") == 0 ||
         g_ascii_strcasecmp (charset, "iso_8859-1") == 0 ||
         g_ascii_strcasecmp (charset, "latin1") == 0 ||
         g_ascii_strcasecmp (charset, "windows-1252") == 0 ||
         g_ascii_strcasecmp (charset, "cp1252") == 0;
}

/* Labels whose text is mostly written in a vendor's superset, which
 * glibc's converter of the plain charset rejects: Shift_JIS mail holds
 * Windows' NEC and IBM rows (①, ㈱), EUC-KR mail is Windows' CP949
 * (Outlook labels it ks_c_5601-1987), GB2312 mail is GBK. Mapped as the
 * WHATWG Encoding Standard maps them for the web. */
static const struct
{
  const char *label;
  const char *converter;
} charset_supersets[] = {
  { "shift_jis", "CP932" },      { "shift-jis", "CP932" },
  { "sjis", "CP932" },           { "x-sjis", "CP932" },
  { "ms_kanji", "CP932" },       { "csshiftjis", "CP932" },
  { "windows-31j", "CP932" },    { "euc-jp", "EUC-JP-MS" },
  { "x-euc-jp", "EUC-JP-MS" },   { "euc-kr", "CP949" },
  { "ks_c_5601-1987", "CP949" }, { "ks_c_5601-1989", "CP949" },
  { "ksc5601", "CP949" },        { "ksc_5601", "CP949" },
  { "windows-949", "CP949" },    { "gb2312", "GB18030" },
  { "gb_2312-80", "GB18030" },   { "csgb2312", "GB18030" },
  { "euc-cn", "GB18030" },       { "x-gbk", "GB18030" },
  { "gbk", "GB18030" },          { "cp936", "GB18030" },
  { "big5", "BIG5-HKSCS" },      { "x-x-big5", "BIG5-HKSCS" },
  { "cn-big5", "BIG5-HKSCS" },   { "csbig5", "BIG5-HKSCS" },
  { "tis-620", "CP874" },        { "iso-8859-11", "CP874" },
};

static const char *
converter_for (const char *charset)
{
  for (gsize i = 0; i < G_N_ELEMENTS (charset_supersets); i++)
    if (g_ascii_strcasecmp (charset, charset_supersets[i].label) == 0)
      return charset_supersets[i].converter;
  return charset;
}

/* In an ISO-2022 text, whether the escape sequences before @upto switched
 * to a two-byte set ("ESC $ B"): then a character iconv rejects is two
 * bytes long. Scans on from *@scanned, so linear over a whole text. */
static gboolean
in_two_byte_set (const char *upto, const char **scanned, gboolean two_byte)
{
  const char *p;

  for (p = *scanned; p < upto; p++)
    if (p[0] == '\x1B')
      {
        if (p + 1 == upto)
          break; /* its second byte is looked at next time */
        two_byte = p[1] == '$';
      }
    else if (p[0] == '\x0E' || p[0] == '\x0F')
      two_byte = p[0] == '\x0E'; /* SO and SI, of ISO-2022-KR */
  *scanned = p;
  return two_byte;
}

/* Converts with iconv, replacing each character iconv rejects by U+FFFD
 * rather than giving up: one bad byte must not cost the rest of the text.
 * In a stateful charset (ISO-2022-JP) the converter keeps its shift
 * state over it, and a rejected two-byte character is skipped whole:
 * reset, the rest of the line came out as ASCII garbage. Returns FALSE
 * only if iconv has no converter for @charset. */
static gboolean
append_with_iconv (GString    *out,
                   const char *data,
                   gsize       length,
                   const char *charset)
{
  iconv_t     cd;
  char        buffer[4096];
  char       *in = (char *) data;
  gsize       in_left = length;
  gboolean    stateful = g_ascii_strncasecmp (charset, "iso-2022-", 9) == 0;
  const char *scanned = data;
  gboolean    two_byte = FALSE;

  /* GMime's cache keeps converters open: opening one each time makes
   * glibc load and unload its gconv module, the main cost of a summary. */
  cd = g_mime_iconv_open ("UTF-8", converter_for (charset));
  if (cd == (iconv_t) -1)
    return FALSE;

  while (in_left > 0)
    {
      char  *outp = buffer;
      gsize  out_left = sizeof buffer;
      size_t r = iconv (cd, &in, &in_left, &outp, &out_left);

      g_string_append_len (out, buffer, outp - buffer);
      if (r == (size_t) -1)
        {
          gsize skip;

          if (errno == E2BIG)
            continue;
          /* EILSEQ or EINVAL (truncated sequence at the end) */
          g_string_append (out, "\xEF\xBF\xBD");
          if (stateful)
            two_byte = in_two_byte_set (in, &scanned, two_byte);
          else
            iconv (cd, NULL, NULL, NULL, NULL);
          skip = 1;
          if (two_byte && in_left >= 2 && in[0] != '\x1B' && in[1] != '\x1B')
            skip = 2;
          in += skip;
          in_left -= skip;
        }
    }
  /* Flush the shift state of stateful charsets (ISO-2022-JP). */
  {
    char *outp = buffer;
    gsize out_left = sizeof buffer;

    iconv (cd, NULL, NULL, &outp, &out_left);
    g_string_append_len (out, buffer, outp - buffer);
  }
  g_mime_iconv_close (cd);
  return TRUE;
}

/* The output of iconv is trusted to be UTF-8, but NUL bytes (UTF-16 input,
 * garbage) would cut the C string short: they are removed. */
static void
remove_nuls (GString *out, gsize from)
{
  gsize j = from;

  if (memchr (out->str + from, '\0', out->len - from) == NULL)
    return;
  for (gsize i = from; i < out->len; i++)
    if (out->str[i] != '\0')
      out->str[j++] = out->str[i];
  g_string_truncate (out, j);
}

/**
 * _mime_append_utf8:
 *
 * Like _mime_bytes_to_utf8(), appending to @out.
 */
void
_mime_append_utf8 (GString    *out,
                   const char *data,
                   gsize       length,
                   const char *charset)
{
  gsize start = out->len;

  if (charset_is_utf8 (charset))
    append_utf8_or_1252 (out, data, length);
  else if (charset_is_1252 (charset))
    append_windows_1252 (out, data, length);
  else if (strlen (charset) > MAX_CHARSET_LENGTH ||
           !append_with_iconv (out, data, length, charset))
    append_utf8_or_1252 (out, data, length);

  remove_nuls (out, start);
  if (!g_utf8_validate_len (out->str + start, out->len - start, NULL))
    {
      /* iconv produced something odd (it should not): start over safely */
      g_autofree char *copy = g_strndup (out->str + start, out->len - start);

      g_string_truncate (out, start);
      append_utf8_or_1252 (out, copy, strlen (copy));
    }
}

/**
 * _mime_bytes_to_utf8:
 * @charset: (nullable): the MIME charset name the bytes claim, NULL if none
 *
 * Converts text of a message to UTF-8, tolerantly: UTF-8 and US-ASCII
 * (and no charset) keep valid lines and read others as Windows-1252; a
 * legacy charset goes through iconv with bad bytes replaced; an unknown
 * charset is treated like no charset. NUL bytes are dropped.
 *
 * Returns: (transfer full): valid UTF-8, never NULL
 */
char *
_mime_bytes_to_utf8 (const char *data, gsize length, const char *charset)
{
  GString *out = g_string_sized_new (length + 1);

  _mime_append_utf8 (out, data, length, charset);
  return g_string_free (out, FALSE);
}

/**
 * _mime_normalize_text:
 *
 * Turns CRLF and lone CR into LF and removes C0 control characters other
 * than TAB, LF and FF (and DEL), in place, so that displayed and indexed
 * text holds no terminal escapes or stray bytes. @text must be UTF-8.
 */
void
_mime_normalize_text (GString *text)
{
  gsize j = 0;

  for (gsize i = 0; i < text->len; i++)
    {
      guchar c = (guchar) text->str[i];

      if (c == '\r')
        {
          if (i + 1 < text->len && text->str[i + 1] == '\n')
            continue;
          c = '\n';
        }
      else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7f)
        continue;
      text->str[j++] = (char) c;
    }
  g_string_truncate (text, j);
}

/**
 * _mime_clean_line:
 *
 * In place: turns every C0 control and DEL into a space (a header value is
 * one line), then strips leading and trailing whitespace.
 */
void
_mime_clean_line (char *text)
{
  for (char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  g_strstrip (text);
}

/* RFC 2047 --------------------------------------------------------------- */

typedef struct
{
  const char *charset; /* not NUL-terminated */
  gsize       charset_length;
  char        encoding; /* 'B' or 'Q' */
  const char *payload;
  gsize       payload_length;
  gsize       length; /* of the whole word, "=?" to "?=" */
} EncodedWord;

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

/* Recognises "=?charset[*lang]?B|Q?payload?=" at @p. A word whose B payload
 * is not base64, or that has no closing "?=" before whitespace, is not a
 * word: the caller then keeps it as literal text. */
static gboolean
parse_encoded_word (const char *p, EncodedWord *word)
{
  const char *q = p + 2;
  const char *star = NULL;

  if (p[0] != '=' || p[1] != '?')
    return FALSE;
  while (*q != '\0' && *q != '?' && !g_ascii_isspace (*q) &&
         q - (p + 2) <= MAX_CHARSET_LENGTH)
    {
      if (*q == '*' && star == NULL)
        star = q;
      q++;
    }
  if (*q != '?' || q == p + 2 || q - (p + 2) > MAX_CHARSET_LENGTH)
    return FALSE;
  word->charset = p + 2;
  word->charset_length = (star != NULL ? star : q) - (p + 2);
  if (word->charset_length == 0)
    return FALSE;
  q++;
  word->encoding = g_ascii_toupper (*q);
  if ((word->encoding != 'B' && word->encoding != 'Q') || q[1] != '?')
    return FALSE;
  q += 2;
  word->payload = q;
  while (*q != '\0' && !g_ascii_isspace (*q) && !(q[0] == '?' && q[1] == '='))
    {
      if ((word->encoding == 'B' && !is_base64_char (*q)) ||
          q - word->payload >= MAX_PAYLOAD_LENGTH)
        return FALSE;
      q++;
    }
  if (q[0] != '?' || q[1] != '=')
    return FALSE;
  word->payload_length = q - word->payload;
  word->length = q + 2 - p;
  return TRUE;
}

static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Decodes all complete bytes, with or without padding: an unpadded
 * "Sm9zw6kgUGFyZG8" gives all of "José Pardo". */
static void
decode_base64 (GByteArray *out, const char *data, gsize length)
{
  guint32 bits = 0;
  int     n_bits = 0;

  for (gsize i = 0; i < length; i++)
    {
      int v = base64_value (data[i]);

      if (v < 0)
        {
          /* padding ends a quantum: drop its partial bits */
          bits = 0;
          n_bits = 0;
          continue;
        }
      bits = (bits << 6) | (guint32) v;
      n_bits += 6;
      if (n_bits >= 8)
        {
          guint8 byte = (guint8) (bits >> (n_bits - 8));

          g_byte_array_append (out, &byte, 1);
          n_bits -= 8;
          bits &= (1u << n_bits) - 1;
        }
    }
}

static void
decode_q (GByteArray *out, const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    {
      guint8 byte = (guint8) data[i];

      if (byte == '_')
        byte = ' ';
      else if (byte == '=' && i + 2 < length &&
               g_ascii_isxdigit (data[i + 1]) && g_ascii_isxdigit (data[i + 2]))
        {
          byte = (guint8) (g_ascii_xdigit_value (data[i + 1]) * 16 +
                           g_ascii_xdigit_value (data[i + 2]));
          i += 2;
        }
      g_byte_array_append (out, &byte, 1);
    }
}

static void
flush_pending (GString *out, GByteArray *pending, char *charset)
{
  if (pending->len > 0)
    _mime_append_utf8 (out, (const char *) pending->data, pending->len,
                       charset);
  g_byte_array_set_size (pending, 0);
}

/* Whether two charset labels name one charset as mailers spell it
 * ("utf-8", "UTF8", "utf_8"): a character split over two encoded words
 * labelled differently is still joined. */
static gboolean
same_charset (const char *a, const char *b)
{
  for (;;)
    {
      while (*a == '-' || *a == '_')
        a++;
      while (*b == '-' || *b == '_')
        b++;
      if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;
      if (*a == '\0')
        return TRUE;
      a++;
      b++;
    }
}

/**
 * _mime_decode_words:
 * @text: UTF-8 header text that may hold RFC 2047 encoded words
 *
 * Decodes encoded words tolerantly, unlike GMime 3.2.13 (which merges
 * adjacent B words before decoding and loses text after padding): each
 * word is decoded on its own, whitespace between adjacent words vanishes,
 * the bytes of adjacent words in one charset are converted together (so a
 * character split across words survives), unknown charsets fall back,
 * and anything malformed stays as the literal text. Words glued to other
 * text are decoded too, as most mail clients do.
 *
 * Returns: (transfer full): valid UTF-8
 */
char *
_mime_decode_words (const char *text)
{
  GString               *out;
  g_autoptr (GByteArray) pending = NULL;
  char                   pending_charset[MAX_CHARSET_LENGTH + 1] = "";
  gboolean               after_word = FALSE;
  const char            *p = text;

  if (strstr (text, "=?") == NULL)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text));
  pending = g_byte_array_new ();
  while (*p != '\0')
    {
      EncodedWord word;

      if (parse_encoded_word (p, &word))
        {
          char charset[MAX_CHARSET_LENGTH + 1];

          memcpy (charset, word.charset, word.charset_length);
          charset[word.charset_length] = '\0';
          if (!same_charset (charset, pending_charset))
            {
              flush_pending (out, pending, pending_charset);
              memcpy (pending_charset, charset, word.charset_length + 1);
            }
          if (word.encoding == 'B')
            decode_base64 (pending, word.payload, word.payload_length);
          else
            decode_q (pending, word.payload, word.payload_length);
          p += word.length;
          after_word = TRUE;
        }
      else if (g_ascii_isspace (*p))
        {
          const char *q = p;

          while (g_ascii_isspace (*q))
            q++;
          if (!(after_word && parse_encoded_word (q, &word)))
            {
              flush_pending (out, pending, pending_charset);
              g_string_append_len (out, p, q - p);
              after_word = FALSE;
            }
          p = q;
        }
      else
        {
          const char *q = p + 1;

          while (*q != '\0' && *q != '=' && !g_ascii_isspace (*q))
            q++;
          flush_pending (out, pending, pending_charset);
          g_string_append_len (out, p, q - p);
          after_word = FALSE;
          p = q;
        }
    }
  flush_pending (out, pending, pending_charset);
  return g_string_free (out, FALSE);
}

/**
 * _mime_header_to_utf8:
 * @fallback: (nullable): the charset the message declares for its text
 *
 * Unfolds a raw header value (drops CR and LF) and reads raw 8-bit bytes
 * as UTF-8 when valid, else in @fallback (a KOI8-R message's raw KOI8-R
 * Subject), else as Windows-1252. Encoded words stay encoded.
 *
 * Returns: (transfer full): valid UTF-8, leading/trailing space stripped
 */
char *
_mime_header_to_utf8 (const char *raw, gsize length, const char *fallback)
{
  GString *unfolded = g_string_sized_new (length + 1);
  char    *result;

  for (gsize i = 0; i < length; i++)
    if (raw[i] != '\r' && raw[i] != '\n' && raw[i] != '\0')
      g_string_append_c (unfolded, raw[i]);
  if (g_utf8_validate_len (unfolded->str, unfolded->len, NULL))
    result = g_string_free (unfolded, FALSE);
  else
    {
      result =
          fallback != NULL
              ? _mime_bytes_to_utf8 (unfolded->str, unfolded->len, fallback)
              : _mime_windows_1252_to_utf8 (unfolded->str, unfolded->len);
      g_string_free (unfolded, TRUE);
    }
  return g_strstrip (result);
}

/**
 * _mime_decode_header_text:
 *
 * A whole unstructured header (Subject): unfold, 8-bit @fallback, RFC 2047,
 * controls to spaces, trimmed.
 *
 * Returns: (transfer full): valid UTF-8
 */
char *
_mime_decode_header_text (const char *raw, gsize length, const char *fallback)
{
  g_autofree char *text = _mime_header_to_utf8 (raw, length, fallback);
  char            *decoded = _mime_decode_words (text);

  _mime_clean_line (decoded);
  return decoded;
}

/* Dates ------------------------------------------------------------------ */

static const char *const month_names[12] = {
  "jan", "feb", "mar", "apr", "may", "jun",
  "jul", "aug", "sep", "oct", "nov", "dec",
};

typedef struct
{
  const char *name;
  int         hours;
} ZoneName;

static const ZoneName zone_names[] = {
  { "ut", 0 },   { "utc", 0 },  { "gmt", 0 },  { "z", 0 },
  { "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
  { "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
};

/* Days from 1970-01-01 to the civil date (proleptic Gregorian); H. Hinnant's
 * algorithm, valid for any year we accept. */
static gint64
days_from_civil (gint64 y, int m, int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static gboolean
parse_number (const char *token, gsize length, int *value)
{
  int v = 0;

  if (length == 0 || length > 4)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (token[i]))
        return FALSE;
      v = v * 10 + (token[i] - '0');
    }
  *value = v;
  return TRUE;
}

static gboolean
parse_time (const char *token, gsize length, int *h, int *m, int *s)
{
  int         parts[3] = { 0, 0, 0 };
  int         n = 0;
  const char *p = token, *end = token + length;

  while (p < end && n < 3)
    {
      const char *colon = memchr (p, ':', end - p);
      const char *stop = colon != NULL ? colon : end;

      if (!parse_number (p, stop - p, &parts[n]) || stop - p > 2)
        return FALSE;
      n++;
      p = colon != NULL ? colon + 1 : end;
    }
  if (n < 2 || p < end)
    return FALSE;
  *h = parts[0];
  *m = parts[1];
  *s = parts[2];
  return *h < 24 && *m < 60 && *s <= 60;
}

/**
 * _mime_parse_date:
 *
 * Parses an RFC 5322 date leniently: the weekday is optional and not
 * checked, comments are ignored, the time may lack seconds or have a
 * one-digit hour, two- and three-digit years follow RFC 5322 4.3, obsolete
 * zone names are known and a missing zone means UTC. Localised month names
 * are refused (a wrong date is worse than the received time).
 *
 * Returns: TRUE with @time_out set to Unix time UTC, or FALSE
 */
gboolean
_mime_parse_date (const char *text, gint64 *time_out)
{
  int         day = -1, month = -1, year = -1, h = -1, m = 0, s = 0;
  int         zone_minutes = 0;
  int         depth = 0;
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;
      gsize       length;
      int         value;

      if (*p == '(')
        depth++;
      if (*p == ')' && depth > 0)
        depth--;
      if (depth > 0 || *p == ')' || *p == ',' || g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      start = p;
      while (*p != '\0' && *p != '(' && *p != ',' && !g_ascii_isspace (*p))
        p++;
      length = p - start;

      if (memchr (start, ':', length) != NULL)
        {
          if (h >= 0 || !parse_time (start, length, &h, &m, &s))
            return FALSE;
        }
      else if ((*start == '+' || *start == '-') && length == 5 &&
               parse_number (start + 1, 4, &value))
        {
          if (value % 100 >= 60)
            return FALSE;
          zone_minutes = (value / 100) * 60 + value % 100;
          if (*start == '-')
            zone_minutes = -zone_minutes;
        }
      else if (g_ascii_isdigit (*start))
        {
          if (!parse_number (start, length, &value))
            return FALSE;
          if (day < 0 && length <= 2)
            day = value;
          else if (year < 0)
            {
              year = value;
              if (length <= 2)
                year += year < 50 ? 2000 : 1900;
              else if (length == 3)
                year += 1900;
            }
          else
            return FALSE;
        }
      else if (g_ascii_isalpha (*start))
        {
          gboolean known = FALSE;

          for (int i = 0; i < 12 && !known; i++)
            if (length >= 3 &&
                g_ascii_strncasecmp (start, month_names[i], 3) == 0)
              {
                if (month >= 0)
                  return FALSE;
                month = i + 1;
                known = TRUE;
              }
          for (gsize i = 0; i < G_N_ELEMENTS (zone_names) && !known; i++)
            if (strlen (zone_names[i].name) == length &&
                g_ascii_strncasecmp (start, zone_names[i].name, length) == 0)
              {
                zone_minutes = zone_names[i].hours * 60;
                known = TRUE;
              }
          /* weekdays, military zones and other words are ignored */
        }
      else
        return FALSE;
    }

  if (day < 1 || month < 1 || year < 1900 || year > 9999 || h < 0 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  if (s == 60)
    s = 59;
  *time_out = days_from_civil (year, month, day) * 86400 + h * 3600 + m * 60 +
              s - (gint64) zone_minutes * 60;
  return TRUE;
}

/* Addresses -------------------------------------------------------------- */

/* Removes quotes and quoted-pair backslashes, then decodes encoded words:
 * also inside quotes, which RFC 2047 forbids and every client does. */
static char *
decode_phrase (const char *phrase, gsize length)
{
  GString         *plain = g_string_sized_new (length + 1);
  g_autofree char *unquoted = NULL;
  char            *decoded;

  for (gsize i = 0; i < length; i++)
    {
      if (phrase[i] == '"')
        continue;
      if (phrase[i] == '\\' && i + 1 < length)
        i++;
      g_string_append_c (plain, phrase[i]);
    }
  unquoted = g_string_free (plain, FALSE);
  decoded = _mime_decode_words (unquoted);
  _mime_clean_line (decoded);
  if (*decoded == '\0')
    g_clear_pointer (&decoded, g_free);
  return decoded;
}

static void
add_address (GPtrArray *addresses,
             GString   *phrase,
             GString   *angle,
             gboolean   had_angle,
             GString   *comment)
{
  MimeAddress *address;
  char        *addr = NULL, *name = NULL;
  const char  *last;

  if (had_angle)
    {
      /* obsolete source routes: <@relay1,@relay2:user@host> */
      const char *colon = strchr (angle->str, ':');
      const char *spec =
          (angle->str[0] == '@' && colon != NULL) ? colon + 1 : angle->str;

      addr = g_strdup (spec);
      _mime_clean_line (addr);
      name = decode_phrase (phrase->str, phrase->len);
    }
  else
    {
      char *bare = g_strdup (phrase->str);

      _mime_clean_line (bare);
      if (*bare != '\0' && strchr (bare, ' ') == NULL &&
          strchr (bare, '"') == NULL)
        {
          addr = bare;
          name = decode_phrase (comment->str, comment->len);
        }
      else if ((last = strrchr (bare, ' ')) != NULL &&
               strchr (last + 1, '@') != NULL && strchr (last + 1, '"') == NULL)
        {
          /* "John Doe john@example.com": web forms that forget the
           * angle brackets */
          addr = g_strdup (last + 1);
          name = decode_phrase (bare, last - bare);
          g_free (bare);
        }
      else
        {
          name = decode_phrase (bare, strlen (bare));
          g_free (bare);
        }
    }
  if (addr != NULL && *addr == '\0')
    g_clear_pointer (&addr, g_free);
  if (addr == NULL && name == NULL)
    return;

  address = g_new0 (MimeAddress, 1);
  address->name = name;
  address->address = addr;
  g_ptr_array_add (addresses, address);
}

/**
 * _mime_parse_addresses:
 * @text: an unfolded UTF-8 address list (encoded words still encoded)
 * @addresses: (element-type MimeAddress): where the mailboxes are appended
 *
 * Parses an address list tolerantly: quoted strings, comments, groups
 * (their names are dropped, their members kept), source routes, missing
 * '>' and bare addresses. An entry without any address is kept with a
 * NULL address if it has a name.
 */
void
_mime_parse_addresses (const char *text, GPtrArray *addresses)
{
  g_autoptr (GString) phrase = g_string_new (NULL);
  g_autoptr (GString) angle = g_string_new (NULL);
  g_autoptr (GString) comment = g_string_new (NULL);
  gboolean            in_quote = FALSE, in_angle = FALSE, had_angle = FALSE;
  int                 comment_depth = 0;

  for (const char *p = text;; p++)
    {
      char c = *p;

      if (c == '\0' || (!in_quote && comment_depth == 0 && !in_angle &&
                        (c == ',' || c == ';')))
        {
          add_address (addresses, phrase, angle, had_angle, comment);
          g_string_truncate (phrase, 0);
          g_string_truncate (angle, 0);
          g_string_truncate (comment, 0);
          in_quote = in_angle = had_angle = FALSE;
          comment_depth = 0;
          if (c == '\0')
            break;
          continue;
        }

      if (in_quote)
        {
          g_string_append_c (in_angle ? angle : phrase, c);
          if (c == '\\' && p[1] != '\0')
            g_string_append_c (in_angle ? angle : phrase, *++p);
          else if (c == '"')
            in_quote = FALSE;
        }
      else if (comment_depth > 0)
        {
          if (c == '(')
            comment_depth++;
          else if (c == ')')
            comment_depth--;
          else if (c == '\\' && p[1] != '\0')
            g_string_append_c (comment, *++p);
          if (comment_depth > 0 && c != '(' && c != '\\')
            g_string_append_c (comment, c);
        }
      else if (c == '(')
        comment_depth = 1;
      else if (in_angle)
        {
          if (c == '>')
            in_angle = FALSE;
          else if (c == '"')
            in_quote = TRUE;
          else if (!g_ascii_isspace (c))
            g_string_append_c (angle, c);
        }
      else if (c == '<' && !had_angle)
        in_angle = had_angle = TRUE;
      else if (c == ':' && !had_angle)
        g_string_truncate (phrase, 0); /* a group name */
      else
        {
          if (c == '"')
            in_quote = TRUE;
          g_string_append_c (phrase, c);
        }
    }
}

/* Message-IDs ------------------------------------------------------------ */

/**
 * _mime_parse_msgids:
 * @text: an unfolded UTF-8 Message-ID, In-Reply-To or References value
 * @ids: (element-type utf8): where the ids (without <>) are appended
 *
 * Takes every <...> in order, with whitespace inside removed; if there is
 * none at all, every whitespace-separated word that has an '@' (some
 * mailers forget the brackets).
 */
void
_mime_parse_msgids (const char *text, GPtrArray *ids)
{
  const char *p = text;
  gboolean    found = FALSE;

  while ((p = strchr (p, '<')) != NULL)
    {
      const char *end = strchr (p + 1, '>');
      GString    *id;

      if (end == NULL)
        end = p + strlen (p);
      id = g_string_sized_new (end - p);
      for (const char *q = p + 1; q < end; q++)
        if (!g_ascii_isspace (*q) && *q != '<')
          g_string_append_c (id, *q);
      if (id->len > 0)
        {
          g_ptr_array_add (ids, g_string_free (id, FALSE));
          found = TRUE;
        }
      else
        g_string_free (id, TRUE);
      p = *end != '\0' ? end + 1 : end;
    }

  if (!found)
    {
      g_auto (GStrv) words = g_strsplit_set (text, " \t,", -1);

      for (guint i = 0; words[i] != NULL; i++)
        if (strchr (words[i], '@') != NULL)
          g_ptr_array_add (ids, g_strdup (words[i]));
    }
}

/* format=flowed ---------------------------------------------------------- */

/**
 * _mime_flowed_to_text:
 * @text: LF-separated UTF-8 text of a format=flowed part
 * @delsp: the DelSp parameter is "yes"
 *
 * Joins soft line breaks as RFC 3676 says: a line ending in a space
 * continues on the next line of the same quote depth (its trailing space
 * removed when @delsp); space-stuffing is undone; "-- " stays a hard line;
 * quoted paragraphs keep their ">" prefix, one per level, then a space.
 *
 * Returns: (transfer full): the text with hard line breaks only
 */
char *
_mime_flowed_to_text (const char *text, gboolean delsp)
{
  GString    *out = g_string_sized_new (strlen (text) + 1);
  const char *p = text;
  gboolean    open = FALSE; /* a flowed paragraph continues */
  gsize       open_depth = 0;

  while (*p != '\0')
    {
      const char *nl = strchr (p, '\n');
      const char *end = nl != NULL ? nl : p + strlen (p);
      const char *content = p;
      gsize       depth = 0, length;
      gboolean    flowed;

      while (content < end && *content == '>')
        {
          content++;
          depth++;
        }
      if (content < end && *content == ' ')
        content++;
      length = end - content;
      flowed = length > 0 && content[length - 1] == ' ' &&
               !(length == 3 && memcmp (content, "-- ", 3) == 0);

      if (open && depth != open_depth)
        g_string_append_c (out, '\n');
      if (!open || depth != open_depth)
        {
          for (gsize i = 0; i < depth; i++)
            g_string_append_c (out, '>');
          if (depth > 0)
            g_string_append_c (out, ' ');
        }
      if (flowed && delsp)
        length--;
      g_string_append_len (out, content, length);
      if (!flowed)
        g_string_append_c (out, '\n');
      open = flowed;
      open_depth = depth;

      if (nl == NULL)
        break;
      p = nl + 1;
    }
  if (open)
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}
