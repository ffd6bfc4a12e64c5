import { z } from 'zod';
import { BACKUP_SET_KEYS, backupSetShape } from './backup-set-schema';
import { keyPath, type ConfigProblem } from './config-error';
import { runtimeSchema, swarmSchema, SWARM_KEYS } from './swarm-schema';
import { DOCKER_KEYS, DOCKER_TLS_KEYS, dockerSchema } from './docker-schema';
import { OFFSITE_KNOWN_KEYS, offsiteSchema } from './offsite-schema';
import { PITR_KEYS, pitrSchema } from './pitr-schema';

/**
 * Shape of `opsdeck.yaml`. Objects are strict so a typo (`composeFile`, `env_file`) is reported
 * instead of silently ignored and replaced by a default. Cross-field and filesystem checks (files
 * exist, names unique, preset requirements) live in load-config.ts, which needs the file's location.
 */

export const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Compose's own rule for project names; anything else is rejected by `docker compose -p`. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });
const port = z.number({ error: 'must be a port number' }).int({ error: 'must be a whole number' })
  .min(1, { error: 'must be between 1 and 65535' }).max(65535, { error: 'must be between 1 and 65535' });
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name like POSTGRES_USER' });
const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, { error: 'must be a full http:// or https:// URL' });

export const databaseSchema = z.strictObject({
  service: nonEmpty.optional(),
  host: nonEmpty.optional(),
  port: port.optional(),
  userVar: envVarName.optional(),
  passwordVar: envVarName.optional(),
  databaseVar: envVarName.optional(),
  dsnVar: envVarName.optional(),
});

export const appSchema = z.strictObject({
  service: nonEmpty.optional(),
  healthUrl: httpUrl.optional(),
  schemaVersionQuery: nonEmpty.optional(),
  migrationsDir: nonEmpty.optional(),
});

export const aiSchema = z.strictObject({
  source: z.enum(['env', 'none'], { error: 'must be "env" or "none"' }).optional(),
  envPrefix: envVarName.optional(),
});

export const deploySchema = z.strictObject({
  pull: z.enum(['missing', 'always', 'never'], { error: 'must be "missing", "always" or "never"' }).optional(),
  build: z.boolean({ error: 'must be true or false' }).optional(),
});

export const stackSchema = z.strictObject({
  name: z.string().regex(STACK_NAME, { error: 'must be 1-40 characters: lowercase letters, digits and "-", starting with a letter or digit' }),
  title: nonEmpty.optional(),
  preset: z.enum(['memos', 'generic'], { error: 'must be "memos" or "generic"' }).optional(),
  compose: z.union([nonEmpty, z.array(nonEmpty).min(1, { error: 'must list at least one compose file' })], {
    error: 'must be a file path or a list of file paths',
  }),
  envFile: nonEmpty.optional(),
  project: z.string().regex(PROJECT_NAME, { error: 'must be lowercase letters, digits, "_" and "-", starting with a letter or digit (compose\'s rule)' }).optional(),
  backups: z
    .strictObject({
      dir: nonEmpty.optional(),
      // Who may pull a full database dump off the host: admins unless the stack's owner says otherwise.
      download: z.enum(['admin', 'operator', 'viewer'], { error: 'must be "admin", "operator" or "viewer"' }).optional(),
      ...backupSetShape,
      pitr: pitrSchema.optional(),
    })
    .optional(),
  database: databaseSchema.optional(),
  app: appSchema.optional(),
  ai: aiSchema.optional(),
  deploy: deploySchema.optional(),
  runtime: runtimeSchema.optional(),
  swarm: swarmSchema.optional(),
  docker: dockerSchema.optional(),
  offsite: offsiteSchema.optional(),
});

export const configSchema = z.strictObject({
  stacks: z.array(z.unknown(), { error: 'must be a list of stacks' }).min(1, { error: 'must define at least one stack' }),
});

export type RawStack = z.infer<typeof stackSchema>;

/** Allowed keys per object, for "did you mean" hints; keyed by the object's schema. */
const KNOWN_KEYS: [string, string[]][] = [
  ['config', Object.keys(configSchema.shape)],
  ['stack', Object.keys(stackSchema.shape)],
  ['database', Object.keys(databaseSchema.shape)],
  ['app', Object.keys(appSchema.shape)],
  ['ai', Object.keys(aiSchema.shape)],
  ['deploy', Object.keys(deploySchema.shape)],
  ['backups', ['dir', 'download', ...BACKUP_SET_KEYS, 'pitr']],
  ['swarm', SWARM_KEYS],
  ['docker', DOCKER_KEYS],
  ['tls', DOCKER_TLS_KEYS],
  ...OFFSITE_KNOWN_KEYS,
  ['pitr', PITR_KEYS],
];

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const last = path[path.length - 1];
  if (path.length === 0) return KNOWN_KEYS[0][1];
  // A list item: its list's keys (an offsite target), else a stack's.
  if (typeof last === 'number') return KNOWN_KEYS.find(([k]) => k === path[path.length - 2])?.[1] ?? KNOWN_KEYS[1][1];
  return KNOWN_KEYS.find(([k]) => k === last)?.[1] ?? [];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Closest known key, if close enough to be a likely typo (`env_file`, `composeFile`, `Projct`). */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const u = norm(unknown);
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const k = norm(key);
    const d = k === u ? 0 : u.length >= 3 && (u.startsWith(k) || k.startsWith(u)) ? 1 : distance(u, k);
    // Short keys get a tight budget: two edits turn "db" into "ai", which would be a wrong hint.
    const budget = k.length <= 4 ? 1 : Math.max(2, Math.floor(k.length / 3));
    if (d <= budget && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);
const EXPECTED: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false' };

/** Zod issues → plain-words problems, one per issue, with the key path relative to the file. */
export function issuesToProblems(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  prefix: readonly PropertyKey[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const k of issue.keys) {
        const hint = suggestKey(k, known);
        problems.push({
          file,
          key: keyPath([...path, k]),
          message: `unknown key "${k}"${hint ? ` — did you mean "${hint}"?` : ''} (allowed: ${known.join(', ')})`,
        });
      }
      continue;
    }
    const value = valueAt(root, path);
    let message = issue.message;
    // Zod words a missing key as a type/enum/union mismatch; "is required" is what the operator needs to read.
    if (value === undefined && issue.code !== 'custom') message = 'is required';
    else if (path.length === 0 && issue.code === 'invalid_type') message = `the top level must be a mapping with a "stacks:" list, got ${describe(value)}`;
    else if (issue.code === 'invalid_type' && !/^must /.test(message)) message = `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describe(value)}`;
    problems.push({ file, key: keyPath(path), message });
  }
  return problems;
}
