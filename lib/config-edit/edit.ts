/**
 * The editor's operations: what the page shows (secrets hidden), what an edit would change
 * (checked and diffed, nothing written), saving it (compare-and-swap on the version it was based
 * on), undo, and revealing one secret. Every text that leaves here for the browser is hidden.
 */
import { OpsdeckError } from '@/lib/errors';
import { isSecretKey } from '@/lib/secrets';
import { parseEnvFile, readStackEnv } from '@/lib/stacks/env-file';
import { stackSecrets } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import { diffEnv, hiddenLineDiff, type EnvDiffRow, type LineDiffRow } from './diff';
import { applyEnvChanges, type EnvChange } from './env-spans';
import { readConfigFile, type ConfigKind } from './files';
import { hideEnvText, hideText, restoreEnvText, restoreText, secretValues } from './hidden';
import { listVersions, versionText, writeVersion, type ConfigVersion, type VersionReason } from './history';
import { validateCandidate, type Validation } from './validate';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export type EditInput =
  | { kind: ConfigKind; baseSha: string; mode: 'raw'; text: string }
  | { kind: 'env'; baseSha: string; mode: 'form'; changes: EnvChange[] };

export interface EnvEntry {
  key: string;
  /** Hidden: secret-named keys carry no value at all, others have secrets replaced by markers. */
  value: string;
  secret: boolean;
  set: boolean;
}

export interface EditorView {
  kind: ConfigKind;
  path: string;
  sha: string;
  text: string;
  entries: EnvEntry[];
  history: ConfigVersion[];
}

/** Secrets of the stack as key → value, for hiding compose text (which names no keys itself). */
function stackSecretMap(stack: Stack): Map<string, string> {
  try {
    const map = secretValues(readStackEnv(stack));
    // Contents of *_FILE secrets have no key of their own: numbered names keep them distinct.
    stackSecrets(stack).filter((v) => ![...map.values()].includes(v) && v.length >= 4).forEach((v, i) => map.set(`SECRET_FILE_${i + 1}`, v));
    return map;
  } catch {
    return new Map();
  }
}

export function editorView(stack: Stack, kind: ConfigKind): EditorView {
  const file = readConfigFile(stack, kind);
  const history = listVersions(stack, kind);
  if (kind === 'compose') return { kind, path: file.path, sha: file.sha, text: hideText(file.text, stackSecretMap(stack)), entries: [], history };
  let env = new Map<string, string>();
  try {
    env = parseEnvFile(file.text);
  } catch {
    // The raw view still opens, so the syntax error can be fixed from here.
  }
  const secrets = secretValues(env);
  const entries = [...env].map(([key, value]) => ({ key, secret: isSecretKey(key), set: value !== '', value: isSecretKey(key) ? '' : hideText(value, secrets) }));
  return { kind, path: file.path, sha: file.sha, text: hideEnvText(file.text), entries, history };
}

export interface Prepared {
  candidate: string;
  validation: Validation;
  envDiff: EnvDiffRow[];
  lineDiff: LineDiffRow[];
  summary: string;
  /** The summary as keyed text, shown in the reader's language. */
  said: Said;
}

/** "changed A, B; added C", as keyed text (one literal key per kind of change); null when nothing changed. */
function envSummary(rows: EnvDiffRow[]): Said | null {
  const keys = (c: EnvDiffRow['change']) => rows.filter((r) => r.change === c).map((r) => r.key).join(', ');
  const parts = [
    keys('changed') && say('changes.changed', { keys: keys('changed') }),
    keys('added') && say('changes.added', { keys: keys('added') }),
    keys('removed') && say('changes.removed', { keys: keys('removed') }),
  ].filter((p): p is Said => !!p);
  return parts.length ? parts.reduce((a, b) => say('changes.and', { a, b })) : null;
}

/** The candidate text an edit produces, checked and diffed against the file; nothing is written. */
export async function prepareEdit(stack: Stack, input: EditInput): Promise<Prepared> {
  const base = readConfigFile(stack, input.kind);
  if (base.sha !== input.baseSha) {
    throw new OpsdeckError('conflict', say('errors.config.changedSinceOpened'));
  }
  let candidate: string;
  if (input.mode === 'form') {
    const secrets = secretValues(parseEnvFile(base.text));
    candidate = applyEnvChanges(base.text, input.changes.map((c) => ({ key: c.key, value: c.value === null ? null : restoreText(c.value, secrets) })));
  } else {
    candidate = input.kind === 'env' ? restoreEnvText(input.text, base.text) : restoreText(input.text, stackSecretMap(stack));
  }
  const validation = await validateCandidate(stack, input.kind, candidate);
  if (input.kind === 'compose') {
    const lineDiff = hiddenLineDiff(base.text, candidate, stackSecretMap(stack));
    const plus = lineDiff.filter((r) => r.op === '+').length;
    const minus = lineDiff.filter((r) => r.op === '-').length;
    const said = say('changes.lines', { plus: String(plus), minus: String(minus) });
    return { candidate, validation, envDiff: [], lineDiff, summary: said.text, said };
  }
  let before = new Map<string, string>();
  let after = new Map<string, string>();
  try {
    before = parseEnvFile(base.text);
    after = parseEnvFile(candidate);
  } catch {
    // Validation already says why the candidate cannot be read.
  }
  const secrets = [...secretValues(after), ...secretValues(before)];
  const envDiff = diffEnv(before, after, secrets);
  const said = envSummary(envDiff) ?? say('changes.formattingOnly');
  return { candidate, validation, envDiff, lineDiff: [], summary: said.text, said };
}

export interface SaveResult {
  saved: ConfigVersion | null;
  prepared: Omit<Prepared, 'candidate'>;
}

/** Validates, then writes if the file is still the version the edit was based on. */
export async function saveEdit(stack: Stack, input: EditInput, by: string, reason: VersionReason = 'edit'): Promise<SaveResult> {
  const { candidate, ...prepared } = await prepareEdit(stack, input);
  if (!prepared.validation.ok) return { saved: null, prepared };
  const saved = writeVersion(stack, { kind: input.kind, baseSha: input.baseSha, text: candidate, by, reason, summary: prepared.said });
  return { saved, prepared };
}

/**
 * Puts back the file as it was before version `seq` (the newest version for "Undo"). Itself a
 * new version, so an undo can be undone. The page's sha guards it like any save.
 */
export function restoreBefore(stack: Stack, kind: ConfigKind, seq: number | 'last', baseSha: string, by: string): ConfigVersion {
  const versions = listVersions(stack, kind, 1000);
  const v = seq === 'last' ? versions[0] : versions.find((x) => x.seq === seq);
  if (!v) throw new OpsdeckError('not_found', seq === 'last' ? say('errors.config.nothingToUndo') : say('errors.config.noVersion', { seq: String(seq) }));
  const text = versionText(stack, kind, v.before);
  if (text === null) throw new OpsdeckError('not_found', say('errors.config.notKept', { seq: String(v.seq) }));
  return writeVersion(stack, { kind, baseSha, text, by, reason: seq === 'last' ? 'undo' : 'restore', summary: say('changes.backTo', { seq: String(v.seq), summary: v.said ?? v.summary }) });
}

/** One secret's value, for the explicit (and audited, by the action) "Reveal" button. */
export function revealSecret(stack: Stack, key: string): string {
  const env = readStackEnv(stack);
  const value = env.get(key);
  if (value === undefined) throw new OpsdeckError('not_found', say('errors.config.notSetInEnv', { key }));
  return value;
}
