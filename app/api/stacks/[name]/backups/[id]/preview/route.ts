import { ACTION_ROLE } from '@/lib/auth/roles';
import { restorePreview } from '@/lib/backup';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// What the restore dialog shows before an admin confirms (read-only: nothing changes here).
export async function GET(request: Request, { params }: { params: Promise<{ name: string; id: string }> }) {
  const gate = await guardRoute(ACTION_ROLE.restore, 'backups.preview', request);
  if (gate instanceof Response) return gate;
  const { name, id } = await params;
  try {
    return Response.json(await restorePreview(getStack(name), id), { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    const status = isOpsdeckError(e) ? ({ not_found: 404, invalid_input: 400 } as Record<string, number>)[e.code] ?? 500 : 500;
    return Response.json({ error: userMessageOf(e) }, { status, headers: { 'Cache-Control': 'no-store' } });
  }
}
