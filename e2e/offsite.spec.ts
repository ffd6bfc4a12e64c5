import fs from 'node:fs';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { appFetch } from './app-http';
import { memoRows, volumeFile, withDemoDb } from './demo-data';
import { E2E_ADMIN, signInOk } from './fixtures';
import { TARGET, startHost, startOffsiteWorld, stopHost, type Host, type OffsiteWorld } from './offsite-hosts';

/**
 * Disaster recovery as an admin who never opens a shell: a host copies its backup offsite
 * (encrypted, verified); the host is lost (its data directory with the backups and the store gone,
 * the stack's rows and attachment deleted); a brand-new Opsdeck with only the same `offsite:`
 * settings lists the set from the bucket, refuses a wrong key and restores with the right one.
 * The data is checked in the database row by row and in the app's volume.
 */
test.describe.configure({ mode: 'serial' });

const port = Number(process.env.E2E_PORT ?? 3210);
const ATTACHMENT = 'e2e-offsite-attachment.txt';
const ATTACHMENT_TEXT = 'an attachment Memos keeps in its data volume';

let world: OffsiteWorld;
let identity = '';
let oldHost: Host | null = null;
let newHost: Host | null = null;
let backupId = '';
let before: string[] = [];

test.beforeAll(async () => {
  identity = await generateIdentity();
  world = await startOffsiteWorld(await identityToRecipient(identity));
});

test.afterAll(async () => {
  await stopHost(oldHost);
  await stopHost(newHost);
  await world?.close();
});

async function adminOn(browser: Browser, host: Host): Promise<Page> {
  const context = await browser.newContext({ baseURL: host.url });
  const page = await context.newPage();
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  return page;
}

/** Waits (generously: a loaded CI machine is slow) for job `id`'s log on the page to end, then returns it. */
async function jobEnded(page: Page, id: string, status: 'succeeded' | 'failed', timeout = 300_000) {
  const log = page.locator(`[data-testid="job-log"][data-job="${id}"]`);
  await expect(log).toHaveAttribute('data-status', /succeeded|failed|interrupted/, { timeout });
  await expect(log.getByTestId('job-status')).toHaveText(status);
  return log;
}

/** Fills and sends the offsite restore dialog of the set; returns the restore job's id. */
async function submitOffsiteRestore(page: Page, key: string): Promise<string> {
  await page.getByTestId(`offsite-restore-${TARGET}-${backupId}`).click();
  const dialog = page.locator('dialog[open][data-testid="offsite-restore-dialog"]');
  await expect(dialog).toContainText(`Restore ${backupId} from ${TARGET} over stack demo?`);
  const form = dialog.getByTestId('offsite-restore-form');
  await form.getByLabel('age secret key').fill(key);
  await form.getByLabel('Stack name to confirm').fill('demo');
  await form.getByLabel('Your password').fill(E2E_ADMIN.password);
  await form.getByRole('button', { name: 'Restore now' }).click();
  const started = form.getByRole('status');
  await expect(started).toContainText(new RegExp(`Restore #\\d+ from ${TARGET} started`), { timeout: 30_000 });
  const jobId = /Restore #(\d+)/.exec((await started.textContent()) ?? '')![1];
  await dialog.getByRole('button', { name: 'Close' }).click();
  return jobId;
}

test('a host copies its backup set offsite, encrypted, and shows the copy verified', async ({ browser }) => {
  test.setTimeout(420_000);
  for (const content of ['offsite memo one', 'offsite memo two', 'offsite memo three']) {
    const res = await appFetch('/api/memos', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content }) });
    expect(res.status).toBeLessThan(300);
  }
  volumeFile.write(ATTACHMENT, ATTACHMENT_TEXT);
  before = await memoRows();
  expect(before.filter((r) => r.includes('offsite memo'))).toHaveLength(3);

  oldHost = await startHost(world, 'old-host', port + 1);
  const page = await adminOn(browser, oldHost);
  await page.goto('/stacks/demo/backups');
  const target = page.getByTestId(`offsite-target-${TARGET}`);
  await expect(target).toContainText(`s3://${world.s3.bucket}/e2e/`);
  await expect(target).toContainText('No complete set on this target yet.');

  const form = page.getByTestId('create-backup');
  await form.getByRole('button', { name: 'Back up now' }).click();
  await expect(form.getByRole('status')).toContainText(/Backup #\d+ started/, { timeout: 30_000 });
  const jobId = /Backup #(\d+)/.exec((await form.getByRole('status').textContent()) ?? '')![1];
  const log = await jobEnded(page, jobId, 'succeeded');
  await expect(log.getByTestId('job-outcome')).toContainText('offsite: 1 copied');
  await expect(log).toContainText(`Copying to offsite target ${TARGET}`);
  await expect(log).toContainText('copied and verified');

  const row = page.getByTestId('backup-table').locator('tr[data-reason="manual"]');
  await expect(row).toHaveCount(1);
  backupId = (await row.getAttribute('data-testid'))!.replace(/^backup-/, '');
  // The page lists the set from the bucket itself, with this host's verification.
  await expect(target.getByTestId(`offsite-set-${backupId}`)).toContainText('verified from this host', { timeout: 30_000 });
  await page.context().close();
});

test('the host is lost: a fresh Opsdeck with the same offsite settings lists the set; a wrong key changes nothing', async ({ browser }) => {
  test.setTimeout(420_000);
  expect(backupId).not.toBe('');
  // Lost with the host: Opsdeck's data directory (backups, catalogue, store) and the stack's data.
  await stopHost(oldHost);
  fs.rmSync(oldHost!.dataDir, { recursive: true, force: true });
  await withDemoDb((c) => c.query('DELETE FROM memo'));
  volumeFile.remove(ATTACHMENT);
  const lost = await memoRows();
  expect(lost).toEqual([]);
  expect(volumeFile.read(ATTACHMENT)).toBe('<missing>');

  newHost = await startHost(world, 'new-host', port + 2);
  const page = await adminOn(browser, newHost);
  await page.goto('/stacks/demo/backups');
  await expect(page.getByText('No backups yet.')).toBeVisible();
  const set = page.getByTestId(`offsite-target-${TARGET}`).getByTestId(`offsite-set-${backupId}`);
  await expect(set).toContainText('complete in the bucket');

  const wrongKey = await generateIdentity();
  const log = await jobEnded(page, await submitOffsiteRestore(page, wrongKey), 'failed');
  await expect(log.getByTestId('job-outcome')).toContainText('The key you gave does not open this backup: it was encrypted for a different age key. Nothing was changed.');
  // The key is used, never shown or kept.
  expect(await log.textContent()).not.toContain(wrongKey.slice(16));
  // Nothing changed: no rows, no attachment, nothing in the backup folder (no temp file left either).
  expect(await memoRows()).toEqual([]);
  expect(volumeFile.read(ATTACHMENT)).toBe('<missing>');
  const folder = path.join(newHost.dataDir, 'backups', 'demo');
  expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]);
  await page.reload();
  await expect(page.getByText('No backups yet.')).toBeVisible();
  await page.context().close();
});

test('restoring the set from the bucket with the right key brings back every row and the attachment', async ({ browser }) => {
  test.setTimeout(420_000);
  expect(newHost).not.toBeNull();
  const page = await adminOn(browser, newHost!);
  await page.goto('/stacks/demo/backups');
  const log = await jobEnded(page, await submitOffsiteRestore(page, identity), 'succeeded');
  await expect(log.getByTestId('job-outcome')).toContainText(`Restored ${backupId} and its volumes`);
  await expect(log.getByTestId('job-outcome')).toContainText(`from offsite target ${TARGET}; the app is healthy`);
  for (const step of ['Downloading', 'Decrypting with the key you supplied', 'match their checksums', 'Swapping databases', 'Swapping volume memos_data']) {
    await expect(log).toContainText(step);
  }
  expect(await log.textContent()).not.toContain(identity.slice(16));

  // Row by row, every column, as it was when the backup was taken.
  const after = await memoRows();
  expect(after).toHaveLength(before.length);
  for (let i = 0; i < before.length; i++) expect(after[i]).toBe(before[i]);
  expect(volumeFile.read(ATTACHMENT)).toBe(ATTACHMENT_TEXT);
  expect((await appFetch('/healthz')).status).toBe(200);

  // The set is in this host's backup folder now, and its offsite copy is verified from here.
  await page.reload();
  await expect(page.getByTestId(`backup-${backupId}`)).toContainText('verified');
  await expect(page.getByTestId(`offsite-set-${backupId}`)).toContainText('verified from this host');

  // With the set now in the local folder, a wrong key is still refused (a recovery drill must not pass with it).
  const drill = await jobEnded(page, await submitOffsiteRestore(page, await generateIdentity()), 'failed');
  await expect(drill.getByTestId('job-outcome')).toContainText('The key you gave does not open this backup');
  expect(await memoRows()).toEqual(before);
  await page.context().close();
});
