import { useTranslations } from 'next-intl';
import type { AuditRow } from '@/lib/audit/audit-log';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';
const RESULT_STYLE: Record<string, string> = { ok: 'text-emerald-400', error: 'text-rose-400', denied: 'text-amber-400' };

const RESULTS = ['ok', 'error', 'denied'] as const;

const COLUMNS = ['when', 'who', 'from', 'what', 'stack', 'target', 'result', 'detail'] as const;

/** A GET form: filters live in the URL, so a filtered view can be shared or bookmarked. */
export function AuditTable({ rows, total, filter, invalid }: { rows: AuditRow[]; total: number; filter: Record<string, string>; invalid: string | null }) {
  const t = useTranslations('admin.audit');
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <form method="get" className="flex flex-wrap gap-2 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-4">
        <input name="actor" defaultValue={filter.actor} placeholder={t('whoPlaceholder')} aria-label={t('who')} className={input} />
        <input name="action" defaultValue={filter.action} placeholder={t('actionPlaceholder')} aria-label={t('action')} className={input} />
        <input name="stack" defaultValue={filter.stack} placeholder={t('stackPlaceholder')} aria-label={t('stack')} className={input} />
        <select name="result" defaultValue={filter.result ?? ''} aria-label={t('result')} className={input}>
          <option value="">{t('anyResult')}</option>
          {RESULTS.map((r) => <option key={r} value={r}>{t(`results.${r}`)}</option>)}
        </select>
        <button className="rounded-md bg-slate-700 px-3 py-1 text-sm hover:bg-slate-600">{t('filter')}</button>
        {invalid && <p role="alert" className="w-full text-sm text-rose-400">{t('invalid', { problem: invalid })}</p>}
      </form>
      <p className="text-sm text-slate-400">{t('total', { total })}</p>
      <div className="overflow-x-auto" role="region" tabIndex={0} aria-label={t('records')}>
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            {COLUMNS.map((h) => (
              <th key={h} className="px-2 py-2">
                {t(`columns.${h}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-800 align-top">
              <td className="whitespace-nowrap px-2 py-1 font-mono text-xs">{r.at}</td>
              <td className="px-2 py-1">
                {r.actor} <span className="text-xs text-slate-500">{r.role}</span>
              </td>
              <td className="px-2 py-1 font-mono text-xs">{r.ip}</td>
              <td className="px-2 py-1">{r.action}</td>
              <td className="px-2 py-1">{r.stack}</td>
              <td className="px-2 py-1">{r.target}</td>
              <td className={`px-2 py-1 ${RESULT_STYLE[r.result] ?? ''}`}>{(RESULTS as readonly string[]).includes(r.result) ? t(`results.${r.result as (typeof RESULTS)[number]}`) : r.result}</td>
              <td className="px-2 py-1 text-xs text-slate-400">{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </>
  );
}
