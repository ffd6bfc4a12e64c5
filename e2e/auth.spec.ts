import { test, expect, type Browser } from '@playwright/test';
import { E2E_ADMIN, signInOk } from './fixtures';

test.describe.configure({ mode: 'serial' });

const OTTO = { username: 'otto', password: 'otto-password-0001' };

async function newSignedInPage(browser: Browser, user: { username: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInOk(page, user.username, user.password);
  return page;
}

test('admin creates a viewer to act as in the next tests', async ({ browser }) => {
  const admin = await newSignedInPage(browser, E2E_ADMIN);
  await admin.goto('/admin/users');
  const form = admin.getByTestId('create-user');
  await form.getByLabel('Username').fill(OTTO.username);
  await form.getByLabel('Password').fill(OTTO.password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toContainText(`User ${OTTO.username} created.`);
});

test('the server refuses an admin action replayed with a viewer session', async ({ browser }) => {
  const admin = await newSignedInPage(browser, E2E_ADMIN);
  await admin.goto('/admin/users');
  // Capture the exact server-action request the admin's browser would send, without letting it through.
  let captured: { headers: Record<string, string>; body: Buffer } | null = null;
  await admin.route('**/admin/users', async (route) => {
    const req = route.request();
    if (req.method() === 'POST' && req.headers()['next-action']) {
      captured = { headers: req.headers(), body: req.postDataBuffer()! };
      await route.abort();
    } else await route.continue();
  });
  const form = admin.getByTestId('create-user');
  await form.getByLabel('Username').fill('mallory');
  await form.getByLabel('Password').fill('mallory-password-1');
  await form.getByLabel('Role').selectOption('admin');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect.poll(() => captured !== null).toBe(true);

  const viewer = await newSignedInPage(browser, OTTO);
  const { headers, body } = captured!;
  const res = await viewer.request.post('/admin/users', {
    headers: { 'next-action': headers['next-action'], 'content-type': headers['content-type'], accept: 'text/x-component' },
    data: body,
  });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('This needs the admin role; you are signed in as viewer.');

  await admin.unroute('**/admin/users');
  await admin.goto('/admin/users');
  await expect(admin.getByTestId('user-mallory')).toHaveCount(0);
  await admin.goto('/admin/audit?action=users.create&result=denied');
  await expect(admin.getByTestId('audit-table')).toContainText(OTTO.username);
});

test('changing a user’s password ends their open session at once', async ({ browser }) => {
  const viewer = await newSignedInPage(browser, OTTO);
  const admin = await newSignedInPage(browser, E2E_ADMIN);
  await admin.goto('/admin/users');
  const row = admin.getByTestId(`user-${OTTO.username}`);
  await row.getByLabel(`New password for ${OTTO.username}`).fill('otto-password-0002');
  await row.getByRole('button', { name: 'Set password' }).click();
  await expect(row.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await viewer.goto('/');
  await expect(viewer).toHaveURL(/\/signin/);
  await signInOk(viewer, OTTO.username, 'otto-password-0002');
});
