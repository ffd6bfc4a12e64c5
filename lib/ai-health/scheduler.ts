/**
 * Runs light probes on each dependency's interval, and deep probes where an admin scheduled them.
 * One scheduler per process: it lives on globalThis so Next's hot reload does not start a second
 * one, and `stopAiScheduler` cancels the probes in flight and waits for them.
 */
import { listStacks, type Stack } from '@/lib/stacks';
import { userMessageOf } from '@/lib/errors';
import { listDependencies } from './dependencies';
import { currentState, isRunning, probeDependency } from './runner';
import { dropStaleStates, getSettings, pruneResults } from './store';

export interface SchedulerOptions {
  /** How often the scheduler looks for due probes (default 1 s). */
  tickMs?: number;
  /** At most this many probes in flight at once (default 8): a 2-core host has other work. */
  maxConcurrent?: number;
  /** Which stacks to watch (default: the configured ones). */
  stacks?: () => Stack[];
  timeoutMs?: number;
}

export interface AiScheduler {
  /** One pass: starts every due probe. Resolves once they are started, not finished. */
  tick(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
  /** Probes in flight right now. */
  inFlight(): number;
}

const PRUNE_EVERY_MS = 3_600_000;

export function createAiScheduler(opts: SchedulerOptions = {}): AiScheduler {
  const tickMs = opts.tickMs ?? 1000;
  const maxConcurrent = opts.maxConcurrent ?? 8;
  const abort = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  let lastPrune = 0;
  let ticking = false;
  let running = true;
  let lastError = '';

  const launch = (p: Promise<unknown>) => {
    const tracked = p.catch((e: unknown) => console.error('[ai-health] probe failed to record:', userMessageOf(e))).finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };

  const tick = async () => {
    if (!running || ticking) return;
    ticking = true;
    try {
      const now = Date.now();
      if (now - lastPrune > PRUNE_EVERY_MS) {
        pruneResults(now);
        lastPrune = now;
      }
      let stacks: Stack[] = [];
      try {
        stacks = (opts.stacks ?? listStacks)();
      } catch (e) {
        // An invalid config is shown on every page already; log it once, not every second.
        const msg = userMessageOf(e);
        if (msg !== lastError) console.error('[ai-health] stacks unavailable:', msg);
        lastError = msg;
        return;
      }
      for (const stack of stacks) {
        const { deps } = listDependencies(stack);
        dropStaleStates(stack.name, deps.map((d) => d.id));
        for (const d of deps) {
          if (inflight.size >= maxConcurrent) return;
          const settings = getSettings(d.stack, d.id);
          const state = currentState(d);
          const probeOpts = { signal: abort.signal, stack, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
          // Half a tick early rather than a whole tick late: an interval of N s then means N s, not N + 1.
          const lightDue = state.nextLightAt === undefined || now >= state.nextLightAt - tickMs / 2 || state.nextLightAt - now > settings.lightIntervalSec * 1000;
          if (lightDue && !isRunning(d, 'light')) launch(probeDependency(d, 'light', probeOpts));
          const deepDue = settings.deepIntervalSec > 0 && !d.configProblem
            && (state.lastDeepAt === undefined || now >= state.lastDeepAt + settings.deepIntervalSec * 1000);
          if (deepDue && !isRunning(d, 'deep') && inflight.size < maxConcurrent) launch(probeDependency(d, 'deep', probeOpts));
        }
      }
    } catch (e) {
      console.error('[ai-health] scheduler pass failed:', userMessageOf(e));
    } finally {
      ticking = false;
    }
  };

  const timer = setInterval(() => void tick(), tickMs);
  // The scheduler must never keep a process alive on its own (tests, `next build`).
  timer.unref();
  void tick();

  return {
    tick,
    get running() {
      return running;
    },
    inFlight: () => inflight.size,
    async stop() {
      if (!running) return;
      running = false;
      clearInterval(timer);
      abort.abort();
      await Promise.allSettled([...inflight]);
    },
  };
}

const holder = globalThis as typeof globalThis & { __opsdeckAiScheduler?: AiScheduler };

/** Starts the process-wide scheduler once; later calls (hot reloads) return the running one. */
export function startAiScheduler(opts: SchedulerOptions = {}): AiScheduler | null {
  if (/^(off|0|false|no)$/i.test(process.env.OPSDECK_AI_PROBES ?? '')) return null;
  if (holder.__opsdeckAiScheduler?.running) return holder.__opsdeckAiScheduler;
  holder.__opsdeckAiScheduler = createAiScheduler(opts);
  return holder.__opsdeckAiScheduler;
}

export async function stopAiScheduler(): Promise<void> {
  const s = holder.__opsdeckAiScheduler;
  holder.__opsdeckAiScheduler = undefined;
  await s?.stop();
}
