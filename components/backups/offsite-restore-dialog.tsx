'use client';

import { useRef } from 'react';
import { ActionForm } from '@/components/ui/action-form';
import { formatWhen } from '@/components/jobs/format';
import { restoreOffsite } from '@/server-actions/restore-offsite';

const input = 'w-full rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/**
 * Restore from an offsite target: the admin pastes the age secret key (it is used for this job
 * only and never stored), types the stack's name and re-enters their password.
 */
export function OffsiteRestoreDialog({ stack, target, backupId, finishedAt }: { stack: string; target: string; backupId: string; finishedAt: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = `offsite-restore-title-${target}-${backupId}`;
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()} data-testid={`offsite-restore-${target}-${backupId}`} className="rounded-md bg-amber-800 px-2 py-1 text-xs hover:bg-amber-700">
        Restore…
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} data-testid="offsite-restore-dialog" className="m-auto w-full max-w-2xl rounded-xl border border-slate-700 bg-slate-900 p-0 text-slate-100 backdrop:bg-black/60">
        <div className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold">Restore {backupId} from {target} over stack {stack}?</h2>
          <p className="text-sm text-slate-300">Made {formatWhen(finishedAt)}. What happens when you confirm:</p>
          <ol className="ml-5 list-decimal space-y-0.5 text-sm text-slate-300">
            <li>Opsdeck downloads the encrypted copy and checks every file against the checksums stored with it. A damaged copy is refused here.</li>
            <li>It decrypts the files with the key you paste below and checks them again against the backup&apos;s manifest.</li>
            <li>It puts the backup in this host&apos;s backup folder and restores it like any local backup, the database and the volumes it holds: a load into a separate database (the current one is kept for undo), a swap, a health check, and an automatic swap back if the app does not come up.</li>
          </ol>
          <ActionForm action={restoreOffsite} submitLabel="Restore now" testId="offsite-restore-form" className="items-end">
            <input type="hidden" name="stack" value={stack} />
            <input type="hidden" name="target" value={target} />
            <input type="hidden" name="backupId" value={backupId} />
            <label className="block w-full text-sm">
              The age secret key (a line starting with <code className="rounded bg-slate-800 px-1">AGE-SECRET-KEY-1</code>). It is used for this restore only and is not stored.
              <textarea name="identity" rows={3} autoComplete="off" spellCheck={false} className={`${input} font-mono`} aria-label="age secret key" required />
            </label>
            <label className="block w-full text-sm">
              Type the stack name <code className="rounded bg-slate-800 px-1">{stack}</code> to confirm
              <input name="confirmName" autoComplete="off" className={input} aria-label="Stack name to confirm" required />
            </label>
            <label className="block w-full text-sm">
              Your password
              <input name="password" type="password" autoComplete="current-password" className={input} aria-label="Your password" required />
            </label>
          </ActionForm>
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
