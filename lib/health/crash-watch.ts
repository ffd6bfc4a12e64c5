/**
 * Health gates (deploy, upgrade, config apply, restore, undo) used to wait for the full timeout
 * while the app was crash-looping with its reason printed in its own log. This watches the
 * containers as well: restarts climbing, an exit with an error, or an OOM kill end the wait within
 * seconds, and the failure quotes the service's last log lines (masked with the stack's secrets).
 */
import { inspectStackContainers, type ContainerDetail } from '@/lib/docker';
import { runCompose } from '@/lib/docker/compose-cli';
import { composeProjectOf } from '@/lib/deploy/compose-project';
import { OpsdeckError } from '@/lib/errors';
import { stackRedactor } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import { say } from '@/lib/i18n/server-text';

/**
 * Restarts since the gate began that count as a loop. Docker's restart back-off (100 ms, doubling)
 * reaches this within a few seconds for an app that dies at start, while one restart (an app that
 * came up before its database answered) is still forgiven.
 */
export const CRASH_LOOP_RESTARTS = 3;

/** A container that finished this long before the gate began is an old exit, not this run's. */
const OLD_EXIT_SLACK_MS = 60_000;

export interface CrashSign {
  service: string;
  container: string;
  /** In words: "restarted 4 times in 6 s (last exit code 1)". */
  reason: string;
}

/**
 * Why this container is crashing, or null while it may still come up. `baseline` is its restart
 * count when the gate first saw it (0 for a container created after the gate began).
 */
export function crashReason(c: ContainerDetail, baseline: number, gateStart: number, now = Date.now()): string | null {
  // A container Docker has just started again reports exit code 0 for its current run: no code to quote then.
  const exit = c.exitCode === null || c.state === 'running' ? '' : ` (last exit code ${c.exitCode})`;
  const restarts = c.restartCount - baseline;
  if (c.oomKilled && c.state !== 'running') return `was killed for running out of memory (OOM)${restarts > 0 ? ` after ${restarts} restarts` : ''}`;
  if (restarts >= CRASH_LOOP_RESTARTS) return `restarted ${restarts} times in ${Math.max(1, Math.round((now - gateStart) / 1000))} s${exit}`;
  const finished = c.finishedAt ? Date.parse(c.finishedAt) : 0;
  const failedExit = c.exitCode !== null && c.exitCode !== 0;
  if ((c.state === 'exited' || c.state === 'dead') && failedExit && finished >= gateStart - OLD_EXIT_SLACK_MS) {
    return `exited with code ${c.exitCode}${c.error ? ` (${c.error})` : ''}`;
  }
  // Died with an error during the gate and Docker is already restarting it: the app's own start
  // failed, and waiting for more rounds of the back-off only delays saying so.
  if (failedExit && restarts >= 1 && finished >= gateStart) return `exited with code ${c.exitCode} and is being restarted (${restarts} so far)`;
  return null;
}

export interface CrashWatch {
  /** The first crashing container among `services` (all the stack's when omitted), or null. */
  check(services?: readonly string[]): Promise<CrashSign | null>;
}

export function watchForCrashes(stack: Stack, gateStart = Date.now()): CrashWatch {
  const baseline = new Map<string, number>();
  return {
    async check(services) {
      // The watch is a shortcut: when inspecting fails, the gate's own polling still decides.
      const all = await inspectStackContainers(stack).catch(() => [] as ContainerDetail[]);
      for (const c of all) {
        if (services && !services.includes(c.service)) continue;
        if (!baseline.has(c.id)) baseline.set(c.id, Date.parse(c.createdAt) >= gateStart ? 0 : c.restartCount);
        const reason = crashReason(c, baseline.get(c.id)!, gateStart);
        if (reason) return { service: c.service, container: c.name, reason };
      }
      return null;
    },
  };
}

export const LOG_QUOTE_LINES = 15;

/** The service's last log lines, masked: what the app itself said before it died. */
export async function lastLogLines(stack: Stack, service: string, lines = LOG_QUOTE_LINES): Promise<string> {
  try {
    const r = await runCompose(composeProjectOf(stack), ['logs', '--no-color', `--tail=${lines}`, service]);
    const text = (r.stdout + r.stderr).trim().split('\n').slice(-lines).join('\n');
    return stackRedactor(stack)(text) || '(it logged nothing)';
  } catch {
    return '(could not read its logs)';
  }
}

/**
 * The line that tells why: the last one that looks like an error (a JSON log's level, or the usual
 * words), else the last line, without compose's "service-1  | " prefix. A JSON line is shown as its
 * message and error fields, the way a person would read it.
 */
export function lastWords(logs: string): string | null {
  const lines = logs.split('\n').map((l) => l.replace(/^[\w.-]+\s+\|\s?/, '').trim()).filter(Boolean);
  if (lines.length === 0 || lines[0].startsWith('(')) return null;
  const readable = (l: string): string => {
    if (!l.startsWith('{')) return l;
    try {
      const o = JSON.parse(l) as Record<string, unknown>;
      const parts = [o.msg ?? o.message, o.error ?? o.err].filter((p) => typeof p === 'string' && p);
      return parts.length ? parts.join(': ') : l;
    } catch {
      return l;
    }
  };
  const errorish = /\b(error|fatal|panic|exception|refus\w*|failed)\b/i;
  const pick = [...lines].reverse().find((l) => errorish.test(l)) ?? lines[lines.length - 1];
  const text = readable(pick);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The gate's failure for a crashing service: why in one line, the last log lines as the detail. */
export async function crashFailure(stack: Stack, crash: CrashSign, gateStart: number): Promise<OpsdeckError> {
  const logs = await lastLogLines(stack, crash.service);
  const said = lastWords(logs);
  const secs = Math.max(1, Math.round((Date.now() - gateStart) / 1000));
  return new OpsdeckError(
    'conflict',
    said ? say('errors.healthCrashSaid', { seconds: String(secs), service: crash.service, reason: crash.reason, said }) : say('errors.healthCrash', { seconds: String(secs), service: crash.service, reason: crash.reason }),
    { detail: `Last log lines of ${crash.service}:\n${logs}` },
  );
}
