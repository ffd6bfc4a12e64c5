/**
 * A stack whose database is external (reached through a DSN, no database service in the stack):
 * backups and restores run the host's pg_dump / pg_restore instead of a Docker exec. The "external"
 * server is a PostgreSQL outside Docker on this machine (tests/support/host-postgres.ts), of the
 * host tools' major version, reached over TCP with the DSN's password.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, pgTools, startBackupJob, startRestoreJob } from '../../lib/backup';
import { eventsAfter } from '../../lib/jobs';
import type { Stack } from '../../lib/stacks/types';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';
import { startHostPostgres, type HostPostgres } from '../support/host-postgres';

let env: BackupEnv;
let external: Stack;
let ext: HostPostgres;
let externalEnv: string;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const memos = async () => (await ext.sql<{ content: string }>('SELECT content FROM memo ORDER BY id')).map((r) => r.content);

describe('backups of an external (DSN) database with the host tools', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    // The engine runs in its own network namespace: the database reaches the host through a local
    // port relayed over the engine, and the external stack's env file points MEMOS_DSN there.
    ext = await startHostPostgres();
    // What the app's first start leaves in its database (schema 0.1.0), written here by hand.
    await ext.sql("CREATE TABLE system_setting (name text PRIMARY KEY, value text NOT NULL, description text NOT NULL DEFAULT '')");
    await ext.sql("INSERT INTO system_setting (name, value) VALUES ('schema_version', '0.1.0'), ('BASIC', '{\"schemaVersion\":\"0.1.0\"}')");
    await ext.sql('CREATE TABLE memo (id serial PRIMARY KEY, content text NOT NULL)');
    externalEnv = path.join(env.dataDir, 'external.env');
    fs.writeFileSync(externalEnv, fs.readFileSync(env.demo.envFile, 'utf8').replace(/^MEMOS_DSN=.*$/m, `MEMOS_DSN=postgres://memos:${ext.password}@127.0.0.1:${ext.port}/memos?sslmode=disable`));
    // Same app, but the database is "elsewhere": only MEMOS_DSN says where.
    external = {
      ...env.stack,
      envFile: externalEnv,
      backupDir: path.join(env.dataDir, 'external-backups'),
      database: { host: '127.0.0.1', port: ext.port, userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB', dsnVar: 'MEMOS_DSN' },
    };
  });
  afterAll(async () => {
    await ext?.stop();
    await env?.cleanup();
  });

  it('backs up with the host pg_dump and restores with the host pg_restore', async () => {
    expect(pgTools(external).mode).toBe('host');
    await ext.sql("INSERT INTO memo (content) VALUES ('external: before')");
    const backup = await startBackupJob(external, { by: 'alice' }).done;
    expect(backup.status, `${logOf(backup.id)}\n${backup.errorDetail ?? ""}`).toBe('succeeded');
    expect(logOf(backup.id)).toContain('the database at 127.0.0.1');
    const [entry] = listBackups(external);
    expect(entry.manifest).toMatchObject({ database: 'memos', schemaVersion: '0.1.0', verified: { ok: true, method: 'pg_restore --list' } });
    expect(fs.readFileSync(entry.dumpPath).subarray(0, 5).toString()).toBe('PGDMP');

    await ext.sql("INSERT INTO memo (content) VALUES ('external: after')");
    const restore = await startRestoreJob(external, entry.id, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(restore.status, logOf(restore.id)).toBe('succeeded');
    expect(await memos()).toEqual(['external: before']);
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
