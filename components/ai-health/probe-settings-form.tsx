import { useTranslations } from 'next-intl';
import type { DependencyView } from '@/lib/ai-health';
import { ActionForm } from '@/components/ui/action-form';
import { updateAiProbeSettings } from '@/server-actions/update-ai-probe-settings';

const input = 'w-24 rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';

function NumberField({ name, label, value, min, max }: { name: string; label: string; value: number; min: number; max: number }) {
  return (
    <label className="flex flex-col text-xs text-slate-400">
      {label}
      <input type="number" name={name} defaultValue={value} min={min} max={max} required className={input} aria-label={label} />
    </label>
  );
}

/** Per-dependency probe settings (admin): how often, when deep probes run, and the hysteresis. */
export function ProbeSettingsForm({ stack, dep }: { stack: string; dep: DependencyView }) {
  const s = dep.settings;
  const t = useTranslations('ai.probe');
  return (
    <details className="text-sm" data-testid="ai-settings">
      <summary className="cursor-pointer text-slate-400 hover:text-slate-50">{t('title')}</summary>
      <ActionForm action={updateAiProbeSettings} submitLabel={t('save')} className="mt-2 items-end">
        <input type="hidden" name="stack" value={stack} />
        <input type="hidden" name="dep" value={dep.id} />
        <NumberField name="lightIntervalSec" label={t('lightInterval')} value={s.lightIntervalSec} min={5} max={86400} />
        <NumberField name="deepIntervalSec" label={t('deepInterval')} value={s.deepIntervalSec} min={0} max={604800} />
        <NumberField name="latencyThresholdMs" label={t('threshold')} value={s.latencyThresholdMs} min={50} max={120000} />
        <NumberField name="failuresToDown" label={t('failures')} value={s.failuresToDown} min={1} max={20} />
        <NumberField name="successesToUp" label={t('successes')} value={s.successesToUp} min={1} max={20} />
      </ActionForm>
    </details>
  );
}
