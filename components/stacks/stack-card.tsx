import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { StackService } from '@/lib/docker/types';
import type { StackSummary } from '@/lib/views/overview';
import { StateBadge } from './state-badge';

export function StackCard({ stack, services, error }: { stack: StackSummary; services: StackService[] | null; error?: string }) {
  const t = useTranslations('stack.card');
  return (
    <section data-testid={`stack-${stack.name}`} className="rounded-xl border border-slate-800 bg-slate-900">
      <header className="flex flex-wrap items-baseline gap-x-4 gap-y-1 border-b border-slate-800 px-3 py-3 sm:px-5">
        <h2 className="text-lg font-semibold">
          <Link href={`/stacks/${encodeURIComponent(stack.name)}`} className="hover:underline">
            {stack.title}
          </Link>
        </h2>
        <span className="text-xs text-slate-400">
          {t.rich('meta', { preset: stack.preset, project: stack.projectName, code: (chunks) => <code>{chunks}</code> })}
        </span>
        <span className="ml-auto min-w-0 max-w-full truncate text-xs text-slate-500" title={stack.composeFiles.join(', ')}>
          {stack.composeFiles.map((f) => f.split('/').slice(-2).join('/')).join(', ')}
        </span>
      </header>
      {error && (
        <p role="alert" className="px-5 py-3 text-sm text-rose-300">
          {error}
        </p>
      )}
      {services && (
        <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="px-5 py-2">{t('service')}</th>
              <th className="px-5 py-2">{t('state')}</th>
              <th className="px-5 py-2">{t('status')}</th>
              <th className="px-5 py-2">{t('image')}</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.name} data-testid={`service-${s.name}`} data-state={s.state} className="border-t border-slate-800">
                <td className="px-5 py-2 font-medium">{s.name}</td>
                <td className="px-5 py-2">
                  <StateBadge state={s.state} />
                </td>
                <td className="px-5 py-2 text-slate-300">{s.instances.map((i) => i.status).join('; ') || t('noContainer')}</td>
                <td className="px-5 py-2 font-mono text-xs text-slate-300">{s.image ?? '—'}</td>
              </tr>
            ))}
            {services.length === 0 && (
              <tr>
                <td colSpan={4} className="px-5 py-3 text-slate-400">
                  {t('noServices')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
