import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/demo-stack';

/**
 * Builds the real Dockerfile from local images (no registry here: BUILDER_IMAGE and BASE_IMAGE are
 * opsdeck/node:20, and node_modules comes with the context instead of `npm install`), starts it
 * like docker-compose.yml does (socket mounted, secret from a file, non-root) and checks its
 * health endpoint, its Docker healthcheck and a real sign-in.
 */
const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const id = crypto.randomBytes(3).toString('hex');
const IMAGE = `opsdeck-test-image:${id}`;
const NAME = `opsdeck-test-image-${id}`;
const PASSWORD = 'container-admin-password-1';
let ctxDir: string;
let port: number;
let base: string;

const docker = (args: string[], opts: { timeout?: number } = {}) =>
  run('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeout ?? 60_000 });

beforeAll(async () => {
  ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-image-'));
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
  for (const f of stdout.split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(REPO, f))) continue;
    fs.mkdirSync(path.dirname(path.join(ctxDir, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(ctxDir, f));
  }
  await run('cp', ['-al', path.join(REPO, 'node_modules'), path.join(ctxDir, 'node_modules')]);
  fs.writeFileSync(path.join(ctxDir, '.dockerignore'), '.git\n.next\n.cache\n.data\n');
  await docker(['build', '--network', 'host', '-t', IMAGE, '--label', `com.docker.compose.project=${NAME}`,
    '--build-arg', 'BUILDER_IMAGE=opsdeck/node:20', '--build-arg', 'BASE_IMAGE=opsdeck/node:20',
    '--build-arg', 'NPM_INSTALL=0', '--build-arg', 'INSTALL_COMPOSE=0', ctxDir], { timeout: 540_000 });
  fs.writeFileSync(path.join(ctxDir, 'admin_password'), `${PASSWORD}\n`, { mode: 0o644 });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const sockGid = String(fs.statSync('/var/run/docker.sock').gid);
  await docker(['run', '-d', '--name', NAME, '--label', `com.docker.compose.project=${NAME}`, '--network', 'host',
    '-e', `PORT=${port}`, '-e', 'HOSTNAME=127.0.0.1', '-e', `NEXTAUTH_URL=${base}`, '-e', 'OPSDECK_ADMIN_PASSWORD_FILE=/run/secrets/admin_password',
    '-v', `${path.join(ctxDir, 'admin_password')}:/run/secrets/admin_password:ro`, '-v', '/var/run/docker.sock:/var/run/docker.sock',
    '--group-add', sockGid, IMAGE]);
}, 600_000);

afterAll(async () => {
  await docker(['rm', '-f', '-v', NAME]).catch(() => undefined);
  await docker(['rmi', '-f', IMAGE]).catch(() => undefined);
  fs.rmSync(ctxDir, { recursive: true, force: true });
}, 60_000);

function cookiesOf(res: Response, jar: Map<string, string>) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

describe('the Opsdeck container image', () => {
  it('answers /api/health, becomes healthy by its own HEALTHCHECK, and runs as non-root', async () => {
    await expect.poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status, { timeout: 60_000, interval: 500 }).toBe(200);
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ status: 'ok' });
    await expect.poll(async () => (await docker(['inspect', '-f', '{{.State.Health.Status}}', NAME])).stdout.trim(), { timeout: 90_000, interval: 2000 }).toBe('healthy');
    expect((await docker(['exec', NAME, 'id', '-u'])).stdout.trim()).toBe('10001');
  }, 180_000);

  it('signs in the admin whose password came from a secret file', async () => {
    const jar = new Map<string, string>();
    const csrfRes = await fetch(`${base}/api/auth/csrf`);
    cookiesOf(csrfRes, jar);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const login = await fetch(`${base}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
      body: new URLSearchParams({ csrfToken, username: 'admin', password: PASSWORD, json: 'true' }),
    });
    cookiesOf(login, jar);
    expect([...jar.keys()]).toContain('next-auth.session-token');
    const session = (await (await fetch(`${base}/api/auth/session`, { headers: { cookie: cookieHeader(jar) } })).json()) as { user?: { name?: string } };
    expect(session.user?.name).toBe('admin');
    const page = await fetch(`${base}/`, { headers: { cookie: cookieHeader(jar) } });
    expect(await page.text()).toContain('Demo (Memos)');
  }, 60_000);
});
