import { runLifecycle } from '@/lib/docker';
import { detectCompose, runCompose } from '@/lib/docker/compose-cli';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import { deploySettingsOf } from '@/lib/stacks/presets';
import type { Stack } from '@/lib/stacks/types';
import { composeProjectOf } from './compose-project';
import { waitForHealthy } from './health-gate';
import { checkLine, runPreflight } from './preflight';
import { deploySwarm } from './swarm-stack-deploy';
import { updateStartsOf, waitForSwarmConverged } from './swarm-converge';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

async function compose(stack: Stack, args: string[], ctx: JobContext, what: Said): Promise<void> {
  ctx.emit({ type: 'log', text: `$ compose ${args.join(' ')}` });
  const r = await runCompose(composeProjectOf(stack), args, { signal: ctx.signal, onLine: (line) => ctx.emit({ type: 'log', text: line }) });
  if (r.code !== 0) {
    const lines = r.stderr.trim().split('\n');
    // v1 ends with "Encountered errors while bringing up the project."; the line that names the service is above it.
    const cause = lines.filter((l) => /error/i.test(l) && !/^Encountered errors/.test(l)).at(-1) ?? lines.at(-1) ?? '';
    // compose's own line is quoted as it is, not translated.
    const code = String(r.code);
    const said = cause.trim() ? say('errors.deploy.composeFailedCause', { what, code, cause: cause.trim() }) : say('errors.deploy.composeFailed', { what, code });
    throw new OpsdeckError('conflict', said, { detail: lines.slice(-10).join('\n') });
  }
}

/**
 * Deploy = bring the stack to its compose file: pre-flight checks (nothing changes while one
 * fails), `up -d` with its output in the job log, then the health gate. The same job applies a
 * changed compose or env file to a running stack, since compose recreates only what changed.
 * A `runtime: swarm` stack takes the Swarm path (swarm-stack-deploy.ts): same job, `docker stack deploy`.
 */
export async function deployStack(stack: Stack, ctx: JobContext, opts: { healthTimeoutMs?: number } = {}): Promise<Said> {
  if (stack.runtime === 'swarm') return deploySwarm(stack, ctx, opts);
  ctx.emit({ type: 'step', name: 'deploy.preflight', ...say('steps.deploy.preflight') });
  const checks = await runPreflight(stack);
  for (const c of checks) ctx.emit({ type: 'log', level: c.ok ? 'info' : 'error', ...checkLine(c) });
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) {
    const labels = failed.map((c) => c.said?.label ?? c.label).reduce((a, b) => say('errors.list', { a, b }));
    throw new OpsdeckError('invalid_input', say('errors.deploy.preflightFailed', { count: String(failed.length), checks: labels }));
  }
  const { pull, build } = deploySettingsOf(stack);
  const { kind } = await detectCompose();
  const up = ['up', '-d', '--remove-orphans', ...(build ? ['--build'] : [])];
  if (kind === 'v2') up.push('--pull', pull);
  else if (pull === 'always') {
    // docker-compose v1's `up` has no --pull: an explicit pull step first does the same.
    ctx.emit({ type: 'step', name: 'deploy.pull', ...say('steps.deploy.pull') });
    await compose(stack, ['pull'], ctx, say('errors.deploy.pull'));
  } else if (pull === 'never') {
    ctx.emit({ type: 'log', ...say('log.deploy.v1NoPull') });
  }
  ctx.emit({ type: 'step', name: 'deploy.up', ...say('steps.deploy.up', { pull, build: build ? 'yes' : 'no' }) });
  await compose(stack, up, ctx, say('errors.deploy.deploy'));
  await waitForHealthy(stack, ctx.emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
  return say('jobs.summary.deploy', { stack: stack.name });
}

export type StackLifecycle = 'start' | 'stop' | 'restart';

// One literal key per action, so the messages parity test sees each.
const stackStep = (action: StackLifecycle, stack: string) =>
  action === 'start' ? say('steps.stack.start', { stack }) : action === 'stop' ? say('steps.stack.stop', { stack }) : say('steps.stack.restart', { stack });

/**
 * Whole-stack start/stop/restart as a job: the status page's dependency-ordered lifecycle (database
 * first on start, app first on stop), holding the stack's lock, then the health gate. Stop keeps
 * containers and volumes.
 */
export async function stackLifecycle(stack: Stack, action: StackLifecycle, ctx: JobContext, opts: { healthTimeoutMs?: number } = {}): Promise<Said> {
  ctx.emit({ type: 'step', name: `stack.${action}`, ...stackStep(action, stack.name) });
  const swarm = stack.runtime === 'swarm';
  const since = Date.now();
  const updatesBefore = swarm ? await updateStartsOf(stack) : new Map<string, string | null>();
  const result = await runLifecycle(stack, action);
  for (const c of result.containers) ctx.emit({ type: 'log', ...say('log.deploy.container', { name: c.name, service: c.service, outcome: c.outcome === 'done' ? say('log.deploy.outcome.done') : say('log.deploy.outcome.unchanged') }) });
  if (action !== 'stop' && swarm) {
    // Task times come from the manager's clock, `since` from ours: a little slack for a skew.
    await waitForSwarmConverged(stack, ctx, { services: result.containers.map((c) => c.service), since: since - 5000, timeoutMs: opts.healthTimeoutMs, updatesBefore });
  } else if (action !== 'stop') await waitForHealthy(stack, ctx.emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
  const params = { stack: stack.name };
  return action === 'stop' ? say('jobs.summary.stopped', params) : action === 'start' ? say('jobs.summary.started', params) : say('jobs.summary.restarted', params);
}
