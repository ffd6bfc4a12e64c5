import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { recordAudit } from '@/lib/audit';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { HashingFileSink, TEMP_PREFIX, backupDir, displayName, startImportUploadJob } from '@/lib/backup';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { uploadFileNameHeader } from '@/server-actions/backup-schemas';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Upload of a backup file (admin, like a folder import: what is uploaded can later be restored over
 * the live database), streamed to a temp file in the stack's backup folder and fsynced before the
 * import job renames it into the catalogue (format detected from the bytes, checksum, verification,
 * manifest). The browser's file name (`X-File-Name`, URI-encoded) is kept for display only.
 */
export async function POST(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute(ACTION_ROLE.restore, 'backups.import', request);
  if (gate instanceof Response) return gate;
  const { name } = await params;
  const named = uploadFileNameHeader.safeParse(request.headers.get('x-file-name') ?? 'upload');
  if (!named.success) {
    const error = named.error.issues[0]?.message ?? 'Not a file name.';
    recordAudit({ actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: 'backups.import', stack: name, result: 'error', detail: error });
    return Response.json({ error }, { status: 400, headers: NO_STORE });
  }
  let temp: string | null = null;
  try {
    const stack = getStack(name);
    if (!request.body) return Response.json({ error: 'The upload is empty.' }, { status: 400, headers: NO_STORE });
    const original = displayName(named.data);
    temp = path.join(backupDir(stack), `${TEMP_PREFIX}upload-${randomBytes(6).toString('hex')}`);
    // Same sink as a backup: written with backpressure and fsynced before it counts as received.
    const sink = new HashingFileSink(temp);
    await pipeline(Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>), sink);
    if (sink.bytes === 0) throw new Error('empty');
    const { job } = startImportUploadJob(stack, { tempPath: temp, originalName: original }, gate.user.username);
    temp = null; // The job owns it now.
    recordAudit({ actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: 'backups.import', stack: name, target: original, result: 'ok', detail: `job #${job.id}` });
    return Response.json({ jobId: job.id, message: `Uploaded ${original}; import #${job.id} started.` }, { headers: NO_STORE });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const error = code === 'ENOSPC' ? 'The disk holding the backup folder is full; the upload was not kept.'
      : (e as Error).message === 'empty' ? 'The uploaded file is empty.' : userMessageOf(e);
    const status = isOpsdeckError(e) ? (e.code === 'conflict' ? 409 : e.code === 'not_found' ? 404 : 400) : code === 'ENOSPC' ? 507 : 400;
    recordAudit({ actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: 'backups.import', stack: name, result: 'error', detail: error });
    return Response.json({ error }, { status, headers: NO_STORE });
  } finally {
    if (temp) fs.rmSync(temp, { force: true });
  }
}
