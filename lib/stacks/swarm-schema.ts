import { z } from 'zod';

/**
 * opsdeck.yaml for a Swarm stack (`runtime: swarm`): the stack is deployed with
 * `docker stack deploy -c <compose> <project>` and lives as services and tasks across nodes.
 *
 *   runtime: swarm
 *   swarm:
 *     manager: tcp://10.0.0.1:2376        # the engine Opsdeck asks about services, tasks and nodes
 *     nodes: { db-host: ssh://ops@db-host } # per node (by host name): reaching a task's container
 *
 * A node's engine is needed only to act inside a task's container (a backup of the database where
 * it runs, a container's own events); a manager alone is enough for status, logs and node operations.
 */
const engineAddress = z.string().trim().regex(/^(unix|tcp|ssh|https?):\/\/\S+$/, { error: 'must be an engine address: unix://…, tcp://…:2376 or ssh://user@host' });

export const runtimeSchema = z.enum(['compose', 'swarm'], { error: 'must be "compose" or "swarm"' });

export const swarmSchema = z.strictObject({
  manager: engineAddress,
  nodes: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, { error: 'must be a node host name' }), engineAddress).optional(),
});

export type SwarmSettings = z.infer<typeof swarmSchema>;
export type StackRuntime = z.infer<typeof runtimeSchema>;

/** For "did you mean" hints in config-schema.ts. */
export const SWARM_KEYS = Object.keys(swarmSchema.shape);
