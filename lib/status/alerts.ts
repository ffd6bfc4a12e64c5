import { notify } from '@/lib/notify';
import type { TimelineEvent } from './types';

/** A service that died this many times within the window is in a restart loop. */
const LOOP_DEATHS = 3;
const LOOP_WINDOW_MS = 15 * 60_000;
/** One message per service and kind within this time: a flapping service must not flood a chat. */
const QUIET_MS = 10 * 60_000;

const deaths = new Map<string, number[]>();
const lastSent = new Map<string, number>();

function once(key: string, now: number, send: () => void): void {
  if (now - (lastSent.get(key) ?? 0) < QUIET_MS) return;
  lastSent.set(key, now);
  send();
}

/**
 * Turns recorded engine events into notifications: an unexpected death (a `die` not preceded by a
 * requested stop, or an OOM kill) is "service down"; several deaths within 15 minutes a restart loop.
 */
export function notifyFromEvent(stack: string, e: TimelineEvent, now = Date.now()): void {
  if (!e.service) return;
  const key = `${stack}/${e.service}`;
  const unexpected = (e.action === 'die' && e.exitCode !== 0 && e.exitCode !== 143) || e.action === 'oom';
  if (!unexpected) return;
  const recent = [...(deaths.get(key) ?? []), now].filter((t) => now - t < LOOP_WINDOW_MS);
  deaths.set(key, recent);
  if (recent.length >= LOOP_DEATHS) {
    once(`${key}/loop`, now, () => notify(stack, 'service.restart-loop', { severity: 'critical', title: `${e.service} is restarting in a loop`, text: `${recent.length} unexpected exits in 15 minutes. Last: ${e.text}` }));
  } else {
    once(`${key}/down`, now, () => notify(stack, 'service.down', { severity: 'critical', title: `${e.service} went down`, text: e.text }));
  }
}
