import { recordAudit } from '@/lib/audit';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { confirmOwnPassword } from '@/lib/auth/reauth';
import { startRestoreJob } from '@/lib/backup';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { restoreBackupInput } from '@/server-actions/backup-schemas';
import { guarded } from '@/server-actions/guarded-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Starts a restore (admin), with the same confirmation as the page: the stack's name and the
 * caller's password in the JSON body, `{ "confirmName": "demo", "password": "…" }`; for a backup set,
 * `"parts": "database" | "volumes" | "both"` (default: the database).
 */
export const POST = guarded({ action: 'backups.restore', role: ACTION_ROLE.restore, stack: 'name' }, async (request: Request, { params }: { params: Promise<{ name: string; id: string }> }, gate) => {
  const { name, id } = await params;
  const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
  const input = restoreBackupInput.safeParse({ stack: name, backupId: id, confirmName: body.confirmName, password: body.password, parts: body.parts });
  if (!input.success) return Response.json({ error: input.error.issues[0]?.message }, { status: 400, headers: NO_STORE });
  const audit = { actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: 'backups.restore', stack: name, target: id };
  try {
    // A confirmation by the signed-in admin, not a sign-in: the sign-in throttle does not apply.
    await confirmOwnPassword(gate.user.id, input.data.password);
    const { job } = startRestoreJob(getStack(name), id, gate.user.username, { parts: input.data.parts });
    recordAudit({ ...audit, result: 'ok', detail: `job #${job.id}` });
    return Response.json({ jobId: job.id }, { status: 202, headers: NO_STORE });
  } catch (e) {
    const denied = isOpsdeckError(e) && (e.code === 'unauthenticated' || e.code === 'rate_limited');
    recordAudit({ ...audit, result: denied ? 'denied' : 'error', detail: userMessageOf(e) });
    const status = isOpsdeckError(e) ? ({ unauthenticated: 403, rate_limited: 429, not_found: 404, conflict: 409 } as Record<string, number>)[e.code] ?? 500 : 500;
    return Response.json({ error: userMessageOf(e) }, { status, headers: NO_STORE });
  }
});
