/**
 * The health gate of a Swarm deploy: after `docker stack deploy` has handed the services to the
 * manager, wait until each one has its desired replicas running (on Swarm a task with a health check
 * only counts as running once healthy) and no update of it is under way, then until the app's health
 * URL answers, as compose's gate does. Each task's change goes to the job log once. A service whose
 * tasks keep failing (the same count compose's crash watch uses), one that Swarm rolled back, or the
 * timeout, fails the job quoting the failing task's error and the app's last log lines, masked.
 */
import { OpsdeckError } from '@/lib/errors';
import { CRASH_LOOP_RESTARTS, LOG_QUOTE_LINES, lastWords } from '@/lib/health/crash-watch';
import type { JobContext } from '@/lib/jobs';
import { probeHttp } from '@/lib/status/probe';
import { stackRedactor, stackSecrets } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import { swarmSnapshot, type SwarmService, type SwarmTask } from '@/lib/docker/swarm';
import { readSwarmLogs, swarmLogTag } from '@/lib/docker/swarm-logs';
import { swarmServiceState } from '@/lib/docker/swarm-update';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { taskName } from './swarm-follow';

export const DEFAULT_SWARM_DEPLOY_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 1000;
/**
 * A task of a long-running service that ended by itself. `complete` included: a task whose health
 * check never passed is stopped by Swarm while starting, and an app that exits 0 on SIGTERM ends so.
 */
const FAILED = new Set(['failed', 'rejected', 'complete']);
const ROLLED_BACK = new Set(['rollback_completed', 'rollback_paused', 'paused']);

export interface ConvergeOptions {
  /** The compose file's services (from `docker stack config`): each must exist and converge. */
  services: string[];
  /** When `stack deploy` was started: tasks that failed before belong to an earlier deploy. */
  since: number;
  timeoutMs?: number;
  /** From updateStartsOf() before the deploy: a rollback status left by an earlier update is not this deploy's. */
  updatesBefore: Map<string, string | null>;
}

/** When each existing service's last update started, read before the deploy. */
export async function updateStartsOf(stack: Stack): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const s of (await swarmSnapshot(stack)).services) out.set(s.name, (await swarmServiceState(stack, s.name)).updateStartedAt);
  return out;
}

const failedSince = (svc: SwarmService, since: number) => svc.tasks.filter((t) => FAILED.has(t.state) && Date.parse(t.updatedAt) >= since);

/** Why a service is not there yet, as keyed text (the "Waiting: …" report); null when it has converged. */
function lag(svc: SwarmService | undefined, name: string): Said | null {
  if (!svc) return say('errors.swarm.lag.notCreated', { service: name });
  if (svc.updateState === 'updating' || svc.updateState === 'rollback_started') return say('errors.swarm.lag.updating', { service: name, state: svc.updateState });
  const live = svc.tasks.filter((t) => t.desiredState === 'running');
  if (svc.running >= svc.desired && live.every((t) => t.state === 'running')) return null;
  // Swarm's own task states (starting, pending…) are quoted as Swarm names them.
  const states = [...new Set(live.filter((t) => t.state !== 'running').map((t) => t.state))].join(', ');
  return say('errors.swarm.lag.running', { service: name, running: String(svc.running), desired: String(svc.desired), states: states ? say('errors.swarm.lag.states', { states }) : '' });
}

const WARNED = /"level"\s*:\s*"(warn|warning|error|fatal)"|\b(WARN|WARNING|ERROR|FATAL|PANIC)\b/i;

/** The task's own error (masked), else what its end says: stopped by Swarm while starting means never healthy. */
function endOf(t: SwarmTask, mask: (text: string) => string): string | Said {
  if (t.error) return mask(t.error);
  if (t.state === 'complete') return say('errors.swarm.endedWithCode', { code: t.exitCode === null ? say('errors.swarm.unknownCode') : String(t.exitCode) });
  return say('errors.swarm.noErrorGiven');
}

/** The failing task's error and the service's last log lines (of the failed tasks when they logged), masked. */
async function failure(stack: Stack, svc: SwarmService, failed: SwarmTask[], what: Said, after: string | Said = ''): Promise<OpsdeckError> {
  const mask = stackRedactor(stack);
  const task = [...failed].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).find((t) => t.error) ?? failed.at(-1);
  const lines = await readSwarmLogs(stack, { services: [svc.name], tail: 100 }).catch(() => []);
  const ids = new Set(failed.map((t) => t.id));
  const own = lines.filter((l) => ids.has(l.taskId));
  const recent = (own.length ? own : lines).slice(-LOG_QUOTE_LINES);
  const quoted = recent.map((l) => mask(`${swarmLogTag(l)} ${l.text}`));
  const taskWhy = task ? say('errors.swarm.taskWhy', { task: taskName(svc.name, task), node: task.node, state: task.state, error: endOf(task, mask) }) : what;
  // The line that tells why: the last warning or error the app logged, else its last line.
  const texts = recent.map((l) => mask(l.text));
  const warned = texts.filter((t) => WARNED.test(t));
  const said = lastWords((warned.length ? warned : texts).join('\n'));
  return new OpsdeckError('conflict', say('errors.swarm.deployFailed', { service: svc.name, what, why: taskWhy, said: said ? say('errors.swarm.appSaid', { said }) : '', after }), {
    detail: quoted.length ? `Last log lines of ${svc.name}:\n${quoted.join('\n')}` : undefined,
  });
}

export async function waitForSwarmConverged(stack: Stack, ctx: JobContext, opts: ConvergeOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SWARM_DEPLOY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  ctx.emit({ type: 'step', name: 'deploy.converge', ...say('steps.deploy.converge', { seconds: String(Math.round(timeoutMs / 1000)) }) });
  let lastReport = '';
  for (;;) {
    if (ctx.signal.aborted) throw new OpsdeckError('conflict', say('errors.swarm.deployStopped'));
    const snap = await swarmSnapshot(stack);
    const byName = new Map(snap.services.map((s) => [s.name, s]));
    for (const svc of snap.services) {
      for (const t of [...svc.tasks].reverse()) {
        if (Date.parse(t.updatedAt) < opts.since && !seen.has(t.id) && t.desiredState !== 'running') continue;
        const now = `${t.state} ${t.image}`;
        if (seen.get(t.id) === now) continue;
        seen.set(t.id, now);
        ctx.emit({ type: 'log', level: t.error ? 'warn' : 'info', ...say('log.swarmTask', { task: taskName(svc.name, t), node: t.node, now, error: t.error ? ` (${stackRedactor(stack)(t.error)})` : '' }) });
      }
    }
    for (const name of opts.services) {
      const svc = byName.get(name);
      if (!svc) continue;
      const failed = failedSince(svc, opts.since);
      if (failed.length >= CRASH_LOOP_RESTARTS) throw await failure(stack, svc, failed, say('errors.swarm.tasksFailed', { count: String(failed.length) }));
      if (svc.updateState && ROLLED_BACK.has(svc.updateState)) {
        const { updateStartedAt } = await swarmServiceState(stack, name);
        if (updateStartedAt === null || updateStartedAt === (opts.updatesBefore.get(name) ?? null)) continue;
        // Rolled back: the job ends once the previous tasks run again (or at the deadline), so it says where the service is.
        const back = svc.updateState === 'rollback_completed' && lag(svc, name) !== null && Date.now() < deadline;
        if (back) continue;
        const now = lag(svc, name);
        const where = now === null ? say('errors.swarm.runsAgain', { image: svc.image }) : say('errors.swarm.lag.where', { lag: now });
        throw await failure(stack, svc, failed, say('errors.swarm.updateStopped', { state: `${svc.updateState}${svc.updateMessage ? `: ${svc.updateMessage}` : ''}` }), where);
      }
    }
    const lags = opts.services.map((n) => lag(byName.get(n), n)).filter((x): x is Said => x !== null);
    const app = stack.app?.healthUrl && !lags.length ? await probeHttp(stack.app.healthUrl, { secrets: stackSecrets(stack), stack }) : null;
    if (!lags.length && (!app || app.ok)) {
      ctx.emit({ type: 'log', ...say('log.allHealthy') });
      return;
    }
    const report = lags.length ? lags.reduce((a, b) => say('errors.list', { a, b })) : say('errors.swarm.appHealthUrl', { url: app!.url, message: app!.said ?? app!.message });
    if (report.text !== lastReport) ctx.emit({ type: 'log', ...say('log.waiting', { report }) });
    lastReport = report.text;
    if (Date.now() >= deadline) {
      const lagging = opts.services.find((n) => lag(byName.get(n), n) !== null);
      const culprit = byName.get(lagging ?? stack.app?.service ?? '');
      const why = say('errors.swarm.notConverged', { seconds: String(Math.round(timeoutMs / 1000)), report });
      if (culprit) throw await failure(stack, culprit, failedSince(culprit, opts.since), why);
      throw new OpsdeckError('conflict', say('errors.swarm.stackNotConverged', { why }));
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
