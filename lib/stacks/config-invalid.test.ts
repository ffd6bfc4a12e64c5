import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { ConfigError, type ConfigProblem } from './config-error';
import { suggestKey } from './config-schema';
import { loadStacks } from './load-config';
import { tempTree, type TempTree } from './test-support';

let tree: TempTree;
let file: string;
beforeEach(() => {
  tree = tempTree();
  tree.write('compose.yml', 'services: {}\n');
  tree.write('ok.env', 'POSTGRES_USER=memos\n');
});
afterEach(() => tree.cleanup());

function problemsOf(config: string, name = 'opsdeck.yaml'): ConfigProblem[] {
  file = tree.write(name, config);
  try {
    loadStacks({ configPath: file, cwd: tree.dir, env: {} });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(OpsdeckError);
    expect((e as ConfigError).code).toBe('config_invalid');
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** Problems as `key: message` lines, all in this test's config file unless stated. */
const lines = (problems: ConfigProblem[]) => problems.map((p) => `${p.file === file ? '' : `${p.file} | `}${p.key}: ${p.message}`);

describe('invalid configs: every problem reported at once, with file and key', () => {
  it('collects problems from several stacks in one pass, in file order', () => {
    const problems = problemsOf(`
stacks:
  - name: memos
    preset: memos
    compose: docker/compose/prod.yml
    envFile: deploy/aliyun/.env.prod
  - name: memos
    composeFile: compose.yml
  - name: Bad_Name
    compose: [compose.yml, missing.yml]
    preset: mem
    project: Memos
    database: { port: "5432", host: "", usr: x }
    app: { healthUrl: "ftp://example.com" }
    ai: { source: maybe }
  - name: empty
    compose: []
  - "just a string"
`);
    expect(lines(problems)).toEqual([
      `stacks[0].compose: file not found: ${tree.path('docker/compose/prod.yml')}`,
      `stacks[0].envFile: file not found: ${tree.path('deploy/aliyun/.env.prod')}`,
      'stacks[1].compose: is required',
      'stacks[1].composeFile: unknown key "composeFile" — did you mean "compose"? (allowed: name, title, preset, compose, envFile, project, backups, database, app, ai, deploy, runtime, swarm, docker, offsite)',
      'stacks[1].name: duplicate stack name "memos" (also stacks[0])',
      'stacks[2].name: must be 1-40 characters: lowercase letters, digits and "-", starting with a letter or digit',
      'stacks[2].preset: must be "memos" or "generic"',
      'stacks[2].project: must be lowercase letters, digits, "_" and "-", starting with a letter or digit (compose\'s rule)',
      'stacks[2].database.host: must not be empty',
      'stacks[2].database.port: must be a port number',
      'stacks[2].database.usr: unknown key "usr" (allowed: service, host, port, userVar, passwordVar, databaseVar, dsnVar)',
      'stacks[2].app.healthUrl: must be a full http:// or https:// URL',
      'stacks[2].ai.source: must be "env" or "none"',
      `stacks[2].compose[1]: file not found: ${tree.path('missing.yml')}`,
      'stacks[3].compose: must list at least one compose file',
      'stacks[4]: must be a mapping, got a string',
    ]);
    expect(problems.every((p) => p.file === file)).toBe(true);
  });

  it('joins the problems one per line in the message', () => {
    file = tree.write('opsdeck.yaml', 'stacks:\n  - name: a\n    compose: nope.yml\n    envFile: nope.env\n');
    expect(() => loadStacks({ configPath: file, env: {} })).toThrowError(
      `${file}: stacks[0].compose: file not found: ${tree.path('nope.yml')}\n${file}: stacks[0].envFile: file not found: ${tree.path('nope.env')}`,
    );
  });

  it('reports preset requirements, bad env-file ports and env-file syntax errors', () => {
    tree.write('port.env', 'POSTGRES_PORT=54 32\nMEMOS_PORT=70000\n');
    const broken = tree.write('broken.env', 'A=1\nB="unterminated\n');
    const problems = problemsOf(`
stacks:
  - { name: a, preset: memos, compose: compose.yml }
  - { name: b, preset: memos, compose: compose.yml, envFile: port.env }
  - { name: c, compose: compose.yml, envFile: broken.env }
  - { name: d, compose: compose.yml, app: { healthUrl: "http://127.0.0.1:1/h" } }
`);
    expect(lines(problems)).toEqual([
      'stacks[0].envFile: is required for the memos preset (the file passed to compose as --env-file)',
      `stacks[1].envFile: POSTGRES_PORT="54 32" in ${tree.path('port.env')} is not a port number (1-65535)`,
      `stacks[1].envFile: MEMOS_PORT="70000" in ${tree.path('port.env')} is not a port number (1-65535)`,
      `${broken} | stacks[2].envFile: line 2: unterminated quoted value for B (missing closing ")`,
      'stacks[3].app.service: is required for the generic preset (the compose service running the app)',
    ]);
  });

  it('reports duplicate compose projects, explicit or defaulted', () => {
    const problems = problemsOf(`
stacks:
  - { name: one, compose: compose.yml }
  - { name: two, compose: compose.yml, project: one }
  - { name: three, compose: compose.yml, project: shared }
  - { name: shared, compose: compose.yml }
`);
    expect(lines(problems)).toEqual([
      'stacks[1].project: duplicate compose project "one" (also stacks[0])',
      'stacks[3].name: duplicate compose project "shared" (also stacks[2]); the project defaults to the stack name, set "project" to tell them apart',
    ]);
  });

  it('reports wrong types and missing nested keys in plain words', () => {
    const problems = problemsOf(`
stacks:
  - name: x
    compose: 42
    title: 7
    backups: { download: everyone }
    database: { port: 70000, userVar: "not a var" }
`);
    expect(lines(problems)).toEqual([
      'stacks[0].title: must be a string, got a number',
      'stacks[0].compose: must be a file path or a list of file paths',
      'stacks[0].backups.download: must be "admin", "operator" or "viewer"',
      'stacks[0].database.port: must be between 1 and 65535',
      'stacks[0].database.userVar: must be an environment variable name like POSTGRES_USER',
    ]);
  });

  it.each([
    ['', ': the file is empty; it must contain a "stacks:" list'],
    ['stacks: []\n', 'stacks: must define at least one stack'],
    ['stacks: {}\n', 'stacks: must be a list of stacks'],
    ['- a\n', ': the top level must be a mapping with a "stacks:" list, got a list'],
    ['stack: []\n', 'stacks: is required|stack: unknown key "stack" — did you mean "stacks"? (allowed: stacks)'],
  ])('top level %j', (config, expected) => {
    expect(lines(problemsOf(config)).join('|')).toBe(expected);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(lines(problemsOf('stacks:\n  - name: a\n   compose: x\n'))).toEqual([
      ': syntax error at line 3, column 1: Sequence item without - indicator',
    ]);
    expect(lines(problemsOf('stacks: []\nstacks: []\n'))).toEqual([': syntax error at line 2, column 1: Map keys must be unique']);
  });

  it('reports JSON syntax errors too', () => {
    const problems = problemsOf('{ "stacks": [ { "name": "a", } ', 'opsdeck.json');
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.message).toMatch(/^syntax error at line 1, column \d+: /);
  });

  it('names an explicitly configured file that does not exist', () => {
    const missing = tree.path('conf/opsdeck.yaml');
    expect(() => loadStacks({ cwd: tree.dir, env: { OPSDECK_CONFIG: 'conf/opsdeck.yaml' } })).toThrowError(
      `${missing}: file not found: ${missing} (set by OPSDECK_CONFIG)`,
    );
  });
});

describe('suggestKey', () => {
  const stackKeys = ['name', 'title', 'preset', 'compose', 'envFile', 'project', 'backups', 'database', 'app', 'ai'];
  it.each([
    ['composeFile', 'compose'],
    ['env_file', 'envFile'],
    ['envfile', 'envFile'],
    ['projct', 'project'],
    ['Title', 'title'],
    ['db', undefined],
    ['healthcheck', undefined],
  ])('%s → %s', (typo, expected) => expect(suggestKey(typo, stackKeys)).toBe(expected));
});
