import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export const STATE_FILE = path.resolve(`.cache/e2e-state-${process.env.E2E_PORT ?? 3210}.json`);
export const E2E_ADMIN = { username: 'admin', password: 'e2e-admin-password-123' };

export interface E2EState {
  pid: number;
  dataDir: string;
  logFile: string;
  projectName: string;
  composeFile: string;
  envFile: string;
  dir: string;
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signInOk(page: Page, username: string, password: string) {
  await signIn(page, username, password);
  await expect(page.getByTestId('whoami')).toContainText(username);
}

/** The header's menu (account links, theme, language, Sign out) is closed until opened. */
export async function openMenu(page: Page) {
  await page.getByTestId('nav-menu').click();
}
