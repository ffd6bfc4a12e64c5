import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OpsdeckError } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { readStackEnv } from './env-file';
import { DsnError, parsePostgresDsn } from './dsn';
import type { Stack } from './types';

/** What a PostgreSQL client needs. Holds a password: never log it, pass it through lib/secrets first. */
export interface DatabaseConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /**
   * For a database that runs as a stack service: the same server as seen from inside its own
   * container, which Opsdeck uses through the Docker Engine when host:port does not answer from
   * where it runs (the seed publishes PostgreSQL only when POSTGRES_PORT_MAPPING is set).
   */
  via?: { service: string; host: string; port: number };
}

const fail = (message: Said, cause?: unknown) => new OpsdeckError('config_invalid', message, { cause });

function whereOf(stack: Stack): Said {
  return stack.envFile ? say('errors.db.whereEnv', { file: stack.envFile }) : say('errors.db.whereStack', { stack: stack.name });
}

/**
 * A variable's value, honouring the `<NAME>_FILE` convention of the postgres image and Memos's
 * entrypoint: the variable names a file holding the secret. Setting both is an error there, so it
 * is here too: guessing which one the container used would make Opsdeck log in with the wrong one.
 * Relative paths resolve from the env file's directory, like every other path the operator writes.
 */
export function readSecretVar(stack: Stack, env: ReadonlyMap<string, string>, name: string): string | undefined {
  const direct = env.get(name);
  const fileVar = `${name}_FILE`;
  const file = env.get(fileVar);
  if (direct && file) throw fail(say('errors.db.bothSet', { name, fileVar, where: whereOf(stack) }));
  if (!file) return direct || undefined;

  const base = stack.envFile ? path.dirname(stack.envFile) : stack.workingDir;
  const abs = path.resolve(base, file);
  let content: string;
  try {
    content = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT'
      ? say('errors.db.fileNotOnHost')
      : code === 'EACCES' ? say('errors.db.fileDenied') : say('errors.db.fileUnreadable');
    throw fail(say('errors.db.pointsTo', { fileVar, where: whereOf(stack), path: abs, why }), e);
  }
  // Secret files usually end with a newline the secret does not contain (the entrypoints' $(< file) drops it too).
  return content.replace(/[\r\n]+$/, '') || undefined;
}

function listNames(names: string[]): string | Said {
  return names.length <= 1 ? names.join('') : say('errors.db.andList', { list: names.slice(0, -1).join(', '), last: names[names.length - 1] });
}

/**
 * How Opsdeck reaches the stack's database, read fresh from its env file. With `dsnVar` set and
 * present, the DSN wins. A DSN written for the compose network names the database service
 * (`@postgres:5432`), which does not resolve from the host, so that host is swapped for the role's
 * host and port, the address published to the host.
 */
export function resolveDatabase(stack: Stack, env: ReadonlyMap<string, string> = readStackEnv(stack)): DatabaseConnection {
  const role = stack.database;
  if (!role) throw fail(say('errors.db.noDatabase', { stack: stack.name }));

  if (role.dsnVar) {
    const dsn = readSecretVar(stack, env, role.dsnVar);
    if (dsn) {
      let parts;
      try {
        parts = parsePostgresDsn(dsn);
      } catch (e) {
        if (e instanceof DsnError) throw fail(say('errors.db.badDsn', { name: role.dsnVar, where: whereOf(stack), why: e.message }));
        throw e;
      }
      if (!parts.user) throw fail(say('errors.db.dsnNoUser', { name: role.dsnVar, where: whereOf(stack) }));
      const internal = !parts.host || (role.service !== undefined && parts.host === role.service);
      return {
        ...(internal && role.service ? { via: { service: role.service, host: '127.0.0.1', port: parts.port ?? 5432 } } : {}),
        host: internal ? role.host : parts.host!,
        port: internal ? role.port : (parts.port ?? 5432),
        user: parts.user,
        password: parts.password ?? '',
        // libpq's own default when the DSN names no database.
        database: parts.database ?? parts.user,
      };
    }
  }

  const user = readSecretVar(stack, env, role.userVar);
  const password = readSecretVar(stack, env, role.passwordVar);
  const database = readSecretVar(stack, env, role.databaseVar);
  const missing: string[] = [];
  if (!user) missing.push(role.userVar);
  if (!password) missing.push(role.passwordVar);
  if (!database) missing.push(role.databaseVar);
  if (missing.length > 0) {
    const hint = role.dsnVar ? say('errors.db.dsnHint', { name: role.dsnVar }) : '';
    const params = { names: listNames(missing), where: whereOf(stack), hint, stack: stack.name };
    throw fail(missing.length === 1 ? say('errors.db.missingOne', params) : say('errors.db.missingMany', params));
  }
  const via = role.service ? { via: { service: role.service, host: '127.0.0.1', port: 5432 } } : {};
  return { host: role.host, port: role.port, user: user!, password: password!, database: database!, ...via };
}
