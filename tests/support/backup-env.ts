/**
 * A real demo stack (PostgreSQL + the Memos stand-in) plus a temp Opsdeck data dir and store, and
 * the `Stack` Opsdeck builds for it: what backup/restore integration tests run against.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closeDb, openDb } from '../../lib/store/db';
import { clearStackCache, demoStack } from '../../lib/stacks';
import type { Stack } from '../../lib/stacks/types';
import { startDemoStack, type DemoStack, type StartDemoStackOptions } from './demo-stack';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface BackupEnv {
  demo: DemoStack;
  stack: Stack;
  dataDir: string;
  /** Env a child process needs to see the same stack and store. */
  env: Record<string, string>;
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[], database?: string): Promise<T[]>;
  addMemo(content: string): Promise<number>;
  memos(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Sets process.env so getStack('demo') inside lib/ resolves to this stack (the registry reads it). */
export async function startBackupEnv(opts: StartDemoStackOptions = {}): Promise<BackupEnv> {
  const demo = await startDemoStack(opts);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-backup-test-'));
  const env = { OPSDECK_DATA_DIR: dataDir, OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  delete process.env.OPSDECK_CONFIG;
  clearStackCache();
  openDb(path.join(dataDir, 'opsdeck.db'));
  const stack = demoStack(REPO_ROOT, env);

  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = [], database = demo.postgres.database): Promise<T[]> => {
    const client = await demo.pg(database);
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  const addMemo = async (content: string) => {
    const res = await demo.http('/api/memos', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content }) });
    if (res.status !== 201) throw new Error(`adding a memo: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  };
  const memos = async () => {
    const res = await demo.http('/api/memos');
    if (!res.ok) throw new Error(`listing memos: HTTP ${res.status}`);
    return ((await res.json()) as { content: string }[]).map((m) => m.content);
  };
  return {
    demo, stack, dataDir, env, sql, addMemo, memos,
    cleanup: async () => {
      closeDb();
      await demo.down().catch((e) => console.error(e));
      fs.rmSync(dataDir, { recursive: true, force: true });
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      clearStackCache();
    },
  };
}
