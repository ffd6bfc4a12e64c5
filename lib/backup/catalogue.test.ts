import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '@/lib/stacks/types';
import { deleteBackupFiles, getBackup, listBackups, looseFiles, removeTempFiles } from './catalogue';
import { backupId, manifestPath, readManifest, writeManifest, type BackupManifest } from './manifest';

let dir: string;
let stack: Stack;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-catalogue-'));
  stack = { name: 'demo', backupDir: path.join(dir, 'backups') } as Stack;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A backup as takeBackup leaves it: dump bytes + manifest. */
function addBackup(id: string, finishedAt: string, content = `PGDMP ${id}`): BackupManifest {
  fs.mkdirSync(stack.backupDir, { recursive: true });
  fs.writeFileSync(path.join(stack.backupDir, `${id}.dump`), content);
  const m: BackupManifest = {
    format: 'opsdeck-backup/1', id, file: `${id}.dump`, dumpFormat: 'custom', sha256: createHash('sha256').update(content).digest('hex'),
    size: Buffer.byteLength(content), stack: 'demo', database: 'memos', postgresVersion: '15.8', schemaVersion: '0.1.0', appVersion: 'opsdeck/demo-app:1.0.0',
    startedAt: finishedAt, finishedAt, durationMs: 10, createdBy: 'alice', reason: 'manual', jobId: '1',
    verified: { ok: true, at: finishedAt, method: 'pg_restore --list', entries: 4, detail: null }, testRestore: null, importedFrom: null,
  };
  writeManifest(stack.backupDir, m);
  return m;
}

describe('manifest', () => {
  it('is written atomically (no temp file left, mode 0600) and reads back', () => {
    const m = addBackup('demo-20250101-020000-manual', '2025-01-01T02:00:00.000Z');
    const file = manifestPath(stack.backupDir, m.id);
    expect(readManifest(file)).toEqual(m);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(stack.backupDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });

  it('rejects what is not an Opsdeck manifest', () => {
    const file = path.join(dir, 'x.manifest.json');
    fs.writeFileSync(file, '{"format":"something-else"}');
    expect(readManifest(file)).toBeNull();
    fs.writeFileSync(file, 'not json');
    expect(readManifest(file)).toBeNull();
    expect(readManifest(path.join(dir, 'missing.json'))).toBeNull();
  });

  it('ids are readable, sortable and unique in the folder', () => {
    const at = new Date('2025-01-31T14:05:02Z');
    fs.mkdirSync(stack.backupDir, { recursive: true });
    expect(backupId('demo', 'manual', at, stack.backupDir)).toBe('demo-20250131-140502-manual');
    addBackup('demo-20250131-140502-manual', at.toISOString());
    expect(backupId('demo', 'manual', at, stack.backupDir)).toBe('demo-20250131-140502-manual-2');
  });
});

describe('catalogue', () => {
  it('lists backups from the folder, newest first, and flags a changed file', () => {
    addBackup('demo-20250101-020000-manual', '2025-01-01T02:00:00.000Z');
    addBackup('demo-20250102-020000-manual', '2025-01-02T02:00:00.000Z');
    expect(listBackups(stack).map((e) => e.id)).toEqual(['demo-20250102-020000-manual', 'demo-20250101-020000-manual']);
    fs.appendFileSync(path.join(stack.backupDir, 'demo-20250101-020000-manual.dump'), 'more');
    expect(getBackup(stack, 'demo-20250101-020000-manual').problem).toMatch(/changed or cut short/);
    expect(getBackup(stack, 'demo-20250102-020000-manual').problem).toBeNull();
  });

  it('does not list a manifest whose dump never arrived, nor a manifest renamed by hand', () => {
    addBackup('demo-20250101-020000-manual', '2025-01-01T02:00:00.000Z');
    fs.rmSync(path.join(stack.backupDir, 'demo-20250101-020000-manual.dump'));
    const m = addBackup('demo-20250102-020000-manual', '2025-01-02T02:00:00.000Z');
    fs.copyFileSync(manifestPath(stack.backupDir, m.id), path.join(stack.backupDir, 'other.manifest.json'));
    expect(listBackups(stack).map((e) => e.id)).toEqual(['demo-20250102-020000-manual']);
  });

  it('never builds a path from an id it has not validated', () => {
    expect(() => getBackup(stack, '../secrets')).toThrow(/not a valid backup id/);
    expect(() => getBackup(stack, 'a/b')).toThrow(/not a valid backup id/);
    expect(() => getBackup(stack, '..')).toThrow(/not a valid backup id/);
    expect(() => getBackup(stack, 'demo-x')).toThrow(/not in the backup folder/);
  });

  it('lists dumps without a manifest as loose files, and deletes manifest then dump', () => {
    addBackup('demo-20250101-020000-manual', '2025-01-01T02:00:00.000Z');
    fs.writeFileSync(path.join(stack.backupDir, 'memos-backup-20240101-020000.sql.gz'), 'x');
    fs.writeFileSync(path.join(stack.backupDir, 'notes.txt'), 'x');
    expect(looseFiles(stack).map((f) => f.name)).toEqual(['memos-backup-20240101-020000.sql.gz']);
    deleteBackupFiles(stack, 'demo-20250101-020000-manual');
    expect(fs.readdirSync(stack.backupDir).sort()).toEqual(['memos-backup-20240101-020000.sql.gz', 'notes.txt']);
  });

  it('removes leftover temp files', () => {
    fs.mkdirSync(stack.backupDir, { recursive: true });
    fs.writeFileSync(path.join(stack.backupDir, '.tmp-demo-x.dump'), 'partial');
    expect(removeTempFiles(stack.backupDir)).toEqual(['.tmp-demo-x.dump']);
    expect(fs.readdirSync(stack.backupDir)).toEqual([]);
  });
});
