'use server';

import { ACTION_ROLE } from '@/lib/auth/roles';
import { defineAction } from './define-action';
import { describeLifecycle, lifecycleInput, runLifecycleAction } from './lifecycle-input';

/** Stop one service of a stack, or the whole stack when no service is given (operator and above). */
export const stopService = defineAction({
  name: 'stack.stop',
  role: ACTION_ROLE.restart,
  schema: lifecycleInput,
  describe: describeLifecycle,
  run: (i) => runLifecycleAction('stop', i),
});
