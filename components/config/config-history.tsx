import { useTranslations } from 'next-intl';
import type { ConfigKind, ConfigVersion } from '@/lib/config-edit';
import { ActionForm } from '@/components/ui/action-form';
import { JobActionForm } from '@/components/deploy/job-action-form';
import { applyConfig } from '@/server-actions/apply-config';
import { undoConfigEdit } from '@/server-actions/undo-config-edit';
import { renderSaid } from '@/lib/i18n/said';

const COLUMNS = ['seq', 'when', 'who', 'why', 'what', 'applied'] as const;
const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 19)} UTC`;

/**
 * The versions Opsdeck wrote, newest first, with undo; and, while the file on disk is not what the
 * containers were last brought to, the button that applies it.
 */
export function ConfigHistory({ stack, kind, sha, versions, canEdit }: { stack: string; kind: ConfigKind; sha: string; versions: ConfigVersion[]; canEdit: boolean }) {
  const current = versions.find((v) => v.after === sha);
  const pending = current && !current.applied;
  const t = useTranslations('config.versions');
  // What changed, in the reader's language (lib/i18n/said.ts); versions written before keys keep their English.
  const ts = useTranslations('server');
  const summary = (v: ConfigVersion) => renderSaid(ts, { ...v.said, text: v.summary });
  return (
    <div data-testid={`${kind}-history`} className="space-y-2">
      {canEdit && pending && (
        <div className="rounded-md border border-sky-800 bg-sky-950/40 p-3 text-sm">
          <p className="mb-2">{t('pending', { seq: current.seq, summary: summary(current) })}</p>
          <JobActionForm action={applyConfig} submitLabel={t('apply', { seq: current.seq })} testId={`${kind}-apply`} confirm={t('confirmApply')}>
            <input type="hidden" name="stack" value={stack} />
            <input type="hidden" name="kind" value={kind} />
            <input type="hidden" name="sha" value={sha} />
          </JobActionForm>
        </div>
      )}
      {versions.length === 0 ? (
        <p className="text-sm text-slate-400">{t('none')}</p>
      ) : (
        <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>{COLUMNS.map((h) => <th key={h} className="px-2 py-1">{t(`columns.${h}`)}</th>)}</tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.seq} className="border-t border-slate-800 align-top">
                <td className="px-2 py-1">{v.seq}</td>
                <td className="px-2 py-1 font-mono text-xs">{when(v.at)}</td>
                <td className="px-2 py-1">{v.by}</td>
                <td className="px-2 py-1">{t(`reasons.${v.reason}`)}</td>
                <td className="px-2 py-1">{summary(v)}</td>
                <td className="px-2 py-1">{v.applied ? t('job', { id: v.applied.job }) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {canEdit && versions[0]?.after === sha && (
        <ActionForm action={undoConfigEdit} submitLabel={t('undo', { seq: versions[0].seq })} testId={`${kind}-undo`} confirm={t('confirmUndo', { kind, seq: versions[0].seq })}>
          <input type="hidden" name="stack" value={stack} />
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="baseSha" value={sha} />
        </ActionForm>
      )}
    </div>
  );
}
