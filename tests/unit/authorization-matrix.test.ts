/**
 * The authorization matrix, generated from the code: every route handler (app/** /route.ts, each
 * exported HTTP method) and every server action (server-actions/*.ts with 'use server') is found on
 * disk, its declared rule read from the handler (`.rule`, set by guarded()/publicRoute() and by
 * defineAction), and it is called for real — inside Next's request scope, with real session cookies
 * and real API tokens against a real SQLite store — by every principal. The expected status follows
 * from the rule alone, so a new route or action without a rule, or with a guard that does not match
 * its rule, fails here.
 *
 * Allowed calls target things that do not exist (stack "ghost", backup "nope", job in stack
 * "ghost") or send an empty form, so they answer 400/404 without side effects; the test asserts
 * they got past authorization (not 401/403) with the same answer an admin gets.
 */
// First: installs what Next's request storage needs before anything loads Next's server modules.
import { inRequestScope, sessionCookie } from '../support/next-request';
import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '@/lib/auth/api-tokens';
import { hasRole, ROLES, type Role } from '@/lib/auth/roles';
import { createUser } from '@/lib/auth/users';
import { finishJob, insertRunningJob } from '@/lib/jobs/job-store';
import { COMPOSE_YAML, withTempStacks } from '@/lib/stacks/test-support';
import { closeDb, openDb } from '@/lib/store/db';

process.env.NEXTAUTH_SECRET = 'authorization-matrix-test-secret-0123456789';
process.env.NEXTAUTH_URL = 'http://127.0.0.1:3000';
withTempStacks((tree) => {
  tree.write('compose.yml', COMPOSE_YAML);
  tree.write('opsdeck.yaml', 'stacks:\n  - { name: alpha, preset: generic, compose: compose.yml }\n');
});

const ROOT = path.resolve(import.meta.dirname, '../..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const TARGET_STACK = 'ghost';

interface RouteRule {
  action: string;
  role: Role | ((params: Record<string, string>) => Role);
  stack?: 'name' | 'job';
}
type AnyRule = RouteRule | { public: string };
type Handler = ((req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>) & { rule?: AnyRule };
type Action = ((prev: null, form: Record<string, unknown>) => Promise<{ ok: boolean; status?: number }>) & { rule?: { name: string; role: Role; beforeTwoFactor?: boolean } };

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const routeFiles = walk(path.join(ROOT, 'app')).filter((f) => path.basename(f) === 'route.ts');
const routes: { file: string; method: string; handler: Handler }[] = [];
for (const file of routeFiles) {
  const mod = (await import(file)) as Record<string, unknown>;
  for (const method of METHODS) if (typeof mod[method] === 'function') routes.push({ file: path.relative(ROOT, file), method, handler: mod[method] as Handler });
}
const actionFiles = fs
  .readdirSync(path.join(ROOT, 'server-actions'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .filter((f) => /^\s*['"]use server['"]/.test(fs.readFileSync(path.join(ROOT, 'server-actions', f), 'utf8')));
const actions: { file: string; name: string; fn: Action }[] = [];
for (const f of actionFiles) {
  const mod = (await import(path.join(ROOT, 'server-actions', f))) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod)) if (typeof fn === 'function') actions.push({ file: `server-actions/${f}`, name, fn: fn as Action });
}

type Principal =
  | { kind: 'anonymous' }
  | { kind: 'session'; role: Role; user: { id: number; username: string; sessionVersion: number }; require2fa?: boolean }
  | { kind: 'token'; role: Role; stacks: string[] | null; header: string; revoked?: boolean };

const principals: { label: string; p: Principal }[] = [];
let jobInTarget = '';

// One store for the file (users with scrypt hashes are slow to make); every call only reads it,
// apart from audit rows and tokens' last-used times.
const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-matrix-'));
afterAll(() => {
  closeDb();
  fs.rmSync(storeDir, { recursive: true, force: true });
});
beforeAll(async () => {
  openDb(path.join(storeDir, 'opsdeck.db'));
  principals.push({ label: 'signed out', p: { kind: 'anonymous' } });
  const users: Record<Role, { id: number; role: Role; username: string; sessionVersion: number }> = {} as never;
  for (const role of ROLES) {
    const u = await createUser({ username: `m-${role}`, password: 'matrix password 123', role });
    users[role] = u;
    principals.push({ label: `${role} session`, p: { kind: 'session', role, user: u } });
  }
  const bare = await createUser({ username: 'm-admin-no2fa', password: 'matrix password 123', role: 'admin' });
  principals.push({ label: 'admin session, 2FA required but not set up', p: { kind: 'session', role: 'admin', user: bare, require2fa: true } });
  for (const role of ROLES) {
    for (const stacks of [null, [TARGET_STACK], ['alpha']]) {
      const { token } = createApiToken(users.admin, { name: `t-${role}-${stacks?.join('') ?? 'all'}`, role, stacks, days: 1 });
      principals.push({ label: `${role} token for ${stacks ? stacks.join(',') : 'all stacks'}`, p: { kind: 'token', role, stacks, header: `Bearer ${token}` } });
    }
  }
  const revoked = createApiToken(users.admin, { name: 'revoked', role: 'admin', stacks: null, days: 1 });
  revokeApiToken(users.admin.id, revoked.info.id);
  principals.push({ label: 'revoked admin token', p: { kind: 'token', role: 'admin', stacks: null, header: `Bearer ${revoked.token}`, revoked: true } });
  const job = insertRunningJob({ stack: TARGET_STACK, kind: 'backup', title: 'Backup', startedBy: 'm-admin' });
  finishJob(job.id, 'failed', 'test job');
  jobInTarget = job.id;
});

function paramsFor(file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [, dots, key] of file.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)) {
    out[key] = dots ? ['session'] : key === 'name' ? TARGET_STACK : key === 'id' ? (file.includes('/jobs/') ? jobInTarget : 'nope') : 'x';
  }
  return out;
}

async function withPrincipal<T>(p: Principal, url: string, init: RequestInit, fn: (req: Request) => Promise<T>): Promise<T> {
  const headers = new Headers(init.headers);
  // Same-origin, as the console's own pages send it, so an Origin check passes for sessions.
  headers.set('host', '127.0.0.1:3000');
  headers.set('origin', 'http://127.0.0.1:3000');
  // A fresh server-side session for every call: an action such as "sign out everywhere", called
  // by an earlier case, ends the sessions that existed then.
  if (p.kind === 'session') headers.set('cookie', await sessionCookie(p.user));
  if (p.kind === 'token') headers.set('authorization', p.header);
  // What Next hands a route handler: a NextRequest (next-auth's handler reads its nextUrl).
  const request = new NextRequest(url, { ...init, headers } as ConstructorParameters<typeof NextRequest>[1]);
  const saved = process.env.OPSDECK_REQUIRE_2FA;
  if (p.kind === 'session' && p.require2fa) process.env.OPSDECK_REQUIRE_2FA = '1';
  try {
    return await inRequestScope(request, () => fn(request));
  } finally {
    if (saved === undefined) delete process.env.OPSDECK_REQUIRE_2FA;
    else process.env.OPSDECK_REQUIRE_2FA = saved;
  }
}

async function callRoute(r: (typeof routes)[number], p: Principal): Promise<number> {
  const params = paramsFor(r.file);
  const urlPath = '/' + r.file.replace(/^app\//, '').replace(/\/route\.ts$/, '').replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, _d, k) => String(params[k]));
  const init: RequestInit = r.method === 'GET' || r.method === 'HEAD' ? { method: r.method } : { method: r.method, body: '{}', headers: { 'content-type': 'application/json' } };
  const ac = new AbortController();
  const res = await withPrincipal(p, `http://127.0.0.1:3000${urlPath}`, { ...init, signal: ac.signal }, (req) => r.handler(req, { params: Promise.resolve(params) }));
  ac.abort(); // ends a stream (SSE) the handler may have opened
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}

/** 401 / 403, or 'pass' (authorization let it through), from the rule and the principal alone. */
function expectedFor(rule: RouteRule, params: Record<string, unknown>, p: Principal): 401 | 403 | 'pass' {
  if (p.kind === 'anonymous') return 401;
  if (p.kind === 'token' && p.revoked) return 401;
  // A role that depends on the path (per-stack setting) is asked for the same path the call uses.
  const role = typeof rule.role === 'function' ? rule.role(params as Record<string, string>) : rule.role;
  if (!hasRole(p.role, role)) return 403;
  if (p.kind === 'session' && p.require2fa) return 403;
  if (p.kind === 'token' && rule.stack && p.stacks && !p.stacks.includes(TARGET_STACK)) return 403;
  return 'pass';
}

describe('authorization matrix: route handlers', () => {
  it('finds the route handlers', () => {
    expect(routes.length).toBeGreaterThanOrEqual(14);
  });

  for (const r of routes) {
    it(`${r.method} ${r.file}`, async () => {
      const rule = r.handler.rule;
      expect(rule, `${r.method} in ${r.file} declares no rule: wrap it in guarded() or publicRoute()`).toBeDefined();
      if (!rule) return;
      if ('public' in rule) {
        expect(rule.public.length).toBeGreaterThan(10);
        // Public handlers answer a signed-out caller with something other than an auth refusal.
        expect([401, 403]).not.toContain(await callRoute(r, { kind: 'anonymous' }));
        return;
      }
      expect(rule.action).toMatch(/^[a-z-]+\.[a-z-]+$/);
      const baseline = await callRoute(r, principals.find((x) => x.label === 'admin session')!.p);
      expect([401, 403], `admin session on ${r.method} ${r.file}`).not.toContain(baseline);
      const got: Record<string, number | string> = {};
      const want: Record<string, number | string> = {};
      for (const { label, p } of principals) {
        const e = expectedFor(rule, paramsFor(r.file), p);
        got[label] = await callRoute(r, p);
        want[label] = e === 'pass' ? baseline : e;
      }
      expect(got).toEqual(want);
    });
  }
});

describe('authorization matrix: server actions (session only, never a token)', () => {
  it('finds the server actions', () => {
    expect(actions.length).toBeGreaterThanOrEqual(20);
  });

  for (const a of actions) {
    it(`${a.name} (${a.file})`, async () => {
      const rule = a.fn.rule;
      expect(rule, `${a.name} in ${a.file} declares no rule: build it with defineAction()`).toBeDefined();
      if (!rule) return;
      const got: Record<string, number | string> = {};
      const want: Record<string, number | string> = {};
      for (const { label, p } of principals) {
        const result = await withPrincipal(p, 'http://127.0.0.1:3000/', { method: 'POST' }, () => a.fn(null, {}));
        got[label] = result.status ?? (result.ok ? 'ok' : 'refused by input');
        const denied =
          p.kind !== 'session' ? 401 : !hasRole(p.role, rule.role) ? 403 : p.require2fa && !rule.beforeTwoFactor ? 403 : null;
        want[label] = denied ?? got[label];
        if (denied === null) expect([401, 403], `${label} on ${a.name}`).not.toContain(result.status);
      }
      expect(got).toEqual(want);
    });
  }
});
