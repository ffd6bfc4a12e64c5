/**
 * Checks of a stack's env file that need no Docker: example values left in, variables the preset
 * or the compose file require, `X` and `X_FILE` both set. Pure functions over the file's text,
 * the parsed map and the compose files' variable references, so every rule is unit-testable.
 */
import type { Stack } from '@/lib/stacks/types';
import type { ComposeVariable } from './compose-vars';
import { checkEnvValues } from './env-values';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { keyed, type Finding } from './types';

interface Placeholder {
  pattern: RegExp;
  what: () => Said;
  fix: (key: string) => Said;
}

/** The example values of the deployment guides (.env.example files). */
const PLACEHOLDERS: Placeholder[] = [
  {
    pattern: /your_secure_password/i,
    what: () => say('doctor.examplePassword'),
    fix: (key) => say('doctor.fixPassword', { key }),
  },
  {
    pattern: /your-server-ip/i,
    what: () => say('doctor.exampleAddress'),
    fix: (key) => say('doctor.fixAddress', { key }),
  },
  {
    pattern: /(^|[^A-Za-z0-9])sk-your-/i,
    what: () => say('doctor.exampleApiKey'),
    fix: (key) => say('doctor.fixApiKey', { key }),
  },
];

/** 1-based line where `key` is assigned, for "file:line" in findings. */
export function lineOf(text: string, key: string): number | null {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(export\\s+)?${escaped}\\s*=`);
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i])) return i + 1; // the last assignment wins
  return null;
}

function at(file: string, text: string, key: string): string {
  const line = lineOf(text, key);
  return line ? `${file}:${line} (${key})` : `${file} (${key})`;
}

const isSet = (env: ReadonlyMap<string, string>, key: string) => (env.get(key) ?? '') !== '';

/** Variables the preset needs, each satisfied by its plain or its `_FILE` form. */
export function requiredVariables(stack: Stack, env: ReadonlyMap<string, string>): { name: string; why: Said }[] {
  const out: { name: string; why: Said }[] = [];
  const db = stack.database;
  if (db && !(db.dsnVar && (isSet(env, db.dsnVar) || isSet(env, `${db.dsnVar}_FILE`)))) {
    for (const name of [db.userVar, db.passwordVar, db.databaseVar]) out.push({ name, why: say('doctor.whyDatabase') });
  }
  if (stack.preset === 'memos') out.push({ name: 'MEMOS_DSN', why: say('doctor.whyMemos') });
  return out;
}

export function checkEnv(stack: Stack, text: string, env: ReadonlyMap<string, string>, composeVars: ComposeVariable[]): Finding[] {
  const file = stack.envFile ?? '(no env file)';
  const findings: Finding[] = [];

  for (const [key, value] of env) {
    for (const p of PLACEHOLDERS) {
      if (!p.pattern.test(value)) continue;
      findings.push({ kind: 'placeholder', severity: 'error', ...keyed(say('doctor.placeholder', { key, what: p.what() }), p.fix(key)), where: at(file, text, key) });
      break;
    }
  }

  for (const { name, why } of requiredVariables(stack, env)) {
    if (isSet(env, name) || isSet(env, `${name}_FILE`)) continue;
    findings.push({
      kind: 'missing-variable',
      severity: 'error',
      ...keyed(say('doctor.notSet', { name }), say('doctor.notSetFix', { name, file, why })),
      where: env.has(name) ? at(file, text, name) : file,
    });
  }

  for (const [key, value] of env) {
    if (!key.endsWith('_FILE') || value === '') continue;
    const plain = key.slice(0, -'_FILE'.length);
    if (!isSet(env, plain)) continue;
    findings.push({
      kind: 'file-and-plain',
      severity: 'error',
      ...keyed(say('doctor.bothSet', { plain, key }), say('doctor.bothSetFix', { plain, key })),
      where: `${at(file, text, plain)} and line ${lineOf(text, key) ?? '?'} (${key})`,
    });
  }

  findings.push(...checkEnvValues(stack, env, (key) => at(file, text, key)));

  const reported = new Set(findings.filter((f) => f.kind === 'missing-variable').map((f) => f.title.split(' ')[0]));
  for (const v of composeVars) {
    if (reported.has(v.name) || v.hasDefault) continue;
    const unset = v.required === 'non-empty' ? !isSet(env, v.name) : !env.has(v.name);
    if (!unset) continue;
    reported.add(v.name);
    findings.push(v.required
      ? {
          kind: 'missing-variable',
          severity: 'error',
          ...keyed(
            say('doctor.composeRequires', { name: v.name }),
            say('doctor.composeRequiresFix', { name: v.name, file, message: v.message ? say('doctor.composeMessage', { message: v.message }) : '' }),
          ),
          where: `${v.file} (\${${v.name}${v.required === 'non-empty' ? ':?' : '?'}…})`,
        }
      : {
          kind: 'unset-compose-variable',
          severity: 'warning',
          ...keyed(say('doctor.composeUnset', { name: v.name }), say('doctor.composeUnsetFix', { name: v.name, file, example: `\${${v.name}:-value}` })),
          where: `${v.file} (\${${v.name}})`,
        });
  }
  return findings;
}
