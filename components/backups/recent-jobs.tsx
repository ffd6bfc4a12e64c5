import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { formatWhen } from '@/components/jobs/format';
import type { Job } from '@/lib/jobs';
import { renderSaid } from '@/lib/i18n/said';

const COLOR: Record<Job['status'], string> = { running: 'text-sky-300', succeeded: 'text-emerald-300', failed: 'text-rose-300', interrupted: 'text-amber-300' };

/** The stack's recent jobs; each links to its log. */
export function RecentJobs({ stack, jobs, shown }: { stack: string; jobs: Job[]; shown: string | null }) {
  const t = useTranslations('backups');
  const tj = useTranslations('jobs');
  // Titles and summaries in the reader's language; the stored English for rows written before keys.
  const ts = useTranslations('server');
  if (jobs.length === 0) return null;
  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <h2 className="mb-2 font-semibold">{t('jobs.title')}</h2>
      <ul data-testid="recent-jobs" className="divide-y divide-slate-800 text-sm">
        {jobs.map((j) => {
          const summary = j.summary === null ? null : renderSaid(ts, { ...j.summarySaid, text: j.summary });
          return (
            <li key={j.id} className="flex flex-wrap gap-x-3 py-1.5">
              <Link href={`/stacks/${encodeURIComponent(stack)}/backups?job=${j.id}`} className={`hover:underline ${j.id === shown ? 'font-semibold' : ''}`}>
                #{j.id} {renderSaid(ts, { ...j.titleSaid, text: j.title })}
              </Link>
              <span className={COLOR[j.status]}>{tj(`status.${j.status}`)}</span>
              <span className="text-slate-500">{t('jobs.by', { when: formatWhen(j.startedAt), user: j.startedBy ?? t('jobs.scheduler') })}</span>
              {summary && <span className="w-full truncate text-xs text-slate-400" title={summary}>{summary}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
