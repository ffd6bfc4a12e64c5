import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { JobLog } from '@/components/jobs/job-log';
import { createBackup } from '@/server-actions/create-backup';
import { BackupTable } from './backup-table';
import { ImportPanel } from './import-panel';
import { KeptDatabases } from './kept-databases';
import type { OffsiteTargetView } from '@/lib/views/offsite';
import { OffsiteSection } from './offsite-section';
import type { BackupsData } from '@/lib/views/backups';
import { RecentJobs } from './recent-jobs';
import { PitrSection } from '@/components/pitr/pitr-section';
import type { PitrView } from '@/lib/views/pitr';
import { ScheduleForm } from './schedule-form';

export interface BackupsPermissions {
  /** operator: take backups. */
  operate: boolean;
  /** download backup files: admin unless the stack's `backups.download` says otherwise. */
  download: boolean;
  /** admin: restore, undo, delete, schedule, import (upload or folder): an import can be restored over the live database. */
  admin: boolean;
}

export function BackupsView({ stack, backupDir, data, can, offsite = [], pitr = null }: { stack: string; backupDir: string; data: BackupsData; can: BackupsPermissions; offsite?: OffsiteTargetView[]; pitr?: PitrView | null }) {
  const running = data.current?.status === 'running';
  const t = useTranslations('backups');
  return (
    <div className="space-y-5">
      <section className="flex flex-wrap items-center gap-4 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
        <div className="mr-auto">
          <h2 className="font-semibold">{t('title')}</h2>
          <p className="text-sm text-slate-400">
            {t.rich('storedIn', { dir: backupDir, code: (chunks) => <code className="break-all">{chunks}</code> })}
          </p>
        </div>
        {can.operate && (
          <ActionForm action={createBackup} submitLabel={t('backUpNow')} testId="create-backup">
            <input type="hidden" name="stack" value={stack} />
            <label className="flex items-center gap-1 text-xs text-slate-400">
              <input type="checkbox" name="testRestore" /> {t('alsoTestRestore')}
            </label>
          </ActionForm>
        )}
      </section>
      {data.folderError && <p role="alert" className="text-sm text-rose-300">{data.folderError}</p>}
      {data.current && <JobLog key={`${data.current.id}-${running}`} jobId={data.current.id} initial={data.current} refreshOnEnd />}
      <KeptDatabases stack={stack} kept={data.kept} error={data.keptError} canAdmin={can.admin} />
      {pitr && <PitrSection stack={stack} view={pitr} canAdmin={can.admin} />}
      <BackupTable stack={stack} entries={data.entries} canDownload={can.download} canAdmin={can.admin} />
      <OffsiteSection stack={stack} targets={offsite} canAdmin={can.admin} />
      <ScheduleForm stack={stack} settings={data.settings} next={data.next} canEdit={can.admin} />
      {can.admin && <ImportPanel stack={stack} loose={data.loose} />}
      <RecentJobs stack={stack} jobs={data.jobs} shown={data.current?.id ?? null} />
    </div>
  );
}
