import { z } from 'zod';
import { STACK_NAME } from '@/lib/stacks/config-schema';
import { TAG } from '@/lib/deploy/upgrade';

// Schemas of the deploy page's forms, shared by their actions.
export const stackInput = z.object({ stack: z.string().regex(STACK_NAME, { error: 'unknown stack' }) });
export const upgradeInput = stackInput.extend({
  targetTag: z.string().trim().regex(TAG, { error: 'a tag may contain letters, digits, ".", "_" and "-" only' }),
  runMigrations: z.enum(['on', 'off']).optional().transform((v) => v === 'on'),
});
export const lifecycleInput = stackInput.extend({ action: z.enum(['start', 'stop', 'restart']) });
