'use client';

import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { renderSaid } from '@/lib/i18n/said';
import { LogConnection, type ConnectionStatus, type StopReason } from './connection';
import { LogDetails } from './log-details';
import { LogRows } from './log-rows';
import { LogSearch } from './log-search';
import { LogSourceBar } from './log-source-bar';
import type { LogSelection } from './selection';
import { LogStore, MAX_LINES } from './log-store';
import { compileSearch, type SearchOptions } from './search';

// Service colours as light-dark() pairs: dark text shades on the light theme, light ones on the dark.
const PALETTE = [
  ['#0369a1', '#38bdf8'],
  ['#6d28d9', '#a78bfa'],
  ['#047857', '#34d399'],
  ['#b45309', '#fbbf24'],
  ['#be185d', '#f472b6'],
  ['#c2410c', '#fb923c'],
  ['#0f766e', '#2dd4bf'],
  ['#7e22ce', '#c084fc'],
].map(([light, dark]) => `light-dark(${light}, ${dark})`);

function selectionQuery(s: LogSelection, download: boolean): string {
  const p = new URLSearchParams();
  for (const svc of s.services) p.append('service', svc);
  if (s.since) p.set('since', s.since);
  else if (!download) p.set('tail', String(s.tail));
  if (s.until) p.set('until', s.until);
  if (download) p.set('timestamps', '1');
  return p.toString();
}


export function LogViewer({ stack, services, initial }: { stack: string; services: string[]; initial: LogSelection }) {
  const [store] = useState(() => new LogStore());
  const version = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const [selection, setSelection] = useState(initial);
  const [sources, setSources] = useState<string[]>([]);
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'connecting' });
  const [search, setSearch] = useState<SearchOptions>({ query: '', regex: false, caseSensitive: false });
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [minLevel, setMinLevel] = useState<number | null>(null);
  const [pausedBy, setPausedBy] = useState<'user' | 'scroll' | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  // On a phone the source and search controls live in a drawer, closed by default; wider screens always show them.
  const [drawer, setDrawer] = useState(false);
  const t = useTranslations('logs');
  const ts = useTranslations('server');
  const locale = useLocale();
  const stopText = (r: StopReason) =>
    'text' in r ? (r.said ? renderSaid(ts, { ...r.said, text: r.text }) : r.text) : 'httpStatus' in r ? t('serverAnswered', { status: String(r.httpStatus) }) : t('connectionClosed');
  const n = (v: number) => v.toLocaleString(locale);

  const compiled = useMemo(() => compileSearch(search), [search]);
  const matcher = compiled.ok ? compiled.matcher : null;
  const base = `/api/stacks/${encodeURIComponent(stack)}/logs`;
  const streamQuery = selectionQuery(selection, false);

  useEffect(() => {
    store.reset();
    const conn = new LogConnection(`${base}?${streamQuery}`, {
      onMeta: setSources,
      onLines: (lines) => store.add(lines),
      onStatus: setStatus,
    });
    conn.start();
    return () => conn.stop();
  }, [store, base, streamQuery]);

  useEffect(() => store.setFilter({ matcher, onlyMatches, minLevel }), [store, matcher, onlyMatches, minLevel]);
  useEffect(() => store.setPaused(pausedBy !== null), [store, pausedBy]);

  const colorOf = useCallback((svc: string) => {
    const i = services.indexOf(svc);
    return PALETTE[(i < 0 ? services.length : i) % PALETTE.length];
  }, [services]);
  const sourceName = useCallback((i: number) => sources[i] ?? '?', [sources]);
  const sourceColor = useCallback((i: number) => colorOf(sources[i] ?? ''), [colorOf, sources]);
  const onUserScroll = useCallback((atBottom: boolean) => {
    setPausedBy((p) => (atBottom ? (p === 'scroll' ? null : p) : (p ?? 'scroll')));
  }, []);

  const paused = pausedBy !== null;
  const selected = selectedId === null ? undefined : store.byId(selectedId);

  return (
    <div
      className="space-y-3"
      data-testid="log-viewer"
      data-version={version}
      data-received={store.received}
      data-kept={store.size}
      data-evicted={store.evicted}
      data-pending={store.pending.length}
      data-skipped={store.skipped}
    >
      <button type="button" aria-expanded={drawer} aria-controls="log-controls" onClick={() => setDrawer(!drawer)} className="min-h-11 w-full rounded-md border border-slate-700 px-3 text-sm hover:bg-slate-800 sm:hidden">
        {drawer ? t('hideControls') : t('showControls')}
      </button>
      <div id="log-controls" className={`${drawer ? 'block' : 'hidden'} space-y-3 sm:block`}>
      <LogSourceBar services={services} colorOf={colorOf} selection={selection} onChange={setSelection} downloadHref={`${base}/download?${selectionQuery(selection, true)}`} />
      <LogSearch
        search={search}
        onSearch={setSearch}
        error={compiled.ok ? null : compiled.error}
        onlyMatches={onlyMatches}
        onOnlyMatches={setOnlyMatches}
        minLevel={minLevel}
        onMinLevel={setMinLevel}
        matchCount={matcher || minLevel !== null ? store.matchCount : null}
      />
      </div>
      <div>
        <div className="flex flex-wrap items-center gap-3 rounded-t-lg border border-b-0 border-slate-800 bg-slate-900 px-3 py-1.5 text-xs">
          <span data-testid="log-status" data-state={status.state} className={status.state === 'live' ? 'text-emerald-300' : status.state === 'failed' ? 'text-rose-300' : 'text-slate-300'}>
            <span aria-hidden>●</span> {t(`state.${status.state}`)}
          </span>
          {status.state === 'failed' && <span role="alert" className="text-rose-300">{stopText(status.reason)}</span>}
          {status.state === 'reconnecting' && <span className="text-slate-400">{t('resuming', { reason: stopText(status.reason) })}</span>}
          <button type="button" onClick={() => setPausedBy(paused ? null : 'user')} className="min-h-11 rounded-md border border-slate-600 px-3 hover:bg-slate-800 sm:min-h-0 sm:py-0.5">
            {paused ? t('resume') : t('pause')}
          </button>
          {paused && (
            <span data-testid="paused-count" className="text-amber-200">
              {pausedBy === 'scroll' ? t('pausedScroll') : t('paused')} · {t('newLines', { count: n(store.arrivedWhilePaused) })}
              {store.skipped > 0 && ` ${t('skipped', { count: n(store.skipped), max: n(MAX_LINES) })}`}
            </span>
          )}
          <span className="ml-auto text-slate-500">
            {t('received', { received: n(store.received), kept: n(store.size) })}
            {store.evicted > 0 && ` · ${t('dropped', { count: n(store.evicted) })}`}
          </span>
        </div>
        <LogRows
          store={store}
          version={version}
          matcher={matcher}
          sourceName={sourceName}
          sourceColor={sourceColor}
          following={!paused}
          onUserScroll={onUserScroll}
          selectedId={selectedId}
          onSelect={setSelectedId}
        />
      </div>
      {selected && <LogDetails line={selected} service={sourceName(selected.source)} matcher={matcher} onClose={() => setSelectedId(null)} />}
    </div>
  );
}
