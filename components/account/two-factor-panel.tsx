'use client';

import Link from 'next/link';
import { useState, useTransition, type FormEvent } from 'react';
import { useTranslations } from 'next-intl';
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
  const t = useTranslations('account.twoFactor');

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
        <h2 className="font-semibold text-emerald-300">{t('on')}</h2>
        <p className="text-sm text-slate-300">{t('recoveryIntro')}</p>
        <ul className="grid grid-cols-2 gap-1 font-mono text-sm">
          {codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <Link href="/" className="text-sm text-sky-400 underline">
          {t('continue')}
        </Link>
      </section>
    );
  }

  if (enabled) {
    return (
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-5">
        <h2 className="font-semibold">{t('on')}</h2>
        <p className="text-sm text-slate-400">{t('recoveryLeft', { count: recoveryLeft })}</p>
        <ActionForm action={disableTwoFactorAction} submitLabel={t('turnOff')} testId="disable-2fa">
          <input name="password" type="password" placeholder={t('passwordPlaceholder')} aria-label={t('currentPassword')} className={input} required />
          <input name="code" placeholder={t('codePlaceholder')} aria-label={t('code')} className={input} autoComplete="one-time-code" required />
        </ActionForm>
      </section>
    );
  }

  return (
    <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-5">
      <h2 className="font-semibold">{t('title')}</h2>
      <p className="text-sm text-slate-400">{t('intro')}</p>
      {!enrolment && (
        <button type="button" onClick={begin} disabled={pending} className={button}>
          {t('setUp')}
        </button>
      )}
      {enrolment && (
        <div className="space-y-3">
          {/* A data: URL made on the server from the otpauth URI; nothing is fetched from elsewhere. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={enrolment.qrDataUrl} alt={t('qr')} width={192} height={192} className="rounded bg-white p-2" />
          <p className="text-sm">
            {t.rich('typeKey', { secret: enrolment.secret, code: (chunks) => <code data-testid="totp-secret" className="break-all font-mono">{chunks}</code> })}
          </p>
          <form onSubmit={confirm} className="flex flex-wrap items-center gap-2">
            <input name="code" inputMode="numeric" autoComplete="one-time-code" placeholder="123456" aria-label={t('codeFromApp')} className={input} required />
            <button type="submit" disabled={pending} className={button}>
              {t('confirm')}
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
