'use client';

import { startTransition, useActionState, useEffect } from 'react';
import { signOut } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { changeOwnPassword } from '@/server-actions/change-own-password';
import { signOutEverywhere } from '@/server-actions/sign-out-everywhere';

const INPUT = 'mt-1 w-full sm:w-64 rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5';

/** The signed-in user's own password and sessions (never another user's: that is the Users page). */
export function PasswordPanel({ sessions }: { sessions: number }) {
  const [ended, endAll, pending] = useActionState(signOutEverywhere, null);
  const t = useTranslations('account');
  // The server has ended every session, this one included; clear this browser's cookie too.
  useEffect(() => {
    if (ended?.ok) void signOut({ callbackUrl: '/signin' });
  }, [ended]);
  return (
    <div className="mx-auto max-w-3xl space-y-8 sm:p-6">
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h1 className="text-lg font-semibold">{t('password.title')}</h1>
        <p className="text-sm text-slate-400">{t('password.intro')}</p>
        <ActionForm action={changeOwnPassword} submitLabel={t('password.submit')} testId="change-password" className="flex-col !items-start">
          <label className="block text-sm">
            {t('password.current')}
            <input name="currentPassword" type="password" autoComplete="current-password" required className={INPUT} />
          </label>
          <label className="block text-sm">
            {t('password.new')}
            <input name="newPassword" type="password" autoComplete="new-password" required className={INPUT} />
          </label>
          <label className="block text-sm">
            {t('password.again')}
            <input name="confirmPassword" type="password" autoComplete="new-password" required className={INPUT} />
          </label>
        </ActionForm>
      </section>
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5" data-testid="sessions">
        <h2 className="text-lg font-semibold">{t('sessions.title')}</h2>
        <p className="text-sm text-slate-400">
          {t.rich(sessions === 1 ? 'sessions.countOne' : 'sessions.countOther', { count: sessions, n: (chunks) => <span data-testid="session-count">{chunks}</span> })}
        </p>
        <button
          type="button"
          disabled={pending}
          onClick={() => startTransition(() => endAll({}))}
          className="rounded-md bg-rose-700 px-3 py-1 text-sm hover:bg-rose-600 disabled:opacity-50"
        >
          {pending ? '…' : t('sessions.signOutAll')}
        </button>
        {ended?.ok === false && <p className="text-sm text-rose-400" role="alert">{ended.error}</p>}
      </section>
    </div>
  );
}
