/** Search as you type: a substring or a regular expression, case-sensitive or not. */
export interface SearchOptions {
  query: string;
  regex: boolean;
  caseSensitive: boolean;
}

export interface Matcher {
  test(text: string): boolean;
  /** [start, end) of every match, for highlighting. */
  ranges(text: string): [number, number][];
}

export type CompiledSearch = { ok: true; matcher: Matcher | null } | { ok: false; error: string };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** null matcher = no search. An invalid regex is an error message for the search box, not an exception. */
export function compileSearch(o: SearchOptions): CompiledSearch {
  if (!o.query) return { ok: true, matcher: null };
  let re: RegExp;
  try {
    re = new RegExp(o.regex ? o.query : escapeRegExp(o.query), o.caseSensitive ? 'g' : 'gi');
  } catch (e) {
    return { ok: false, error: `Invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  const single = new RegExp(re.source, re.flags.replace('g', ''));
  return {
    ok: true,
    matcher: {
      test: (text) => single.test(text),
      ranges(text) {
        const out: [number, number][] = [];
        re.lastIndex = 0;
        for (let m = re.exec(text); m && out.length < 1000; m = re.exec(text)) {
          // An empty match (e.g. /a*/) highlights nothing but must not loop forever.
          if (m[0].length === 0) {
            re.lastIndex++;
            continue;
          }
          out.push([m.index, m.index + m[0].length]);
        }
        return out;
      },
    },
  };
}
