/**
 * The status of a stack as the browser receives it: plain JSON, no environment variables, health
 * output already scrubbed of the stack's secrets. Built by snapshot.ts, pushed by hub.ts.
 */
import type { ContainerDetail } from '@/lib/docker/inspect';
import type { ServiceState } from '@/lib/docker/types';
import type { SwarmSnapshot } from '@/lib/docker/swarm';
import type { Said } from '@/lib/i18n/said';

/** One container of a service, as the page shows it: the inspect fields without labels, env or mounts. */
export type InstanceStatus = Pick<
  ContainerDetail,
  'id' | 'name' | 'state' | 'health' | 'healthLog' | 'failingStreak' | 'startedAt' | 'finishedAt' | 'restartCount' | 'exitCode' | 'oomKilled' | 'error' | 'image' | 'networkMode' | 'ports' | 'restartPolicy'
>;

export interface AppProbe {
  url: string;
  ok: boolean;
  /** HTTP status; null when nothing answered. */
  httpStatus: number | null;
  ms: number;
  at: string;
  /** Plain words: "HTTP 200 in 4 ms", "connection refused: nothing listens on 127.0.0.1:5230". */
  message: string;
  /** The same words keyed, so the page shows them in the reader's language (absent in snapshots made before keys). */
  said?: Said;
}

export interface ServiceStatus {
  name: string;
  declared: boolean;
  state: ServiceState;
  /** What the stack's config says this service is. */
  role: 'database' | 'app' | null;
  instances: InstanceStatus[];
  /**
   * Where it is reached from the host, when the config says so. With host networking there is no
   * port mapping: the service listens on the host's own ports, which is what this shows.
   */
  endpoint: string | null;
  probe: AppProbe | null;
  /** App version: the image's org.opencontainers.image.version label, and what the app itself reports. */
  version: { label: string | null; reported: string | null } | null;
}

export interface StackStatus {
  stack: string;
  at: string;
  services: ServiceStatus[];
  /** runtime swarm: services' replicas, tasks per node and the nodes, as the manager reports them. */
  swarm?: SwarmSnapshot;
  /** Set when Docker could not be asked; services is then empty. */
  error?: string;
  /** The error as keyed text (the engine unreachable), shown in the reader's language. */
  errorSaid?: Said;
  /** The error is the stack's engine being unreachable ("engine unreachable: <engine>: <reason>"). */
  engineUnreachable?: boolean;
}

export interface UsagePoint {
  at: number;
  cpu: number | null;
  mem: number;
  limit: number | null;
}

export type TimelineAction = 'start' | 'die' | 'oom' | 'health_status' | 'restart' | 'stop';

export interface TimelineEvent {
  id: number;
  at: string;
  service: string | null;
  container: string | null;
  action: TimelineAction;
  exitCode: number | null;
  health: string | null;
  /** One line for a person: "memos died (exit code 137: killed)". */
  text: string;
  severity: 'info' | 'warning' | 'error';
}

/** The status page's first render (lib/views/status.ts), kept current by the live stream. */
export interface StatusInitial {
  status: StackStatus;
  usage: Record<string, UsagePoint[]>;
  events: TimelineEvent[];
}
