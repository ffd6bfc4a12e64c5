import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { ConfirmFields } from '@/components/ui/confirm-fields';
import type { PointPreviewRecord } from '@/lib/pitr';
import { restorePointInTime } from '@/server-actions/restore-point-in-time';
import { formatSecond } from './format';

/**
 * The rebuilt moment, before anything changes: row counts of the main tables and their newest rows'
 * times, then what a restore does and its confirmation (the stack's name and the admin's password).
 */
export function PreviewCard({ stack, record }: { stack: string; record: PointPreviewRecord }) {
  const t = useTranslations('pitr');
  const p = record.preview;
  return (
    <div data-testid="pitr-preview" data-target={record.target} className="space-y-3 rounded-lg border border-sky-900 bg-slate-950/60 px-4 py-3">
      <h3 className="font-medium">{t('previewHeading', { target: formatSecond(record.target) })}</h3>
      <p className="text-xs text-slate-400">
        {t('previewMade', { by: record.by, when: formatSecond(record.madeAt), job: record.jobId, schema: p.schemaVersion ?? t('schemaUnknown'), pg: p.postgresVersion })}
      </p>
      {p.tables.length === 0 ? (
        <p className="text-sm text-slate-400">{t('noTables')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr><th className="py-1 pr-3">{t('table')}</th><th className="py-1 pr-3">{t('rows')}</th><th className="py-1">{t('newest')}</th></tr>
            </thead>
            <tbody>
              {p.tables.map((row) => (
                <tr key={row.name} data-testid={`pitr-preview-${row.name}`} className="border-t border-slate-800">
                  <td className="py-1 pr-3"><code>{row.name}</code></td>
                  <td data-testid="pitr-preview-rows" className="py-1 pr-3">{row.rows}</td>
                  <td className="py-1">{row.newest ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {record.restoreJob ? (
        <p data-testid="pitr-preview-restored" className="text-sm text-slate-300">{t('restoreOfPreview', { job: record.restoreJob })}</p>
      ) : (
        <>
          <div className="text-sm text-slate-300">
            <p className="font-medium">{t('stepsTitle')}</p>
            <ol className="ml-5 list-decimal space-y-0.5 text-slate-400">
              <li>{t('step1')}</li>
              <li>{t('step2')}</li>
              <li>{t('step3')}</li>
            </ol>
            <p className="mt-1 text-slate-400">{t('step4')}</p>
          </div>
          <ActionForm action={restorePointInTime} submitLabel={t('restoreButton')} testId="pitr-restore-form" className="items-end">
            <input type="hidden" name="stack" value={stack} />
            <input type="hidden" name="previewJob" value={record.jobId} />
            <ConfirmFields nameLabel={t.rich('confirmName', { stack, code: (chunks) => <code className="rounded bg-slate-800 px-1">{chunks}</code> })} nameAria={t('confirmNameLabel')} passwordLabel={t('password')} />
          </ActionForm>
        </>
      )}
    </div>
  );
}
