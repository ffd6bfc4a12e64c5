/**
 * Deploy of a `runtime: swarm` stack, the same job as compose's (deploy.ts): the Swarm pre-flight
 * (nothing changes while a check fails), `docker stack deploy -c <files> <project>` with its output
 * in the job log, then the services watched until they converge and the app answers. A service update
 * in a redeploy follows the file's own update_config (Swarm rolls it back when it says so); a failed
 * first deploy leaves the services as Swarm has them, and the job says which task failed and why.
 */
import { deploySwarmStack, swarmStackConfig } from '@/lib/docker/swarm-deploy';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import { stackRedactor } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { updateStartsOf, waitForSwarmConverged } from './swarm-converge';
import { checkLine } from './preflight';
import { runSwarmPreflight, stackServicesOf } from './swarm-preflight';

export async function deploySwarm(stack: Stack, ctx: JobContext, opts: { healthTimeoutMs?: number } = {}): Promise<Said> {
  ctx.emit({ type: 'step', name: 'deploy.preflight', ...say('steps.deploy.preflight') });
  const checks = await runSwarmPreflight(stack);
  for (const c of checks) ctx.emit({ type: 'log', level: c.ok ? 'info' : 'error', ...checkLine(c) });
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) {
    const keys = failed.find((c) => c.id === 'swarm-keys');
    throw new OpsdeckError('invalid_input', say('errors.swarm.preflightFailed', { count: String(failed.length), checks: failed.map((c) => c.label).join(', '), keys: keys ? say('errors.swarm.keysDetail', { detail: keys.detail }) : '' }));
  }
  // The services the file declares, as the loader sees them: each must converge.
  const services = stackServicesOf((await swarmStackConfig(stack)).config).map((s) => s.name);
  ctx.emit({ type: 'step', name: 'deploy.up', ...say('steps.deploy.stackDeploy', { project: stack.projectName }) });
  const updatesBefore = await updateStartsOf(stack);
  const since = Date.now();
  const mask = stackRedactor(stack);
  const r = await deploySwarmStack(stack, (line) => ctx.emit({ type: 'log', text: mask(line) }));
  if (r.code !== 0) {
    const lines = mask(r.output).trim().split('\n');
    const cause = lines.filter((l) => /error|invalid|unsupported/i.test(l)).at(-1) ?? lines.at(-1) ?? '';
    throw new OpsdeckError('conflict', cause.trim() ? say('errors.swarm.stackDeployFailedCause', { code: String(r.code), cause: cause.trim() }) : say('errors.swarm.stackDeployFailed', { code: String(r.code) }), { detail: lines.slice(-10).join('\n') });
  }
  // Task times come from the manager's clock, this from ours: a little slack for a skew.
  await waitForSwarmConverged(stack, ctx, { services, since: since - 5000, timeoutMs: opts.healthTimeoutMs, updatesBefore });
  return say('jobs.summary.deploySwarm', { stack: stack.name, services: services.join(', ') });
}
