'use client';

import { startTransition, useActionState, useEffect } from 'react';
import { signOut } from 'next-auth/react';
import { ActionForm } from '@/components/ui/action-form';
import { changeOwnPassword } from '@/server-actions/change-own-password';
import { signOutEverywhere } from '@/server-actions/sign-out-everywhere';

const INPUT = 'mt-1 w-full sm:w-64 rounded-md border border-slate-700 bg-slate-950 px-3 py-1.5';

/** The signed-in user's own password and sessions (never another user's: that is the Users page). */
export function PasswordPanel({ sessions }: { sessions: number }) {
  const [ended, endAll, pending] = useActionState(signOutEverywhere, null);
  // The server has ended every session, this one included; clear this browser's cookie too.
  useEffect(() => {
    if (ended?.ok) void signOut({ callbackUrl: '/signin' });
  }, [ended]);
  return (
    <div className="mx-auto max-w-3xl space-y-8 sm:p-6">
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h1 className="text-lg font-semibold">Change your password</h1>
        <p className="text-sm text-slate-400">Your other sessions (other browsers and devices) are signed out; this one stays.</p>
        <ActionForm action={changeOwnPassword} submitLabel="Change password" testId="change-password" className="flex-col !items-start">
          <label className="block text-sm">
            Current password
            <input name="currentPassword" type="password" autoComplete="current-password" required className={INPUT} />
          </label>
          <label className="block text-sm">
            New password
            <input name="newPassword" type="password" autoComplete="new-password" required className={INPUT} />
          </label>
          <label className="block text-sm">
            New password again
            <input name="confirmPassword" type="password" autoComplete="new-password" required className={INPUT} />
          </label>
        </ActionForm>
      </section>
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5" data-testid="sessions">
        <h2 className="text-lg font-semibold">Sessions</h2>
        <p className="text-sm text-slate-400">
          You are signed in in <span data-testid="session-count">{sessions}</span> place{sessions === 1 ? '' : 's'}. Signing out everywhere ends all of them on the server, this one included.
        </p>
        <button
          type="button"
          disabled={pending}
          onClick={() => startTransition(() => endAll({}))}
          className="rounded-md bg-rose-700 px-3 py-1 text-sm hover:bg-rose-600 disabled:opacity-50"
        >
          {pending ? '…' : 'Sign out everywhere'}
        </button>
        {ended?.ok === false && <p className="text-sm text-rose-400" role="alert">{ended.error}</p>}
      </section>
    </div>
  );
}
