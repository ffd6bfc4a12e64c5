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

/** The column's name, shown inside the cell only where the table is laid out as cards (phones). */
function Label({ text }: { text: string }) {
  return <span className="block text-xs uppercase text-slate-500 sm:hidden">{text}</span>;
}

export function BackupTable({ stack, entries, canDownload, canAdmin }: { stack: string; entries: BackupEntry[]; canDownload: boolean; canAdmin: boolean }) {
  const t = useTranslations('backups.table');
  if (entries.length === 0) {
    return <p className="rounded-xl border border-slate-800 bg-slate-900 px-5 py-4 text-sm text-slate-400">{t('none')}</p>;
  }
  return (
    // Below `sm` each row is a card (label beside value, actions full width) instead of a table wider than the phone.
    <div role="region" tabIndex={0} aria-label={t('label')} className="overflow-x-auto rounded-xl border border-slate-800 bg-slate-900">
      <table data-testid="backup-table" className="block w-full text-left text-sm sm:table">
        <thead className="hidden text-xs uppercase text-slate-500 sm:table-header-group">
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
        <tbody className="block sm:table-row-group">
          {entries.map((e) => (
            <tr key={e.id} data-testid={`backup-${e.id}`} data-reason={e.manifest.reason} className="grid grid-cols-2 gap-x-3 border-t border-slate-800 py-2 align-top first:border-t-0 sm:table-row sm:py-0 sm:first:border-t">
              <td className="col-span-2 px-4 py-1 sm:px-4 sm:py-2">
                <div className="font-medium sm:font-normal">{formatWhen(e.manifest.finishedAt)}</div>
                <div className="break-all text-xs text-slate-500">{e.id}</div>
              </td>
              <td className="px-4 py-1 sm:py-2">
                <Label text={t('kind')} />
                {REASONS.includes(e.manifest.reason) ? t(`reason.${e.manifest.reason}`) : e.manifest.reason}
                {e.manifest.importedFrom && <div className="break-all text-xs text-slate-500">{t('from', { source: e.manifest.importedFrom })}</div>}
              </td>
              <td className="px-4 py-1 sm:py-2"><Label text={t('size')} /><span data-testid="backup-size">{formatBytes(e.manifest.size)}</span></td>
              <td className="px-4 py-1 sm:py-2"><Label text={t('checks')} /><Badge entry={e} /></td>
              <td className="px-4 py-1 sm:py-2"><Label text={t('schema')} />{e.manifest.schemaVersion ?? '—'}</td>
              <td className="px-4 py-1 text-xs sm:py-2"><Label text={t('app')} />{e.manifest.appVersion ?? '—'}</td>
              <td className="px-4 py-1 sm:py-2"><Label text={t('by')} />{e.manifest.createdBy ?? t('scheduler')}</td>
              <td className="col-span-2 space-y-1 px-4 py-1 sm:py-2 sm:text-right">
                <div className="flex flex-wrap gap-2 sm:justify-end">
                  {canDownload && (
                    <a href={`/api/stacks/${encodeURIComponent(stack)}/backups/${encodeURIComponent(e.id)}/download`} className="flex min-h-11 items-center rounded-md bg-slate-700 px-3 py-1 text-xs hover:bg-slate-600 sm:min-h-0 sm:px-2" download>
                      {t('download')}
                    </a>
                  )}
                  {canAdmin && <RestoreDialog stack={stack} backupId={e.id} />}
                </div>
                {canAdmin && (
                  <ActionForm action={deleteBackup} submitLabel={t('delete')} confirm={t('confirmDelete', { id: e.id })} className="sm:justify-end">
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
