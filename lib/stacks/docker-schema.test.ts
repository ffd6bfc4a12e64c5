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
const stack = (docker: string) => `stacks:\n  - { name: a, compose: stack.yml, docker: ${docker} }\n`;

describe('a stack on an engine of its own (docker:)', () => {
  it('is optional: without it the stack uses DOCKER_HOST; a host without TLS is kept as written', () => {
    expect(load('stacks:\n  - { name: a, compose: stack.yml }\n')[0].docker).toBeUndefined();
    expect(load(stack('{ host: "ssh://ops@db-1" }'))[0].docker).toEqual({ host: 'ssh://ops@db-1' });
    expect(load(stack('{ host: "tcp://10.0.0.7:2375" }'))[0].docker).toEqual({ host: 'tcp://10.0.0.7:2375' });
  });

  it('reports a bad address, a typo, TLS on a socket and half a set of files, each with its key', () => {
    expect(problems(stack('{ host: "10.0.0.7" }'))).toEqual(['stacks[0].docker.host: must be an engine address: unix://…, tcp://…:2376 or ssh://user@host']);
    expect(problems(stack('{ host: "tcp://h:2376", tls: { cert_dir: x } }'))).toContain('stacks[0].docker.tls.cert_dir: unknown key "cert_dir" — did you mean "certDir"? (allowed: certDir, ca, cert, key)');
    expect(problems(stack('{ host: "unix:///run/docker.sock", tls: { certDir: x } }'))).toEqual(['stacks[0].docker.tls: TLS applies to a tcp:// engine only, not unix://']);
    expect(problems(stack('{ host: "tcp://h:2376", tls: { ca: ca.pem } }'))).toEqual(['stacks[0].docker.tls: needs certDir, or all of ca, cert and key (missing: cert, key)']);
    expect(problems(stack('{ host: "tcp://h:2376", tls: { certDir: x, ca: ca.pem } }'))).toEqual(['stacks[0].docker.tls: give either certDir or ca, cert and key, not both']);
    expect(problems('stacks:\n  - { name: a, runtime: swarm, compose: stack.yml, swarm: { manager: "tcp://m:2376" }, docker: { host: "tcp://h:2376" } }\n'))
      .toEqual(['stacks[0].docker: a Swarm stack is reached through swarm.manager; docker: is for a compose stack on another engine']);
  });

  it('checks the TLS files when the config loads: missing, not PEM, relative to the config file', () => {
    expect(problems(stack('{ host: "tcp://h:2376", tls: { certDir: tls } }'))).toEqual([`stacks[0].docker.tls.certDir: directory not found: ${tree.path('etc/tls')}`]);
    tree.write('etc/tls/ca.pem', 'not a certificate');
    tree.write('etc/tls/cert.pem', 'nor this');
    expect(problems(stack('{ host: "tcp://h:2376", tls: { ca: tls/ca.pem, cert: tls/cert.pem, key: tls/key.pem } }'))).toEqual([
      `stacks[0].docker.tls.key: file not found: ${tree.path('etc/tls/key.pem')}`,
    ]);
    tree.write('etc/tls/key.pem', 'no key');
    expect(problems(stack('{ host: "tcp://h:2376", tls: { ca: tls/ca.pem, cert: tls/cert.pem, key: tls/key.pem } }'))).toEqual([
      `stacks[0].docker.tls.ca: is not a PEM certificate: ${tree.path('etc/tls/ca.pem')}`,
      `stacks[0].docker.tls.cert: is not a PEM certificate: ${tree.path('etc/tls/cert.pem')}`,
      `stacks[0].docker.tls.key: is not a PEM private key: ${tree.path('etc/tls/key.pem')}`,
    ]);
  });
});
