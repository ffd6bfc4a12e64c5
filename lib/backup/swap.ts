/**
 * Putting another database in place of the live one: stop the app → rename (live → kept name,
 * source → live name, one transaction) → start the app → wait until healthy. If the app does not
 * come back, the renames are reversed and the app is started on its previous database: whatever
 * happens, the app runs at the end. Used by restore and by "undo restore".
 */
import { startService, stopService } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { waitAppHealthy } from './app-health';
import { keptName, renameDatabases } from './databases';
import { during, type PgTools } from '@/lib/postgres/tools';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export const DEFAULT_HEALTH_TIMEOUT_MS = 120_000;

/** Recovery note written while a swap is under way (see recovery.ts). */
export interface SwapNote {
  stack: string;
  database: string;
  source: string;
  keptAs: string;
  appService: string | null;
}

/** More to swap while the app is stopped (a set's volumes): in after the rename, back before it is reversed. */
export interface AlsoSwap {
  swapIn(): Promise<void>;
  swapBack(): Promise<void>;
}

export async function swapInDatabase(
  stack: Stack,
  tools: PgTools,
  source: string,
  ctx: JobContext,
  opts: { healthTimeoutMs?: number; what: string | Said; also?: AlsoSwap },
): Promise<{ keptAs: string }> {
  const emit = ctx.emit;
  const db = tools.conn.database;
  const keptAs = keptName(db, ctx.id);
  const app = stack.app?.service ?? null;
  const timeoutMs = opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const note: SwapNote = { stack: stack.name, database: db, source, keptAs, appService: app };
  ctx.remember('swap', note);
  let swapped = false;
  let alsoStarted = false;
  try {
    if (app) {
      emit({ type: 'step', name: 'swap.stop-app', ...say('steps.swap.stopApp', { app }) });
      const n = await stopService(stack, app);
      emit({ type: 'log', text: n ? `Stopped ${n} ${app} container(s).` : `${app} was not running.` });
    }
    emit({ type: 'step', name: 'swap.rename', ...say('steps.swap.rename', { db, kept: keptAs, source }) });
    await during('rename', renameDatabases(tools, [[db, keptAs], [source, db]]));
    swapped = true;
    emit({ type: 'log', ...say('log.swap.live', { what: opts.what, db, kept: keptAs }) });
    if (opts.also) {
      alsoStarted = true;
      await opts.also.swapIn();
    }
    if (app) {
      emit({ type: 'step', name: 'swap.start-app', ...say('steps.swap.startApp', { app }) });
      await startService(stack, app);
      emit({ type: 'step', name: 'swap.health', ...say('steps.swap.health', { seconds: String(Math.round(timeoutMs / 1000)) }) });
      const health = await waitAppHealthy(stack, { timeoutMs, signal: ctx.signal });
      if (!health.ok) {
        emit({ type: 'log', level: 'error', ...say('log.swap.notHealthy', { lastSeen: health.lastSeen }) });
        throw new OpsdeckError(
          'conflict',
          say('errors.backup.swapUnhealthy', { what: opts.what, seconds: String(Math.round(timeoutMs / 1000)), lastSeen: health.lastSeen }),
        );
      }
      emit({ type: 'log', ...say('log.swap.healthy', { lastSeen: health.lastSeen }) });
    }
    ctx.forget('swap');
    return { keptAs };
  } catch (e) {
    await putBack(stack, tools, note, swapped, ctx, alsoStarted ? opts.also : undefined);
    throw e;
  }
}

/** Undoes a swap that did not finish well, and makes sure the app runs. Never throws. */
async function putBack(stack: Stack, tools: PgTools, note: SwapNote, swapped: boolean, ctx: JobContext, also?: AlsoSwap): Promise<void> {
  const emit = ctx.emit;
  try {
    if (swapped) {
      emit({ type: 'step', name: 'swap.back', ...say('steps.swap.back', { kept: note.keptAs, db: note.database }) });
      if (note.appService) await stopService(stack, note.appService);
      await also?.swapBack().catch((e) => emit({ type: 'log', level: 'error', ...say('log.swap.volumesBackFailed', { error: (e as Error).message }) }));
      await renameDatabases(tools, [[note.database, note.source], [note.keptAs, note.database]]);
      emit({ type: 'log', ...say('log.swap.previousLive', { db: note.database }) });
    }
    if (note.appService) {
      emit({ type: 'step', name: 'swap.restart-app', ...say('steps.swap.restartApp', { app: note.appService }) });
      await startService(stack, note.appService);
      const health = await waitAppHealthy(stack, { timeoutMs: DEFAULT_HEALTH_TIMEOUT_MS });
      emit({ type: 'log', level: health.ok ? 'info' : 'error', ...(health.ok ? say('log.swap.healthyAgain', { lastSeen: health.lastSeen }) : say('log.swap.notHealthyYetCheck', { lastSeen: health.lastSeen })) });
    }
    ctx.forget('swap');
  } catch (e) {
    emit({ type: 'log', level: 'error', ...say('log.swap.putBackFailed', { error: (e as Error).message }) });
  }
}
