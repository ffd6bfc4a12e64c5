/**
 * The Engine's event stream, narrowed to containers of configured stacks. One long-lived HTTP
 * stream serves every stack: the engine filters on the project label's presence (its `label`
 * filter ANDs several values, so it cannot express "any of these projects") and each event is
 * matched to a stack here. When the stream breaks (dockerd restarted, socket gone) it reconnects
 * with `since` = the last event seen, so the engine replays what happened in between.
 */
import type { Stack } from '@/lib/stacks/types';
import type { OpsdeckError } from '@/lib/errors';
import { getDocker, type EngineOwner } from './client';
import { labelsFor } from './containers';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import type { HealthState } from './types';

/** The actions a status view cares about: state changes of a container. exec_*, attach, top… are noise. */
export const WATCHED_ACTIONS = ['create', 'start', 'restart', 'stop', 'kill', 'die', 'oom', 'health_status', 'pause', 'unpause', 'destroy', 'rename'] as const;
export type ContainerAction = (typeof WATCHED_ACTIONS)[number];

export interface ContainerEvent {
  /** Engine time in ns since the epoch: with container and action it identifies the event. */
  timeNano: bigint;
  at: string;
  action: ContainerAction;
  /** For health_status. */
  health?: HealthState;
  /** For die. */
  exitCode?: number;
  containerId: string;
  containerName: string;
  service: string;
  image: string;
}

export type WatchStatus = { connected: true } | { connected: false; error: OpsdeckError };

export interface WatchOptions {
  /** Whose engine to follow (a stack with `docker:`); absent: DOCKER_HOST's. */
  engine?: EngineOwner;
  /** The stacks to match events to; read on every event so a config change applies at once. */
  stacks: () => Stack[];
  /** Replay events from this engine time (ns) on: what happened while nobody was listening. */
  since?: bigint;
  onEvent: (stack: Stack, event: ContainerEvent) => void;
  onStatus?: (status: WatchStatus) => void;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number | string;
}

function parse(raw: RawEvent, exactNano: bigint | null, stacks: Stack[]): { stack: Stack; event: ContainerEvent } | null {
  if (raw.Type !== 'container' || !raw.Action || !raw.Actor?.ID) return null;
  const attrs = raw.Actor.Attributes ?? {};
  const stack = stacks.find((s) => attrs[labelsFor(s).project] === s.projectName);
  if (!stack) return null;
  // "health_status: healthy" carries its value after the colon.
  const [verb, value] = raw.Action.split(/:\s*/, 2);
  if (!(WATCHED_ACTIONS as readonly string[]).includes(verb)) return null;
  const timeNano = exactNano ?? BigInt(raw.time ?? 0) * 1_000_000_000n;
  const event: ContainerEvent = {
    timeNano,
    at: new Date(Number(timeNano / 1_000_000n)).toISOString(),
    action: verb as ContainerAction,
    containerId: raw.Actor.ID,
    containerName: attrs.name ?? raw.Actor.ID.slice(0, 12),
    service: attrs[labelsFor(stack).service] ?? '(unknown)',
    image: attrs.image ?? '',
  };
  if (verb === 'health_status' && (value === 'healthy' || value === 'unhealthy' || value === 'starting')) event.health = value;
  if (verb === 'die' && attrs.exitCode !== undefined) event.exitCode = Number(attrs.exitCode);
  return { stack, event };
}

/** Starts watching; `close()` ends the stream and stops reconnecting. */
export function watchStackEvents(opts: WatchOptions): { close(): void } {
  let closed = false;
  let stream: NodeJS.ReadableStream & { destroy?: () => void } | null = null;
  let retry: NodeJS.Timeout | null = null;
  let since = opts.since;
  let failures = 0;

  const stacksNow = () => {
    try {
      return opts.stacks();
    } catch {
      return [];
    }
  };

  const scheduleReconnect = (e: unknown) => {
    if (closed || retry) return;
    stream = null;
    const { endpoint } = getDocker(opts.engine);
    opts.onStatus?.({ connected: false, error: dockerError(e, endpoint.label, say('errors.docker.doing.followEvents')) });
    failures++;
    // 1, 2, 4, 8 s: an engine that comes back is followed again within seconds.
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 1000 * 2 ** Math.min(failures - 1, 3));
    retry.unref?.();
  };

  const connect = async () => {
    const { docker } = getDocker(opts.engine);
    try {
      const s = (await docker.getEvents({
        // Seconds with a fraction: the engine replays from its buffer, then follows live.
        ...(since !== undefined ? { since: `${since / 1_000_000_000n}.${String(since % 1_000_000_000n).padStart(9, '0')}` as unknown as number } : {}),
        filters: { type: ['container'], label: [...new Set(stacksNow().map((s) => labelsFor(s).project))].slice(0, 1), event: [...WATCHED_ACTIONS] },
      })) as NodeJS.ReadableStream & { destroy?: () => void };
      if (closed) return s.destroy?.();
      stream = s;
      failures = 0;
      opts.onStatus?.({ connected: true });
      let buffered = '';
      s.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          let raw: RawEvent;
          try {
            raw = JSON.parse(line) as RawEvent;
          } catch {
            continue;
          }
          // JSON.parse would round a 19-digit timeNano; read its digits from the text instead.
          const nano = /"timeNano":\s*(\d+)/.exec(line);
          const hit = parse(raw, nano ? BigInt(nano[1]) : null, stacksNow());
          if (!hit) continue;
          since = hit.event.timeNano;
          try {
            opts.onEvent(hit.stack, hit.event);
          } catch (e) {
            console.error('opsdeck: event handler failed:', e instanceof Error ? e.message : e);
          }
        }
      });
      // Only the current stream may trigger a reconnect: a replaced one's late 'end' must not open a second.
      s.on('error', (e) => s === stream && scheduleReconnect(e));
      s.on('end', () => s === stream && scheduleReconnect(Object.assign(new Error('the event stream ended'), { code: 'ECONNRESET' })));
    } catch (e) {
      scheduleReconnect(e);
    }
  };

  void connect();
  return {
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      stream?.destroy?.();
    },
  };
}
