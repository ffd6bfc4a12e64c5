import { notify } from '@/lib/notify';
import type { TimelineEvent } from './types';
import { say } from '@/lib/i18n/server-text';

/** A service that died this many times within the window is in a restart loop. */
const LOOP_DEATHS = 3;
const LOOP_WINDOW_MS = 15 * 60_000;
/** One message per service and kind within this time: a flapping service must not flood a chat. */
const QUIET_MS = 10 * 60_000;
/**
 * A die this soon after a kill of the same container was asked for. `docker stop` (and compose
 * stop/down/restart, and Opsdeck's own buttons) sends `kill` (SIGTERM) at once and `kill`
 * (SIGKILL) when the grace period ends, right before the die; the `stop` event only comes after
 * the die. So a kill event is what marks a death as requested, whatever its exit code (137 when
 * the process outlasted its grace period).
 */
const REQUESTED_WINDOW_MS = 60_000;
/** An OOM kill is reported by `oom` and then `die` (137) of the same container: one death, not two. */
const OOM_DIE_WINDOW_MS = 10_000;

const deaths = new Map<string, number[]>();
const lastSent = new Map<string, number>();
/** Engine time (ms) of the last `kill` / `oom` per stack and container name. */
const killed = new Map<string, number>();
const oomed = new Map<string, number>();

function once(key: string, now: number, send: () => void): void {
  if (now - (lastSent.get(key) ?? 0) < QUIET_MS) return;
  lastSent.set(key, now);
  send();
}

const timeOf = (at: string, fallback: number) => (Number.isFinite(Date.parse(at)) ? Date.parse(at) : fallback);

function recentlyIn(map: Map<string, number>, key: string, t: number, windowMs: number): boolean {
  const at = map.get(key);
  if (at === undefined) return false;
  map.delete(key);
  return t - at >= -1000 && t - at <= windowMs;
}

/**
 * Called for every engine event of a stack's container, stored or not (`kill` is not kept in the
 * timeline). Engine times are used, not the clock: replayed events after a restart of Opsdeck
 * keep their order and spacing.
 *
 * Decided: any `kill` counts as requested, also `docker kill` by someone at the shell: a person
 * or tool asked for it, and the timeline shows it. Only deaths nobody asked for alert: a crash
 * (non-zero exit without a preceding kill) or an OOM kill. A kill with a non-fatal signal
 * (`docker kill -s HUP`) followed by a crash within a minute is not reported; the timeline has it.
 */
export function noteEngineEvent(stack: string, e: { action: string; containerName: string; at: string }, now = Date.now()): void {
  if (e.action !== 'kill') return;
  const t = timeOf(e.at, now);
  for (const [k, at] of killed) if (t - at > REQUESTED_WINDOW_MS) killed.delete(k); // bounded: only recent kills
  killed.set(`${stack}/${e.containerName}`, t);
}

/**
 * Turns recorded engine events into notifications: an unexpected death (a `die` not preceded by a
 * requested kill or stop, or an OOM kill) is "service down"; several deaths within 15 minutes a
 * restart loop.
 */
export function notifyFromEvent(stack: string, e: TimelineEvent, now = Date.now()): void {
  if (!e.service) return;
  const key = `${stack}/${e.service}`;
  const box = `${stack}/${e.container ?? e.service}`;
  const t = timeOf(e.at, now);
  if (e.action === 'oom') oomed.set(box, t);
  if (e.action === 'die') {
    if (recentlyIn(killed, box, t, REQUESTED_WINDOW_MS)) return; // stopped or killed on request
    if (recentlyIn(oomed, box, t, OOM_DIE_WINDOW_MS)) return; // the die of an OOM kill already reported
  }
  const unexpected = (e.action === 'die' && e.exitCode !== 0 && e.exitCode !== 143) || e.action === 'oom';
  if (!unexpected) return;
  const recent = [...(deaths.get(key) ?? []), now].filter((x) => now - x < LOOP_WINDOW_MS);
  deaths.set(key, recent);
  if (recent.length >= LOOP_DEATHS) {
    once(`${key}/loop`, now, () => notify(stack, 'service.restart-loop', { severity: 'critical', title: say('notify.restartLoop', { service: e.service! }), text: say('notify.restartLoopText', { count: String(recent.length), last: e.text }) }));
  } else {
    once(`${key}/down`, now, () => notify(stack, 'service.down', { severity: 'critical', title: say('notify.serviceDown', { service: e.service! }), text: e.text }));
  }
}
