import { Forbidden } from '@/components/layout/forbidden';
import { NotifyPanel } from '@/components/notify/notify-panel';
import { listTargets } from '@/lib/notify';
import { getStack } from '@/lib/stacks';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function NotificationsPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('admin');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const stack = getStack((await params).name);
  return <NotifyPanel stack={stack.name} targets={listTargets(stack.name)} />;
}
