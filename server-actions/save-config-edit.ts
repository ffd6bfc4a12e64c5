'use server';

import { revalidatePath } from 'next/cache';
import { problemTitles, saveEdit } from '@/lib/config-edit';
import { OpsdeckError } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { editInput } from './config-schemas';
import { defineAction } from './define-action';
import { say, sayIn } from '@/lib/i18n/server-text';
import { requestLocale } from './session';

/** Save = validate, then compare-and-swap on the version the form was based on. */
export const saveConfigEdit = defineAction({
  name: 'config.save',
  role: 'admin',
  schema: editInput,
  describe: (i) => ({ stack: i.stack, target: i.kind }),
  run: async ({ stack: name, ...input }, { user }) => {
    const stack = getStack(name);
    const result = await saveEdit(stack, input, user.username);
    if (!result.saved) {
      // A failed check is an error of the action (audited as such); the page shows the checks from its preview.
      throw new OpsdeckError('invalid_input', say('errors.config.notSavedProblems', { problems: problemTitles(result.prepared.validation.errors) }));
    }
    revalidatePath(`/stacks/${stack.name}/config`);
    return { data: { sha: result.saved.after, seq: result.saved.seq, summary: result.saved.summary }, message: sayIn(await requestLocale(), say('changes.savedVersion', { seq: String(result.saved.seq), summary: result.saved.said ?? result.saved.summary })) };
  },
});
