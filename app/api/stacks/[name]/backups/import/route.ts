import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { HashingFileSink, TEMP_PREFIX, backupDir, displayName, startImportUploadJob } from '@/lib/backup';
import { OpsdeckError, isOpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getStack } from '@/lib/stacks';
import { stackField, uploadFileNameHeader } from '@/server-actions/backup-schemas';
import { defineRoute } from '@/server-actions/define-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Upload of a backup file (admin, like a folder import: what is uploaded can later be restored over
 * the live database), streamed to a temp file in the stack's backup folder and fsynced before the
 * import job renames it into the catalogue (format detected from the bytes, checksum, verification,
 * manifest). The browser's file name (`X-File-Name`, URI-encoded) is kept for display only.
 */
export const POST = defineRoute({
  rule: { action: 'backups.import', role: ACTION_ROLE.restore, stack: 'name' },
  input: ({ params, headers }) => ({ stack: params.name, fileName: headers.get('x-file-name') ?? 'upload' }),
  schema: z.object({ stack: stackField, fileName: uploadFileNameHeader }),
  describe: (input) => ({ stack: input.stack, target: displayName(input.fileName) }),
  run: async (input, { gate, request }) => {
    const stack = getStack(input.stack);
    if (!request.body) throw new OpsdeckError('invalid_input', say('errors.backup.uploadEmpty'));
    const original = displayName(input.fileName);
    let temp: string | null = path.join(backupDir(stack), `${TEMP_PREFIX}upload-${randomBytes(6).toString('hex')}`);
    try {
      // Same sink as a backup: written with backpressure and fsynced before it counts as received.
      const sink = new HashingFileSink(temp);
      await pipeline(Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>), sink);
      if (sink.bytes === 0) throw new OpsdeckError('invalid_input', say('errors.backup.uploadedFileEmpty'));
      const { job } = startImportUploadJob(stack, { tempPath: temp, originalName: original }, gate.user.username);
      temp = null; // The job owns it now.
      const said = say('changes.importStarted', { file: original, id: String(job.id) });
      return { body: { jobId: job.id, message: said.text, said }, detail: `job #${job.id}` };
    } catch (e) {
      if (isOpsdeckError(e)) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new OpsdeckError('storage_full', say('errors.backup.uploadDiskFull'), { cause: e });
      // The client went away or sent a broken stream: nothing was kept.
      throw new OpsdeckError('invalid_input', say('errors.backup.uploadIncomplete'), { cause: e });
    } finally {
      if (temp) fs.rmSync(temp, { force: true });
    }
  },
});
