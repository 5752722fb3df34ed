-- The full-text index moves to a file of its own (pigeon-index.db beside
-- this one), written by a thread of its own, so that indexing runs beside
-- storing rather than after it (issue #4: FTS5 was half the writer's time).
--
-- index_log is the index's crash log: each message stored and each one
-- deleted appends a row in the same transaction, with the texts to index
-- for an insert. The indexer applies the rows to its file, records the
-- highest seq it applied there, and only then are the rows deleted here;
-- a process killed in between loses nothing, the rows are applied again
-- at the next open. AUTOINCREMENT: a seq is never reused after the table
-- empties, since the index file compares seqs with the one it applied.
-- op: 1 index the message, 2 remove it from the index.
CREATE TABLE index_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id INTEGER NOT NULL,
  op INTEGER NOT NULL,
  subject TEXT,
  sender TEXT,
  recipients TEXT,
  body TEXT,
  attachments TEXT
);

-- A key whose removal is still in the log is not given to a new message
-- (store-messages.c allocate_key): the index would show the old
-- message's words for the new one until the removal was applied.
CREATE INDEX index_log_deletes ON index_log (message_id) WHERE op = 2;

-- What the old index held is logged again, so the new index file is built
-- from it at the first open.
INSERT INTO index_log (message_id, op, subject, sender, recipients, body,
                       attachments)
  SELECT rowid, 1, subject, sender, recipients, body, attachments
  FROM messages_fts ORDER BY rowid;

DROP TABLE messages_fts;
