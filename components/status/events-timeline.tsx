'use client';

import { useLocale, useTranslations } from 'next-intl';
import type { TimelineEvent } from '@/lib/status/types';
import { clock, timeAgo } from './format';

const DOT: Record<TimelineEvent['severity'], string> = { info: 'bg-slate-500', warning: 'bg-amber-400', error: 'bg-rose-500' };

/** What happened to the stack's containers, newest first, as recorded from the engine's events. */
export function EventsTimeline({ events, now }: { events: TimelineEvent[]; now: number }) {
  const t = useTranslations('status');
  const locale = useLocale();
  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-4" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="mb-2 font-semibold">{t('events')}</h2>
      {events.length === 0 ? (
        <p className="text-sm text-slate-400">{t('noEvents7d')}</p>
      ) : (
        <ol className="max-h-96 space-y-1 overflow-y-auto text-sm" data-testid="timeline" tabIndex={0} aria-label={t('events')}>
          {events.map((e) => (
            <li key={e.id} className="flex items-baseline gap-2" data-action={e.action} data-service={e.service ?? ''}>
              <span className={`inline-block h-2 w-2 shrink-0 rounded-full ${DOT[e.severity]}`} role="img" aria-label={t(`severity.${e.severity}`)} />
              <time dateTime={e.at} title={timeAgo(e.at, now, locale)} className="w-32 shrink-0 font-mono text-xs text-slate-400">
                {clock(e.at, now, locale)}
              </time>
              <span className={`min-w-0 break-words ${e.severity === 'error' ? 'text-rose-300' : 'text-slate-200'}`}>{e.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
