'use server';

import { revalidatePath } from 'next/cache';
import { restoreBefore } from '@/lib/config-edit';
import { getStack } from '@/lib/stacks';
import { undoInput } from './config-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

export const undoConfigEdit = defineAction({
  name: 'config.undo',
  role: 'admin',
  schema: undoInput,
  describe: (i) => ({ stack: i.stack, target: `${i.kind} ${i.seq === 'last' ? 'last change' : `before version ${i.seq}`}` }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const v = restoreBefore(stack, i.kind, i.seq, i.baseSha, user.username);
    revalidatePath(`/stacks/${stack.name}/config`);
    return { data: { sha: v.after, seq: v.seq }, message: say('done.restoredVersion', { seq: String(v.seq) }) };
  },
});
