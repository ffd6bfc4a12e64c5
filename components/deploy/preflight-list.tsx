import { useTranslations } from 'next-intl';
import type { PreflightCheck } from '@/lib/deploy/preflight';

export function PreflightList({ checks }: { checks: PreflightCheck[] }) {
  const t = useTranslations('deploy.check');
  return (
    <ul data-testid="preflight" className="space-y-1 text-sm">
      {checks.map((c) => (
        <li key={c.id} className="flex gap-2">
          <span aria-label={c.ok ? t('pass') : t('fail')} className={c.ok ? 'text-emerald-400' : 'text-rose-400'}>{c.ok ? '✓' : '✗'}</span>
          <span className="min-w-0 break-words">
            <span className="font-medium">{c.label}</span> <span className="text-slate-400">— {c.detail}</span>
            {c.fix && <span className="block text-amber-300">{c.fix}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
