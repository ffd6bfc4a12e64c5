import type { Migration } from './migrations';

/** The registry digest of the image an upgrade went to. */
export const migrationUpgradeDigest: Migration = {
  version: 9,
  name: 'registry digest of the image an upgrade went to',
  up: `
      -- The image id says what ran; the digest says where it came from (repo@sha256:…), so the
      -- history can be checked against the registry after the tag has moved.
      ALTER TABLE upgrades ADD COLUMN to_digest TEXT;
    `,
};
