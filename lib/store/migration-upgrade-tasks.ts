import type { Migration } from './migrations';

/** Swarm upgrades and rollbacks: which task (slot, node) ran which image when the job ended. */
export const migrationUpgradeTasks: Migration = {
  version: 13,
  name: 'tasks and their images at the end of a Swarm upgrade or rollback',
  up: `
    -- JSON array of { slot, node, image, state }; NULL for compose stacks (one container per service).
    ALTER TABLE upgrades ADD COLUMN tasks TEXT;
  `,
};
