import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { asciiOnly, rewriteTree } from '../../scripts/ascii-server-chunks.mjs';

/** What a chunk computes: its `module.exports`, run as the server runs it. */
function run(source: string): unknown {
  const mod = { exports: {} as unknown };
  vm.runInNewContext(source, { module: mod });
  return mod.exports;
}

describe('server chunks rewritten ASCII-only (issue 18)', () => {
  // Non-ASCII in every place a minified chunk holds it: strings, a template, a regex class with a
  // Unicode range and an emoji (a surrogate pair), an identifier, a comment.
  const chunk = [
    '/*! licence © someone */',
    'const café = "Wait… — done ✓";',
    'const tpl = `${café} → 😀`;',
    'const re = /[\u00c0-\u024f]+|😀/u;',
    'module.exports = JSON.stringify({ café, tpl, hit: re.exec("xx Ärger")[0], emoji: re.exec("a😀")[0], n: "😀".length });',
  ].join('\n');

  it('escapes every non-ASCII unit and the chunk computes the same', () => {
    const out = asciiOnly(chunk);
    expect(out).not.toBeNull();
    expect(out).toMatch(/^[\x00-\x7f]*$/);
    expect(run(out!)).toBe(run(chunk));
    expect(JSON.parse(run(out!) as string)).toEqual({ café: 'Wait… — done ✓', tpl: 'Wait… — done ✓ → 😀', hit: 'Ä', emoji: '😀', n: 2 });
  });

  it('leaves a file alone where an escape would change it: line terminators, a non-ASCII space between tokens', () => {
    expect(asciiOnly('// comment\u2028module.exports = 1;')).toBeNull();
    expect(asciiOnly('module.exports =\u00a01;')).toBeNull();
    expect(asciiOnly('\ufeffmodule.exports = 1;')).toBeNull();
  });

  it('rewrites the .js files of a tree in place and counts what it left', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascii-chunks-'));
    try {
      fs.mkdirSync(path.join(dir, 'chunks/ssr'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'chunks/ssr/a.js'), chunk);
      fs.writeFileSync(path.join(dir, 'chunks/b.js'), 'module.exports = "plain";');
      fs.writeFileSync(path.join(dir, 'chunks/c.js'), 'module.exports =\u00a01;');
      fs.writeFileSync(path.join(dir, 'chunks/d.json'), '{"a":"…"}');
      expect(rewriteTree(dir)).toEqual({ rewritten: 1, left: 1 });
      const a = fs.readFileSync(path.join(dir, 'chunks/ssr/a.js'), 'utf8');
      expect(a).toMatch(/^[\x00-\x7f]*$/);
      expect(run(a)).toBe(run(chunk));
      expect(fs.readFileSync(path.join(dir, 'chunks/d.json'), 'utf8')).toBe('{"a":"…"}');
      expect(fs.readdirSync(path.join(dir, 'chunks')).sort()).toEqual(['b.js', 'c.js', 'd.json', 'ssr']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
