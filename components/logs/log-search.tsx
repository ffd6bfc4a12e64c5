'use client';

import { useTranslations } from 'next-intl';
import type { SearchOptions } from './search';
import { LEVELS } from './wire';

interface Props {
  search: SearchOptions;
  onSearch: (s: SearchOptions) => void;
  error: string | null;
  onlyMatches: boolean;
  onOnlyMatches: (v: boolean) => void;
  minLevel: number | null;
  onMinLevel: (v: number | null) => void;
  matchCount: number | null;
}

/** Search as you type (substring or regex, case toggle), filter to matches, JSON level filter. */
export function LogSearch({ search, onSearch, error, onlyMatches, onOnlyMatches, minLevel, onMinLevel, matchCount }: Props) {
  const t = useTranslations('logs.controls');
  return (
    <div className="flex flex-wrap items-start gap-x-4 gap-y-2 text-sm">
      <div className="min-w-64 flex-1">
        <input
          type="search"
          aria-label={t('search')}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'log-search-error' : undefined}
          placeholder={search.regex ? t('regexPlaceholder') : t('textPlaceholder')}
          value={search.query}
          onChange={(e) => onSearch({ ...search, query: e.target.value })}
          className={`w-full rounded-md border bg-slate-950 px-3 py-1.5 font-mono text-sm ${error ? 'border-rose-500' : 'border-slate-700'}`}
        />
        {error && (
          <p id="log-search-error" role="alert" className="mt-1 text-xs text-rose-300">
            {error}
          </p>
        )}
      </div>
      <label className="flex items-center gap-1.5 py-1.5">
        <input type="checkbox" checked={search.regex} onChange={(e) => onSearch({ ...search, regex: e.target.checked })} />
        {t('regex')}
      </label>
      <label className="flex items-center gap-1.5 py-1.5">
        <input type="checkbox" checked={search.caseSensitive} onChange={(e) => onSearch({ ...search, caseSensitive: e.target.checked })} />
        {t('matchCase')}
      </label>
      <label className="flex items-center gap-1.5 py-1.5">
        <input type="checkbox" checked={onlyMatches} onChange={(e) => onOnlyMatches(e.target.checked)} />
        {t('onlyMatching')}
      </label>
      <label className="flex items-center gap-1.5 py-1">
        {t('level')}
        <select
          aria-label={t('minimumLevel')}
          value={minLevel ?? ''}
          onChange={(e) => onMinLevel(e.target.value === '' ? null : Number(e.target.value))}
          className="rounded-md border border-slate-700 bg-slate-950 px-2 py-1"
          title={t('levelHint')}
        >
          <option value="">{t('allLines')}</option>
          {LEVELS.slice(1).map((l) => (
            <option key={l.code} value={l.rank}>
              {t('andAbove', { level: l.name })}
            </option>
          ))}
        </select>
      </label>
      {matchCount !== null && (
        <span data-testid="match-count" className="py-1.5 text-slate-300">
          {t(matchCount === 1 ? 'matchOne' : 'matchOther', { count: matchCount })}
        </span>
      )}
    </div>
  );
}
