import { z } from 'zod';
import { TAG } from '@/lib/deploy/upgrade';
import { stackNameSchema } from './input-schemas';

// Schemas of the deploy page's forms, shared by their actions.
export const stackInput = z.object({ stack: stackNameSchema });
export const upgradeInput = stackInput.extend({
  targetTag: z.string().trim().regex(TAG, { error: 'a tag may contain letters, digits, ".", "_" and "-" only' }),
  runMigrations: z.enum(['on', 'off']).optional().transform((v) => v === 'on'),
});
export const lifecycleInput = stackInput.extend({ action: z.enum(['start', 'stop', 'restart']) });
