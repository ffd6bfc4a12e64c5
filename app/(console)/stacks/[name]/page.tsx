import { Forbidden } from '@/components/layout/forbidden';
import { AutoRefresh } from '@/components/ui/auto-refresh';
import { StackCard } from '@/components/stacks/stack-card';
import { loadOverview } from '@/components/stacks/load-overview';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

// Placeholder status view (the services table); the status issue replaces it with the full panel.
export default async function StackStatusPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} />;
  const { name } = await params;
  const overview = await loadOverview();
  const row = overview.stacks.find((s) => s.stack.name === name);
  if (!row) return null;
  return (
    <>
      <AutoRefresh seconds={5} />
      <StackCard stack={row.stack} services={row.services} error={row.error} />
    </>
  );
}
