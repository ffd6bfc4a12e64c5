import { useLocale, useTranslations } from 'next-intl';
import type { DatabaseStatus } from '@/lib/postgres/check';
import { formatBytes, formatDuration } from './format';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-slate-200">{children}</dd>
    </div>
  );
}

/** The stack's PostgreSQL: reachable or down (with the reason), and what matters when it is up. */
export function PostgresPanel({ db }: { db: DatabaseStatus | null }) {
  const t = useTranslations('status.postgres');
  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-4" data-testid="postgres-panel" data-state={db?.state ?? 'checking'} aria-labelledby="pg-title">
      <h2 id="pg-title" className="mb-2 font-semibold">PostgreSQL</h2>
      {!db && <p className="text-sm text-slate-400">{t('checking')}</p>}
      {db?.state === 'none' && <p className="text-sm text-slate-400">{db.reason}</p>}
      {db?.state === 'down' && (
        <div role="alert" className="rounded-md border border-rose-800 bg-rose-950/40 p-3 text-sm">
          <p className="font-semibold text-rose-200">{t('down')}</p>
          <p className="text-rose-100" data-testid="pg-reason">{db.reason}</p>
          {db.target && <p className="mt-1 text-xs text-rose-300">{db.target}</p>}
        </div>
      )}
      {db?.state === 'up' && <Up db={db} />}
    </section>
  );
}

function Up({ db }: { db: Extract<DatabaseStatus, { state: 'up' }> }) {
  const t = useTranslations('status.postgres');
  const locale = useLocale();
  const pct = Math.round((db.connections.used / db.connections.max) * 100);
  const mismatch = db.schema.version && db.schema.basic && db.schema.version !== db.schema.basic;
  return (
    <div className="space-y-3 text-sm">
      <p className="text-emerald-300">
        {t('reachable', { ms: String(db.latencyMs) })} <span className="text-xs text-slate-500">({db.target})</span>
      </p>
      <dl className="grid grid-cols-2 gap-3">
        <Fact label={t('serverVersion')}>{db.serverVersion}</Fact>
        <Fact label={t('size')}>{formatBytes(db.sizeBytes)}</Fact>
        <Fact label={t('connections')}>
          <span data-testid="pg-connections">{t('used', { used: String(db.connections.used), max: String(db.connections.max) })}</span> {t('percent', { pct: String(pct) })}
          <span className="mt-1 block h-1.5 w-full rounded bg-slate-800">
            <span className={`block h-1.5 rounded ${pct > 80 ? 'bg-rose-500' : 'bg-emerald-500'}`} style={{ width: `${Math.min(100, pct)}%` }} />
          </span>
          <span className="text-xs text-slate-500">{t('activity', { active: String(db.connections.active), idle: String(db.connections.idleInTransaction) })}</span>
        </Fact>
        <Fact label={t('schemaVersion')}>
          <span data-testid="pg-schema">{db.schema.version ?? '—'}</span>
          {db.schema.basic !== null && <span className="block text-xs text-slate-500">{t('basic', { version: db.schema.basic })}</span>}
          {mismatch && <span className="block text-xs text-amber-300">{t('disagree')}</span>}
          {db.schema.note && <span className="block text-xs text-slate-400">{db.schema.note}</span>}
        </Fact>
        <Fact label={t('pgvector')}>
          {db.vector.installed ? t('vectorInstalled', { version: db.vector.installed }) : db.vector.available ? t('vectorAvailable', { version: db.vector.available }) : t('vectorNone')}
        </Fact>
      </dl>
      <div>
        <h3 className="text-xs text-slate-500">{t('longQueries', { duration: formatDuration(db.thresholdMs, locale) })}</h3>
        {db.longQueries.length === 0 ? (
          <p className="text-slate-400">{t('noLongQueries')}</p>
        ) : (
          <ul className="space-y-1" data-testid="pg-long-queries">
            {db.longQueries.map((q) => (
              <li key={q.pid} className="rounded bg-slate-950 p-2">
                <span className="text-amber-300">{formatDuration(q.durationMs, locale)}</span>{' '}
                <span className="text-xs text-slate-500">{t('query', { pid: String(q.pid), user: q.user ?? '?', application: q.application || t('noApplication'), state: q.state ?? '' })}</span>
                <code className="mt-1 block truncate text-xs" title={q.query}>{q.query}</code>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
