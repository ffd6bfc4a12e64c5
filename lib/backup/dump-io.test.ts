import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpContents } from './dump-io';
import type { PgTools } from '@/lib/postgres/tools';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dump-io-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const noTools = null as unknown as PgTools;

describe('dumpContents of plain SQL', () => {
  const sql = [
    'SET client_encoding = \'UTF8\';', 'CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;', "COMMENT ON EXTENSION vector IS 'v';",
    'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;', 'CREATE TABLE public.t (a integer);',
    'CREATE EXTENSION IF NOT EXISTS late WITH SCHEMA public;', '',
  ].join('\n');

  it('lists the extensions created before the first table, plain or gzipped', async () => {
    fs.writeFileSync(path.join(dir, 'a.sql'), sql);
    fs.writeFileSync(path.join(dir, 'a.sql.gz'), gzipSync(sql));
    expect(await dumpContents(noTools, path.join(dir, 'a.sql'), 'plain')).toEqual({ extensions: ['vector', 'uuid-ossp'], toc: null });
    expect(await dumpContents(noTools, path.join(dir, 'a.sql.gz'), 'plain-gzip')).toEqual({ extensions: ['vector', 'uuid-ossp'], toc: null });
  });

  it('stops after 16 MB even inside one endless line', async () => {
    const file = path.join(dir, 'long.sql');
    fs.writeFileSync(file, 'CREATE EXTENSION IF NOT EXISTS a WITH SCHEMA public;\n' + 'x'.repeat(20 * 1024 * 1024));
    expect((await dumpContents(noTools, file, 'plain')).extensions).toEqual(['a']);
  });
});
