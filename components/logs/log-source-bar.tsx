'use client';

import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { TAILS, type LogSelection } from './selection';

/** "2024-05-01T12:00:00.000Z" → the datetime-local value in the browser's zone, and back. */
const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};
const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : null);

interface Props {
  services: string[];
  colorOf: (service: string) => string;
  selection: LogSelection;
  onChange: (s: LogSelection) => void;
  downloadHref: string;
}

/** Which services, how many lines back, which time range; and the download of that selection. */
export function LogSourceBar({ services, colorOf, selection, onChange, downloadHref }: Props) {
  const [since, setSince] = useState(toLocalInput(selection.since));
  const [until, setUntil] = useState(toLocalInput(selection.until));
  const all = selection.services.length === 0;
  const t = useTranslations('logs.controls');
  const toggle = (svc: string, on: boolean) => {
    const current = all ? services : selection.services;
    const next = on ? [...current, svc] : current.filter((s) => s !== svc);
    if (next.length === 0) return; // at least one service
    onChange({ ...selection, services: next.length === services.length ? [] : services.filter((s) => next.includes(s)) });
  };
  return (
    <div className="flex flex-wrap items-center gap-x-5 gap-y-2 text-sm">
      <fieldset className="flex flex-wrap items-center gap-3">
        <legend className="sr-only">{t('services')}</legend>
        {services.map((svc) => (
          <label key={svc} className="flex items-center gap-1.5">
            <input type="checkbox" checked={all || selection.services.includes(svc)} onChange={(e) => toggle(svc, e.target.checked)} />
            <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ backgroundColor: colorOf(svc) }} aria-hidden />
            {svc}
          </label>
        ))}
      </fieldset>
      <label className="flex items-center gap-1.5">
        {t('last')}
        <select
          aria-label={t('linesToLoad')}
          value={selection.tail}
          onChange={(e) => onChange({ ...selection, tail: Number(e.target.value) })}
          className="rounded-md border border-slate-700 bg-slate-950 px-2 py-1"
        >
          {TAILS.map((n) => (
            <option key={n} value={n}>
              {t('lines', { count: n })}
            </option>
          ))}
        </select>
      </label>
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          onChange({ ...selection, since: fromLocalInput(since), until: fromLocalInput(until) });
        }}
      >
        <label className="flex items-center gap-1.5">
          {t('since')}
          <input type="datetime-local" step={1} aria-label={t('since')} value={since} onChange={(e) => setSince(e.target.value)} className="rounded-md border border-slate-700 bg-slate-950 px-2 py-0.5" />
        </label>
        <label className="flex items-center gap-1.5">
          {t('until')}
          <input type="datetime-local" step={1} aria-label={t('until')} value={until} onChange={(e) => setUntil(e.target.value)} className="rounded-md border border-slate-700 bg-slate-950 px-2 py-0.5" />
        </label>
        <button type="submit" className="rounded-md border border-slate-600 px-2 py-0.5 hover:bg-slate-800">
          {t('apply')}
        </button>
        {(selection.since || selection.until) && (
          <button
            type="button"
            className="rounded-md px-2 py-0.5 text-slate-400 hover:text-slate-50"
            onClick={() => {
              setSince('');
              setUntil('');
              onChange({ ...selection, since: null, until: null });
            }}
          >
            {t('clear')}
          </button>
        )}
      </form>
      <a href={downloadHref} download className="ml-auto flex min-h-11 items-center rounded-md border border-slate-600 px-3 py-1 hover:bg-slate-800 sm:min-h-0" data-testid="log-download">
        {t('download')}
      </a>
    </div>
  );
}
