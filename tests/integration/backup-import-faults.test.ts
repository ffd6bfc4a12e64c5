/**
 * Files from elsewhere that must not be trusted, against the real stack: plain SQL that would act
 * outside the scratch database (`\connect`, `CREATE DATABASE`, `\!` …) is refused at import and
 * again at load time, and a custom-format dump cut short in its data is not imported.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, pgTools, startImportDirectoryJob, startRestoreJob } from '../../lib/backup';
import { writeManifest } from '../../lib/backup/manifest';
import { eventsAfter } from '../../lib/jobs';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

const docker = new Docker();
let env: BackupEnv;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const databases = async () => (await env.sql<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).map((r) => r.datname);

async function inPostgres(cmd: string[]): Promise<number> {
  const [c] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${env.demo.projectName}`, 'com.docker.compose.service=postgres'] } });
  const exec = await docker.getContainer(c.Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  await new Promise((r) => { stream.on('end', r); stream.resume(); });
  return (await exec.inspect()).ExitCode ?? -1;
}
const pwned = async () => (await inPostgres(['test', '-e', '/tmp/pwned'])) === 0;

async function pgDump(args: string[]): Promise<string> {
  const r = await pgTools(env.stack).run(['pg_dump', ...args, '--dbname=memos']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

describe('untrusted dump files (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    await env.addMemo('live memo');
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('refuses plain SQL that reaches outside the new database, at import; the live database is untouched', async () => {
    const plain = await pgDump([]);
    const create = await pgDump(['--clean', '--create']);
    expect(create).toMatch(/^\\connect memos$/m);
    const dir = path.join(env.dataDir, 'hostile');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'clean-create.sql'), create);
    // A real dump with a shell command slipped in before its last line.
    const shell = plain.replace(/\n-- PostgreSQL database dump complete/, "\nSELECT 'harmless';\n\\! touch /tmp/pwned\n-- PostgreSQL database dump complete");
    fs.writeFileSync(path.join(dir, 'memos-backup-20240201-020000.sql.gz'), gzipSync(shell));
    const before = await databases();

    const job = await startImportDirectoryJob(env.stack, dir, 'admin').done;
    const log = logOf(job.id);
    expect(job.summary, log).toBe(`Imported 0 backup(s) from ${dir}; 2 file(s) could not be imported (see the log).`);
    expect(log).toMatch(/clean-create\.sql is not a usable backup \(Opsdeck refuses to load this SQL file: it contains a CREATE\/DROP\/ALTER DATABASE statement, which would act outside the database being restored \(line \d+\)\)/);
    expect(log).toMatch(/memos-backup-20240201-020000\.sql\.gz is not a usable backup \(Opsdeck refuses to load this SQL file: it contains the psql command \\!, which pg_dump never writes/);
    expect(listBackups(env.stack)).toEqual([]);
    expect(await pwned()).toBe(false);
    expect(await databases()).toEqual(before);
    expect(await env.memos()).toEqual(['live memo']);
  });

  it('refuses it again when loading, even under a manifest that calls it verified (a copied folder)', async () => {
    const plain = await pgDump([]);
    const hostile = plain.replace(/\nCOPY public\.memo /, '\n\\! touch /tmp/pwned\n\\connect postgres\nCOPY public.memo ');
    const id = 'demo-20240301-020000-imported';
    const file = path.join(env.stack.backupDir, `${id}.sql`);
    fs.writeFileSync(file, hostile);
    writeManifest(env.stack.backupDir, {
      format: 'opsdeck-backup/1', id, file: `${id}.sql`, dumpFormat: 'plain', sha256: createHash('sha256').update(hostile).digest('hex'), size: Buffer.byteLength(hostile),
      stack: 'demo', database: null, postgresVersion: null, schemaVersion: null, appVersion: null, startedAt: '2024-03-01T02:00:00.000Z', finishedAt: '2024-03-01T02:00:00.000Z',
      durationMs: 0, createdBy: 'someone', reason: 'imported', jobId: null, verified: { ok: true, at: '2024-03-01T02:00:00.000Z', method: 'forged' }, testRestore: null, importedFrom: 'x.sql',
    });
    const before = await databases();

    const job = await startRestoreJob(env.stack, id, 'admin', { healthTimeoutMs: 60_000 }).done;
    const log = logOf(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/^Opsdeck refuses to load this SQL file: it contains the psql command \\!, which pg_dump never writes .*\(line \d+\)\. Only a pg_dump of one database \(without --create\) can be restored\.$/);
    expect(log).not.toContain('Swapping databases');
    expect(await pwned()).toBe(false);
    // The scratch database is gone again; nothing was added.
    expect(await databases()).toEqual(before);
    expect(await env.memos()).toEqual(['live memo']);
    expect((await env.demo.http('/healthz')).status).toBe(200);
  }, 120_000);

  it('a custom-format dump cut short in its data is not imported (its table of contents alone reads)', async () => {
    const dir = path.join(env.dataDir, 'cut');
    fs.mkdirSync(dir);
    const whole = await dumpToFile(path.join(dir, 'whole.dump'));
    fs.rmSync(path.join(dir, 'whole.dump'));
    fs.writeFileSync(path.join(dir, 'half.dump'), whole.subarray(0, Math.floor(whole.length / 2)));

    const job = await startImportDirectoryJob(env.stack, dir, 'admin').done;
    const log = logOf(job.id);
    expect(job.summary, log).toBe(`Imported 0 backup(s) from ${dir}; 1 file(s) could not be imported (see the log).`);
    expect(log).toMatch(/half\.dump is not a usable backup \(its table of contents reads, but its data does not read to the end \(cut short or damaged\): pg_restore: error: could not read from input file: end of file\), so it was not imported\./);
    expect(listBackups(env.stack).filter((e) => e.manifest.reason === 'imported').map((e) => e.id)).toEqual(['demo-20240301-020000-imported']);
    // Known problem, not yet fixed: verifying this 1 MB cut-short archive through the engine's exec
    // takes 3 to 90 s here (the same two pg_restore runs by `docker exec -i` take under a second),
    // so the feed of stdin into an exec whose process stops reading early stalls somewhere. The
    // limit leaves room for that; the outcome asserted above is what matters.
  }, 300_000);
  it("loads that are not this app's database (no tables; tables but no schema version) are checked out before the swap", async () => {
    const markers = (body: string) => `--\n-- PostgreSQL database dump\n--\n${body}--\n-- PostgreSQL database dump complete\n--\n`;
    const dir = path.join(env.dataDir, 'not-memos');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'empty.sql'), markers("SELECT pg_catalog.set_config('search_path', '', false);\n"));
    fs.writeFileSync(path.join(dir, 'other-app.sql'), markers('CREATE TABLE public.invoice (id integer);\nCOPY public.invoice (id) FROM stdin;\n1\n\\.\n'));
    const imported = await startImportDirectoryJob(env.stack, dir, 'admin').done;
    expect(imported.summary, logOf(imported.id)).toMatch(/^Imported 2 backup/);
    const before = await databases();
    const expected: [string, string][] = [
      ['empty.sql', 'The restored database has no tables: the backup is empty. The live database was not touched.'],
      ['other-app.sql', "The restored database has no readable schema version, so it does not look like this app's database. The live database was not touched."],
    ];
    for (const [file, summary] of expected) {
      const backup = listBackups(env.stack).find((e) => e.manifest.importedFrom === file)!;
      const job = await startRestoreJob(env.stack, backup.id, 'admin', { healthTimeoutMs: 60_000 }).done;
      const log = logOf(job.id);
      expect(job.status, log).toBe('failed');
      expect(job.summary).toBe(summary);
      expect(log).toContain('Checking memos__restore_');
      expect(log).not.toContain('Swapping databases');
    }
    // No scratch database is left, the live data serves.
    expect(await databases()).toEqual(before);
    expect(await env.memos()).toEqual(['live memo']);
    expect((await env.demo.http('/healthz')).status).toBe(200);
  }, 180_000);
});

/** pg_dump -Fc streamed straight into a file (binary-safe, as a backup is written). */
async function dumpToFile(file: string): Promise<Buffer> {
  await env.sql("CREATE TABLE filler AS SELECT g, md5(g::text) AS m FROM generate_series(1, 100000) g");
  try {
    const out = fs.createWriteStream(file);
    const r = await pgTools(env.stack).run(['pg_dump', '-Fc', '--dbname=memos'], { stdout: out });
    expect(r.exitCode, r.stderr).toBe(0);
    return fs.readFileSync(file);
  } finally {
    await env.sql('DROP TABLE filler');
  }
}
