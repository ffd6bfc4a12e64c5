/**
 * AI-provider health in Chromium against the production build: the demo stack's env file is
 * pointed at a local fake provider, whose behaviour the test switches while the page is open.
 */
import fs from 'node:fs';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { startFakeAiProvider, type FakeAiProvider } from '../tests/support/fake-ai-provider';
import { E2E_ADMIN, STATE_FILE, signInOk, type E2EState } from './fixtures';

test.describe.configure({ mode: 'serial' });

const DEEPSEEK_KEY = 'sk-demo-deepseek-9c3a5e7b1d20';
const SF_KEY = 'sk-demo-siliconflow-4b1e8c0d2a7f';
const AI_VIEWER = { username: 'ai-viewer', password: 'ai-viewer-password-1' };
// Probes run every 5 s and need 2 failures: the page refreshes every 5 s, so allow a few rounds.
const STATUS_CHANGE = { timeout: 45_000 };

let fake: FakeAiProvider;
let envFile: string;
let original: string;

test.beforeAll(async () => {
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;
  envFile = state.envFile;
  original = fs.readFileSync(envFile, 'utf8');
  fake = await startFakeAiProvider({ keys: [DEEPSEEK_KEY, SF_KEY] });
  // Opsdeck re-reads the env file on every check, so this takes effect without a restart.
  fs.writeFileSync(
    envFile,
    original
      .replace(/^MEMOS_AI_SILICONFLOW_BASE_URL=.*$/m, `MEMOS_AI_SILICONFLOW_BASE_URL=${fake.url}/v1`)
      .replace(/^MEMOS_AI_DEEPSEEK_BASE_URL=.*$/m, `MEMOS_AI_DEEPSEEK_BASE_URL=${fake.url}`),
  );
});

test.afterAll(async () => {
  if (original !== undefined) fs.writeFileSync(envFile, original);
  await fake?.close();
});

async function signedIn(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInOk(page, user.username, user.password);
  return page;
}

test('a provider goes green, red with "invalid API key" when its key is rejected, and green again', async ({ browser }) => {
  const page = await signedIn(browser, E2E_ADMIN);
  await page.goto('/stacks/demo/ai');
  const chat = page.getByTestId('ai-dep-env-chat');
  await expect(chat).toContainText('DeepSeek');
  await expect(chat).toContainText('deepseek-chat');
  for (const id of ['env-embedding', 'env-rerank', 'env-intent']) await expect(page.getByTestId(`ai-dep-${id}`)).toBeVisible();

  // Check every 5 s, down after 2 failures, up after 2 successes.
  await chat.getByTestId('ai-settings').locator('summary').click();
  const settings = chat.getByTestId('ai-settings');
  await settings.getByLabel('Check every (s)').fill('5');
  await settings.getByLabel('Down after N failures').fill('2');
  await settings.getByLabel('Up after M successes').fill('2');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByRole('status')).toContainText('Settings of DeepSeek deepseek-chat saved');

  await expect(chat).toHaveAttribute('data-status', 'up', STATUS_CHANGE);
  await expect(chat.getByTestId('ai-latency')).toContainText(/\d+ ms · \d+ ms · \d+ ms/);
  await expect(chat.getByTestId('ai-key')).toContainText('••••1d20');
  await expect(chat.getByTestId('ai-key')).toContainText('MEMOS_AI_DEEPSEEK_API_KEY');
  await page.screenshot({ path: 'test-results/screenshots/ai-up.png', fullPage: true });

  fake.setMode('unauthorized');
  await expect(chat).toHaveAttribute('data-status', 'down', STATUS_CHANGE);
  await expect(chat.getByTestId('ai-reason')).toContainText('invalid API key');
  await page.screenshot({ path: 'test-results/screenshots/ai-down.png', fullPage: true });

  fake.setMode('ok');
  await expect(chat).toHaveAttribute('data-status', 'up', STATUS_CHANGE);
  await expect(chat.getByTestId('ai-last-error')).toContainText('invalid API key');

  // The fake echoed the key in every 401; the page shows none of them.
  const html = await page.content();
  expect(html).not.toContain(DEEPSEEK_KEY);
  expect(html).not.toContain(SF_KEY);
});

test('an admin runs a deep probe, which measures the embedding dimension and is rate-limited', async ({ browser }) => {
  const page = await signedIn(browser, E2E_ADMIN);
  await page.goto('/stacks/demo/ai');
  const emb = page.getByTestId('ai-dep-env-embedding');
  const form = emb.getByTestId('ai-deep-probe');
  await form.getByRole('button', { name: 'Run deep probe' }).click();
  await expect(form.getByRole('status')).toContainText('Deep probe of SiliconFlow BAAI/bge-m3: OK, embedding returned 1024 dimensions');
  await expect(emb.getByTestId('ai-last-deep')).toContainText('embedding returned 1024 dimensions');
  await form.getByRole('button', { name: 'Run deep probe' }).click();
  await expect(form.getByRole('status')).toContainText('deep probes cost money, try again in');
  expect(fake.requests.filter((r) => r.path === '/embeddings')).toHaveLength(1);
});

test('an admin adds an Ollama provider, sees it checked, and removes it', async ({ browser }) => {
  const page = await signedIn(browser, E2E_ADMIN);
  await page.goto('/stacks/demo/ai');
  const form = page.getByTestId('ai-add-provider');
  await form.getByLabel('Name').fill('office Ollama');
  await form.getByLabel('Protocol').selectOption('ollama');
  await form.getByLabel('Used for').selectOption('embedding');
  await form.getByLabel('Base URL').fill('not a url');
  await form.getByLabel('Model').fill('nomic-embed-text');
  await form.getByRole('button', { name: 'Add provider' }).click();
  await expect(form.getByRole('status')).toContainText('Enter an http(s) URL');
  await form.getByLabel('Base URL').fill(fake.url);
  await form.getByRole('button', { name: 'Add provider' }).click();
  await expect(form.getByRole('status')).toContainText('Provider office Ollama added');

  const card = page.locator('[data-testid^="ai-dep-p"]', { hasText: 'office Ollama' });
  await expect(card).toHaveAttribute('data-status', 'up', STATUS_CHANGE);
  await expect(card.getByTestId('ai-reason')).toContainText('Ollama 0.5.7, model pulled');
  page.once('dialog', (d) => void d.accept());
  await card.getByRole('button', { name: 'Remove provider' }).click();
  await expect(page.locator('[data-testid^="ai-dep-p"]', { hasText: 'office Ollama' })).toHaveCount(0);
});

test('a viewer sees the health but gets no probe button and no provider forms', async ({ browser }) => {
  const admin = await signedIn(browser, E2E_ADMIN);
  await admin.goto('/admin/users');
  const create = admin.getByTestId('create-user');
  await create.getByLabel('Username').fill(AI_VIEWER.username);
  await create.getByLabel('Password').fill(AI_VIEWER.password);
  await create.getByRole('button', { name: 'Create user' }).click();
  await expect(create.getByRole('status')).toContainText(`User ${AI_VIEWER.username} created.`);

  const page = await signedIn(browser, AI_VIEWER);
  await page.goto('/stacks/demo/ai');
  await expect(page.getByTestId('ai-dep-env-chat')).toHaveAttribute('data-status', 'up');
  await expect(page.getByTestId('ai-deep-probe')).toHaveCount(0);
  await expect(page.getByTestId('ai-settings')).toHaveCount(0);
  await expect(page.getByTestId('ai-add-provider')).toHaveCount(0);
});
