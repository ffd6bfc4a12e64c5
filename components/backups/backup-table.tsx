import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { formatBytes, formatWhen } from '@/components/jobs/format';
import type { BackupEntry } from '@/lib/backup';
import { deleteBackup } from '@/server-actions/delete-backup';
import { RestoreDialog } from './restore-dialog';

const REASONS = ['manual', 'scheduled', 'pre-restore', 'pre-upgrade', 'imported', 'point-in-time'];

function Badge({ entry }: { entry: BackupEntry }) {
  const t = useTranslations('backups.table');
  const m = entry.manifest;
  if (entry.problem) return <span title={entry.problem} className="rounded bg-rose-900 px-2 py-0.5 text-xs text-rose-200">{t('damaged')}</span>;
  if (!m.verified.ok) return <span title={m.verified.detail ?? ''} className="rounded bg-amber-900 px-2 py-0.5 text-xs text-amber-200">{t('unverified')}</span>;
  const title = `${m.verified.method}${m.testRestore?.ok ? `; test restore: ${Object.entries(m.testRestore.tables ?? {}).map(([t, n]) => `${t} ${n} rows`).join(', ')}` : ''}`;
  return (
    <span title={title} className="rounded bg-emerald-900 px-2 py-0.5 text-xs text-emerald-200">
      {m.testRestore?.ok ? t('verifiedTested') : t('verified')}
    </span>
  );
}

export function BackupTable({ stack, entries, canDownload, canAdmin }: { stack: string; entries: BackupEntry[]; canDownload: boolean; canAdmin: boolean }) {
  const t = useTranslations('backups.table');
  if (entries.length === 0) {
    return <p className="rounded-xl border border-slate-800 bg-slate-900 px-5 py-4 text-sm text-slate-400">{t('none')}</p>;
  }
  return (
    <div role="region" tabIndex={0} aria-label={t('label')} className="overflow-x-auto rounded-xl border border-slate-800 bg-slate-900">
      <table data-testid="backup-table" className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="px-4 py-2">{t('when')}</th>
            <th className="px-4 py-2">{t('kind')}</th>
            <th className="px-4 py-2">{t('size')}</th>
            <th className="px-4 py-2">{t('checks')}</th>
            <th className="px-4 py-2">{t('schema')}</th>
            <th className="px-4 py-2">{t('app')}</th>
            <th className="px-4 py-2">{t('by')}</th>
            <th className="px-4 py-2">
              <span className="sr-only">{t('actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid={`backup-${e.id}`} data-reason={e.manifest.reason} className="border-t border-slate-800 align-top">
              <td className="px-4 py-2">
                <div>{formatWhen(e.manifest.finishedAt)}</div>
                <div className="text-xs text-slate-500">{e.id}</div>
              </td>
              <td className="px-4 py-2">
                {REASONS.includes(e.manifest.reason) ? t(`reason.${e.manifest.reason}`) : e.manifest.reason}
                {e.manifest.importedFrom && <div className="text-xs text-slate-500">{t('from', { source: e.manifest.importedFrom })}</div>}
              </td>
              <td data-testid="backup-size" className="px-4 py-2">{formatBytes(e.manifest.size)}</td>
              <td className="px-4 py-2"><Badge entry={e} /></td>
              <td className="px-4 py-2">{e.manifest.schemaVersion ?? '—'}</td>
              <td className="px-4 py-2 text-xs">{e.manifest.appVersion ?? '—'}</td>
              <td className="px-4 py-2">{e.manifest.createdBy ?? t('scheduler')}</td>
              <td className="space-y-1 px-4 py-2 text-right">
                <div className="flex flex-wrap justify-end gap-2">
                  {canDownload && (
                    <a href={`/api/stacks/${encodeURIComponent(stack)}/backups/${encodeURIComponent(e.id)}/download`} className="flex min-h-11 items-center rounded-md bg-slate-700 px-2 py-1 text-xs hover:bg-slate-600 sm:min-h-0" download>
                      {t('download')}
                    </a>
                  )}
                  {canAdmin && <RestoreDialog stack={stack} backupId={e.id} />}
                </div>
                {canAdmin && (
                  <ActionForm action={deleteBackup} submitLabel={t('delete')} confirm={t('confirmDelete', { id: e.id })} className="justify-end">
                    <input type="hidden" name="stack" value={stack} />
                    <input type="hidden" name="backupId" value={e.id} />
                  </ActionForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
