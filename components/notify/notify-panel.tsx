import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { LOCALES } from '@/lib/i18n/locales';
import { NOTIFY_EVENTS, NOTIFY_FORMATS, type NotifyTargetView } from '@/lib/notify';
import { addNotifyTarget } from '@/server-actions/add-notify-target';
import { deleteNotifyTarget } from '@/server-actions/delete-notify-target';
import { testNotifyTarget } from '@/server-actions/test-notify-target';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';
const STATUS: Record<string, string> = { sent: 'text-emerald-400', pending: 'text-sky-400', failed: 'text-rose-400' };

export function NotifyPanel({ stack, targets }: { stack: string; targets: NotifyTargetView[] }) {
  const t = useTranslations('notify');
  const events = NOTIFY_EVENTS.filter((e) => e !== 'test');
  // Event names hold dots (backup.failed): in the messages they are nested the same way.
  const eventLabel = (e: string) => t(`eventNames.${e}`);
  const formatLabel = (f: string) => t(`formats.${f}`);
  return (
    <>
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h2 className="font-semibold">{t('addTitle')}</h2>
        <ActionForm action={addNotifyTarget} submitLabel={t('add')} testId="add-webhook" className="items-start">
          <input type="hidden" name="stack" value={stack} />
          <input name="name" placeholder={t('namePlaceholder')} aria-label={t('name')} className={input} required />
          <select name="format" aria-label={t('format')} className={input} defaultValue="generic">
            {NOTIFY_FORMATS.map((f) => <option key={f} value={f}>{formatLabel(f)}</option>)}
          </select>
          <input name="url" type="url" placeholder="https://…" aria-label={t('url')} className={`${input} w-full sm:w-96`} required />
          <select name="lang" aria-label={t('lang')} className={input} defaultValue="en">
            {LOCALES.map((l) => <option key={l} value={l}>{t(`langs.${l}`)}</option>)}
          </select>
          <fieldset className="flex w-full flex-wrap gap-3 text-sm">
            <legend className="sr-only">{t('events')}</legend>
            {events.map((e) => (
              <label key={e} className="flex items-center gap-1">
                <input type="checkbox" name="events" value={e} defaultChecked={e !== 'restore.finished'} /> {eventLabel(e)}
              </label>
            ))}
          </fieldset>
          <label className="flex w-full items-center gap-1 text-sm text-slate-300">
            <input type="checkbox" name="allowPrivate" /> {t('allowPrivate')}
          </label>
        </ActionForm>
      </section>
      <section className="divide-y divide-slate-800 rounded-xl border border-slate-800 bg-slate-900">
        {targets.length === 0 && <p className="p-5 text-sm text-slate-400">{t('none')}</p>}
        {targets.map((w) => {
          const last = w.lastDelivery;
          return (
          <div key={w.id} data-testid={`webhook-${w.name}`} className="space-y-2 p-3 sm:p-5">
            <div className="flex flex-wrap items-baseline gap-3">
              <span className="font-medium">{w.name}</span>
              <span className="text-xs text-slate-400">{formatLabel(w.format)}</span>
              <span className="text-xs text-slate-400">{t(`langs.${w.lang}`)}</span>
              <code className="break-all text-xs text-slate-400">{w.urlMasked}</code>
              {w.allowPrivate && <span className="ml-2 rounded bg-amber-900/60 px-1.5 text-xs text-amber-200">{t('privateAllowed')}</span>}
            </div>
            <p className="text-xs text-slate-400">{t('on', { events: w.events.map(eventLabel).join(', ') })}</p>
            {last && (
              <p className="text-xs">
                {t.rich('last', {
                  status: t(`statuses.${last.status}`),
                  title: last.title,
                  attempts: String(last.attempts),
                  at: last.at.slice(0, 19).replace('T', ' '),
                  s: (chunks) => <span className={STATUS[last.status]}>{chunks}</span>,
                })}
                {last.error && <span className="text-rose-300"> — {last.error}</span>}
              </p>
            )}
            <div className="flex flex-wrap gap-3">
              <ActionForm action={testNotifyTarget} submitLabel={t('sendTest')}>
                <input type="hidden" name="stack" value={stack} />
                <input type="hidden" name="id" value={w.id} />
              </ActionForm>
              <ActionForm action={deleteNotifyTarget} submitLabel={t('remove')} confirm={t('removeConfirm', { name: w.name })}>
                <input type="hidden" name="stack" value={stack} />
                <input type="hidden" name="id" value={w.id} />
              </ActionForm>
            </div>
          </div>
          );
        })}
      </section>
    </>
  );
}
