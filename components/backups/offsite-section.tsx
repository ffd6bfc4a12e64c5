import { useTranslations } from 'next-intl';
import { formatBytes, formatWhen } from '@/components/jobs/format';
import type { OffsiteTargetView } from '@/lib/views/offsite';
import { OffsiteRestoreDialog } from './offsite-restore-dialog';

/**
 * The offsite targets of the stack and the sets each holds, read from the bucket: on a brand-new
 * host with an empty backup folder this is where a restore starts.
 */
export function OffsiteSection({ stack, targets, canAdmin }: { stack: string; targets: OffsiteTargetView[]; canAdmin: boolean }) {
  const t = useTranslations('backups.offsite');
  if (targets.length === 0) return null;
  return (
    <section className="space-y-4 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5" data-testid="offsite-section">
      <div>
        <h2 className="font-semibold">{t('title')}</h2>
        <p className="text-sm text-slate-400">{t('intro')}</p>
      </div>
      {targets.map((target) => (
        <div key={target.name} className="space-y-2" data-testid={`offsite-target-${target.name}`}>
          <h3 className="text-sm font-medium">{target.where} <span className="text-slate-400">{t('keeps', { keep: target.keep })}</span></h3>
          {target.error && <p role="alert" className="text-sm text-rose-300">{target.error}</p>}
          {target.lastFailure && !target.sets.some((s) => s.id === target.lastFailure?.backupId) && (
            <p className="text-sm text-amber-200">{t('copyFailed', { id: target.lastFailure.backupId, when: formatWhen(target.lastFailure.at), error: target.lastFailure.error ?? '' })}</p>
          )}
          {!target.error && target.sets.length === 0 && <p className="text-sm text-slate-400">{t('none')}</p>}
          {target.sets.length > 0 && (
            <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-400">
                <tr><th className="py-1">{t('columns.backup')}</th><th className="py-1">{t('columns.made')}</th><th className="py-1">{t('columns.size')}</th><th className="py-1">{t('columns.copy')}</th>{canAdmin && <th className="py-1"><span className="sr-only">{t('columns.actions')}</span></th>}</tr>
              </thead>
              <tbody>
                {target.sets.map((s) => (
                  <tr key={s.id} className="border-t border-slate-800" data-testid={`offsite-set-${s.id}`}>
                    <td className="py-1 font-mono text-xs">{s.id}</td>
                    <td className="py-1">{t('made', { when: formatWhen(s.finishedAt), reason: s.reason })}</td>
                    <td className="py-1">{t('size', { size: formatBytes(s.encryptedBytes), files: s.files })}</td>
                    <td className="py-1 text-slate-300">{s.verifiedAt ? t('verifiedAt', { when: formatWhen(s.verifiedAt) }) : t('complete')}</td>
                    {canAdmin && <td className="py-1 text-right"><OffsiteRestoreDialog stack={stack} target={target.name} backupId={s.id} finishedAt={s.finishedAt} /></td>}
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
