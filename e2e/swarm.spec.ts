/**
 * A `runtime: swarm` stack through the console's pages, on the three-node cluster of
 * scripts/swarm-bed.sh (run with playwright.swarm.config.ts, which deploys the stack and starts a
 * server of its own): status with services, tasks per node and nodes, live, the PostgreSQL panel and
 * the app's probe reached on the tasks' nodes; the deploy tab's Swarm pre-flight and Deploy; scale; drain with the
 * confirmation listing the tasks that move; activate; the refusals; logs tagged with slot and node.
 */
import { test, expect, type Page } from '@playwright/test';
import { E2E_ADMIN, signInOk } from './fixtures';
import { STACK_NAME } from './swarm-cluster';

test.describe.configure({ mode: 'serial' });

const STATUS = `/stacks/${STACK_NAME}`;

async function openStatus(page: Page) {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto(STATUS);
  await expect(page.locator('[data-testid="status-view"][data-link="live"]')).toBeVisible();
}

const service = (page: Page, name: string) => page.getByTestId(`swarm-service-${name}`);
const node = (page: Page, name: string) => page.getByTestId(`swarm-node-${name}`);
/** The tasks Swarm means to run on a node, as `memos.3`, from the page's table of that node. */
const runningOn = async (page: Page, host: string) =>
  (await page.getByTestId(`swarm-tasks-${host}`).locator('[data-testid="swarm-task"][data-desired="running"]').locator('code').allInnerTexts()).sort();

test('status: the three nodes, the services with their replicas, the tasks per node', async ({ page }) => {
  await openStatus(page);
  for (const [host, role] of [['swarm1', 'manager'], ['swarm2', 'worker'], ['swarm3', 'worker']]) {
    await expect(node(page, host)).toHaveAttribute('data-role', role);
    await expect(node(page, host)).toHaveAttribute('data-state', 'ready');
    await expect(node(page, host)).toHaveAttribute('data-availability', 'active');
  }
  await expect(node(page, 'swarm1')).toContainText('reachable');
  await expect(node(page, 'swarm1')).toContainText('leader');
  await expect(service(page, 'memos')).toHaveAttribute('data-running', '2');
  await expect(service(page, 'memos')).toHaveAttribute('data-desired', '2');
  await expect(service(page, 'memos').getByTestId('replicas')).toHaveText('2/2');
  await expect(service(page, 'postgres').getByTestId('replicas')).toHaveText('1/1');
  // The database is pinned to swarm2 by the node label the bed puts there.
  const pg = page.getByTestId('swarm-tasks-swarm2').locator('[data-testid="swarm-task"][data-service="postgres"][data-desired="running"]');
  await expect(pg).toHaveAttribute('data-state', 'running');
  await expect(pg).toContainText('postgres.1');
  await expect(page.locator('[data-testid="swarm-task"][data-service="memos"][data-desired="running"][data-state="running"]')).toHaveCount(2);
  // The PostgreSQL panel logs in through swarm2's engine (the database task's node), the app is probed inside a memos task.
  const pgPanel = page.getByTestId('postgres-panel');
  await expect(pgPanel).toHaveAttribute('data-state', 'up');
  await expect(pgPanel).toContainText('memos@postgres:5432/memos (through the Docker Engine)');
  await expect(pgPanel).toContainText(/\b17\.\d+/);
  await expect(pgPanel.getByTestId('pg-schema')).toHaveText('0.1.0');
  const probe = page.getByTestId('swarm-panel').getByTestId('probe');
  await expect(probe).toHaveAttribute('data-ok', 'true');
  await expect(probe).toContainText('http://127.0.0.1:5230/healthz');
});

test('deploy tab: the Swarm pre-flight passes, and Deploy runs docker stack deploy until every service has converged', async ({ page }) => {
  test.setTimeout(300_000);
  page.on('dialog', (d) => d.accept());
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto(`${STATUS}/deploy`);
  const checks = page.getByTestId('preflight').locator('li');
  const labels = ['Swarm manager reachable', 'Compose file loads for docker stack deploy', 'No keys docker stack deploy ignores or rejects', 'Env file has no placeholders', 'Images on the nodes or in the registry'];
  await expect(checks).toHaveCount(labels.length);
  for (const label of labels) await expect(checks.filter({ hasText: label }).getByLabel('pass')).toBeVisible();
  await expect(checks.filter({ hasText: 'Swarm manager reachable' })).toContainText('Swarm manager of 3 node(s)');
  // The file the stack already runs: the same services, nothing to replace; the job still checks every one.
  await page.getByTestId('deploy-form').getByRole('button', { name: 'Deploy' }).click();
  const log = page.getByTestId('job-log');
  await expect(log).toContainText('docker stack deploy of opsdeck-e2e-swarm on the Swarm manager');
  await expect(log.getByTestId('job-status')).toHaveText('succeeded', { timeout: 240_000 });
  await expect(log).toContainText('All services are healthy.');
  await expect(log).toContainText(/task memos\.[12] on swarm[123]: running opsdeck\/demo-app:1\.0\.0/);
});

test('refusals are shown as errors: the database node is not drained, the database not scaled', async ({ page }) => {
  await openStatus(page);
  await page.getByTestId('drain-swarm2').click();
  await expect(page.getByTestId('node-result-swarm2')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('node-result-swarm2')).toContainText('runs the database (postgres)');
  await expect(page.getByTestId('drain-confirm-swarm2')).toHaveCount(0);
  const scalePg = page.getByTestId('scale-postgres');
  await scalePg.getByRole('spinbutton').fill('2');
  await scalePg.getByRole('button', { name: 'Scale' }).click();
  await expect(page.getByTestId('scale-result-postgres')).toContainText('single writer');
  await expect(node(page, 'swarm2')).toHaveAttribute('data-availability', 'active');
  await expect(service(page, 'postgres').getByTestId('replicas')).toHaveText('1/1');
});

test('scale memos 2 → 3, drain swarm3 after a confirmation listing its tasks, they move, activate it', async ({ page }) => {
  await openStatus(page);
  const scale = page.getByTestId('scale-memos');
  await scale.getByRole('spinbutton').fill('3');
  await scale.getByRole('button', { name: 'Scale' }).click();
  await expect(page.getByTestId('scale-result-memos')).toHaveText('memos: 2 → 3 replicas.');
  // Live: the page follows the manager without a reload.
  await expect(service(page, 'memos')).toHaveAttribute('data-desired', '3');
  await expect(service(page, 'memos')).toHaveAttribute('data-running', '3');
  // Swarm spreads a service's replicas over the nodes: one lands on swarm3.
  await expect.poll(() => runningOn(page, 'swarm3')).toEqual([expect.stringMatching(/^memos\.\d$/)]);
  const moving = await runningOn(page, 'swarm3');

  await page.getByTestId('drain-swarm3').click();
  const confirm = page.getByTestId('drain-confirm-swarm3');
  await expect(confirm).toContainText('Drain swarm3?');
  await expect(confirm.getByTestId('drain-task')).toHaveCount(moving.length);
  expect((await confirm.getByTestId('drain-task').locator('code').allInnerTexts()).sort()).toEqual(moving);
  await page.getByTestId('drain-confirm-button-swarm3').click();
  await expect(page.getByTestId('node-result-swarm3')).toContainText(`Drained swarm3: ${moving.length} task(s)`);
  await expect(node(page, 'swarm3')).toHaveAttribute('data-availability', 'drain');
  // The moved tasks: nothing is meant to run on swarm3 any more, the same slots run elsewhere.
  await expect.poll(() => runningOn(page, 'swarm3')).toEqual([]);
  await expect(service(page, 'memos')).toHaveAttribute('data-running', '3');
  for (const task of moving) {
    await expect(page.locator(`[data-testid^="swarm-tasks-swarm"]:not([data-testid="swarm-tasks-swarm3"]) [data-testid="swarm-task"][data-desired="running"][data-state="running"]`, { hasText: task })).toHaveCount(1);
  }

  await page.getByTestId('activate-swarm3').click();
  await expect(node(page, 'swarm3')).toHaveAttribute('data-availability', 'active');
  await expect(page.getByTestId('node-result-swarm3')).toContainText('swarm3 is active');
});

test('logs: lines of every service merged live, each tagged with its slot and node', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto(`${STATUS}/logs`);
  await expect(page.locator('[data-testid="log-status"][data-state="live"]')).toBeVisible();
  const tags = page.getByTestId('log-task');
  const seen = async () => [...new Set(await tags.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-slot')}@${e.getAttribute('data-node')}`)))];
  // The three memos replicas now run on swarm1 and swarm2 and answer a health check every 5 s: their
  // lines arrive live, from both nodes, in one list.
  await expect.poll(async () => [...new Set((await seen()).map((t) => t.split('@')[1]))].sort()).toEqual(expect.arrayContaining(['swarm1', 'swarm2']));
  expect((await seen()).every((t) => /^\d+@swarm[123]$/.test(t))).toBe(true);
  await expect(page.getByTestId('log-line').filter({ hasText: 'memos' }).filter({ has: page.getByTestId('log-task') }).first()).toBeVisible();
  // The whole log, through the download route: the task drained off swarm3 left its lines, tagged so.
  const text = await (await page.request.get(`/api/stacks/${STACK_NAME}/logs/download?service=memos`)).text();
  expect(text).toMatch(/^memos\.\d+@swarm3 \| /m);
  expect(text).toMatch(/^memos\.\d+@swarm1 \| /m);
});

test('at 390 px the Swarm tables stay inside the page and the buttons are at least 44 px high', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openStatus(page);
  await expect(node(page, 'swarm3')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // Every button on screen without sideways scrolling (no column of them scrolled out of view), 44 px high.
  for (const b of await page.getByTestId('swarm-panel').getByRole('button').all()) {
    const box = (await b.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await expect(page.getByRole('button', { name: 'Drain' })).toHaveCount(3);
});
