/**
 * A stack whose database is external (reached through a DSN, no database service in the stack):
 * backups and restores run the host's pg_dump / pg_restore instead of a Docker exec. The "external"
 * server here is the demo stack's PostgreSQL, reached over TCP with the DSN's password.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, pgTools, startBackupJob, startRestoreJob } from '../../lib/backup';
import { eventsAfter } from '../../lib/jobs';
import type { Stack } from '../../lib/stacks/types';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

let env: BackupEnv;
let external: Stack;
let onHost: { port: number; close(): Promise<void> };
let externalEnv: string;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');

describe('backups of an external (DSN) database with the host tools', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    // The engine runs in its own network namespace: the database reaches the host through a local
    // port relayed over the engine, and the external stack's env file points MEMOS_DSN there.
    onHost = await env.demo.pgOnHost();
    externalEnv = path.join(env.dataDir, 'external.env');
    fs.writeFileSync(externalEnv, fs.readFileSync(env.demo.envFile, 'utf8').replace(/^(MEMOS_DSN=postgres:\/\/[^@]+@)postgres:5432\//m, (_, login: string) => `${login}127.0.0.1:${onHost.port}/`));
    // Same app, but the database is "elsewhere": only MEMOS_DSN says where.
    external = {
      ...env.stack,
      envFile: externalEnv,
      backupDir: path.join(env.dataDir, 'external-backups'),
      database: { host: '127.0.0.1', port: onHost.port, userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB', dsnVar: 'MEMOS_DSN' },
    };
  });
  afterAll(async () => {
    await onHost?.close();
    await env?.cleanup();
  });

  it('backs up with the host pg_dump and restores with the host pg_restore', async () => {
    expect(pgTools(external).mode).toBe('host');
    await env.addMemo('external: before');
    const backup = await startBackupJob(external, { by: 'alice' }).done;
    expect(backup.status, `${logOf(backup.id)}\n${backup.errorDetail ?? ""}`).toBe('succeeded');
    expect(logOf(backup.id)).toContain('the database at 127.0.0.1');
    const [entry] = listBackups(external);
    expect(entry.manifest).toMatchObject({ database: 'memos', schemaVersion: '0.1.0', verified: { ok: true, method: 'pg_restore --list' } });
    expect(fs.readFileSync(entry.dumpPath).subarray(0, 5).toString()).toBe('PGDMP');

    await env.addMemo('external: after');
    const restore = await startRestoreJob(external, entry.id, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(restore.status, logOf(restore.id)).toBe('succeeded');
    expect(await env.memos()).toEqual(['external: before']);
  });

  it('a wrong password is explained in plain words, with the tool output as the detail', async () => {
    const envText = fs.readFileSync(externalEnv, 'utf8');
    const wrong = path.join(env.dataDir, 'wrong.env');
    fs.writeFileSync(wrong, envText.replace(/^MEMOS_DSN=postgres:\/\/memos:[^@]+@/m, 'MEMOS_DSN=postgres://memos:not-the-password@'));
    const job = await startBackupJob({ ...external, envFile: wrong }, { by: 'alice' }).done;
    expect(job.status).toBe('failed');
    expect(job.summary).toBe('PostgreSQL refused the password for user "memos". Check MEMOS_DSN in the stack\'s env file: its password must match the database\'s.');
    expect(job.errorDetail).toMatch(/password authentication failed/);
    expect(job.errorDetail).not.toContain('not-the-password');
    expect(fs.readdirSync(external.backupDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });
});
