'use client';

import { useEffect, useState } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { renderSaid, type Said } from '@/lib/i18n/said';
import type { DatabaseStatus } from '@/lib/postgres/check';
import type { LiveMessage } from '@/lib/status/live-stream';
import type { AppProbe, StatusInitial } from '@/lib/status/types';
import { EventsTimeline } from './events-timeline';
import { LifecycleControls } from './lifecycle-controls';
import { PostgresPanel } from './postgres-panel';
import { ServiceCard } from './service-card';
import { SwarmPanel } from './swarm-panel';
import { useNow } from './use-now';

const WINDOW_MS = 15 * 60_000;


type Link = 'connecting' | 'live' | 'reconnecting' | 'closed';


/**
 * The live status page body. The server renders the first state; this keeps it current from the
 * status stream (Server-Sent Events), replacing the whole status on each change the engine
 * reports and appending chart samples, without reloading the page.
 */
export function StatusView({ stack, initial, canOperate, canAdmin = false }: { stack: string; initial: StatusInitial; canOperate: boolean; canAdmin?: boolean }) {
  const [status, setStatus] = useState(initial.status);
  const [usage, setUsage] = useState(initial.usage);
  const [events, setEvents] = useState(initial.events);
  const [database, setDatabase] = useState<DatabaseStatus | null>(null);
  const [probe, setProbe] = useState<AppProbe | null>(null);
  const [engine, setEngine] = useState<{ connected: boolean; message?: string; said?: Said }>({ connected: true });
  const [link, setLink] = useState<Link>('connecting');
  const now = useNow(5000);
  const t = useTranslations('status');
  const ts = useTranslations('server');
  const locale = useLocale();

  useEffect(() => {
    const source = new EventSource(`/api/stacks/${encodeURIComponent(stack)}/status`);
    source.onopen = () => setLink('live');
    source.onerror = () => setLink(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    source.onmessage = (e: MessageEvent<string>) => {
      const m = JSON.parse(e.data) as LiveMessage;
      switch (m.type) {
        case 'status':
          setStatus(m.status);
          // A compose status carries a fresh probe. A Swarm one from the manager's watcher carries none:
          // the sampler's last probe stays until the next.
          setProbe((prev) => (m.status.swarm ? (m.status.services.find((s) => s.probe)?.probe ?? prev) : null));
          break;
        case 'history':
          setUsage(m.usage);
          break;
        case 'usage':
          setUsage((prev) => {
            const next = { ...prev };
            const cutoff = Date.now() - WINDOW_MS;
            for (const { containerId, point } of m.points) next[containerId] = [...(next[containerId] ?? []).filter((p) => p.at >= cutoff), point];
            return next;
          });
          break;
        case 'event':
          setEvents((prev) => (prev.some((x) => x.id === m.event.id) ? prev : [m.event, ...prev].slice(0, 200)));
          break;
        case 'timeline':
          setEvents(m.events);
          break;
        case 'probe':
          setProbe(m.probe);
          break;
        case 'database':
          setDatabase(m.database);
          break;
        case 'engine':
          setEngine({ connected: m.connected, message: m.message, said: m.said });
          break;
      }
    };
    return () => source.close();
  }, [stack]);

  return (
    <div className="space-y-4" data-testid="status-view" data-link={link}>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className={`inline-flex items-center gap-1 ${link === 'live' ? 'text-emerald-300' : 'text-amber-300'}`} role="status" data-testid="live">
          <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${link === 'live' ? 'bg-emerald-400' : 'bg-amber-400'}`} />
          {t(`link.${link}`)}
        </span>
        <span className="text-xs text-slate-500">{t('asOf', { time: new Date(status.at).toLocaleTimeString(locale) })}</span>
        {status.swarm ? null : canOperate ? (
          <div className="flex flex-wrap items-center gap-2 sm:ml-auto">
            <span className="text-xs text-slate-400">{t('wholeStack')}</span>
            <LifecycleControls stack={stack} />
          </div>
        ) : (
          <span className="text-xs text-slate-500 sm:ml-auto">{t('needOperator')}</span>
        )}
      </div>
      {!engine.connected && engine.message && (
        <p role="alert" className="rounded-md border border-amber-700 bg-amber-950/40 p-3 text-sm text-amber-100">
          {t('noEvents', { message: engine.said ? renderSaid(ts, engine.said) : engine.message })}
        </p>
      )}
      {status.error && (
        <p role="alert" className="rounded-md border border-rose-700 bg-rose-950/40 p-3 text-sm text-rose-100">{status.errorSaid ? renderSaid(ts, status.errorSaid) : status.error}</p>
      )}
      {/* A Swarm stack has tasks on nodes, not containers here: its own tables and node/scale controls. */}
      {status.swarm ? (
        <SwarmPanel stack={stack} swarm={status.swarm} probe={probe ?? status.services.find((s) => s.probe)?.probe ?? null} canOperate={canOperate} canAdmin={canAdmin} />
      ) : (
        // grid-cols-1 (minmax(0, 1fr)): a long container name or port list wraps instead of widening the column past the phone.
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          {status.services.map((s) => (
            <ServiceCard key={s.name} stack={stack} service={s} probe={s.role === 'app' ? (probe ?? s.probe) : null} usage={usage} now={now} canOperate={canOperate} />
          ))}
        </div>
      )}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <EventsTimeline events={events} now={now} />
        <PostgresPanel db={database} />
      </div>
    </div>
  );
}
