'use client';

import { useRef, useState } from 'react';
import { useTranslations } from 'next-intl';
import { isSaid, renderSaid } from '@/lib/i18n/said';
import { ActionForm } from '@/components/ui/action-form';
import { ConfirmFields } from '@/components/ui/confirm-fields';
import { formatBytes, formatWhen } from '@/components/jobs/format';
import { restoreBackup } from '@/server-actions/restore-backup';
import type { RestorePreview } from '@/lib/backup/preview';

// The server's own type: a type-only import, nothing of lib/ reaches the browser bundle.
type Preview = RestorePreview;

/**
 * The restore confirmation: what will be replaced by what, the warnings, what happens step by step
 * (in words for someone who never used psql), then the stack's name and the admin's password.
 */
export function RestoreDialog({ stack, backupId }: { stack: string; backupId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const t = useTranslations('backups.restore');
  const ts = useTranslations('server');

  const open = async () => {
    setPreview(null);
    setError(null);
    dialog.current?.showModal();
    try {
      const res = await fetch(`/api/stacks/${encodeURIComponent(stack)}/backups/${encodeURIComponent(backupId)}/preview`, { cache: 'no-store' });
      const body = await res.json();
      // The route's English, or its keyed text (body.said) in the reader's language.
      if (!res.ok) setError(body.error ? (isSaid(body.said) ? renderSaid(ts, { ...body.said, text: body.error }) : body.error) : `HTTP ${res.status}`);
      else setPreview(body as Preview);
    } catch {
      setError(t('noAnswer'));
    }
  };

  return (
    <>
      <button type="button" onClick={open} data-testid={`restore-${backupId}`} className="rounded-md bg-amber-800 px-3 py-1 text-xs hover:bg-amber-700 sm:px-2">
        {t('open')}
      </button>
      <dialog ref={dialog} aria-labelledby={`restore-title-${backupId}`} data-testid="restore-dialog" className="m-auto w-full max-w-2xl rounded-xl border border-slate-700 bg-slate-900 p-0 text-slate-100 backdrop:bg-black/60">
        <div className="space-y-4 p-4 sm:p-6">
          <h2 id={`restore-title-${backupId}`} className="text-lg font-semibold">{t('title', { stack })}</h2>
          {!preview && !error && <p className="text-sm text-slate-400">{t('checking')}</p>}
          {error && <p role="alert" className="text-sm text-rose-300">{error}</p>}
          {preview && (
            <>
              <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase text-slate-500">
                  <tr><th /><th className="py-1">{t('theBackup')}</th><th className="py-1">{t('runningNow')}</th></tr>
                </thead>
                <tbody>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">{t('made')}</th><td>{preview.createdBy ? t('madeValueBy', { when: formatWhen(preview.finishedAt), reason: preview.reason, user: preview.createdBy }) : t('madeValue', { when: formatWhen(preview.finishedAt), reason: preview.reason })}</td><td>—</td></tr>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">{t('size')}</th><td>{formatBytes(preview.size)}</td><td>—</td></tr>
                  <tr data-testid="preview-schema"><th className="py-1 pr-3 font-normal text-slate-400">{t('schemaVersion')}</th><td>{preview.backupSchema ?? t('unknown')}</td><td>{preview.liveSchema ?? t('unknown')}</td></tr>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">{t('appVersion')}</th><td>{preview.backupApp ?? t('unknown')}</td><td>{preview.liveApp ?? t('unknown')}</td></tr>
                  <tr><th className="py-1 pr-3 font-normal text-slate-400">{t('checks')}</th><td colSpan={2}>{preview.verified ? t('verified') : t('notVerified')}; {preview.checksumOk === null ? t('checksumLater') : preview.checksumOk ? t('checksumOk') : t('checksumBad')}</td></tr>
                </tbody>
              </table>
              </div>
              {preview.warnings.length > 0 && (
                <ul data-testid="restore-warnings" className="list-disc space-y-1 rounded-md border border-amber-800 bg-amber-950/40 py-2 pl-8 pr-3 text-sm text-amber-200">
                  {preview.warnings.map((w) => <li key={w}>{w}</li>)}
                </ul>
              )}
              <div className="text-sm text-slate-300">
                <p className="font-medium">{t('whatHappens')}</p>
                <ol className="ml-5 list-decimal space-y-0.5 text-slate-400">
                  <li>{t('step1')}</li>
                  <li>{preview.volumes.length > 0 ? t('step2Volumes') : t('step2')}</li>
                  <li>{t('step3')}</li>
                  <li>{t('step4')}</li>
                </ol>
                <p className="mt-1 text-slate-400">{t.rich(preview.volumes.length > 0 ? 'keptVolumes' : 'kept', { b: (chunks) => <strong>{chunks}</strong> })}</p>
              </div>
              <ActionForm action={restoreBackup} submitLabel={t('submit')} testId="restore-form" className="items-end">
                <input type="hidden" name="stack" value={stack} />
                <input type="hidden" name="backupId" value={backupId} />
                {preview.volumes.length > 0 && (
                  <fieldset className="w-full space-y-1 text-sm" data-testid="restore-parts">
                    <legend className="font-medium">{t('what')}</legend>
                    <label className="flex items-center gap-2">
                      <input type="radio" name="parts" value="both" defaultChecked /> {t('both', { volumes: preview.volumes.map((v) => t('volume', { volume: v.volume, files: v.files, size: formatBytes(v.size) })).join('; ') })}
                    </label>
                    <label className="flex items-center gap-2"><input type="radio" name="parts" value="database" /> {t('databaseOnly')}</label>
                    <label className="flex items-center gap-2"><input type="radio" name="parts" value="volumes" /> {t('volumesOnly')}</label>
                    {preview.consistency === 'live' && <p className="text-slate-400">{t('readLive')}</p>}
                  </fieldset>
                )}
                <ConfirmFields nameLabel={t.rich('typeName', { stack, code: (chunks) => <code className="rounded bg-slate-800 px-1">{chunks}</code> })} nameAria={t('confirmName')} passwordLabel={t('password')} />
              </ActionForm>
            </>
          )}
          <div className="flex justify-end">
            <button type="button" onClick={() => dialog.current?.close()} className="rounded-md border border-slate-700 px-3 py-1 text-sm hover:bg-slate-800">
              {t('close')}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
