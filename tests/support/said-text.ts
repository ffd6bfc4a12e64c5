/**
 * The checks the keyed-text tests share (issue 16): a Chinese rendering is Chinese characters with
 * no ICU placeholder left unfilled, and a keyed text keeps the English the code wrote before keys.
 */
import { expect } from 'vitest';
import type { Said } from '@/lib/i18n/said';
import { sayIn } from '@/lib/i18n/server-text';

export function expectChinese(text: string): void {
  expect(text).toMatch(/[\u4e00-\u9fff]/);
  expect(text).not.toMatch(/\{\w+\}/);
}

/** Each keyed text reads exactly its English, and renders in Chinese. */
export function expectKeyedTexts(pairs: readonly (readonly [Said, string])[]): void {
  for (const [said, text] of pairs) {
    expect(said.text).toBe(text);
    expectChinese(sayIn('zh-CN', said));
  }
}
