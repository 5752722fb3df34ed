-- The first schema: accounts, folders, messages with their raw bytes and
-- attachments, threads, the UIDL ledger and the full-text index.

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL
);

-- role: 1 Inbox (one per account), 2 Trash, 3 Archive (local, one each),
-- 0 a user's local folder. Local folders have no account.
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
  role INTEGER NOT NULL,
  name TEXT NOT NULL
);
CREATE UNIQUE INDEX folders_local_name ON folders (name COLLATE NOCASE)
  WHERE account_id IS NULL;
CREATE UNIQUE INDEX folders_account_role ON folders (account_id, role)
  WHERE account_id IS NOT NULL;

INSERT INTO folders (account_id, role, name) VALUES (NULL, 2, 'Trash');
INSERT INTO folders (account_id, role, name) VALUES (NULL, 3, 'Archive');

-- id is the date-ordered key (date << 20 | sequence): the primary key and
-- the FTS5 rowid, so that newest first is a backwards walk of either.
-- Only what the message list shows lives here; raw bytes are apart.
-- in_inbox and in_trash copy the folder's role so that All Inboxes,
-- Unread and Flagged are walks of small partial indexes, in each order a
-- list offers (Flagged is small enough to sort).
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  body_id INTEGER NOT NULL,
  folder_id INTEGER NOT NULL REFERENCES folders (id),
  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  in_inbox INTEGER NOT NULL,
  in_trash INTEGER NOT NULL,
  date INTEGER NOT NULL,
  received INTEGER NOT NULL,
  is_read INTEGER NOT NULL DEFAULT 0,
  is_flagged INTEGER NOT NULL DEFAULT 0,
  has_attachment INTEGER NOT NULL DEFAULT 0,
  status INTEGER NOT NULL DEFAULT 0,
  thread_id INTEGER NOT NULL,
  message_id TEXT,
  from_name TEXT NOT NULL,
  from_address TEXT NOT NULL,
  recipients TEXT NOT NULL,
  subject TEXT NOT NULL,
  preview TEXT NOT NULL,
  size INTEGER NOT NULL,
  sort_sender TEXT NOT NULL,
  sort_subject TEXT NOT NULL
);
CREATE INDEX messages_folder ON messages (folder_id, id);
CREATE INDEX messages_folder_sender ON messages (folder_id, sort_sender, id);
CREATE INDEX messages_folder_subject ON messages (folder_id, sort_subject, id);
CREATE INDEX messages_inbox ON messages (id) WHERE in_inbox = 1;
CREATE INDEX messages_inbox_sender ON messages (sort_sender, id)
  WHERE in_inbox = 1;
CREATE INDEX messages_inbox_subject ON messages (sort_subject, id)
  WHERE in_inbox = 1;
CREATE INDEX messages_unread ON messages (id)
  WHERE is_read = 0 AND in_trash = 0;
CREATE INDEX messages_unread_sender ON messages (sort_sender, id)
  WHERE is_read = 0 AND in_trash = 0;
CREATE INDEX messages_unread_subject ON messages (sort_subject, id)
  WHERE is_read = 0 AND in_trash = 0;
CREATE INDEX messages_flagged ON messages (id)
  WHERE is_flagged = 1 AND in_trash = 0;
CREATE INDEX messages_thread ON messages (thread_id, id);
CREATE INDEX messages_message_id ON messages (message_id);

-- Raw bytes in arrival order: a new body is appended at the end of its
-- table, wherever its message's date puts the message. (Keyed by the
-- message, bodies of old mail arriving late were inserted all over a
-- table of gigabytes: a third slower at 100,000 messages.)
CREATE TABLE message_bodies (
  id INTEGER PRIMARY KEY,
  raw BLOB NOT NULL
);

CREATE TRIGGER messages_delete_body AFTER DELETE ON messages
BEGIN
  DELETE FROM message_bodies WHERE id = old.body_id;
END;

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  filename TEXT,
  save_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  is_inline INTEGER NOT NULL,
  content_id TEXT
);
CREATE INDEX attachments_message ON attachments (message_id);

-- Every Message-ID seen, in a message or in its References, and the
-- thread it belongs to: a reply that arrives before its parent has
-- already put the parent's id here, so the parent joins its thread.
CREATE TABLE thread_ids (
  message_id TEXT PRIMARY KEY,
  thread_id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX thread_ids_thread ON thread_ids (thread_id);

-- One row per downloaded copy (DESIGN.md invariants 5 and 9): no unique
-- key on (account, uidl), and the row outlives the local message.
CREATE TABLE uidl_ledger (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  uidl TEXT NOT NULL,
  message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  first_seen INTEGER NOT NULL,
  pending_delete INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX uidl_ledger_account ON uidl_ledger (account_id, uidl);
CREATE INDEX uidl_ledger_message ON uidl_ledger (message_id);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
  subject, sender, recipients, body, attachments,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '3',
  columnsize = 0
);

-- Bulk arrivals (a first fetch, an import) write the index in big
-- segments merged late: 16 MB of pending terms per flush and merges of
-- 16 segments at a time index 2.4 times faster than the defaults (1 MB,
-- 4), for an index about a quarter larger until it is merged.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16);
