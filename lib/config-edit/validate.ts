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
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { EnvSyntaxError, parseEnvFile, readStackEnv } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';
import { configPathOf, type ConfigKind } from './files';
import { hideText, secretValues, type SecretPairs } from './hidden';

export interface Problem {
  title: string;
  where: string;
  fix: string;
  /** The title, place and fix as keyed text, so the page shows them in the reader's language (the fields above are their English). */
  said?: { title?: Said; where?: Said; fix?: Said };
}

export interface Validation {
  ok: boolean;
  errors: Problem[];
  warnings: Problem[];
}

const problem = (f: Pick<Finding, 'title' | 'where' | 'fix' | 'said'>): Problem => ({ title: f.title, where: f.where, fix: f.fix, ...(f.said ? { said: f.said } : {}) });

/** A problem whose title is keyed; `fix` is keyed text or a tool's own words, quoted as they are. */
function keyedProblem(title: Said, where: string | Said, fix: string | Said): Problem {
  const text = (s: string | Said) => (typeof s === 'string' ? s : s.text);
  const said: Problem['said'] & object = { title };
  if (typeof where !== 'string') said.where = where;
  if (typeof fix !== 'string') said.fix = fix;
  return { title: title.text, where: text(where), fix: text(fix), said };
}

/** The titles of the problems that stop a save, as one keyed list ("Not saved: {problems}."). */
export function problemTitles(problems: Problem[]): Said | string {
  const titles: (Said | string)[] = problems.map((p) => p.said?.title ?? p.title);
  if (!titles.length) return '';
  return titles.reduce((a, b) => say('errors.config.problemList', { a, b }));
}

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
    return [keyedProblem(say('errors.config.composeRefuses'), `compose config (exit ${r.code})`, hideText(why, secrets))];
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
    if (isOpsdeckError(e)) return [keyedProblem(say('errors.config.composeNotRun'), 'compose config', e.said ?? e.message)];
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
      const where = say('errors.config.aiSettings');
      const fix = say('errors.config.fixAiVariables');
      const p: Problem = { title: hideText(i.message, secretValues(env)), where: where.text, fix: fix.text, said: { where, fix } };
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
      return { ok: false, errors: [keyedProblem(say('errors.config.envUnreadable'), `${stack.envFile}:${e.line}`, e.reason)], warnings: [] };
    }
    vars = composeVariables(stack.composeFiles);
    envText = text;
  } else {
    try {
      vars = [...variablesIn(text, configPathOf(stack, 'compose')), ...composeVariables(stack.composeFiles.slice(1))];
    } catch (e) {
      const err = e as YAML.YAMLParseError;
      const line = err.linePos?.[0]?.line;
      return { ok: false, errors: [keyedProblem(say('errors.config.composeNotYaml'), `${configPathOf(stack, 'compose')}${line ? `:${line}` : ''}`, err.message.split('\n')[0])], warnings: [] };
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
