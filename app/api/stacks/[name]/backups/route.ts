import { ACTION_ROLE } from '@/lib/auth/roles';
import { listBackups, startBackupJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { createBackupInput, stackField } from '@/server-actions/backup-schemas';
import { defineRoute } from '@/server-actions/define-route';
import { z } from 'zod';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The catalogue as JSON (viewer): manifests only, never file paths.
export const GET = defineRoute({
  rule: { action: 'backups.list', role: 'viewer', stack: 'name' },
  input: ({ params }) => ({ stack: params.name }),
  schema: z.object({ stack: stackField }),
  run: async ({ stack }) => ({ body: listBackups(getStack(stack)).map((e) => ({ ...e.manifest, problem: e.problem })) }),
});

// Starts a backup (operator), for scripts and external schedulers: `{ "testRestore": true }` optional.
export const POST = defineRoute({
  rule: { action: 'backups.create', role: ACTION_ROLE.backup, stack: 'name' },
  input: async ({ params, json }) => ({ stack: params.name, testRestore: (await json()).testRestore === true }),
  schema: createBackupInput,
  run: async (input, { gate }) => {
    const { job } = startBackupJob(getStack(input.stack), { by: gate.user.username, testRestore: input.testRestore });
    return { status: 202, body: { jobId: job.id }, detail: `job #${job.id}` };
  },
});
