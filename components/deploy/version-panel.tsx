import { useTranslations } from 'next-intl';
import type { Change, VersionPanel } from '@/lib/deploy/versions';
import type { SwarmTaskImage } from '@/lib/docker/swarm-images';
import { renderSaid } from '@/lib/i18n/said';

const at = (c: Change) => c.at.replace('T', ' ').slice(0, 19);
/** `1@swarm2 → opsdeck/demo-app:1.1.0 (running)`: task slot @ node → the image it runs. */
export const taskLine = (t: SwarmTaskImage) => `${t.slot ?? '·'}@${t.node} → ${t.image} (${t.state})`;

export function VersionPanelView({ v }: { v: VersionPanel }) {
  const t = useTranslations('deploy.versions');
  // A job's title in the reader's language (the stored English for rows written before keys).
  const ts = useTranslations('server');
  const what = (c: Change) => renderSaid(ts, { ...c.whatSaid, text: c.what });
  const when = (c: Change | null) =>
    !c ? t('notYet') : c.by !== null ? t('changedBy', { what: what(c), by: c.by, at: at(c) }) : t('changedByScheduler', { what: what(c), at: at(c) });
  // The test id is the row's English name (version-app-version…), whatever the language shown.
  const rows: [string, string, string][] = [
    ['app-version', t('appVersion'), v.app?.version ?? t('unknown')],
    ['app-image', t('appImage'), v.app ? v.app.ref : t('noContainer')],
    ['image-id-digest', t('imageId'), v.app ? (v.app.digest ?? v.app.imageId?.slice(0, 19) ?? t('notOnNodes')) : '—'],
    ['image-changed', t('imageChanged'), when(v.imageChanged)],
    ['database-schema', t('schema'), v.schemaVersion.value ?? (v.schemaVersion.error ? t('unknownError', { error: v.schemaVersion.error }) : t('none'))],
    ['schema-changed', t('schemaChanged'), when(v.schemaChanged)],
    ['docker-engine', t('engine'), v.engine ?? t('notReachable')],
    ...(v.swarm
      ? ([
          ['swarm-manager', t('swarmManager'), v.swarm.manager],
          ['swarm-tasks', t('swarmTasks'), v.swarm.tasks.length ? v.swarm.tasks.map(taskLine).join('\n') : t('noTasks')],
        ] as [string, string, string][])
      : ([['compose', t('compose'), v.compose ?? t('notAvailable')]] as [string, string, string][])),
    ['last-changed', t('lastChanged'), when(v.lastChange)],
  ];
  return (
    <section data-testid="version-panel" className="rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
      <h2 className="mb-3 font-semibold">{t('title')}</h2>
      <dl className="grid grid-cols-1 gap-y-1 text-sm sm:grid-cols-[12rem_minmax(0,1fr)]">
        {rows.map(([id, k, val]) => (
          <div key={id} className="contents">
            <dt className="text-slate-400">{k}</dt>
            <dd data-testid={`version-${id}`} className="mb-1 whitespace-pre-line break-all font-mono text-xs leading-5 sm:mb-0">{val}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
