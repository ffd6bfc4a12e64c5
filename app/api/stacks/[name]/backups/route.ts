import { recordAudit } from '@/lib/audit';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { listBackups, startBackupJob } from '@/lib/backup';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { createBackupInput } from '@/server-actions/backup-schemas';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };
const statusOf = (e: unknown) => (isOpsdeckError(e) ? ({ not_found: 404, invalid_input: 400, conflict: 409 } as Record<string, number>)[e.code] ?? 500 : 500);

// The catalogue as JSON (viewer): manifests only, never file paths.
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'backups.list', request);
  if (gate instanceof Response) return gate;
  try {
    const entries = listBackups(getStack((await params).name));
    return Response.json(entries.map((e) => ({ ...e.manifest, problem: e.problem })), { headers: NO_STORE });
  } catch (e) {
    return Response.json({ error: userMessageOf(e) }, { status: statusOf(e), headers: NO_STORE });
  }
}

// Starts a backup (operator), for scripts and external schedulers: `{ "testRestore": true }` optional.
export async function POST(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute(ACTION_ROLE.backup, 'backups.create', request);
  if (gate instanceof Response) return gate;
  const name = (await params).name;
  const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
  const input = createBackupInput.safeParse({ stack: name, testRestore: body.testRestore === true });
  if (!input.success) return Response.json({ error: input.error.issues[0]?.message }, { status: 400, headers: NO_STORE });
  const audit = { actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: 'backups.create', stack: name };
  try {
    const { job } = startBackupJob(getStack(name), { by: gate.user.username, testRestore: input.data.testRestore });
    recordAudit({ ...audit, result: 'ok', detail: `job #${job.id}` });
    return Response.json({ jobId: job.id }, { status: 202, headers: NO_STORE });
  } catch (e) {
    recordAudit({ ...audit, result: 'error', detail: userMessageOf(e) });
    return Response.json({ error: userMessageOf(e) }, { status: statusOf(e), headers: NO_STORE });
  }
}
