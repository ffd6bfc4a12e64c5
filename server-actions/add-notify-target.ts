'use server';

import { revalidatePath } from 'next/cache';
import { addTarget, parseTargetInput } from '@/lib/notify';
import { say, sayIn } from '@/lib/i18n/server-text';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { requestLocale } from './session';
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
    const target = parseTargetInput({ ...i, options });
    addTarget(stack.name, target, user.username);
    revalidatePath(`/stacks/${stack.name}/notifications`);
    return { data: null, message: sayIn(await requestLocale(), say('changes.notifyTargetAdded', { name: target.name })) };
  },
});
