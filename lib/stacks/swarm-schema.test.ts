import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { loadStacks } from './load-config';
import { COMPOSE_YAML, tempTree, type TempTree } from './test-support';

let tree: TempTree;
beforeEach(() => {
  tree = tempTree();
  tree.write('etc/stack.yml', COMPOSE_YAML);
});
afterEach(() => tree.cleanup());

const load = (config: string) => loadStacks({ configPath: tree.write('etc/opsdeck.yaml', config), cwd: tree.dir, env: {} });
const problems = (config: string) => {
  try {
    load(config);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.message}`);
    throw e;
  }
  return [];
};

describe('runtime: swarm in opsdeck.yaml', () => {
  it('compose stays the default; a swarm stack carries its manager and nodes', () => {
    const [plain] = load('stacks:\n  - { name: a, compose: stack.yml }\n');
    expect(plain.runtime).toBe('compose');
    expect(plain.swarm).toBeUndefined();
    const [s] = load('stacks:\n  - name: b\n    runtime: swarm\n    compose: stack.yml\n    swarm: { manager: "tcp://10.0.0.1:2376", nodes: { db-host: "ssh://ops@db-host" } }\n');
    expect(s).toMatchObject({ runtime: 'swarm', swarm: { manager: 'tcp://10.0.0.1:2376', nodes: { 'db-host': 'ssh://ops@db-host' } } });
  });

  it('reports a swarm stack without its manager, a bad address, a typo and a swarm section without the runtime', () => {
    expect(problems('stacks:\n  - { name: b, runtime: swarm, compose: stack.yml }\n')).toEqual([
      "stacks[0].swarm: is required with runtime swarm: the manager's engine address (swarm: { manager: tcp://… })",
    ]);
    expect(problems('stacks:\n  - { name: b, runtime: swarm, compose: stack.yml, swarm: { manager: "10.0.0.1" } }\n')).toEqual([
      'stacks[0].swarm.manager: must be an engine address: unix://…, tcp://…:2376 or ssh://user@host',
    ]);
    const typo = problems('stacks:\n  - { name: b, runtime: swarm, compose: stack.yml, swarm: { manger: "tcp://x:2376" } }\n');
    expect(typo).toContain('stacks[0].swarm.manager: is required');
    expect(typo.some((p) => /^stacks\[0\]\.swarm\.manger: unknown key "manger" — did you mean "manager"\?/.test(p))).toBe(true);
    expect(problems('stacks:\n  - { name: b, runtime: kubernetes, compose: stack.yml }\n')).toEqual(['stacks[0].runtime: must be "compose" or "swarm"']);
    expect(problems('stacks:\n  - { name: b, compose: stack.yml, swarm: { manager: "tcp://x:2376" } }\n')).toEqual(['stacks[0].runtime: must be "swarm" when a swarm: section is given']);
  });
});
