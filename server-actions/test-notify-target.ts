'use server';

import { revalidatePath } from 'next/cache';
import { deliver, getTarget } from '@/lib/notify';
import { OpsdeckError } from '@/lib/errors';
import { defineAction } from './define-action';
import { targetRefInput } from './notify-schemas';
import { say } from '@/lib/i18n/server-text';

export const testNotifyTarget = defineAction({
  name: 'notify.test',
  role: 'admin',
  schema: targetRefInput,
  describe: (i) => ({ stack: i.stack, target: `webhook #${i.id}` }),
  run: async (i, { user }) => {
    const target = getTarget(i.stack, i.id);
    // One try, no retries: the admin is waiting for the answer.
    const title = say('notify.testTitle');
    const text = say('notify.testText', { user: user.username });
    const r = await deliver(target, { event: 'test', stack: i.stack, severity: 'info', title: title.text, text: text.text, said: { title, text }, at: new Date().toISOString() }, []);
    revalidatePath(`/stacks/${i.stack}/notifications`);
    if (!r.ok) throw new OpsdeckError('conflict', say('errors.notify.testFailed', { error: String(r.error) }));
    return { data: r, message: 'Test message delivered.' };
  },
});
