/**
 * lib/docker's status half against the real engine and a real demo stack: inspect, stats, the
 * event stream, and start/stop/restart by labels only (refusing what is not the stack's).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findBinaries, inspectStackContainers, runLifecycle, sampleStackUsage, statInContainer, watchStackEvents, type ContainerEvent,
} from '@/lib/docker';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const docker = new Docker();
let demo: DemoStack;
let stack: Stack;
let foreign: Docker.Container;
const events: ContainerEvent[] = [];
let watch: { close(): void };

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const containerOf = async (service: string) => (await inspectStackContainers(stack)).find((c) => c.service === service)!;
const healthy = async (service: string) => (await containerOf(service))?.health === 'healthy';

beforeAll(async () => {
  demo = await startDemoStack();
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
  foreign = await docker.createContainer({
    Image: 'opsdeck/node:20',
    Cmd: ['node', '-e', 'setTimeout(() => {}, 1e9)'],
    Labels: { 'com.docker.compose.project': `opsdeck-test-foreign-${crypto.randomBytes(3).toString('hex')}`, 'com.docker.compose.service': 'memos' },
    HostConfig: { NetworkMode: 'none' },
  });
  watch = watchStackEvents({ stacks: () => [stack], onEvent: (_s, e) => events.push(e) });
});

afterAll(async () => {
  watch?.close();
  await foreign?.remove({ force: true });
  await demo?.down();
});

describe('inspect and stats', () => {
  it('inspects every container with state, health, image identity and networking, and no environment', async () => {
    const all = await inspectStackContainers(stack);
    expect(all.map((c) => c.service).sort()).toEqual(['memos', 'postgres']);
    const memos = all.find((c) => c.service === 'memos')!;
    // The seed's shape: the services sit on the project's memos_network bridge, not the host network.
    expect(memos).toMatchObject({ state: 'running', health: 'healthy', restartCount: 0, exitCode: null, oomKilled: false, networkMode: `${demo.projectName}_memos_network`, restartPolicy: 'unless-stopped' });
    // Only the app is published (inside the engine's namespace); the database is not.
    expect(memos.ports).toEqual(expect.arrayContaining([{ containerPort: '5230/tcp', hostIp: expect.any(String), hostPort: String(demo.appPort) }]));
    expect(all.find((c) => c.service === 'postgres')!.ports).toEqual([]);
    expect(memos.image).toMatchObject({ ref: 'opsdeck/demo-app:1.0.0', version: '1.0.0', digest: null });
    expect(memos.image.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Date.now() - Date.parse(memos.startedAt!)).toBeLessThan(10 * 60_000);
    expect(memos.healthcheck?.[0]).toBe('CMD');
    expect(memos.healthLog.at(-1)?.exitCode).toBe(0);
    expect(JSON.stringify(all)).not.toContain(demo.postgres.password);
  });

  it('samples CPU and memory like docker stats, CPU from the second sample on', async () => {
    await sampleStackUsage(stack);
    await new Promise((r) => setTimeout(r, 1500));
    const samples = await sampleStackUsage(stack);
    expect(samples.map((s) => s.service).sort()).toEqual(['memos', 'postgres']);
    for (const s of samples) {
      expect(s.cpuPercent).toBeTypeOf('number');
      expect(s.cpuPercent!).toBeGreaterThanOrEqual(0);
      expect(s.memoryBytes).toBeGreaterThan(0);
    }
    expect(samples.find((s) => s.service === 'memos')!.memoryLimitBytes).toBe(1024 * 1024 * 1024);
    expect(samples.find((s) => s.service === 'postgres')!.memoryLimitBytes).toBe(512 * 1024 * 1024);
  });

  it('looks for binaries in the container filesystem, following symlinks, without running anything', async () => {
    const memos = await containerOf('memos');
    const found = await findBinaries(stack, memos.id, ['node', 'curl', 'sh', '/bin/sh']);
    expect(found.get('node')).toBe('/usr/local/bin/node');
    expect(found.get('curl')).toBeNull();
    expect(found.get('sh')).toMatch(/\/sh$/);
    expect((await statInContainer(stack, memos.id, '/bin/sh')).linkTarget).toMatch(/dash$/);
    await expect(statInContainer(stack, foreign.id, '/bin/sh')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('lifecycle through labels, seen on the event stream', () => {
  it('restarts one service: a new start time, and restart/die/start events for that container only', async () => {
    const before = await containerOf('memos');
    const from = events.length;
    const result = await runLifecycle(stack, 'restart', 'memos');
    expect(result).toMatchObject({ action: 'restart', service: 'memos', containers: [{ service: 'memos', outcome: 'done' }] });
    const after = await containerOf('memos');
    expect(after.id).toBe(before.id);
    expect(Date.parse(after.startedAt!)).toBeGreaterThan(Date.parse(before.startedAt!));
    const seen = await until('restart event', () => {
      const mine = events.slice(from);
      return mine.some((e) => e.action === 'restart') && mine;
    });
    expect(seen.every((e) => e.service === 'memos' && e.containerId === before.id)).toBe(true);
    expect(seen.map((e) => e.action)).toEqual(expect.arrayContaining(['die', 'start', 'restart']));
    // The engine resets health to "starting" on start and reports the way back to healthy as an event.
    await until('health_status: healthy event', () => events.slice(from).some((e) => e.action === 'health_status' && e.health === 'healthy'), 60_000);
    expect((await containerOf('memos')).health).toBe('healthy');
  });

  it('stops the whole stack app-first and starts it database-first', async () => {
    const from = events.length;
    const stopped = await runLifecycle(stack, 'stop');
    expect(stopped.containers.map((c) => c.service)).toEqual(['memos', 'postgres']);
    expect((await inspectStackContainers(stack)).every((c) => c.state === 'exited')).toBe(true);
    const again = await runLifecycle(stack, 'stop');
    expect(again.containers.every((c) => c.outcome === 'unchanged')).toBe(true);

    const started = await runLifecycle(stack, 'start');
    expect(started.containers.map((c) => c.service)).toEqual(['postgres', 'memos']);
    await until('both healthy', async () => (await healthy('postgres')) && (await healthy('memos')), 90_000);
    const order = events.slice(from).filter((e) => e.action === 'die' || e.action === 'start').map((e) => `${e.action}:${e.service}`);
    expect(order.indexOf('die:memos')).toBeLessThan(order.indexOf('die:postgres'));
    expect(order.indexOf('start:postgres')).toBeLessThan(order.indexOf('start:memos'));
    const dies = events.slice(from).filter((e) => e.action === 'die');
    expect(dies.every((e) => typeof e.exitCode === 'number')).toBe(true);
  });

  it('refuses a service the stack does not have, and never touches another project with the same service name', async () => {
    await expect(runLifecycle(stack, 'restart', 'nope')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('has no service "nope"') });
    await foreign.start();
    const before = await foreign.inspect();
    await runLifecycle(stack, 'restart', 'memos');
    const after = await foreign.inspect();
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect(after.State.Running).toBe(true);
    await until('memos healthy again', () => healthy('memos'), 60_000);
  });

  it('reports an OOM kill: the oom event, exit code 137 and OOMKilled on inspect', async () => {
    const hog = await docker.createContainer({
      Image: 'opsdeck/node:20',
      Cmd: ['node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(1 << 20).fill(1));'],
      Labels: { 'com.docker.compose.project': stack.projectName, 'com.docker.compose.service': 'hog' },
      HostConfig: { NetworkMode: 'none', Memory: 64 * 1024 * 1024, MemorySwap: 64 * 1024 * 1024 },
    });
    try {
      const from = events.length;
      await hog.start();
      await until('oom and die events', () => {
        const mine = events.slice(from).filter((e) => e.containerId === hog.id);
        return mine.some((e) => e.action === 'oom') && mine.some((e) => e.action === 'die') && mine;
      });
      expect(events.slice(from).find((e) => e.containerId === hog.id && e.action === 'die')!.exitCode).toBe(137);
      const detail = (await inspectStackContainers(stack)).find((c) => c.id === hog.id)!;
      expect(detail).toMatchObject({ service: 'hog', state: 'exited', exitCode: 137, oomKilled: true });
    } finally {
      await hog.remove({ force: true });
    }
  });
});
