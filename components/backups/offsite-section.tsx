import { formatBytes, formatWhen } from '@/components/jobs/format';
import type { OffsiteTargetView } from './offsite-load';
import { OffsiteRestoreDialog } from './offsite-restore-dialog';

/**
 * The offsite targets of the stack and the sets each holds, read from the bucket: on a brand-new
 * host with an empty backup folder this is where a restore starts.
 */
export function OffsiteSection({ stack, targets, canAdmin }: { stack: string; targets: OffsiteTargetView[]; canAdmin: boolean }) {
  if (targets.length === 0) return null;
  return (
    <section className="space-y-4 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5" data-testid="offsite-section">
      <div>
        <h2 className="font-semibold">Offsite copies</h2>
        <p className="text-sm text-slate-400">Each backup is encrypted with the targets&apos; age public keys before it leaves this host, then checked in the bucket.</p>
      </div>
      {targets.map((t) => (
        <div key={t.name} className="space-y-2" data-testid={`offsite-target-${t.name}`}>
          <h3 className="text-sm font-medium">{t.where} <span className="text-slate-400">— keeps the {t.keep}</span></h3>
          {t.error && <p role="alert" className="text-sm text-rose-300">{t.error}</p>}
          {t.lastFailure && !t.sets.some((s) => s.id === t.lastFailure?.backupId) && (
            <p className="text-sm text-amber-200">Copy of {t.lastFailure.backupId} failed {formatWhen(t.lastFailure.at)}: {t.lastFailure.error}</p>
          )}
          {!t.error && t.sets.length === 0 && <p className="text-sm text-slate-400">No complete set on this target yet.</p>}
          {t.sets.length > 0 && (
            <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-400">
                <tr><th className="py-1">Backup</th><th className="py-1">Made</th><th className="py-1">Encrypted size</th><th className="py-1">Copy</th>{canAdmin && <th className="py-1"><span className="sr-only">Actions</span></th>}</tr>
              </thead>
              <tbody>
                {t.sets.map((s) => (
                  <tr key={s.id} className="border-t border-slate-800" data-testid={`offsite-set-${s.id}`}>
                    <td className="py-1 font-mono text-xs">{s.id}</td>
                    <td className="py-1">{formatWhen(s.finishedAt)} ({s.reason})</td>
                    <td className="py-1">{formatBytes(s.encryptedBytes)} in {s.files} file(s)</td>
                    <td className="py-1 text-slate-300">{s.verifiedAt ? `verified from this host ${formatWhen(s.verifiedAt)}` : 'complete in the bucket'}</td>
                    {canAdmin && <td className="py-1 text-right"><OffsiteRestoreDialog stack={stack} target={t.name} backupId={s.id} finishedAt={s.finishedAt} /></td>}
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
