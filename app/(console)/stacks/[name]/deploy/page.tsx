import { Forbidden } from '@/components/layout/forbidden';
import { DeployPanel } from '@/components/deploy/deploy-panel';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function DeployPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  return <DeployPanel stackName={name} role={gate.user.role} />;
}
