import { OpsdeckError } from '@/lib/errors';

/** One thing wrong with the configuration, located precisely enough to fix without guessing. */
export interface ConfigProblem {
  /** Absolute path of the file at fault (the config file, or the env file it points to). */
  file: string;
  /** Key path inside the config, e.g. `stacks[1].envFile`; empty when the whole file is at fault. */
  key: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return p.key ? `${p.file}: ${p.key}: ${p.message}` : `${p.file}: ${p.message}`;
}

/**
 * Every problem found in one pass, so an operator fixes the file once instead of replaying
 * "fix one error, restart, find the next".
 */
export class ConfigError extends OpsdeckError {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super('config_invalid', problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const isConfigError = (e: unknown): e is ConfigError => e instanceof ConfigError;

/** `['stacks', 1, 'envFile']` → `stacks[1].envFile`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
