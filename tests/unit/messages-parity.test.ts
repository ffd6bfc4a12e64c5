import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES, loadMessages } from '@/i18n/messages';
import { LOCALES } from '@/lib/i18n/locales';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'messages');
/** Where UI code asks for messages. */
const CODE_DIRS = ['app', 'components'];
/** Where server code writes keyed text (lib/i18n/said.ts) with `say('key', …)`: keys of the `server` messages. */
const SERVER_DIRS = ['lib', 'server-actions'];
const SAY_DEFINITION = path.join(ROOT, 'lib/i18n/server-text.ts');

/** Every leaf key path of a message tree, with its text. */
function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof node === 'string') return out.set(prefix, node);
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) for (const [p, s] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, s);
  return out;
}

/** The {placeholders} a message uses (ICU arguments), so a translation cannot drop or rename one. */
function args(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\s*([A-Za-z0-9_]+)/g)].map((m) => m[1]))].sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/**
 * The message keys a source file asks for with a literal key: `const t = useTranslations('ns')` (or
 * `await getTranslations('ns')`) then `t('key')`, `t.rich('key', …)`; for a key built at run time
 * (`t(`lifecycle.${a}`)`) only its fixed part, which must be a group of messages.
 */
function keysUsed(text: string): { key: string; group: boolean }[] {
  const spaces = new Map<string, Set<string>>();
  for (const m of text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*(?:await\s+)?(?:useTranslations|getTranslations)\(\s*(?:'([^']*)')?\s*\)/g)) {
    spaces.set(m[1], (spaces.get(m[1]) ?? new Set()).add(m[2] ?? ''));
  }
  const out: { key: string; group: boolean }[] = [];
  const join = (ns: string, k: string) => (ns ? `${ns}.${k}` : k);
  for (const [name, namespaces] of spaces) {
    const call = new RegExp(`(?<![\\w.])${name}(?:\\.(?:rich|markup))?\\(\\s*(?:'([^']+)'|\`([^\`$]*)\\$\\{)`, 'g');
    for (const m of text.matchAll(call)) {
      const group = m[1] === undefined;
      // A built key is checked only when its fixed part ends at a dot: `lifecycle.${a}`, not `${verb}Consequence`.
      if (group && !m[2].endsWith('.')) continue;
      const k = group ? m[2].slice(0, -1) : m[1];
      // One name may be bound to several namespaces in one file (one per component): any will do.
      out.push({ key: [...namespaces].map((ns) => join(ns, k)).join('|'), group });
    }
  }
  for (const m of text.matchAll(/\(await getTranslations\('([^']+)'\)\)\('([^']+)'\)/g)) out.push({ key: `${m[1]}.${m[2]}`, group: false });
  return out;
}

describe('messages', () => {
  it('has one file per feature in every language, and nothing else', () => {
    for (const locale of LOCALES) {
      const files = fs.readdirSync(path.join(DIR, locale)).map((f) => f.replace(/\.json$/, '')).sort();
      expect(files, locale).toEqual([...FEATURES].sort());
    }
  });

  it('has the same keys with the same placeholders in every language, none empty', async () => {
    const [base, ...others] = await Promise.all(LOCALES.map(async (l) => ({ locale: l, keys: leaves(await loadMessages(l)) })));
    for (const other of others) {
      const missingThere = [...base.keys.keys()].filter((k) => !other.keys.has(k));
      const missingHere = [...other.keys.keys()].filter((k) => !base.keys.has(k));
      expect(missingThere, `keys missing in ${other.locale}`).toEqual([]);
      expect(missingHere, `keys missing in ${base.locale}`).toEqual([]);
      for (const [k, text] of base.keys) expect(args(other.keys.get(k)!), `${other.locale} ${k}`).toEqual(args(text));
    }
    for (const { locale, keys } of [base, ...others]) for (const [k, text] of keys) expect(text.trim(), `${locale} ${k}`).not.toBe('');
  });

  it('has every key the code asks for, in every language', async () => {
    const trees = await Promise.all(LOCALES.map(async (l) => ({ locale: l, keys: leaves(await loadMessages(l)) })));
    const files = CODE_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)));
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const { key, group } of keysUsed(fs.readFileSync(file, 'utf8'))) {
        checked++;
        for (const { locale, keys } of trees) {
          const found = key.split('|').some((k) => (group ? [...keys.keys()].some((l) => l.startsWith(`${k}.`)) : keys.has(k)));
          if (!found) missing.push(`${locale} ${key} (${path.relative(ROOT, file)})`);
        }
      }
    }
    expect(checked, 'keys found in the code').toBeGreaterThan(300);
    expect(missing).toEqual([]);
  });

  it('has every key the server code says, in every language, and every say() names its key literally', async () => {
    const trees = await Promise.all(LOCALES.map(async (l) => ({ locale: l, keys: leaves(await loadMessages(l)) })));
    const files = SERVER_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d))).filter((f) => f !== SAY_DEFINITION);
    const missing: string[] = [];
    const built: string[] = [];
    let checked = 0;
    for (const file of files) {
      // Comments may mention say(…) without calling it.
      const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
      const where = path.relative(ROOT, file);
      // A key built at run time could be missing without this test seeing it: one literal key per call.
      // say( as a call of its own or spread (`...say(`), not a method named say.
      for (const m of text.matchAll(/(?:(?<![\w$.])|(?<=\.\.\.))say\(\s*(?!')([^)]{0,40})/g)) built.push(`${where}: say(${m[1]}`);
      for (const m of text.matchAll(/(?:(?<![\w$.])|(?<=\.\.\.))say\(\s*'([^']+)'/g)) {
        checked++;
        for (const { locale, keys } of trees) if (!keys.has(`server.${m[1]}`)) missing.push(`${locale} server.${m[1]} (${where})`);
      }
    }
    expect(checked, 'say() calls found in the server code').toBeGreaterThan(130);
    expect(built).toEqual([]);
    expect(missing).toEqual([]);
  });
});
