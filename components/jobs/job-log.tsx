'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { renderSaid } from '@/lib/i18n/said';
import { formatBytes, formatElapsed, formatWhen } from './format';
import { followJob } from './job-stream';

/** Keyed text's key and parameters (lib/i18n/said.ts); absent on rows written before keys. */
type SaidKey = { key?: string; params?: unknown } | null;

export interface JobView {
  id: string;
  title: string;
  titleSaid?: SaidKey;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  summary: string | null;
  summarySaid?: SaidKey;
  errorDetail: string | null;
  progress: { phase: string; key?: string; params?: unknown; bytes?: number; totalBytes?: number; rate?: number; elapsedMs: number } | null;
}

interface Line {
  seq: number;
  at: string;
  type: 'log' | 'step';
  level: 'info' | 'warn' | 'error' | null;
  text: string;
  /** `key` and `params` when the server wrote keyed text (lib/i18n/said.ts); older lines have only `text`. */
  data?: { key?: string; params?: unknown } | null;
}

const STATUS_STYLE: Record<JobView['status'], string> = {
  running: 'bg-sky-900 text-sky-200',
  succeeded: 'bg-emerald-900 text-emerald-200',
  failed: 'bg-rose-900 text-rose-200',
  interrupted: 'bg-amber-900 text-amber-200',
};

/**
 * A job's log, live: replays everything from the start over SSE (so a page reload shows the whole
 * story), then follows, resuming after the last line it got whenever the connection drops (job-stream.ts).
 * Give it the job id (the stream says what the job is), or `initial` when the page already knows.
 * When a job it saw running ends: `onEnd`, or a refresh of the page with `refreshOnEnd`.
 */
export function JobLog({ jobId, initial, onEnd, refreshOnEnd }: { jobId: string; initial?: JobView; onEnd?: (status: JobView['status']) => void; refreshOnEnd?: boolean }) {
  const router = useRouter();
  const t = useTranslations('jobs');
  // Steps, progress and Opsdeck's own lines in the reader's language; the stored English otherwise.
  const ts = useTranslations('server');
  const [meta, setMeta] = useState<JobView | null>(initial ?? null);
  const [lines, setLines] = useState<Line[]>([]);
  const [progress, setProgress] = useState(initial?.progress ?? null);
  const [end, setEnd] = useState<Pick<JobView, 'status' | 'summary' | 'summarySaid' | 'errorDetail' | 'finishedAt'> | null>(initial && initial.status !== 'running' ? initial : null);
  const [now, setNow] = useState(() => Date.now());
  const box = useRef<HTMLOListElement>(null);
  const endHandler = useRef<((status: JobView['status']) => void) | undefined>(undefined);
  useEffect(() => {
    endHandler.current = onEnd ?? (refreshOnEnd ? () => router.refresh() : undefined);
  }, [onEnd, refreshOnEnd, router]);

  useEffect(() => {
    // A job the page knew as running (or just started) counts as watched even if it ends before the stream connects.
    let sawRunning = initial ? initial.status === 'running' : true;
    return followJob(jobId, {
      job: (data) => {
        const job = JSON.parse(data) as JobView;
        if (job.status === 'running') sawRunning = true;
        setMeta(job);
      },
      line: (data) => {
        const line = JSON.parse(data) as Line;
        setLines((all) => (all.length && all[all.length - 1].seq >= line.seq ? all : [...all, line]));
        return line.seq;
      },
      progress: (data) => setProgress(JSON.parse(data)),
      // The session ended while watching (signed out, disabled, demoted): stop instead of reconnecting.
      revoked: (data) => {
        const { message, said } = JSON.parse(data) as { message: string; said?: Line['data'] };
        setLines((all) => [...all, { seq: (all[all.length - 1]?.seq ?? 0) + 1, type: 'log', level: 'error', at: new Date().toISOString(), text: message, data: said ?? null }]);
      },
      end: (data) => {
        const ended = JSON.parse(data) as Pick<JobView, 'status' | 'summary' | 'summarySaid' | 'errorDetail' | 'finishedAt'>;
        setEnd(ended);
        // Only for a job that ended while we watched, not for the replay of an old one.
        if (sawRunning) endHandler.current?.(ended.status);
      },
    });
    // `initial` only seeds the first connection; a new job id is what restarts the stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobId]);

  useEffect(() => {
    if (end) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [end]);

  useEffect(() => {
    box.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [lines.length]);

  if (!meta) return <section data-testid="job-log" data-job={jobId} className="rounded-xl border border-slate-800 bg-slate-900 px-5 py-3 text-sm text-slate-400">{t('loading', { id: jobId })}</section>;
  const job = meta;
  const status = end?.status ?? 'running';
  const finished = end?.finishedAt ?? job.finishedAt;
  const elapsed = (end && finished ? Date.parse(finished) : now) - Date.parse(job.startedAt);
  const pct = progress?.totalBytes && progress.bytes !== undefined ? Math.min(100, Math.round((progress.bytes / progress.totalBytes) * 100)) : null;
  return (
    <section data-testid="job-log" data-job={job.id} data-status={status} className="rounded-xl border border-slate-800 bg-slate-900">
      <header className="flex flex-wrap items-baseline gap-x-3 gap-y-1 border-b border-slate-800 px-3 py-3 sm:px-5">
        <h2 className="font-semibold">
          <span data-testid="job-title">{renderSaid(ts, { ...job.titleSaid, text: job.title })}</span> <span className="text-slate-500">#{job.id}</span>
        </h2>
        <span data-testid="job-status" data-status={status} className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[status]}`}>{t(`status.${status}`)}</span>
        <span className="text-xs text-slate-400">
          {job.startedBy ? t('startedBy', { user: job.startedBy, when: formatWhen(job.startedAt) }) : t('startedByScheduler', { when: formatWhen(job.startedAt) })}
        </span>
      </header>
      {status === 'running' && (
        <div data-testid="job-progress" className="space-y-1 px-3 py-3 text-sm sm:px-5" aria-live="polite">
          <div className="flex flex-wrap gap-x-4">
            <span className="font-medium">{progress ? renderSaid(ts, { ...progress, text: progress.phase }) : t('starting')}</span>
            {progress?.bytes !== undefined && <span>{formatBytes(progress.bytes)}{progress.totalBytes ? ` ${t('of', { total: formatBytes(progress.totalBytes) })}` : ''}</span>}
            {progress?.rate ? <span>{formatBytes(progress.rate)}/s</span> : null}
            <span className="text-slate-400">{t('elapsed', { time: formatElapsed(elapsed) })}</span>
          </div>
          {pct !== null && (
            <div className="h-2 overflow-hidden rounded bg-slate-800" role="progressbar" aria-label={t('progress')} aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
              <div className="h-2 bg-sky-500" style={{ width: `${pct}%` }} />
            </div>
          )}
        </div>
      )}
      {end && end.status !== 'running' && (
        <div data-testid="job-outcome" role={end.status === 'succeeded' ? 'status' : 'alert'} className={`px-3 py-3 text-sm sm:px-5 ${end.status === 'succeeded' ? 'text-emerald-300' : 'text-rose-300'}`}>
          <p data-testid="job-summary">{end.summary === null ? null : renderSaid(ts, { ...end.summarySaid, text: end.summary })}</p>
          <p className="text-xs text-slate-500">{t('took', { time: formatElapsed(elapsed) })}</p>
          {end.errorDetail && (
            <details className="mt-2 text-slate-300">
              <summary className="flex min-h-11 cursor-pointer items-center text-xs text-slate-400">{t('detail')}</summary>
              <pre role="region" tabIndex={0} aria-label={t('detail')} className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-2 text-xs">{end.errorDetail}</pre>
            </details>
          )}
        </div>
      )}
      <ol ref={box} tabIndex={0} aria-label={t('lines')} className="max-h-80 overflow-auto whitespace-pre-wrap break-words border-t border-slate-800 px-3 py-2 font-mono text-xs leading-relaxed sm:px-5">
        {lines.map((l) => (
          <li key={l.seq} className={l.type === 'step' ? 'mt-1 font-semibold text-sky-300' : l.level === 'error' ? 'text-rose-300' : l.level === 'warn' ? 'text-amber-300' : 'text-slate-300'}>
            <span className="mr-2 text-slate-500">{l.at.slice(11, 19)}</span>
            {l.type === 'step' ? '▸ ' : ''}
            {renderSaid(ts, { ...l.data, text: l.text })}
          </li>
        ))}
      </ol>
    </section>
  );
}
