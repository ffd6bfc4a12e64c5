import { getTranslations } from 'next-intl/server';
import { Forbidden } from '@/components/layout/forbidden';
import { AutoRefresh } from '@/components/ui/auto-refresh';
import { ConfigProblems } from '@/components/stacks/config-problems';
import { DockerBanner } from '@/components/stacks/docker-banner';
import { StackCard } from '@/components/stacks/stack-card';
import { loadOverview } from '@/lib/views/overview';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const overview = await loadOverview();
  const t = await getTranslations('stack.overview');
  const dockerDown = overview.docker?.ok === false;
  return (
    <>
      <AutoRefresh seconds={5} />
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="min-w-0 break-all text-sm text-slate-400">{overview.source.demo ? t('demo') : t('from', { path: overview.source.path ?? '' })}</p>
      </div>
      {overview.configError && <ConfigProblems error={overview.configError} />}
      {overview.docker && !overview.docker.ok && <DockerBanner message={overview.docker.message} />}
      {overview.stacks.map((s) => (
        // With Docker down every stack carries the same English reason from the loader: shown translated here.
        <StackCard key={s.stack.name} stack={s.stack} services={s.services} error={dockerDown ? t('stateUnknown') : s.error} />
      ))}
    </>
  );
}
