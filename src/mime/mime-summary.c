/* mime-summary.c
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mime-summary.h"

#include <gmime/gmime.h>
#include <string.h>

#include "mime-decode-private.h"
#include "mime-filename.h"
#include "mime-html.h"
#include "mime-library.h"

/* GMime 3.2 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)

/* Characters (not bytes) of body text in the preview. */
#define PREVIEW_LENGTH 200

/* Deeper MIME nesting than this is only ever an attack; GMime's parser has
 * no limit of its own. */
#define MAX_DEPTH 64

/* One top-level header as found by scan_headers(): pointers into the
 * message, the value with its folding line breaks still in it. */
typedef struct
{
  const char *name;
  gsize       name_length;
  const char *value;
  gsize       value_length;
} RawHeader;

typedef struct
{
  GArray     *headers;     /* of RawHeader */
  const char *start;       /* after an mbox "From " line */
  const char *headers_end; /* after the last header line */
  const char *body;        /* where the body begins */
  const char *end;
  gboolean    separator_ok;  /* an empty line ends the headers (or EOF) */
  gboolean    leading_blank; /* the message starts with the empty line */
} HeaderScan;

typedef struct
{
  GString   *body;
  GPtrArray *attachments;
  gboolean   recovered; /* a multipart was parsed again: never twice, as
                         * each try copies the text */
} Walk;

/* Options for every GMime parser. GMime's lenient RFC 2047 decoder takes
 * quadratic time on a header full of unterminated encoded words (a 1 MB
 * Subject took a minute), and nothing shown comes from GMime's decoding of
 * encoded words: mime-decode.c does that. */
static GMimeParserOptions *
parser_options (void)
{
  static GMimeParserOptions *options = NULL;

  if (g_once_init_enter (&options))
    {
      GMimeParserOptions *strict = g_mime_parser_options_new ();

      g_mime_parser_options_set_rfc2047_compliance_mode (
          strict, GMIME_RFC_COMPLIANCE_STRICT);
      g_once_init_leave (&options, strict);
    }
  return options;
}

/* Memory ----------------------------------------------------------------- */

/**
 * mime_address_free:
 * @address: (nullable) (transfer full): an address
 */
void
mime_address_free (MimeAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->address);
  g_free (address);
}

/**
 * mime_attachment_free:
 * @attachment: (nullable) (transfer full): an attachment
 */
void
mime_attachment_free (MimeAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->filename);
  g_free (attachment->save_name);
  g_free (attachment->content_type);
  g_free (attachment->content_id);
  g_free (attachment);
}

/**
 * mime_summary_free:
 * @summary: (nullable) (transfer full): a summary
 */
void
mime_summary_free (MimeSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->message_id);
  g_free (summary->in_reply_to);
  g_strfreev (summary->references);
  mime_address_free (summary->from);
  g_ptr_array_unref (summary->to);
  g_ptr_array_unref (summary->cc);
  g_ptr_array_unref (summary->reply_to);
  g_free (summary->subject);
  g_free (summary->body_text);
  g_free (summary->preview);
  g_ptr_array_unref (summary->attachments);
  g_free (summary);
}

/* Headers ---------------------------------------------------------------- */

/* Finds the header section the way Python's email package does, because
 * GMime 3.2.13 does not: a line that is neither a header nor a
 * continuation starts the body even without an empty line before it, and
 * a line of only spaces and tabs counts as the empty line (GMime reads
 * both as more headers and loses the body). Linear in the header size. */
static void
scan_headers (const char *data, gsize length, HeaderScan *scan)
{
  const char *p = data, *end = data + length;

  scan->headers = g_array_new (FALSE, FALSE, sizeof (RawHeader));
  scan->end = end;
  scan->separator_ok = TRUE;
  scan->leading_blank = FALSE;

  /* A UTF-8 byte order mark, as Windows programs save .eml files: not
   * part of the first header's name. */
  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  if (end - p >= 5 && memcmp (p, "From ", 5) == 0)
    {
      const char *nl = memchr (p, '\n', end - p);

      p = nl != NULL ? nl + 1 : end;
    }
  scan->start = p;
  scan->headers_end = end;
  scan->body = end;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *next = nl != NULL ? nl + 1 : end;
      const char *line_end = nl != NULL ? nl : end;
      const char *q = p;

      if (line_end > p && line_end[-1] == '\r')
        line_end--;

      if (line_end == p)
        {
          scan->leading_blank = scan->headers->len == 0;
          scan->headers_end = p;
          scan->body = next;
          return;
        }

      if (*p == ' ' || *p == '\t')
        {
          while (q < line_end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
          if (q == line_end || scan->headers->len == 0)
            {
              /* a whitespace-only "empty" line, or a continuation of
               * nothing: either way the body starts */
              scan->separator_ok = FALSE;
              scan->headers_end = p;
              scan->body = q == line_end ? next : p;
              return;
            }
          {
            RawHeader *last = &g_array_index (scan->headers, RawHeader,
                                              scan->headers->len - 1);

            last->value_length = line_end - last->value;
          }
          p = next;
          continue;
        }

      while (q<line_end && * q> 32 && *q < 127 && *q != ':')
        q++;
      {
        const char *name_end = q;

        while (q < line_end && (*q == ' ' || *q == '\t'))
          q++;
        if (name_end == p || q == line_end || *q != ':')
          {
            scan->separator_ok = FALSE;
            scan->headers_end = p;
            scan->body = p;
            return;
          }
        g_array_append_vals (
            scan->headers,
            &(RawHeader){ p, name_end - p, q + 1, line_end - (q + 1) }, 1);
      }
      p = next;
    }
}

static const RawHeader *
find_header (const HeaderScan *scan, const char *name, guint *from)
{
  gsize length = strlen (name);

  for (guint i = from != NULL ? *from : 0; i < scan->headers->len; i++)
    {
      const RawHeader *header = &g_array_index (scan->headers, RawHeader, i);

      if (header->name_length == length &&
          g_ascii_strncasecmp (header->name, name, length) == 0)
        {
          if (from != NULL)
            *from = i + 1;
          return header;
        }
    }
  return NULL;
}

static char *
header_utf8 (const HeaderScan *scan, const char *name)
{
  const RawHeader *header = find_header (scan, name, NULL);

  if (header == NULL)
    return NULL;
  return _mime_header_to_utf8 (header->value, header->value_length, NULL);
}

static char *raw_parameter (const char *value, const char *wanted);

/* Whether text that could be read as ASCII can claim @charset: one that
 * is not ASCII-compatible (UTF-16, UTF-32, UTF-7) is a wrong label there,
 * as HTML5 says of a <meta> that names one. */
static gboolean
ascii_compatible (const char *charset)
{
  return g_ascii_strncasecmp (charset, "utf-16", 6) != 0 &&
         g_ascii_strncasecmp (charset, "utf-32", 6) != 0 &&
         g_ascii_strncasecmp (charset, "utf16", 5) != 0 &&
         g_ascii_strncasecmp (charset, "utf32", 5) != 0 &&
         g_ascii_strncasecmp (charset, "ucs-2", 5) != 0 &&
         g_ascii_strncasecmp (charset, "ucs-4", 5) != 0 &&
         g_ascii_strncasecmp (charset, "utf-7", 5) != 0;
}

/* The charset the message's own Content-Type declares, NULL if none: a
 * mailer that writes raw 8-bit headers writes them in it. */
static char *
declared_charset (const HeaderScan *scan)
{
  g_autofree char *content_type = header_utf8 (scan, "Content-Type");
  char            *charset =
      content_type != NULL ? raw_parameter (content_type, "charset") : NULL;

  if (charset != NULL && !ascii_compatible (charset))
    g_clear_pointer (&charset, g_free);
  return charset;
}

/* Every occurrence counts: web forms send two To headers. */
static GPtrArray *
header_addresses (const HeaderScan *scan, const char *name, const char *charset)
{
  GPtrArray *addresses =
      g_ptr_array_new_with_free_func ((GDestroyNotify) mime_address_free);
  const RawHeader *header;
  guint            from = 0;

  while ((header = find_header (scan, name, &from)) != NULL)
    {
      g_autofree char *text =
          _mime_header_to_utf8 (header->value, header->value_length, charset);

      _mime_parse_addresses (text, addresses);
    }
  return addresses;
}

static GPtrArray *
header_msgids (const HeaderScan *scan, const char *name)
{
  GPtrArray       *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = header_utf8 (scan, name);

  if (text != NULL)
    _mime_parse_msgids (text, ids);
  return ids;
}

static void
fill_headers (MimeSummary      *summary,
              const HeaderScan *scan,
              gint64            received_time)
{
  const RawHeader      *subject = find_header (scan, "Subject", NULL);
  g_autofree char      *charset = declared_charset (scan);
  g_autofree char      *date = header_utf8 (scan, "Date");
  g_autoptr (GPtrArray) from = header_addresses (scan, "From", charset);
  g_autoptr (GPtrArray) message_id = header_msgids (scan, "Message-ID");
  g_autoptr (GPtrArray) in_reply_to = header_msgids (scan, "In-Reply-To");
  GPtrArray            *references = header_msgids (scan, "References");

  if (subject != NULL)
    {
      g_free (summary->subject);
      summary->subject = _mime_decode_header_text (
          subject->value, subject->value_length, charset);
    }

  if (date == NULL || !_mime_parse_date (date, &summary->date))
    {
      summary->date = received_time;
      summary->flags |= MIME_SUMMARY_FLAG_DATE_FALLBACK;
    }

  if (from->len > 0)
    summary->from = g_ptr_array_steal_index (from, 0);
  g_ptr_array_unref (summary->to);
  summary->to = header_addresses (scan, "To", charset);
  g_ptr_array_unref (summary->cc);
  summary->cc = header_addresses (scan, "Cc", charset);
  g_ptr_array_unref (summary->reply_to);
  summary->reply_to = header_addresses (scan, "Reply-To", charset);

  if (message_id->len > 0)
    summary->message_id = g_strdup (g_ptr_array_index (message_id, 0));
  if (in_reply_to->len > 0)
    summary->in_reply_to = g_strdup (g_ptr_array_index (in_reply_to, 0));
  g_ptr_array_add (references, NULL);
  g_strfreev (summary->references);
  summary->references = (GStrv) g_ptr_array_free (references, FALSE);
}

/* GMime parts ------------------------------------------------------------ */

static char *
content_type_string (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  const char       *media, *subtype;
  char             *result;

  if (type == NULL)
    return g_strdup ("application/octet-stream");
  media = g_mime_content_type_get_media_type (type);
  subtype = g_mime_content_type_get_media_subtype (type);
  result = g_strdup_printf ("%s/%s", media != NULL ? media : "application",
                            subtype != NULL ? subtype : "octet-stream");
  if (!g_utf8_validate (result, -1, NULL))
    {
      g_free (result);
      return g_strdup ("application/octet-stream");
    }
  /* lower-case in place: ASCII only, the length does not change */
  for (char *p = result; *p != '\0'; p++)
    *p = g_ascii_tolower (*p);
  return result;
}

/* The raw (unfolded, UTF-8) value of a part's own header, NULL if absent. */
static char *
object_header_utf8 (GMimeObject *object, const char *name)
{
  GMimeHeaderList *list = g_mime_object_get_header_list (object);
  GMimeHeader     *header;
  const char      *raw;

  if (list == NULL)
    return NULL;
  header = g_mime_header_list_get_header (list, name);
  if (header == NULL || (raw = g_mime_header_get_raw_value (header)) == NULL)
    return NULL;
  return _mime_header_to_utf8 (raw, strlen (raw), NULL);
}

/* Reads one plain (not RFC 2231 "name*") parameter from a structured
 * header value, unquoting it. */
static char *
raw_parameter (const char *value, const char *wanted)
{
  const char *p = strchr (value, ';');
  gsize       wanted_length = strlen (wanted);

  while (p != NULL && *p != '\0')
    {
      const char *name;
      gsize       name_length;
      GString    *result;

      while (*p == ';' || g_ascii_isspace (*p))
        p++;
      name = p;
      while (*p != '\0' && *p != '=' && *p != ';')
        p++;
      name_length = p - name;
      while (name_length > 0 && g_ascii_isspace (name[name_length - 1]))
        name_length--;
      if (*p != '=')
        continue;
      p++;
      while (g_ascii_isspace (*p))
        p++;
      result = g_string_new (NULL);
      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (result, *p);
            }
          if (*p == '"')
            p++;
        }
      else
        while (*p != '\0' && *p != ';')
          g_string_append_c (result, *p++);
      if (name_length == wanted_length &&
          g_ascii_strncasecmp (name, wanted, wanted_length) == 0)
        return g_strstrip (g_string_free (result, FALSE));
      g_string_free (result, TRUE);
      while (*p != '\0' && *p != ';')
        p++;
    }
  return NULL;
}

/* The decoded name of a part. GMime does RFC 2231; an RFC 2047 word inside
 * a quoted filename (Outlook) is decoded here instead, as GMime's decoder
 * loses text after adjacent B words. */
static char *
part_filename (GMimeObject *object)
{
  const char      *gmime_name = NULL;
  g_autofree char *disposition =
      object_header_utf8 (object, "Content-Disposition");
  g_autofree char *type = object_header_utf8 (object, "Content-Type");
  g_autofree char *raw = NULL;

  if (disposition != NULL)
    raw = raw_parameter (disposition, "filename");
  if (raw == NULL && type != NULL)
    raw = raw_parameter (type, "name");
  if (raw != NULL && strstr (raw, "=?") != NULL)
    return _mime_decode_words (raw);

  if (GMIME_IS_PART (object))
    gmime_name = g_mime_part_get_filename (GMIME_PART (object));
  else
    {
      gmime_name =
          g_mime_object_get_content_disposition_parameter (object, "filename");
      if (gmime_name == NULL)
        gmime_name = g_mime_object_get_content_type_parameter (object, "name");
    }
  if (gmime_name != NULL && *gmime_name != '\0')
    return _mime_bytes_to_utf8 (gmime_name, strlen (gmime_name), NULL);
  if (raw != NULL && *raw == '\0')
    g_clear_pointer (&raw, g_free); /* filename="" is no name */
  return g_steal_pointer (&raw);
}

static gboolean
is_attachment_disposition (GMimeObject *object)
{
  GMimeContentDisposition *disposition =
      g_mime_object_get_content_disposition (object);

  return disposition != NULL &&
         g_mime_content_disposition_is_attachment (disposition);
}

static gboolean
is_inline_disposition (GMimeObject *object)
{
  GMimeContentDisposition *disposition =
      g_mime_object_get_content_disposition (object);
  const char *value =
      disposition != NULL
          ? g_mime_content_disposition_get_disposition (disposition)
          : NULL;

  return value != NULL && g_ascii_strcasecmp (value, "inline") == 0;
}

/* A text/plain or text/html leaf that is meant to be read, not saved:
 * inside a multipart, one with a file name is an attachment; a message
 * of that one part (@whole) is still mail to read. */
static gboolean
is_body_part (GMimeObject *object, gboolean whole)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  g_autofree char  *filename = NULL;

  if (!GMIME_IS_PART (object) || type == NULL ||
      !(g_mime_content_type_is_type (type, "text", "plain") ||
        g_mime_content_type_is_type (type, "text", "html")) ||
      is_attachment_disposition (object))
    return FALSE;
  if (whole)
    return TRUE;
  filename = part_filename (object);
  return filename == NULL || *filename == '\0';
}

/* Whether a part's decoded content is only spaces and line breaks, as
 * the text/plain alternative of some HTML mail is. */
static gboolean
is_blank_part (GMimeObject *object)
{
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));
  g_autoptr (GMimeStream) stream = NULL;
  GByteArray             *bytes;

  if (content == NULL)
    return TRUE;
  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, stream);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  for (guint i = 0; i < bytes->len; i++)
    if (!g_ascii_isspace (bytes->data[i]))
      return FALSE;
  return TRUE;
}

static char *
save_name_for (const char *filename, const char *content_type)
{
  static const struct
  {
    const char *type;
    const char *name;
  } names[] = {
    { "text/plain", "attachment.txt" },
    { "text/html", "attachment.html" },
    { "text/calendar", "invite.ics" },
    { "text/csv", "attachment.csv" },
    { "message/rfc822", "message.eml" },
    { "message/delivery-status", "delivery-status.txt" },
    { "image/png", "image.png" },
    { "image/jpeg", "image.jpg" },
    { "image/gif", "image.gif" },
    { "application/pdf", "attachment.pdf" },
    { "application/pgp-signature", "signature.asc" },
    { "application/pgp-encrypted", "pgp-encrypted.asc" },
    { "application/pkcs7-signature", "smime.p7s" },
    { "application/x-pkcs7-signature", "smime.p7s" },
    { "application/pkcs7-mime", "smime.p7m" },
    { "application/x-pkcs7-mime", "smime.p7m" },
  };

  if (filename != NULL && *filename != '\0')
    return mime_sanitize_filename (filename);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (content_type, names[i].type) == 0)
      return g_strdup (names[i].name);
  return g_strdup ("attachment");
}

static MimeAttachment *
attachment_new (GMimeObject *object, char *filename, gboolean is_inline)
{
  MimeAttachment *attachment = g_new0 (MimeAttachment, 1);
  const char     *content_id = g_mime_object_get_content_id (object);

  if (filename != NULL && !g_utf8_validate (filename, -1, NULL))
    {
      char *valid = g_utf8_make_valid (filename, -1);

      g_free (filename);
      filename = valid;
    }
  attachment->filename = filename;
  attachment->content_type = content_type_string (object);
  attachment->save_name = save_name_for (filename, attachment->content_type);
  attachment->is_inline = is_inline || is_inline_disposition (object);
  if (content_id != NULL && *content_id != '\0')
    attachment->content_id =
        _mime_bytes_to_utf8 (content_id, strlen (content_id), NULL);
  return attachment;
}

/* Without branches: base64 is random to a branch predictor, and the
 * short-circuit form of this test ran at 2.2 ns a byte against 1.0. OR-ing
 * 0x20 folds A-Z onto a-z and moves no other byte into a-z. */
static inline guchar
is_base64_alphabet (guchar c)
{
  guchar folded = c | 0x20;

  return ((guchar) (folded - 'a') < 26) | ((guchar) (c - '0') < 10) |
         (c == '+') | (c == '/');
}

/* Counted in blocks of a fixed 64 bytes into a byte-wide sum, which gcc
 * vectorizes at -O2: 0.06 ns a byte against 1.0 byte by byte (random
 * base64, gcc 12). */
static guint64
count_base64_alphabet (const guchar *bytes, gsize length)
{
  guint64 count = 0;
  gsize   i = 0;

  for (; i + 64 <= length; i += 64)
    {
      guchar in_block = 0;

      for (guint j = 0; j < 64; j++)
        in_block += is_base64_alphabet (bytes[i + j]);
      count += in_block;
    }
  for (; i < length; i++)
    count += is_base64_alphabet (bytes[i]);
  return count;
}

/* Base64 needs no decoding to be measured: each character of its
 * alphabet is 6 bits of the content, and everything else (line ends,
 * padding, stray bytes) is skipped, as GMime's decoder skips it. Counting
 * is several times cheaper than decoding, and attachments are most of
 * the bytes of a mailbox. */
static guint64
base64_decoded_size (GMimeDataWrapper *content)
{
  GMimeStream *stream = g_mime_data_wrapper_get_stream (content);
  guint64      sextets = 0;
  char         buffer[16384];
  gssize       n;

  if (stream == NULL || g_mime_stream_reset (stream) == -1)
    return 0;
  while ((n = g_mime_stream_read (stream, buffer, sizeof buffer)) > 0)
    sextets += count_base64_alphabet ((const guchar *) buffer, n);
  g_mime_stream_reset (stream);
  return sextets * 6 / 8;
}

/* The decoded size: the content goes through GMime's decoder into a null
 * stream that only counts, so a 5 MiB attachment costs no memory. */
static guint64
decoded_size (GMimeObject *object)
{
  g_autoptr (GMimeStream) null = g_mime_stream_null_new ();

  if (GMIME_IS_PART (object))
    {
      GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));

      if (content != NULL && g_mime_data_wrapper_get_encoding (content) ==
                                 GMIME_CONTENT_ENCODING_BASE64)
        return base64_decoded_size (content);
      if (content != NULL)
        g_mime_data_wrapper_write_to_stream (content, null);
    }
  else if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *message =
          g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (message != NULL)
        g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, null);
    }
  return GMIME_STREAM_NULL (null)->written;
}

static void
add_attachment (Walk *walk, GMimeObject *object, gboolean is_inline)
{
  char           *filename = part_filename (object);
  MimeAttachment *attachment;

  if (filename == NULL && GMIME_IS_MESSAGE_PART (object))
    {
      /* a forwarded message is named after its subject */
      GMimeMessage *message =
          g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
      g_autofree char *subject =
          message != NULL
              ? object_header_utf8 (GMIME_OBJECT (message), "Subject")
              : NULL;

      if (subject != NULL && *subject != '\0')
        {
          g_autofree char *decoded =
              _mime_decode_header_text (subject, strlen (subject), NULL);

          if (*decoded != '\0')
            filename = g_strconcat (decoded, ".eml", NULL);
        }
    }
  attachment = attachment_new (object, filename, is_inline);
  attachment->size = decoded_size (object);
  g_ptr_array_add (walk->attachments, attachment);
}

static void
append_body (Walk *walk, const char *text)
{
  GString *body = walk->body;

  while (*text == '\n')
    text++;
  if (*text == '\0')
    return;
  if (body->len > 0)
    {
      while (body->len > 0 && body->str[body->len - 1] == '\n')
        g_string_truncate (body, body->len - 1);
      g_string_append (body, "\n\n");
    }
  g_string_append (body, text);
}

static char *
raw_to_text (const char *data, gsize length, const char *charset)
{
  GString *text = g_string_sized_new (length + 1);

  _mime_append_utf8 (text, data, length, charset);
  _mime_normalize_text (text);
  return g_string_free (text, FALSE);
}

/* How far into an HTML part a <meta> naming its charset is looked for:
 * HTML5 has browsers look at the first 1,024 bytes. */
#define META_CHARSET_WINDOW 1024

/* The charset an HTML part without a MIME charset names in a <meta>
 * ("<meta charset=windows-1251>", or http-equiv's "content=\"text/html;
 * charset=...\""), NULL if none. */
static char *
html_meta_charset (const guint8 *data, gsize length)
{
  g_autofree char *head = g_ascii_strdown (
      (const char *) data, (gssize) MIN (length, META_CHARSET_WINDOW));
  const char *p = head;

  while ((p = strstr (p, "<meta")) != NULL)
    {
      const char *end = strchr (p, '>');
      const char *name = strstr (p, "charset");
      const char *start;

      if (end == NULL)
        break;
      if (name == NULL || name > end)
        {
          p = end;
          continue;
        }
      start = name + strlen ("charset");
      while (*start == ' ' || *start == '=' || *start == '"' || *start == '\'')
        start++;
      name = start;
      while (g_ascii_isalnum (*name) || *name == '-' || *name == '_' ||
             *name == '.' || *name == ':')
        name++;
      if (name > start && name <= end)
        {
          char *charset = g_strndup (start, name - start);

          if (ascii_compatible (charset))
            return charset;
          g_free (charset);
          return NULL;
        }
      p = end;
    }
  return NULL;
}

/* The readable text of a text/plain or text/html leaf: transfer encoding
 * decoded, charset converted, format=flowed joined, HTML rendered. */
static char *
part_text (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));
  g_autoptr (GMimeStream) stream = NULL;
  GByteArray             *bytes;
  const char             *format, *delsp, *charset;
  g_autofree char        *meta_charset = NULL;
  g_autofree char        *text = NULL;

  if (content == NULL)
    return g_strdup ("");
  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, stream);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  charset = g_mime_content_type_get_parameter (type, "charset");
  if (charset == NULL && g_mime_content_type_is_type (type, "text", "html"))
    charset = meta_charset = html_meta_charset (bytes->data, bytes->len);
  text = raw_to_text ((const char *) bytes->data, bytes->len, charset);

  if (g_mime_content_type_is_type (type, "text", "html"))
    return mime_html_to_text (text);
  format = g_mime_content_type_get_parameter (type, "format");
  if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0)
    {
      delsp = g_mime_content_type_get_parameter (type, "delsp");
      return _mime_flowed_to_text (
          text, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
    }
  return g_steal_pointer (&text);
}

static void walk_multipart (Walk           *walk,
                            GMimeMultipart *multipart,
                            guint           depth,
                            gboolean        list_only);
static void walk_object (Walk        *walk,
                         GMimeObject *object,
                         guint        depth,
                         gboolean     list_only,
                         gboolean     is_inline);

/* In multipart/alternative: the text/plain part if there is one with any
 * text, else the richest (last) HTML or multipart one. */
static int
choose_alternative (GMimeMultipart *multipart)
{
  int n = g_mime_multipart_get_count (multipart);

  for (int i = 0; i < n; i++)
    {
      GMimeObject      *child = g_mime_multipart_get_part (multipart, i);
      GMimeContentType *type = g_mime_object_get_content_type (child);

      if (type != NULL && g_mime_content_type_is_type (type, "text", "plain") &&
          is_body_part (child, FALSE) && !is_blank_part (child))
        return i;
    }
  for (int i = n - 1; i >= 0; i--)
    {
      GMimeObject      *child = g_mime_multipart_get_part (multipart, i);
      GMimeContentType *type = g_mime_object_get_content_type (child);

      if (GMIME_IS_MULTIPART (child) ||
          (type != NULL && g_mime_content_type_is_type (type, "text", "html")))
        return i;
    }
  return 0;
}

/* The boundary a multipart body really uses: its first line that starts
 * with "--" (JavaMail, PHP), NULL if none. */
static char *
guess_boundary (const char *body)
{
  const char *p = body;

  while (p != NULL && *p != '\0')
    {
      if (p[0] == '-' && p[1] == '-' && p[2] != '\0' && !g_ascii_isspace (p[2]))
        {
          gsize length = strcspn (p + 2, "\r\n");

          while (length > 0 && g_ascii_isspace (p[2 + length - 1]))
            length--;
          if (length == 0 || length > 200 || memchr (p + 2, '"', length))
            return NULL;
          return g_strndup (p + 2, length);
        }
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }
  return NULL;
}

static gboolean
walk_recovered (Walk        *walk,
                GMimeObject *object,
                const char  *prologue,
                guint        depth)
{
  GMimeContentType       *type = g_mime_object_get_content_type (object);
  g_autofree char        *boundary = guess_boundary (prologue);
  g_autofree char        *subtype = NULL;
  g_autoptr (GString)     text = NULL;
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  g_autoptr (GMimeObject) part = NULL;
  const char             *declared;

  if (boundary == NULL || depth >= MAX_DEPTH || walk->recovered)
    return FALSE;
  walk->recovered = TRUE;
  declared = type != NULL ? g_mime_content_type_get_parameter (type, "boundary")
                          : NULL;
  if (declared != NULL && strcmp (declared, boundary) == 0)
    return FALSE; /* GMime already tried that one */
  subtype = g_strdup (
      type != NULL && g_mime_content_type_get_media_subtype (type) != NULL
          ? g_mime_content_type_get_media_subtype (type)
          : "mixed");
  g_strcanon (subtype,
              "abcdefghijklmnopqrstuvwxyz"
              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.",
              '-');
  text = g_string_new (NULL);
  g_string_append_printf (text,
                          "Content-Type: multipart/%s; boundary=\"%s\"\r\n"
                          "\r\n%s",
                          subtype, boundary, prologue);
  stream = g_mime_stream_mem_new_with_buffer (text->str, text->len);
  parser = g_mime_parser_new_with_stream (stream);
  part = g_mime_parser_construct_part (parser, parser_options ());
  if (part == NULL || !GMIME_IS_MULTIPART (part) ||
      g_mime_multipart_get_count (GMIME_MULTIPART (part)) == 0)
    return FALSE;
  walk_multipart (walk, GMIME_MULTIPART (part), depth + 1, FALSE);
  return TRUE;
}

static void
walk_multipart (Walk           *walk,
                GMimeMultipart *multipart,
                guint           depth,
                gboolean        list_only)
{
  GMimeObject      *object = GMIME_OBJECT (multipart);
  GMimeContentType *type = g_mime_object_get_content_type (object);
  int               n = g_mime_multipart_get_count (multipart);
  int               chosen = -1;
  gboolean          related = FALSE;

  if (n == 0)
    {
      /* No boundary, or a wrong one: GMime leaves the whole body in the
       * prologue. Parse it again with the delimiter it really uses; if
       * that fails too, show it as text rather than nothing. */
      const char *prologue = g_mime_multipart_get_prologue (multipart);

      if (list_only || prologue == NULL)
        return;
      if (!walk_recovered (walk, object, prologue, depth))
        {
          g_autofree char *text =
              raw_to_text (prologue, strlen (prologue), NULL);

          append_body (walk, text);
        }
      return;
    }

  if (GMIME_IS_MULTIPART_ENCRYPTED (object))
    {
      /* nothing in it is readable: its parts are listed, text or not */
      for (int i = 0; i < n; i++)
        {
          GMimeObject *child = g_mime_multipart_get_part (multipart, i);

          if (GMIME_IS_MULTIPART (child))
            walk_object (walk, child, depth + 1, TRUE, FALSE);
          else if (child != NULL)
            add_attachment (walk, child, FALSE);
        }
      return;
    }
  if (GMIME_IS_MULTIPART_SIGNED (object))
    chosen = 0; /* the signed content; the signature is an attachment */
  else if (type != NULL &&
           g_mime_content_type_is_type (type, "multipart", "alternative"))
    chosen = choose_alternative (multipart);
  else if (type != NULL &&
           g_mime_content_type_is_type (type, "multipart", "related"))
    {
      chosen = 0;
      related = TRUE;
    }

  for (int i = 0; i < n; i++)
    {
      GMimeObject *child = g_mime_multipart_get_part (multipart, i);

      if (chosen < 0 || i == chosen)
        walk_object (walk, child, depth + 1, list_only, FALSE);
      else if (GMIME_IS_MULTIPART_SIGNED (object))
        walk_object (walk, child, depth + 1, TRUE, FALSE);
      else
        walk_object (walk, child, depth + 1, TRUE, related);
    }
}

/* Adds the text of @object to the body and its other leaves to the
 * attachments. With @list_only (parts of an alternative not shown,
 * encrypted parts) nothing goes to the body and plain text/html leaves
 * are skipped, being other renderings of the body. */
static void
walk_object (Walk        *walk,
             GMimeObject *object,
             guint        depth,
             gboolean     list_only,
             gboolean     is_inline)
{
  if (object == NULL || depth > MAX_DEPTH)
    return;

  if (GMIME_IS_MULTIPART (object))
    walk_multipart (walk, GMIME_MULTIPART (object), depth, list_only);
  else if (GMIME_IS_MESSAGE_PART (object))
    add_attachment (walk, object, is_inline);
  else if (is_body_part (object, depth == 0))
    {
      if (!list_only)
        {
          g_autofree char *text = part_text (object);

          append_body (walk, text);
        }
      else if (is_inline)
        add_attachment (walk, object, TRUE);
    }
  else
    add_attachment (walk, object, is_inline);
}

/* Lets GMime parse the message in place: a GByteArray borrows the caller's
 * bytes (the stream does not own it and nothing writes to it), so only a
 * message whose header section had to be repaired is copied. */
static gboolean
summarise_body (Walk *walk, const HeaderScan *scan)
{
  g_autofree char        *repaired = NULL;
  const char             *data = scan->start;
  gsize                   length = scan->end - scan->start;
  GByteArray             *array;
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  g_autoptr (GMimeObject) part = NULL;
  gboolean                parsed;

  if (!scan->separator_ok)
    {
      gsize head = scan->headers_end - scan->start;
      gsize body = scan->end - scan->body;

      repaired = g_malloc (head + 2 + body);
      memcpy (repaired, scan->start, head);
      memcpy (repaired + head, "\r\n", 2);
      memcpy (repaired + head + 2, scan->body, body);
      data = repaired;
      length = head + 2 + body;
    }

  array = g_byte_array_new_take ((guint8 *) data, length);
  stream = g_mime_stream_mem_new_with_byte_array (array);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  parser = g_mime_parser_new_with_stream (stream);
  /* The top level as a part, not a GMimeMessage: a message decodes its
   * address and subject headers as it is built, work that is thrown
   * away since they are decoded here. */
  part = g_mime_parser_construct_part (parser, parser_options ());
  if (part != NULL)
    walk_object (walk, part, 0, FALSE, FALSE);

  parsed = part != NULL;
  g_clear_object (&part);
  g_clear_object (&parser);
  g_clear_object (&stream);
  g_byte_array_free (array, FALSE); /* the bytes are not ours */
  return parsed;
}

static char *
make_preview (const char *text)
{
  GString *preview = g_string_sized_new (PREVIEW_LENGTH * 2);
  guint    count = 0;
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0' && count < PREVIEW_LENGTH;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = preview->len > 0;
          continue;
        }
      if (space)
        {
          if (count + 1 >= PREVIEW_LENGTH)
            break; /* no dangling space at the end */
          g_string_append_c (preview, ' ');
          count++;
          space = FALSE;
        }
      g_string_append_unichar (preview, c);
      count++;
    }
  return g_string_free (preview, FALSE);
}

static void
finish_body (MimeSummary *summary, GString *body)
{
  while (body->len > 0 && g_ascii_isspace (body->str[body->len - 1]))
    g_string_truncate (body, body->len - 1);
  summary->body_text = g_string_free (body, FALSE);
  summary->preview = make_preview (summary->body_text);
}

/**
 * mime_summary_new:
 * @data: (array length=length) (nullable): the raw message as fetched
 * @length: its length in bytes
 * @received_time: Unix time it was received, used when it has no usable
 *   Date
 *
 * Summarises a message for the store and the index: thread ids, date,
 * addresses and subject decoded (RFC 2047 with GMime 3.2.13's bugs worked
 * around, RFC 2231, raw 8-bit, legacy charsets), the readable body text
 * and the attachments. Thread-safe; initialises GMime on first use.
 *
 * Never fails: a message without headers, or one GMime cannot parse, is
 * summarised with MIME_SUMMARY_FLAG_UNREADABLE and its raw text as body.
 *
 * Returns: (transfer full): the summary, never NULL
 */
MimeSummary *
mime_summary_new (const guint8 *data, gsize length, gint64 received_time)
{
  MimeSummary *summary = g_new0 (MimeSummary, 1);
  HeaderScan   scan;
  Walk         walk;

  mime_library_init ();

  if (data == NULL)
    length = 0;
  summary->subject = g_strdup ("");
  summary->references = g_new0 (char *, 1);
  summary->to =
      g_ptr_array_new_with_free_func ((GDestroyNotify) mime_address_free);
  summary->cc =
      g_ptr_array_new_with_free_func ((GDestroyNotify) mime_address_free);
  summary->reply_to =
      g_ptr_array_new_with_free_func ((GDestroyNotify) mime_address_free);
  summary->attachments =
      g_ptr_array_new_with_free_func ((GDestroyNotify) mime_attachment_free);
  walk.body = g_string_new (NULL);
  walk.attachments = summary->attachments;
  walk.recovered = FALSE;

  scan_headers ((const char *) data, length, &scan);
  fill_headers (summary, &scan, received_time);

  if (scan.headers->len == 0 && scan.leading_blank)
    {
      /* an empty header section: all of it is plain text */
      g_autofree char *text =
          raw_to_text (scan.body, scan.end - scan.body, NULL);

      append_body (&walk, text);
    }
  else if (scan.headers->len == 0 || !summarise_body (&walk, &scan))
    {
      const char      *body = scan.headers->len == 0 ? scan.start : scan.body;
      g_autofree char *text = raw_to_text (body, scan.end - body, NULL);

      summary->flags |= MIME_SUMMARY_FLAG_UNREADABLE;
      if (*summary->subject == '\0')
        {
          g_free (summary->subject);
          summary->subject = g_strdup (MIME_SUMMARY_UNREADABLE_SUBJECT);
        }
      g_string_truncate (walk.body, 0);
      append_body (&walk, text);
    }

  g_array_unref (scan.headers);
  finish_body (summary, walk.body);
  return summary;
}

/**
 * mime_address_list_to_string:
 * @addresses: (element-type MimeAddress): addresses
 *
 * Formats addresses for display and the search index: "Name <a@b>" or
 * just the address or the name, joined by ", "; a name holding a comma
 * or angle bracket is quoted so the list stays readable.
 *
 * Returns: (transfer full): the text, "" for no addresses
 */
char *
mime_address_list_to_string (GPtrArray *addresses)
{
  GString *text;

  g_return_val_if_fail (addresses != NULL, g_strdup (""));

  text = g_string_new (NULL);

  for (guint i = 0; i < addresses->len; i++)
    {
      const MimeAddress *address = g_ptr_array_index (addresses, i);

      if (text->len > 0)
        g_string_append (text, ", ");
      if (address->name != NULL)
        {
          if (strpbrk (address->name, ",;<>\"") != NULL)
            {
              g_string_append_c (text, '"');
              for (const char *p = address->name; *p != '\0'; p++)
                {
                  if (*p == '"' || *p == '\\')
                    g_string_append_c (text, '\\');
                  g_string_append_c (text, *p);
                }
              g_string_append_c (text, '"');
            }
          else
            g_string_append (text, address->name);
        }
      if (address->address != NULL)
        {
          if (address->name != NULL)
            g_string_append_printf (text, " <%s>", address->address);
          else
            g_string_append (text, address->address);
        }
    }
  return g_string_free (text, FALSE);
}
