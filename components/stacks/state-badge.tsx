import { useTranslations } from 'next-intl';
import type { ServiceState } from '@/lib/docker/types';

const STYLES: Record<ServiceState, string> = {
  running: 'bg-emerald-900 text-emerald-200 border-emerald-700',
  starting: 'bg-sky-900 text-sky-200 border-sky-700',
  partial: 'bg-amber-900 text-amber-200 border-amber-700',
  unhealthy: 'bg-rose-900 text-rose-200 border-rose-700',
  stopped: 'bg-slate-800 text-slate-300 border-slate-600',
  'not-created': 'bg-slate-900 text-slate-400 border-slate-700 border-dashed',
};

export function StateBadge({ state }: { state: ServiceState }) {
  const t = useTranslations('stack.states');
  return <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${STYLES[state]}`}>{t(state)}</span>;
}
