'use server';

import { revealSecret } from '@/lib/config-edit';
import { getStack } from '@/lib/stacks';
import { revealInput } from './config-schemas';
import { defineAction } from './define-action';

/** The one way a secret's value reaches a browser: asked for by name, by an admin, audited (the key, never the value). */
export const revealEnvSecret = defineAction({
  name: 'config.reveal-secret',
  role: 'admin',
  schema: revealInput,
  describe: (i) => ({ stack: i.stack, target: i.key }),
  run: async (i) => ({ data: { key: i.key, value: revealSecret(getStack(i.stack), i.key) } }),
});
