import { backupSetOf } from './backup-set-schema';
import path from 'node:path';
import { dataDirPath } from '@/lib/data-dir';
import { ConfigError } from './config-error';
import { PROJECT_NAME } from './config-schema';
import { EnvSyntaxError, readEnvFile } from './env-file';
import { applyPreset } from './presets';
import type { Stack } from './types';

export type EnvLike = Readonly<Record<string, string | undefined>>;

/** Where Opsdeck keeps its own state (backups by default); relative values resolve from the working directory. */
export function dataDirOf(cwd: string, env: EnvLike): string {
  return dataDirPath(env, cwd);
}

export const DEMO_STACK_NAME = 'demo';
export const DEMO_PROJECT = 'opsdeck-demo';

/**
 * The stack used when no config exists, so a fresh checkout shows something real. Its files ship
 * in the repo (examples/demo); the env-file and project overrides let tests and side-by-side
 * installs point it elsewhere without writing a config.
 */
export function demoStack(cwd: string, env: EnvLike): Stack {
  const demoDir = path.resolve(cwd, 'examples', 'demo');
  const envFile = env.OPSDECK_DEMO_ENV_FILE?.trim() ? path.resolve(cwd, env.OPSDECK_DEMO_ENV_FILE.trim()) : path.join(demoDir, '.env');
  const projectName = env.OPSDECK_DEMO_PROJECT?.trim() || DEMO_PROJECT;
  if (!PROJECT_NAME.test(projectName)) {
    throw new ConfigError([{
      file: '(environment)',
      key: 'OPSDECK_DEMO_PROJECT',
      message: `"${projectName}" is not a valid compose project name (lowercase letters, digits, "_" and "-", starting with a letter or digit)`,
    }]);
  }

  // An unreadable demo env file is not fatal here: the stack still lists, and readStackEnv names
  // the missing file when something needs it. A syntax error is the operator's to fix, so it throws.
  let vars: ReadonlyMap<string, string> = new Map();
  try {
    vars = readEnvFile(envFile);
  } catch (e) {
    if (e instanceof EnvSyntaxError) {
      throw new ConfigError([{ file: envFile, key: 'OPSDECK_DEMO_ENV_FILE', message: e.message }]);
    }
  }
  const roles = applyPreset('memos', { name: DEMO_STACK_NAME, compose: 'compose.yml' }, vars, envFile);
  if (roles.problems.length > 0) {
    throw new ConfigError(roles.problems.map((p) => ({ file: envFile, key: 'OPSDECK_DEMO_ENV_FILE', message: p.message })));
  }

  const composeFile = path.join(demoDir, 'compose.yml');
  return {
    name: DEMO_STACK_NAME,
    title: 'Demo (Memos)',
    preset: 'memos',
    runtime: 'compose',
    projectName,
    composeFiles: [composeFile],
    envFile,
    workingDir: demoDir,
    backupDir: path.join(dataDirOf(cwd, env), 'backups', DEMO_STACK_NAME),
    backupSet: backupSetOf(undefined, 'memos'),
    database: roles.database,
    app: roles.app && { ...roles.app, migrationsDir: path.join(demoDir, 'migrations') },
    ai: roles.ai,
    source: 'built-in demo stack (no opsdeck.yaml found)',
  };
}
