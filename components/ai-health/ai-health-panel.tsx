import { useTranslations } from 'next-intl';
import type { AiHealthView } from '@/lib/ai-health';
import type { AiRoleSettings } from '@/lib/ai-health/env-settings';
import { AutoRefresh } from '@/components/ui/auto-refresh';
import { AddProviderForm } from './add-provider-form';
import { DependencyCard } from './dependency-card';

function withRole(e: { sha: string; roles: AiRoleSettings[] }, role: string): { sha: string; s: AiRoleSettings } | undefined {
  const s = e.roles.find((r) => r.role === role);
  return s && { sha: e.sha, s };
}

const ISSUE_STYLE = { error: 'text-rose-300', warning: 'text-amber-300', info: 'text-slate-400' } as const;

export function AiHealthPanel({ view, canProbe, canManage, envSettings }: { view: AiHealthView; canProbe: boolean; canManage: boolean; envSettings?: { sha: string; roles: AiRoleSettings[] } }) {
  const now = view.generatedAt;
  const t = useTranslations('ai');
  return (
    <>
      <AutoRefresh seconds={5} />
      {view.issues.length > 0 && (
        <section data-testid="ai-issues" className="rounded-xl border border-slate-800 bg-slate-900 px-3 py-3 sm:px-5">
          <h2 className="mb-1 text-sm font-semibold text-slate-300">{t('configTitle')}</h2>
          <ul className="space-y-1 text-sm">
            {view.issues.map((i, n) => (
              <li key={n} className={ISSUE_STYLE[i.severity]}>
                {i.severity === 'error' ? '✗ ' : i.severity === 'warning' ? '! ' : '· '}
                {i.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {view.dependencies.length === 0 && (
        <p className="rounded-xl border border-slate-800 bg-slate-900 px-5 py-4 text-slate-400">
          {canManage ? t('noneAdd') : t('none')}
        </p>
      )}
      {view.dependencies.map((d) => (
        <DependencyCard
          key={d.id}
          stack={view.stack}
          dep={d}
          now={now}
          canProbe={canProbe}
          canManage={canManage}
          envSettings={envSettings && d.source === 'env' ? withRole(envSettings, d.role) : undefined}
        />
      ))}
      {canManage && <AddProviderForm stack={view.stack} />}
    </>
  );
}
