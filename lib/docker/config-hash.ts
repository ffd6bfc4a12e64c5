import type { Stack } from '@/lib/stacks/types';
import { listContainersInStack } from './containers';
import { say } from '@/lib/i18n/server-text';
import { COMPOSE_SERVICE_LABEL } from './types';

/** The label compose stamps on a container: the hash of the service's configuration it was made from. */
export const CONFIG_HASH_LABEL = 'com.docker.compose.config-hash';

/**
 * Service → config hash of its newest container: what compose compares to decide whether a
 * service must be recreated, so a config change can say which services it will recreate.
 */
export async function runningConfigHashes(stack: Stack): Promise<Map<string, string>> {
  const list = await listContainersInStack(stack, { doing: () => say('errors.docker.doing.readHashes', { stack: stack.name }) });
  const out = new Map<string, string>();
  for (const c of list.sort((a, b) => a.Created - b.Created)) {
    const service = c.Labels?.[COMPOSE_SERVICE_LABEL];
    const hash = c.Labels?.[CONFIG_HASH_LABEL];
    if (service && hash) out.set(service, hash);
  }
  return out;
}
