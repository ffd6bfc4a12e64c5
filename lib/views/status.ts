import 'server-only';
import { getStack } from '@/lib/stacks';
import { buildStackStatus, getStatusHub, listEvents } from '@/lib/status';
import type { StatusInitial } from '@/lib/status/types';

/**
 * First render of the status page: a fresh status, the chart history the recorder kept, and the
 * timeline. The PostgreSQL check arrives through the live stream, so a database that times out
 * never delays the page.
 */
export async function loadStatus(name: string): Promise<StatusInitial> {
  const stack = getStack(name);
  const hub = getStatusHub();
  const status = await buildStackStatus(stack);
  let events: StatusInitial['events'] = [];
  try {
    events = listEvents(stack.name, 100);
  } catch (e) {
    console.error('opsdeck: reading the events timeline failed:', e instanceof Error ? e.message : e);
  }
  return { status, usage: hub.history.of(status.services.flatMap((s) => s.instances.map((i) => i.id))), events };
}
