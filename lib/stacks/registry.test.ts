import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { ConfigError } from './config-error';
import { configSource, getStack, listStacks } from './registry';
import { COMPOSE_YAML, withTempStacks, type TempTree } from './test-support';

/** The registry reads process.env; each test gets its own config through OPSDECK_CONFIG and restores the rest. */
const temp = withTempStacks((t) => {
  t.write('compose.yml', COMPOSE_YAML);
  t.write('.env', 'POSTGRES_PORT=25432\n');
  delete process.env.OPSDECK_DATA_DIR;
});
let tree: TempTree;
let config: string;
beforeEach(() => {
  tree = temp.tree();
  config = tree.path('opsdeck.yaml');
});

const stackYaml = (name: string) => `  - { name: ${name}, preset: memos, compose: compose.yml, envFile: .env }\n`;

describe('listStacks / getStack', () => {
  it('serves the cached list until the config file changes', () => {
    tree.write('opsdeck.yaml', `stacks:\n${stackYaml('alpha')}`);
    const first = listStacks();
    expect(first.map((s) => s.name)).toEqual(['alpha']);
    expect(listStacks()).toBe(first);

    tree.write('opsdeck.yaml', `stacks:\n${stackYaml('alpha')}${stackYaml('beta')}`);
    expect(listStacks().map((s) => s.name)).toEqual(['alpha', 'beta']);
  });

  it('reloads when an env file the stacks were built from changes', () => {
    tree.write('opsdeck.yaml', `stacks:\n${stackYaml('alpha')}`);
    expect(getStack('alpha').database?.port).toBe(25432);
    tree.write('.env', 'POSTGRES_PORT=35432\n');
    expect(getStack('alpha').database?.port).toBe(35432);
  });

  it('throws the ConfigError of a broken config, and recovers once it is fixed', () => {
    tree.write('opsdeck.yaml', 'stacks:\n  - { name: alpha, compose: missing.yml }\n');
    expect(() => listStacks()).toThrow(ConfigError);
    expect(() => listStacks()).toThrow(`${config}: stacks[0].compose: file not found: ${tree.path('missing.yml')}`);
    tree.write('opsdeck.yaml', `stacks:\n${stackYaml('alpha')}`);
    expect(listStacks().map((s) => s.name)).toEqual(['alpha']);
  });

  it('follows OPSDECK_CONFIG when it points somewhere else', () => {
    tree.write('opsdeck.yaml', `stacks:\n${stackYaml('alpha')}`);
    tree.write('other.yaml', `stacks:\n${stackYaml('gamma')}`);
    expect(listStacks().map((s) => s.name)).toEqual(['alpha']);
    process.env.OPSDECK_CONFIG = tree.path('other.yaml');
    expect(listStacks().map((s) => s.name)).toEqual(['gamma']);
  });

  it('getStack finds a stack by name and throws not_found otherwise', () => {
    tree.write('opsdeck.yaml', `stacks:\n${stackYaml('alpha')}`);
    expect(getStack('alpha').projectName).toBe('alpha');
    let err: unknown;
    try {
      getStack('nope');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpsdeckError);
    expect((err as OpsdeckError).code).toBe('not_found');
    expect((err as OpsdeckError).message).toBe('No stack named "nope" is configured.');
  });
});

describe('configSource', () => {
  it('reports the config file in use', () => {
    expect(configSource()).toEqual({ path: config, demo: false });
  });

  it('reports the demo when nothing is configured', () => {
    delete process.env.OPSDECK_CONFIG;
    const local = path.resolve(process.cwd(), 'opsdeck.yaml');
    expect(configSource()).toEqual(existsSync(local) ? { path: local, demo: false } : { path: null, demo: true });
  });
});
