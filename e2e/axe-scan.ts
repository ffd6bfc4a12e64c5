import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The WCAG 2 A/AA rules every page and state is held to (issue 16). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];

/** Scans the page and fails with one readable line per violation: rule, impact, where, and why. */
export async function expectNoViolations(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const lines = violations.map((v) => {
    const where = v.nodes.slice(0, 4).map((n) => {
      // The first check's message says what is wrong there (for contrast: the two colours and the ratio).
      const why = [...n.any, ...n.all, ...n.none][0]?.message ?? '';
      return `${n.target.join(' ')}${why ? ` (${why})` : ''}`;
    });
    const more = v.nodes.length > 4 ? ` … and ${v.nodes.length - 4} more` : '';
    return `- ${v.id} [${v.impact}] ${v.help}: ${where.join(' | ')}${more}`;
  });
  expect(lines, `${what}: ${violations.length} axe violation(s)\n${lines.join('\n')}`).toEqual([]);
}

export async function expectTheme(page: Page, theme: Theme) {
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}
