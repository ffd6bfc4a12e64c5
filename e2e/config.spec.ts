/**
 * Changing a stack's configuration from the browser: rotating an AI key from the AI page (tested
 * before saving, then the provider goes from "invalid API key" to up) and the Configuration tab
 * that shows where it went, with the secret revealed only on request and never in the audit log.
 */
import fs from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { pointDemoAiAt, startFakeAiProvider, type FakeAiProvider } from '../tests/support/fake-ai-provider';
import { E2E_ADMIN, STATE_FILE, signInOk, type E2EState } from './fixtures';

test.describe.configure({ mode: 'serial' });

const OLD_KEY = 'sk-demo-deepseek-9c3a5e7b1d20';
const NEW_KEY = 'sk-rotated-deepseek-7e6d5c4b3a21';
const SF_KEY = 'sk-demo-siliconflow-4b1e8c0d2a7f';
const STATUS_CHANGE = { timeout: 45_000 };

let fake: FakeAiProvider;
let envFile: string;
let original: string;

test.beforeAll(async () => {
  envFile = (JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState).envFile;
  original = fs.readFileSync(envFile, 'utf8');
  // The provider accepts only the new DeepSeek key: the one in the env file is now invalid.
  fake = await startFakeAiProvider({ keys: [NEW_KEY, SF_KEY] });
  pointDemoAiAt(envFile, fake.url);
});

test.afterAll(async () => {
  if (original !== undefined) fs.writeFileSync(envFile, original);
  await fake?.close();
});

async function admin(page: Page) {
  page.on('dialog', (d) => void d.accept());
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
}

test('an admin rotates the DeepSeek key from the AI page: tested first, saved, and the provider goes from invalid key to up', async ({ page }) => {
  test.setTimeout(150_000);
  await admin(page);
  await page.goto('/stacks/demo/ai');
  const chat = page.getByTestId('ai-dep-env-chat');
  const settings = chat.getByTestId('ai-settings');
  await settings.locator('summary').click();
  await settings.getByLabel('Check every (s)').fill('5');
  await settings.getByLabel('Down after N failures').fill('2');
  await settings.getByLabel('Up after M successes').fill('2');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByRole('status')).toContainText('saved');
  await expect(chat).toHaveAttribute('data-status', 'down', STATUS_CHANGE);
  await expect(chat.getByTestId('ai-reason')).toContainText('invalid API key');

  const edit = chat.getByTestId('ai-env-settings');
  await edit.locator('summary').click();
  const form = edit.getByTestId('ai-env-settings-form');
  await expect(form.getByLabel(/Base URL/)).toHaveValue(fake.url);
  await form.getByLabel(/API key/).fill('sk-wrong-guess-00000000');
  await form.getByRole('button', { name: 'Test before saving' }).click();
  await expect(form.getByRole('status')).toContainText('Test of DeepSeek deepseek-chat failed: HTTP 401: invalid API key');
  // The fake echoes the key it was sent, as OpenAI does: the form shows it masked.
  await expect(form.getByRole('status')).not.toContainText('sk-wrong-guess');
  await form.getByLabel(/API key/).fill(NEW_KEY);
  await form.getByRole('button', { name: 'Test before saving' }).click();
  await expect(form.getByRole('status')).toContainText('Test of DeepSeek deepseek-chat: OK, chat completion answered');
  // The test wrote nothing.
  expect(fs.readFileSync(envFile, 'utf8')).toContain(`MEMOS_AI_DEEPSEEK_API_KEY=${OLD_KEY}`);
  await form.getByRole('button', { name: 'Save to env file' }).click();
  await expect(form.getByRole('status')).toContainText(/Saved to the env file as version \d+ \(changed MEMOS_AI_DEEPSEEK_API_KEY\)/);
  expect(fs.readFileSync(envFile, 'utf8')).toContain(`MEMOS_AI_DEEPSEEK_API_KEY=${NEW_KEY}`);

  await expect(chat).toHaveAttribute('data-status', 'up', STATUS_CHANGE);
  await expect(chat.getByTestId('ai-key')).toContainText('••••3a21');
  const html = await page.content();
  expect(html).not.toContain(NEW_KEY);
  expect(html).not.toContain(OLD_KEY);
  await page.screenshot({ path: 'test-results/screenshots/config-ai-rotated.png', fullPage: true });
});

test('the Configuration tab shows the change without the secret, reveals it on request, and the audit log has only its name', async ({ page }) => {
  await admin(page);
  await page.goto('/stacks/demo/config');
  const history = page.getByTestId('env-history');
  await expect(history).toContainText('ai-settings');
  await expect(history).toContainText('changed MEMOS_AI_DEEPSEEK_API_KEY');
  await expect(page.getByTestId('compose-view')).toContainText('services:');
  expect(await page.content()).not.toContain(NEW_KEY);

  const row = page.getByTestId('env-row-MEMOS_AI_DEEPSEEK_API_KEY');
  await expect(row.getByLabel('MEMOS_AI_DEEPSEEK_API_KEY')).toHaveValue('');
  await row.getByRole('button', { name: 'Reveal' }).click();
  await expect(row.getByLabel('MEMOS_AI_DEEPSEEK_API_KEY')).toHaveValue(NEW_KEY);

  // A form edit: reviewed (checks and diff, the secret only as "changed"), then saved.
  await page.getByLabel('MEMOS_AI_LLM_MODEL').fill('not-a-listed-model');
  await row.getByLabel('MEMOS_AI_DEEPSEEK_API_KEY').fill('sk-rotated-again-11112222');
  await page.getByRole('button', { name: 'Review changes' }).click();
  const review = page.getByTestId('config-review');
  await expect(review).toContainText('The doctor\'s checks and docker compose config pass');
  await expect(review.getByTestId('config-diff')).toContainText('MEMOS_AI_LLM_MODEL');
  await expect(review.getByTestId('config-diff')).toContainText('changed (secret)');
  expect(await review.innerHTML()).not.toContain('sk-rotated-again-11112222');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('env-history')).toContainText('changed MEMOS_AI_LLM_MODEL, MEMOS_AI_DEEPSEEK_API_KEY');
  await page.getByTestId('env-undo').getByRole('button').click();
  await expect(page.getByTestId('env-history')).toContainText('undo');
  expect(fs.readFileSync(envFile, 'utf8')).toContain(`MEMOS_AI_DEEPSEEK_API_KEY=${NEW_KEY}`);

  await page.goto('/admin/audit');
  await expect(page.locator('body')).toContainText('config.reveal-secret');
  const audit = await page.content();
  for (const secret of [NEW_KEY, OLD_KEY, 'sk-rotated-again-11112222']) expect(audit).not.toContain(secret);
});
