import { ActionForm } from '@/components/ui/action-form';
import { formatBytes, formatWhen } from '@/components/jobs/format';
import type { BackupEntry } from '@/lib/backup';
import { deleteBackup } from '@/server-actions/delete-backup';
import { RestoreDialog } from './restore-dialog';

const REASON: Record<string, string> = {
  manual: 'on demand', scheduled: 'scheduled', 'pre-restore': 'safety (before a restore)', 'pre-upgrade': 'safety (before an upgrade)', imported: 'imported', 'point-in-time': 'point in time (rebuilt from WAL)',
};

function Badge({ entry }: { entry: BackupEntry }) {
  const m = entry.manifest;
  if (entry.problem) return <span title={entry.problem} className="rounded bg-rose-900 px-2 py-0.5 text-xs text-rose-200">damaged</span>;
  if (!m.verified.ok) return <span title={m.verified.detail ?? ''} className="rounded bg-amber-900 px-2 py-0.5 text-xs text-amber-200">unverified</span>;
  const title = `${m.verified.method}${m.testRestore?.ok ? `; test restore: ${Object.entries(m.testRestore.tables ?? {}).map(([t, n]) => `${t} ${n} rows`).join(', ')}` : ''}`;
  return (
    <span title={title} className="rounded bg-emerald-900 px-2 py-0.5 text-xs text-emerald-200">
      verified{m.testRestore?.ok ? ' + test-restored' : ''}
    </span>
  );
}

export function BackupTable({ stack, entries, canDownload, canAdmin }: { stack: string; entries: BackupEntry[]; canDownload: boolean; canAdmin: boolean }) {
  if (entries.length === 0) {
    return <p className="rounded-xl border border-slate-800 bg-slate-900 px-5 py-4 text-sm text-slate-400">No backups yet.</p>;
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-800 bg-slate-900">
      <table data-testid="backup-table" className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="px-4 py-2">When</th>
            <th className="px-4 py-2">Kind</th>
            <th className="px-4 py-2">Size</th>
            <th className="px-4 py-2">Checks</th>
            <th className="px-4 py-2">Schema</th>
            <th className="px-4 py-2">App</th>
            <th className="px-4 py-2">By</th>
            <th className="px-4 py-2" />
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
                {REASON[e.manifest.reason] ?? e.manifest.reason}
                {e.manifest.importedFrom && <div className="text-xs text-slate-500">from {e.manifest.importedFrom}</div>}
              </td>
              <td data-testid="backup-size" className="px-4 py-2">{formatBytes(e.manifest.size)}</td>
              <td className="px-4 py-2"><Badge entry={e} /></td>
              <td className="px-4 py-2">{e.manifest.schemaVersion ?? '—'}</td>
              <td className="px-4 py-2 text-xs">{e.manifest.appVersion ?? '—'}</td>
              <td className="px-4 py-2">{e.manifest.createdBy ?? 'scheduler'}</td>
              <td className="space-y-1 px-4 py-2 text-right">
                <div className="flex flex-wrap justify-end gap-2">
                  {canDownload && (
                    <a href={`/api/stacks/${encodeURIComponent(stack)}/backups/${encodeURIComponent(e.id)}/download`} className="rounded-md bg-slate-700 px-2 py-1 text-xs hover:bg-slate-600" download>
                      Download
                    </a>
                  )}
                  {canAdmin && <RestoreDialog stack={stack} backupId={e.id} />}
                </div>
                {canAdmin && (
                  <ActionForm action={deleteBackup} submitLabel="Delete" confirm={`Delete backup ${e.id}? The file is removed from the disk.`} className="justify-end">
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
