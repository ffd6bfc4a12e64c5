import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { describeSwarmKeys, lintSwarmKeys } from './swarm-keys';

const file = (text: string, name = 'stack.yml') => ({ file: name, doc: YAML.parse(text) });

describe('lintSwarmKeys: the service keys docker stack deploy does not apply', () => {
  it('names each ignored and rejected key with its service', () => {
    const problems = lintSwarmKeys([file(`
services:
  app:
    image: app:1
    build: .
    container_name: app
    restart: unless-stopped
    depends_on: [db]
    tmpfs: /run
  db:
    image: postgres:17
    mem_limit: 512m
    network_mode: host
    privileged: true
`)], '1.45');
    expect(problems.map((p) => [p.service, p.key, p.verdict])).toEqual([
      ['app', 'build', 'ignored'],
      ['app', 'container_name', 'ignored'],
      ['app', 'restart', 'ignored'],
      ['app', 'depends_on', 'ignored'],
      ['app', 'tmpfs', 'ignored'],
      ['db', 'mem_limit', 'rejected'],
      ['db', 'network_mode', 'ignored'],
      ['db', 'privileged', 'ignored'],
    ]);
    expect(problems.find((p) => p.key === 'restart')?.instead).toBe('deploy.restart_policy');
    expect(describeSwarmKeys(problems, false)).toContain('app: restart (ignored by docker stack deploy; instead: deploy.restart_policy)');
  });

  it('passes a file that uses only what Swarm applies (the Swarm demo stack)', () => {
    expect(lintSwarmKeys([file(`
services:
  memos:
    image: app:1
    environment: { A: b }
    healthcheck: { test: ["CMD", "true"] }
    cap_add: [NET_ADMIN]
    sysctls: { net.core.somaxconn: 1024 }
    volumes: [{ type: tmpfs, target: /run }]
    deploy: { replicas: 2, restart_policy: { condition: any } }
`)], '1.45')).toEqual([]);
  });

  it('capabilities, ulimits and sysctls only reach the tasks on engines whose API has them', () => {
    const doc = file('services:\n  app:\n    image: a\n    cap_add: [NET_ADMIN]\n    cap_drop: [ALL]\n    ulimits: { nofile: 1024 }\n    sysctls: { a: 1 }\n');
    expect(lintSwarmKeys([doc], '1.40').map((p) => p.key)).toEqual(['cap_add', 'cap_drop', 'ulimits']);
    expect(lintSwarmKeys([doc], '1.39').map((p) => p.key)).toEqual(['cap_add', 'cap_drop', 'ulimits', 'sysctls']);
    expect(lintSwarmKeys([doc], '1.41')).toEqual([]);
    expect(lintSwarmKeys([doc], '1.40')[0].instead).toMatch(/API is 1\.40, needs 1\.41/);
  });

  it('names the file when the stack has several, and skips what is not a services map', () => {
    const problems = lintSwarmKeys([file('services:\n  a:\n    image: x\n', 'base.yml'), file('services:\n  a:\n    links: [b]\n', 'override.yml'), file('just text', 'odd.yml'), { file: 'empty.yml', doc: null }], '1.45');
    expect(describeSwarmKeys(problems, true)).toBe('override.yml: a: links (ignored by docker stack deploy; instead: the service name on a shared network)');
  });
});
