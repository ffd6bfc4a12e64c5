import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test, expect, type Page } from '@playwright/test';
import { E2E_ADMIN, STATE_FILE, signInOk, type E2EState } from './fixtures';
import { appFetch } from './app-http';

/**
 * Backups and restores as someone who never opens a shell: everything by clicking, checked
 * against the real demo app (its rows over HTTP) and the real database behind it.
 */
test.describe.configure({ mode: 'serial' });

const VIEWER = { username: 'bianca-viewer', password: 'viewer-password-77' };

async function memos(): Promise<string[]> {
  const res = await appFetch('/api/memos');
  return ((await res.json()) as { content: string }[]).map((m) => m.content);
}

/** Waits for the job log on the page to show the job as finished (the page refreshes around it). */
async function expectJobFinished(page: Page, timeout = 120_000) {
  const log = page.getByTestId('job-log');
  await expect(log).toHaveAttribute('data-status', /succeeded|failed|interrupted/, { timeout });
  await expect(log.getByTestId('job-status')).toHaveText('succeeded');
  return log;
}

let restoreRequest: { url: string; headers: Record<string, string>; body: Buffer } | null = null;

test('an operator-level click takes a backup; it is listed as verified with its size', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/backups');
  await expect(page.getByText('No backups yet.')).toBeVisible();
  const form = page.getByTestId('create-backup');
  await form.getByRole('button', { name: 'Back up now' }).click();
  await expect(form.getByRole('status')).toContainText(/Backup #\d+ started/);
  const log = await expectJobFinished(page);
  await expect(log.getByTestId('job-outcome')).toContainText('written and verified');
  await expect(log).toContainText('Dumping memos with pg_dump -Fc');

  const row = page.getByTestId('backup-table').locator('tr[data-reason="manual"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('verified');
  await expect(row.getByTestId('backup-size')).toHaveText(/^\d+(\.\d)? (KB|B|MB)$/);
  await expect(row).toContainText('0.1.0');
  // Download (admin unless opsdeck.yaml lowers it): the bytes are the backup, as its manifest's checksum says.
  const href = await row.getByRole('link', { name: 'Download' }).getAttribute('href');
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  const body = await file.body();
  expect(body.subarray(0, 5).toString()).toBe('PGDMP');
  expect(createHash('sha256').update(body).digest('hex')).toBe(file.headers()['x-backup-sha256']);
  // A reload shows the same job log, replayed from the store.
  await page.reload();
  await expect(page.getByTestId('job-log')).toContainText('Verifying the dump with pg_restore --list');
});

test('restore by clicking through the dialog: the row added since is gone, the app is healthy; undo brings it back', async ({ page }) => {
  // Two jobs (restore, then undo), each waited for up to 120 s: the test's time covers both.
  test.setTimeout(300_000);
  await appFetch('/api/memos', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'row added after the backup' }) });
  expect(await memos()).toContain('row added after the backup');

  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/backups');
  const row = page.getByTestId('backup-table').locator('tr[data-reason="manual"]');
  await row.getByRole('button', { name: 'Restore…' }).click();
  const dialog = page.getByTestId('restore-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('preview-schema')).toContainText('0.1.0');
  await expect(dialog).toContainText('checksum matches');
  // No safety dump any more: the current database (and volume data) is kept for undo.
  await expect(dialog).not.toContainText('safety backup');
  // The demo's backups are sets: the database and the memos_data volume, both restored by default.
  await expect(dialog.getByTestId('restore-parts')).toContainText('The database and the volumes (memos_data');
  await expect(dialog.getByRole('radio', { name: /The database and the volumes/ })).toBeChecked();

  const form = dialog.getByTestId('restore-form');
  // A wrong confirmation is refused before anything happens.
  await form.getByLabel('Stack name to confirm').fill('dem');
  await form.getByLabel('Your password').fill(E2E_ADMIN.password);
  await form.getByRole('button', { name: 'Restore now' }).click();
  await expect(form.getByRole('status')).toContainText('Type the stack name exactly to confirm.');

  page.on('request', (req) => {
    if (req.method() === 'POST' && req.headers()['next-action'] && !restoreRequest) {
      restoreRequest = { url: req.url(), headers: req.headers(), body: req.postDataBuffer() ?? Buffer.alloc(0) };
    }
  });
  await form.getByLabel('Stack name to confirm').fill('demo');
  await form.getByLabel('Your password').fill(E2E_ADMIN.password);
  await form.getByRole('button', { name: 'Restore now' }).click();
  await expect(form.getByRole('status')).toContainText(/Restore #\d+ started/);
  await dialog.getByRole('button', { name: 'Close' }).click();

  const log = await expectJobFinished(page);
  await expect(log.getByTestId('job-outcome')).toContainText('the app is healthy');
  for (const step of ['Restoring into a new database', 'Restoring volume memos_data into a new volume', 'Stopping the app', 'Swapping databases', 'Swapping volume memos_data', 'Waiting up to']) {
    await expect(log).toContainText(step);
  }
  expect(await memos()).not.toContain('row added after the backup');
  expect((await appFetch('/healthz')).status).toBe(200);

  page.once('dialog', (d) => d.accept());
  const kept = page.getByTestId('kept-databases');
  await kept.getByRole('button', { name: 'Undo restore (put this back)' }).click();
  await expect(kept.getByRole('status').first()).toContainText(/Undo restore #\d+ started/);
  const undo = await expectJobFinished(page);
  await expect(undo).toContainText('Put memos__kept_');
  expect(await memos()).toContain('row added after the backup');
  expect((await appFetch('/healthz')).status).toBe(200);
});

test('a viewer sees no restore button, and the server refuses the restore anyway', async ({ page, browser }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/admin/users');
  const create = page.getByTestId('create-user');
  await create.getByLabel('Username').fill(VIEWER.username);
  await create.getByLabel('Password').fill(VIEWER.password);
  await create.getByRole('button', { name: 'Create user' }).click();
  await expect(create.getByRole('status')).toContainText(`User ${VIEWER.username} created.`);

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await signInOk(viewer, VIEWER.username, VIEWER.password);
  await viewer.goto('/stacks/demo/backups');
  await expect(viewer.getByTestId('backup-table')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Restore…' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Back up now' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Download' })).toHaveCount(0);
  await expect(viewer.getByTestId('job-log')).toBeVisible();

  // The same restore request the admin's browser sent, replayed with the viewer's session.
  expect(restoreRequest).not.toBeNull();
  const before = await memos();
  const { 'content-type': contentType, 'next-action': actionId, 'next-router-state-tree': tree } = restoreRequest!.headers;
  const res = await viewer.request.post(restoreRequest!.url, {
    headers: { 'content-type': contentType, 'next-action': actionId, ...(tree ? { 'next-router-state-tree': tree } : {}), accept: 'text/x-component' },
    data: restoreRequest!.body,
  });
  expect(await res.text()).toContain('This needs the admin role; you are signed in as viewer.');
  // Route handlers check too: no preview, no download for a viewer.
  const id = await viewer.getByTestId('backup-table').locator('tr[data-reason="manual"]').getAttribute('data-testid');
  const backupId = id!.replace(/^backup-/, '');
  expect((await viewer.request.get(`/api/stacks/demo/backups/${backupId}/preview`)).status()).toBe(403);
  expect((await viewer.request.get(`/api/stacks/demo/backups/${backupId}/download`)).status()).toBe(403);
  await new Promise((r) => setTimeout(r, 1000));
  expect(await memos()).toEqual(before);
  await context.close();

  await page.goto('/admin/audit?action=backups.restore');
  await expect(page.getByTestId('audit-table')).toContainText('denied');
});

test("an old script's memos-backup-*.sql.gz is uploaded from the page, checked and listed as imported", async ({ page }) => {
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;
  const pg = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${state.projectName}`, '--filter', 'label=com.docker.compose.service=postgres']).toString().trim();
  // What deploy.sh's `backup` wrote: plain SQL from pg_dump, gzipped.
  const sql = execFileSync('docker', ['exec', pg, 'pg_dump', '-U', 'memos', 'memos'], { maxBuffer: 64 * 1024 * 1024 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-upload-')), 'memos-backup-20240105-020000.sql.gz');
  fs.writeFileSync(file, gzipSync(sql));

  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/backups');
  const upload = page.getByTestId('upload-backup');
  await upload.getByLabel('Backup file').setInputFiles(file);
  await upload.getByRole('button', { name: 'Upload and import' }).click();
  await expect(upload.getByRole('status')).toContainText(/Uploaded memos-backup-20240105-020000\.sql\.gz; import #\d+ started/);
  const log = await expectJobFinished(page);
  await expect(log).toContainText('gzipped SQL dump');
  const row = page.getByTestId('backup-table').locator('tr[data-reason="imported"]');
  await expect(row).toContainText('from memos-backup-20240105-020000.sql.gz');
  await expect(row).toContainText('2024-01-05 02:00 UTC');
  await expect(row).toContainText('verified');
});

test('a wrong password is refused by the dialog and by the API; nothing changes', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/demo/backups');
  const before = await memos();
  const row = page.getByTestId('backup-table').locator('tr[data-reason="manual"]');
  const backupId = (await row.getAttribute('data-testid'))!.replace(/^backup-/, '');
  await row.getByRole('button', { name: 'Restore…' }).click();
  const form = page.getByTestId('restore-dialog').getByTestId('restore-form');
  await form.getByLabel('Stack name to confirm').fill('demo');
  await form.getByLabel('Your password').fill('not-the-admin-password');
  await form.getByRole('button', { name: 'Restore now' }).click();
  await expect(form.getByRole('status')).toContainText('That is not your password. Nothing was changed.');

  // As a script calls it: with the session cookie and the header that marks a non-browser caller.
  const res = await page.request.post(`/api/stacks/demo/backups/${backupId}/restore`, { headers: { 'X-Opsdeck-Request': '1' }, data: { confirmName: 'demo', password: 'also-wrong' } });
  expect(res.status()).toBe(403);
  expect(await res.json()).toMatchObject({ error: 'That is not your password. Nothing was changed.' });
  await new Promise((r) => setTimeout(r, 1000));
  expect(await memos()).toEqual(before);
  // Both attempts are in the admin's audit records with the reason, as refusals (page and API alike).
  await page.goto('/admin/audit?action=backups.restore&actor=admin');
  const rows = page.getByTestId('audit-table').locator('tbody tr');
  await expect(rows.filter({ hasText: 'That is not your password' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'denied' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'ok' })).toHaveCount(1); // the restore of the earlier test
});

const OPERATOR = { username: 'oscar-operator', password: 'operator-password-88' };

test('an operator may not upload or delete a backup (the server refuses); an admin deletes one; all audited', async ({ page, browser }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/admin/users');
  const create = page.getByTestId('create-user');
  await create.getByLabel('Username').fill(OPERATOR.username);
  await create.getByLabel('Password').fill(OPERATOR.password);
  await create.getByLabel('Role').selectOption('operator');
  await create.getByRole('button', { name: 'Create user' }).click();
  await expect(create.getByRole('status')).toContainText(`User ${OPERATOR.username} created.`);

  // The admin's delete request, captured without letting it through.
  await page.goto('/stacks/demo/backups');
  const row = page.getByTestId('backup-table').locator('tr[data-reason="imported"]');
  const backupId = (await row.getAttribute('data-testid'))!.replace(/^backup-/, '');
  let captured: { url: string; headers: Record<string, string>; body: Buffer } | null = null;
  await page.route('**/stacks/demo/backups', async (route) => {
    const req = route.request();
    if (req.method() === 'POST' && req.headers()['next-action'] && !captured) {
      captured = { url: req.url(), headers: req.headers(), body: req.postDataBuffer()! };
      await route.abort();
    } else await route.continue();
  });
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unroute('**/stacks/demo/backups');

  const context = await browser.newContext();
  const operator = await context.newPage();
  await signInOk(operator, OPERATOR.username, OPERATOR.password);
  await operator.goto('/stacks/demo/backups');
  await expect(operator.getByRole('button', { name: 'Back up now' })).toBeVisible();
  await expect(operator.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(operator.getByTestId('upload-backup')).toHaveCount(0);
  const { 'content-type': contentType, 'next-action': actionId, 'next-router-state-tree': tree } = captured!.headers;
  const replay = await operator.request.post(captured!.url, {
    headers: { 'content-type': contentType, 'next-action': actionId, ...(tree ? { 'next-router-state-tree': tree } : {}), accept: 'text/x-component' },
    data: captured!.body,
  });
  expect(await replay.text()).toContain('This needs the admin role; you are signed in as operator.');
  const upload = await operator.request.post('/api/stacks/demo/backups/import', {
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'memos-backup-20240106-020000.sql', 'x-opsdeck-request': '1' },
    data: Buffer.from('-- PostgreSQL database dump\n'),
  });
  expect(upload.status()).toBe(403);
  expect((await upload.json()).error).toBe('This needs the admin role; you are signed in as operator.');
  await context.close();
  const listed = async () => ((await (await page.request.get('/api/stacks/demo/backups')).json()) as { id: string }[]).map((b) => b.id);
  expect(await listed()).toContain(backupId);

  // The admin: a path as the upload's name is refused; the delete goes through.
  const badName = await page.request.post('/api/stacks/demo/backups/import', {
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('../../etc/cron.d/x.sql'), 'x-opsdeck-request': '1' },
    data: Buffer.from('-- PostgreSQL database dump\n'),
  });
  expect(badName.status()).toBe(400);
  expect(await badName.json()).toMatchObject({ error: 'Give a file name, not a path.' });
  await page.goto('/stacks/demo/backups');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId(`backup-${backupId}`).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId(`backup-${backupId}`)).toHaveCount(0);
  expect(await listed()).not.toContain(backupId);

  await page.goto('/admin/audit?action=backups.delete');
  const audit = page.getByTestId('audit-table');
  await expect(audit.locator('tbody tr')).toHaveCount(2);
  await expect(audit.locator('tbody tr', { hasText: OPERATOR.username })).toContainText('denied');
  await expect(audit.locator('tbody tr', { hasText: backupId }).filter({ hasText: 'ok' })).toHaveCount(1);
});
