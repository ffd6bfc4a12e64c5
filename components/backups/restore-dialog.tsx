'use client';

import { useRef, useState } from 'react';
import { ActionForm } from '@/components/ui/action-form';
import { formatBytes, formatWhen } from '@/components/jobs/format';
import { restoreBackup } from '@/server-actions/restore-backup';
import type { RestorePreview } from '@/lib/backup/preview';

// The server's own type: a type-only import, nothing of lib/ reaches the browser bundle.
type Preview = RestorePreview;

const input = 'w-full rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/**
 * The restore confirmation: what will be replaced by what, the warnings, what happens step by step
 * (in words for someone who never used psql), then the stack's name and the admin's password.
 */
export function RestoreDialog({ stack, backupId }: { stack: string; backupId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);

  const open = async () => {
    setPreview(null);
    setError(null);
    dialog.current?.showModal();
    try {
      const res = await fetch(`/api/stacks/${encodeURIComponent(stack)}/backups/${encodeURIComponent(backupId)}/preview`, { cache: 'no-store' });
      const body = await res.json();
      if (!res.ok) setError(body.error ?? `HTTP ${res.status}`);
      else setPreview(body as Preview);
    } catch {
      setError('Opsdeck did not answer. Try again.');
    }
  };

  return (
    <>
      <button type="button" onClick={open} data-testid={`restore-${backupId}`} className="rounded-md bg-amber-800 px-3 py-1 text-xs hover:bg-amber-700 sm:px-2">
        Restore…
      </button>
      <dialog ref={dialog} aria-labelledby={`restore-title-${backupId}`} data-testid="restore-dialog" className="m-auto w-full max-w-2xl rounded-xl border border-slate-700 bg-slate-900 p-0 text-slate-100 backdrop:bg-black/60">
        <div className="space-y-4 p-4 sm:p-6">
          <h2 id={`restore-title-${backupId}`} className="text-lg font-semibold">Restore this backup over stack {stack}?</h2>
          {!preview && !error && <p className="text-sm text-slate-400">Checking the backup…</p>}
          {error && <p role="alert" className="text-sm text-rose-300">{error}</p>}
          {preview && (
            <>
              <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase text-slate-500">
                  <tr><th /><th className="py-1">The backup</th><th className="py-1">Running now</th></tr>
                </thead>
                <tbody>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">Made</th><td>{formatWhen(preview.finishedAt)} ({preview.reason}{preview.createdBy ? `, by ${preview.createdBy}` : ''})</td><td>—</td></tr>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">Size</th><td>{formatBytes(preview.size)}</td><td>—</td></tr>
                  <tr data-testid="preview-schema"><th className="py-1 pr-3 font-normal text-slate-400">Schema version</th><td>{preview.backupSchema ?? 'unknown'}</td><td>{preview.liveSchema ?? 'unknown'}</td></tr>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">App version</th><td>{preview.backupApp ?? 'unknown'}</td><td>{preview.liveApp ?? 'unknown'}</td></tr>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">Checks</th><td colSpan={2}>{preview.verified ? 'verified when written' : 'not verified'}; checksum {preview.checksumOk === null ? 'checked first thing during the restore' : preview.checksumOk ? 'matches' : 'DOES NOT MATCH'}</td></tr>
                </tbody>
              </table>
              </div>
              {preview.warnings.length > 0 && (
                <ul data-testid="restore-warnings" className="list-disc space-y-1 rounded-md border border-amber-800 bg-amber-950/40 py-2 pl-8 pr-3 text-sm text-amber-200">
                  {preview.warnings.map((w) => <li key={w}>{w}</li>)}
                </ul>
              )}
              <div className="text-sm text-slate-300">
                <p className="font-medium">What happens when you confirm:</p>
                <ol className="ml-5 list-decimal space-y-0.5 text-slate-400">
                  <li>Opsdeck checks the backup file has not changed since it was written.</li>
                  <li>It loads the backup into a new, separate database{preview.volumes.length > 0 ? ' and new volumes' : ''} and checks {preview.volumes.length > 0 ? 'them' : 'it'}. Your app keeps running meanwhile.</li>
                  <li>It stops the app for a moment, swaps the databases, and starts the app again.</li>
                  <li>If the app does not come back healthy, it swaps back automatically.</li>
                </ol>
                <p className="mt-1 text-slate-400">The current database is kept, so <strong>Undo restore</strong> can put it back afterwards{preview.volumes.length > 0 ? '; the current volume data is kept in a volume named …__kept_…' : ''}. Changes made since the backup will no longer be visible.</p>
              </div>
              <ActionForm action={restoreBackup} submitLabel="Restore now" testId="restore-form" className="items-end">
                <input type="hidden" name="stack" value={stack} />
                <input type="hidden" name="backupId" value={backupId} />
                {preview.volumes.length > 0 && (
                  <fieldset className="w-full space-y-1 text-sm" data-testid="restore-parts">
                    <legend className="font-medium">What to restore</legend>
                    <label className="flex items-center gap-2">
                      <input type="radio" name="parts" value="both" defaultChecked /> The database and the volumes ({preview.volumes.map((v) => `${v.volume}: ${v.files} files, ${formatBytes(v.size)}`).join('; ')})
                    </label>
                    <label className="flex items-center gap-2"><input type="radio" name="parts" value="database" /> The database only</label>
                    <label className="flex items-center gap-2"><input type="radio" name="parts" value="volumes" /> The volumes only</label>
                    {preview.consistency === 'live' && <p className="text-slate-400">The volumes were read while the app ran.</p>}
                  </fieldset>
                )}
                <label className="block w-full text-sm">
                  Type the stack name <code className="rounded bg-slate-800 px-1">{stack}</code> to confirm
                  <input name="confirmName" autoComplete="off" className={input} aria-label="Stack name to confirm" required />
                </label>
                <label className="block w-full text-sm">
                  Your password
                  <input name="password" type="password" autoComplete="current-password" className={input} aria-label="Your password" required />
                </label>
              </ActionForm>
            </>
          )}
          <div className="flex justify-end">
            <button type="button" onClick={() => dialog.current?.close()} className="rounded-md border border-slate-700 px-3 py-1 text-sm hover:bg-slate-800">
              Close
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
