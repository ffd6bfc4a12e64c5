import { ACTION_ROLE } from '@/lib/auth/roles';
import { restorePreview } from '@/lib/backup';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { guarded } from '@/server-actions/guarded-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// What the restore dialog shows before an admin confirms (read-only: nothing changes here).
export const GET = guarded({ action: 'backups.preview', role: ACTION_ROLE.restore, stack: 'name' }, async (request: Request, { params }: { params: Promise<{ name: string; id: string }> }) => {
  const { name, id } = await params;
  try {
    return Response.json(await restorePreview(getStack(name), id), { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    const status = isOpsdeckError(e) ? ({ not_found: 404, invalid_input: 400 } as Record<string, number>)[e.code] ?? 500 : 500;
    return Response.json({ error: userMessageOf(e) }, { status, headers: { 'Cache-Control': 'no-store' } });
  }
});
