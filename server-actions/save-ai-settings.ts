'use server';

import { revalidatePath } from 'next/cache';
import { problemTitles } from '@/lib/config-edit';
import { saveAiSettings as save } from '@/lib/config-edit/ai-settings';
import { OpsdeckError } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { saveAiEnvSettingsInput } from './ai-health-schemas';
import { defineAction } from './define-action';
import { say, sayIn } from '@/lib/i18n/server-text';
import { requestLocale } from './session';

export const saveAiSettings = defineAction({
  name: 'ai.save-settings',
  role: 'admin',
  schema: saveAiEnvSettingsInput,
  describe: (i) => ({ stack: i.stack, target: i.role }),
  run: async ({ stack: name, baseSha, ...input }, { user }) => {
    const stack = getStack(name);
    const r = await save(stack, input, baseSha, user.username);
    if (!r.saved) throw new OpsdeckError('invalid_input', say('errors.config.notSavedProblems', { problems: problemTitles(r.prepared.validation.errors) }));
    revalidatePath(`/stacks/${stack.name}/ai`);
    return {
      data: { sha: r.saved.after },
      message: sayIn(await requestLocale(), say('changes.savedAiSettings', { seq: String(r.saved.seq), summary: r.saved.said ?? r.saved.summary })),
    };
  },
});
