import type { LogItem } from './types';

export interface MergeOptions {
  /**
   * null: the sources end (a range or a tail), so wait for every source before releasing a line:
   * a strict merge. A number: the sources are live, and a quiet service must not hold back the
   * others, so a line is also released once it has waited this long.
   */
  windowMs: number | null;
  signal: AbortSignal;
  /** Lines queued per source before that source stops being read (backpressure). */
  highWater?: number;
  maxBatch?: number;
}

interface Lane {
  items: LogItem[];
  arrived: number[];
  head: number;
  done: boolean;
  error: unknown;
  resume: (() => void) | null;
}

/**
 * Docker copies a container's stdout and its stderr into the log by two readers, so a line of one
 * stream can arrive after a later-stamped line of the other. Such a line is put back in order among
 * the lines of its lane not yet released (a released line cannot be taken back).
 */
function queueInOrder(lane: Lane, item: LogItem, now: number): void {
  let at = lane.items.length;
  while (at > lane.head && lane.items[at - 1].ts > item.ts) at--;
  if (at === lane.items.length) {
    lane.items.push(item);
    lane.arrived.push(now);
    return;
  }
  lane.items.splice(at, 0, item);
  // It waits as long as the line it now precedes, so aging releases the lane in order.
  lane.arrived.splice(at, 0, lane.arrived[at]);
}

/**
 * Merges several services' logs in timestamp order. Each source is read by its own pump, which
 * pauses while its queue is full: a slow reader of the merged stream slows every source down.
 */
export async function* mergeByTime(sources: AsyncIterable<LogItem[]>[], opts: MergeOptions): AsyncGenerator<LogItem[]> {
  const highWater = opts.highWater ?? 5000;
  const maxBatch = opts.maxBatch ?? 2000;
  const lanes: Lane[] = sources.map(() => ({ items: [], arrived: [], head: 0, done: false, error: null, resume: null }));
  let stopped = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const release = () => {
    for (const lane of lanes) {
      const r = lane.resume;
      lane.resume = null;
      r?.();
    }
    notify();
  };
  opts.signal.addEventListener('abort', release, { once: true });

  const pumps = sources.map(async (source, i) => {
    const lane = lanes[i];
    try {
      for await (const batch of source) {
        const now = Date.now();
        for (const item of batch) queueInOrder(lane, item, now);
        notify();
        while (lane.items.length - lane.head > highWater && !opts.signal.aborted && !stopped) {
          await new Promise<void>((r) => (lane.resume = r));
        }
        if (opts.signal.aborted || stopped) break;
      }
    } catch (e) {
      if (!opts.signal.aborted) lane.error = e;
    } finally {
      lane.done = true;
      notify();
    }
  });

  try {
    while (!opts.signal.aborted) {
      const out: LogItem[] = [];
      const now = Date.now();
      while (out.length < maxBatch) {
        let best = -1;
        let ready = true;
        for (let i = 0; i < lanes.length; i++) {
          const l = lanes[i];
          if (l.head >= l.items.length) {
            if (!l.done) ready = false;
            continue;
          }
          if (best < 0 || l.items[l.head].ts < lanes[best].items[lanes[best].head].ts) best = i;
        }
        if (best < 0) break;
        const lane = lanes[best];
        const aged = opts.windowMs !== null && lane.arrived[lane.head] <= now - opts.windowMs;
        if (!ready && !aged) break;
        out.push(lane.items[lane.head++]);
      }
      for (const l of lanes) {
        if (l.head > 4096 || (l.head > 0 && l.head === l.items.length)) {
          l.items.splice(0, l.head);
          l.arrived.splice(0, l.head);
          l.head = 0;
        }
        if (l.resume && l.items.length - l.head <= highWater / 2) {
          const r = l.resume;
          l.resume = null;
          r();
        }
      }
      if (out.length) {
        yield out;
        continue;
      }
      if (lanes.every((l) => l.done && l.head >= l.items.length)) {
        const failed = lanes.find((l) => l.error);
        if (failed) throw failed.error;
        return;
      }
      // Nothing releasable: wait for a source, or for the oldest waiting line to age out.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((r) => {
        wake = r;
        if (opts.windowMs === null) return;
        const oldest = Math.min(...lanes.filter((l) => l.head < l.items.length).map((l) => l.arrived[l.head]));
        if (Number.isFinite(oldest)) timer = setTimeout(notify, Math.max(1, oldest + opts.windowMs - Date.now()));
      });
      clearTimeout(timer);
    }
  } finally {
    stopped = true;
    opts.signal.removeEventListener('abort', release);
    release();
    // Sources end when the session's signal aborts (their Docker streams are destroyed).
    void Promise.allSettled(pumps);
  }
}
