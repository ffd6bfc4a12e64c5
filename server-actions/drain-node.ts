'use server';

import { drainNode } from '@/lib/docker/swarm-ops';
import { defineAction } from './define-action';
import { drainInput, swarmStackFor } from './swarm-schemas';
import { say } from '@/lib/i18n/server-text';

/** Drains a Swarm node (admin, confirmed): refused for the last manager and the database's node. */
export const drainSwarmNode = defineAction({
  name: 'swarm.node.drain',
  role: 'admin',
  schema: drainInput,
  describe: (i) => ({ stack: i.stack, target: `node ${i.node}` }),
  run: async (i) => {
    const plan = await drainNode(swarmStackFor(i.stack), i.node);
    return { data: plan, message: say('done.drained', { node: plan.node.hostname, count: String(plan.moving.length), stack: i.stack }) };
  },
});
