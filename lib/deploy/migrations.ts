import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { openPgClient } from '@/lib/postgres/client';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { Emit } from '@/lib/jobs';
import { resolveDatabase } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { stackRedactor } from '@/lib/stacks/stack-secrets';

export interface MigrationFile {
  version: string;
  file: string;
}

const NAME = /^v?(\d+(?:\.\d+)*)(?:__[\w.-]+)?\.sql$/i;

/** Numeric, part by part: 0.10.0 is newer than 0.9.0 (a string sort would say otherwise). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Only files newer than the database's schema version, in version order; other files are ignored. */
export function pendingMigrations(dir: string, current: string | null): MigrationFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => ({ f, m: NAME.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: m[1], file: path.join(dir, f) }))
    .filter((x) => current === null || compareVersions(x.version, current) > 0)
    .sort((a, b) => compareVersions(a.version, b.version));
}

async function withClient<T>(stack: Stack, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const db = resolveDatabase(stack);
  let client: pg.Client;
  try {
    ({ client } = await openPgClient(stack, db, { connectionTimeoutMillis: 5000 }));
  } catch (e) {
    throw new OpsdeckError('database_unavailable', say('errors.upgrade.dbUnreachable', { host: db.host, port: String(db.port) }), { detail: stackRedactor(stack)((e as Error).message), cause: e });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The app's schema version via the stack's query; null when the database has none yet. */
export async function readSchemaVersion(stack: Stack): Promise<string | null> {
  const q = stack.app?.schemaVersionQuery;
  if (!q) return null;
  return withClient(stack, async (c) => {
    try {
      const r = await c.query(q);
      const v = r.rows[0] ? Object.values(r.rows[0])[0] : null;
      return v === null || v === undefined || v === '' ? null : String(v);
    } catch {
      return null; // no table yet: an empty database has no version
    }
  });
}

/**
 * Runs each pending migration in its own transaction; the first error rolls that file back and
 * stops (the equivalent of psql's ON_ERROR_STOP with --single-transaction), so nothing is half-applied.
 * `applied` is the caller's: when file B fails after file A committed, the caller still learns that
 * A is in the database (a return value would be lost with the throw) and can restore the backup.
 */
export async function runMigrations(stack: Stack, files: MigrationFile[], emit: Emit, applied: string[] = []): Promise<string[]> {
  await withClient(stack, async (c) => {
    for (const m of files) {
      emit({ type: 'log', ...say('log.migration.applying', { version: String(m.version), file: path.basename(m.file) }) });
      const sql = fs.readFileSync(m.file, 'utf8');
      await c.query('BEGIN');
      try {
        await c.query(sql);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        // pg quotes the failing SQL's values back, which can include credentials: masked in both.
        const why = stackRedactor(stack)((e as Error).message);
        // PostgreSQL's own message is quoted as it is, not translated.
        throw new OpsdeckError('invalid_input', say('errors.upgrade.migrationFailed', { version: m.version, why }), { detail: `${m.file}: ${why}`, cause: e });
      }
      applied.push(m.version);
    }
  });
  return applied;
}
