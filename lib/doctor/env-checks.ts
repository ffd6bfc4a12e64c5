/**
 * Checks of a stack's env file that need no Docker: example values left in, variables the preset
 * or the compose file require, `X` and `X_FILE` both set. Pure functions over the file's text,
 * the parsed map and the compose files' variable references, so every rule is unit-testable.
 */
import type { Stack } from '@/lib/stacks/types';
import type { ComposeVariable } from './compose-vars';
import { checkEnvValues } from './env-values';
import type { Finding } from './types';

interface Placeholder {
  pattern: RegExp;
  what: string;
  fix: (key: string) => string;
}

/** The example values of the deployment guides (.env.example files). */
const PLACEHOLDERS: Placeholder[] = [
  {
    pattern: /your_secure_password/i,
    what: 'the example password "your_secure_password…"',
    fix: (key) =>
      `Set ${key} to a strong random password (for example the output of \`openssl rand -base64 24\`). ` +
      'If the database was already initialised with the example password, change it in PostgreSQL too (ALTER USER … PASSWORD …): the image reads it only on first start.',
  },
  {
    pattern: /your-server-ip/i,
    what: 'the example address "your-server-ip"',
    fix: (key) => `Replace your-server-ip in ${key} with the address people reach this server at (its public host name or IP).`,
  },
  {
    pattern: /(^|[^A-Za-z0-9])sk-your-/i,
    what: 'an example API key "sk-your-…"',
    fix: (key) => `Put the real API key from the provider's console in ${key}, or empty it and turn that provider off.`,
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
export function requiredVariables(stack: Stack, env: ReadonlyMap<string, string>): { name: string; why: string }[] {
  const out: { name: string; why: string }[] = [];
  const db = stack.database;
  if (db && !(db.dsnVar && (isSet(env, db.dsnVar) || isSet(env, `${db.dsnVar}_FILE`)))) {
    for (const name of [db.userVar, db.passwordVar, db.databaseVar]) out.push({ name, why: 'Opsdeck and the database container need it' });
  }
  if (stack.preset === 'memos') out.push({ name: 'MEMOS_DSN', why: 'Memos needs it to reach PostgreSQL' });
  return out;
}

export function checkEnv(stack: Stack, text: string, env: ReadonlyMap<string, string>, composeVars: ComposeVariable[]): Finding[] {
  const file = stack.envFile ?? '(no env file)';
  const findings: Finding[] = [];

  for (const [key, value] of env) {
    for (const p of PLACEHOLDERS) {
      if (!p.pattern.test(value)) continue;
      findings.push({ kind: 'placeholder', severity: 'error', title: `${key} still holds ${p.what}`, where: at(file, text, key), fix: p.fix(key) });
      break;
    }
  }

  for (const { name, why } of requiredVariables(stack, env)) {
    if (isSet(env, name) || isSet(env, `${name}_FILE`)) continue;
    findings.push({
      kind: 'missing-variable',
      severity: 'error',
      title: `${name} is not set`,
      where: env.has(name) ? at(file, text, name) : file,
      fix: `Add ${name}=… to ${file} (or ${name}_FILE=/path/to/secret): ${why}.`,
    });
  }

  for (const [key, value] of env) {
    if (!key.endsWith('_FILE') || value === '') continue;
    const plain = key.slice(0, -'_FILE'.length);
    if (!isSet(env, plain)) continue;
    findings.push({
      kind: 'file-and-plain',
      severity: 'error',
      title: `Both ${plain} and ${key} are set`,
      where: `${at(file, text, plain)} and line ${lineOf(text, key) ?? '?'} (${key})`,
      fix: `Remove one of them: the postgres image and Memos refuse to start when both are set. Keep ${key} if the secret lives in a file (Docker secrets), otherwise keep ${plain}.`,
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
          title: `${v.name} is not set, and the compose file requires it`,
          where: `${v.file} (\${${v.name}${v.required === 'non-empty' ? ':?' : '?'}…})`,
          fix: `Add ${v.name}=… to ${file}: docker compose refuses to start the stack without it${v.message ? ` ("${v.message}")` : ''}.`,
        }
      : {
          kind: 'unset-compose-variable',
          severity: 'warning',
          title: `${v.name} is used by the compose file but not set`,
          where: `${v.file} (\${${v.name}})`,
          fix: `Add ${v.name}=… to ${file}, or give it a default in the compose file (\${${v.name}:-value}): compose silently substitutes an empty string.`,
        });
  }
  return findings;
}
