/**
 * A PostgreSQL server outside Docker, for the stacks whose database is "external" (reached by a
 * DSN, backed up with the host's pg_dump): Debian's postgresql-15 on this machine, a throw-away
 * cluster on a free loopback port, run as the `postgres` system user (the server refuses root).
 * Its major version matches the host's client tools, as an operator's external server must.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './demo-stack';

const BIN = '/usr/lib/postgresql/15/bin';

export interface HostPostgres {
  port: number;
  user: string;
  password: string;
  database: string;
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

const asPostgres = (args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

export async function startHostPostgres(): Promise<HostPostgres> {
  if (!fs.existsSync(`${BIN}/postgres`)) throw new Error(`${BIN}/postgres is missing: scripts/setup-env.sh installs postgresql-15`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-hostpg-'));
  fs.chmodSync(dir, 0o755);
  execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const password = `ext-${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, `${password}\n`);
  execFileSync('chown', ['postgres:postgres', pwfile]);
  asPostgres([`${BIN}/initdb`, '-D', data, '-U', 'memos', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  asPostgres([`${BIN}/pg_ctl`, '-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'memos', password, database: 'memos' });
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  };
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'memos', password, database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE memos');
  await admin.end();
  return {
    port, user: 'memos', password, database: 'memos', sql,
    stop: async () => {
      try {
        asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
