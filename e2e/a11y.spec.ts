import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { E2E_ADMIN, openMenu, signInOk } from './fixtures';
import { CONSOLE_PAGES } from './console-pages';
import { THEMES, expectNoViolations, expectTheme } from './axe-scan';

/**
 * Accessible to people with low vision or a keyboard only (issue 16): the sign-in page and every
 * console page pass an axe-core WCAG 2 A/AA scan, in the dark and in the light theme. Read-only: it
 * signs in as the admin and looks, so the specs after it find the users, stacks and data unchanged.
 */
/**
 * What a page shows only after a click, scanned too (axe skips hidden content). Each is a view
 * change in the browser only: nothing is sent that changes the server's data.
 */
const OPENED: Record<string, (page: Page) => Promise<void>> = {
  // One line's details: its full text in a scrollable <pre>.
  logs: async (page) => {
    await page.getByTestId('log-line').first().click();
    await expect(page.getByTestId('log-details')).toBeVisible();
  },
  // The env file as raw text, the editor's second tab.
  config: async (page) => {
    await page.getByTestId('env-editor').getByRole('tab').nth(1).click();
    await expect(page.getByTestId('env-editor').getByRole('tab').nth(1)).toHaveAttribute('aria-selected', 'true');
  },
};

/** Every collapsed section (the header's menu, settings forms, details) shown, as if each were clicked open. */
async function openAllDetails(page: Page) {
  await page.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  await expect(page.getByTestId('nav-menu')).toBeVisible();
  await expect(page.locator('details:not([open])')).toHaveCount(0);
}

for (const theme of THEMES) {
  test.describe(`WCAG 2 AA, ${theme} theme`, () => {
    test('sign-in page', async ({ browser, baseURL }) => {
      // Nobody is signed in yet, so the menu is not there: the theme cookie it would set is set here.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'opsdeck-theme', value: theme, url: baseURL! }]);
      const page = await context.newPage();
      await page.goto('/signin');
      await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
      await expectTheme(page, theme);
      await expectNoViolations(page, `sign-in (${theme})`);
      await context.close();
    });

    test.describe('console', () => {
      let context: BrowserContext;
      let page: Page;

      test.beforeAll(async ({ browser }) => {
        context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        page = await context.newPage();
        await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
        // The theme is chosen the way a person does it: the header's menu, then its theme switch.
        await openMenu(page);
        const label = theme === 'dark' ? 'Dark' : 'Light';
        await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: label, exact: true }).click();
        await expectTheme(page, theme);
      });
      test.afterAll(async () => {
        await context?.close();
      });

      for (const p of CONSOLE_PAGES) {
        test(p.name, async () => {
          await page.goto(p.path);
          await expect(p.ready(page)).toBeVisible({ timeout: 30_000 });
          await expectTheme(page, theme);
          await expectNoViolations(page, `${p.name} ${p.path} (${theme})`);
          await openAllDetails(page);
          await OPENED[p.name]?.(page);
          await expectNoViolations(page, `${p.name} ${p.path} (${theme}), every section open`);
        });
      }
    });
  });
}
