'use server';

import { drainNode } from '@/lib/docker/swarm-ops';
import { defineAction } from './define-action';
import { drainInput, swarmStackFor } from './swarm-schemas';

/** Drains a Swarm node (admin, confirmed): refused for the last manager and the database's node. */
export const drainSwarmNode = defineAction({
  name: 'swarm.node.drain',
  role: 'admin',
  schema: drainInput,
  describe: (i) => ({ stack: i.stack, target: `node ${i.node}` }),
  run: async (i) => {
    const plan = await drainNode(swarmStackFor(i.stack), i.node);
    return { data: plan, message: `Drained ${plan.node.hostname}: ${plan.moving.length} task(s) of ${i.stack} are being started on other nodes.` };
  },
});
