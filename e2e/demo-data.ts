/**
 * The e2e demo stack's data, read and changed from the tests as a person with shell access would:
 * its database through the engine (lib/postgres, like Opsdeck: the engine's namespace is not
 * reachable directly) and files in the app's `memos_data` volume through `docker exec`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { withPgClient } from '../lib/postgres/client';
import { demoStack } from '../lib/stacks/demo-stack';
import { readEnvFile } from '../lib/stacks/env-file';
import { STATE_FILE, type E2EState } from './fixtures';

export const e2eState = (): E2EState => JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;

/** Runs `fn` with a client connected to the demo stack's database (as its owner). */
export function withDemoDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const state = e2eState();
  const stack = demoStack(path.resolve('.'), { OPSDECK_DEMO_ENV_FILE: state.envFile, OPSDECK_DEMO_PROJECT: state.projectName });
  const env = readEnvFile(state.envFile);
  const conn = {
    host: '127.0.0.1', port: 5432, user: env.get('POSTGRES_USER') ?? 'memos', password: env.get('POSTGRES_PASSWORD') ?? '', database: env.get('POSTGRES_DB') ?? 'memos',
    via: { service: 'postgres', host: '127.0.0.1', port: 5432 },
  };
  return withPgClient(stack, conn, { connectionTimeoutMillis: 15_000 }, fn);
}

/** Every memo row, in id order, as text (the whole row: a restore must bring back each column). */
export function memoRows(): Promise<string[]> {
  return withDemoDb(async (c) => (await c.query<{ row: string }>('SELECT m::text AS row FROM memo m ORDER BY m.id')).rows.map((r) => r.row));
}

function appContainer(): string {
  const { projectName } = e2eState();
  const id = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${projectName}`, '--filter', 'label=com.docker.compose.service=memos']).toString().trim();
  if (!id || id.includes('\n')) throw new Error(`expected one running memos container of ${projectName}, got "${id}"`);
  return id;
}

// The app image has node but no promise of a shell: files are handled with node inside the container.
const NODE_FS = {
  write: "require('fs').writeFileSync(process.argv[1], process.argv[2])",
  read: "const fs = require('fs'); process.stdout.write(fs.existsSync(process.argv[1]) ? fs.readFileSync(process.argv[1], 'utf8') : '<missing>')",
  remove: "require('fs').rmSync(process.argv[1], { force: true })",
};

/** A file in the app's data volume (mounted at /var/opt/memos), as Memos keeps attachments there. */
export const volumeFile = {
  write: (name: string, text: string) => void execFileSync('docker', ['exec', appContainer(), 'node', '-e', NODE_FS.write, `/var/opt/memos/${name}`, text]),
  read: (name: string) => execFileSync('docker', ['exec', appContainer(), 'node', '-e', NODE_FS.read, `/var/opt/memos/${name}`]).toString(),
  remove: (name: string) => void execFileSync('docker', ['exec', appContainer(), 'node', '-e', NODE_FS.remove, `/var/opt/memos/${name}`]),
};
