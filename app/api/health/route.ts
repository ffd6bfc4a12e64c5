import { publicRoute } from '@/server-actions/public-route';
export const dynamic = 'force-dynamic';

// Liveness: the process answers HTTP. No auth and nothing revealed, so probes and load balancers can use it.
export const GET = publicRoute('liveness for probes: answers ok, reveals nothing', () => {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
});
