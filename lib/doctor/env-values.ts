/**
 * Checks of what the env file's values mean, not only whether they are set: a port that is not a
 * port, a switch that is not true/false, a DSN whose user, password or database disagree with the
 * database's own variables (the app then cannot log in), an AI base URL that is not a URL. Findings
 * name the key and line, never the value.
 */
import { DsnError, parsePostgresDsn } from '@/lib/stacks/dsn';
import type { Stack } from '@/lib/stacks/types';
import type { Finding } from './types';

type At = (key: string) => string;

const PORT_KEY = /(^|_)PORT$/;
const BOOL_KEY = /(^|_)(ENABLED|DISABLED|DEBUG)$/;
const URL_KEY = /_(BASE_URL|INSTANCE_URL)$/;

function isUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The env var holding the app's DSN: the config's dsnVar, or Memos' own MEMOS_DSN. */
export function dsnVarOf(stack: Stack): string | undefined {
  return stack.database?.dsnVar ?? (stack.preset === 'memos' ? 'MEMOS_DSN' : undefined);
}

function typeFindings(env: ReadonlyMap<string, string>, at: At): Finding[] {
  const out: Finding[] = [];
  for (const [key, raw] of env) {
    const v = raw.trim();
    if (v === '' || /_FILE$/.test(key)) continue;
    if (PORT_KEY.test(key) && !(/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535)) {
      out.push({ kind: 'wrong-type', severity: 'error', title: `${key} is not a port number`, where: at(key), fix: `Set ${key} to a whole number between 1 and 65535.` });
    } else if (BOOL_KEY.test(key) && !/^(true|false|1|0|yes|no|on|off)$/i.test(v)) {
      out.push({ kind: 'wrong-type', severity: 'error', title: `${key} is not true or false`, where: at(key), fix: `Set ${key} to true or false.` });
    } else if (URL_KEY.test(key) && !isUrl(v)) {
      out.push({ kind: 'wrong-type', severity: 'error', title: `${key} is not an http(s) URL`, where: at(key), fix: `Set ${key} to a full URL such as https://api.example.com/v1.` });
    }
  }
  return out;
}

function dsnFindings(stack: Stack, env: ReadonlyMap<string, string>, at: At): Finding[] {
  const db = stack.database;
  const dsnVar = dsnVarOf(stack);
  const dsn = dsnVar ? env.get(dsnVar)?.trim() : undefined;
  if (!db || !dsnVar || !dsn) return [];
  let parts;
  try {
    parts = parsePostgresDsn(dsn);
  } catch (e) {
    if (!(e instanceof DsnError)) throw e;
    return [{ kind: 'dsn-mismatch', severity: 'error', title: `${dsnVar} is not a valid PostgreSQL connection string`, where: at(dsnVar), fix: `${e.message}. Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.` }];
  }
  const out: Finding[] = [];
  const pairs: [string, string | undefined, string][] = [
    ['user', parts.user, db.userVar],
    ['password', parts.password, db.passwordVar],
    ['database', parts.database, db.databaseVar],
  ];
  for (const [what, inDsn, varName] of pairs) {
    const expected = env.get(varName);
    if (inDsn === undefined || !expected || inDsn === expected) continue;
    out.push({
      kind: 'dsn-mismatch',
      severity: 'error',
      title: `The ${what} in ${dsnVar} does not match ${varName}`,
      where: `${at(dsnVar)} and ${at(varName)}`,
      fix: `Make the ${what} in ${dsnVar} the same as ${varName}: the app logs in with the DSN, the database was set up with ${varName}.`,
    });
  }
  const loopback = parts.host === '127.0.0.1' || parts.host === 'localhost';
  const pgPort = env.get('POSTGRES_PORT')?.trim();
  if (loopback && parts.port && pgPort && /^\d+$/.test(pgPort) && Number(pgPort) !== parts.port) {
    out.push({ kind: 'dsn-mismatch', severity: 'warning', title: `The port in ${dsnVar} is not POSTGRES_PORT`, where: `${at(dsnVar)} and ${at('POSTGRES_PORT')}`, fix: `With the database on this host, ${dsnVar} should use port ${pgPort}.` });
  }
  return out;
}

export function checkEnvValues(stack: Stack, env: ReadonlyMap<string, string>, at: At): Finding[] {
  return [...typeFindings(env, at), ...dsnFindings(stack, env, at)];
}
