-- An import leaves out a message its folder already holds byte for byte
-- (store-messages.c folder_has_copy()): it looks for messages with the
-- same Message-ID, folder, size and date before it compares bytes. With
-- the index on Message-ID alone, mail that shares one Message-ID (broken
-- mailers give thousands of messages the same one) made each lookup walk
-- every such message, and an import of n of them took time in n squared;
-- the date keeps apart even those of one size, such as daily notices.
-- This index serves every lookup by Message-ID the old one served, so
-- that one goes.
CREATE INDEX messages_copy ON messages (message_id, folder_id, size, date);
DROP INDEX messages_message_id;
