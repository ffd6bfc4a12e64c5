'use server';

import { revalidatePath } from 'next/cache';
import { deleteTarget } from '@/lib/notify';
import { defineAction } from './define-action';
import { targetRefInput } from './notify-schemas';
import { say } from '@/lib/i18n/server-text';

export const deleteNotifyTarget = defineAction({
  name: 'notify.delete',
  role: 'admin',
  schema: targetRefInput,
  describe: (i) => ({ stack: i.stack, target: `webhook #${i.id}` }),
  run: async (i) => {
    deleteTarget(i.stack, i.id);
    revalidatePath(`/stacks/${i.stack}/notifications`);
    return { data: null, message: say('done.webhookRemoved') };
  },
});
