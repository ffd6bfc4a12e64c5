import { getTranslations } from 'next-intl/server';
import { Forbidden } from '@/components/layout/forbidden';
import { AutoRefresh } from '@/components/ui/auto-refresh';
import { ConfigProblems } from '@/components/stacks/config-problems';
import { DockerBanner } from '@/components/stacks/docker-banner';
import { EngineLine } from '@/components/stacks/engine-line';
import { StackCard } from '@/components/stacks/stack-card';
import { loadOverview } from '@/lib/views/overview';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const overview = await loadOverview();
  const t = await getTranslations('stack.overview');
  // Opsdeck's own engine down matters when a stack lives there (or it is the only one); the others show on the Docker line.
  const own = overview.engines?.find((e) => e.isDefault);
  const ownDown = overview.docker?.ok === false && (!!own?.stacks.length || overview.engines?.length === 1);
  return (
    <>
      <AutoRefresh seconds={5} />
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="min-w-0 break-all text-sm text-slate-400">{overview.source.demo ? t('demo') : t('from', { path: overview.source.path ?? '' })}</p>
      </div>
      {overview.configError && <ConfigProblems error={overview.configError} />}
      {overview.docker && !overview.docker.ok && ownDown && <DockerBanner message={overview.docker.message} />}
      {overview.engines && <EngineLine engines={overview.engines} />}
      {overview.stacks.map((s) => (
        // A stack whose engine is down carries the loader's English reason: shown translated here.
        <StackCard key={s.stack.name} stack={s.stack} services={s.services} error={s.engineDown ? t('stateUnknown') : s.error} />
      ))}
    </>
  );
}
