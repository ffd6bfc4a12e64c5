'use server';

import { revalidatePath } from 'next/cache';
import { removeAiProvider as remove } from '@/lib/ai-health';
import { defineAction } from './define-action';
import { removeProviderInput } from './ai-health-schemas';
import { say } from '@/lib/i18n/server-text';

export const removeAiProvider = defineAction({
  name: 'ai.provider-remove',
  role: 'admin',
  schema: removeProviderInput,
  describe: (i) => ({ stack: i.stack, target: i.dep }),
  run: async (i) => {
    const { label } = remove(i.stack, i.dep);
    revalidatePath(`/stacks/${i.stack}/ai`);
    return { data: null, message: say('done.providerRemoved', { label }) };
  },
});
