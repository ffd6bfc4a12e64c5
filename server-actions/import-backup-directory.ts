'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { startImportDirectoryJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { importDirectoryInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

/**
 * Imports every backup in a folder of the Opsdeck host (admin: it names a server path). Files are
 * copied into the stack's backup folder and verified; the folder itself is left as it is.
 */
export const importBackupDirectory = defineAction({
  name: 'backups.import-directory',
  role: ACTION_ROLE.restore,
  schema: importDirectoryInput,
  describe: (i) => ({ stack: i.stack, target: i.directory }),
  run: async (i, ctx) => {
    const { job } = startImportDirectoryJob(getStack(i.stack), i.directory, ctx.user.username);
    revalidatePath(`/stacks/${i.stack}/backups`);
    return { data: { jobId: job.id }, message: say('done.importStarted', { id: job.id }) };
  },
});
