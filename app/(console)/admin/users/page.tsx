import { Forbidden } from '@/components/layout/forbidden';
import { UsersAdmin } from '@/components/admin/users-admin';
import { listUsers } from '@/lib/auth/users';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const gate = await checkRole('admin');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  return <UsersAdmin users={listUsers()} me={gate.user.id} />;
}
