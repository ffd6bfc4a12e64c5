'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { createApiTokenAction } from '@/server-actions/create-api-token';
import { revokeApiTokenAction } from '@/server-actions/revoke-api-token';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';
const ROLES = ['viewer', 'operator', 'admin'] as const;

export interface TokenRow {
  id: number;
  name: string;
  role: string;
  stacks: string[] | null;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** Create a token (shown once) and list / revoke the user's own tokens. */
export function TokensPanel({ tokens, stacks, myRole }: { tokens: TokenRow[]; stacks: string[]; myRole: (typeof ROLES)[number] }) {
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const roles = ROLES.slice(0, ROLES.indexOf(myRole) + 1);
  const t = useTranslations('account.tokens');

  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    start(async () => {
      setError(null);
      const r = await createApiTokenAction(null, form);
      if (r.ok) setCreated(r.data.token);
      else setError([r.error, ...Object.values(r.fieldErrors ?? {}).flat()].join(' '));
    });
  };

  return (
    <>
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h2 className="font-semibold">{t('new')}</h2>
        <form onSubmit={create} className="space-y-2" data-testid="create-token">
          <div className="flex flex-wrap gap-2">
            <input name="name" placeholder={t('namePlaceholder')} aria-label={t('name')} className={input} required />
            <select name="role" aria-label={t('role')} defaultValue="viewer" className={input}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <label className="text-sm">
              {t('expiresBefore')} <input name="days" type="number" min={1} max={366} defaultValue={90} aria-label={t('days')} className={`${input} w-20`} /> {t('expiresAfter')}
            </label>
          </div>
          <fieldset className="flex flex-wrap gap-3 text-sm">
            <label>
              <input type="radio" name="scope" value="all" defaultChecked /> {t('scopeAll')}
            </label>
            <label>
              <input type="radio" name="scope" value="stacks" /> {t('scopeOnly')}
            </label>
            {stacks.map((s) => (
              <label key={s}>
                <input type="checkbox" name="stacks" value={s} /> {s}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={pending} className="rounded-md bg-sky-700 px-3 py-1 text-sm hover:bg-sky-600 disabled:opacity-50">
            {t('create')}
          </button>
        </form>
        <p role="alert" className="min-h-5 text-sm text-rose-400">
          {error}
        </p>
        {created && (
          <div className="rounded-md border border-emerald-800 p-3 text-sm">
            <p className="text-emerald-300">{t.rich('copyNow', { code: (chunks) => <code>{chunks}</code> })}</p>
            <code data-testid="new-token" className="block break-all font-mono">
              {created}
            </code>
          </div>
        )}
      </section>
      <section className="divide-y divide-slate-800 rounded-xl border border-slate-800 bg-slate-900" data-testid="token-list">
        {tokens.length === 0 && <p className="p-4 text-sm text-slate-400">{t('none')}</p>}
        {tokens.map((tok) => (
          <div key={tok.id} className="flex flex-wrap items-center gap-3 p-4 text-sm" data-testid={`token-${tok.name}`}>
            <span className="font-medium">{tok.name}</span>
            <span>{tok.role}</span>
            <span className="text-slate-400">{tok.stacks ? tok.stacks.join(', ') : t('allStacks')}</span>
            <span className="text-slate-400">{t('expires', { date: tok.expiresAt.slice(0, 10) })}</span>
            <span className="text-slate-400">{tok.lastUsedAt ? t('lastUsed', { when: tok.lastUsedAt.slice(0, 16).replace('T', ' ') }) : t('neverUsed')}</span>
            {tok.revokedAt ? (
              <span className="text-amber-300">{t('revoked')}</span>
            ) : (
              <ActionForm action={revokeApiTokenAction} submitLabel={t('revoke')} confirm={t('confirmRevoke', { name: tok.name })}>
                <input type="hidden" name="id" value={tok.id} />
              </ActionForm>
            )}
          </div>
        ))}
      </section>
    </>
  );
}
