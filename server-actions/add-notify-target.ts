'use server';

import { revalidatePath } from 'next/cache';
import { addTarget, targetInputSchema } from '@/lib/notify';
import { OpsdeckError } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { addTargetInput } from './notify-schemas';

export const addNotifyTarget = defineAction({
  name: 'notify.add',
  role: 'admin',
  schema: addTargetInput,
  describe: (i) => ({ stack: i.stack, target: `${i.name} (${i.format})` }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const options = {
      secret: i.secret,
      chatId: i.chatId,
      from: i.emailFrom,
      to: i.emailTo ? i.emailTo.split(/[,;\s]+/).filter(Boolean) : undefined,
      lang: i.lang,
    };
    const parsed = targetInputSchema.safeParse({ ...i, options });
    if (!parsed.success) throw new OpsdeckError('invalid_input', parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '));
    addTarget(stack.name, parsed.data, user.username);
    revalidatePath(`/stacks/${stack.name}/notifications`);
    return { data: null, message: `Webhook ${parsed.data.name} added.` };
  },
});
