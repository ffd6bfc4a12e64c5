import { getTranslations } from 'next-intl/server';
import { Forbidden } from '@/components/layout/forbidden';
import { TwoFactorPanel } from '@/components/account/two-factor-panel';
import { recoveryCodesLeft, twoFactorEnabled } from '@/lib/auth/totp';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function SecurityPage() {
  const gate = await checkRole('viewer', { beforeTwoFactor: true });
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  return (
    <>
      <h1 className="text-2xl font-semibold">{(await getTranslations('account.twoFactor'))('title')}</h1>
      <TwoFactorPanel enabled={twoFactorEnabled(gate.user.id)} recoveryLeft={recoveryCodesLeft(gate.user.id)} />
    </>
  );
}
