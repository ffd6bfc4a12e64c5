import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStackServices, resolveStackContainer, pingDocker, runningImageOf, sampleStackUsage, serviceContainers, statInContainer } from '@/lib/docker';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const docker = new Docker();
let demo: DemoStack;
let stack: Stack;
let foreign: Docker.Container;

beforeAll(async () => {
  demo = await startDemoStack();
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
  // A container that is NOT part of the stack, but looks like a compose container of another project.
  foreign = await docker.createContainer({
    Image: 'opsdeck/loggen',
    Env: ['LOG_RATE=1', 'LOG_COUNT=1'],
    Labels: { 'com.docker.compose.project': `opsdeck-test-foreign-${crypto.randomBytes(3).toString('hex')}`, 'com.docker.compose.service': 'memos' },
    HostConfig: { NetworkMode: 'none' },
  });
});

afterAll(async () => {
  await foreign?.remove({ force: true });
  await demo?.down();
});

describe('lib/docker against the real engine', () => {
  it('lists the demo stack services by compose labels, with live state and image', async () => {
    const services = await listStackServices(stack);
    expect(services.map((s) => s.name).sort()).toEqual(['memos', 'postgres']);
    const memos = services.find((s) => s.name === 'memos')!;
    expect(memos.state).toBe('running');
    expect(memos.declared).toBe(true);
    expect(memos.image).toBe('opsdeck/demo-app:1.0.0');
    expect(memos.instances).toHaveLength(1);
    expect(memos.instances[0].health).toBe('healthy');
    // Environment variables hold secrets and must not be part of what lib/docker hands out.
    expect(JSON.stringify(services)).not.toContain(demo.postgres.password);
  });

  it('every lookup applies the one label rule: lists, inspect paths, stats and images never reach another project', async () => {
    const refusal = await resolveStackContainer(stack, foreign.id).catch((e: Error) => e);
    expect(refusal).toMatchObject({ code: 'forbidden' });
    // The inspect-based path refuses with the same rule and the same words as lifecycle and logs.
    await expect(statInContainer(stack, foreign.id, '/')).rejects.toMatchObject({ code: 'forbidden', message: (refusal as Error).message });
    const memos = (await listStackServices(stack)).find((s) => s.name === 'memos')!.instances[0];
    await expect(statInContainer(stack, memos.id, '/')).resolves.toMatchObject({ exists: true });
    // The foreign container carries service=memos too: only the project label keeps it out.
    expect((await serviceContainers(stack, 'memos')).map((c) => c.id)).toEqual([memos.id]);
    expect(await runningImageOf(stack, 'memos')).toMatchObject({ ref: 'opsdeck/demo-app:1.0.0' });
    await foreign.start();
    try {
      const ids = (await sampleStackUsage(stack)).map((u) => u.containerId);
      expect(ids).toContain(memos.id);
      expect(ids).not.toContain(foreign.id);
    } finally {
      await foreign.stop({ t: 0 }).catch(() => undefined);
    }
  });

  it('reports a stopped service as stopped, and a declared service without container as not-created', async () => {
    const [id] = (await listStackServices(stack)).find((s) => s.name === 'memos')!.instances.map((i) => i.id);
    await docker.getContainer(id).stop({ t: 2 });
    // Docker 26 answers the stop before its container list has caught up (a few ms): wait for it.
    await expect.poll(async () => (await listStackServices(stack)).find((s) => s.name === 'memos')!.state, { timeout: 10_000, interval: 50 }).toBe('stopped');
    await docker.getContainer(id).remove({ force: true });
    expect((await listStackServices(stack)).find((s) => s.name === 'memos')!.state).toBe('not-created');
  });

  it('resolves a container of the stack and refuses one of another project', async () => {
    const pg = (await listStackServices(stack)).find((s) => s.name === 'postgres')!.instances[0];
    await expect(resolveStackContainer(stack, pg.id, 'postgres')).resolves.toMatchObject({ id: pg.id, state: 'running' });
    await expect(resolveStackContainer(stack, pg.id, 'memos')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(resolveStackContainer(stack, foreign.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('does not belong to stack "demo"'),
    });
    await expect(resolveStackContainer(stack, 'f'.repeat(64))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('says plainly which socket failed when Docker is unreachable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-nodocker-'));
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${dir}/docker.sock`;
    try {
      const ping = await pingDocker();
      expect(ping.ok).toBe(false);
      if (!ping.ok) {
        expect(ping.error.code).toBe('docker_unavailable');
        expect(ping.error.message).toBe(`Docker is not reachable at unix://${dir}/docker.sock: the socket does not exist. Is Docker installed and running?`);
      }
      await expect(listStackServices(stack)).rejects.toMatchObject({ code: 'docker_unavailable' });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
