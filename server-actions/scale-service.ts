'use server';

import { scaleService } from '@/lib/docker/swarm-ops';
import { defineAction } from './define-action';
import { scaleInput, swarmStackFor } from './swarm-schemas';
import { say } from '@/lib/i18n/server-text';

/** Sets a Swarm service's replica count (operator); the stack's database never above 1. */
export const scaleSwarmService = defineAction({
  name: 'swarm.service.scale',
  role: 'operator',
  schema: scaleInput,
  describe: (i) => ({ stack: i.stack, target: `${i.service} ×${i.replicas}` }),
  run: async (i) => {
    const r = await scaleService(swarmStackFor(i.stack), i.service, i.replicas);
    return { data: r, message: say('done.scaled', { service: i.service, from: String(r.from), to: String(r.to) }) };
  },
});
