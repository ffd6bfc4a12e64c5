'use server';

import { prepareEdit } from '@/lib/config-edit';
import { getStack } from '@/lib/stacks';
import { editInput } from './config-schemas';
import { defineAction } from './define-action';

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
    return { data: prepared, message: prepared.validation.ok ? 'Checks passed; review the changes, then save.' : `${prepared.validation.errors.length} check(s) failed: nothing can be saved yet.` };
  },
});
