// Small formatters shared by the status components (client and server).

export { formatBytes } from '@/lib/format/bytes';

// Short unit words per UI language (Intl's "narrow" units differ between runtimes, so they are fixed here).
const UNITS: Record<string, { s: string; min: string; h: string; d: string }> = {
  en: { s: ' s', min: ' min', h: ' h', d: ' d' },
  'zh-CN': { s: ' 秒', min: ' 分钟', h: ' 小时', d: ' 天' },
};

/** "3 s", "4 min", "2 h 5 min", "3 d 4 h" (or the same in the given UI language). */
export function formatDuration(ms: number, locale = 'en'): string {
  const u = UNITS[locale] ?? UNITS.en;
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}${u.s}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}${u.min}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}${u.h} ${m % 60}${u.min}`;
  return `${Math.floor(h / 24)}${u.d} ${h % 24}${u.h}`;
}

export function timeAgo(iso: string | null, now: number, locale = 'en'): string {
  if (!iso) return '—';
  const d = formatDuration(now - Date.parse(iso), locale);
  return locale === 'zh-CN' ? `${d}前` : `${d} ago`;
}

/** Local wall-clock time, with the date when it is not today. */
export function clock(iso: string, now: number, locale?: string): string {
  const d = new Date(iso);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const time = d.toLocaleTimeString(locale ?? [], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return sameDay ? time : `${d.toLocaleDateString(locale ?? [], { month: 'short', day: 'numeric' })} ${time}`;
}

export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
