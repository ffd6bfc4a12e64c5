import type { Locale } from '@/lib/i18n/locales';

/**
 * Messages are split per feature (messages/<locale>/<feature>.json) so parallel work merges
 * cleanly; each file is one top-level namespace here. A new feature adds its name to this list.
 */
export const FEATURES = ['common', 'nav', 'signin', 'stack', 'status', 'logs', 'backups', 'jobs', 'account', 'admin', 'ai', 'config', 'pitr', 'deploy', 'notify', 'server'] as const;

export async function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  const entries = await Promise.all(FEATURES.map(async (f) => [f, (await import(`../messages/${locale}/${f}.json`)).default] as const));
  return Object.fromEntries(entries);
}
