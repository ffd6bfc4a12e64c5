'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import type { AiRoleSettings } from '@/lib/ai-health/env-settings';
import type { ActionResult } from '@/server-actions/define-action';
import { saveAiSettings } from '@/server-actions/save-ai-settings';
import { testAiSettings } from '@/server-actions/test-ai-settings';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';
const button = 'rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600 disabled:opacity-50';

/** Provider, model, base URL and key of one role, written to the env file; testable before saving. */
export function AiEnvSettingsForm({ stack, baseSha, s }: { stack: string; baseSha: string; s: AiRoleSettings }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const t = useTranslations('ai.env');
  const [f, setF] = useState({ provider: s.provider, model: s.model, baseUrl: s.baseUrl, apiKey: '' });
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  // The version this form was opened on, kept while the page refreshes itself: a save made by
  // someone else in between must meet a conflict, not be overwritten. Our own save moves it on.
  const [base, setBase] = useState(baseSha);
  const fields = () => ({ stack, role: s.role, provider: f.provider, baseUrl: f.baseUrl, apiKey: f.apiKey, ...(s.modelVar ? { model: f.model } : {}) });
  const report = (r: ActionResult<{ ok?: boolean; sha?: string }>) =>
    setStatus(r.ok ? { ok: r.data.ok !== false, text: r.message ?? '' } : { ok: false, text: [r.error, ...Object.values(r.fieldErrors ?? {}).flat()].join(' ') });
  return (
    <form data-testid="ai-env-settings-form" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      {s.providers.length > 1 && (
        <label className="text-xs text-slate-400">
          {t('provider', { name: s.providerVar ?? '' })}
          <select className={`${input} block`} value={f.provider} onChange={(e) => setF({ ...f, provider: e.target.value })}>
            {s.providers.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
      )}
      {s.modelVar && (
        <label className="text-xs text-slate-400">
          {t('model', { name: s.modelVar ?? '' })}
          <input className={`${input} block`} value={f.model} onChange={(e) => setF({ ...f, model: e.target.value })} />
        </label>
      )}
      <label className="w-full text-xs text-slate-400 sm:w-auto">
        {t('baseUrl', { name: s.baseUrlVar })}
        <input className={`${input} block w-full sm:w-72`} value={f.baseUrl} onChange={(e) => setF({ ...f, baseUrl: e.target.value })} />
      </label>
      {s.keyVar && (
        <label className="text-xs text-slate-400">
          {t('apiKey', { name: s.keyVar ?? '' })}
          <input type="password" autoComplete="off" className={`${input} block w-full sm:w-64`} value={f.apiKey} placeholder={s.keySet ? t('unchanged') : t('notSet')} onChange={(e) => setF({ ...f, apiKey: e.target.value })} />
        </label>
      )}
      <button type="button" className={button} disabled={pending} onClick={() => start(async () => report(await testAiSettings(null, fields())))}>{t('test')}</button>
      <button
        type="button"
        className="rounded-md bg-sky-700 px-3 py-1 text-sm hover:bg-sky-600 disabled:opacity-50"
        disabled={pending}
        onClick={() => start(async () => {
          const r = await saveAiSettings(null, { ...fields(), baseSha: base });
          report(r);
          if (r.ok) {
            setBase(r.data.sha);
            setF((x) => ({ ...x, apiKey: '' }));
            router.refresh();
          }
        })}
      >
        {t('save')}
      </button>
      <span role="status" aria-live="polite" className={`basis-full text-sm ${status?.ok ? 'text-emerald-400' : 'text-rose-400'}`}>{status?.text}</span>
    </form>
  );
}
