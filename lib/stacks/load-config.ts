import { backupSetOf } from './backup-set-schema';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { OpsdeckError } from '@/lib/errors';
import { ConfigError, type ConfigProblem } from './config-error';
import { configSchema, issuesToProblems, stackSchema, type RawStack } from './config-schema';
import { EnvSyntaxError, readEnvFile } from './env-file';
import { applyPreset, deploySettings } from './presets';
import { offsiteTargets } from './offsite-schema';
import { pitrSettings } from './pitr-schema';
import { dockerSettings } from './docker-schema';
import { dataDirOf, demoStack, type EnvLike } from './demo-stack';
import type { AppRole, Stack } from './types';

export interface LoadOptions {
  /** Explicit config file; wins over OPSDECK_CONFIG and ./opsdeck.yaml. */
  configPath?: string;
  cwd?: string;
  /** Defaults to process.env; a plain record so tests can pass an isolated environment. */
  env?: EnvLike;
}

export interface ConfigLocation {
  /** Absolute path of the config file in use, or null when the built-in demo stack is used. */
  path: string | null;
  demo: boolean;
  /** How the path was chosen, so a missing file can be explained ("set by OPSDECK_CONFIG"). */
  via: 'option' | 'OPSDECK_CONFIG' | 'cwd' | 'demo';
}

export const DEFAULT_CONFIG_NAME = 'opsdeck.yaml';

export function locateConfig(opts: LoadOptions = {}): ConfigLocation {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  if (opts.configPath) return { path: path.resolve(cwd, opts.configPath), demo: false, via: 'option' };
  if (env.OPSDECK_CONFIG?.trim()) return { path: path.resolve(cwd, env.OPSDECK_CONFIG.trim()), demo: false, via: 'OPSDECK_CONFIG' };
  const local = path.resolve(cwd, DEFAULT_CONFIG_NAME);
  if (existsSync(local)) return { path: local, demo: false, via: 'cwd' };
  return { path: null, demo: true, via: 'demo' };
}

/** Reads the config file as YAML (JSON is valid YAML), reporting every syntax error with its position. */
function readDocument(file: string, via: ConfigLocation['via']): { root: unknown } | { problems: ConfigProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a config file' : 'cannot be read';
    const from = via === 'OPSDECK_CONFIG' ? ' (set by OPSDECK_CONFIG)' : '';
    return { problems: [{ file, key: '', message: `${why}: ${file}${from}` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((err) => {
        const { line, col } = lineCounter.linePos(err.pos[0]);
        return { file, key: '', message: `syntax error at line ${line}, column ${col}: ${err.message.split('\n')[0]}` };
      }),
    };
  }
  try {
    return { root: doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    return { problems: [{ file, key: '', message: `cannot be read as YAML: ${(e as Error).message}` }] };
  }
}

function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

interface BuildContext {
  file: string;
  dir: string;
  cwd: string;
  dataDir: string;
}

/** Filesystem and preset checks for one shape-valid stack; pushes its problems, returns the stack if none. */
function buildStack(raw: RawStack, index: number, ctx: BuildContext, problems: ConfigProblem[]): Stack | null {
  const base = `stacks[${index}]`;
  const before = problems.length;
  const add = (key: string, message: string, file = ctx.file) => problems.push({ file, key: `${base}.${key}`, message });
  const preset = raw.preset ?? 'generic';

  const composeList = Array.isArray(raw.compose) ? raw.compose : [raw.compose];
  const composeFiles = composeList.map((p, k) => {
    const abs = path.resolve(ctx.dir, p);
    const key = Array.isArray(raw.compose) ? `compose[${k}]` : 'compose';
    if (!existsSync(abs)) add(key, `file not found: ${abs}`);
    else if (statSync(abs).isDirectory()) add(key, `is a directory, expected a compose file: ${abs}`);
    return abs;
  });

  let envFile: string | undefined;
  let env: ReadonlyMap<string, string> = new Map();
  if (raw.envFile) {
    envFile = path.resolve(ctx.dir, raw.envFile);
    try {
      env = readEnvFile(envFile);
    } catch (e) {
      if (e instanceof EnvSyntaxError) add('envFile', e.message, envFile);
      else if (e instanceof OpsdeckError) add('envFile', e.message);
      else throw e;
    }
  } else if (preset === 'memos') {
    add('envFile', 'is required for the memos preset (the file passed to compose as --env-file)');
  }

  if (raw.runtime === 'swarm' && !raw.swarm) add('swarm', 'is required with runtime swarm: the manager\'s engine address (swarm: { manager: tcp://… })');
  if (raw.swarm && raw.runtime !== 'swarm') add('runtime', 'must be "swarm" when a swarm: section is given');
  if (raw.docker && raw.runtime === 'swarm') add('docker', 'a Swarm stack is reached through swarm.manager; docker: is for a compose stack on another engine');
  const docker = raw.docker && raw.runtime !== 'swarm' ? dockerSettings(raw.docker, ctx.dir, add) : null;
  const roles = applyPreset(preset, raw, env, envFile);
  for (const p of roles.problems) add(p.key, p.message);
  if (problems.length > before) return null;

  return {
    name: raw.name,
    title: raw.title ?? raw.name,
    preset,
    runtime: raw.runtime ?? 'compose',
    ...(raw.swarm ? { swarm: raw.swarm } : {}),
    ...(docker ? { docker } : {}),
    projectName: raw.project ?? raw.name,
    composeFiles,
    ...(envFile ? { envFile } : {}),
    // Compose's own default project directory: relative paths inside the compose file resolve from here.
    workingDir: path.dirname(composeFiles[0]),
    backupDir: raw.backups?.dir ? path.resolve(ctx.dir, raw.backups.dir) : path.join(ctx.dataDir, 'backups', raw.name),
    ...(raw.backups?.download ? { backupDownload: raw.backups.download } : {}),
    backupSet: backupSetOf(raw.backups, preset),
    ...(raw.backups?.pitr ? { pitr: pitrSettings(raw.backups.pitr) } : {}),
    ...(roles.database ? { database: roles.database } : {}),
    ...(roles.app ? { app: withMigrationsDir(roles.app, raw.app?.migrationsDir, ctx.dir) } : {}),
    ai: roles.ai,
    ...(raw.deploy ? { deploy: deploySettings(raw.deploy) } : {}),
    ...(raw.offsite?.length ? { offsite: offsiteTargets(raw.offsite) } : {}),
    source: `${displayPath(ctx.file, ctx.cwd)}: ${base}`,
  };
}

/** Relative to the config file, like every other path in it. */
function withMigrationsDir(app: AppRole, dir: string | undefined, base: string): AppRole {
  return dir ? { ...app, migrationsDir: path.resolve(base, dir) } : app;
}

/**
 * A stack with a shape error still gets its file paths checked, so a missing compose or env file
 * is not revealed only after the typo next to it is fixed.
 */
function checkFilesOfInvalid(el: unknown, index: number, ctx: BuildContext, issues: readonly { path: PropertyKey[] }[], problems: ConfigProblem[]): void {
  if (!el || typeof el !== 'object') return;
  const bad = new Set(issues.map((i) => i.path[0]));
  const { compose, envFile } = el as { compose?: unknown; envFile?: unknown };
  const check = (rel: unknown, key: string) => {
    if (typeof rel !== 'string' || rel.trim() === '') return;
    const abs = path.resolve(ctx.dir, rel);
    if (!existsSync(abs)) problems.push({ file: ctx.file, key: `stacks[${index}].${key}`, message: `file not found: ${abs}` });
  };
  if (!bad.has('compose')) {
    if (Array.isArray(compose)) compose.forEach((c, k) => check(c, `compose[${k}]`));
    else check(compose, 'compose');
  }
  if (!bad.has('envFile')) check(envFile, 'envFile');
}

/** Duplicate names and compose projects: two stacks sharing a project would act on each other's containers. */
function checkUnique(file: string, stacks: readonly unknown[], problems: ConfigProblem[]): void {
  const names = new Map<string, number>();
  const projects = new Map<string, number>();
  stacks.forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    const { name, project } = s as { name?: unknown; project?: unknown };
    if (typeof name === 'string') {
      const first = names.get(name);
      if (first !== undefined) problems.push({ file, key: `stacks[${i}].name`, message: `duplicate stack name "${name}" (also stacks[${first}])` });
      else names.set(name, i);
    }
    const effective = typeof project === 'string' ? project : typeof name === 'string' ? name : undefined;
    if (effective === undefined) return;
    const first = projects.get(effective);
    // A shared default project is already reported as a duplicate name; say it once.
    const sameDefault = typeof project !== 'string' && names.get(effective) !== undefined && names.get(effective) !== i;
    if (first !== undefined && !sameDefault) {
      const key = typeof project === 'string' ? `stacks[${i}].project` : `stacks[${i}].name`;
      problems.push({ file, key, message: `duplicate compose project "${effective}" (also stacks[${first}])${typeof project === 'string' ? '' : '; the project defaults to the stack name, set "project" to tell them apart'}` });
    } else if (first === undefined) projects.set(effective, i);
  });
}

/**
 * Loads every stack from the config file, or the built-in demo stack when there is none.
 * Throws one ConfigError listing every problem found.
 */
export function loadStacks(opts: LoadOptions = {}): Stack[] {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const location = locateConfig({ ...opts, cwd, env });
  if (location.demo || !location.path) return [demoStack(cwd, env)];

  const file = location.path;
  const doc = readDocument(file, location.via);
  if ('problems' in doc) throw new ConfigError(doc.problems);
  const root = doc.root;
  if (root === null || root === undefined) {
    throw new ConfigError([{ file, key: '', message: 'the file is empty; it must contain a "stacks:" list' }]);
  }

  const problems: ConfigProblem[] = [];
  const top = configSchema.safeParse(root);
  if (!top.success) problems.push(...issuesToProblems(file, top.error.issues, root));
  const rawStacks = Array.isArray((root as { stacks?: unknown }).stacks) ? (root as { stacks: unknown[] }).stacks : [];

  const ctx: BuildContext = { file, dir: path.dirname(file), cwd, dataDir: dataDirOf(cwd, env) };
  const stacks: Stack[] = [];
  rawStacks.forEach((el, i) => {
    const parsed = stackSchema.safeParse(el);
    if (!parsed.success) {
      problems.push(...issuesToProblems(file, parsed.error.issues, root, ['stacks', i]));
      checkFilesOfInvalid(el, i, ctx, parsed.error.issues, problems);
      return;
    }
    const stack = buildStack(parsed.data, i, ctx, problems);
    if (stack) stacks.push(stack);
  });
  checkUnique(file, rawStacks, problems);

  if (problems.length > 0) {
    // Report in file order, so the list reads top to bottom like the file.
    const order = (p: ConfigProblem) => Number(/^stacks\[(\d+)\]/.exec(p.key)?.[1] ?? -1);
    throw new ConfigError(problems.map((p, n) => ({ p, n })).sort((a, b) => order(a.p) - order(b.p) || a.n - b.n).map(({ p }) => p));
  }
  return stacks;
}
