/**
 * Base backups for point-in-time restore: pg_basebackup in plain format (with the WAL it needs,
 * streamed alongside) from a helper of the database's own image into the backup folder, then
 * pg_verifybackup against its manifest; only a verified one is renamed into place and counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runHelperToEnd } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { pgServerQuery, type PgTools } from '@/lib/postgres/tools';
import type { Stack } from '@/lib/stacks/types';
import { baseRoot, pitrDir, stamp } from './layout';

export interface BaseBackup {
  id: string;
  epoch: string;
  startLsn: string;
  /** WAL file the backup starts in: the archive must hold every segment from here on. */
  startSegment: string;
  endLsn: string;
  startedAt: string;
  /** The backup is consistent from its end on: the earliest point it can restore. */
  finishedAt: string;
  sizeBytes: number;
  verified: { ok: boolean; method: string; at: string };
}

const META = 'opsdeck-base.json';

export function listBaseBackups(stack: Stack, epoch?: string): BaseBackup[] {
  let names: string[];
  try {
    names = fs.readdirSync(baseRoot(stack));
  } catch {
    return [];
  }
  const out: BaseBackup[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    try {
      const b = JSON.parse(fs.readFileSync(path.join(baseRoot(stack), n, META), 'utf8')) as BaseBackup;
      if (b.verified.ok && (!epoch || b.epoch === epoch)) out.push(b);
    } catch {
      // Not a finished base backup.
    }
  }
  return out.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
}

export const latestBaseBackup = (stack: Stack, epoch: string): BaseBackup | null => listBaseBackups(stack, epoch).at(-1) ?? null;
export const baseBackupDir = (stack: Stack, id: string) => path.join(baseRoot(stack), id);

function dirSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

export async function takeBaseBackup(stack: Stack, tools: PgTools, epoch: string, signal?: AbortSignal): Promise<BaseBackup> {
  const service = stack.database?.service;
  if (!service) throw new OpsdeckError('config_invalid', say('errors.pitr.noDatabase', { stack: stack.name }));
  const [[port]] = await pgServerQuery(tools, "SELECT current_setting('port')");
  const id = `base-${stamp()}`;
  const tmpName = `.tmp-${id}`;
  const tmp = path.join(baseRoot(stack), tmpName);
  fs.mkdirSync(baseRoot(stack), { recursive: true });
  const user = process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined;
  const env = { PGHOST: '127.0.0.1', PGPORT: port, PGUSER: tools.conn.user, PGPASSWORD: tools.conn.password, HOME: '/tmp' };
  const binds = [`${pitrDir(stack)}:/pitr`];
  const startedAt = new Date().toISOString();
  try {
    const made = await runHelperToEnd(stack, service, {
      role: 'pitr-base-backup', name: `opsdeck-pitr-base-${stack.name}-${id.slice(5).toLowerCase()}`, user, env, binds,
      cmd: ['pg_basebackup', '-D', `/pitr/base/${tmpName}`, '-Fp', '-X', 'stream', '-c', 'fast', '-l', `opsdeck ${id}`, '--manifest-checksums=SHA256', '--no-password'],
    }, signal);
    if (made.exitCode !== 0) throw new OpsdeckError('internal', say('errors.pitr.baseBackupFailed', { code: String(made.exitCode), said: made.output.split('\n').slice(-3).join(' / ') }), { detail: made.output });
    const finishedAt = new Date().toISOString();
    const check = await runHelperToEnd(stack, service, {
      role: 'pitr-base-backup', name: `opsdeck-pitr-verify-${stack.name}-${id.slice(5).toLowerCase()}`, user, env, binds,
      cmd: ['pg_verifybackup', '-q', `/pitr/base/${tmpName}`],
    }, signal);
    if (check.exitCode !== 0) throw new OpsdeckError('internal', say('errors.pitr.manifestMismatch', { said: check.output.split('\n').slice(-3).join(' / ') }), { detail: check.output });
    const label = fs.readFileSync(path.join(tmp, 'backup_label'), 'utf8');
    const start = /START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+) \(file ([0-9A-F]{24})\)/.exec(label);
    const manifest = JSON.parse(fs.readFileSync(path.join(tmp, 'backup_manifest'), 'utf8')) as { 'WAL-Ranges': { 'End-LSN': string }[] };
    if (!start) throw new OpsdeckError('internal', say('errors.pitr.noLabel'), { detail: label });
    const meta: BaseBackup = {
      id, epoch, startLsn: start[1], startSegment: start[2], endLsn: manifest['WAL-Ranges'].at(-1)?.['End-LSN'] ?? start[1],
      startedAt, finishedAt, sizeBytes: dirSize(tmp), verified: { ok: true, method: 'pg_verifybackup', at: new Date().toISOString() },
    };
    fs.writeFileSync(path.join(tmp, META), JSON.stringify(meta, null, 1));
    fs.renameSync(tmp, baseBackupDir(stack, id));
    return meta;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Removes base backups older than `keepDays`, always keeping the newest one of the newest epoch. */
export function pruneBaseBackups(stack: Stack, keepDays: number, now = Date.now()): string[] {
  const all = listBaseBackups(stack);
  const newest = all.at(-1);
  const removed: string[] = [];
  // The newest base backup before the cut still serves points just after the cut: it stays too.
  const cut = now - keepDays * 86_400_000;
  const beforeCut = all.filter((b) => Date.parse(b.finishedAt) < cut);
  const anchor = beforeCut.at(-1);
  for (const b of beforeCut) {
    if (b === anchor || b === newest) continue;
    fs.rmSync(baseBackupDir(stack, b.id), { recursive: true, force: true });
    removed.push(b.id);
  }
  return removed;
}
