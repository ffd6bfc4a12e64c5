import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { test, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { E2E_ADMIN, STATE_FILE, type E2EState } from './fixtures';
import { appFetch } from './app-http';
import { CONSOLE_PAGES } from './console-pages';
import { DESKTOP, PHONES, attachScreenshot, expectNoSidewaysScroll, expectTappable, messages } from './phone-helpers';

/**
 * The on-call engineer's console on a phone (issue 16), in English and in Chinese: sign in, read the
 * status, restart a service, tail and search the logs, restore a backup through the dialog to a
 * finished job, and read why a job failed. Every page is measured at 360 and 390 px (no sideways
 * page scroll) and photographed at phone and desktop width into the test output.
 * One signed-in browser context per language is shared by its tests.
 */
test.describe.configure({ mode: 'serial' });

const docker = new Docker();
const STACK = '/stacks/demo';

/** The pages an on-call engineer opens (every console page). */
const PAGES = CONSOLE_PAGES;
/** The backup job of the English run, read again by the Chinese one. */
let englishBackupJob: string | null = null;

async function memosStartedAt(): Promise<string> {
  const { projectName } = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;
  const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${projectName}`, 'com.docker.compose.service=memos'] } });
  return (await docker.getContainer(c.Id).inspect()).State.StartedAt;
}

/** The job number in an action's "… #12 started" message. */
async function startedJobId(status: Locator): Promise<string> {
  await expect(status).toContainText(/#\d+/, { timeout: 30_000 });
  return /#(\d+)/.exec((await status.textContent()) ?? '')![1];
}

/** Waits for the job log of job `id` on the page to end, and returns it. */
async function finishedJob(page: Page, id: string, timeout: number): Promise<Locator> {
  const log = page.locator(`[data-testid="job-log"][data-job="${id}"]`);
  await expect(log).toHaveAttribute('data-status', /succeeded|failed|interrupted/, { timeout });
  return log;
}

/** The app answers again (after a restart or a restore), through the engine like Opsdeck itself. */
async function appAnswers() {
  await expect.poll(async () => (await appFetch('/healthz').catch(() => null))?.status ?? 0, { timeout: 90_000 }).toBe(200);
}

for (const language of [
  // English from the browser's language; Chinese from the browser's language, then through the menu.
  // The two slow flows that change the stack run once each, one per language, to keep the spec short:
  // the restore in English, the restart in Chinese (its dialog and page text are translated the same way).
  { locale: 'en' as const, acceptLanguage: 'en-US', restart: false, restore: true },
  { locale: 'zh-CN' as const, acceptLanguage: 'zh-CN', restart: true, restore: false },
]) {
  test.describe(`on a phone, in ${language.locale}`, () => {
    const t = messages(language.locale);
    let context: BrowserContext;
    let page: Page;

    test.beforeAll(async ({ browser }) => {
      context = await browser.newContext({ viewport: PHONES[1], isMobile: true, hasTouch: true, locale: language.acceptLanguage });
      page = await context.newPage();
    });
    test.afterAll(async () => {
      await context?.close();
    });

    test('signs in on the phone, in the browser’s language', async () => {
      await page.goto('/signin');
      await expect(page.locator('html')).toHaveAttribute('lang', language.locale);
      const submit = page.getByRole('button', { name: t('signin.submit'), exact: true });
      await expectTappable(submit, 'the sign-in button');
      await page.getByLabel(t('signin.username')).fill(E2E_ADMIN.username);
      await page.getByLabel(t('signin.password')).fill(E2E_ADMIN.password);
      await submit.tap();
      await expect(page.getByTestId('whoami')).toContainText(E2E_ADMIN.username);
      // The header fits: the menu is a 44 px button on screen, and it holds the account links and Sign out.
      const menu = page.getByTestId('nav-menu');
      await expectTappable(menu, 'the header menu');
      await menu.tap();
      await expectTappable(page.getByRole('button', { name: t('nav.signOut') }), 'Sign out');
      if (language.locale === 'zh-CN') {
        // The product's own language setting wins over the browser's: English, then back to Chinese.
        await page.getByRole('button', { name: 'English' }).tap();
        await expect(page.locator('html')).toHaveAttribute('lang', 'en');
        await expect(page.getByTestId('nav-menu')).toHaveText('Menu');
        if (!(await page.getByRole('button', { name: '中文' }).isVisible())) await page.getByTestId('nav-menu').tap();
        await page.getByRole('button', { name: '中文' }).tap();
        await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
        await expect(page.getByTestId('nav-menu')).toHaveText(t('nav.menu'));
      }
    });

    test('every page fits 360 and 390 px without sideways scrolling; screenshots at phone and desktop width', async () => {
      test.setTimeout(120_000);
      const testInfo = test.info();
      for (const p of PAGES) {
        await page.setViewportSize(PHONES[1]);
        await page.goto(p.path);
        await expect(p.ready(page)).toBeVisible();
        await expect(page.locator('html')).toHaveAttribute('lang', language.locale);
        if (p.heading) await expect(page.getByRole('heading', { name: t(p.heading), exact: true })).toBeVisible();
        for (const size of PHONES) {
          await page.setViewportSize(size);
          await expectNoSidewaysScroll(page, `${p.path} at ${size.width} px (${language.locale})`);
          await expectTappable(page.getByTestId('nav-menu'), `the menu on ${p.path}`);
          if (p.path.startsWith(STACK)) await expectTappable(page.locator('a[aria-current="page"]'), `the current tab on ${p.path}`);
        }
        await attachScreenshot(page, testInfo, `${language.locale}-${p.name}-phone-390.png`);
        await page.setViewportSize(DESKTOP);
        await attachScreenshot(page, testInfo, `${language.locale}-${p.name}-desktop-1280.png`);
      }
      await page.setViewportSize(PHONES[0]);
    });

    test(`status: the cards stack${language.restart ? ', and a service is restarted with a thumb' : ', each with its controls at thumb size'}`, async () => {
      await page.goto(STACK);
      await expect(page.getByTestId('status-view')).toHaveAttribute('data-link', 'live');
      const memos = page.getByTestId('service-memos');
      const postgres = page.getByTestId('service-postgres');
      await expect(memos).toHaveAttribute('data-health', 'healthy', { timeout: 120_000 });
      // Stacked: one card under the other, each the width of the screen (less the margins).
      const [a, b] = [await memos.boundingBox(), await postgres.boundingBox()];
      expect(Math.abs(a!.x - b!.x)).toBeLessThan(1);
      expect(a!.width).toBeGreaterThan(PHONES[0].width - 40);
      const restart = memos.getByTestId('restart-memos').getByRole('button', { name: t('status.lifecycle.restart'), exact: true });
      await expectTappable(restart, 'Restart memos');
      await expectNoSidewaysScroll(page, 'the status page');
      if (!language.restart) return;
      const before = await memosStartedAt();
      page.once('dialog', (d) => void d.accept());
      await restart.tap();
      await expect(memos.getByTestId('restart-memos').getByRole('status')).not.toBeEmpty({ timeout: 60_000 });
      await expect.poll(memosStartedAt, { timeout: 60_000 }).not.toBe(before);
      await appAnswers();
      await expect(memos).toHaveAttribute('data-health', 'healthy', { timeout: 120_000 });
    });

    test('logs: full width, a new line tails in, the search in the drawer finds it', async () => {
      await page.goto(`${STACK}/logs?service=memos`);
      await expect(page.getByTestId('log-status')).toHaveAttribute('data-state', 'live');
      const lines = page.getByTestId('log-scroll');
      expect((await lines.boundingBox())!.width).toBeGreaterThan(PHONES[0].width - 40);
      const id = `e2e-phone-${language.locale}-${Date.now().toString(36)}`;
      await appAnswers();
      expect((await appFetch('/api/version', { headers: { 'X-Request-Id': id } })).ok).toBe(true);
      await expect(page.getByTestId('log-line').filter({ hasText: id })).toBeVisible({ timeout: 15_000 });
      // The controls are in a drawer, closed at first so the lines get the screen.
      const search = page.getByRole('searchbox');
      await expect(search).toBeHidden();
      const drawer = page.getByRole('button', { name: t('logs.showControls') });
      await expectTappable(drawer, 'the filters drawer button');
      await drawer.tap();
      await expect(search).toBeVisible();
      await search.fill(id);
      await expect(page.locator('mark', { hasText: id })).toHaveCount(1);
      await expect(page.getByTestId('match-count')).toBeVisible();
      await expectNoSidewaysScroll(page, 'the logs page with its drawer open');
      await page.getByRole('button', { name: t('logs.hideControls') }).tap();
      await expect(search).toBeHidden();
    });

    if (language.restore) test('backups: a backup, then a restore through the dialog to a finished job', async () => {
      // A backup and a restore, each waited for up to 120 s.
      test.setTimeout(300_000);
      await page.goto(`${STACK}/backups`);
      const ids = async () => page.getByTestId('backup-table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid') ?? ''));
      const before = (await page.getByTestId('backup-table').count()) ? await ids() : [];
      const backUp = page.getByTestId('create-backup').locator('button[type="submit"]');
      await expectTappable(backUp, 'Back up now');
      await backUp.tap();
      const backupJob = await startedJobId(page.getByTestId('create-backup').getByRole('status'));
      englishBackupJob = backupJob;
      await page.goto(`${STACK}/backups?job=${backupJob}`);
      await expect(await finishedJob(page, backupJob, 120_000)).toHaveAttribute('data-status', 'succeeded');
      await expect.poll(async () => (await ids()).filter((i) => !before.includes(i)).length).toBe(1);
      const row = page.getByTestId((await ids()).find((i) => !before.includes(i))!);

      // On a phone the row is a card: its Restore button is on screen, not off to the right.
      const open = row.locator('button[data-testid^="restore-"]');
      await expectTappable(open, 'Restore…');
      await expectNoSidewaysScroll(page, 'the backups page');
      await open.tap();
      const dialog = page.locator('dialog[open][data-testid="restore-dialog"]');
      await expect(dialog.getByTestId('preview-schema')).toBeVisible({ timeout: 30_000 });
      const form = dialog.getByTestId('restore-form');
      await form.locator('input[name="confirmName"]').fill('demo');
      await form.locator('input[name="password"]').fill(E2E_ADMIN.password);
      const confirm = form.locator('button[type="submit"]');
      await expectTappable(confirm, 'Restore now');
      await confirm.tap();
      const restoreJob = await startedJobId(form.getByRole('status'));
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);

      await page.goto(`${STACK}/backups?job=${restoreJob}`);
      const log = await finishedJob(page, restoreJob, 180_000);
      await expect(log).toHaveAttribute('data-status', 'succeeded');
      await expect(log.getByTestId('job-outcome')).toBeVisible();
      await expect(log.getByRole('list', { name: t('jobs.lines') })).toBeVisible();
      await appAnswers();
      await expectNoSidewaysScroll(page, 'the backups page with the restore job');
    });

    if (!language.restore) test('backups: the restore dialog opens translated and fits the phone (closed without restoring)', async () => {
      await page.goto(`${STACK}/backups`);
      // The English run before this one took a backup.
      const open = page.getByTestId('backup-table').locator('button[data-testid^="restore-"]').first();
      await expectTappable(open, t('backups.restore.open'));
      await expect(open).toHaveText(t('backups.restore.open'));
      await open.tap();
      const dialog = page.locator('dialog[open][data-testid="restore-dialog"]');
      await expect(dialog.getByTestId('preview-schema')).toBeVisible({ timeout: 30_000 });
      await expectTappable(dialog.getByRole('button', { name: t('backups.restore.submit') }), t('backups.restore.submit'));
      await expect(dialog.getByLabel(t('backups.restore.confirmName'))).toBeVisible();
      const box = (await dialog.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONES[0].width);
      await dialog.getByRole('button', { name: t('backups.restore.close') }).tap();
      await expect(dialog).toHaveCount(0);
    });

    if (!language.restore) test('a job log reads in the page’s language: the backup the English run took shows its steps in Chinese', async () => {
      expect(englishBackupJob, 'the English run took a backup').not.toBeNull();
      await page.goto(`${STACK}/backups?job=${englishBackupJob}`);
      const log = await finishedJob(page, englishBackupJob!, 30_000);
      const steps = log.getByRole('list', { name: t('jobs.lines') });
      // Stored once, with their keys: each reader gets the steps in their own language.
      await expect(steps).toContainText(t('server.steps.backup.prepare'));
      await expect(steps).toContainText(t('server.steps.backup.verify'));
      await expect(steps).toContainText(/正在用 pg_dump -Fc 导出 memos（/);
      await expect(steps).not.toContainText('Verifying the dump with pg_restore --list');
      await expect(steps).not.toContainText('Checking the database and the backup folder');
      // Its title and end summary too, in the log and in the list of recent jobs.
      await expect(log.getByTestId('job-title')).toHaveText(t('server.jobs.title.backup'));
      await expect(log.getByTestId('job-summary')).toHaveText(/^备份 \S+ 已写入并验证（[^）]+）.*。$/);
      await expect(page.getByTestId('recent-jobs')).toContainText(`#${englishBackupJob} ${t('server.jobs.title.backup')}`);
      await expect(page.getByTestId('recent-jobs')).not.toContainText('written and verified');
    });

    test('a job that failed says why, readable on the phone', async () => {
      // A plain-SQL "dump" with a psql shell command: the import refuses it, so the job fails.
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-phone-')), `phone-${language.locale}.sql`);
      fs.writeFileSync(file, "-- PostgreSQL database dump\n\nSELECT 'harmless';\n\\! touch /tmp/opsdeck-phone-e2e\n-- PostgreSQL database dump complete\n");
      await page.goto(`${STACK}/backups`);
      const upload = page.getByTestId('upload-backup');
      await upload.locator('input[type="file"]').setInputFiles(file);
      const send = upload.locator('button');
      await expectTappable(send, 'Upload and import');
      await send.tap();
      const job = await startedJobId(upload.getByRole('status'));

      await page.goto(`${STACK}/backups?job=${job}`);
      const log = await finishedJob(page, job, 120_000);
      await expect(log).toHaveAttribute('data-status', 'failed');
      const outcome = log.getByTestId('job-outcome');
      await expect(outcome).toHaveAttribute('role', 'alert');
      // The reason in the page's language (its key is stored with it), the import's own finding quoted as it is.
      const reason = t('server.errors.backup.notUsable').split(' ({why})')[0].split('（{why}）')[0];
      await expect(outcome).toContainText(reason.replace('{file}', `phone-${language.locale}.sql`));
      await expect(outcome).toContainText('\\!');
      // Readable: the reason wraps inside the screen instead of running off it; so does the detail.
      const box = (await outcome.locator('p').first().boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONES[0].width);
      const more = outcome.locator('details > summary');
      await expectTappable(more, 'the technical detail toggle');
      await more.tap();
      const detail = outcome.locator('details pre');
      await expect(detail).toBeVisible();
      await expect(detail).toContainText('psql');
      const d = (await detail.boundingBox())!;
      expect(d.x + d.width).toBeLessThanOrEqual(PHONES[0].width);
      await expectNoSidewaysScroll(page, 'the failed job');
    });
  });
}
