import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SqlGuard, sqlGuardStream } from './sql-guard';

const check = (sql: string) => {
  const g = new SqlGuard();
  for (const l of sql.split('\n')) g.line(l);
  return g;
};

/** Feeds `sql` through the stream in chunks of `size` bytes; returns what came out, or the error. */
async function stream(sql: string, size: number): Promise<{ out: string; error: Error | null }> {
  const buf = Buffer.from(sql);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  let out = '';
  try {
    await pipeline(Readable.from(chunks), sqlGuardStream(), new Writable({ write(c: Buffer, _e, cb) { out += c.toString(); cb(); } }));
    return { out, error: null };
  } catch (e) {
    return { out, error: e as Error };
  }
}

const DUMP = [
  '--', '-- PostgreSQL database dump', '--', '\\restrict AbC123xyz', '',
  "SET standard_conforming_strings = on;", "SELECT pg_catalog.set_config('search_path', '', false);",
  "CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $_$ SELECT '\\! not a command' $_$;",
  "COMMENT ON TABLE public.memo IS 'DROP DATABASE memos; \\connect x';",
  "CREATE TABLE public.memo (id integer, \"DROP DATABASE\" text, content text DEFAULT E'it''s \\\\ \\' ok');",
  '/* block \\! /* nested */ still comment */ SELECT 1;',
  'CREATE USER MAPPING FOR public SERVER s;',
  'COPY public.memo (id, content) FROM stdin;',
  '1\t\\\\! rm -rf / -- data, not a command',
  '2\tDROP DATABASE memos;',
  '3\t\\connect postgres',
  '\\.', '', '-- PostgreSQL database dump complete', '', '\\unrestrict AbC123xyz', '',
].join('\n');

describe('SqlGuard', () => {
  it('accepts what pg_dump writes, skipping COPY data, strings, dollar quotes and comments', () => {
    expect(check(DUMP).inCopy).toBe(false);
  });

  it.each([
    ['\\connect memos', /psql command \\connect/],
    ['\\c memos', /psql command \\c\b/],
    ["SELECT 1; \\! touch /tmp/pwned", /psql command \\!/],
    ["SELECT 'CREATE DATABASE x' \\gexec", /psql command \\gexec/],
    ['\\o | sh', /psql command \\o/],
    ["\\copy t to program 'sh'", /psql command \\copy/],
    ['DROP DATABASE memos;', /CREATE\/DROP\/ALTER DATABASE/],
    ['CREATE DATABASE memos WITH TEMPLATE = template0;', /DATABASE statement/],
    ['ALTER DATABASE memos RENAME TO gone;', /DATABASE statement/],
    ['ALTER\n  DATABASE memos SET x = 1;', /DATABASE statement/],
    ['DROP /* hidden */ DATABASE memos;', /DATABASE statement/],
    ["ALTER ROLE memos PASSWORD 'x';", /roles/],
    ["ALTER SYSTEM SET archive_command = 'sh';", /ALTER SYSTEM/],
    ["COPY t FROM PROGRAM 'touch /tmp/x';", /PROGRAM/],
    ["SELECT 'a'\nCOPY t FROM stdin;\n\\! id", /psql command \\!/],
    // The bypass: COPY data starts only after a real `COPY … FROM stdin;`, never after a comment saying so.
    ['COPY t TO stdout; -- FROM stdin;\n\\! touch /tmp/pwned', /psql command \\!, .*\(line 2\)$/],
    ['COPY t TO stdout; /* FROM stdin; */\n\\connect memos', /psql command \\connect/],
    ["COPY t TO stdout; SELECT ' FROM stdin;';\n\\! id", /psql command \\!/],
    ['COPY t FROM stdin; SELECT 1;\n\\! id', /psql command \\!/],
    ['SELECT 1 /*\n*/ ; COPY t FROM stdin;\n\\! id', /psql command \\!/],
  ])('refuses %j', (sql, why) => {
    expect(() => check(sql)).toThrow(why);
  });

  it('does start COPY data after a real COPY … FROM stdin, comments or spacing aside', () => {
    expect(check('COPY public.t (a, "b c") FROM stdin;').inCopy).toBe(true);
    expect(check('COPY t FROM stdin /* x */ ;').inCopy).toBe(true);
    expect(check("COPY t FROM stdin; -- data follows").inCopy).toBe(true);
    expect(check('COPY t TO stdout; -- FROM stdin;').inCopy).toBe(false);
  });

  it('says on which line', () => {
    expect(() => check('SELECT 1;\n\nDROP DATABASE memos;')).toThrow(/\(line 3\)$/);
  });
});

describe('sqlGuardStream', () => {
  it('passes a dump through unchanged, whatever the chunk size', async () => {
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const r = await stream(DUMP, size);
      expect(r.error).toBeNull();
      expect(r.out).toBe(DUMP);
    }
  });

  it('never passes on the start of a refused line', async () => {
    for (const size of [1, 5, 4096]) {
      const r = await stream('SELECT 1;\n\\! touch /tmp/pwned\n', size);
      expect(r.error?.message).toMatch(/psql command \\!,.*\(line 2\)/);
      expect(r.out).not.toContain('\\!');
      expect(r.out).not.toContain('touch');
    }
  });

  it('checks what follows the end of COPY data again', async () => {
    const r = await stream('COPY t (a) FROM stdin;\n\\!x\n\\.\n\\! id\n', 2);
    expect(r.error?.message).toMatch(/line 4/);
  });
});
