'use client';

import { useState, useTransition } from 'react';
import { useTranslations } from 'next-intl';
import type { DrainPlan } from '@/lib/docker/swarm-ops';
import type { SwarmNode } from '@/lib/docker/swarm';
import type { ActionResult } from '@/server-actions/define-action';
import { activateSwarmNode } from '@/server-actions/activate-node';
import { drainSwarmNode } from '@/server-actions/drain-node';
import { planNodeDrain } from '@/server-actions/plan-node-drain';
import { scaleSwarmService } from '@/server-actions/scale-service';

// Always 44 px high: these buttons are used on a phone during an incident.
export const BUTTON = 'min-h-11 min-w-11 rounded-md bg-slate-700 px-3 text-sm hover:bg-slate-600 disabled:opacity-50';

/** An action's outcome in words: its message on success, its error (and field errors) otherwise. */
function Outcome({ result, testId }: { result: ActionResult<unknown> | null; testId: string }) {
  if (!result) return <span role="status" aria-live="polite" data-testid={testId} />;
  if (result.ok) return <span role="status" aria-live="polite" data-testid={testId} data-ok="true" className="text-sm text-emerald-400">{result.message}</span>;
  const fields = Object.values(result.fieldErrors ?? {}).flat();
  return (
    <span role="alert" data-testid={testId} data-ok="false" className="text-sm text-rose-400">
      {result.error}
      {fields.map((f) => (
        <span key={f} className="block">{f}</span>
      ))}
    </span>
  );
}

/**
 * Drain (admin): first asks the server which of the stack's tasks would move (or why it refuses),
 * shows that list as the confirmation, and drains only when the user confirms it. Activate needs
 * no confirmation: it only lets Swarm schedule on the node again.
 */
export function NodeControls({ stack, node }: { stack: string; node: SwarmNode }) {
  const t = useTranslations('status.swarm');
  const [plan, setPlan] = useState<DrainPlan | null>(null);
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<ActionResult<unknown>>, after?: (r: ActionResult<unknown>) => void) =>
    start(async () => {
      const r = await fn();
      setResult(r);
      after?.(r);
    });
  const askDrain = () => {
    setPlan(null);
    run(
      () => planNodeDrain(null, { stack, node: node.hostname }),
      (r) => {
        if (r.ok) {
          setPlan(r.data as DrainPlan);
          setResult(null);
        }
      },
    );
  };
  const id = node.hostname;
  return (
    <div className="space-y-2" data-testid={`node-controls-${id}`}>
      <div className="flex flex-wrap items-center gap-2">
        {node.availability === 'drain' ? (
          <button type="button" className={BUTTON} disabled={pending} onClick={() => run(() => activateSwarmNode(null, { stack, node: id }))} data-testid={`activate-${id}`}>
            {t('activate')}
          </button>
        ) : (
          <button type="button" className={BUTTON} disabled={pending || plan !== null} onClick={askDrain} data-testid={`drain-${id}`}>
            {t('drain')}
          </button>
        )}
        {pending && !plan && <span className="text-xs text-slate-400">{t('checking')}</span>}
      </div>
      {plan && (
        <div role="dialog" aria-label={t('drainTitle', { node: id })} className="space-y-2 rounded-md border border-amber-700 bg-amber-950/40 p-3 text-sm" data-testid={`drain-confirm-${id}`}>
          <p className="font-semibold">{t('drainTitle', { node: id })}</p>
          {plan.moving.length ? (
            <>
              <p>{t('drainMoves', { stack, node: id })}</p>
              <ul className="list-inside list-disc" data-testid="drain-moving">
                {plan.moving.map((m) => (
                  <li key={m.id} data-testid="drain-task">
                    <code>{`${m.service}.${m.slot ?? m.id.slice(0, 12)}`}</code> <span className="text-slate-400">({m.state})</span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t('drainNothing', { stack, node: id })}</p>
          )}
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className={`${BUTTON} bg-amber-700 hover:bg-amber-600`}
              disabled={pending}
              data-testid={`drain-confirm-button-${id}`}
              onClick={() => run(() => drainSwarmNode(null, { stack, node: id, confirm: 'drain' }), () => setPlan(null))}
            >
              {t('confirmDrain', { node: id })}
            </button>
            <button type="button" className={BUTTON} disabled={pending} onClick={() => setPlan(null)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      <Outcome result={result} testId={`node-result-${id}`} />
    </div>
  );
}

/** Scale (operator): the replica count of one replicated service; the server refuses the database above 1. */
export function ScaleControl({ stack, service, desired }: { stack: string; service: string; desired: number }) {
  const t = useTranslations('status.swarm');
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const [pending, start] = useTransition();
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const replicas = String(new FormData(e.currentTarget).get('replicas') ?? '');
    start(async () => setResult(await scaleSwarmService(null, { stack, service, replicas })));
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" data-testid={`scale-${service}`}>
      <input
        name="replicas"
        type="number"
        min={0}
        max={100}
        defaultValue={desired}
        aria-label={t('replicasOf', { service })}
        className="min-h-11 w-20 rounded-md border border-slate-700 bg-slate-950 px-2 text-sm"
      />
      <button type="submit" className={BUTTON} disabled={pending}>
        {pending ? '…' : t('scale')}
      </button>
      <Outcome result={result} testId={`scale-result-${service}`} />
    </form>
  );
}
