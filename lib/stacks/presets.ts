import type { AiSettings, AppRole, DatabaseRole, DeploySettings, PresetName, Stack } from './types';
import type { RawStack } from './config-schema';

/**
 * Preset defaults. `memos` encodes how the Memos stack is deployed today (seed-ops.md):
 * a `postgres` service with the official image's POSTGRES_* variables and a `memos` service with
 * `/healthz`. Ports come from the env file because that is where operators change them.
 */

export const MEMOS_SCHEMA_VERSION_QUERY = "SELECT value FROM system_setting WHERE name='schema_version'";
export const DEFAULT_DB_HOST = '127.0.0.1';
export const DEFAULT_DB_PORT = 5432;
export const DEFAULT_MEMOS_PORT = 5230;

/** compose's own behaviour: pull what is missing, build only what has no image yet. */
export const DEFAULT_DEPLOY: DeploySettings = { pull: 'missing', build: false };

export function deploySettings(raw: RawStack['deploy']): DeploySettings {
  return { pull: raw?.pull ?? DEFAULT_DEPLOY.pull, build: raw?.build ?? DEFAULT_DEPLOY.build };
}

export const deploySettingsOf = (stack: Stack): DeploySettings => stack.deploy ?? DEFAULT_DEPLOY;

/** The official postgres image's variables: the sensible default for any stack, not only Memos. */
const POSTGRES_VARS = { userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB' } as const;

export interface PresetResult {
  database?: DatabaseRole;
  app?: AppRole;
  ai: AiSettings;
  /** Problems relative to the stack, e.g. `{ key: 'app.service', … }`; the loader prefixes `stacks[i].`. */
  problems: { key: string; message: string }[];
}

/**
 * A port taken from the env file. Invalid values are reported rather than replaced by the
 * default, because probing the default port would silently check the wrong thing.
 */
function portFromEnv(
  env: ReadonlyMap<string, string>,
  envLabel: string,
  name: string,
  fallback: number,
  problems: PresetResult['problems'],
): number {
  const raw = env.get(name)?.trim();
  if (!raw) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  problems.push({ key: 'envFile', message: `${name}=${JSON.stringify(raw)} in ${envLabel} is not a port number (1-65535)` });
  return fallback;
}

function aiSettings(raw: RawStack['ai'], defaultSource: AiSettings['source'], defaultPrefix?: string): AiSettings {
  const source = raw?.source ?? defaultSource;
  if (source === 'none') return { source };
  const envPrefix = raw?.envPrefix ?? defaultPrefix;
  return envPrefix ? { source, envPrefix } : { source };
}

/** `envLabel` names the env file in messages (its path, when there is one). */
export function applyPreset(preset: PresetName, raw: RawStack, env: ReadonlyMap<string, string>, envLabel = 'the env file'): PresetResult {
  const problems: PresetResult['problems'] = [];
  const db = raw.database;
  const app = raw.app;

  if (preset === 'memos') {
    const database: DatabaseRole = {
      service: db?.service ?? 'postgres',
      host: db?.host ?? DEFAULT_DB_HOST,
      port: db?.port ?? portFromEnv(env, envLabel, 'POSTGRES_PORT', DEFAULT_DB_PORT, problems),
      userVar: db?.userVar ?? POSTGRES_VARS.userVar,
      passwordVar: db?.passwordVar ?? POSTGRES_VARS.passwordVar,
      databaseVar: db?.databaseVar ?? POSTGRES_VARS.databaseVar,
      ...(db?.dsnVar ? { dsnVar: db.dsnVar } : {}),
    };
    // Only consult MEMOS_PORT when it matters, so a bad value there does not block an explicit healthUrl.
    const healthUrl = app?.healthUrl
      ?? `http://127.0.0.1:${portFromEnv(env, envLabel, 'MEMOS_PORT', DEFAULT_MEMOS_PORT, problems)}/healthz`;
    return {
      database,
      app: {
        service: app?.service ?? 'memos',
        healthUrl,
        schemaVersionQuery: app?.schemaVersionQuery ?? MEMOS_SCHEMA_VERSION_QUERY,
      },
      ai: aiSettings(raw.ai, 'env', 'MEMOS_AI_'),
      problems,
    };
  }

  // generic: a role exists only when declared; its missing fields fall back to postgres-image conventions.
  let database: DatabaseRole | undefined;
  if (db) {
    database = {
      ...(db.service ? { service: db.service } : {}),
      host: db.host ?? DEFAULT_DB_HOST,
      port: db.port ?? portFromEnv(env, envLabel, 'POSTGRES_PORT', DEFAULT_DB_PORT, problems),
      userVar: db.userVar ?? POSTGRES_VARS.userVar,
      passwordVar: db.passwordVar ?? POSTGRES_VARS.passwordVar,
      databaseVar: db.databaseVar ?? POSTGRES_VARS.databaseVar,
      ...(db.dsnVar ? { dsnVar: db.dsnVar } : {}),
    };
  }
  let appRole: AppRole | undefined;
  if (app) {
    if (!app.service) problems.push({ key: 'app.service', message: 'is required for the generic preset (the compose service running the app)' });
    else appRole = { service: app.service, ...(app.healthUrl ? { healthUrl: app.healthUrl } : {}), ...(app.schemaVersionQuery ? { schemaVersionQuery: app.schemaVersionQuery } : {}) };
  }
  // Giving a prefix is a clear enough statement that the AI settings live in the env file.
  return { database, app: appRole, ai: aiSettings(raw.ai, raw.ai?.envPrefix ? 'env' : 'none'), problems };
}
