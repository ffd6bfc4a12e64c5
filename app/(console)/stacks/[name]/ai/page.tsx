import { AiHealthPanel } from '@/components/ai-health/ai-health-panel';
import { Forbidden } from '@/components/layout/forbidden';
import { getAiHealthView } from '@/lib/ai-health';
import { hasRole } from '@/lib/auth/roles';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function StackAiPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} />;
  const { name } = await params;
  const view = await getAiHealthView(name);
  return <AiHealthPanel view={view} canProbe={hasRole(gate.user.role, 'operator')} canManage={hasRole(gate.user.role, 'admin')} />;
}
