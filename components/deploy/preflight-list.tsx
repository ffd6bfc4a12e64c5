import { useTranslations } from 'next-intl';
import type { PreflightCheck } from '@/lib/deploy/preflight';
import { renderSaid } from '@/lib/i18n/said';

export function PreflightList({ checks }: { checks: PreflightCheck[] }) {
  const t = useTranslations('deploy.check');
  // Labels and fixes come from the server with their keys (lib/i18n/said.ts): shown in the reader's language.
  const ts = useTranslations('server');
  return (
    <ul data-testid="preflight" className="space-y-1 text-sm">
      {checks.map((c) => (
        <li key={c.id} className="flex gap-2">
          <span aria-label={c.ok ? t('pass') : t('fail')} className={c.ok ? 'text-emerald-400' : 'text-rose-400'}>{c.ok ? '✓' : '✗'}</span>
          <span className="min-w-0 break-words">
            <span className="font-medium">{c.said ? renderSaid(ts, c.said.label) : c.label}</span> <span className="text-slate-400">— {c.detail}</span>
            {c.fix && <span className="block text-amber-300">{c.said?.fix ? renderSaid(ts, c.said.fix) : c.fix}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
