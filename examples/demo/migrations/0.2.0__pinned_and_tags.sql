-- Demo app 1.1.0's schema change, run by Opsdeck's upgrade before the new image starts.
-- The whole file runs in one transaction: a failure leaves the 0.1.0 schema untouched.
ALTER TABLE memo ADD COLUMN pinned boolean NOT NULL DEFAULT false;
CREATE TABLE memo_tag (
  memo_id integer NOT NULL REFERENCES memo(id) ON DELETE CASCADE,
  tag     text    NOT NULL,
  PRIMARY KEY (memo_id, tag)
);
UPDATE system_setting SET value = '0.2.0' WHERE name = 'schema_version';
UPDATE system_setting SET value = '{"schemaVersion":"0.2.0"}' WHERE name = 'BASIC';
