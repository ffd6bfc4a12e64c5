'use server';

import { activateNode } from '@/lib/docker/swarm-ops';
import { defineAction } from './define-action';
import { nodeInput, swarmStackFor } from './swarm-schemas';
import { say } from '@/lib/i18n/server-text';

/** Makes a drained Swarm node take tasks again (admin). */
export const activateSwarmNode = defineAction({
  name: 'swarm.node.activate',
  role: 'admin',
  schema: nodeInput,
  describe: (i) => ({ stack: i.stack, target: `node ${i.node}` }),
  run: async (i) => {
    const node = await activateNode(swarmStackFor(i.stack), i.node);
    return { data: node, message: say('done.nodeActive', { node: node.hostname }) };
  },
});
