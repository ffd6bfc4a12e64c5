import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { formatWhen } from '@/components/jobs/format';
import type { BackupSettings } from '@/lib/backup';
import { saveBackupSchedule } from '@/server-actions/save-backup-schedule';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

function Summary({ s, next }: { s: BackupSettings; next: string | null }) {
  const r = s.retention;
  const t = useTranslations('backups.schedule');
  const keep = [r.keepLast && t('keepLast', { count: r.keepLast }), r.keepDaily && t('keepDaily', { count: r.keepDaily }), r.keepWeekly && t('keepWeekly', { count: r.keepWeekly })].filter(Boolean);
  const code = (chunks: React.ReactNode) => <code>{chunks}</code>;
  return (
    <p data-testid="schedule-summary" className="text-sm text-slate-300">
      {s.cron ? (next ? t.rich('scheduledNext', { cron: s.cron, next: formatWhen(next), code }) : t.rich('scheduled', { cron: s.cron, code })) : t('none')}{' '}
      {keep.length ? t('keeps', { rules: keep.join(', ') }) : t('keepsAll')}
      {s.lastRunAt && ` ${t('lastRun', { when: formatWhen(s.lastRunAt) })}`}
    </p>
  );
}

/** Schedule and retention: read by everyone, changed by an admin (retention deletes backups). */
export function ScheduleForm({ stack, settings, next, canEdit }: { stack: string; settings: BackupSettings; next: string | null; canEdit: boolean }) {
  const r = settings.retention;
  const t = useTranslations('backups.schedule');
  return (
    <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <h2 className="font-semibold">{t('title')}</h2>
      <Summary s={settings} next={next} />
      {canEdit && (
        <ActionForm action={saveBackupSchedule} submitLabel={t('save')} testId="schedule-form" className="items-end">
          <input type="hidden" name="stack" value={stack} />
          <label className="text-xs text-slate-400">
            {t('when')}
            <input name="cron" defaultValue={settings.cron ?? ''} placeholder={t('whenPlaceholder')} className={`${input} block w-full sm:w-64`} aria-label={t('schedule')} />
          </label>
          <label className="text-xs text-slate-400">
            {t('last')}
            <input name="keepLast" type="number" min={1} defaultValue={r.keepLast ?? ''} className={`${input} block w-20`} aria-label={t('last')} />
          </label>
          <label className="text-xs text-slate-400">
            {t('daily')}
            <input name="keepDaily" type="number" min={1} defaultValue={r.keepDaily ?? ''} className={`${input} block w-20`} aria-label={t('dailyLabel')} />
          </label>
          <label className="text-xs text-slate-400">
            {t('weekly')}
            <input name="keepWeekly" type="number" min={1} defaultValue={r.keepWeekly ?? ''} className={`${input} block w-20`} aria-label={t('weeklyLabel')} />
          </label>
          <label className="flex items-center gap-1 text-xs text-slate-400">
            <input name="testRestore" type="checkbox" defaultChecked={settings.testRestore} /> {t('testRestore')}
          </label>
        </ActionForm>
      )}
    </section>
  );
}
