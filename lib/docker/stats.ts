/**
 * CPU and memory of a stack's running containers, one sample per call. Docker's one-shot stats
 * answer at once (no 1-2 s wait for a second reading), so the CPU share is computed from the
 * previous sample of the same container: that also makes it the average over the sampling
 * interval rather than over Docker's last second.
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { getDocker } from './client';
import { labelsFor, listContainersInStack } from './containers';
import { say } from '@/lib/i18n/server-text';

export interface UsageSample {
  containerId: string;
  service: string;
  /** Epoch ms. */
  at: number;
  /** Percent of one CPU (200 = two CPUs busy), as `docker stats` shows it; null on a container's first sample. */
  cpuPercent: number | null;
  /** Memory in use without the reclaimable page cache, as `docker stats` computes it. */
  memoryBytes: number;
  /** The container's limit; null when unlimited (Docker then reports the host's memory). */
  memoryLimitBytes: number | null;
}

interface CpuReading {
  total: number;
  system: number;
  at: number;
}

// Previous reading per container, for the CPU delta. Dropped when a container is not seen for 5 minutes.
const previous = new Map<string, CpuReading>();
const FORGET_AFTER_MS = 5 * 60_000;

type RawStats = Docker.ContainerStats & {
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
};

/** `docker stats` subtracts the inactive page cache (cgroup v1: total_inactive_file; v2: inactive_file). */
function memoryInUse(m: RawStats['memory_stats']): number {
  const usage = m.usage ?? 0;
  const stats = m.stats ?? {};
  const cache = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return Math.max(0, usage - (cache < usage ? cache : 0));
}

function toSample(containerId: string, service: string, raw: RawStats, hostMemory: number): UsageSample {
  const now = Date.now();
  const total = raw.cpu_stats.cpu_usage.total_usage;
  const system = raw.cpu_stats.system_cpu_usage ?? 0;
  const cpus = raw.cpu_stats.online_cpus || raw.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const before = previous.get(containerId);
  previous.set(containerId, { total, system, at: now });
  let cpuPercent: number | null = null;
  // A restarted container starts its counters again: a negative delta means "no comparable reading".
  if (before && system > before.system && total >= before.total) {
    cpuPercent = Math.round(((total - before.total) / (system - before.system)) * cpus * 100 * 10) / 10;
  }
  const limit = raw.memory_stats.limit ?? 0;
  return {
    containerId,
    service,
    at: now,
    cpuPercent,
    memoryBytes: memoryInUse(raw.memory_stats),
    memoryLimitBytes: limit > 0 && (hostMemory === 0 || limit < hostMemory) ? limit : null,
  };
}

let hostMemory: Promise<number> | null = null;

function hostMemoryOf(docker: Docker): Promise<number> {
  hostMemory ??= docker.info().then((i: { MemTotal?: number }) => i.MemTotal ?? 0, () => {
    hostMemory = null;
    return 0;
  });
  return hostMemory;
}

/** One sample of every running container of the stack. A container that stops meanwhile is skipped. */
export async function sampleStackUsage(stack: Stack): Promise<UsageSample[]> {
  const { docker } = getDocker(stack);
  const keys = labelsFor(stack);
  const running = await listContainersInStack(stack, { runningOnly: true, doing: () => say('errors.docker.doing.readUsage', { stack: stack.name }) });
  const mem = await hostMemoryOf(docker);
  const samples = await Promise.all(
    running.map(async (c) => {
      try {
        const raw = (await docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true })) as RawStats;
        return toSample(c.Id, c.Labels[keys.service] ?? '(unknown)', raw, mem);
      } catch {
        return null;
      }
    }),
  );
  const now = Date.now();
  for (const [id, r] of previous) if (now - r.at > FORGET_AFTER_MS) previous.delete(id);
  return samples.filter((s): s is UsageSample => s !== null);
}
