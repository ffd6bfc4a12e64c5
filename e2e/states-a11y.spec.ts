import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { E2E_ADMIN, openMenu, signInOk } from './fixtures';
import { THEMES, expectNoViolations, expectTheme } from './axe-scan';

/**
 * Accessible in the states an on-call engineer reads (issue 16): a job log open with its steps, the
 * restore dialog with its preview, the preview of a config change (the env table and the compose
 * line diff), and a failed job's reason with its detail, each scanned with axe-core (WCAG 2 A/AA)
 * in the dark and the light theme. It makes what it scans itself: one backup and one failed import
 * (it runs after the specs that expect an empty backup list); config changes are only previewed.
 */
test.describe.configure({ mode: 'serial' });

const STACK = '/stacks/demo';
let context: BrowserContext;
let page: Page;
let backupJob = '';
let failedJob = '';

/** The job number in an action's "… #12 started" message. */
async function startedJobId(status: Locator): Promise<string> {
  await expect(status).toContainText(/#\d+/, { timeout: 30_000 });
  return /#(\d+)/.exec((await status.textContent()) ?? '')![1];
}

/** Opens the backups page on job `id` and waits for its log to end with `status`. */
async function openJob(id: string, status: 'succeeded' | 'failed', timeout = 30_000): Promise<Locator> {
  await page.goto(`${STACK}/backups?job=${id}`);
  const log = page.locator(`[data-testid="job-log"][data-job="${id}"]`);
  await expect(log).toHaveAttribute('data-status', status, { timeout });
  return log;
}

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
});
test.afterAll(async () => {
  await context?.close();
});

test('makes the states it scans: a finished backup job and a failed import', async () => {
  test.setTimeout(240_000);
  await page.goto(`${STACK}/backups`);
  await page.getByTestId('create-backup').locator('button[type="submit"]').click();
  backupJob = await startedJobId(page.getByTestId('create-backup').getByRole('status'));
  await openJob(backupJob, 'succeeded', 120_000);

  // A plain-SQL "dump" with a psql shell command: the import refuses it, so the job fails with a reason.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-a11y-')), 'a11y-states.sql');
  fs.writeFileSync(file, "-- PostgreSQL database dump\n\nSELECT 'harmless';\n\\! touch /tmp/opsdeck-a11y-e2e\n-- PostgreSQL database dump complete\n");
  await page.goto(`${STACK}/backups`);
  const upload = page.getByTestId('upload-backup');
  await upload.locator('input[type="file"]').setInputFiles(file);
  await upload.locator('button').click();
  failedJob = await startedJobId(upload.getByRole('status'));
  await openJob(failedJob, 'failed', 120_000);
});

for (const theme of THEMES) {
  test.describe(`WCAG 2 AA, ${theme} theme`, () => {
    test.beforeAll(async () => {
      // The theme is chosen the way a person does it: the header's menu, then its theme switch.
      await page.goto(STACK);
      await openMenu(page);
      await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: theme === 'dark' ? 'Dark' : 'Light', exact: true }).click();
      await expectTheme(page, theme);
    });

    test('a job log open with its steps', async () => {
      expect(backupJob, 'the first test took a backup').not.toBe('');
      const log = await openJob(backupJob, 'succeeded');
      const steps = log.getByRole('list', { name: 'Job log' });
      await expect(steps).toBeVisible();
      await expect(steps).toContainText('Verifying the dump with pg_restore --list');
      await expect(log.getByTestId('job-summary')).toContainText('written and verified');
      await expectTheme(page, theme);
      await expectNoViolations(page, `job log #${backupJob} (${theme})`);
    });

    test('a failed job’s reason, its detail open', async () => {
      expect(failedJob, 'the first test made a failed import').not.toBe('');
      const log = await openJob(failedJob, 'failed');
      const outcome = log.getByTestId('job-outcome');
      await expect(outcome).toContainText('a11y-states.sql is not a usable backup');
      await outcome.locator('details > summary').click();
      await expect(outcome.locator('details pre')).toBeVisible();
      await expectNoViolations(page, `failed job #${failedJob} (${theme})`);
    });

    test('the restore dialog with its preview', async () => {
      await page.goto(`${STACK}/backups`);
      await page.getByTestId('backup-table').locator('button[data-testid^="restore-"]').first().click();
      const dialog = page.locator('dialog[open][data-testid="restore-dialog"]');
      await expect(dialog.getByTestId('preview-schema')).toBeVisible({ timeout: 30_000 });
      await expectNoViolations(page, `restore dialog (${theme})`);
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
    });

    test('the preview of a config change: the env table and the compose line diff (nothing saved)', async () => {
      await page.goto(`${STACK}/config`);
      const env = page.getByTestId('env-editor');
      const url = env.getByLabel('MEMOS_INSTANCE_URL');
      await url.fill(`${await url.inputValue()}/a11y`);
      await env.getByRole('button', { name: 'Review changes' }).click();
      const envReview = env.getByTestId('config-review');
      await expect(envReview.getByTestId('config-diff')).toContainText('MEMOS_INSTANCE_URL');
      await expectNoViolations(page, `env change preview (${theme})`);

      await page.getByRole('button', { name: 'Edit compose file' }).click();
      const text = page.getByLabel('Compose file text');
      await text.fill(`${await text.inputValue()}\n# reviewed by the accessibility scan\n`);
      await page.getByRole('button', { name: 'Review changes' }).last().click();
      await expect(page.locator('pre[data-testid="config-diff"]')).toContainText('+ # reviewed by the accessibility scan');
      await expectNoViolations(page, `compose change preview (${theme})`);
    });
  });
}
