import fs from 'node:fs';
import { Readable } from 'node:stream';
import { getBackup } from '@/lib/backup';
import { backupDownloadRoleFor } from '@/lib/backup/download-role';
import { getStack } from '@/lib/stacks';
import { backupRefInput } from '@/server-actions/backup-schemas';
import { defineRoute } from '@/server-actions/define-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Streams one backup file (admin by default; opsdeck.yaml `backups.download` per stack). The id is
// checked against the catalogue; the file name sent is the catalogue's, never the one in the URL.
export const GET = defineRoute({
  rule: { action: 'backups.download', role: (p) => backupDownloadRoleFor(p.name), stack: 'name' },
  input: ({ params }) => ({ stack: params.name, backupId: params.id }),
  schema: backupRefInput,
  // A copy of the data leaves the host: recorded like a change.
  audit: true,
  describe: (input) => ({ stack: input.stack, target: input.backupId }),
  run: async ({ stack, backupId }) => {
    const entry = getBackup(getStack(stack), backupId);
    const stat = fs.statSync(entry.dumpPath);
    const body = Readable.toWeb(fs.createReadStream(entry.dumpPath, { highWaterMark: 1024 * 1024 })) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(stat.size),
        'Content-Disposition': `attachment; filename="${entry.fileName}"`,
        'X-Backup-Sha256': entry.manifest.sha256,
        'Cache-Control': 'no-store',
      },
    });
  },
});
