'use client';

import { useState, type FormEvent } from 'react';
import { signIn } from 'next-auth/react';

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn('credentials', {
      username: String(form.get('username') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
    });
    setPending(false);
    if (!res || res.error) {
      setError(res?.error && res.error !== 'CredentialsSignin' ? res.error : 'Wrong username or password.');
      return;
    }
    window.location.assign(callbackUrl);
  }

  return (
    <form onSubmit={onSubmit} className="w-full max-w-sm space-y-4 rounded-xl border border-slate-800 bg-slate-900 p-8 shadow-xl">
      <div>
        <h1 className="text-2xl font-semibold">Opsdeck</h1>
        <p className="text-sm text-slate-400">Sign in to operate your stacks.</p>
      </div>
      <label className="block text-sm">
        Username
        <input name="username" autoComplete="username" required className="mt-1 w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2" />
      </label>
      <label className="block text-sm">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="mt-1 w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2" />
      </label>
      <p role="alert" aria-live="polite" className="min-h-5 text-sm text-rose-400">
        {error}
      </p>
      <button type="submit" disabled={pending} className="w-full rounded-md bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 disabled:opacity-50">
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
