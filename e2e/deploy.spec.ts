import { test, expect } from '@playwright/test';
import { E2E_ADMIN, signInOk } from './fixtures';

test.describe.configure({ mode: 'serial' });

const OPERATOR = { username: 'opal', password: 'operator-password-7' };

test('an admin upgrades the demo stack by clicking and watches the job log to the new version', async ({ page }) => {
  // The job (backup, migration, recreate, health gate) may take its full 120 s wait on a loaded machine.
  test.setTimeout(180_000);
  page.on('dialog', (d) => d.accept());
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/deploy');
  await expect(page.getByTestId('version-app-version')).toHaveText('1.0.0');
  await expect(page.getByTestId('preflight')).toContainText('Compose file valid');
  const form = page.getByTestId('upgrade-form');
  await form.getByLabel('Target tag').fill('1.1.0');
  await expect(form.getByTestId('upgrade-plan')).toHaveText('opsdeck/demo-app:1.0.0 → opsdeck/demo-app:1.1.0');
  await form.getByRole('button', { name: 'Upgrade' }).click();
  const log = page.getByTestId('job-log');
  await expect(log).toContainText('Taking a verified backup before anything changes');
  await expect(log).toContainText('Applying migration 0.2.0');
  await expect(log.getByTestId('job-status')).toHaveText('succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('version-app-version')).toHaveText('1.1.0');
  await expect(page.getByTestId('version-database-schema')).toHaveText('0.2.0');
  await expect(page.getByTestId('upgrade-history')).toContainText('succeeded');
  // The engine and compose the server really talks to, and the image it really runs.
  await expect(page.getByTestId('version-docker-engine')).toHaveText(/^\d+\.\d+\.\d+/);
  await expect(page.getByTestId('version-compose')).toHaveText(/^(docker compose|docker-compose) \d+\.\d+\.\d+/);
  // Locally built images have no registry digest, so the panel shows the image id instead.
  await expect(page.getByTestId('version-image-id-digest')).toHaveText(/^(sha256:[0-9a-f]{12}|\S+@sha256:[0-9a-f]{64})$/);
  await expect(page.getByTestId('version-image-changed')).toContainText(`upgrade opsdeck/demo-app:1.0.0 → opsdeck/demo-app:1.1.0 — by ${E2E_ADMIN.username} at `);
  await expect(page.getByTestId('version-schema-changed')).toContainText(`0.1.0 → 0.2.0 (migration 0.2.0) — by ${E2E_ADMIN.username} at `);
});

test('an operator sees no upgrade button, and the server refuses the upgrade anyway', async ({ browser }) => {
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await signInOk(admin, E2E_ADMIN.username, E2E_ADMIN.password);
  await admin.goto('/admin/users');
  const create = admin.getByTestId('create-user');
  await create.getByLabel('Username').fill(OPERATOR.username);
  await create.getByLabel('Password').fill(OPERATOR.password);
  await create.getByLabel('Role').selectOption('operator');
  await create.getByRole('button', { name: 'Create user' }).click();
  await expect(create.getByRole('status')).toContainText('created');

  // Capture the admin's upgrade request without letting it through, to replay it as the operator.
  admin.on('dialog', (d) => d.accept());
  await admin.goto('/stacks/demo/deploy');
  let captured: { headers: Record<string, string>; body: Buffer } | null = null;
  await admin.route('**/stacks/demo/deploy', async (route) => {
    const req = route.request();
    if (req.method() === 'POST' && req.headers()['next-action']) {
      captured = { headers: req.headers(), body: req.postDataBuffer()! };
      await route.abort();
    } else await route.continue();
  });
  await admin.getByTestId('upgrade-form').getByLabel('Target tag').fill('never-healthy');
  await admin.getByTestId('upgrade-form').getByRole('button', { name: 'Upgrade' }).click();
  await expect.poll(() => captured !== null).toBe(true);

  const opCtx = await browser.newContext();
  const op = await opCtx.newPage();
  await signInOk(op, OPERATOR.username, OPERATOR.password);
  await op.goto('/stacks/demo/deploy');
  await expect(op.getByTestId('version-panel')).toBeVisible();
  await expect(op.getByTestId('upgrade-form')).toHaveCount(0);
  await expect(op.getByRole('button', { name: 'Upgrade' })).toHaveCount(0);
  const { headers, body } = captured!;
  const res = await op.request.post('/stacks/demo/deploy', { headers: { 'next-action': headers['next-action'], 'content-type': headers['content-type'], accept: 'text/x-component' }, data: body });
  expect(await res.text()).toContain('This needs the admin role; you are signed in as operator.');
  await admin.unroute('**/stacks/demo/deploy');
  await admin.goto('/stacks/demo/deploy');
  await expect(admin.getByTestId('version-app-version')).toHaveText('1.1.0');
  await expect(admin.getByTestId('upgrade-history')).not.toContainText('never-healthy');
});

test('the admin rolls the upgrade back by clicking: previous version and its schema again', async ({ page }) => {
  test.setTimeout(240_000); // waits up to 180 s for the rollback job
  page.on('dialog', (d) => d.accept());
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/deploy');
  const form = page.getByTestId('rollback-form');
  await form.getByRole('button', { name: 'Roll back to opsdeck/demo-app:1.0.0' }).click();
  const log = page.getByTestId('job-log');
  await expect(log).toContainText('restoring its pre-upgrade backup');
  await expect(log.getByTestId('job-status')).toHaveText('succeeded', { timeout: 180_000 });
  await expect(page.getByTestId('version-app-version')).toHaveText('1.0.0');
  await expect(page.getByTestId('version-database-schema')).toHaveText('0.1.0');
  await expect(page.getByTestId('upgrade-history')).toContainText('rollback');
  await expect(page.getByTestId('version-schema-changed')).toContainText('0.2.0 → 0.1.0 (pre-upgrade backup restored)');
});

test('a job log whose stream is refused (a server restarting, say) connects again by itself and shows the end', async ({ page }) => {
  test.setTimeout(180_000);
  page.on('dialog', (d) => d.accept());
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/deploy');
  // The first request for the job's stream gets a 503: EventSource alone gives up for good there,
  // and this job log has nothing else to learn the end from (the page knew no job before the click).
  const asked: string[] = [];
  await page.route('**/api/jobs/*/events**', async (route) => {
    asked.push(route.request().url());
    if (asked.length === 1) return route.fulfill({ status: 503, contentType: 'text/plain', body: 'restarting' });
    return route.continue();
  });
  await page.getByRole('button', { name: 'Restart stack' }).click();
  const log = page.getByTestId('job-log');
  await expect(log.getByTestId('job-status')).toHaveText('succeeded', { timeout: 150_000 });
  expect(asked.length).toBeGreaterThanOrEqual(2);
  await expect(log.getByTestId('job-outcome')).toBeVisible();
});
