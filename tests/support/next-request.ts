/**
 * Runs code the way Next runs a route handler or a server action: inside its request scope, so
 * `headers()` and `cookies()` from next/headers (and next-auth's getServerSession, which reads
 * them) see the given request's real headers and cookies. Only the scope is provided here; the
 * session decoding, the store lookups and the role checks that follow are the real ones.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { encode } from 'next-auth/jwt';
import { authSecret } from '@/lib/auth/auth-secret';
import { createSession } from '@/lib/auth/sessions';

// Next's server installs this global before loading its request storage; without it the storage
// is a stand-in that refuses to run. Set first, then load Next's modules.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
// Through Node's require, as next-auth loads next/headers: one copy of Next's storage for both.
const load = createRequire(import.meta.url);
const { workAsyncStorage } = load('next/dist/server/app-render/work-async-storage.external');
const { workUnitAsyncStorage } = load('next/dist/server/app-render/work-unit-async-storage.external');
const { HeadersAdapter } = load('next/dist/server/web/spec-extension/adapters/headers');
const { RequestCookiesAdapter } = load('next/dist/server/web/spec-extension/adapters/request-cookies');
const { RequestCookies } = load('next/dist/server/web/spec-extension/cookies');

export function inRequestScope<T>(request: Request, fn: () => Promise<T>): Promise<T> {
  const headers = HeadersAdapter.seal(new Headers(request.headers));
  const cookies = RequestCookiesAdapter.seal(new RequestCookies(new Headers(request.headers)));
  const store = { type: 'request', phase: 'render', url: { pathname: new URL(request.url).pathname, search: '' }, headers, cookies, mutableCookies: cookies, userspaceMutableCookies: cookies, draftMode: undefined, isHmrRefresh: false, serverComponentsHmrCache: undefined, implicitTags: undefined, rootParams: {} };
  const work = { route: new URL(request.url).pathname, forceStatic: false, dynamicShouldError: false, isStaticGeneration: false };
  return workAsyncStorage.run(work as never, () => workUnitAsyncStorage.run(store as never, fn));
}

/**
 * The cookie header of a real next-auth session for a user: a server-side session row, and the JWT
 * naming it with the user's id and session version, as a sign-in makes them.
 */
export async function sessionCookie(user: { id: number; sessionVersion: number; username: string }): Promise<string> {
  const token = await encode({ secret: authSecret(), token: { name: user.username, uid: user.id, sv: user.sessionVersion, sid: createSession(user.id) } });
  return `next-auth.session-token=${token}`;
}
