import { ACTION_ROLE } from '@/lib/auth/roles';
import { restorePreview } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { backupRefInput } from '@/server-actions/backup-schemas';
import { defineRoute } from '@/server-actions/define-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// What the restore dialog shows before an admin confirms (read-only: nothing changes here).
export const GET = defineRoute({
  rule: { action: 'backups.preview', role: ACTION_ROLE.restore, stack: 'name' },
  input: ({ params }) => ({ stack: params.name, backupId: params.id }),
  schema: backupRefInput,
  run: async ({ stack, backupId }) => ({ body: await restorePreview(getStack(stack), backupId) }),
});
