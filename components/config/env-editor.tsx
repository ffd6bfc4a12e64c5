'use client';

import { useState } from 'react';
import { useTranslations } from 'next-intl';
import type { EnvEntry } from '@/lib/config-edit';
import { revealEnvSecret } from '@/server-actions/reveal-env-secret';
import { EditReview } from './edit-review';
import { useEditFlow } from './use-edit-flow';

const input = 'w-full rounded-md border border-slate-700 bg-slate-950 px-2 py-1 font-mono text-xs';
const button = 'rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600 disabled:opacity-50';

interface Props {
  stack: string;
  sha: string;
  text: string;
  entries: EnvEntry[];
}

/**
 * The env file as a form (one field per variable; a secret's field stays empty unless the admin
 * types a new value or asks to reveal it) or as raw text with secrets as ⟦hidden:KEY⟧ markers.
 */
export function EnvEditor({ stack, sha, text, entries }: Props) {
  const [mode, setMode] = useState<'form' | 'raw'>('form');
  const [values, setValues] = useState<Record<string, string>>({});
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [added, setAdded] = useState<{ key: string; value: string }[]>([]);
  const [raw, setRaw] = useState(text);
  const t = useTranslations('config');
  const [revealError, setRevealError] = useState<string | null>(null);

  // Only what the admin touched: an untouched secret is never sent, so it is kept as it is.
  const changes = () => {
    const out: { key: string; value: string | null }[] = [];
    for (const e of entries) {
      const v = values[e.key];
      if (removed.has(e.key)) out.push({ key: e.key, value: null });
      else if (v !== undefined && (e.secret ? v !== '' : v !== e.value)) out.push({ key: e.key, value: v });
    }
    return [...out, ...added.filter((a) => a.key.trim()).map((a) => ({ key: a.key.trim(), value: a.value }))];
  };
  const flow = useEditFlow((): Record<string, string> => (mode === 'form' ? { stack, kind: 'env', baseSha: sha, mode, changes: JSON.stringify(changes()) } : { stack, kind: 'env', baseSha: sha, mode, text: raw }));

  const reveal = async (key: string) => {
    const r = await revealEnvSecret(null, { stack, key });
    if (r.ok) setValues((v) => ({ ...v, [key]: r.data.value }));
    else setRevealError(r.error);
  };

  return (
    <div data-testid="env-editor" className="space-y-3">
      <div className="flex gap-2 text-sm" role="tablist">
        {(['form', 'raw'] as const).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} onClick={() => setMode(m)} className={`rounded-md px-3 py-1 ${mode === m ? 'bg-slate-700' : 'text-slate-400 hover:text-slate-50'}`}>
            {m === 'form' ? t('env.form') : t('env.raw')}
          </button>
        ))}
      </div>
      {mode === 'form' ? (
        // On a phone each variable is a small card (name, value, actions stacked) rather than a row wider than the screen.
        <table className="block w-full text-left text-sm sm:table">
          <tbody className="block sm:table-row-group">
            {entries.map((e) => (
              <tr key={e.key} className="grid grid-cols-1 border-t border-slate-800 py-1 sm:table-row sm:py-0" data-testid={`env-row-${e.key}`}>
                <td className="break-all px-2 py-1 font-mono text-xs sm:w-1/3">
                  <label htmlFor={`env-${e.key}`}>{e.key}</label>
                  {e.secret && <span className="ml-2 text-xs text-amber-300">{t('env.secret')}</span>}
                </td>
                <td className="px-2 py-1">
                  <input
                    id={`env-${e.key}`}
                    aria-label={e.key}
                    disabled={removed.has(e.key)}
                    className={input}
                    value={values[e.key] ?? e.value}
                    placeholder={e.secret ? (e.set ? t('env.secretUnchanged') : t('env.notSet')) : ''}
                    onChange={(ev) => setValues({ ...values, [e.key]: ev.target.value })}
                  />
                </td>
                <td className="px-2 py-1 sm:w-40 sm:text-right">
                  {e.secret && e.set && values[e.key] === undefined && (
                    <button type="button" className="mr-2 px-1 text-xs text-sky-300 hover:underline" onClick={() => void reveal(e.key)}>{t('env.reveal')}</button>
                  )}
                  <label className="inline-flex items-center gap-1 text-xs text-slate-400">
                    <input type="checkbox" checked={removed.has(e.key)} onChange={(ev) => { const next = new Set(removed); if (ev.target.checked) next.add(e.key); else next.delete(e.key); setRemoved(next); }} /> {t('env.remove')}
                  </label>
                </td>
              </tr>
            ))}
            {added.map((a, i) => (
              <tr key={`new-${i}`} className="grid grid-cols-1 border-t border-slate-800 py-1 sm:table-row sm:py-0">
                <td className="px-2 py-1"><input aria-label={t('env.newName')} className={input} value={a.key} onChange={(ev) => setAdded(added.map((x, j) => (j === i ? { ...x, key: ev.target.value } : x)))} /></td>
                <td className="px-2 py-1"><input aria-label={t('env.newValue')} className={input} value={a.value} onChange={(ev) => setAdded(added.map((x, j) => (j === i ? { ...x, value: ev.target.value } : x)))} /></td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <textarea aria-label={t('env.text')} spellCheck={false} className={`${input} h-96`} value={raw} onChange={(e) => setRaw(e.target.value)} />
      )}
      {revealError && <p role="alert" className="text-sm text-rose-400">{revealError}</p>}
      <div className="flex flex-wrap items-center gap-2">
        {mode === 'form' && <button type="button" className={button} onClick={() => setAdded([...added, { key: '', value: '' }])}>{t('env.add')}</button>}
        <button type="button" className={button} disabled={flow.pending} onClick={flow.preview}>{t('review')}</button>
        {flow.canSave && <button type="button" className="rounded-md bg-sky-700 px-3 py-1 text-sm hover:bg-sky-600 disabled:opacity-50" disabled={flow.pending} onClick={flow.save}>{t('save')}</button>}
        <span role="status" aria-live="polite" className={`text-sm ${flow.message?.ok ? 'text-emerald-400' : 'text-rose-400'}`}>{flow.message?.text}</span>
      </div>
      {flow.review && <EditReview review={flow.review} />}
    </div>
  );
}
