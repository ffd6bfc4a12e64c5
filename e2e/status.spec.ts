import fs from 'node:fs';
import Docker from 'dockerode';
import { test, expect, type Page } from '@playwright/test';
import { E2E_ADMIN, STATE_FILE, signInOk, type E2EState } from './fixtures';

test.describe.configure({ mode: 'serial' });

const OPERATOR = { username: 'otto-status', password: 'operator-password-42' };
const VIEWER = { username: 'vic-status', password: 'viewer-password-42' };
const docker = new Docker();

/** The restart action's POST exactly as the operator's browser sent it, to replay as the viewer. */
let captured: { url: string; headers: Record<string, string>; body: Buffer } | null = null;

async function memos() {
  const { projectName } = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;
  const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${projectName}`, 'com.docker.compose.service=memos'] } });
  return docker.getContainer(c.Id);
}

async function memosHealthy(page: Page) {
  await expect(page.getByTestId('service-memos')).toHaveAttribute('data-health', 'healthy', { timeout: 60_000 });
}

test('the admin adds an operator and a viewer', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/admin/users');
  const form = page.getByTestId('create-user');
  for (const [u, role] of [[OPERATOR, 'operator'], [VIEWER, 'viewer']] as const) {
    await form.getByLabel('Username').fill(u.username);
    await form.getByLabel('Password').fill(u.password);
    await form.getByLabel('Role').selectOption(role);
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('status')).toContainText(`User ${u.username} created.`);
  }
});

test('the status page shows each service, the chart, the timeline, PostgreSQL and the config check', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo');
  await expect(page.getByTestId('live')).toHaveText('Live');
  const app = page.getByTestId('service-memos');
  await expect(app).toHaveAttribute('data-state', 'running');
  await expect(app).toHaveAttribute('data-health', 'healthy');
  await expect(app.getByTestId('version')).toHaveText('version 1.0.0');
  await expect(app.getByTestId('probe')).toHaveAttribute('data-ok', 'true');
  await expect(app).toContainText('opsdeck/demo-app:1.0.0');
  // The seed's shape: the app's port published from its bridge network, the database not at all.
  await expect(app).toContainText(/0\.0\.0\.0:\d+→5230\/tcp/);
  await expect(page.getByTestId('service-postgres')).toContainText('memos_network, no published ports');
  // Earlier specs (backups, deploy) stop and start the app cleanly; anything but a clean exit is a failure here.
  await expect(app.getByTestId('last-exit')).toContainText(/never exited|Last exitcode 0,/);
  await expect(page.getByTestId('service-postgres')).toHaveAttribute('data-health', 'healthy');
  // The recorder samples every 5 s: the chart fills without a reload.
  await expect.poll(async () => Number(await app.getByTestId('usage-chart').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(1);
  const pg = page.getByTestId('postgres-panel');
  await expect(pg).toHaveAttribute('data-state', 'up');
  await expect(pg.getByTestId('pg-schema')).toHaveText('0.1.0');
  await expect(pg.getByTestId('pg-connections')).toContainText('of 50');
  await expect(page.getByTestId('doctor')).toContainText('no problems found');
  await page.screenshot({ path: 'test-results/screenshots/status.png', fullPage: true });
});

test('a container stopped behind Opsdeck’s back shows as stopped, then running again, without a reload', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo');
  await expect(page.getByTestId('live')).toHaveText('Live');
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const app = page.getByTestId('service-memos');
  const c = await memos();
  await c.stop();
  await expect(app).toHaveAttribute('data-state', 'stopped');
  await expect(app.getByTestId('last-exit')).toContainText('code 0');
  await expect(page.getByTestId('timeline').locator('li[data-action="die"]').first()).toContainText('memos exited cleanly');
  await expect(app.getByTestId('probe')).toHaveAttribute('data-ok', 'false');
  await c.start();
  await expect(app).not.toHaveAttribute('data-state', 'stopped');
  await memosHealthy(page);
  await expect(app.getByTestId('probe')).toHaveAttribute('data-ok', 'true');
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});

test('an operator restarts memos after confirming; the result is shown and the timeline records it', async ({ page }) => {
  await signInOk(page, OPERATOR.username, OPERATOR.password);
  await page.goto('/stacks/demo');
  const app = page.getByTestId('service-memos');
  const form = app.getByTestId('restart-memos');
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.headers()['next-action'] && r.url().includes('/stacks/demo')) {
      captured ??= { url: r.url(), headers: r.headers(), body: r.postDataBuffer() ?? Buffer.alloc(0) };
    }
  });
  // Cancelling the confirmation sends nothing.
  page.once('dialog', (d) => d.dismiss());
  await form.getByRole('button', { name: 'Restart' }).click();
  await page.waitForTimeout(500);
  expect(captured).toBeNull();

  const before = (await (await memos()).inspect()).State.StartedAt;
  page.once('dialog', (d) => {
    expect(d.message()).toContain('Restart service "memos" of stack "demo"?');
    void d.accept();
  });
  await form.getByRole('button', { name: 'Restart' }).click();
  await expect(form.getByRole('status')).toContainText(/Restarted service memos \(.+\) in \d+\.\d s\./);
  expect((await (await memos()).inspect()).State.StartedAt).not.toBe(before);
  await expect(page.getByTestId('timeline').locator('li[data-action="restart"]').first()).toContainText('memos was restarted');
  await memosHealthy(page);
  expect(captured).not.toBeNull();
});

test('a viewer reads the status but has no controls, and the server refuses the replayed restart', async ({ page, playwright }) => {
  expect(captured, 'the operator test captured the action request').not.toBeNull();
  await signInOk(page, VIEWER.username, VIEWER.password);
  await page.goto('/stacks/demo');
  await expect(page.getByTestId('service-memos')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('live')).toHaveText('Live');
  await expect(page.getByTestId('controls-memos')).toHaveCount(0);
  await expect(page.getByTestId('controls-stack')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Restart' })).toHaveCount(0);
  await expect(page.getByText('Start, stop and restart need the operator role.')).toBeVisible();

  const before = (await (await memos()).inspect()).State.StartedAt;
  const { cookie: _operatorCookie, ...headers } = captured!.headers;
  void _operatorCookie;
  // page.request carries the viewer's session cookie.
  const asViewer = await page.request.post(captured!.url, { headers, data: captured!.body });
  expect(await asViewer.text()).toContain('This needs the operator role; you are signed in as viewer.');
  const anonymous = await playwright.request.newContext({ baseURL: new URL(captured!.url).origin });
  const noSession = await anonymous.post(captured!.url, { headers, data: captured!.body });
  expect(await noSession.text()).toContain('You are not signed in');
  expect((await anonymous.get('/api/stacks/demo/status')).status()).toBe(401);
  await anonymous.dispose();
  expect((await page.request.get('/api/stacks/no-such-stack/status')).status()).toBe(404);
  // The pages of an unknown stack are the 404 page, not an error page.
  for (const path of ['/stacks/no-such-stack', '/stacks/no-such-stack/backups', '/stacks/no-such-stack/config']) {
    expect((await page.request.get(path)).status(), path).toBe(404);
  }
  await page.waitForTimeout(1000);
  expect((await (await memos()).inspect()).State.StartedAt).toBe(before);
});

test('the audit log holds the operator’s restart and the viewer’s refused attempt', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto(`/admin/audit?action=stack.restart&actor=${OPERATOR.username}`);
  const ok = page.getByTestId('audit-table').locator('tbody tr');
  await expect(ok).toHaveCount(1);
  await expect(ok).toContainText('demo');
  await expect(ok).toContainText('memos');
  await expect(ok).toContainText('ok');
  await page.goto(`/admin/audit?action=stack.restart&actor=${VIEWER.username}&result=denied`);
  const denied = page.getByTestId('audit-table').locator('tbody tr');
  await expect(denied).toHaveCount(1);
  await expect(denied).toContainText('This needs the operator role');
});
