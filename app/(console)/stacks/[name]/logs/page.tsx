import { Forbidden } from '@/components/layout/forbidden';
import { LogViewer } from '@/components/logs/log-viewer';
import { TAILS, type LogSelection } from '@/components/logs/selection';
import { listStackServices } from '@/lib/docker';
import { swarmSnapshot } from '@/lib/docker/swarm';
import { getStack } from '@/lib/stacks';
import { userMessageOf } from '@/lib/errors';
import { checkRole } from '@/server-actions/session';

export const dynamic = 'force-dynamic';

type Search = Record<string, string | string[] | undefined>;

const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? v.split(',') : []);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
const instant = (v: string | null) => (v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

// Live logs of a stack. The stream itself is checked again by its route handler.
export default async function StackLogsPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Search> }) {
  const gate = await checkRole('viewer');
  if (!gate.ok) return <Forbidden message={gate.message} said={gate.said} />;
  const { name } = await params;
  const q = await searchParams;
  let services: string[];
  try {
    const stack = getStack(name);
    // A Swarm stack's services are the manager's, whichever nodes their tasks run on.
    services = (stack.runtime === 'swarm' ? (await swarmSnapshot(stack)).services : await listStackServices(stack)).map((s) => s.name);
  } catch (e) {
    return (
      <p role="alert" className="rounded-lg border border-rose-800 bg-rose-950/40 p-4 text-rose-200">
        {userMessageOf(e)}
      </p>
    );
  }
  const tail = Number(one(q.tail));
  const initial: LogSelection = {
    services: list(q.service).filter((s) => services.includes(s)),
    tail: TAILS.includes(tail) ? tail : 200,
    since: instant(one(q.since)),
    until: instant(one(q.until)),
  };
  return <LogViewer stack={name} services={services} initial={initial} />;
}
