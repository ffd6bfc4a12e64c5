import fs from 'node:fs';
import { Readable } from 'node:stream';
import { recordAudit } from '@/lib/audit';
import { getBackup } from '@/lib/backup';
import { backupDownloadRoleFor } from '@/lib/backup/download-role';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const STATUS: Record<string, number> = { not_found: 404, invalid_input: 400 };

// Streams one backup file (admin by default; opsdeck.yaml `backups.download` per stack). The id is
// checked against the catalogue; the file name sent is the catalogue's, never the one in the URL.
export async function GET(request: Request, { params }: { params: Promise<{ name: string; id: string }> }) {
  const { name, id } = await params;
  const gate = await guardRoute(backupDownloadRoleFor(name), 'backups.download', request);
  if (gate instanceof Response) return gate;
  try {
    const entry = getBackup(getStack(name), id);
    const stat = fs.statSync(entry.dumpPath);
    recordAudit({ actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: 'backups.download', stack: name, target: entry.id, result: 'ok' });
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
  } catch (e) {
    return Response.json({ error: userMessageOf(e) }, { status: isOpsdeckError(e) ? (STATUS[e.code] ?? 500) : 500, headers: { 'Cache-Control': 'no-store' } });
  }
}
