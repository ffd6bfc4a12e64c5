/**
 * Outages, not single events: the first "down" of a thing opens a problem and notifies; while it
 * stays open, a reminder goes out every re-notify interval; when it comes back, one "recovered"
 * notice says how long it was down. A key names the thing: "service:memos", "ai:chat", "backup".
 */
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { getDb } from '@/lib/store';
import type { Notification, NotifyEvent } from './formats';
import { formatDuration, getPolicy, inQuietHours } from './policy';
import { notify, sendNow } from './send';

type Severity = Notification['severity'];

interface OpenRow { stack: string; key: string; event: NotifyEvent; title: string; severity: Severity; since: string; last_sent_at: string; reminders: number }

/**
 * Notifies the problem unless it is already open (then the reminders take over). `alreadySent`:
 * the caller notified every occurrence itself (a failed backup is news each time); only record it.
 */
export function openProblem(
  stack: string, key: string, event: NotifyEvent, msg: { title: string | Said; text: string | Said; severity: Severity }, opts: { now?: Date; alreadySent?: boolean } = {},
): boolean {
  const now = opts.now ?? new Date();
  const at = now.toISOString();
  const r = getDb()
    .prepare('INSERT INTO notify_open (stack, key, event, title, severity, since, last_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (stack, key) DO NOTHING')
    .run(stack, key, event, typeof msg.title === 'string' ? msg.title : msg.title.text, msg.severity, at, at);
  if (r.changes === 0) return false;
  if (!opts.alreadySent) notify(stack, event, { ...msg, now });
  return true;
}

/**
 * Closes the problem and sends `event` with the outage's length; nothing when it was not open
 * (a thing that was never reported down has nothing to recover from). A recovery from a critical
 * problem goes out even in quiet hours: whoever the alarm woke should also hear it is over.
 */
export function resolveProblem(stack: string, key: string, event: NotifyEvent, title: (downFor: string) => string | Said, now = new Date()): boolean {
  const row = getDb().prepare('SELECT * FROM notify_open WHERE stack = ? AND key = ?').get(stack, key) as OpenRow | undefined;
  if (!row) return false;
  getDb().prepare('DELETE FROM notify_open WHERE stack = ? AND key = ?').run(stack, key);
  const downForMs = now.getTime() - Date.parse(row.since);
  const downFor = formatDuration(downForMs);
  notify(stack, event, {
    severity: 'info',
    title: title(downFor),
    text: say('notify.recovered', { downFor, since: row.since, title: row.title }),
    downForMs,
    ignoreQuietHours: row.severity === 'critical',
    now,
  });
  return true;
}

export function openProblems(stack: string): { key: string; event: NotifyEvent; title: string; since: string; reminders: number }[] {
  return (getDb().prepare('SELECT * FROM notify_open WHERE stack = ? ORDER BY since').all(stack) as OpenRow[])
    .map((r) => ({ key: r.key, event: r.event, title: r.title, since: r.since, reminders: r.reminders }));
}

/**
 * The periodic part: held notices of stacks whose quiet hours are over go out (oldest first), and
 * problems still open past their stack's interval are re-notified. Returns what was sent.
 */
export function notifyTick(now = new Date()): { released: number; reminded: number } {
  const db = getDb();
  let released = 0;
  let reminded = 0;
  for (const { stack } of db.prepare('SELECT DISTINCT stack FROM notify_held').all() as { stack: string }[]) {
    if (inQuietHours(getPolicy(stack), now)) continue;
    for (const h of db.prepare('SELECT id, notification FROM notify_held WHERE stack = ? ORDER BY id').all(stack) as { id: number; notification: string }[]) {
      db.prepare('DELETE FROM notify_held WHERE id = ?').run(h.id);
      const n = JSON.parse(h.notification) as Notification;
      const held = say('notify.held', { text: n.said?.text ?? n.text, at: n.at });
      sendNow({ ...n, text: held.text, said: { ...n.said, text: held } });
      released++;
    }
  }
  for (const r of db.prepare('SELECT * FROM notify_open ORDER BY since').all() as OpenRow[]) {
    const every = getPolicy(r.stack).renotifyMinutes;
    if (!every || now.getTime() - Date.parse(r.last_sent_at) < every * 60_000) continue;
    db.prepare('UPDATE notify_open SET last_sent_at = ?, reminders = reminders + 1 WHERE stack = ? AND key = ?').run(now.toISOString(), r.stack, r.key);
    notify(r.stack, r.event, { severity: r.severity, title: say('notify.stillDown', { title: r.title }), text: say('notify.downFor', { duration: formatDuration(now.getTime() - Date.parse(r.since)), since: r.since }), now });
    reminded++;
  }
  return { released, reminded };
}

let timer: NodeJS.Timeout | null = null;

/** Once a minute is as fine as quiet hours and intervals in minutes need. */
export function startNotifyTicker(): void {
  if (timer) return;
  timer = setInterval(() => {
    try {
      notifyTick();
    } catch (e) {
      console.error('[opsdeck] notifications: tick failed:', (e as Error).message);
    }
  }, 60_000);
  timer.unref();
}
