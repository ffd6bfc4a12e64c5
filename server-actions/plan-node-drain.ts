'use server';

import { planDrain } from '@/lib/docker/swarm-ops';
import { defineAction } from './define-action';
import { nodeInput, swarmStackFor } from './swarm-schemas';
import { say } from '@/lib/i18n/server-text';

/** What draining a node would move (the confirmation dialog's list), or why it is refused. Changes nothing. */
export const planNodeDrain = defineAction({
  name: 'swarm.node.plan-drain',
  role: 'admin',
  schema: nodeInput,
  describe: (i) => ({ stack: i.stack, target: `node ${i.node}` }),
  run: async (i) => {
    const plan = await planDrain(swarmStackFor(i.stack), i.node);
    const moving = plan.moving.map((t) => `${t.service}.${t.slot ?? t.id.slice(0, 12)}`);
    return { data: plan, message: moving.length ? say('done.drainPlan', { node: plan.node.hostname, services: moving.join(', ') }) : say('done.drainNothing', { node: plan.node.hostname }) };
  },
});
