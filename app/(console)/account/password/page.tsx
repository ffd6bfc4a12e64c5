import { Forbidden } from '@/components/layout/forbidden';
import { PasswordPanel } from '@/components/account/password-panel';
import { countUserSessions } from '@/lib/auth/sessions';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function AccountPasswordPage() {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  return <PasswordPanel sessions={countUserSessions(gate.user.id)} />;
}
