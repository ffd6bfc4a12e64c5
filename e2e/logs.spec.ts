import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { E2E_ADMIN, STATE_FILE, signInOk, type E2EState } from './fixtures';
import { appFetch } from './app-http';

test.describe.configure({ mode: 'serial' });

const READER = { username: 'lena', password: 'log-reader-password-7' };
const state = () => JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;

function containerOf(service: string): string {
  const args = ['ps', '-q', '--filter', `label=com.docker.compose.project=${state().projectName}`, '--filter', `label=com.docker.compose.service=${service}`];
  return execFileSync('docker', args).toString().trim();
}

/** Makes the demo app write one request log line carrying `id` (its X-Request-Id). */
async function writeLine(id: string) {
  const res = await appFetch('/api/version', { headers: { 'X-Request-Id': id } });
  expect(res.ok).toBe(true);
}

const newId = (tag: string) => `e2e-${tag}-${crypto.randomBytes(3).toString('hex')}`;

async function openLogs(page: Page, query = '') {
  await page.goto(`/stacks/demo/logs${query}`);
  await expect(page.getByTestId('log-status')).toHaveAttribute('data-state', 'live');
}

test('the log stream and the download refuse a visitor who is not signed in', async ({ request }) => {
  for (const path of ['/api/stacks/demo/logs', '/api/stacks/demo/logs/download']) {
    const res = await request.get(path);
    expect(res.status()).toBe(401);
    expect((await res.json()).error).toContain('not signed in');
  }
});

test('a line written by the container appears in the page within 2 s', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await openLogs(page, '?service=memos');
  const id = newId('live');
  await writeLine(id);
  await expect(page.getByTestId('log-line').filter({ hasText: id })).toBeVisible({ timeout: 2000 });
  // JSON lines are shown readably: message first, fields as key=value, level as a badge.
  const row = page.getByTestId('log-line').filter({ hasText: id });
  await expect(row).toContainText(`request  request_id=${id}`);
  await expect(row).toContainText('INFO');
});

test('all services merged, each coloured, stderr marked', async ({ page }) => {
  // A PostgreSQL line that is recent for sure: the app logs every request and a heartbeat, so after
  // the earlier specs the database's own start-up lines can be older than the merged tail.
  execFileSync('docker', ['exec', containerOf('postgres'), 'psql', '-X', '-q', '-U', 'memos', '-d', 'memos', '-c', "DO $$BEGIN RAISE WARNING 'e2e merged-logs marker'; END$$"]);
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await openLogs(page, '?tail=1000');
  const lines = page.getByTestId('log-line');
  await expect(lines.filter({ hasText: 'postgres' }).first()).toBeVisible();
  await expect(lines.filter({ hasText: 'memos' }).first()).toBeVisible();
  // PostgreSQL logs to stderr; the app's heartbeats go to stdout.
  await expect(page.locator('[data-testid="log-line"][data-stream="stderr"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="log-line"][data-stream="stdout"]').first()).toBeVisible();
  const colors = await lines.evaluateAll((els) => new Set(els.map((e) => (e.children[1] as HTMLElement).style.color)).size);
  expect(colors).toBe(2);
  await page.screenshot({ path: 'test-results/screenshots/logs-merged.png' });
  // The level filter keeps lines at or above the level: the app's JSON and PostgreSQL's plain-text
  // lines, which carry a level of their own now (the marker above is a WARNING).
  await page.getByLabel('Minimum level').selectOption({ label: 'INFO and above' });
  await expect(lines.first()).toBeVisible();
  await expect(lines.filter({ hasText: 'e2e merged-logs marker' }).first()).toBeVisible();
  const services = await lines.evaluateAll((els) => [...new Set(els.map((e) => e.children[1].textContent))].sort());
  expect(services).toEqual(['memos', 'postgres']);
});

test('search highlights matches with a count; only matching lines; an invalid regex is reported in the box', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await openLogs(page, '?service=memos');
  const id = newId('find');
  await writeLine(id);
  await expect(page.getByTestId('log-line').filter({ hasText: id })).toBeVisible();
  const box = page.getByRole('searchbox', { name: 'Search logs' });
  await box.fill(id.toUpperCase());
  await expect(page.locator('mark', { hasText: id })).toHaveCount(1);
  await expect(page.getByTestId('match-count')).toHaveText('1 matching line');
  await page.getByTestId('log-line').filter({ hasText: id }).click();
  await expect(page.getByTestId('log-details')).toContainText(`"request_id": "${id}"`);
  await page.screenshot({ path: 'test-results/screenshots/logs-search.png' });
  await page.getByLabel('Match case').check();
  await expect(page.getByTestId('match-count')).toHaveText('0 matching lines');
  await page.getByLabel('Match case').uncheck();
  await page.getByLabel('Only matching lines').check();
  await expect(page.getByTestId('log-line')).toHaveCount(1);
  await page.getByLabel('Regex').check();
  await box.fill('request_id=e2e-find-[0-9a-f]{6}');
  await expect(page.getByTestId('log-line')).toHaveCount(1);
  await box.fill('request_id=(');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#log-search-error')).toContainText('Invalid regular expression');
});

test('pause and resume: lines that arrive meanwhile are counted, then shown', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await openLogs(page, '?service=memos');
  await page.getByRole('button', { name: 'Pause' }).click();
  const ids = [newId('p1'), newId('p2'), newId('p3')];
  for (const id of ids) await writeLine(id);
  await expect(page.getByTestId('paused-count')).toContainText(/Paused · [3-9]\d* new lines|Paused · \d{2,} new lines/);
  for (const id of ids) await expect(page.getByTestId('log-line').filter({ hasText: id })).toHaveCount(0);
  await page.getByRole('button', { name: 'Resume' }).click();
  for (const id of ids) await expect(page.getByTestId('log-line').filter({ hasText: id })).toBeVisible();
  await expect(page.getByTestId('paused-count')).toHaveCount(0);
});

test('scrolling up pauses; scrolling back to the bottom resumes', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeLine(newId(`fill${i}`))));
  await openLogs(page, '?service=memos&tail=1000');
  const list = page.getByTestId('log-scroll');
  await expect.poll(() => list.evaluate((el) => el.scrollHeight > el.clientHeight * 1.5)).toBe(true);
  await list.hover();
  await page.mouse.wheel(0, -600);
  await expect(page.getByTestId('paused-count')).toContainText('scrolled up');
  const id = newId('after-scroll');
  await writeLine(id);
  await expect(page.getByTestId('paused-count')).toContainText(/[1-9]\d* new lines/);
  await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(page.getByTestId('paused-count')).toHaveCount(0);
  await expect(page.getByTestId('log-line').filter({ hasText: id })).toBeVisible();
});

test('ANSI colours are rendered and markup in a line stays text', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await openLogs(page, '?service=memos');
  const id = newId('ansi');
  // Written straight to the app's stdout, as any process in the container could.
  const line = `\x1b[31mred-${id}\x1b[0m <img src=x onerror=alert(1)> &amp;`;
  spawnSync('docker', ['exec', containerOf('memos'), 'node', '-e', 'require("fs").writeFileSync("/proc/1/fd/1", process.argv[1] + "\\n")', line]);
  const row = page.getByTestId('log-line').filter({ hasText: `red-${id}` });
  await expect(row).toContainText(`red-${id} <img src=x onerror=alert(1)> &amp;`);
  await expect(row.locator('img')).toHaveCount(0);
  const color = await row.locator('span', { hasText: `red-${id}` }).last().evaluate((el) => getComputedStyle(el).color);
  expect(color).toBe('rgb(248, 113, 113)');
});

test('the download matches `docker logs` for the same range', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await openLogs(page, '?service=memos');
  await writeLine(newId('dl'));
  await page.waitForTimeout(1200);
  // A closed range: from before the stack started to a second ago, in the browser's zone.
  const local = (ms: number) => page.evaluate((t) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 19), ms);
  await page.getByLabel('Since', { exact: true }).fill(await local(Date.now() - 30 * 60_000));
  await page.getByLabel('Until', { exact: true }).fill(await local(Date.now() - 1000));
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page.getByTestId('log-status')).toHaveAttribute('data-state', 'complete');
  const href = await page.getByTestId('log-download').getAttribute('href');
  const q = new URL(href!, 'http://x').searchParams;
  expect(q.get('since')).toBeTruthy();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-download').click()]);
  const file = fs.readFileSync((await download.path())!, 'utf8');
  const cli = spawnSync('docker', ['logs', '--timestamps', '--since', q.get('since')!, '--until', q.get('until')!, containerOf('memos')]);
  const lines = (s: string) => s.split('\n').filter(Boolean).sort();
  const expected = lines(cli.stdout.toString() + cli.stderr.toString());
  expect(expected.length).toBeGreaterThan(5);
  expect(lines(file)).toEqual(expected);
});

test('the stream endpoint: SSE headers, resume with Last-Event-ID, and bad input refused in the handler', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  const api = page.request;
  const first = await api.get('/api/stacks/demo/logs?service=memos&tail=20&follow=0');
  expect(first.status()).toBe(200);
  expect(first.headers()['content-type']).toContain('text/event-stream');
  expect(first.headers()['cache-control']).toBe('no-cache, no-transform');
  expect(first.headers()['x-accel-buffering']).toBe('no');
  const body = await first.text();
  expect(body).toContain('event: meta');
  expect(body).toContain('event: end');
  const lastId = [...body.matchAll(/^id: (.+)$/gm)].at(-1)![1];
  const id = newId('resume');
  await writeLine(id);
  const resumed = await (await api.get('/api/stacks/demo/logs?service=memos&follow=0', { headers: { 'Last-Event-ID': lastId } })).text();
  const records = (s: string) => [...s.matchAll(/^data: ([oe].+)$/gm)].map((m) => m[1]);
  expect(records(resumed).some((r) => r.includes(id))).toBe(true);
  for (const r of records(body)) expect(records(resumed)).not.toContain(r);

  const unknown = await api.get('/api/stacks/demo/logs?service=nope');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toContain('has no service "nope"');
  expect((await api.get('/api/stacks/demo/logs?since=yesterday')).status()).toBe(400);
  expect((await api.get('/api/stacks/demo/logs?tail=999999')).status()).toBe(400);
  const foreign = execFileSync('docker', ['run', '-d', '--rm', '--network', 'none', '--label', 'com.docker.compose.project=opsdeck-test-e2e-foreign', 'opsdeck/loggen']).toString().trim();
  try {
    const res = await api.get(`/api/stacks/demo/logs?container=${foreign}`);
    expect(res.status()).toBe(403);
    expect((await res.json()).error).toContain('does not belong to stack "demo"');
  } finally {
    execFileSync('docker', ['rm', '-f', foreign], { stdio: 'ignore' });
  }
});

// That a viewer cannot restart (no controls, and the replayed restart action refused by the server)
// is checked in e2e/status.spec.ts, where the controls live.
test('a viewer can read the logs: live in the page, and the download', async ({ page }) => {
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/admin/users');
  const form = page.getByTestId('create-user');
  await form.getByLabel('Username').fill(READER.username);
  await form.getByLabel('Password').fill(READER.password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toContainText(`User ${READER.username} created.`);
  await page.context().clearCookies();
  await signInOk(page, READER.username, READER.password);
  await openLogs(page, '?service=memos');
  const id = newId('viewer');
  await writeLine(id);
  await expect(page.getByTestId('log-line').filter({ hasText: id })).toBeVisible();
  // page.request carries the viewer's session cookie.
  const download = await page.request.get('/api/stacks/demo/logs/download?service=memos');
  expect(download.status()).toBe(200);
  expect(await download.text()).toContain(id);
});
