import type { Change, VersionPanel } from '@/lib/deploy/versions';

const when = (c: Change | null) => (c ? `${c.what} — by ${c.by ?? 'the scheduler'} at ${c.at.replace('T', ' ').slice(0, 19)} UTC` : 'not by Opsdeck yet');

export function VersionPanelView({ v }: { v: VersionPanel }) {
  const rows: [string, string][] = [
    ['App version', v.app?.version ?? 'unknown'],
    ['App image', v.app ? v.app.ref : 'no container'],
    ['Image id / digest', v.app ? (v.app.digest ?? v.app.imageId.slice(0, 19)) : '—'],
    ['Image changed', when(v.imageChanged)],
    ['Database schema', v.schemaVersion.value ?? (v.schemaVersion.error ? `unknown: ${v.schemaVersion.error}` : 'none')],
    ['Schema changed', when(v.schemaChanged)],
    ['Docker Engine', v.engine ?? 'not reachable'],
    ['Compose', v.compose ?? 'not available'],
    ['Last changed', when(v.lastChange)],
  ];
  return (
    <section data-testid="version-panel" className="rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
      <h2 className="mb-3 font-semibold">Versions</h2>
      <dl className="grid grid-cols-1 gap-y-1 text-sm sm:grid-cols-[12rem_minmax(0,1fr)]">
        {rows.map(([k, val]) => (
          <div key={k} className="contents">
            <dt className="text-slate-400">{k}</dt>
            <dd data-testid={`version-${k.toLowerCase().replace(/[^a-z]+/g, '-')}`} className="mb-1 break-all font-mono text-xs leading-5 sm:mb-0">{val}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
