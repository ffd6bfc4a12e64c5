import { BackupsView } from '@/components/backups/backups-view';
import { loadBackups } from '@/lib/views/backups';
import { loadOffsite } from '@/lib/views/offsite';
import { loadPitr } from '@/lib/views/pitr';
import { Forbidden } from '@/components/layout/forbidden';
import { ACTION_ROLE, hasRole } from '@/lib/auth/roles';
import { backupDownloadRoleOf } from '@/lib/backup/download-role';
import { getStack } from '@/lib/stacks';
import { orNotFound } from '@/lib/views/or-not-found';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function BackupsPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ job?: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  const stack = await orNotFound(() => getStack(name));
  const { job } = await searchParams;
  const [data, offsite, pitr] = await Promise.all([loadBackups(stack, job ?? null), loadOffsite(stack), loadPitr(stack)]);
  const can = { operate: hasRole(gate.user.role, ACTION_ROLE.backup), admin: hasRole(gate.user.role, ACTION_ROLE.restore), download: hasRole(gate.user.role, backupDownloadRoleOf(stack)) };
  return <BackupsView stack={stack.name} backupDir={stack.backupDir} data={data} can={can} offsite={offsite} pitr={pitr} />;
}
