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

typedef struct
{
  const char *name;
  const char *text;
} Entity;

/* The named entities that real mail uses; anything else stays literal. */
static const Entity entities[] = {
  { "amp", "&" },    { "lt", "<" },     { "gt", ">" },     { "quot", "\"" },
  { "apos", "'" },   { "nbsp", " " },   { "ensp", " " },   { "emsp", " " },
  { "thinsp", " " }, { "shy", "" },     { "zwnj", "" },    { "zwj", "" },
  { "copy", "©" },   { "reg", "®" },    { "trade", "™" },  { "hellip", "…" },
  { "mdash", "—" },  { "ndash", "–" },  { "lsquo", "‘" },  { "rsquo", "’" },
  { "ldquo", "“" },  { "rdquo", "”" },  { "sbquo", "‚" },  { "bdquo", "„" },
  { "laquo", "«" },  { "raquo", "»" },  { "lsaquo", "‹" }, { "rsaquo", "›" },
  { "bull", "•" },   { "middot", "·" }, { "euro", "€" },   { "pound", "£" },
  { "yen", "¥" },    { "cent", "¢" },   { "deg", "°" },    { "times", "×" },
  { "divide", "÷" }, { "plusmn", "±" }, { "para", "¶" },   { "sect", "§" },
  { "iexcl", "¡" },  { "iquest", "¿" }, { "auml", "ä" },   { "ouml", "ö" },
  { "uuml", "ü" },   { "Auml", "Ä" },   { "Ouml", "Ö" },   { "Uuml", "Ü" },
  { "szlig", "ß" },  { "eacute", "é" }, { "Eacute", "É" }, { "egrave", "è" },
  { "ecirc", "ê" },  { "aacute", "á" }, { "agrave", "à" }, { "acirc", "â" },
  { "iacute", "í" }, { "oacute", "ó" }, { "uacute", "ú" }, { "ccedil", "ç" },
  { "ntilde", "ñ" }, { "aring", "å" },  { "oslash", "ø" }, { "aelig", "æ" },
  { "larr", "←" },   { "rarr", "→" },   { "uarr", "↑" },   { "darr", "↓" },
  { "hearts", "♥" }, { "check", "✓" },  { "minus", "−" },  { "frac12", "½" },
  { "percnt", "%" }, { "asymp", "≈" },  { "ne", "≠" },     { "le", "≤" },
  { "ge", "≥" },     { "infin", "∞" },
};

/* HTML 5 still accepts these few without the ';'. */
static const char *const legacy_entities[] = {
  "amp", "lt", "gt", "quot", "nbsp", "copy", "reg",
};

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
  GPtrArray  *notes;      /* footnote URLs */
  GHashTable *note_index; /* URL -> index + 1 */
  char       *href;       /* of the open <a> */
  gsize       link_start; /* out->len when it opened */
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

/* Decodes the reference at @p ('&'); returns the bytes consumed, 0 if it
 * is not one (the '&' is then literal). */
static gsize
decode_entity (const char *p, GString *text)
{
  const char *q = p + 1;

  if (*q == '#')
    {
      gboolean hex = q[1] == 'x' || q[1] == 'X';
      guint64  value = 0;
      int      digits = 0;

      q += hex ? 2 : 1;
      while ((hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)) && digits < 8)
        {
          value = value * (hex ? 16 : 10) +
                  (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          q++;
          digits++;
        }
      if (digits == 0)
        return 0;
      while (g_ascii_isxdigit (*q))
        q++; /* absurdly long: consumed, replaced */
      if (*q == ';')
        q++;
      if (value >= 0x80 && value < 0xA0)
        value = windows_1252_high[value - 0x80];
      if (value == 0 || value > 0x10FFFF ||
          (value >= 0xD800 && value < 0xE000) || digits == 8)
        value = 0xFFFD;
      if (value < 0x20 && value != '\t' && value != '\n')
        value = ' ';
      g_string_append_unichar (text, (gunichar) value);
      return q - p;
    }

  while (g_ascii_isalnum (*q) && q - p <= MAX_NAME_LENGTH)
    q++;
  if (*q != ';')
    {
      for (gsize i = 0; i < G_N_ELEMENTS (legacy_entities); i++)
        if (strlen (legacy_entities[i]) == (gsize) (q - p - 1) &&
            strncmp (p + 1, legacy_entities[i], q - p - 1) == 0)
          for (gsize j = 0; j < G_N_ELEMENTS (entities); j++)
            if (strcmp (entities[j].name, legacy_entities[i]) == 0)
              {
                g_string_append (text, entities[j].text);
                return q - p;
              }
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strlen (entities[i].name) == (gsize) (q - p - 1) &&
        strncmp (p + 1, entities[i].name, q - p - 1) == 0)
      {
        g_string_append (text, entities[i].text);
        return q + 1 - p;
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

          used = decode_entity (rest, text);
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
    {
      g_string_append (self->out, "• ");
      self->space = FALSE;
    }
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

/**
 * mime_html_to_text:
 * @html: UTF-8 HTML, possibly broken
 *
 * Renders HTML as readable plain text for display and the search index,
 * without any network access: block elements, <br> and list items become
 * lines (list items start with "• "); a followable link (http, https,
 * mailto, ftp) becomes "text [n]" with "[n] URL" listed at the end;
 * entities are decoded; <head>, <style>, <script>, comments and content
 * hidden by display:none are dropped; whitespace is collapsed except in
 * <pre>. Runs in linear time.
 *
 * Returns: (transfer full): the text, never NULL
 */
char *
mime_html_to_text (const char *html)
{
  Converter   self = { 0 };
  const char *p = html;

  if (html == NULL)
    return g_strdup ("");

  self.out = g_string_sized_new (strlen (html) / 2 + 1);
  self.notes = g_ptr_array_new_with_free_func (g_free);
  self.note_index =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

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
              if (self.skip_depth == 0)
                add_text (&self, "<", 1);
              p++;
              continue;
            }
          p = next;

          if (self.skip_depth > 0)
            {
              if (strcmp (tag.name, self.skip) == 0 && !tag.self_closing &&
                  !in_list (tag.name, void_tags, G_N_ELEMENTS (void_tags)))
                self.skip_depth += tag.closing ? -1 : 1;
              /* a document without </head> */
              if (strcmp (self.skip, "head") == 0 &&
                  strcmp (tag.name, "body") == 0)
                self.skip_depth = 0;
            }
          else if (!tag.closing && in_list (tag.name, raw_text_tags,
                                            G_N_ELEMENTS (raw_text_tags)))
            {
              if (!tag.self_closing)
                p = skip_raw_text (p, tag.name);
            }
          else if (!tag.closing && !tag.self_closing &&
                   (tag.hidden || in_list (tag.name, skipped_tags,
                                           G_N_ELEMENTS (skipped_tags))) &&
                   !in_list (tag.name, void_tags, G_N_ELEMENTS (void_tags)))
            {
              g_strlcpy (self.skip, tag.name, sizeof self.skip);
              self.skip_depth = 1;
            }
          else if (!tag.hidden)
            handle_tag (&self, &tag);
          tag_clear (&tag);
        }
      else if (self.skip_depth > 0)
        p++;
      else if (*p == '&')
        {
          g_autoptr (GString) text = g_string_new (NULL);
          gsize               used = decode_entity (p, text);

          if (used == 0)
            {
              add_text (&self, "&", 1);
              p++;
            }
          else
            {
              if (self.pre == 0 && strcmp (text->str, " ") == 0)
                self.space = TRUE;
              else
                add_text (&self, text->str, text->len);
              p += used;
            }
        }
      else if (g_ascii_isspace (*p) && self.pre == 0)
        {
          self.space = TRUE;
          p++;
        }
      else if (*p == '\n' || *p == '\r')
        {
          if (*p == '\n')
            g_string_append_c (self.out, '\n');
          p++;
        }
      else
        {
          const char *q = p + 1;

          while (*q != '\0' && *q != '<' && *q != '&' &&
                 (self.pre > 0 ? (*q != '\n' && *q != '\r')
                               : !g_ascii_isspace (*q)))
            q++;
          add_text (&self, p, q - p);
          p = q;
        }
    }

  finish (&self);
  g_free (self.href);
  g_ptr_array_unref (self.notes);
  g_hash_table_unref (self.note_index);
  return g_string_free (self.out, FALSE);
}
