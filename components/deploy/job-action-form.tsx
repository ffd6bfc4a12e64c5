'use client';

import { useActionState, type ReactNode } from 'react';
import { submitInTransition } from '@/components/ui/submit-in-transition';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import type { ActionResult } from '@/server-actions/define-action';
import { JobLog } from '@/components/jobs/job-log';

type JobAction = (prev: ActionResult<{ jobId: string }> | null, form: FormData) => Promise<ActionResult<{ jobId: string }>>;

/**
 * A form whose action starts a job; once started, the job's log streams right below it.
 * `available={false}` hides the form but keeps the log: a job can end the very thing that offered it
 * (a rollback leaves nothing to roll back), and its outcome must stay on screen after the refresh.
 */
export function JobActionForm({ action, submitLabel, confirm, children, testId, danger, available = true }: { action: JobAction; submitLabel: string; confirm?: string; children?: ReactNode; testId?: string; danger?: boolean; available?: boolean }) {
  const [state, formAction, pending] = useActionState(action, null);
  const router = useRouter();
  const t = useTranslations('deploy');
  return (
    <div className="space-y-3">
      {available && (
        <form
          data-testid={testId}
          className="flex flex-wrap items-center gap-2"
          onSubmit={submitInTransition(formAction, confirm)}
        >
          {children}
          <button type="submit" disabled={pending} className={`rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-50 ${danger ? 'bg-rose-700 hover:bg-rose-600' : 'bg-sky-700 hover:bg-sky-600'}`}>
            {pending ? t('starting') : submitLabel}
          </button>
          <span role="status" aria-live="polite" className="text-sm">
            {state?.ok === false && <span className="text-rose-400">{state.error}</span>}
            {state?.ok === true && <span className="text-emerald-400">{state.message}</span>}
          </span>
        </form>
      )}
      {state?.ok === true && <JobLog key={state.data.jobId} jobId={state.data.jobId} onEnd={() => router.refresh()} />}
    </div>
  );
}
