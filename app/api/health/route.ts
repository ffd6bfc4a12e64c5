export const dynamic = 'force-dynamic';

// Liveness: the process answers HTTP. No auth and nothing revealed, so probes and load balancers can use it.
export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
