/**
 * Opsdeck's own view of what runs for a stack. dockerode's types stop at this module: the rest of
 * the app sees only these shapes. An instance is a compose container today and would be a Swarm
 * task tomorrow, which is why a service holds a list of instances rather than one container.
 * Environment variables are deliberately absent: they hold the stack's secrets.
 */
export type InstanceState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';
export type HealthState = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ServiceInstance {
  id: string;
  name: string;
  state: InstanceState;
  /** Docker's human status, e.g. "Up 3 minutes (healthy)". */
  status: string;
  health: HealthState;
  image: string;
  createdAt: string;
}

export type ServiceState = 'running' | 'partial' | 'stopped' | 'not-created' | 'unhealthy' | 'starting';

export interface StackService {
  name: string;
  /** Declared in the stack's compose file(s); false for a container that carries the project label only. */
  declared: boolean;
  state: ServiceState;
  image: string | null;
  instances: ServiceInstance[];
}

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
