import { useTranslations } from 'next-intl';
import type { AiStatus } from '@/lib/ai-health';

const STYLES: Record<AiStatus, string> = {
  up: 'bg-emerald-900 text-emerald-200 border-emerald-700',
  degraded: 'bg-amber-900 text-amber-200 border-amber-700',
  down: 'bg-rose-900 text-rose-200 border-rose-700',
  unknown: 'bg-slate-800 text-slate-300 border-slate-600',
};

export function AiStatusBadge({ status }: { status: AiStatus }) {
  const t = useTranslations('ai.status');
  return <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${STYLES[status]}`}>{t(status)}</span>;
}
