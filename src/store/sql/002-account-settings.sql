-- What an account needs to fetch: its server, how to log in, and what the
-- server may keep (DESIGN.md "Per-account server policy"). Never a
-- password: that lives in the Secret Service, found by uuid, which stays
-- the same when the account is renamed.
-- security: 'tls', 'starttls' or 'none'; auth: 'automatic' or a
-- mechanism's name ('user', 'apop', 'plain', 'login', 'cram-md5',
-- 'xoauth2', 'oauthbearer'): words, so the file reads without the code.
ALTER TABLE accounts ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN port INTEGER NOT NULL DEFAULT 995;
ALTER TABLE accounts ADD COLUMN security TEXT NOT NULL DEFAULT 'tls';
ALTER TABLE accounts ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN auth TEXT NOT NULL DEFAULT 'automatic';
ALTER TABLE accounts ADD COLUMN allow_insecure_auth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN pinned_certificate TEXT;
ALTER TABLE accounts ADD COLUMN ca_file TEXT;
-- minutes between checks; 0: only when asked
ALTER TABLE accounts ADD COLUMN check_interval INTEGER NOT NULL DEFAULT 10;
ALTER TABLE accounts ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN keep_on_server INTEGER NOT NULL DEFAULT 0;
-- 0: keep for ever
ALTER TABLE accounts ADD COLUMN delete_after_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN delete_when_deleted_locally INTEGER NOT NULL
  DEFAULT 0;
-- KiB; a larger message is fetched as headers only. 0: no limit
ALTER TABLE accounts ADD COLUMN size_limit INTEGER NOT NULL DEFAULT 0;
-- Unix time before which the server refuses a login (LOGIN-DELAY), and of
-- the last fetch that completed
ALTER TABLE accounts ADD COLUMN login_not_before INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_fetch INTEGER NOT NULL DEFAULT 0;

UPDATE accounts SET uuid = lower (hex (randomblob (16))) WHERE uuid = '';
CREATE UNIQUE INDEX accounts_uuid ON accounts (uuid);
