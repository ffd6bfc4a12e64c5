import { useTranslations } from 'next-intl';
import type { DoctorReport } from '@/lib/doctor/types';
import { renderSaid, type Said } from '@/lib/i18n/said';

/** The config check's findings, each with where and what to change. */
export function DoctorPanel({ report }: { report: DoctorReport }) {
  const t = useTranslations('status.doctor');
  const ts = useTranslations('server');
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  // What was (not) checked, keyed in reports made since keys (older ones keep their English).
  const list = (said: Said[] | undefined, english: string[]) => (said ? said.map((s) => renderSaid(ts, s)) : english).join(t('separator'));
  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-4" data-testid="doctor" aria-labelledby="doctor-title">
      <h2 id="doctor-title" className="font-semibold">
        {t('title')}{' '}
        <span className={`text-sm font-normal ${errors ? 'text-rose-300' : report.findings.length ? 'text-amber-300' : 'text-emerald-300'}`}>
          {report.findings.length === 0 ? t('noProblems') : t('findings', { count: report.findings.length })}
        </span>
      </h2>
      {report.findings.length > 0 && (
        <ul className="mt-2 space-y-2">
          {report.findings.map((f, i) => (
            <li key={i} data-testid="finding" data-kind={f.kind} className={`rounded-md border p-3 text-sm ${f.severity === 'error' ? 'border-rose-800 bg-rose-950/30' : 'border-amber-800 bg-amber-950/30'}`}>
              <p className="font-medium">{f.said ? renderSaid(ts, f.said.title) : f.title}</p>
              <p className="text-xs text-slate-400"><code className="break-all">{f.where}</code></p>
              <p className="mt-1 text-slate-200">{f.said?.fix ? renderSaid(ts, f.said.fix) : f.fix}</p>
              {f.evidence && (
                <details className="mt-1 text-xs text-slate-400">
                  <summary>{t('evidence')}</summary>
                  <pre className="whitespace-pre-wrap break-words">{f.evidence}</pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-2 text-xs text-slate-500">
        {t('checked', { checked: list(report.said?.checked, report.checked) || t('nothing') })}
        {report.skipped.length > 0 && t('notChecked', { skipped: list(report.said?.skipped, report.skipped) })}
      </p>
    </section>
  );
}
