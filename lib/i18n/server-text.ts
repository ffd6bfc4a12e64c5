/**
 * Keyed server text (said.ts) made and rendered on the server: `say` builds it with its English
 * rendering, `sayIn` renders it in a given language (a webhook's, a request's). The messages are
 * the same files the UI uses (messages/<locale>/server.json), through next-intl's translator.
 */
import { createTranslator } from 'next-intl';
import en from '@/messages/en/server.json';
import zhCN from '@/messages/zh-CN/server.json';
import { DEFAULT_LOCALE, type Locale } from './locales';
import { renderSaid, type Said, type SaidParams, type ServerTranslator } from './said';

const MESSAGES: Record<Locale, Record<string, unknown>> = { en, 'zh-CN': zhCN };
const translators = new Map<Locale, ServerTranslator>();

export function serverTranslator(locale: Locale): ServerTranslator {
  let t = translators.get(locale);
  if (!t) {
    const tr = createTranslator({ locale, messages: { server: MESSAGES[locale] }, namespace: 'server', onError: () => {} });
    t = Object.assign((key: string, values?: Record<string, string>) => tr(key as never, values as never), { has: (key: string) => tr.has(key as never) });
    translators.set(locale, t);
  }
  return t;
}

/**
 * Keyed text with its English. The key must be a literal `say('group.name', …)`: the messages
 * parity test finds these calls and fails when a key is missing in either language.
 */
export function say(key: string, params?: SaidParams): Said {
  const said: Said = { key, text: '', ...(params ? { params } : {}) };
  said.text = renderSaid(serverTranslator(DEFAULT_LOCALE), { ...said, text: key });
  return said;
}

/** The text in `locale` (English when the key or the language has no message). */
export function sayIn(locale: Locale, said: Said | { key?: unknown; params?: unknown; text: string }): string {
  return renderSaid(serverTranslator(locale), said);
}
