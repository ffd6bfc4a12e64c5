/**
 * The status recorder and live feed against a real demo stack: a container stopped behind
 * Opsdeck's back reaches subscribers as a new status, a stored timeline event and a failing probe;
 * samples and database checks keep coming; events that happen while the recorder is down are
 * replayed from the engine when it comes back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { closeDb, openDb } from '@/lib/store/db';
import { listEvents, StatusHub, type StatusMessage } from '@/lib/status';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const docker = new Docker();
let demo: DemoStack;
let stack: Stack;
let dataDir: string;
let hub: StatusHub;
const messages: StatusMessage[] = [];

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function memosContainer() {
  const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${demo.projectName}`, 'com.docker.compose.service=memos'] } });
  return docker.getContainer(c.Id);
}

const after = (from: number) => messages.slice(from);
const statusOf = (m: StatusMessage, service: string) => (m.type === 'status' ? m.status.services.find((s) => s.name === service) : undefined);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-hub-'));
  openDb(path.join(dataDir, 'opsdeck.db'));
  demo = await startDemoStack();
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
  hub = new StatusHub();
  hub.start({ stacks: () => [stack], sampleEveryMs: 1000, databaseEveryMs: 2000 });
  hub.subscribe(stack.name, (m) => messages.push(m));
});

afterAll(async () => {
  hub?.stop();
  await demo?.down();
  closeDb();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('status hub', () => {
  it('pushes samples, probes and database checks to a subscriber', async () => {
    const usage = await until('usage for both containers', () => {
      const ids = new Set(messages.flatMap((m) => (m.type === 'usage' ? m.points.map((p) => p.containerId) : [])));
      return ids.size === 2 && ids;
    });
    expect(Object.values(hub.history.of([...usage])).every((points) => points.length > 0)).toBe(true);
    const probe = await until('a probe', () => messages.find((m) => m.type === 'probe'));
    expect(probe).toMatchObject({ probe: { ok: true, httpStatus: 200, url: `${demo.appUrl}/healthz` } });
    const db = await until('a database check', () => messages.find((m) => m.type === 'database'));
    expect(db).toMatchObject({ database: { state: 'up', schema: { version: '0.1.0' } } });
  });

  it('a container stopped outside Opsdeck: new status, stored die event, failing probe', async () => {
    const from = messages.length;
    await (await memosContainer()).stop();
    const status = await until('memos stopped in a pushed status', () => after(from).find((m) => statusOf(m, 'memos')?.state === 'stopped'));
    expect(statusOf(status, 'memos')!.instances[0]).toMatchObject({ state: 'exited', exitCode: 0 });
    const die = await until('die event', () => after(from).find((m) => m.type === 'event' && m.event.action === 'die'));
    expect(die).toMatchObject({ event: { service: 'memos', text: 'memos exited cleanly (exit code 0)' } });
    expect(listEvents(stack.name).map((e) => e.action)).toEqual(expect.arrayContaining(['die', 'stop']));
    const probe = await until('failing probe', () => after(from).find((m) => m.type === 'probe' && !m.probe.ok));
    expect(probe).toMatchObject({ probe: { httpStatus: null, message: expect.stringContaining('connection refused') } });

    await (await memosContainer()).start();
    await until('memos running again', () => after(from).find((m) => statusOf(m, 'memos')?.state === 'running' || statusOf(m, 'memos')?.state === 'starting'));
  });

  it('replays from the engine what happened while the recorder was down', async () => {
    hub.stop();
    const c = await memosContainer();
    await c.restart();
    const second = new StatusHub();
    second.start({ stacks: () => [stack], sampleEveryMs: 60_000 });
    try {
      const restart = await until('replayed restart event', () => listEvents(stack.name).find((e) => e.action === 'restart'));
      expect(restart.service).toBe('memos');
      // Stored once, even though both recorders saw some of the same events.
      const ids = listEvents(stack.name).map((e) => `${e.action}@${e.at}`);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      second.stop();
    }
  });
});
