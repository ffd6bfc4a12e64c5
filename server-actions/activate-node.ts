'use server';

import { activateNode } from '@/lib/docker/swarm-ops';
import { defineAction } from './define-action';
import { nodeInput, swarmStackFor } from './swarm-schemas';

/** Makes a drained Swarm node take tasks again (admin). */
export const activateSwarmNode = defineAction({
  name: 'swarm.node.activate',
  role: 'admin',
  schema: nodeInput,
  describe: (i) => ({ stack: i.stack, target: `node ${i.node}` }),
  run: async (i) => {
    const node = await activateNode(swarmStackFor(i.stack), i.node);
    return { data: node, message: `${node.hostname} is active: Swarm may schedule tasks on it again.` };
  },
});
