/**
 * Apply = bring the containers to the saved file, as a job holding the stack's lock: check the
 * file is the version the admin saw, validate it again, find the services whose configuration
 * hash changed (what compose itself compares), recreate only those, then the health gate. If the
 * app does not come back, the file goes back to what the containers last ran and those services
 * are recreated from it, so the stack ends as it was and the job says why.
 */
import { composeProjectOf } from '@/lib/deploy/compose-project';
import { DEFAULT_HEALTH_TIMEOUT_MS, waitForHealthy } from '@/lib/deploy/health-gate';
import { runningConfigHashes } from '@/lib/docker';
import { detectCompose, runCompose } from '@/lib/docker/compose-cli';
import { isOpsdeckError, OpsdeckError, userMessageOf, userSaidOf } from '@/lib/errors';
import type { EmitInput, JobContext } from '@/lib/jobs';
import { secretRedactor } from '@/lib/secrets';
import { getStack } from '@/lib/stacks/registry';
import { parseEnvFile } from '@/lib/stacks/env-file';
import { stackSecrets } from '@/lib/stacks/stack-secrets';
import { deploySettingsOf } from '@/lib/stacks/presets';
import type { Stack } from '@/lib/stacks/types';
import { readConfigFile, type ConfigKind } from './files';
import { secretValues } from './hidden';
import { appliedBaseline, markApplied, writeVersion } from './history';
import { validateCandidate } from './validate';
import { mapSaidParams, type Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export interface ApplyOptions {
  kind: ConfigKind;
  /** sha256 of the saved version the admin chose to apply. */
  sha: string;
  healthTimeoutMs?: number;
}

/** The stack as loaded now: its health URL and ports follow the env file that was just written. */
function reload(stack: Stack): Stack {
  try {
    const fresh = getStack(stack.name);
    if (fresh.projectName === stack.projectName && fresh.envFile === stack.envFile) return fresh;
  } catch {
    // Not in the registry: see below.
  }
  // A stack built in code (tests) is not the registry's; its roles do not change with the file.
  return stack;
}

/** Service names whose config hash (compose config --hash) differs from their container's label. */
async function changedServices(stack: Stack, ctx: JobContext): Promise<string[] | null> {
  if ((await detectCompose()).kind !== 'v2') return null;
  const r = await runCompose(composeProjectOf(stack), ['config', '--hash', '*'], { signal: ctx.signal });
  if (r.code !== 0) throw new OpsdeckError('config_invalid', say('errors.config.hashFailed'), { detail: r.stderr.slice(-1000) });
  const running = await runningConfigHashes(stack);
  const out: string[] = [];
  for (const line of r.stdout.trim().split('\n')) {
    const [service, hash] = line.trim().split(/\s+/);
    if (!service || !hash) continue;
    if (!running.has(service)) ctx.emit({ type: 'log', ...say('log.config.noContainer', { service }) });
    else if (running.get(service) !== hash) out.push(service);
  }
  return out.sort();
}

async function recreate(stack: Stack, services: string[] | null, ctx: JobContext, what: Said): Promise<void> {
  const { kind } = await detectCompose();
  // v1 has no --hash: it is given no names and recreates what changed itself (same rule, same result).
  // No --no-deps: compose drops depends_on from the hash it stamps then, and the next deploy would
  // recreate the service for nothing. Dependencies whose configuration did not change are left as they are.
  const args = ['up', '-d', ...(kind === 'v2' ? ['--pull', deploySettingsOf(stack).pull] : []), ...(services ?? [])];
  ctx.emit({ type: 'log', text: `$ compose ${args.join(' ')}` });
  const r = await runCompose(composeProjectOf(stack), args, { signal: ctx.signal, onLine: (line) => ctx.emit({ type: 'log', text: line }) });
  if (r.code !== 0) throw new OpsdeckError('conflict', say('errors.deploy.composeFailed', { what, code: String(r.code) }), { detail: r.stderr.trim().split('\n').slice(-10).join('\n') });
}

export async function applyConfig(stackIn: Stack, opts: ApplyOptions, jobCtx: JobContext): Promise<Said> {
  const current = readConfigFile(stackIn, opts.kind);
  if (current.sha !== opts.sha) throw new OpsdeckError('conflict', say('errors.config.fileChanged'));
  const baseline = appliedBaseline(stackIn, opts.kind);
  // The job's own masker knows the secrets of the file it started with; the other version's too.
  const extra = [...(baseline && opts.kind === 'env' ? secretValues(parseEnvFile(baseline.text)).values() : []), ...stackSecrets(stackIn)];
  const mask = secretRedactor(extra);
  // A keyed line's parameters are masked too: they hold the same values as its English.
  const ctx: JobContext = { ...jobCtx, emit: (e: EmitInput) => jobCtx.emit(e.type === 'log' ? { ...e, text: mask(e.text), ...(e.params ? { params: mapSaidParams(e.params, mask) } : {}) } : e) };
  // Keyed messages keep their key: the English and every parameter are masked alike.
  const maskedSaid = (said: Said): Said => ({ ...said, text: mask(said.text), ...(said.params ? { params: mapSaidParams(said.params, mask) } : {}) });
  const masked = (e: unknown) => (isOpsdeckError(e) ? new OpsdeckError(e.code, e.said ? maskedSaid(e.said) : mask(e.message), { detail: e.detail ? mask(e.detail) : undefined, cause: e }) : e);

  ctx.emit({ type: 'step', name: 'config.validate', ...say('steps.config.validate', { kind: opts.kind }) });
  const check = await validateCandidate(stackIn, opts.kind, current.text);
  for (const p of check.warnings) ctx.emit({ type: 'log', level: 'warn', ...say('log.config.warning', { title: p.said?.title ?? p.title, where: p.said?.where ?? p.where }) });
  if (!check.ok) {
    for (const p of check.errors) ctx.emit({ type: 'log', level: 'error', ...say('log.config.error', { title: p.said?.title ?? p.title, where: p.said?.where ?? p.where, fix: p.said?.fix ?? p.fix }) });
    throw new OpsdeckError('invalid_input', say('errors.config.failsChecks', { count: String(check.errors.length) }));
  }
  let stack = reload(stackIn);
  ctx.emit({ type: 'step', name: 'config.plan', ...say('steps.config.plan') });
  const services = await changedServices(stack, ctx);
  if (services && services.length === 0) {
    markApplied(stack, opts.kind, current.sha, ctx.id);
    return say('jobs.summary.applyNothing');
  }
  ctx.emit({ type: 'log', ...(services ? say('log.config.toRecreate', { services: services.join(', ') }) : say('log.config.v1Recreates')) });
  if (baseline) ctx.remember('config-apply', { stack: stack.name, kind: opts.kind, applied: current.sha, baseline: baseline.sha, services });

  try {
    ctx.emit({ type: 'step', name: 'config.recreate', ...say('steps.config.recreate', { services: services ? services.join(', ') : say('steps.config.whatChanged') }) });
    await recreate(stack, services, ctx, say('errors.config.applying'));
    await waitForHealthy(stack, ctx.emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
  } catch (failure) {
    const reason = mask(userMessageOf(failure));
    ctx.emit({ type: 'log', level: 'error', ...say('log.config.applyFailed', { reason: userSaidOf(failure) }) });
    if (isOpsdeckError(failure) && failure.detail) ctx.emit({ type: 'log', level: 'error', text: failure.detail });
    const reasonSaid = userSaidOf(failure);
    if (!baseline) {
      throw masked(new OpsdeckError('conflict', say('errors.config.noEarlier', { reason: reasonSaid }), { cause: failure }));
    }
    try {
      ctx.emit({ type: 'step', name: 'config.rollback', ...say('steps.config.rollback') });
      writeVersion(stack, { kind: opts.kind, baseSha: current.sha, text: baseline.text, by: `${ctx.user ?? 'opsdeck'} (rollback of job #${ctx.id})`, reason: 'rollback', summary: say('changes.backToRan', { reason }) });
      markApplied(stack, opts.kind, baseline.sha, ctx.id);
      stack = reload(stackIn);
      await recreate(stack, services, ctx, say('errors.config.recreatingPrevious'));
      await waitForHealthy(stack, ctx.emit, { timeoutMs: 2 * (opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS), signal: ctx.signal });
    } catch (rollbackFailure) {
      ctx.forget('config-apply');
      throw masked(new OpsdeckError('conflict', say('errors.config.rollbackFailed', { reason: reasonSaid, why: userSaidOf(rollbackFailure) }), { cause: rollbackFailure }));
    }
    ctx.forget('config-apply');
    const back = { reason: reasonSaid, services: services ? services.join(', ') : say('errors.config.changedServices') };
    throw masked(new OpsdeckError('conflict', services?.length === 1 ? say('errors.config.rolledBackOne', back) : say('errors.config.rolledBackMany', back), {
      detail: isOpsdeckError(failure) ? failure.detail : undefined,
      cause: failure,
    }));
  }
  markApplied(stack, opts.kind, current.sha, ctx.id);
  ctx.forget('config-apply');
  return say('jobs.summary.apply', { kind: opts.kind, services: services ? services.join(', ') : say('steps.config.whatChanged') });
}
