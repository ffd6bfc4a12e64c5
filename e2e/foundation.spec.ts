import { test, expect } from '@playwright/test';
import { E2E_ADMIN, signIn, signInOk } from './fixtures';

test.describe.configure({ mode: 'serial' });

const VIEWER = { username: 'vera', password: 'viewer-password-42' };

test('an unsigned visitor is sent to the sign-in page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
});

test('a wrong password gets a clear error and no session', async ({ page }) => {
  await signIn(page, E2E_ADMIN.username, 'not-the-password');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong username or password.');
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('the admin signs in and sees the demo stack services live from Docker', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  const stack = page.getByTestId('stack-demo');
  await expect(stack).toBeVisible();
  for (const svc of ['postgres', 'memos']) {
    const row = stack.getByTestId(`service-${svc}`);
    await expect(row).toHaveAttribute('data-state', 'running');
    await expect(row).toContainText('(healthy)');
  }
  await expect(stack.getByTestId('service-postgres')).toContainText('opsdeck/postgres:17');
  await expect(stack.getByTestId('service-memos')).toContainText('opsdeck/demo-app');
  await page.screenshot({ path: 'test-results/screenshots/overview.png', fullPage: true });
});

test('the admin creates a viewer, and the audit log records it', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/admin/users');
  const form = page.getByTestId('create-user');
  await form.getByLabel('Username').fill(VIEWER.username);
  await form.getByLabel('Password').fill('short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toContainText('at least 10 characters');
  await form.getByLabel('Password').fill(VIEWER.password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toContainText(`User ${VIEWER.username} created.`);
  await expect(page.getByTestId(`user-${VIEWER.username}`)).toContainText('viewer');
  await page.goto('/admin/audit?action=users.create');
  await expect(page.getByTestId('audit-table')).toContainText(`${VIEWER.username} (viewer)`);
});

test('a viewer sees the stack but is refused the admin pages', async ({ page }) => {
  await signInOk(page, VIEWER.username, VIEWER.password);
  await expect(page.getByTestId('stack-demo').getByTestId('service-memos')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.goto('/admin/users');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('This needs the admin role');
  await expect(page.getByTestId('create-user')).toHaveCount(0);
});

test('health and readiness answer without a session and reveal nothing else', async ({ request }) => {
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await request.get('/api/ready');
  expect(ready.status()).toBe(200);
  const body = await ready.json();
  expect(body).toMatchObject({ ready: true, checks: { store: true, docker: true } });
  expect(body.engines.every((e: { reachable: boolean }) => e.reachable)).toBe(true);
});
