/**
 * Versioned schema migrations for Opsdeck's own SQLite store.
 *
 * Rules for adding one: append a new entry with the next version number, in a file of its own
 * (migration-<what>.ts, like the others), never edit or reorder an entry that has shipped (installed
 * databases already recorded it), and keep each `up` self-contained SQL. Each migration runs in its
 * own transaction (migrate.ts), so a failing one leaves the previous version intact.
 */
import { migrationUsersJobs } from './migration-users-jobs';
import { migrationJobEngine } from './migration-job-engine';
import { migrationEvents } from './migration-events';
import { migrationAiHealth } from './migration-ai-health';
import { migrationUpgrades } from './migration-upgrades';
import { migrationWebhooks } from './migration-webhooks';
import { migrationTwoFactor } from './migration-two-factor';
import { migrationSessions } from './migration-sessions';
import { migrationUpgradeDigest } from './migration-upgrade-digest';
import { MIGRATION_NOTIFY } from './migration-notify';
import { migrationOffsite } from './migration-offsite';
import { migrationJobSaid } from './migration-job-said';
import { migrationUpgradeTasks } from './migration-upgrade-tasks';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  migrationUsersJobs,
  migrationJobEngine,
  migrationEvents,
  migrationAiHealth,
  migrationUpgrades,
  migrationWebhooks,
  migrationTwoFactor,
  migrationSessions,
  migrationUpgradeDigest,
  MIGRATION_NOTIFY,
  migrationOffsite,
  migrationUpgradeTasks,
  migrationJobSaid,
];
