'use client';

import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { previewPointInTime } from '@/server-actions/preview-point-in-time';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

/**
 * The moment to rebuild: whole minutes ago, or a date and time in UTC (to the second). Submitting
 * only rebuilds and previews; the server refuses a future time, one outside the window or in a gap.
 */
export function PointForm({ stack }: { stack: string }) {
  const t = useTranslations('pitr');
  return (
    <ActionForm action={previewPointInTime} submitLabel={t('previewButton')} testId="pitr-point-form" className="items-end">
      <input type="hidden" name="stack" value={stack} />
      <fieldset className="flex flex-wrap items-end gap-4 text-sm">
        <legend className="sr-only">{t('whichMoment')}</legend>
        <div className="space-y-1">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="ago" defaultChecked /> {t('modeAgo')}
          </label>
          <input name="minutesAgo" type="number" min={1} step={1} inputMode="numeric" defaultValue={5} aria-label={t('minutesAgo')} className={`${input} block w-28`} />
        </div>
        <div className="space-y-1">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="at" /> {t('modeAt')}
          </label>
          <input name="at" type="datetime-local" step={1} aria-label={t('at')} className={`${input} block`} />
        </div>
      </fieldset>
    </ActionForm>
  );
}
