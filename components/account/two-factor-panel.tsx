'use client';

import Link from 'next/link';
import { useState, useTransition, type FormEvent } from 'react';
import { ActionForm } from '@/components/ui/action-form';
import { beginTwoFactor } from '@/server-actions/begin-two-factor';
import { confirmTwoFactor } from '@/server-actions/confirm-two-factor';
import { disableTwoFactorAction } from '@/server-actions/disable-two-factor';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';
const button = 'rounded-md bg-sky-700 px-3 py-1 text-sm hover:bg-sky-600 disabled:opacity-50';

interface Enrolment {
  secret: string;
  qrDataUrl: string;
}

/** Enrol (secret shown once, confirmed with a code, recovery codes shown once) or turn off. */
export function TwoFactorPanel({ enabled, recoveryLeft }: { enabled: boolean; recoveryLeft: number }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const begin = () =>
    start(async () => {
      setError(null);
      const r = await beginTwoFactor(null, {});
      if (r.ok) setEnrolment(r.data);
      else setError(r.error);
    });

  const confirm = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '');
    start(async () => {
      setError(null);
      const r = await confirmTwoFactor(null, { code });
      if (r.ok) {
        setCodes(r.data.recoveryCodes);
        setEnrolment(null);
      } else setError(r.fieldErrors?.code?.[0] ?? r.error);
    });
  };

  if (codes) {
    return (
      <section className="space-y-3 rounded-xl border border-emerald-800 bg-slate-900 p-5" data-testid="recovery-codes">
        <h2 className="font-semibold text-emerald-300">Two-factor sign-in is on</h2>
        <p className="text-sm text-slate-300">Recovery codes: each signs you in once if you lose your phone. They are not shown again.</p>
        <ul className="grid grid-cols-2 gap-1 font-mono text-sm">
          {codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <Link href="/" className="text-sm text-sky-400 underline">
          Continue to Opsdeck
        </Link>
      </section>
    );
  }

  if (enabled) {
    return (
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-5">
        <h2 className="font-semibold">Two-factor sign-in is on</h2>
        <p className="text-sm text-slate-400">{recoveryLeft} unused recovery code(s) left.</p>
        <ActionForm action={disableTwoFactorAction} submitLabel="Turn off two-factor" testId="disable-2fa">
          <input name="password" type="password" placeholder="your password" aria-label="Current password" className={input} required />
          <input name="code" placeholder="code or recovery code" aria-label="Code" className={input} autoComplete="one-time-code" required />
        </ActionForm>
      </section>
    );
  }

  return (
    <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-5">
      <h2 className="font-semibold">Two-factor sign-in</h2>
      <p className="text-sm text-slate-400">After your password, Opsdeck will also ask for a 6-digit code from an authenticator app.</p>
      {!enrolment && (
        <button type="button" onClick={begin} disabled={pending} className={button}>
          Set up two-factor sign-in
        </button>
      )}
      {enrolment && (
        <div className="space-y-3">
          {/* A data: URL made on the server from the otpauth URI; nothing is fetched from elsewhere. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" width={192} height={192} className="rounded bg-white p-2" />
          <p className="text-sm">
            Or type this key: <code data-testid="totp-secret" className="break-all font-mono">{enrolment.secret}</code>
          </p>
          <form onSubmit={confirm} className="flex flex-wrap items-center gap-2">
            <input name="code" inputMode="numeric" autoComplete="one-time-code" placeholder="123456" aria-label="Code from the app" className={input} required />
            <button type="submit" disabled={pending} className={button}>
              Confirm
            </button>
          </form>
        </div>
      )}
      <p role="alert" className="min-h-5 text-sm text-rose-400">
        {error}
      </p>
    </section>
  );
}
