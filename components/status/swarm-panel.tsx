'use client';

import { useTranslations } from 'next-intl';
import type { SwarmSnapshot, SwarmTask } from '@/lib/docker/swarm';
import type { AppProbe } from '@/lib/status/types';
import { Probe } from './service-card';
import { NodeControls, ScaleControl } from './swarm-controls';

const CARD = 'space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-4';
const TH = 'px-2 py-1 text-left font-medium text-slate-400';
const TD = 'px-2 py-1 align-top';
// Services and nodes on a phone: each row becomes a block (values inline, controls on a line of
// their own), so the buttons stay on screen instead of in a column scrolled out of view.
const TABLE = 'block w-full text-sm sm:table';
const HEAD = 'hidden sm:table-header-group';
const BODY = 'block sm:table-row-group';
const ROW = 'block border-t border-slate-800 py-1 sm:table-row sm:py-0';
const CELL = 'inline-block px-2 py-1 align-top sm:table-cell';
const WIDE = 'block px-2 py-1 align-top sm:table-cell';

const STATE_CLASS: Record<string, string> = {
  running: 'text-emerald-300',
  failed: 'text-rose-300',
  rejected: 'text-rose-300',
  shutdown: 'text-slate-500',
  complete: 'text-slate-500',
};

/**
 * The Swarm view of a `runtime: swarm` stack, from the status feed's `status.swarm` (replaced on
 * every change the manager reports): services with their replicas and rolling update, the tasks of
 * each node, and the nodes. On a phone each table scrolls sideways inside its card, not the page.
 * `probe`: the app's health URL as asked from inside one of its running tasks (the engine relay).
 */
export function SwarmPanel({ stack, swarm, probe, canOperate, canAdmin }: { stack: string; swarm: SwarmSnapshot; probe: AppProbe | null; canOperate: boolean; canAdmin: boolean }) {
  const t = useTranslations('status.swarm');
  const tasksOf = (nodeId: string) =>
    swarm.services.flatMap((s) => s.tasks.filter((x) => x.nodeId === nodeId).map((x) => ({ ...x, service: s.name })));
  return (
    <div className="space-y-4" data-testid="swarm-panel">
      <section className={CARD} aria-labelledby="swarm-services">
        <h2 id="swarm-services" className="text-lg font-semibold">{t('services')}</h2>
        {!canOperate && <p className="text-xs text-slate-500">{t('needOperator')}</p>}
        <div>
          <table className={TABLE}>
            <thead className={HEAD}>
              <tr>
                <th className={TH}>{t('service')}</th>
                <th className={TH}>{t('replicas')}</th>
                <th className={TH}>{t('update')}</th>
                <th className={TH}>{t('image')}</th>
                {canOperate && <th className={TH}>{t('scale')}</th>}
              </tr>
            </thead>
            <tbody className={BODY}>
              {swarm.services.map((s) => (
                <tr key={s.id} className={ROW} data-testid={`swarm-service-${s.name}`} data-running={s.running} data-desired={s.desired}>
                  <td className={`${CELL} font-medium`}>{s.name}</td>
                  <td className={CELL} data-testid="replicas">
                    {s.running}/{s.desired}
                    {s.mode === 'global' && <span className="ml-1 text-xs text-slate-500">({t('global')})</span>}
                  </td>
                  <td className={CELL} title={s.updateMessage ?? undefined}>{s.updateState ?? t('noUpdate')}</td>
                  <td className={`${WIDE} break-all`}><code className="text-xs">{s.image}</code></td>
                  {canOperate && <td className={WIDE}>{s.mode === 'replicated' && <ScaleControl stack={stack} service={s.name} desired={s.desired} />}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {probe && <Probe probe={probe} />}
      </section>

      <section className={CARD} aria-labelledby="swarm-nodes">
        <h2 id="swarm-nodes" className="text-lg font-semibold">{t('nodes')}</h2>
        {!canAdmin && <p className="text-xs text-slate-500">{t('needAdmin')}</p>}
        <div>
          <table className={TABLE}>
            <thead className={HEAD}>
              <tr>
                <th className={TH}>{t('node')}</th>
                <th className={TH}>{t('role')}</th>
                <th className={TH}>{t('availability')}</th>
                <th className={TH}>{t('nodeState')}</th>
                <th className={TH}>{t('manager')}</th>
                {canAdmin && <th className={TH}>{t('actions')}</th>}
              </tr>
            </thead>
            <tbody className={BODY}>
              {swarm.nodes.map((n) => (
                <tr key={n.id} className={ROW} data-testid={`swarm-node-${n.hostname}`} data-availability={n.availability} data-state={n.state} data-role={n.role}>
                  <td className={`${CELL} font-medium`}>
                    {n.hostname}
                    <span className="block text-xs text-slate-500">{n.address}</span>
                  </td>
                  <td className={CELL}>{n.role}</td>
                  <td className={`${CELL} ${n.availability === 'active' ? '' : 'text-amber-300'}`}>{n.availability}</td>
                  <td className={`${CELL} ${n.state === 'ready' ? 'text-emerald-300' : 'text-rose-300'}`}>{n.state}</td>
                  <td className={CELL}>
                    {n.reachability ?? <span className="hidden sm:inline">{t('none')}</span>}
                    {n.leader && <span className="ml-1 rounded bg-sky-900 px-1 text-xs text-sky-200">{t('leader')}</span>}
                  </td>
                  {canAdmin && (
                    <td className={WIDE}>
                      <NodeControls stack={stack} node={n} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        {swarm.nodes.map((n) => (
          <NodeTasks key={n.id} node={n.hostname} tasks={tasksOf(n.id)} />
        ))}
      </div>
    </div>
  );
}

function NodeTasks({ node, tasks }: { node: string; tasks: (SwarmTask & { service: string })[] }) {
  const t = useTranslations('status.swarm');
  // The tasks meant to run first, then the history Swarm keeps (shut down, failed, rejected).
  const sorted = [...tasks].sort((a, b) => Number(b.desiredState === 'running') - Number(a.desiredState === 'running') || b.updatedAt.localeCompare(a.updatedAt));
  return (
    <section className={CARD} data-testid={`swarm-tasks-${node}`} aria-label={t('tasksOn', { node })}>
      <h3 className="font-semibold">{t('tasksOn', { node })}</h3>
      {sorted.length === 0 ? (
        <p className="text-sm text-slate-400">{t('noTasks')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={TH}>{t('task')}</th>
                <th className={TH}>{t('state')}</th>
                <th className={TH}>{t('desired')}</th>
                <th className={TH}>{t('exitCode')}</th>
                <th className={TH}>{t('error')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((x) => (
                <tr key={x.id} className="border-t border-slate-800" data-testid="swarm-task" data-service={x.service} data-slot={x.slot ?? ''} data-state={x.state} data-desired={x.desiredState}>
                  <td className={TD}>
                    <code className="text-xs">{`${x.service}.${x.slot ?? x.id.slice(0, 12)}`}</code>
                  </td>
                  <td className={`${TD} ${STATE_CLASS[x.state] ?? ''}`}>{x.state}</td>
                  <td className={TD}>{x.desiredState}</td>
                  <td className={TD}>{x.exitCode ?? t('none')}</td>
                  <td className={`${TD} break-words text-rose-300`}>{x.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
