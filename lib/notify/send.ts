import type { Said } from '@/lib/i18n/said';
import { getDb } from '@/lib/store';
import { sendOnce, SEND_TIMEOUT_MS } from './channels';
import { inLanguage, type Notification, type NotifyEvent } from './formats';
import { maskUrl, targetsFor, type NotifyTarget } from './targets';
import { getPolicy, inQuietHours } from './policy';
import { WebhookRefused } from './safe-post';

/** Delays before each retry: a receiver that is briefly down still gets the message. */
export const RETRY_DELAYS_MS = [1000, 5000, 25_000];
const TIMEOUT_MS = SEND_TIMEOUT_MS;

function record(targetId: number, n: Notification): number {
  const now = new Date().toISOString();
  return Number(
    getDb().prepare("INSERT INTO notify_deliveries (target_id, event, title, status, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)").run(targetId, n.event, n.title, now, now).lastInsertRowid,
  );
}

function update(id: number, status: 'pending' | 'sent' | 'failed', attempts: number, error: string | null): void {
  getDb().prepare('UPDATE notify_deliveries SET status = ?, attempts = ?, last_error = ?, updated_at = ? WHERE id = ?').run(status, attempts, error, new Date().toISOString(), id);
}

async function attempt(target: NotifyTarget, n: Notification): Promise<string | null> {
  try {
    return await sendOnce(target, n);
  } catch (e) {
    if (e instanceof WebhookRefused) return `refused: ${e.message}`;
    // nodemailer's errors name the SMTP reply, never the URL's password.
    if (target.format === 'email') return `could not send the email: ${(e as Error).message.replace(/\S+:\/\/\S+/g, maskUrl(target.url))}`;
    // A network error's text can contain the URL, whose path is the token: never store it.
    return (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError' ? `no answer within ${TIMEOUT_MS / 1000} s` : `could not reach ${maskUrl(target.url)}`;
  }
}

const plain = (t: string | Said) => (typeof t === 'string' ? t : t.text);

/** Sends with retries and records each try; resolves with the final status, never rejects. */
export async function deliver(target: NotifyTarget, n: Notification, delays: readonly number[] = RETRY_DELAYS_MS): Promise<{ ok: boolean; error: string | null; attempts: number }> {
  // The page shows the title the receiver got, in its language.
  const id = record(target.id, inLanguage(n, target.options.lang));
  let error: string | null = null;
  for (let i = 0; i <= delays.length; i++) {
    error = await attempt(target, n);
    if (!error) {
      update(id, 'sent', i + 1, null);
      return { ok: true, error: null, attempts: i + 1 };
    }
    update(id, i < delays.length ? 'pending' : 'failed', i + 1, error);
    if (i < delays.length) await new Promise((r) => setTimeout(r, delays[i]).unref());
  }
  return { ok: false, error, attempts: delays.length + 1 };
}

/**
 * Fire and forget: a job or probe that notifies never waits for (or fails because of) a webhook.
 * Failures are retried, then shown on the notifications page.
 */
export function notify(
  stack: string,
  event: NotifyEvent,
  msg: { title: string | Said; text: string | Said; severity?: Notification['severity']; downForMs?: number; ignoreQuietHours?: boolean; now?: Date },
): void {
  const now = msg.now ?? new Date();
  const n: Notification = { event, stack, severity: msg.severity ?? 'warning', title: plain(msg.title), text: plain(msg.text), at: now.toISOString() };
  if (msg.downForMs !== undefined) n.downForMs = msg.downForMs;
  // Keyed text (say(…)) goes along, so each target reads it in its own language.
  if (typeof msg.title !== 'string' || typeof msg.text !== 'string') {
    n.said = { ...(typeof msg.title !== 'string' ? { title: msg.title } : {}), ...(typeof msg.text !== 'string' ? { text: msg.text } : {}) };
  }
  try {
    // Quiet hours hold back what is not critical; held notices are sent when they end (incidents.ts).
    if (!msg.ignoreQuietHours && n.severity !== 'critical' && event !== 'test' && inQuietHours(getPolicy(stack), now)) {
      getDb().prepare('INSERT INTO notify_held (stack, notification, held_at) VALUES (?, ?, ?)').run(stack, JSON.stringify(n), n.at);
      return;
    }
  } catch (e) {
    console.error('[opsdeck] notifications: could not read the quiet hours:', (e as Error).message);
  }
  sendNow(n);
}

/** Delivers to every subscribed target now, without waiting. */
export function sendNow(n: Notification): void {
  let targets: NotifyTarget[];
  try {
    targets = targetsFor(n.stack, n.event);
  } catch (e) {
    console.error('[opsdeck] notifications: could not read webhooks:', (e as Error).message);
    return;
  }
  for (const t of targets) void deliver(t, n).catch((e) => console.error('[opsdeck] notification delivery crashed:', (e as Error).message));
}
