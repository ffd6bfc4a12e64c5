'use server';

import { ACTION_ROLE } from '@/lib/auth/roles';
import { defineAction } from './define-action';
import { describeLifecycle, lifecycleInput, runLifecycleAction } from './lifecycle-input';

/** Start one service of a stack, or the whole stack when no service is given (operator and above). */
export const startService = defineAction({
  name: 'stack.start',
  role: ACTION_ROLE.restart,
  schema: lifecycleInput,
  describe: describeLifecycle,
  run: (i) => runLifecycleAction('start', i),
});
