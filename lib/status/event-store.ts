/**
 * The events timeline in Opsdeck's store (table `events`, migration 3). Written by the recorder as
 * the engine reports them, read by the status page, kept 7 days.
 */
import type { ContainerEvent } from '@/lib/docker/events';
import { getDb } from '@/lib/store/db';
import type { TimelineAction, TimelineEvent } from './types';

export const STORED_ACTIONS: readonly TimelineAction[] = ['start', 'die', 'oom', 'health_status', 'restart', 'stop'];
export const KEEP_DAYS = 7;

interface Row {
  id: number;
  at: string;
  service: string | null;
  container_name: string | null;
  action: TimelineAction;
  exit_code: number | null;
  health: string | null;
}

const SIGNALS: Record<number, string> = { 130: 'SIGINT', 137: 'SIGKILL', 139: 'SIGSEGV', 143: 'SIGTERM' };

/** One line a person reads at 3 a.m., and how alarming it is. */
export function describe(action: TimelineAction, service: string, exitCode: number | null, health: string | null): Pick<TimelineEvent, 'text' | 'severity'> {
  switch (action) {
    case 'start':
      return { text: `${service} started`, severity: 'info' };
    case 'restart':
      return { text: `${service} was restarted`, severity: 'info' };
    case 'stop':
      return { text: `${service} was stopped on request`, severity: 'info' };
    case 'oom':
      return { text: `${service} ran out of memory: the kernel killed it (OOM)`, severity: 'error' };
    case 'health_status':
      return health === 'unhealthy'
        ? { text: `${service} became unhealthy`, severity: 'error' }
        : { text: `${service} ${health === 'healthy' ? 'became healthy' : `health: ${health ?? 'unknown'}`}`, severity: 'info' };
    case 'die': {
      if (exitCode === 0) return { text: `${service} exited cleanly (exit code 0)`, severity: 'info' };
      const signal = exitCode !== null ? SIGNALS[exitCode] : undefined;
      const why = signal ? ` (killed by ${signal})` : '';
      // SIGTERM/SIGINT are what a stop sends: expected. Anything else is a crash or a kill.
      const severity = signal === 'SIGTERM' || signal === 'SIGINT' ? 'info' : 'error';
      return { text: `${service} exited with code ${exitCode ?? 'unknown'}${why}`, severity };
    }
  }
}

const toEvent = (r: Row): TimelineEvent => ({
  id: r.id,
  at: r.at,
  service: r.service,
  container: r.container_name,
  action: r.action,
  exitCode: r.exit_code,
  health: r.health,
  ...describe(r.action, r.service ?? r.container_name ?? 'a container', r.exit_code, r.health),
});

/** Stores one engine event; returns it as a timeline entry, or null when not kept or already stored. */
export function recordEvent(stack: string, e: ContainerEvent): TimelineEvent | null {
  if (!(STORED_ACTIONS as readonly string[]).includes(e.action)) return null;
  const res = getDb()
    .prepare(
      `INSERT OR IGNORE INTO events (at, time_nano, stack, service, container_id, container_name, action, exit_code, health)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(e.at, e.timeNano, stack, e.service, e.containerId, e.containerName, e.action, e.exitCode ?? null, e.health ?? null);
  if (res.changes === 0) return null;
  return toEvent({
    id: Number(res.lastInsertRowid),
    at: e.at,
    service: e.service,
    container_name: e.containerName,
    action: e.action as TimelineAction,
    exit_code: e.exitCode ?? null,
    health: e.health ?? null,
  });
}

/** Newest first. */
export function listEvents(stack: string, limit = 100): TimelineEvent[] {
  const rows = getDb()
    .prepare(
      `SELECT id, at, service, container_name, action, exit_code, health FROM events
       WHERE stack = ? ORDER BY time_nano DESC, id DESC LIMIT ?`,
    )
    .all(stack, Math.max(1, Math.min(limit, 1000))) as Row[];
  return rows.map(toEvent);
}

/** Engine time (ns) of the newest stored event, to replay from after a restart of Opsdeck. */
export function lastEventTime(): bigint | null {
  const row = getDb().prepare('SELECT MAX(time_nano) AS t FROM events').safeIntegers(true).get() as { t: bigint | null };
  return row.t;
}

/** Deletes events older than `days`; returns how many. */
export function pruneEvents(days = KEEP_DAYS, now = Date.now()): number {
  const cutoff = new Date(now - days * 24 * 3600_000).toISOString();
  return getDb().prepare('DELETE FROM events WHERE at < ?').run(cutoff).changes;
}
