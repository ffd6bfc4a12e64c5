/**
 * Helpers for the phone e2e (e2e/phone.spec.ts): the product's messages per language, the
 * horizontal-scroll measurement, the 44 px touch-target check and the screenshots attached to the
 * test output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

export const PHONES = [
  { width: 360, height: 780 },
  { width: 390, height: 844 },
] as const;
export const DESKTOP = { width: 1280, height: 900 };
/** WCAG 2.5.5's target size; half a pixel of slack for sub-pixel layout. */
const MIN_TARGET = 43.5;

type Tree = { [k: string]: string | Tree };

/** One language's messages, read from the same files the app loads (messages/<locale>/<feature>.json). */
export function messages(locale: 'en' | 'zh-CN') {
  const dir = path.resolve('messages', locale);
  const all: Record<string, Tree> = {};
  for (const f of fs.readdirSync(dir)) all[f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Tree;
  return (key: string): string => {
    const value = key.split('.').reduce<string | Tree | undefined>((node, k) => (typeof node === 'object' ? node[k] : undefined), all);
    if (typeof value !== 'string') throw new Error(`no message ${key} in ${locale}`);
    return value;
  };
}

/**
 * How far the page scrolls sideways, and (only when it does) the elements that stick out past the
 * right edge without an ancestor that clips or scrolls them, to say what to fix.
 */
export async function sidewaysScroll(page: Page): Promise<{ extra: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const extra = root.scrollWidth - root.clientWidth;
    if (extra <= 0) return { extra, culprits: [] };
    const edge = root.clientWidth + 0.5;
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= edge) return true;
      }
      return false;
    };
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > edge && !clipped(el))
      // The innermost ones: an element whose child already sticks out is not the cause.
      .filter((el, _, all) => !all.some((o) => o !== el && el.contains(o)))
      .slice(0, 6)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> right=${Math.round(el.getBoundingClientRect().right)} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
    return { extra, culprits };
  });
}

export async function expectNoSidewaysScroll(page: Page, what: string) {
  const { extra, culprits } = await sidewaysScroll(page);
  expect.soft(extra, `${what} scrolls ${extra} px sideways; sticking out: ${culprits.join(' | ')}`).toBeLessThanOrEqual(0);
}

/** Visible, and at least 44 px tall (a thumb can hit it). */
export async function expectTappable(target: Locator, what: string) {
  await expect(target, what).toBeVisible();
  const box = await target.boundingBox();
  expect.soft(box?.height ?? 0, `${what} is ${box?.height} px tall`).toBeGreaterThanOrEqual(MIN_TARGET);
}

/** A screenshot of what is on screen, kept in the test's output folder and attached to its report. */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}
