import { readiness } from '@/lib/health/readiness';
import { publicRoute } from '@/server-actions/public-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Readiness for orchestrators: only booleans, no endpoint or error text (no auth on this route).
export const GET = publicRoute('readiness for orchestrators: booleans only', async () => {
  const r = await readiness();
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
});
