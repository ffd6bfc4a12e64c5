import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOverview } from '@/lib/views/overview';
import { clearStackCache } from '@/lib/stacks';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  clearStackCache();
});

function writeConfig(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-overview-'));
  fs.writeFileSync(path.join(dir, 'compose.yml'), 'services:\n  web:\n    image: opsdeck/loggen\n');
  const file = path.join(dir, 'opsdeck.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe('overview data', () => {
  it('turns an invalid config into one problem per key, with the file, instead of an error page', async () => {
    const file = writeConfig('stacks:\n  - name: Bad Name\n    compose: missing.yml\n    composeFile: x\n');
    process.env.OPSDECK_CONFIG = file;
    clearStackCache();
    const o = await loadOverview();
    expect(o.stacks).toEqual([]);
    const keys = o.configError!.problems.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(['stacks[0].name', 'stacks[0].compose', 'stacks[0].composeFile']));
    expect(o.configError!.problems.every((p) => p.file === file)).toBe(true);
  });

  it('keeps rendering stacks when Docker is unreachable, naming the socket', async () => {
    process.env.OPSDECK_CONFIG = writeConfig('stacks:\n  - name: tools\n    compose: compose.yml\n');
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    clearStackCache();
    const o = await loadOverview();
    expect(o.docker).toEqual({ ok: false, message: 'Docker is not reachable at unix:///nonexistent/docker.sock: the socket does not exist. Is Docker installed and running?' });
    expect(o.stacks.map((s) => s.stack.name)).toEqual(['tools']);
    expect(o.stacks[0].services).toBeNull();
    expect(o.stacks[0].error).toMatch(/Docker is not reachable/);
  });

  it('shows a generic stack with a declared service that has no container as not-created', async () => {
    process.env.OPSDECK_CONFIG = writeConfig('stacks:\n  - name: tools\n    compose: compose.yml\n    project: opsdeck-test-none\n');
    clearStackCache();
    const o = await loadOverview();
    expect(o.docker).toMatchObject({ ok: true });
    expect(o.stacks[0].services).toEqual([{ name: 'web', declared: true, state: 'not-created', image: null, instances: [] }]);
  });
});
