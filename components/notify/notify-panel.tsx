import { ActionForm } from '@/components/ui/action-form';
import { EVENT_LABELS, NOTIFY_EVENTS, NOTIFY_FORMATS, type NotifyTargetView } from '@/lib/notify';
import { addNotifyTarget } from '@/server-actions/add-notify-target';
import { deleteNotifyTarget } from '@/server-actions/delete-notify-target';
import { testNotifyTarget } from '@/server-actions/test-notify-target';

const input = 'rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm';
const FORMAT_LABELS: Record<string, string> = { generic: 'Generic JSON', slack: 'Slack', dingtalk: 'DingTalk', feishu: 'Feishu / Lark', wecom: 'WeCom', telegram: 'Telegram', email: 'Email (SMTP)' };
const STATUS: Record<string, string> = { sent: 'text-emerald-400', pending: 'text-sky-400', failed: 'text-rose-400' };

export function NotifyPanel({ stack, targets }: { stack: string; targets: NotifyTargetView[] }) {
  const events = NOTIFY_EVENTS.filter((e) => e !== 'test');
  return (
    <>
      <section className="space-y-3 rounded-xl border border-slate-800 bg-slate-900 p-3 sm:p-5">
        <h2 className="font-semibold">Add a webhook</h2>
        <ActionForm action={addNotifyTarget} submitLabel="Add webhook" testId="add-webhook" className="items-start">
          <input type="hidden" name="stack" value={stack} />
          <input name="name" placeholder="name, e.g. on-call group" aria-label="Name" className={input} required />
          <select name="format" aria-label="Format" className={input} defaultValue="generic">
            {NOTIFY_FORMATS.map((f) => <option key={f} value={f}>{FORMAT_LABELS[f]}</option>)}
          </select>
          <input name="url" type="url" placeholder="https://…" aria-label="Webhook URL" className={`${input} w-full sm:w-96`} required />
          <fieldset className="flex w-full flex-wrap gap-3 text-sm">
            <legend className="sr-only">Events</legend>
            {events.map((e) => (
              <label key={e} className="flex items-center gap-1">
                <input type="checkbox" name="events" value={e} defaultChecked={e !== 'restore.finished'} /> {EVENT_LABELS[e]}
              </label>
            ))}
          </fieldset>
          <label className="flex w-full items-center gap-1 text-sm text-slate-300">
            <input type="checkbox" name="allowPrivate" /> allow private address (a receiver on this host or the internal network: loopback, 10/8, 172.16/12, 192.168/16, link-local, fc00::/7)
          </label>
        </ActionForm>
      </section>
      <section className="divide-y divide-slate-800 rounded-xl border border-slate-800 bg-slate-900">
        {targets.length === 0 && <p className="p-5 text-sm text-slate-400">No webhook yet: nothing is sent when something goes wrong.</p>}
        {targets.map((t) => (
          <div key={t.id} data-testid={`webhook-${t.name}`} className="space-y-2 p-3 sm:p-5">
            <div className="flex flex-wrap items-baseline gap-3">
              <span className="font-medium">{t.name}</span>
              <span className="text-xs text-slate-400">{FORMAT_LABELS[t.format]}</span>
              <code className="break-all text-xs text-slate-400">{t.urlMasked}</code>
              {t.allowPrivate && <span className="ml-2 rounded bg-amber-900/60 px-1.5 text-xs text-amber-200">private address allowed</span>}
            </div>
            <p className="text-xs text-slate-400">On: {t.events.map((e) => EVENT_LABELS[e]).join(', ')}</p>
            {t.lastDelivery && (
              <p className="text-xs">
                Last: <span className={STATUS[t.lastDelivery.status]}>{t.lastDelivery.status}</span> “{t.lastDelivery.title}” after {t.lastDelivery.attempts} attempt(s) at {t.lastDelivery.at.slice(0, 19).replace('T', ' ')} UTC
                {t.lastDelivery.error && <span className="text-rose-300"> — {t.lastDelivery.error}</span>}
              </p>
            )}
            <div className="flex flex-wrap gap-3">
              <ActionForm action={testNotifyTarget} submitLabel="Send test">
                <input type="hidden" name="stack" value={stack} />
                <input type="hidden" name="id" value={t.id} />
              </ActionForm>
              <ActionForm action={deleteNotifyTarget} submitLabel="Remove" confirm={`Remove webhook ${t.name}?`}>
                <input type="hidden" name="stack" value={stack} />
                <input type="hidden" name="id" value={t.id} />
              </ActionForm>
            </div>
          </div>
        ))}
      </section>
    </>
  );
}
