import { useTranslations } from 'next-intl';
import { formatBytes } from '@/components/jobs/format';
import { ActionForm } from '@/components/ui/action-form';
import { takeBaseBackup } from '@/server-actions/take-base-backup';
import { formatSecond, lagParts } from './format';
import type { PitrView } from '@/lib/views/pitr';
import { PointForm } from './point-form';
import { PreviewCard } from './preview-card';

/**
 * The backups page's point-in-time part, for a stack that archives its WAL: the recoverable window,
 * the archive lag (the RPO right now), gaps, the last base backup; for admins, a base backup now and
 * "Restore to this moment" (rebuild and preview first, then a confirmed restore).
 */
export function PitrSection({ stack, view, canAdmin }: { stack: string; view: PitrView; canAdmin: boolean }) {
  const t = useTranslations('pitr');
  const s = view.summary;
  if (!s) return <p role="alert" className="rounded-xl border border-rose-900 bg-slate-900 px-5 py-3 text-sm text-rose-300">{t('loadError', { error: view.error ?? '' })}</p>;
  const lag = lagParts(s.lagSeconds);
  return (
    <section data-testid="pitr-section" className="space-y-4 rounded-xl border border-slate-800 bg-slate-900 px-3 py-4 sm:px-5">
      <div>
        <h2 className="font-semibold">{t('title')}</h2>
        <p className="text-sm text-slate-400">{t('intro')}</p>
      </div>
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-400">{t('window')}</dt>
        <dd data-testid="pitr-window" data-earliest={s.earliest ?? ''} data-latest={s.latest ?? ''}>
          {s.earliest && s.latest ? t('windowRange', { earliest: formatSecond(s.earliest), latest: formatSecond(s.latest) }) : t('noWindow')}
        </dd>
        <dt className="text-slate-400">{t('lag')}</dt>
        <dd data-testid="pitr-lag">{lag.key === 'lagUnknown' ? t('lagUnknown') : lag.key === 'lagSeconds' ? t('lagSeconds', { seconds: lag.seconds }) : t('lagMinutes', { minutes: lag.minutes })}</dd>
        <dt className="text-slate-400">{t('gaps')}</dt>
        <dd data-testid="pitr-gaps">
          {s.gaps.length === 0 ? t('noGaps') : (
            <ul className="space-y-0.5">
              {s.gaps.map((g) => <li key={`${g.from}-${g.to}`}>{t('gap', { from: formatSecond(g.from), to: formatSecond(g.to), why: g.why })}</li>)}
            </ul>
          )}
        </dd>
        <dt className="text-slate-400">{t('lastBaseBackup')}</dt>
        <dd data-testid="pitr-base-backup">{s.lastBaseBackup ? t('baseBackupValue', { when: formatSecond(s.lastBaseBackup.finishedAt), size: formatBytes(s.lastBaseBackup.sizeBytes) }) : t('noBaseBackup')}</dd>
      </dl>
      {canAdmin && (
        <>
          <ActionForm action={takeBaseBackup} submitLabel={t('takeBaseBackup')} testId="pitr-base-backup-form">
            <input type="hidden" name="stack" value={stack} />
          </ActionForm>
          <div className="space-y-2 border-t border-slate-800 pt-3">
            <h3 className="font-medium">{t('restoreHeading')}</h3>
            <p className="text-sm text-slate-400">{t('restoreIntro')}</p>
            <PointForm stack={stack} />
          </div>
          {view.preview && <PreviewCard stack={stack} record={view.preview} />}
        </>
      )}
    </section>
  );
}
