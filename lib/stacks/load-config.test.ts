import { backupDownloadRoleOf } from '@/lib/backup/download-role';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadStacks, locateConfig } from './load-config';
import { MEMOS_SCHEMA_VERSION_QUERY } from './presets';
import { COMPOSE_YAML, tempTree, type TempTree } from './test-support';
import type { Stack } from './types';

let tree: TempTree;
beforeEach(() => {
  tree = tempTree();
});
afterEach(() => tree.cleanup());

/** Loads with an isolated environment so the developer's own OPSDECK_* variables cannot leak in. */
const load = (config: string, env: Record<string, string> = {}) => {
  const file = tree.write('etc/opsdeck.yaml', config);
  return loadStacks({ configPath: file, cwd: tree.dir, env });
};

describe('memos preset', () => {
  it('fills every default from seed-ops and reads ports from the env file', () => {
    tree.write('etc/docker/compose/prod.yml', COMPOSE_YAML);
    tree.write('etc/deploy/aliyun/.env.prod', 'POSTGRES_USER=memos\nPOSTGRES_PORT=25432\nMEMOS_PORT=8081\n');
    const [stack] = load(`
stacks:
  - name: memos
    title: Memos (prod)
    preset: memos
    compose: docker/compose/prod.yml
    envFile: deploy/aliyun/.env.prod
`);
    expect(stack).toEqual<Stack>({
      name: 'memos',
      title: 'Memos (prod)',
      preset: 'memos',
      runtime: 'compose',
      projectName: 'memos',
      composeFiles: [tree.path('etc/docker/compose/prod.yml')],
      envFile: tree.path('etc/deploy/aliyun/.env.prod'),
      workingDir: tree.path('etc/docker/compose'),
      backupDir: tree.path('.data/backups/memos'),
      backupSet: { volumes: ['memos_data'], consistency: 'live' },
      database: {
        service: 'postgres', host: '127.0.0.1', port: 25432,
        userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB',
      },
      app: { service: 'memos', healthUrl: 'http://127.0.0.1:8081/healthz', schemaVersionQuery: MEMOS_SCHEMA_VERSION_QUERY },
      ai: { source: 'env', envPrefix: 'MEMOS_AI_' },
      source: path.join('etc', 'opsdeck.yaml') + ': stacks[0]',
    });
  });

  it('uses 5432 and 5230 when the env file sets no ports', () => {
    tree.write('etc/compose.yml', COMPOSE_YAML);
    tree.write('etc/.env', 'POSTGRES_PASSWORD=x\n');
    const [stack] = load('stacks:\n  - { name: memos, preset: memos, compose: compose.yml, envFile: .env }\n');
    expect(stack.database?.port).toBe(5432);
    expect(stack.app?.healthUrl).toBe('http://127.0.0.1:5230/healthz');
    expect(stack.title).toBe('memos');
  });

  it('lets every role key be overridden one by one', () => {
    tree.write('etc/compose.yml', COMPOSE_YAML);
    tree.write('etc/.env', 'POSTGRES_PORT=25432\nMEMOS_PORT=not-used-when-healthUrl-is-given\n');
    const [stack] = load(`
stacks:
  - name: notes
    preset: memos
    compose: [compose.yml]
    envFile: .env
    project: notes_prod
    backups: { dir: /var/backups/notes }
    database: { service: db, port: 6543, passwordVar: DB_PASS, dsnVar: MEMOS_DSN }
    app: { healthUrl: "https://notes.example.com/healthz" }
    ai: { source: none }
`);
    expect(stack.projectName).toBe('notes_prod');
    expect(stack.backupDir).toBe('/var/backups/notes');
    expect(stack.database).toEqual({
      service: 'db', host: '127.0.0.1', port: 6543,
      userVar: 'POSTGRES_USER', passwordVar: 'DB_PASS', databaseVar: 'POSTGRES_DB', dsnVar: 'MEMOS_DSN',
    });
    expect(stack.app).toEqual({ service: 'memos', healthUrl: 'https://notes.example.com/healthz', schemaVersionQuery: MEMOS_SCHEMA_VERSION_QUERY });
    expect(stack.ai).toEqual({ source: 'none' });
  });
});

describe('generic preset', () => {
  it('has no roles and no AI unless declared, and needs no env file', () => {
    tree.write('etc/app/compose.yaml', 'services: {}\n');
    const [stack] = load('stacks:\n  - name: whoami\n    compose: app/compose.yaml\n');
    expect(stack.preset).toBe('generic');
    expect(stack.database).toBeUndefined();
    expect(stack.app).toBeUndefined();
    expect(stack.envFile).toBeUndefined();
    expect(stack.ai).toEqual({ source: 'none' });
    expect(stack.workingDir).toBe(tree.path('etc/app'));
  });

  it('backup downloads are admin-only unless backups.download lowers them; dir stays optional', () => {
    tree.write('etc/app/compose.yaml', 'services: {}\n');
    const [plain, open] = load('stacks:\n  - name: plain\n    compose: app/compose.yaml\n  - name: open\n    compose: app/compose.yaml\n    backups: { download: operator }\n');
    expect(plain.backupDownload).toBeUndefined();
    expect(backupDownloadRoleOf(plain)).toBe('admin');
    expect(open.backupDownload).toBe('operator');
    expect(backupDownloadRoleOf(open)).toBe('operator');
    expect(open.backupDir).toMatch(/backups\/open$/);
    expect(() => load('stacks:\n  - name: bad\n    compose: app/compose.yaml\n    backups: { download: everyone }\n')).toThrowError();
  });

  it('backups.volumes and backups.consistency make a backup set; none by default, live unless pause', () => {
    tree.write('etc/app/compose.yaml', 'services: {}\n');
    const [plain, set] = load('stacks:\n  - name: plain\n    compose: app/compose.yaml\n  - name: set\n    compose: app/compose.yaml\n    backups: { volumes: [app_data, uploads], consistency: pause }\n');
    expect(plain.backupSet).toEqual({ volumes: [], consistency: 'live' });
    expect(set.backupSet).toEqual({ volumes: ['app_data', 'uploads'], consistency: 'pause' });
    expect(() => load('stacks:\n  - name: bad\n    compose: app/compose.yaml\n    backups: { consistency: frozen }\n')).toThrowError(/must be "live" or "pause"/);
    expect(() => load('stacks:\n  - name: bad\n    compose: app/compose.yaml\n    backups: { volumes: [a, a] }\n')).toThrowError(/lists a volume twice/);
    expect(() => load('stacks:\n  - name: bad\n    compose: app/compose.yaml\n    backups: { volumes: ["../etc"] }\n')).toThrowError(/must be a volume name/);
  });

  it('fills a declared database with postgres-image conventions and POSTGRES_PORT', () => {
    tree.write('etc/compose.yml', 'services: {}\n');
    tree.write('etc/app.env', 'POSTGRES_PORT=15432\n');
    const [stack] = load(`
stacks:
  - name: shop
    compose: compose.yml
    envFile: app.env
    database: { userVar: SHOP_DB_USER }
    app: { service: web, healthUrl: "http://127.0.0.1:8080/health" }
    ai: { source: env, envPrefix: SHOP_AI_ }
`);
    expect(stack.database).toEqual({
      host: '127.0.0.1', port: 15432, userVar: 'SHOP_DB_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB',
    });
    expect(stack.app).toEqual({ service: 'web', healthUrl: 'http://127.0.0.1:8080/health' });
    expect(stack.ai).toEqual({ source: 'env', envPrefix: 'SHOP_AI_' });
  });

  it('merges partial ai settings over the preset', () => {
    tree.write('etc/compose.yml', COMPOSE_YAML);
    tree.write('etc/.env', '');
    const stacks = load(`
stacks:
  - { name: m1, preset: memos, compose: compose.yml, envFile: .env, project: m1, ai: { source: env } }
  - { name: m2, preset: memos, compose: compose.yml, envFile: .env, project: m2, ai: { envPrefix: NOTES_AI_ } }
  - { name: g1, compose: compose.yml, ai: { envPrefix: APP_AI_ } }
  - { name: g2, compose: compose.yml, ai: { source: env } }
`);
    expect(stacks.map((s) => s.ai)).toEqual([
      { source: 'env', envPrefix: 'MEMOS_AI_' },
      { source: 'env', envPrefix: 'NOTES_AI_' },
      { source: 'env', envPrefix: 'APP_AI_' },
      { source: 'env' },
    ]);
  });
});

describe('files and paths', () => {
  it('resolves paths from the config file directory, not the working directory', () => {
    tree.write('etc/stacks/a/compose.yml', 'services: {}\n');
    tree.write('etc/stacks/a/override.yml', 'services: {}\n');
    const [stack] = load('stacks:\n  - name: a\n    compose: [stacks/a/compose.yml, ./stacks/a/override.yml]\n    backups: { dir: ../backups/a }\n');
    expect(stack.composeFiles).toEqual([tree.path('etc/stacks/a/compose.yml'), tree.path('etc/stacks/a/override.yml')]);
    expect(stack.backupDir).toBe(tree.path('backups/a'));
  });

  it('puts default backups under OPSDECK_DATA_DIR', () => {
    tree.write('etc/compose.yml', 'services: {}\n');
    const [stack] = load('stacks:\n  - name: a\n    compose: compose.yml\n', { OPSDECK_DATA_DIR: 'state' });
    expect(stack.backupDir).toBe(tree.path('state/backups/a'));
  });

  it('loads several stacks in file order, from YAML or JSON', () => {
    tree.write('etc/m/compose.yml', COMPOSE_YAML);
    tree.write('etc/m/.env', 'MEMOS_PORT=5231\n');
    tree.write('etc/g/compose.yml', 'services: {}\n');
    const json = JSON.stringify({
      stacks: [
        { name: 'memos-staging', preset: 'memos', compose: 'm/compose.yml', envFile: 'm/.env', project: 'memos-staging' },
        { name: 'grafana', compose: 'g/compose.yml' },
      ],
    });
    const file = tree.write('etc/opsdeck.json', json);
    const stacks = loadStacks({ configPath: file, cwd: tree.dir, env: {} });
    expect(stacks.map((s) => [s.name, s.preset, s.projectName, s.app?.healthUrl])).toEqual([
      ['memos-staging', 'memos', 'memos-staging', 'http://127.0.0.1:5231/healthz'],
      ['grafana', 'generic', 'grafana', undefined],
    ]);
  });
});

describe('locating the config', () => {
  it('prefers the option, then OPSDECK_CONFIG, then ./opsdeck.yaml, then the demo', () => {
    tree.write('opsdeck.yaml', 'stacks: []\n');
    expect(locateConfig({ cwd: tree.dir, env: {}, configPath: 'x.yaml' })).toEqual({ path: tree.path('x.yaml'), demo: false, via: 'option' });
    expect(locateConfig({ cwd: tree.dir, env: { OPSDECK_CONFIG: 'conf/o.yml' } })).toEqual({ path: tree.path('conf/o.yml'), demo: false, via: 'OPSDECK_CONFIG' });
    expect(locateConfig({ cwd: tree.dir, env: {} })).toEqual({ path: tree.path('opsdeck.yaml'), demo: false, via: 'cwd' });
    expect(locateConfig({ cwd: tree.path('elsewhere'), env: {} })).toEqual({ path: null, demo: true, via: 'demo' });
  });

  it('reads ./opsdeck.yaml from the working directory', () => {
    tree.write('compose.yml', 'services: {}\n');
    tree.write('opsdeck.yaml', 'stacks:\n  - name: local\n    compose: compose.yml\n');
    expect(loadStacks({ cwd: tree.dir, env: {} }).map((s) => s.name)).toEqual(['local']);
  });
});

describe('demo fallback', () => {
  it('returns the built-in memos demo stack when no config exists', () => {
    const [demo, ...rest] = loadStacks({ cwd: tree.dir, env: {} });
    expect(rest).toEqual([]);
    expect(demo).toMatchObject({
      name: 'demo', preset: 'memos', runtime: 'compose', projectName: 'opsdeck-demo',
      composeFiles: [tree.path('examples/demo/compose.yml')],
      envFile: tree.path('examples/demo/.env'),
      backupDir: tree.path('.data/backups/demo'),
      database: { service: 'postgres', host: '127.0.0.1', port: 5432 },
      app: { service: 'memos', healthUrl: 'http://127.0.0.1:5230/healthz' },
      ai: { source: 'env', envPrefix: 'MEMOS_AI_' },
    });
  });

  it('honours OPSDECK_DEMO_ENV_FILE and OPSDECK_DEMO_PROJECT, reading ports from that env file', () => {
    const envFile = tree.write('my/demo.env', 'POSTGRES_PORT=55432\nMEMOS_PORT=55230\n');
    const [demo] = loadStacks({ cwd: tree.dir, env: { OPSDECK_DEMO_ENV_FILE: 'my/demo.env', OPSDECK_DEMO_PROJECT: 'opsdeck-test-1' } });
    expect(demo.envFile).toBe(envFile);
    expect(demo.projectName).toBe('opsdeck-test-1');
    expect(demo.database?.port).toBe(55432);
    expect(demo.app?.healthUrl).toBe('http://127.0.0.1:55230/healthz');
  });

  it('reports a bad port in the demo env file', () => {
    const envFile = tree.write('demo.env', 'POSTGRES_PORT=five\n');
    expect(() => loadStacks({ cwd: tree.dir, env: { OPSDECK_DEMO_ENV_FILE: envFile } })).toThrow(
      `${envFile}: OPSDECK_DEMO_ENV_FILE: POSTGRES_PORT="five" in ${envFile} is not a port number (1-65535)`,
    );
  });

  it('rejects an invalid demo project name', () => {
    expect(() => loadStacks({ cwd: tree.dir, env: { OPSDECK_DEMO_PROJECT: 'Bad Name' } })).toThrow(
      '(environment): OPSDECK_DEMO_PROJECT: "Bad Name" is not a valid compose project name',
    );
  });
});
