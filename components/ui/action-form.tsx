'use client';

import { useActionState, useEffect, useRef, type ReactNode } from 'react';
import { submitInTransition } from './submit-in-transition';
import { useTranslations } from 'next-intl';
import type { ActionResult } from '@/server-actions/define-action';


/**
 * A form bound to one server action through useActionState: pending state, the action's message,
 * and per-field errors in an aria-live region, so every action reports its outcome the same way.
 */
export function ActionForm<T>({
  action,
  children,
  submitLabel,
  confirm,
  className = '',
  testId,
}: {
  action: (prev: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;
  children?: ReactNode;
  submitLabel: string;
  confirm?: string;
  className?: string;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<T> | null, FormData>(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const t = useTranslations('common');
  // Clear the fields only after a success; on an error the user corrects what they typed.
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  return (
    <form
      ref={formRef}
      data-testid={testId}
      className={`flex flex-wrap items-center gap-2 ${className}`}
      onSubmit={submitInTransition(formAction, confirm)}
    >
      {children}
      <button type="submit" disabled={pending} className="min-h-11 rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600 disabled:opacity-50 sm:min-h-0">
        {pending ? '…' : submitLabel}
      </button>
      <span aria-live="polite" role="status" className="text-sm">
        {state?.ok === true && <span className="text-emerald-400">{state.message ?? t('done')}</span>}
        {state?.ok === false && (
          <span className="text-rose-400">
            {state.error}
            {state.fieldErrors &&
              Object.entries(state.fieldErrors).map(([k, v]) => (
                <span key={k} className="block">
                  {k}: {v.join(' ')}
                </span>
              ))}
          </span>
        )}
      </span>
    </form>
  );
}
