/**
 * Checks of what the env file's values mean, not only whether they are set: a port that is not a
 * port, a switch that is not true/false, a DSN whose user, password or database disagree with the
 * database's own variables (the app then cannot log in), an AI base URL that is not a URL. Findings
 * name the key and line, never the value.
 */
import { DsnError, parsePostgresDsn } from '@/lib/stacks/dsn';
import type { Stack } from '@/lib/stacks/types';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { keyed, type Finding } from './types';

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
      out.push({ kind: 'wrong-type', severity: 'error', ...keyed(say('doctor.notPort', { key }), say('doctor.notPortFix', { key })), where: at(key) });
    } else if (BOOL_KEY.test(key) && !/^(true|false|1|0|yes|no|on|off)$/i.test(v)) {
      out.push({ kind: 'wrong-type', severity: 'error', ...keyed(say('doctor.notBool', { key }), say('doctor.notBoolFix', { key })), where: at(key) });
    } else if (URL_KEY.test(key) && !isUrl(v)) {
      out.push({ kind: 'wrong-type', severity: 'error', ...keyed(say('doctor.notUrl', { key }), say('doctor.notUrlFix', { key })), where: at(key) });
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
    // The parser's own words are quoted as they are.
    return [{ kind: 'dsn-mismatch', severity: 'error', ...keyed(say('doctor.dsnInvalid', { var: dsnVar }), say('doctor.dsnInvalidFix', { error: e.message })), where: at(dsnVar) }];
  }
  const out: Finding[] = [];
  const pairs: [Said, string | undefined, string][] = [
    [say('doctor.dsnUser'), parts.user, db.userVar],
    [say('doctor.dsnPassword'), parts.password, db.passwordVar],
    [say('doctor.dsnDatabase'), parts.database, db.databaseVar],
  ];
  for (const [what, inDsn, varName] of pairs) {
    const expected = env.get(varName);
    if (inDsn === undefined || !expected || inDsn === expected) continue;
    out.push({
      kind: 'dsn-mismatch',
      severity: 'error',
      ...keyed(say('doctor.dsnMismatch', { what, var: dsnVar, other: varName }), say('doctor.dsnMismatchFix', { what, var: dsnVar, other: varName })),
      where: `${at(dsnVar)} and ${at(varName)}`,
    });
  }
  const loopback = parts.host === '127.0.0.1' || parts.host === 'localhost';
  const pgPort = env.get('POSTGRES_PORT')?.trim();
  if (loopback && parts.port && pgPort && /^\d+$/.test(pgPort) && Number(pgPort) !== parts.port) {
    out.push({ kind: 'dsn-mismatch', severity: 'warning', ...keyed(say('doctor.dsnPort', { var: dsnVar }), say('doctor.dsnPortFix', { var: dsnVar, port: pgPort })), where: `${at(dsnVar)} and ${at('POSTGRES_PORT')}` });
  }
  return out;
}

export function checkEnvValues(stack: Stack, env: ReadonlyMap<string, string>, at: At): Finding[] {
  return [...typeFindings(env, at), ...dsnFindings(stack, env, at)];
}
