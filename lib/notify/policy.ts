/**
 * Each stack's quiet hours and reminder interval. Quiet hours hold back what is not critical
 * (held, never dropped: sent in order when they end); a critical notice still wakes the on-call.
 */
import { z } from 'zod';
import { getDb } from '@/lib/store';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time as HH:MM' });

export const notifyPolicySchema = z.object({
  quietStart: hhmm.nullable().default(null),
  quietEnd: hhmm.nullable().default(null),
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, { error: 'an IANA time zone such as Asia/Shanghai' }).default('UTC'),
  /** Remind about things still down every this many minutes; null: no reminders. */
  renotifyMinutes: z.number().int().min(5).max(7 * 24 * 60).nullable().default(null),
});
export type NotifyPolicy = z.infer<typeof notifyPolicySchema>;

const NONE: NotifyPolicy = { quietStart: null, quietEnd: null, timeZone: 'UTC', renotifyMinutes: null };

export function getPolicy(stack: string): NotifyPolicy {
  const r = getDb().prepare('SELECT quiet_start, quiet_end, time_zone, renotify_minutes FROM notify_policy WHERE stack = ?').get(stack) as
    | { quiet_start: string | null; quiet_end: string | null; time_zone: string; renotify_minutes: number | null }
    | undefined;
  return r ? { quietStart: r.quiet_start, quietEnd: r.quiet_end, timeZone: r.time_zone, renotifyMinutes: r.renotify_minutes } : NONE;
}

export function savePolicy(stack: string, input: z.input<typeof notifyPolicySchema>): NotifyPolicy {
  const p = notifyPolicySchema.parse(input);
  getDb()
    .prepare(`INSERT INTO notify_policy (stack, quiet_start, quiet_end, time_zone, renotify_minutes) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (stack) DO UPDATE SET quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, time_zone = excluded.time_zone, renotify_minutes = excluded.renotify_minutes`)
    .run(stack, p.quietStart, p.quietEnd, p.timeZone, p.renotifyMinutes);
  return p;
}

/** Minutes since midnight at `now` in the zone. */
function minuteOfDay(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const toMin = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));

/** Inside [start, end) in the stack's zone; a window may cross midnight (22:00–07:00). */
export function inQuietHours(p: NotifyPolicy, now: Date): boolean {
  if (!p.quietStart || !p.quietEnd || p.quietStart === p.quietEnd) return false;
  const m = minuteOfDay(now, p.timeZone);
  const s = toMin(p.quietStart);
  const e = toMin(p.quietEnd);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** "3 h 12 min", "45 s": an outage's length for people. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}
