import { ActionForm } from '@/components/ui/action-form';
import { formatWhen } from '@/components/jobs/format';
import type { BackupSettings } from '@/lib/backup';
import { saveBackupSchedule } from '@/server-actions/save-backup-schedule';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

function Summary({ s, next }: { s: BackupSettings; next: string | null }) {
  const r = s.retention;
  const keep = [r.keepLast && `the last ${r.keepLast}`, r.keepDaily && `one a day for ${r.keepDaily} days`, r.keepWeekly && `one a week for ${r.keepWeekly} weeks`].filter(Boolean);
  return (
    <p data-testid="schedule-summary" className="text-sm text-slate-300">
      {s.cron ? <>Scheduled: <code>{s.cron}</code> (server time){next ? `, next at ${formatWhen(next)}` : ''}.</> : 'No scheduled backups.'}{' '}
      {keep.length ? `Keeps ${keep.join(', ')}, and always the newest verified backup.` : 'Keeps every backup.'}
      {s.lastRunAt && ` Last scheduled run ${formatWhen(s.lastRunAt)}.`}
    </p>
  );
}

/** Schedule and retention: read by everyone, changed by an admin (retention deletes backups). */
export function ScheduleForm({ stack, settings, next, canEdit }: { stack: string; settings: BackupSettings; next: string | null; canEdit: boolean }) {
  const r = settings.retention;
  return (
    <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <h2 className="font-semibold">Schedule and retention</h2>
      <Summary s={settings} next={next} />
      {canEdit && (
        <ActionForm action={saveBackupSchedule} submitLabel="Save schedule" testId="schedule-form" className="items-end">
          <input type="hidden" name="stack" value={stack} />
          <label className="text-xs text-slate-400">
            When (cron: minute hour day month weekday; empty = never)
            <input name="cron" defaultValue={settings.cron ?? ''} placeholder="0 2 * * *  (every day at 02:00)" className={`${input} block w-full sm:w-64`} aria-label="Schedule" />
          </label>
          <label className="text-xs text-slate-400">
            Keep last
            <input name="keepLast" type="number" min={1} defaultValue={r.keepLast ?? ''} className={`${input} block w-20`} aria-label="Keep last" />
          </label>
          <label className="text-xs text-slate-400">
            Daily for (days)
            <input name="keepDaily" type="number" min={1} defaultValue={r.keepDaily ?? ''} className={`${input} block w-20`} aria-label="Keep daily" />
          </label>
          <label className="text-xs text-slate-400">
            Weekly for (weeks)
            <input name="keepWeekly" type="number" min={1} defaultValue={r.keepWeekly ?? ''} className={`${input} block w-20`} aria-label="Keep weekly" />
          </label>
          <label className="flex items-center gap-1 text-xs text-slate-400">
            <input name="testRestore" type="checkbox" defaultChecked={settings.testRestore} /> test-restore each scheduled backup
          </label>
        </ActionForm>
      )}
    </section>
  );
}
