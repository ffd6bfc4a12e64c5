import { getTranslations } from 'next-intl/server';
import { JobLog } from '@/components/jobs/job-log';
import { hasRole, type Role } from '@/lib/auth/roles';
import { renderSaid } from '@/lib/i18n/said';
import { runningJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { loadDeployView } from '@/lib/views/deploy';
import { deployStack } from '@/server-actions/deploy-stack';
import { rollbackUpgrade } from '@/server-actions/rollback-upgrade';
import { stackLifecycle } from '@/server-actions/stack-lifecycle';
import { JobActionForm } from './job-action-form';
import { PreflightList } from './preflight-list';
import { UpgradeForm } from './upgrade-form';
import { UpgradeHistory } from './upgrade-history';
import { VersionPanelView } from './version-panel';

const card = 'rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5 space-y-3';

/** The deploy tab: versions, pre-flight, deploy, stack lifecycle, upgrade and its history. */
export async function DeployPanel({ stackName, role }: { stackName: string; role: Role }) {
  const stack = getStack(stackName);
  const { versions, checks, repo, choices, lastUpgrade: last, history } = await loadDeployView(stack);
  const running = runningJob(stack.name);
  const admin = hasRole(role, 'admin');
  const t = await getTranslations('deploy');
  const ts = await getTranslations('server');
  return (
    <>
      {running && (
        <section className={card}>
          <h2 className="font-semibold">{t('runningNow', { title: renderSaid(ts, { ...running.titleSaid, text: running.title }) })}</h2>
          <JobLog jobId={running.id} />
        </section>
      )}
      <VersionPanelView v={versions} />
      <section className={card}>
        <h2 className="font-semibold">{t('deploy')}</h2>
        <PreflightList checks={checks} />
        {admin && (
          <JobActionForm action={deployStack} submitLabel={t('deploy')} testId="deploy-form" confirm={t('deployConfirm', { stack: stack.name })}>
            <input type="hidden" name="stack" value={stack.name} />
          </JobActionForm>
        )}
        {hasRole(role, 'operator') && (
          <div className="flex flex-wrap gap-4">
            {(['start', 'restart', 'stop'] as const).map((a) => (
              <JobActionForm key={a} action={stackLifecycle} submitLabel={t(`lifecycle.${a}`)} danger={a === 'stop'} confirm={t(`lifecycleConfirm.${a}`, { stack: stack.name })}>
                <input type="hidden" name="stack" value={stack.name} />
                <input type="hidden" name="action" value={a} />
              </JobActionForm>
            ))}
          </div>
        )}
      </section>
      <section className={card}>
        <h2 className="font-semibold">{t('upgrade')}</h2>
        {admin && versions.app && repo ? (
          <UpgradeForm stack={stack.name} current={versions.app.ref} repo={repo} tags={choices.tags} registryError={choices.registryError} />
        ) : (
          <p className="text-sm text-slate-400">{admin ? t('noContainerYet') : t('adminsOnly')}</p>
        )}
        {/* Rendered even with nothing left to roll back, so the log of the rollback that just ended stays (see JobActionForm). */}
        {admin && (
          <JobActionForm action={rollbackUpgrade} available={last !== null} submitLabel={t('rollback', { ref: last?.fromRef ?? '' })} testId="rollback-form" danger confirm={t('rollbackConfirm', { ref: last?.fromRef ?? '' })}>
            <input type="hidden" name="stack" value={stack.name} />
          </JobActionForm>
        )}
        <UpgradeHistory rows={history} />
      </section>
    </>
  );
}
