import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generate } from 'otplib';
import { test, expect, type Browser, type BrowserContext } from '@playwright/test';
import { E2E_ADMIN, signIn, signInOk } from './fixtures';

test.describe.configure({ mode: 'serial' });

const TINA = { username: 'tina', password: 'tina-password-0001' };
const run = promisify(execFile);
const PERIOD_MS = 30_000;

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  // Nothing leaves the machine: the OIDC provider's dev pages link a web font; refuse such requests.
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  return context;
}

/** HTTP status of a request made by curl (argument array, no shell) with a bearer token. */
async function curlStatus(baseURL: string, token: string, path: string, method = 'GET'): Promise<number> {
  const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', method, '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/json', ...(method === 'POST' ? ['--data', '{}'] : []), `${baseURL}${path}`]);
  return Number(stdout.trim());
}

// Shared by the three TOTP tests, which run in order (serial).
const enrolled = { secret: '', recovery: '', step: 0 };

test('TOTP: a user enrols with the key shown once and a code from the app, and gets recovery codes', async ({ browser }) => {
  const admin = await (await newContext(browser)).newPage();
  await signInOk(admin, E2E_ADMIN.username, E2E_ADMIN.password);
  await admin.goto('/admin/users');
  const form = admin.getByTestId('create-user');
  await form.getByLabel('Username').fill(TINA.username);
  await form.getByLabel('Password').fill(TINA.password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toContainText(`User ${TINA.username} created.`);

  const page = await (await newContext(browser)).newPage();
  await signInOk(page, TINA.username, TINA.password);
  await page.goto('/account/security');
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const qr = page.getByAltText('QR code for your authenticator app');
  await expect(qr).toBeVisible();
  // The QR code really rendered (a data: URL the page's CSP allows), not only its box.
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  enrolled.secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  enrolled.step = Math.floor(Date.now() / PERIOD_MS);
  await page.getByLabel('Code from the app').fill(await generate({ secret: enrolled.secret, epoch: enrolled.step * 30 }));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const codes = page.getByTestId('recovery-codes');
  await expect(codes).toContainText('Two-factor sign-in is on');
  await expect(codes.locator('li')).toHaveCount(10);
  enrolled.recovery = (await codes.locator('li').first().textContent())!.trim();
  // The key is not shown again.
  await page.goto('/account/security');
  await expect(page.getByText('Two-factor sign-in is on')).toBeVisible();
  await expect(page.getByTestId('totp-secret')).toHaveCount(0);
});

test('TOTP: the password alone is not enough; a wrong code is refused, the current one signs in', async ({ browser }) => {
  const page = await (await newContext(browser)).newPage();
  await signIn(page, TINA.username, TINA.password);
  await expect(page.getByLabel('Two-factor code')).toBeVisible();
  await page.getByLabel('Two-factor code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('That code is not valid');
  // A code is accepted once: use the step after the one spent at enrolment (one step ahead is
  // within the accepted drift), or the current one if the clock has moved on since.
  const step = Math.max(Math.floor(Date.now() / PERIOD_MS), enrolled.step + 1);
  await page.getByLabel('Two-factor code').fill(await generate({ secret: enrolled.secret, epoch: step * 30 }));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('whoami')).toContainText(TINA.username);
});

test('TOTP: a recovery code signs in once, and not a second time', async ({ browser }) => {
  const lost = await (await newContext(browser)).newPage();
  await signIn(lost, TINA.username, TINA.password);
  await lost.getByLabel('Two-factor code').fill(enrolled.recovery);
  await lost.getByRole('button', { name: 'Verify' }).click();
  await expect(lost.getByTestId('whoami')).toContainText(TINA.username);

  const again = await (await newContext(browser)).newPage();
  await signIn(again, TINA.username, TINA.password);
  await again.getByLabel('Two-factor code').fill(enrolled.recovery);
  await again.getByRole('button', { name: 'Verify' }).click();
  await expect(again.getByRole('main').getByRole('alert')).toContainText('already used');
});

test('OIDC: sign-in through a local OpenID Provider maps the group to a role; no mapped group is refused', async ({ browser }) => {
  const page = await (await newContext(browser)).newPage();
  await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
  await page.locator('input[name="login"]').fill('idp-admin');
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('whoami')).toContainText('idp-admin · admin');

  const refused = await (await newContext(browser)).newPage();
  await refused.goto('/signin');
  await refused.getByRole('button', { name: 'Sign in with Test IdP' }).click();
  await refused.locator('input[name="login"]').fill('idp-nobody');
  await refused.locator('input[name="password"]').fill('anything');
  await refused.getByRole('button', { name: 'Sign-in' }).click();
  await refused.getByRole('button', { name: 'Continue' }).click();
  await expect(refused).toHaveURL(/\/signin\?error=OidcNoRole/);
  await expect(refused.getByRole('main').getByRole('alert')).toContainText('no group that Opsdeck maps to a role');
});

test('API token: created in the UI, used by curl, refused from the request after its revocation', async ({ browser, baseURL }) => {
  const page = await (await newContext(browser)).newPage();
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/account/tokens');
  const form = page.getByTestId('create-token');
  await form.getByLabel('Token name').fill('ci-e2e');
  await form.getByLabel('Token role').selectOption('viewer');
  await form.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^odk_/);

  expect(await curlStatus(baseURL!, token, '/api/stacks/demo/backups')).toBe(200);
  // A viewer token cannot start a backup; a wrong token is not a token.
  expect(await curlStatus(baseURL!, token, '/api/stacks/demo/backups', 'POST')).toBe(403);
  expect(await curlStatus(baseURL!, `${token.slice(0, -1)}x`, '/api/stacks/demo/backups')).toBe(401);

  await page.reload();
  const row = page.getByTestId('token-ci-e2e');
  await expect(row).toContainText('last used');
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  expect(await curlStatus(baseURL!, token, '/api/stacks/demo/backups')).toBe(401);

  await page.goto('/admin/audit?action=api-token.revoke');
  await expect(page.getByTestId('audit-table')).toContainText(E2E_ADMIN.username);
});
