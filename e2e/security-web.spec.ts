/**
 * The web surface in a real browser: security headers and a CSP the pages pass (no violation
 * reported while they render and hydrate), no open redirect after sign-in, cross-site writes
 * refused, sign-out and "sign out everywhere" ending sessions on the server, and changing one's
 * own password.
 */
import http from 'node:http';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { E2E_ADMIN, openMenu, signIn, signInOk } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SAM = { username: 'sam', password: 'sam-password-00001' };
const CARA = { username: 'cara', password: 'cara-password-0001' };
const OLGA = { username: 'olga', password: 'olga-password-0001' };

async function signedIn(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInOk(page, user.username, user.password);
  return page;
}

/** Records CSP violations the page reports (the event fires for every blocked script, style, frame…). */
async function watchCsp(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('__cspViolation', (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return seen;
}

test('admin creates the users of these tests', async ({ browser }) => {
  const admin = await signedIn(browser, E2E_ADMIN);
  await admin.goto('/admin/users');
  const form = admin.getByTestId('create-user');
  for (const u of [SAM, CARA]) {
    await form.getByLabel('Username').fill(u.username);
    await form.getByLabel('Password').fill(u.password);
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('status')).toContainText(`User ${u.username} created.`);
  }
});

test('backup download is admin-only by default: an operator is refused by the route handler', async ({ browser }) => {
  const admin = await signedIn(browser, E2E_ADMIN);
  await admin.goto('/admin/users');
  const form = admin.getByTestId('create-user');
  await form.getByLabel('Username').fill(OLGA.username);
  await form.getByLabel('Password').fill(OLGA.password);
  await form.getByLabel('Role').selectOption('operator');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toContainText(`User ${OLGA.username} created.`);
  const operator = await signedIn(browser, OLGA);
  const res = await operator.request.get('/api/stacks/demo/backups/demo-20260101T000000Z-manual/download');
  expect(res.status()).toBe(403);
  expect((await res.json()).error).toBe('This needs the admin role; you are signed in as operator.');
  // The admin passes the guard (the id names no backup here, so the handler answers 404).
  expect((await admin.request.get('/api/stacks/demo/backups/demo-20260101T000000Z-manual/download')).status()).toBe(404);
  await operator.goto('/stacks/demo/backups');
  await expect(operator.getByRole('button', { name: 'Back up now' })).toBeVisible();
  await expect(operator.getByRole('link', { name: 'Download' })).toHaveCount(0);
});

test('every page carries the security headers and renders without a CSP violation', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  const violations = await watchCsp(page);
  const nonces = new Set<string>();
  const check = async (path: string) => {
    const res = await page.goto(path);
    expect(res, path).not.toBeNull();
    const h = res!.headers();
    const csp = h['content-security-policy'] ?? '';
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("object-src 'none'");
    nonces.add(/'nonce-([^']+)'/.exec(csp)![1]);
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['referrer-policy'], path).toBe('same-origin');
    expect(h['x-frame-options'], path).toBe('DENY');
    // Next's own inline scripts carry this response's nonce.
    expect(await page.locator('script:not([nonce])').count(), path).toBe(0);
  };
  await check('/signin');
  // Hydrated under the policy: the client-side sign-in form works.
  await page.getByLabel('Username').fill(E2E_ADMIN.username);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('whoami')).toContainText(E2E_ADMIN.username);
  for (const path of ['/', '/stacks/demo', '/stacks/demo/logs', '/stacks/demo/backups', '/stacks/demo/deploy', '/stacks/demo/ai', '/stacks/demo/notifications', '/admin/users', '/admin/audit', '/account/password']) {
    await check(path);
    await expect(page.getByTestId('whoami')).toBeVisible();
  }
  // A client-side navigation (React running) and the live status stream (EventSource, connect-src).
  await page.goto('/');
  await openMenu(page);
  await page.getByRole('link', { name: 'Password & sessions' }).click();
  await expect(page.getByRole('heading', { name: 'Change your password' })).toBeVisible();
  expect(nonces.size).toBe(11); // a fresh nonce per response
  expect(violations).toEqual([]);

  const api = await page.request.get('/api/stacks/demo/backups');
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  expect(api.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('after sign-in, a callbackUrl to another site stays on this one', async ({ browser, baseURL }) => {
  for (const target of ['/\\evil.example', '//evil.example', 'https://evil.example', '/\t/evil.example', '/stacks/demo/logs']) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel('Username').fill(SAM.username);
    await page.getByLabel('Password').fill(SAM.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('whoami')).toContainText(SAM.username);
    expect(new URL(page.url()).origin, target).toBe(new URL(baseURL!).origin);
    expect(new URL(page.url()).pathname, target).toBe(target === '/stacks/demo/logs' ? '/stacks/demo/logs' : '/');
    await page.context().close();
  }
});

test('a cross-site form post to a route handler is refused; the same request from Opsdeck passes the guard', async ({ browser, baseURL }) => {
  const admin = await signedIn(browser, E2E_ADMIN);
  // Another origin on the same site (another port of 127.0.0.1): the browser sends the session cookie.
  const evil = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<form id="f" method="POST" action="${baseURL}/api/stacks/demo/backups" enctype="text/plain"><input name='{"testRestore":true,"x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`,
    );
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  try {
    const posted = admin.waitForResponse((r) => r.url() === `${baseURL}/api/stacks/demo/backups` && r.request().method() === 'POST');
    await admin.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
    const res = await posted;
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'This request came from another site (its Origin is not this Opsdeck), so it was refused.' });
  } finally {
    evil.close();
  }
  // Scripted requests with the session cookie: a foreign Origin, or none and no custom header, are refused.
  const foreign = await admin.request.post('/api/stacks/demo/backups/import', { headers: { Origin: 'https://evil.example' }, data: 'x' });
  expect(foreign.status()).toBe(403);
  const bare = await admin.request.post('/api/stacks/demo/backups/import', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: 'x' });
  expect(bare.status()).toBe(403);
  expect((await bare.json()).error).toContain('X-Opsdeck-Request');
  // From Opsdeck's own origin the guard lets it through (an empty upload is then refused by the handler).
  const own = await admin.request.post('/api/stacks/demo/backups/import', { headers: { Origin: new URL(baseURL!).origin, 'x-file-name': 'empty.sql' }, data: '' });
  expect(own.status()).toBe(400);
  expect((await own.json()).error).toMatch(/empty/);
});

test('a server action replayed from another origin is refused by Next; from this origin it runs', async ({ browser, baseURL }) => {
  const page = await signedIn(browser, OLGA);
  await page.goto('/account/password');
  let captured: { url: string; headers: Record<string, string>; body: Buffer } | null = null;
  await page.route('**/account/password', async (route) => {
    const req = route.request();
    if (req.method() === 'POST' && req.headers()['next-action']) {
      captured = { url: req.url(), headers: req.headers(), body: req.postDataBuffer()! };
      await route.abort();
    } else await route.continue();
  });
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unroute('**/account/password');
  const { url, headers, body } = captured!;
  const replay = (origin: string) =>
    page.request.post(url, { headers: { origin, 'next-action': headers['next-action'], 'content-type': headers['content-type'], accept: 'text/x-component' }, data: body });
  const foreign = await replay('https://evil.example');
  expect(foreign.status()).toBe(500);
  expect(await foreign.text()).not.toContain('Signed out of');
  await page.goto('/');
  await expect(page.getByTestId('whoami')).toContainText(OLGA.username);
  const own = await replay(new URL(baseURL!).origin);
  expect(await own.text()).toContain('Signed out of');
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('signing out ends the session on the server: a copy of its cookie no longer works', async ({ browser }) => {
  const page = await signedIn(browser, SAM);
  const copied = await page.context().storageState();
  await openMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  const thief = await (await browser.newContext({ storageState: copied })).newPage();
  expect(copied.cookies.some((c) => c.name.includes('session-token'))).toBe(true);
  const res = await thief.request.get('/api/stacks/demo/backups');
  expect(res.status()).toBe(401);
  await thief.goto('/');
  await expect(thief).toHaveURL(/\/signin/);
});

test('sign out everywhere ends every session of the user, this one included', async ({ browser }) => {
  const laptop = await signedIn(browser, SAM);
  const phone = await signedIn(browser, SAM);
  const other = await signedIn(browser, CARA);
  await laptop.goto('/account/password');
  // These two, and the ones the redirect test left open.
  expect(Number(await laptop.getByTestId('session-count').textContent())).toBeGreaterThanOrEqual(2);
  await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(laptop).toHaveURL(/\/signin/);
  await phone.goto('/');
  await expect(phone).toHaveURL(/\/signin/);
  // Someone else's session is untouched.
  await other.goto('/');
  await expect(other.getByTestId('whoami')).toContainText(CARA.username);
  await signInOk(phone, SAM.username, SAM.password);
});

test('a user changes their own password: current one required, other sessions end, this one stays', async ({ browser }) => {
  const here = await signedIn(browser, CARA);
  const elsewhere = await signedIn(browser, CARA);
  await here.goto('/account/password');
  const form = here.getByTestId('change-password');
  await form.getByLabel('Current password').fill('not-the-password-1');
  await form.getByLabel('New password', { exact: true }).fill('cara-password-0002');
  await form.getByLabel('New password again').fill('cara-password-0002');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toContainText('That is not your password.');
  await form.getByLabel('Current password').fill(CARA.password);
  await form.getByLabel('New password', { exact: true }).fill('cara-password-0002');
  await form.getByLabel('New password again').fill('cara-password-0002');
  await form.getByRole('button', { name: 'Change password' }).click();
  // `elsewhere` and the session the previous test left open.
  await expect(form.getByRole('status')).toContainText('Password changed; 2 other sessions were signed out.');
  await here.goto('/');
  await expect(here.getByTestId('whoami')).toContainText(CARA.username);
  await elsewhere.goto('/');
  await expect(elsewhere).toHaveURL(/\/signin/);
  await signIn(elsewhere, CARA.username, CARA.password);
  await expect(elsewhere.getByRole('main').getByRole('alert')).toContainText('Wrong username or password.');
  await signInOk(elsewhere, CARA.username, 'cara-password-0002');
});

test('guessing at an account cannot lock its owner out of a browser that signed in before', async ({ browser }) => {
  // About 15 guesses and 16 s of waiting out short refusals; a loaded machine needs room.
  test.setTimeout(180_000);
  const owner = await signedIn(browser, { username: CARA.username, password: 'cara-password-0002' });
  const device = (await owner.context().cookies()).find((c) => c.name === 'opsdeck-device');
  expect(device?.httpOnly).toBe(true);
  await openMenu(owner);
  await owner.getByRole('button', { name: 'Sign out' }).click();
  await expect(owner).toHaveURL(/\/signin/);
  // Someone else guesses from a fresh browser until a refusal names a wait of 12 s or more. A refused
  // guess is not counted, so a fixed number of guesses would leave a wait that depends on how fast
  // this machine is: a guess refused with a shorter wait is followed by waiting it out.
  const attacker = await (await browser.newContext()).newPage();
  const alert = attacker.getByRole('main').getByRole('alert');
  let wait = 0;
  for (let i = 0; i < 30 && wait < 12; i++) {
    await signIn(attacker, CARA.username, `wrong-guess-${i}-xx`);
    await expect(alert).not.toBeEmpty();
    const refused = /Try again in (\d+) seconds?/.exec((await alert.textContent()) ?? '');
    wait = refused ? Number(refused[1]) : 0;
    if (refused && wait < 12) await attacker.waitForTimeout(wait * 1000 + 200);
  }
  expect(wait).toBeGreaterThanOrEqual(12);
  await signIn(attacker, CARA.username, 'cara-password-0002');
  await expect(attacker.getByRole('main').getByRole('alert')).toContainText('Too many failed sign-in attempts');
  // The owner's browser still signs in at once with the right password.
  await signInOk(owner, CARA.username, 'cara-password-0002');
});
