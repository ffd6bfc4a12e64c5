'use client';

import { useRef } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { ConfirmFields } from '@/components/ui/confirm-fields';
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
  const t = useTranslations('backups');
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()} data-testid={`offsite-restore-${target}-${backupId}`} className="rounded-md bg-amber-800 px-3 py-1 text-xs hover:bg-amber-700 sm:px-2">
        {t('restore.open')}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} data-testid="offsite-restore-dialog" className="m-auto w-full max-w-2xl rounded-xl border border-slate-700 bg-slate-900 p-0 text-slate-100 backdrop:bg-black/60">
        <div className="space-y-4 p-4 sm:p-6">
          <h2 id={titleId} className="text-lg font-semibold">{t('offsite.restore.title', { id: backupId, target, stack })}</h2>
          <p className="text-sm text-slate-300">{t('offsite.restore.made', { when: formatWhen(finishedAt) })}</p>
          <ol className="ml-5 list-decimal space-y-0.5 text-sm text-slate-300">
            <li>{t('offsite.restore.step1')}</li>
            <li>{t('offsite.restore.step2')}</li>
            <li>{t('offsite.restore.step3')}</li>
          </ol>
          <ActionForm action={restoreOffsite} submitLabel={t('restore.submit')} testId="offsite-restore-form" className="items-end">
            <input type="hidden" name="stack" value={stack} />
            <input type="hidden" name="target" value={target} />
            <input type="hidden" name="backupId" value={backupId} />
            <label className="block w-full text-sm">
              {t.rich('offsite.restore.key', { code: (chunks) => <code className="rounded bg-slate-800 px-1">{chunks}</code> })}
              <textarea name="identity" rows={3} autoComplete="off" spellCheck={false} className={`${input} font-mono`} aria-label={t('offsite.restore.keyLabel')} required />
            </label>
            <ConfirmFields nameLabel={t.rich('restore.typeName', { stack, code: (chunks) => <code className="rounded bg-slate-800 px-1">{chunks}</code> })} nameAria={t('restore.confirmName')} passwordLabel={t('restore.password')} />
          </ActionForm>
          <div className="flex justify-end">
            <button type="button" onClick={() => dialog.current?.close()} className="rounded-md border border-slate-700 px-3 py-1 text-sm hover:bg-slate-800">
              {t('restore.close')}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
