import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import type { DependencyView } from '@/lib/ai-health';
import type { AiRoleSettings } from '@/lib/ai-health/env-settings';
import { AiEnvSettingsForm } from './ai-env-settings-form';
import { ActionForm } from '@/components/ui/action-form';
import { removeAiProvider } from '@/server-actions/remove-ai-provider';
import { runAiDeepProbe } from '@/server-actions/run-ai-deep-probe';
import { AiStatusBadge } from './ai-status-badge';
import { ms, when } from './format';
import { LatencyChart } from './latency-chart';
import { ProbeSettingsForm } from './probe-settings-form';

const REASON_STYLE = { up: 'text-emerald-300', degraded: 'text-amber-300', down: 'text-rose-300', unknown: 'text-slate-400' } as const;

function Field({ label, children, testId, wrap }: { label: string; children: ReactNode; testId?: string; wrap?: boolean }) {
  return (
    <div className={`min-w-0 ${wrap ? 'col-span-2' : ''}`}>
      <dt className="text-xs uppercase text-slate-500">{label}</dt>
      <dd className={`${wrap ? 'break-words' : 'truncate'} text-slate-200`} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export function DependencyCard({ stack, dep, now, canProbe, canManage, envSettings }: { stack: string; dep: DependencyView; now: number; canProbe: boolean; canManage: boolean; envSettings?: { sha: string; s: AiRoleSettings } }) {
  const t = useTranslations('ai.card');
  return (
    <section data-testid={`ai-dep-${dep.id}`} data-status={dep.status} className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <header className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <AiStatusBadge status={dep.status} />
        <h2 className="font-semibold">{dep.label}</h2>
        <span className="text-sm text-slate-400">{t(`roles.${dep.role}`)}</span>
        <code className="break-all text-sm text-slate-200">{dep.model || t('noModel')}</code>
        <span className="ml-auto text-xs text-slate-500">{dep.source === 'env' ? t('fromEnv') : t('addedHere')} · {dep.kind === 'ollama' ? 'Ollama' : t('openai')}</span>
      </header>
      <p data-testid="ai-reason" className={`text-sm ${REASON_STYLE[dep.status]}`}>
        {dep.reason}
        {dep.probing.light && <span className="ml-2 text-xs text-slate-500">{t('checking')}</span>}
      </p>
      <div className="flex flex-wrap items-start gap-6">
        <dl className="grid flex-1 grid-cols-2 gap-x-6 gap-y-2 text-sm md:grid-cols-3">
          <Field label={t('baseUrl')}>{dep.baseUrl || '—'}</Field>
          <Field label={t('apiKey')} testId="ai-key">
            {dep.keyMasked ? (
              <span title={dep.keyVar}>
                <span className="font-mono">{dep.keyMasked}</span>
                {dep.keyVar && <span className="ml-2 text-xs text-slate-500">{dep.keyVar}</span>}
              </span>
            ) : dep.kind === 'ollama' ? t('noneNeeded') : t('notSet')}
          </Field>
          <Field label={t('latency')} testId="ai-latency">
            {ms(dep.latencyMs)} · {ms(dep.p50)} · {ms(dep.p95)}
          </Field>
          <Field label={t('lastSuccess')}>{when(dep.lastSuccessAt, now)}</Field>
          <Field label={t('lastError')} testId="ai-last-error" wrap={dep.lastError !== undefined}>
            {dep.lastError ? `${when(dep.lastErrorAt, now)}: ${dep.lastError}` : '—'}
          </Field>
          <Field label={t('nextCheck')}>{dep.configProblem ? t('afterFix') : when(dep.nextCheckAt, now)}</Field>
          {dep.resetAt !== undefined && <Field label={t('limitResets')}>{when(dep.resetAt, now)}</Field>}
          {dep.expectedDimension !== undefined && <Field label={t('expectedDimension')}>{dep.expectedDimension}</Field>}
          <Field label={t('lastDeep')} testId="ai-last-deep">
            <span title={dep.lastDeep?.message} className={dep.lastDeep ? (dep.lastDeep.ok ? 'text-emerald-300' : 'text-rose-300') : ''}>
              {dep.lastDeep ? `${when(dep.lastDeep.at, now)}: ${dep.lastDeep.message}` : dep.settings.deepIntervalSec ? t('scheduled') : t('onlyButton')}
            </span>
          </Field>
        </dl>
        <LatencyChart series={dep.series} now={now} p50={dep.p50} p95={dep.p95} thresholdMs={dep.settings.latencyThresholdMs} />
      </div>
      {(canProbe || canManage) && (
        <div className="flex flex-wrap items-start gap-4 border-t border-slate-800 pt-3">
          {canProbe && !dep.configProblem && (
            <ActionForm action={runAiDeepProbe} submitLabel={t('runDeep')} testId="ai-deep-probe">
              <input type="hidden" name="stack" value={stack} />
              <input type="hidden" name="dep" value={dep.id} />
            </ActionForm>
          )}
          {canManage && <ProbeSettingsForm stack={stack} dep={dep} />}
          {canManage && dep.source === 'env' && envSettings && (
            <details data-testid="ai-env-settings" className="basis-full">
              <summary className="cursor-pointer text-sm text-sky-300">{t('editEnv')}</summary>
              <div className="pt-2">
                <AiEnvSettingsForm stack={stack} baseSha={envSettings.sha} s={envSettings.s} />
              </div>
            </details>
          )}
          {canManage && dep.source === 'admin' && (
            <ActionForm action={removeAiProvider} submitLabel={t('remove')} confirm={t('confirmRemove', { label: dep.label })} testId="ai-remove">
              <input type="hidden" name="stack" value={stack} />
              <input type="hidden" name="dep" value={dep.id} />
            </ActionForm>
          )}
        </div>
      )}
    </section>
  );
}
