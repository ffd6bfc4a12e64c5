import { useTranslations } from 'next-intl';
import type { EnvDiffRow, LineDiffRow, Validation } from '@/lib/config-edit';
import { renderSaid, type Said } from '@/lib/i18n/said';

export interface Review {
  validation: Validation;
  envDiff: EnvDiffRow[];
  lineDiff: LineDiffRow[];
  summary: string;
}

const OP_STYLE = { '+': 'bg-emerald-950 text-emerald-200', '-': 'bg-rose-950 text-rose-200', ' ': 'text-slate-300', '…': 'text-slate-500' } as const;

/** The checks of an edit and what it changes: secrets appear only as "changed". */
export function EditReview({ review }: { review: Review }) {
  const { validation, envDiff, lineDiff } = review;
  const t = useTranslations('config.checks');
  const ts = useTranslations('server');
  // A check's keyed text in the reader's language; its English (or a tool's own words) otherwise.
  const said = (k: Said | undefined, text: string) => (k ? renderSaid(ts, { ...k, text }) : text);
  return (
    <div data-testid="config-review" className="space-y-3 text-sm">
      <ul data-testid="config-checks" className="space-y-1">
        {validation.errors.map((p, i) => (
          <li key={`e${i}`} className="text-rose-300">✗ {said(p.said?.title, p.title)} <span className="text-slate-400">({said(p.said?.where, p.where)})</span> — {said(p.said?.fix, p.fix)}</li>
        ))}
        {validation.warnings.map((p, i) => (
          <li key={`w${i}`} className="text-amber-300">! {said(p.said?.title, p.title)} <span className="text-slate-400">({said(p.said?.where, p.where)})</span> — {said(p.said?.fix, p.fix)}</li>
        ))}
        {validation.ok && <li className="text-emerald-300">{t('pass')}</li>}
      </ul>
      {envDiff.length > 0 && (
        <div className="overflow-x-auto">
        <table data-testid="config-diff" className="w-full text-left">
          <thead className="text-xs uppercase text-slate-500">
            <tr><th className="px-2 py-1">{t('variable')}</th><th className="px-2 py-1">{t('change')}</th><th className="px-2 py-1">{t('before')}</th><th className="px-2 py-1">{t('after')}</th></tr>
          </thead>
          <tbody className="font-mono text-xs">
            {envDiff.map((r) => (
              <tr key={r.key} className="border-t border-slate-800">
                <td className="px-2 py-1">{r.key}</td>
                <td className="px-2 py-1">{r.secret ? t('secretChange', { change: t(`changeKinds.${r.change}`) }) : t(`changeKinds.${r.change}`)}</td>
                <td className="px-2 py-1 text-rose-300">{r.secret ? (r.change === 'added' ? '' : '••••') : (r.before ?? '')}</td>
                <td className="px-2 py-1 text-emerald-300">{r.secret ? (r.change === 'removed' ? '' : t('secretChanged')) : (r.after ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {lineDiff.length > 0 && (
        <pre data-testid="config-diff" role="region" tabIndex={0} aria-label={t('diff')} className="max-h-96 overflow-auto rounded-md border border-slate-800 bg-slate-950 p-2 font-mono text-xs">
          {lineDiff.map((r, i) => (
            <div key={i} className={OP_STYLE[r.op]}>{r.op === '…' ? '…' : `${r.op} ${r.text}`}</div>
          ))}
        </pre>
      )}
      {envDiff.length === 0 && lineDiff.length === 0 && <p className="text-slate-400">{t('noChange')}</p>}
    </div>
  );
}
