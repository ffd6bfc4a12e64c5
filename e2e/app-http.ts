/**
 * Requests to the demo app from the e2e tests. The engine lives in its own network namespace
 * (scripts/test-bed.sh), so the app's published port is not reachable from here: like Opsdeck, the
 * tests go through the engine (lib/reach/http.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { stackFetch } from '../lib/reach/http';
import { demoStack } from '../lib/stacks/demo-stack';
import { STATE_FILE, type E2EState } from './fixtures';

export function appFetch(p: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;
  const port = /^MEMOS_PORT=(\d+)$/m.exec(fs.readFileSync(state.envFile, 'utf8'))?.[1];
  const stack = demoStack(path.resolve('.'), { OPSDECK_DEMO_ENV_FILE: state.envFile, OPSDECK_DEMO_PROJECT: state.projectName });
  return stackFetch(stack, `http://127.0.0.1:${port}${p}`, { service: 'memos', timeoutMs: 30_000, ...init });
}
