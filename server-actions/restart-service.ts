'use server';

import { ACTION_ROLE } from '@/lib/auth/roles';
import { defineAction } from './define-action';
import { describeLifecycle, lifecycleInput, runLifecycleAction } from './lifecycle-input';

/** Restart one service of a stack, or the whole stack when no service is given (operator and above). */
export const restartService = defineAction({
  name: 'stack.restart',
  role: ACTION_ROLE.restart,
  schema: lifecycleInput,
  describe: describeLifecycle,
  run: (i) => runLifecycleAction('restart', i),
});
