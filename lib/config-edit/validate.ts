/**
 * Every save is checked before anything is written: the doctor's env-file rules (example values,
 * required variables, value types, the DSN against the database variables), the AI settings the
 * app will read, and `compose config` run on the candidate exactly as a deploy would run it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { dependenciesFromEnv } from '@/lib/ai-health/memos-env';
import { composeProjectOf } from '@/lib/deploy/compose-project';
import { runCompose } from '@/lib/docker/compose-cli';
import { checkEnv, variablesIn, composeVariables, type ComposeVariable, type Finding } from '@/lib/doctor';
import { isOpsdeckError } from '@/lib/errors';
import { EnvSyntaxError, parseEnvFile, readStackEnv } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';
import { configPathOf, type ConfigKind } from './files';
import { hideText, secretValues, type SecretPairs } from './hidden';

export interface Problem {
  title: string;
  where: string;
  fix: string;
}

export interface Validation {
  ok: boolean;
  errors: Problem[];
  warnings: Problem[];
}

const problem = (f: Pick<Finding, 'title' | 'where' | 'fix'>): Problem => ({ title: f.title, where: f.where, fix: f.fix });

function withTemp<T>(dir: string, name: string, text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const file = path.join(dir, `.${name}.opsdeck-check-${process.pid}-${Date.now()}`);
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  return fn(file).finally(() => fs.rmSync(file, { force: true }));
}

/** `compose config --quiet` over the candidate; its error text is hidden like everything shown. */
async function composeCheck(stack: Stack, kind: ConfigKind, text: string, secrets: SecretPairs): Promise<Problem[]> {
  const project = composeProjectOf(stack);
  const run = async (p: typeof project) => {
    const r = await runCompose(p, ['config', '--quiet']);
    if (r.code === 0) return [];
    const why = r.stderr.trim().split('\n').slice(-3).join(' ');
    return [{ title: 'docker compose refuses the configuration', where: `compose config (exit ${r.code})`, fix: hideText(why, secrets) }];
  };
  try {
    if (kind === 'env') {
      // Outside the stack's directory: the candidate holds secrets and must not be seen by anyone else.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-env-check-'));
      try {
        return await withTemp(dir, 'env', text, (file) => run({ ...project, envFile: file }));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    // Beside the original, so relative paths in it (build contexts, env_file, volumes) resolve the same.
    const original = configPathOf(stack, 'compose');
    return await withTemp(path.dirname(original), path.basename(original), text, (file) =>
      run({ ...project, composeFiles: project.composeFiles.map((f) => (f === original ? file : f)) }));
  } catch (e) {
    if (isOpsdeckError(e)) return [{ title: 'docker compose could not be run to check the file', where: 'compose config', fix: e.message }];
    throw e;
  }
}

function envProblems(stack: Stack, text: string, env: ReadonlyMap<string, string>, vars: ComposeVariable[]): { errors: Problem[]; warnings: Problem[] } {
  const findings = checkEnv(stack, text, env, vars);
  const errors = findings.filter((f) => f.severity === 'error').map(problem);
  const warnings = findings.filter((f) => f.severity === 'warning').map(problem);
  if (stack.ai.source === 'env') {
    for (const i of dependenciesFromEnv(stack.name, env, stack.ai.envPrefix).issues) {
      if (i.severity === 'info') continue;
      const p = { title: hideText(i.message, secretValues(env)), where: 'AI settings', fix: 'Correct the AI variables named here.' };
      (i.severity === 'error' ? errors : warnings).push(p);
    }
  }
  return { errors, warnings };
}

export async function validateCandidate(stack: Stack, kind: ConfigKind, text: string): Promise<Validation> {
  let env: Map<string, string>;
  let vars: ComposeVariable[];
  let envText: string;
  if (kind === 'env') {
    try {
      env = parseEnvFile(text);
    } catch (e) {
      if (!(e instanceof EnvSyntaxError)) throw e;
      return { ok: false, errors: [{ title: 'The env file cannot be read', where: `${stack.envFile}:${e.line}`, fix: e.reason }], warnings: [] };
    }
    vars = composeVariables(stack.composeFiles);
    envText = text;
  } else {
    try {
      vars = [...variablesIn(text, configPathOf(stack, 'compose')), ...composeVariables(stack.composeFiles.slice(1))];
    } catch (e) {
      const err = e as YAML.YAMLParseError;
      const line = err.linePos?.[0]?.line;
      return { ok: false, errors: [{ title: 'The compose file is not valid YAML', where: `${configPathOf(stack, 'compose')}${line ? `:${line}` : ''}`, fix: err.message.split('\n')[0] }], warnings: [] };
    }
    env = stack.envFile ? readStackEnv(stack) : new Map();
    envText = stack.envFile ? fs.readFileSync(stack.envFile, 'utf8') : '';
  }
  const found = envProblems(stack, envText, env, vars);
  const secrets = [...secretValues(readStackEnvSafe(stack)), ...secretValues(env)];
  const errors = [...found.errors, ...(await composeCheck(stack, kind, text, secrets))];
  return { ok: errors.length === 0, errors, warnings: found.warnings };
}

function readStackEnvSafe(stack: Stack): Map<string, string> {
  try {
    return readStackEnv(stack);
  } catch {
    return new Map();
  }
}
