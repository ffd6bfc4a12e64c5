import { useTranslations } from 'next-intl';
import { JobLog } from '@/components/jobs/job-log';
import { hasRole, type Role } from '@/lib/auth/roles';
import { editorView, type EditorView } from '@/lib/config-edit';
import { userMessageOf } from '@/lib/errors';
import { runningJob } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { ComposeEditor } from './compose-editor';
import { ConfigHistory } from './config-history';
import { EnvEditor } from './env-editor';

const card = 'rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5 space-y-3';

function load(stack: Stack, kind: 'env' | 'compose'): EditorView | { error: string } {
  try {
    return editorView(stack, kind);
  } catch (e) {
    return { error: userMessageOf(e) };
  }
}

/** The configuration tab: env file (admins), compose file (everyone reads, admins edit), their histories. */
export function ConfigPanel({ stack, role }: { stack: Stack; role: Role }) {
  const admin = hasRole(role, 'admin');
  const env = admin && stack.envFile ? load(stack, 'env') : null;
  const compose = load(stack, 'compose');
  const running = runningJob(stack.name);
  const t = useTranslations('config');
  return (
    <>
      {running && (
        <section className={card}>
          <h2 className="font-semibold">{t('runningNow', { title: running.title })}</h2>
          <JobLog jobId={running.id} refreshOnEnd />
        </section>
      )}
      <section className={card}>
        <h2 className="font-semibold">{t('envFile')}</h2>
        {!admin && <p className="text-sm text-slate-400">{t('envAdminsOnly')}</p>}
        {admin && !stack.envFile && <p className="text-sm text-slate-400">{t('noEnvFile')}</p>}
        {env && 'error' in env && <p role="alert" className="text-sm text-rose-400">{env.error}</p>}
        {env && !('error' in env) && (
          <>
            <p className="break-all font-mono text-xs text-slate-400">{env.path}</p>
            <EnvEditor key={env.sha} stack={stack.name} sha={env.sha} text={env.text} entries={env.entries} />
            <h3 className="pt-2 text-sm font-semibold text-slate-300">{t('history')}</h3>
            <ConfigHistory stack={stack.name} kind="env" sha={env.sha} versions={env.history} canEdit={admin} />
          </>
        )}
      </section>
      <section className={card}>
        <h2 className="font-semibold">{t('composeFile')}</h2>
        {'error' in compose ? (
          <p role="alert" className="text-sm text-rose-400">{compose.error}</p>
        ) : (
          <>
            <ComposeEditor key={compose.sha} stack={stack.name} sha={compose.sha} text={compose.text} path={compose.path} canEdit={admin} />
            <h3 className="pt-2 text-sm font-semibold text-slate-300">{t('history')}</h3>
            <ConfigHistory stack={stack.name} kind="compose" sha={compose.sha} versions={compose.history} canEdit={admin} />
          </>
        )}
      </section>
    </>
  );
}
