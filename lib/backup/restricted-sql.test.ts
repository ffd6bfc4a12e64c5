import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { psqlHasRestrict, restrictKey, restrictedSqlStream } from './restricted-sql';

async function through(sql: string, opts: { lint: boolean; existingExtensions: string[] }, size = 7): Promise<{ out: string; error: Error | null }> {
  const buf = Buffer.from(sql);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  let out = '';
  try {
    await pipeline(Readable.from(chunks), restrictedSqlStream('KEY123', opts), new Writable({ write(c: Buffer, _e, cb) { out += c.toString(); cb(); } }));
    return { out, error: null };
  } catch (e) {
    return { out, error: e as Error };
  }
}

const DUMP = [
  '\\restrict AbC123', 'SET client_encoding = \'UTF8\';',
  'CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;', "COMMENT ON EXTENSION vector IS 'vector data type';",
  'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;', "COMMENT ON EXTENSION \"uuid-ossp\" IS 'generate universally unique identifiers (UUIDs)';",
  'CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;', "COMMENT ON EXTENSION pg_trgm IS 'trigrams';",
  'CREATE TABLE public.memo (', '    id integer,', "    note text DEFAULT 'ALTER TABLE x OWNER TO y;'", ');',
  'ALTER TABLE public.memo OWNER TO memos;', 'ALTER FUNCTION public.f(integer) OWNER TO "Some Role";',
  'COPY public.memo (id, note) FROM stdin;', '1\tGRANT ALL ON t TO x;', '2\t\\\\restrict nope', '\\.',
  'REVOKE USAGE ON SCHEMA public FROM PUBLIC;', 'GRANT ALL ON SCHEMA public TO PUBLIC;',
  'ALTER DEFAULT PRIVILEGES FOR ROLE memos IN SCHEMA public GRANT ALL ON TABLES TO memos;',
  "SELECT 'GRANT x';", '\\unrestrict AbC123', '',
].join('\n');

describe('restrictedSqlStream', () => {
  it('starts with \\restrict and takes out only the statements a role without other roles cannot run', async () => {
    for (const size of [1, 7, 4096]) {
      const r = await through(DUMP, { lint: true, existingExtensions: ['vector', 'uuid-ossp', 'plpgsql'] }, size);
      expect(r.error).toBeNull();
      expect(r.out).toBe([
        '\\restrict KEY123', 'SET client_encoding = \'UTF8\';',
        'CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;',
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;',
        'CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;', "COMMENT ON EXTENSION pg_trgm IS 'trigrams';",
        'CREATE TABLE public.memo (', '    id integer,', "    note text DEFAULT 'ALTER TABLE x OWNER TO y;'", ');',
        'COPY public.memo (id, note) FROM stdin;', '1\tGRANT ALL ON t TO x;', '2\t\\\\restrict nope', '\\.',
        "SELECT 'GRANT x';", '',
      ].join('\n'));
    }
  });

  it('with lint, the import check refuses with its reason; without, psql commands are passed on for psql to refuse', async () => {
    const hostile = 'COPY t TO stdout; -- FROM stdin;\n\\! touch /tmp/pwned\n';
    const linted = await through(hostile, { lint: true, existingExtensions: [] });
    expect(linted.error?.message).toMatch(/psql command \\!,.*\(line 2\)/);
    expect(linted.out).not.toContain('touch');
    const raw = await through(hostile, { lint: false, existingExtensions: [] });
    expect(raw.error).toBeNull();
    expect(raw.out).toBe(`\\restrict KEY123\n${hostile}`);
  });

  it('an empty file still gets the \\restrict line', async () => {
    expect((await through('', { lint: false, existingExtensions: [] })).out).toBe('\\restrict KEY123\n');
  });

  it('makes keys psql accepts', () => {
    const keys = new Set(Array.from({ length: 20 }, restrictKey));
    expect(keys.size).toBe(20);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9]{20,32}$/);
  });
});

describe('psqlHasRestrict', () => {
  it.each([
    ['psql (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)', true],
    ['psql (PostgreSQL) 15.13', false],
    ['psql (PostgreSQL) 16.10', true],
    ['psql (PostgreSQL) 16.9', false],
    ['psql (PostgreSQL) 17.6', true],
    ['psql (PostgreSQL) 17.5 (Homebrew)', false],
    ['psql (PostgreSQL) 14.19', true],
    ['psql (PostgreSQL) 13.21', false],
    ['psql (PostgreSQL) 18.1', true],
    ['psql (PostgreSQL) 18beta1', true],
    ['psql (PostgreSQL) 12.22', false],
    ['', false],
  ])('%j → %s', (line, ok) => {
    expect(psqlHasRestrict(line)).toBe(ok);
  });
});
