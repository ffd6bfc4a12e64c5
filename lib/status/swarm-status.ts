/**
 * The runtime seam of the status page for `runtime: swarm`: a Swarm stack's status has the same
 * shape as a compose stack's (services with their state and role), plus the Swarm view itself
 * (replicas, tasks per node, nodes). Changes the watcher reports become timeline events and the
 * same notifications as a container going down, so alert rules, webhooks and metrics need nothing new.
 */
import { swarmSnapshot, type SwarmChange, type SwarmSnapshot } from '@/lib/docker/swarm';
import type { ContainerEvent } from '@/lib/docker/events';
import { userMessageOf } from '@/lib/errors';
import { notify } from '@/lib/notify';
import { stackSecrets } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import { notifyFromEvent } from './alerts';
import { probeHttp, reportedVersion } from './probe';
import { recordEvent } from './event-store';
import type { AppProbe, ServiceStatus, StackStatus, TimelineEvent } from './types';
import { say } from '@/lib/i18n/server-text';

function serviceState(desired: number, running: number): ServiceStatus['state'] {
  if (running === 0) return desired === 0 ? 'stopped' : 'not-created';
  return running >= desired ? 'running' : 'partial';
}

/**
 * `app` is what the app answered at its health URL (asked through the engine relay in its first
 * running task's container, on that task's node) and the version it reports; the watcher's
 * snapshots, read every second, carry none (the status hub's sampler probes every few seconds).
 */
export function swarmStatusOf(stack: Stack, snap: SwarmSnapshot, at = new Date().toISOString(), app: { probe: AppProbe | null; reported: string | null } = { probe: null, reported: null }): StackStatus {
  const services: ServiceStatus[] = snap.services.map((s) => ({
    name: s.name,
    declared: true,
    state: serviceState(s.desired, s.running),
    role: stack.database?.service === s.name ? 'database' : stack.app?.service === s.name ? 'app' : null,
    instances: [],
    endpoint: null,
    probe: stack.app?.service === s.name ? app.probe : null,
    version: stack.app?.service === s.name ? { label: s.image.split(':').pop() ?? null, reported: app.reported } : null,
  }));
  return { stack: stack.name, at, services, swarm: snap };
}

export async function buildSwarmStatus(stack: Stack): Promise<StackStatus> {
  const at = new Date().toISOString();
  const url = stack.app?.healthUrl;
  try {
    // The probe never throws; a manager that fails ends this at once (the probe finishes unheard).
    const [snap, probe, reported] = await Promise.all([
      swarmSnapshot(stack),
      url ? probeHttp(url, { secrets: stackSecrets(stack), stack }) : null,
      url ? reportedVersion(url, 2000, stack) : null,
    ]);
    return swarmStatusOf(stack, snap, at, { probe, reported });
  } catch (e) {
    return { stack: stack.name, at, services: [], error: userMessageOf(e) };
  }
}

/** A reported change as the timeline's event: a failed task is a `die` with its exit code. */
export function swarmChangeEvent(change: SwarmChange, now = Date.now()): ContainerEvent | null {
  if (change.kind !== 'task') return null;
  const t = change.task;
  const failed = t.state === 'failed' || t.state === 'rejected';
  if (!failed && t.state !== 'running') return null;
  const at = Date.parse(t.updatedAt) || now;
  return {
    timeNano: BigInt(at) * 1_000_000n,
    at: new Date(at).toISOString(),
    action: failed ? 'die' : 'start',
    // A rejected task never ran: no exit code, but it is as much a failure as a crash.
    ...(failed ? { exitCode: t.exitCode ?? 1 } : {}),
    containerId: t.id,
    containerName: `${change.service}.${t.slot ?? t.nodeId}@${t.node}`,
    service: change.service,
    image: t.image,
  };
}

/** Records a change and sends what a container going down would send. Returns the stored event. */
export function recordSwarmChange(stack: Stack, change: SwarmChange): TimelineEvent | null {
  if (change.kind === 'node') {
    const n = change.node;
    if (n.state === 'down' || n.state === 'disconnected') {
      notify(stack.name, 'service.down', { severity: 'critical', title: say('notify.nodeDown', { node: n.hostname }), text: say('notify.nodeDownText', { node: n.hostname, role: n.role, address: n.address, from: change.from, state: n.state }) });
    }
    return null;
  }
  const e = swarmChangeEvent(change);
  if (!e) return null;
  const stored = recordEvent(stack.name, e);
  if (stored) notifyFromEvent(stack.name, stored);
  return stored;
}
