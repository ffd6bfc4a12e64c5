'use client';

import { useLocale, useTranslations } from 'next-intl';
import { renderSaid } from '@/lib/i18n/said';
import { StateBadge } from '@/components/stacks/state-badge';
import type { AppProbe, InstanceStatus, ServiceStatus, UsagePoint } from '@/lib/status/types';
import { formatDuration, shortId, timeAgo } from './format';
import { LifecycleControls } from './lifecycle-controls';
import { UsageChart } from './usage-chart';

const HEALTH: Record<string, string> = {
  healthy: 'border-emerald-700 text-emerald-300',
  unhealthy: 'border-rose-700 text-rose-300',
  starting: 'border-sky-700 text-sky-300',
  none: 'border-slate-700 text-slate-400',
};

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="flex gap-2" data-testid={testId}>
      <dt className="w-24 shrink-0 text-slate-500 sm:w-28">{label}</dt>
      <dd className="min-w-0 break-words text-slate-200">{children}</dd>
    </div>
  );
}

function Instance({ i, now, endpoint }: { i: InstanceStatus; now: number; endpoint: string | null }) {
  const running = i.state === 'running' || i.state === 'restarting';
  const t = useTranslations('status.card');
  const locale = useLocale();
  const ago = (iso: string | null) => timeAgo(iso, now, locale);
  const failing = i.failingStreak > 0 ? i.healthLog.filter((l) => l.exitCode !== 0).at(-1) : undefined;
  return (
    <dl className="space-y-1 text-sm" data-testid={`instance-${i.name}`}>
      <Row label={t('container')}>
        <code className="break-all text-xs">{i.name}</code> <span className="text-slate-500">({i.state})</span>
      </Row>
      <Row label={running ? t('uptime') : t('stopped')} testId="uptime">
        {running ? (i.startedAt ? formatDuration(now - Date.parse(i.startedAt), locale) : '—') : ago(i.finishedAt)}
      </Row>
      <Row label={t('restarts')}>{i.restartCount}</Row>
      <Row label={t('lastExit')} testId="last-exit">
        {i.exitCode === null ? t('neverExited') : t('exitCode', { code: i.exitCode }) + (i.finishedAt ? `, ${ago(i.finishedAt)}` : '')}
        {i.oomKilled && <span className="ml-2 rounded bg-rose-900 px-1 text-xs text-rose-200">{t('oomKilled')}</span>}
      </Row>
      <Row label={t('image')}>
        <code className="break-all text-xs">{i.image.ref}</code>
        <span className="block text-xs text-slate-500" title={i.image.digest ?? i.image.id}>
          {i.image.digest ? t('digest', { digest: `${i.image.digest.split('@').pop()?.slice(0, 19)}…` }) : t('localImage', { id: shortId(i.image.id) })}
        </span>
      </Row>
      <Row label={t('network')}>
        {i.networkMode === 'host'
          ? endpoint
            ? t('hostNetworkOn', { endpoint: endpoint.replace(/ \(host network.*\)$/, '') })
            : t('hostNetwork')
          : i.ports.length
            ? i.ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}→${p.containerPort}`).join(', ')
            : t('noPorts', { mode: i.networkMode })}
      </Row>
      {failing && (
        <Row label={t('healthCheck')}>
          <span className="text-rose-300">
            {t('healthFailed', { count: i.failingStreak, code: failing.exitCode })}
            {failing.output ? `: ${failing.output.slice(0, 200)}` : ''}
          </span>
        </Row>
      )}
      {i.error && <Row label={t('dockerError')}><span className="text-rose-300">{i.error}</span></Row>}
    </dl>
  );
}

/** What the app answered at its health URL (also under a Swarm stack's services table). */
export function Probe({ probe }: { probe: AppProbe }) {
  const t = useTranslations('status.card');
  const ts = useTranslations('server');
  return (
    <p className={`text-sm ${probe.ok ? 'text-emerald-300' : 'text-rose-300'}`} data-testid="probe" data-ok={probe.ok}>
      {probe.ok ? t('probeOk') : t('probeFails')}: {probe.said ? renderSaid(ts, { ...probe.said, text: probe.message }) : probe.message} <span className="text-xs text-slate-500">({probe.url})</span>
    </p>
  );
}

export function ServiceCard(props: {
  stack: string;
  service: ServiceStatus;
  probe: AppProbe | null;
  usage: Record<string, UsagePoint[]>;
  now: number;
  canOperate: boolean;
}) {
  const { service: s, now } = props;
  const health = s.instances[0]?.health ?? 'none';
  const t = useTranslations('status.card');
  return (
    <section data-testid={`service-${s.name}`} data-state={s.state} data-health={health} className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-4">
      <header className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold">{s.name}</h2>
        {s.role && <span className="text-xs uppercase text-slate-500">{s.role}</span>}
        <StateBadge state={s.state} />
        <span className={`rounded-full border px-2 py-0.5 text-xs ${HEALTH[health]}`} data-testid="health">
          {t(`health.${health}`)}
        </span>
        {s.version && (s.version.label || s.version.reported) && (
          <span className="ml-auto text-xs text-slate-400" data-testid="version">
            {t('version', { version: s.version.reported ?? s.version.label ?? '' })}
            {s.version.label && s.version.reported && s.version.label !== s.version.reported ? ` ${t('imageLabel', { label: s.version.label })}` : ''}
          </span>
        )}
      </header>
      {props.probe && <Probe probe={props.probe} />}
      {s.instances.length === 0 && <p className="text-sm text-slate-400">{t('noContainer')}</p>}
      {s.instances.map((i) => (
        <div key={i.id} className="space-y-3">
          <Instance i={i} now={now} endpoint={s.endpoint} />
          <UsageChart points={props.usage[i.id] ?? []} now={now} />
        </div>
      ))}
      {props.canOperate && s.instances.length > 0 && <LifecycleControls stack={props.stack} service={s.name} />}
    </section>
  );
}
