import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import type { Stack } from '@/lib/stacks/types';
import { parseEnvFile } from '@/lib/stacks/env-file';
import { diffEnv, diffLines } from './diff';
import { applyEnvChanges, quoteEnvValue, valueSpans } from './env-spans';
import { sha256 } from './files';
import { hideEnvText, marker, restoreEnvText, secretValues } from './hidden';
import { appliedBaseline, listVersions, markApplied, writeVersion } from './history';
import { restoreBefore } from './edit';

const ENV = [
  '# database',
  'POSTGRES_USER=memos',
  "POSTGRES_PASSWORD='p@ss word#1'",
  'export MEMOS_DSN=postgres://memos:p%40ss%20word%231@db/memos  # inline comment',
  'API_TOKEN="line1',
  'line2"',
  'PLAIN=value # kept',
  'COPY=p@ss word#1',
  '',
].join('\n');

describe('env file text, edited in place', () => {
  it('finds value spans, multi-line quotes included', () => {
    expect(valueSpans(ENV).map((s) => [s.key, ENV.slice(s.start, s.end)])).toEqual([
      ['POSTGRES_USER', 'memos'], ['POSTGRES_PASSWORD', "'p@ss word#1'"], ['MEMOS_DSN', 'postgres://memos:p%40ss%20word%231@db/memos'],
      ['API_TOKEN', '"line1\nline2"'], ['PLAIN', 'value'], ['COPY', 'p@ss word#1'],
    ]);
  });

  it('changes, adds and removes keys keeping every other byte; values read back exactly', () => {
    const out = applyEnvChanges(ENV, [{ key: 'PLAIN', value: 'has $dollar and "quotes"\' too' }, { key: 'NEW', value: 'a b' }, { key: 'COPY', value: null }]);
    expect(out).toContain('# database\nPOSTGRES_USER=memos\n');
    expect(out).toContain(' # kept');
    expect(out).not.toContain('COPY=');
    const env = parseEnvFile(out);
    expect(env.get('PLAIN')).toBe('has $dollar and "quotes"\' too');
    expect(env.get('NEW')).toBe('a b');
    expect(env.get('API_TOKEN')).toBe('line1\nline2');
    for (const v of ['plain', 'with space', "it's", 'x\ny', '$HOME', 'a#b']) expect(parseEnvFile(`K=${quoteEnvValue(v)}\n`).get('K')).toBe(v);
  });
});

describe('secrets hidden from the browser and put back on save', () => {
  it('hides secret values, their copies and their URL-encoded forms; restores them from the base', () => {
    const hidden = hideEnvText(ENV);
    for (const leak of ['p@ss word#1', 'p%40ss%20word%231', 'line1', 'line2']) expect(hidden).not.toContain(leak);
    expect(hidden).toContain(`POSTGRES_PASSWORD=${marker('POSTGRES_PASSWORD')}`);
    expect(hidden).toContain(`COPY=${marker('POSTGRES_PASSWORD')}`);
    expect(restoreEnvText(hidden, ENV)).toBe(ENV);
    const edited = hidden.replace(`POSTGRES_PASSWORD=${marker('POSTGRES_PASSWORD')}`, 'POSTGRES_PASSWORD=new-secret-2');
    const env = parseEnvFile(restoreEnvText(edited, ENV));
    expect(env.get('POSTGRES_PASSWORD')).toBe('new-secret-2');
    expect(env.get('API_TOKEN')).toBe('line1\nline2');
    expect(() => restoreEnvText(`X=${marker('GONE_KEY')}\n`, ENV)).toThrow(/no longer in the file/);
  });

  it('a diff names a changed secret without its values, and hides secrets in other values', () => {
    const before = parseEnvFile(ENV);
    const after = new Map(before).set('POSTGRES_PASSWORD', 'rotated-secret-9').set('PLAIN', 'uses rotated-secret-9');
    const rows = diffEnv(before, after, [...secretValues(after), ...secretValues(before)]);
    expect(rows).toEqual([
      { key: 'POSTGRES_PASSWORD', change: 'changed', secret: true },
      { key: 'PLAIN', change: 'changed', secret: false, before: 'value', after: `uses ${marker('POSTGRES_PASSWORD')}` },
    ]);
  });

  it('line diff keeps context short', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const b = a.replace('l10', 'L10');
    expect(diffLines(a, b).map((r) => r.op + r.text)).toEqual(['…', ' l7', ' l8', ' l9', '-l10', '+L10', ' l11', ' l12', ' l13', '…']);
  });
});

describe('history: compare-and-swap writes, kept versions, undo', () => {
  const t = withTempDb();
  const stackIn = (dir: string): Stack => ({
    name: 's', title: 'S', preset: 'generic', runtime: 'compose', projectName: 's', composeFiles: [path.join(dir, 'compose.yml')], envFile: path.join(dir, '.env'),
    workingDir: dir, backupDir: dir, ai: { source: 'none' }, source: 'test',
  });

  it('a write based on a stale version is a conflict naming who saved; undo restores the previous bytes', () => {
    process.env.OPSDECK_DATA_DIR = path.join(t.dir, 'data');
    const stack = stackIn(t.dir);
    fs.writeFileSync(stack.envFile!, 'A=1\n', { mode: 0o640 });
    const base = sha256('A=1\n');
    const v1 = writeVersion(stack, { kind: 'env', baseSha: base, text: 'A=2\n', by: 'alice', reason: 'edit', summary: 'changed A' });
    expect(fs.readFileSync(stack.envFile!, 'utf8')).toBe('A=2\n');
    expect(fs.statSync(stack.envFile!).mode & 0o777).toBe(0o640);
    // Bob's form was opened on the first version: his save must not overwrite Alice's.
    expect(() => writeVersion(stack, { kind: 'env', baseSha: base, text: 'A=3\n', by: 'bob', reason: 'edit', summary: 'changed A' })).toThrow(/Not saved: alice saved a newer version/);
    expect(fs.readFileSync(stack.envFile!, 'utf8')).toBe('A=2\n');
    expect(appliedBaseline(stack, 'env')?.text).toBe('A=1\n');
    markApplied(stack, 'env', v1.after, '7');
    expect(appliedBaseline(stack, 'env')?.text).toBe('A=2\n');
    const undo = restoreBefore(stack, 'env', 'last', v1.after, 'bob');
    expect(fs.readFileSync(stack.envFile!, 'utf8')).toBe('A=1\n');
    expect(listVersions(stack, 'env').map((v) => [v.seq, v.reason, v.by])).toEqual([[2, 'undo', 'bob'], [1, 'edit', 'alice']]);
    expect(undo.before).toBe(v1.after);
    // No temp file is left behind next to the env file.
    expect(fs.readdirSync(t.dir).filter((f) => f.includes('opsdeck'))).toEqual([]);
    delete process.env.OPSDECK_DATA_DIR;
  });
});
