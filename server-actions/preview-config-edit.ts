'use server';

import { prepareEdit } from '@/lib/config-edit';
import { say, sayIn } from '@/lib/i18n/server-text';
import { getStack } from '@/lib/stacks';
import { editInput } from './config-schemas';
import { defineAction } from './define-action';
import { requestLocale } from './session';

/** "Review changes": the checks and the diff of an edit, nothing written. */
export const previewConfigEdit = defineAction({
  name: 'config.preview',
  role: 'admin',
  schema: editInput,
  describe: (i) => ({ stack: i.stack, target: i.kind }),
  run: async ({ stack: name, ...input }) => {
    // The candidate text stays on the server: it holds the secrets the page only has markers for.
    const { candidate: _candidate, ...prepared } = await prepareEdit(getStack(name), input);
    void _candidate;
    const said = prepared.validation.ok ? say('changes.checksPassed') : say('changes.checksFailed', { count: String(prepared.validation.errors.length) });
    return { data: prepared, message: sayIn(await requestLocale(), said) };
  },
});
