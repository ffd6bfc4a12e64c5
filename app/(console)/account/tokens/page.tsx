import { getTranslations } from 'next-intl/server';
import { Forbidden } from '@/components/layout/forbidden';
import { TokensPanel } from '@/components/account/tokens-panel';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { listStacks } from '@/lib/stacks';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function TokensPage() {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const t = await getTranslations('account.tokens');
  let stacks: string[] = [];
  try {
    stacks = listStacks().map((s) => s.name);
  } catch {
    // A broken stacks config is reported on the overview; tokens for all stacks still work.
  }
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="text-sm text-slate-400">{t('intro')}</p>
      <TokensPanel tokens={listApiTokens(gate.user.id)} stacks={stacks} myRole={gate.user.role} />
    </>
  );
}
