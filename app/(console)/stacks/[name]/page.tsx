import { Suspense } from 'react';
import { getTranslations } from 'next-intl/server';
import { Forbidden } from '@/components/layout/forbidden';
import { DoctorSection } from '@/components/status/doctor-section';
import { loadStatus } from '@/lib/views/status';
import { StatusView } from '@/components/status/status-view';
import { loadPitr } from '@/lib/views/pitr';
import { PitrStatusLine } from '@/components/pitr/pitr-status-line';
import { getStack } from '@/lib/stacks';
import { orNotFound } from '@/lib/views/or-not-found';
import { hasRole } from '@/lib/auth/roles';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

export default async function StackStatusPage({ params }: { params: Promise<{ name: string }> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  const t = await getTranslations('status');
  const { initial, pitr } = await orNotFound(async () => ({ initial: await loadStatus(name), pitr: await loadPitr(getStack(name)) }));
  return (
    <>
      <StatusView stack={name} initial={initial} canOperate={hasRole(gate.user.role, 'operator')} canAdmin={hasRole(gate.user.role, 'admin')} />
      {pitr && <PitrStatusLine stack={name} view={pitr} />}
      <Suspense fallback={<p className="text-sm text-slate-400">{t('checkingConfig')}</p>}>
        <DoctorSection stack={name} />
      </Suspense>
    </>
  );
}
