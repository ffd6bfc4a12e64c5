'use client';

import { useEffect, useRef, useState } from 'react';

interface JobEventView {
  seq: number;
  at: string;
  type: 'log' | 'step' | 'end';
  level: 'info' | 'warn' | 'error' | null;
  text: string;
}

interface JobState {
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  progress: { phase: string; bytes?: number; totalBytes?: number; rate?: number; elapsedMs: number } | null;
  summary: string | null;
  errorDetail: string | null;
}

const LEVEL: Record<string, string> = { error: 'text-rose-300', warn: 'text-amber-300', info: 'text-slate-200' };
const STATUS: Record<string, string> = { running: 'text-sky-300', succeeded: 'text-emerald-300', failed: 'text-rose-300', interrupted: 'text-amber-300' };

function mib(n?: number) {
  return n === undefined ? '' : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** Follows one job over SSE; the browser's EventSource resumes with Last-Event-ID by itself. */
export function JobLog({ jobId, onEnd }: { jobId: string; onEnd?: (status: string) => void }) {
  const [events, setEvents] = useState<JobEventView[]>([]);
  const [job, setJob] = useState<JobState | null>(null);
  const endRef = useRef(onEnd);
  useEffect(() => {
    endRef.current = onEnd;
  }, [onEnd]);

  useEffect(() => {
    const src = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events`);
    const add = (e: MessageEvent) => setEvents((prev) => [...prev.slice(-1999), JSON.parse(e.data) as JobEventView]);
    src.addEventListener('log', add);
    src.addEventListener('step', add);
    src.addEventListener('job', (e) => setJob(JSON.parse((e as MessageEvent).data) as JobState));
    src.addEventListener('end', (e) => {
      add(e as MessageEvent);
      src.close();
      endRef.current?.((JSON.parse((e as MessageEvent).data) as { data?: { status?: string } }).data?.status ?? 'ended');
    });
    return () => src.close();
  }, [jobId]);

  const p = job?.progress;
  return (
    <section data-testid="job-log" className="rounded-xl border border-slate-800 bg-slate-950 p-4">
      <header className="mb-2 flex flex-wrap items-baseline gap-3 text-sm">
        <span className="font-semibold">Job #{jobId}</span>
        <span data-testid="job-status" className={STATUS[job?.status ?? 'running']}>{job?.status ?? 'connecting…'}</span>
        {p && job?.status === 'running' && (
          <span className="text-slate-400">
            {p.phase} {p.bytes !== undefined && `· ${mib(p.bytes)}${p.totalBytes ? ` of ${mib(p.totalBytes)}` : ''}`} {p.rate ? `· ${mib(p.rate)}/s` : ''} · {Math.round(p.elapsedMs / 1000)} s
          </span>
        )}
      </header>
      {job?.summary && job.status !== 'running' && <p className={`mb-2 text-sm ${STATUS[job.status]}`}>{job.summary}</p>}
      {job?.errorDetail && (
        <details className="mb-2 text-xs text-slate-400">
          <summary className="cursor-pointer">Technical detail</summary>
          <pre className="whitespace-pre-wrap">{job.errorDetail}</pre>
        </details>
      )}
      <ol className="max-h-96 overflow-auto font-mono text-xs leading-5">
        {events.map((e) => (
          <li key={e.seq} className={e.type === 'step' ? 'mt-1 font-semibold text-sky-300' : LEVEL[e.level ?? 'info']}>
            <span className="mr-2 text-slate-500">{e.at.slice(11, 19)}</span>
            {e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
