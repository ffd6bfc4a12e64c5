'use server';

import { revalidatePath } from 'next/cache';
import { addAiProvider as add } from '@/lib/ai-health';
import { defineAction } from './define-action';
import { addProviderInput } from './ai-health-schemas';
import { say } from '@/lib/i18n/server-text';

export const addAiProvider = defineAction({
  name: 'ai.provider-add',
  role: 'admin',
  schema: addProviderInput,
  // The key is never part of the audit record.
  describe: (i) => ({ stack: i.stack, target: `${i.label} (${i.kind} ${i.role} ${i.model})` }),
  run: async (i, ctx) => {
    const { id } = add({ ...i, createdBy: ctx.user.username });
    revalidatePath(`/stacks/${i.stack}/ai`);
    return { data: { id }, message: say('done.providerAdded', { label: i.label }) };
  },
});
