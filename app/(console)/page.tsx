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
  if (!gate.ok) return <Forbidden message={gate.message} />;
  const overview = await loadOverview();
  return (
    <>
      <AutoRefresh seconds={5} />
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h1 className="text-2xl font-semibold">Stacks</h1>
        <p className="min-w-0 break-all text-sm text-slate-400">{overview.source}</p>
      </div>
      {overview.configError && <ConfigProblems error={overview.configError} />}
      {overview.docker && !overview.docker.ok && <DockerBanner message={overview.docker.message} />}
      {overview.stacks.map((s) => (
        <StackCard key={s.stack.name} stack={s.stack} services={s.services} error={s.error} />
      ))}
    </>
  );
}
