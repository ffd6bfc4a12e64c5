import { useTranslations } from 'next-intl';
import type { OverviewEngine } from '@/lib/views/overview';

/** The overview's Docker line: every engine in use, Opsdeck's own first, with its state and its stacks. */
export function EngineLine({ engines }: { engines: OverviewEngine[] }) {
  const t = useTranslations('stack.overview.engines');
  return (
    <section data-testid="docker-engines" aria-label={t('title')} className="text-sm text-slate-400">
      <ul className="flex flex-col gap-1">
        {engines.map((e) => (
          <li key={e.label} data-testid="docker-engine" data-state={e.ok ? 'reachable' : 'unreachable'} className="min-w-0 break-all">
            <span className="text-slate-300">Docker</span> <code>{e.label}</code>
            {e.isDefault && <> ({t('own')})</>}
            {' · '}
            {e.ok ? <span className="text-emerald-300">{t('version', { version: e.version })}</span> : <span className="text-rose-300">{t('unreachable', { message: e.message })}</span>}
            {' · '}
            {e.stacks.length ? t('stacks', { names: e.stacks.join(', ') }) : t('noStacks')}
          </li>
        ))}
      </ul>
    </section>
  );
}
