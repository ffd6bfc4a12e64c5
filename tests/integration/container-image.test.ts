import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCompose } from '@/lib/docker/compose-cli';
import { stackFetch } from '@/lib/reach/http';
import type { Stack } from '@/lib/stacks/types';
import { freePort } from '../support/demo-stack';

/**
 * Builds the real Dockerfile from local images (no registry here: BUILDER_IMAGE and BASE_IMAGE are
 * opsdeck/node:<major of this Node>, what scripts/setup-env.sh builds, and node_modules comes with
 * the context instead of `npm install`), starts it like docker-compose.yml does (socket mounted,
 * secrets from files, non-root) and checks its health endpoint, its Docker healthcheck and a real
 * sign-in. The top-level docker-compose.yml itself is validated by the compose CLI.
 * The engine lives in its own network namespace (scripts/test-bed.sh): the container needs no
 * network at all (--network none), and the test reaches its port through the engine, the way
 * Opsdeck reaches a stack's app (lib/reach/http.ts: a relay exec'd in the container).
 */
const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const id = crypto.randomBytes(3).toString('hex');
const IMAGE = `opsdeck-test-image:${id}`;
const NAME = `opsdeck-test-image-${id}`;
const NODE_IMAGE = `opsdeck/node:${process.versions.node.split('.')[0]}`;
const PASSWORD = 'container-admin-password-1';
const SESSION_SECRET = crypto.randomBytes(32).toString('hex');
let ctxDir: string;
let secretsDir: string;
let port: number;
let base: string;
/** The engine's socket (the bed's, from DOCKER_HOST): what the container gets as /var/run/docker.sock. */
const SOCKET = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock';
/** The container as a one-service stack, so requests go through the engine into it. */
const imageStack: Stack = {
  name: 'image-test', title: 'Image test', preset: 'generic', runtime: 'compose', projectName: NAME,
  composeFiles: [], workingDir: REPO, backupDir: REPO, ai: { source: 'none' }, source: 'test',
};
const request = (p: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  stackFetch(imageStack, `${base}${p}`, { service: 'opsdeck', timeoutMs: 15_000, ...init });

const docker = (args: string[], opts: { timeout?: number } = {}) =>
  run('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeout ?? 60_000 });

function cookiesOf(res: Response, jar: Map<string, string>) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

describe('the top-level docker-compose.yml', () => {
  it('is valid for the compose CLI, mounts socket, stacks and data, and passes secrets only as files', async () => {
    const r = await runCompose({ projectName: 'opsdeck-compose-check', composeFiles: [path.join(REPO, 'docker-compose.yml')], cwd: REPO }, ['config'], {
      env: { ...process.env, STACKS_DIR: '/srv/test-stacks', DOCKER_GID: '988', OPSDECK_URL: 'https://ops.example.com' },
    });
    expect(r.code, r.stderr).toBe(0);
    const cfg = YAML.parse(r.stdout) as {
      services: { opsdeck: { environment: Record<string, string>; volumes: (string | { source: string; target: string })[]; secrets: ({ source: string } | string)[]; group_add: (string | number)[] } };
      secrets: Record<string, { file: string }>;
      volumes: Record<string, unknown>;
    };
    const svc = cfg.services.opsdeck;
    expect(svc.environment).toMatchObject({ OPSDECK_CONFIG: '/srv/test-stacks/opsdeck.yaml', NEXTAUTH_URL: 'https://ops.example.com' });
    // The secrets arrive as files named by the _FILE variables, never as values in the environment.
    const secretNames = svc.secrets.map((x) => (typeof x === 'string' ? x : x.source)).sort();
    expect(secretNames).toEqual(['opsdeck_admin_password', 'opsdeck_session_secret']);
    expect(svc.environment.OPSDECK_ADMIN_PASSWORD_FILE).toBe('/run/secrets/opsdeck_admin_password');
    expect(svc.environment.NEXTAUTH_SECRET_FILE).toBe('/run/secrets/opsdeck_session_secret');
    expect(Object.keys(svc.environment).filter((k) => /SECRET$|PASSWORD$|TOKEN$/.test(k))).toEqual([]);
    for (const name of secretNames) expect(cfg.secrets[name].file).toBe(path.join(REPO, 'secrets', name.replace('opsdeck_', '')));
    const mounts = svc.volumes.map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    expect(mounts).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/var\/run\/docker\.sock:\/var\/run\/docker\.sock/),
      expect.stringMatching(/^\/srv\/test-stacks:\/srv\/test-stacks/),
      expect.stringMatching(/^opsdeck_data:\/data/),
    ]));
    expect(Object.keys(cfg.volumes)).toContain('opsdeck_data');
    expect(svc.group_add.map(String)).toEqual(['988']);
  });
});

describe('the Opsdeck container image', () => {
  beforeAll(async () => {
    ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-image-'));
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
    for (const f of stdout.split('\0').filter(Boolean)) {
      if (!fs.existsSync(path.join(REPO, f))) continue;
      fs.mkdirSync(path.dirname(path.join(ctxDir, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO, f), path.join(ctxDir, f));
    }
    // realpath: in a worktree node_modules is a symlink, which cp -a would copy as a dangling link.
    await run('cp', ['-al', fs.realpathSync(path.join(REPO, 'node_modules')), path.join(ctxDir, 'node_modules')]);
    fs.writeFileSync(path.join(ctxDir, '.dockerignore'), '.git\n.next\n.cache\n.data\n');
    // No network for the build: nothing is downloaded (local images, NPM_INSTALL=0, INSTALL_COMPOSE_V1=0).
    await docker(['build', '--network', 'none', '-t', IMAGE, '--label', `com.docker.compose.project=${NAME}`,
      '--build-arg', `BUILDER_IMAGE=${NODE_IMAGE}`, '--build-arg', `BASE_IMAGE=${NODE_IMAGE}`,
      '--build-arg', 'DOCKER_CLI_IMAGE=opsdeck/docker-cli:26',
      '--build-arg', 'NPM_INSTALL=0', '--build-arg', 'INSTALL_COMPOSE_V1=0', ctxDir], { timeout: 540_000 });
    // As compose's file secrets: mounted read-only under /run/secrets, named by the _FILE variables.
    const secrets = (secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-image-secrets-')));
    fs.chmodSync(secrets, 0o755); // mkdtemp's 0700 would keep the image's uid 10001 out
    fs.writeFileSync(path.join(secrets, 'admin_password'), `${PASSWORD}\n`, { mode: 0o644 });
    fs.writeFileSync(path.join(secrets, 'session_secret'), `${SESSION_SECRET}\n`, { mode: 0o644 });
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const sockGid = String(fs.statSync(SOCKET).gid);
    await docker(['run', '-d', '--name', NAME, '--label', `com.docker.compose.project=${NAME}`, '--label', 'com.docker.compose.service=opsdeck', '--network', 'none',
      '-e', `PORT=${port}`, '-e', 'HOSTNAME=127.0.0.1', '-e', `NEXTAUTH_URL=${base}`, '-e', 'OPSDECK_ADMIN_PASSWORD_FILE=/run/secrets/admin_password',
      '-e', 'NEXTAUTH_SECRET_FILE=/run/secrets/session_secret', '-v', `${secrets}:/run/secrets:ro`, '-v', `${SOCKET}:/var/run/docker.sock`,
      '--group-add', sockGid, IMAGE]);
  }, 600_000);

  afterAll(async () => {
    await docker(['rm', '-f', '-v', NAME]).catch(() => undefined);
    await docker(['rmi', '-f', IMAGE]).catch(() => undefined);
    for (const d of [ctxDir, secretsDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('answers /api/health, becomes healthy by its own HEALTHCHECK, and runs as non-root', async () => {
    await expect.poll(async () => (await request('/api/health').catch(() => null))?.status, { timeout: 60_000, interval: 500 }).toBe(200);
    expect(await (await request('/api/health')).json()).toEqual({ status: 'ok' });
    await expect.poll(async () => (await docker(['inspect', '-f', '{{.State.Health.Status}}', NAME])).stdout.trim(), { timeout: 90_000, interval: 2000 }).toBe('healthy');
    expect((await docker(['exec', NAME, 'id', '-u'])).stdout.trim()).toBe('10001');
  }, 180_000);

  it('signs in the admin whose password came from a secret file, with sessions sealed by the secret file', async () => {
    const jar = new Map<string, string>();
    const csrfRes = await request('/api/auth/csrf');
    cookiesOf(csrfRes, jar);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const login = await request('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
      body: new URLSearchParams({ csrfToken, username: 'admin', password: PASSWORD, json: 'true' }).toString(),
    });
    cookiesOf(login, jar);
    expect([...jar.keys()]).toContain('next-auth.session-token');
    // The session is sealed with the secret from NEXTAUTH_SECRET_FILE, and with no other.
    const token = jar.get('next-auth.session-token')!;
    expect(await decode({ token, secret: SESSION_SECRET })).toMatchObject({ name: 'admin' });
    await expect(decode({ token, secret: 'some-other-secret' })).rejects.toThrow();
    const session = (await (await request('/api/auth/session', { headers: { cookie: cookieHeader(jar) } })).json()) as { user?: { name?: string } };
    expect(session.user?.name).toBe('admin');
    const page = await request('/', { headers: { cookie: cookieHeader(jar) } });
    expect(await page.text()).toContain('Demo (Memos)');
  }, 60_000);
});
