'use server';

import { testAiSettings as test } from '@/lib/config-edit/ai-settings';
import { getStack } from '@/lib/stacks';
import { aiEnvSettingsInput } from './ai-health-schemas';
import { defineAction } from './define-action';

/** "Test before saving": a deep probe of the values in the form; nothing is written or recorded. */
export const testAiSettings = defineAction({
  name: 'ai.test-settings',
  role: 'admin',
  schema: aiEnvSettingsInput,
  describe: (i) => ({ stack: i.stack, target: i.role }),
  run: async ({ stack, ...input }) => {
    const r = await test(getStack(stack), input);
    // A failing provider is the test's answer, shown in the form, not an error of the action.
    return { data: { ok: r.ok }, message: r.ok ? `Test of ${r.label}: OK, ${r.message} (${r.latencyMs} ms). You can save.` : `Test of ${r.label} failed: ${r.message}` };
  },
});
