import fs from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import { latestHealth } from '@/lib/ai-health/store';
import { listBackups } from '@/lib/backup/catalogue';
import { listBackupSettings } from '@/lib/backup/settings';
import { dataDirPath } from '@/lib/data-dir';
import { declaredServices } from '@/lib/docker/compose-file';
import { inspectStackContainers } from '@/lib/docker/inspect';
import { dockerReachable, within } from '@/lib/health/readiness';
import { sampleStackUsage } from '@/lib/docker/stats';
import { pitrSummary } from '@/lib/pitr/summary';
import { listStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';

/**
 * The gauges read at scrape time: services, backups, point-in-time archiving, disks, AI providers.
 * They read the features' state, so they live apart from the event instruments (events.ts) that
 * the features themselves call: a feature importing its metrics hook no longer imports itself back.
 */
function stacksOrNone(): Stack[] {
  try {
    return listStacks();
  } catch {
    return []; // an invalid config is reported in the UI; metrics simply have no stack series
  }
}

interface ServiceRow {
  labels: { stack: string; service: string };
  up: number;
  healthy: number;
  restarts: number | null;
  cpu: number | null;
  mem: number | null;
}

const DOCKER_CALL_TIMEOUT_MS = 5000;

interface ServicePass {
  /** 0 when the engine did not answer: service rows then say up=0 rather than vanishing. */
  dockerUp: number;
  rows: ServiceRow[];
}

function declaredOrNone(stack: Stack): string[] {
  try {
    return declaredServices(stack.composeFiles);
  } catch {
    return []; // an unreadable compose file is reported in the UI; its containers still count below
  }
}

/**
 * One row per service the stack declares plus any service that has containers. A declared service
 * with no container (removed, never created) or one Docker cannot tell us about reads up=0: an
 * alert on `== 0` only fires on a series that exists.
 */
async function serviceRows(): Promise<ServicePass> {
  const rows: ServiceRow[] = [];
  const [dockerUp] = await Promise.all([
    dockerReachable(),
    ...stacksOrNone().map(async (stack) => {
      const [details, usage] = await Promise.all([
        // A wedged engine must not hang the scrape: past the limit it counts as not answering.
        within(inspectStackContainers(stack), DOCKER_CALL_TIMEOUT_MS, null),
        within(sampleStackUsage(stack), DOCKER_CALL_TIMEOUT_MS, []), // best effort: only CPU/memory go missing
      ]);
      for (const service of new Set([...declaredOrNone(stack), ...(details ?? []).map((d) => d.service)])) {
        const mine = (details ?? []).filter((d) => d.service === service);
        const u = usage.filter((x) => x.service === service);
        rows.push({
          labels: { stack: stack.name, service },
          up: mine.some((d) => d.state === 'running') ? 1 : 0,
          healthy: mine.length > 0 && mine.every((d) => d.state === 'running' && (d.health === 'healthy' || d.health === 'none')) ? 1 : 0,
          restarts: mine.length ? mine.reduce((n, d) => n + d.restartCount, 0) : null,
          cpu: u.length ? u.reduce((n, x) => n + (x.cpuPercent ?? 0), 0) / 100 : null,
          mem: u.length ? u.reduce((n, x) => n + x.memoryBytes, 0) : null,
        });
      }
    }),
  ]);
  return { dockerUp: dockerUp ? 1 : 0, rows };
}

/**
 * The registry reads all metrics concurrently, so gauges filled from one Docker pass share that
 * pass through a snapshot that lives for one scrape (a second) instead of each asking Docker.
 */
function perScrape<T>(load: () => Promise<T> | T): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), value: Promise.resolve().then(load) };
    return cached.value;
  };
}

type BackupKey = 'success' | 'verified' | 'size' | 'duration';

/** Stacks whose backups matter: those with a database to dump, and any with a schedule. */
function backedUpStacks(): Stack[] {
  let scheduled = new Set<string>();
  try {
    scheduled = new Set(listBackupSettings().filter((s) => s.cron).map((s) => s.stack));
  } catch {
    /* no store yet: the database role alone decides */
  }
  return stacksOrNone().filter((s) => s.database || scheduled.has(s.name));
}

/**
 * A stack that never had a (verified) backup reports timestamp 0, not nothing: "no backup for
 * 26 h" must fire for a stack that never backed up, and a missing series cannot fire.
 */
function backupRows(): { stack: string; values: Partial<Record<BackupKey, number>> }[] {
  const out: { stack: string; values: Partial<Record<BackupKey, number>> }[] = [];
  for (const stack of backedUpStacks()) {
    let list: ReturnType<typeof listBackups>;
    try {
      list = listBackups(stack).filter((b) => !b.problem);
    } catch {
      list = []; // an unreadable backup directory holds no usable backup
    }
    const newest = list.sort((a, b) => b.manifest.finishedAt.localeCompare(a.manifest.finishedAt))[0];
    const verified = list.find((b) => b.manifest.verified.ok);
    const values: Partial<Record<BackupKey, number>> = { success: 0, verified: 0 };
    if (newest) {
      values.success = Date.parse(newest.manifest.finishedAt) / 1000;
      values.size = newest.manifest.size;
      values.duration = newest.manifest.durationMs / 1000;
    }
    if (verified) values.verified = Date.parse(verified.manifest.finishedAt) / 1000;
    out.push({ stack: stack.name, values });
  }
  return out;
}

function diskRows(): { path: string; free: number; size: number }[] {
  const out: { path: string; free: number; size: number }[] = [];
  for (const p of new Set([dataDirPath(), ...stacksOrNone().map((s) => s.backupDir)])) {
    try {
      const st = fs.statfsSync(fs.existsSync(p) ? p : dataDirPath());
      out.push({ path: p, free: st.bavail * st.bsize, size: st.blocks * st.bsize });
    } catch {
      /* a path that vanished is simply not reported */
    }
  }
  return out;
}

/** Registers the scrape-time gauges on `registry` (once per registry, see index.ts). */
export function registerGauges(registry: Registry): void {
  // Each gauge fills itself in `collect`, which prom-client awaits before reading it.
  function gauge<T>(name: string, help: string, labelNames: string[], rows: () => Promise<T[]>, fill: (g: Gauge, row: T) => void): Gauge {
    return new Gauge({
      name, help, labelNames, registers: [registry],
      async collect() {
        const list = await rows();
        this.reset();
        for (const r of list) fill(this, r);
      },
    });
  }
  const services = perScrape(serviceRows);
  const svcLabels = ['stack', 'service'];
  const svc = (name: string, help: string, pick: (r: ServiceRow) => number | null) =>
    gauge(name, help, svcLabels, async () => (await services()).rows, (g, r: ServiceRow) => {
      const v = pick(r);
      if (v !== null) g.set(r.labels, v);
    });
  gauge('opsdeck_docker_up', '1 when the Docker engine answered within 2 s, else 0', [], async () => [await services()], (g, p) => g.set(p.dockerUp));
  svc('opsdeck_service_up', '1 when at least one container of the service is running; 0 also when it has no container or Docker does not answer', (r) => r.up);
  svc('opsdeck_service_healthy', '1 when the service has containers and every one is running and healthy (or has no healthcheck)', (r) => r.healthy);
  svc('opsdeck_service_restarts', "Docker's restart count, summed over the service's containers", (r) => r.restarts);
  svc('opsdeck_service_cpu_ratio', 'CPU in use, in cores', (r) => r.cpu);
  svc('opsdeck_service_memory_bytes', 'Memory in use without page cache', (r) => r.mem);

  const backups = perScrape(backupRows);
  const bk = (key: BackupKey, name: string, help: string) =>
    gauge(name, help, ['stack'], backups, (g, r: ReturnType<typeof backupRows>[number]) => {
      if (r.values[key] !== undefined) g.set({ stack: r.stack }, r.values[key]);
    });
  bk('success', 'opsdeck_backup_last_success_timestamp_seconds', 'When the newest complete backup finished; 0 when the stack never had one');
  bk('verified', 'opsdeck_backup_last_verified_timestamp_seconds', 'When the newest verified backup finished; 0 when none was verified');
  bk('size', 'opsdeck_backup_last_size_bytes', 'Size of the newest backup');
  bk('duration', 'opsdeck_backup_last_duration_seconds', 'Duration of the newest backup');

  const pitr = perScrape(async () => Promise.all(stacksOrNone().filter((s) => s.pitr?.enabled).map((s) => pitrSummary(s).catch(() => null))).then((l) => l.filter((x) => x !== null)));
  const pt = (name: string, help: string, pick: (r: Awaited<ReturnType<typeof pitrSummary>>) => number | null) =>
    gauge(name, help, ['stack'], pitr, (g, r: Awaited<ReturnType<typeof pitrSummary>>) => {
      const v = pick(r);
      if (v !== null) g.set({ stack: r.stack }, v);
    });
  pt('opsdeck_pitr_window_start_timestamp_seconds', 'Earliest point a point-in-time restore can reach; 0 when there is none', (r) => (r.earliest ? Date.parse(r.earliest) / 1000 : 0));
  pt('opsdeck_pitr_window_end_timestamp_seconds', 'Latest archived point; 0 when there is none', (r) => (r.latest ? Date.parse(r.latest) / 1000 : 0));
  pt('opsdeck_pitr_lag_seconds', 'Seconds of committed work not yet archived (the RPO right now); absent when archiving is not running', (r) => r.lagSeconds);
  pt('opsdeck_pitr_gaps', 'Gaps in the recoverable window', (r) => r.gaps.length);

  const disks = perScrape(diskRows);
  gauge('opsdeck_disk_free_bytes', 'Free bytes for the data and backup directories', ['path'], disks, (g, r: ReturnType<typeof diskRows>[number]) => g.set({ path: r.path }, r.free));
  gauge('opsdeck_disk_size_bytes', 'Size of the filesystem of the data and backup directories', ['path'], disks, (g, r: ReturnType<typeof diskRows>[number]) => g.set({ path: r.path }, r.size));

  gauge('opsdeck_ai_provider_up', '1 up or degraded, 0 down (unknown is not reported)', ['stack', 'provider', 'role'], async () => latestHealth().filter((h) => h.status !== 'unknown'), (g, h) =>
    g.set({ stack: h.stack, provider: h.dep, role: h.role }, h.status === 'down' ? 0 : 1),
  );
}
