/**
 * The end summaries of the backup feature's jobs as keyed text (lib/i18n/said.ts): each reader sees
 * them in their language, and the English is the same, character for character, as before keys.
 */
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { formatBytes } from './failure';
import type { RestoreOptions } from './restore';

export function backupSummary(id: string, size: number, deleted: number, offsite: { copied: number; failed: number } | null): Said {
  const failed = offsite?.failed ? say('jobs.summary.offsiteFailed', { count: String(offsite.failed) }) : '';
  const remote = offsite ? say('jobs.summary.offsite', { copied: String(offsite.copied), failed }) : '';
  const retention = deleted ? say('jobs.summary.retention', { count: String(deleted) }) : '';
  return say('jobs.summary.backup', { id, size: formatBytes(size), retention, offsite: remote });
}

export function restoreSummary(id: string, parts: RestoreOptions['parts'], keptAs: string | null, keptVolumes: string[]): Said {
  const database = keptAs ? say('jobs.summary.keptDatabase', { db: keptAs }) : null;
  const volumes = keptVolumes.length ? say('jobs.summary.keptVolumes', { volumes: keptVolumes.join(', ') }) : null;
  const kept = database && volumes ? say('jobs.summary.keptBoth', { database, volumes }) : (database ?? volumes ?? '');
  const what = parts && parts !== 'database' ? (parts === 'both' ? say('jobs.summary.partsBoth') : say('jobs.summary.partsVolumes')) : '';
  return say('jobs.summary.restore', { id, parts: what, kept });
}

export function importDirSummary(imported: number, dir: string, failed: number): Said {
  const notImported = failed ? say('jobs.summary.importDirFailed', { count: String(failed) }) : '';
  return say('jobs.summary.importDir', { count: String(imported), dir, failed: notImported });
}
