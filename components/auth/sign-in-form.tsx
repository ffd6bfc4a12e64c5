'use client';

import { useState, type FormEvent } from 'react';
import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';

// Must match SECOND_FACTOR_NEEDED in lib/auth/second-factor.ts (a client file cannot import it).
const SECOND_FACTOR_NEEDED = 'SECOND_FACTOR_NEEDED';

export function SignInForm({ callbackUrl, oidcLabel, initialError }: { callbackUrl: string; oidcLabel: string | null; initialError: string | null }) {
  const t = useTranslations('signin');
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);
  // After a right password for a user with two-factor on: ask for the code, keep what was typed.
  const [needCode, setNeedCode] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn('credentials', {
      username: String(form.get('username') ?? ''),
      password: String(form.get('password') ?? ''),
      code: String(form.get('code') ?? ''),
      redirect: false,
    });
    setPending(false);
    if (res?.error === SECOND_FACTOR_NEEDED) {
      setNeedCode(true);
      return;
    }
    if (!res || res.error) {
      setError(res?.error && res.error !== 'CredentialsSignin' ? res.error : t('wrong'));
      return;
    }
    window.location.assign(callbackUrl);
  }

  const field = 'mt-1 w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2';
  return (
    <div className="w-full max-w-sm space-y-4 rounded-xl border border-slate-800 bg-slate-900 p-8 shadow-xl">
      <form onSubmit={onSubmit} className="space-y-4">
        <div>
          <h1 className="text-2xl font-semibold">Opsdeck</h1>
          <p className="text-sm text-slate-400">{t('intro')}</p>
        </div>
        <label className={`block text-sm ${needCode ? 'hidden' : ''}`}>
          {t('username')}
          <input name="username" autoComplete="username" required className={field} />
        </label>
        <label className={`block text-sm ${needCode ? 'hidden' : ''}`}>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required className={field} />
        </label>
        {needCode && (
          <label className="block text-sm">
            {t('code')}
            <input name="code" autoComplete="one-time-code" autoFocus required placeholder={t('codeHint')} className={field} />
          </label>
        )}
        <p role="alert" aria-live="polite" className="min-h-5 text-sm text-rose-400">
          {error}
        </p>
        <button type="submit" disabled={pending} className="min-h-11 w-full rounded-md bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 disabled:opacity-50">
          {pending ? t('pending') : needCode ? t('verify') : t('submit')}
        </button>
      </form>
      {oidcLabel && !needCode && (
        <button
          type="button"
          onClick={() => void signIn('oidc', { callbackUrl })}
          className="min-h-11 w-full rounded-md border border-slate-600 px-4 py-2 font-medium hover:bg-slate-800"
        >
          {t('withProvider', { provider: oidcLabel })}
        </button>
      )}
    </div>
  );
}
