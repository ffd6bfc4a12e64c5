import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { listHelpers, removeHelper } from '../lib/docker';
import { startDemoStack, type DemoStack } from '../tests/support/demo-stack';
import { E2E_ADMIN, signInOk } from './fixtures';
import { startOpsdeck } from './server';

/**
 * Point-in-time restore as a non-CLI admin, in Chromium: after a mass delete, "restore to one
 * minute ago" brings every deleted row back, exactly. Archiving runs on a stack of its own, served
 * by an Opsdeck of its own (own data dir, own port), so the shared demo stack of the other specs
 * never archives and nothing here can disturb them.
 */
test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.E2E_PORT ?? 3210) + 5;
const BASE = `http://127.0.0.1:${PORT}`;
const STACK = `notes-${crypto.randomBytes(3).toString('hex')}`;
test.use({ baseURL: BASE });

let demo: DemoStack | null = null;
let server: ChildProcess | null = null;
let dataDir = '';

interface Row { id: number; content: string; created: string }
async function rows(): Promise<Row[]> {
  const c = await demo!.pg();
  try {
    const r = await c.query<{ id: number; content: string; created: string }>("SELECT id, content, to_char(created_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS created FROM memo ORDER BY id");
    return r.rows;
  } finally {
    await c.end();
  }
}

async function sql(text: string): Promise<void> {
  const c = await demo!.pg();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Opens the backups page until the recoverable window is shown (archiving started, base backup taken, WAL archived). */
async function windowShown(page: Page, timeout = 300_000): Promise<{ earliest: string; latest: string }> {
  const w = page.getByTestId('pitr-window');
  await expect(async () => {
    await page.goto(`/stacks/${STACK}/backups`);
    await expect(w).not.toHaveAttribute('data-earliest', '', { timeout: 2000 });
  }).toPass({ timeout, intervals: [2000] });
  return { earliest: (await w.getAttribute('data-earliest'))!, latest: (await w.getAttribute('data-latest'))! };
}

/** Waits for a job's log (by id) to end, and says it succeeded with the log in the message if not. */
async function jobSucceeded(page: Page, id: string, timeout: number) {
  await page.goto(`/stacks/${STACK}/backups?job=${id}`);
  const log = page.locator(`[data-testid="job-log"][data-job="${id}"]`);
  await expect(log).toHaveAttribute('data-status', /succeeded|failed|interrupted/, { timeout });
  const status = await log.getAttribute('data-status');
  expect(status, (await log.textContent()) ?? '').toBe('succeeded');
}

test.beforeAll(async () => {
  test.setTimeout(600_000);
  demo = await startDemoStack({ timeoutMs: 300_000 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-pitr-'));
  const config = path.join(dataDir, 'opsdeck.yaml');
  fs.writeFileSync(config, [
    'stacks:',
    `  - name: ${STACK}`,
    '    title: Notes (archived)',
    '    preset: memos',
    `    compose: ${JSON.stringify(demo.composeFile)}`,
    `    envFile: ${JSON.stringify(demo.envFile)}`,
    `    project: ${demo.projectName}`,
    '    backups:',
    '      pitr: { enabled: true }',
    '',
  ].join('\n'));
  server = await startOpsdeck({
    port: PORT,
    dataDir,
    logFile: path.join(dataDir, 'server.log'),
    env: { OPSDECK_CONFIG: config, OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_REGISTRY_LOOKUP: 'off', OPSDECK_AI_PROBES: 'off' },
  });
});

test.afterAll(async () => {
  test.setTimeout(180_000);
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (demo) {
    // The archive receiver and any rebuild run beside the database: gone before the stack goes down.
    for (const role of ['wal-receiver', 'pitr-rebuild', 'pitr-base-backup']) for (const h of await listHelpers({ ...demo.stack, name: STACK }, role).catch(() => [])) await removeHelper(h.id).catch(() => undefined);
    await demo.down();
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the backups page shows the recoverable window and lag; a future time or one outside the window is refused, nothing changes', async ({ page }) => {
  test.setTimeout(420_000);
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  const w = await windowShown(page);
  expect(Date.parse(w.earliest)).toBeLessThanOrEqual(Date.parse(w.latest));
  const section = page.getByTestId('pitr-section');
  await expect(section.getByTestId('pitr-lag')).toHaveText(/^\d+ s$|^\d+ min$/);
  await expect(section.getByTestId('pitr-gaps')).toHaveText('none');
  await expect(section.getByTestId('pitr-base-backup')).toContainText('UTC');

  const form = page.getByTestId('pitr-point-form');
  await form.getByLabel('a date and time (UTC)', { exact: true }).check();
  await form.getByLabel('Date and time (UTC)', { exact: true }).fill('2099-01-01T10:00:00');
  await form.getByRole('button', { name: 'Rebuild and preview' }).click();
  await expect(form.getByRole('status')).toContainText('is in the future', { timeout: 60_000 });
  await expect(form.getByRole('status')).toContainText('Nothing was changed.');

  // About 69 days ago: before the window (archiving started minutes ago).
  await form.getByLabel('minutes ago', { exact: true }).check();
  await form.getByLabel('Minutes ago', { exact: true }).fill('100000');
  await form.getByRole('button', { name: 'Rebuild and preview' }).click();
  await expect(form.getByRole('status')).toContainText('outside the recoverable window', { timeout: 60_000 });
  await expect(form.getByRole('status')).toContainText('Nothing was changed.');
  // No job was started by either.
  await page.reload();
  await expect(page.getByTestId('job-log')).toHaveCount(0);
  await expect(page.getByTestId('pitr-preview')).toHaveCount(0);

  // A base backup on demand, as a job of the stack.
  const before = await section.getByTestId('pitr-base-backup').textContent();
  const base = page.getByTestId('pitr-base-backup-form');
  await base.getByRole('button', { name: 'Take a base backup now' }).click();
  await expect(base.getByRole('status')).toContainText(/Base backup #\d+ started/, { timeout: 60_000 });
  const baseJob = /#(\d+)/.exec((await base.getByRole('status').textContent())!)![1];
  await jobSucceeded(page, baseJob, 300_000);
  await expect(page.getByTestId('job-log')).toContainText('written and verified');
  await expect(page.getByTestId('pitr-base-backup')).not.toHaveText(before!);

  // The status page's one line.
  await page.goto(`/stacks/${STACK}`);
  await expect(page.getByTestId('pitr-status')).toContainText(/Point-in-time restore: window .+ UTC to .+ UTC; archive lag/);
});

test('after a mass delete, "restore to 1 minute ago" brings every deleted row back, checked row by row', async ({ page }) => {
  test.setTimeout(900_000);
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await windowShown(page);
  for (let i = 1; i <= 5; i++) {
    const res = await demo!.http('/api/memos', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: `note ${i} before the accident` }) });
    expect(res.status, await res.text()).toBeLessThan(300);
  }
  const before = await rows();
  expect(before.length).toBeGreaterThanOrEqual(5);
  const writtenAt = Date.now();
  // "1 minute ago" must fall after these rows: wait until they are more than a minute old.
  await expect.poll(() => Date.now() - writtenAt, { timeout: 120_000, intervals: [1000] }).toBeGreaterThan(70_000);

  await sql('DELETE FROM memo');
  const deletedAt = Date.now();
  expect(await rows()).toEqual([]);

  await page.goto(`/stacks/${STACK}/backups`);
  const form = page.getByTestId('pitr-point-form');
  await form.getByLabel('minutes ago', { exact: true }).check();
  await form.getByLabel('Minutes ago', { exact: true }).fill('1');
  await form.getByRole('button', { name: 'Rebuild and preview' }).click();
  await expect(form.getByRole('status')).toContainText(/job #\d+/, { timeout: 60_000 });
  const previewJob = /job #(\d+)/.exec((await form.getByRole('status').textContent())!)![1];
  await jobSucceeded(page, previewJob, 400_000);

  // The preview: the moment before the delete, with every row, and nothing changed yet.
  const preview = page.getByTestId('pitr-preview');
  await expect(preview).toBeVisible({ timeout: 60_000 });
  const target = Date.parse((await preview.getAttribute('data-target'))!);
  expect(target, 'the moment is between the rows and the delete').toBeGreaterThan(writtenAt);
  expect(target).toBeLessThan(deletedAt);
  await expect(preview.getByTestId('pitr-preview-public.memo').getByTestId('pitr-preview-rows')).toHaveText(String(before.length));
  expect(await rows()).toEqual([]);

  const restore = page.getByTestId('pitr-restore-form');
  await restore.getByLabel('Stack name to confirm').fill(STACK);
  await restore.getByLabel('Your password').fill(E2E_ADMIN.password);
  await restore.getByRole('button', { name: 'Restore this moment' }).click();
  // Once started, the preview names its restore job instead of offering the form again.
  const started = page.getByTestId('pitr-preview-restored');
  await expect(started).toContainText(/job #\d+/, { timeout: 60_000 });
  const restoreJob = /job #(\d+)/.exec((await started.textContent())!)![1];
  await jobSucceeded(page, restoreJob, 400_000);

  // Row by row: the same ids, contents and creation times as before the delete.
  expect(await rows()).toEqual(before);
  const listed = (await (await demo!.http('/api/memos')).json()) as { id: number; content: string }[];
  expect(listed.map((m) => [m.id, m.content])).toEqual(before.map((r) => [r.id, r.content]));
  // The database it replaced is kept for undo.
  await expect(page.getByTestId('kept-databases')).toBeVisible();
});
