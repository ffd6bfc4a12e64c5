import { ACTION_ROLE } from '@/lib/auth/roles';
import { confirmOwnPassword } from '@/lib/auth/reauth';
import { startRestoreJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { restoreBackupInput } from '@/server-actions/backup-schemas';
import { defineRoute } from '@/server-actions/define-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Starts a restore (admin), with the same confirmation as the page: the stack's name and the
 * caller's password in the JSON body, `{ "confirmName": "demo", "password": "…" }`; for a backup set,
 * `"parts": "database" | "volumes" | "both"` (default: the database).
 */
export const POST = defineRoute({
  rule: { action: 'backups.restore', role: ACTION_ROLE.restore, stack: 'name' },
  input: async ({ params, json }) => {
    const body = await json();
    return { stack: params.name, backupId: params.id, confirmName: body.confirmName, password: body.password, parts: body.parts };
  },
  schema: restoreBackupInput,
  describe: (input) => ({ stack: input.stack, target: input.backupId }),
  run: async (input, { gate }) => {
    // A confirmation by the signed-in admin, not a sign-in: the sign-in throttle does not apply.
    await confirmOwnPassword(gate.user.id, input.password);
    const { job } = startRestoreJob(getStack(input.stack), input.backupId, gate.user.username, { parts: input.parts });
    return { status: 202, body: { jobId: job.id }, detail: `job #${job.id}` };
  },
});
