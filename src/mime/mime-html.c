/* mime-html.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mime-html.h"

#include <string.h>

/* Longest tag or attribute name that is looked at; longer ones are junk
 * and compare unequal to everything. */
#define MAX_NAME_LENGTH 32

/* Lists nested deeper than this get bullets, whatever their kind. */
#define MAX_LIST_DEPTH 16

/* An entity stands for one character: 0 drops it (soft hyphen, joiners,
 * direction marks), and the wide and no-break spaces are plain spaces
 * here, which the renderer collapses. */
typedef struct
{
  const char *name;
  gunichar    code;
  gboolean    legacy; /* also read without its ';', as HTML5 says */
} Entity;

/* Every entity of HTML 4, which covers Latin-1 text written by PHP's
 * htmlentities() ("n&atilde;o"), Greek letters and the usual symbols,
 * and a few of HTML5's. Sorted by strcmp() for bsearch(). */
static const Entity entities[] = {
  { "AElig", 0x00C6, TRUE },     { "AMP", 0x0026, TRUE },
  { "Aacute", 0x00C1, TRUE },    { "Acirc", 0x00C2, TRUE },
  { "Agrave", 0x00C0, TRUE },    { "Alpha", 0x0391, FALSE },
  { "Aring", 0x00C5, TRUE },     { "Atilde", 0x00C3, TRUE },
  { "Auml", 0x00C4, TRUE },      { "Beta", 0x0392, FALSE },
  { "COPY", 0x00A9, TRUE },      { "Ccedil", 0x00C7, TRUE },
  { "Chi", 0x03A7, FALSE },      { "Dagger", 0x2021, FALSE },
  { "Delta", 0x0394, FALSE },    { "ETH", 0x00D0, TRUE },
  { "Eacute", 0x00C9, TRUE },    { "Ecirc", 0x00CA, TRUE },
  { "Egrave", 0x00C8, TRUE },    { "Epsilon", 0x0395, FALSE },
  { "Eta", 0x0397, FALSE },      { "Euml", 0x00CB, TRUE },
  { "GT", 0x003E, TRUE },        { "Gamma", 0x0393, FALSE },
  { "Iacute", 0x00CD, TRUE },    { "Icirc", 0x00CE, TRUE },
  { "Igrave", 0x00CC, TRUE },    { "Iota", 0x0399, FALSE },
  { "Iuml", 0x00CF, TRUE },      { "Kappa", 0x039A, FALSE },
  { "LT", 0x003C, TRUE },        { "Lambda", 0x039B, FALSE },
  { "Mu", 0x039C, FALSE },       { "Ntilde", 0x00D1, TRUE },
  { "Nu", 0x039D, FALSE },       { "OElig", 0x0152, FALSE },
  { "Oacute", 0x00D3, TRUE },    { "Ocirc", 0x00D4, TRUE },
  { "Ograve", 0x00D2, TRUE },    { "Omega", 0x03A9, FALSE },
  { "Omicron", 0x039F, FALSE },  { "Oslash", 0x00D8, TRUE },
  { "Otilde", 0x00D5, TRUE },    { "Ouml", 0x00D6, TRUE },
  { "Phi", 0x03A6, FALSE },      { "Pi", 0x03A0, FALSE },
  { "Prime", 0x2033, FALSE },    { "Psi", 0x03A8, FALSE },
  { "QUOT", 0x0022, TRUE },      { "REG", 0x00AE, TRUE },
  { "Rho", 0x03A1, FALSE },      { "Scaron", 0x0160, FALSE },
  { "Sigma", 0x03A3, FALSE },    { "THORN", 0x00DE, TRUE },
  { "Tau", 0x03A4, FALSE },      { "Theta", 0x0398, FALSE },
  { "Uacute", 0x00DA, TRUE },    { "Ucirc", 0x00DB, TRUE },
  { "Ugrave", 0x00D9, TRUE },    { "Upsilon", 0x03A5, FALSE },
  { "Uuml", 0x00DC, TRUE },      { "Xi", 0x039E, FALSE },
  { "Yacute", 0x00DD, TRUE },    { "Yuml", 0x0178, FALSE },
  { "Zeta", 0x0396, FALSE },     { "aacute", 0x00E1, TRUE },
  { "acirc", 0x00E2, TRUE },     { "acute", 0x00B4, TRUE },
  { "aelig", 0x00E6, TRUE },     { "agrave", 0x00E0, TRUE },
  { "alefsym", 0x2135, FALSE },  { "alpha", 0x03B1, FALSE },
  { "amp", 0x0026, TRUE },       { "and", 0x2227, FALSE },
  { "ang", 0x2220, FALSE },      { "apos", 0x0027, FALSE },
  { "aring", 0x00E5, TRUE },     { "asymp", 0x2248, FALSE },
  { "atilde", 0x00E3, TRUE },    { "auml", 0x00E4, TRUE },
  { "bdquo", 0x201E, FALSE },    { "beta", 0x03B2, FALSE },
  { "brvbar", 0x00A6, TRUE },    { "bull", 0x2022, FALSE },
  { "cap", 0x2229, FALSE },      { "ccedil", 0x00E7, TRUE },
  { "cedil", 0x00B8, TRUE },     { "cent", 0x00A2, TRUE },
  { "check", 0x2713, FALSE },    { "chi", 0x03C7, FALSE },
  { "circ", 0x02C6, FALSE },     { "clubs", 0x2663, FALSE },
  { "cong", 0x2245, FALSE },     { "copy", 0x00A9, TRUE },
  { "crarr", 0x21B5, FALSE },    { "cup", 0x222A, FALSE },
  { "curren", 0x00A4, TRUE },    { "dArr", 0x21D3, FALSE },
  { "dagger", 0x2020, FALSE },   { "darr", 0x2193, FALSE },
  { "deg", 0x00B0, TRUE },       { "delta", 0x03B4, FALSE },
  { "diams", 0x2666, FALSE },    { "divide", 0x00F7, TRUE },
  { "eacute", 0x00E9, TRUE },    { "ecirc", 0x00EA, TRUE },
  { "egrave", 0x00E8, TRUE },    { "empty", 0x2205, FALSE },
  { "emsp", 0x0020, FALSE },     { "ensp", 0x0020, FALSE },
  { "epsilon", 0x03B5, FALSE },  { "equiv", 0x2261, FALSE },
  { "eta", 0x03B7, FALSE },      { "eth", 0x00F0, TRUE },
  { "euml", 0x00EB, TRUE },      { "euro", 0x20AC, FALSE },
  { "exist", 0x2203, FALSE },    { "fnof", 0x0192, FALSE },
  { "forall", 0x2200, FALSE },   { "frac12", 0x00BD, TRUE },
  { "frac14", 0x00BC, TRUE },    { "frac34", 0x00BE, TRUE },
  { "frasl", 0x2044, FALSE },    { "gamma", 0x03B3, FALSE },
  { "ge", 0x2265, FALSE },       { "gt", 0x003E, TRUE },
  { "hArr", 0x21D4, FALSE },     { "harr", 0x2194, FALSE },
  { "hearts", 0x2665, FALSE },   { "hellip", 0x2026, FALSE },
  { "iacute", 0x00ED, TRUE },    { "icirc", 0x00EE, TRUE },
  { "iexcl", 0x00A1, TRUE },     { "igrave", 0x00EC, TRUE },
  { "image", 0x2111, FALSE },    { "infin", 0x221E, FALSE },
  { "int", 0x222B, FALSE },      { "iota", 0x03B9, FALSE },
  { "iquest", 0x00BF, TRUE },    { "isin", 0x2208, FALSE },
  { "iuml", 0x00EF, TRUE },      { "kappa", 0x03BA, FALSE },
  { "lArr", 0x21D0, FALSE },     { "lambda", 0x03BB, FALSE },
  { "lang", 0x2329, FALSE },     { "laquo", 0x00AB, TRUE },
  { "larr", 0x2190, FALSE },     { "lceil", 0x2308, FALSE },
  { "ldquo", 0x201C, FALSE },    { "le", 0x2264, FALSE },
  { "lfloor", 0x230A, FALSE },   { "lowast", 0x2217, FALSE },
  { "loz", 0x25CA, FALSE },      { "lrm", 0x0000, FALSE },
  { "lsaquo", 0x2039, FALSE },   { "lsquo", 0x2018, FALSE },
  { "lt", 0x003C, TRUE },        { "macr", 0x00AF, TRUE },
  { "mdash", 0x2014, FALSE },    { "micro", 0x00B5, TRUE },
  { "middot", 0x00B7, TRUE },    { "minus", 0x2212, FALSE },
  { "mu", 0x03BC, FALSE },       { "nabla", 0x2207, FALSE },
  { "nbsp", 0x0020, TRUE },      { "ndash", 0x2013, FALSE },
  { "ne", 0x2260, FALSE },       { "ni", 0x220B, FALSE },
  { "not", 0x00AC, TRUE },       { "notin", 0x2209, FALSE },
  { "nsub", 0x2284, FALSE },     { "ntilde", 0x00F1, TRUE },
  { "nu", 0x03BD, FALSE },       { "oacute", 0x00F3, TRUE },
  { "ocirc", 0x00F4, TRUE },     { "oelig", 0x0153, FALSE },
  { "ograve", 0x00F2, TRUE },    { "oline", 0x203E, FALSE },
  { "omega", 0x03C9, FALSE },    { "omicron", 0x03BF, FALSE },
  { "oplus", 0x2295, FALSE },    { "or", 0x2228, FALSE },
  { "ordf", 0x00AA, TRUE },      { "ordm", 0x00BA, TRUE },
  { "oslash", 0x00F8, TRUE },    { "otilde", 0x00F5, TRUE },
  { "otimes", 0x2297, FALSE },   { "ouml", 0x00F6, TRUE },
  { "para", 0x00B6, TRUE },      { "part", 0x2202, FALSE },
  { "percnt", 0x0025, FALSE },   { "permil", 0x2030, FALSE },
  { "perp", 0x22A5, FALSE },     { "phi", 0x03C6, FALSE },
  { "pi", 0x03C0, FALSE },       { "piv", 0x03D6, FALSE },
  { "plusmn", 0x00B1, TRUE },    { "pound", 0x00A3, TRUE },
  { "prime", 0x2032, FALSE },    { "prod", 0x220F, FALSE },
  { "prop", 0x221D, FALSE },     { "psi", 0x03C8, FALSE },
  { "quot", 0x0022, TRUE },      { "rArr", 0x21D2, FALSE },
  { "radic", 0x221A, FALSE },    { "rang", 0x232A, FALSE },
  { "raquo", 0x00BB, TRUE },     { "rarr", 0x2192, FALSE },
  { "rceil", 0x2309, FALSE },    { "rdquo", 0x201D, FALSE },
  { "real", 0x211C, FALSE },     { "reg", 0x00AE, TRUE },
  { "rfloor", 0x230B, FALSE },   { "rho", 0x03C1, FALSE },
  { "rlm", 0x0000, FALSE },      { "rsaquo", 0x203A, FALSE },
  { "rsquo", 0x2019, FALSE },    { "sbquo", 0x201A, FALSE },
  { "scaron", 0x0161, FALSE },   { "sdot", 0x22C5, FALSE },
  { "sect", 0x00A7, TRUE },      { "shy", 0x0000, TRUE },
  { "sigma", 0x03C3, FALSE },    { "sigmaf", 0x03C2, FALSE },
  { "sim", 0x223C, FALSE },      { "spades", 0x2660, FALSE },
  { "sub", 0x2282, FALSE },      { "sube", 0x2286, FALSE },
  { "sum", 0x2211, FALSE },      { "sup", 0x2283, FALSE },
  { "sup1", 0x00B9, TRUE },      { "sup2", 0x00B2, TRUE },
  { "sup3", 0x00B3, TRUE },      { "supe", 0x2287, FALSE },
  { "szlig", 0x00DF, TRUE },     { "tau", 0x03C4, FALSE },
  { "there4", 0x2234, FALSE },   { "theta", 0x03B8, FALSE },
  { "thetasym", 0x03D1, FALSE }, { "thinsp", 0x0020, FALSE },
  { "thorn", 0x00FE, TRUE },     { "tilde", 0x02DC, FALSE },
  { "times", 0x00D7, TRUE },     { "trade", 0x2122, FALSE },
  { "uArr", 0x21D1, FALSE },     { "uacute", 0x00FA, TRUE },
  { "uarr", 0x2191, FALSE },     { "ucirc", 0x00FB, TRUE },
  { "ugrave", 0x00F9, TRUE },    { "uml", 0x00A8, TRUE },
  { "upsih", 0x03D2, FALSE },    { "upsilon", 0x03C5, FALSE },
  { "uuml", 0x00FC, TRUE },      { "weierp", 0x2118, FALSE },
  { "xi", 0x03BE, FALSE },       { "yacute", 0x00FD, TRUE },
  { "yen", 0x00A5, TRUE },       { "yuml", 0x00FF, TRUE },
  { "zeta", 0x03B6, FALSE },     { "zwj", 0x0000, FALSE },
  { "zwnj", 0x0000, FALSE },
};

/* The longest legacy name ("frac12", "middot"). */
#define LONGEST_LEGACY_NAME 6

/* Numeric references to 0x80-0x9F mean Windows-1252, as HTML5 says. */
static const gunichar windows_1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
  0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

typedef enum
{
  BREAK_NONE,
  BREAK_LINE,
  BREAK_PARAGRAPH,
} BreakKind;

typedef struct
{
  const char *name;
  BreakKind   kind;
} BlockTag;

static const BlockTag block_tags[] = {
  { "p", BREAK_PARAGRAPH },     { "h1", BREAK_PARAGRAPH },
  { "h2", BREAK_PARAGRAPH },    { "h3", BREAK_PARAGRAPH },
  { "h4", BREAK_PARAGRAPH },    { "h5", BREAK_PARAGRAPH },
  { "h6", BREAK_PARAGRAPH },    { "blockquote", BREAK_PARAGRAPH },
  { "ul", BREAK_PARAGRAPH },    { "ol", BREAK_PARAGRAPH },
  { "table", BREAK_PARAGRAPH }, { "pre", BREAK_PARAGRAPH },
  { "hr", BREAK_PARAGRAPH },    { "dl", BREAK_PARAGRAPH },
  { "div", BREAK_LINE },        { "tr", BREAK_LINE },
  { "li", BREAK_LINE },         { "dt", BREAK_LINE },
  { "dd", BREAK_LINE },         { "section", BREAK_LINE },
  { "article", BREAK_LINE },    { "header", BREAK_LINE },
  { "footer", BREAK_LINE },     { "center", BREAK_LINE },
  { "form", BREAK_LINE },       { "address", BREAK_LINE },
  { "caption", BREAK_LINE },    { "main", BREAK_LINE },
  { "nav", BREAK_LINE },        { "figure", BREAK_LINE },
};

/* Elements whose content is never text for the reader. */
static const char *const raw_text_tags[] = {
  "script", "style", "title", "textarea", "xmp",
};
static const char *const skipped_tags[] = {
  "head",   "template", "noscript", "iframe", "object", "svg",
  "select", "math",     "audio",    "video",  "map",
};
static const char *const void_tags[] = {
  "area",  "base", "br",   "col",   "embed",  "hr",    "img",
  "input", "link", "meta", "param", "source", "track", "wbr",
};

typedef struct
{
  GString    *out;
  gboolean    space;                     /* whitespace is pending */
  guint       pre;                       /* depth of <pre> */
  char        skip[MAX_NAME_LENGTH + 1]; /* element being skipped */
  guint       skip_depth;
  const char *skip_end;     /* just after the tag that began the skip */
  gboolean    show_skipped; /* that skip never ended: skip nothing */
  GPtrArray  *notes;        /* footnote URLs */
  GHashTable *note_index;   /* URL -> index + 1 */
  char       *href;         /* of the open <a> */
  gsize       link_start;   /* out->len when it opened */
  guint       lists;        /* depth of <ul> and <ol> */
  gint        list_items[MAX_LIST_DEPTH]; /* items of an <ol>; -1: <ul> */
} Converter;

typedef struct
{
  char     name[MAX_NAME_LENGTH + 1];
  gboolean closing;
  gboolean self_closing;
  char    *href;
  char    *alt;
  gboolean hidden;
} Tag;

static gboolean
in_list (const char *name, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static BreakKind
block_kind (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (block_tags); i++)
    if (strcmp (name, block_tags[i].name) == 0)
      return block_tags[i].kind;
  return BREAK_NONE;
}

static gboolean
at_line_start (Converter *self)
{
  return self->out->len == 0 || self->out->str[self->out->len - 1] == '\n';
}

/* Ends the current line; a paragraph break leaves one empty line. Never
 * more than one empty line in a row. */
static void
add_break (Converter *self, BreakKind kind)
{
  GString *out = self->out;

  self->space = FALSE;
  if (out->len == 0)
    return;
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (!at_line_start (self))
    g_string_append_c (out, '\n');
  if (kind == BREAK_PARAGRAPH &&
      !(out->len >= 2 && out->str[out->len - 2] == '\n'))
    g_string_append_c (out, '\n');
}

static void
add_text (Converter *self, const char *text, gsize length)
{
  if (length == 0)
    return;
  if (self->space && !at_line_start (self))
    g_string_append_c (self->out, ' ');
  self->space = FALSE;
  g_string_append_len (self->out, text, length);
}

static int
compare_entity (const void *key, const void *member)
{
  return strcmp (key, ((const Entity *) member)->name);
}

static const Entity *
find_entity (const char *name, gsize length)
{
  char key[MAX_NAME_LENGTH + 1];

  if (length == 0 || length > MAX_NAME_LENGTH)
    return NULL;
  memcpy (key, name, length);
  key[length] = '\0';
  return bsearch (key, entities, G_N_ELEMENTS (entities), sizeof (Entity),
                  compare_entity);
}

static void
append_entity (GString *text, const Entity *entity)
{
  if (entity->code != 0)
    g_string_append_unichar (text, entity->code);
}

static gboolean
is_reference_digit (char c, gboolean hex)
{
  return hex ? g_ascii_isxdigit (c) : g_ascii_isdigit (c);
}

/* "&#65;", "&#x1F426;": returns the bytes consumed, 0 if there is no
 * digit. */
static gsize
decode_numeric_reference (const char *p, GString *text)
{
  const char *q = p + 2;
  gboolean    hex = *q == 'x' || *q == 'X';
  guint64     value = 0;
  int         digits = 0;

  if (hex)
    q++;
  if (!is_reference_digit (*q, hex))
    return 0;
  while (*q == '0')
    q++; /* leading zeros say nothing: "&#00000065;" is "A" */
  while (is_reference_digit (*q, hex) && digits < 8)
    {
      value = value * (hex ? 16 : 10) +
              (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
      q++;
      digits++;
    }
  while (is_reference_digit (*q, hex))
    q++; /* absurdly long: consumed, replaced */
  if (*q == ';')
    q++;
  if (value >= 0x80 && value < 0xA0)
    value = windows_1252_high[value - 0x80];
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value < 0xE000) ||
      digits == 8)
    value = 0xFFFD;
  if (value < 0x20 && value != '\t' && value != '\n')
    value = ' ';
  g_string_append_unichar (text, (gunichar) value);
  return q - p;
}

/* Decodes the reference at @p ('&'); returns the bytes consumed, 0 if it
 * is not one (the '&' is then literal). Without its ';' a legacy name is
 * read as the longest one the text starts with ("&copy2024" is "©2024"),
 * except in an attribute where a letter, digit or '=' follows: there
 * "?a=1&reg=2" is a URL, as browsers read it. */
static gsize
decode_entity (const char *p, GString *text, gboolean in_attribute)
{
  const char   *q = p + 1;
  const Entity *entity;
  gsize         run;

  if (*q == '#')
    return decode_numeric_reference (p, text);

  while (g_ascii_isalnum (*q) && q - p <= MAX_NAME_LENGTH)
    q++;
  run = q - p - 1;
  if (*q == ';')
    {
      entity = find_entity (p + 1, run);
      if (entity == NULL)
        return 0;
      append_entity (text, entity);
      return run + 2;
    }

  for (gsize length = MIN (run, LONGEST_LEGACY_NAME); length >= 2; length--)
    {
      char next = p[1 + length];

      entity = find_entity (p + 1, length);
      if (entity == NULL || !entity->legacy)
        continue;
      if (in_attribute && (g_ascii_isalnum (next) || next == '='))
        return 0;
      append_entity (text, entity);
      return 1 + length;
    }
  return 0;
}

static char *
decode_attribute (const char *value, gsize length)
{
  GString *text = g_string_sized_new (length + 1);

  for (gsize i = 0; i < length; i++)
    {
      gsize used = 0;

      if (value[i] == '&')
        {
          g_autofree char *rest = g_strndup (value + i, MIN (length - i, 40));

          used = decode_entity (rest, text, TRUE);
        }
      if (used > 0)
        i += used - 1;
      else
        g_string_append_c (text, value[i]);
    }
  return g_string_free (text, FALSE);
}

static gboolean
style_hides (const char *style)
{
  g_autoptr (GString) compact = g_string_new (NULL);

  for (const char *p = style; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (compact, g_ascii_tolower (*p));
  return strstr (compact->str, "display:none") != NULL ||
         strstr (compact->str, "visibility:hidden") != NULL;
}

/* Parses the tag at @p ('<'); returns the position after it, or NULL if
 * this '<' does not start a tag. */
static const char *
parse_tag (const char *p, Tag *tag)
{
  const char *q = p + 1;
  gsize       n = 0;

  memset (tag, 0, sizeof *tag);
  if (*q == '/')
    {
      tag->closing = TRUE;
      q++;
    }
  if (!g_ascii_isalpha (*q))
    return NULL;
  while (g_ascii_isalnum (*q) || *q == '-' || *q == ':')
    {
      if (n < MAX_NAME_LENGTH)
        tag->name[n++] = g_ascii_tolower (*q);
      q++;
    }

  while (*q != '\0' && *q != '>')
    {
      char        attr[MAX_NAME_LENGTH + 1];
      gsize       a = 0;
      const char *value = NULL;
      gsize       value_length = 0;

      if (g_ascii_isspace (*q) || *q == '/')
        {
          if (*q == '/' && q[1] == '>')
            tag->self_closing = TRUE;
          q++;
          continue;
        }
      while (*q != '\0' && *q != '>' && *q != '=' && *q != '/' &&
             !g_ascii_isspace (*q))
        {
          if (a < MAX_NAME_LENGTH)
            attr[a++] = g_ascii_tolower (*q);
          q++;
        }
      attr[a] = '\0';
      if (a == 0)
        {
          q++; /* a stray '=' or quote */
          continue;
        }
      while (g_ascii_isspace (*q))
        q++;
      if (*q == '=')
        {
          q++;
          while (g_ascii_isspace (*q))
            q++;
          if (*q == '"' || *q == '\'')
            {
              const char *close = strchr (q + 1, *q);

              value = q + 1;
              value_length =
                  close != NULL ? (gsize) (close - value) : strlen (value);
              q = value + value_length + (close != NULL ? 1 : 0);
            }
          else
            {
              value = q;
              while (*q != '\0' && *q != '>' && !g_ascii_isspace (*q))
                q++;
              value_length = q - value;
            }
        }

      if (strcmp (attr, "hidden") == 0)
        tag->hidden = TRUE;
      else if (value == NULL)
        continue;
      else if (strcmp (attr, "href") == 0 && tag->href == NULL)
        tag->href = decode_attribute (value, value_length);
      else if (strcmp (attr, "alt") == 0 && tag->alt == NULL)
        tag->alt = decode_attribute (value, value_length);
      else if (strcmp (attr, "style") == 0)
        {
          g_autofree char *style = g_strndup (value, value_length);

          tag->hidden = tag->hidden || style_hides (style);
        }
    }
  return *q == '>' ? q + 1 : q;
}

static void
tag_clear (Tag *tag)
{
  g_clear_pointer (&tag->href, g_free);
  g_clear_pointer (&tag->alt, g_free);
}

/* Only links a reader can follow safely become footnotes: never
 * javascript:, data: or relative ones. */
static gboolean
is_followable (const char *href)
{
  return g_ascii_strncasecmp (href, "http://", 7) == 0 ||
         g_ascii_strncasecmp (href, "https://", 8) == 0 ||
         g_ascii_strncasecmp (href, "mailto:", 7) == 0 ||
         g_ascii_strncasecmp (href, "ftp://", 6) == 0;
}

static void
close_link (Converter *self)
{
  g_autofree char *href = g_steal_pointer (&self->href);
  const char      *text;
  gsize            text_length;
  guint            index;

  if (href == NULL || !is_followable (href))
    return;
  text = self->out->str + self->link_start;
  text_length = self->out->len - self->link_start;
  while (text_length > 0 && g_ascii_isspace (*text))
    {
      text++;
      text_length--;
    }
  /* an image link, or one that shows its own address: nothing to add */
  if (text_length == 0 ||
      (strlen (href) == text_length &&
       strncmp (href, text, text_length) == 0) ||
      (g_ascii_strncasecmp (href, "mailto:", 7) == 0 &&
       strlen (href + 7) == text_length &&
       strncmp (href + 7, text, text_length) == 0))
    return;

  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->note_index, href));
  if (index == 0)
    {
      g_ptr_array_add (self->notes, g_strdup (href));
      index = self->notes->len;
      g_hash_table_insert (self->note_index, g_strdup (href),
                           GUINT_TO_POINTER (index));
    }
  g_string_append_printf (self->out, " [%u]", index);
}

static void
track_list (Converter *self, const Tag *tag)
{
  if (tag->closing)
    {
      if (self->lists > 0)
        self->lists--;
      return;
    }
  if (self->lists < MAX_LIST_DEPTH)
    self->list_items[self->lists] = strcmp (tag->name, "ol") == 0 ? 0 : -1;
  self->lists++;
}

/* "1. " in an ordered list, "• " anywhere else. */
static void
start_list_item (Converter *self)
{
  guint top = self->lists - 1;

  if (self->lists > 0 && top < MAX_LIST_DEPTH && self->list_items[top] >= 0)
    g_string_append_printf (self->out, "%d. ", ++self->list_items[top]);
  else
    g_string_append (self->out, "• ");
  self->space = FALSE;
}

static void
handle_tag (Converter *self, Tag *tag)
{
  BreakKind kind = block_kind (tag->name);

  if (strcmp (tag->name, "br") == 0)
    {
      self->space = FALSE;
      if (!(self->out->len >= 2 &&
            strcmp (self->out->str + self->out->len - 2, "\n\n") == 0) &&
          self->out->len > 0)
        g_string_append_c (self->out, '\n');
      return;
    }
  if (strcmp (tag->name, "pre") == 0)
    {
      if (tag->closing && self->pre > 0)
        self->pre--;
      else if (!tag->closing)
        self->pre++;
    }
  if (strcmp (tag->name, "ul") == 0 || strcmp (tag->name, "ol") == 0)
    track_list (self, tag);
  if (kind != BREAK_NONE)
    add_break (self, kind);
  if (tag->closing)
    {
      if (strcmp (tag->name, "a") == 0)
        close_link (self);
      else if (strcmp (tag->name, "td") == 0 || strcmp (tag->name, "th") == 0)
        self->space = TRUE;
      return;
    }

  if (strcmp (tag->name, "li") == 0)
    start_list_item (self);
  else if (strcmp (tag->name, "a") == 0)
    {
      close_link (self);
      if (tag->href != NULL)
        {
          self->href = g_steal_pointer (&tag->href);
          g_strstrip (self->href);
          self->link_start = self->out->len;
        }
    }
  else if (strcmp (tag->name, "img") == 0 && tag->alt != NULL)
    {
      g_autofree char *alt = g_strdup (tag->alt);

      g_strdelimit (g_strstrip (alt), "\t\r\n", ' ');
      add_text (self, alt, strlen (alt));
    }
}

/* Skips the raw text of <script> and the like up to its end tag. */
static const char *
skip_raw_text (const char *p, const char *name)
{
  gsize n = strlen (name);

  for (;;)
    {
      p = strstr (p, "</");
      if (p == NULL)
        return NULL;
      if (g_ascii_strncasecmp (p + 2, name, n) == 0 &&
          !g_ascii_isalnum (p[2 + n]))
        {
          const char *end = strchr (p, '>');

          return end != NULL ? end + 1 : NULL;
        }
      p += 2;
    }
}

static void
finish (Converter *self)
{
  GString *out = self->out;
  gsize    j = 0;
  int      newlines = 0;

  close_link (self);

  /* strip trailing spaces of lines, keep at most one empty line */
  for (gsize i = 0; i < out->len; i++)
    {
      char c = out->str[i];

      if (c == '\n')
        {
          while (j > 0 && out->str[j - 1] == ' ')
            j--;
          if (j == 0 || ++newlines > 2)
            continue;
        }
      else
        newlines = 0;
      out->str[j++] = c;
    }
  g_string_truncate (out, j);
  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);

  if (self->notes->len > 0)
    {
      g_string_append (out, "\n\n");
      for (guint i = 0; i < self->notes->len; i++)
        g_string_append_printf (out, "[%u] %s\n", i + 1,
                                (char *) g_ptr_array_index (self->notes, i));
      g_string_truncate (out, out->len - 1);
    }
}

static void
render (Converter *self, const char *p)
{
  while (p != NULL && *p != '\0')
    {
      if (p[0] == '<' && p[1] == '!' && p[2] == '-' && p[3] == '-')
        {
          const char *end = strstr (p + 4, "-->");

          p = end != NULL ? end + 3 : NULL;
        }
      else if (p[0] == '<' && (p[1] == '!' || p[1] == '?'))
        {
          const char *end = strchr (p, '>');

          p = end != NULL ? end + 1 : NULL;
        }
      else if (p[0] == '<')
        {
          Tag         tag;
          const char *next = parse_tag (p, &tag);

          if (next == NULL)
            {
              if (self->skip_depth == 0)
                add_text (self, "<", 1);
              p++;
              continue;
            }
          p = next;

          if (self->skip_depth > 0)
            {
              if (strcmp (tag.name, self->skip) == 0 && !tag.self_closing &&
                  !in_list (tag.name, void_tags, G_N_ELEMENTS (void_tags)))
                self->skip_depth += tag.closing ? -1 : 1;
              /* a document without </head> */
              if (strcmp (self->skip, "head") == 0 &&
                  strcmp (tag.name, "body") == 0)
                self->skip_depth = 0;
            }
          else if (!tag.closing && in_list (tag.name, raw_text_tags,
                                            G_N_ELEMENTS (raw_text_tags)))
            {
              if (!tag.self_closing)
                p = skip_raw_text (p, tag.name);
            }
          else if (!tag.closing && !tag.self_closing && !self->show_skipped &&
                   (tag.hidden || in_list (tag.name, skipped_tags,
                                           G_N_ELEMENTS (skipped_tags))) &&
                   !in_list (tag.name, void_tags, G_N_ELEMENTS (void_tags)))
            {
              g_strlcpy (self->skip, tag.name, sizeof self->skip);
              self->skip_depth = 1;
              self->skip_end = p;
            }
          else if (!tag.hidden || self->show_skipped)
            handle_tag (self, &tag);
          tag_clear (&tag);
        }
      else if (self->skip_depth > 0)
        p++;
      else if (*p == '&')
        {
          g_autoptr (GString) text = g_string_new (NULL);
          gsize               used = decode_entity (p, text, FALSE);

          if (used == 0)
            {
              add_text (self, "&", 1);
              p++;
            }
          else
            {
              if (self->pre == 0 && strcmp (text->str, " ") == 0)
                self->space = TRUE;
              else
                add_text (self, text->str, text->len);
              p += used;
            }
        }
      else if (g_ascii_isspace (*p) && self->pre == 0)
        {
          self->space = TRUE;
          p++;
        }
      else if (*p == '\n' || *p == '\r')
        {
          if (*p == '\n')
            g_string_append_c (self->out, '\n');
          p++;
        }
      else
        {
          const char *q = p + 1;

          while (*q != '\0' && *q != '<' && *q != '&' &&
                 (self->pre > 0 ? (*q != '\n' && *q != '\r')
                                : !g_ascii_isspace (*q)))
            q++;
          add_text (self, p, q - p);
          p = q;
        }
    }
}

/**
 * mime_html_to_text:
 * @html: UTF-8 HTML, possibly broken
 *
 * Renders HTML as readable plain text for display and the search index,
 * without any network access: block elements, <br> and list items become
 * lines (list items start with "1. " in an ordered list, else "• "); a
 * followable link (http, https, mailto, ftp) becomes "text [n]" with "[n]
 * URL" listed at the end; entities are decoded; <head>, <style>,
 * <script>, comments and content hidden by display:none are dropped
 * (unless the hidden element never ends); whitespace is collapsed except
 * in <pre>. Runs in linear time.
 *
 * Returns: (transfer full): the text, never NULL
 */
char *
mime_html_to_text (const char *html)
{
  Converter self = { 0 };

  if (html == NULL)
    return g_strdup ("");

  self.out = g_string_sized_new (strlen (html) / 2 + 1);
  self.notes = g_ptr_array_new_with_free_func (g_free);
  self.note_index =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  render (&self, html);
  /* An element skipped as hidden that never ends (a "display:none" <p>
   * that only the next <p> closes, a <head> with neither </head> nor
   * <body>) would take the rest of the mail with it: the rest is rendered
   * again, skipping nothing. Once at most, so still in linear time. */
  if (self.skip_depth > 0)
    {
      self.skip_depth = 0;
      self.show_skipped = TRUE;
      render (&self, self.skip_end);
    }

  finish (&self);
  g_free (self.href);
  g_ptr_array_unref (self.notes);
  g_hash_table_unref (self.note_index);
  return g_string_free (self.out, FALSE);
}
