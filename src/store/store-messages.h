/* store-messages.h
 *
 * Copyright The Pigeon authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store-database.h"

G_BEGIN_DECLS

/**
 * StoreMessageStatus:
 * @STORE_MESSAGE_STATUS_DATE_FALLBACK: the Date header was missing or
 *   unreadable; the date is the time the message was received.
 * @STORE_MESSAGE_STATUS_UNREADABLE: the MIME parser could not read it;
 *   only the raw bytes are meaningful.
 * @STORE_MESSAGE_STATUS_PARTIAL: only the headers were downloaded.
 */
typedef enum
{
  STORE_MESSAGE_STATUS_NONE = 0,
  STORE_MESSAGE_STATUS_DATE_FALLBACK = 1 << 0,
  STORE_MESSAGE_STATUS_UNREADABLE = 1 << 1,
  STORE_MESSAGE_STATUS_PARTIAL = 1 << 2,
} StoreMessageStatus;

typedef struct
{
  char    *filename; /* as the message names it, or NULL */
  char    *save_name;
  char    *content_type;
  guint64  size;
  gboolean is_inline;
  char    *content_id;
} StoreAttachment;

/* A message to insert: the engine fills it from the MIME summary. */
typedef struct
{
  GBytes            *raw;
  gint64             date;
  gint64             received;
  StoreMessageStatus status;
  gboolean           is_read;
  gboolean           is_flagged;
  char              *message_id;
  char              *in_reply_to;
  GStrv              references;
  char              *from_name;
  char              *from_address;
  char              *recipients;
  char              *subject;
  char              *preview;
  char              *body_text;
  GPtrArray         *attachments; /* of StoreAttachment */
  char              *uidl;        /* a ledger row is written when set */
} StoreNewMessage;

/* A row of the message list, or of search results. */
typedef struct
{
  gint64             id;
  gint64             folder_id;
  gint64             account_id; /* 0: imported, no account */
  gint64             thread_id;
  gint64             date;
  StoreMessageStatus status;
  gboolean           is_read;
  gboolean           is_flagged;
  gboolean           has_attachment;
  guint64            size;
  char              *message_id;
  char              *from_name;
  char              *from_address;
  char              *recipients;
  char              *subject;
  char              *preview;
  char              *snippet; /* search only: STORE_MATCH_START/END marks */
  char              *sort_sender;
  char              *sort_subject;
} StoreMessageRow;

/* Around the matched words of a search snippet. */
#define STORE_MATCH_START "\x02"
#define STORE_MATCH_END "\x03"

typedef enum
{
  STORE_VIEW_FOLDER,
  STORE_VIEW_ALL_INBOXES,
  STORE_VIEW_UNREAD,
  STORE_VIEW_FLAGGED,
} StoreViewKind;

typedef enum
{
  STORE_SORT_DATE,
  STORE_SORT_SENDER,
  STORE_SORT_SUBJECT,
} StoreSort;

typedef enum
{
  STORE_FILTER_NONE = 0,
  STORE_FILTER_UNREAD = 1 << 0,
  STORE_FILTER_FLAGGED = 1 << 1,
} StoreFilter;

/* What a message list shows. Date sorts newest first, the others A to Z,
 * unless @reversed. */
typedef struct
{
  StoreViewKind kind;
  gint64        folder_id; /* STORE_VIEW_FOLDER only */
  StoreSort     sort;
  gboolean      reversed;
  StoreFilter   filter;
} StoreView;

typedef enum
{
  STORE_FLAG_READ = 1 << 0,
  STORE_FLAG_FLAGGED = 1 << 1,
} StoreFlags;

StoreNewMessage *store_new_message_new (void);
void             store_new_message_free (StoreNewMessage *message);
StoreAttachment *store_attachment_new (void);
void             store_attachment_free (StoreAttachment *attachment);
void             store_message_row_free (StoreMessageRow *row);

void    store_database_insert_async (StoreDatabase      *self,
                                     gint64              folder_id,
                                     gint64              account_id,
                                     GPtrArray          *messages,
                                     gboolean            durable,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
void    store_database_import_async (StoreDatabase      *self,
                                     gint64              folder_id,
                                     GPtrArray          *messages,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
GArray *store_database_insert_finish (StoreDatabase *self,
                                      GAsyncResult  *result,
                                      GError       **error);

void     store_database_set_flags_async (StoreDatabase      *self,
                                         GArray             *ids,
                                         StoreFlags          mask,
                                         StoreFlags          values,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
void     store_database_move_async (StoreDatabase      *self,
                                    GArray             *ids,
                                    gint64              folder_id,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
void     store_database_trash_async (StoreDatabase      *self,
                                     GArray             *ids,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
void     store_database_delete_async (StoreDatabase      *self,
                                      GArray             *ids,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
void     store_database_empty_trash_async (StoreDatabase      *self,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
void     store_database_complete_async (StoreDatabase      *self,
                                        GArray             *ids,
                                        GPtrArray          *messages,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
gint64   store_database_complete_finish (StoreDatabase *self,
                                         GAsyncResult  *result,
                                         GError       **error);
gboolean store_database_change_finish (StoreDatabase *self,
                                       GAsyncResult  *result,
                                       GError       **error);

guint64    store_database_count (StoreDatabase   *self,
                                 const StoreView *view,
                                 GError         **error);
GPtrArray *store_database_list (StoreDatabase   *self,
                                const StoreView *view,
                                guint            offset,
                                guint            limit,
                                GError         **error);
GPtrArray *store_database_list_after (StoreDatabase         *self,
                                      const StoreView       *view,
                                      const StoreMessageRow *last,
                                      guint                  limit,
                                      GError               **error);
StoreMessageRow *
store_database_get_message (StoreDatabase *self, gint64 id, GError **error);
GBytes *store_database_get_raw (StoreDatabase *self, gint64 id, GError **error);
GPtrArray *
store_database_get_attachments (StoreDatabase *self, gint64 id, GError **error);
void       store_database_read_raw_async (StoreDatabase      *self,
                                          GArray             *ids,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
GPtrArray *store_database_read_raw_finish (StoreDatabase *self,
                                           GAsyncResult  *result,
                                           GError       **error);
GPtrArray *store_database_get_thread (StoreDatabase *self,
                                      gint64         thread_id,
                                      GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreNewMessage, store_new_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreAttachment, store_attachment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreMessageRow, store_message_row_free)

G_END_DECLS
