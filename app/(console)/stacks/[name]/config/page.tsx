import { ConfigPanel } from '@/components/config/config-panel';
import { Forbidden } from '@/components/layout/forbidden';
import { getStack } from '@/lib/stacks';
import { orNotFound } from '@/lib/views/or-not-found';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function ConfigPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  const stack = await orNotFound(() => getStack(name));
  return <ConfigPanel stack={stack} role={gate.user.role} />;
}
