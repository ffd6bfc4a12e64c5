export { getDocker, endpointFromEnv } from './client';
export { listStackServices, resolveStackContainer, pingDocker } from './containers';
export type { StackService, ServiceInstance, ServiceState, HealthState, InstanceState } from './types';
