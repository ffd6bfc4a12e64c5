'use client';

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslations } from 'next-intl';
import type { LogStore } from './log-store';
import { LogRow, ROW_HEIGHT } from './log-row';
import type { Matcher } from './search';

interface Props {
  store: LogStore;
  /** The store's published version: a new value means new lines or a new filter. */
  version: number;
  matcher: Matcher | null;
  sourceName: (source: number) => string;
  sourceColor: (source: number) => string;
  /** Stick to the bottom as lines arrive (not paused). */
  following: boolean;
  /** The user scrolled: true when they are back at the bottom. */
  onUserScroll: (atBottom: boolean) => void;
  selectedId: number | null;
  onSelect: (id: number) => void;
}

const OVERSCAN = 10;

/**
 * A windowed list: only the rows on screen (plus a few) are in the DOM, each at a fixed height,
 * so 50,000 buffered lines cost the same to render as 50.
 */
export function LogRows({ store, version, matcher, sourceName, sourceColor, following, onUserScroll, selectedId, onSelect }: Props) {
  const t = useTranslations('logs');
  const ref = useRef<HTMLDivElement>(null);
  /** Scroll positions we set ourselves, so their scroll events are not read as the user's. */
  const ours = useRef<number | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const count = store.viewCount;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !following) return;
    // From our own numbers, not scrollHeight: reading layout here would force it on every flush.
    const bottom = Math.max(0, count * ROW_HEIGHT - height);
    if (ours.current !== bottom) {
      ours.current = bottom;
      el.scrollTop = bottom;
    }
  }, [version, following, count, height]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= ROW_HEIGHT;
    // While following, our own scrolls (and the browser clamping them) land at the bottom.
    if (following && (atBottom || (ours.current !== null && Math.abs(el.scrollTop - ours.current) <= 1))) return;
    ours.current = null;
    setScrollTop(el.scrollTop);
    onUserScroll(atBottom);
  };

  const perScreen = Math.ceil(height / ROW_HEIGHT) + 1;
  const first = following ? Math.max(0, count - perScreen) : Math.min(Math.floor(scrollTop / ROW_HEIGHT), Math.max(0, count - perScreen));
  const from = Math.max(0, first - OVERSCAN);
  const to = Math.min(count, first + perScreen + OVERSCAN);
  const rows = [];
  for (let i = from; i < to; i++) {
    const line = store.at(i);
    if (!line) continue;
    rows.push(
      <LogRow
        // Keyed by position: while following, rows keep their DOM nodes and only their text changes.
        key={i}
        line={line}
        top={i * ROW_HEIGHT}
        service={sourceName(line.source)}
        color={sourceColor(line.source)}
        matcher={matcher}
        selected={line.id === selectedId}
        onSelect={onSelect}
      />,
    );
  }

  return (
    <div
      ref={ref}
      onScroll={onScroll}
      tabIndex={0}
      role="log"
      aria-live="off"
      aria-label={t('logLines')}
      data-testid="log-scroll"
      className="h-[60vh] min-h-64 overflow-auto rounded-b-lg border border-slate-800 bg-slate-950 font-mono text-xs text-slate-200 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      <div className="relative min-w-full" style={{ height: count * ROW_HEIGHT }}>
        {rows}
      </div>
      {count === 0 && <p className="p-4 text-slate-500">{t('noLines')}</p>}
    </div>
  );
}
