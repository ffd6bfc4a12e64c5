/**
 * What an edit changes, shown before it is saved. Env files by key (a secret only as "changed",
 * never its values); compose files line by line, on their hidden text. Both sides reach the page,
 * so every value passes through hideText first.
 */
import { isSecretKey } from '@/lib/secrets';
import { hideText, type SecretPairs } from './hidden';

export interface EnvDiffRow {
  key: string;
  change: 'added' | 'removed' | 'changed';
  secret: boolean;
  before?: string;
  after?: string;
}

export function diffEnv(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, secrets: [string, string][]): EnvDiffRow[] {
  const rows: EnvDiffRow[] = [];
  const show = (v: string | undefined) => (v === undefined ? undefined : hideText(v, secrets));
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    if (b === a) continue;
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : 'changed';
    const secret = isSecretKey(key);
    rows.push(secret ? { key, change, secret } : { key, change, secret, before: show(b), after: show(a) });
  }
  return rows;
}

export interface LineDiffRow {
  op: ' ' | '+' | '-' | '…';
  text: string;
}

/** Above this many lines per side the table would be too big (and LCS too slow): whole-file replace. */
const MAX_LINES = 3000;
const CONTEXT = 3;

/** A unified line diff (longest common subsequence), unchanged runs cut to 3 lines of context. */
export function diffLines(before: string, after: string): LineDiffRow[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (before === after) return [];
  if (a.length > MAX_LINES || b.length > MAX_LINES) return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const full: LineDiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      full.push({ op: ' ', text: a[i++] });
      j++;
    } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) full.push({ op: '-', text: a[i++] });
    else full.push({ op: '+', text: b[j++] });
  }
  const near = full.map((_, k) => full.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((r) => r.op !== ' '));
  const out: LineDiffRow[] = [];
  full.forEach((r, k) => {
    if (near[k]) out.push(r);
    else if (out.at(-1)?.op !== '…') out.push({ op: '…', text: '' });
  });
  return out;
}

export function hiddenLineDiff(before: string, after: string, secrets: SecretPairs): LineDiffRow[] {
  return diffLines(hideText(before, secrets), hideText(after, secrets));
}
