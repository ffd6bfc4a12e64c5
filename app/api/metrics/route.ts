import { metrics } from '@/lib/metrics';
import { bearerMatches, metricsToken } from '@/lib/metrics/token';
import { publicRoute } from '@/server-actions/public-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Prometheus scrapes with a bearer token (no browser session); checked here, in the handler itself.
export const GET = publicRoute('Prometheus: checks its own metrics bearer token below', async (req: Request) => {
  const token = metricsToken();
  if (!token) return Response.json({ error: 'Metrics are off. Set OPSDECK_METRICS_TOKEN (or OPSDECK_METRICS_TOKEN_FILE) to enable them.' }, { status: 404 });
  if (!bearerMatches(req.headers.get('authorization'), token)) {
    return Response.json({ error: 'A valid bearer token is required.' }, { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' } });
});
