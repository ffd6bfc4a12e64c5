import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURES, loadMessages } from '@/i18n/messages';
import { LOCALES } from '@/lib/i18n/locales';

const DIR = path.resolve(import.meta.dirname, '../../messages');

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
});
