export { getDocker, endpointFromEnv, endpointFor, engineKey, type EngineOwner, type DockerEndpoint } from './client';
export { engineUnreachableSaid, unreachableReason } from './errors';
export { listStackServices, resolveStackContainer, pingDocker } from './containers';
export type { StackService, ServiceInstance, ServiceState, HealthState, InstanceState } from './types';
export { execInService, type ExecOptions, type ExecResult } from './exec';
export { runBesideService, HELPER_LABEL } from './beside';
export type { ContainerFile } from './tar';
export {
  ServiceNotRunningError, runningServiceContainer, serviceContainers, startService, stopService, type ServiceContainer,
} from './service-containers';
export { inspectImage, listLocalTags, pullImage, runningImageOf, splitImageRef, VERSION_LABEL, type ImageInfo } from './images';
export { inspectStackContainers, statInContainer, findBinaries, type ContainerDetail, type HealthLogEntry, type ImageIdentity, type PublishedPort, type PathStat } from './inspect';
export { sampleStackUsage, type UsageSample } from './stats';
export { watchStackEvents, WATCHED_ACTIONS, type ContainerAction, type ContainerEvent, type WatchStatus } from './events';
export { runLifecycle, dependencyOrder, type LifecycleAction, type LifecycleResult } from './lifecycle';
export { runningConfigHashes, CONFIG_HASH_LABEL } from './config-hash';
export {
  stackVolumeName, helperImage, readVolumeArchive, writeVolumeArchive, createVolume, removeVolume, listHelperVolumes, runWithVolumes, pauseService, VOLUME_MOUNT,
} from './volume-archive';
export {
  execInHelper, helperExit, helperLogs, killHelper, listHelpers, removeHelper, runHelperToEnd, startHelperBeside, startIsolatedHelper, HELPER_ROLE_LABEL, type HelperInfo, type HelperSpec,
} from './helper-containers';
