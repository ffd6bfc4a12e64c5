/**
 * Offsite copies against a local S3 server (s3rver) and the real demo stack: upload + verify +
 * retention, an upload cut mid-way and retried, a bucket that cannot be reached (the local backup
 * still succeeds, the next backup catches up), a damaged remote object and a wrong key refused
 * before anything changes, and disaster recovery onto a fresh data directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupFiles, listBackups, startBackupJob } from '../../lib/backup';
import { eventsAfter } from '../../lib/jobs';
import { copiesOf, fetchRemoteSet, listRemoteSets, s3For, startOffsiteRestoreJob } from '../../lib/offsite';
import { objectKey } from '../../lib/offsite/layout';
import { offsiteTargets } from '../../lib/stacks/offsite-schema';
import type { Stack } from '../../lib/stacks/types';
import { closeDb, openDb } from '../../lib/store/db';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';
import { S3_KEY, startCuttingRelay, startLocalS3, type LocalS3 } from '../support/local-s3';

let env: BackupEnv;
let s3: LocalS3;
let identity = '';
let recipient = '';

const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const withTarget = (endpoint: string, keepLast = 2, name = 'local'): Stack => ({
  ...env.stack,
  offsite: offsiteTargets([{ name, endpoint, bucket: s3.bucket, prefix: `opsdeck/${name}`, recipients: [recipient], keep: { last: keepLast } }]),
});
const noop = { emit: () => {}, signal: new AbortController().signal, id: 'test', user: 'test', remember: () => {}, forget: () => {} };

async function backup(stack: Stack) {
  const job = await startBackupJob(stack, { by: 'alice' }).done;
  expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
  return job;
}

// Each test takes several backups and a restore: generous limits, this machine's load varies a lot.
describe('offsite copies (local S3 server, real Docker + PostgreSQL)', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    s3 = await startLocalS3();
    identity = await generateIdentity();
    recipient = await identityToRecipient(identity);
    // Credentials from the stack's env file, the secret through a _FILE as Docker secrets give it.
    const secretFile = path.join(path.dirname(env.stack.envFile!), 'offsite-secret');
    fs.writeFileSync(secretFile, `${S3_KEY}\n`, { mode: 0o600 });
    fs.appendFileSync(env.stack.envFile!, `\nOFFSITE_ACCESS_KEY_ID=${S3_KEY}\nOFFSITE_SECRET_ACCESS_KEY_FILE=${secretFile}\n`);
  });
  afterAll(async () => {
    await s3?.close();
    await env?.cleanup();
  });

  it('copies each backup encrypted, verifies it, and applies the remote keep rules', async () => {
    const stack = withTarget(s3.endpoint, 2);
    await env.addMemo('first');
    const job = await backup(stack);
    expect(job.summary).toMatch(/offsite: 1 copied/);
    expect(logOf(job.id)).toMatch(/copied and verified/);

    const client = await s3For(stack, stack.offsite![0]);
    const [set] = await listRemoteSets(client, stack.offsite![0], 'demo');
    const local = listBackups(stack)[0];
    expect(set.id).toBe(local.id);
    // The whole set travels: the dump, each volume archive (the demo stack archives memos_data) and the manifest.
    expect(set.files.map((f) => f.name).sort()).toEqual(backupFiles(local).map((f) => f.name).sort());
    expect(set.files.some((f) => f.name.endsWith('.memos_data.tar.gz'))).toBe(true);
    expect(set.files.find((f) => f.name === local.fileName)?.sha256).toBe(local.manifest.sha256);
    // What left the host is age ciphertext, not the dump.
    const obj = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: objectKey(stack.offsite![0], 'demo', local.id, local.fileName) }));
    const bytes = Buffer.from(await obj.Body!.transformToByteArray());
    expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(copiesOf('demo', 'local').find((c) => c.backupId === local.id)).toMatchObject({ status: 'verified', objects: backupFiles(local).length + 1 }); // every file of the set and its index

    await backup(stack);
    const third = await backup(stack);
    const remote = await listRemoteSets(client, stack.offsite![0], 'demo');
    const ids = listBackups(stack).map((e) => e.id);
    expect(remote.map((s) => s.id)).toEqual(ids.slice(0, 2));
    expect(logOf(third.id)).toMatch(new RegExp(`retention deleted ${ids[2]}`));
    // Every object of the deleted set is gone, not only its index.
    const left = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `opsdeck/local/demo/${ids[2]}/` }));
    expect(left.Contents ?? []).toEqual([]);
    expect(copiesOf('demo', 'local').find((c) => c.backupId === ids[2])?.status).toBe('deleted');
    client.destroy();
  });

  it('retries an upload whose connection is cut mid-body', async () => {
    const relay = await startCuttingRelay(s3.endpoint, 1);
    try {
      const stack = withTarget(relay.endpoint, 1, 'flaky');
      const job = await backup(stack);
      expect(relay.cuts()).toBe(1);
      expect(job.summary, logOf(job.id)).toMatch(/offsite: 1 copied/);
      const id = listBackups(stack)[0].id;
      expect(copiesOf('demo', 'flaky').find((c) => c.backupId === id)?.status).toBe('verified');
    } finally {
      await relay.close();
    }
  });

  it('reports an unreachable bucket without failing the backup, and the next backup catches up', async () => {
    const closed = await startCuttingRelay(s3.endpoint, 0);
    const deadEndpoint = closed.endpoint;
    await closed.close(); // Nothing listens there now: connection refused.
    const down = withTarget(deadEndpoint, 5, 'later');
    const job = await backup(down);
    expect(job.summary).toMatch(/offsite: 0 copied, 1 FAILED/);
    expect(logOf(job.id)).toMatch(/Offsite target later cannot be reached/);
    const missed = listBackups(down)[0].id;
    expect(copiesOf('demo', 'later').find((c) => c.backupId === missed)?.status).toBe('failed');

    const up = withTarget(s3.endpoint, 5, 'later');
    const next = await backup(up);
    const newest = listBackups(up)[0].id;
    const verified = copiesOf('demo', 'later').filter((c) => c.status === 'verified').map((c) => c.backupId);
    expect(verified).toContain(missed);
    expect(verified).toContain(newest);
    expect(logOf(next.id)).toMatch(/including ones missed earlier/);
  });

  it('refuses a wrong key and a damaged remote object before anything changes', async () => {
    const stack = withTarget(s3.endpoint, 5, 'later');
    const id = listBackups(stack)[0].id;
    const target = stack.offsite![0];
    const other = await generateIdentity();
    const fresh = { ...stack, backupDir: fs.mkdtempSync(path.join(env.dataDir, 'empty-')) };
    await expect(fetchRemoteSet(fresh, 'later', id, other, noop)).rejects.toThrow(/does not open this backup/);
    await expect(fetchRemoteSet(fresh, 'later', id, 'not a key', noop)).rejects.toThrow(/not an age secret key/);
    expect(fs.readdirSync(fresh.backupDir)).toEqual([]);
    // On a host that still has the set, the local copy is used, but the key is still checked
    // against the offsite copy (a recovery drill with a wrong key must not pass).
    const localFiles = fs.readdirSync(stack.backupDir).sort();
    await expect(fetchRemoteSet(stack, 'later', id, other, noop)).rejects.toThrow(/does not open this backup/);
    expect((await fetchRemoteSet(stack, 'later', id, identity, noop)).id).toBe(id);
    expect(fs.readdirSync(stack.backupDir).sort()).toEqual(localFiles);

    // Flip one byte of the encrypted dump on the server (same size).
    const client = await s3For(stack, target);
    const key = objectKey(target, 'demo', id, `${id}.dump`);
    const body = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToByteArray());
    const damaged = Buffer.from(body);
    damaged[damaged.length - 10] ^= 0xff;
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: damaged }));
    await expect(fetchRemoteSet(fresh, 'later', id, identity, noop)).rejects.toThrow(/damaged .*refuses to restore it. Nothing was changed/);
    expect(fs.readdirSync(fresh.backupDir)).toEqual([]);
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
    client.destroy();
  });

  it('restores onto a fresh data directory from the target and the key alone', async () => {
    const stack = withTarget(s3.endpoint, 5, 'later');
    const id = listBackups(stack)[0].id;
    const before = await env.memos();
    await env.addMemo('written after the last backup');

    // A brand-new Opsdeck: empty data dir (store and backup folder), the same opsdeck.yaml target.
    const freshDir = fs.mkdtempSync(path.join(env.dataDir, 'fresh-host-'));
    closeDb();
    openDb(path.join(freshDir, 'opsdeck.db'));
    const fresh: Stack = { ...stack, backupDir: path.join(freshDir, 'backups', 'demo') };
    const job = await startOffsiteRestoreJob(fresh, { target: 'later', backupId: id, identity }, 'admin').done;
    expect(job.status, `${job.summary}\n${job.errorDetail}\n${logOf(job.id)}`).toBe('succeeded');
    expect(await env.memos()).toEqual(before);
    // The whole set: the memos_data volume came back with the database.
    expect(job.summary).toMatch(/and its volumes/);
    expect(logOf(job.id)).toMatch(/Swapping volume memos_data/);
    expect(listBackups(fresh).map((e) => e.id)).toContain(id);
    expect(logOf(job.id)).toMatch(/match their checksums/);
    expect(logOf(job.id)).not.toContain(identity);
    expect(copiesOf('demo', 'later').find((c) => c.backupId === id)?.status).toBe('verified');
  });
});
