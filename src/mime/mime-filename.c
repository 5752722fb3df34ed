/* mime-filename.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mime-filename.h"

#include <string.h>

/* An extension longer than this is not kept apart when truncating. */
#define MAX_EXTENSION_LENGTH 16

/* Names Windows reserves for devices, whatever the extension, as
 * Microsoft lists them ("Naming Files, Paths, and Namespaces"): a saved
 * attachment may go to a Windows share or a USB stick. */
static const char *const reserved_names[] = {
  "con",  "prn",  "aux",  "nul",  "conin$", "conout$", "com0", "com1",
  "com2", "com3", "com4", "com5", "com6",   "com7",    "com8", "com9",
  "com¹", "com²", "com³", "lpt0", "lpt1",   "lpt2",    "lpt3", "lpt4",
  "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",   "lpt¹",    "lpt²", "lpt³",
};

/* Whether Windows reads @name as a device: its part before the first
 * dot, without the spaces Windows drops at its end ("CON .txt"), is a
 * reserved name in any case. */
static gboolean
is_reserved_name (const char *name)
{
  const char *dot = strchr (name, '.');
  gsize       stem = dot != NULL ? (gsize) (dot - name) : strlen (name);

  while (stem > 0 && name[stem - 1] == ' ')
    stem--;

  for (gsize i = 0; i < G_N_ELEMENTS (reserved_names); i++)
    if (strlen (reserved_names[i]) == stem &&
        g_ascii_strncasecmp (name, reserved_names[i], stem) == 0)
      return TRUE;
  return FALSE;
}

/* Drops characters that hide or disguise what a name is: controls, and
 * format characters such as the right-to-left override (which turns
 * "invoice_<RLO>fdp.exe" into what looks like a PDF) and zero-width
 * spaces. Whitespace of any kind becomes one plain space; '/', '\\' and
 * the characters Windows forbids become '_'. */
static char *
filter_characters (const char *name)
{
  GString *out = g_string_sized_new (strlen (name) + 1);
  gboolean space = FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar     c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (c == '\t' || c == '\n' || c == '\r' || g_unichar_isspace (c))
        {
          space = TRUE;
          continue;
        }
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          type == G_UNICODE_UNASSIGNED || type == G_UNICODE_SURROGATE ||
          type == G_UNICODE_PRIVATE_USE)
        continue;
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      if (c < 0x80 && strchr ("/\\:*?\"<>|", (int) c) != NULL)
        g_string_append_c (out, '_');
      else if (c == '.' && out->len > 0 && out->str[out->len - 1] == '.')
        continue; /* no ".." anywhere */
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Cuts @name to MIME_FILENAME_MAX_LENGTH bytes on a character boundary,
 * keeping a short extension. */
static char *
truncate_name (const char *name)
{
  gsize            length = strlen (name);
  const char      *dot = strrchr (name, '.');
  gsize            ext = 0, keep;
  const char      *cut;
  g_autofree char *stem = NULL;

  if (length <= MIME_FILENAME_MAX_LENGTH)
    return g_strdup (name);
  if (dot != NULL && dot != name && strlen (dot) <= MAX_EXTENSION_LENGTH)
    ext = strlen (dot);
  keep = MIME_FILENAME_MAX_LENGTH - ext;
  cut = name + keep;
  /* back to the first byte of the character that does not fit */
  while (cut > name && ((guchar) *cut & 0xC0) == 0x80)
    cut--;
  stem = g_strndup (name, cut - name);
  /* the cut may leave a trailing space or dot, which a second pass would
   * strip, and a dot before the extension would make ".." */
  g_strchomp (stem);
  while (*stem != '\0' && stem[strlen (stem) - 1] == '.')
    {
      stem[strlen (stem) - 1] = '\0';
      g_strchomp (stem);
    }
  return g_strconcat (*stem != '\0' ? stem : "attachment", ext > 0 ? dot : "",
                      NULL);
}

/**
 * mime_sanitize_filename:
 * @name: (nullable): a file name as a message gives it
 *
 * Makes a name that is safe to save an attachment under: the last path
 * component only (both '/' and '\\' separate), no control or invisible
 * format characters, no "..", no leading dot (no hidden files), no
 * trailing dots or spaces, not a Windows device name, at most
 * MIME_FILENAME_MAX_LENGTH bytes of valid UTF-8 with its extension kept.
 * Invalid UTF-8 is repaired first.
 *
 * Returns: (transfer full): a non-empty name; "attachment" for NULL or
 *   when nothing usable is left
 */
char *
mime_sanitize_filename (const char *name)
{
  g_autofree char *valid = NULL;
  g_autofree char *filtered = NULL;
  char            *base, *end, *result;
  gsize            length;

  if (name == NULL)
    return g_strdup ("attachment");

  valid = g_utf8_make_valid (name, -1);
  /* the last component that is not empty: "dir/" gives "dir" */
  length = strlen (valid);
  while (length > 0 && (valid[length - 1] == '/' || valid[length - 1] == '\\'))
    valid[--length] = '\0';
  base = valid;
  for (char *p = valid; *p != '\0'; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;

  filtered = filter_characters (base);
  base = filtered;
  while (*base == '.' || *base == ' ')
    base++;
  end = base + strlen (base);
  while (end > base && (end[-1] == '.' || end[-1] == ' '))
    *--end = '\0';

  if (*base == '\0')
    return g_strdup ("attachment");
  if (is_reserved_name (base))
    {
      g_autofree char *prefixed = g_strconcat ("_", base, NULL);

      result = truncate_name (prefixed);
    }
  else
    result = truncate_name (base);
  return result;
}
